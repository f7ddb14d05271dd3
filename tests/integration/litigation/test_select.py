"""Selection over a planted portfolio: every rule excludes what it should, counts reconcile."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.planted import AS_OF, PLANTED, plan_loan

from overdue.litigation.claims import compute_claims
from overdue.litigation.policy import LenderType, Policy, example_file, load_plaintiff
from overdue.litigation.select import RULES, decision_lines, select_accounts
from overdue.portfolio.frames import loans_from_tables

pytestmark = pytest.mark.integration

POLICY = Policy(lender_types=(LenderType.LICENSED,))


@pytest.fixture(scope="module")
def selection(planted: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, run = planted
    out = tmp_path_factory.mktemp("sel") / "selection"
    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))  # its products' clauses
    select_accounts(
        data_dir=data, state_dir=run, policy=POLICY, as_of=AS_OF, out_dir=out, plaintiff=plaintiff
    )
    return out


def test_without_a_plaintiff_no_clause_is_known_and_nothing_is_accelerated(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    data, run = planted
    select_accounts(
        data_dir=data, state_dir=run, policy=POLICY, as_of=AS_OF, out_dir=tmp_path / "s"
    )
    rows = pq.read_table(tmp_path / "s" / "decisions.parquet").to_pylist()
    assert rows
    assert all(r["accelerated_principal"] == 0 for r in rows)


def test_a_plaintiff_narrows_the_lender_types_to_its_own(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    data, run = planted
    private = load_plaintiff(example_file("PLAINTIFF.yaml")).model_copy(
        update={"lender_type": LenderType.PRIVATE}
    )
    select_accounts(
        data_dir=data, state_dir=run, policy=Policy(), as_of=AS_OF, out_dir=tmp_path / "s",
        plaintiff=private,
    )  # fmt: skip
    meta = json.loads((tmp_path / "s" / "selection.json").read_text(encoding="utf-8"))
    assert meta["policy"]["lender_types"] == ["private"]
    rows = pq.read_table(tmp_path / "s" / "decisions.parquet").to_pylist()
    assert all(r["lender_type"] == "private" for r in rows if r["selected"])
    assert any(r["excluded_by"] == "lender_type" for r in rows)


def test_each_planted_account_is_decided_by_its_rule(selection: Path) -> None:
    rows = {r["loan_id"]: r for r in pq.read_table(selection / "decisions.parquet").to_pylist()}
    assert set(rows) == set(PLANTED)  # every delinquent account, and the current one absent
    for loan_id, (what, rule) in PLANTED.items():
        r = rows[loan_id]
        assert r["excluded_by"] == rule, f"{loan_id} ({what}): {r['failed_rules']}"
        assert r["selected"] is (rule is None)


def test_counts_reconcile_and_are_written(selection: Path) -> None:
    meta = json.loads((selection / "selection.json").read_text(encoding="utf-8"))
    c = meta["counts"]
    assert c["delinquent"] == len(PLANTED) == c["selected"] + c["excluded"]
    assert sum(c["excluded_by"].values()) == c["excluded"]
    assert set(c["excluded_by"]) <= set(RULES)
    # the subset for the build holds exactly the selected accounts
    loans = pq.read_table(selection / "portfolio" / "loans.parquet")
    assert sorted(loans["loan_id"].to_pylist()) == ["A-OK", "C-RESOLVED"]


def test_estimate_equals_the_ledgers_claim_and_fee_follows_it(selection: Path) -> None:
    sub = selection / "portfolio"
    t = {n: pq.read_table(sub / f"{n}.parquet") for n in ("loans", "payments", "events")}
    loans = loans_from_tables(t["loans"], t["payments"], t["events"])
    rows = {r["loan_id"]: r for r in pq.read_table(selection / "decisions.parquet").to_pylist()}
    for loan_id, loan in loans.items():
        claims = compute_claims(loan, AS_OF, accelerate=True).claims
        assert claims.total == rows[loan_id]["claim_estimate"]
    # L-PLAN (excluded by its plan) paid interest above the cap beyond everything overdue:
    # the estimate sets it off against the principal not yet due, as the claims do.
    computed = compute_claims(plan_loan(), AS_OF, accelerate=True)
    assert computed.accelerated_set_off > 0
    assert computed.claims.total == rows["L-PLAN"]["claim_estimate"]
    a = rows["A-OK"]
    # 20,000 + interest 20,000 x 1.5 % x 3 = 900 + penalty: 27 % from 2026-04-21 to 11-20,
    # 214 days x 20,000 x 0.27 / 360 = 3,210.00. Charged 4,110.00; the 24 % cap allows
    # 20,000 x 304 days (2026-01-21 .. 11-20) x 0.24 / 365 = 3,997.81, so 112.19 is given up.
    assert a["claim_estimate"] == Decimal("20000.00") + Decimal("900.00") + Decimal("3210.00") - (
        Decimal("4110.00") - Decimal("3997.81")
    )
    # Small claims in Zhejiang up to 54,323; the fee on 23,997.81 is 50 + 13,997.81 x 2.5 % =
    # 399.94525, written 399.95, halved: 199.975, rounded half up to the fen: 199.98.
    # An online loan of a Hangzhou defendant: the Hangzhou internet court (concentrated).
    assert a["court_code"] == "浙0192"
    assert a["procedure"] == "small-claims"
    assert a["fee"] == Decimal("199.98")


def test_explain_gives_every_rule_with_figures(selection: Path) -> None:
    rows = {r["loan_id"]: r for r in pq.read_table(selection / "decisions.parquet").to_pylist()}
    lines = decision_lines(rows["J-LIMIT"], POLICY, AS_OF)
    assert [r for r, _, _ in lines] == list(RULES)
    failed = {r: text for r, ok, text in lines if not ok}
    assert "limitation" in failed
    assert "2026-12-21" in failed["limitation"]
    assert "31 天" in failed["limitation"]
    passed = {r: ok for r, ok, _ in decision_lines(rows["A-OK"], POLICY, AS_OF)}
    assert all(passed.values())


def test_as_of_must_match_the_run(planted: tuple[Path, Path], tmp_path: Path) -> None:
    from overdue.errors import InputError

    data, run = planted
    with pytest.raises(InputError, match="--as-of"):
        select_accounts(
            data_dir=data,
            state_dir=run,
            policy=POLICY,
            as_of=dt.date(2026, 11, 21),
            out_dir=tmp_path / "x",
        )
