"""The command line: ``overdue schedule | fee | caseno | deadline | loan state | demo``.

Thin by design (DESIGN.md, decision 7): each command parses its options, calls one domain
function and prints the result as a Rich table or, with ``--json``, as machine-readable JSON
(money as two-decimal strings, dates ISO). Bad input exits with status 2 and one line that
names the field and what is wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from typer._click import exceptions as click_errors  # typer 0.29 vendors click; pinned

from overdue.errors import InputError, OverdueError
from overdue.ledger.contract import (
    Contract,
    DayCount,
    Loan,
    RateUnit,
    RepaymentMethod,
    typed_terms_problem,
)
from overdue.ledger.engine import replay
from overdue.ledger.loanfile import loan_from_dict
from overdue.ledger.schedule import build_schedule
from overdue.money import MoneyError, fmt, parse_rate, yuan
from overdue.rules.caps import CapProfile
from overdue.serialize import explanation_json, plain, schedule_json, state_json

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="overdue: consumer-loan delinquency under Chinese law — exact ledger, court fees, "
    "case numbers and statutory deadlines.",
)
loan_app = typer.Typer(no_args_is_help=True, help="One loan from a LOAN.json file.")
app.add_typer(loan_app, name="loan")

out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


def _emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _amount(value: str, option: str) -> Decimal:
    try:
        return yuan(value)
    except MoneyError as exc:
        _fail(f"{option}: {exc}")


def _today() -> dt.date:
    """Today in mainland China: the default as-of date of the faces (never of the domain)."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{option}: not a date in the form YYYY-MM-DD: {value!r}")


@app.command()
def schedule(
    principal: Annotated[str, typer.Option(help="Amount lent, yuan.")],
    rate: Annotated[str, typer.Option(help="Contract rate, e.g. 0.12 or 12%.")],
    term: Annotated[int, typer.Option(help="Number of monthly installments.")],
    method: Annotated[RepaymentMethod, typer.Option(help="Repayment method.")],
    start: Annotated[str, typer.Option(help="Disbursement date, YYYY-MM-DD.")],
    rate_unit: Annotated[RateUnit, typer.Option(help="Unit of --rate.")] = RateUnit.ANNUAL,
    day_count: Annotated[
        DayCount, typer.Option(help="Day count (daily rates).")
    ] = DayCount.ACT_360,
    as_json: JsonFlag = False,
) -> None:
    """Repayment schedule: due dates, principal, interest and payment of every installment."""
    try:
        contract = Contract(
            principal=_amount(principal, "--principal"),
            disbursed_on=_date(start, "--start"),
            term_months=term,
            method=method,
            rate=parse_rate(rate),
            rate_unit=rate_unit,
            day_count=day_count,
        )
    except MoneyError as exc:
        _fail(f"--rate: {exc}")
    except ValueError as exc:
        _fail(str(exc))
    _check_typed(contract)
    result = build_schedule(contract)
    if as_json:
        _emit_json(schedule_json(result))
        return
    table = Table(
        title=f"还款计划 · {method.value} · {fmt(contract.principal)} 元 · {rate} {rate_unit.value}"
    )
    for col in ("期数", "还款日", "本金", "利息", "应还"):
        table.add_column(col, justify="right")
    for i in result.installments:
        table.add_row(
            str(i.no), i.due_on.isoformat(), fmt(i.principal), fmt(i.interest), fmt(i.payment)
        )
    table.add_section()
    table.add_row(
        "合计",
        "",
        fmt(result.total_principal),
        fmt(result.total_interest),
        fmt(result.total_payment),
    )
    out.print(table)


@app.command()
def fee(
    amount: Annotated[str, typer.Option(help="Amount in dispute (标的额), yuan.")],
    kind: Annotated[
        str, typer.Option(help="acceptance | preservation | enforcement | payment-order")
    ] = "acceptance",
    procedure: Annotated[
        str, typer.Option(help="ordinary | simplified | small-claims | mediated | withdrawn")
    ] = "ordinary",
    rounding: Annotated[str, typer.Option(help="cent | yuan")] = "cent",
    as_json: JsonFlag = False,
) -> None:
    """Court fee under 《诉讼费用交纳办法》 (受理费, 保全费, 执行费, 支付令)."""
    from overdue.rules.fees import FeeKind, FeeRounding, Procedure, court_fee

    choices = {
        "--kind": (FeeKind, kind),
        "--procedure": (Procedure, procedure),
        "--rounding": (FeeRounding, rounding),
    }
    parsed: dict[str, Any] = {}
    for option, (enum, value) in choices.items():
        try:
            parsed[option] = enum(value)
        except ValueError:
            _fail(f"{option}: must be one of {', '.join(e.value for e in enum)}; got {value!r}")
    result = court_fee(
        _amount(amount, "--amount"), parsed["--kind"], parsed["--procedure"], parsed["--rounding"]
    )
    if as_json:
        _emit_json(
            {
                "amount": plain(result.amount),
                "kind": result.kind.value,
                "procedure": result.procedure.value,
                "fee_full": plain(result.fee_full),
                "fee": plain(result.fee),
                "rule": result.rule,
                "status": result.status.value,
                "policy_notes": list(result.policy_notes),
            }
        )
        return
    out.print(f"标的额 {fmt(result.amount)} 元 · {result.kind.value} · {result.procedure.value}")
    out.print(f"全额 {fmt(result.fee_full)} 元；应交 [bold]{fmt(result.fee)}[/bold] 元")
    out.print(f"依据：{result.rule}")
    for note in result.policy_notes:
        out.print(f"[dim]注：{note}[/dim]")


@app.command()
def caseno(
    number: Annotated[str, typer.Argument(help="Case number, e.g. (2024)浙0192民初1779号")],
    as_of: Annotated[
        str | None, typer.Option(help="Check the year against this date (default today).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Parse and validate a case number (案号); exit 0 when valid, 1 when not."""
    from overdue.rules.caseno import check_case_number

    day = _date(as_of, "--as-of") if as_of else _today()
    result = check_case_number(number, day)
    if as_json:
        keys = (
            "valid", "year", "court_code", "court_name", "special_code", "type_code",
            "type_name", "sequence", "suffix", "problems", "status", "court_known", "normalized",
        )  # fmt: skip
        data = plain(result)
        _emit_json({k: data[k] for k in keys if k in data})
    else:
        mark = "[green]有效[/green]" if result.valid else "[red]无效[/red]"
        out.print(f"{number} → {mark}（{result.status}）")
        for label, value in (
            ("年份", result.year), ("法院", f"{result.court_code} {result.court_name or '（未知法院）'}"),
            ("专门审判", result.special_code), ("类型", f"{result.type_code} {result.type_name or ''}"),
            ("序号", result.sequence), ("后缀", result.suffix),
        ):  # fmt: skip
            if value not in (None, ""):
                out.print(f"  {label}：{value}")
        for problem in result.problems:
            out.print(f"  [yellow]• {problem}[/yellow]")
    raise typer.Exit(0 if result.valid else 1)


@app.command()
def deadline(
    kind: Annotated[
        str,
        typer.Option(
            help="answer | appeal-judgment | appeal-ruling | enforcement-application | public-notice | "
            "ordinary-trial | simplified-trial | small-claims-trial"
        ),
    ],
    from_: Annotated[str, typer.Option("--from", help="Day the period runs from, YYYY-MM-DD.")],
    as_json: JsonFlag = False,
) -> None:
    """Last day of a statutory period (民事诉讼法 Art. 85, holiday-aware)."""
    from overdue.rules.periods import DeadlineKind
    from overdue.rules.periods import deadline as compute_deadline

    try:
        which = DeadlineKind(kind)
    except ValueError:
        _fail(f"--kind: must be one of {', '.join(k.value for k in DeadlineKind)}; got {kind!r}")
    result = compute_deadline(which, _date(from_, "--from"))
    if as_json:
        _emit_json(
            {
                "kind": result.kind.value,
                "from": result.start.isoformat(),
                "last_day": result.last_day.isoformat(),
                "rolled_over": result.rolled_over,
                "nominal_last_day": result.nominal_last_day.isoformat(),
                "rule": result.rule,
                "after": result.after_zh,
            }
        )
        return
    rolled = f"（原届满日 {result.nominal_last_day} 为休息日，顺延）" if result.rolled_over else ""
    out.print(f"自 {result.start} 起算，最后一日：[bold]{result.last_day}[/bold]{rolled}")
    out.print(f"依据：{result.rule}")
    out.print(f"逾期后果：{result.after_zh}")


@loan_app.command("state")
def loan_state_command(
    loan_file: Annotated[Path | None, typer.Argument(help="LOAN.json (see README).")] = None,
    as_of: Annotated[str, typer.Option(help="State at the end of this day, YYYY-MM-DD.")] = "",
    data: Annotated[
        Path | None, typer.Option(help="A portfolio directory (instead of LOAN.json).")
    ] = None,
    loan: Annotated[str | None, typer.Option(help="The loan id within --data.")] = None,
    cap: Annotated[
        CapProfile | None, typer.Option(help="Cap profile (default: by lender type).")
    ] = None,
    filed_on: Annotated[
        str | None, typer.Option(help="Filing date for the 2020 transitional rule.")
    ] = None,
    explain: Annotated[
        bool, typer.Option(help="Break every figure down by installment and span.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Where one loan stands on a date: dpd, bucket, balances, cap check, limitation.

    Reads LOAN.json, or one loan of a portfolio (--data DIR --loan ID) to cross-check a row of
    the nightly run with the reference ledger.
    """
    if not as_of:
        _fail("--as-of: missing (YYYY-MM-DD)")
    day = _date(as_of, "--as-of")
    if (loan_file is None) == (data is None):
        _fail("give either LOAN.json or --data DIR --loan ID")
    if data is not None:
        if not loan:
            _fail("--loan: missing (the loan id within --data)")
        the_loan = _portfolio_loan(data, loan, day)
    else:
        assert loan_file is not None
        the_loan = _loan_file(loan_file)
    filed = _date(filed_on, "--filed-on") if filed_on else None
    try:
        result = replay(the_loan, day, cap=cap, filed_on=filed)
    except InputError as exc:  # (--filed-on before the contract)
        raise _as_option(exc) from exc
    except ValueError as exc:
        _fail(f"--as-of: {exc}")
    if as_json:
        data_out = state_json(result.state)
        if explain:
            data_out["explanation"] = explanation_json(result.explanation)
        _emit_json(data_out)
        return
    from overdue.report import print_state

    print_state(out, result, explain=explain)


_P = ParamSpec("_P")

# The borrower library names its fields as the JSON API does; on the command line an error
# names the option the user typed instead (a field not listed keeps its name).
_OPTION_OF_FIELD = {
    "received": "--received", "disbursed_on": "--disbursed-on", "upfront_fee": "--upfront-fee",
    "rate": "--rate", "schedule.amount": "--amount", "schedule.count": "--count",
    "schedule.first_on": "--first-on", "payments": "--payment", "claimed_total": "--claimed-total",
    "claimed_items": "--item", "debt": "--debt", "monthly_income": "--income",
    "monthly_expenses": "--expenses", "monthly_fee_rate": "--fee-rate",
    "first_due_on": "--first-due-on", "lawful_total": "--lawful-total", "lender_name": "--lender",
    "borrower_name": "--name", "kind": "--kind", "received_on": "--received-on",
    "small_claims": "--small-claims", "received_at": "--received-at", "text": "TEXT",
    "as_of": "--as-of", "filed_on": "--filed-on",
}  # fmt: skip


def _named_options(command: Callable[_P, None]) -> Callable[_P, None]:
    """The command, its :class:`InputError` naming the command-line option of the field
    (``payments[2].on`` -> ``--payment #3 (on)``; ``claimed_items.罚息`` -> ``--item 罚息``)."""

    @functools.wraps(command)
    def named(*args: _P.args, **kwargs: _P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except InputError as exc:
            raise _as_option(exc) from exc

    return named


def _as_option(exc: InputError) -> InputError:
    """``exc`` naming the option of its field, or ``exc`` itself (a file's field; a field
    with no option)."""
    if exc.source is not None:  # a file's field: named as in the file
        return exc
    field = exc.field
    head, _, rest = field.partition(".")
    indexed = re.fullmatch(r"(\w+)\[(\d+)\](?:\.(\w+))?", field)
    if field in _OPTION_OF_FIELD:
        option = _OPTION_OF_FIELD[field]
    elif indexed and indexed.group(1) in _OPTION_OF_FIELD:
        part = f" ({indexed.group(3)})" if indexed.group(3) else ""
        option = f"{_OPTION_OF_FIELD[indexed.group(1)]} #{int(indexed.group(2)) + 1}{part}"
    elif head in _OPTION_OF_FIELD and rest:
        option = f"{_OPTION_OF_FIELD[head]} {rest}"
    else:
        return exc
    return InputError(option, exc.message)


def _check_typed(contract: Contract) -> None:
    """Exit 2 naming --rate or --term when terms typed on the command line are implausible
    (:func:`overdue.ledger.contract.typed_terms_problem`)."""
    if problem := typed_terms_problem(contract):
        _fail(f"--{'term' if problem[0] == 'term_months' else 'rate'}: {problem[1]}")


def _utf8(data: bytes, where: str) -> str:
    """``data`` as text: UTF-8, with or without the byte-order mark Windows Notepad writes;
    other encodings (GBK, UTF-16 …) are refused in one line naming ``where``, not guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(
            f"{where}: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); "
            f"save it as UTF-8 and try again"
        )


def _loan_file(path: Path) -> Loan:
    """A LOAN.json file, read and checked; a problem exits 2 with one line naming the file."""
    try:
        text = _utf8(path.read_bytes(), str(path))
    except OSError as exc:
        _fail(f"{path}: cannot read ({exc.strerror})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
    try:
        return loan_from_dict(data)
    except InputError as exc:
        _fail(f"{path}: {exc}")


def _portfolio_loan(data_dir: Path, loan_id: str, as_of: dt.date) -> Loan:
    """One loan of a portfolio, with the rows the nightly run accepts."""
    from overdue.portfolio.one_loan import LoanNotAccepted, accepted_loan

    try:
        return accepted_loan(data_dir, loan_id, as_of)
    except LoanNotAccepted as exc:
        _fail(f"--loan: {exc}")


portfolio_app = typer.Typer(no_args_is_help=True, help="Portfolio input.")
app.add_typer(portfolio_app, name="portfolio")


@portfolio_app.command("schema")
def portfolio_schema(as_json: JsonFlag = False) -> None:
    """Print the portfolio input schema (tables, columns, rules)."""
    from overdue.portfolio.schema import schema_json, schema_text

    print(schema_json() if as_json else schema_text())


@portfolio_app.command("snapshot")
def portfolio_snapshot(
    data: Annotated[Path, typer.Option(help="Portfolio directory (Parquet tables).")],
    on: Annotated[str, typer.Option(help="The day, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option(help="New (or empty) directory for the snapshot.")],
) -> None:
    """The portfolio as it stood on an earlier day: loans disbursed by then, their payments and
    events dated on or before it and their whole schedules (to run last month-end's run)."""
    from overdue.portfolio.snapshot import snapshot

    counts = snapshot(data, out, _date(on, "--on"))
    for name, rows in counts.items():
        print(f"{name}: {rows:,} rows")
    print(f"snapshot as of {on}: {out}")


def _progress_bar() -> tuple[Any, Any]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=False,
    )  # fmt: skip
    tasks: dict[str, Any] = {}

    def update(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    return bar, update


@app.command("run")
def run_command(
    data: Annotated[Path, typer.Option(help="Portfolio directory (see overdue portfolio schema).")],
    as_of: Annotated[str, typer.Option(help="As-of date, YYYY-MM-DD.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where the run is published (a link).")],
    engine: Annotated[str, typer.Option(help="duckdb | spark")] = "duckdb",
    max_reject_ratio: Annotated[
        str, typer.Option(help="Fail above this share of rejected rows.")
    ] = "0.05",
    spark_master: Annotated[
        str, typer.Option(help="Spark master URL (engine spark).")
    ] = "local[*]",
    as_json: JsonFlag = False,
) -> None:
    """The nightly run: every loan's state as of a date, with rejects, summaries and a manifest."""
    from overdue.portfolio.load import RejectThresholdExceeded, counts_by_table
    from overdue.portfolio.run import check_out, run_nightly
    from overdue.report import counts_table

    if engine not in ("duckdb", "spark"):
        _fail(f"--engine: must be duckdb or spark; got {engine!r}")
    day = _date(as_of, "--as-of")
    ratio = _amount(max_reject_ratio, "--max-reject-ratio")
    if not 0 <= ratio <= 1:
        _fail(f"--max-reject-ratio: must be between 0 and 1 (a share of the rows); got {ratio}")
    check_out(out_dir)  # before the progress bar and the hours of work
    if engine == "spark":
        from overdue.portfolio.spark import check_master

        check_master(spark_master, "--spark-master")
    bar, update = _progress_bar()
    try:
        with bar:
            summary = run_nightly(
                data,
                out_dir,
                day,
                engine=engine,
                max_reject_ratio=ratio,
                progress=update,
                spark_master=spark_master,
            )
    except RejectThresholdExceeded as exc:
        # A failed night is when the counts matter most: print them before the error.
        counts = counts_by_table(exc.counts)
        if as_json:
            _emit_json(
                {"out": str(out_dir), "as_of": day.isoformat(), "failed": True,
                 "counts": counts, "rejects": str(exc.rejects_dir),
                 "most_common": dict(exc.common)}
            )  # fmt: skip
        else:
            out.print(counts_table(counts, day))
        _fail(str(exc))
    if as_json:
        _emit_json(
            plain(
                {
                    "out": str(out_dir),
                    "as_of": day,
                    "counts": summary.counts,
                    "buckets": summary.buckets,
                }
            )
        )
        return
    from overdue.report import run_tables

    out.print(run_tables(summary))
    out.print(f"loan_state: {(out_dir / 'loan_state.parquet').absolute()}")
    out.print(f"rejects:    {(out_dir / 'rejects').absolute()}")
    out.print(f"manifest:   {(out_dir / 'manifest.json').absolute()}")


@app.command()
def synth(
    loans: Annotated[int, typer.Option(help="Number of loans.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Portfolio directory to write.")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 1,
    as_of: Annotated[
        str, typer.Option(help="Payments are simulated up to this date.")
    ] = "2026-11-20",
) -> None:
    """A realistic synthetic portfolio (loans, payments, events, borrowers), deterministic by seed."""
    from overdue.portfolio.synth import check_arguments, synthesize

    day = _date(as_of, "--as-of")
    check_arguments(loans, seed, day)  # one line and exit status 2, before the progress bar
    bar, update = _progress_bar()
    with bar:
        summary = synthesize(loans, out_dir, seed=seed, as_of=day, progress=update)
    counts = ", ".join(f"{k} {v:,}" for k, v in summary.counts.items())
    out.print(f"{counts} in {summary.seconds:.1f} s → {out_dir.resolve()}")


@app.command()
def report(
    runs: Annotated[list[Path], typer.Option("--runs", help="Run directories (repeat or list).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the report.")],
) -> None:
    """Portfolio report: buckets, roll rates, cure rates, vintages, limitation, write-off candidates."""
    from overdue.portfolio.reports import build_report

    summary = build_report(runs, out_dir)
    out.print(f"report: {(out_dir / 'report.html').resolve()}")
    out.print(f"tables: {out_dir.resolve()} ({len(summary.tables)} tables as CSV and Parquet)")


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the outputs.")] = Path(
        "out/demo"
    ),
    as_of: Annotated[str, typer.Option(help="As-of date of the latest run.")] = "2026-11-20",
    loans: Annotated[int, typer.Option(help="Loans to synthesise.")] = 200_000,
) -> None:
    """The main job on the embedded defaults: synthesise, run nightly (two dates), report."""
    from overdue.report import run_demo

    bar, update = _progress_bar()
    with bar:
        run_demo(out, out_dir, _date(as_of, "--as-of"), loans=loans, progress=update)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """The web service: the borrower's pages and the JSON API (/api/..., /openapi.json)."""
    import uvicorn

    from overdue.web.app import create_app

    # No access log: the service keeps no record of who asked what (issue 5).
    uvicorn.run(create_app(), host=host, port=port, access_log=False, server_header=False)


# Command groups defined in their own modules (they import the helpers above).
from overdue.cli_check import check_app  # noqa: E402
from overdue.cli_litigate import litigate_app  # noqa: E402

app.add_typer(litigate_app, name="litigate")
app.add_typer(check_app, name="check")


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line on stderr and exit status 2."""
    command = typer.main.get_command(app)
    try:
        # Without standalone mode, click returns the code of a typer.Exit instead of raising.
        code = command.main(args=argv, prog_name="overdue", standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click_errors.NoArgsIsHelpError as exc:
        print(exc.format_message(), file=sys.stderr)
        raise SystemExit(2) from None
    except click_errors.ClickException as exc:
        print(f"error: {exc.format_message()}", file=sys.stderr)
        raise SystemExit(2) from None
    except typer.Abort:
        raise SystemExit(130) from None
    except OverdueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    raise SystemExit(code if isinstance(code, int) else 0)
