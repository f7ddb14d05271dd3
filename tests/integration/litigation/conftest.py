"""The planted portfolio (tests/planted.py), once for the litigation integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.planted import make_planted


@pytest.fixture(scope="package")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(portfolio dir, nightly run dir) as of AS_OF."""
    return make_planted(tmp_path_factory.mktemp("planted"))
