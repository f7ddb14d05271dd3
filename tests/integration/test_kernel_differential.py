"""The batch kernel and the reference ledger agree to the fen on every field.

Hypothesis generates batches of loans with messy histories (partial, late, early, backdated
and surplus payments; all four methods; licensed and private lenders, so both cap profiles
and the 2020 transitional rule; demands, acknowledgements and suits), the kernel computes the
whole batch at once, and every loan is replayed by the reference ledger.

Two tests: a shrinkable one (Hypothesis draws every detail of 30 batches of 10 loans) and a
bulk one (Hypothesis draws 100 seeds; each seeds 100 loans drawn by the same rules without
Hypothesis's per-draw cost): 10,300 loans per run. The bulk test hands the kernel its child
rows as the nightly run's lean load does: shuffled, with ``loan_ord`` and without the ids.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.strategies import messy_loans, random_messy_loan

from overdue.ledger.contract import Loan
from overdue.ledger.engine import LoanState, loan_state
from overdue.portfolio.frames import tables_from_loans
from overdue.portfolio.prepare import compute_states
from overdue.portfolio.schema import LOAN_ORD
from overdue.rules.caps import CapProfile

pytestmark = pytest.mark.integration

BATCH = 100
SMALL_BATCH = 10


def ledger_row(s: LoanState) -> dict[str, Any]:
    """The ledger's state in the shape of a loan_state row."""
    cap = s.cap
    lim = s.limitation
    return {
        "dpd": s.dpd,
        "bucket": s.bucket,
        "outstanding_principal": s.outstanding_principal,
        "overdue_principal": s.overdue_principal,
        "overdue_interest": s.overdue_interest,
        "penalty_interest": s.penalty_interest,
        "compound_interest": s.compound_interest,
        "fees": s.fees,
        "total_due": s.total_due,
        "credit": s.credit,
        "cap_profile": cap.profile,
        "cap_rate": cap.cap_rate,
        "annual_rate": cap.annual_rate,
        "charged": cap.charged,
        "allowed": cap.allowed,
        "excess": cap.excess,
        "claimable_total": s.claimable_total,
        **{f"claimable_{k}": v for k, v in s.claimable.items()},
        "limitation_starts_on": lim.starts_on,
        "limitation_expires_on": lim.expires_on,
        "limitation_nominal_expires_on": lim.nominal_expires_on,
        "limitation_calendar_covered": lim.calendar_covered,
        "limitation_started_by": lim.interrupted_by,
        "next_due_date": s.next_due_on,
        "next_due_amount": s.next_due_amount,
        "last_payment_date": s.last_payment_on,
        "last_payment_amount": s.last_payment_amount,
        "paid_total": s.paid_total,
    }


def same(a: object, b: object) -> bool:
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return a == b


AS_OF = st.dates(dt.date(2019, 1, 1), dt.date(2026, 11, 30))
CAPS = st.sampled_from([None, CapProfile.NONE, CapProfile.LICENSED_24, CapProfile.PRIVATE_4LPR])


@st.composite
def batches(draw: st.DrawFn) -> tuple[dt.date, list[Loan]]:
    as_of = draw(AS_OF)
    return as_of, [draw(messy_loans(loan_id=f"L{k:04d}", last=as_of)) for k in range(SMALL_BATCH)]


@given(batches(), CAPS)
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_kernel_and_ledger_agree_on_shrinkable_batches(
    batch: tuple[dt.date, list[Loan]], cap: CapProfile | None
) -> None:
    assert_agree(*batch, cap)


@given(AS_OF, st.integers(0, 2**63), CAPS)
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_kernel_and_ledger_agree_on_ten_thousand_loans(
    as_of: dt.date, seed: int, cap: CapProfile | None
) -> None:
    rng = random.Random(seed)
    loans = [random_messy_loan(rng, f"L{k:04d}", as_of) for k in range(BATCH)]
    assert_agree(as_of, loans, cap, shuffle=rng)


def lean(t: pa.Table, loans: pa.Table, rng: random.Random, drop: tuple[str, ...]) -> pa.Table:
    """A child table as the lean load gives it: loan_ord added, ids dropped, rows shuffled."""
    ord_ = pc.index_in(t["loan_id"], value_set=loans["loan_id"].combine_chunks())
    t = t.append_column(LOAN_ORD, ord_.cast(pa.int32())).drop_columns(list(drop))
    perm = list(range(t.num_rows))
    rng.shuffle(perm)
    return t.take(pa.array(perm, pa.int64()))


def assert_agree(
    as_of: dt.date, loans: list[Loan], cap: CapProfile | None, shuffle: random.Random | None = None
) -> None:
    t = tables_from_loans(loans)
    payments, events, installments = t.payments, t.events, t.installments
    if shuffle is not None:
        payments = lean(payments, t.loans, shuffle, ("payment_id", "loan_id"))
        events = lean(events, t.loans, shuffle, ("event_id", "loan_id", "until", "note"))
        installments = lean(installments, t.loans, shuffle, ())
    table = compute_states(t.loans, payments, events, installments, as_of, cap=cap)
    rows = {r["loan_id"]: r for r in table.to_pylist()}
    for loan in loans:
        expected = ledger_row(loan_state(loan, as_of, cap=cap))
        got = rows[loan.loan_id]
        diff = {k: (got[k], v) for k, v in expected.items() if not same(got[k], v)}
        assert not diff, f"{loan.loan_id} as of {as_of}: kernel vs ledger {diff}\n{loan}"
