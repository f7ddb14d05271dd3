"""The installed ``overdue`` command, run as a user would run it (a real subprocess)."""

from __future__ import annotations

import json
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
        (("fee", "--amount", "-5"), "amount"),
        (("deadline", "--kind", "answer", "--from", "2027-06-01"), "2027"),
        (("loan", "state", "missing.json", "--as-of", "2025-01-01"), "missing.json"),
        (("loan", "state", "examples/loan.json", "--as-of", "soon"), "--as-of"),
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


def test_demo_prints_the_table_and_writes_its_outputs(tmp_path: Path) -> None:
    done = run("demo", "--out", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    assert "DEMO-0001" in done.stdout
    states = json.loads((tmp_path / "demo" / "loan_state.json").read_text(encoding="utf-8"))
    assert len(states) == 10
    assert str(tmp_path / "demo" / "loan_state.json") in done.stdout
    csv_lines = (tmp_path / "demo" / "loan_state.csv").read_text(encoding="utf-8").splitlines()
    assert len(csv_lines) == 11
