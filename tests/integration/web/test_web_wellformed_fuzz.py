"""Well-formed but odd questions (extreme amounts, dates, terms) reach the domain: each is
answered (200) or refused naming a field (422), never a 500."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

pytestmark = pytest.mark.integration

_FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)).map(
    dt.date.isoformat
)
amounts = st.one_of(
    st.decimals(min_value=0, max_value=Decimal("1e11"), places=2),
    st.sampled_from([Decimal("0.01"), Decimal(1), Decimal("99999999999.99")]),
).map(str)
rates = st.one_of(
    st.decimals(min_value=0, max_value=100, places=6).map(str),
    st.decimals(min_value=0, max_value=1000, places=2).map(lambda d: f"{d}%"),
)


def check(client: TestClient, endpoint: str, body: dict[str, Any]) -> None:
    response = client.post("/api/borrower/" + endpoint, json=body)
    assert response.status_code in (200, 422), (body, response.status_code, response.text[:300])
    if response.status_code == 422:
        errors = response.json()["errors"]
        detail = response.json()["detail"]
        assert errors or detail.startswith("无法计算"), response.text


@_FUZZ
@given(
    received=amounts,
    fee=amounts,
    disbursed=days,
    count=st.integers(1, 600),
    amount=amounts,
    first=days,
    lender=st.sampled_from(["licensed", "private"]),
    as_of=days,
)
def test_apr_schedules(
    client: TestClient, received: str, fee: str, disbursed: str, count: int, amount: str,
    first: str, lender: str, as_of: str,
) -> None:  # fmt: skip
    body = {
        "received": received, "upfront_fee": fee, "disbursed_on": disbursed, "lender_type": lender,
        "schedule": {"count": count, "amount": amount, "first_on": first}, "as_of": as_of,
    }  # fmt: skip
    check(client, "apr", body)


@_FUZZ
@given(
    received=amounts,
    disbursed=days,
    payments=st.lists(st.fixed_dictionaries({"on": days, "amount": amounts}), max_size=30),
    as_of=days,
)
def test_apr_payments(
    client: TestClient, received: str, disbursed: str, payments: list[dict[str, str]], as_of: str
) -> None:
    body = {"received": received, "disbursed_on": disbursed, "payments": payments, "as_of": as_of}
    check(client, "apr", body)


@_FUZZ
@given(
    principal=amounts,
    disbursed=days,
    term=st.integers(1, 360),
    method=st.sampled_from(["equal-installment", "equal-principal", "interest-only", "bullet"]),
    rate=rates,
    unit=st.sampled_from(["annual", "monthly", "daily"]),
    fees=st.tuples(amounts, amounts),
    payments=st.lists(st.fixed_dictionaries({"on": days, "amount": amounts}), max_size=8),
    claimed=st.one_of(st.none(), amounts),
    items=st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(["principal", "interest", "penalty", "other"]), amounts),
    ),
    as_of=days,
)
def test_claims(
    client: TestClient, principal: str, disbursed: str, term: int, method: str, rate: str,
    unit: str, fees: tuple[str, str], payments: list[dict[str, str]], claimed: str | None,
    items: dict[str, str] | None, as_of: str,
) -> None:  # fmt: skip
    body: dict[str, Any] = {
        "principal": principal, "disbursed_on": disbursed, "term_months": term, "method": method,
        "rate": rate, "rate_unit": unit, "upfront_fee": fees[0], "service_fee": fees[1],
        "payments": payments, "as_of": as_of,
    }  # fmt: skip
    if claimed is not None:
        body["claimed_total"] = claimed
    if items is not None:
        body["claimed_items"] = items
    check(client, "claim", body)
    terms = {
        k: v for k, v in body.items() if k not in ("payments", "claimed_total", "claimed_items")
    }
    check(client, "apr-contract", terms)


@_FUZZ
@given(
    debt=amounts,
    income=amounts,
    expenses=amounts,
    fee=st.one_of(st.none(), rates),
    first=st.one_of(st.none(), days),
    as_of=days,
)
def test_plans(
    client: TestClient, debt: str, income: str, expenses: str, fee: str | None,
    first: str | None, as_of: str,
) -> None:  # fmt: skip
    body: dict[str, Any] = {
        "debt": debt, "monthly_income": income, "monthly_expenses": expenses, "as_of": as_of,
    }  # fmt: skip
    if fee is not None:
        body["monthly_fee_rate"] = fee
    if first is not None:
        body["first_due_on"] = first
    check(client, "plan", body)


@_FUZZ
@given(
    kind=st.sampled_from(["complaint", "judgment", "ruling", "payment-order"]),
    received=days,
    small=st.booleans(),
    as_of=days,
    text=st.text(max_size=200),
    moment=st.tuples(days, st.times()).map(lambda dt_: f"{dt_[0]}T{dt_[1]:%H:%M}"),
)
def test_deadlines_case_numbers_and_messages(
    client: TestClient, kind: str, received: str, small: bool, as_of: str, text: str,
    moment: str,
) -> None:  # fmt: skip
    check(
        client,
        "deadline",
        {"kind": kind, "received_on": received, "small_claims": small, "as_of": as_of},
    )
    check(client, "case-number", {"text": text, "as_of": as_of})
    check(client, "message", {"text": text or "还款", "received_at": moment, "as_of": as_of})


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.text(max_size=60), min_size=5, max_size=5),
    requests=st.lists(st.text(max_size=40), max_size=3),
    fmt=st.sampled_from(["docx", "pdf"]),
)
def test_letters_with_any_text_render_or_are_refused(
    client: TestClient, words: list[str], requests: list[str], fmt: str
) -> None:
    # Markdown, template syntax, XML-invalid control characters: whatever a borrower types.
    lender, name, phone, contract, hardship = words
    body = {
        "debt": "12000", "monthly_income": "5000", "monthly_expenses": "4000",
        "as_of": "2025-06-30", "format": fmt, "lender_name": lender or "某某公司",
        "borrower_name": name or "张三", "borrower_phone": phone[:30], "contract_no": contract,
        "hardship": hardship, "requests": requests,
    }  # fmt: skip
    response = client.post("/api/borrower/letter", json=body)
    assert response.status_code in (200, 422), response.text[:300]
    if response.status_code == 200 and fmt == "docx":
        docx.Document(io.BytesIO(response.content))  # opens: no XML broken by the input
    elif response.status_code == 200:
        assert response.content.startswith(b"%PDF")
