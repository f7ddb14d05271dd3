"""The README documents what the code does: its schema section is the schema the loader enforces."""

from __future__ import annotations

from pathlib import Path

import pytest

from overdue.portfolio.schema import schema_text

pytestmark = pytest.mark.unit

README = Path(__file__).parents[2] / "README.md"


def embedded(text: str) -> str:
    """schema_text() as embedded in the README: title dropped, headings two levels down."""
    lines = []
    for line in text.splitlines():
        if line.startswith("# "):
            continue
        lines.append("####" + line[2:] if line.startswith("## ") else line)
    return "\n".join(lines).strip()


def test_the_readme_schema_section_is_the_enforced_schema() -> None:
    readme = README.read_text(encoding="utf-8")
    start = readme.index("<!-- schema:start -->") + len("<!-- schema:start -->")
    end = readme.index("<!-- schema:end -->")
    assert readme[start:end].strip() == embedded(schema_text())


def test_the_readme_opens_with_the_two_setup_commands() -> None:
    first_block = README.read_text(encoding="utf-8").split("```")[1]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]
