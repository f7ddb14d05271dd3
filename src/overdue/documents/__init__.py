"""Documents: one template source per document type, rendered to DOCX and PDF, then checked.

Each kind has one Jinja2 template in ``templates/`` that writes a restricted Markdown
(:mod:`overdue.documents.blocks`); the same parsed blocks go to a direct WordprocessingML writer
(:mod:`~overdue.documents.docx`) and to Typst (:mod:`~overdue.documents.pdf`, page layout in
``templates/_layout.typ``). An operator edits the wording of a document in one file.

=====================  =================================  ==========================  ==========
kind                   document                           template                    formats
=====================  =================================  ==========================  ==========
``complaint``          民事起诉状（金融借款合同纠纷，要素式）  ``complaint.md.j2``          DOCX, PDF
``evidence_list``      证据目录                            ``evidence_list.md.j2``      DOCX, PDF
``power_of_attorney``  授权委托书                          ``power_of_attorney.md.j2``  DOCX, PDF
``service_address``    送达地址确认书                      ``service_address.md.j2``    DOCX, PDF
``evidence``           证据（由数据生成）                   ``evidence.md.j2`` and       PDF
                                                          ``evidence/<section>.md.j2``
``negotiation_letter`` 协商还款申请书                      ``negotiation_letter.md.j2`` DOCX, PDF
=====================  =================================  ==========================  ==========

The first four take a :class:`~overdue.documents.context.ComplaintContext`; ``evidence`` takes
an :class:`~overdue.documents.context.EvidenceContext` whose ``section`` is one of
``loan_contract`` (借款合同主要条款), ``disbursement`` (放款凭证), ``repayment_ledger`` (还款计划与
还款记录), ``claim_sheet`` (债权计算表), ``collection_record`` (催收记录), or ``all``: every
section in one PDF, each on a new page and headed 证据二, 证据三 … as numbered in the evidence
list. ``negotiation_letter`` takes a
:class:`~overdue.documents.context.NegotiationLetterContext`.

For batches, :meth:`Renderer.render_many` (DOCX and PDF) and :meth:`Renderer.render_pdfs`
compile the PDFs of one kind together and split them into one file per context: 25 at a time
measured 2 to 4 times less CPU per document than one compile each (``bench/documents.py``).

``python -m overdue.documents OUT_DIR [--templates DIR]`` renders every kind from the synthetic
samples (:mod:`overdue.documents.samples`) and checks it: the way to preview an edited template.

>>> from overdue.documents import Renderer, check_document, sample_complaint
>>> renderer = Renderer()                      # once per process
>>> ctx = sample_complaint()
>>> files = renderer.render("complaint", ctx)  # files.docx, files.pdf
>>> check_document(files.pdf, [ctx.defendant.name])
[]
"""

from overdue.documents.checks import (
    check_capitals,
    check_document,
    docx_text,
    normalize,
    pdf_text,
)
from overdue.documents.render import (
    EVIDENCE_SECTIONS,
    KINDS,
    TEMPLATES_DIR,
    Kind,
    Rendered,
    Renderer,
    UnknownKindError,
)
from overdue.documents.samples import sample_complaint, sample_evidence, sample_letter

__all__ = [
    "EVIDENCE_SECTIONS",
    "KINDS",
    "TEMPLATES_DIR",
    "Kind",
    "Rendered",
    "Renderer",
    "UnknownKindError",
    "check_capitals",
    "check_document",
    "docx_text",
    "normalize",
    "pdf_text",
    "sample_complaint",
    "sample_evidence",
    "sample_letter",
]
