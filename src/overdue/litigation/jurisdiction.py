"""Which court hears an account, and under which procedure.

Venue (民事诉讼法 Art. 24, 35; 民诉解释 Art. 18): a court agreed in the contract, else the basic
court of the defendant's domicile (address -> county -> court). The place of performance — for a
claim to be paid money, the receiving party's domicile, here the lender's (民诉解释 Art. 18 ¶2) —
is a lawful alternative the operator may prefer; it is reported, not chosen.

Internet courts (法释〔2018〕16号 Art. 2(三)): financial-loan and small-loan contracts signed and
performed on the internet, where the case would otherwise go to a basic court of the internet
court's city. An account is flagged when such a contract's defendant or plaintiff is domiciled in
Hangzhou, Beijing or Guangzhou, or when the contract names the internet court.

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


def venue(
    *,
    defendant_county: str | None,
    plaintiff_county: str | None,
    agreed_court: str | None,
    agreed_clause: str,
    signed_online: bool,
) -> Venue | None:
    """The court for an account, or None when neither an agreement nor the defendant's county
    identifies a court (the account is then excluded, with that reason)."""
    internet, reason = _internet_court(signed_online, defendant_county, plaintiff_county)
    if agreed_court:
        court = lookup_court(agreed_court)
        if court is not None:
            clause = f"（{agreed_clause}）" if agreed_clause else ""
            if is_internet_court(court.code):
                internet, reason = court, "合同约定由互联网法院管辖"
            return Venue(
                court,
                f"双方在借款合同中约定由{court.name}管辖{clause}",
                "民事诉讼法第三十五条（协议管辖）",
                internet,
                reason,
            )
    if defendant_county:
        court = court_for_adcode(defendant_county)
        if court is not None:
            return Venue(
                court,
                f"被告住所地在{court.name}辖区",
                "民事诉讼法第二十二条、第二十四条（被告住所地）",
                internet,
                reason,
            )
    return None


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
