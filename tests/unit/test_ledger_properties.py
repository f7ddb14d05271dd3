"""Properties of the reference ledger that must hold for any loan and any payment history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.strategies import contracts, fen

from overdue.ledger.contract import (
    Contract,
    Loan,
    Payment,
    RepaymentMethod,
)
from overdue.ledger.engine import loan_state, replay
from overdue.ledger.schedule import build_schedule
from overdue.rules.caps import CapProfile

pytestmark = pytest.mark.unit

START = dt.date(2021, 1, 1)


@st.composite
def loans(draw: st.DrawFn) -> Loan:
    contract = draw(contracts(first=START))
    horizon = contract.term_months * 31 + 400
    n = draw(st.integers(0, 8))
    payments = tuple(
        Payment(
            contract.disbursed_on + dt.timedelta(days=draw(st.integers(0, horizon))),
            draw(fen(1, int(contract.principal * 100) // 2 + 100)),
            f"P{i}",
        )
        for i in range(n)
    )
    return Loan("H", contract, payments)


def as_of_for(loan: Loan, draw: st.DrawFn) -> dt.date:
    return loan.contract.disbursed_on + dt.timedelta(
        days=draw(st.integers(0, loan.contract.term_months * 31 + 500))
    )


@given(contracts(first=START))
def test_schedule_principal_sums_to_the_loan(contract: Contract) -> None:
    schedule = build_schedule(contract)
    assert schedule.total_principal == contract.principal
    assert all(i.principal >= 0 and i.interest >= 0 for i in schedule.installments)
    assert [i.due_on for i in schedule.installments] == sorted(
        {i.due_on for i in schedule.installments}
    )


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_every_payment_is_fully_accounted_for(data: st.DataObject) -> None:
    loan = data.draw(loans())
    as_of = as_of_for(loan, data.draw)
    result = replay(loan, as_of)
    placed: dict[str, Decimal] = defaultdict(Decimal)
    for line in result.explanation.allocations:
        placed[line.payment_id] += line.amount
    for p in loan.payments:
        if p.on <= as_of:
            assert placed[p.payment_id] == p.amount  # allocations + credit = payment
    credit_in = sum(
        (a.amount for a in result.explanation.allocations if a.component == "credit"), Decimal(0)
    )
    credit_used = placed.get("credit", Decimal(0))
    assert result.state.credit == credit_in - credit_used
    paid_total = sum((p.amount for p in loan.payments if p.on <= as_of), Decimal(0))
    paid_into_installments = sum(
        (v for i in result.state.installments for v in i.paid.values()), Decimal(0)
    )
    assert paid_into_installments + result.state.credit == paid_total


@given(st.data())
@settings(max_examples=100, deadline=None)
def test_payments_in_any_order_give_the_same_state(data: st.DataObject) -> None:
    loan = data.draw(loans())
    as_of = as_of_for(loan, data.draw)
    shuffled = data.draw(st.permutations(loan.payments))
    other = Loan(loan.loan_id, loan.contract, tuple(shuffled))
    assert loan_state(loan, as_of) == loan_state(other, as_of)


@given(st.data(), st.sampled_from(list(CapProfile)))
@settings(max_examples=150, deadline=None)
def test_claimable_total_never_exceeds_what_the_cap_allows(
    data: st.DataObject, profile: CapProfile
) -> None:
    loan = data.draw(loans())
    as_of = as_of_for(loan, data.draw)
    s = loan_state(loan, as_of, cap=profile)
    assert Decimal(0) <= s.claimable_total <= s.total_due
    if s.cap.allowed is None:
        assert s.claimable_total == s.total_due
        return
    unpaid_cost = s.total_due - s.overdue_principal
    paid_cost = s.cap.charged - unpaid_cost
    # Cost claimable + cost already paid stays within the allowance; what was paid above it
    # is set against principal.
    claimable_cost = s.claimable_total - min(s.claimable_total, s.claimable["principal"])
    assert claimable_cost + paid_cost <= max(s.cap.allowed, paid_cost)
    assert s.claimable_total <= s.overdue_principal + max(Decimal(0), s.cap.allowed - paid_cost)


@given(st.data())
@settings(max_examples=100, deadline=None)
def test_dpd_grows_one_a_day_between_payments_while_something_is_overdue(
    data: st.DataObject,
) -> None:
    loan = data.draw(loans())
    day = as_of_for(loan, data.draw)
    today = loan_state(loan, day)
    tomorrow = day + dt.timedelta(days=1)
    if any(p.on == tomorrow for p in loan.payments):
        return
    after = loan_state(loan, tomorrow)
    if today.dpd > 0:
        assert after.dpd == today.dpd + 1
    else:
        assert after.dpd in (0, 1)


@given(st.data())
@settings(max_examples=80, deadline=None)
def test_balances_are_consistent(data: st.DataObject) -> None:
    loan = data.draw(loans())
    s = loan_state(loan, as_of_for(loan, data.draw))
    paid_principal = sum((i.paid["principal"] for i in s.installments), Decimal(0))
    assert s.outstanding_principal == loan.contract.lent - paid_principal  # 民法典 Art. 670
    assert s.overdue_principal <= s.outstanding_principal
    assert s.total_due == (
        s.overdue_principal + s.overdue_interest + s.penalty_interest + s.compound_interest + s.fees
    )
    assert all(v >= 0 for i in s.installments for v in i.unpaid.values())


@given(
    principal=st.integers(100_00, 1_000_000_00),
    annual_bp=st.integers(1, 3600),
    term=st.integers(1, 60),
)
def test_equal_installment_amount_matches_the_closed_form_annuity(
    principal: int, annual_bp: int, term: int
) -> None:
    contract = Contract(
        principal=Decimal(principal) / 100,
        disbursed_on=START,
        term_months=term,
        method=RepaymentMethod.EQUAL_INSTALLMENT,
        rate=Decimal(annual_bp) / 10000,
    )
    # A = P r (1 + r)^n / ((1 + r)^n - 1), r = annual / 12, computed here with exact rationals.
    r = Fraction(annual_bp, 10000 * 12)
    p = Fraction(principal, 100)
    exact = p * r * (1 + r) ** term / ((1 + r) ** term - 1)
    level = (exact * 100 + Fraction(1, 2)).__floor__()  # half-up to the fen (positive)
    installments = build_schedule(contract).installments
    for i in installments[:-1]:
        assert i.payment * 100 == level
    # The last installment absorbs the rounding of the others. Each month the level payment
    # (rounded by up to half a fen) and the interest (likewise) leave the balance off by at
    # most a fen, and that error then grows with the rate: at most sum (1 + r)^k fen.
    drift = ((1 + r) ** term - 1) / r
    assert abs(installments[-1].payment * 100 - level) <= drift
