"""Which court hears an account, and under which procedure.

Venue (民事诉讼法 Art. 24, 35; 民诉解释 Art. 18): a court agreed in the contract, else the basic
court of the defendant's domicile (address -> county -> court). The place of performance — for a
claim to be paid money, the receiving party's domicile, here the lender's (民诉解释 Art. 18 ¶2) —
is a lawful alternative the operator may prefer; it is reported, not chosen.

Internet courts (法释〔2018〕16号 Art. 2(三)): financial-loan and small-loan contracts signed and
performed on the internet, where the case would otherwise go to a basic court of the internet
court's city, are heard by the internet court (concentrated jurisdiction): such accounts are
routed to it. Where the plaintiff's domicile (the place of performance of a money claim) lies in
an internet court's city but the chosen court does not, that court is reported, not chosen.

Procedure: small claims when the claim does not exceed the province's threshold
(:mod:`overdue.rules.smallclaims`); above it, the policy's choice of simplified or ordinary
procedure (the fee is halved for simplified and small-claims procedure, 《诉讼费用交纳办法》 Art. 16).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from overdue.rules.courts import Court, court_for_adcode, is_internet_court, lookup_court
from overdue.rules.fees import Procedure
from overdue.rules.smallclaims import SmallClaimsThreshold, small_claims_threshold

__all__ = ["INTERNET_COURT_AREAS", "ProcedureChoice", "Venue", "choose_procedure", "venue"]

# Internet court -> the administrative-division prefix of the city whose basic courts it serves.
INTERNET_COURT_AREAS: Mapping[str, str] = {"浙0192": "3301", "京0491": "11", "粤0192": "4401"}

PROCEDURE_NAMES: Mapping[Procedure, str] = {
    Procedure.ORDINARY: "普通程序",
    Procedure.SIMPLIFIED: "简易程序",
    Procedure.SMALL_CLAIMS: "小额诉讼程序",
}


@dataclass(frozen=True, slots=True)
class Venue:
    court: Court
    basis: str  # why this court, as the complaint states it
    rule: str
    internet_court: Court | None  # an internet court that could hear it, else None
    internet_reason: str
    # The court follows from the contract's jurisdiction clause (its notice relied on), directly
    # or through the internet court that hears the agreed court's cases.
    clause_relied: bool = False


def _internet_court(
    signed_online: bool, defendant_county: str | None, plaintiff_county: str | None
) -> tuple[Court | None, str]:
    if not signed_online:
        return None, "合同非在互联网上签订和履行"
    courts = [(lookup_court(code), prefix) for code, prefix in INTERNET_COURT_AREAS.items()]
    for court, prefix in courts:  # the defendant's domicile first, as for basic courts
        if court is not None and defendant_county and defendant_county.startswith(prefix):
            return court, f"被告住所地在{court.name}管辖区域内，合同在互联网上签订和履行"
    for court, prefix in courts:
        if court is not None and plaintiff_county and plaintiff_county.startswith(prefix):
            return court, f"原告（接收货币一方）所在地即合同履行地在{court.name}管辖区域内"
    return None, "双方住所地均不在互联网法院管辖区域内"


def _concentrated(court: Court, signed_online: bool) -> Court | None:
    """The internet court that hears this basic court's online loan cases, if any: 法释〔2018〕
    16号 Art. 2(三) gives the internet courts of Hangzhou, Beijing and Guangzhou concentrated
    jurisdiction over financial and small-loan contracts signed and performed online that a
    basic court of their city would otherwise hear."""
    if not signed_online:
        return None
    if is_internet_court(court.code):
        return court
    for code, prefix in INTERNET_COURT_AREAS.items():
        if court.adcode and court.adcode.startswith(prefix):
            return lookup_court(code)
    return None


def venue(
    *,
    defendant_county: str | None,
    plaintiff_county: str | None,
    agreed_court: str | None,
    agreed_clause: str,
    agreed_notice: str,
    signed_online: bool,
    financial_loan: bool = True,
) -> Venue | None:
    """The court for an account, or None when neither an agreement nor the defendant's county
    identifies a court (the account is then excluded, with that reason).

    A jurisdiction clause of a standard-form consumer contract binds only if it was brought to
    the consumer's attention in a reasonable way (民诉解释 Art. 31): the agreed court is used
    when ``agreed_notice`` says how; otherwise the defendant's domicile, and the basis says why.
    ``basis`` answers the complaint's question 有无仲裁、法院管辖约定 (有。… / 无。…).
    ``financial_loan``: a loan by a bank, consumer-finance or small-loan company; a private
    loan (民间借贷) is not among the internet courts' cases (法释〔2018〕16号 Art. 2(三) names
    financial and small-loan contracts), so no internet court is chosen or reported for it."""
    court: Court | None = None
    relied = False
    agreed = lookup_court(agreed_court) if agreed_court else None
    clause = ""
    # why a clause is not relied on: not shown to the consumer, or naming an internet court
    # for a private loan, which is not among its cases
    not_relied = "该条款为格式条款，原告不援引该约定（民诉解释第三十一条）"
    if agreed is not None:
        clause = f"“{agreed_clause}”" if agreed_clause else f"由{agreed.name}管辖"
        if not financial_loan and is_internet_court(agreed.code):
            not_relied = (
                f"{agreed.name}不受理民间借贷纠纷（法释〔2018〕16号第二条），原告不援引该约定"
            )
        elif agreed_notice:
            court, relied = agreed, True
            basis = (
                f"有。借款合同约定{clause}（该格式条款已{agreed_notice}，"
                f"民诉解释第三十一条），据此由{court.name}管辖"
            )
            rule = "民事诉讼法第三十五条（协议管辖）；民诉解释第三十一条"
    if court is None and defendant_county:
        court = court_for_adcode(defendant_county)
        if court is not None:
            basis = f"无。被告住所地在{court.name}辖区，由该院管辖"
            rule = "民事诉讼法第二十二条、第二十四条（被告住所地）"
            if clause:  # a clause not relied on
                basis = (
                    f"有。借款合同约定{clause}，{not_relied}；被告住所地在{court.name}辖区，"
                    f"由该院管辖"
                )
    if court is None:
        return None
    if not financial_loan:
        return Venue(
            court, basis, rule, None, "民间借贷纠纷不属互联网法院集中管辖的金融借款、小额借款合同纠纷",
            clause_relied=relied,
        )  # fmt: skip
    internet = _concentrated(court, signed_online)
    if internet is not None and internet.code != court.code:
        basis += (
            f"；该院辖区内签订、履行行为均在互联网上完成的金融借款合同纠纷由{internet.name}"
            "集中管辖（法释〔2018〕16号第二条第（三）项）"
        )
        rule += "；法释〔2018〕16号第二条（互联网法院集中管辖）"
        return Venue(
            internet, basis, rule, internet, "合同在互联网上签订和履行，属互联网法院集中管辖",
            clause_relied=relied,
        )  # fmt: skip
    # Otherwise report an internet court the plaintiff's side could point to (place of
    # performance of a money claim, 民诉解释 Art. 18), without choosing it.
    other, reason = _internet_court(signed_online, None, plaintiff_county)
    return Venue(court, basis, rule, other, reason, clause_relied=relied)


@dataclass(frozen=True, slots=True)
class ProcedureChoice:
    procedure: Procedure
    name: str
    threshold: SmallClaimsThreshold
    reason: str


def choose_procedure(
    claim_total: Decimal,
    court: Court,
    on: dt.date,
    *,
    small_claims: bool,
    above: Procedure,
    overrides: Mapping[str, Decimal] | None = None,
) -> ProcedureChoice:
    """Small claims up to the province's threshold (basic courts only), else ``above``."""
    threshold = small_claims_threshold(court.code[:1], on, overrides)
    if small_claims and court.tier.value == "basic" and claim_total <= threshold.threshold:
        return ProcedureChoice(
            Procedure.SMALL_CLAIMS,
            PROCEDURE_NAMES[Procedure.SMALL_CLAIMS],
            threshold,
            f"标的额 {claim_total} 元不超过{threshold.text}",
        )
    why = (
        f"标的额 {claim_total} 元超过{threshold.text}"
        if claim_total > threshold.threshold
        else "政策未选用小额诉讼程序"
    )
    return ProcedureChoice(above, PROCEDURE_NAMES[above], threshold, why)
