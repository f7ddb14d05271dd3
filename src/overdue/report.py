"""Human-readable output for the command line: one loan's state, and the demo run."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.table import Table

from overdue.ledger.engine import LoanState, Replay
from overdue.money import fmt, total

if TYPE_CHECKING:
    from overdue.litigation.build import BatchResult
    from overdue.portfolio.run import RunSummary

__all__ = ["batch_table", "print_state", "run_demo", "run_tables"]

Progress = Callable[[str, int, int], None]

_LABELS = {
    "late_fee": "违约金",
    "service_fee": "服务费",
    "penalty": "罚息",
    "compound": "复利",
    "interest": "利息",
    "principal": "本金",
    "upfront_fee": "前置费用",
    "credit": "余额（预存）",
}


def print_state(console: Console, result: Replay, *, explain: bool = False) -> None:
    s = result.state
    table = Table(title=f"贷款 {s.loan_id or '-'} · 截至 {s.as_of}", show_header=False)
    table.add_column("项目")
    table.add_column("金额", justify="right")
    rows: list[tuple[str, str]] = [
        ("逾期天数 dpd", str(s.dpd)),
        ("账龄 bucket", s.bucket),
        ("剩余本金", fmt(s.outstanding_principal)),
        ("逾期本金", fmt(s.overdue_principal)),
        ("逾期利息", fmt(s.overdue_interest)),
        ("罚息", fmt(s.penalty_interest)),
        ("复利", fmt(s.compound_interest)),
        ("费用（违约金、服务费）", fmt(s.fees)),
        ("合计应还（逾期部分）", fmt(s.total_due)),
        (
            "多付款（贷款已还清，应退还）" if s.repaid and s.credit > 0 else "预存余额",
            fmt(s.credit),
        ),
        ("综合年化成本", f"{s.cap.annual_rate * 100:.2f}%"),
        (
            "上限",
            "无" if s.cap.cap_rate is None else f"{s.cap.cap_rate * 100:.2f}%（{s.cap.profile}）",
        ),
        ("已计收成本", fmt(s.cap.charged)),
        ("上限内允许成本", "-" if s.cap.allowed is None else fmt(s.cap.allowed)),
        ("超出上限部分", fmt(s.cap.excess)),
        ("可依法主张合计", fmt(s.claimable_total)),
        *(
            [("多付超限部分（应冲抵未到期本金）", fmt(s.excess_beyond_overdue))]
            if s.excess_beyond_overdue > 0
            else []
        ),
        ("诉讼时效届满日", _limitation_text(s)),
        (
            "下一还款日",
            "-" if s.next_due_on is None else f"{s.next_due_on}（{fmt(s.next_due_amount)}）",
        ),
        (
            "最近还款",
            "-"
            if s.last_payment_on is None
            else f"{s.last_payment_on}（{fmt(s.last_payment_amount)}）",
        ),
    ]
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)
    for rule in s.cap.rules:
        console.print(f"[dim]上限依据：{rule}[/dim]")
    for note in s.cap.notes:
        console.print(f"[yellow]上限提示：{note}[/yellow]")
    console.print(f"[dim]时效依据：{s.limitation.rule}[/dim]")
    if not explain:
        return
    charges = Table(title="计费明细（按期、按项目、按计息区间）")
    for col in ("期", "项目", "起", "止", "天数", "基数", "利率", "金额", "依据"):
        charges.add_column(col)
    for c in result.explanation.charges:
        charges.add_row(
            "-" if c.installment is None else str(c.installment), _LABELS.get(c.component, c.component),
            "" if c.start is None else c.start.isoformat(), "" if c.end is None else c.end.isoformat(),
            "" if c.days is None else str(c.days), "" if c.base is None else fmt(c.base),
            "" if c.rate is None else f"{c.rate:.6f}".rstrip("0").rstrip("."), fmt(c.amount), c.rule,
        )  # fmt: skip
    console.print(charges)
    alloc = Table(title="还款分配")
    for col in ("还款", "日期", "期", "项目", "金额"):
        alloc.add_column(col)
    for a in result.explanation.allocations:
        alloc.add_row(
            a.payment_id, a.on.isoformat(), "-" if a.installment is None else str(a.installment),
            _LABELS.get(a.component, a.component), fmt(a.amount),
        )  # fmt: skip
    console.print(alloc)
    spans = Table(title="上限计算（按剩余本金区间）")
    for col in ("起", "止", "天数", "剩余本金", "上限年利率", "允许成本"):
        spans.add_column(col)
    for sp in result.explanation.cap_spans:
        spans.add_row(
            sp.start.isoformat(), sp.end.isoformat(), str(sp.days), fmt(sp.principal),
            f"{sp.rate * 100:.4f}%", fmt(sp.allowance),
        )  # fmt: skip
    console.print(spans)
    console.print("[dim]各区间允许成本四舍五入至分显示；合计按精确值计算后一次取整。[/dim]")


def _limitation_text(s: LoanState) -> str:
    lim = s.limitation
    text = lim.expires_on.isoformat()
    if not lim.calendar_covered:
        text += "（节假日历未覆盖该年，届满日如遇休息日将顺延）"
    return text


def counts_table(counts: Mapping[str, Mapping[str, int]], as_of: dt.date) -> Table:
    """The input counts of a run, per table and in total (read = accepted + rejected)."""
    table = Table(title=f"输入行数核对 · 截至 {as_of}（读取 = 接受 + 拒绝）")
    for col in ("表", "读取", "接受", "拒绝"):
        table.add_column(col, justify="right")
    for name, c in counts.items():
        table.add_row(name, f"{c['read']:,}", f"{c['accepted']:,}", f"{c['rejected']:,}")
    return table


def run_tables(summary: RunSummary) -> Group:
    """The input counts (read = accepted + rejected) and the bucket table of a nightly run."""
    counts = counts_table(summary.counts, summary.as_of)
    buckets = Table(title=f"账龄分布 · 截至 {summary.as_of}")
    for col in ("账龄", "户数", "剩余本金", "逾期应还", "可依法主张"):
        buckets.add_column(col, justify="right")
    for b in summary.buckets:
        buckets.add_row(
            b["bucket"], f"{b['accounts']:,}", fmt(b["outstanding_principal"]), fmt(b["total_due"]),
            fmt(b["claimable_total"]),
        )  # fmt: skip
    return Group(counts, buckets)


def run_demo(
    console: Console,
    out_dir: Path,
    as_of: dt.date,
    *,
    loans: int = 200_000,
    progress: Progress | None = None,
) -> None:
    """The main job on the embedded defaults: synthesise a portfolio, run the nightly batch for
    the previous month end and for ``as_of``, write the report, print where everything is."""
    from overdue.documents.pdf import require_fonts
    from overdue.portfolio.reports import build_report
    from overdue.portfolio.run import run_nightly
    from overdue.portfolio.snapshot import snapshot
    from overdue.portfolio.synth import synthesize

    require_fonts()  # the litigation batch at the end needs them: say so before the first step
    data = out_dir / "portfolio"
    month_end = as_of.replace(day=1) - dt.timedelta(days=1)
    if data.exists():
        shutil.rmtree(data)
    synth = synthesize(loans, data, seed=2026, as_of=as_of, progress=progress)
    console.print(
        f"synthetic portfolio: {synth.loans:,} loans, {synth.payments:,} payments, "
        f"{synth.events:,} events, {synth.borrowers:,} borrowers → {data}"
    )
    earlier = out_dir / "snapshots" / month_end.isoformat()
    if earlier.exists():  # the demo's own, from an earlier demo: taken again from the new data
        shutil.rmtree(earlier)
    snapshot(data, earlier, month_end)
    runs_dir = out_dir / "runs"
    runs = []
    for source, day in ((earlier, month_end), (data, as_of)):
        summary = run_nightly(source, runs_dir / day.isoformat(), day, progress=progress)
        runs.append(summary)
    latest = runs[-1]
    console.print(run_tables(latest))
    report = build_report([r.out_dir for r in runs], out_dir / "report")
    console.print(f"report (opens offline): {report.html.absolute()}")
    console.print(f"report tables:          {report.out_dir.absolute()}")
    console.print(f"loan states:            {(latest.out_dir / 'loan_state.parquet').absolute()}")
    console.print(f"rejects:                {(latest.out_dir / 'rejects').absolute()}")
    console.print(
        f"runs:                   {runs_dir.absolute()} ({', '.join(r.as_of.isoformat() for r in runs)})"
    )
    console.print(
        "one loan, explained:    .venv/bin/overdue loan state examples/loan.json --as-of 2025-06-30 --explain"
    )
    _demo_litigation(console, out_dir, as_of, data, latest.out_dir, progress)


def _demo_litigation(
    console: Console,
    out_dir: Path,
    as_of: dt.date,
    data: Path,
    run_dir: Path,
    progress: Progress | None,
) -> None:
    """Select with the example policy and build the batch for the example plaintiff."""
    from overdue.litigation.build import build_batch
    from overdue.litigation.policy import example_file, load_plaintiff, load_policy
    from overdue.litigation.select import select_accounts

    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    selection_dir = out_dir / "litigation" / "selection"
    sel = select_accounts(
        data_dir=data,
        state_dir=run_dir,
        policy=load_policy(example_file("POLICY.yaml")),
        as_of=as_of,
        out_dir=selection_dir,
        plaintiff=plaintiff,
    )
    console.print(
        f"litigation selection:   {sel.selected:,} of {sel.delinquent:,} delinquent accounts "
        f"selected (examples/POLICY.yaml) → {selection_dir.absolute()}"
    )

    def step(done: int, total: int) -> None:
        if progress is not None:
            progress("litigation", done, total)

    batch = build_batch(
        selection_dir=selection_dir,
        plaintiff=plaintiff,
        out_dir=out_dir / "litigation" / "batch",
        progress=step,
    )
    console.print(batch_table(batch))
    console.print(f"litigation batch:       {(batch.out_dir / 'batch.json').absolute()}")
    if batch.example_complaint_pdf is not None:
        console.print(f"open one complaint:     {batch.example_complaint_pdf.absolute()}")
    if note := materials_note(batch):
        console.print(f"to supply at filing:    {note}")
    if note := originals_note(batch):
        console.print(f"evidence originals:     {note}")
    if note := verify_note(batch):
        console.print(f"to verify before filing: {note}")
    console.print(
        "why one account:        .venv/bin/overdue litigate explain "
        f"--selection {selection_dir} --loan ID"
    )


def materials_note(batch: BatchResult) -> str:
    """The filing materials a built batch lacks (BatchResult.materials_to_supply), or ""."""
    if not batch.materials_to_supply:
        return ""
    return (
        f"{'、'.join(batch.materials_to_supply)} (PLAINTIFF.yaml names no scan under materials;"
        " every case's filing needs one)"
    )


def originals_note(batch: BatchResult) -> str:
    """The originals of each case's evidence a built batch lacks (evidence_to_supply), or ""."""
    if not batch.evidence_to_supply:
        return ""
    return f"{'、'.join(batch.evidence_to_supply)} (each case, at filing; batch.json lists them)"


def verify_note(batch: BatchResult) -> str:
    """The accounts a lawyer must check before filing (BatchResult.to_verify), or ""."""
    if not batch.to_verify:
        return ""
    first, note = batch.to_verify[0]
    return f"{len(batch.to_verify)} account(s) (batch.json to_verify), e.g. {first}: {note}"


def batch_table(r: BatchResult, limit: int = 15) -> Table:
    """Per court: accounts, total claims and total court fees of a built batch."""
    t = Table(title=f"起诉批次：{r.accounts:,} 户，{len(r.courts):,} 家法院")
    t.add_column("法院")
    t.add_column("账户", justify="right")
    t.add_column("标的额合计（元）", justify="right")
    t.add_column("诉讼费合计（元）", justify="right")
    courts = sorted(r.courts, key=lambda c: (-c.accounts, c.code))
    for c in courts[:limit]:
        t.add_row(f"{c.name}（{c.code}）", f"{c.accounts:,}", fmt(c.claim_total), fmt(c.fee_total))
    rest = courts[limit:]
    if rest:
        t.add_row(
            f"其余 {len(rest):,} 家法院",
            f"{sum(c.accounts for c in rest):,}",
            fmt(total(c.claim_total for c in rest)),
            fmt(total(c.fee_total for c in rest)),
        )
    t.add_row("合计", f"{r.accounts:,}", fmt(r.claim_total), fmt(r.fee_total), style="bold")
    return t
