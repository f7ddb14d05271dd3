"""``overdue serve`` as an operator runs it: options, and nothing submitted reaches its log."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
import urllib.request

import pytest
from tests.e2e.web.web_harness import EXE, free_port, wait_until_up

pytestmark = pytest.mark.e2e

MARKER = "借款人张三身份证110101199001011234"


def test_serve_keeps_no_log_of_what_was_submitted() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [EXE, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until_up(url, process)
        api = urllib.request.Request(
            url + "/api/borrower/message",
            data=json.dumps({"text": MARKER}).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(api, timeout=10) as response:
            assert response.status == 200
            assert "set-cookie" not in response.headers
        form = urllib.parse.urlencode({"text": MARKER, "received_at": "2025-01-15T23:30"})
        with urllib.request.urlopen(url + "/message", data=form.encode(), timeout=10) as page:
            assert page.status == 200
        bad = urllib.request.Request(
            url + "/api/borrower/deadline",
            data=json.dumps({"kind": MARKER, "received_on": MARKER}).encode(),
            headers={"content-type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad, timeout=10)
        assert refused.value.code == 422
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    log = out.decode() + err.decode()
    assert "Uvicorn running on" in log  # the log is there, and it is about the server only
    assert MARKER not in log
    assert "110101199001011234" not in log
    assert "POST /" not in log  # no access log


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_serve_refuses_a_port_that_is_not_one(port: str) -> None:
    done = subprocess.run(
        [EXE, "serve", "--port", port], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert "--port" in done.stderr
