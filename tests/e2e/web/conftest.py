"""A real server (``overdue serve`` in a subprocess) and a real Chromium on a phone-sized screen.

Chromium is Debian's (/usr/bin/chromium, installed by scripts/system-deps.sh), driven by
Playwright with ``executable_path``; Playwright's own browser downloads are not used. Every
page records the requests it makes, and any request to another host than the server is
aborted (and recorded), so a test can assert the page never reached out.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from tests.e2e.web.web_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    EXE,
    PHONE,
    Traffic,
    free_port,
    wait_until_up,
)


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """The base URL of ``overdue serve`` on a free loopback port."""
    for _attempt in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = subprocess.Popen(
            [EXE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            wait_until_up(url, process)
        except RuntimeError:
            process.kill()
            process.wait(10)
            continue  # the port was taken between probing and binding: try another
        try:
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        return
    raise RuntimeError("could not start overdue serve")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is not installed (make test installs it: scripts/system-deps.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(browser: Browser, server: str, traffic: Traffic) -> Iterator[Page]:
    """A fresh phone-sized page (no shared cookies or cache) on the server; after the test,
    no request may have gone to another host."""
    own = urlsplit(server).netloc
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        accept_downloads=True,
    )

    def route(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == own:
            traffic.local.append(url)
            route.continue_()
        else:
            traffic.foreign.append(url)
            route.abort()

    context.route("**/*", route)
    new_page = context.new_page()
    # The CSP stops a load from another origin before any request is made; count those too.
    new_page.on(
        "console",
        lambda message: (
            traffic.foreign.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    new_page.set_default_timeout(15_000)
    yield new_page
    context.close()
    # Whatever the test did, the page never reached for another host.
    assert traffic.foreign == [], traffic.foreign
