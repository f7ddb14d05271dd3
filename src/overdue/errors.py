"""Errors shared across the domain.

Exceptions are for bad input at the edge and for bugs; batch code reports bad rows as values
(the portfolio loader's rejects) so that one bad loan does not stop a run of millions.
"""

from __future__ import annotations


class OverdueError(Exception):
    """Base class for errors the faces turn into a one-line message and exit status 2."""


class InputError(OverdueError, ValueError):
    """Bad input: names the field (and, for files, the file and row) and what is wrong."""

    def __init__(
        self, field: str, message: str, *, source: str | None = None, row: int | None = None
    ):
        self.field = field
        self.message = message
        self.source = source
        self.row = row
        where = ""
        if source is not None:
            where = f"{source}" + (f", row {row}" if row is not None else "") + ": "
        super().__init__(f"{where}{field}: {message}")


class CalendarCoverageError(OverdueError, LookupError):
    """A date outside the years the holiday calendar covers: we refuse to guess."""


class RuleLookupError(OverdueError, LookupError):
    """No rule in force for the requested date or key."""
