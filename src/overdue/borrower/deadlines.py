"""What are my deadlines? From the day a court document was received.

* 起诉状副本 (complaint copy): 15 days to answer (答辩), 民事诉讼法 Art. 128.
* 判决书 (judgment): 15 days to appeal; 裁定书 (ruling): 10 days (Art. 171).
  A small-claims judgment or ruling (小额诉讼) is final at first instance (一审终审, Art. 165):
  it takes effect when served and there is no appeal.
* 支付令 (payment order): 15 days to pay or to object in writing (督促程序).

Counting is :func:`overdue.rules.periods.deadline` / :func:`overdue.dates.period_end`
(Art. 85): the day of receipt is not counted; a last day on a rest day moves to the next
working day. A last day in a year whose holidays are not yet published is given as the nominal
day (the earliest the period can end) with a note that it may still move.

Worked example: a judgment received on 2025-09-20 may be appealed until 2025-10-09 (day 15 is
2025-10-05, inside the National Day holiday).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from overdue.borrower._json import to_plain
from overdue.dates import PeriodUnit
from overdue.errors import InputError
from overdue.rules.periods import BEYOND_CALENDAR, DeadlineKind, deadline, period_end_or_nominal

__all__ = ["DeadlineAnswer", "DocumentKind", "borrower_deadline"]

# 督促程序: 2021 text Art. 223; the 2023 amendment inserted four articles (指定遗产管理人) before
# it, so Art. 227 in the 2023 text — the shift is inferred, not read (UNVERIFIED).
_PAYMENT_ORDER_RULE = (
    "民事诉讼法（2023）第二百二十七条（2021年版第二百二十三条；条号按2023年修正推算，UNVERIFIED）："
    "债务人应当自收到支付令之日起十五日内清偿债务，或者向人民法院提出书面异议；"
    "期间开始之日不计算在内，届满日为节假日的顺延（第八十五条）"
)


class DocumentKind(StrEnum):
    COMPLAINT = "complaint"  # 起诉状副本 -> 答辩期
    JUDGMENT = "judgment"  # 判决书 -> 上诉期 15 days (small claims: final)
    RULING = "ruling"  # 裁定书 -> 上诉期 10 days
    PAYMENT_ORDER = "payment-order"  # 支付令 -> 异议期 15 days

    @property
    def zh(self) -> str:
        return {
            "complaint": "起诉状副本",
            "judgment": "判决书",
            "ruling": "裁定书",
            "payment-order": "支付令",
        }[self.value]


@dataclass(frozen=True, slots=True)
class DeadlineAnswer:
    kind: DocumentKind
    received_on: dt.date
    action: str  # 答辩 / 上诉 / 提出书面异议 / （无，一审终审）
    last_day: dt.date | None  # None: no period (small-claims judgment or ruling)
    nominal_last_day: dt.date | None
    rolled_over: bool
    days_left: int | None  # calendar days from as_of to last_day; negative: passed
    final_on_service: bool  # small-claims judgment or ruling: effective on service
    rule: str
    after: str  # what happens after the deadline
    status: str  # VERIFIED / UNVERIFIED ...
    summary: str
    lines: tuple[str, ...]
    as_of: dt.date

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = to_plain(self)
        return data


_ACTION = {
    DocumentKind.COMPLAINT: "提交答辩状（答辩）",
    DocumentKind.JUDGMENT: "向上一级法院上诉",
    DocumentKind.RULING: "向上一级法院上诉",
    DocumentKind.PAYMENT_ORDER: "清偿债务或向法院提出书面异议",
}
_AFTER = {
    DocumentKind.COMPLAINT: (
        "答辩期过后不提交答辩状，不影响法院审理（第一百二十八条）：案件照常开庭，"
        "仍可以在开庭时陈述意见、提交证据（以法院指定的举证期限为准）。不到庭的，法院可以缺席判决。"
        "对管辖有异议的，必须在答辩期内提出（第一百三十条）。"
    ),
    DocumentKind.JUDGMENT: (
        "期满不上诉，一审判决发生法律效力；判决确定的履行期限届满仍不还款的，"
        "对方可以申请强制执行（申请执行期间2年），执行中可能被冻结财产、列为失信被执行人或限制高消费。"
    ),
    DocumentKind.RULING: "期满不上诉，裁定发生法律效力（只有法律规定可以上诉的裁定才能上诉，如不予受理、驳回起诉、管辖权异议）。",
    DocumentKind.PAYMENT_ORDER: (
        "期满既不清偿也不提出书面异议的，支付令生效，债权人可以直接申请法院强制执行；"
        "按时提出书面异议的，支付令失效，转入诉讼程序（债权人可以起诉）。"
    ),
}


def borrower_deadline(
    kind: DocumentKind | str,
    received_on: dt.date,
    *,
    as_of: dt.date,
    small_claims: bool = False,
) -> DeadlineAnswer:
    """The borrower's last day to act on a court document received on ``received_on``."""
    try:
        kind = DocumentKind(kind)
    except ValueError as exc:
        choices = ", ".join(k.value for k in DocumentKind)
        raise InputError("kind", f"must be one of {choices}; got {kind!r}") from exc
    if received_on > as_of:
        raise InputError("received_on", f"收到日期 {received_on} 晚于查询日期 {as_of}")

    if small_claims and kind is DocumentKind.PAYMENT_ORDER:
        raise InputError("small_claims", "支付令属于督促程序，不是小额诉讼程序")
    if kind in (DocumentKind.JUDGMENT, DocumentKind.RULING) and small_claims:
        what = "判决" if kind is DocumentKind.JUDGMENT else "裁定"
        effective = "送达时" if kind is DocumentKind.JUDGMENT else "一经作出"
        summary = f"小额诉讼{what}一审终审：{effective}即发生法律效力，不能上诉。"
        final_lines = (
            summary,
            "判决确定的履行期限届满仍未还款的，对方可以申请强制执行。"
            if kind is DocumentKind.JUDGMENT
            else "小额诉讼程序中的裁定（包括管辖权异议裁定）一经作出即生效，没有上诉期。",
            "认为确有错误的，可以依法申请再审（条件和期限请向法院或律师、12348法律服务热线咨询）。",
            "依据：民事诉讼法（2023）第一百六十五条（小额诉讼一审终审）"
            + (
                ""
                if kind is DocumentKind.JUDGMENT
                else "；小额诉讼中的裁定一经作出即生效，见民事诉讼法司法解释的相关条文（条号未经核实）"
            ),
        )
        return DeadlineAnswer(
            kind, received_on, "（无上诉期，一审终审）", None, None, False, None, True,
            "民事诉讼法（2023）第一百六十五条：小额诉讼案件实行一审终审", final_lines[1],
            "VERIFIED" if kind is DocumentKind.JUDGMENT else "UNVERIFIED", summary, final_lines,
            as_of,
        )  # fmt: skip

    pending: tuple[str, ...] = ()  # the holiday calendar does not reach the last day
    if kind is DocumentKind.PAYMENT_ORDER:
        end, note = period_end_or_nominal(received_on, 15, PeriodUnit.DAY)
        pending = (note,) if note else ()
        last, nominal, rolled = end.last_day, end.nominal_last_day, end.rolled_over
        rule, status = _PAYMENT_ORDER_RULE, "UNVERIFIED"
    else:
        which = {
            DocumentKind.COMPLAINT: DeadlineKind.ANSWER,
            DocumentKind.JUDGMENT: DeadlineKind.APPEAL_JUDGMENT,
            DocumentKind.RULING: DeadlineKind.APPEAL_RULING,
        }[kind]
        d = deadline(which, received_on, beyond_calendar=True)
        last, nominal, rolled = d.last_day, d.nominal_last_day, d.rolled_over
        rule, status = d.rule, d.status.value
        pending = tuple(n for n in d.policy_notes if n.startswith(BEYOND_CALENDAR))
    days_left = (last - as_of).days
    action = _ACTION[kind]
    rolled_text = f"（期间最后一日{nominal.isoformat()}是休息日，顺延）" if rolled else ""
    if pending and days_left >= 0:
        summary = (
            f"{received_on.isoformat()}收到{kind.zh}：最后一天最早是{last.isoformat()}"
            f"（可能因节假日顺延，见下），还剩{days_left}天；为稳妥起见，请不晚于这一天{action}。"
        )
    elif pending:  # the earliest day has passed; the real one may not have
        summary = (
            f"{received_on.isoformat()}收到{kind.zh}：期间最早在{last.isoformat()}届满，如遇节假日"
            f"会顺延，可能尚未届满（见下）；还没有{action}的，请立即办理，并向法院说明。"
        )
    elif days_left >= 0:
        summary = (
            f"{received_on.isoformat()}收到{kind.zh}：最后一天是{last.isoformat()}{rolled_text}，"
            f"还剩{days_left}天，请在这一天结束前{action}。"
        )
    else:
        summary = (
            f"{received_on.isoformat()}收到{kind.zh}：期限已于{last.isoformat()}届满"
            f"（已过{-days_left}天）。"
        )
    lines = [summary, "收到当天不算，从第二天起算；最后一天遇周末或法定节假日顺延到下一个工作日。"]
    lines.extend(f"{note}。" for note in pending)
    if kind is DocumentKind.JUDGMENT:
        lines.append(
            "如果判决书写明适用小额诉讼程序，则一审终审、不能上诉（请看判决书首页或末尾）。"
        )
    if kind is DocumentKind.COMPLAINT and small_claims:
        lines.append(
            "小额诉讼案件的答辩期可能更短：被告要求书面答辩的，法院在征得被告同意后确定答辩期间，"
            "最长不超过15日（民事诉讼法司法解释的相关条文，条号未经核实）；请以法院的应诉通知书"
            "或传票为准，上面的日期是最晚的一天。"
        )
    lines.append(f"过了期限会怎样：{_AFTER[kind]}")
    lines.append(
        "邮寄的，在期限届满前交邮即不算过期（以邮戳为准）；因正当理由耽误的，障碍消除后10日内可申请顺延（第八十六条）。"
    )
    lines.append(f"依据：{rule}")
    return DeadlineAnswer(
        kind, received_on, action, last, nominal, rolled, days_left, False, rule,
        _AFTER[kind], status, summary, tuple(lines), as_of,
    )  # fmt: skip
