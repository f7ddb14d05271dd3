"""``overdue litigate select | explain | build``: batch litigation from the nightly run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from overdue.cli import JsonFlag, _date, _emit_json, _fail, _progress_bar, out
from overdue.money import fmt
from overdue.serialize import plain

litigate_app = typer.Typer(
    no_args_is_help=True,
    help="Batch litigation: select accounts, explain decisions, build filing packages per court.",
)


def _policy(path: Path | None) -> Any:
    from overdue.litigation.policy import load_policy

    return load_policy(path)


@litigate_app.command("select")
def select_command(
    data: Annotated[Path, typer.Option(help="Portfolio directory (the nightly run's input).")],
    state: Annotated[Path, typer.Option(help="The nightly run's output directory.")],
    as_of: Annotated[str, typer.Option(help="As-of date of the run, YYYY-MM-DD.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Selection directory to write.")],
    policy: Annotated[
        Path | None, typer.Option(help="POLICY.yaml (default: the built-in policy).")
    ] = None,
    plaintiff: Annotated[
        Path | None,
        typer.Option(help="PLAINTIFF.yaml: products' agreed courts, the plaintiff's domicile."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Decide, for every delinquent account, sue or not — and which rule decided."""
    from overdue.litigation.policy import load_plaintiff
    from overdue.litigation.select import RULES, select_accounts

    day = _date(as_of, "--as-of")
    pol = _policy(policy)
    pl = load_plaintiff(plaintiff) if plaintiff else None
    r = select_accounts(
        data_dir=data, state_dir=state, policy=pol, as_of=day, out_dir=out_dir, plaintiff=pl
    )
    if as_json:
        _emit_json(
            plain(
                {
                    "out": str(out_dir),
                    "as_of": day,
                    "delinquent": r.delinquent,
                    "selected": r.selected,
                    "excluded_by": dict(r.excluded_by),
                    "courts": dict(r.courts),
                    "claim_total": r.claim_total,
                    "fee_total": r.fee_total,
                }
            )
        )
        return
    t = Table(title=f"起诉筛选 {day}（逾期账户 {r.delinquent:,} 户）")
    t.add_column("结果")
    t.add_column("规则")
    t.add_column("账户", justify="right")
    t.add_row("选中", "全部规则通过", f"{r.selected:,}")
    for rule, n in r.excluded_by.items():
        t.add_row("排除", f"未通过「{RULES[rule]}」（{rule}）", f"{n:,}")
    out.print(t)
    out.print(
        f"选中 {r.selected:,} 户，{len(r.courts):,} 家法院；标的额合计 {fmt(r.claim_total)} 元，"
        f"诉讼费合计 {fmt(r.fee_total)} 元"
    )
    out.print(f"decisions: {(out_dir / 'decisions.parquet').absolute()}")
    out.print(f"why one account: overdue litigate explain --selection {out_dir} --loan ID")


@litigate_app.command("explain")
def explain_command(
    selection: Annotated[Path, typer.Option(help="Selection directory (litigate select).")],
    loan: Annotated[str, typer.Option(help="The loan id.")],
    as_json: JsonFlag = False,
) -> None:
    """Why an account was selected or excluded, rule by rule, with the figures."""
    import json

    import pyarrow.compute as pc

    from overdue.litigation.policy import Policy
    from overdue.litigation.select import RULES, SELECTION_FILE, decision_lines, read_decisions

    table = read_decisions(selection)
    rows = table.filter(pc.equal(table["loan_id"], loan)).to_pylist()
    if not rows:
        _fail(
            f"--loan: {loan!r} is not a delinquent account of this selection "
            "(current accounts are not considered)"
        )
    row = rows[0]
    meta = json.loads((selection / SELECTION_FILE).read_text(encoding="utf-8"))
    pol = Policy.model_validate(meta["policy"])
    day = dt.date.fromisoformat(meta["as_of"])
    lines = decision_lines(row, pol, day)
    if as_json:
        _emit_json(
            plain(
                {
                    "loan_id": loan,
                    "selected": row["selected"],
                    "excluded_by": row["excluded_by"],
                    "rules": [{"rule": r, "passed": ok, "detail": text} for r, ok, text in lines],
                    "court": row["court_name"],
                    "procedure": row["procedure"],
                    "claim_estimate": row["claim_estimate"],
                    "fee": row["fee"],
                }
            )
        )
        return
    verdict = (
        "选中起诉"
        if row["selected"]
        else f"不起诉：未通过「{RULES[row['excluded_by']]}」（{row['excluded_by']}）"
    )
    t = Table(title=f"{loan}：{verdict}")
    t.add_column("规则")
    t.add_column("结果")
    t.add_column("依据与数字")
    for rule, ok, text in lines:
        t.add_row(f"{rule}\n{RULES[rule]}", "通过" if ok else "[bold red]未通过[/]", text)
    out.print(t)


@litigate_app.command("build")
def build_command(
    selection: Annotated[Path, typer.Option(help="Selection directory (litigate select).")],
    plaintiff: Annotated[Path, typer.Option(help="PLAINTIFF.yaml (the lender and its lawyer).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Batch directory to write.")],
    workers: Annotated[int, typer.Option(help="Worker processes (default: all cores).", min=0)] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Documents, evidence, filing lists and a ZIP per court for the selected accounts."""
    from overdue.litigation.build import build_batch
    from overdue.litigation.policy import load_plaintiff

    pl = load_plaintiff(plaintiff)
    bar, update = _progress_bar()
    with bar:
        r = build_batch(
            selection_dir=selection,
            plaintiff=pl,
            out_dir=out_dir,
            workers=workers or None,
            progress=lambda done, total: update("litigation", done, total),
        )
    if as_json:
        _emit_json(
            plain(
                {
                    "out": str(out_dir),
                    "accounts": r.accounts,
                    "documents": r.documents,
                    "claim_total": r.claim_total,
                    "fee_total": r.fee_total,
                    "courts": [
                        {
                            "code": c.code,
                            "name": c.name,
                            "accounts": c.accounts,
                            "claim_total": c.claim_total,
                            "fee_total": c.fee_total,
                            "zip": c.zip_file,
                        }
                        for c in r.courts
                    ],
                    "example_complaint_pdf": str(r.example_complaint_pdf or ""),
                    "materials_to_supply": list(r.materials_to_supply),
                    "evidence_to_supply": list(r.evidence_to_supply),
                    "to_verify": [{"loan_id": i, "note": n} for i, n in r.to_verify],
                }
            )
        )
        return
    print_batch(r)


def print_batch(r: Any) -> None:
    """The per-court table of a built batch and where to open one complaint."""
    from overdue.report import batch_table, materials_note, originals_note, verify_note

    out.print(batch_table(r))
    out.print(f"batch:     {(r.out_dir / 'batch.json').absolute()}")
    if note := materials_note(r):
        out.print(f"to supply: {note}")
    if note := originals_note(r):
        out.print(f"originals: {note}")
    if note := verify_note(r):
        out.print(f"to verify: {note}")
    if r.example_complaint_pdf:
        out.print(f"complaint: {r.example_complaint_pdf.absolute()}")


__all__ = ["litigate_app", "print_batch"]
