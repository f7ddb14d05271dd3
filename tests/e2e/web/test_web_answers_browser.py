"""Each section in a real Chromium on a phone: fill the form, submit, read the answer.

Synthetic data; expected results are worked out by hand or independently (see each test).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.web.web_harness import PHONE, Traffic

pytestmark = pytest.mark.e2e


def answer_in_view(page: Page) -> None:
    """The verdict is the first thing on the page after submitting, and nothing overflows."""
    verdict = page.locator("#answer .verdict")
    expect(verdict).to_be_visible()
    box = verdict.bounding_box()
    assert box is not None
    assert box["y"] < PHONE["height"]  # on the first screen, no scrolling needed
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_message_threat_at_night_is_called_abusive(
    page: Page, server: str, traffic: Traffic
) -> None:
    page.goto(server + "/message")
    page.fill("#text", "你已被立案，今天不还款将上门并通知你的家人和单位。")
    page.fill("#received_at", "2025-01-15T23:30")
    page.get_by_role("button", name="看看合不合法").click()
    answer_in_view(page)
    expect(page.locator("#answer")).to_have_class("answer tone-bad")
    expect(page.locator("#answer .verdict")).to_contain_text("违规催收")
    expect(page.locator("#answer")).to_contain_text("22:00")  # the quiet-hours flag
    expect(page.locator("#answer ul.todo li").first).to_be_visible()
    assert traffic.foreign == []


def test_message_polite_reminder_is_called_lawful(page: Page, server: str) -> None:
    page.goto(server + "/message")
    page.fill("#text", "尊敬的客户，您的借款已逾期5天，请于本月20日前通过官方APP还款。")
    page.get_by_role("button", name="看看合不合法").click()
    answer_in_view(page)
    expect(page.locator("#answer")).to_have_class("answer tone-good")
    expect(page.locator("#answer .verdict")).to_contain_text("未发现")


def test_message_empty_box_is_not_submitted(page: Page, server: str) -> None:
    page.goto(server + "/message")
    # The box is required: the browser does not submit an empty message.
    page.get_by_role("button", name="看看合不合法").click()
    assert page.url == server + "/message"
    expect(page.locator("#answer")).to_have_count(0)
