"""Accuracy of the collection-message catalogue on the labelled sets.

    .venv/bin/python bench/messages.py [--csv FILE] [--errors]

Without ``--csv`` it prints every labelled set present: the original set (and its splits),
development set 1 (``collection_messages_independent.csv``), development set 2
(``collection_messages_test.csv``) and the final test set (``collection_messages_final.csv``,
if it exists). With ``--csv FILE`` only that file. A file with ``expected_flag_codes`` also
gets per-flag precision and recall; one with a ``split`` column also gets its splits; a file
with only ``text,received_at,human_verdict`` (and optionally ``id`` and ``note``) gets verdict
accuracy and the confusion matrix.

The original set (``tests/fixtures/collection_messages.csv``) was written and labelled by
careful reading before the catalogue was written; rows with ``split == holdout`` (every fourth
of those) were never used for tuning; rows with ``split == fresh`` were written and labelled
after the catalogue existed (50.0 % at first: the catalogue had been fitted to its author's
own wording), then used to broaden it; rows with ``split == fresh2`` were written before that
broadening and measured once after it, without tuning (56.8 % before, see the report).

``tests/fixtures/collection_messages_independent.csv`` (ids I001..I150, development set 1) was
written and labelled by someone who never saw the rules; it measured 81.3 % and was then used
to develop the catalogue (round 1). ``tests/fixtures/collection_messages_test.csv`` (ids
T001..T150, development set 2) was written independently during round 1, measured once at its
end (87.3 %), then used to develop the catalogue in round 2. Both are development sets now.
``tests/fixtures/collection_messages_final.csv`` (ids F001..F150) was written independently
during round 2, never read, and measured once after the round-2 catalogue was committed: only
its figure is unbiased. Its individual errors are never listed (``--errors`` leaves it out),
so that measuring it again does not turn it into a third development set.

Confusion matrix: rows are the human verdict, columns the verdict of the catalogue.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from overdue.borrower.messages import Verdict, lint_message, load_catalogue

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DEFAULT_CSV = FIXTURES / "collection_messages.csv"
DEV_CSV = FIXTURES / "collection_messages_independent.csv"
TEST_CSV = FIXTURES / "collection_messages_test.csv"
FINAL_CSV = FIXTURES / "collection_messages_final.csv"
AS_OF = dt.date(2026, 11, 20)


def load_rows(path: Path = DEFAULT_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def evaluate(rows: list[dict[str, str]]) -> dict[str, Any]:
    """Verdict accuracy, confusion matrix and per-flag counts for ``rows``.

    Rows without an ``expected_flag_codes`` column count for the verdict only.
    """
    catalogue = load_catalogue()
    confusion: Counter[tuple[str, str]] = Counter()
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors = []
    flagged = 0
    for row in rows:
        at = dt.datetime.fromisoformat(row["received_at"]) if row.get("received_at") else None
        result = lint_message(row["text"], at, AS_OF, catalogue)
        human = row["human_verdict"].strip()
        confusion[(human, result.verdict.value)] += 1
        got = {f.code for f in result.flags}
        wrong = human != result.verdict.value
        if row.get("expected_flag_codes") is not None:
            flagged += 1
            expected = {c for c in row["expected_flag_codes"].split(";") if c}
            for code in got & expected:
                tp[code] += 1
            for code in got - expected:
                fp[code] += 1
            for code in expected - got:
                fn[code] += 1
            wrong = wrong or expected != got
        if wrong:
            errors.append((row, result.verdict.value, sorted(got)))
    correct = sum(n for (h, g), n in confusion.items() if h == g)
    return {
        "n": len(rows),
        "correct": correct,
        "accuracy": correct / len(rows) if rows else 0.0,
        "confusion": confusion,
        "has_flags": flagged > 0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "errors": errors,
    }


def _print(title: str, r: dict[str, Any], show_errors: bool) -> None:
    print(
        f"\n== {title}: {r['n']} messages, verdict accuracy {r['accuracy']:.1%}"
        f" ({r['correct']}/{r['n']})"
    )
    names = [v.value for v in Verdict]
    print("human \\ catalogue " + "".join(f"{n:>9}" for n in names))
    for h in names:
        print(f"{h:<18}" + "".join(f"{r['confusion'][(h, g)]:>9}" for g in names))
    if r["has_flags"]:
        print(f"{'flag':<26}{'prec':>7}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
        for code in sorted(set(r["tp"]) | set(r["fp"]) | set(r["fn"])):
            tp, fp, fn = r["tp"][code], r["fp"][code], r["fn"][code]
            prec = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
            rec = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
            print(f"{code:<26}{prec:>7}{rec:>8}{tp:>5}{fp:>5}{fn:>5}")
    if show_errors:
        for row, got, flags in r["errors"]:
            label = row.get("split") or row.get("id") or "-"
            expected = row.get("expected_flag_codes")
            wanted = "" if expected is None else f" expected={expected}"
            print(f"  [{label}] human={row['human_verdict']} got={got}{wanted} "
                  f"flags={';'.join(flags)} | {row['text']}")  # fmt: skip


def report(path: Path, name: str, show_errors: bool) -> None:
    """Print the figures for one labelled file (and its splits, if it has any)."""
    rows = load_rows(path)
    _print(f"{name} — all", evaluate(rows), show_errors)
    splits = list(dict.fromkeys(r["split"] for r in rows if r.get("split")))
    if not splits:
        return
    _print(
        f"{name} — held-out", evaluate([r for r in rows if r["split"] == "holdout"]), show_errors
    )
    for split in splits:
        if split != "holdout":
            part = [r for r in rows if r["split"] == split]
            _print(f"{name} — {split}", evaluate(part), show_errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=None, help="only this labelled file")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    args = parser.parse_args()
    print(
        f"catalogue {load_catalogue().version}; as of {AS_OF}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )
    if args.csv is not None:
        if args.errors and args.csv.resolve() == FINAL_CSV.resolve():
            parser.error("the final test set's individual errors are not listed")
        report(args.csv, args.csv.name, args.errors)
        return
    report(DEFAULT_CSV, "original set", args.errors)
    report(DEV_CSV, "development set 1 (independent, tuned on in round 1)", args.errors)
    report(TEST_CSV, "development set 2 (test, tuned on in round 2)", args.errors)
    if FINAL_CSV.exists():
        # verdict accuracy and confusion only: its individual errors are never listed
        report(FINAL_CSV, "final test set (never tuned on)", show_errors=False)
    else:
        print(f"\n(no {FINAL_CSV.name} yet)")


if __name__ == "__main__":
    main()
