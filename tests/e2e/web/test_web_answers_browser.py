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
    # On the screen the browser shows after submitting (the page top, or the form's section
    # for the forms that post to a #fragment), without scrolling.
    expect(verdict).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Tables of figures fit the phone too (no sideways scrolling inside them either).
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth).length"
    )
    assert overflowing == 0


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


def test_case_number_pasted_from_a_message_is_checked(page: Page, server: str) -> None:
    page.goto(server + "/caseno")
    page.fill("#text", "【催收】您的案件(2024)浙0192民初1779号已立案，请速还款。")
    page.get_by_text("按另一天计算").click()  # open the details
    page.fill("#as_of", "2026-11-23")
    page.get_by_role("button", name="查一查").click()
    answer_in_view(page)
    expect(page.locator("#answer .verdict")).to_contain_text("案号格式有效")
    expect(page.locator("#answer .case-number")).to_have_text("（2024）浙0192民初1779号")
    expect(page.locator("#answer")).to_contain_text("杭州互联网法院")
    expect(page.locator("#answer ul.todo")).to_contain_text("12368")


def test_case_number_with_a_future_year_is_invalid(page: Page, server: str) -> None:
    page.goto(server + "/caseno")
    page.fill("#text", "（2027）京0105民初99号")
    page.get_by_text("按另一天计算").click()
    page.fill("#as_of", "2026-11-23")
    page.get_by_role("button", name="查一查").click()
    answer_in_view(page)
    expect(page.locator("#answer")).to_have_class("answer tone-bad")
    expect(page.locator("#answer .verdict")).to_contain_text("案号无效")
    expect(page.locator("#answer ul.why")).to_contain_text("2027")


def test_deadline_after_a_judgment_shows_the_last_day_after_the_holiday(
    page: Page, server: str
) -> None:
    # Served 2025-09-20; day 15 = 2025-10-05 (National Day holiday) -> 2025-10-09, 14 days
    # after 2025-09-25 (worked by hand, 民事诉讼法 Arts. 85 and 171).
    page.goto(server + "/deadline")
    page.select_option("#kind", "judgment")
    page.fill("#received_on", "2025-09-20")
    page.get_by_text("按另一天计算").click()
    page.fill("#as_of", "2025-09-25")
    page.get_by_role("button", name="算一算").click()
    answer_in_view(page)
    expect(page.locator("#answer .last-day")).to_have_text("2025-10-09")
    expect(page.locator("#answer .days-left")).to_have_text("14 天")
    expect(page.locator("#answer .verdict")).to_contain_text("上诉")


def test_deadline_small_claims_judgment_cannot_be_appealed(page: Page, server: str) -> None:
    page.goto(server + "/deadline")
    page.select_option("#kind", "judgment")
    page.fill("#received_on", "2025-09-20")
    page.check("input[name=small_claims]")
    page.get_by_role("button", name="算一算").click()
    answer_in_view(page)
    expect(page.locator("#answer .verdict")).to_contain_text("不能上诉")
    expect(page.locator("#answer .last-day")).to_have_count(0)


def test_apr_of_a_regular_schedule_is_computed_and_compared_with_the_cap(
    page: Page, server: str
) -> None:
    # 10,000 received, 12 x 1,000: monthly IRR 2.9229 %, x 12 = 35.07 % (the borrower module's
    # worked example, checked independently in tests/integration/web/test_web_answers.py).
    page.goto(server + "/owe")
    page.fill("#apr-received", "10,000")
    page.fill("#apr-disbursed_on", "2025-01-01")
    page.fill("[id='apr-schedule.count']", "12")
    page.fill("[id='apr-schedule.amount']", "1000")
    page.fill("[id='apr-schedule.first_on']", "2025-02-01")
    page.get_by_role("button", name="算真实年化利率").click()
    answer_in_view(page)
    expect(page.locator("#apr .rate")).to_have_text("35.07%")
    expect(page.locator("#apr #answer")).to_have_class("answer tone-bad")
    expect(page.locator("#apr #answer .verdict")).to_contain_text("超过")


def test_apr_from_payment_lines_names_the_bad_line(page: Page, server: str) -> None:
    page.goto(server + "/owe")
    page.fill("#apr-received", "10000")
    page.fill("#apr-disbursed_on", "2025-01-01")
    page.check("input[name=mode][value=payments]")
    page.fill("#apr-payments_text", "2025-02-01 5000\n2025-03-01 五千")
    page.get_by_role("button", name="算真实年化利率").click()
    alert = page.locator("#apr [role=alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("还款记录第2行金额")
    # What was typed is still there to correct.
    expect(page.locator("#apr-payments_text")).to_have_value("2025-02-01 5000\n2025-03-01 五千")


def test_claim_of_a_bullet_loan_above_the_cap(page: Page, server: str) -> None:
    # Worked by hand in tests/integration/web/test_web_answers.py: 10,000 at 36 % for a month,
    # unpaid for 30 days; lawful 10,000 + 24 % x 61/365 of 10,000 = 10,401.10.
    page.goto(server + "/owe#claim")
    page.fill("#claim-principal", "10000")
    page.fill("#claim-disbursed_on", "2025-01-01")
    page.fill("#claim-term_months", "1")
    page.select_option("#claim-method", "bullet")
    page.fill("#claim-rate", "36%")
    page.fill("#claim-claimed_total", "12000")
    page.locator("#claim").get_by_text("按另一天计算").click()
    page.fill("#claim-as_of", "2025-03-03")
    page.get_by_role("button", name="核对金额").click()
    answer_in_view(page)
    expect(page.locator("#claim .lawful-total")).to_have_text("10,401.10 元")
    expect(page.locator("#claim .difference")).to_have_text("1,598.90 元")
    expect(page.locator("#claim table")).to_contain_text("罚息")


def test_plan_then_download_the_letter_as_docx_and_pdf(page: Page, server: str) -> None:
    page.goto(server + "/plan")
    page.fill("#debt", "12000")
    page.fill("#monthly_income", "5000")
    page.fill("#monthly_expenses", "4000")
    page.get_by_role("button", name="算还款计划").click()
    answer_in_view(page)
    expect(page.locator("tr.recommended td").first).to_have_text("12 个月")
    expect(page.locator(".budget")).to_have_text("1,000.00 元")

    page.fill("#lender_name", "某某消费金融有限公司")
    page.fill("#borrower_name", "张三")
    page.fill("#hardship", "失业三个月，正在找工作。")
    for button, suffix, magic in (
        ("下载 Word（DOCX）", ".docx", b"PK"),
        ("下载 PDF", ".pdf", b"%PDF"),
    ):
        with page.expect_download() as info:
            page.get_by_role("button", name=button).click()
        download = info.value
        assert download.suggested_filename == "协商还款申请书" + suffix
        path = download.path()
        assert path.read_bytes().startswith(magic)
    # Downloading leaves the page as it was: the plan is still shown.
    expect(page.locator("tr.recommended")).to_have_count(1)


def test_apr_from_the_contract_terms_counts_the_service_fee(page: Page, server: str) -> None:
    # "0 % interest", 12,000 over 12 months (equal principal) and 100 service fee a month:
    # 1,100 a month for 12,000, a nominal 17.97 % a year (independent IRR in the API tests).
    page.goto(server + "/owe#contract")
    page.fill("#contract-principal", "12000")
    page.fill("#contract-disbursed_on", "2025-01-15")
    page.fill("#contract-term_months", "12")
    page.select_option("#contract-method", "equal-principal")
    page.fill("#contract-rate", "0")
    page.fill("#contract-service_fee", "100")
    page.get_by_role("button", name="按合同算年化").click()
    answer_in_view(page)
    expect(page.locator("#contract .rate")).to_have_text("17.97%")
    expect(page.locator("#contract #answer")).to_have_class("answer tone-good")
