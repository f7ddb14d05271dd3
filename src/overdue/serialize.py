"""Plain-data views of domain values, for ``--json`` output and (later) the HTTP API.

Money is a string with two decimals (``"1234.56"``), rates a decimal string (``"0.240000"``),
dates ISO strings. The field names are the public contract documented in the README.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from overdue.ledger.engine import CapCheck, Explanation, LoanState
from overdue.ledger.schedule import Schedule
from overdue.money import fmt_plain

__all__ = ["explanation_json", "plain", "schedule_json", "state_json"]


def _money(x: Decimal | None) -> str | None:
    return None if x is None else fmt_plain(x)


def _day(x: dt.date | None) -> str | None:
    return None if x is None else x.isoformat()


def _rate(x: Decimal | None) -> str | None:
    return None if x is None else str(x)


def plain(value: Any) -> Any:
    """Generic conversion for values whose Decimals are all money (fees, case numbers, ...)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return fmt_plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    return {
        "installments": [
            {
                "no": i.no,
                "due_date": i.due_on.isoformat(),
                "principal": fmt_plain(i.principal),
                "interest": fmt_plain(i.interest),
                "service_fee": fmt_plain(i.service_fee),
                "payment": fmt_plain(i.payment),
            }
            for i in schedule.installments
        ],
        "total_principal": fmt_plain(schedule.total_principal),
        "total_interest": fmt_plain(schedule.total_interest),
        "total_payment": fmt_plain(schedule.total_payment),
    }


def _cap_json(cap: CapCheck) -> dict[str, Any]:
    return {
        "profile": cap.profile,
        "cap_rate": _rate(cap.cap_rate),
        "annual_rate": _rate(cap.annual_rate),
        "charged": fmt_plain(cap.charged),
        "allowed": _money(cap.allowed),
        "excess": fmt_plain(cap.excess),
        "day_basis": cap.basis,
        "rules": list(cap.rules),
        "notes": list(cap.notes),
    }


def state_json(state: LoanState) -> dict[str, Any]:
    lim = state.limitation
    return {
        "loan_id": state.loan_id,
        "as_of": state.as_of.isoformat(),
        "dpd": state.dpd,
        "bucket": state.bucket,
        "outstanding_principal": fmt_plain(state.outstanding_principal),
        "overdue_principal": fmt_plain(state.overdue_principal),
        "overdue_interest": fmt_plain(state.overdue_interest),
        "penalty_interest": fmt_plain(state.penalty_interest),
        "compound_interest": fmt_plain(state.compound_interest),
        "fees": fmt_plain(state.fees),
        "total_due": fmt_plain(state.total_due),
        "credit": fmt_plain(state.credit),
        "cap": _cap_json(state.cap),
        "claimable_total": fmt_plain(state.claimable_total),
        "claimable": {k: fmt_plain(v) for k, v in state.claimable.items()},
        "limitation_expires_on": lim.expires_on.isoformat(),
        "limitation": {
            "starts_on": lim.starts_on.isoformat(),
            "expires_on": lim.expires_on.isoformat(),
            "nominal_expires_on": lim.nominal_expires_on.isoformat(),
            "calendar_covered": lim.calendar_covered,
            "started_by": lim.interrupted_by,
            "rule": lim.rule,
        },
        "next_due_date": _day(state.next_due_on),
        "next_due_amount": fmt_plain(state.next_due_amount),
        "last_payment_date": _day(state.last_payment_on),
        "last_payment_amount": fmt_plain(state.last_payment_amount),
        "paid_total": fmt_plain(state.paid_total),
    }


def explanation_json(explanation: Explanation) -> dict[str, Any]:
    return {
        "charges": [
            {
                "installment": c.installment,
                "component": c.component,
                "start": _day(c.start),
                "end": _day(c.end),
                "days": c.days,
                "base": _money(c.base),
                "rate": _rate(c.rate),
                "basis": c.basis,
                "amount": fmt_plain(c.amount),
                "rule": c.rule,
            }
            for c in explanation.charges
        ],
        "allocations": [
            {
                "payment_id": a.payment_id,
                "on": a.on.isoformat(),
                "installment": a.installment,
                "component": a.component,
                "amount": fmt_plain(a.amount),
            }
            for a in explanation.allocations
        ],
        "cap_spans": [
            {
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "days": s.days,
                "principal": fmt_plain(s.principal),
                "rate": _rate(s.rate),
                "allowance": fmt_plain(s.allowance),
                "rule": s.rule,
            }
            for s in explanation.cap_spans
        ],
    }
