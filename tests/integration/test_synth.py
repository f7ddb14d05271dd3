"""The synthetic portfolio (``overdue synth``): schema, determinism, borrowers, behaviour.

Expectations come from outside the generator: the column rules of docs/portfolio-schema.md,
GB 11643-1999 for the ID check digit (implemented again here), the court table for counties,
the reference ledger (``build_schedule``, ``loan_state``) for amounts and arrears, and the roll
and cure ranges stated in the README, measured from the written files with a short independent
computation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overdue.dates import add_months
from overdue.ledger.contract import (
    Allocation,
    AllocationBy,
    Component,
    Contract,
    DayCount,
    LenderType,
    Loan,
    Payment,
    RateUnit,
    RepaymentMethod,
)
from overdue.ledger.engine import bucket_of, loan_state
from overdue.ledger.schedule import build_schedule
from overdue.money import to_fen
from overdue.portfolio.load import load_portfolio
from overdue.portfolio.synth import synthesize
from overdue.rules.courts import CourtLevel, court_for_adcode, division_name

pytestmark = pytest.mark.integration

AS_OF = dt.date(2026, 11, 20)
SEED = 20261120
MONEY = pa.decimal128(18, 2)

# The README's stated monthly ranges (section "Synthetic portfolio").
STATED = {
    "M0->M1": (0.02, 0.05),
    "M1->M2": (0.30, 0.50),
    "M2->M3": (0.50, 0.70),
    "M3->M4": (0.70, 0.90),
    "M4->M5": (0.70, 0.90),
    "M5->M6+": (0.70, 0.90),
    "M1->M0": (0.40, 0.60),
    "M2->M0": (0.15, 0.35),
    "M3..M5->M0": (0.03, 0.15),
    "M6+->M0": (0.00, 0.05),
}


def read(out: Path, table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(out / table).to_pylist()
    return rows


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-5k")
    summary = synthesize(5_000, out, seed=SEED, as_of=AS_OF, workers=1)
    assert summary.loans == 5_000
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-20k")
    synthesize(20_000, out, seed=SEED + 1, as_of=AS_OF, workers=1)
    return out


# --- schema -------------------------------------------------------------------------------------

LOAN_TYPES = {
    "loan_id": pa.string(),
    "borrower_id": pa.string(),
    "product_id": pa.string(),
    "principal": MONEY,
    "disbursed_on": pa.date32(),
    "term_months": pa.int32(),
    "method": pa.string(),
    "rate": pa.string(),
    "rate_unit": pa.string(),
    "day_count": pa.string(),
    "penalty_markup": pa.string(),
    "compound": pa.bool_(),
    "upfront_fee": MONEY,
    "upfront_fee_deducted": pa.bool_(),
    "service_fee": MONEY,
    "late_fee_rate": pa.string(),
    "late_fee_min": MONEY,
    "allocation_order": pa.string(),
    "allocation_by": pa.string(),
    "lender_type": pa.string(),
    "signed_on": pa.date32(),
}
PAYMENT_TYPES = {
    "payment_id": pa.string(),
    "loan_id": pa.string(),
    "paid_on": pa.date32(),
    "amount": MONEY,
}
EVENT_TYPES = {
    "event_id": pa.string(),
    "loan_id": pa.string(),
    "on": pa.date32(),
    "kind": pa.string(),
    "until": pa.date32(),
    "note": pa.string(),
}
BORROWER_TYPES = {
    "borrower_id": pa.string(),
    "name": pa.string(),
    "id_number": pa.string(),
    "phone": pa.string(),
    "address": pa.string(),
    "county_code": pa.string(),
    "gender": pa.string(),
    "birth_date": pa.date32(),
}
EVENT_KINDS = {
    "demand",
    "acknowledgement",
    "suit",
    "dispute",
    "dispute_resolved",
    "promise",
    "plan",
    "pause",
    "resume",
}


def decimals(text: str) -> int:
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def annual_rate(loan: dict[str, Any]) -> Decimal:
    rate = Decimal(loan["rate"])
    if loan["rate_unit"] == "monthly":
        return rate * 12
    if loan["rate_unit"] == "daily":
        return rate * (360 if loan["day_count"] == "ACT/360" else 365)
    return rate


def test_each_table_is_a_directory_of_parquet_parts_with_the_schema_types(small: Path) -> None:
    for table, types in [
        ("loans", LOAN_TYPES),
        ("payments", PAYMENT_TYPES),
        ("events", EVENT_TYPES),
        ("borrowers", BORROWER_TYPES),
    ]:
        parts = sorted((small / table).iterdir())
        assert parts
        assert all(p.name.startswith("part-") and p.suffix == ".parquet" for p in parts)
        schema = pq.read_schema(parts[0])
        assert dict(zip(schema.names, schema.types, strict=True)) == types, table
        assert not (small / f"{table}.parquet").exists()


def test_loans_follow_the_column_rules_of_the_schema(small: Path) -> None:
    loans = read(small, "loans")
    assert len({r["loan_id"] for r in loans}) == len(loans) == 5_000
    components = {c.value for c in Component}
    for r in loans:
        assert Decimal(0) < r["principal"] <= Decimal(100_000_000)
        assert r["principal"] % 100 == 0  # whole hundreds of yuan
        assert dt.date(2000, 1, 1) <= r["disbursed_on"] <= AS_OF
        assert add_months(AS_OF, -60) <= r["disbursed_on"]
        assert r["signed_on"] <= r["disbursed_on"]
        assert 3 <= r["term_months"] <= 36
        assert r["method"] in {m.value for m in RepaymentMethod}
        assert r["rate_unit"] in {"annual", "monthly", "daily"}
        assert r["day_count"] in {"ACT/360", "ACT/365"}
        for name in ("rate", "penalty_markup", "late_fee_rate"):
            assert decimals(r[name]) <= 4, (name, r[name])
            assert Decimal(r[name]) >= 0, (name, r[name])
        annual = annual_rate(r)
        assert annual <= 10
        assert annual == annual.quantize(Decimal("0.0001"))
        for name in ("upfront_fee", "service_fee", "late_fee_min"):
            assert r[name] >= 0
        order = r["allocation_order"].split(",")
        assert sorted(order) == sorted(components)
        assert r["allocation_by"] in {"component", "installment"}
        assert r["lender_type"] in {"licensed", "private"}


def test_payments_events_and_borrowers_follow_the_column_rules_of_the_schema(
    small: Path,
) -> None:
    loans = {r["loan_id"]: r for r in read(small, "loans")}
    payments = read(small, "payments")
    assert len({p["payment_id"] for p in payments}) == len(payments) > 0
    for p in payments:
        assert p["loan_id"] in loans
        assert p["amount"] > 0
        assert p["amount"] == p["amount"].quantize(Decimal("0.01"))
    events = read(small, "events")
    assert len({e["event_id"] for e in events}) == len(events) > 0
    for e in events:
        assert e["loan_id"] in loans
        assert e["kind"] in EVENT_KINDS
        if e["until"] is not None:
            assert e["kind"] in {"promise", "plan", "pause"}
            assert e["until"] > e["on"]
    borrowers = read(small, "borrowers")
    ids = {b["borrower_id"] for b in borrowers}
    assert len(ids) == len(borrowers)
    assert {r["borrower_id"] for r in loans.values()} == ids  # every borrower has a loan
    assert len({b["id_number"] for b in borrowers}) == len(borrowers)
    for b in borrowers:
        assert b["name"]
        assert b["gender"] in {"male", "female"}
        assert len(b["phone"]) == 11
        assert b["phone"][:2] in {"13", "15", "16", "17", "18", "19"}


def test_the_portfolio_loader_accepts_every_row(small: Path, tmp_path: Path) -> None:
    loaded = load_portfolio(small, as_of=AS_OF, rejects_dir=tmp_path / "rejects")
    assert loaded.counts["loans"].accepted == 5_000
    assert loaded.counts["payments"].accepted > 0
    assert loaded.counts["events"].accepted > 0
    assert all(c.rejected == 0 for c in loaded.counts.values()), loaded.counts


def test_no_payment_or_event_is_before_disbursement_or_after_the_as_of_date(
    small: Path,
) -> None:
    disbursed = {r["loan_id"]: r["disbursed_on"] for r in read(small, "loans")}
    for p in read(small, "payments"):
        assert disbursed[p["loan_id"]] <= p["paid_on"] <= AS_OF
    for e in read(small, "events"):
        assert disbursed[e["loan_id"]] <= e["on"] <= AS_OF


def test_products_cover_every_method_and_rates_from_7_2_to_36_percent(small: Path) -> None:
    loans = read(small, "loans")
    assert {r["method"] for r in loans} == {m.value for m in RepaymentMethod}
    assert {r["rate_unit"] for r in loans} == {"annual", "monthly", "daily"}
    rates = [annual_rate(r) for r in loans]
    assert min(rates) == Decimal("0.072")
    assert max(rates) == Decimal("0.36")
    above = sum(rate > Decimal("0.24") for rate in rates) / len(rates)
    assert 0.05 < above < 0.5
    terms = {r["term_months"] for r in loans}
    assert min(terms) == 3
    assert max(terms) == 36
    assert any(r["upfront_fee"] > 0 for r in loans)
    withheld = [r for r in loans if r["upfront_fee_deducted"]]
    assert withheld, "no loan whose upfront fee was withheld (民法典 Art. 670)"
    assert all(0 < r["upfront_fee"] < r["principal"] for r in withheld)
    assert any(r["service_fee"] > 0 for r in loans)
    private = sum(r["lender_type"] == "private" for r in loans) / len(loans)
    assert 0.07 < private < 0.13  # about 10 % private lenders
    # Principals are skewed small, as consumer loans are.
    principals = sorted(r["principal"] for r in loans)
    assert principals[len(principals) // 2] < 15_000 < principals[-1]


# --- determinism --------------------------------------------------------------------------------


def digests(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*.parquet"))
    }


def test_the_same_seed_gives_byte_identical_files_whatever_the_number_of_workers(
    tmp_path: Path,
) -> None:
    one = synthesize(2_500, tmp_path / "one", seed=7, as_of=AS_OF, workers=1, chunk_loans=1_000)
    two = synthesize(2_500, tmp_path / "two", seed=7, as_of=AS_OF, workers=2, chunk_loans=1_000)
    assert one.counts == two.counts
    assert two.workers == 2
    assert len(one.files) == 12  # 3 chunks x 4 tables
    first = digests(tmp_path / "one")
    assert first == digests(tmp_path / "two")
    again = synthesize(2_500, tmp_path / "one", seed=7, as_of=AS_OF, workers=1, chunk_loans=1_000)
    assert again.counts == one.counts
    assert digests(tmp_path / "one") == first
    other = synthesize(2_500, tmp_path / "other", seed=8, as_of=AS_OF, workers=1, chunk_loans=1_000)
    assert (
        digests(tmp_path / "other")["loans/part-00000.parquet"] != first["loans/part-00000.parquet"]
    )
    assert other.loans == 2_500


# --- borrowers ----------------------------------------------------------------------------------


def gb11643_check(body: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 -> X."""
    total = sum(int(ch) * (2 ** (17 - i) % 11) for i, ch in enumerate(body))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def test_gb11643_check_digit_of_a_published_example() -> None:
    assert gb11643_check("11010519491231002") == "X"  # the standard's own example


def test_every_id_number_is_valid_and_agrees_with_the_borrower(small: Path) -> None:
    borrowers = read(small, "borrowers")
    first_loan: dict[str, dt.date] = {}
    last_loan: dict[str, dt.date] = {}
    for r in read(small, "loans"):
        b, d = r["borrower_id"], r["disbursed_on"]
        first_loan[b] = min(d, first_loan.get(b, d))
        last_loan[b] = max(d, last_loan.get(b, d))
    for b in borrowers:
        number = b["id_number"]
        assert len(number) == 18
        assert number[:17].isdigit()
        assert number[17] == gb11643_check(number[:17]), number
        assert number[:6] == b["county_code"]
        assert dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])) == b["birth_date"]
        assert int(number[14:17]) % 2 == (1 if b["gender"] == "male" else 0)
        assert age(b["birth_date"], first_loan[b["borrower_id"]]) >= 20
        assert age(b["birth_date"], last_loan[b["borrower_id"]]) <= 60


def age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_every_borrower_county_maps_to_a_basic_court_and_is_in_the_address(small: Path) -> None:
    for b in read(small, "borrowers"):
        court = court_for_adcode(b["county_code"])
        assert court is not None, b["county_code"]
        assert court.tier is CourtLevel.BASIC, b["county_code"]
        county = division_name(b["county_code"])
        province = division_name(b["county_code"][:2] + "0000")
        assert county is not None
        assert province is not None
        assert b["address"].startswith(province)
        assert county in b["address"]


# --- amounts and behaviour ----------------------------------------------------------------------


def contract(loan: dict[str, Any], disbursed_on: dt.date | None = None) -> Contract:
    order = tuple(Component(c) for c in loan["allocation_order"].split(","))
    return Contract(
        principal=loan["principal"],
        disbursed_on=disbursed_on or loan["disbursed_on"],
        term_months=loan["term_months"],
        method=RepaymentMethod(loan["method"]),
        rate=Decimal(loan["rate"]),
        rate_unit=RateUnit(loan["rate_unit"]),
        day_count=DayCount(loan["day_count"]),
        penalty_markup=Decimal(loan["penalty_markup"]),
        compound=loan["compound"],
        upfront_fee=loan["upfront_fee"],
        service_fee=loan["service_fee"],
        late_fee_rate=Decimal(loan["late_fee_rate"]),
        late_fee_min=loan["late_fee_min"],
        allocation=Allocation(order, AllocationBy(loan["allocation_by"])),
        lender_type=LenderType(loan["lender_type"]),
        signed_on=loan["signed_on"],
    )


_AMOUNTS: dict[tuple[Any, ...], list[int]] = {}


def scheduled_fen(loan: dict[str, Any]) -> list[int]:
    """Installment payments in fen, from the reference schedule (cached per terms)."""
    names = ("principal", "rate", "rate_unit", "day_count", "term_months", "method", "service_fee")
    key = tuple(loan[k] for k in names)
    if key not in _AMOUNTS:
        schedule = build_schedule(contract(loan, dt.date(2001, 1, 1)))
        _AMOUNTS[key] = [to_fen(i.payment) for i in schedule.installments]
    return _AMOUNTS[key]


@dataclass(frozen=True)
class Month:
    """One loan at the day before a monthly anniversary: open or repaid, and its bucket."""

    open: bool
    bucket: int
    something_due: bool  # an installment fell due in the month that ends here


def history(loan: dict[str, Any], paid: list[tuple[dt.date, int]]) -> Iterator[Month]:
    """Month ends up to the as-of date. Payments go to the scheduled amounts in order; the
    bucket is the number of monthly dates from the oldest unpaid due date to the month end."""
    amounts = scheduled_fen(loan)
    d0, n = loan["disbursed_on"], loan["term_months"]
    months = (AS_OF.year - d0.year) * 12 + AS_OF.month - d0.month + 2
    anniversaries = [add_months(d0, j) for j in range(max(months, n) + 1)]
    dues = [anniversaries[n]] if loan["method"] == "bullet" else anniversaries[1 : n + 1]
    cum = [0]
    for a in amounts:
        cum.append(cum[-1] + a)
    total, p, oldest = 0, 0, 1
    for k in range(1, months):
        end = anniversaries[k + 1] - dt.timedelta(days=1)
        if end > AS_OF:
            return
        while p < len(paid) and paid[p][0] <= end:
            total += paid[p][1]
            p += 1
        while oldest <= len(amounts) and cum[oldest] <= total:
            oldest += 1
        due_now = any(anniversaries[k] <= due <= end for due in dues)
        if oldest > len(amounts):
            yield Month(False, 0, due_now)
            return
        due = dues[oldest - 1]
        bucket = sum(1 for a in anniversaries[1 : k + 1] if a >= due) if due <= end else 0
        yield Month(True, bucket, due_now)


@dataclass
class Behaviour:
    transitions: Counter[tuple[int, int]]
    loans_with: Counter[str]
    loans: int


def measure(out: Path) -> Behaviour:
    paid: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for r in read(out, "payments"):
        paid[r["loan_id"]].append((r["paid_on"], to_fen(r["amount"])))
    transitions: Counter[tuple[int, int]] = Counter()
    loans_with: Counter[str] = Counter()
    loans = read(out, "loans")
    for loan in loans:
        payments = sorted(paid[loan["loan_id"]])
        before = Month(True, 0, False)
        buckets = []
        for month in history(loan, payments):
            if before.open and (before.bucket >= 1 or month.something_due):
                transitions[(min(before.bucket, 6), min(month.bucket, 6))] += 1
            buckets.append(month.bucket)
            before = month
        top = max(buckets, default=0)
        amounts = scheduled_fen(loan)
        if top == 0 and not before.open and len(payments) == len(amounts):
            loans_with["paid every installment on time"] += 1
        if top >= 1 and 0 in buckets[buckets.index(top) :]:
            loans_with["fell behind, then cured"] += 1
        if top >= 6:
            loans_with["rolled to M6+ (write-off)"] += 1
        if any(a % 100 == 0 and a < min(amounts) for _, a in payments):
            loans_with["made a partial payment"] += 1
        dues = [add_months(loan["disbursed_on"], i) for i in range(1, len(amounts) + 1)]
        total = 0
        for day, amount in payments:
            total += amount
            if total >= sum(amounts) and sum(d > day for d in dues) >= 2:
                loans_with["settled early"] += 1
                break
    return Behaviour(transitions, loans_with, len(loans))


def rate(transitions: Counter[tuple[int, int]], start: list[int], end: int) -> tuple[float, int]:
    base = sum(c for (a, _), c in transitions.items() if a in start)
    hits = sum(c for (a, b), c in transitions.items() if a in start and b == end)
    return hits / base, base


@pytest.fixture(scope="module")
def behaviour(sample: Path) -> Behaviour:
    return measure(sample)


def test_realised_monthly_roll_and_cure_rates_fall_in_the_stated_ranges(
    behaviour: Behaviour,
) -> None:
    t = behaviour.transitions
    realised = {
        "M0->M1": rate(t, [0], 1),
        "M1->M2": rate(t, [1], 2),
        "M2->M3": rate(t, [2], 3),
        "M3->M4": rate(t, [3], 4),
        "M4->M5": rate(t, [4], 5),
        "M5->M6+": rate(t, [5], 6),
        "M1->M0": rate(t, [1], 0),
        "M2->M0": rate(t, [2], 0),
        "M3..M5->M0": rate(t, [3, 4, 5], 0),
        "M6+->M0": rate(t, [6], 0),
    }
    for name, (value, base) in realised.items():
        low, high = STATED[name]
        assert base >= 300, (name, base)
        assert low <= value <= high, f"{name}: {value:.3f} over {base} loan-months"
    # No loan skips a bucket on the way down.
    assert all(b <= a + 1 for a, b in t)


def test_every_behaviour_appears(behaviour: Behaviour) -> None:
    share = {k: v / behaviour.loans for k, v in behaviour.loans_with.items()}
    assert share["paid every installment on time"] > 0.3
    for name in (
        "fell behind, then cured",
        "rolled to M6+ (write-off)",
        "made a partial payment",
        "settled early",
    ):
        assert share.get(name, 0) > 0.005, (name, share)


def test_on_time_payments_are_the_reference_schedule_amounts(small: Path) -> None:
    """A payment made on or before the first due date is the first installment (auto-debit),
    the whole schedule (early settlement) or a partial payment in whole yuan."""
    loans = {r["loan_id"]: r for r in read(small, "loans")}
    first: dict[str, dict[str, Any]] = {}
    for p in read(small, "payments"):
        first.setdefault(p["loan_id"], p)
    kinds: Counter[str] = Counter()
    for loan_id, p in first.items():
        loan = loans[loan_id]
        schedule = build_schedule(contract(loan)).installments
        if p["paid_on"] > schedule[0].due_on:
            continue
        amount = to_fen(p["amount"])
        if amount == to_fen(schedule[0].payment):
            kinds["installment"] += 1
        elif amount == sum(to_fen(i.payment) for i in schedule):
            kinds["settlement"] += 1
        else:
            assert amount % 100 == 0, (loan_id, p)
            assert amount < to_fen(schedule[0].payment), (loan_id, p)
            kinds["partial"] += 1
    assert kinds["installment"] > 0.9 * sum(kinds.values())


def test_the_reference_ledger_sees_the_same_arrears_for_nearly_every_loan(small: Path) -> None:
    """Late payers add an estimate of late fees and penalty interest, which the ledger takes
    first; the ledger's bucket on the as-of date must match the scheduled-amounts view."""
    loans = read(small, "loans")[:800]
    paid: dict[str, list[Payment]] = defaultdict(list)
    for r in read(small, "payments"):
        paid[r["loan_id"]].append(Payment(r["paid_on"], r["amount"], r["payment_id"]))
    agree = 0
    for loan in loans:
        payments = paid[loan["loan_id"]]
        total = sum(to_fen(p.amount) for p in payments)
        schedule = build_schedule(contract(loan)).installments
        dpd, running = 0, 0
        for inst in schedule:
            running += to_fen(inst.payment)
            if running > total:
                dpd = max(0, (AS_OF - inst.due_on).days)
                break
        state = loan_state(Loan(loan["loan_id"], contract(loan), tuple(payments)), AS_OF)
        agree += state.bucket == bucket_of(dpd)
    assert agree >= 0.97 * len(loans)


def test_unreachable_borrowers_get_no_more_demands_and_the_oldest_run_out_of_time(
    sample: Path,
) -> None:
    """A borrower in M6+ may become unreachable: no more demands (or other events) until a
    payment. So some loans still owing have had no event for over a year, and for the oldest
    of them the limitation period (民法典 Art. 188: three years) has run out by the as-of date,
    as the reference ledger computes it: the report's limitation section has accounts."""
    last: dict[str, dt.date] = {}
    for table, day in (("events", "on"), ("payments", "paid_on")):
        for r in read(sample, table):
            last[r["loan_id"]] = max(last.get(r["loan_id"], r[day]), r[day])
    paid: dict[str, list[Payment]] = defaultdict(list)
    for r in read(sample, "payments"):
        paid[r["loan_id"]].append(Payment(r["paid_on"], r["amount"], r["payment_id"]))
    quiet, expired = 0, 0
    three_years_ago = add_months(AS_OF, -36)
    for loan in read(sample, "loans"):
        owed = sum(scheduled_fen(loan)) - sum(to_fen(p.amount) for p in paid[loan["loan_id"]])
        final_due = add_months(loan["disbursed_on"], loan["term_months"])
        seen = last.get(loan["loan_id"], loan["disbursed_on"])
        if owed <= 0 or final_due >= AS_OF or seen >= add_months(AS_OF, -12):
            continue
        quiet += 1  # in arrears past its final due date, nothing heard for a year
        if max(seen, final_due) < three_years_ago:
            state = loan_state(
                Loan(loan["loan_id"], contract(loan), tuple(paid[loan["loan_id"]])), AS_OF
            )
            assert state.limitation.expires_on < AS_OF, loan["loan_id"]
            expired += 1
    assert quiet >= 50
    assert expired >= 1
