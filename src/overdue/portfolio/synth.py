"""A synthetic consumer-loan portfolio: ``overdue synth --loans N --out DIR --seed S``.

Deterministic: the same number of loans, seed and as-of date give byte-identical Parquet files
(with the pinned numpy, pyarrow, Faker and division data), whatever the number of worker
processes. The loans are cut into chunks of :data:`CHUNK_LOANS`; chunk ``c`` draws everything
from its own generator ``PCG64(SeedSequence([seed, c]))`` and writes its own part files, and
every process builds the shared tables (products, schedules, counties, Faker streets) from the
seed alone.

What is generated (the figures are stated in the README section "Synthetic portfolio"):

* **Products** (:data:`PRODUCTS`): 17 products of 3 to 36 months, all four repayment methods,
  rates from 7.2 % to 36 % a year in annual, monthly and daily units (some above the 24 % line
  and above four times the LPR, as in real disputes), upfront fees (withheld from the amount
  paid out in one product, as 砍头息 is) and service fees, 90 % licensed
  and 10 % private lenders (by share of loans). Principals are whole hundreds of yuan on a
  grid (hundreds to 10,000, 500s to 50,000, thousands to 200,000), so that (principal, rate,
  term, method) takes a few thousand distinct values.
* **Scheduled amounts** are those of :func:`overdue.ledger.schedule.build_schedule`, in integer
  fen: interest = remaining principal x annual rate / 12, half-up to the fen; the annuity is
  computed exactly with integers per (product, principal); the last installment absorbs the
  remainder.
* **Behaviour**: a monthly Markov chain over arrears buckets. A loan's bucket on the day before
  each monthly anniversary of its disbursement is the number of monthly due dates from the
  due date of its oldest installment not fully paid through that day (M0 when nothing is
  overdue); payments count against the scheduled amounts in order. Current borrowers miss an
  installment with their product's ``miss_rate`` times a borrower risk factor, pay late within
  the month (:data:`LATE_IN_MONTH`) or settle early (:data:`EARLY_SETTLEMENT`); delinquent
  ones cure, improve, stay or roll (:data:`DELINQUENT_MOVES`), some with part payments.
* **Fees on top.** The ledger takes late fees and penalty interest before the installments
  (民法典 Art. 561), so a late payer adds an upper estimate of what has accrued; the excess is
  a credit the ledger applies to later installments. A payment never completes the installment
  after the one the chain aimed for, so the files show the chain's buckets exactly; only when
  the accrued fees exceed a whole installment (long arrears at high rates) does the ledger see
  the loan a bucket worse than the chain.
* **Borrowers**: names from Faker ``zh_CN``'s surnames (by its frequencies) and given names
  (by gender), ID numbers with the GB 11643-1999 check digit whose first six digits are a
  county-level division that :func:`overdue.rules.courts.court_for_adcode` maps to a basic
  court, mobile numbers, and an address made of that county's province, city and county names
  and a Faker street.
* **Events**: a demand every month a loan is in arrears; now and then an acknowledgement,
  promise, plan, pause and resume, dispute and its resolution; a suit for some loans 180 days
  or more in arrears. A borrower in M6+ may become unreachable (:data:`_UNREACHABLE_RATE` a
  month): no events at all until a payment, so the limitation periods of the oldest such loans
  run out (the report's limitation section and write-off rule have accounts to show).

Nothing here is real data: names and streets come from Faker, ID and phone numbers are random
(they may coincide with real numbers, as any random valid number may).
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from overdue.errors import InputError
from overdue.ledger.contract import (
    DEFAULT_ORDER,
    AllocationBy,
    DayCount,
    LenderType,
    RateUnit,
    RepaymentMethod,
)
from overdue.portfolio.schema import EPOCH, EVENT_KINDS
from overdue.rules.courts import CourtLevel, court_for_adcode, courts, division_name

__all__ = [
    "BORROWERS_SCHEMA",
    "CHUNK_LOANS",
    "DELINQUENT_MOVES",
    "EARLY_SETTLEMENT",
    "EVENTS_SCHEMA",
    "LATE_IN_MONTH",
    "LOANS_SCHEMA",
    "MAX_LOANS",
    "PAYMENTS_SCHEMA",
    "PRODUCTS",
    "TABLES",
    "Product",
    "SynthSummary",
    "check_arguments",
    "synthesize",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]

CHUNK_LOANS = 250_000  # loans per part file; part of the output's identity (see module doc)
MAX_LOANS = 100_000_000  # ID sequence numbers are shared out among at most 499 chunks
MAX_TERM = 36
HISTORY_MONTHS = 60  # disbursements spread over the 60 months before the as-of date
TABLES = ("loans", "payments", "events", "borrowers")

MONEY = pa.decimal128(18, 2)

# --- products -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Product:
    """A loan product: the contract terms every loan of the product shares.

    Fees are shares of the principal (``upfront_fee_share`` once, ``service_fee_share`` per
    installment); principals are drawn log-normally around ``principal_median`` yuan, clipped to
    ``principal_min``..``principal_max``. ``weight`` is the share of loans in per mille and
    ``miss_rate`` the monthly probability that a current borrower of average risk misses an
    installment (M0 -> M1).
    """

    product_id: str
    name: str
    term_months: int
    method: RepaymentMethod
    rate: str
    rate_unit: RateUnit
    day_count: DayCount
    upfront_fee_share: str
    service_fee_share: str
    penalty_markup: str
    late_fee_rate: str
    late_fee_min: int  # yuan
    compound: bool
    lender_type: LenderType
    allocation_by: AllocationBy
    principal_min: int
    principal_max: int
    principal_median: int
    weight: int
    miss_rate: str
    upfront_fee_deducted: bool = False  # withheld from the amount paid out (砍头息)

    @property
    def annual_rate(self) -> Decimal:
        rate = Decimal(self.rate)
        if self.rate_unit is RateUnit.MONTHLY:
            return rate * 12
        if self.rate_unit is RateUnit.DAILY:
            return rate * self.day_count.basis
        return rate

    @property
    def annual_rate_bp(self) -> int:
        """The annual rate in units of 0.0001 (exact: every product's rate is such a multiple)."""
        scaled = self.annual_rate * 10_000
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{self.product_id}: annual rate {self.annual_rate} is not in 0.0001")
        return int(scaled)


_EI = RepaymentMethod.EQUAL_INSTALLMENT
_EP = RepaymentMethod.EQUAL_PRINCIPAL
_IO = RepaymentMethod.INTEREST_ONLY
_BU = RepaymentMethod.BULLET
_A, _M, _D = RateUnit.ANNUAL, RateUnit.MONTHLY, RateUnit.DAILY
_360, _365 = DayCount.ACT_360, DayCount.ACT_365
_LIC, _PRI = LenderType.LICENSED, LenderType.PRIVATE
_COMP, _INST = AllocationBy.COMPONENT, AllocationBy.INSTALLMENT

# fmt: off
PRODUCTS: tuple[Product, ...] = (
    #        id     name                 term meth rate      unit dc    upfront service  markup late  min  comp   lender alloc  pmin    pmax    pmed  w‰   miss
    Product("P01", "3期消费分期",           3, _EI, "0.015",  _M, _360, "0",    "0",     "0.5", "0.05", 0, False, _LIC, _COMP, 1_000, 10_000, 3_000, 190, "0.031"),
    Product("P02", "6期消费分期",           6, _EI, "0.02",   _M, _360, "0",    "0.003", "0.5", "0.05", 0, False, _LIC, _COMP, 1_000, 20_000, 5_000, 170, "0.031"),
    Product("P03", "12期信用贷",           12, _EI, "0.18",   _A, _365, "0",    "0",     "0.5", "0",    0, False, _LIC, _COMP, 3_000, 50_000, 10_000, 110, "0.026"),
    Product("P04", "12期日息万五",          12, _EI, "0.0005", _D, _360, "0.02", "0",     "0.5", "0.05", 0, False, _LIC, _COMP, 2_000, 30_000, 6_000,  70, "0.031"),
    Product("P05", "银行消费贷24期",        24, _EI, "0.072",  _A, _360, "0",    "0",     "0.3", "0",    0, False, _LIC, _COMP, 20_000, 200_000, 50_000,  30, "0.013"),
    Product("P06", "银行消费贷36期",        36, _EI, "0.098",  _A, _365, "0",    "0",     "0.3", "0",    0, False, _LIC, _COMP, 30_000, 200_000, 80_000,  20, "0.013"),
    Product("P07", "12期等额本金",          12, _EP, "0.12",   _A, _360, "0",    "0",     "0.5", "0",    0, False, _LIC, _COMP, 5_000, 100_000, 20_000,  40, "0.019"),
    Product("P08", "24期等额本金",          24, _EP, "0.01",   _M, _360, "0",    "0",     "0.5", "0.03", 0, False, _LIC, _COMP, 10_000, 150_000, 30_000,  20, "0.019"),
    Product("P09", "民间借贷6期先息后本",    6, _IO, "0.154",  _A, _365, "0",    "0",     "0.5", "0",    0, False, _PRI, _COMP, 10_000, 100_000, 30_000,  30, "0.031"),
    Product("P10", "民间借贷12期先息后本",  12, _IO, "0.02",   _M, _360, "0",    "0",     "0.5", "0.05", 0, False, _PRI, _COMP, 10_000, 100_000, 20_000,  20, "0.036"),
    Product("P11", "3个月到期还本付息",      3, _BU, "0.36",   _A, _360, "0.03", "0",     "0.5", "0.05", 30, False, _LIC, _COMP, 1_000, 5_000, 2_000,  90, "0.052", upfront_fee_deducted=True),
    Product("P12", "民间借贷6个月到期还本",  6, _BU, "0.03",   _M, _360, "0",    "0",     "0.5", "0.05", 0, False, _PRI, _COMP, 1_000, 20_000, 5_000,  30, "0.047"),
    Product("P13", "18期日息万八",          18, _EI, "0.0008", _D, _365, "0.03", "0.002", "0.5", "0.05", 20, True, _LIC, _COMP, 2_000, 50_000, 8_000,  50, "0.047"),
    Product("P14", "9期分期",               9, _EI, "0.0199", _M, _360, "0",    "0",     "0.5", "0.05", 0, False, _LIC, _COMP, 1_000, 30_000, 5_000,  70, "0.031"),
    Product("P15", "36期等额本金",          36, _EP, "0.086",  _A, _360, "0",    "0",     "0.3", "0",    0, False, _LIC, _COMP, 30_000, 200_000, 60_000,  15, "0.013"),
    Product("P16", "12期年化24%加服务费",   12, _EI, "0.24",   _A, _360, "0",    "0.005", "0.5", "0.05", 30, False, _LIC, _INST, 2_000, 50_000, 8_000,  25, "0.042"),
    Product("P17", "民间借贷12期",          12, _EI, "0.14",   _A, _365, "0",    "0",     "0.5", "0",    0, False, _PRI, _COMP, 5_000, 100_000, 20_000,  20, "0.031"),
)
# fmt: on

# --- behaviour ----------------------------------------------------------------------------------

# Per month, from a delinquent bucket (M1..M5, M6+): probability of paying everything overdue
# (cure to M0), of paying two installments (one bucket better), of paying one (same bucket);
# the rest pay nothing or part of one installment and roll one bucket worse.
DELINQUENT_MOVES: dict[int, tuple[float, float, float]] = {
    1: (0.50, 0.00, 0.12),  # roll to M2: 0.38
    2: (0.25, 0.05, 0.10),  # roll to M3: 0.60
    3: (0.10, 0.04, 0.08),  # roll to M4: 0.78
    4: (0.07, 0.03, 0.08),  # roll to M5: 0.82
    5: (0.05, 0.03, 0.08),  # roll to M6+: 0.84
    6: (0.02, 0.00, 0.03),  # M6+: rolling to write-off
}
PARTIAL_SHARE = 0.25  # of the borrowers who roll, the share who pay part of an installment
LATE_IN_MONTH = 0.04  # current borrowers who pay 1-15 days late but before the next month
EARLY_SETTLEMENT = 0.012  # current borrowers who repay everything early, per month
RISK_SHAPE = 2.0  # borrower risk factor ~ Gamma(2, 1/2): mean 1, the riskiest 5 % above 2.4

_FEE_MARGIN_FEN = 1  # added to the fee estimate against the ledger's per-span rounding

# --- events -------------------------------------------------------------------------------------

_KINDS = EVENT_KINDS  # the schema's event kinds; codes below are positions in it
_DEMAND, _ACK, _SUIT, _DISPUTE, _RESOLVED, _PROMISE, _PLAN, _PAUSE, _RESUME = (
    _KINDS.index(k)
    for k in (
        "demand", "acknowledgement", "suit", "dispute", "dispute_resolved", "promise", "plan",
        "pause", "resume",
    )
)  # fmt: skip
_NOTES = (
    "短信提醒",  # 0 demand M1
    "电话催收",  # 1 demand M1-M3
    "催收函",  # 2 demand M2+
    "律师函",  # 3 demand M4+
    "借款人电话确认欠款并同意还款",  # 4 acknowledgement
    "向借款人住所地基层人民法院起诉",  # 5 suit
    "借款人对利息和费用提出异议",  # 6 dispute
    "异议已答复",  # 7 dispute resolved
    "借款人承诺还款",  # 8 promise
    "分期还款计划",  # 9 plan
    "暂停催收（借款人申请困难延期）",  # 10 pause
    "恢复催收",  # 11 resume
)
_ACK_RATE = 0.20  # of delinquent borrowers who pay something in the month
_PROMISE_RATE = 0.10  # per delinquent month
_PLAN_RATE = 0.02  # per month in M2..M5
_PAUSE_RATE = 0.005
_RESUME_SHARE = 0.6
_DISPUTE_RATE = 0.004  # per delinquent month; five times as high on products above 24 %
_DISPUTE_RESOLVED_SHARE = 0.6
_SUIT_RATE = 0.04  # per month in M7+ (180+ days), once per loan, principal >= 5,000 yuan
_SUIT_MIN_PRINCIPAL_FEN = 500_000
# Per month in M6+: the borrower becomes unreachable (失联) and the lender records no more
# demands or other events, until the borrower pays again. With no demand to interrupt it, the
# limitation period (诉讼时效) of such a loan runs out three years after its last event.
_UNREACHABLE_RATE = 0.3

# --- borrowers ----------------------------------------------------------------------------------

_STREET_POOL = 5_000
_BORROWERS_PER_LOAN = 0.85  # the rest are repeat borrowers
_MALE_SHARE = 0.55
_MOBILE_PREFIXES = (
    *range(130, 140),
    *(150, 151, 152, 153, 155, 156, 157, 158, 159, 166),
    *(170, 171, 173, 175, 176, 177, 178),
    *range(180, 190),
    *(191, 193, 195, 196, 197, 198, 199),
)
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_MIN_AGE_DAYS = 20 * 366  # at the first loan: at least 20 years
_MAX_AGE_DAYS = 57 * 365  # at the first loan; loans span 3 years, so at most 60 at any loan

# --- schemas ------------------------------------------------------------------------------------

LOANS_SCHEMA = pa.schema(
    [
        ("loan_id", pa.string()),
        ("borrower_id", pa.string()),
        ("product_id", pa.string()),
        ("principal", MONEY),
        ("disbursed_on", pa.date32()),
        ("term_months", pa.int32()),
        ("method", pa.string()),
        ("rate", pa.string()),
        ("rate_unit", pa.string()),
        ("day_count", pa.string()),
        ("penalty_markup", pa.string()),
        ("compound", pa.bool_()),
        ("upfront_fee", MONEY),
        ("upfront_fee_deducted", pa.bool_()),
        ("service_fee", MONEY),
        ("late_fee_rate", pa.string()),
        ("late_fee_min", MONEY),
        ("allocation_order", pa.string()),
        ("allocation_by", pa.string()),
        ("lender_type", pa.string()),
        ("signed_on", pa.date32()),
    ]
)
PAYMENTS_SCHEMA = pa.schema(
    [
        ("payment_id", pa.string()),
        ("loan_id", pa.string()),
        ("paid_on", pa.date32()),
        ("amount", MONEY),
    ]
)
EVENTS_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("loan_id", pa.string()),
        ("on", pa.date32()),
        ("kind", pa.string()),
        ("until", pa.date32()),
        ("note", pa.string()),
    ]
)
BORROWERS_SCHEMA = pa.schema(
    [
        ("borrower_id", pa.string()),
        ("name", pa.string()),
        ("id_number", pa.string()),
        ("phone", pa.string()),
        ("address", pa.string()),
        ("county_code", pa.string()),
        ("gender", pa.string()),
        ("birth_date", pa.date32()),
    ]
)
_SCHEMAS = {
    "loans": LOANS_SCHEMA,
    "payments": PAYMENTS_SCHEMA,
    "events": EVENTS_SCHEMA,
    "borrowers": BORROWERS_SCHEMA,
}


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What :func:`synthesize` wrote: rows per table, the files, and the wall time."""

    out_dir: Path
    loans: int
    payments: int
    events: int
    borrowers: int
    files: tuple[Path, ...]
    seconds: float
    workers: int

    @property
    def counts(self) -> dict[str, int]:
        return {
            "loans": self.loans,
            "payments": self.payments,
            "events": self.events,
            "borrowers": self.borrowers,
        }


# --- shared context (built once in the parent, sent to the workers) ------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    as_of: int  # days since 1970-01-01
    seed: int
    n_chunks: int
    # products, one entry per product
    weight_cdf: F64
    term: I64
    count: I64  # installments: the term, or 1 for a bullet loan
    bullet: B
    rate_bp: I64  # annual rate in 0.0001
    basis: I64
    penalty_factor: F64  # 1 + markup
    late_rate: F64
    late_min_fen: I64
    upfront_bp: I64
    service_bp: I64
    miss_rate: F64
    above_24: B
    pmin_idx: I64
    pmax_idx: I64
    log_median: F64
    products: Any  # pa.Table: the product-level loan columns, one row per product
    # principal grid (yuan); installment amounts and their running sums per (product, grid point)
    grid: I64
    amount: I64  # (products x grid, 36) fen
    cum: I64  # (products x grid, 37) fen, cum[:, 0] = 0
    # calendar: first day and length of month m (months since 1970-01)
    month_start: I64
    month_len: I64
    # counties
    county_codes: list[str]
    county_addresses: list[str]
    county_code_digits: I64
    county_cdf: F64
    # Faker pools
    surnames: list[str]
    surname_cdf: F64
    male_given: list[str]
    female_given: list[str]
    streets: list[str]


def _principal_grid() -> I64:
    """Whole hundreds below 10,000 yuan, 500s to 50,000, thousands to 200,000."""
    return np.concatenate(
        [
            np.arange(1_000, 10_000, 100),
            np.arange(10_000, 50_000, 500),
            np.arange(50_000, 200_001, 1_000),
        ]
    ).astype(np.int64)


def _annuity_fen(principal_fen: int, rate_bp: int, n: int) -> int:
    """The level payment of :func:`overdue.ledger.schedule.build_schedule`, in integer fen.

    Monthly rate r = rate_bp / 120000; level = P r g / (g - 1) with g = (1 + r)^n, rounded
    half-up: with a = 120000 + rate_bp and b = 120000 this is P rate_bp a^n / (b (a^n - b^n)).
    """
    if rate_bp == 0:
        return (2 * principal_fen + n) // (2 * n)
    a_n: int = (120_000 + rate_bp) ** n
    b_n: int = 120_000**n
    num = principal_fen * rate_bp * a_n
    den = 120_000 * (a_n - b_n)
    return (2 * num + den) // (2 * den)


def _installments(
    method: RepaymentMethod, n: int, rate_bp: int, principal: I64, service: I64
) -> I64:
    """Installment amounts (principal + interest + service fee) in fen, one row per principal,
    36 columns; exactly :func:`overdue.ledger.schedule.build_schedule` (monthly interest =
    remaining principal x annual rate / 12, half-up to the fen; the last installment takes the
    remainder; equal-principal parts rounded down)."""
    rows = len(principal)
    out = np.zeros((rows, MAX_TERM), dtype=np.int64)

    def interest_on(base: I64, months: int = 1) -> I64:
        return (2 * base * rate_bp * months + 120_000) // 240_000

    if method is RepaymentMethod.BULLET:
        out[:, 0] = principal + interest_on(principal, n) + service
        return out
    level = np.array([_annuity_fen(int(p), rate_bp, n) for p in principal], dtype=np.int64)
    remaining = principal.copy()
    for i in range(1, n + 1):
        if method is RepaymentMethod.INTEREST_ONLY:
            interest = interest_on(principal)
            part = remaining if i == n else np.zeros(rows, dtype=np.int64)
        else:
            interest = interest_on(remaining)
            if i == n:
                part = remaining
            elif method is RepaymentMethod.EQUAL_INSTALLMENT:
                part = np.minimum(level - interest, remaining)
            else:  # equal principal, rounded down so that the last part is never the smallest
                part = principal // n
        out[:, i - 1] = part + interest + service
        remaining = remaining - part
    return out


def _counties() -> tuple[list[str], list[str], F64]:
    """County-level divisions with a basic court, their address prefixes and sampling weights.

    Taken from the court table (current divisions only, so addresses use today's names);
    districts weigh 3, county-level cities 2, counties and banners 1: borrowers are mostly urban.
    """
    codes = sorted(
        {
            court.adcode
            for court in courts().values()
            if court.adcode
            and court.tier is CourtLevel.BASIC
            and not court.historical
            and court_for_adcode(court.adcode) is not None
        }
    )
    kept: list[str] = []
    addresses: list[str] = []
    weights: list[float] = []
    for code in codes:
        county = division_name(code)
        province = division_name(code[:2] + "0000")
        if county is None or province is None:
            continue
        city = division_name(code[:4] + "00") or ""
        parts = [province]
        if city and city != province:
            parts.append(city)
        parts.append(county)
        kept.append(code)
        addresses.append("".join(parts))
        weights.append(3.0 if county.endswith("区") else 2.0 if county.endswith("市") else 1.0)
    w = np.asarray(weights)
    return kept, addresses, np.cumsum(w) / w.sum()


def _faker_names() -> tuple[list[str], F64, list[str], list[str]]:
    """Faker zh_CN's surnames with their frequencies and its given names by gender.

    Drawn with numpy rather than with ``fake.name()``: the same distribution, a hundred times
    faster, and zh_CN's ``name_male()`` would ignore the gender anyway.
    """
    from faker.providers.person.zh_CN import Provider

    surnames = list(Provider.last_names)
    weights = np.array([float(Provider.last_names[s]) for s in surnames])
    return (
        surnames,
        np.cumsum(weights) / weights.sum(),
        list(Provider.first_names_male),
        list(Provider.first_names_female),
    )


def _faker_streets(seed: int) -> list[str]:
    from faker import Faker  # slow to import; only needed here

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    return [
        f"{fake.street_name()}{fake.random_int(1, 399)}号"
        f"{fake.random_int(1, 30)}栋{fake.random_int(1, 28)}{fake.random_int(1, 4):02d}室"
        for _ in range(_STREET_POOL)
    ]


def _share_bp(text: str) -> int:
    value = Decimal(text) * 10_000
    if value != value.to_integral_value():
        raise ValueError(f"fee share {text} is not in 0.0001")
    return int(value)


def _products_table() -> Any:
    order = ",".join(c.value for c in DEFAULT_ORDER)
    return pa.table(
        {
            "product_id": [p.product_id for p in PRODUCTS],
            "method": [p.method.value for p in PRODUCTS],
            "rate": [p.rate for p in PRODUCTS],
            "rate_unit": [p.rate_unit.value for p in PRODUCTS],
            "day_count": [p.day_count.value for p in PRODUCTS],
            "penalty_markup": [p.penalty_markup for p in PRODUCTS],
            "compound": [p.compound for p in PRODUCTS],
            "upfront_fee_deducted": [p.upfront_fee_deducted for p in PRODUCTS],
            "late_fee_rate": [p.late_fee_rate for p in PRODUCTS],
            "late_fee_min": _money(np.array([p.late_fee_min * 100 for p in PRODUCTS])),
            "allocation_order": [order for _ in PRODUCTS],
            "allocation_by": [p.allocation_by.value for p in PRODUCTS],
            "lender_type": [p.lender_type.value for p in PRODUCTS],
        }
    )


def _build_context(n_loans: int, seed: int, as_of: dt.date, chunk_loans: int) -> _Context:
    grid = _principal_grid()
    table = np.zeros((len(PRODUCTS), len(grid), MAX_TERM), dtype=np.int64)
    for p, prod in enumerate(PRODUCTS):
        service = grid * _share_bp(prod.service_fee_share) // 100  # fen: yuan x bp / 100
        table[p] = _installments(
            prod.method, prod.term_months, prod.annual_rate_bp, grid * 100, service
        )
    amount = table.reshape(len(PRODUCTS) * len(grid), MAX_TERM)
    cum = np.zeros((len(amount), MAX_TERM + 1), dtype=np.int64)
    np.cumsum(amount, axis=1, out=cum[:, 1:])

    months = np.arange(0, 12 * 300 + 1).astype("datetime64[M]")
    month_start = months.astype("datetime64[D]").astype(np.int64)

    codes, addresses, county_cdf = _counties()
    surnames, surname_cdf, male_given, female_given = _faker_names()
    weights = np.array([p.weight for p in PRODUCTS], dtype=np.float64)
    bullet = np.array([p.method is RepaymentMethod.BULLET for p in PRODUCTS])
    term = np.array([p.term_months for p in PRODUCTS], dtype=np.int64)
    return _Context(
        as_of=(as_of - EPOCH).days,
        seed=seed,
        n_chunks=-(-n_loans // chunk_loans),
        weight_cdf=np.cumsum(weights) / weights.sum(),
        term=term,
        count=np.where(bullet, 1, term),
        bullet=bullet,
        rate_bp=np.array([p.annual_rate_bp for p in PRODUCTS], dtype=np.int64),
        basis=np.array([p.day_count.basis for p in PRODUCTS], dtype=np.int64),
        penalty_factor=np.array([1 + float(p.penalty_markup) for p in PRODUCTS]),
        late_rate=np.array([float(p.late_fee_rate) for p in PRODUCTS]),
        late_min_fen=np.array([p.late_fee_min * 100 for p in PRODUCTS], dtype=np.int64),
        upfront_bp=np.array([_share_bp(p.upfront_fee_share) for p in PRODUCTS], dtype=np.int64),
        service_bp=np.array([_share_bp(p.service_fee_share) for p in PRODUCTS], dtype=np.int64),
        miss_rate=np.array([float(p.miss_rate) for p in PRODUCTS]),
        above_24=np.array(
            [p.annual_rate > Decimal("0.24") or p.service_fee_share != "0" for p in PRODUCTS]
        ),
        pmin_idx=np.searchsorted(grid, [p.principal_min for p in PRODUCTS]).astype(np.int64),
        pmax_idx=np.searchsorted(grid, [p.principal_max for p in PRODUCTS]).astype(np.int64),
        log_median=np.log([float(p.principal_median) for p in PRODUCTS]),
        products=_products_table(),
        grid=grid,
        amount=amount,
        cum=cum,
        month_start=month_start[:-1],
        month_len=np.diff(month_start),
        county_codes=codes,
        county_addresses=addresses,
        county_code_digits=np.array([[int(ch) for ch in c] for c in codes], dtype=np.int64),
        county_cdf=county_cdf,
        surnames=surnames,
        surname_cdf=surname_cdf,
        male_given=male_given,
        female_given=female_given,
        streets=_faker_streets(seed),
    )


# --- column builders ----------------------------------------------------------------------------


def _digits(values: I64, width: int) -> U8:
    """Decimal digits of non-negative ``values`` as ASCII, zero-padded: shape (n, width)."""
    v = values.astype(np.int64, copy=True)
    out = np.empty((len(v), width), dtype=np.uint8)
    for j in range(width - 1, -1, -1):
        out[:, j] = v % 10 + 48
        v //= 10
    return out


def _const(text: str, n: int) -> U8:
    raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.broadcast_to(raw, (n, len(raw)))


def _ascii(parts: Sequence[U8]) -> Any:
    """A string column from fixed-width ASCII pieces (fast: one buffer, no Python objects)."""
    matrix = np.hstack(parts) if len(parts) > 1 else parts[0]
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(matrix.tobytes())]
    )


def _money(fen: I64) -> Any:
    """Integer fen as decimal128(18, 2): the 128-bit little-endian integer is the fen count."""
    words = np.empty((len(fen), 2), dtype=np.int64)
    words[:, 0] = fen
    words[:, 1] = fen >> 63
    return pa.Array.from_buffers(MONEY, len(fen), [None, pa.py_buffer(words)])


def _dates(days: I64, null: B | None = None) -> Any:
    return pa.array(days.astype(np.int32), type=pa.int32(), mask=null).view(pa.date32())


def _take(values: list[str], index: I64) -> Any:
    return pc.take(pa.array(values, type=pa.string()), pa.array(index.astype(np.int32)))


# --- dates --------------------------------------------------------------------------------------


def _anniversary(ctx: _Context, month: I64, dom: I64, k: I64 | int) -> I64:
    """``add_months(disbursed_on, k)``: same day of the month, or the month's last day.

    ``month`` is the disbursement month (months since 1970-01) and ``dom`` its 0-based day.
    """
    m = month + k
    day: I64 = ctx.month_start[m] + np.minimum(dom, ctx.month_len[m] - 1)
    return day


def _months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


# --- one chunk ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Rows:
    """Rows collected month by month: parallel lists of arrays."""

    columns: dict[str, list[I64]]

    @classmethod
    def of(cls, *names: str) -> _Rows:
        return cls({name: [] for name in names})

    def add(self, **arrays: I64) -> None:
        for name, arr in arrays.items():
            self.columns[name].append(arr)

    def get(self, name: str) -> I64:
        parts = self.columns[name]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class _Loans:
    """The loans of one chunk, one entry per loan."""

    prod: I64
    combo: I64  # row of ctx.amount / ctx.cum: product x principal grid point
    principal: I64  # fen
    disbursed: I64  # days since 1970-01-01
    month: I64  # disbursement month, months since 1970-01
    dom: I64  # 0-based day of the disbursement month
    count: I64  # installments
    bullet: B
    first_cycle: I64  # anniversary on which installment 1 falls due (the term, for a bullet)
    miss: F64  # monthly probability of missing an installment when current


def _uniform_int(u: F64, low: I64 | int, high: I64 | int) -> I64:
    """An integer from ``low`` to ``high`` inclusive, from a uniform draw ``u`` in [0, 1)."""
    lo = np.asarray(low, dtype=np.int64)
    span = np.maximum(np.asarray(high, dtype=np.int64) - lo + 1, 1)
    out: I64 = lo + (u * span).astype(np.int64)
    return out


def _fee_estimate(
    ctx: _Context, loans: _Loans, rows: I64, oldest: I64, paid_on: I64, last_paid: I64
) -> I64:
    """Late fees and penalty interest accrued from the last payment to ``paid_on``, in fen.

    An upper estimate of what the ledger charges: penalty at the penalty rate on the whole
    overdue installment (not only its principal, so also covering compound interest), and a
    late fee on the whole installment for each one that fell due since the last payment.
    Summed from payment to payment this bounds the ledger's fees from above; what is paid
    above them is a credit the ledger applies to the next installments.
    """
    prod = loans.prod[rows]
    number = np.arange(1, MAX_TERM + 1)
    due = _anniversary(ctx, loans.month[rows, None], loans.dom[rows, None], number[None, :])
    bullet = loans.bullet[rows]
    due[:, 0] = np.where(
        bullet,
        _anniversary(ctx, loans.month[rows], loans.dom[rows], loans.first_cycle[rows]),
        due[:, 0],
    )
    amount = ctx.amount[loans.combo[rows]]
    overdue = (
        (number >= oldest[:, None]) & (number <= loans.count[rows, None]) & (due < paid_on[:, None])
    )
    days = np.maximum(paid_on[:, None] - np.maximum(due, last_paid[:, None]), 0)
    rate = ctx.rate_bp[prod] / 10_000 * ctx.penalty_factor[prod] / ctx.basis[prod]
    penalty = np.where(overdue, amount * days, 0).sum(axis=1) * rate
    late = np.maximum(ctx.late_min_fen[prod, None], np.ceil(amount * ctx.late_rate[prod, None]))
    fees = np.where(overdue & (due >= last_paid[:, None]), late, 0).sum(axis=1)
    estimate: I64 = np.ceil(penalty + fees).astype(np.int64) + _FEE_MARGIN_FEN
    return estimate


def _draw_loans(
    ctx: _Context, rng: np.random.Generator, size: int, n_borrowers: int
) -> tuple[_Loans, I64, I64, I64, I64]:
    """The loans of a chunk: (loans, borrower index, signed_on, upfront fee, service fee)."""
    prod = np.searchsorted(ctx.weight_cdf, rng.random(size), side="right")
    prod = np.minimum(prod, len(PRODUCTS) - 1).astype(np.int64)
    order = rng.permutation(size)
    borrower = np.empty(size, dtype=np.int64)
    borrower[order[:n_borrowers]] = np.arange(n_borrowers)
    borrower[order[n_borrowers:]] = rng.integers(0, n_borrowers, size - n_borrowers)

    as_of = dt.date.fromordinal(ctx.as_of + EPOCH.toordinal())
    first_day = (_months_before(as_of, HISTORY_MONTHS) - EPOCH).days
    span = ctx.as_of - first_day + 1
    # A growing portfolio: density rising linearly from 0.25 to 1.25 across the window.
    position = -0.25 + np.sqrt(0.0625 + 1.5 * rng.random(size))
    disbursed = first_day + np.minimum((position * span).astype(np.int64), span - 1)
    signed = disbursed - np.where(rng.random(size) < 0.2, rng.integers(1, 4, size), 0)

    log_p = ctx.log_median[prod] + 0.6 * rng.standard_normal(size)
    gidx = np.clip(np.searchsorted(ctx.grid, np.exp(log_p)), ctx.pmin_idx[prod], ctx.pmax_idx[prod])
    yuan = ctx.grid[gidx]
    month = disbursed.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    risk = rng.gamma(RISK_SHAPE, 1 / RISK_SHAPE, n_borrowers)[borrower]
    loans = _Loans(
        prod=prod,
        combo=prod * len(ctx.grid) + gidx,
        principal=yuan * 100,
        disbursed=disbursed,
        month=month,
        dom=disbursed - ctx.month_start[month],
        count=ctx.count[prod],
        bullet=ctx.bullet[prod],
        first_cycle=np.where(ctx.bullet[prod], ctx.term[prod], 1),
        miss=np.minimum(ctx.miss_rate[prod] * risk, 0.5),
    )
    upfront = yuan * ctx.upfront_bp[prod] // 100
    service = yuan * ctx.service_bp[prod] // 100
    return loans, borrower, signed, upfront, service


def _chunk(ctx: _Context, chunk: int, start: int, size: int, borrower_start: int) -> dict[str, Any]:
    """Generate the four tables of one chunk of loans (Arrow tables)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([ctx.seed, chunk])))
    n_borrowers = _borrower_count(size)
    loans, borrower, signed, upfront, service = _draw_loans(ctx, rng, size, n_borrowers)
    payments, events = _simulate(ctx, rng, loans)

    loan_ids = np.hstack([_const("L", size), _digits(start + np.arange(size) + 1, 9)])
    product = ctx.products.take(pa.array(loans.prod.astype(np.int32)))
    columns = {
        "loan_id": _ascii([loan_ids]),
        "borrower_id": _ascii([_const("B", size), _digits(borrower_start + borrower + 1, 9)]),
        "principal": _money(loans.principal),
        "disbursed_on": _dates(loans.disbursed),
        "term_months": pa.array(ctx.term[loans.prod].astype(np.int32)),
        "upfront_fee": _money(upfront),
        "service_fee": _money(service),
        "signed_on": _dates(signed),
    }
    loans_table = pa.Table.from_arrays(
        [columns[f.name] if f.name in columns else product[f.name] for f in LOANS_SCHEMA],
        schema=LOANS_SCHEMA,
    )

    # payments, sorted by loan then date, numbered per loan
    p_loan, p_day, p_amount = payments.get("loan"), payments.get("day"), payments.get("amount")
    order = np.lexsort((p_day, p_loan))
    p_loan, p_day, p_amount = p_loan[order], p_day[order], p_amount[order]
    p_ids = loan_ids[p_loan]
    payments_table = pa.Table.from_arrays(
        [
            _ascii([p_ids, _const("-P", len(p_loan)), _digits(_sequence(p_loan), 2)]),
            _ascii([p_ids]),
            _dates(p_day),
            _money(p_amount),
        ],
        schema=PAYMENTS_SCHEMA,
    )

    e_loan, e_day, e_kind = events.get("loan"), events.get("day"), events.get("kind")
    order = np.lexsort((e_kind, e_day, e_loan))
    e_loan, e_day, e_kind = e_loan[order], e_day[order], e_kind[order]
    e_until, e_note = events.get("until")[order], events.get("note")[order]
    e_ids = loan_ids[e_loan]
    events_table = pa.Table.from_arrays(
        [
            _ascii([e_ids, _const("-E", len(e_loan)), _digits(_sequence(e_loan), 3)]),
            _ascii([e_ids]),
            _dates(e_day),
            _take(list(_KINDS), e_kind),
            _dates(e_until, null=e_until < 0),
            _take(list(_NOTES), e_note),
        ],
        schema=EVENTS_SCHEMA,
    )

    borrowers_table = _borrowers(
        ctx, rng, chunk, borrower, loans.disbursed, borrower_start, n_borrowers
    )
    return {
        "loans": loans_table,
        "payments": payments_table,
        "events": events_table,
        "borrowers": borrowers_table,
    }


def _sequence(sorted_keys: I64) -> I64:
    """1, 2, 3, ... within each run of equal keys (the keys are sorted)."""
    n = len(sorted_keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.ones(n, dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    starts = np.flatnonzero(first)
    run_start = np.repeat(starts, np.diff(np.append(starts, n)))
    return np.arange(n, dtype=np.int64) - run_start + 1


def _transition_table() -> tuple[F64, F64, F64]:
    """Cumulative probabilities per bucket 0..6: cure, cure or better, cure or better or stay."""
    cure, better, stay = np.zeros(7), np.zeros(7), np.zeros(7)
    for j, (c, b, s) in DELINQUENT_MOVES.items():
        cure[j], better[j], stay[j] = c, c + b, c + b + s
    return cure, better, stay


def _simulate(ctx: _Context, rng: np.random.Generator, loans: _Loans) -> tuple[_Rows, _Rows]:
    """Month by month: who pays what and when, and the events of collection.

    Month k runs from the k-th anniversary of the disbursement to the day before the next one,
    where the bucket is taken. A current borrower with an installment due in the month pays it
    (on time, or late within the month), settles early, or misses it (perhaps paying part); a
    delinquent one cures, improves, stays or rolls (:data:`DELINQUENT_MOVES`). ``oldest`` is
    the oldest installment not fully paid, ``paid`` everything paid so far; payments are
    applied to the scheduled amounts in order, so ``oldest`` follows from ``paid``.
    """
    as_of = ctx.as_of
    size = len(loans.prod)
    oldest = np.ones(size, dtype=np.int64)
    paid = np.zeros(size, dtype=np.int64)
    bucket = np.zeros(size, dtype=np.int64)  # at the last month end
    last_paid = loans.disbursed.copy()
    fees = np.zeros(size, dtype=np.int64)  # late fees and penalty accrued up to last_paid
    sued = np.zeros(size, dtype=bool)
    lost = np.zeros(size, dtype=bool)  # unreachable: no more events until a payment
    payments = _Rows.of("loan", "day", "amount")
    events = _Rows.of("loan", "day", "kind", "until", "note")
    cure_p, better_p, stay_p = _transition_table()

    alive = np.arange(size, dtype=np.int64)
    for k in range(1, HISTORY_MONTHS + 4):
        month, dom = loans.month[alive], loans.dom[alive]
        a_k = _anniversary(ctx, month, dom, k)
        started = a_k - 6 <= as_of  # on-time payers pay up to 5 days early
        alive, month, dom, a_k = alive[started], month[started], dom[started], a_k[started]
        m = len(alive)
        if m == 0:
            break
        idx = alive
        o = oldest[idx]
        b = bucket[idx]
        n_inst = loans.count[idx]
        bul = loans.bullet[idx]
        combo = loans.combo[idx]
        s_k = _anniversary(ctx, month, dom, k + 1) - 1
        cycle_o = np.where(bul, loans.first_cycle[idx], o)
        due_o = _anniversary(ctx, month, dom, cycle_o)
        paid_i = paid[idx]
        u, v, w, x, y = rng.random((5, m))

        # --- decisions: the oldest unpaid installment to reach, the day, fees, partial
        current = b == 0
        due_now = current & (cycle_o <= k)
        r0 = loans.miss[idx]
        missed = due_now & (u < r0)
        settle_now = due_now & (u >= r0) & (u < r0 + EARLY_SETTLEMENT) & (n_inst - o >= 1)
        late = due_now & (u >= r0 + EARLY_SETTLEMENT) & (u < r0 + EARLY_SETTLEMENT + LATE_IN_MONTH)
        on_time = due_now & ~missed & ~settle_now & ~late
        settle_idle = current & (cycle_o > k) & (u < EARLY_SETTLEMENT / 2)
        delinquent = b >= 1

        j = np.minimum(b, 6)
        goal = np.where(
            u < cure_p[j], 0, np.where(u < better_p[j], b - 1, np.where(u < stay_p[j], b, b + 1))
        )
        goal_o = np.where(goal == 0, np.minimum(k, n_inst) + 1, k - goal + 1)
        goal_o = np.where(bul, np.where(goal == 0, 2, 1), goal_o)

        target = np.select(
            [settle_now | settle_idle, late | on_time, delinquent],
            [n_inst + 1, o + 1, np.clip(goal_o, o, n_inst + 1)],
            o,
        )
        early_days = np.where(v < 0.6, 0, 1 + ((v - 0.6) * 12.5).astype(np.int64))
        day = np.select(
            [missed, settle_now, settle_idle, late, on_time, delinquent],
            [
                _uniform_int(w, due_o - 3, s_k),
                np.maximum(due_o - 1 - (w * 20).astype(np.int64), loans.disbursed[idx] + 1),
                _uniform_int(w, a_k, s_k),
                np.minimum(due_o + 1 + (w * 15).astype(np.int64), s_k),
                due_o - early_days,
                _uniform_int(w, a_k, s_k),
            ],
            0,
        )
        partial = (missed | (delinquent & (target == o))) & (v < PARTIAL_SHARE)

        # --- amounts. ``fees`` estimates the late fees and penalty interest accrued so far;
        # the ledger takes them before the installments (民法典 Art. 561), so a payment that
        # is to clear installments up to ``target`` covers them too.
        fees_i = fees[idx]
        accrues = np.flatnonzero(((target > o) | partial) & (due_o < day))
        if len(accrues):
            rows = idx[accrues]
            fees_i[accrues] += _fee_estimate(
                ctx, loans, rows, o[accrues], day[accrues], last_paid[rows]
            )
        need = ctx.cum[combo, np.minimum(target, n_inst + 1) - 1] + fees_i - paid_i
        pay = np.where(target > o, np.maximum(need, 0), 0)
        # Never pay the target installment itself in full: the bucket is the one chosen.
        cap = ctx.cum[combo, np.minimum(target, MAX_TERM)] - paid_i - 1
        pay = np.where(target <= n_inst, np.minimum(pay, cap), pay)
        left_o = ctx.cum[combo, np.minimum(o, MAX_TERM)] - paid_i  # of the oldest installment
        part = ((left_o + fees_i) * (0.1 + 0.6 * x) // 100).astype(np.int64) * 100  # whole yuan
        pay = np.where(partial & (part >= 100) & (part < left_o), part, pay)

        pays = pay > 0
        beyond = pays & (day > as_of)  # the history ends at the as-of date
        ok = ~beyond
        book = pays & ok
        payments.add(loan=idx[book], day=day[book], amount=pay[book])
        paid[idx] = paid_i + np.where(book, pay, 0)
        new_o = np.where(ok, target, o)
        oldest[idx] = new_o
        last_paid[idx] = np.where(book, day, last_paid[idx])
        fees[idx] = np.where(book, fees_i, fees[idx])
        cycle_new = np.where(bul, loans.first_cycle[idx], new_o)
        new_b = np.where(new_o <= n_inst, np.maximum(k - cycle_new + 1, 0), 0)
        bucket[idx] = new_b

        lost[idx] = (lost[idx] | ((b >= 6) & (y < _UNREACHABLE_RATE))) & ~book
        reached = ok & ~lost[idx]
        _collection_events(
            ctx, rng, events, loans, idx, a_k, due_o, day, b, new_b, reached, book, sued
        )
        alive = idx[ok & (new_o <= n_inst)]
    return payments, events


def _collection_events(
    ctx: _Context,
    rng: np.random.Generator,
    events: _Rows,
    loans: _Loans,
    idx: I64,
    a_k: I64,
    due_o: I64,
    paid_on: I64,
    b: I64,
    new_b: I64,
    ok: B,
    book: B,
    sued: B,
) -> None:
    """Demands every month a loan is delinquent; acknowledgements, promises, plans, pauses,
    disputes and suits now and then; none for a month that is not ``ok`` (beyond the as-of
    date, or the borrower unreachable)."""
    m = len(idx)
    e = rng.random((7, m))
    delinquent = b >= 1
    act = ok & (delinquent | (new_b >= 1))
    demand_day = np.where(delinquent, a_k, due_o + 1) + (e[0] * 5).astype(np.int64)
    demand_note = np.where(
        b <= 1,
        np.where(e[1] < 0.5, 0, 1),
        np.where(b <= 3, np.where(e[1] < 0.5, 1, 2), np.where(e[1] < 0.5, 2, 3)),
    )
    as_of = ctx.as_of
    _event(events, idx, act, demand_day, _DEMAND, None, demand_note, as_of)
    ack = act & delinquent & book & (e[2] < _ACK_RATE)
    _event(events, idx, ack, paid_on, _ACK, None, 4, as_of)
    promise = act & (e[2] >= 1 - _PROMISE_RATE)
    promise_day = demand_day + (e[3] * 4).astype(np.int64)
    promise_until = promise_day + 7 + (e[4] * 9).astype(np.int64)
    _event(events, idx, promise, promise_day, _PROMISE, promise_until, 8, as_of)
    plan = act & (b >= 2) & (b <= 5) & (e[5] < _PLAN_RATE)
    plan_day = a_k + 5 + (e[3] * 16).astype(np.int64)
    plan_until = plan_day + 90 + (e[4] * 91).astype(np.int64)
    _event(events, idx, plan, plan_day, _PLAN, plan_until, 9, as_of)
    low = _PLAN_RATE
    pause = act & delinquent & (e[5] >= low) & (e[5] < low + _PAUSE_RATE)
    pause_day = a_k + 1 + (e[3] * 20).astype(np.int64)
    pause_until = pause_day + 30 + (e[4] * 61).astype(np.int64)
    _event(events, idx, pause, pause_day, _PAUSE, pause_until, 10, as_of)
    _event(events, idx, pause & (e[1] < _RESUME_SHARE), pause_until, _RESUME, None, 11, as_of)
    low += _PAUSE_RATE
    rate = np.where(ctx.above_24[loans.prod[idx]], 5 * _DISPUTE_RATE, _DISPUTE_RATE)
    dispute = act & delinquent & (e[5] >= low) & (e[5] < low + rate)
    dispute_day = a_k + 1 + (e[4] * 25).astype(np.int64)
    _event(events, idx, dispute, dispute_day, _DISPUTE, None, 6, as_of)
    resolved = dispute & (e[2] < _DISPUTE_RESOLVED_SHARE)
    resolved_day = dispute_day + 15 + (e[3] * 46).astype(np.int64)
    _event(events, idx, resolved, resolved_day, _RESOLVED, None, 7, as_of)
    suit_day = a_k + 1 + (e[4] * 25).astype(np.int64)
    suit = (
        act
        & (b >= 7)
        & ~sued[idx]
        & (loans.principal[idx] >= _SUIT_MIN_PRINCIPAL_FEN)
        & (e[6] < _SUIT_RATE)
        & (suit_day <= as_of)
    )
    sued[idx[suit]] = True
    _event(events, idx, suit, suit_day, _SUIT, None, 5, as_of)


def _event(
    events: _Rows,
    idx: I64,
    mask: B,
    day: I64,
    kind: int,
    until: I64 | None,
    note: I64 | int,
    as_of: int,
) -> None:
    keep = mask & (day <= as_of)
    n = int(keep.sum())
    if n == 0:
        return
    events.add(
        loan=idx[keep],
        day=day[keep],
        kind=np.full(n, kind, dtype=np.int64),
        until=until[keep] if until is not None else np.full(n, -1, dtype=np.int64),
        note=note[keep] if isinstance(note, np.ndarray) else np.full(n, note, dtype=np.int64),
    )


# --- borrowers ----------------------------------------------------------------------------------


def _borrower_count(loans: int) -> int:
    return max(1, math.ceil(loans * _BORROWERS_PER_LOAN))


def _borrowers(
    ctx: _Context,
    rng: np.random.Generator,
    chunk: int,
    borrower: I64,
    disbursed: I64,
    borrower_start: int,
    n: int,
) -> Any:
    first_loan = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_loan, borrower, disbursed)
    male = rng.random(n) < _MALE_SHARE
    birth = first_loan - rng.integers(_MIN_AGE_DAYS, _MAX_AGE_DAYS + 1, n)
    county = np.searchsorted(ctx.county_cdf, rng.random(n), side="right")
    county = np.minimum(county, len(ctx.county_codes) - 1).astype(np.int64)

    # Sequence numbers (顺序码): odd for men, even for women. The pair index q is shared out
    # among chunks (q - 1 = c mod chunks), so ID numbers never repeat across chunks; within a
    # chunk a repeated (county, birth date, q) draws its county and q again.
    m = ctx.n_chunks
    per_chunk = (498 - chunk) // m + 1
    q = rng.integers(0, per_chunk, n)
    while True:
        key = (county * 100_000 + (birth - birth.min())) * 512 + q
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        if (counts == 1).all():
            break
        repeated = np.ones(n, dtype=bool)
        repeated[first] = False
        redraw = np.flatnonzero(repeated)
        q[redraw] = rng.integers(0, per_chunk, len(redraw))
        again = np.searchsorted(ctx.county_cdf, rng.random(len(redraw)), side="right")
        county[redraw] = np.minimum(again, len(ctx.county_codes) - 1)
    q = q * m + chunk + 1
    seq = np.where(male, 2 * q - 1, 2 * q)

    birth_dates = birth.astype("datetime64[D]")
    years = birth_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth_dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth_dates - birth_dates.astype("datetime64[M]")).astype(np.int64) + 1
    body = np.hstack(
        [
            ctx.county_code_digits[county],
            _digits(years, 4) - 48,
            _digits(months, 2) - 48,
            _digits(days, 2) - 48,
            _digits(seq, 3) - 48,
        ]
    ).astype(np.int64)
    check = _ID_CHECK[(body @ _ID_WEIGHTS) % 11]
    id_number = np.hstack([(body + 48).astype(np.uint8), check[:, None]])

    prefixes = _digits(np.array(_MOBILE_PREFIXES, dtype=np.int64), 3)
    phone = np.hstack(
        [
            prefixes[rng.integers(0, len(prefixes), n)],
            _digits(rng.integers(0, 100_000_000, n), 8),
        ]
    )
    surname = np.searchsorted(ctx.surname_cdf, rng.random(n), side="right")
    given = rng.random(n)
    names = pc.binary_join_element_wise(
        _take(ctx.surnames, np.minimum(surname, len(ctx.surnames) - 1)),
        pc.if_else(
            pa.array(male),
            _take(ctx.male_given, (given * len(ctx.male_given)).astype(np.int64)),
            _take(ctx.female_given, (given * len(ctx.female_given)).astype(np.int64)),
        ),
        "",
    )
    address = pc.binary_join_element_wise(
        _take(ctx.county_addresses, county),
        _take(ctx.streets, rng.integers(0, _STREET_POOL, n)),
        "",
    )
    numbers = borrower_start + np.arange(n, dtype=np.int64) + 1
    return pa.Table.from_arrays(
        [
            _ascii([_const("B", n), _digits(numbers, 9)]),
            names,
            _ascii([id_number]),
            _ascii([phone]),
            address,
            _take(ctx.county_codes, county),
            _take(["female", "male"], male.astype(np.int64)),
            _dates(birth),
        ],
        schema=BORROWERS_SCHEMA,
    )


# --- driver -------------------------------------------------------------------------------------

_WORKER_CONTEXT: _Context | None = None
_NO_DICTIONARY = frozenset(
    {"loan_id", "borrower_id", "payment_id", "event_id", "id_number", "phone", "address", "name"}
)


def _init_worker(n_loans: int, seed: int, as_of: dt.date, chunk_loans: int) -> None:
    """Each worker builds the shared context itself (deterministic, and cheaper than sending it)."""
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = _build_context(n_loans, seed, as_of, chunk_loans)


def _part_path(out_dir: Path, table: str, chunk: int) -> Path:
    return out_dir / table / f"part-{chunk:05d}.parquet"


def _write_chunk(
    ctx: _Context, out_dir: Path, chunk: int, start: int, size: int, borrower_start: int
) -> dict[str, int]:
    tables = _chunk(ctx, chunk, start, size, borrower_start)
    counts = {}
    for name, table in tables.items():
        pq.write_table(
            table,
            _part_path(out_dir, name, chunk),
            compression="zstd",
            compression_level=1,
            # Identifiers, names and addresses are (nearly) unique: a dictionary only costs.
            use_dictionary=[c for c in table.column_names if c not in _NO_DICTIONARY],
            row_group_size=1 << 20,
        )
        counts[name] = table.num_rows
    return counts


def _run_in_worker(
    out_dir: Path, chunk: int, start: int, size: int, borrower_start: int
) -> tuple[int, dict[str, int]]:
    assert _WORKER_CONTEXT is not None, "worker not initialised"
    return chunk, _write_chunk(_WORKER_CONTEXT, out_dir, chunk, start, size, borrower_start)


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("--out", f"{out_dir} is a file, not a directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError("--out", f"cannot make {out_dir}: {exc.strerror}") from None
    for name in TABLES:
        for suffix in (".parquet", ".csv"):
            if (out_dir / f"{name}{suffix}").exists():
                raise InputError(
                    "--out",
                    f"{out_dir / (name + suffix)} exists: the synthetic {name} table is a "
                    f"directory {name}/ of part files; remove the file or choose another --out",
                )
        table_dir = out_dir / name
        table_dir.mkdir(exist_ok=True)
        for stale in table_dir.glob("part-*.parquet"):
            stale.unlink()


def check_arguments(n_loans: int, seed: int, as_of: dt.date) -> None:
    """Raise :class:`InputError` (a ValueError), named after the command-line option, for a
    number of loans, seed or as-of date :func:`synthesize` cannot use."""
    if isinstance(n_loans, bool) or not isinstance(n_loans, int) or not 1 <= n_loans <= MAX_LOANS:
        raise InputError("--loans", f"must be an integer from 1 to {MAX_LOANS:,}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError("--seed", "must be a non-negative integer")
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise InputError("--as-of", "must be a date")
    if as_of < dt.date(2003, 1, 1):
        raise InputError(
            "--as-of", "must be a date from 2003-01-01 (disbursements start 3 years earlier)"
        )


def synthesize(
    n_loans: int,
    out_dir: Path,
    *,
    seed: int,
    as_of: dt.date,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int | None = None,
    chunk_loans: int = CHUNK_LOANS,
) -> SynthSummary:
    """Write a synthetic portfolio of ``n_loans`` loans to ``out_dir``.

    Tables ``loans/``, ``payments/``, ``events/`` and ``borrowers/``, each a directory of Parquet
    part files (``part-00000.parquet``, ... one per chunk of ``chunk_loans`` loans), following
    ``docs/portfolio-schema.md``; stale part files in those directories are removed first.
    Disbursements fall in the 60 months up to ``as_of``; no payment or event is after it.

    ``progress(stage, done, total)`` is called as ``("synth", loans_written, n_loans)`` at the
    start and after each chunk. ``workers`` (default: the number of CPUs, at most one per chunk)
    does not change the output; ``chunk_loans`` does, and is there for tests.
    """
    started = time.perf_counter()
    check_arguments(n_loans, seed, as_of)
    if chunk_loans < 1 or -(-n_loans // chunk_loans) > 499:
        raise ValueError("chunk_loans must be positive and give at most 499 chunks")
    out_dir = Path(out_dir)
    _prepare_out_dir(out_dir)
    jobs = []
    borrower_start = 0
    for chunk, start in enumerate(range(0, n_loans, chunk_loans)):
        size = min(chunk_loans, n_loans - start)
        jobs.append((chunk, start, size, borrower_start))
        borrower_start += _borrower_count(size)
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))

    totals = dict.fromkeys(TABLES, 0)
    done = 0

    def finished(size: int, counts: dict[str, int]) -> None:
        nonlocal done
        for name, rows in counts.items():
            totals[name] += rows
        done += size
        if progress is not None:
            progress("synth", done, n_loans)

    if progress is not None:
        progress("synth", 0, n_loans)
    if n_workers == 1:
        ctx = _build_context(n_loans, seed, as_of, chunk_loans)
        for chunk, start, size, b_start in jobs:
            finished(size, _write_chunk(ctx, out_dir, chunk, start, size, b_start))
    else:
        # spawn, not fork: the parent may hold threads (Arrow's pools) that fork would copy.
        with ProcessPoolExecutor(
            max_workers=n_workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(n_loans, seed, as_of, chunk_loans),
        ) as pool:
            futures = {
                pool.submit(_run_in_worker, out_dir, chunk, start, size, b_start): size
                for chunk, start, size, b_start in jobs
            }
            for future in as_completed(futures):
                finished(futures[future], future.result()[1])

    files = tuple(_part_path(out_dir, name, chunk) for name in TABLES for chunk in range(len(jobs)))
    return SynthSummary(
        out_dir=out_dir,
        loans=totals["loans"],
        payments=totals["payments"],
        events=totals["events"],
        borrowers=totals["borrowers"],
        files=files,
        seconds=time.perf_counter() - started,
        workers=n_workers,
    )
