"""``overdue check apr | claim | caseno | message | deadline | plan``: the borrower's questions.

Thin: each command parses its options, calls one :mod:`overdue.borrower` function and prints
the result's plain-Chinese lines, or with ``--json`` its ``to_json()``. ``--as-of`` defaults
to today in mainland China here, at the edge, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from overdue.borrower.wording import for_reader
from overdue.cli import (
    JsonFlag,
    _amount,
    _check_typed,
    _date,
    _emit_json,
    _fail,
    _loan_file,
    _named_options,
    _today,
    _utf8,
)
from overdue.documents.context import NegotiationLetterContext
from overdue.errors import CalendarCoverageError
from overdue.ledger.contract import (
    Contract,
    LenderType,
    RateUnit,
    RepaymentMethod,
)
from overdue.money import MoneyError, parse_rate

check_app = typer.Typer(
    no_args_is_help=True,
    help="Borrower checks: true cost, a collector's claim, case numbers, messages, deadlines, "
    "an affordable plan.",
)

AsOf = Annotated[str | None, typer.Option(help="As-of date, YYYY-MM-DD (default: today).")]


def _as_of(value: str | None) -> dt.date:
    return _date(value, "--as-of") if value else _today()


def _print(lines: tuple[str, ...]) -> None:
    for line in lines:
        print(for_reader(line))


def _dated_amount(text: str, option: str) -> tuple[dt.date, Decimal]:
    day, sep, amount = text.partition(":")
    if not sep:
        _fail(f"{option}: expected DATE:AMOUNT, e.g. 2025-02-15:1000; got {text!r}")
    return _date(day, option), _amount(amount, option)


@check_app.command("apr")
@_named_options
def apr_command(
    received: Annotated[str | None, typer.Option(help="Amount received (到手金额), yuan.")] = None,
    disbursed_on: Annotated[str | None, typer.Option(help="Day received, YYYY-MM-DD.")] = None,
    payment: Annotated[
        list[str] | None,
        typer.Option(help="A payment made or scheduled, DATE:AMOUNT (repeat the option)."),
    ] = None,
    count: Annotated[int | None, typer.Option(help="Regular schedule: number of payments.")] = None,
    amount: Annotated[str | None, typer.Option(help="Regular schedule: amount of each.")] = None,
    first_on: Annotated[
        str | None, typer.Option(help="Regular schedule: first payment day.")
    ] = None,
    upfront_fee: Annotated[
        str | None,
        typer.Option(
            help="A fee taken at the start: with payments, one you paid back out of --received "
            "(a fee deducted before the money arrived is already out of --received: leave it "
            "out); with --rate, one deducted from the principal. Default 0."
        ),
    ] = None,
    lender_type: Annotated[
        LenderType | None, typer.Option(help="licensed (default) or private.")
    ] = None,
    contract_on: Annotated[
        str | None, typer.Option(help="Contract date for the LPR (default: disbursement).")
    ] = None,
    loan: Annotated[
        Path | None, typer.Option(help="LOAN.json: use the contract's stated terms instead.")
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option(
            help="Stated rate (instead of payments), e.g. 0.18 or 2%; --received is the principal."
        ),
    ] = None,
    rate_unit: Annotated[
        RateUnit | None, typer.Option(help="Unit of --rate (default annual).")
    ] = None,
    term: Annotated[int | None, typer.Option(help="Stated terms: number of months.")] = None,
    method: Annotated[
        RepaymentMethod | None,
        typer.Option(help="Stated terms: repayment method (default equal-installment)."),
    ] = None,
    service_fee: Annotated[
        str | None, typer.Option(help="Stated terms: fee per installment (default 0).")
    ] = None,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """True annual cost (IRR) against the legal cap: nominal (IRR x 12) and effective."""
    from overdue.borrower.apr import RegularSchedule, check_apr, check_contract_apr

    day = _as_of(as_of)
    paid = [o for o, v in (("--payment", payment), ("--count", count), ("--amount", amount),
                           ("--first-on", first_on)) if v is not None]  # fmt: skip
    stated = [o for o, v in (("--rate", rate), ("--term", term)) if v is not None]
    # options that only the stated terms use, and those of both ways of asking
    stated_only = [o for o, v in (("--rate-unit", rate_unit), ("--method", method),
                                  ("--service-fee", service_fee)) if v is not None]  # fmt: skip
    either = [o for o, v in (("--received", received), ("--disbursed-on", disbursed_on),
                             ("--upfront-fee", upfront_fee), ("--lender-type", lender_type),
                             ("--contract-on", contract_on)) if v is not None]  # fmt: skip
    if loan is not None:
        given = [*paid, *stated, *stated_only, *either]
        if given:
            _fail(f"--loan takes the terms from LOAN.json; leave out {', '.join(given)}")
    elif stated_only and not stated:
        _fail(f"{', '.join(stated_only)} describe stated terms: give them with --rate and --term")
    elif paid and stated:
        _fail(
            f"give the payments ({', '.join(paid)}) or the stated terms ({', '.join(stated)}), "
            f"not both: they are two ways of asking"
        )
    if loan is not None:
        result = check_contract_apr(_loan_file(loan).contract, as_of=day)
    elif rate is not None:
        if received is None or disbursed_on is None or term is None:
            _fail("--rate needs --received (the principal), --disbursed-on and --term")
        try:
            contract = Contract(
                principal=_amount(received, "--received"),
                disbursed_on=_date(disbursed_on, "--disbursed-on"),
                term_months=term,
                method=method or RepaymentMethod.EQUAL_INSTALLMENT,
                rate=parse_rate(rate),
                rate_unit=rate_unit or RateUnit.ANNUAL,
                upfront_fee=_amount(upfront_fee or "0", "--upfront-fee"),
                service_fee=_amount(service_fee or "0", "--service-fee"),
                lender_type=lender_type or LenderType.LICENSED,
                signed_on=_date(contract_on, "--contract-on") if contract_on else None,
            )
        except MoneyError as exc:
            _fail(f"--rate: {exc}")
        except ValueError as exc:
            _fail(f"--rate/--term: {exc}")
        _check_typed(contract)
        result = check_contract_apr(contract, as_of=day)
    else:
        if received is None or disbursed_on is None:
            _fail("--received and --disbursed-on are required (or give --loan LOAN.json)")
        schedule = None
        if count is not None or amount is not None or first_on is not None:
            if count is None or amount is None or first_on is None:
                _fail("--count, --amount and --first-on go together (a regular schedule)")
            schedule = RegularSchedule(
                count, _amount(amount, "--amount"), _date(first_on, "--first-on")
            )
        payments = [_dated_amount(p, "--payment") for p in payment] if payment else None
        result = check_apr(
            received=_amount(received, "--received"),
            disbursed_on=_date(disbursed_on, "--disbursed-on"),
            payments=payments,
            schedule=schedule,
            upfront_fee=_amount(upfront_fee or "0", "--upfront-fee"),
            lender_type=lender_type or LenderType.LICENSED,
            contract_on=_date(contract_on, "--contract-on") if contract_on else None,
            as_of=day,
        )
    if as_json:
        _emit_json(result.to_json())
    else:
        _print(result.lines)


@check_app.command("claim")
@_named_options
def claim_command(
    loan_file: Annotated[Path, typer.Argument(help="LOAN.json: contract terms and payments.")],
    claimed_total: Annotated[
        str | None, typer.Option(help="The total the collector claims, yuan.")
    ] = None,
    item: Annotated[
        list[str] | None,
        typer.Option(help="A claimed item, NAME=AMOUNT (本金/利息/罚息/复利/违约金/服务费/其他)."),
    ] = None,
    filed_on: Annotated[
        str | None, typer.Option(help="Filing date for the 2020 transitional rule.")
    ] = None,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute the lawful amount with the reference ledger and compare item by item."""
    from overdue.borrower.claim import check_claim

    items: dict[str, Decimal] = {}
    for text in item or []:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            _fail(f"--item: expected NAME=AMOUNT, e.g. 罚息=3674.23; got {text!r}")
        items[name.strip()] = items.get(name.strip(), Decimal(0)) + _amount(value, f"--item {name}")
    result = check_claim(
        _loan_file(loan_file),
        claimed_total=_amount(claimed_total, "--claimed-total") if claimed_total else None,
        claimed_items=items or None,
        as_of=_as_of(as_of),
        filed_on=_date(filed_on, "--filed-on") if filed_on else None,
    )
    if as_json:
        _emit_json(result.to_json())
    else:
        _print(result.lines)


@check_app.command("caseno")
@_named_options
def caseno_command(
    text: Annotated[
        str, typer.Argument(help="A case number, or the whole message that mentions one.")
    ] = "",
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """What a case number means and how to verify it; exit 0 when valid, 1 when not."""
    from overdue.borrower.caseno import explain_case_number

    result = explain_case_number(text or None, _as_of(as_of))
    if as_json:
        _emit_json(result.to_json())
    else:
        _print(result.lines)
    raise typer.Exit(0 if result.valid else 1)


@check_app.command("message")
@_named_options
def message_command(
    text: Annotated[str, typer.Argument(help="The message text; - reads it from stdin.")],
    received_at: Annotated[
        str | None,
        typer.Option(help="When it came, ISO 8601 (e.g. 2026-11-18T23:15 or with +08:00)."),
    ] = None,
    catalogue: Annotated[
        Path | None, typer.Option(help="An edited copy of message_rules.yaml.")
    ] = None,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Is this collection message lawful, abusive or fraud — and what to do about it."""
    from overdue.borrower.messages import lint_message, load_catalogue

    body = _utf8(sys.stdin.buffer.read(), "standard input") if text == "-" else text
    at = None
    if received_at:
        try:
            at = dt.datetime.fromisoformat(received_at)
        except ValueError:
            _fail(f"--received-at: not an ISO date-time (e.g. 2026-11-18T23:15): {received_at!r}")
    cat = load_catalogue(catalogue) if catalogue else None
    result = lint_message(body, at, _as_of(as_of), cat)
    if as_json:
        _emit_json(result.to_json())
    else:
        _print(result.lines)


@check_app.command("deadline")
@_named_options
def deadline_command(
    kind: Annotated[
        str, typer.Option(help="complaint | judgment | ruling | payment-order (what you received)")
    ],
    received_on: Annotated[str, typer.Option(help="Day you received it, YYYY-MM-DD.")],
    small_claims: Annotated[
        bool, typer.Option(help="The judgment or ruling is of a small-claims case (小额诉讼).")
    ] = False,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Last day to answer, appeal or object, holiday-aware, and what happens after it."""
    from overdue.borrower.deadlines import borrower_deadline
    from overdue.dates import calendar_coverage_zh

    try:
        result = borrower_deadline(
            kind,
            _date(received_on, "--received-on"),
            as_of=_as_of(as_of),
            small_claims=small_claims,
        )
    except CalendarCoverageError:
        _fail(calendar_coverage_zh())
    if as_json:
        _emit_json(result.to_json())
    else:
        _print(result.lines)


@check_app.command("plan")
@_named_options
def plan_command(
    debt: Annotated[str, typer.Option(help="What is owed, yuan.")],
    income: Annotated[str, typer.Option(help="Monthly income, yuan.")],
    expenses: Annotated[str, typer.Option(help="Essential monthly expenses, yuan.")],
    fee_rate: Annotated[
        str | None, typer.Option(help="Lender's installment fee per month, e.g. 0.006 or 0.6%.")
    ] = None,
    first_due_on: Annotated[
        str | None, typer.Option(help="First installment day (default: a month after --as-of).")
    ] = None,
    letter: Annotated[
        Path | None,
        typer.Option(help="Write 协商还款申请书 (DOCX and PDF) into this directory."),
    ] = None,
    lender: Annotated[str, typer.Option(help="Letter: the lender's name.")] = "",
    name: Annotated[str, typer.Option(help="Letter: your name.")] = "",
    id_masked: Annotated[str, typer.Option(help="Letter: ID number, masked.")] = "",
    phone: Annotated[str, typer.Option(help="Letter: your phone.")] = "",
    contract_no: Annotated[str, typer.Option(help="Letter: contract number.")] = "",
    hardship: Annotated[str, typer.Option(help="Letter: why you cannot pay as agreed.")] = "",
    request: Annotated[
        list[str] | None, typer.Option(help="Letter: a request (repeat the option).")
    ] = None,
    lawful_total: Annotated[
        str | None,
        typer.Option(
            help="The lawful amount you recomputed (check claim): the plans and the letter "
            "spread it instead of --debt, which it may not exceed."
        ),
    ] = None,
    as_of: AsOf = None,
    as_json: JsonFlag = False,
) -> None:
    """Installment plans up to 60 months within your budget; optionally the letter."""
    from overdue.borrower.plan import letter_context, propose_plans

    day = _as_of(as_of)
    rate = None
    if fee_rate:
        try:
            rate = parse_rate(fee_rate)
        except MoneyError as exc:
            _fail(f"--fee-rate: {exc}")
    result = propose_plans(
        debt=_amount(debt, "--debt"),
        monthly_income=_amount(income, "--income"),
        monthly_expenses=_amount(expenses, "--expenses"),
        monthly_fee_rate=rate,
        first_due_on=_date(first_due_on, "--first-due-on") if first_due_on else None,
        as_of=day,
        lawful_total=_amount(lawful_total, "--lawful-total") if lawful_total else None,
    )
    written: list[str] = []
    if letter is not None:
        ctx = letter_context(
            result,
            lender_name=lender,
            borrower_name=name,
            borrower_id_masked=id_masked,
            borrower_phone=phone,
            contract_no=contract_no,
            hardship=hardship,
            requests=tuple(request or ()),
            dated=day,
        )
        written = _write_letter(ctx, letter)
    if as_json:
        data = result.to_json()
        if letter is not None:
            data["letter_files"] = written
        _emit_json(data)
    else:
        _print(result.lines)
        for path in written:
            print(f"已生成：{path}")


def _write_letter(ctx: NegotiationLetterContext, directory: Path) -> list[str]:
    from overdue.documents.render import KINDS, Renderer

    kind = "negotiation_letter"
    rendered = Renderer().render(kind, ctx)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stem = KINDS[kind].title
        paths = [directory / f"{stem}.docx", directory / f"{stem}.pdf"]
        paths[0].write_bytes(rendered.docx)
        paths[1].write_bytes(rendered.pdf)
    except OSError as exc:
        _fail(f"--letter: cannot write to {directory} ({exc.strerror})")
    return [str(p) for p in paths]
