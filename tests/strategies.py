"""Hypothesis strategies for loans with messy histories, shared by the property and differential tests."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import strategies as st

from overdue.ledger.contract import (
    Allocation,
    AllocationBy,
    Component,
    Contract,
    DayCount,
    EventKind,
    GivenInstallment,
    LenderType,
    Loan,
    LoanEvent,
    Payment,
    RateUnit,
    RepaymentMethod,
)
from overdue.ledger.schedule import build_schedule

FIRST_DAY = dt.date(2018, 1, 1)


def fen(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    """Amounts in whole fen between ``lo`` and ``hi`` fen."""
    return st.integers(lo, hi).map(lambda n: Decimal(n) / 100)


@st.composite
def contracts(
    draw: st.DrawFn, first: dt.date = FIRST_DAY, last: dt.date = dt.date(2026, 6, 30)
) -> Contract:
    unit = draw(st.sampled_from(list(RateUnit)))
    top = {RateUnit.ANNUAL: 3600, RateUnit.MONTHLY: 300, RateUnit.DAILY: 10}[unit]
    rate = Decimal(draw(st.integers(0, top))) / 10000
    order = draw(st.permutations(list(Component)))
    return Contract(
        principal=draw(fen(100_00, 500_000_00)),
        disbursed_on=first + dt.timedelta(days=draw(st.integers(0, (last - first).days))),
        term_months=draw(st.integers(1, 36)),
        method=draw(st.sampled_from(list(RepaymentMethod))),
        rate=rate,
        rate_unit=unit,
        day_count=draw(st.sampled_from(list(DayCount))),
        penalty_markup=draw(st.sampled_from([Decimal("0.5"), Decimal("0.3"), Decimal("0")])),
        compound=draw(st.booleans()),
        upfront_fee=draw(fen(0, 2000_00)),
        service_fee=draw(fen(0, 100_00)),
        late_fee_rate=draw(st.sampled_from([Decimal("0"), Decimal("0.05"), Decimal("0.03")])),
        late_fee_min=draw(fen(0, 50_00)),
        allocation=Allocation(tuple(order), draw(st.sampled_from(list(AllocationBy)))),
        lender_type=draw(st.sampled_from(list(LenderType))),
    )


@st.composite
def messy_loans(draw: st.DrawFn, loan_id: str = "H", last: dt.date = dt.date(2026, 6, 30)) -> Loan:
    """A loan whose borrower pays on time, late, early, partly, too much or not at all, with
    random extra payments (listed out of order, as backdated entries are) and demands,
    acknowledgements or suits that restart the limitation period."""
    contract = draw(contracts(last=last))
    payments: list[Payment] = []
    for inst in build_schedule(contract).installments:
        behaviour = draw(
            st.sampled_from(["on-time", "late", "early", "partial", "surplus", "skip", "skip"])
        )
        if behaviour == "skip":
            continue
        shift = {
            "on-time": 0,
            "late": draw(st.integers(1, 120)),
            "early": -draw(st.integers(1, 25)),
        }.get(behaviour, draw(st.integers(-5, 60)))
        on = max(contract.disbursed_on, inst.due_on + dt.timedelta(days=shift))
        amount = inst.payment + Decimal("30.00")
        if behaviour == "partial":
            amount = max(
                Decimal("0.01"),
                (inst.payment * draw(st.integers(1, 99)) / 100).quantize(Decimal("0.01")),
            )
        elif behaviour == "surplus":
            amount = inst.payment * 2
        payments.append(Payment(on, amount, f"{loan_id}-P{len(payments)}"))
    horizon = contract.term_months * 31 + 400
    for _ in range(draw(st.integers(0, 3))):
        on = contract.disbursed_on + dt.timedelta(days=draw(st.integers(0, horizon)))
        payments.append(Payment(on, draw(fen(1, 500_000)), f"{loan_id}-X{len(payments)}"))
    events = tuple(
        LoanEvent(
            contract.disbursed_on + dt.timedelta(days=draw(st.integers(0, horizon + 400))),
            draw(st.sampled_from(list(EventKind))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    shuffled = draw(st.permutations(payments))
    return Loan(loan_id, contract, tuple(shuffled), events)


def random_messy_loan(rng: random.Random, loan_id: str, last: dt.date) -> Loan:
    """The same kind of loan as :func:`messy_loans`, drawn from a seeded ``random.Random``.

    Hypothesis draws are costly for thousands of loans; the bulk differential test draws a
    seed with Hypothesis and the loans with this function (reproducible, not shrinkable).
    """
    unit = rng.choice(list(RateUnit))
    top = {RateUnit.ANNUAL: 3600, RateUnit.MONTHLY: 300, RateUnit.DAILY: 10}[unit]
    order = list(Component)
    rng.shuffle(order)

    def money(lo: int, hi: int) -> Decimal:
        return Decimal(rng.randint(lo, hi)) / 100

    contract = Contract(
        principal=money(100_00, 500_000_00),
        disbursed_on=FIRST_DAY + dt.timedelta(days=rng.randint(0, (last - FIRST_DAY).days)),
        term_months=rng.randint(1, 36),
        method=rng.choice(list(RepaymentMethod)),
        rate=Decimal(rng.randint(0, top)) / 10000,
        rate_unit=unit,
        day_count=rng.choice(list(DayCount)),
        penalty_markup=rng.choice([Decimal("0.5"), Decimal("0.3"), Decimal("0")]),
        compound=rng.random() < 0.5,
        upfront_fee=money(0, 2000_00),
        service_fee=money(0, 100_00),
        late_fee_rate=rng.choice([Decimal("0"), Decimal("0.05"), Decimal("0.03")]),
        late_fee_min=money(0, 50_00),
        allocation=Allocation(tuple(order), rng.choice(list(AllocationBy))),
        lender_type=rng.choice(list(LenderType)),
    )
    payments: list[Payment] = []
    for inst in build_schedule(contract).installments:
        behaviour = rng.choice(["on-time", "late", "early", "partial", "surplus", "skip", "skip"])
        if behaviour == "skip":
            continue
        shift = {"on-time": 0, "late": rng.randint(1, 120), "early": -rng.randint(1, 25)}.get(
            behaviour, rng.randint(-5, 60)
        )
        on = max(contract.disbursed_on, inst.due_on + dt.timedelta(days=shift))
        amount = inst.payment + Decimal("30.00")
        if behaviour == "partial":
            amount = max(
                Decimal("0.01"), (inst.payment * rng.randint(1, 99) / 100).quantize(Decimal("0.01"))
            )
        elif behaviour == "surplus":
            amount = inst.payment * 2
        payments.append(Payment(on, amount, f"{loan_id}-P{len(payments)}"))
    horizon = contract.term_months * 31 + 400
    for _ in range(rng.randint(0, 3)):
        on = contract.disbursed_on + dt.timedelta(days=rng.randint(0, horizon))
        payments.append(Payment(on, money(1, 500_000), f"{loan_id}-X{len(payments)}"))
    events = tuple(
        LoanEvent(
            contract.disbursed_on + dt.timedelta(days=rng.randint(0, horizon + 400)),
            rng.choice(list(EventKind)),
        )
        for _ in range(rng.randint(0, 3))
    )
    rng.shuffle(payments)
    given: tuple[GivenInstallment, ...] = ()
    if rng.random() < 0.1:  # the lender supplies its own schedule, not quite the textbook one
        given = tuple(
            GivenInstallment(
                i.no, i.due_on + dt.timedelta(days=rng.choice([0, 0, 1, -1])), i.principal,
                max(Decimal(0), i.interest + Decimal(rng.randint(-3, 3)) / 100), i.service_fee,
            )
            for i in build_schedule(contract).installments
        )  # fmt: skip
    return Loan(loan_id, contract, tuple(payments), events, given)
