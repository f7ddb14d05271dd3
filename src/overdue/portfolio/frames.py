"""Loans as normalized portfolio tables, and back: the bridge between the two engines.

:func:`tables_from_loans` writes :class:`~overdue.ledger.contract.Loan` values as the tables the
portfolio loader accepts (``docs/portfolio-schema.md``, normalized: fen, date32, rate strings);
:func:`loan_from_tables` reads one loan back for the reference ledger (:func:`loans_from_tables`
all of them in one pass). The differential test
and ``overdue loan state --data`` use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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
from overdue.money import from_fen, parse_rate, to_fen
from overdue.portfolio.schema import NORMALIZED

__all__ = [
    "EVENTS_SCHEMA",
    "LOANS_SCHEMA",
    "PAYMENTS_SCHEMA",
    "loan_from_tables",
    "loans_from_tables",
    "tables_from_loans",
    "write_portfolio",
]

# The normalized tables the loader accepts: one definition, in the schema module.
LOANS_SCHEMA = NORMALIZED["loans"]
PAYMENTS_SCHEMA = NORMALIZED["payments"]
INSTALLMENTS_SCHEMA = NORMALIZED["installments"]
EVENTS_SCHEMA = NORMALIZED["events"]


class Tables(NamedTuple):
    loans: pa.Table
    payments: pa.Table
    events: pa.Table
    installments: pa.Table


def tables_from_loans(loans: Sequence[Loan]) -> Tables:
    """Normalized tables; loans sorted by id, payments by loan, day and id."""
    ordered = sorted(loans, key=lambda x: x.loan_id)
    rows: list[dict[str, object]] = []
    for loan in ordered:
        c = loan.contract
        rows.append(
            {
                "loan_id": loan.loan_id, "borrower_id": f"B-{loan.loan_id}", "product_id": None,
                "principal_fen": to_fen(c.principal), "disbursed_on": c.disbursed_on,
                "term_months": c.term_months, "method": c.method.value, "rate": str(c.rate),
                "rate_unit": c.rate_unit.value, "day_count": c.day_count.value,
                "penalty_markup": str(c.penalty_markup),
                "penalty_rate": None if c.penalty_rate is None else str(c.penalty_rate),
                "compound": c.compound, "upfront_fee_fen": to_fen(c.upfront_fee),
                "upfront_fee_deducted": c.upfront_fee_deducted,
                "service_fee_fen": to_fen(c.service_fee), "late_fee_rate": str(c.late_fee_rate),
                "late_fee_min_fen": to_fen(c.late_fee_min),
                "allocation_order": ",".join(x.value for x in c.allocation.order),
                "allocation_by": c.allocation.by.value, "lender_type": c.lender_type.value,
                "signed_on": c.signed_on,
                "source_row": len(rows) + 1,
            }
        )  # fmt: skip
    payments = sorted(
        (
            {
                "payment_id": p.payment_id,
                "loan_id": loan.loan_id,
                "paid_on": p.on,
                "amount_fen": to_fen(p.amount),
            }
            for loan in ordered
            for p in loan.payments
        ),
        key=lambda r: (r["loan_id"], r["paid_on"], r["payment_id"]),
    )
    events = [
        {"event_id": f"{loan.loan_id}-E{k}", "loan_id": loan.loan_id, "on": e.on, "kind": e.kind.value,
         "until": None, "note": e.note}
        for loan in ordered
        for k, e in enumerate(loan.events)
    ]  # fmt: skip
    installments = [
        {"loan_id": loan.loan_id, "no": g.no, "due_on": g.due_on, "principal_fen": to_fen(g.principal),
         "interest_fen": to_fen(g.interest), "service_fee_fen": to_fen(g.service_fee)}
        for loan in ordered
        for g in loan.installments
    ]  # fmt: skip
    return Tables(
        pa.Table.from_pylist(rows, LOANS_SCHEMA),
        pa.Table.from_pylist(payments, PAYMENTS_SCHEMA),
        pa.Table.from_pylist(events, EVENTS_SCHEMA),
        pa.Table.from_pylist(installments, INSTALLMENTS_SCHEMA),
    )


def loan_from_tables(
    loans: pa.Table,
    payments: pa.Table,
    events: pa.Table | None,
    loan_id: str,
    installments: pa.Table | None = None,
) -> Loan:
    """One loan of normalized tables as a :class:`Loan` for the reference ledger."""
    found = loans.filter(pc.equal(loans["loan_id"], loan_id)).to_pylist()
    if not found:
        raise KeyError(loan_id)

    def rows(t: pa.Table | None) -> list[dict[str, Any]]:
        return [] if t is None else t.filter(pc.equal(t["loan_id"], loan_id)).to_pylist()

    return _loan(found[0], rows(payments), rows(events), rows(installments))


def loans_from_tables(
    loans: pa.Table,
    payments: pa.Table,
    events: pa.Table | None = None,
    installments: pa.Table | None = None,
) -> dict[str, Loan]:
    """Every loan of normalized tables, by loan id (one pass over each table)."""

    def grouped(t: pa.Table | None) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for r in [] if t is None else t.to_pylist():
            out.setdefault(r["loan_id"], []).append(r)
        return out

    pays, evs, given = grouped(payments), grouped(events), grouped(installments)
    return {
        r["loan_id"]: _loan(
            r, pays.get(r["loan_id"], []), evs.get(r["loan_id"], []), given.get(r["loan_id"], [])
        )
        for r in loans.to_pylist()
    }


def _loan(
    r: dict[str, Any],
    pays: list[dict[str, Any]],
    evs: list[dict[str, Any]],
    given: list[dict[str, Any]],
) -> Loan:
    order = r.get("allocation_order") or ",".join(c.value for c in Allocation().order)
    contract = Contract(
        principal=from_fen(r["principal_fen"]),
        disbursed_on=r["disbursed_on"],
        term_months=r["term_months"],
        method=RepaymentMethod(r["method"]),
        rate=parse_rate(r["rate"]),
        rate_unit=RateUnit(r.get("rate_unit") or "annual"),
        day_count=DayCount(r.get("day_count") or "ACT/360"),
        penalty_markup=parse_rate(r.get("penalty_markup") or "0.5"),
        penalty_rate=None if r.get("penalty_rate") is None else parse_rate(r["penalty_rate"]),
        compound=bool(r.get("compound")),
        upfront_fee=from_fen(r.get("upfront_fee_fen") or 0),
        upfront_fee_deducted=bool(r.get("upfront_fee_deducted")),
        service_fee=from_fen(r.get("service_fee_fen") or 0),
        late_fee_rate=parse_rate(r.get("late_fee_rate") or "0"),
        late_fee_min=from_fen(r.get("late_fee_min_fen") or 0),
        allocation=Allocation(
            tuple(Component(x) for x in order.split(",")),
            AllocationBy(r.get("allocation_by") or "component"),
        ),
        lender_type=LenderType(r.get("lender_type") or "licensed"),
        signed_on=r.get("signed_on"),
    )
    restart = {k.value for k in EventKind}
    return Loan(
        r["loan_id"],
        contract,
        tuple(Payment(p["paid_on"], from_fen(p["amount_fen"]), p["payment_id"]) for p in pays),
        tuple(
            LoanEvent(e["on"], EventKind(e["kind"]), e.get("note") or "")
            for e in evs
            if e["kind"] in restart
        ),
        tuple(
            GivenInstallment(
                g["no"], g["due_on"], from_fen(g["principal_fen"]), from_fen(g["interest_fen"]),
                from_fen(g["service_fee_fen"] or 0),
            )
            for g in given
        ),
    )  # fmt: skip


def write_portfolio(loans: Sequence[Loan], data_dir: Path) -> None:
    """Write loans as a raw input portfolio (``docs/portfolio-schema.md``) of Parquet files."""
    t = tables_from_loans(loans)
    data_dir.mkdir(parents=True, exist_ok=True)

    def money(table: pa.Table, fen_col: str, name: str) -> pa.Table:
        i = table.schema.get_field_index(fen_col)
        yuan = pa.array(
            [None if v is None else from_fen(v) for v in table[fen_col].to_pylist()],
            pa.decimal128(18, 2),
        )
        return table.set_column(i, name, yuan)

    raw_loans = t.loans.drop_columns(["source_row"])  # the loader's own row number
    for fen_col, name in (
        ("principal_fen", "principal"), ("upfront_fee_fen", "upfront_fee"),
        ("service_fee_fen", "service_fee"), ("late_fee_min_fen", "late_fee_min"),
    ):  # fmt: skip
        raw_loans = money(raw_loans, fen_col, name)
    pq.write_table(raw_loans, data_dir / "loans.parquet")
    pq.write_table(money(t.payments, "amount_fen", "amount"), data_dir / "payments.parquet")
    pq.write_table(t.events, data_dir / "events.parquet")
    if t.installments.num_rows:
        inst = t.installments
        for fen_col, name in (
            ("principal_fen", "principal"),
            ("interest_fen", "interest"),
            ("service_fee_fen", "service_fee"),
        ):
            inst = money(inst, fen_col, name)
        pq.write_table(inst, data_dir / "installments.parquet")
