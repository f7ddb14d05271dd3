"""The reference ledger: a loan's state as of any date, replayed from disbursement.

This module is the specification the batch engine is tested against. It favours clarity:
one loan, ``Decimal`` amounts, exact rationals for rates, a walk over the days on which
something happens. Pure: no I/O, no clock.

How a day is processed
----------------------
The replay visits, in date order, every day on which something happens: a due date, the day
after a due date (the first overdue day), a payment, a change of cap rate, the as-of date.
On each such day ``d``, after the previous such day ``p``:

1. **Accrue** penalty interest (罚息) on each overdue installment's unpaid principal, and
   compound interest (复利, if the contract has it) on its unpaid contractual interest, for the
   days ``p+1 .. d`` — ``base x annual rate x days / basis``, computed exactly and rounded
   half-up to the fen once per span. An installment is overdue from the day after its due
   date. The cap allowance accrues on the principal outstanding over the same days.
2. **Late fee**: an installment whose scheduled amount is still unpaid the day after its due
   date is charged the late fee once: ``max(minimum, rate x unpaid scheduled amount)``.
3. **Due**: installments due on ``d`` become payable; a credit balance pays them at once.
4. **Payments** made on ``d`` are allocated by the contract's order (default 民法典 Art. 561:
   fees, then penalty, compound and contractual interest, then principal — oldest
   installment first). What is left is a credit, applied to amounts as they fall due.
5. **Repaid early**: when, after a day's payments, principal is not yet due and the credit
   covers it with the interest and service fee of the days borrowed since the last due date,
   the loan is repaid on ``d`` (民法典 Art. 677); see :func:`_settle_early`.

Because every payment is placed on its own date before anything later is computed, a
backdated payment gives the same state as one entered on time, and the order in which
payments are listed does not matter.

Worked example (penalty span): 2,000.00 of principal overdue from 2025-03-16, paid on
2025-04-10, contract rate 18 % (penalty 27 %), ACT/360: the span 03-16..04-10 has 26 days,
2,000 x 0.27 x 26 / 360 = 39.00.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from overdue.dates import PeriodUnit, add_years, next_working_day
from overdue.errors import CalendarCoverageError, InputError, RuleLookupError
from overdue.ledger.contract import (
    AllocationBy,
    Component,
    Contract,
    Loan,
    Payment,
)
from overdue.ledger.schedule import Installment, Schedule, loan_schedule
from overdue.money import ZERO, Rounding, fmt, percent, round_fen, round_ratio, total
from overdue.rules.caps import CapProfile, CapSegment, CapSettings, cap_segments
from overdue.rules.periods import period_rule

__all__ = [
    "BUCKETS",
    "AllocationLine",
    "CapCheck",
    "CapSpan",
    "ChargeLine",
    "Explanation",
    "InstallmentState",
    "Limitation",
    "LoanState",
    "Replay",
    "bucket_of",
    "loan_state",
    "replay",
]

BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6+")

# The order in which the amount above a cap is given up: liquidated damages and fees first,
# then compound and penalty interest, then contractual interest; principal last (only when
# the cost already paid exceeds the cap, so the excess paid is set against principal).
CAP_REDUCTION_ORDER: tuple[Component, ...] = (
    Component.LATE_FEE,
    Component.SERVICE_FEE,
    Component.COMPOUND,
    Component.PENALTY,
    Component.INTEREST,
    Component.PRINCIPAL,
)

_SCHEDULED = (Component.PRINCIPAL, Component.INTEREST, Component.SERVICE_FEE)


def bucket_of(dpd: int) -> str:
    """M0 current; M1 1-30 days past due; M2 31-60; ... M6+ over 150."""
    if dpd <= 0:
        return "M0"
    return BUCKETS[min((dpd - 1) // 30 + 1, 6)]


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One charge: what it is for, on which installment, and how it was computed."""

    installment: int | None
    component: str  # a Component value, or "upfront_fee"
    start: dt.date | None  # first day counted (accruals) or the day charged
    end: dt.date | None  # last day counted, inclusive (accruals)
    days: int | None
    base: Decimal | None
    rate: Decimal | None  # annual rate (accruals), monthly rate (schedule), share (late fee)
    basis: int | None  # days in the year (accruals)
    amount: Decimal
    rule: str


@dataclass(frozen=True, slots=True)
class AllocationLine:
    payment_id: str
    on: dt.date
    installment: int | None  # None: kept as credit
    component: str  # a Component value or "credit"
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CapSpan:
    start: dt.date
    end: dt.date  # inclusive
    days: int
    principal: Decimal
    rate: Decimal
    allowance: Decimal  # this span's share, to the fen (the total is rounded once)
    rule: str


@dataclass(frozen=True, slots=True)
class CapCheck:
    """Total cost charged so far against the cap that applies.

    ``annual_rate`` is the cost as an annual rate of the principal outstanding:
    ``charged / (sum of principal x days / basis)``. ``allowed`` is what the cap permits over
    the same days; ``excess`` the amount above it (0 when within the cap or with no cap).
    """

    profile: str
    cap_rate: Decimal | None  # the rate in force on the as-of date
    annual_rate: Decimal
    charged: Decimal
    allowed: Decimal | None
    excess: Decimal
    basis: int
    rules: tuple[str, ...]  # as a court document cites them
    spans: tuple[CapSpan, ...]
    # caveats for the operator, never printed in a court document: the LPR a cap rests on may
    # not be in the table yet (:func:`overdue.rules.caps.lpr_note`)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Limitation:
    """诉讼时效 (民法典 Arts. 188, 189, 195): 3 years from the last installment's due date or
    from the latest interruption (demand, acknowledgement, payment, suit), whichever is later."""

    starts_on: dt.date
    expires_on: dt.date
    nominal_expires_on: dt.date
    calendar_covered: bool  # False: the holiday roll-over could not be checked
    interrupted_by: str  # "final-due-date", "payment", "demand", "acknowledgement", "suit"
    rule: str


@dataclass(frozen=True, slots=True)
class InstallmentState:
    no: int
    due_on: dt.date
    scheduled: Decimal  # principal + interest + service fee
    charged: dict[str, Decimal]  # component -> total charged so far
    paid: dict[str, Decimal]
    unpaid: dict[str, Decimal]

    @property
    def unpaid_scheduled(self) -> Decimal:
        return total(self.unpaid[c.value] for c in _SCHEDULED)


@dataclass(frozen=True, slots=True)
class LoanState:
    loan_id: str
    as_of: dt.date
    dpd: int
    bucket: str
    outstanding_principal: Decimal
    overdue_principal: Decimal
    overdue_interest: Decimal
    penalty_interest: Decimal
    compound_interest: Decimal
    fees: Decimal
    total_due: Decimal
    credit: Decimal
    cap: CapCheck
    claimable_total: Decimal
    claimable: dict[str, Decimal]  # component -> amount after the cap reduction
    limitation: Limitation
    next_due_on: dt.date | None
    next_due_amount: Decimal
    last_payment_on: dt.date | None
    last_payment_amount: Decimal
    paid_total: Decimal
    installments: tuple[InstallmentState, ...]

    @property
    def repaid(self) -> bool:
        """Nothing lent is out and nothing is owed (结清): a credit left is owed back. The
        portfolio reports call such a row settled."""
        return self.outstanding_principal == 0 and self.total_due == 0

    @property
    def excess_beyond_overdue(self) -> Decimal:
        """See :func:`excess_beyond_overdue`."""
        return excess_beyond_overdue(self.cap.excess, self.total_due, self.claimable_total)


def excess_beyond_overdue(excess: Decimal, total_due: Decimal, claimable_total: Decimal) -> Decimal:
    """Costs paid above the cap that the overdue amounts (principal included) could not absorb:
    a credit against principal not yet overdue (or, beyond it, to be refunded). The cap's excess
    reduces only what is overdue (``claimable``), so this is not in it. Also applied to the
    same columns of ``loan_state.parquet``."""
    return excess - (total_due - claimable_total)


_REPAID_EARLY = "提前还清："  # how the charge lines of an early repayment begin (_settle_early)


@dataclass(frozen=True, slots=True)
class Explanation:
    charges: tuple[ChargeLine, ...]
    allocations: tuple[AllocationLine, ...]
    cap_spans: tuple[CapSpan, ...]

    @property
    def repaid_early_on(self) -> dt.date | None:
        """The day the loan was repaid early (:func:`_settle_early`), or None."""
        return next(
            (c.end or c.start for c in self.charges if c.rule.startswith(_REPAID_EARLY)), None
        )


@dataclass(frozen=True, slots=True)
class Replay:
    state: LoanState
    explanation: Explanation
    schedule: Schedule


@dataclass(slots=True)
class _Open:
    """Mutable running balance of one installment during a replay (never escapes it)."""

    inst: Installment
    charged: dict[Component, Decimal] = field(default_factory=dict)
    paid: dict[Component, Decimal] = field(default_factory=dict)
    late_fee_charged: bool = False
    # Penalty and compound interest accrued exactly but not yet rounded and charged: the
    # current span runs from ``span_start`` for ``span_days`` days on an unchanged base.
    span_start: dt.date | None = None
    span_days: int = 0
    pending: dict[Component, Fraction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.charged = dict.fromkeys(Component, ZERO)
        self.paid = dict.fromkeys(Component, ZERO)
        self.pending = {Component.PENALTY: Fraction(0), Component.COMPOUND: Fraction(0)}

    def unpaid(self, c: Component) -> Decimal:
        return self.charged[c] - self.paid[c]

    def unpaid_scheduled(self) -> Decimal:
        return total(self.unpaid(c) for c in _SCHEDULED)

    def frozen(self) -> InstallmentState:
        return InstallmentState(
            no=self.inst.no,
            due_on=self.inst.due_on,
            scheduled=self.inst.payment,
            charged={c.value: self.charged[c] for c in Component},
            paid={c.value: self.paid[c] for c in Component},
            unpaid={c.value: self.unpaid(c) for c in Component},
        )


_ACCRUAL_RULES = {
    Component.PENALTY: "罚息：逾期本金 × 罚息年利率 × 天数 / 年计息天数",
    Component.COMPOUND: "复利：逾期未付利息 × 罚息年利率 × 天数 / 年计息天数",
}


def _accrual_base(o: _Open, c: Component) -> Decimal:
    """Penalty runs on the unpaid principal, compound interest on the unpaid interest."""
    return o.unpaid(Component.PRINCIPAL if c is Component.PENALTY else Component.INTEREST)


def _flush(o: _Open, contract: Contract, end: dt.date, charges: list[ChargeLine]) -> None:
    """Round and charge the accrual of the span that ends on ``end`` (inclusive).

    A span ends when its base may change — on a day the borrower pays — and on the as-of
    date; each span is rounded half-up to the fen once.
    """
    if o.span_start is None:
        return
    for c, exact_amount in o.pending.items():
        amount = round_fen(exact_amount, Rounding.HALF_UP)
        if amount > 0:
            o.charged[c] += amount
            charges.append(
                ChargeLine(
                    o.inst.no, c.value, o.span_start, end, o.span_days, _accrual_base(o, c),
                    contract.annual_penalty_rate, contract.day_count.basis, amount,
                    _ACCRUAL_RULES[c],
                )
            )  # fmt: skip
        o.pending[c] = Fraction(0)
    o.span_start, o.span_days = None, 0


def replay(
    loan: Loan,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    filed_on: dt.date | None = None,
    cap_settings: CapSettings | None = None,
) -> Replay:
    """Replay ``loan`` from disbursement to the end of ``as_of`` and report its state.

    ``cap`` defaults to the profile of the lender type. ``filed_on`` (default: ``as_of``) is
    the filing date used by the private-lending transitional rule. A loan whose upfront fee
    was withheld from the amount paid out is replayed as the amount actually lent
    (:meth:`Contract.as_lent`, 民法典 Art. 670), on the schedule its terms give for that amount.
    """
    withheld = loan.contract.withheld
    if withheld:
        # A schedule the lender supplied is one on the contract principal: it does not apply.
        loan = replace(loan, contract=loan.contract.as_lent(), installments=())
    contract = loan.contract
    if as_of < contract.disbursed_on:
        raise ValueError(f"as-of date {as_of} is before disbursement {contract.disbursed_on}")
    if filed_on is not None and filed_on < contract.contract_on:
        raise InputError("filed_on", f"{filed_on} is before the contract ({contract.contract_on})")
    for p in loan.payments:
        if p.on < contract.disbursed_on:
            raise ValueError(f"payment {p.payment_id or p.amount} on {p.on} precedes disbursement")
        if p.amount <= 0 or p.amount != round_fen(p.amount):
            raise ValueError(f"payment {p.payment_id or p.on}: amount must be positive whole fen")
    profile = cap or contract.lender_type.default_cap
    settings = cap_settings or CapSettings.defaults()
    segments = cap_segments(
        profile, contract.contract_on, filed_on=filed_on or as_of, settings=settings
    )

    schedule = loan_schedule(loan)
    opens = [_Open(i) for i in schedule.installments]
    payments = sorted(
        (p for p in loan.payments if p.on <= as_of), key=lambda p: (p.on, p.payment_id, p.amount)
    )
    charges: list[ChargeLine] = []
    allocations: list[AllocationLine] = []
    cap_spans: list[CapSpan] = []
    penalty_rate = Fraction(contract.annual_penalty_rate)
    basis = contract.day_count.basis
    cap_basis = settings.day_basis

    if withheld:
        gross = contract.principal + withheld
        charges.append(
            ChargeLine(
                None, "upfront_fee", contract.disbursed_on, None, None, gross, None, None, ZERO,
                f"放款时从借款本金{fmt(gross)}元中预先扣除的一次性费用{fmt(withheld)}元：依民法典"
                f"第六百七十条，借款本金按实际出借的{fmt(contract.principal)}元认定并据此计算利息，"
                f"预先扣除的费用不计入本金，也不另行收取",
            )
        )  # fmt: skip
    if contract.upfront_fee > 0:
        charges.append(
            ChargeLine(
                None, "upfront_fee", contract.disbursed_on, None, None, contract.principal,
                None, None, contract.upfront_fee, "合同约定的一次性费用（放款时收取）",
            )
        )  # fmt: skip

    days_of_interest: set[dt.date] = {contract.disbursed_on, as_of}
    for o in opens:
        days_of_interest.add(o.inst.due_on)
        days_of_interest.add(o.inst.due_on + dt.timedelta(days=1))
    days_of_interest.update(p.on for p in payments)
    for seg in segments:
        if seg.starts_on is not None:
            days_of_interest.add(seg.starts_on - dt.timedelta(days=1))
    timeline = sorted(d for d in days_of_interest if contract.disbursed_on <= d <= as_of)

    credit = ZERO
    principal_repaid = ZERO
    cap_units: list[tuple[CapSegment, Fraction]] = []  # (segment, principal x days)
    all_units = Fraction(0)  # principal x days on every day, in a cap's segment or not
    prev = contract.disbursed_on
    by_day: dict[dt.date, list[Payment]] = {}
    for p in payments:
        by_day.setdefault(p.on, []).append(p)

    pay_days = set(by_day)
    for day in timeline:
        days = (day - prev).days
        first = prev + dt.timedelta(days=1)
        # 1. accrue over first..day on each installment overdue throughout (due before first)
        for o in opens:
            if o.inst.due_on > prev:
                continue
            for c in (Component.PENALTY, Component.COMPOUND):
                if c is Component.COMPOUND and not contract.compound:
                    continue
                base = _accrual_base(o, c)
                if base > 0:
                    o.pending[c] += Fraction(base) * penalty_rate * days / basis
            if o.span_start is None:
                o.span_start = first
            o.span_days += days
        outstanding = contract.principal - principal_repaid
        in_span = next((s for s in segments if s.covers(day)), None)
        if outstanding > 0 and days > 0:
            all_units += Fraction(outstanding) * days
        if in_span is not None and outstanding > 0 and days > 0:
            units = Fraction(outstanding) * days
            cap_units.append((in_span, units))
            last_span = cap_spans[-1] if cap_spans else None
            if last_span and last_span.principal == outstanding and last_span.rule == in_span.rule:
                units += Fraction(last_span.principal) * last_span.days
                cap_spans[-1] = CapSpan(
                    last_span.start, day, last_span.days + days, outstanding, in_span.annual_rate,
                    round_fen(units * Fraction(in_span.annual_rate) / cap_basis), in_span.rule,
                )  # fmt: skip
            else:
                cap_spans.append(
                    CapSpan(
                        first, day, days, outstanding, in_span.annual_rate,
                        round_fen(units * Fraction(in_span.annual_rate) / cap_basis), in_span.rule,
                    )
                )  # fmt: skip
        if day in pay_days or day == as_of:
            # The borrower pays (or the as-of date): crystallise accruals so they can be paid.
            for o in opens:
                _flush(o, contract, day, charges)

        # 2. late fee on installments that became overdue today
        for o in opens:
            if o.inst.due_on == day - dt.timedelta(days=1) and not o.late_fee_charged:
                unpaid = o.unpaid_scheduled()
                if unpaid > 0 and (contract.late_fee_rate > 0 or contract.late_fee_min > 0):
                    fee = max(
                        contract.late_fee_min,
                        round_fen(Fraction(unpaid) * Fraction(contract.late_fee_rate)),
                    )
                    o.charged[Component.LATE_FEE] += fee
                    o.late_fee_charged = True
                    charges.append(
                        ChargeLine(
                            o.inst.no, Component.LATE_FEE.value, day, None, None, unpaid,
                            contract.late_fee_rate, None, fee,
                            f"违约金：逾期应还金额 × {percent(contract.late_fee_rate)}"
                            + (f"，最低 {contract.late_fee_min} 元" if contract.late_fee_min > 0 else ""),
                        )
                    )  # fmt: skip

        # 3. installments falling due today
        for o in opens:
            if o.inst.due_on == day:
                o.charged[Component.PRINCIPAL] = o.inst.principal
                o.charged[Component.INTEREST] = o.inst.interest
                o.charged[Component.SERVICE_FEE] = o.inst.service_fee
                charges.extend(_scheduled_lines(contract, o.inst))
        due = [o for o in opens if o.inst.due_on <= day]
        if credit > 0:
            lines, credit = _allocate(credit, due, contract, "credit", day)
            allocations.extend(lines)

        # 4. payments made today
        for p in by_day.get(day, ()):
            lines, left = _allocate(p.amount, due, contract, p.payment_id, day)
            allocations.extend(lines)
            if left > 0:
                allocations.append(AllocationLine(p.payment_id, day, None, "credit", left))
            credit += left
        # 5. repaid early: the credit covers the principal not yet due and its cost so far
        if credit > 0 and day in by_day:
            credit = _settle_early(opens, contract, day, credit, charges, allocations)
        principal_repaid = total(o.paid[Component.PRINCIPAL] for o in opens)
        prev = day

    state = _state(loan, as_of, contract, opens, payments, credit, charges, cap_units, all_units,
                   cap_spans, profile, segments, cap_basis)  # fmt: skip
    return Replay(
        state, Explanation(tuple(charges), tuple(allocations), tuple(cap_spans)), schedule
    )


def loan_state(
    loan: Loan,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    filed_on: dt.date | None = None,
    cap_settings: CapSettings | None = None,
) -> LoanState:
    """The state of ``loan`` at the end of ``as_of`` (see :func:`replay`)."""
    return replay(loan, as_of, cap=cap, filed_on=filed_on, cap_settings=cap_settings).state


def _settle_early(
    opens: list[_Open],
    contract: Contract,
    day: dt.date,
    credit: Decimal,
    charges: list[ChargeLine],
    allocations: list[AllocationLine],
) -> Decimal:
    """Close the loan on ``day`` when the credit repays it; return the credit left.

    The credit is what is left of the day's payments after every amount due (it pays them
    first), so nothing is overdue. When principal is not yet due and the credit covers it with
    the cost of the period in progress for the days borrowed — contract interest on it from the
    last due date (or the disbursement) through ``day``, ``principal x annual rate x days /
    basis``, and the period's service fee x those days / the period's days, each rounded half-up
    to the fen once — the borrower has returned the loan: 民法典 Art. 677, interest for the
    period actually borrowed unless agreed otherwise (a contract term agreeing otherwise is not
    modelled). Those installments fall due on ``day`` with that principal, the first with that
    interest and fee, and nothing for periods not borrowed; the credit pays them. So does a
    last installment paid a few days before its date: the days not borrowed come back.
    """
    rest = [o for o in opens if o.inst.due_on > day]
    principal = total(o.inst.principal for o in rest)
    if principal <= 0:
        return credit  # nothing lent is still out: the schedule's other amounts wait
    since = max(
        (o.inst.due_on for o in opens if o.inst.due_on <= day), default=contract.disbursed_on
    )
    days = (day - since).days
    interest = round_fen(
        Fraction(principal) * Fraction(contract.annual_rate) * days / contract.day_count.basis
    )
    period = (rest[0].inst.due_on - since).days
    fee = round_fen(Fraction(rest[0].inst.service_fee) * days / period)
    if credit < principal + interest + fee:
        return credit
    for k, o in enumerate(rest):
        o.inst = replace(
            o.inst,
            due_on=day,
            interest=interest if k == 0 else ZERO,
            service_fee=fee if k == 0 else ZERO,
            interest_base=principal if k == 0 else ZERO,
        )
        if k == 0 and interest > 0:
            charges.append(
                ChargeLine(
                    o.inst.no, Component.INTEREST.value, since + dt.timedelta(days=1), day, days,
                    principal, contract.annual_rate, contract.day_count.basis, interest,
                    f"{_REPAID_EARLY}未到期本金 × 合同年利率 × 实际借款天数 / 年计息天数"
                    "（民法典第六百七十七条：按照实际借款的期间计算利息）",
                )
            )  # fmt: skip
        if k == 0 and fee > 0:
            charges.append(
                ChargeLine(
                    o.inst.no, Component.SERVICE_FEE.value, since + dt.timedelta(days=1), day,
                    days, None, None, None, fee,
                    f"{_REPAID_EARLY}本期服务费按实际借款天数折算（{days}/{period}天）",
                )
            )  # fmt: skip
        if o.inst.principal > 0:
            charges.append(
                ChargeLine(
                    o.inst.no, Component.PRINCIPAL.value, day, None, None, None, None, None,
                    o.inst.principal, f"{_REPAID_EARLY}未到期本金于还清之日一并归还",
                )
            )  # fmt: skip
        for c, amount in (
            (Component.INTEREST, o.inst.interest),
            (Component.SERVICE_FEE, o.inst.service_fee),
            (Component.PRINCIPAL, o.inst.principal),
        ):
            o.charged[c] = o.paid[c] = amount
            if amount > 0:
                allocations.append(AllocationLine("credit", day, o.inst.no, c.value, amount))
    return credit - principal - interest - fee


def _scheduled_lines(contract: Contract, inst: Installment) -> Iterable[ChargeLine]:
    if inst.interest_months == 0:  # a schedule supplied with the loan
        yield ChargeLine(
            inst.no, Component.INTEREST.value, inst.due_on, None, None, None, None, None,
            inst.interest, "还款计划（随贷款数据提供）载明的本期利息",
        )  # fmt: skip
        yield ChargeLine(
            inst.no, Component.PRINCIPAL.value, inst.due_on, None, None, None, None, None,
            inst.principal, "还款计划（随贷款数据提供）载明的本期本金",
        )  # fmt: skip
        if inst.service_fee > 0:
            yield ChargeLine(
                inst.no, Component.SERVICE_FEE.value, inst.due_on, None, None, None, None, None,
                inst.service_fee, "还款计划（随贷款数据提供）载明的本期服务费",
            )  # fmt: skip
        return
    monthly = (Fraction(contract.annual_rate) / 12).limit_denominator(10**12)
    rate_text = f"年利率 {percent(contract.annual_rate)} ÷ 12"
    months = f" × {inst.interest_months} 个月" if inst.interest_months > 1 else ""
    yield ChargeLine(
        inst.no, Component.INTEREST.value, inst.due_on, None, None, inst.interest_base,
        Decimal(monthly.numerator) / Decimal(monthly.denominator), None, inst.interest,
        f"合同利息（{contract.method.label}）：期初本金 × 月利率（{rate_text}）{months}",
    )  # fmt: skip
    yield ChargeLine(
        inst.no, Component.PRINCIPAL.value, inst.due_on, None, None, None, None, None,
        inst.principal, "本期应还本金（还款计划）",
    )  # fmt: skip
    if inst.service_fee > 0:
        yield ChargeLine(
            inst.no, Component.SERVICE_FEE.value, inst.due_on, None, None, None, None, None,
            inst.service_fee, "合同约定的每期服务费",
        )  # fmt: skip


def _allocate(
    amount: Decimal, due: list[_Open], contract: Contract, payment_id: str, day: dt.date
) -> tuple[list[AllocationLine], Decimal]:
    """Pay ``amount`` into the due installments in the contract's order; return what is left."""
    order = contract.allocation.order
    if contract.allocation.by is AllocationBy.COMPONENT:
        steps = [(c, o) for c in order for o in due]
    else:
        steps = [(c, o) for o in due for c in order]
    lines: list[AllocationLine] = []
    left = amount
    for component, o in steps:
        if left <= 0:
            break
        owed = o.unpaid(component)
        if owed <= 0:
            continue
        pay = min(owed, left)
        o.paid[component] += pay
        left -= pay
        lines.append(AllocationLine(payment_id, day, o.inst.no, component.value, pay))
    return lines, left


def _state(
    loan: Loan,
    as_of: dt.date,
    contract: Contract,
    opens: list[_Open],
    payments: list[Payment],
    credit: Decimal,
    charges: list[ChargeLine],
    cap_units: list[tuple[CapSegment, Fraction]],
    all_units: Fraction,
    cap_spans: list[CapSpan],
    profile: CapProfile,
    segments: tuple[CapSegment, ...],
    cap_basis: int,
) -> LoanState:
    overdue = [o for o in opens if o.inst.due_on < as_of]

    def unpaid(c: Component, among: list[_Open]) -> Decimal:
        return total(o.unpaid(c) for o in among)

    owed = {c: unpaid(c, overdue) for c in Component}
    total_due = total(owed.values())
    late = next((o for o in overdue if o.unpaid_scheduled() > 0), None)
    dpd = (as_of - late.inst.due_on).days if late else 0

    # The cap: everything charged on days before the as-of date, paid or not, and what was paid
    # of the costs falling due on it (the allowance runs through the as-of date; what is still
    # unpaid of them is not yet claimable and enters the cap when it is overdue).
    charged = (
        contract.upfront_fee
        + total(o.charged[c] for o in overdue for c in Component if c.is_cost)
        + total(o.paid[c] for o in opens if o.inst.due_on == as_of for c in Component if c.is_cost)
    )
    # the cost as an annual rate over the days the cap counts; with no cap (no segments), over
    # every day the principal was out
    units = sum((u for _, u in cap_units), Fraction(0)) if segments else all_units
    annual_rate = round_ratio(Fraction(charged) * cap_basis / units) if units else ZERO
    allowed: Decimal | None = None
    if segments:
        allowed = round_fen(
            sum((u * Fraction(s.annual_rate) for s, u in cap_units), Fraction(0)) / cap_basis
        )
        excess = max(ZERO, charged - allowed)
        in_force = next((s for s in segments if s.covers(as_of)), segments[-1])
        cap_rate: Decimal | None = in_force.annual_rate
    else:
        excess, cap_rate = ZERO, None
    cap = CapCheck(
        profile=profile.value,
        cap_rate=cap_rate,
        annual_rate=annual_rate,
        charged=charged,
        allowed=allowed,
        excess=excess,
        basis=cap_basis,
        rules=tuple(s.rule for s in segments),
        notes=tuple(s.note for s in segments if s.note),
        spans=tuple(cap_spans),
    )

    claimable = {c.value: owed[c] for c in Component}
    to_give_up = excess
    for c in CAP_REDUCTION_ORDER:
        cut = min(to_give_up, claimable[c.value])
        claimable[c.value] -= cut
        to_give_up -= cut
    claimable_total = total(claimable.values())

    def still_to_pay(o: _Open) -> Decimal:
        # Installments not yet due have nothing charged (a credit waits for the due date).
        return o.unpaid_scheduled() if o.inst.due_on <= as_of else o.inst.payment

    upcoming = next((o for o in opens if o.inst.due_on >= as_of and still_to_pay(o) > 0), None)
    next_due_on = upcoming.inst.due_on if upcoming else None
    next_due_amount = ZERO
    if upcoming is not None:
        waiting = credit if upcoming.inst.due_on > as_of else ZERO
        next_due_amount = max(ZERO, still_to_pay(upcoming) - waiting)

    last = payments[-1] if payments else None
    last_day_total = total(p.amount for p in payments if last and p.on == last.on)
    return LoanState(
        loan_id=loan.loan_id,
        as_of=as_of,
        dpd=dpd,
        bucket=bucket_of(dpd),
        outstanding_principal=contract.principal
        - total(o.paid[Component.PRINCIPAL] for o in opens),
        overdue_principal=owed[Component.PRINCIPAL],
        overdue_interest=owed[Component.INTEREST],
        penalty_interest=owed[Component.PENALTY],
        compound_interest=owed[Component.COMPOUND],
        fees=owed[Component.LATE_FEE] + owed[Component.SERVICE_FEE],
        total_due=total_due,
        credit=credit,
        cap=cap,
        claimable_total=claimable_total,
        claimable=claimable,
        limitation=_limitation(loan, as_of, opens),
        next_due_on=next_due_on,
        next_due_amount=next_due_amount,
        last_payment_on=last.on if last else None,
        last_payment_amount=last_day_total,
        paid_total=total(p.amount for p in payments),
        installments=tuple(o.frozen() for o in opens),
    )


def _limitation(loan: Loan, as_of: dt.date, opens: list[_Open]) -> Limitation:
    rule = period_rule("limitation", as_of)
    start = opens[-1].inst.due_on
    cause = "final-due-date"
    interruptions = [(p.on, "payment") for p in loan.payments if p.on <= as_of]
    interruptions += [(e.on, e.kind.value) for e in loan.events if e.on <= as_of]
    for on, kind in sorted(interruptions):
        if on > start:
            start, cause = on, kind
    if rule.length is None or rule.unit is not PeriodUnit.YEAR:
        raise RuleLookupError("the limitation rule must be a whole number of years")
    nominal = add_years(start, rule.length)
    # 民法典 Art. 203: a last day on a rest day moves to the next working day. Beyond the
    # holiday calendar we report the nominal day, the earliest the period can end.
    try:
        expires = next_working_day(nominal) if rule.roll_over else nominal
        covered = True
    except CalendarCoverageError:
        expires, covered = nominal, False
    return Limitation(
        starts_on=start,
        expires_on=expires,
        nominal_expires_on=nominal,
        calendar_covered=covered,
        interrupted_by=cause,
        rule=rule.citation,
    )
