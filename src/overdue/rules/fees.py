"""Court fees (诉讼费用) under 《诉讼费用交纳办法》 (国务院令第481号, effective 2007-04-01).

The schedule is data (``rules/data/court_fees.csv``); this module only reads it and adds up.

案件受理费 for a property case (Art. 13(一)) is cumulative by band (分段累计): the first 10,000
yuan cost a flat 50 per case, and each further band is charged at its own marginal rate on the
part of the amount that falls inside it. Worked example, 123,456.78 yuan::

    up to 10,000                       flat              50.00
    10,000 - 100,000      90,000.00 x 2.5%          2,250.00
    100,000 - 123,456.78  23,456.78 x 2%              469.1356
                                                    ----------
                                                    2,769.1356  -> 2,769.14 (half-up to the fen)

The same figure follows from the "quick formula" 123,456.78 x 2% + 300 that court websites
print; we never compute with those constants (they are a cross-check in the tests).

Other kinds, Art. 14: 申请执行费 (enforcement, (一)), 财产保全申请费 (preservation, (二),
by the amount actually preserved, at most 5,000) and 支付令申请费 (payment order, (三), one
third of the Art. 13 fee).

Halving (减半交纳) applies to the 案件受理费 only: mediation or withdrawal (Art. 15), simplified
procedure (Art. 16); small claims are tried under the simplified-procedure chapter, so courts
charge the Art. 16 half fee (practice, SECONDARY). The fee is halved once only, however many
grounds apply (民诉解释 Art. 206): simplified + mediated is half, not a quarter. Preservation,
enforcement and payment-order fees are never halved; a procedure given with them is recorded
and ignored.

Policy defaults, not law (UNVERIFIED; the 办法 sets no rounding rule and courts differ):

* rounding: to the fen, half-up (:attr:`FeeRounding.CENT`), or to the whole yuan, half-up;
* order: the full fee is rounded first and then halved (or divided by three for a payment
  order) and rounded again (:attr:`HalvingOrder.ROUND_THEN_HALVE`), as judgments write it
  ("案件受理费253.13元，减半收取计126.57元"); ``HALVE_THEN_ROUND`` halves the exact fee and
  rounds once (it can differ by a fen).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache

from overdue import money
from overdue.errors import InputError, RuleLookupError
from overdue.rules._data import Status, in_force, read_rows

__all__ = [
    "BandLine",
    "FeeBase",
    "FeeKind",
    "FeeResult",
    "FeeRounding",
    "FeeSchedule",
    "HalvingOrder",
    "Procedure",
    "court_fee",
    "fee_base",
    "fee_schedule",
    "halve_once",
    "halving_grounds",
]

DATA_FILE = "court_fees.csv"


class FeeKind(StrEnum):
    """Which fee: the value is the command-line spelling."""

    ACCEPTANCE = "acceptance"  # 案件受理费, Art. 13(一)
    PRESERVATION = "preservation"  # 财产保全申请费, Art. 14(二)
    ENFORCEMENT = "enforcement"  # 申请执行费, Art. 14(一)
    PAYMENT_ORDER = "payment-order"  # 支付令申请费, Art. 14(三)


class Procedure(StrEnum):
    """How the case is tried or ends; every value but ``ordinary`` is a ground for halving."""

    ORDINARY = "ordinary"  # 普通程序: full fee
    SIMPLIFIED = "simplified"  # 简易程序: Art. 16
    SMALL_CLAIMS = "small-claims"  # 小额诉讼: Art. 16 by practice (SECONDARY)
    MEDIATED = "mediated"  # 调解结案: Art. 15
    WITHDRAWN = "withdrawn"  # 撤诉: Art. 15


class FeeRounding(StrEnum):
    """Rounding of the payable fee (UNVERIFIED policy; the 办法 is silent)."""

    CENT = "cent"  # half-up to the fen
    YUAN = "yuan"  # half-up to the whole yuan


class HalvingOrder(StrEnum):
    """Whether 1/2 or 1/3 is taken of the exact fee or of the rounded fee (UNVERIFIED)."""

    HALVE_THEN_ROUND = "halve-then-round"
    ROUND_THEN_HALVE = "round-then-halve"


class FeeBase(StrEnum):
    """Which amount the fee is computed on."""

    TOTAL_CLAIM = "total-claim"  # 民诉解释 Art. 201: all property claims summed
    PRINCIPAL = "principal"  # principal only (an operator's choice, not the rule)


# Grounds for halving the 案件受理费: the article and how well the application is established.
_HALVING: Mapping[Procedure, tuple[str, Status]] = {
    Procedure.MEDIATED: ("第十五条", Status.VERIFIED),
    Procedure.WITHDRAWN: ("第十五条", Status.VERIFIED),
    Procedure.SIMPLIFIED: ("第十六条", Status.VERIFIED),
    Procedure.SMALL_CLAIMS: ("第十六条", Status.SECONDARY),
}
_ARTICLE_ORDER = ("第十五条", "第十六条")
_HALVE_ONCE = "民诉解释第二百零六条（只减半一次）"
_SMALL_CLAIMS_NOTE = "小额诉讼适用简易程序规定，按第十六条减半交纳（实务做法）"
_NOT_HALVED_NOTE = "减半交纳仅适用于案件受理费，本项费用不减半"
_STATUS_ORDER = (Status.VERIFIED, Status.SECONDARY, Status.PARTIAL, Status.UNVERIFIED)


@dataclass(frozen=True, slots=True)
class Band:
    """One band of a schedule: ``(lower, upper]`` yuan, a flat fee or a marginal rate."""

    lower: Decimal
    upper: Decimal | None
    rate: Decimal | None
    fixed_fee: Decimal | None


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """The rows of ``court_fees.csv`` for one kind and one ``effective_from``."""

    kind: FeeKind
    effective_from: dt.date
    bands: tuple[Band, ...]
    cap: Decimal | None
    share_of_acceptance: tuple[int, int] | None  # (numerator, denominator)
    citation: str
    status: Status


@dataclass(frozen=True, slots=True)
class BandLine:
    """One line of the computation, exact (not rounded): ``portion x rate = amount``.

    ``rate`` is ``None`` for a flat-fee band, where ``amount`` is the flat fee.
    """

    lower: Decimal
    upper: Decimal | None
    portion: Decimal
    rate: Decimal | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FeeResult:
    """A computed fee and how it was reached.

    ``fee_full`` is the fee before halving and ``fee`` the amount payable, both rounded as
    ``rounding`` says. ``breakdown`` holds the band lines of the Art. 13 / Art. 14 schedule
    (for a payment order: the Art. 13 bands the one third is taken of). ``procedure`` is the
    first of ``procedures`` (all grounds given, in declaration order). ``status`` is the
    weakest status among the legal rules used; ``policy_notes`` name the policy defaults.
    """

    amount: Decimal
    kind: FeeKind
    procedure: Procedure
    procedures: tuple[Procedure, ...]
    rounding: FeeRounding
    halving_order: HalvingOrder
    fee_full: Decimal
    fee: Decimal
    halved: bool
    capped: bool
    breakdown: tuple[BandLine, ...]
    rule: str
    status: Status
    policy_notes: tuple[str, ...]
    effective_from: dt.date

    def as_json(self) -> dict[str, object]:
        """Plain values for JSON output (amounts as decimal strings, band lines exact)."""
        return {
            "amount": str(self.amount),
            "kind": self.kind.value,
            "procedure": self.procedure.value,
            "procedures": [p.value for p in self.procedures],
            "rounding": self.rounding.value,
            "halving_order": self.halving_order.value,
            "fee_full": money.fmt_plain(self.fee_full),
            "fee": money.fmt_plain(self.fee),
            "halved": self.halved,
            "capped": self.capped,
            "breakdown": [
                {
                    "lower": str(line.lower),
                    "upper": None if line.upper is None else str(line.upper),
                    "portion": str(line.portion),
                    "rate": None if line.rate is None else str(line.rate),
                    "amount": str(line.amount),
                }
                for line in self.breakdown
            ],
            "rule": self.rule,
            "status": self.status.value,
            "policy_notes": list(self.policy_notes),
            "effective_from": self.effective_from.isoformat(),
        }


def _decimal_or_none(text: str) -> Decimal | None:
    return money.yuan(text) if text.strip() else None


def _parse_share(text: str, row: int) -> tuple[int, int] | None:
    if not text.strip():
        return None
    numerator, _, denominator = text.partition("/")
    try:
        share = int(numerator), int(denominator or "1")
    except ValueError as exc:
        raise InputError(
            "share_of_acceptance", f"not a fraction: {text!r}", source=DATA_FILE, row=row
        ) from exc
    if share[1] <= 0:
        raise InputError(
            "share_of_acceptance", f"bad denominator: {text!r}", source=DATA_FILE, row=row
        )
    return share


def _check_bands(kind: FeeKind, bands: list[Band], row: int) -> None:
    """Bands must start at 0, follow each other without gaps and end open-ended."""
    where = f"{kind.value} schedule"
    if not bands:
        return
    if bands[0].lower != 0:
        raise InputError(
            "band_lower_exclusive", f"{where} must start at 0", source=DATA_FILE, row=row
        )
    for before, after in itertools.pairwise(bands):
        if before.upper != after.lower:
            raise InputError(
                "band_lower_exclusive", f"{where} has a gap or overlap", source=DATA_FILE, row=row
            )
    if bands[-1].upper is not None:
        raise InputError(
            "band_upper_inclusive", f"{where} must end open-ended", source=DATA_FILE, row=row
        )
    for band in bands:
        if (band.rate is None) == (band.fixed_fee is None):
            raise InputError(
                "marginal_rate",
                f"{where}: each band needs a rate or a fixed fee",
                source=DATA_FILE,
                row=row,
            )


@cache
def _schedules() -> tuple[FeeSchedule, ...]:
    grouped: dict[tuple[FeeKind, dt.date], list[tuple[int, dict[str, str]]]] = {}
    for number, raw in enumerate(read_rows(DATA_FILE), start=2):
        key = FeeKind(raw["kind"]), dt.date.fromisoformat(raw["effective_from"])
        grouped.setdefault(key, []).append((number, raw))
    schedules = []
    for (kind, effective_from), rows in grouped.items():
        first_row, first = rows[0]
        bands = [
            Band(
                lower=money.yuan(raw["band_lower_exclusive"]),
                upper=_decimal_or_none(raw["band_upper_inclusive"]),
                rate=money.parse_rate(raw["marginal_rate"])
                if raw["marginal_rate"].strip()
                else None,
                fixed_fee=_decimal_or_none(raw["fixed_fee"]),
            )
            for _, raw in rows
            if raw["band_lower_exclusive"].strip()
        ]
        bands.sort(key=lambda band: band.lower)
        _check_bands(kind, bands, first_row)
        share = _parse_share(first["share_of_acceptance"], first_row)
        if not bands and share is None:
            raise InputError(
                "kind",
                f"{kind.value} has neither bands nor a share",
                source=DATA_FILE,
                row=first_row,
            )
        statuses = {Status(raw["status"]) for _, raw in rows}
        schedules.append(
            FeeSchedule(
                kind=kind,
                effective_from=effective_from,
                bands=tuple(bands),
                cap=_decimal_or_none(first["cap"]),
                share_of_acceptance=share,
                citation=first["citation"],
                status=_weakest(statuses),
            )
        )
    return tuple(schedules)


def _weakest(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=_STATUS_ORDER.index, default=Status.VERIFIED)


def fee_schedule(kind: FeeKind, on: dt.date | None = None) -> FeeSchedule:
    """The schedule for ``kind`` in force on ``on`` (default: the latest version)."""
    kind = FeeKind(kind)
    versions = [s for s in _schedules() if s.kind is kind]
    if not versions:
        raise RuleLookupError(f"no {kind.value} fee schedule in {DATA_FILE}")
    if on is None:
        return max(versions, key=lambda s: s.effective_from)
    return in_force(versions, on, f"{kind.value} fee schedule")


def _cumulative(amount: Decimal, bands: tuple[Band, ...]) -> tuple[BandLine, ...]:
    """分段累计: one line per band the amount reaches; the first (flat) band always applies."""
    lines = []
    with money.exact():
        for index, band in enumerate(bands):
            if index > 0 and amount <= band.lower:
                break
            top = amount if band.upper is None else min(amount, band.upper)
            portion = max(top - band.lower, Decimal(0))
            if band.rate is None:
                assert band.fixed_fee is not None  # checked when the file is read
                line_amount = band.fixed_fee
            else:
                line_amount = portion * band.rate
            lines.append(BandLine(band.lower, band.upper, portion, band.rate, line_amount))
    return tuple(lines)


def halving_grounds(procedures: Iterable[Procedure]) -> tuple[Procedure, ...]:
    """The grounds for halving among ``procedures`` (``ordinary`` is none), in declaration order."""
    given = set(procedures)
    return tuple(p for p in Procedure if p in given and p in _HALVING)


def halve_once(fee: Decimal, procedures: Iterable[Procedure]) -> Decimal:
    """Half of ``fee`` if any ground for halving applies, once only (民诉解释 Art. 206).

    >>> halve_once(Decimal("2300"), [Procedure.SIMPLIFIED, Procedure.MEDIATED])
    Decimal('1150')

    Not a quarter: Art. 206 says a court that halves the 案件受理费 may halve it only once.
    The result is exact (not rounded).
    """
    if not halving_grounds(procedures):
        return fee
    with money.exact():
        return fee / 2


def _round(amount: Decimal, rounding: FeeRounding) -> Decimal:
    if rounding is FeeRounding.YUAN:
        return money.round_yuan(amount, money.Rounding.HALF_UP)
    return money.round_fen(amount, money.Rounding.HALF_UP)


def _normalise(procedure: Procedure | Iterable[Procedure]) -> tuple[Procedure, ...]:
    given = {procedure} if isinstance(procedure, Procedure) else {Procedure(p) for p in procedure}
    if len(given) > 1:
        given.discard(Procedure.ORDINARY)  # ordinary adds nothing to a ground for halving
    ordered = tuple(p for p in Procedure if p in given)
    return ordered or (Procedure.ORDINARY,)


def court_fee(
    amount: Decimal,
    kind: FeeKind = FeeKind.ACCEPTANCE,
    procedure: Procedure | Iterable[Procedure] = Procedure.ORDINARY,
    rounding: FeeRounding = FeeRounding.CENT,
    on: dt.date | None = None,
    *,
    halving_order: HalvingOrder = HalvingOrder.ROUND_THEN_HALVE,
) -> FeeResult:
    """The court fee for a property claim of ``amount`` yuan.

    ``procedure`` is one :class:`Procedure` or several (``{SIMPLIFIED, MEDIATED}``): the
    案件受理费 is halved once if any of them is a ground (Arts. 15, 16; 民诉解释 Art. 206).
    ``on`` picks the schedule in force on that date (default: the latest).

    Worked example (Art. 13(一), 16; 民诉解释 Art. 206)::

        >>> r = court_fee(Decimal("123456.78"), procedure=Procedure.SIMPLIFIED)
        >>> r.fee_full, r.fee
        (Decimal('2769.14'), Decimal('1384.57'))

    The full fee 2,769.1356 is rounded to 2,769.14, as the judgment states it, and halved to
    1,384.57.
    """
    amount = money.yuan(amount)
    kind, rounding, halving_order = (
        FeeKind(kind),
        FeeRounding(rounding),
        HalvingOrder(halving_order),
    )
    if amount < 0:
        raise InputError("amount", f"诉讼标的额不能为负数：{amount}")
    procedures = _normalise(procedure)
    schedule = fee_schedule(kind, on)
    notes = [
        "取整方式（四舍五入到分）为本系统默认政策，《诉讼费用交纳办法》未作规定"
        if rounding is FeeRounding.CENT
        else "取整方式（四舍五入到元）为本系统默认政策，《诉讼费用交纳办法》未作规定"
    ]
    rule = [schedule.citation]
    statuses = {schedule.status}

    share: tuple[int, int] | None = schedule.share_of_acceptance
    if share is not None:
        # Art. 14(三): a fraction of the Art. 13(一) fee on the same amount.
        basis_schedule = fee_schedule(FeeKind.ACCEPTANCE, on)
        statuses.add(basis_schedule.status)
        breakdown = _cumulative(amount, basis_schedule.bands)
        rule.append(f"（按第十三条第（一）项标准的{_fraction_zh(share)}）")
    else:
        breakdown = _cumulative(amount, schedule.bands)

    with money.exact():
        exact_full = sum((line.amount for line in breakdown), Decimal(0))
        capped = schedule.cap is not None and exact_full > schedule.cap
        if schedule.cap is not None and capped:
            exact_full = schedule.cap
        if share is not None:
            if halving_order is HalvingOrder.ROUND_THEN_HALVE:
                exact_full = _round(exact_full, rounding)
            exact_full = exact_full * share[0] / share[1]
    fee_full = _round(exact_full, rounding)

    grounds = halving_grounds(procedures) if kind is FeeKind.ACCEPTANCE else ()
    if grounds:
        base = fee_full if halving_order is HalvingOrder.ROUND_THEN_HALVE else exact_full
        fee = _round(halve_once(base, grounds), rounding)
        articles = {_HALVING[g][0] for g in grounds}
        rule.append("、" + "、".join(a for a in _ARTICLE_ORDER if a in articles))
        rule.append(f"；{_HALVE_ONCE}")
        if Procedure.SMALL_CLAIMS in grounds:
            rule.append(f"；{_SMALL_CLAIMS_NOTE}")
        statuses.update(_HALVING[g][1] for g in grounds)
        notes.append(
            "先减半后取整为本系统可选政策，未经核实"
            if halving_order is HalvingOrder.HALVE_THEN_ROUND
            else "先取整后减半（与裁判文书“案件受理费X元，减半收取”的写法一致）为本系统默认政策，未经核实"
        )
    else:
        fee = fee_full
        if halving_grounds(procedures):
            rule.append(f"（{_NOT_HALVED_NOTE}）")
    if share is not None:
        notes.append(
            "先按比例计算后取整为本系统可选政策，未经核实"
            if halving_order is HalvingOrder.HALVE_THEN_ROUND
            else "先取整后按比例计算为本系统默认政策，未经核实"
        )
    if capped:
        rule.append(f"（最高不超过{money.fmt(schedule.cap or money.ZERO)}元）")

    return FeeResult(
        amount=amount,
        kind=kind,
        procedure=procedures[0],
        procedures=procedures,
        rounding=rounding,
        halving_order=halving_order,
        fee_full=fee_full,
        fee=fee,
        halved=bool(grounds),
        capped=capped,
        breakdown=breakdown,
        rule="".join(rule),
        status=_weakest(statuses),
        policy_notes=tuple(notes),
        effective_from=schedule.effective_from,
    )


def _fraction_zh(share: tuple[int, int]) -> str:
    digits = "零一二三四五六七八九"
    numerator, denominator = share
    if 0 < numerator < 10 and 0 < denominator < 10:
        return f"{digits[denominator]}分之{digits[numerator]}"
    return f"{numerator}/{denominator}"


def fee_base(
    principal: Decimal,
    other_claims: Iterable[Decimal] = (),
    base: FeeBase = FeeBase.TOTAL_CLAIM,
) -> Decimal:
    """The amount the fee is computed on (诉讼标的额).

    民诉解释 Art. 201: several property claims in one suit are added up, so the default base is
    principal + interest + penalty interest + liquidated damages + other money claims::

        >>> fee_base(Decimal("100000"), [Decimal("8000.50"), Decimal("1200")])
        Decimal('109200.50')

    ``FeeBase.PRINCIPAL`` returns the principal alone (an operator's choice, e.g. for a
    comparison; it is not what the rule says). Negative parts are refused. Not rounded.
    """
    principal = money.yuan(principal)
    if principal < 0:
        raise InputError("principal", f"本金不能为负数：{principal}")
    others = [money.yuan(claim) for claim in other_claims]
    for claim in others:
        if claim < 0:
            raise InputError("other_claims", f"诉讼请求金额不能为负数：{claim}")
    if base is FeeBase.PRINCIPAL:
        return principal
    return principal + money.total(others)
