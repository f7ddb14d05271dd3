"""Loan contracts, payments and limitation events as frozen values.

Nothing here computes; :mod:`overdue.ledger.schedule` and :mod:`overdue.ledger.engine` do.
Rates are kept as annual fractions (``Decimal("0.18")`` for 18 % a year) whatever unit the
contract states them in; :meth:`Contract.annual_rate` does the conversion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from overdue.money import ZERO, exact, round_fen
from overdue.rules.caps import CapProfile

__all__ = [
    "DEFAULT_ORDER",
    "Allocation",
    "AllocationBy",
    "Component",
    "Contract",
    "DayCount",
    "EventKind",
    "GivenInstallment",
    "LenderType",
    "Loan",
    "LoanEvent",
    "Payment",
    "RateUnit",
    "RepaymentMethod",
]


class RepaymentMethod(StrEnum):
    EQUAL_INSTALLMENT = "equal-installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal-principal"  # 等额本金
    INTEREST_ONLY = "interest-only"  # 先息后本
    BULLET = "bullet"  # 到期一次还本付息

    @property
    def label(self) -> str:
        """The method as contracts and courts name it."""
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    RepaymentMethod.EQUAL_INSTALLMENT: "等额本息",
    RepaymentMethod.EQUAL_PRINCIPAL: "等额本金",
    RepaymentMethod.INTEREST_ONLY: "先息后本",
    RepaymentMethod.BULLET: "到期一次还本付息",
}


class DayCount(StrEnum):
    """Days in the year for daily accruals (penalty and compound interest, daily rates)."""

    ACT_360 = "ACT/360"
    ACT_365 = "ACT/365"

    @property
    def basis(self) -> int:
        return 360 if self is DayCount.ACT_360 else 365


class RateUnit(StrEnum):
    ANNUAL = "annual"
    MONTHLY = "monthly"
    DAILY = "daily"


class LenderType(StrEnum):
    LICENSED = "licensed"  # bank, consumer-finance company, small-loan company, ...
    PRIVATE = "private"  # 民间借贷

    @property
    def default_cap(self) -> CapProfile:
        return CapProfile.LICENSED_24 if self is LenderType.LICENSED else CapProfile.PRIVATE_4LPR


class Component(StrEnum):
    """What a unit of money owed is for; the allocation order is a sequence of these."""

    LATE_FEE = "late_fee"  # 违约金/滞纳金, charged once when an installment becomes overdue
    SERVICE_FEE = "service_fee"  # per-installment service fee
    PENALTY = "penalty"  # 罚息 on overdue principal
    COMPOUND = "compound"  # 复利 on overdue interest
    INTEREST = "interest"  # contractual interest of an installment
    PRINCIPAL = "principal"

    @property
    def is_cost(self) -> bool:
        return self is not Component.PRINCIPAL


# 民法典 Art. 561: costs, then interest, then the principal debt. Within interest we follow the
# usual loan-contract order: penalty, compound, then contractual interest.
DEFAULT_ORDER: tuple[Component, ...] = (
    Component.LATE_FEE,
    Component.SERVICE_FEE,
    Component.PENALTY,
    Component.COMPOUND,
    Component.INTEREST,
    Component.PRINCIPAL,
)


class AllocationBy(StrEnum):
    """``component``: each component across all installments (oldest first) before the next
    component. ``installment``: everything of the oldest installment before the next one."""

    COMPONENT = "component"
    INSTALLMENT = "installment"


@dataclass(frozen=True, slots=True)
class Allocation:
    order: tuple[Component, ...] = DEFAULT_ORDER
    by: AllocationBy = AllocationBy.COMPONENT

    def __post_init__(self) -> None:
        if sorted(self.order) != sorted(Component):
            raise ValueError("allocation order must name every component exactly once")


# What a user typing one loan's terms is taken to mean at most: rates above 1000 % a year (the
# nightly input's limit) are refused as a slip ("12" for 12 %); terms beyond 30 years too (the
# nightly input's 1..360). The ledger itself computes any terms it is given: a portfolio's
# monthly or daily rate may legitimately exceed this once made annual (套路贷 disputes).
MAX_TYPED_ANNUAL_RATE = Decimal(10)
MAX_TYPED_TERM_MONTHS = 360


def typed_terms_problem(contract: Contract) -> tuple[str, str] | None:
    """(field, why) when terms typed by hand are implausible, else None."""
    if contract.term_months > MAX_TYPED_TERM_MONTHS:
        return "term_months", (
            f"{contract.term_months} months is more than {MAX_TYPED_TERM_MONTHS} (30 years)"
        )
    annual = contract.annual_rate
    if annual > MAX_TYPED_ANNUAL_RATE:
        return "rate", (
            f"{contract.rate} {contract.rate_unit.value} is {annual * 100:.0f} % a year, above "
            f"{MAX_TYPED_ANNUAL_RATE * 100:.0f} %: write a percentage as 12% or 0.12"
        )
    return None


@dataclass(frozen=True, slots=True)
class Contract:
    principal: Decimal
    disbursed_on: dt.date
    term_months: int
    method: RepaymentMethod
    rate: Decimal  # in ``rate_unit``
    rate_unit: RateUnit = RateUnit.ANNUAL
    day_count: DayCount = DayCount.ACT_360
    penalty_markup: Decimal = Decimal("0.5")  # penalty rate = contract rate x (1 + markup)
    penalty_rate: Decimal | None = None  # explicit annual penalty rate; overrides the markup
    compound: bool = False  # compound interest on overdue interest, at the penalty rate
    upfront_fee: Decimal = ZERO  # charged at disbursement (paid then, or withheld: below)
    # The upfront fee was withheld from the amount paid out (砍头息). 民法典 Art. 670: interest
    # may not be deducted from the principal in advance; if it is, the loan is repaid and
    # interest computed on the amount actually lent. See :meth:`as_lent`.
    upfront_fee_deducted: bool = False
    service_fee: Decimal = ZERO  # per installment
    late_fee_rate: Decimal = ZERO  # of the overdue installment amount, once per installment
    late_fee_min: Decimal = ZERO
    allocation: Allocation = field(default_factory=Allocation)
    lender_type: LenderType = LenderType.LICENSED
    signed_on: dt.date | None = None  # contract formed (合同成立); default: disbursement date

    def __post_init__(self) -> None:
        if self.principal <= 0 or self.principal != round_fen(self.principal):
            raise ValueError("principal must be positive, in whole fen")
        if not 1 <= self.term_months <= 600:
            raise ValueError("term_months must be between 1 and 600")
        for name in ("rate", "penalty_markup", "upfront_fee", "service_fee", "late_fee_rate"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.late_fee_min < 0 or (self.penalty_rate is not None and self.penalty_rate < 0):
            raise ValueError("late_fee_min and penalty_rate must not be negative")
        for name in ("upfront_fee", "service_fee", "late_fee_min"):
            amount = getattr(self, name)
            if amount != round_fen(amount):
                raise ValueError(f"{name} must be in whole fen")
        if self.upfront_fee_deducted and self.upfront_fee >= self.principal:
            raise ValueError("an upfront fee withheld from the principal must be less than it")

    @property
    def withheld(self) -> Decimal:
        """The upfront fee withheld from the amount paid out (0 when none was)."""
        return self.upfront_fee if self.upfront_fee_deducted else ZERO

    @property
    def lent(self) -> Decimal:
        """The amount actually lent: the principal less an upfront fee withheld from it."""
        return self.principal - self.withheld

    def as_lent(self) -> Contract:
        """The contract as the law reads it (民法典 Art. 670; 民间借贷规定 Art. 26): when the
        upfront fee was withheld from the amount paid out, the principal is the amount actually
        lent, interest and the schedule follow from it, and the withheld fee is neither principal
        nor a cost still owed. Otherwise the contract itself. Idempotent."""
        if not self.withheld:
            return self
        return replace(self, principal=self.lent, upfront_fee=ZERO)

    @property
    def contract_on(self) -> dt.date:
        return self.signed_on or self.disbursed_on

    @property
    def annual_rate(self) -> Decimal:
        """The contract rate as an annual fraction: monthly x 12, daily x the day-count basis."""
        with exact():
            if self.rate_unit is RateUnit.MONTHLY:
                return self.rate * 12
            if self.rate_unit is RateUnit.DAILY:
                return self.rate * self.day_count.basis
            return self.rate

    @property
    def annual_penalty_rate(self) -> Decimal:
        with exact():
            if self.penalty_rate is not None:
                return self.penalty_rate
            return self.annual_rate * (1 + self.penalty_markup)


@dataclass(frozen=True, slots=True)
class Payment:
    on: dt.date
    amount: Decimal
    payment_id: str = ""


class EventKind(StrEnum):
    """Events that restart the limitation period (民法典 Art. 195)."""

    DEMAND = "demand"  # 权利人向义务人提出履行请求 (催收)
    ACKNOWLEDGEMENT = "acknowledgement"  # 义务人同意履行
    SUIT = "suit"  # 提起诉讼或者申请仲裁


@dataclass(frozen=True, slots=True)
class LoanEvent:
    on: dt.date
    kind: EventKind
    note: str = ""


@dataclass(frozen=True, slots=True)
class GivenInstallment:
    """An installment of a schedule supplied with the loan (the lender's 还款计划)."""

    no: int
    due_on: dt.date
    principal: Decimal
    interest: Decimal
    service_fee: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Loan:
    loan_id: str
    contract: Contract
    payments: tuple[Payment, ...] = ()
    events: tuple[LoanEvent, ...] = ()
    installments: tuple[GivenInstallment, ...] = ()  # empty: generated from the terms
