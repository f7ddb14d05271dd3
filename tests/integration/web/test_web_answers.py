"""Each borrower endpoint answers a realistic question, and the page shows the same answer.

Synthetic data only. Expected figures are worked out here by hand or by an independent
computation (stated next to each), not by calling the code under test.
"""

from __future__ import annotations

import re
from decimal import Decimal, localcontext
from typing import Any

import pytest
from starlette.testclient import TestClient

pytestmark = pytest.mark.integration

API = "/api/borrower/"


def ask(client: TestClient, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(API + endpoint, json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert data["summary"]
    assert isinstance(data["lines"], list)
    return data


def verdict_on_page(html: str) -> str:
    match = re.search(r'<h2 class="verdict">([^<]*)</h2>', html)
    assert match, html[:2000]
    return match[1]


# -- 这条催收短信合法吗 ------------------------------------------------------------------------

THREAT = "你已被立案，今天不还款将上门并通知你的家人和单位。"
FRAUD = "【XX法院】您已被起诉，请于今日将欠款转入以下个人账户 6222 0000 1111 2222。"
POLITE = "尊敬的客户，您在本平台的借款已逾期5天，应还1,234.56元，请于本月20日前通过官方APP还款。"


def test_a_threat_to_tell_family_and_employer_at_night_is_abusive(client: TestClient) -> None:
    data = ask(
        client,
        "message",
        {"text": THREAT, "received_at": "2025-01-15T23:30", "as_of": "2025-01-16"},
    )
    assert data["verdict"] == "abusive"
    codes = {flag["code"] for flag in data["flags"]}
    # Telling relatives and the employer (third parties), and 23:30 is inside 22:00-08:00.
    assert {"THIRD_PARTY_CONTACT", "QUIET_HOURS"} <= codes
    assert all(flag["basis"] for flag in data["flags"])
    assert data["advice"]
    assert data["received_at"] == "2025-01-15T23:30:00"


def test_the_same_message_at_noon_has_no_quiet_hours_flag(client: TestClient) -> None:
    data = ask(client, "message", {"text": THREAT, "received_at": "2025-01-15T12:00"})
    assert "QUIET_HOURS" not in {flag["code"] for flag in data["flags"]}


def test_paying_into_a_personal_account_is_fraud(client: TestClient) -> None:
    data = ask(client, "message", {"text": FRAUD, "as_of": "2025-01-16"})
    assert data["verdict"] == "fraud"


def test_a_polite_reminder_is_lawful(client: TestClient) -> None:
    data = ask(client, "message", {"text": POLITE, "as_of": "2025-01-16"})
    assert data["verdict"] == "lawful"
    assert data["flags"] == []


def test_the_message_page_puts_the_verdict_first_then_why_then_what_to_do(
    client: TestClient,
) -> None:
    api = ask(client, "message", {"text": THREAT, "received_at": "2025-01-15T23:30"})
    page = client.post("/message", data={"text": THREAT, "received_at": "2025-01-15T23:30"})
    assert page.status_code == 200
    html = page.text
    assert verdict_on_page(html) == api["summary"]
    verdict, why, todo = (html.index(s) for s in ('class="verdict"', "问题在哪里", "您可以这样做"))
    assert verdict < why < todo
    assert 'class="answer tone-bad"' in html
    assert html.index('id="answer"') < html.index("<form")  # the answer above the form
    assert THREAT in html  # the text stays in the box to correct and resubmit


# -- 案号真假 ----------------------------------------------------------------------------------


def test_a_real_format_case_number_is_explained_with_its_court_and_how_to_verify(
    client: TestClient,
) -> None:
    # (2024)浙0192民初1779号: 浙0192 is 杭州互联网法院, 民初 a first-instance civil case.
    data = ask(client, "case-number", {"text": "(2024)浙0192民初1779号", "as_of": "2026-11-23"})
    assert data["valid"] is True
    assert data["case_number"] == "（2024）浙0192民初1779号"
    assert data["court"] == "杭州互联网法院"
    assert data["stage"] == "一审"
    assert data["is_filed_lawsuit"] is True
    assert any("12368" in line for line in data["verify"])


def test_a_case_number_from_next_year_inside_a_message_is_invalid(client: TestClient) -> None:
    text = "您的案件（2027）京0105民初99号已立案，速还款"
    data = ask(client, "case-number", {"text": text, "as_of": "2026-11-23"})
    assert data["valid"] is False
    assert data["case_number"] == "（2027）京0105民初99号"
    assert any("2027" in finding for finding in data["findings"])


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": None}])
def test_no_case_number_at_all_is_itself_a_finding(
    client: TestClient, body: dict[str, Any]
) -> None:
    data = ask(client, "case-number", {**body, "as_of": "2026-11-23"})
    assert data["valid"] is False
    assert data["case_number"] is None
    assert "没有案号" in data["summary"]


def test_the_case_number_page_shows_court_and_verification_channels(client: TestClient) -> None:
    page = client.post("/caseno", data={"text": "(2024)浙0192民初1779号", "as_of": "2026-11-23"})
    assert page.status_code == 200
    html = page.text
    assert verdict_on_page(html).startswith("案号格式有效")
    assert "杭州互联网法院" in html
    assert html.index("我们看到的") < html.index("怎么核实")
    assert "tone-info" in html  # a valid format is not proof the case exists: not green


# -- 我的期限 ----------------------------------------------------------------------------------

# Worked by hand (民事诉讼法 Art. 85, 171): served 2025-09-20, day 15 is 2025-10-05, inside the
# National Day holiday (10-01..10-08), so the last day is Thursday 2025-10-09; from 2025-09-25
# that is 14 days away.
JUDGMENT = {"kind": "judgment", "received_on": "2025-09-20", "as_of": "2025-09-25"}


def test_appeal_deadline_after_a_judgment_rolls_over_the_national_day_holiday(
    client: TestClient,
) -> None:
    data = ask(client, "deadline", JUDGMENT)
    assert data["last_day"] == "2025-10-09"
    assert data["nominal_last_day"] == "2025-10-05"
    assert data["rolled_over"] is True
    assert data["days_left"] == 14
    assert "上诉" in data["action"]


def test_a_small_claims_judgment_has_no_appeal_period(client: TestClient) -> None:
    data = ask(client, "deadline", {**JUDGMENT, "small_claims": True})
    assert data["last_day"] is None
    assert data["final_on_service"] is True
    assert "不能上诉" in data["summary"]


def test_the_answer_period_already_passed_is_said_plainly(client: TestClient) -> None:
    # Complaint copy received 2025-03-03 (Mon): day 15 is Tuesday 2025-03-18; on 2025-09-25
    # that is 191 days ago.
    data = ask(
        client,
        "deadline",
        {"kind": "complaint", "received_on": "2025-03-03", "as_of": "2025-09-25"},
    )
    assert data["last_day"] == "2025-03-18"
    assert data["days_left"] == -191
    page = client.post(
        "/deadline", data={"kind": "complaint", "received_on": "2025-03-03", "as_of": "2025-09-25"}
    )
    assert "tone-bad" in page.text
    assert '<dt>已经过了</dt><dd class="days-passed">191 天</dd>' in page.text


def test_a_date_beyond_the_holiday_calendar_is_refused_not_guessed(client: TestClient) -> None:
    response = client.post(
        API + "deadline",
        json={"kind": "judgment", "received_on": "2099-12-20", "as_of": "2099-12-21"},
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("无法计算：节假日日历只覆盖")
    page = client.post(
        "/deadline", data={"kind": "judgment", "received_on": "2099-12-20", "as_of": "2099-12-21"}
    )
    assert page.status_code == 422
    assert "节假日日历只覆盖" in page.text


# -- 我到底欠多少 · 真实年化利率 -------------------------------------------------------------------


def monthly_irr(received: Decimal, payments: list[Decimal]) -> Decimal:
    """The monthly rate r with received = sum(p_k / (1 + r)^k), by bisection in Decimal."""
    with localcontext() as ctx:
        ctx.prec = 40
        low, high = Decimal(0), Decimal(1)
        for _ in range(150):
            mid = (low + high) / 2
            present = sum(p / (1 + mid) ** k for k, p in enumerate(payments, start=1))
            low, high = (mid, high) if present > received else (low, mid)
        return low


def test_apr_of_ten_thousand_repaid_by_twelve_thousands_is_above_the_24_percent_cap(
    client: TestClient,
) -> None:
    data = ask(
        client,
        "apr",
        {
            "received": "10000",
            "disbursed_on": "2025-01-01",
            "schedule": {"count": 12, "amount": "1000", "first_on": "2025-02-01"},
            "as_of": "2025-06-01",
        },
    )
    r = monthly_irr(Decimal(10000), [Decimal(1000)] * 12)
    assert abs(Decimal(data["nominal_annual"]) - 12 * r) < Decimal("0.000001")
    assert abs(Decimal(data["effective_annual"]) - ((1 + r) ** 12 - 1)) < Decimal("0.000001")
    assert data["paid_total"] == "12000.00"
    assert data["cost_total"] == "2000.00"
    assert data["cap_rate"] == "0.24"
    assert data["above_cap"] is True
    assert len(data["cashflows"]) == 13


def test_apr_with_a_fee_taken_at_disbursement_counts_only_what_was_left(
    client: TestClient,
) -> None:
    # 10,000 credited, 500 taken back at once: the borrower had 9,500 and repaid 5,000 and
    # 5,500 one and two months later. 9,500 = 5,000/(1+r) + 5,500/(1+r)^2.
    data = ask(
        client,
        "apr",
        {
            "received": "10000",
            "upfront_fee": "500",
            "disbursed_on": "2025-01-01",
            "payments": [
                {"on": "2025-02-01", "amount": "5000"},
                {"on": "2025-03-01", "amount": "5500"},
            ],
            "as_of": "2025-06-01",
        },
    )
    r = monthly_irr(Decimal(9500), [Decimal(5000), Decimal(5500)])
    assert data["received"] == "9500.00"
    assert abs(Decimal(data["nominal_annual"]) - 12 * r) < Decimal("0.000001")


def test_apr_below_the_cap_is_green_on_the_page(client: TestClient) -> None:
    # 10,000 repaid by 12 x 900: r solves 10,000 = 900 x annuity(12, r); 12r is about 14.5 %.
    form = {
        "received": "10000",
        "disbursed_on": "2025-01-01",
        "mode": "schedule",
        "schedule.count": "12",
        "schedule.amount": "900",
        "schedule.first_on": "2025-02-01",
        "as_of": "2025-06-01",
    }
    page = client.post("/owe/apr", data=form)
    assert page.status_code == 200, page.text[:3000]
    r = monthly_irr(Decimal(10000), [Decimal(900)] * 12)
    shown = re.search(r'<dd class="rate">([\d.]+)%</dd>', page.text)
    assert shown
    assert abs(Decimal(shown[1]) - 1200 * r) < Decimal("0.006")  # two decimals of a percent
    assert "tone-good" in page.text
    assert "未超过" in verdict_on_page(page.text)


def test_apr_needs_payments_or_a_schedule_and_says_which_line_is_wrong(
    client: TestClient,
) -> None:
    response = client.post(API + "apr", json={"received": "10000", "disbursed_on": "2025-01-01"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "payments"
    response = client.post(
        API + "apr",
        json={
            "received": "10000",
            "disbursed_on": "2025-01-01",
            "payments": [
                {"on": "2025-02-01", "amount": "6000"},
                {"on": "2024-12-01", "amount": "6000"},
            ],
        },
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "payments.1.on"
    assert error["label"] == "还款记录第2项日期"
    page = client.post(
        "/owe/apr",
        data={
            "received": "10000",
            "disbursed_on": "2025-01-01",
            "mode": "payments",
            "payments_text": "2025-02-01 6000\n\n2024-12-01 6000",
        },
    )
    assert page.status_code == 422
    assert "还款记录第3行日期：还款日期 2024-12-01 不晚于放款日 2025-01-01" in page.text


def test_repayment_lines_may_be_written_the_way_people_write_days_and_amounts(
    client: TestClient,
) -> None:
    """2025年2月1日, 2025/3/1, full-width digits and spaces, thousands separators and 元 read
    as the ISO lines do."""
    form = {"received": "10000", "disbursed_on": "2025-01-01", "mode": "payments"}
    iso = client.post("/owe/apr", data=form | {"payments_text": "2025-02-01 5000\n2025-03-01 5500"})
    assert iso.status_code == 200
    for text in (
        "2025年2月1日 5,000\n2025/3/1，5500元",
        "２０２５年２月１日　５０００\n2025.3.1:5,500.00",
        "2025年2月1日5000\n2025年3月1日5500",
    ):
        page = client.post("/owe/apr", data=form | {"payments_text": text})
        assert page.status_code == 200, text
        verdict = re.search(r'<h2 class="verdict">(.*?)</h2>', page.text, re.S)
        assert verdict is not None
        assert verdict[1] == re.search(r'<h2 class="verdict">(.*?)</h2>', iso.text, re.S)[1]
    # a comma that does not group thousands is not read as one (1000,50 is not 100,050)
    for text in ("2025-02-01 5000,50\n2025-03-01 5500", "2025-02-01 5,0,0,0\n2025-03-01 5500"):
        refused = client.post("/owe/apr", data=form | {"payments_text": text})
        assert refused.status_code == 422, text
        assert "还款记录第1行" in refused.text
    for amount in ("10000,50", "10000 50", ",100", "0,500"):
        refused = client.post("/owe/apr", data=form | {"received": amount, "schedule.count": "1"})
        assert refused.status_code == 422, amount
        assert "逗号只能用来每三位分隔" in refused.text


# -- 我到底欠多少 · 催收金额 -------------------------------------------------------------------

# A one-month bullet loan worked by hand: 10,000 lent on 2025-01-01, due 2025-02-01 with one
# month's interest (rate / 12); unpaid, so from 2025-02-02 the overdue principal bears the
# penalty rate = rate x 1.5 (the default markup) per day on ACT/360. On 2025-03-03 that is
# 30 days of penalty; the cap is 24 % a year on the principal for the 61 days it was used,
# on a 365-day year, and the excess is cut from the penalty first.
BULLET = {
    "principal": "10000",
    "disbursed_on": "2025-01-01",
    "term_months": 1,
    "method": "bullet",
    "as_of": "2025-03-03",
}


def test_claim_within_the_cap_is_the_contract_amount(client: TestClient) -> None:
    data = ask(client, "claim", {**BULLET, "rate": "12%", "claimed_total": "12000"})
    interest = Decimal(10000) * Decimal("0.12") / 12  # 100.00
    penalty = Decimal(10000) * Decimal("0.18") * 30 / 360  # 150.00
    lawful = Decimal(10000) + interest + penalty
    assert Decimal(data["lawful_total"]) == lawful
    assert Decimal(data["contract_total"]) == lawful
    assert Decimal(data["difference"]) == Decimal(12000) - lawful
    assert Decimal(data["claimed_total"]) == Decimal(12000)


def test_claim_above_the_cap_is_cut_back_from_the_penalty(client: TestClient) -> None:
    data = ask(client, "claim", {**BULLET, "rate": "36%", "claimed_total": "12000"})
    cap = (Decimal(10000) * Decimal("0.24") * 61 / 365).quantize(Decimal("0.01"))  # 401.10
    assert Decimal(data["contract_total"]) == Decimal(10000) + 300 + 450
    assert Decimal(data["lawful_total"]) == Decimal(10000) + cap
    items = {line["item"]: line for line in data["lines_by_item"]}
    assert Decimal(items["interest"]["lawful"]) == Decimal(300)
    assert Decimal(items["penalty"]["lawful"]) == cap - 300
    assert Decimal(data["difference"]) == Decimal(12000) - Decimal(10000) - cap


def test_claim_items_are_compared_one_by_one(client: TestClient) -> None:
    data = ask(
        client,
        "claim",
        {
            **BULLET,
            "rate": "12%",
            "claimed_items": {"principal": "10000", "interest": "100", "penalty": "900"},
        },
    )
    items = {line["item"]: line for line in data["lines_by_item"]}
    assert Decimal(data["claimed_total"]) == Decimal(11000)
    assert Decimal(items["penalty"]["claimed"]) == Decimal(900)
    assert Decimal(items["penalty"]["difference"]) == Decimal(900) - Decimal(150)


def test_claim_page_shows_the_items_table_and_the_excess(client: TestClient) -> None:
    form = {
        "principal": "10000",
        "disbursed_on": "2025-01-01",
        "term_months": "1",
        "method": "bullet",
        "rate": "36%",
        "rate_unit": "annual",
        "claimed_total": "12000",
        "as_of": "2025-03-03",
    }
    page = client.post("/owe/claim", data=form)
    assert page.status_code == 200, page.text[:3000]
    html = page.text
    assert '<dd class="lawful-total">10,401.10 元</dd>' in html
    assert '<dd class="difference">1,598.90 元</dd>' in html
    assert "<td>罚息</td>" in html
    assert "tone-bad" in html
    # The item lines are in the table, not repeated as text under "why".
    assert html.count("依法可主张") == 0


def test_claim_page_counts_only_what_reached_the_borrower_when_the_fee_was_withheld(
    client: TestClient,
) -> None:
    # 10,000 on paper, 500 withheld (the page's checkbox): 9,500 lent (民法典 Art. 670). Due
    # 2025-02-01, 30 days overdue on 03-03: 9,500 + 95.00 interest + 9,500 x 18 % x 30 / 360
    # = 142.50 penalty = 9,737.50; ticked off, the 10,000 on paper counts.
    form = {
        "principal": "10000",
        "disbursed_on": "2025-01-01",
        "term_months": "1",
        "method": "bullet",
        "rate": "12%",
        "rate_unit": "annual",
        "upfront_fee": "500",
        "claimed_total": "10250",
        "as_of": "2025-03-03",
    }
    withheld = client.post("/owe/claim", data={**form, "upfront_fee_deducted": "true"})
    assert withheld.status_code == 200, withheld.text[:3000]
    assert '<dd class="lawful-total">9,737.50 元</dd>' in withheld.text
    assert "第六百七十条" in withheld.text
    assert 'name="upfront_fee_deducted" value="true" checked' in withheld.text
    paid = client.post("/owe/claim", data=form)
    assert '<dd class="lawful-total">9,737.50 元</dd>' not in paid.text
    assert 'name="upfront_fee_deducted" value="true" checked' not in paid.text


# -- 还款计划与协商信 ---------------------------------------------------------------------------

PLAN = {
    "debt": "12000",
    "monthly_income": "5000",
    "monthly_expenses": "4000",
    "as_of": "2025-06-30",
}


def test_plan_recommends_the_shortest_term_within_the_budget(client: TestClient) -> None:
    data = ask(client, "plan", PLAN)
    assert data["budget"] == "1000.00"  # 5,000 income - 4,000 essentials
    months = [option["months"] for option in data["options"]]
    assert months == [3, 6, 12, 18, 24, 36, 48, 60]
    assert data["recommended"]["months"] == 12  # 12,000 / 12 = 1,000 fits; 6 months does not
    eighteen = next(o for o in data["options"] if o["months"] == 18)
    # 12,000 / 18 = 666.66 (to the fen, down) x 17, the last one takes the rest: 666.78.
    assert eighteen["monthly"] == "666.66"
    assert eighteen["last_monthly"] == "666.78"
    assert [o["affordable"] for o in data["options"]] == [False, False, *[True] * 6]


def test_plan_page_marks_the_recommended_row_and_offers_the_letter(client: TestClient) -> None:
    page = client.post("/plan", data=PLAN)
    assert page.status_code == 200
    html = page.text
    assert re.search(r'<tr class="recommended">\s*<td>12 个月</td>', html)
    assert 'action="/plan/letter"' in html
    assert '<input type="hidden" name="debt" value="12000">' in html


LETTER = {
    **PLAN,
    "lender_name": "某某消费金融有限公司",
    "borrower_name": "张三",
    "borrower_id_masked": "****1234",
    "hardship": "失业三个月，正在找工作。",
    "requests": ["停止计收罚息"],
}


def docx_text(data: bytes) -> str:
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def pdf_text(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_letter_downloads_as_docx_with_the_borrower_and_the_plan(client: TestClient) -> None:
    response = client.post(API + "letter", json={**LETTER, "format": "docx"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response.headers["content-disposition"]
    text = docx_text(response.content)
    for words in ("协商还款申请书", "某某消费金融有限公司", "张三", "失业三个月", "停止计收罚息"):
        assert words in text
    assert "1,000.00" in text  # the recommended 12 x 1,000


def test_letter_downloads_as_pdf_from_the_page_form(client: TestClient) -> None:
    form = {k: v for k, v in LETTER.items() if k != "requests"}
    response = client.post(
        "/plan/letter",
        data={**form, "requests_text": "停止计收罚息\n减免部分利息", "format": "pdf"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "张三" in text
    assert "减免部分利息" in text


def test_the_letter_offers_the_recomputed_lawful_amount_without_the_fee(
    client: TestClient,
) -> None:
    """12,000 claimed, 9,800.50 lawful, a 0.6 % monthly installment fee: the plan on the page
    and the letter spread 9,800.50, and the letter's total is that amount, not the claim and
    not the claim plus the lender's fee."""
    form = {k: v for k, v in LETTER.items() if k != "requests"}
    form |= {"debt": "12000", "lawful_total": "9800.50", "monthly_fee_rate": "0.6%"}
    page = client.post(
        "/plan",
        data={k: form[k] for k in PLAN} | {"lawful_total": "9800.50", "monthly_fee_rate": "0.6%"},
    )
    assert page.status_code == 200
    assert "按您核算的依法应还金额9,800.50元计算" in page.text
    response = client.post("/plan/letter", data={**form, "format": "pdf"})
    assert response.status_code == 200, response.text
    text = "".join(pdf_text(response.content).split())
    assert "依法应当偿还的金额为9,800.50元" in text
    assert "合计9,800.50元" in text
    assert "12,000.00元" in text  # the claim, named once as what the lender asks
    refused = client.post(API + "letter", json={**LETTER, "lawful_total": "13000"})
    assert refused.status_code == 422
    assert "lawful_total" in refused.text


@pytest.mark.parametrize(
    ("terms", "item", "expected"),
    [
        # 10,000 overdue 30 days at an explicit 24 % penalty rate, ACT/360: 200.00.
        ({"penalty_rate": "24%"}, "penalty", Decimal(10000) * Decimal("0.24") * 30 / 360),
        # 5 % of the overdue installment (10,000 + 100 interest), at least 30: 505.00.
        ({"late_fee_rate": "5%", "late_fee_min": "30"}, "late_fee", Decimal("10100") * 5 / 100),
        # Compound interest on the 100 overdue interest at the penalty rate 18 %: 1.50.
        ({"compound": True}, "compound", Decimal(100) * Decimal("0.18") * 30 / 360),
    ],
)
def test_claim_takes_the_contract_default_terms(
    client: TestClient, terms: dict[str, Any], item: str, expected: Decimal
) -> None:
    data = ask(client, "claim", {**BULLET, "rate": "12%", "claimed_total": "12000", **terms})
    items = {line["item"]: line for line in data["lines_by_item"]}
    assert Decimal(items[item]["contract_due"]) == expected


def test_apr_page_uses_the_payment_lines_when_only_they_are_filled(client: TestClient) -> None:
    # The radio still says "every month the same", but only the lines were typed.
    form = {
        "received": "9500",
        "disbursed_on": "2025-01-01",
        "mode": "schedule",
        "payments_text": "2025-02-01 5000\n2025-03-01 5500",
        "as_of": "2025-06-01",
    }
    page = client.post("/owe/apr", data=form)
    assert page.status_code == 200, page.text[:2000]
    r = monthly_irr(Decimal(9500), [Decimal(5000), Decimal(5500)])
    shown = re.search(r'<dd class="rate">([\d.]+)%</dd>', page.text)
    assert shown
    assert abs(Decimal(shown[1]) - 1200 * r) < Decimal("0.006")


def test_apr_from_contract_terms_counts_the_monthly_service_fee(client: TestClient) -> None:
    # "0 % interest", 12,000 in 12 equal principal parts with a 100 service fee a month: the
    # borrower pays 1,100 a month for 12,000 received.
    data = ask(
        client,
        "apr-contract",
        {
            "principal": "12000", "disbursed_on": "2025-01-15", "term_months": 12,
            "method": "equal-principal", "rate": "0", "service_fee": "100", "as_of": "2025-06-01",
        },
    )  # fmt: skip
    r = monthly_irr(Decimal(12000), [Decimal(1100)] * 12)
    assert data["paid_total"] == "13200.00"
    assert abs(Decimal(data["nominal_annual"]) - 12 * r) < Decimal("0.000001")
    assert data["above_cap"] is False  # about 17.97 %


def test_apr_from_contract_terms_on_the_page(client: TestClient) -> None:
    form = {
        "principal": "12000", "disbursed_on": "2025-01-15", "term_months": "12",
        "method": "equal-principal", "rate": "0", "rate_unit": "monthly", "service_fee": "100",
        "lender_type": "licensed", "as_of": "2025-06-01",
    }  # fmt: skip
    page = client.post("/owe/contract", data=form)
    assert page.status_code == 200, page.text[:2000]
    r = monthly_irr(Decimal(12000), [Decimal(1100)] * 12)
    shown = re.search(r'<dd class="rate">([\d.]+)%</dd>', page.text)
    assert shown
    assert abs(Decimal(shown[1]) - 1200 * r) < Decimal("0.006")
    assert 'id="contract-principal"' in page.text
    assert 'value="12000"' in page.text


@pytest.mark.parametrize(
    ("received_at", "beijing", "quiet"),
    [
        ("2025-01-15T23:30", "2025-01-15T23:30:00", True),
        ("2025-01-15T15:30Z", "2025-01-15T23:30:00", True),  # UTC 15:30 is 23:30 in Beijing
        ("2025-01-15T23:30+08:00", "2025-01-15T23:30:00", True),
        ("2025-01-15T04:00Z", "2025-01-15T12:00:00", False),  # noon in Beijing
    ],
)
def test_a_time_with_an_offset_is_read_as_beijing_time(
    client: TestClient, received_at: str, beijing: str, quiet: bool
) -> None:
    data = ask(client, "message", {"text": THREAT, "received_at": received_at})
    assert data["received_at"] == beijing
    assert ("QUIET_HOURS" in {flag["code"] for flag in data["flags"]}) is quiet
