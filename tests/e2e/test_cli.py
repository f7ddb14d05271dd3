"""The installed ``overdue`` command, run as a user would run it (a real subprocess)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
EXE = shutil.which("overdue", path=str(Path(sys.executable).parent)) or "overdue"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def csv_portfolio(data: Path, loans: str, payments: str = "") -> Path:
    """A portfolio of two CSV tables: these rows under the headers of their columns."""
    data.mkdir(parents=True)
    (data / "loans.csv").write_text(
        "loan_id,borrower_id,principal,disbursed_on,term_months,method,rate\n" + loans,
        encoding="utf-8",
    )
    (data / "payments.csv").write_text(
        "payment_id,loan_id,paid_on,amount\n" + payments, encoding="utf-8"
    )
    return data


def run_json(*args: str) -> Any:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_schedule_json_has_the_documented_shape() -> None:
    data = run_json(
        "schedule", "--principal", "10000", "--rate", "0.12", "--term", "12",
        "--method", "equal-installment", "--start", "2025-01-15",
    )  # fmt: skip
    assert set(data) >= {"installments", "total_interest", "total_payment"}
    first = data["installments"][0]
    assert first == {
        "no": 1, "due_date": "2025-02-15", "principal": "788.49", "interest": "100.00",
        "service_fee": "0.00", "payment": "888.49",
    }  # fmt: skip
    assert sum(Decimal(i["principal"]) for i in data["installments"]) == Decimal("10000")
    assert Decimal(data["total_payment"]) == Decimal("10000") + Decimal(data["total_interest"])


def test_fee_json_matches_the_statutory_example() -> None:
    # 《诉讼费用交纳办法》Art. 13: 2,300 + 23,456.78 x 2 % = 2,769.1356 -> 2,769.14; simplified: half.
    data = run_json("fee", "--amount", "123456.78", "--procedure", "simplified")
    assert data["amount"] == "123456.78"
    assert data["kind"] == "acceptance"
    assert (data["fee_full"], data["fee"]) == ("2769.14", "1384.57")
    assert "第十三条" in data["rule"]


def test_caseno_valid_exits_zero_and_names_the_internet_court() -> None:
    done = run("caseno", "(2024)浙0192民初1779号", "--as-of", "2026-11-23", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["valid"] is True
    assert (data["year"], data["court_code"], data["type_code"], data["sequence"]) == (
        2024,
        "浙0192",
        "民初",
        1779,
    )
    assert data["court_name"] == "杭州互联网法院"
    assert data["problems"] == [] or all(isinstance(p, str) for p in data["problems"])


def test_caseno_with_a_future_year_exits_one_with_a_reason() -> None:
    done = run("caseno", "（2031）浙0192民初1779号", "--as-of", "2026-11-23", "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert data["valid"] is False
    assert any("2031" in p for p in data["problems"])


def test_deadline_rolls_over_the_national_day_holiday() -> None:
    # Judgment served 2025-09-20: 15 days end on 2025-10-05, inside the 10-01..10-08 holiday.
    data = run_json("deadline", "--kind", "appeal-judgment", "--from", "2025-09-20")
    assert data == data | {
        "kind": "appeal-judgment",
        "from": "2025-09-20",
        "last_day": "2025-10-09",
        "rolled_over": True,
    }
    assert "第一百七十一条" in data["rule"]


def test_loan_state_json_has_every_documented_field(tmp_path: Path) -> None:
    data = run_json("loan", "state", "examples/loan.json", "--as-of", "2025-06-30")
    for key in (
        "dpd", "bucket", "outstanding_principal", "overdue_principal", "overdue_interest",
        "penalty_interest", "compound_interest", "fees", "total_due", "cap", "claimable_total",
        "limitation_expires_on", "next_due_date", "next_due_amount",
    ):  # fmt: skip
        assert key in data
    assert set(data["cap"]) >= {"profile", "annual_rate", "charged", "excess"}
    assert data["overdue_principal"] == "12362.53"
    for key in ("total_due", "claimable_total", "fees"):
        assert len(data[key].split(".")[1]) == 2  # money as strings with two decimals
    explained = run_json(
        "loan", "state", "examples/loan.json", "--as-of", "2025-06-30", "--explain"
    )
    penalty = [c for c in explained["explanation"]["charges"] if c["component"] == "penalty"]
    assert sum(Decimal(c["amount"]) for c in penalty) >= Decimal(data["penalty_interest"])


def test_loan_state_table_is_readable_chinese() -> None:
    done = run("loan", "state", "examples/loan.json", "--as-of", "2025-06-30", "--explain")
    assert done.returncode == 0, done.stderr
    assert "可依法主张合计" in done.stdout
    assert "罚息" in done.stdout
    assert "多付超限部分" not in done.stdout  # the excess is absorbed by what is overdue


def test_loan_state_names_a_credit_on_a_repaid_loan_as_owed_back(tmp_path: Path) -> None:
    # The worked example of tests/unit/test_ledger.py: repaid early on 2025-03-05, 5.33 over.
    loan = {
        "loan_id": "E-1",
        "contract": {
            "principal": "12000.00", "disbursed_on": "2025-01-15", "term_months": 3,
            "method": "equal-principal", "rate": "0.12", "rate_unit": "annual",
            "day_count": "ACT/360",
        },
        "payments": [{"on": "2025-02-15", "amount": "4120.00"},
                     {"on": "2025-03-05", "amount": "8053.33"}],
    }  # fmt: skip
    path = tmp_path / "loan.json"
    path.write_text(json.dumps(loan), encoding="utf-8")
    repaid = run("loan", "state", str(path), "--as-of", "2025-06-30", "--explain")
    assert repaid.returncode == 0, repaid.stderr
    assert "多付款（贷款已还清，应退还）" in repaid.stdout
    assert "提前还清" in repaid.stdout
    before = run("loan", "state", str(path), "--as-of", "2025-03-01")
    assert "预存余额" in before.stdout
    assert "应退还" not in before.stdout


def test_loan_state_shows_interest_paid_above_the_cap_that_nothing_overdue_absorbs(
    tmp_path: Path,
) -> None:
    # The interest-only loan of tests/unit/litigation/test_rules.py, worked out there.
    loan = {
        "loan_id": "IO",
        "contract": {
            "principal": "10000.00", "disbursed_on": "2025-01-01", "term_months": 12,
            "method": "interest-only", "rate": "0.03", "rate_unit": "monthly",
        },
        "payments": [{"on": f"2025-{m:02d}-01", "amount": "300.00"} for m in range(2, 10)],
    }  # fmt: skip
    path = tmp_path / "io.json"
    path.write_text(json.dumps(loan), encoding="utf-8")
    done = run("loan", "state", str(path), "--as-of", "2025-10-05")
    assert done.returncode == 0, done.stderr
    line = next(ln for ln in done.stdout.splitlines() if "多付超限部分" in ln)
    assert "578.63" in line


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            (
                "schedule",
                "--principal",
                "1x",
                "--rate",
                "0.1",
                "--term",
                "3",
                "--method",
                "bullet",
                "--start",
                "2025-01-01",
            ),
            "--principal",
        ),
        (
            (
                "schedule",
                "--principal",
                "100",
                "--rate",
                "0.1",
                "--term",
                "3",
                "--method",
                "balloon",
                "--start",
                "2025-01-01",
            ),
            "--method",
        ),
        (
            (
                "schedule",
                "--principal",
                "100",
                "--rate",
                "0.1",
                "--term",
                "3",
                "--method",
                "bullet",
                "--start",
                "2025-02-30",
            ),
            "--start",
        ),
        (("fee", "--amount", "100", "--kind", "divorce"), "--kind"),
        # "12" for 12 %: 1200 % a year is refused as a slip, with how to write a percentage
        (
            (
                "schedule",
                "--principal",
                "10000",
                "--rate",
                "12",
                "--term",
                "12",
                "--method",
                "equal-installment",
                "--start",
                "2025-01-15",
            ),
            "write a percentage as 12%",
        ),
        (
            (
                "schedule",
                "--principal",
                "10000",
                "--rate",
                "0.12",
                "--term",
                "480",
                "--method",
                "equal-installment",
                "--start",
                "2025-01-15",
            ),
            "--term",
        ),
        (("fee", "--amount", "-5"), "amount"),
        (("deadline", "--kind", "answer", "--from", "2027-06-01"), "2027"),
        (("loan", "state", "missing.json", "--as-of", "2025-01-01"), "missing.json"),
        (("loan", "state", "examples/loan.json", "--as-of", "soon"), "--as-of"),
        (
            (
                "loan",
                "state",
                "examples/loan.json",
                "--as-of",
                "2025-06-30",
                "--filed-on",
                "2018-01-01",
            ),
            "--filed-on",
        ),  # a suit filed before the contract was signed
        (("synth", "--loans", "10", "--out", "/nonexistent/x", "--seed", "-1"), "--seed"),
        (("synth", "--loans", "10", "--out", "/nonexistent/x", "--as-of", "1999-01-01"), "2003"),
        (("synth", "--loans", "0", "--out", "/nonexistent/x"), "--loans"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    args: tuple[str, ...], needle: str
) -> None:
    done = run(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert needle in lines[0]


def test_bad_loan_file_names_the_file_and_field(tmp_path: Path) -> None:
    doc = json.loads((ROOT / "examples" / "loan.json").read_text(encoding="utf-8"))
    doc["payments"][0]["amount"] = 12.5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    done = run("loan", "state", str(bad), "--as-of", "2025-06-30")
    assert done.returncode == 2
    assert "bad.json" in done.stderr
    assert "payments[0].amount" in done.stderr


def test_demo_synthesises_runs_twice_and_writes_the_report(tmp_path: Path) -> None:
    done = run("demo", "--out", str(tmp_path / "demo"), "--loans", "3000")
    assert done.returncode == 0, done.stderr
    assert "账龄分布" in done.stdout
    assert "M6+" in done.stdout
    html = tmp_path / "demo" / "report" / "report.html"
    assert str(html) in done.stdout
    assert html.read_text(encoding="utf-8").count("<svg") >= 2
    assert str(tmp_path / "demo" / "runs" / "2026-11-20" / "rejects") in done.stdout
    for day in ("2026-10-31", "2026-11-20"):
        manifest = json.loads(
            (tmp_path / "demo" / "runs" / day / "manifest.json").read_text(encoding="utf-8")
        )
        assert manifest["as_of"] == day
        assert manifest["counts"]["loans"]["rejected"] == 0


def test_demo_without_the_chinese_font_stops_before_its_first_step(tmp_path: Path) -> None:
    """Its litigation batch needs Noto Serif CJK: one line saying so, and nothing written."""
    done = subprocess.run(
        [EXE, "demo", "--out", str(tmp_path / "demo"), "--loans", "3000"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "OVERDUE_FONT_PATHS": str(tmp_path)},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "fonts-noto-cjk" in done.stderr
    assert not (tmp_path / "demo").exists()


def test_portfolio_schema_prints_every_table() -> None:
    done = run("portfolio", "schema")
    assert done.returncode == 0, done.stderr
    for table in ("loans", "payments", "installments", "events", "borrowers"):
        assert table in done.stdout


def test_a_snapshot_of_an_earlier_day_runs_without_rejects_and_feeds_the_report(
    tmp_path: Path,
) -> None:
    """The README's quick start: last month-end's run from a snapshot, then the report over the
    two runs. Nothing dated after the day is kept, so the earlier run rejects nothing."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    data, earlier = tmp_path / "data", tmp_path / "data-2026-10-31"
    assert run("synth", "--loans", "3000", "--out", str(data), "--seed", "4").returncode == 0
    done = run(
        "portfolio", "snapshot", "--data", str(data), "--on", "2026-10-31", "--out", str(earlier)
    )
    assert done.returncode == 0, done.stderr
    payments = pq.read_table(earlier / "payments.parquet")
    loans = pq.read_table(earlier / "loans.parquet")
    assert payments.num_rows > 0
    assert 0 < loans.num_rows < 3000
    assert pc.max(payments["paid_on"]).as_py().isoformat() <= "2026-10-31"
    assert f"payments: {payments.num_rows:,} rows" in done.stdout
    again = run(
        "portfolio", "snapshot", "--data", str(data), "--on", "2026-10-31", "--out", str(earlier)
    )
    assert again.returncode == 2
    assert again.stderr.strip() == f"error: --out: {earlier} exists and is not an empty directory"
    runs = tmp_path / "runs"
    first = run(
        "run", "--data", str(earlier), "--as-of", "2026-10-31", "--out", str(runs / "a"), "--json"
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["counts"]["payments"]["rejected"] == 0
    assert (
        run(
            "run", "--data", str(data), "--as-of", "2026-11-20", "--out", str(runs / "b")
        ).returncode
        == 0
    )
    report = run(
        "report", "--runs", str(runs / "a"), "--runs", str(runs / "b"), "--out", str(tmp_path / "r")
    )
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "r" / "report.html").exists()


def test_run_rejects_bad_rows_with_file_row_field_and_reason(tmp_path: Path) -> None:
    data = csv_portfolio(
        tmp_path / "p",
        "A1,B1,10000.00,2025-01-15,12,equal-installment,0.18\n"
        "A2,B2,abc,2025-01-15,12,equal-installment,0.18\n",
        "P1,A1,2025-02-15,922.00\nP2,ZZ,2025-02-15,10.00\n",
    )
    done = run(
        "run",
        "--data",
        str(data),
        "--as-of",
        "2025-06-30",
        "--out",
        str(tmp_path / "r"),
        "--max-reject-ratio",
        "0.9",
    )
    assert done.returncode == 0, done.stderr
    rejects = (tmp_path / "r" / "rejects" / "loans.csv").read_text(encoding="utf-8")
    assert "loans.csv" in rejects
    assert "principal" in rejects
    pays = (tmp_path / "r" / "rejects" / "payments.csv").read_text(encoding="utf-8")
    assert "unknown loan id" in pays
    failed = run("run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(tmp_path / "r2"))
    assert failed.returncode == 2
    assert "reject" in failed.stderr
    # each table over the threshold is named with its most common reason
    assert "loans: 1 of 2 rows rejected (0.500000; most often principal: not a number (1 row))" in (
        failed.stderr
    )
    assert "payments: 1 of 2 rows rejected (0.500000; most often loan_id: unknown loan id" in (
        failed.stderr
    )
    # the counts of the failed run are printed all the same: 1 of 2 loans, 1 of 2 payments
    assert "输入行数核对" in failed.stdout
    rows = {line.split("│")[1].strip(): line for line in failed.stdout.splitlines() if "│" in line}
    assert [c.strip() for c in rows["payments"].split("│")[2:5]] == ["2", "1", "1"]
    assert [c.strip() for c in rows["total"].split("│")[2:5]] == ["4", "2", "2"]
    as_json = run(
        "run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(tmp_path / "r2"),
        "--json",
    )  # fmt: skip
    assert as_json.returncode == 2
    data_out = json.loads(as_json.stdout)
    assert data_out["failed"] is True
    assert data_out["counts"]["loans"] == {"read": 2, "accepted": 1, "rejected": 1}
    assert data_out["most_common"]["loans"] == "principal: not a number (1 row)"
    assert Path(data_out["rejects"]).is_dir()


def test_run_refuses_an_out_that_is_not_a_run_link_before_it_starts(tmp_path: Path) -> None:
    """A directory (or file) at --out is refused at once, with one line and exit status 2,
    and nothing is left beside it (no hidden link, no versions)."""
    data = csv_portfolio(tmp_path / "p", "A1,B1,10000.00,2025-01-15,12,equal-installment,0.18\n")
    runs = tmp_path / "runs"
    (runs / "plain").mkdir(parents=True)
    (runs / "afile").write_text("x", encoding="utf-8")
    for name in ("plain", "afile"):
        done = run("run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(runs / name))
        assert done.returncode == 2
        assert done.stderr.startswith("error: --out:")
        assert "not the link of an earlier run" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in runs.iterdir()) == ["afile", "plain"]
    # a link, but not to a version of a run: someone else's (to a directory, or dangling)
    (runs / "theirs").symlink_to(runs / "plain")
    (runs / "dangling").symlink_to(tmp_path / "nowhere")
    for name in ("theirs", "dangling"):
        done = run("run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(runs / name))
        assert done.returncode == 2
        assert done.stderr.startswith(f"error: --out: {runs / name} is a link to ")
        assert "not the link of an earlier run" in done.stderr
    assert (runs / "theirs").readlink() == runs / "plain"
    assert sorted(p.name for p in runs.iterdir()) == ["afile", "dangling", "plain", "theirs"]
    # a run's own link is replaced by the next run
    first = run("run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(runs / "ours"))
    assert first.returncode == 0, first.stderr
    again = run("run", "--data", str(data), "--as-of", "2025-07-31", "--out", str(runs / "ours"))
    assert again.returncode == 0, again.stderr
    assert (runs / "ours").readlink().parent == Path("ours.versions")
    roundabout = runs / ".." / runs.name / "ours"  # the same link, written another way
    third = run("run", "--data", str(data), "--as-of", "2025-08-31", "--out", str(roundabout))
    assert third.returncode == 0, third.stderr
    under = run(
        "run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(runs / "afile" / "x")
    )
    assert under.returncode == 2
    assert (
        under.stderr.strip()
        == f"error: --out: {runs / 'afile'} is a file, so {runs / 'afile' / 'x'} cannot be made"
    )


def test_the_spark_submit_entry_point_takes_the_reject_threshold() -> None:
    """``python -m overdue.portfolio.spark`` (what spark-submit runs) has the threshold of
    ``overdue run``; a bad value stops it before Spark starts."""
    entry = (sys.executable, "-m", "overdue.portfolio.spark")
    helped = subprocess.run([*entry, "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0
    assert "--max-reject-ratio" in helped.stdout
    for bad in ("2", "x", "NaN"):
        done = subprocess.run(
            [*entry, "--data", "p", "--as-of", "2026-11-20", "--out", "r",
             "--max-reject-ratio", bad],
            capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
        assert done.returncode == 2
        assert "--max-reject-ratio" in done.stderr


def test_synth_and_run_name_an_unusable_out_or_ratio_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "held").mkdir()
    (tmp_path / "held" / "loans.csv").write_text("x", encoding="utf-8")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    cases = [
        (("synth", "--loans", "5", "--out", str(tmp_path / "held")),
         f"error: --out: {tmp_path / 'held' / 'loans.csv'} exists: the synthetic loans table is a "
         "directory loans/ of part files; remove the file or choose another --out"),
        (("synth", "--loans", "5", "--out", str(tmp_path / "afile")),
         f"error: --out: {tmp_path / 'afile'} is a file, not a directory"),
        (("synth", "--loans", "5", "--out", "/proc/overdue-test"),
         "error: --out: cannot make /proc/overdue-test: No such file or directory"),
        (("run", "--data", str(tmp_path), "--as-of", "2026-11-20", "--out", "/proc/overdue-test"),
         "error: --out: cannot make /proc/overdue-test.versions: No such file or directory"),
        (("run", "--data", str(tmp_path), "--as-of", "2026-11-20", "--out", str(tmp_path / "r"),
          "--max-reject-ratio", "-1"),
         "error: --max-reject-ratio: must be between 0 and 1 (a share of the rows); got -1"),
    ]  # fmt: skip
    for args, message in cases:
        done = run(*args)
        assert (done.returncode, done.stderr.strip()) == (2, message), args


def test_run_on_a_spark_master_nobody_answers_at_stops_before_the_load(tmp_path: Path) -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]  # closed again below: nothing listens there
    data = csv_portfolio(tmp_path / "p", "A1,B1,10000.00,2025-01-15,12,equal-installment,0.18\n")
    out = tmp_path / "runs" / "nightly"
    done = run(
        "run", "--data", str(data), "--as-of", "2025-06-30", "--out", str(out),
        "--engine", "spark", "--spark-master", f"spark://127.0.0.1:{port}",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"error: --spark-master: no Spark master answers at spark://127.0.0.1:{port} "
    )
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_loan_state_of_one_loan_of_a_portfolio_and_of_a_rejected_one(tmp_path: Path) -> None:
    data = csv_portfolio(
        tmp_path / "p",
        "A1,B1,10000.00,2025-01-15,12,equal-installment,0.18\n"
        "A2,B2,-5,2025-01-15,12,equal-installment,0.18\n",
        "P1,A1,2025-02-15,916.80\nP2,A1,2025-03-15,-1\n",
    )
    state = run_json("loan", "state", "--data", str(data), "--loan", "A1", "--as-of", "2025-06-30")
    # P2 (a negative amount) is a reject: only P1 was paid; 10,000 at 18 % a year over 12 months
    # is 916.80 a month, so the installments of March to June are overdue
    assert (state["loan_id"], state["paid_total"], state["last_payment_date"]) == (
        "A1", "916.80", "2025-02-15",
    )  # fmt: skip
    assert state["dpd"] == (dt.date(2025, 6, 30) - dt.date(2025, 3, 15)).days
    rejected = run("loan", "state", "--data", str(data), "--loan", "A2", "--as-of", "2025-06-30")
    assert rejected.returncode == 2
    assert rejected.stderr.strip() == (
        f"error: --loan: 'A2' is not an accepted loan of {data}: rejected: "
        "loans.csv row 2: principal: must be positive"
    )
