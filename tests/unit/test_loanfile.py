"""LOAN.json parsing: strict, and every error names its field."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from overdue.errors import InputError
from overdue.ledger.contract import AllocationBy, Component, LenderType, RateUnit, RepaymentMethod
from overdue.ledger.loanfile import loan_from_dict, loan_to_dict

pytestmark = pytest.mark.unit

EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).parents[2] / "examples" / "loan.json").read_text(encoding="utf-8")
)


def test_the_readme_example_parses() -> None:
    loan = loan_from_dict(EXAMPLE)
    c = loan.contract
    assert loan.loan_id == "EX-14000"
    assert (c.method, c.rate_unit, c.lender_type) == (
        RepaymentMethod.EQUAL_INSTALLMENT, RateUnit.MONTHLY, LenderType.LICENSED,
    )  # fmt: skip
    assert str(c.annual_rate) == "0.288"
    assert c.allocation.by is AllocationBy.COMPONENT
    assert c.allocation.order[0] is Component.LATE_FEE
    assert len(loan.payments) == 2
    assert len(loan.events) == 2


def test_round_trip_through_dict_is_lossless() -> None:
    loan = loan_from_dict(EXAMPLE)
    assert loan_from_dict(loan_to_dict(loan)) == loan


def test_a_withheld_upfront_fee_round_trips_and_must_leave_something_lent() -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["contract"]["upfront_fee_deducted"] = True
    loan = loan_from_dict(doc)
    c = loan.contract
    assert c.upfront_fee_deducted
    assert c.lent == c.principal - c.upfront_fee
    assert loan_from_dict(loan_to_dict(loan)) == loan
    doc["contract"]["upfront_fee"] = doc["contract"]["principal"]
    with pytest.raises(InputError) as err:
        loan_from_dict(doc)
    assert err.value.field == "contract.upfront_fee"
    assert "less than" in err.value.message


def broken(path: str, value: object) -> dict[str, Any]:
    doc = copy.deepcopy(EXAMPLE)
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is KeyError:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "field", "message"),
    [
        ("contract.principal", KeyError, "contract.principal", "missing required field"),
        ("contract.principal", 14000.5, "contract.principal", "as a string"),
        ("contract.principal", "abc", "contract.principal", "not a number"),
        ("contract.principal", "-5", "contract.principal", "negative"),
        ("contract.rate", "1.2.3", "contract.rate", "not a number"),
        ("contract.method", "balloon", "contract.method", "must be one of"),
        ("contract.disbursed_on", "2024-02-30", "contract.disbursed_on", "not a valid date"),
        ("contract.term_months", "12", "contract.term_months", "whole number"),
        ("contract.term_months", 480, "contract.term_months", "1..360"),
        ("contract.rate", "12", "contract.rate", "12 monthly is 14400 % a year"),  # "12" for 12 %
        ("contract.colour", "red", "contract.colour", "unknown field"),
        ("payments.0.amount", "0", "payments[0].amount", "positive"),
        ("payments.1.on", "2020-01-01", "payments[1].on", "before disbursement"),
        ("payments.0.amount", "1.001", "payments[0].amount", "whole fen"),
        ("events.0.kind", "visit", "events[0].kind", "must be one of"),
        ("contract.upfront_fee_deducted", "yes", "contract.upfront_fee_deducted", "true or false"),
        (
            "contract.allocation.order",
            ["interest", "principal"],
            "contract.allocation.order",
            "exactly once",
        ),
    ],
)
def test_bad_input_names_the_field(path: str, value: object, field: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        loan_from_dict(broken(path, value))
    assert err.value.field == field
    assert message in err.value.message
