"""Selection: for every delinquent account, sue or not, and which rule decided.

Inputs are the nightly run's ``loan_state.parquet`` (the figures), the portfolio itself (its
``events`` for disputes, promises, plans, pauses and suits; ``borrowers`` for the defendant) and
the policy. Every rule is evaluated for every delinquent account; an account is selected when
all pass, and otherwise excluded by the first failing rule in :data:`RULES` order, with every
failing rule recorded. Nothing is dropped: ``decisions.parquet`` has one row per delinquent
account, and the counts reconcile (delinquent = selected + excluded).

The claim estimate is what the claims step will compute with the reference ledger at the cut-off
(the as-of date): the run's capped ``claimable_total`` plus, when the policy accelerates, the
principal not yet due, less costs paid above the cap that nothing overdue absorbed. The court fee and the expected recovery are computed on it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from overdue.errors import InputError
from overdue.ledger.contract import LenderType
from overdue.ledger.engine import excess_beyond_overdue
from overdue.litigation.jurisdiction import PROCEDURE_NAMES, choose_procedure, venue
from overdue.litigation.parties import id_problem
from overdue.litigation.policy import Plaintiff, Policy, Priority
from overdue.money import ZERO, round_fen
from overdue.portfolio.load import load_portfolio, table_files
from overdue.portfolio.sql import connect, literal
from overdue.rules.fees import FeeKind, Procedure, court_fee

__all__ = [
    "RULES",
    "SelectionResult",
    "decision_lines",
    "read_decisions",
    "select_accounts",
]

# Rule id -> what it checks, in the order that decides which rule "excluded" an account.
RULES: Mapping[str, str] = {
    "lender_type": "贷款类型属于本批次",
    "min_dpd": "逾期天数达到起诉标准",
    "already_sued": "尚未起诉",
    "limitation": "诉讼时效届满前留有足够余量",
    "open_dispute": "无未解决的争议",
    "active_promise": "无有效的还款承诺",
    "active_plan": "无执行中的还款计划",
    "paused": "未暂停催收",
    "defendant": "被告明确（姓名、身份证号码、住所）",
    "court": "可确定管辖法院",
    "min_claim": "标的额达到起诉标准",
    "recovery": "预期回收扣除诉讼费和成本后为正",
    "capacity": "在本批次数量上限内",
}

DECISIONS_FILE = "decisions.parquet"
SELECTION_FILE = "selection.json"
SUBSET_DIR = "portfolio"

_MONEY = pa.decimal128(18, 2)


@dataclass(frozen=True, slots=True)
class SelectionResult:
    out_dir: Path
    as_of: dt.date
    delinquent: int
    selected: int
    excluded_by: Mapping[str, int]
    courts: Mapping[str, int]  # court name -> selected accounts
    claim_total: Decimal
    fee_total: Decimal


def _read_state(state_dir: Path, as_of: dt.date) -> pa.Table:
    path = state_dir / "loan_state.parquet"
    if not path.is_file():
        raise InputError(
            "--state",
            "no loan_state.parquet (give a run's output directory)",
            source=str(state_dir),
        )
    state = pq.read_table(path)
    dates = state.column("as_of").unique().to_pylist()
    if dates and dates != [as_of]:
        raise InputError(
            "--as-of",
            f"the run in {state_dir} is as of {', '.join(str(d) for d in dates)}, not {as_of}",
        )
    return state


_EVENT_FLAGS_SQL = """
SELECT loan_id,
  max(CASE WHEN kind = 'dispute' THEN "on" END) AS dispute_on,
  max(CASE WHEN kind = 'dispute_resolved' THEN "on" END) AS resolved_on,
  max(CASE WHEN kind = 'promise' AND coalesce("until", DATE '9999-12-31') >= $as_of
           THEN coalesce("until", DATE '9999-12-31') END) AS promise_until,
  max(CASE WHEN kind = 'plan' AND coalesce("until", DATE '9999-12-31') >= $as_of
           THEN coalesce("until", DATE '9999-12-31') END) AS plan_until,
  max(CASE WHEN kind = 'pause' THEN "on" END) AS pause_on,
  max(CASE WHEN kind = 'pause' THEN coalesce("until", DATE '9999-12-31') END) AS pause_until,
  max(CASE WHEN kind = 'resume' THEN "on" END) AS resume_on,
  max(CASE WHEN kind = 'suit' THEN "on" END) AS sued_on,
  max(CASE WHEN kind = 'demand' THEN "on" END) AS last_demand_on,
  count(*) FILTER (WHERE kind = 'demand') AS demands
FROM events GROUP BY loan_id
"""


def _read_borrowers(data_dir: Path, con: duckdb.DuckDBPyConnection) -> pa.Table:
    files = table_files(data_dir).get("borrowers", [])
    cols = ["borrower_id", "name", "id_number", "phone", "address", "county_code", "gender"]
    if not files:
        return pa.table(
            {c: pa.array([], pa.string()) for c in cols} | {"copies": pa.array([], pa.int64())}
        )
    parts = []
    for f in files:
        quoted = literal(str(f))
        src = (
            f"read_parquet({quoted})"
            if f.suffix == ".parquet"
            else f"read_csv({quoted}, all_varchar=true, header=true)"
        )
        names = {r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {src}").fetchall()}
        exprs = [
            f"nullif(trim(CAST({c} AS VARCHAR)), '') AS {c}"
            if c in names
            else f"NULL::VARCHAR AS {c}"
            for c in cols
        ]
        parts.append(f"SELECT {', '.join(exprs)} FROM {src}")
    union = " UNION ALL ".join(parts)
    # A borrower id given twice is ambiguous: neither row identifies the defendant.
    return con.sql(
        f"SELECT any_value(COLUMNS(* EXCLUDE borrower_id)), borrower_id, count(*) AS copies "
        f"FROM ({union}) GROUP BY borrower_id"
    ).to_arrow_table()


def _fee(claim: Decimal, procedure: Procedure, on: dt.date) -> tuple[Decimal, Decimal]:
    r = court_fee(claim, FeeKind.ACCEPTANCE, procedure, on=on)
    return r.fee, r.fee_full


def select_accounts(
    *,
    data_dir: Path,
    state_dir: Path,
    policy: Policy,
    as_of: dt.date,
    out_dir: Path,
    plaintiff: Plaintiff | None = None,
    max_reject_ratio: Decimal = Decimal("0.05"),
) -> SelectionResult:
    """Decide for every delinquent account and write ``out_dir`` (see the module docstring).

    With ``plaintiff``, only loans of its lender type can be selected (the build refuses
    others): the policy's ``lender_types`` is narrowed to it, and selection.json records the
    policy as applied."""
    if plaintiff is not None:
        policy = policy.model_copy(
            update={
                "lender_types": tuple(t for t in policy.lender_types if t is plaintiff.lender_type)
            }
        )
    data_dir, state_dir, out_dir = Path(data_dir), Path(state_dir), Path(out_dir)
    state = _read_state(state_dir, as_of)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    loaded = load_portfolio(
        data_dir, as_of=as_of, rejects_dir=out_dir / "rejects", max_reject_ratio=max_reject_ratio
    )
    con = connect()
    try:
        con.register("state", state)
        con.register("events", loaded.events)
        borrowers = _read_borrowers(data_dir, con)
        con.register("borrowers", borrowers)
        flags = con.sql(
            _EVENT_FLAGS_SQL.replace("$as_of", f"DATE '{as_of.isoformat()}'")
        ).to_arrow_table()
        con.register("flags", flags)
        rows = (
            con.sql(
                """
            SELECT s.loan_id, s.borrower_id, s.product_id, s.bucket, s.dpd, s.principal,
                   s.outstanding_principal, s.overdue_principal, s.claimable_total,
                   s.excess, s.total_due,
                   s.limitation_expires_on, s.lender_type,
                   f.dispute_on, f.resolved_on, f.promise_until, f.plan_until, f.pause_on,
                   f.pause_until, f.resume_on, f.sued_on, f.last_demand_on,
                   coalesce(f.demands, 0) AS demands,
                   b.name, b.id_number, b.address, b.county_code, coalesce(b.copies, 0) AS copies
            FROM state s
            LEFT JOIN flags f USING (loan_id)
            LEFT JOIN borrowers b USING (borrower_id)
            WHERE s.dpd > 0
            ORDER BY s.loan_id
            """
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()

    decided = [_decide(r, policy, plaintiff, as_of) for r in rows]
    _apply_priority(decided, policy)
    table = _decisions_table(decided)
    pq.write_table(table, out_dir / DECISIONS_FILE, compression="zstd")
    _write_subset(loaded, borrowers, [d for d in decided if d["selected"]], out_dir / SUBSET_DIR)

    selected = [d for d in decided if d["selected"]]
    excluded_by = Counter(d["excluded_by"] for d in decided if not d["selected"])
    courts = Counter(d["court_name"] for d in selected)
    result = SelectionResult(
        out_dir=out_dir,
        as_of=as_of,
        delinquent=len(decided),
        selected=len(selected),
        excluded_by=dict(sorted(excluded_by.items(), key=lambda kv: list(RULES).index(kv[0]))),
        courts=dict(sorted(courts.items(), key=lambda kv: (-kv[1], kv[0]))),
        claim_total=sum((d["claim_estimate"] for d in selected), ZERO),
        fee_total=sum((d["fee"] for d in selected), ZERO),
    )
    meta = {
        "as_of": as_of.isoformat(),
        "data_dir": str(data_dir.resolve()),
        "state_dir": str(state_dir.resolve()),
        "policy": json.loads(policy.model_dump_json()),
        "plaintiff_products": None if plaintiff is None else plaintiff.products_json(),
        "input_checksums": dict(loaded.checksums),
        "counts": {
            "delinquent": result.delinquent,
            "selected": result.selected,
            "excluded": result.delinquent - result.selected,
            "excluded_by": result.excluded_by,
        },
        "courts": result.courts,
        "claim_total": str(result.claim_total),
        "fee_total": str(result.fee_total),
    }
    (out_dir / SELECTION_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return result


def _decide(
    r: dict[str, Any], policy: Policy, plaintiff: Plaintiff | None, as_of: dt.date
) -> dict[str, Any]:
    failed: list[str] = []
    d = dict(r)
    if r["lender_type"] not in policy.lender_types:
        failed.append("lender_type")
    if r["dpd"] < policy.min_dpd:
        failed.append("min_dpd")
    if policy.exclude_already_sued and r["sued_on"] is not None:
        failed.append("already_sued")
    days_left = (r["limitation_expires_on"] - as_of).days
    d["limitation_days_left"] = days_left
    if days_left < policy.limitation_margin_days:
        failed.append("limitation")
    d["open_dispute"] = r["dispute_on"] is not None and (
        r["resolved_on"] is None or r["resolved_on"] < r["dispute_on"]
    )
    if policy.exclude_open_dispute and d["open_dispute"]:
        failed.append("open_dispute")
    if policy.exclude_active_promise and r["promise_until"] is not None:
        failed.append("active_promise")
    if policy.exclude_active_plan and r["plan_until"] is not None:
        failed.append("active_plan")
    d["paused"] = (
        r["pause_on"] is not None
        and r["pause_until"] >= as_of
        and (r["resume_on"] is None or r["resume_on"] < r["pause_on"])
    )
    if policy.exclude_paused and d["paused"]:
        failed.append("paused")

    problems = []
    if r["copies"] == 0:
        problems.append("借款人资料缺失")
    elif r["copies"] > 1:
        problems.append(f"借款人编号 {r['borrower_id']} 在借款人表中出现 {r['copies']} 次")
    else:
        if policy.require_name and not r["name"]:
            problems.append("缺少姓名")
        if policy.require_id_number:
            p = id_problem(r["id_number"], as_of)
            if p:
                problems.append(p)
        if policy.require_address and not r["address"]:
            problems.append("缺少住所地址")
    d["defendant_problem"] = "；".join(problems) or None
    if problems:
        failed.append("defendant")

    product = plaintiff.product(r["product_id"]) if plaintiff else None
    v = venue(
        defendant_county=r["county_code"],
        plaintiff_county=plaintiff.plaintiff.county_code if plaintiff else None,
        agreed_court=product.agreed_court if product else None,
        agreed_clause=product.agreed_court_clause if product else "",
        agreed_notice=product.agreed_court_notice if product else "",
        signed_online=product.signed_online if product else True,
        financial_loan=r["lender_type"] == LenderType.LICENSED.value,
    )
    accelerated = ZERO
    # principal not yet due only under a stated acceleration clause, as the build claims it
    if policy.accelerate and product is not None and product.acceleration_clause:
        # Less costs paid above the cap that the overdue amounts could not absorb (set off
        # against it: LoanState.excess_beyond_overdue, claims.compute_claims).
        beyond = excess_beyond_overdue(r["excess"], r["total_due"], r["claimable_total"])
        accelerated = max(ZERO, r["outstanding_principal"] - r["overdue_principal"] - beyond)
    claim = r["claimable_total"] + accelerated
    d["accelerated_principal"] = accelerated
    d["claim_estimate"] = claim
    if v is None:
        failed.append("court")
        d.update(
            court_code=None,
            court_name=None,
            venue_basis=None,
            clause_relied=False,
            internet_court=None,
            internet_reason=None,
            procedure=None,
            procedure_reason=None,
            fee=ZERO,
            fee_full=ZERO,
        )
    else:
        proc = choose_procedure(
            claim,
            v.court,
            as_of,
            small_claims=policy.small_claims,
            above=Procedure(policy.above_small_claims.value),
            overrides=policy.small_claims_thresholds,
        )
        fee, fee_full = _fee(claim, proc.procedure, as_of)
        d.update(
            court_code=v.court.code,
            court_name=v.court.name,
            venue_basis=v.basis,
            clause_relied=v.clause_relied,
            internet_court=v.internet_court.name if v.internet_court else None,
            internet_reason=v.internet_reason,
            procedure=proc.procedure.value,
            procedure_reason=proc.reason,
            fee=fee,
            fee_full=fee_full,
        )
    small = policy.batch_small
    d["small_batch_candidate"] = False
    if claim < policy.min_claim:
        failed.append("min_claim")
        d["small_batch_candidate"] = small is not None and claim >= small.min_claim
    rate = policy.recovery.rate_by_bucket[r["bucket"]]
    costs = policy.recovery.cost_per_case + (d["fee"] if policy.recovery.fee_counts else ZERO)
    d["recovery_rate"] = rate
    d["expected_recovery"] = round_fen(claim * rate - costs)
    if d["expected_recovery"] <= 0:
        failed.append("recovery")
    d["failed_rules"] = failed
    d["selected"] = not failed
    d["excluded_by"] = failed[0] if failed else None
    return d


def _apply_priority(decided: list[dict[str, Any]], policy: Policy) -> None:
    """Rank the passing accounts; admit small accounts to big batches; apply the caps."""
    field = {
        Priority.EXPECTED_RECOVERY: "expected_recovery",
        Priority.CLAIM_TOTAL: "claim_estimate",
        Priority.DPD: "dpd",
    }[policy.priority]

    def key(d: dict[str, Any]) -> tuple[Decimal, str]:
        return -Decimal(d[field]), d["loan_id"]

    small = policy.batch_small
    if small is not None:
        per_court = Counter(d["court_code"] for d in decided if d["selected"])
        for d in decided:
            if (
                d["small_batch_candidate"]
                and d["failed_rules"] == ["min_claim"]
                and per_court[d["court_code"]] >= small.court_batch_at_least
            ):
                d["failed_rules"], d["selected"], d["excluded_by"] = [], True, None
                d["joined_small_batch"] = True
    ranked = sorted((d for d in decided if d["selected"]), key=key)
    taken: Counter[str] = Counter()
    for rank, d in enumerate(ranked, start=1):
        d["priority_rank"] = rank
        over_court = (
            policy.max_per_court is not None and taken[d["court_code"]] >= policy.max_per_court
        )
        over_all = policy.max_accounts is not None and sum(taken.values()) >= policy.max_accounts
        if over_court or over_all:
            d["failed_rules"], d["selected"], d["excluded_by"] = ["capacity"], False, "capacity"
        else:
            taken[d["court_code"]] += 1


_COLUMNS: Sequence[tuple[str, pa.DataType]] = (
    ("loan_id", pa.string()),
    ("borrower_id", pa.string()),
    ("product_id", pa.string()),
    ("selected", pa.bool_()),
    ("excluded_by", pa.string()),
    ("failed_rules", pa.list_(pa.string())),
    ("priority_rank", pa.int64()),
    ("lender_type", pa.string()),
    ("bucket", pa.string()),
    ("dpd", pa.int32()),
    ("principal", _MONEY),
    ("outstanding_principal", _MONEY),
    ("overdue_principal", _MONEY),
    ("claimable_total", _MONEY),
    ("accelerated_principal", _MONEY),
    ("claim_estimate", _MONEY),
    ("fee", _MONEY),
    ("fee_full", _MONEY),
    ("recovery_rate", pa.decimal128(6, 4)),
    ("expected_recovery", _MONEY),
    ("limitation_expires_on", pa.date32()),
    ("limitation_days_left", pa.int32()),
    ("open_dispute", pa.bool_()),
    ("dispute_on", pa.date32()),
    ("promise_until", pa.date32()),
    ("plan_until", pa.date32()),
    ("paused", pa.bool_()),
    ("sued_on", pa.date32()),
    ("last_demand_on", pa.date32()),
    ("demands", pa.int64()),
    ("defendant_problem", pa.string()),
    ("county_code", pa.string()),
    ("court_code", pa.string()),
    ("court_name", pa.string()),
    ("venue_basis", pa.string()),
    ("clause_relied", pa.bool_()),  # the court follows from the jurisdiction clause
    ("internet_court", pa.string()),
    ("internet_reason", pa.string()),
    ("procedure", pa.string()),
    ("procedure_reason", pa.string()),
    ("joined_small_batch", pa.bool_()),
)


def _decisions_table(decided: list[dict[str, Any]]) -> pa.Table:
    schema = pa.schema([pa.field(n, t) for n, t in _COLUMNS])
    for d in decided:
        d.setdefault("priority_rank", None)
        d.setdefault("joined_small_batch", False)
    return pa.Table.from_pylist([{n: d.get(n) for n, _ in _COLUMNS} for d in decided], schema)


def _write_subset(
    loaded: Any, borrowers: pa.Table, selected: list[dict[str, Any]], out: Path
) -> None:
    """The selected accounts' accepted rows (and borrowers), so ``build`` needs only this folder."""
    out.mkdir(parents=True)
    ids = pa.array(sorted(d["loan_id"] for d in selected), pa.string())
    borrower_ids = pa.array(sorted({d["borrower_id"] for d in selected}), pa.string())
    con = connect()
    try:
        con.register("ids", pa.table({"loan_id": ids}))
        con.register("bids", pa.table({"borrower_id": borrower_ids}))
        for name in ("loans", "payments", "installments", "events"):
            con.register(name, getattr(loaded, name))
            t = con.sql(
                f"SELECT t.* FROM {name} t SEMI JOIN ids USING (loan_id) ORDER BY ALL"
            ).to_arrow_table()
            pq.write_table(t, out / f"{name}.parquet")
        con.register("borrowers", borrowers)
        t = con.sql(
            "SELECT * EXCLUDE copies FROM borrowers SEMI JOIN bids USING (borrower_id) "
            "ORDER BY borrower_id"
        ).to_arrow_table()
        pq.write_table(t, out / "borrowers.parquet")
    finally:
        con.close()


def read_decisions(selection_dir: Path) -> pa.Table:
    path = Path(selection_dir) / DECISIONS_FILE
    if not path.is_file():
        raise InputError(
            "--selection",
            "no decisions.parquet (run overdue litigate select first)",
            source=str(selection_dir),
        )
    return pq.read_table(path)


_LENDER_NAMES = {"licensed": "持牌金融机构贷款", "private": "民间借贷"}


def decision_lines(
    row: Mapping[str, Any], policy: Policy, as_of: dt.date
) -> list[tuple[str, bool, str]]:
    """Rule by rule (id, passed, figures in Chinese) for ``overdue litigate explain``."""
    failed = set(row["failed_rules"] or [])

    def line(rule: str, text: str) -> tuple[str, bool, str]:
        return rule, rule not in failed, text

    def day(d: dt.date | None) -> str:
        return "—" if d is None else d.isoformat()

    types = "、".join(_LENDER_NAMES[t] for t in policy.lender_types)
    procedure = PROCEDURE_NAMES[Procedure(row["procedure"])] if row["procedure"] else "—"
    out = [
        line("lender_type", f"{_LENDER_NAMES[row['lender_type']]}；本批次起诉：{types}"),
        line(
            "min_dpd", f"逾期 {row['dpd']} 天（{row['bucket']}），政策要求至少 {policy.min_dpd} 天"
        ),
        line(
            "already_sued",
            "已于 " + day(row["sued_on"]) + " 起诉" if row["sued_on"] else "无起诉记录",
        ),
        line(
            "limitation",
            f"诉讼时效 {day(row['limitation_expires_on'])} 届满，距 {as_of} 还有 "
            f"{row['limitation_days_left']} 天，政策要求至少 {policy.limitation_margin_days} 天",
        ),
        line(
            "open_dispute",
            f"{day(row['dispute_on'])} 提出争议，尚未解决"
            if row["open_dispute"]
            else "无未解决的争议",
        ),
        line(
            "active_promise",
            f"还款承诺有效至 {day(row['promise_until'])}"
            if row["promise_until"]
            else "无有效的还款承诺",
        ),
        line(
            "active_plan",
            f"还款计划执行至 {day(row['plan_until'])}"
            if row["plan_until"]
            else "无执行中的还款计划",
        ),
        line("paused", "催收已暂停" if row["paused"] else "未暂停"),
        line(
            "defendant",
            row["defendant_problem"] or "姓名、身份证号码、住所齐全，身份证号码校验通过",
        ),
        line(
            "court",
            f"{row['court_name']}（{row['court_code']}）：{row['venue_basis']}"
            + (
                f"；可由{row['internet_court']}管辖：{row['internet_reason']}"
                if row["internet_court"]
                else ""
            )
            if row["court_code"]
            else f"区县代码 {row['county_code'] or '缺失'} 无对应基层法院，合同亦无约定管辖",
        ),
        line(
            "min_claim",
            f"标的额估算 {row['claim_estimate']} 元（可主张 {row['claimable_total']} 元"
            f" + 提前到期本金 {row['accelerated_principal']} 元），政策要求至少 {policy.min_claim} 元"
            + ("；因本院批次已足够大，按小额账户并入规则纳入" if row["joined_small_batch"] else ""),
        ),
        line(
            "recovery",
            f"{row['claim_estimate']} × 回收率 {row['recovery_rate']} − 诉讼费 {row['fee']} 元"
            f"（{procedure}）− 成本 {policy.recovery.cost_per_case} 元"
            f" = {row['expected_recovery']} 元",
        ),
        line(
            "capacity",
            f"优先级第 {row['priority_rank']} 位"
            if row["priority_rank"]
            else "未参与排序（前述规则未通过）",
        ),
    ]
    return out
