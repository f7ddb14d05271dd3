"""From normalized portfolio tables (Arrow) to the kernel's arrays, and back to ``loan_state``.

The normalized tables are what :func:`overdue.portfolio.load.load_portfolio` accepts (see
``docs/portfolio-schema.md``): amounts in int64 fen, dates as date32, rates as canonical decimal
strings. Everything that depends on rules rather than on arithmetic is decided here, in Python,
once per *distinct* value — rates become exact rationals, equal-installment annuities are
computed with :func:`overdue.ledger.schedule.annuity_payment`, cap segments come from
:func:`overdue.rules.caps.cap_segments` — so the kernel and the reference ledger share the same
rule code and the kernel only does integer arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any, TypeVar

import chinese_calendar
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from overdue.dates import calendar_range
from overdue.errors import InputError
from overdue.ledger.contract import (
    DEFAULT_ORDER,
    AllocationBy,
    Component,
    DayCount,
    EventKind,
    LenderType,
    RateUnit,
    RepaymentMethod,
)
from overdue.ledger.schedule import annuity_payment
from overdue.money import from_fen, to_fen
from overdue.portfolio.arrays import one_chunk
from overdue.portfolio.kernel import (
    CAUSE_NAMES,
    OUT_DATE_FIELDS,
    OUT_MONEY_FIELDS,
    decimal_words,
    group_by_loan,
    run_kernel,
)
from overdue.portfolio.schema import EPOCH, LOAN_ORD
from overdue.portfolio.state_columns import LOAN_STATE_SCHEMA, MONEY, RATE
from overdue.rules.caps import CapProfile, CapSettings, cap_segments
from overdue.rules.periods import period_rule

__all__ = ["EPOCH", "compute_states", "iter_states", "kernel_inputs", "states_table"]

_METHODS = list(RepaymentMethod)
_CAUSE_CODE = {"acknowledgement": 1, "demand": 2, "suit": 4}  # see kernel.CAUSE_NAMES
_LIMITATION_KINDS = {EventKind.DEMAND.value, EventKind.ACKNOWLEDGEMENT.value, EventKind.SUIT.value}

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _days(col: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int32]:
    """date32 -> int32 days since 1970-01-01 (nulls are not allowed here)."""
    return np.asarray(one_chunk(col).cast(pa.int32()).to_numpy(zero_copy_only=False), np.int32)


def _ints(col: pa.ChunkedArray | pa.Array) -> npt.NDArray[np.int64]:
    return np.asarray(one_chunk(col).to_numpy(zero_copy_only=False), dtype=np.int64)


def _per_distinct(
    columns: Sequence[pa.ChunkedArray], fn: Callable[..., V]
) -> tuple[list[V], npt.NDArray[np.int32]]:
    """Apply ``fn`` once per distinct row of ``columns``; return the results and each row's index."""
    n = len(columns[0])
    key = np.zeros(n, np.int64)  # each row's combination of codes, in mixed radix
    space = 1  # every key is below it
    bases: list[int] = []  # the radix of each column since the last renumbering
    dictionaries: list[list[Any]] = []  # the values of each column since then
    combos: list[tuple[Any, ...]] = [()]  # the values of the combinations numbered then

    def decode(uniq: npt.NDArray[np.int64]) -> list[tuple[Any, ...]]:
        out = []
        for k in uniq.tolist():
            codes = []
            for b in reversed(bases):
                k, c = divmod(k, b)
                codes.append(c)
            codes.reverse()
            values = (
                None if c == 0 else d[c - 1] for c, d in zip(codes, dictionaries, strict=True)
            )
            out.append((*combos[k], *values))
        return out

    for col in columns:
        codes, values = _codes(col)
        base = len(values) + 1
        if space * base >= 2**62:  # renumber the combinations so far (fewer than n)
            uniq, inverse = _distinct(key, space)
            combos, key, space = decode(uniq), inverse.astype(np.int64), len(uniq)
            bases, dictionaries = [], []
        key *= base
        key += codes
        space *= base
        bases.append(base)
        dictionaries.append(values)
    uniq, inverse = _distinct(key, space)
    return [fn(*combo) for combo in decode(uniq)], inverse


def _codes(col: pa.ChunkedArray | pa.Array) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Each row's code (0 for null, k + 1 for ``values[k]``) and the distinct ``values``.

    Chunk by chunk: a dictionary chunk (as lean tables have) is mapped through its dictionary
    without hashing its rows again.
    """
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    values: list[Any] = []
    number: dict[Any, int] = {}
    parts = []
    for chunk in chunks:
        enc = chunk if pa.types.is_dictionary(chunk.type) else pc.dictionary_encode(chunk)
        local = np.zeros(len(enc.dictionary) + 1, np.int64)  # chunk's index + 1 -> code
        for j, v in enumerate(enc.dictionary.to_pylist()):
            if v not in number:
                values.append(v)
                number[v] = len(values)
            local[j + 1] = number[v]
        if enc.indices.null_count:
            idx = np.asarray(enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)) + 1
            parts.append(local[idx])
        else:  # the usual case: no copy of the indices
            parts.append(np.take(local[1:], enc.indices.to_numpy()))
    return (np.concatenate(parts) if parts else np.zeros(0, np.int64)), values


def _distinct(
    key: npt.NDArray[np.int64], space: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """The distinct values of ``key`` (each below ``space``) and each row's index into them.

    A table of flags when ``space`` is small, otherwise Arrow's hash table: both linear, unlike
    ``np.unique``, which sorts. The values come in ascending order (flags) or in order of first
    appearance (hash table).
    """
    if space <= 4 * len(key) + 4096:
        present = np.zeros(space, np.bool_)
        present[key] = True
        rank = np.cumsum(present, dtype=np.int32) - 1
        return np.flatnonzero(present).astype(np.int64), rank[key]
    enc = pc.dictionary_encode(pa.array(key, pa.int64()))
    return (
        np.asarray(enc.dictionary.to_numpy(), np.int64),
        np.asarray(enc.indices.to_numpy(), np.int32),
    )


def _plain(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A text column as plain strings (decoding a lean table's dictionary column)."""
    if pa.types.is_dictionary(col.type):
        return col.cast(col.type.value_type)
    return col


@dataclass(frozen=True, slots=True)
class _Lookup:
    """A per-loan input kept as its distinct values and each loan's index into them.

    Rates, allocation orders and cap segments take a handful of distinct values; storing an
    int32 index instead of the values saves about 150 bytes per loan (1.5 GB for ten million
    loans). :func:`_slice` expands a chunk's loans just before the kernel runs.
    """

    values: npt.NDArray[np.int64]
    index: npt.NDArray[np.int32]

    def __getitem__(self, rows: slice) -> npt.NDArray[np.int64]:
        return self.values[self.index[rows]]

    def __len__(self) -> int:
        return len(self.index)


def _fraction(text: str | None, field: str) -> Fraction:
    if text is None:
        raise InputError(field, "missing")
    return Fraction(Decimal(text))


def _rates(
    rate: str, unit: str | None, day_count: str | None, markup: str | None, penalty: str | None
) -> tuple[Fraction, Fraction, int]:
    """(annual rate, annual penalty rate, day basis) exactly as overdue.ledger.contract.Contract."""
    basis = DayCount(day_count or DayCount.ACT_360.value).basis
    r = _fraction(rate, "rate")
    u = RateUnit(unit or RateUnit.ANNUAL.value)
    annual = r * 12 if u is RateUnit.MONTHLY else r * basis if u is RateUnit.DAILY else r
    if penalty is not None:
        pen = _fraction(penalty, "penalty_rate")
    else:
        pen = annual * (1 + _fraction(markup or "0.5", "penalty_markup"))
    return annual, pen, basis


def _order(text: str | None) -> tuple[int, ...]:
    names = [c.value for c in Component]
    if not text:
        return tuple(names.index(c.value) for c in DEFAULT_ORDER)
    return tuple(names.index(Component(x.strip()).value) for x in text.split(","))


@cache
def _working_days() -> tuple[int, npt.NDArray[np.bool_]]:
    first, last = calendar_range()
    n = (last - first).days + 1
    work = np.array(
        [chinese_calendar.is_workday(first + dt.timedelta(days=k)) for k in range(n)], np.bool_
    )
    return (first - EPOCH).days, work


def _loan_index(loans: pa.Table, child: pa.Table) -> npt.NDArray[np.int32]:
    """The position in ``loans`` of each row of ``child``."""
    n = loans.num_rows
    if LOAN_ORD.name in child.column_names:  # as the loader gives it: no lookup needed
        loan_idx = np.asarray(one_chunk(child[LOAN_ORD.name]), np.int32)
        bad = bool(loan_idx.size) and (loan_idx.min() < 0 or loan_idx.max() >= n)
    else:
        idx = pc.index_in(child["loan_id"], value_set=loans["loan_id"].combine_chunks())
        loan_idx = np.asarray(idx.fill_null(-1).to_numpy(zero_copy_only=False), np.int32)
        bad = bool((loan_idx < 0).any())
    if bad:
        raise InputError("loan_id", "a row refers to a loan that is not in the accepted loans")
    return loan_idx


def _withheld(loans: pa.Table, upfront: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_] | None:
    """Loans whose upfront fee (``upfront``, fen) was withheld from the amount paid out (None:
    no such loan)."""
    if "upfront_fee_deducted" not in loans.column_names:
        return None
    flags = loans["upfront_fee_deducted"].fill_null(False).to_numpy(zero_copy_only=False)
    withheld = np.asarray(flags, np.bool_) & (upfront > 0)
    return withheld if withheld.any() else None


def _child_rows(
    loans: pa.Table,
    child: pa.Table | None,
    day_col: str,
    values: Callable[[pa.Table], Sequence[npt.NDArray[np.int64]]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Rows of ``child`` grouped by loan (loan order, then day): (values, offsets, days).

    ``values(child)`` gives the int64 columns the kernel needs, in the table's order; they come
    back as one array, a row per column. Rows of one loan and day keep the table's order (the
    normalized order is by payment or event id; lean tables come in no particular order, and
    the kernel's results do not depend on the order of same-day rows).
    """
    n = loans.num_rows
    if child is None or child.num_rows == 0:
        return np.zeros((0, 0), np.int64), np.zeros(n + 1, np.int64), np.zeros(0, np.int32)
    loan_idx = _loan_index(loans, child)
    columns = values(child)
    stacked = columns[0].reshape(1, -1) if len(columns) == 1 else np.stack(columns)
    offsets, days, grouped = group_by_loan(loan_idx, _days(child[day_col]), stacked, n)
    return grouped, offsets, days


def kernel_inputs(
    loans: pa.Table,
    payments: pa.Table | None,
    events: pa.Table | None,
    installments: pa.Table | None,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    cap_settings: CapSettings | None = None,
) -> dict[str, Any]:
    """The inputs of :func:`overdue.portfolio.kernel.run_kernel` from normalized or lean tables.

    Per-distinct rules are :class:`_Lookup` values and some per-loan arrays are narrower than
    the kernel's int64: pass a range of loans through :func:`_slice` before the kernel.
    """
    settings = cap_settings or CapSettings.defaults()
    # On the other core, one after another: the payments grouped by loan (without the GIL), the
    # cap segments and the limitation events; here, meanwhile, the other rules (mostly NumPy
    # over whole columns, which releases the GIL too). 10M loans: 3.7 s on one core before.
    with ThreadPoolExecutor(max_workers=1) as pool:
        grouped = pool.submit(
            _child_rows, loans, payments, "paid_on", lambda t: [_ints(t["amount_fen"])]
        )
        caps = pool.submit(_cap_rules, loans, as_of, cap, settings)
        limitation = pool.submit(_limitation_events, loans, events)
        inputs = _loan_rules(loans, installments, as_of)
        inputs.update(caps.result())
        inputs.update(limitation.result())
        pay, pay_off, pay_day = grouped.result()
    inputs["pay_off"] = pay_off
    inputs["pay_day"] = pay_day
    inputs["pay_amount"] = pay[0] if pay.size else np.zeros(0, np.int64)
    return inputs


def _loan_rules(loans: pa.Table, installments: pa.Table | None, as_of: dt.date) -> dict[str, Any]:
    """Every input of the kernel but the payments, the caps and the limitation events (see
    :func:`kernel_inputs`)."""
    n = loans.num_rows
    rates, rate_idx = _per_distinct(
        [loans[c] for c in ("rate", "rate_unit", "day_count", "penalty_markup", "penalty_rate")],
        _rates,
    )
    annual = [r[0] for r in rates]
    pens = [r[1] for r in rates]

    def num_den(fracs: list[Fraction], index: npt.NDArray[np.int32]) -> tuple[_Lookup, _Lookup]:
        num = np.array([f.numerator for f in fracs], np.int64)
        den = np.array([f.denominator for f in fracs], np.int64)
        return _Lookup(num, index), _Lookup(den, index)

    rate_num, rate_den = num_den(annual, rate_idx)
    pen_num, pen_den = num_den(pens, rate_idx)
    basis = _Lookup(np.array([r[2] for r in rates], np.int64), rate_idx)
    lf, lf_idx = _per_distinct(
        [loans["late_fee_rate"]], lambda t: _fraction(t or "0", "late_fee_rate")
    )
    lf_num, lf_den = num_den(lf, lf_idx)
    orders, order_idx = _per_distinct([loans["allocation_order"]], _order)
    order = _Lookup(np.array(orders, np.int64).reshape(-1, 6), order_idx)
    by_inst = np.asarray(
        pc.equal(
            _plain(loans["allocation_by"]).fill_null("component"), AllocationBy.INSTALLMENT.value
        ).to_numpy(zero_copy_only=False),
        np.bool_,
    )
    methods, method_idx = _per_distinct(
        [loans["method"]], lambda m: _METHODS.index(RepaymentMethod(m))
    )
    method = np.array(methods, np.int8)[method_idx]
    principal = _ints(loans["principal_fen"])
    upfront = _ints(loans["upfront_fee_fen"])
    withheld = _withheld(loans, upfront)
    if withheld is not None:
        # 民法典 Art. 670, as Contract.as_lent reads it: the principal is the amount actually
        # lent, the withheld fee no cost, and the schedule follows from the terms (one the
        # lender supplied, on the contract principal, does not apply).
        principal = np.where(withheld, principal - upfront, principal)
        upfront = np.where(withheld, 0, upfront)
        if installments is not None and installments.num_rows:
            keep = ~withheld[_loan_index(loans, installments)]
            installments = installments.filter(pa.array(keep))
    term = _ints(loans["term_months"]).astype(np.int32)

    # Equal-installment annuities, once per distinct (principal, annual rate, term).
    annuity = np.zeros(n, np.int64)
    ei = np.flatnonzero(method == 0)
    if ei.size:
        # one int64 key per (principal, rate, term): terms < 1000, rates < len(annual)
        key = (principal[ei] * len(annual) + rate_idx[ei]) * 1000 + term[ei].astype(np.int64)
        uniq, inv = _distinct(key, int(key.max()) + 1)
        values = np.array(
            [
                to_fen(
                    annuity_payment(
                        from_fen(k // 1000 // len(annual)),
                        annual[k // 1000 % len(annual)] / 12,
                        k % 1000,
                    )
                )
                for k in uniq.tolist()
            ],
            np.int64,
        )
        annuity[ei] = values[np.asarray(inv).reshape(-1)]

    sched, sched_off, sched_due = _child_rows(
        loans, installments, "due_on",
        lambda t: [_ints(t[c].fill_null(0))
                   for c in ("principal_fen", "interest_fen", "service_fee_fen")],
    )  # fmt: skip
    if sched.size:
        sched_principal, sched_interest, sched_service = sched
    else:
        sched_principal = sched_interest = sched_service = np.zeros(0, np.int64)

    rule = period_rule("limitation", as_of)
    if rule.length is None or not rule.roll_over:
        raise NotImplementedError(
            "the batch engine expects a limitation period in years with roll-over"
        )
    cal_first, working = _working_days()
    return {
        "as_of": (as_of - EPOCH).days,
        "principal": principal,
        "disb": _days(loans["disbursed_on"]),
        "term": term,
        "method": method,
        "rate_num": rate_num,
        "rate_den": rate_den,
        "pen_num": pen_num,
        "pen_den": pen_den,
        "basis": basis,
        "compound": np.asarray(
            loans["compound"].fill_null(False).to_numpy(zero_copy_only=False), np.bool_
        ),
        "upfront": upfront,
        "service": _ints(loans["service_fee_fen"]),
        "lf_num": lf_num,
        "lf_den": lf_den,
        "lf_min": _ints(loans["late_fee_min_fen"]),
        "order": order,
        "by_installment": by_inst,
        "annuity": annuity,
        "sched_off": sched_off,
        "sched_due": sched_due,
        "sched_principal": sched_principal,
        "sched_interest": sched_interest,
        "sched_service": sched_service,
        "lim_years": rule.length,
        "cal_first": cal_first,
        "working": working,
    }


def _cap_rules(
    loans: pa.Table, as_of: dt.date, cap: CapProfile | None, settings: CapSettings
) -> dict[str, Any]:
    """The kernel's cap inputs: each loan's profile and its segments (once per distinct
    profile and contract date)."""
    n = loans.num_rows
    signed = loans["signed_on"] if "signed_on" in loans.column_names else None
    contract_on = (
        loans["disbursed_on"] if signed is None else pc.coalesce(signed, loans["disbursed_on"])
    )
    # The profile of each loan, dictionary-encoded (two values at most).
    names = pa.array([p.value for p in CapProfile])
    if cap is not None:
        code = np.full(n, list(CapProfile).index(cap), np.int32)
    else:
        lender = _plain(loans["lender_type"]).fill_null("licensed")
        private = np.asarray(pc.equal(lender, LenderType.PRIVATE.value), np.bool_)
        code = np.where(
            private,
            list(CapProfile).index(CapProfile.PRIVATE_4LPR),
            list(CapProfile).index(CapProfile.LICENSED_24),
        ).astype(np.int32)
    profiles = pa.chunked_array([pa.DictionaryArray.from_arrays(pa.array(code), names)])

    def segments(profile: str, contract: dt.date) -> tuple[int, int, tuple[int, int], int]:
        segs = cap_segments(CapProfile(profile), contract, filed_on=as_of, settings=settings)
        fracs = [Fraction(s.annual_rate) for s in segs]
        den = int(np.lcm.reduce([f.denominator for f in fracs])) if fracs else 1
        nums = (*tuple(f.numerator * (den // f.denominator) for f in fracs), 0, 0)
        boundary = segs[1].starts_on if len(segs) == 2 and segs[1].starts_on else EPOCH
        return len(segs), (boundary - EPOCH).days, (nums[0], nums[1]), den

    segs, seg_idx = _per_distinct([profiles, contract_on], segments)
    cap_nseg = _Lookup(np.array([s[0] for s in segs], np.int64), seg_idx)
    cap_boundary = _Lookup(np.array([s[1] for s in segs], np.int64), seg_idx)
    cap_num = _Lookup(np.array([s[2] for s in segs], np.int64).reshape(-1, 2), seg_idx)
    cap_den = _Lookup(np.array([s[3] for s in segs], np.int64), seg_idx)

    return {
        "cap_nseg": cap_nseg,
        "cap_boundary": cap_boundary,
        "cap_num": cap_num,
        "cap_den": cap_den,
        "cap_basis": settings.day_basis,
        "_profiles": profiles,
    }


def _limitation_events(loans: pa.Table, events: pa.Table | None) -> dict[str, Any]:
    """The kernel's limitation inputs: the events that restart the period, grouped by loan."""
    lim_events = None
    if events is not None and events.num_rows:
        lim_events = events.filter(
            pc.is_in(events["kind"], value_set=pa.array(sorted(_LIMITATION_KINDS)))
        )

    def causes(t: pa.Table) -> list[npt.NDArray[np.int64]]:
        codes, kinds = _codes(t["kind"])
        table = np.array([0, *(_CAUSE_CODE[k] for k in kinds)], np.int64)
        return [table[codes]]

    ev, ev_off, ev_day = _child_rows(loans, lim_events, "on", causes)
    ev_cause = ev[0] if ev.size else np.zeros(0, np.int64)

    return {"ev_off": ev_off, "ev_day": ev_day, "ev_cause": ev_cause}


def _decimal(
    unscaled: npt.NDArray[np.int64], type_: pa.DataType, valid: npt.NDArray[np.bool_] | None = None
) -> pa.Array:
    """int64 unscaled values (fen for money) -> decimal128 exactly, by building its 128-bit words."""
    return _from_words(decimal_words(np.asarray(unscaled, np.int64)), type_, valid)


def _from_words(
    words: npt.NDArray[np.int64], type_: pa.DataType, valid: npt.NDArray[np.bool_] | None = None
) -> pa.Array:
    """A decimal128 column over the kernel's words (see run_kernel), without a copy."""
    mask = None if valid is None else pa.array(valid).buffers()[1]
    return pa.Array.from_buffers(type_, words.shape[0] // 2, [mask, pa.py_buffer(words)])


def _money(fen: npt.NDArray[np.int64], valid: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    return _decimal(fen, MONEY, valid)


def _rate(scaled: npt.NDArray[np.int64], valid: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    return _decimal(scaled, RATE, valid)


def _dates(days: npt.NDArray[np.int64]) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.int32(), mask=days < 0).cast(pa.date32())


def _labels(codes: npt.NDArray[np.int64], names: Sequence[str]) -> pa.Array:
    """Codes into their names as a plain string column."""
    indices = pa.array(np.ascontiguousarray(codes, np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array(names)).cast(pa.string())


def states_table(
    loans: pa.Table, inputs: dict[str, Any], out: dict[str, npt.NDArray[np.int64]], as_of: dt.date
) -> pa.Table:
    """The kernel's output as a ``loan_state`` table (:data:`LOAN_STATE_SCHEMA`)."""
    n = loans.num_rows
    money, dates, ints = out["money"], out["dates"], out["ints"]
    m = {name: _from_words(money[k], MONEY) for k, name in enumerate(OUT_MONEY_FIELDS)}
    d = {name: dates[:, k] for k, name in enumerate(OUT_DATE_FIELDS)}
    dpd = ints[:, 0]
    bucket = _labels(
        np.where(dpd <= 0, 0, np.minimum((dpd - 1) // 30 + 1, 6)),
        ("M0", "M1", "M2", "M3", "M4", "M5", "M6+"),
    )
    has_cap = inputs["cap_nseg"] > 0
    # cap rate num/den -> 6 decimals (the caps in force are whole basis points of a percent)
    cap_num, cap_den = ints[:, 5], ints[:, 6]
    cap_scaled = np.where(has_cap, (cap_num * 1_000_000) // np.maximum(cap_den, 1), 0)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "loan_id": loans["loan_id"],
        "as_of": _dates(np.full(n, (as_of - EPOCH).days, np.int64)),
        "borrower_id": loans["borrower_id"],
        "product_id": _plain(loans["product_id"])
        if "product_id" in loans.column_names
        else pa.nulls(n, pa.string()),
        "disbursed_on": loans["disbursed_on"],
        "term_months": loans["term_months"].cast(pa.int32()),
        "method": _plain(loans["method"]),
        "lender_type": _plain(loans["lender_type"]),
        "principal": _money(inputs["principal"]),
        "dpd": pa.array(dpd.astype(np.int32)),
        "bucket": bucket,
        "outstanding_principal": m["outstanding_principal"],
        "overdue_principal": m["overdue_principal"],
        "overdue_interest": m["overdue_interest"],
        "penalty_interest": m["penalty_interest"],
        "compound_interest": m["compound_interest"],
        "fees": m["fees"],
        "total_due": m["total_due"],
        "credit": m["credit"],
        "cap_profile": _plain(inputs["_profiles"]),
        "cap_rate": _rate(cap_scaled, has_cap),
        "annual_rate": _rate(ints[:, 1]),
        "charged": m["charged"],
        "allowed": _from_words(money[OUT_MONEY_FIELDS.index("allowed")], MONEY, has_cap),
        "excess": m["excess"],
        "claimable_total": m["claimable_total"],
        **{f"claimable_{c}": m[f"claimable_{c}"] for c in (x.value for x in Component)},
        "limitation_starts_on": _dates(d["limitation_starts_on"]),
        "limitation_expires_on": _dates(d["limitation_expires_on"]),
        "limitation_nominal_expires_on": _dates(ints[:, 4]),
        "limitation_calendar_covered": pa.array(ints[:, 2].astype(bool)),
        "limitation_started_by": _labels(ints[:, 3], CAUSE_NAMES),
        "next_due_date": _dates(d["next_due_date"]),
        "next_due_amount": m["next_due_amount"],
        "last_payment_date": _dates(d["last_payment_date"]),
        "last_payment_amount": m["last_payment_amount"],
        "paid_total": m["paid_total"],
    }
    return pa.table([columns[f.name] for f in LOAN_STATE_SCHEMA], schema=LOAN_STATE_SCHEMA)


CHUNK = 250_000  # loans per kernel call: bounds the output memory; one Parquet row group each

_PER_LOAN = (
    "principal", "disb", "term", "method", "rate_num", "rate_den", "pen_num", "pen_den", "basis",
    "compound", "upfront", "service", "lf_num", "lf_den", "lf_min", "order", "by_installment",
    "annuity", "cap_nseg", "cap_boundary", "cap_num", "cap_den", "_profiles",
)  # fmt: skip
_OFFSETS = ("sched_off", "pay_off", "ev_off")


def _slice(inputs: dict[str, Any], a: int, b: int) -> dict[str, Any]:
    """Loans a..b-1: per-loan inputs sliced (lookups expanded, small integers widened to the
    kernel's int64); offsets sliced (they index the whole child arrays)."""
    part = dict(inputs)
    for k in _PER_LOAN:
        v = inputs[k][a:b]
        if isinstance(v, np.ndarray) and v.dtype.kind == "i" and v.dtype != np.int64:
            v = v.astype(np.int64)
        part[k] = v
    for k in _OFFSETS:
        part[k] = inputs[k][a : b + 1]
    return part


def iter_states(
    loans: pa.Table,
    payments: pa.Table | None,
    events: pa.Table | None,
    installments: pa.Table | None,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    chunk: int = CHUNK,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[pa.Table]:
    """Every loan's state as of ``as_of``, ``chunk`` loans at a time, in loan order.

    The rules are prepared once; each chunk is run through the kernel and turned into its
    ``loan_state`` rows, so that only one chunk's output is in memory at a time.
    """
    inputs = kernel_inputs(loans, payments, events, installments, as_of, cap=cap)
    n = loans.num_rows
    for a in range(0, max(n, 1), chunk):
        b = min(n, a + chunk)
        part = _slice(inputs, a, b)
        yield states_table(loans.slice(a, b - a), part, run_kernel(part), as_of)
        if progress:
            progress("kernel", b, n)


def compute_states(
    loans: pa.Table,
    payments: pa.Table | None,
    events: pa.Table | None,
    installments: pa.Table | None,
    as_of: dt.date,
    *,
    cap: CapProfile | None = None,
    chunk: int = CHUNK,
    progress: Callable[[str, int, int], None] | None = None,
) -> pa.Table:
    """Every loan's state as of ``as_of`` as one table (see :func:`iter_states`)."""
    parts = list(
        iter_states(
            loans, payments, events, installments, as_of, cap=cap, chunk=chunk, progress=progress
        )
    )
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]
