"""``overdue check``: the borrower's questions through the installed command (a real subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
EXE = shutil.which("overdue", path=str(Path(sys.executable).parent)) or "overdue"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, "check", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        input=stdin,
    )


def run_json(*args: str) -> Any:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_message_json_has_exactly_verdict_then_flags_of_code_text_basis() -> None:
    data = run_json(
        "message", "您已逾期10天，明天将正式被列入失信被执行人名单。", "--as-of", "2026-11-20"
    )
    assert list(data)[:2] == ["verdict", "flags"]
    assert data["verdict"] == "abusive"
    assert [f["code"] for f in data["flags"]] == ["IMPOSSIBLE_TIMELINE"]
    assert all(set(f) == {"code", "text", "basis"} for f in data["flags"])


def test_message_from_stdin_at_night_and_payment_to_a_person_is_fraud() -> None:
    done = run(
        "message", "-", "--received-at", "2026-11-18T23:30:00+08:00", "--as-of", "2026-11-20",
        "--json", stdin="请把欠款转到我个人微信，马上帮你销账。",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["verdict"] == "fraud"
    assert {f["code"] for f in data["flags"]} >= {"PERSONAL_ACCOUNT", "QUIET_HOURS"}


def test_caseno_explains_a_valid_number_and_exits_one_without_a_number() -> None:
    data = run_json("caseno", "(2024)浙0192民初1779号", "--as-of", "2026-11-23")
    assert data["court"] == "杭州互联网法院"
    assert data["stage"] == "一审"
    assert data["is_filed_lawsuit"] is True
    done = run("caseno", "你的案件已立案", "--as-of", "2026-11-23")
    assert done.returncode == 1
    assert "没有案号" in done.stdout


def test_deadline_rolls_an_appeal_over_the_national_day_holiday() -> None:
    data = run_json(
        "deadline", "--kind", "judgment", "--received-on", "2025-09-20", "--as-of", "2025-09-22"
    )
    assert (data["last_day"], data["nominal_last_day"], data["days_left"]) == (
        "2025-10-09",
        "2025-10-05",
        17,
    )


def test_apr_of_twelve_payments_of_1000_on_10000() -> None:
    data = run_json(
        "apr", "--received", "10000", "--disbursed-on", "2025-01-15", "--count", "12",
        "--amount", "1000", "--first-on", "2025-02-15", "--as-of", "2026-11-20",
    )  # fmt: skip
    assert data["nominal_annual"] == "0.350742"
    assert data["effective_annual"] == "0.412999"
    assert data["cap_rate"] == "0.24"
    assert data["above_cap"] is True
    assert data["cost_total"] == "2000.00"


def test_claim_against_the_example_loan() -> None:
    data = run_json(
        "claim", "examples/loan.json", "--item", "本金=12362.53", "--item", "利息=1631.31",
        "--item", "罚息=3674.23", "--item", "违约金=678.30", "--item", "催收费=1653.63",
        "--as-of", "2025-06-30",
    )  # fmt: skip
    assert data["claimed_total"] == "20000.00"
    assert data["lawful_total"] == "15147.62"
    assert data["difference"] == "4852.38"


def test_plan_writes_the_negotiation_letter_as_docx_and_pdf(tmp_path: Path) -> None:
    data = run_json(
        "plan", "--debt", "24000", "--income", "6000", "--expenses", "4500", "--as-of",
        "2026-11-20", "--letter", str(tmp_path), "--lender", "星河消费金融有限公司", "--name", "张三",
    )  # fmt: skip
    assert data["recommended"]["months"] == 18
    files = sorted(Path(p).suffix for p in data["letter_files"])
    assert files == [".docx", ".pdf"]
    assert (tmp_path / "协商还款申请书.pdf").read_bytes().startswith(b"%PDF")


# 10,000 received on 2025-01-15, repaid in twelve payments of 1,000 (README's example)
TWELVE_OF_1000 = ("--received", "10000", "--disbursed-on", "2025-01-15", "--count", "12",
                  "--amount", "1000", "--first-on", "2025-02-15")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("plan", "--debt", "abc", "--income", "1", "--expenses", "0"), "--debt"),
        (("deadline", "--kind", "letter", "--received-on", "2025-01-01"), "kind"),
        # errors name the option typed, not the library's field (payments, payments[0].on)
        (("apr", "--received", "100", "--disbursed-on", "2025-01-01"), "--payment:"),
        (
            (
                "apr",
                "--received",
                "100",
                "--disbursed-on",
                "2025-01-01",
                "--payment",
                "2024-12-01:50",
            ),
            "--payment #1 (on):",
        ),
        (
            ("plan", "--debt", "100", "--income", "9", "--expenses", "0", "--fee-rate", "9%"),
            "--fee-rate:",
        ),
        (("message", "  ", "--as-of", "2026-11-20"), "TEXT:"),
        (
            (
                "claim",
                "examples/loan.json",
                "--as-of",
                "2025-06-30",
                "--claimed-total",
                "20000",
                "--filed-on",
                "2020-01-01",
            ),
            "--filed-on:",
        ),  # before the contract (a traceback)
        # two ways of asking at once: refused, not one of them silently dropped
        (("apr", *TWELVE_OF_1000, "--rate", "0.1", "--term", "12"), "--rate"),
        (("apr", "--loan", "examples/loan.json", "--received", "5000"), "--received"),
        (("apr", "--loan", "examples/loan.json", "--lender-type", "private"), "--lender-type"),
        # a stated term, not a payment
        (("apr", *TWELVE_OF_1000, "--service-fee", "50"), "--service-fee"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(
    args: tuple[str, ...], field: str
) -> None:
    done = run(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert field in lines[0]


def test_apr_from_the_stated_rate_and_fees() -> None:
    # 2 % a month, 12 months, 10,000: level payment 945.60 (annuity), + 50 fee = 995.60;
    # 300 taken at the start -> 9,700 received.
    data = run_json(
        "apr", "--received", "10000", "--disbursed-on", "2025-01-15", "--rate", "2%",
        "--rate-unit", "monthly", "--term", "12", "--upfront-fee", "300", "--service-fee", "50",
        "--as-of", "2026-11-20",
    )  # fmt: skip
    assert data["received"] == "9700.00"
    assert data["cashflows"][1] == {"on": "2025-02-15", "amount": "-995.60"}
    assert data["above_cap"] is True


def run_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [EXE, "check", *args], capture_output=True, cwd=ROOT, timeout=120, check=False,
        input=stdin,
    )  # fmt: skip


def test_text_not_in_utf8_is_refused_in_one_line_and_a_byte_order_mark_is_fine(
    tmp_path: Path,
) -> None:
    gbk = tmp_path / "loan-gbk.json"
    gbk.write_bytes('{"loan_id": "示例"}'.encode("gbk"))
    for args in (("claim", str(gbk)), ("apr", "--loan", str(gbk))):
        done = run(*args)
        assert done.returncode == 2, done.stderr
        [line] = done.stderr.strip().splitlines()
        assert str(gbk) in line
        assert "UTF-8" in line
    piped = run_bytes("message", "-", "--as-of", "2026-11-20", stdin="明天上失信".encode("gbk"))
    assert piped.returncode == 2
    assert b"standard input" in piped.stderr
    assert b"UTF-8" in piped.stderr
    bom = tmp_path / "loan-bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (ROOT / "examples" / "loan.json").read_bytes())
    assert run_json("apr", "--loan", str(bom), "--as-of", "2026-11-20") == run_json(
        "apr", "--loan", "examples/loan.json", "--as-of", "2026-11-20"
    )
