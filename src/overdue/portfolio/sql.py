"""DuckDB for the portfolio modules: connections, and quoting for the SQL they generate."""

from __future__ import annotations

import duckdb

__all__ = ["connect", "identifier", "literal"]


def connect(
    database: str = ":memory:", **config: str | bool | int | float | list[str]
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never draws its own progress bar on the user's terminal (the
    commands show Rich progress; DuckDB's bar would interleave with their output)."""
    con = duckdb.connect(database, config=config)
    con.execute("SET enable_progress_bar = false")
    return con


def identifier(name: str) -> str:
    """A quoted identifier: ``a"b`` -> ``"a""b"``."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string literal: ``it's`` -> ``'it''s'``."""
    return "'" + text.replace("'", "''") + "'"
