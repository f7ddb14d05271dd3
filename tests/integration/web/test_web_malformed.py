"""Malformed input gets 422 naming the field in Chinese, on the API and on the pages; never 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

pytestmark = pytest.mark.integration

API = "/api/borrower/"

APR = {"received": "10000", "disbursed_on": "2025-01-01"}
CLAIM = {"principal": "10000", "disbursed_on": "2025-01-01", "term_months": 12, "rate": "0.24"}
PLAN = {"debt": "10000", "monthly_income": "5000", "monthly_expenses": "3000"}
LETTER = {**PLAN, "lender_name": "某某消费金融有限公司", "borrower_name": "张三"}
DEADLINE = {"kind": "judgment", "received_on": "2025-09-20"}

# (endpoint, body, field named, words in the message)
CASES: list[tuple[str, Any, str, str]] = [
    ("apr", {**APR, "received": "abc"}, "received", "不是金额"),
    ("apr", {**APR, "received": "-5"}, "received", "负数"),
    ("apr", {**APR, "received": "0"}, "received", "大于0"),
    ("apr", {**APR, "received": 1000.5}, "received", "字符串"),
    ("apr", {**APR, "received": "1e5"}, "received", "不是金额"),
    ("apr", {**APR, "received": "12.345"}, "received", "最多两位小数"),
    ("apr", {**APR, "received": "NaN"}, "received", "不是金额"),
    ("apr", {**APR, "received": "9" * 40}, "received", "过大"),
    ("apr", {**APR, "received": True}, "received", "字符串"),
    ("apr", {**APR, "received": None}, "received", "金额"),
    ("apr", {**APR, "received": ["1"]}, "received", "应为金额"),
    ("apr", {"disbursed_on": "2025-01-01"}, "received", "必须填写"),
    ("apr", {**APR, "disbursed_on": "2025-02-30"}, "disbursed_on", "不存在"),
    ("apr", {**APR, "disbursed_on": "01/01/2025"}, "disbursed_on", "年-月-日"),
    ("apr", {**APR, "disbursed_on": 20250101}, "disbursed_on", "日期"),
    ("apr", {**APR, "disbursed_on": "2025-01-01T10:00"}, "disbursed_on", "年-月-日"),
    ("apr", {**APR, "disbursed_on": ""}, "disbursed_on", "年-月-日"),
    ("apr", {**APR, "schedule": {"count": "twelve"}}, "schedule.count", "整数"),
    (
        "apr",
        {**APR, "schedule": {"count": 0, "amount": "1", "first_on": "2025-02-01"}},
        "schedule.count",
        "不能小于 1",
    ),
    (
        "apr",
        {**APR, "schedule": {"count": 12.5, "amount": "1", "first_on": "2025-02-01"}},
        "schedule.count",
        "整数",
    ),
    ("apr", {**APR, "schedule": "monthly"}, "schedule", "JSON 对象"),
    ("apr", {**APR, "payments": [{"on": "x", "amount": "1"}]}, "payments.0.on", "不是日期"),
    (
        "apr",
        {**APR, "payments": [{"on": "2025-02-01", "amount": "-1"}]},
        "payments.0.amount",
        "负数",
    ),
    ("apr", {**APR, "payments": {"on": "2025-02-01"}}, "payments", "列表"),
    (
        "apr",
        {**APR, "payments": [{"on": "2025-02-01", "amount": "1"}] * 601},
        "payments",
        "最多 600 项",
    ),
    ("apr", {**APR, "lender_type": "bank"}, "lender_type", "只能是以下之一"),
    ("apr", {**APR, "upfront_fee": "-1"}, "upfront_fee", "负数"),
    ("apr", {**APR, "bonus": 1}, "bonus", "不认识"),
    ("apr", {**APR, "as_of": "tomorrow"}, "as_of", "不是日期"),
    ("claim", {**CLAIM, "rate": "abc"}, "rate", "不是利率"),
    ("apr-contract", {**CLAIM, "rate": "abc"}, "rate", "不是利率"),
    ("apr-contract", {**CLAIM, "payments": []}, "payments", "不认识"),
    ("apr-contract", {**CLAIM, "term_months": 361}, "term_months", "不能大于 360"),
    ("claim", {**CLAIM, "rate": "-1%"}, "rate", "负数"),
    ("claim", {**CLAIM, "rate": 0.24}, "rate", "字符串"),
    ("claim", {**CLAIM, "rate": "5000%0"}, "rate", "不是利率"),
    ("claim", {**CLAIM, "rate": "1000000"}, "rate", "过大"),
    ("claim", {**CLAIM, "term_months": 0}, "term_months", "不能小于 1"),
    ("claim", {**CLAIM, "term_months": "十二"}, "term_months", "整数"),
    ("claim", {**CLAIM, "method": "weekly"}, "method", "只能是以下之一"),
    ("claim", {**CLAIM, "claimed_items": {"bribe": "1"}}, "claimed_items.bribe", "只能是以下之一"),
    ("claim", {**CLAIM, "claimed_items": {"interest": "x"}}, "claimed_items.interest", "不是金额"),
    ("claim", {**CLAIM, "claimed_total": "-3"}, "claimed_total", "负数"),
    ("case-number", {"text": 123}, "text", "文字"),
    ("case-number", {"text": "号" * 5001}, "text", "最多 5000 个字"),
    ("message", {}, "text", "必须填写"),
    ("message", {"text": ""}, "text", "至少 1 个字"),
    ("message", {"text": "还钱", "received_at": "yesterday"}, "received_at", "不是时间"),
    ("message", {"text": "还钱", "received_at": "2025-01-15T25:00"}, "received_at", "不存在"),
    ("deadline", {**DEADLINE, "kind": "summons"}, "kind", "只能是以下之一"),
    ("deadline", {"kind": "judgment"}, "received_on", "必须填写"),
    ("deadline", {**DEADLINE, "small_claims": "maybe"}, "small_claims", "true 或 false"),
    ("plan", {**PLAN, "debt": "1e5"}, "debt", "不是金额"),
    ("plan", {**PLAN, "monthly_income": "五千"}, "monthly_income", "不是金额"),
    ("plan", {**PLAN, "monthly_fee_rate": "abc"}, "monthly_fee_rate", "不是利率"),
    ("plan", {**PLAN, "first_due_on": "2025-13-01"}, "first_due_on", "不存在"),
    ("letter", {**LETTER, "format": "odt"}, "format", "只能是以下之一"),
    ("letter", {**LETTER, "borrower_name": ""}, "borrower_name", "至少 1 个字"),
    ("letter", {**LETTER, "requests": ["x" * 201]}, "requests.0", "最多 200 个字"),
    ("letter", {**LETTER, "requests": ["a"] * 11}, "requests", "最多 10 项"),
]


@pytest.mark.parametrize(("endpoint", "body", "field", "words"), CASES)
def test_malformed_field_is_named_with_a_chinese_message(
    client: TestClient, endpoint: str, body: Any, field: str, words: str
) -> None:
    response = client.post(API + endpoint, json=body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    named = [e for e in errors if e["field"] == field]
    assert named, errors
    assert any(words in e["message"] for e in named), named
    assert all(e["label"] and e["message"] for e in errors)


@pytest.mark.parametrize(
    "endpoint", ["apr", "apr-contract", "claim", "case-number", "message", "deadline", "plan"]
)
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{bad", "不是有效的 JSON"),
        (b'{"text": "unterminated', "不是有效的 JSON"),
        (b"\xff\xfe\x00", "不是有效的 JSON"),  # not UTF-8: 400, see below
        (b"", "必须填写"),
        (b"[]", "JSON 对象"),
        (b'"text"', "JSON 对象"),
        (b"42", "JSON 对象"),
        (b"null", "JSON 对象"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused_naming_the_body(
    client: TestClient, endpoint: str, content: bytes, words: str
) -> None:
    response = client.post(
        API + endpoint, content=content, headers={"content-type": "application/json"}
    )
    # A body that is not even UTF-8 is a 400 (FastAPI cannot decode it); the rest are 422.
    assert response.status_code == (400 if content.startswith(b"\xff") else 422), response.text
    errors = response.json()["errors"]
    assert errors[0]["field"] == "body"
    assert words in errors[0]["message"]


def test_a_form_post_to_the_api_is_refused_as_not_json(client: TestClient) -> None:
    response = client.post(API + "deadline", data=DEADLINE)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        ["2025-01-01", "2025-02-30", "1e9999", "-0", "0.001", "24%", "judgment", "licensed", ""]
    ),
)
_json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = {
    "apr": ["received", "disbursed_on", "schedule", "payments", "upfront_fee", "lender_type", "as_of"],
    "claim": ["principal", "disbursed_on", "term_months", "method", "rate", "payments", "claimed_total", "claimed_items"],
    "case-number": ["text", "as_of"],
    "message": ["text", "received_at", "as_of"],
    "deadline": ["kind", "received_on", "small_claims", "as_of"],
    "plan": ["debt", "monthly_income", "monthly_expenses", "monthly_fee_rate", "first_due_on"],
}  # fmt: skip


@st.composite
def _bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    endpoint = draw(st.sampled_from(sorted(_FIELDS)))
    keys = draw(st.lists(st.sampled_from(_FIELDS[endpoint]), unique=True, max_size=6))
    return endpoint, {key: draw(_json_values) for key in keys}


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_bodies())
def test_random_json_is_answered_or_refused_field_by_field_never_a_500(
    client: TestClient, case: tuple[str, dict[str, Any]]
) -> None:
    endpoint, body = case
    response = client.post(
        API + endpoint,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code in (200, 422), (response.status_code, response.text)
    if response.status_code == 422:
        for error in response.json()["errors"]:
            assert error["field"]
            assert error["message"]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error


# -- the pages: the same checks through the HTML forms -----------------------------------------

FORM_CASES: list[tuple[str, dict[str, str], str]] = [
    ("/owe/apr", {"received": "abc", "disbursed_on": "2025-01-01"}, "到手金额：“abc”不是金额"),
    ("/owe/apr", {"received": "1000", "disbursed_on": "2025-02-30"}, "到账日期：日期“2025-02-30”不存在"),
    ("/owe/apr", {"received": "1000", "disbursed_on": "2025-01-01", "mode": "payments",
                  "payments_text": "2025-02-01 100\nsoon 5\n2025-03-01"}, "还款记录第3行：应写成“日期 金额”"),
    ("/owe/apr", {"received": "1000", "disbursed_on": "2025-01-01", "mode": "payments",
                  "payments_text": "2025-02-01 100\n\n2025-03-01 -5"}, "还款记录第3行金额：金额不能是负数"),
    ("/owe/apr", {"received": "1000", "disbursed_on": "2025-01-01", "schedule.count": "x"}, "每月固定还款期数：应为整数"),
    ("/owe/claim", {"principal": "1000", "disbursed_on": "2025-01-01", "term_months": "12", "rate": "百分之二十四"}, "合同利率："),
    ("/owe/claim", {"principal": "", "disbursed_on": "2025-01-01", "term_months": "12", "rate": "24%"}, "借款本金：必须填写"),
    ("/owe/contract", {"principal": "1000", "disbursed_on": "2025-01-01", "term_months": "0", "rate": "1%"}, "期数（月）：不能小于 1"),
    ("/caseno", {"text": "号" * 5001}, "案号或短信原文：太长了"),
    ("/message", {"text": ""}, "短信原文：必须填写"),
    ("/message", {"text": "还钱", "received_at": "2025-01-15T25:61"}, "收到时间："),
    ("/deadline", {"kind": "summons", "received_on": "2025-01-01"}, "收到的文书：只能是以下之一"),
    ("/deadline", {"kind": "judgment", "received_on": "01/02/2025"}, "收到日期：“01/02/2025”不是日期"),
    ("/plan", {"debt": "10000", "monthly_income": "-1", "monthly_expenses": "1"}, "每月收入：金额不能是负数"),
    ("/plan/letter", {**PLAN, "lender_name": "", "borrower_name": "张三"}, "出借机构名称：必须填写"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "form", "shown"), FORM_CASES)
def test_a_bad_form_comes_back_with_the_field_named_and_the_input_kept(
    client: TestClient, path: str, form: dict[str, str], shown: str
) -> None:
    response = client.post(path, data=form)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert shown in response.text
    assert 'role="alert"' in response.text
    for name, value in form.items():
        # Text boxes give back what was typed (a select shows only its own options).
        if name != "kind" and value and len(value) < 100 and "\n" not in value:
            assert f'value="{value}"' in response.text or f">{value}<" in response.text


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(
        ["/owe/apr", "/owe/contract", "/owe/claim", "/caseno", "/message", "/deadline", "/plan"]
    ),
    st.dictionaries(
        st.sampled_from(
            ["received", "disbursed_on", "mode", "payments_text", "schedule.count", "principal",
             "term_months", "rate", "text", "received_at", "kind", "received_on", "debt",
             "monthly_income", "monthly_expenses", "as_of", "schedule", "claimed_items.interest"]
        ),
        st.text(max_size=40),
        max_size=8,
    ),
)  # fmt: skip
def test_random_forms_never_crash_the_page(
    client: TestClient, path: str, form: dict[str, str]
) -> None:
    response = client.post(path, data=form)
    assert response.status_code in (200, 422), response.text[:500]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        # 0.01 received, 316.23 repaid a month later: 3,162,200 % a month, a typing mistake
        # (an annual rate near 10^54 would overflow the arithmetic).
        ("apr", {"received": "0.01", "disbursed_on": "2000-01-01",
                 "schedule": {"count": 1, "amount": "316.23", "first_on": "2000-02-01"}},
         "payments"),
        ("apr-contract", {"principal": "0.01", "disbursed_on": "2000-01-01", "term_months": 1,
                          "rate": "0", "service_fee": "316.22"}, "rate"),
    ],
)  # fmt: skip
def test_absurd_but_well_formed_figures_are_refused_not_a_500(
    client: TestClient, path: str, body: dict[str, Any], field: str
) -> None:
    response = client.post(API + path, json={**body, "as_of": "2000-06-01"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field
    assert "借款成本高得不合常理" in error["message"]
    page = client.post(
        "/owe/apr",
        data={"received": "0.01", "disbursed_on": "2000-01-01", "schedule.count": "1",
              "schedule.amount": "316.23", "schedule.first_on": "2000-02-01", "as_of": "2000-06-01"},
    )  # fmt: skip
    assert page.status_code == 422
    assert "借款成本高得不合常理" in page.text
