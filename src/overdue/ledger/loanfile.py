"""LOAN.json: one loan's contract terms and history as plain data, parsed into frozen values.

The format is documented with a full example in the README. Parsing is strict: an unknown
field, a missing required field, a float where an amount belongs, or an impossible date is
an :class:`~overdue.errors.InputError` that names the field (``contract.rate``,
``payments[2].amount``) and what is wrong. Amounts and rates are strings (``"1234.56"``) or
integers; JSON numbers with a fraction are refused because a JSON parser turns them into
binary floating point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from overdue.errors import InputError
from overdue.ledger.contract import (
    MAX_TYPED_TERM_MONTHS,
    Allocation,
    AllocationBy,
    Component,
    Contract,
    DayCount,
    EventKind,
    LenderType,
    Loan,
    LoanEvent,
    Payment,
    RateUnit,
    RepaymentMethod,
    typed_terms_problem,
)
from overdue.money import MoneyError, parse_rate, round_fen, yuan

__all__ = ["CONTRACT_FIELDS", "loan_from_dict", "loan_to_dict"]

E = TypeVar("E")

# field -> (required, description) — also the documentation of the format.
CONTRACT_FIELDS: dict[str, tuple[bool, str]] = {
    "principal": (True, 'amount lent, yuan, e.g. "14000.00"'),
    "disbursed_on": (True, "disbursement date, YYYY-MM-DD"),
    "term_months": (
        True,
        "number of monthly installments (1 for a bullet loan of N months: use N)",
    ),
    "method": (True, "equal-installment | equal-principal | interest-only | bullet"),
    "rate": (True, 'contract rate as a decimal fraction ("0.18") or percentage ("18%")'),
    "rate_unit": (False, "annual (default) | monthly | daily"),
    "day_count": (False, "ACT/360 (default) | ACT/365, for daily accruals"),
    "penalty_markup": (False, 'penalty rate = contract rate x (1 + markup); default "0.5"'),
    "penalty_rate": (False, "explicit annual penalty rate; overrides penalty_markup"),
    "compound": (False, "true: compound interest on overdue interest at the penalty rate"),
    "upfront_fee": (False, "fee charged at disbursement, yuan"),
    "upfront_fee_deducted": (
        False,
        "true: the upfront fee was withheld from the amount paid out; the principal is then "
        "the amount actually lent (民法典 Art. 670)",
    ),
    "service_fee": (False, "fee per installment, yuan"),
    "late_fee_rate": (False, 'late fee as a share of the overdue installment, e.g. "0.05"'),
    "late_fee_min": (False, "minimum late fee per overdue installment, yuan"),
    "allocation": (False, '{"order": [components...], "by": "component" | "installment"}'),
    "lender_type": (False, "licensed (default) | private"),
    "signed_on": (False, "date the contract was formed; default disbursed_on"),
}


def _enum(cls: Callable[[str], E], value: Any, field: str, choices: list[str]) -> E:
    try:
        return cls(str(value))
    except ValueError:
        raise InputError(field, f"must be one of {', '.join(choices)}; got {value!r}") from None


def _amount(value: Any, field: str, *, rate: bool = False) -> Decimal:
    if isinstance(value, float):
        raise InputError(field, f'write the number as a string ("{value}") to keep it exact')
    try:
        number = parse_rate(value) if rate else yuan(value)
    except MoneyError as exc:
        raise InputError(field, str(exc)) from None
    if number < 0:
        raise InputError(field, f"must not be negative; got {value}")
    if not rate and number != round_fen(number):
        raise InputError(field, f"must be in whole fen (two decimals at most); got {value}")
    return number


def _date(value: Any, field: str) -> dt.date:
    if not isinstance(value, str):
        raise InputError(field, f"must be a date string YYYY-MM-DD; got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"not a valid date (YYYY-MM-DD): {value!r}") from None


def _object(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(field, "must be an object")
    return value


def _no_unknown(data: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            f"{prefix}{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(allowed))})"
        )


def _contract(data: Mapping[str, Any]) -> Contract:
    _no_unknown(data, set(CONTRACT_FIELDS), "contract.")
    for name, (required, _) in CONTRACT_FIELDS.items():
        if required and name not in data:
            raise InputError(f"contract.{name}", "missing required field")
    term = data["term_months"]
    if (
        not isinstance(term, int)
        or isinstance(term, bool)
        or not 1 <= term <= MAX_TYPED_TERM_MONTHS
    ):
        raise InputError(
            "contract.term_months",
            f"must be a whole number of months 1..{MAX_TYPED_TERM_MONTHS}; got {term!r}",
        )
    principal = _amount(data["principal"], "contract.principal")
    if principal <= 0:
        raise InputError("contract.principal", "must be positive")
    kwargs: dict[str, Any] = {
        "principal": principal,
        "disbursed_on": _date(data["disbursed_on"], "contract.disbursed_on"),
        "term_months": term,
        "method": _enum(RepaymentMethod, data["method"], "contract.method", list(RepaymentMethod)),
        "rate": _amount(data["rate"], "contract.rate", rate=True),
    }
    if "rate_unit" in data:
        kwargs["rate_unit"] = _enum(
            RateUnit, data["rate_unit"], "contract.rate_unit", list(RateUnit)
        )
    if "day_count" in data:
        kwargs["day_count"] = _enum(
            DayCount, data["day_count"], "contract.day_count", list(DayCount)
        )
    for name in ("penalty_markup", "penalty_rate", "late_fee_rate"):
        if name in data:
            kwargs[name] = _amount(data[name], f"contract.{name}", rate=True)
    for name in ("upfront_fee", "service_fee", "late_fee_min"):
        if name in data:
            kwargs[name] = _amount(data[name], f"contract.{name}")
    for flag in ("compound", "upfront_fee_deducted"):
        if flag in data:
            if not isinstance(data[flag], bool):
                raise InputError(f"contract.{flag}", "must be true or false")
            kwargs[flag] = data[flag]
    if kwargs.get("upfront_fee_deducted") and kwargs.get("upfront_fee", 0) >= principal:
        raise InputError(
            "contract.upfront_fee", "a fee withheld from the principal must be less than it"
        )
    if "lender_type" in data:
        kwargs["lender_type"] = _enum(
            LenderType, data["lender_type"], "contract.lender_type", list(LenderType)
        )
    if "signed_on" in data:
        kwargs["signed_on"] = _date(data["signed_on"], "contract.signed_on")
    if "allocation" in data:
        kwargs["allocation"] = _allocation(_object(data["allocation"], "contract.allocation"))
    contract = Contract(**kwargs)
    if problem := typed_terms_problem(contract):
        raise InputError(f"contract.{problem[0]}", problem[1])
    return contract


def _allocation(data: Mapping[str, Any]) -> Allocation:
    _no_unknown(data, {"order", "by"}, "contract.allocation.")
    by = _enum(
        AllocationBy, data.get("by", "component"), "contract.allocation.by", list(AllocationBy)
    )
    if "order" not in data:
        return Allocation(by=by)
    raw = data["order"]
    if not isinstance(raw, list):
        raise InputError("contract.allocation.order", "must be a list of components")
    order = tuple(
        _enum(Component, c, f"contract.allocation.order[{i}]", list(Component))
        for i, c in enumerate(raw)
    )
    if sorted(order) != sorted(Component):
        raise InputError(
            "contract.allocation.order", f"must name each of {', '.join(Component)} exactly once"
        )
    return Allocation(order=order, by=by)


def _items(
    root: Mapping[str, Any], key: str, required: set[str], optional: set[str]
) -> list[tuple[int, Mapping[str, Any]]]:
    """The objects of list ``root[key]``, each checked for unknown and missing fields."""
    raw = root.get(key, [])
    if not isinstance(raw, list):
        raise InputError(key, "must be a list")
    items = []
    for i, element in enumerate(raw):
        item = _object(element, f"{key}[{i}]")
        _no_unknown(item, required | optional, f"{key}[{i}].")
        for name in sorted(required):
            if name not in item:
                raise InputError(f"{key}[{i}].{name}", "missing required field")
        items.append((i, item))
    return items


def loan_from_dict(data: Any) -> Loan:
    """Parse a LOAN.json document (already decoded by ``json.loads``)."""
    root = _object(data, "(document)")
    _no_unknown(root, {"loan_id", "contract", "payments", "events", "borrower", "note"}, "")
    if "contract" not in root:
        raise InputError("contract", "missing required field")
    contract = _contract(_object(root["contract"], "contract"))
    payments: list[Payment] = []
    for i, item in _items(root, "payments", {"on", "amount"}, {"id", "note"}):
        on = _date(item["on"], f"payments[{i}].on")
        if on < contract.disbursed_on:
            raise InputError(
                f"payments[{i}].on", f"{on} is before disbursement ({contract.disbursed_on})"
            )
        amount = _amount(item["amount"], f"payments[{i}].amount")
        if amount <= 0:
            raise InputError(f"payments[{i}].amount", "must be positive")
        payments.append(Payment(on, amount, str(item.get("id", f"P{i + 1}"))))
    events = [
        LoanEvent(
            _date(item["on"], f"events[{i}].on"),
            _enum(EventKind, item["kind"], f"events[{i}].kind", list(EventKind)),
            str(item.get("note", "")),
        )
        for i, item in _items(root, "events", {"on", "kind"}, {"note"})
    ]
    return Loan(str(root.get("loan_id", "")), contract, tuple(payments), tuple(events))


def loan_to_dict(loan: Loan) -> dict[str, Any]:
    """The inverse of :func:`loan_from_dict` (amounts and rates as strings)."""
    c = loan.contract
    contract: dict[str, Any] = {
        "principal": str(c.principal),
        "disbursed_on": c.disbursed_on.isoformat(),
        "term_months": c.term_months,
        "method": c.method.value,
        "rate": str(c.rate),
        "rate_unit": c.rate_unit.value,
        "day_count": c.day_count.value,
        "penalty_markup": str(c.penalty_markup),
        "compound": c.compound,
        "upfront_fee": str(c.upfront_fee),
        "upfront_fee_deducted": c.upfront_fee_deducted,
        "service_fee": str(c.service_fee),
        "late_fee_rate": str(c.late_fee_rate),
        "late_fee_min": str(c.late_fee_min),
        "allocation": {"order": [x.value for x in c.allocation.order], "by": c.allocation.by.value},
        "lender_type": c.lender_type.value,
    }
    if c.penalty_rate is not None:
        contract["penalty_rate"] = str(c.penalty_rate)
    if c.signed_on is not None:
        contract["signed_on"] = c.signed_on.isoformat()
    return {
        "loan_id": loan.loan_id,
        "contract": contract,
        "payments": [
            {"on": p.on.isoformat(), "amount": str(p.amount), "id": p.payment_id}
            for p in loan.payments
        ],
        "events": [
            {"on": e.on.isoformat(), "kind": e.kind.value, "note": e.note} for e in loan.events
        ],
    }
