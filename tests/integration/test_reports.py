"""Portfolio reports over two nightly runs, built from a small portfolio written out by hand.

Fifty loans in groups: each group of ``n`` identical loans has its state at the two as-of dates
(2026-10-31 and 2026-11-30) in the table below, so every expected figure can be counted from it
with a pencil. The report reads real Parquet files through DuckDB; nothing is mocked.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overdue.errors import InputError
from overdue.ledger.engine import bucket_of
from overdue.money import round_ratio
from overdue.portfolio.reports import REPORT_TABLES, ReportSummary, build_report
from overdue.portfolio.state_columns import LOAN_STATE_SCHEMA

pytestmark = pytest.mark.integration

T0 = dt.date(2026, 10, 31)
T1 = dt.date(2026, 11, 30)

# One row per group of identical loans (ids A01..A08; a group of one is named by its letter).
# last_payment "-": never paid. The limitation date and last payment are the same in both runs.
LOANS = """
group  n  disbursed_on  principal  last_payment  limitation_expires_on  calendar_covered  story
A      8  2026-03-15    10000.00   2026-10-15    2029-12-31             no   current throughout
B      5  2026-03-15    10000.00   2026-10-15    2029-12-31             no   current, then M1
C      4  2026-01-20     5000.00   2026-10-15    2029-12-31             no   M1, cured
D      3  2026-01-20     5000.00   2026-10-15    2029-12-31             no   M1 to M2
E      2  2026-01-20     4000.00   2026-10-15    2029-12-31             no   M1, paid off
F      3  2026-01-20     6000.00   2026-09-01    2029-12-31             no   M2 to M3
G      2  2026-01-20     5000.00   2026-10-15    2029-12-31             no   M2, cured
H      3  2026-03-15    10000.00   2026-08-01    2029-12-31             no   M3 to M4
I      2  2025-05-20     4000.00   2026-06-01    2029-12-31             no   M4, then sold (absent)
J      3  2025-05-20     7000.00   2026-01-05    2029-12-31             no   M6+ throughout
K      2  2025-05-20     3000.00   2026-06-10    2029-12-31             no   M5 to M6+
L      3  2026-11-05     9000.00   -             2030-11-05             no   new in November
M      2  2025-05-20     2000.00   2025-01-01    2026-12-01             yes  settled before October
N1     1  2022-06-10     8000.00   2023-08-01    2026-11-20             yes  limitation expired
N2     1  2022-09-05     6000.00   2026-03-01    2026-12-10             yes  limitation in 10 days
N3     1  2023-01-15     6000.00   -             2027-01-29             no   limitation in 60 days
N4     1  2025-11-10     3000.00   2026-04-01    2027-03-01             no   limitation in 91 days
N5     1  2025-05-20     3000.00   2026-09-01    2026-11-30             yes  limitation ends on the as-of date
N6     1  2025-05-20     3000.00   2026-06-03    2029-06-01             no   dpd 180, 180 days unpaid
N7     1  2025-05-20     3000.00   2026-06-02    2029-06-01             no   dpd 181, 181 days unpaid
N8     1  2026-01-10    20000.00   -             2030-01-10             no   bullet loan, not yet due
"""

# dpd, outstanding principal, total due at each as-of date; "-" = no row in that run.
STATES = """
group  dpd_t0  outstanding_t0  due_t0    dpd_t1  outstanding_t1  due_t1
A      0       6000.00         0.00      0       5000.00         0.00
B      0       6000.00         0.00      15      6000.00         1010.10
C      20      2500.50         450.25    0       2000.40         0.00
D      25      3000.00         600.30    55      3000.00         1250.75
E      10      1500.00         300.00    0       0.00            0.00
F      45      4500.00         1200.00   75      4500.00         1800.00
G      40      3300.00         900.00    0       2800.00         0.00
H      80      3600.00         1500.00   110     3600.00         2100.00
I      100     3900.00         2000.00   -       -               -
J      200     7000.00         8000.00   230     7000.00         8200.00
K      140     2500.00         2200.00   170     2500.00         2500.00
L      -       -               -         0       9000.00         0.00
M      0       0.00            0.00      0       0.00            0.00
N1     370     8000.00         9500.00   400     8000.00         9600.00
N2     170     3000.00         3600.00   200     3000.00         3650.00
N3     220     4000.00         4800.00   250     4000.00         4900.00
N4     65      2000.00         500.00    95      2000.00         700.00
N5     140     1500.00         1400.00   170     1500.00         1600.00
N6     150     1800.00         1500.00   180     1800.00         1700.00
N7     151     1900.00         1600.00   181     1900.00         1800.00
N8     0       20000.00        0.00      0       20000.00        0.00
"""


def _rows(text: str) -> list[dict[str, str]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header = lines[0]
    return [dict(zip(header, line[: len(header)], strict=True)) for line in lines[1:]]


def _loan_ids(group: str, n: int) -> list[str]:
    return [group] if n == 1 else [f"{group}{i:02d}" for i in range(1, n + 1)]


def _state_row(
    loan: dict[str, str], loan_id: str, as_of: dt.date, state: dict[str, str]
) -> dict[str, Any]:
    """A full loan_state row; fields the report does not read get plain defaults."""
    expires = dt.date.fromisoformat(loan["limitation_expires_on"])
    paid = None if loan["last_payment"] == "-" else dt.date.fromisoformat(loan["last_payment"])
    dpd = int(state["dpd"])
    zero = Decimal("0.00")
    row: dict[str, Any] = dict.fromkeys(LOAN_STATE_SCHEMA.names)
    row.update(
        loan_id=loan_id, as_of=as_of, borrower_id=f"B-{loan_id}", product_id="P1",
        disbursed_on=dt.date.fromisoformat(loan["disbursed_on"]), term_months=12,
        method="bullet" if loan["group"] == "N8" else "equal-installment", lender_type="licensed",
        principal=Decimal(loan["principal"]), dpd=dpd, bucket=bucket_of(dpd),
        outstanding_principal=Decimal(state["outstanding"]), total_due=Decimal(state["due"]),
        claimable_total=Decimal(state["due"]), cap_profile="licensed-24",
        cap_rate=Decimal("0.24"), annual_rate=Decimal("0.18"),
        limitation_starts_on=expires.replace(year=expires.year - 3),
        limitation_expires_on=expires,
        limitation_calendar_covered=loan["calendar_covered"] == "yes",
        limitation_started_by="final-due-date" if paid is None else "payment",
        last_payment_date=paid, last_payment_amount=zero if paid is None else Decimal("100.00"),
    )  # fmt: skip
    for name in LOAN_STATE_SCHEMA.names:
        if row[name] is None and LOAN_STATE_SCHEMA.field(name).type == pa.decimal128(18, 2):
            row[name] = zero
    return row


def write_runs(root: Path) -> list[Path]:
    """Write the two runs of the tables above as run directories; return them newest first."""
    loans = {r["group"]: r for r in _rows(LOANS)}
    per_run: dict[dt.date, list[dict[str, Any]]] = {T0: [], T1: []}
    for s in _rows(STATES):
        loan = loans[s["group"]]
        for as_of, suffix in ((T0, "t0"), (T1, "t1")):
            if s[f"dpd_{suffix}"] == "-":
                continue
            state = {k: s[f"{k}_{suffix}"] for k in ("dpd", "outstanding", "due")}
            for loan_id in _loan_ids(loan["group"], int(loan["n"])):
                per_run[as_of].append(_state_row(loan, loan_id, as_of, state))
    dirs = []
    for as_of, rows in per_run.items():
        run_dir = root / f"run-{as_of}"
        run_dir.mkdir(parents=True)
        table = pa.Table.from_pylist(rows, schema=LOAN_STATE_SCHEMA)
        pq.write_table(table, run_dir / "loan_state.parquet")
        manifest = {"as_of": as_of.isoformat(), "loans": len(rows)}
        (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        dirs.append(run_dir)
    return dirs[::-1]  # the report sorts runs by as-of date itself


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportSummary:
    root = tmp_path_factory.mktemp("report")
    return build_report(write_runs(root / "runs"), root / "out")


def table(summary: ReportSummary, name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(summary.table(name).parquet).to_pylist()
    return rows


def expected(text: str) -> list[dict[str, str]]:
    return _rows(text)


def as_text(value: object) -> str:
    """How a value of a report table reads in its CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def test_bucket_distribution_counts_active_loans_and_sums_balances_per_run(
    report: ReportSummary,
) -> None:
    # Settled loans (M at both dates, E at t1) and absent ones (L at t0, I at t1) are not counted.
    rows = [
        {
            k: as_text(v)
            for k, v in r.items()
            if k in ("as_of", "bucket", "accounts", "outstanding_principal", "total_due")
        }
        for r in table(report, "bucket_distribution")
    ]
    assert rows == expected("""
        as_of       bucket  accounts  outstanding_principal  total_due
        2026-10-31  M0      14        98000.00               0.00
        2026-10-31  M1      9         22002.00               4201.90
        2026-10-31  M2      5         20100.00               5400.00
        2026-10-31  M3      4         12800.00               5000.00
        2026-10-31  M4      2         7800.00                4000.00
        2026-10-31  M5      4         8300.00                7300.00
        2026-10-31  M6+     7         37900.00               43500.00
        2026-11-30  M0      18        100601.60              0.00
        2026-11-30  M1      5         30000.00               5050.50
        2026-11-30  M2      3         9000.00                3752.25
        2026-11-30  M3      3         13500.00               5400.00
        2026-11-30  M4      4         12800.00               7000.00
        2026-11-30  M5      0         0.00                   0.00
        2026-11-30  M6+     11        46200.00               52850.00
    """)  # fmt: skip


def test_bucket_shares_are_exact_ratios_rounded_half_up_to_six_places(
    report: ReportSummary,
) -> None:
    rows = {(r["as_of"], r["bucket"]): r for r in table(report, "bucket_distribution")}
    m0 = rows[(T0, "M0")]
    assert m0["account_share"] == round_ratio(Fraction(14, 45)) == Decimal("0.311111")
    assert m0["balance_share"] == round_ratio(Fraction(98000, 206902)) == Decimal("0.473654")
    assert rows[(T1, "M6+")]["account_share"] == Decimal("0.250000")  # 11 of 44
    assert rows[(T1, "M0")]["balance_share"] == round_ratio(Fraction(10060160, 21210160))
    for as_of, active in ((T0, 45), (T1, 44)):
        assert sum(r["accounts"] for (d, _), r in rows.items() if d == as_of) == active
        assert sum(r["account_share"] for (d, _), r in rows.items() if d == as_of) == pytest.approx(
            1, abs=Decimal("0.000004")
        )  # seven shares, each within half a millionth


def test_runs_table_counts_loans_active_and_settled(report: ReportSummary) -> None:
    rows = [{k: as_text(v) for k, v in r.items()} for r in table(report, "runs")]
    assert rows == expected("""
        as_of       loans  active_loans  settled_loans  outstanding_principal  total_due
        2026-10-31  47     45            2              206902.00              69401.90
        2026-11-30  48     44            4              212101.60              74052.75
    """)  # fmt: skip


# Rows: bucket at 2026-10-31 (loans active then); columns: bucket at 2026-11-30.
ROLL_MATRIX = """
from  M0  M1  M2  M3  M4  M5  M6+  settled  absent
M0    9   5   0   0   0   0   0    0        0
M1    4   0   3   0   0   0   0    2        0
M2    2   0   0   3   0   0   0    0        0
M3    0   0   0   0   4   0   0    0        0
M4    0   0   0   0   0   0   0    0        2
M5    0   0   0   0   0   0   4    0        0
M6+   0   0   0   0   0   0   7    0        0
"""


def test_roll_rate_matrix_counts_each_transition_between_the_two_runs(
    report: ReportSummary,
) -> None:
    rows = table(report, "roll_rates")
    assert {(r["from_as_of"], r["to_as_of"]) for r in rows} == {(T0, T1)}
    got = {(r["from_bucket"], r["to_bucket"]): r["accounts"] for r in rows}
    want = {
        (line["from"], to): int(count)
        for line in expected(ROLL_MATRIX)
        for to, count in line.items()
        if to != "from"
    }
    assert got == want
    # Loans new at t1 (L) and settled at t0 (M) are in no row.
    assert sum(got.values()) == 45


def test_roll_rate_shares_are_of_the_t0_row_by_accounts_and_by_balance(
    report: ReportSummary,
) -> None:
    cells = {(r["from_bucket"], r["to_bucket"]): r for r in table(report, "roll_rates")}
    assert cells[("M0", "M0")]["account_share"] == Decimal("0.642857")  # 9 / 14
    assert cells[("M0", "M1")]["account_share"] == Decimal("0.357143")  # 5 / 14
    # M0 -> M0 is A (8 x 6,000.00) and N8 (20,000.00) of the row's 98,000.00.
    assert cells[("M0", "M0")]["outstanding_principal"] == Decimal("68000.00")
    assert cells[("M0", "M0")]["balance_share"] == round_ratio(Fraction(68000, 98000))
    assert cells[("M1", "settled")]["account_share"] == Decimal("0.222222")  # 2 / 9
    assert cells[("M1", "M0")]["outstanding_principal"] == Decimal("10002.00")  # 4 x 2,500.50
    assert cells[("M4", "absent")]["account_share"] == Decimal("1.000000")


def test_cure_rate_counts_delinquent_loans_back_at_dpd_zero_paid_off_or_not(
    report: ReportSummary,
) -> None:
    rows = [
        {k: as_text(v) for k, v in r.items() if k not in ("from_as_of", "to_as_of")}
        for r in table(report, "cure_rates")
    ]
    assert rows == expected("""
        bucket  delinquent_accounts  cured_current  cured_paid_off  cure_rate
        M1      9                    4              2               0.666667
        M2      5                    2              0               0.400000
        M3      4                    0              0               0.000000
        M4      2                    0              0               0.000000
        M5      4                    0              0               0.000000
        M6+     7                    0              0               0.000000
        M1+     31                   6              2               0.258065
    """)  # fmt: skip


def test_vintage_gives_one_point_per_origination_month_and_run(report: ReportSummary) -> None:
    rows = [{k: as_text(v) for k, v in r.items()} for r in table(report, "vintages")]
    assert rows == expected("""
        vintage  as_of       mob  loans  principal  m3plus_loans  m3plus_principal  m3plus_account_rate  m3plus_principal_rate
        2022-06  2026-10-31  52   1      8000.00    1             8000.00           1.000000             1.000000
        2022-06  2026-11-30  53   1      8000.00    1             8000.00           1.000000             1.000000
        2022-09  2026-10-31  49   1      6000.00    1             6000.00           1.000000             1.000000
        2022-09  2026-11-30  50   1      6000.00    1             6000.00           1.000000             1.000000
        2023-01  2026-10-31  45   1      6000.00    1             6000.00           1.000000             1.000000
        2023-01  2026-11-30  46   1      6000.00    1             6000.00           1.000000             1.000000
        2025-05  2026-10-31  17   12     48000.00   10            44000.00          0.833333             0.916667
        2025-05  2026-11-30  18   10     40000.00   8             36000.00          0.800000             0.900000
        2025-11  2026-10-31  11   1      3000.00    1             3000.00           1.000000             1.000000
        2025-11  2026-11-30  12   1      3000.00    1             3000.00           1.000000             1.000000
        2026-01  2026-10-31  9    15     91000.00   0             0.00              0.000000             0.000000
        2026-01  2026-11-30  10   15     91000.00   3             18000.00          0.200000             0.197802
        2026-03  2026-10-31  7    16     160000.00  3             30000.00          0.187500             0.187500
        2026-03  2026-11-30  8    16     160000.00  3             30000.00          0.187500             0.187500
        2026-11  2026-11-30  0    3      27000.00   0             0.00              0.000000             0.000000
    """)  # fmt: skip


def test_limitation_lists_expired_and_ending_within_30_and_90_days_of_the_latest_run(
    report: ReportSummary,
) -> None:
    # N4 ends in 91 days; M ends in a day but owes nothing; the rest end in 2029 or later.
    rows = [
        {
            k: as_text(v)
            for k, v in r.items()
            if k
            in (
                "band",
                "days_left",
                "loan_id",
                "dpd",
                "total_due",
                "limitation_expires_on",
                "limitation_calendar_covered",
            )
        }
        for r in table(report, "limitation")
    ]
    assert rows == expected("""
        band     days_left  loan_id  dpd  total_due  limitation_expires_on  limitation_calendar_covered
        expired  -10        N1       400  9600.00    2026-11-20             true
        0-30     0          N5       170  1600.00    2026-11-30             true
        0-30     10         N2       200  3650.00    2026-12-10             true
        31-90    60         N3       250  4900.00    2027-01-29             false
    """)  # fmt: skip
    assert (report.limitation_expired, report.limitation_0_30, report.limitation_31_90) == (1, 2, 1)


def test_write_off_candidates_say_which_rules_flagged_them(report: ReportSummary) -> None:
    # Not flagged: N6 (dpd 180, 180 days unpaid: both at the line), N5 (dpd 170), K (dpd 170),
    # N8 (a bullet loan never paid but not yet due), M (settled long ago, nothing owed).
    rows = {
        r["loan_id"]: (r["days_without_payment"], r["reasons"])
        for r in table(report, "write_off_candidates")
    }
    assert rows == {
        "N1": (1217, "dpd_over_180;limitation_expired;no_payment_over_180d"),
        "N3": (1415, "dpd_over_180;no_payment_over_180d"),  # never paid: counted from 2023-01-15
        "J01": (329, "dpd_over_180;no_payment_over_180d"),
        "J02": (329, "dpd_over_180;no_payment_over_180d"),
        "J03": (329, "dpd_over_180;no_payment_over_180d"),
        "N2": (274, "dpd_over_180;no_payment_over_180d"),
        "N7": (181, "dpd_over_180;no_payment_over_180d"),
        "N4": (243, "no_payment_over_180d"),
    }  # fmt: skip
    order = [r["loan_id"] for r in table(report, "write_off_candidates")]
    assert order == ["N1", "N3", "J01", "J02", "J03", "N2", "N7", "N4"]  # dpd high to low
    assert report.write_off_candidates == 8


def test_every_table_has_the_same_rows_in_csv_and_parquet(report: ReportSummary) -> None:
    assert [t.name for t in report.tables] == list(REPORT_TABLES)
    for files in report.tables:
        parquet = pq.read_table(files.parquet)
        assert parquet.schema.equals(REPORT_TABLES[files.name])
        with files.csv.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == parquet.column_names
            from_csv = list(reader)
        from_parquet = [{k: as_text(v) for k, v in r.items()} for r in parquet.to_pylist()]
        assert from_csv == from_parquet, files.name
        assert len(from_csv) == files.rows


class _Page(HTMLParser):
    """Collects tags and checks that every non-void element is closed in order."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_html_report_is_self_contained_chinese_and_well_formed(report: ReportSummary) -> None:
    html = report.html.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    page.close()
    assert page.problems == []
    assert page.stack == []
    assert page.tags.count("svg") >= 3  # buckets, one roll-rate heat map, vintage curves
    # Nothing that a browser would fetch: no URL, no script, stylesheet link, image or font.
    for needle in ("http://", "https://", "//", "url(", "@import", "@font-face"):
        assert needle not in html, needle
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags)
    assert all(v is None or v.startswith("#") for k, v in page.attributes if k in ("href", "src"))
    for text in ("贷款组合逾期报告", "账龄分布", "迁徙率", "治愈率", "诉讼时效", "核销候选"):
        assert text in html
    # Money with thousands separators; a share as a percentage.
    assert "212,101.60" in html
    assert "100,601.60" in html
    assert "64.29%" in html  # M0 -> M0, 9 of 14
    assert "诉讼时效已届满" in html  # N1's reason, in Chinese


def test_same_runs_give_byte_identical_files(tmp_path: Path) -> None:
    runs = write_runs(tmp_path / "runs")
    first = build_report(runs, tmp_path / "one")
    second = build_report(list(reversed(runs)), tmp_path / "two")
    assert [p.name for p in first.paths] == [p.name for p in second.paths]
    for a, b in zip(first.paths, second.paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_one_run_gives_vintage_points_and_no_roll_rates(tmp_path: Path) -> None:
    latest = write_runs(tmp_path / "runs")[0]
    summary = build_report([latest], tmp_path / "out")
    assert summary.runs == (T1,)
    assert summary.table("roll_rates").rows == 0
    assert summary.table("cure_rates").rows == 0
    assert {r["as_of"] for r in table(summary, "vintages")} == {T1}
    html = summary.html.read_text(encoding="utf-8")
    assert "只有一个批次" in html
    assert summary.write_off_candidates == 8


def test_two_runs_with_the_same_as_of_date_are_refused(tmp_path: Path) -> None:
    runs = write_runs(tmp_path / "runs")
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("loan_state.parquet", "manifest.json"):
        (copy / name).write_bytes((runs[0] / name).read_bytes())
    with pytest.raises(InputError, match="two runs as of 2026-11-30"):
        build_report([runs[0], copy], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_float_money_column_is_refused(tmp_path: Path) -> None:
    run = write_runs(tmp_path / "runs")[0]
    states = pq.read_table(run / "loan_state.parquet")
    index = states.schema.get_field_index("total_due")
    floats = states.set_column(index, "total_due", states.column(index).cast(pa.float64()))
    pq.write_table(floats, run / "loan_state.parquet")
    with pytest.raises(InputError, match="total_due: type double"):
        build_report([run], tmp_path / "out")


def test_a_bucket_that_disagrees_with_dpd_is_refused(tmp_path: Path) -> None:
    run = write_runs(tmp_path / "runs")[0]
    states = pq.read_table(run / "loan_state.parquet")
    buckets = states.column("bucket").to_pylist()
    buckets[0] = "M3"
    index = states.schema.get_field_index("bucket")
    pq.write_table(
        states.set_column(index, "bucket", pa.array(buckets)), run / "loan_state.parquet"
    )
    with pytest.raises(
        InputError, match=r"1 rows whose bucket disagrees with dpd, e\.g\. loan A01"
    ):
        build_report([run], tmp_path / "out")


def test_a_folder_of_runs_stands_for_the_runs_inside_it(tmp_path: Path) -> None:
    write_runs(tmp_path / "runs")
    (tmp_path / "runs" / "notes").mkdir()  # no manifest.json: not a run, passed over
    summary = build_report([tmp_path / "runs"], tmp_path / "out")
    assert summary.runs == (T0, T1)


def test_a_run_without_a_manifest_is_refused(tmp_path: Path) -> None:
    run = write_runs(tmp_path / "runs")[0]
    (run / "manifest.json").unlink()
    with pytest.raises(InputError, match=r"no manifest\.json here or in any folder inside"):
        build_report([run], tmp_path / "out")


def test_a_loan_id_twice_in_the_later_run_is_refused(tmp_path: Path) -> None:
    later, earlier = write_runs(tmp_path / "runs")
    states = pq.read_table(later / "loan_state.parquet")
    pq.write_table(pa.concat_tables([states, states.slice(0, 1)]), later / "loan_state.parquet")
    with pytest.raises(InputError, match="duplicate loan ids"):
        build_report([earlier, later], tmp_path / "out")


def test_rows_not_as_of_the_manifest_date_are_refused(tmp_path: Path) -> None:
    run = write_runs(tmp_path / "runs")[0]
    (run / "manifest.json").write_text('{"as_of": "2026-12-31"}', encoding="utf-8")
    with pytest.raises(InputError, match="48 rows not as of the manifest's as_of date"):
        build_report([run], tmp_path / "out")


def test_each_vintage_has_its_own_colour_in_order_of_origination() -> None:
    from overdue.portfolio.reports import _vintage_colour

    colours = [_vintage_colour(k, 37) for k in range(37)]
    assert (colours[0], colours[-1]) == ("#08306b", "#f16913")
    assert len(set(colours)) == 37  # a 10-colour palette repeated itself every 10 vintages
    reds = [int(c[1:3], 16) for c in colours]
    assert reds == sorted(reds)  # oldest darkest, newest lightest
    assert _vintage_colour(0, 1) == "#08306b"
