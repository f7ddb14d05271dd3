"""Templates: every kind renders from the samples, in the Markdown subset, with every claim.

These tests stop at the blocks (no Typst, no fonts); the PDF and DOCX files are tested in
tests/integration/documents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from tests.documents_support import (
    HOSTILE,
    amount_pairs,
    figure,
    minimal_contexts,
    read_capital,
    squeeze,
)

from overdue.documents import (
    EVIDENCE_SECTIONS,
    KINDS,
    TEMPLATES_DIR,
    Renderer,
    sample_evidence,
    sample_letter,
)
from overdue.documents.blocks import Heading, Paragraph, Run, Table, parse, parse_reference
from overdue.documents.context import (
    ComplaintContext,
    EvidenceContext,
)
from overdue.documents.render import Context, evidence_sections

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def _contexts(seed: int) -> list[tuple[str, Context]]:
    evidence = sample_evidence(seed)
    out: list[tuple[str, Context]] = [
        (kind, evidence.complaint)
        for kind, spec in KINDS.items()
        if spec.context is ComplaintContext
    ]
    out.append(("evidence", evidence))
    out.extend(("evidence", dataclasses.replace(evidence, section=s)) for s in EVIDENCE_SECTIONS)
    out.append(("negotiation_letter", sample_letter(seed)))
    return out


def _text(renderer: Renderer, kind: str, ctx: Context) -> str:
    lines = []
    for block in renderer.blocks(kind, ctx):
        if isinstance(block, (Heading, Paragraph)):
            lines.append("".join(r.text for r in block.runs))
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                lines.append("|".join("".join(r.text for r in cell) for cell in row))
    return "\n".join(lines)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_every_template_output_is_in_the_subset(renderer: Renderer, seed: int) -> None:
    for kind, ctx in _contexts(seed):
        markdown = renderer.markdown(kind, ctx)
        assert parse(markdown) == parse_reference(markdown), kind


@pytest.mark.parametrize("seed", [0, 3])
def test_every_amount_in_every_document_has_an_agreeing_capital(
    renderer: Renderer, seed: int
) -> None:
    for kind, ctx in _contexts(seed):
        for figures, capital in amount_pairs(_text(renderer, kind, ctx)):
            assert figures == capital, kind


def test_complaint_states_every_claim_with_its_capital(renderer: Renderer) -> None:
    ctx = sample_evidence(0).complaint
    text = squeeze(_text(renderer, "complaint", ctx))
    pairs = dict(amount_pairs(text))
    for item in ctx.claims.items:
        assert f"{item.label}{figure(item.amount)}元（大写：" in text
        assert pairs[item.amount] == item.amount
    assert f"合计{figure(ctx.claims.total)}元（大写：" in text
    assert sum(i.amount for i in ctx.claims.items) == ctx.claims.total
    for c in ctx.claims.continuing:
        rate = f"{(c.rate * 100).normalize():f}%"
        start = f"{c.start.year}年{c.start.month}月{c.start.day}日"
        assert f"以{figure(c.base)}元为基数，按年利率{rate}计算自{start}起至实际清偿之日止" in text
    for w in ctx.claims.waivers:
        assert f"{figure(w.given_up)}元（大写：" in text
        assert w.charged - w.claimed == w.given_up
    assert "本案诉讼费用由被告承担" in text
    assert "证据清单见附件《证据目录》" in text
    assert f"此致{ctx.court_name}" in text


def test_complaint_names_both_parties_with_their_identifiers(renderer: Renderer) -> None:
    ctx = sample_evidence(2).complaint
    text = squeeze(_text(renderer, "complaint", ctx))
    for value in (
        ctx.plaintiff.name,
        ctx.plaintiff.uscc,
        ctx.plaintiff.service_address,
        ctx.plaintiff.email,
        ctx.defendant.name,
        ctx.defendant.id_number,
        ctx.defendant.address,
        ctx.agent.name,
    ):
        assert squeeze(value) in text


def test_evidence_list_has_one_row_per_item(renderer: Renderer) -> None:
    ctx = sample_evidence(0).complaint
    tables = [b for b in renderer.blocks("evidence_list", ctx) if isinstance(b, Table)]
    header = ["".join(r.text for r in cell) for cell in tables[0].header]
    assert header == ["序号", "证据名称", "证据来源", "证明目的", "页码/文件"]
    names = ["".join(r.text for r in row[1]) for row in tables[0].rows]
    assert names == [e.name for e in ctx.evidence]


def test_all_evidence_sections_are_numbered_as_in_the_evidence_list() -> None:
    ctx = sample_evidence(0)
    numbered = dict(evidence_sections(ctx))
    assert numbered == {
        "loan_contract": "证据二",
        "disbursement": "证据三",
        "repayment_ledger": "证据四",
        "claim_sheet": "证据五",
        "collection_record": "证据六",
    }


def test_claim_sheet_lines_are_base_times_rate_times_days(renderer: Renderer) -> None:
    ctx = sample_evidence(4, section="claim_sheet")
    rows = [r for r in ctx.computation if "×" in r.detail]
    assert rows
    for row in rows:
        base, rate, days, basis = (
            row.detail.split("（")[0].replace(",", "").replace("%", "").split(" × ")[0],
            row.detail.split(" × ")[1].removesuffix("%"),
            row.detail.split(" × ")[2].split(" / ")[0],
            row.detail.split(" / ")[1].split("（")[0],
        )
        exact = Decimal(base) * Decimal(rate) / 100 * int(days) / int(basis)
        assert abs(exact - row.amount) <= Decimal("0.005")
    text = _text(renderer, "evidence", ctx)
    assert all(r.detail.split("（")[0] in text for r in rows)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_come_out_literally(renderer: Renderer, name: str) -> None:
    base = sample_evidence(0).complaint
    ctx = dataclasses.replace(
        base, defendant=dataclasses.replace(base.defendant, name=name, address=name)
    )
    for kind, times in (("complaint", 3), ("power_of_attorney", 1), ("evidence_list", 1)):
        text = _text(renderer, kind, ctx)
        assert text.count(name) >= times, kind


def test_an_unfiltered_amount_is_a_template_error(tmp_path: object) -> None:
    from overdue.documents.render import _finalize

    with pytest.raises(TypeError):
        _finalize(Decimal("1.00"))
    with pytest.raises(TypeError):
        _finalize(dt.date(2025, 1, 1))


def test_a_context_of_the_wrong_type_is_refused(renderer: Renderer) -> None:
    with pytest.raises(TypeError):
        renderer.markdown("complaint", sample_letter(0))


def test_evidence_context_type() -> None:
    assert isinstance(sample_evidence(0), EvidenceContext)
    assert read_capital("壹万零伍拾元整") == Decimal("10050")


def test_evidence_has_no_docx_form(renderer: Renderer) -> None:
    from overdue.documents import UnknownKindError

    with pytest.raises(UnknownKindError):
        renderer.render_docx("evidence", sample_evidence(0))
    with pytest.raises(UnknownKindError):
        renderer.markdown("no_such_kind", sample_evidence(0).complaint)


def test_an_operator_edits_wording_in_a_copy_of_the_templates(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    source = templates / "power_of_attorney.md.j2"
    source.write_text(source.read_text().replace("# 授权委托书", "# 特别授权委托书"))
    edited = Renderer(templates=templates)
    blocks = edited.blocks("power_of_attorney", sample_evidence(0).complaint)
    assert blocks[0] == Heading(1, (Run("特别授权委托书"),))


def test_every_kind_renders_with_every_optional_part_empty(renderer: Renderer) -> None:
    evidence, letter = minimal_contexts()
    contexts: list[tuple[str, Context]] = [
        (k, evidence.complaint) for k, s in KINDS.items() if s.context is ComplaintContext
    ]
    contexts += [("evidence", evidence), ("negotiation_letter", letter)]
    for kind, ctx in contexts:
        markdown = renderer.markdown(kind, ctx)
        assert parse(markdown) == parse_reference(markdown), kind
    complaint = squeeze(_text(renderer, "complaint", evidence.complaint))
    assert "被告未偿还任何款项" in complaint
    assert "原告未进行催收" in complaint
    assert "性别：不详" in complaint
    assert "是否接受电子送达：否" in complaint
    letter_text = _text(renderer, "negotiation_letter", letter)
    assert "逾期原因" not in letter_text  # no hardship given: no empty section
    assert "二、还款方案" in letter_text


def test_a_term_ending_on_the_cut_off_day_has_not_expired(renderer: Renderer) -> None:
    """The last installment falls due on the cut-off: due that day, not overdue, so the term
    is not "已届满" and all is not "均已到期"; what is not claimed is said."""
    base = sample_evidence(0).complaint
    cut_off = base.claims.cut_off
    text = "第12期借款本金343.01元于该日到期，本案不予主张；该期利息6.86元原告自愿放弃"
    ctx = dataclasses.replace(
        base,
        loan=dataclasses.replace(base.loan, final_due_on=cut_off, acceleration_text=""),
        claims=dataclasses.replace(base.claims, due_on_cut_off_text=text),
    )
    complaint = squeeze(_text(renderer, "complaint", ctx))
    assert "已届满" not in complaint
    assert "均已到期" not in complaint
    assert squeeze(f"借款期限于{cut_off.year}年{cut_off.month}月{cut_off.day}日届满") in complaint
    assert squeeze(text) in complaint
    sheet = squeeze(
        _text(
            renderer,
            "evidence",
            dataclasses.replace(sample_evidence(0), complaint=ctx, section="claim_sheet"),
        )
    )
    assert squeeze(text) in sheet
    ended = dataclasses.replace(
        ctx, loan=dataclasses.replace(ctx.loan, final_due_on=cut_off - dt.timedelta(days=1))
    )
    assert "借款期限已届满" in squeeze(_text(renderer, "complaint", ended))


def test_the_complaint_tells_demands_in_this_default_from_earlier_ones(renderer: Renderer) -> None:
    """Element 12 lists the demands made since the default the suit is about; earlier ones
    (a reminder, or arrears since paid) are named as earlier, and "多次" only for several."""
    base = sample_evidence(0).complaint
    since = base.loan.default_since
    day = dt.timedelta(days=1)

    def element_12(demands: tuple[tuple[dt.date, str], ...]) -> str:
        ctx = dataclasses.replace(base, loan=dataclasses.replace(base.loan, demands=demands))
        text = squeeze(_text(renderer, "complaint", ctx))
        start = text.index("催收情况")
        return text[start : text.index("13.", start)]

    one = element_12(((since + day, "电话催收"),))
    assert "经原告催收" in one
    assert "多次" not in one
    assert "多次催收" in element_12(((since, "短信提醒"), (since + day, "电话催收")))
    mixed = element_12(((since - 40 * day, "短信提醒"), (since + day, "电话催收")))
    assert mixed.startswith(squeeze(f"催收情况：{since.year}年{(since + day).month}月"))
    early = since - 40 * day
    assert squeeze(f"此前，原告亦曾于{early.year}年{early.month}月{early.day}日催收") in mixed
    only_earlier = element_12(((early, "短信提醒"),))
    assert "原告未进行催收" not in only_earlier
    assert squeeze(f"前，原告曾于{early.year}年{early.month}月{early.day}日催收") in only_earlier
    assert "被告自该日起逾期后" in only_earlier
    assert "原告未进行催收" in element_12(())
