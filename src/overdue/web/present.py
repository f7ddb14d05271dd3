"""Results as a page shows them: the verdict first (coloured), then why, then what to do.

The words are the domain's (``summary``, ``lines``, flags, advice, how to verify); this module
only picks the colour of the verdict box and sorts the lines into the page's two lists. The
domain's ``lines`` are written for a terminal as well (indented bullets, "建议：" headings), so
they are tidied, not reworded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from overdue.borrower.apr import AprCheck
from overdue.borrower.caseno import CaseExplanation
from overdue.borrower.claim import ClaimCheck
from overdue.borrower.deadlines import DeadlineAnswer
from overdue.borrower.messages import MessageVerdict, Verdict
from overdue.borrower.plan import PlanProposal
from overdue.borrower.wording import for_reader

__all__ = [
    "Answer",
    "Point",
    "present_apr",
    "present_case",
    "present_claim",
    "present_deadline",
    "present_message",
    "present_plan",
]

_BULLETS = "·•-*　 "


@dataclass(frozen=True, slots=True)
class Point:
    """One line under "why" or "what to do"; ``basis`` is its legal basis, shown small."""

    text: str
    basis: str = ""
    heading: bool = False

    def __post_init__(self) -> None:  # verification codes in Chinese for the reader
        object.__setattr__(self, "text", for_reader(self.text))
        object.__setattr__(self, "basis", for_reader(self.basis))


@dataclass(slots=True)
class Answer:
    """What a page shows for one result."""

    tone: str  # good | warn | bad | info: the colour of the verdict box
    verdict: str
    why: list[Point] = field(default_factory=list)
    todo: list[Point] = field(default_factory=list)
    result: Any = None

    def __post_init__(self) -> None:
        self.verdict = for_reader(self.verdict)


def tidy(lines: Iterable[str], summary: str = "") -> list[Point]:
    """Terminal lines as page points: the summary not repeated, bullets and indents dropped,
    ``依据：…`` lines shown small, ``…：`` lines kept as sub-headings."""
    points: list[Point] = []
    for raw in lines:
        text = raw.strip().lstrip(_BULLETS).strip()
        if not text or text == summary.strip():
            continue
        if text.startswith("依据："):
            points.append(Point("", text.removeprefix("依据：")))  # shown small
            continue
        points.append(Point(text, heading=text.endswith(("：", ":"))))
    while points and points[-1].heading:
        points.pop()
    return points


def _split_advice(points: list[Point]) -> tuple[list[Point], list[Point]]:
    """Points before a "建议：/怎么办：/下一步：" heading are why, those after it what to do."""
    for i, point in enumerate(points):
        if point.heading and point.text.rstrip("：:") in ("建议", "怎么办", "下一步", "您可以"):
            return points[:i], points[i + 1 :]
    return points, []


def _points(texts: Iterable[str]) -> list[Point]:
    return [Point(t) for t in texts if t.strip()]


def present_case(result: CaseExplanation) -> Answer:
    known = result.check is not None and result.check.court_known
    # A well-formed number is not proof that the case exists: blue, not green.
    tone = (
        "info"
        if result.valid and known
        else ("warn" if result.valid or not result.given else "bad")
    )
    why = _points(result.findings) or tidy(result.lines, result.summary)
    return Answer(tone, result.summary, why, _points(result.verify), result)


def present_message(result: MessageVerdict) -> Answer:
    tone = "good" if result.verdict is Verdict.LAWFUL else "bad"
    why = [Point(flag.text, flag.basis) for flag in result.flags]
    return Answer(tone, result.summary, why, _points(result.advice), result)


def present_deadline(result: DeadlineAnswer) -> Answer:
    if result.days_left is None:
        tone = "info"
    elif result.days_left < 0:
        tone = "bad"
    elif result.days_left <= 5:
        tone = "warn"
    else:
        tone = "info"
    why, todo = _split_advice(tidy(result.lines, result.summary))
    return Answer(tone, result.summary, why, todo, result)


def present_apr(result: AprCheck) -> Answer:
    why, todo = _split_advice(tidy(result.lines, result.summary))
    return Answer("bad" if result.above_cap else "good", result.summary, why, todo, result)


def _without(points: list[Point], prefixes: Iterable[str]) -> list[Point]:
    """Points not starting with any of ``prefixes`` (those the page shows as a table)."""
    starts = tuple(prefixes)
    return [p for p in points if not (starts and p.text.startswith(starts))]


def present_claim(result: ClaimCheck) -> Answer:
    # Item lines ("本金：…") are the table under the verdict.
    points = _without(
        tidy(result.lines, result.summary), (f"{line.label}：" for line in result.lines_by_item)
    )
    why, todo = _split_advice(points)
    tone = "bad" if result.difference > Decimal(0) else "good"
    return Answer(tone, result.summary, why, todo, result)


def present_plan(result: PlanProposal) -> Answer:
    # Option lines ("12期：…") are the table under the verdict.
    points = _without(
        tidy(result.lines, result.summary), (f"{o.months}期：" for o in result.options)
    )
    why, todo = _split_advice(points)
    tone = "info" if result.recommended is not None else "warn"
    return Answer(tone, result.summary, why, todo, result)
