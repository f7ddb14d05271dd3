"""Loans with messy histories, for the property and differential tests.

One generator, two sources of randomness: Hypothesis draws (shrinkable, for the strategies
:func:`contracts` and :func:`messy_loans`) or a seeded ``random.Random`` (fast, for
:func:`random_messy_loan`, which the bulk differential test uses for thousands of loans).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

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
LAST_DAY = dt.date(2026, 6, 30)

T = TypeVar("T")


class Source(Protocol):
    def randint(self, lo: int, hi: int) -> int: ...
    def choice(self, values: Sequence[T]) -> T: ...
    def shuffled(self, values: Sequence[T]) -> list[T]: ...


class Draws:
    """Randomness from Hypothesis, so that failures shrink."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def randint(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def choice(self, values: Sequence[T]) -> T:
        return self.draw(st.sampled_from(values))

    def shuffled(self, values: Sequence[T]) -> list[T]:
        return list(self.draw(st.permutations(values)))


class Seeded:
    """Randomness from a seeded ``random.Random``: reproducible, cheap, not shrinkable."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def randint(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, values: Sequence[T]) -> T:
        return self.rng.choice(values)

    def shuffled(self, values: Sequence[T]) -> list[T]:
        out = list(values)
        self.rng.shuffle(out)
        return out


def fen(lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    """Amounts in whole fen between ``lo`` and ``hi`` fen."""
    return st.integers(lo, hi).map(lambda n: Decimal(n) / 100)


def _money(src: Source, lo: int, hi: int) -> Decimal:
    return Decimal(src.randint(lo, hi)) / 100


def make_contract(src: Source, first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> Contract:
    unit = src.choice(list(RateUnit))
    top = {RateUnit.ANNUAL: 3600, RateUnit.MONTHLY: 300, RateUnit.DAILY: 10}[unit]
    principal = _money(src, 100_00, 500_000_00)
    upfront = _money(src, 0, 2000_00)
    return Contract(
        principal=principal,
        disbursed_on=first + dt.timedelta(days=src.randint(0, (last - first).days)),
        term_months=src.randint(1, 36),
        method=src.choice(list(RepaymentMethod)),
        rate=Decimal(src.randint(0, top)) / 10000,
        rate_unit=unit,
        day_count=src.choice(list(DayCount)),
        penalty_markup=src.choice([Decimal("0.5"), Decimal("0.3"), Decimal("0")]),
        compound=src.choice([False, True]),
        upfront_fee=upfront,
        # withheld from the amount paid out (民法典 Art. 670) in about a third of the loans
        upfront_fee_deducted=upfront < principal and src.randint(0, 2) == 0,
        service_fee=_money(src, 0, 100_00),
        late_fee_rate=src.choice([Decimal("0"), Decimal("0.05"), Decimal("0.03")]),
        late_fee_min=_money(src, 0, 50_00),
        allocation=Allocation(tuple(src.shuffled(list(Component))), src.choice(list(AllocationBy))),
        lender_type=src.choice(list(LenderType)),
    )


def make_messy_loan(src: Source, loan_id: str, last: dt.date) -> Loan:
    """A loan whose borrower pays on time, late, early, partly, too much, everything that is left
    (enough to repay the loan early, or nearly) or not at all, with
    random extra payments (listed out of order, as backdated entries are), demands,
    acknowledgements or suits that restart the limitation period, and sometimes a schedule
    supplied by the lender that is not quite the textbook one."""
    contract = make_contract(src, last=last)
    schedule = build_schedule(contract).installments
    payments: list[Payment] = []
    repay_all = src.randint(0, 3 * len(schedule))  # in about a third of the loans
    for k, inst in enumerate(schedule):
        behaviour = src.choice(["on-time", "late", "early", "partial", "surplus", "skip", "skip"])
        if k == repay_all:
            behaviour = "repay-all"
        if behaviour == "skip":
            continue
        if behaviour == "repay-all":
            # The rest of the principal and about one period's interest and fee or less, on a day in the
            # installment's period: sometimes enough to repay the loan early, sometimes not.
            rest = sum((i.principal for i in schedule[k:]), Decimal(0))
            extra = Decimal(src.randint(0, int((inst.interest + inst.service_fee) * 200) + 1)) / 100
            on = max(contract.disbursed_on, inst.due_on - dt.timedelta(days=src.randint(0, 30)))
            payments.append(Payment(on, rest + extra, f"{loan_id}-S{len(payments)}"))
            continue
        if behaviour == "on-time":
            shift = 0
        elif behaviour == "late":
            shift = src.randint(1, 120)
        elif behaviour == "early":
            shift = -src.randint(1, 25)
        else:
            shift = src.randint(-5, 60)
        on = max(contract.disbursed_on, inst.due_on + dt.timedelta(days=shift))
        amount = inst.payment + Decimal("30.00")
        if behaviour == "partial":
            share = src.randint(1, 99)
            amount = max(Decimal("0.01"), (inst.payment * share / 100).quantize(Decimal("0.01")))
        elif behaviour == "surplus" and inst.payment > 0:  # (nothing due: the 30.00 above)
            amount = inst.payment * 2
        payments.append(Payment(on, amount, f"{loan_id}-P{len(payments)}"))
    horizon = contract.term_months * 31 + 400
    for _ in range(src.randint(0, 3)):
        on = contract.disbursed_on + dt.timedelta(days=src.randint(0, horizon))
        payments.append(Payment(on, _money(src, 1, 500_000), f"{loan_id}-X{len(payments)}"))
    events = tuple(
        LoanEvent(
            contract.disbursed_on + dt.timedelta(days=src.randint(0, horizon + 400)),
            src.choice(list(EventKind)),
        )
        for _ in range(src.randint(0, 3))
    )
    given: tuple[GivenInstallment, ...] = ()
    if src.randint(0, 9) == 0:
        given = tuple(
            GivenInstallment(
                i.no, i.due_on + dt.timedelta(days=src.choice([0, 0, 1, -1])), i.principal,
                max(Decimal(0), i.interest + Decimal(src.randint(-3, 3)) / 100), i.service_fee,
            )
            for i in schedule
        )  # fmt: skip
    return Loan(loan_id, contract, tuple(src.shuffled(payments)), events, given)


@st.composite
def contracts(draw: st.DrawFn, first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> Contract:
    return make_contract(Draws(draw), first, last)


@st.composite
def messy_loans(draw: st.DrawFn, loan_id: str = "H", last: dt.date = LAST_DAY) -> Loan:
    return make_messy_loan(Draws(draw), loan_id, last)


def random_messy_loan(rng: random.Random, loan_id: str, last: dt.date) -> Loan:
    return make_messy_loan(Seeded(rng), loan_id, last)
