"""The pages in a real browser: they load, navigate, fit a phone, and never leave the server."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.e2e.web.web_harness import PHONE, Traffic

pytestmark = pytest.mark.e2e

SECTIONS = {
    "/owe": "我到底欠多少",
    "/caseno": "案号真假",
    "/message": "这条催收短信合法吗",
    "/deadline": "我的期限",
    "/plan": "还款计划与协商信",
}


def test_overdue_serve_answers_health_and_openapi(server: str) -> None:
    with urllib.request.urlopen(server + "/healthz", timeout=5) as response:
        assert json.load(response) == {"status": "ok"}
    with urllib.request.urlopen(server + "/openapi.json", timeout=5) as response:
        spec = json.load(response)
    assert "/api/borrower/case-number" in spec["paths"]


def test_home_links_to_every_section_and_each_opens(page: Page, server: str) -> None:
    page.goto(server + "/")
    expect(page.locator("h1")).to_contain_text("先把账算清楚")
    for path, title in SECTIONS.items():
        page.goto(server + "/")
        page.locator(f"ul.cards a[href='{path}']").click()
        page.wait_for_url(server + path)
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator(f"nav a[href='{path}']")).to_have_attribute("aria-current", "page")


@pytest.mark.parametrize("path", ["/", *SECTIONS, "/docs"])
def test_pages_fit_a_phone_and_make_no_request_to_another_host(
    page: Page, server: str, traffic: Traffic, path: str
) -> None:
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    assert traffic.foreign == []
    assert traffic.local  # the page and its style sheet came from the server
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    # The style sheet applied (system fonts only, nothing downloaded).
    colour = page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")
    assert colour == "rgb(29, 95, 168)"
    assert page.context.cookies() == []


def test_every_form_works_with_javascript_off(browser: Browser, server: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server + "/caseno")
        page.fill("#text", "(2024)浙0192民初1779号")
        page.get_by_role("button", name="查一查").click()
        expect(page.locator("#answer .verdict")).to_contain_text("案号格式有效")
        page.goto(server + "/deadline")
        page.select_option("#kind", "complaint")
        page.fill("#received_on", "2025-03-03")
        page.get_by_role("button", name="算一算").click()
        expect(page.locator("#answer .last-day")).to_have_text("2025-03-18")
    finally:
        context.close()
