"""The borrower-side checker: what a borrower can ask, answered in plain Chinese.

Every function is pure (no clock, no I/O beyond package data): the as-of date is a parameter.
Every result is a frozen dataclass with ``summary`` (one sentence) and ``lines`` (plain-Chinese
lines a borrower with no legal training understands) and ``to_json() -> dict`` (money as
``"1234.56"`` strings, rates as decimal strings such as ``"0.356123"``, dates ISO). Bad input
raises :class:`overdue.errors.InputError` naming the field.

Public interface (the web page and ``overdue check`` code against these names):

``overdue.borrower.apr``
    ``check_apr(*, received, disbursed_on, payments=None, schedule=None, upfront_fee=ZERO,
    lender_type=LenderType.LICENSED, contract_on=None, as_of) -> AprCheck`` — the true annual
    cost (IRR) of what was received against what is paid, nominal (periodic IRR x 12) and
    effective, compared with the cap for the lender type. ``payments`` is a sequence of
    ``(date, Decimal)``; ``schedule`` a :class:`RegularSchedule` (count, amount, first_on,
    frequency monthly). ``check_contract_apr(contract, *, as_of) -> AprCheck`` does the same
    from a contract's stated terms (rate, method, upfront and per-installment fees).
    ``solve_rate(amounts, dates=None) -> Decimal`` is the one float boundary (pyxirr).
``overdue.borrower.claim``
    ``check_claim(loan, *, claimed_total=None, claimed_items=None, as_of, filed_on=None)
    -> ClaimCheck`` — a :class:`overdue.ledger.contract.Loan` or a LOAN.json-like ``dict``;
    ``claimed_items`` maps item names (``principal``/``本金``, ``interest``/``利息``,
    ``penalty``/``罚息``, ``compound``/``复利``, ``late_fee``/``违约金``, ``service_fee``/``服务费``,
    ``other``/``其他费用``/``催收费``; all in ``ITEM_ALIASES``) to amounts. Recomputes the lawful
    amount with the reference ledger; ``ClaimCheck.lines_by_item`` has claimed / contract_due /
    lawful / difference / rule per item.
``overdue.borrower.caseno``
    ``explain_case_number(text: str | None, as_of) -> CaseExplanation`` — ``text`` may be a bare
    case number or a whole message containing one; ``None``/no number is itself a finding.
    ``find_case_number(text)`` and ``VERIFY_CHANNELS`` (official ways to check) are public too.
``overdue.borrower.messages``
    ``lint_message(text, received_at: datetime | None, as_of: date, catalogue=None)
    -> MessageVerdict`` (``verdict`` lawful/abusive/fraud, ``flags`` each with ``code``,
    ``text``, ``basis``, and ``advice`` lines); ``load_catalogue(path=None) -> Catalogue``;
    ``lint(catalogue, text, received_at=None) -> tuple[Flag, ...]`` is the catalogue-only
    matcher the lender side can reuse on its own templates; ``normalize(catalogue, text)`` shows
    what the patterns see; ``verdict_of(flags)``. Rules, quiet hours (a policy default) and
    advice are data in ``data/message_rules.yaml``; ``load_catalogue(path)`` reads an edited copy.
``overdue.borrower.deadlines``
    ``borrower_deadline(kind: DocumentKind | str, received_on, *, as_of, small_claims=False)
    -> DeadlineAnswer`` — kinds ``complaint`` (答辩), ``judgment`` / ``ruling`` (上诉),
    ``payment-order`` (支付令异议).
``overdue.borrower.plan``
    ``propose_plans(*, debt, monthly_income, monthly_expenses, as_of, monthly_fee_rate=None,
    first_due_on=None, terms=DEFAULT_TERMS) -> PlanProposal`` (up to 60 months) and
    ``letter_context(proposal, *, lender_name, borrower_name, ...) -> NegotiationLetterContext``.
"""
