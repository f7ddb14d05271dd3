"""The web app in-process (Starlette's TestClient); server errors come back as responses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from overdue.web.app import create_app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # raise_server_exceptions=False: a crash must show as the 500 a user would get, so the
    # tests can assert it never happens.
    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client
