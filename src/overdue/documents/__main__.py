"""Preview: render every kind from the synthetic samples into a directory and check them.

    python -m overdue.documents OUT_DIR [--templates DIR] [--seed N]

For an operator editing templates: point ``--templates`` at an edited copy of
``src/overdue/documents/templates`` and open the files written to OUT_DIR. Exit status 1 when a
check finds a problem (a capital that disagrees with its figure, a party missing).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from overdue.documents.checks import check_document
from overdue.documents.render import KINDS, Context, Renderer
from overdue.documents.samples import sample_evidence, sample_letter


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m overdue.documents", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--templates", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    renderer = Renderer(templates=args.templates)
    evidence = sample_evidence(args.seed)
    letter = sample_letter(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for kind, spec in KINDS.items():
        ctx: Context = (
            evidence
            if kind == "evidence"
            else letter
            if kind == "negotiation_letter"
            else evidence.complaint
        )
        plaintiff = evidence.complaint.plaintiff
        expected = (
            [letter.borrower_name, letter.lender_name]
            if kind == "negotiation_letter"
            # the same for every case of the plaintiff: it names no defendant
            else [plaintiff.name, plaintiff.legal_rep]
            if kind == "legal_rep_certificate"
            else [plaintiff.name, evidence.complaint.defendant.name]
        )
        outputs = {"pdf": renderer.render_pdf(kind, ctx)}
        if spec.docx:
            outputs["docx"] = renderer.render_docx(kind, ctx)
        for ext, data in outputs.items():
            path = args.out / f"{kind}.{ext}"
            path.write_bytes(data)
            problems = check_document(data, expected)
            failed = failed or bool(problems)
            print(f"{path}  {'；'.join(problems) or '检查通过'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
