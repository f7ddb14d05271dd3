"""The batch: from a selection to one filing package per court.

``build_batch`` reads a selection folder (``overdue litigate select``) and the plaintiff's
particulars and writes::

    OUT/
      batch.json                      counts, totals by court, ZIP hashes, rule versions
      <court code>-<court name>/
        立案清单.xlsx                  the filing list (masked ID numbers and phones)
        <loan id>-<defendant>/
          01-民事起诉状.docx / .pdf      02-证据目录  03-授权委托书  04-送达地址确认书
          evidence/01-借款合同.pdf …     the evidence items (PDF)
          manifest.json               every file of the account with its SHA-256
      <court code>-<court name>.zip   the court's folder, for the batch-filing desk

The batch is written beside ``OUT`` and put in its place only when it is complete.
Accounts are computed and rendered by worker processes (one document renderer each). Every
complaint is checked after rendering: the text PDFium extracts from its pages (read in the
compiled batch, whose pages the file copies) must name the court and both parties and state the
claims total, and every amount written in capitals must equal its figure. A failed check stops
the batch (a wrong document is never filed).
"""

from __future__ import annotations

import datetime as dt
import gc
import glob
import hashlib
import io
import json
import os
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from overdue.checksums import file_sha256
from overdue.cputime import CpuTally, summed
from overdue.errors import InputError, OverdueError
from overdue.litigation.case import (
    ECONTRACT_FILE,
    ID_COPY_STEM,
    NOTICE_STEM,
    Case,
    build_case,
    clause_relied,
    with_evidence_hashes,
)
from overdue.litigation.parties import mask_phone
from overdue.litigation.policy import SCAN_SUFFIXES, SCANS, Plaintiff, Policy
from overdue.litigation.select import DECISIONS_FILE, SELECTION_FILE, SUBSET_DIR
from overdue.money import ZERO, fmt, total
from overdue.portfolio.frames import loans_from_tables
from overdue.rules._data import data_version
from overdue.workers import process_alive, spawn_context, worker_malloc

__all__ = [
    "DOCUMENTS", "BatchResult", "CourtTotals", "DocumentCheckError", "as_pool_worker", "build_batch",
]  # fmt: skip

# The documents of every account, in filing order: (kind, file stem). The last two are the
# filing materials of 登记立案规定 Art. 6 that the plaintiff and its law firm sign.
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("complaint", "01-民事起诉状"),
    ("evidence_list", "02-证据目录"),
    ("power_of_attorney", "03-授权委托书"),
    ("service_address", "04-送达地址确认书"),
    ("law_firm_letter", "05-律师事务所函"),
    ("legal_rep_certificate", "06-法定代表人身份证明书"),
)
# Documents whose text depends on the plaintiff and the filing date only: each worker renders
# them once per build (alone, so the bytes do not depend on the chunk) and files the same bytes
# in every account's folder.
SAME_FOR_EVERY_CASE = frozenset({"legal_rep_certificate"})
# The operator's scans copied into every account folder (PLAINTIFF.yaml materials): (field,
# file stem, what a filing desk calls it), numbered after the documents. Not configured: listed
# as to be supplied.
MATERIALS: tuple[tuple[str, str, str], ...] = tuple(
    (attr, f"{len(DOCUMENTS) + n:02d}-{label}", label)
    for n, (attr, label) in enumerate(SCANS.items(), start=1)
)
BATCH_FILE = "batch.json"
# Accounts per worker task. Fixed (not derived from the number of workers) because the PDFs of
# a chunk are compiled together: the same selection then gives the same bytes on any machine.
CHUNK = 48
FILING_LIST = "立案清单.xlsx"
RULE_FILES = (
    "cap_profiles.csv",
    "court_fees.csv",
    "lpr.csv",
    "periods.csv",
    "small_claims.csv",
    "case_types.csv",
    "courts_fixed.csv",
)


class DocumentCheckError(OverdueError):
    """A rendered document failed its check (wrong party, amount or capitals)."""


@dataclass(frozen=True, slots=True)
class _Job:
    loan: Any  # overdue.ledger.contract.Loan
    borrower: dict[str, Any]
    decision: dict[str, Any]
    product_id: str
    demands: tuple[tuple[dt.date, str], ...]
    # The operator's records of this account, copied as they are: (name in its folder,
    # source): the stored e-contract (econtract_dir, as ECONTRACT_FILE), the record of the
    # jurisdiction clause's notice (notice_dir), the defendant's ID copy (id_copy_dir).
    copies: tuple[tuple[str, Path], ...]


@dataclass(frozen=True, slots=True)
class AccountResult:
    loan_id: str
    court_code: str
    court_name: str
    folder: str  # relative to the batch folder
    defendant: str
    masked_id: str
    masked_phone: str
    contract_no: str
    claims: tuple[tuple[str, str], ...]  # (label, amount) as in the complaint
    claim_total: Decimal
    fee: Decimal
    procedure: str
    files: tuple[tuple[str, str, int], ...]  # (relative path, sha256, bytes)
    complaint_sha256: str
    rendered: Mapping[str, int]  # kind -> documents rendered (docx and pdf counted apart)
    # what a lawyer must check before filing that no court document says (the LPR a cap rests
    # on not yet in the rules' table)
    to_verify: tuple[str, ...] = ()
    clause_relied: bool = False  # filed at a court its jurisdiction clause names


@dataclass(frozen=True, slots=True)
class CourtTotals:
    code: str
    name: str
    accounts: int
    claim_total: Decimal
    fee_total: Decimal
    folder: str
    zip_file: str
    zip_sha256: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    out_dir: Path
    accounts: int
    courts: tuple[CourtTotals, ...]
    claim_total: Decimal
    fee_total: Decimal
    documents: int
    example_complaint_pdf: Path | None
    rendered: Mapping[str, int] = field(default_factory=dict)
    # Filing materials PLAINTIFF.yaml names no scan for (MATERIALS), to be supplied at filing.
    materials_to_supply: tuple[str, ...] = ()
    # Originals of each case's evidence the batch does not hold (evidence_to_supply)
    evidence_to_supply: tuple[str, ...] = ()
    # (loan_id, what to check) for the accounts with AccountResult.to_verify, in court order
    to_verify: tuple[tuple[str, str], ...] = ()
    # CPU seconds of the worker processes by step (claims, "complaint pdf", zip …), for the
    # benchmark; not part of batch.json, which is the same for the same inputs.
    cpu: Mapping[str, float] = field(default_factory=dict)


# --- worker --------------------------------------------------------------------------------------

_W: dict[str, Any] = {}


def _init_worker(
    plaintiff_json: str, out_dir: str, cut_off: str, dated: str, accelerate: bool
) -> None:
    from overdue.documents.render import Renderer

    plaintiff = Plaintiff.model_validate_json(plaintiff_json)
    _W.update(
        plaintiff=plaintiff,
        materials=_materials(plaintiff),
        out_dir=Path(out_dir),
        cut_off=dt.date.fromisoformat(cut_off),
        dated=dt.date.fromisoformat(dated),
        accelerate=accelerate,
        renderer=Renderer(),
        cpu=CpuTally(),
        same={},  # kind -> Rendered, for SAME_FOR_EVERY_CASE
    )


def _cpu_taken() -> dict[str, float]:
    """This worker's CPU seconds by step since the last call (build and renderer steps)."""
    return summed([_W["cpu"].take(), _W["renderer"].cpu.take()])


def _materials(plaintiff: Plaintiff) -> list[tuple[str, bytes, str]]:
    """(file name, bytes, SHA-256) of every scan PLAINTIFF.yaml names (checked by build_batch),
    read and hashed once per worker: the same files go into every account's folder."""
    out = []
    for attr, stem, _ in MATERIALS:
        path: Path | None = getattr(plaintiff.materials, attr)
        if path is not None:
            data = path.read_bytes()
            out.append((stem + path.suffix.lower(), data, _sha(data)))
    return out


def _unnamed(plaintiff: Plaintiff) -> list[tuple[str, str]]:
    """(field, what a filing desk calls it) of each scan PLAINTIFF.yaml names no file for."""
    return [
        (attr, label) for attr, _, label in MATERIALS if getattr(plaintiff.materials, attr) is None
    ]


def _to_supply(plaintiff: Plaintiff) -> tuple[str, ...]:
    """The filing materials PLAINTIFF.yaml names no scan for, as a filing desk calls them."""
    return tuple(label for _, label in _unnamed(plaintiff))


def evidence_to_supply(plaintiff: Plaintiff, clause_relied: bool) -> tuple[str, ...]:
    """Originals of each case's evidence that the batch does not hold, as a filing desk calls
    them: the documents the build renders from the lender's records (the contract summary, the
    disbursement record) prove the facts only with the originals behind them.

    The payment channel's receipt for the disbursement is always listed (PLAINTIFF.yaml has no
    folder for it); the e-contract, the defendant's identity card and, for cases filed under a
    jurisdiction clause, the record of its notice are listed when no folder supplies them."""
    out = []
    if plaintiff.econtract_dir is None:
        out.append("电子借款合同原件（含电子签名验证信息）")
    out.append("放款凭证（银行或支付机构出具的放款转账记录）")
    if plaintiff.id_copy_dir is None:
        out.append("被告身份证复印件")
    if clause_relied and plaintiff.notice_dir is None:
        out.append("管辖条款提示确认记录（依合同约定管辖的案件）")
    return tuple(out)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def court_folder(code: str, name: str) -> str:
    return f"{code}-{name}"


def _check_complaint(case: Case, pdf_text: str) -> None:
    from overdue.documents.checks import check_document

    c = case.complaint
    wanted = [c.court_name, c.plaintiff.name, c.defendant.name, c.defendant.id_number]
    wanted += [fmt(c.claims.total), *(fmt(i.amount) for i in c.claims.items)]
    problems = check_document(pdf_text, wanted)
    if problems:
        raise DocumentCheckError(
            f"{case.loan_id}: complaint PDF check failed: {'; '.join(problems)}"
        )


@dataclass(slots=True)
class _Account:
    """One account being written by a worker."""

    job: _Job
    case: Case
    rel: Path  # the account's folder, relative to the batch
    base: Path
    files: list[tuple[str, str, int]] = field(default_factory=list)
    rendered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    complaint_sha: str = ""
    copies: list[tuple[str, bytes, str]] = field(default_factory=list)  # _Job.copies: bytes, hash

    def put(self, name: str, data: bytes, kind: str | None, digest: str = "") -> str:
        """Write a file of the account; ``kind`` counts it as a rendered document (None: a
        copy, such as the operator's scans); ``digest``: its SHA-256 when already known."""
        with _W["cpu"].step("files"):
            (self.base / name).write_bytes(data)
            digest = digest or _sha(data)
        self.files.append((name, digest, len(data)))
        if kind is not None:
            self.rendered[kind] += 1
        return digest


def _start(job: _Job) -> _Account:
    plaintiff: Plaintiff = _W["plaintiff"]
    copies = []
    for name, source in job.copies:  # read and hashed once, here, in the worker
        data = source.read_bytes()
        copies.append((name, data, _sha(data)))
    digests = {name: digest for name, _, digest in copies}
    notice = next((n for n in digests if n.startswith(NOTICE_STEM)), "")
    case = build_case(
        loan=job.loan,
        borrower=job.borrower,
        decision=job.decision,
        plaintiff=plaintiff,
        product=plaintiff.product(job.product_id),
        cut_off=_W["cut_off"],
        dated=_W["dated"],
        accelerate=_W["accelerate"],
        demands=job.demands,
        econtract_sha256=digests.get(ECONTRACT_FILE, ""),  # the bytes filed under that name
        notice_file=notice,
        notice_sha256=digests.get(notice, ""),
        id_copy_file=next((n for n in digests if n.startswith(ID_COPY_STEM)), ""),
    )
    rel = Path(court_folder(job.decision["court_code"], job.decision["court_name"])) / case.folder
    base = _W["out_dir"] / rel
    (base / "evidence").mkdir(parents=True, exist_ok=True)
    return _Account(job, case, rel, base, copies=copies)


def _render_chunk(jobs: Sequence[_Job]) -> tuple[list[AccountResult], dict[str, float]]:
    """A chunk of accounts: each document kind of the whole chunk is compiled in one go
    (:meth:`Renderer.render_pdfs`), which is what makes a batch fast. With the CPU seconds
    by step."""
    renderer = _W["renderer"]
    with _W["cpu"].step("claims"):
        accounts = [_start(job) for job in jobs]
    sections: dict[str, list[tuple[_Account, str, Any]]] = defaultdict(list)
    for a in accounts:
        for item, ectx in zip(a.case.complaint.evidence, a.case.evidence, strict=True):
            sections[ectx.section].append((a, item.file_name, ectx))
    hashes: dict[int, dict[str, str]] = defaultdict(dict)
    for entries in sections.values():
        pdfs = renderer.render_pdfs("evidence", [ctx for _, _, ctx in entries])
        for (a, name, _), pdf in zip(entries, pdfs, strict=True):
            hashes[id(a)][name] = a.put(name, pdf, "evidence_pdf")
    for a in accounts:
        a.case = with_evidence_hashes(a.case, hashes[id(a)])
        for name, data, digest in a.copies:
            a.put(name, data, None, digest)
    for kind, stem in DOCUMENTS:
        if kind in SAME_FOR_EVERY_CASE:
            if kind not in _W["same"]:
                _W["same"][kind] = renderer.render_many(kind, [accounts[0].case.complaint])[0]
            rendered = [_W["same"][kind]] * len(accounts)
        else:
            rendered = renderer.render_many(
                kind, [a.case.complaint for a in accounts], with_text=kind == "complaint"
            )
        for a, doc in zip(accounts, rendered, strict=True):
            if kind == "complaint":
                assert doc.text is not None
                with _W["cpu"].step("complaint check"):
                    _check_complaint(a.case, doc.text)
                a.complaint_sha = a.put(f"{stem}.pdf", doc.pdf, f"{kind}_pdf")
            else:
                a.put(f"{stem}.pdf", doc.pdf, f"{kind}_pdf")
            a.put(f"{stem}.docx", doc.docx, f"{kind}_docx")
    for a in accounts:
        for name, data, digest in _W["materials"]:
            a.put(name, data, None, digest)
    with _W["cpu"].step("files"):
        results = [_finish(a) for a in accounts]
    return results, _cpu_taken()


def _finish(a: _Account) -> AccountResult:
    a.files.sort()
    c = a.case.complaint
    manifest = {
        "loan_id": a.case.loan_id,
        "court": c.court_name,
        "claim_total": str(c.claims.total),
        "files": [{"file": f, "sha256": h, "bytes": n} for f, h, n in a.files],
    }
    (a.base / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return AccountResult(
        loan_id=a.case.loan_id,
        court_code=a.job.decision["court_code"],
        court_name=a.job.decision["court_name"],
        folder=str(a.rel),
        defendant=c.defendant.name,
        masked_id=c.defendant.masked_id,
        masked_phone=mask_phone(c.defendant.phone),
        contract_no=c.loan.contract_no,
        claims=tuple((i.label, str(i.amount)) for i in c.claims.items),
        claim_total=c.claims.total,
        fee=c.fee.amount,
        procedure=c.procedure_name,
        files=tuple(a.files),
        complaint_sha256=a.complaint_sha,
        rendered=dict(a.rendered),
        to_verify=a.case.claims.replay.state.cap.notes,
        clause_relied=clause_relied(a.job.decision, _W["plaintiff"].product(a.job.product_id)),
    )


# --- main process --------------------------------------------------------------------------------


def _read_selection(selection_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]], Policy]:
    meta_path = selection_dir / SELECTION_FILE
    if not meta_path.is_file():
        raise InputError(
            "--selection",
            "no selection.json (run overdue litigate select first)",
            source=str(selection_dir),
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    decisions = pq.read_table(selection_dir / DECISIONS_FILE).to_pylist()
    policy = Policy.model_validate(meta["policy"])
    return meta, [d for d in decisions if d["selected"]], policy


def _jobs(selection_dir: Path, selected: list[dict[str, Any]], plaintiff: Plaintiff) -> list[_Job]:
    sub = selection_dir / SUBSET_DIR
    tables = {
        n: pq.read_table(sub / f"{n}.parquet")
        for n in ("loans", "payments", "events", "installments")
    }
    loans = loans_from_tables(
        tables["loans"], tables["payments"], tables["events"], tables["installments"]
    )
    borrowers = {b["borrower_id"]: b for b in pq.read_table(sub / "borrowers.parquet").to_pylist()}
    demands: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
    for e in tables["events"].to_pylist():
        if e["kind"] == "demand":
            demands[e["loan_id"]].append((e["on"], e.get("note") or "催收"))
    jobs = []
    # The operator's stored records, looked for here (read and hashed by the workers, in
    # parallel) so that a missing one stops the build before anything is written: by
    # PLAINTIFF.yaml key, the file stem a record is filed under, its suffixes.
    kinds = {
        "econtract_dir": (ECONTRACT_FILE.removesuffix(".pdf"), (".pdf",)),
        "notice_dir": (NOTICE_STEM, SCAN_SUFFIXES),
        "id_copy_dir": (ID_COPY_STEM, SCAN_SUFFIXES),
    }
    stored = {
        key: _stored(folder, key, suffixes)
        for key, (_, suffixes) in kinds.items()
        if (folder := getattr(plaintiff, key)) is not None
    }
    other_type = sorted(
        d["loan_id"] for d in selected
        if loans[d["loan_id"]].contract.lender_type is not plaintiff.lender_type
    )  # fmt: skip
    if other_type:
        raise InputError(
            "lender_type",
            f"the plaintiff is a {plaintiff.lender_type.value} lender, but {len(other_type)} "
            f"selected loan(s) are recorded as another type: {_few(other_type)}; select with "
            f"lender_types: [{plaintiff.lender_type.value}] in POLICY.yaml, or correct the "
            f"loans' lender_type",
            source="PLAINTIFF.yaml",
        )
    missing: dict[str, list[str]] = defaultdict(list)
    twice: dict[str, list[str]] = defaultdict(list)
    for d in sorted(selected, key=lambda d: (d["court_code"], d["loan_id"])):
        found: dict[str, Path] = {}
        wanted = (
            ("econtract_dir", d["loan_id"], True),
            ("notice_dir", d["loan_id"], clause_relied(d, plaintiff.product(d["product_id"]))),
            ("id_copy_dir", d["borrower_id"], True),
        )
        for key, name, needed in wanted:
            files = stored[key].get(name, []) if key in stored and needed else None
            if files is None:
                continue
            who = d["loan_id"] + (f" (borrower {name})" if name != d["loan_id"] else "")
            if not files:
                missing[key].append(who)
            elif len(files) > 1:
                twice[key].append(f"{who}: {', '.join(f.name for f in files)}")
            else:
                found[key] = files[0]
        jobs.append(
            _Job(
                loans[d["loan_id"]],
                borrowers[d["borrower_id"]],
                d,
                d["product_id"] or "",
                tuple(sorted(demands[d["loan_id"]])),
                tuple((kinds[key][0] + f.suffix.lower(), f) for key, f in found.items()),
            )
        )
    scans = "/".join(SCAN_SUFFIXES)
    what = {
        "econtract_dir": "have no stored e-contract ({loan_id}.pdf)",
        "notice_dir": "rely on their contract's jurisdiction clause and have no record of its "
        f"notice ({{loan_id}}{scans})",
        "id_copy_dir": f"have no copy of the defendant's identity card ({{borrower_id}}{scans})",
    }
    problems = [
        (key, f"{len(names)} selected account(s) {what[key]}: {_few(names)}")
        for key, names in missing.items()
    ] + [
        (key, f"{len(names)} selected account(s) have two files: {_few(names, sep='; ')}")
        for key, names in twice.items()
    ]
    if len(problems) == 1:
        ((key, message),) = problems
        raise InputError(key, message, source=str(getattr(plaintiff, key)))
    if problems:
        raise InputError(
            "stored records",
            "; ".join(f"{key} ({getattr(plaintiff, key)}): {message}" for key, message in problems),
            source="PLAINTIFF.yaml",
        )
    return jobs


def _few(names: Sequence[str], sep: str = ", ") -> str:
    """The first five of ``names``, and how many more."""
    return sep.join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _stored(folder: Path, key: str, suffixes: Sequence[str]) -> dict[str, list[Path]]:
    """The files in ``folder`` (PLAINTIFF.yaml ``key``) by name without the suffix, which may be
    any of ``suffixes`` in either case. Two files for one name are refused by the caller, for
    the names it looks up."""
    if not folder.is_dir():
        raise InputError(key, f"no such folder: {folder}", source="PLAINTIFF.yaml")
    found: dict[str, list[Path]] = defaultdict(list)
    for f in sorted(folder.iterdir()):
        if f.suffix.lower() in suffixes and f.is_file():
            found[f.stem].append(f)
    return found


def _chunks(jobs: Sequence[_Job], size: int) -> Iterable[Sequence[_Job]]:
    for i in range(0, len(jobs), size):
        yield jobs[i : i + size]


def build_batch(
    *,
    selection_dir: Path,
    plaintiff: Plaintiff,
    out_dir: Path,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Build the batch of ``selection_dir`` into ``out_dir``.

    The batch is written in a folder beside ``out_dir`` and put in its place (replacing an
    earlier batch) only when it is complete: a build that fails, or is killed, leaves the
    earlier batch as it was (:func:`_staged`)."""
    from overdue.documents.pdf import require_fonts

    selection_dir, out_dir = Path(selection_dir), Path(out_dir)
    require_fonts()  # here, in one line, rather than in every worker process
    preload = worker_malloc()  # one named in $OVERDUE_WORKER_MALLOC and not there: at once
    for attr, _, _ in MATERIALS:
        path = getattr(plaintiff.materials, attr)
        if path is not None and not path.is_file():
            raise InputError(f"materials.{attr}", f"no such file: {path}", source="PLAINTIFF.yaml")
    if plaintiff.materials.required and (unnamed := _unnamed(plaintiff)):
        missing = ", ".join(f"{attr} ({label})" for attr, label in unnamed)
        raise InputError(
            "materials", f"required is true, but no scan is named for {missing}",
            source="PLAINTIFF.yaml",
        )  # fmt: skip
    if out_dir.is_symlink():
        raise InputError("--out", f"{out_dir} is a symbolic link: name the folder itself")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("--out", f"{out_dir} is a file, not a batch folder")
    meta, selected, policy = _read_selection(selection_dir)
    _same_products(meta, plaintiff)
    as_of = dt.date.fromisoformat(meta["as_of"])
    dated = plaintiff.filing_date or as_of
    jobs = _jobs(selection_dir, selected, plaintiff)  # checks the e-contracts: before any writing
    workers = workers or min(os.cpu_count() or 1, 8)
    results: list[AccountResult] = []
    cpu: list[dict[str, float]] = []
    with _staged(out_dir) as work:
        init = (
            plaintiff.model_dump_json(),
            str(work),
            as_of.isoformat(),
            dated.isoformat(),
            # as the selection estimated the claims: without a plaintiff it knew no clause
            policy.accelerate and meta.get("plaintiff_products") is not None,
        )
        if progress:
            progress(0, len(jobs))
        chunks = list(_chunks(jobs, CHUNK))
        with _mapper(1 if len(chunks) <= 1 else workers, init, preload) as run:
            for done, seconds in run(_render_chunk, chunks):
                results.extend(done)
                cpu.append(seconds)
                if progress:
                    progress(len(results), len(jobs))
            by_court: dict[tuple[str, str], list[AccountResult]] = defaultdict(list)
            for r in results:
                by_court[(r.court_code, r.court_name)].append(r)
            # Filing lists and ZIPs, a court at a time, on every core too.
            packages = [
                (work, code, name, accounts, dated)
                for (code, name), accounts in sorted(by_court.items())
            ]
            courts = []
            for court, seconds in run(_package_court, packages):
                courts.append(court)
                cpu.append(seconds)
        rendered: dict[str, int] = defaultdict(int)
        for r in results:
            for k, n in r.rendered.items():
                rendered[k] += n
        result = BatchResult(
            out_dir=out_dir,
            accounts=len(results),
            courts=tuple(courts),
            claim_total=total(c.claim_total for c in courts),
            fee_total=total(c.fee_total for c in courts),
            documents=sum(rendered.values()),
            example_complaint_pdf=(out_dir / results[0].folder / f"{DOCUMENTS[0][1]}.pdf")
            if results
            else None,
            rendered=dict(rendered),
            materials_to_supply=_to_supply(plaintiff),
            evidence_to_supply=evidence_to_supply(plaintiff, any(r.clause_relied for r in results)),
            to_verify=tuple(
                (r.loan_id, note)
                for r in sorted(results, key=lambda r: (r.court_code, r.loan_id))
                for note in r.to_verify
            ),
            cpu=summed(cpu),
        )
        _write_batch_json(work, result, meta, selection_dir, dated)
    return result


def _same_products(meta: Mapping[str, Any], plaintiff: Plaintiff) -> None:
    """Refuse a PLAINTIFF.yaml whose products differ from those the selection was made with:
    the selection chose courts (agreed jurisdiction) and estimated claims (acceleration) by
    them, and the build would file on other terms."""
    used = meta.get("plaintiff_products")
    if used is None:
        return
    if used != plaintiff.products_json():
        raise InputError(
            "products",
            "the selection was made with other product terms (courts agreed, acceleration "
            "clauses) than this PLAINTIFF.yaml's: select again with it",
            source="PLAINTIFF.yaml",
        )


_PARTIAL, _OLD = "partial", "old"


@contextmanager
def _staged(out_dir: Path) -> Iterator[Path]:
    """A new folder beside ``out_dir`` (``.<name>.<pid>.partial``) to build the batch in. When
    the block ends normally the folder takes ``out_dir``'s place: the earlier batch is moved
    aside (``.<name>.<pid>.old``), the new one renamed into place (both renames within one
    directory), the earlier one deleted. When the block raises, the new folder is deleted and
    ``out_dir`` is untouched. Folders of this kind left by builds that were killed (their
    process is gone) are deleted first.

    Deleting the earlier batch last also keeps its deletion away from the writing: on ext4
    without a journal, files created just after many were deleted are slow to create (the
    file system checks every recently freed inode; seen on the benchmark machine)."""
    prefix = f".{out_dir.name}."
    for p in out_dir.parent.glob(f"{glob.escape(prefix)}*"):
        pid, _, kind = p.name[len(prefix) :].partition(".")
        if kind in (_PARTIAL, _OLD) and pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)
    work = out_dir.with_name(f"{prefix}{os.getpid()}.{_PARTIAL}")
    old = out_dir.with_name(f"{prefix}{os.getpid()}.{_OLD}")
    for leftover in (work, old):  # of an earlier build in this process that raised midway
        if leftover.exists():
            shutil.rmtree(leftover)
    work.mkdir(parents=True)
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    had_one = out_dir.exists()
    if had_one:
        os.replace(out_dir, old)
    os.replace(work, out_dir)
    if had_one:
        shutil.rmtree(old)


def _package_court(
    args: tuple[Path, str, str, list[AccountResult], dt.date],
) -> tuple[CourtTotals, dict[str, float]]:
    """One court's filing list and ZIP (run in a worker), with the CPU seconds by step."""
    out_dir, code, name, accounts, dated = args
    folder = court_folder(code, name)
    with _W["cpu"].step("filing list"):
        evidence = evidence_to_supply(_W["plaintiff"], any(a.clause_relied for a in accounts))
        _filing_list(
            out_dir / folder / FILING_LIST, accounts, dated, _to_supply(_W["plaintiff"]), evidence
        )
    zip_name = f"{folder}.zip"
    with _W["cpu"].step("zip"):
        zip_sha = _zip_folder(out_dir / folder, out_dir / zip_name, dated)
    totals = CourtTotals(
        code,
        name,
        len(accounts),
        total(a.claim_total for a in accounts),
        total(a.fee for a in accounts),
        folder,
        zip_name,
        zip_sha,
    )
    return totals, _cpu_taken()


@contextmanager
def _mapper(
    workers: int, init: tuple[Any, ...], preload: str | None
) -> Iterator[Callable[..., Iterator[Any]]]:
    """``map`` over worker processes (each initialised once, started with ``preload``,
    :mod:`overdue.workers`), or in this process for one."""
    if workers <= 1:
        _init_worker(*init)
        yield map
        return
    with ProcessPoolExecutor(
        workers, mp_context=spawn_context(preload), initializer=_init_pool_worker, initargs=init
    ) as pool:
        yield pool.map


def _init_pool_worker(*init: Any) -> None:
    """A pool worker (started with jemalloc when the machine has it, :mod:`overdue.workers`)."""
    as_pool_worker()
    _init_worker(*init)


def as_pool_worker() -> None:
    """The settings of a pool worker process, for this process (also used by the benchmark
    for its one-process baseline).

    Typst lays out pages on a thread pool of its own (Rayon), whose idle threads spin; with
    one worker process per core they only take time from the other workers (measured: ~6 %
    less CPU per account with one Typst thread). An operator's RAYON_NUM_THREADS is kept.

    Python's cyclic garbage collector runs every 700 new container objects by default; a
    worker makes and drops hundreds of thousands a chunk (document blocks, JSON), nearly all
    freed by reference counting, and the collector's passes were ~4 % of its CPU in a perf
    profile. Collecting every 20,000 (and older generations rarely) took 3-7 % off a worker's
    user time (three alternating pairs); a worker's memory stays bounded by the chunk."""
    os.environ.setdefault("RAYON_NUM_THREADS", "1")
    gc.set_threshold(20_000, 50, 1_000)


def _filing_list(
    path: Path,
    accounts: Sequence[AccountResult],
    dated: dt.date,
    to_supply: Sequence[str],
    evidence: Sequence[str] = (),
) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "立案清单"
    labels = ["借款本金", "利息", "罚息", "复利", "服务费", "逾期违约金"]
    header = [
        "序号",
        "被告",
        "身份证号码（脱敏）",
        "手机号码（脱敏）",
        "贷款编号",
        "合同编号",
        *labels,
        "标的总额",
        "诉讼费",
        "适用程序",
        "文书",
        "起诉状SHA-256",
    ]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, a in enumerate(accounts, start=1):
        claims = dict(a.claims)
        ws.append(
            [
                n,
                a.defendant,
                a.masked_id,
                a.masked_phone,
                a.loan_id,
                a.contract_no,
                *[Decimal(claims[k]) if k in claims else ZERO for k in labels],
                a.claim_total,
                a.fee,
                a.procedure,
                # what is filed: the PDFs and the scans (whatever their format), not the DOCX
                "；".join(f for f, _, _ in a.files if not f.endswith(".docx") and "/" not in f),
                a.complaint_sha256,
            ]
        )
    money_cols = range(7, 7 + len(labels) + 2)
    for row in ws.iter_rows(min_row=2):
        for c in money_cols:
            row[c - 1].number_format = "#,##0.00"
    widths = [6, 10, 22, 15, 14, 16] + [12] * (len(labels) + 2) + [14, 60, 66]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"
    last = len(accounts) + 2
    ws.cell(last, 1, "合计")
    ws.cell(
        last, 7 + len(labels), total(a.claim_total for a in accounts)
    ).number_format = "#,##0.00"
    ws.cell(last, 8 + len(labels), total(a.fee for a in accounts)).number_format = "#,##0.00"
    if to_supply:
        ws.cell(last + 2, 1, "待补材料")
        ws.cell(last + 2, 2, f"以上各案均未随附，立案时每案各补交1份：{'、'.join(to_supply)}")
    if evidence:
        at = last + (3 if to_supply else 2)
        ws.cell(at, 1, "待补证据")
        ws.cell(at, 2, f"以下证据材料未随附，立案时每案各补交：{'、'.join(evidence)}")
    wb.properties.creator = "overdue"
    created = dt.datetime.combine(dated, dt.time(0, 0))
    wb.properties.created = created
    wb.properties.modified = created
    # openpyxl's save stamps "now" on the workbook and its zip entries; writing through its
    # ExcelWriter and re-stamping the entries keeps the same inputs giving the same bytes.
    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(_restamp(buf.getvalue(), dated))


def _stamp(dated: dt.date) -> tuple[int, int, int, int, int, int]:
    return (max(dated.year, 1980), dated.month, dated.day, 0, 0, 0)


def _restamp(data: bytes, dated: dt.date) -> bytes:
    """The same zip with every entry dated ``dated`` (in the original order)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, _stamp(dated))
            entry.compress_type = info.compress_type
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info))
    return out.getvalue()


def _zip_folder(folder: Path, target: Path, dated: dt.date) -> str:
    """Zip ``folder`` (files in name order, fixed times) and return the ZIP's SHA-256."""
    stamp = _stamp(dated)
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(Path(folder.name) / path.relative_to(folder)), stamp)
            stored = path.suffix in (".pdf", ".docx", ".xlsx")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
    return file_sha256(target)


def _templates_version() -> dict[str, str]:
    from overdue.documents.render import TEMPLATES_DIR

    return {p.name: _sha(p.read_bytes()) for p in sorted(TEMPLATES_DIR.iterdir()) if p.is_file()}


def _write_batch_json(
    out_dir: Path, r: BatchResult, meta: Mapping[str, Any], selection_dir: Path, dated: dt.date
) -> None:
    data = {
        "as_of": meta["as_of"],
        "filing_date": dated.isoformat(),
        "selection": {
            "dir": str(selection_dir.resolve()),
            "selection_json_sha256": _sha((selection_dir / SELECTION_FILE).read_bytes()),
            "decisions_sha256": _sha((selection_dir / DECISIONS_FILE).read_bytes()),
            "selected": meta["counts"]["selected"],
        },
        "counts": {
            "accounts": r.accounts,
            "courts": len(r.courts),
            "documents": r.documents,
            "rendered": r.rendered,
        },
        "materials_to_supply": list(r.materials_to_supply),
        "evidence_to_supply": list(r.evidence_to_supply),
        "to_verify": [{"loan_id": loan_id, "note": note} for loan_id, note in r.to_verify],
        "claim_total": str(r.claim_total),
        "fee_total": str(r.fee_total),
        "courts": [
            {
                "code": c.code,
                "name": c.name,
                "accounts": c.accounts,
                "claim_total": str(c.claim_total),
                "fee_total": str(c.fee_total),
                "folder": c.folder,
                "zip": c.zip_file,
                "zip_sha256": c.zip_sha256,
            }
            for c in r.courts
        ],
        "rule_versions": data_version(RULE_FILES),
        "template_versions": _templates_version(),
        "policy": meta["policy"],
    }
    (out_dir / BATCH_FILE).write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
