"""The batch build over the planted portfolio: documents, evidence, hashes, filing list, ZIPs."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pyarrow.parquet as pq
import pytest
from tests.planted import AS_OF

from overdue.litigation.build import DOCUMENTS, BatchResult, build_batch
from overdue.litigation.policy import (
    LenderType,
    Plaintiff,
    Policy,
    example_file,
    load_plaintiff,
)
from overdue.litigation.select import select_accounts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def batch(planted: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("batch")
    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    _select(planted, root / "selection", plaintiff)
    build_batch(
        selection_dir=root / "selection", plaintiff=plaintiff, out_dir=root / "out", workers=1
    )
    return root


def _select(planted: tuple[Path, Path], out_dir: Path, plaintiff: Plaintiff | None) -> None:
    """The licensed lender's accounts of the planted portfolio, selected into ``out_dir``."""
    data, run = planted
    select_accounts(
        data_dir=data,
        state_dir=run,
        policy=Policy(lender_types=(LenderType.LICENSED,)),
        as_of=AS_OF,
        out_dir=out_dir,
        plaintiff=plaintiff,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flat(text: str) -> str:
    return "".join(text.split())


def _ids(planted: tuple[Path, Path]) -> dict[str, str]:
    import csv

    with (planted[0] / "borrowers.csv").open(encoding="utf-8") as f:
        return {r["borrower_id"]: r["id_number"] for r in csv.DictReader(f)}


def test_every_account_has_its_documents_and_a_true_manifest(batch: Path) -> None:
    meta = json.loads((batch / "out" / "batch.json").read_text(encoding="utf-8"))
    assert meta["counts"]["accounts"] == meta["selection"]["selected"] == 2
    assert meta["to_verify"] == []  # the licensed cap rests on no LPR figure
    folders = [p.parent for p in (batch / "out").rglob("manifest.json")]
    assert len(folders) == 2
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        listed = {f["file"]: f["sha256"] for f in manifest["files"]}
        on_disk = {
            str(p.relative_to(folder)): _sha(p)
            for p in folder.rglob("*")
            if p.is_file() and p.name != "manifest.json"
        }
        assert listed == on_disk  # every file listed, every hash true, nothing unlisted
        for _, stem in DOCUMENTS:
            assert f"{stem}.pdf" in listed
            assert f"{stem}.docx" in listed
        evidence = sorted(f for f in listed if f.startswith("evidence/"))
        assert evidence[:4] == [
            "evidence/01-借款合同要素表.pdf",
            "evidence/02-放款记录.pdf",
            "evidence/03-还款计划与还款记录.pdf",
            "evidence/04-债权计算表.pdf",
        ]
        # A-OK was dunned twice: it has a collection record; C-RESOLVED was not.
        assert ("evidence/05-催收记录.pdf" in listed) == folder.name.startswith("A-OK")


def test_complaint_names_the_parties_and_states_the_claims(
    batch: Path, planted: tuple[Path, Path]
) -> None:
    (folder,) = (batch / "out").glob("*/A-OK-*")
    # pdftotext (poppler) reads the PDF independently of the project's own text extraction.
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(folder / "01-民事起诉状.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = _flat(text)
    ids = _ids(planted)
    assert "杭州互联网法院" in flat  # P-less loans use the default product: defendant domicile
    assert "示例消费金融股份有限公司" in flat
    assert ids["B-A-OK"] in flat  # the court needs the full ID number
    # Claims worked out by hand in test_select: principal 20,000.00, interest 900.00, penalty
    # 3,210.00 - 112.19 given up above the 24 % cap = 3,097.81; total 23,997.81.
    for figure in ("20,000.00", "900.00", "3,097.81", "23,997.81", "112.19"):
        assert figure in flat, figure
    assert "贰万叁仟玖佰玖拾柒元捌角壹分" in flat  # 23,997.81 in capitals, written by hand
    assert "以20,000.00元为基数，按年利率24%计算自2026年11月21日起至实际清偿之日止" in flat
    assert "本案诉讼费用由被告承担" in flat


def test_a_fee_withheld_at_disbursement_is_not_claimed_as_principal(batch: Path) -> None:
    """C-RESOLVED: 1,000 of its 20,000 withheld when paid out, so 19,000 lent (民法典 Art. 670).
    Bullet, 3 months at 18 %: interest 19,000 x 1.5 % x 3 = 855.00 due 2026-04-20; penalty at
    27 % for 214 days: 19,000 x 0.27 x 214 / 360 = 3,049.50. Cap 24 % over the 304 days from
    disbursement: 19,000 x 0.24 x 304 / 365 = 3,797.917... -> 3,797.92, so 3,904.50 charged is
    106.58 too much, given up from the penalty: 2,942.92. Claimed 19,000 + 855 + 2,942.92."""
    (folder,) = (batch / "out").glob("*/C-RESOLVED-*")

    def text(name: str) -> str:
        return _flat(
            subprocess.run(
                ["pdftotext", "-enc", "UTF-8", str(folder / name), "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )

    complaint = text("01-民事起诉状.pdf")
    assert "合同约定借款本金20,000.00元（大写：贰万元整），原告实际发放19,000.00元" in complaint
    assert "预先扣除一次性费用1,000.00元" in complaint
    assert "第六百七十条" in complaint
    for figure in ("855.00", "2,942.92", "106.58", "22,797.92"):
        assert figure in complaint, figure
    assert "偿还借款本金19,000.00元（大写：壹万玖仟元整）" in complaint
    assert "贰万贰仟柒佰玖拾柒元玖角贰分" in complaint  # 22,797.92, written by hand
    assert "依约发放" not in complaint
    assert "第六百六十七条、第六百七十条、第六百七十四条" in complaint  # 请求依据
    disbursement = text("evidence/02-放款记录.pdf")
    assert "放款金额19,000.00元（大写：壹万玖仟元整）" in disbursement
    assert "放款时预先扣除1,000.00元" in disbursement
    ledger = text("evidence/03-还款计划与还款记录.pdf")
    assert "本计划按实际发放的19,000.00元" in ledger
    sheet = text("evidence/04-债权计算表.pdf")
    assert "按实际出借的19,000.00元认定" in sheet


def test_docx_opens_and_agrees_with_the_pdf(batch: Path) -> None:
    (folder,) = (batch / "out").glob("*/A-OK-*")
    d = docx.Document(str(folder / "01-民事起诉状.docx"))
    text = _flat(
        "\n".join(
            [p.text for p in d.paragraphs]
            + [c.text for t in d.tables for row in t.rows for c in row.cells]
        )
    )
    for figure in (
        "20,000.00",
        "23,997.81",
        "贰万叁仟玖佰玖拾柒元捌角壹分",
        "杭州互联网法院",
    ):
        assert figure in text, figure


def test_filing_list_and_batch_json_mask_id_numbers(
    batch: Path, planted: tuple[Path, Path]
) -> None:
    ids = _ids(planted)
    (court,) = {p.parent for p in (batch / "out").glob("*/立案清单.xlsx")}
    wb = openpyxl.load_workbook(court / "立案清单.xlsx")
    ws = wb.active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    by_loan = {r[header.index("贷款编号")]: r for r in rows[1:] if isinstance(r[0], int)}
    assert set(by_loan) == {"A-OK", "C-RESOLVED"}
    a = by_loan["A-OK"]
    full = ids["B-A-OK"]
    assert a[header.index("身份证号码（脱敏）")] == full[:6] + "********" + full[-4:]
    assert Decimal(str(a[header.index("标的总额")])) == Decimal("23997.81")
    everything = "".join(str(c) for r in rows for c in r if c is not None)
    everything += (batch / "out" / "batch.json").read_text(encoding="utf-8")
    assert not any(full_id in everything for full_id in ids.values())


def test_zip_per_court_holds_the_folder_and_its_hash_is_recorded(batch: Path) -> None:
    meta = json.loads((batch / "out" / "batch.json").read_text(encoding="utf-8"))
    decisions = pq.read_table(batch / "selection" / "decisions.parquet").to_pylist()
    selected = [d for d in decisions if d["selected"]]
    assert Decimal(meta["claim_total"]) == sum(d["claim_estimate"] for d in selected)
    for court in meta["courts"]:
        z = batch / "out" / court["zip"]
        assert _sha(z) == court["zip_sha256"]
        folder = batch / "out" / court["folder"]
        with zipfile.ZipFile(z) as zf:
            assert zf.testzip() is None
            names = sorted(zf.namelist())
            files = sorted(
                str(p.relative_to(folder.parent)) for p in folder.rglob("*") if p.is_file()
            )
            assert names == files
            for name in names:
                assert zf.read(name) == (folder.parent / name).read_bytes()
    assert set(meta["rule_versions"]) >= {"court_fees.csv", "cap_profiles.csv", "lpr.csv"}


def test_the_same_selection_builds_byte_identical_packages(batch: Path, tmp_path: Path) -> None:
    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    build_batch(
        selection_dir=batch / "selection",
        plaintiff=plaintiff,
        out_dir=tmp_path / "again",
        workers=1,
    )
    first = json.loads((batch / "out" / "batch.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "again" / "batch.json").read_text(encoding="utf-8"))
    assert [c["zip_sha256"] for c in first["courts"]] == [c["zip_sha256"] for c in second["courts"]]


def test_worker_processes_build_the_same_package(
    batch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two worker processes and one account per chunk (rendering and packaging in the pool)
    give the same accounts, files, claims and totals as the single-process build."""
    import overdue.litigation.build as build_module

    monkeypatch.setattr(build_module, "CHUNK", 1)
    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    result = build_batch(
        selection_dir=batch / "selection", plaintiff=plaintiff, out_dir=tmp_path / "pool", workers=2
    )
    # The workers' CPU tally (what bench/litigation.py reports) reaches the caller, with every
    # step of the pipeline in it.
    steps = ("markdown", "docx", "pdf")
    assert set(result.cpu) == {
        "claims", "complaint check", "files", "filing list", "zip", "evidence markdown",
        "evidence pdf", *(f"{k} {step}" for k, _ in DOCUMENTS for step in steps),
    }  # fmt: skip
    assert all(seconds >= 0 for seconds in result.cpu.values())
    assert result.cpu["complaint pdf"] > 0
    one = json.loads((batch / "out" / "batch.json").read_text(encoding="utf-8"))
    two = json.loads((tmp_path / "pool" / "batch.json").read_text(encoding="utf-8"))
    for key in ("counts", "claim_total", "fee_total"):
        assert one[key] == two[key]
    assert [(c["code"], c["accounts"], c["claim_total"]) for c in one["courts"]] == [
        (c["code"], c["accounts"], c["claim_total"]) for c in two["courts"]
    ]

    def listing(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    assert listing(batch / "out") == listing(tmp_path / "pool")
    # The certificate, rendered once per worker, has the same bytes however the work is split.
    stem = dict(DOCUMENTS)["legal_rep_certificate"]
    for suffix in (".pdf", ".docx"):
        copies = [*(batch / "out").rglob(stem + suffix), *(tmp_path / "pool").rglob(stem + suffix)]
        assert len(copies) == 4
        assert len({_sha(c) for c in copies}) == 1


def test_a_worker_malloc_that_is_not_there_stops_the_build_before_anything_is_written(
    batch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from overdue.workers import MALLOC_VARIABLE, WorkerMallocError

    previous = tmp_path / "out" / "batch.json"
    previous.parent.mkdir()
    previous.write_text("{}", encoding="utf-8")
    monkeypatch.setenv(MALLOC_VARIABLE, "/no/such/libjemalloc.so.2")
    with pytest.raises(WorkerMallocError, match=r"no such file: /no/such/libjemalloc\.so\.2"):
        _build_with(batch, example_file("PLAINTIFF.yaml"), tmp_path / "out")
    assert previous.read_text(encoding="utf-8") == "{}"


def _beside(out: Path) -> list[str]:
    """The hidden folders a build keeps beside ``out`` (its work in progress, the batch it
    replaces)."""
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*"))


def test_a_build_that_fails_midway_leaves_the_earlier_batch_as_it_was(
    batch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import overdue.litigation.build as build_module

    out = tmp_path / "out"
    _build_with(batch, example_file("PLAINTIFF.yaml"), out)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def refuse(case: object, text: str) -> None:  # as the check does for a wrong complaint
        raise build_module.DocumentCheckError("complaint PDF check failed (planted)")

    monkeypatch.setattr(build_module, "_check_complaint", refuse)
    with pytest.raises(build_module.DocumentCheckError, match="planted"):
        _build_with(batch, example_file("PLAINTIFF.yaml"), out)
    after = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert _beside(out) == []  # the half-built batch is gone


def test_a_new_batch_replaces_the_earlier_one_and_what_killed_builds_left(
    batch: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("from an earlier batch", encoding="utf-8")
    finished = subprocess.Popen(["true"])
    finished.wait()  # a pid no process has now: a build that was killed
    (tmp_path / f".out.{finished.pid}.partial" / "court").mkdir(parents=True)
    (tmp_path / f".out.{finished.pid}.old").mkdir()
    running = tmp_path / f".out.{os.getppid()}.partial"  # a build still running elsewhere
    running.mkdir()
    r = _build_with(batch, example_file("PLAINTIFF.yaml"), out)
    assert r.out_dir == out
    assert r.example_complaint_pdf is not None
    assert r.example_complaint_pdf.is_file()
    assert not (out / "stale.txt").exists()
    assert (out / "batch.json").is_file()
    assert _beside(out) == [running.name]
    # --out must name the folder itself: a file or a link there is not replaced
    from overdue.errors import InputError

    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "a-link").symlink_to(out)
    for name, says in (("a-file", "is a file"), ("a-link", "is a symbolic link")):
        with pytest.raises(InputError, match=says):
            _build_with(batch, example_file("PLAINTIFF.yaml"), tmp_path / name)
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "x"
    assert (tmp_path / "a-link").resolve() == out


def test_the_legal_representative_certificate_is_the_plaintiffs_own_in_every_case(
    batch: Path, tmp_path: Path
) -> None:
    """The certificate depends on the plaintiff and the filing date only: rendered once per
    worker, the same bytes in every folder; a later build for another plaintiff in the same
    process states the other plaintiff's representative."""
    stem = dict(DOCUMENTS)["legal_rep_certificate"]
    for suffix in (".pdf", ".docx"):
        copies = {p.read_bytes() for p in (batch / "out").rglob(stem + suffix)}
        assert len(copies) == 1, suffix
    (one,) = {p.read_bytes() for p in (batch / "out").rglob(stem + ".pdf")}
    text = example_file("PLAINTIFF.yaml").read_text(encoding="utf-8")
    other = tmp_path / "PLAINTIFF.yaml"
    other.write_text(text.replace("legal_rep: 王示例", "legal_rep: 李另例"), encoding="utf-8")
    _build_with(batch, other, tmp_path / "other")
    pdfs = list((tmp_path / "other").rglob(stem + ".pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        assert "李另例在我单位任董事长职务" in _pdftotext(pdf)
        assert pdf.read_bytes() != one


def test_a_complaint_whose_text_lacks_a_party_or_misstates_a_capital_stops_the_batch(
    batch: Path, tmp_path: Path
) -> None:
    """The check every complaint passes before it is filed, on a real account's complaint:
    the text PDFium extracts from it passes; the same text with the defendant's name gone, or
    with a capital that disagrees with its figure, raises."""
    import overdue.litigation.build as b
    from overdue.money import capital, fmt

    plaintiff = load_plaintiff(example_file("PLAINTIFF.yaml"))
    meta, selected, policy = b._read_selection(batch / "selection")
    job = b._jobs(batch / "selection", selected[:1], plaintiff)[0]
    b._init_worker(
        plaintiff.model_dump_json(), str(tmp_path), meta["as_of"], meta["as_of"], policy.accelerate
    )
    case = b._start(job).case
    [rendered] = b._W["renderer"].render_many("complaint", [case.complaint], with_text=True)
    text = rendered.text or ""
    b._check_complaint(case, text)

    name = case.complaint.defendant.name
    with pytest.raises(b.DocumentCheckError, match=f"缺少：{name}"):
        b._check_complaint(case, _flat(text).replace(name, "某某"))
    total = case.complaint.claims.total
    right = f"{fmt(total)}元（大写：{capital(total)}）"
    assert right in _flat(text)
    wrong = f"{fmt(total)}元（大写：{capital(total + 1)}）"
    with pytest.raises(b.DocumentCheckError, match="大写金额不符"):
        b._check_complaint(case, _flat(text).replace(right, wrong))


def _pdftotext(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return _flat(out.stdout)


def test_each_case_has_the_law_firms_letter_and_the_legal_representatives_certificate(
    batch: Path,
) -> None:
    """登记立案规定 Art. 6: the agent's proof (律师事务所函) names this case; the plaintiff's
    certificate names its legal representative. The example PLAINTIFF.yaml names no scans, so
    batch.json lists them as to be supplied."""
    (folder,) = (batch / "out").glob("*/A-OK-*")
    letter = _pdftotext(folder / "05-律师事务所函.pdf")
    for part in ("杭州互联网法院", "示例消费金融股份有限公司", "林晓示", "13301202010123456",
                 "浙江示例律师事务所"):  # fmt: skip
        assert part in letter, part
    certificate = _pdftotext(folder / "06-法定代表人身份证明书.pdf")
    assert "王示例在我单位任董事长职务，是我单位的法定代表人" in certificate
    complaint = _pdftotext(folder / "01-民事起诉状.pdf")
    assert "授权委托书、律师事务所函、送达地址确认书各1份" in complaint
    meta = json.loads((batch / "out" / "batch.json").read_text(encoding="utf-8"))
    missing = ["营业执照副本复印件", "律师执业证复印件", "法定代表人身份证复印件"]
    assert meta["materials_to_supply"] == missing
    assert not list((batch / "out").rglob("07-*"))
    # The court's own copy of the list says so too, below the totals.
    (listing,) = (batch / "out").glob("*/立案清单.xlsx")
    ws = openpyxl.load_workbook(listing).active
    assert ws is not None
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] == "待补材料"]
    assert rows == [("待补材料", "以上各案均未随附，立案时每案各补交1份：" + "、".join(missing))
                    + (None,) * (len(rows[0]) - 2)]  # fmt: skip
    # Nor does the example name folders of e-contracts or ID copies: their originals, and the
    # payment channel's receipt for the disbursement, are listed as evidence to supply.
    originals = [
        "电子借款合同原件（含电子签名验证信息）",
        "放款凭证（银行或支付机构出具的放款转账记录）",
        "被告身份证复印件",
    ]
    assert meta["evidence_to_supply"] == originals
    [row] = [r for r in ws.iter_rows(values_only=True) if r[0] == "待补证据"]
    assert row[1] == "以下证据材料未随附，立案时每案各补交：" + "、".join(originals)


def _plaintiff_yaml(tmp_path: Path, extra: str) -> Path:
    """The example PLAINTIFF.yaml with ``extra`` in place of its econtract_dir and materials."""
    text = example_file("PLAINTIFF.yaml").read_text(encoding="utf-8")
    head = text.split("\necontract_dir:")[0]
    path = tmp_path / "cfg" / "PLAINTIFF.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "\n" + extra, encoding="utf-8")
    return path


def _build_with(
    batch: Path, plaintiff_yaml: Path, out_dir: Path, selection: str = "selection"
) -> BatchResult:
    """The planted selection built with the PLAINTIFF.yaml at ``plaintiff_yaml`` (whose
    paths are read from beside it), in one process."""
    return build_batch(
        selection_dir=batch / selection,
        plaintiff=load_plaintiff(plaintiff_yaml),
        out_dir=out_dir,
        workers=1,
    )


def test_scans_named_in_plaintiff_yaml_are_copied_into_every_case(
    batch: Path, tmp_path: Path
) -> None:
    yaml_path = _plaintiff_yaml(
        tmp_path,
        "materials:\n  business_licence: scans/licence.pdf\n  lawyer_licence: scans/lawyer.PNG\n"
        f"  legal_rep_id: {tmp_path / 'cfg' / 'scans' / 'id.jpg'}\n  required: true\n",
    )
    (yaml_path.parent / "scans").mkdir()
    licence, lawyer = b"%PDF-1.7 licence scan", b"\x89PNG lawyer scan"
    (yaml_path.parent / "scans" / "licence.pdf").write_bytes(licence)
    (yaml_path.parent / "scans" / "lawyer.PNG").write_bytes(lawyer)
    (yaml_path.parent / "scans" / "id.jpg").write_bytes(b"\xff\xd8 id scan")  # an absolute path
    r = _build_with(batch, yaml_path, tmp_path / "out")
    assert r.materials_to_supply == ()
    folders = [p.parent for p in (tmp_path / "out").rglob("manifest.json")]
    assert len(folders) == 2
    for folder in folders:
        assert (folder / "07-营业执照副本复印件.pdf").read_bytes() == licence
        assert (folder / "08-律师执业证复印件.png").read_bytes() == lawyer
        assert (folder / "09-法定代表人身份证复印件.jpg").read_bytes() == b"\xff\xd8 id scan"
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert {"07-营业执照副本复印件.pdf", "08-律师执业证复印件.png"} <= {
            f["file"] for f in manifest["files"]
        }


def test_a_scan_or_an_e_contract_that_is_not_there_stops_the_build(
    batch: Path, tmp_path: Path
) -> None:
    from overdue.errors import InputError

    previous = tmp_path / "out" / "batch.json"  # a previous batch, which a failed build keeps
    previous.parent.mkdir()
    previous.write_text("{}", encoding="utf-8")
    missing = _plaintiff_yaml(tmp_path, "materials:\n  lawyer_licence: nowhere.pdf\n")
    with pytest.raises(InputError, match=r"materials\.lawyer_licence: no such file"):
        _build_with(batch, missing, tmp_path / "out")
    # With required: true, a scan that is not named stops it too, naming what is missing.
    (tmp_path / "cfg" / "lawyer.pdf").write_bytes(b"%PDF-1.7 lawyer scan")
    unnamed = _plaintiff_yaml(
        tmp_path, "materials:\n  lawyer_licence: lawyer.pdf\n  required: true\n"
    )
    with pytest.raises(InputError) as err:
        _build_with(batch, unnamed, tmp_path / "out")
    assert str(err.value) == (
        "PLAINTIFF.yaml: materials: required is true, but no scan is named for "
        "business_licence (营业执照副本复印件), legal_rep_id (法定代表人身份证复印件)"
    )
    # Stored e-contracts: every selected account must have one; one of the two is missing.
    contracts = tmp_path / "cfg" / "contracts"
    contracts.mkdir(parents=True)
    (contracts / "A-OK.pdf").write_bytes(b"%PDF-1.7 e-contract of A-OK")
    stored = _plaintiff_yaml(tmp_path, "econtract_dir: contracts\n")
    with pytest.raises(InputError) as err:
        _build_with(batch, stored, tmp_path / "out")
    assert str(err.value) == (
        f"{contracts}: econtract_dir: 1 selected account(s) have no stored e-contract "
        "({loan_id}.pdf): C-RESOLVED"
    )
    assert previous.read_text(encoding="utf-8") == "{}"
    # A suffix in capitals, as exports from other systems have it, is found too.
    (contracts / "C-RESOLVED.PDF").write_bytes(b"%PDF-1.7 e-contract of C-RESOLVED")
    _build_with(batch, stored, tmp_path / "out")
    (folder,) = (tmp_path / "out").glob("*/A-OK-*")
    digest = hashlib.sha256(b"%PDF-1.7 e-contract of A-OK").hexdigest()
    assert digest in _pdftotext(folder / "01-民事起诉状.pdf")
    # The e-contract itself is filed with the contract summary (evidence item 1) and listed.
    copy = folder / "evidence" / "01-电子借款合同.pdf"
    assert copy.read_bytes() == b"%PDF-1.7 e-contract of A-OK"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {"file": "evidence/01-电子借款合同.pdf", "sha256": digest, "bytes": 27} in manifest[
        "files"
    ]
    from overdue.documents.checks import docx_text

    listing = _flat(docx_text((folder / "02-证据目录.docx").read_bytes()))  # a cell per line
    cells = docx_text((folder / "02-证据目录.docx").read_bytes()).splitlines()
    assert "原告根据借款合同制作；电子合同原件随附" in cells
    # The original is named in the file column and its hash is in the list's hash table.
    assert "evidence/01-借款合同要素表.pdf；evidence/01-电子借款合同.pdf" in listing
    assert f"evidence/01-电子借款合同.pdf{digest}" in listing


def test_the_record_of_a_jurisdiction_clauses_notice_is_filed_with_the_contract(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    """Where the plaintiff sues at the agreed court on the strength of the clause's notice,
    PLAINTIFF.yaml's notice_dir holds each loan's record of it: filed with the contract
    summary, or its absence stops the build; without notice_dir it is filed separately."""
    from overdue.documents.checks import docx_text
    from overdue.errors import InputError

    text = example_file("PLAINTIFF.yaml").read_text(encoding="utf-8")
    head = text.split("\necontract_dir:")[0].replace(
        "default_product:                            # every other product\n",
        "default_product:\n  agreed_court: 浙0106\n  agreed_court_clause: 由贷款人住所地法院管辖\n"
        "  agreed_court_notice: 在借款页面以加粗字体提示，并经借款人单独勾选确认\n",
    )
    cfg = tmp_path / "cfg"
    (cfg / "notices").mkdir(parents=True)
    without, with_dir = cfg / "WITHOUT.yaml", cfg / "PLAINTIFF.yaml"
    without.write_text(head + "\n", encoding="utf-8")
    with_dir.write_text(head + "\nnotice_dir: notices\n", encoding="utf-8")
    _select(planted, tmp_path / "selection", load_plaintiff(with_dir))
    record = b"\x89PNG signing page of A-OK"
    (cfg / "notices" / "A-OK.png").write_bytes(record)
    with pytest.raises(InputError) as err:
        _build_with(tmp_path, with_dir, tmp_path / "out")
    assert str(err.value) == (
        f"{cfg / 'notices'}: notice_dir: 2 selected account(s) rely on their contract's "
        "jurisdiction clause and have no record of its notice ({loan_id}.pdf/.jpg/.jpeg/.png): "
        "C-RESOLVED, I-NOCOURT"
    )  # I-NOCOURT, whose county names no court, is filed at the agreed court here
    for loan_id in ("C-RESOLVED", "I-NOCOURT"):
        (cfg / "notices" / f"{loan_id}.pdf").write_bytes(b"%PDF-1.7 signing page")
    _build_with(tmp_path, with_dir, tmp_path / "out")
    (folder,) = (tmp_path / "out").glob("*/A-OK-*")
    assert (folder / "evidence" / "01-管辖条款提示记录.png").read_bytes() == record
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {
        "file": "evidence/01-管辖条款提示记录.png",
        "sha256": hashlib.sha256(record).hexdigest(),
        "bytes": len(record),
    } in manifest["files"]
    listing = _flat(docx_text((folder / "02-证据目录.docx").read_bytes()))
    assert "管辖条款提示记录随附" in listing
    assert "evidence/01-借款合同要素表.pdf；evidence/01-管辖条款提示记录.png" in listing
    assert "evidence/01-管辖条款提示记录.png" + hashlib.sha256(record).hexdigest() in listing
    assert "合同约定的管辖条款及其提请借款人注意的方式" in listing
    _build_with(tmp_path, without, tmp_path / "out2")
    (folder,) = (tmp_path / "out2").glob("*/A-OK-*")
    assert not (folder / "evidence" / "01-管辖条款提示记录.png").exists()
    listing = _flat(docx_text((folder / "02-证据目录.docx").read_bytes()))
    assert "合同原件或电子合同及管辖条款提示记录另行提交" in listing
    # What counts is where the selection sent the account: selected without the clause (no
    # PLAINTIFF.yaml), the accounts go to the defendants' courts, and the same build neither
    # asks for nor files a record of the clause's notice, nor names it as evidence.
    (cfg / "notices" / "C-RESOLVED.pdf").unlink()
    _select(planted, tmp_path / "domicile", None)
    _build_with(tmp_path, with_dir, tmp_path / "out3", selection="domicile")
    (folder,) = (tmp_path / "out3").glob("*/A-OK-*")
    assert not list(folder.rglob("01-管辖条款提示记录.*"))
    listing = _flat(docx_text((folder / "02-证据目录.docx").read_bytes()))
    assert "管辖" not in listing
    assert "有无仲裁、法院管辖约定：无。" in _flat(_pdftotext(folder / "01-民事起诉状.pdf"))


def test_the_defendants_id_copy_is_filed_with_each_case(batch: Path, tmp_path: Path) -> None:
    """id_copy_dir holds the lender's copy of each borrower's identity card, by borrower_id:
    filed in the case's folder and named in the complaint's annex; one missing stops the
    build, naming the loan and the borrower."""
    from overdue.errors import InputError

    selected = pq.read_table(batch / "selection" / "decisions.parquet").to_pylist()
    borrower = {r["loan_id"]: r["borrower_id"] for r in selected if r["selected"]}
    assert sorted(borrower) == ["A-OK", "C-RESOLVED"]
    yaml_path = _plaintiff_yaml(tmp_path, "id_copy_dir: ids\n")
    (yaml_path.parent / "ids").mkdir()
    copy = b"\xff\xd8 identity card of A-OK's borrower"
    (yaml_path.parent / "ids" / f"{borrower['A-OK']}.jpg").write_bytes(copy)
    with pytest.raises(InputError) as err:
        _build_with(batch, yaml_path, tmp_path / "out")
    assert str(err.value).endswith(
        "id_copy_dir: 1 selected account(s) have no copy of the defendant's identity card "
        f"({{borrower_id}}.pdf/.jpg/.jpeg/.png): C-RESOLVED (borrower {borrower['C-RESOLVED']})"
    )
    (yaml_path.parent / "ids" / f"{borrower['C-RESOLVED']}.PNG").write_bytes(b"\x89PNG id")
    _build_with(batch, yaml_path, tmp_path / "out")
    (folder,) = (tmp_path / "out").glob("*/A-OK-*")
    assert (folder / "10-被告身份证复印件.jpg").read_bytes() == copy
    (other,) = (tmp_path / "out").glob("*/C-RESOLVED-*")
    assert (other / "10-被告身份证复印件.png").read_bytes() == b"\x89PNG id"
    # The court's filing list names it with the documents, whatever its format.
    (listing,) = (tmp_path / "out").glob("*/立案清单.xlsx")
    ws = openpyxl.load_workbook(listing).active
    assert ws is not None
    documents = [str(r[-2]) for r in ws.iter_rows(min_row=2, values_only=True) if r[4] == "A-OK"]
    assert len(documents) == 1
    assert documents[0].endswith("06-法定代表人身份证明书.pdf；10-被告身份证复印件.jpg")
    assert "；被告身份证复印件1份。" in _pdftotext(folder / "01-民事起诉状.pdf")
    assert "被告身份证复印件" not in _pdftotext(
        next((batch / "out").glob("*/A-OK-*")) / "01-民事起诉状.pdf"
    )
    # Two scans for one borrower are refused, as is a folder that is not there.
    (yaml_path.parent / "ids" / f"{borrower['A-OK']}.pdf").write_bytes(b"%PDF-1.7 id")
    with pytest.raises(InputError) as err:
        _build_with(batch, yaml_path, tmp_path / "out")
    b = borrower["A-OK"]
    assert str(err.value).endswith(
        f"id_copy_dir: 1 selected account(s) have two files: A-OK (borrower {b}): {b}.jpg, {b}.pdf"
    )
    # Every kind of record missing is reported at once.
    (yaml_path.parent / "empty").mkdir()
    both = _plaintiff_yaml(tmp_path, "econtract_dir: empty\nid_copy_dir: empty\n")
    with pytest.raises(InputError) as err:
        _build_with(batch, both, tmp_path / "out")
    message = str(err.value)
    assert message.startswith("PLAINTIFF.yaml: stored records: econtract_dir (")
    assert "have no stored e-contract ({loan_id}.pdf): A-OK, C-RESOLVED; id_copy_dir (" in message
    nowhere = _plaintiff_yaml(tmp_path, "id_copy_dir: nowhere\n")
    with pytest.raises(InputError, match=r"id_copy_dir: no such folder: "):
        _build_with(batch, nowhere, tmp_path / "out")


def test_loans_of_another_lender_type_than_the_plaintiffs_stop_the_build(
    batch: Path, tmp_path: Path
) -> None:
    # The planted selection holds the licensed lender's loans; a private plaintiff cannot sue
    # on them (they would be styled and capped as 民间借贷), nor the reverse.
    from overdue.errors import InputError

    text = example_file("PLAINTIFF.yaml").read_text(encoding="utf-8")
    path = tmp_path / "PLAINTIFF.yaml"
    path.write_text(text.replace("lender_type: licensed", "lender_type: private"), "utf-8")
    with pytest.raises(InputError) as err:
        _build_with(batch, path, tmp_path / "out")
    message = str(err.value)
    assert message.startswith("PLAINTIFF.yaml: lender_type: the plaintiff is a private lender")
    assert "2 selected loan(s)" in message
    assert "A-OK" in message
    assert "lender_types: [private]" in message
    assert not (tmp_path / "out").exists()


def test_a_plaintiff_whose_products_differ_from_the_selections_stops_the_build(
    batch: Path, tmp_path: Path
) -> None:
    # The selection chose courts and estimated claims by the products' clauses: a build on
    # other terms (here the default product without its acceleration clause) is refused.
    from overdue.errors import InputError

    text = example_file("PLAINTIFF.yaml").read_text(encoding="utf-8")
    clause = "\n  acceleration_clause: 借款人任何一期逾期还款的，贷款人有权宣布贷款全部提前到期\n"
    assert text.count(clause) == 1  # the default product's (the others are indented deeper)
    path = tmp_path / "PLAINTIFF.yaml"
    path.write_text(text.replace(clause, "\n"), "utf-8")
    with pytest.raises(InputError, match="select again"):
        _build_with(batch, path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_scan_must_be_a_pdf_or_an_image_and_an_agreed_court_known(tmp_path: Path) -> None:
    from overdue.errors import InputError

    bad = _plaintiff_yaml(tmp_path, "materials:\n  business_licence: licence.docx\n")
    with pytest.raises(InputError, match="business_licence"):
        load_plaintiff(bad)
    # So is a jurisdiction clause naming a court the court table does not have.
    text = example_file("PLAINTIFF.yaml").read_text(encoding="utf-8")
    unknown = tmp_path / "UNKNOWN.yaml"
    unknown.write_text(text.replace("agreed_court: 浙0106", "agreed_court: 浙0999", 1), "utf-8")
    with pytest.raises(InputError, match=r"products\.P01\.agreed_court: .*浙0999"):
        load_plaintiff(unknown)
