"""Blocks to a .docx file: WordprocessingML written directly into a minimal package.

Only ``word/document.xml`` and ``docProps/core.xml`` change from one document to the next; the
other parts (content types, relationships, styles, settings, font table, footer) are built once
at import. python-docx and docxtpl measured about 46 documents a second here; this writes a
complaint in well under a millisecond.

Layout lives in the styles (ECMA-376 Part 1, §17.7): ``Normal`` is body text (小四, justified,
first line indented two characters, 1.5 lines), ``Title`` the document title, ``Heading2`` and
``Heading3`` section headings, ``Center``/``Right``/``NoIndent`` the aligned paragraph variants,
``TableText`` the text in table cells. Every style names ``Noto Serif CJK SC`` for Latin and East
Asian text alike (``w:eastAsia`` is what Word uses for Chinese); the font table gives SimSun
(宋体) as the alternative name, so Word on a machine without Noto substitutes 宋体.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape as _xml_escape

from overdue.documents.blocks import Block, Cell, Heading, PageBreak, Paragraph, Run, Table

__all__ = ["FONT", "TEXT_WIDTH_TWIPS", "write_docx"]

FONT = "Noto Serif CJK SC"
# A4 in twentieths of a point, margins 2.5 cm top and bottom, 2.8 cm left, 2.6 cm right.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1418, 1418, 1588, 1474
TEXT_WIDTH_TWIPS = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
</Types>"""

_ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="{_DOC_REL}/extended-properties" Target="docProps/app.xml"/>
</Relationships>"""

_DOC_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{_PKG_REL}">
<Relationship Id="rId1" Type="{_DOC_REL}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="{_DOC_REL}/settings" Target="settings.xml"/>
<Relationship Id="rId3" Type="{_DOC_REL}/fontTable" Target="fontTable.xml"/>
<Relationship Id="rId4" Type="{_DOC_REL}/footer" Target="footer1.xml"/>
</Relationships>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>overdue</Application></Properties>"""

_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{_W}"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"""

_FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{_W}"><w:font w:name="{FONT}"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>"""

_FOOTER = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="{_W}"><w:p><w:pPr><w:pStyle w:val="Center"/></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"""

_FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
_BORDERS = (
    "<w:tblBorders>"
    + "".join(f"<w:{side} {_BORDER}/>" for side in ("top", "left", "bottom", "right"))
    + f"<w:insideH {_BORDER}/><w:insideV {_BORDER}/></w:tblBorders>"
)
# Ledgers (.small): ruled rows, no vertical lines, as in the PDF layout.
_NONE = 'w:val="nil"'
_RULED = (
    f'<w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/>'
    f"<w:left {_NONE}/><w:bottom {_BORDER}/><w:right {_NONE}/>"
    f"<w:insideH {_BORDER}/><w:insideV {_NONE}/></w:tblBorders>"
)


def _pstyle(
    style_id: str, name: str, ppr: str, rpr: str = "", based_on: str = "Normal", next_: str = ""
) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    nxt = f'<w:next w:val="{next_}"/>' if next_ else ""
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f"{based}{nxt}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )


_NO_INDENT = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:styles xmlns:w="{_W}">'
    f"<w:docDefaults><w:rPrDefault><w:rPr>{_FONTS}"
    '<w:kern w:val="2"/><w:sz w:val="24"/><w:szCs w:val="24"/>'
    '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    + _pstyle(
        "Normal",
        "Normal",
        '<w:widowControl/><w:ind w:firstLine="480" w:firstLineChars="200"/><w:jc w:val="both"/>',
        based_on="",
    )
    + _pstyle(
        "Title",
        "Title",
        f'<w:keepNext/><w:spacing w:before="240" w:after="240"/>{_NO_INDENT}<w:jc w:val="center"/>'
        '<w:outlineLvl w:val="0"/>',
        '<w:b/><w:bCs/><w:sz w:val="36"/><w:szCs w:val="36"/>',
        next_="Normal",
    )
    + _pstyle(
        "Heading2",
        "heading 2",
        f'<w:keepNext/><w:spacing w:before="120"/>{_NO_INDENT}<w:jc w:val="left"/>'
        '<w:outlineLvl w:val="1"/>',
        "<w:b/><w:bCs/>",
        next_="Normal",
    )
    + _pstyle(
        "Heading3",
        "heading 3",
        f'<w:keepNext/>{_NO_INDENT}<w:jc w:val="left"/><w:outlineLvl w:val="2"/>',
        "<w:b/><w:bCs/>",
        next_="Normal",
    )
    + _pstyle("NoIndent", "No Indent", _NO_INDENT)
    + _pstyle("Center", "Center", f'{_NO_INDENT}<w:jc w:val="center"/>')
    + _pstyle("Right", "Right", f'{_NO_INDENT}<w:jc w:val="right"/>')
    + _pstyle("Left", "Left", f'{_NO_INDENT}<w:jc w:val="left"/>')
    + _pstyle(
        "TableText",
        "Table Text",
        f'<w:spacing w:line="240" w:lineRule="auto"/>{_NO_INDENT}<w:jc w:val="left"/>',
        '<w:sz w:val="21"/><w:szCs w:val="21"/>',
    )
    + '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
    f'<w:basedOn w:val="TableNormal"/><w:tblPr>{_BORDERS}</w:tblPr></w:style>'
    "</w:styles>"
)

_STATIC: tuple[tuple[str, bytes], ...] = (
    ("[Content_Types].xml", _CONTENT_TYPES.encode()),
    ("_rels/.rels", _ROOT_RELS.encode()),
    ("word/_rels/document.xml.rels", _DOC_RELS.encode()),
    ("word/styles.xml", _STYLES.encode()),
    ("word/settings.xml", _SETTINGS.encode()),
    ("word/fontTable.xml", _FONT_TABLE.encode()),
    ("word/footer1.xml", _FOOTER.encode()),
    ("docProps/app.xml", _APP.encode()),
)

_SECT = (
    f'<w:sectPr><w:footerReference w:type="default" r:id="rId4"/>'
    f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
    f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
    f'w:left="{MARGIN_LEFT}" w:header="851" w:footer="850" w:gutter="0"/>'
    "</w:sectPr>"
)
_DOC_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:document xmlns:w="{_W}" xmlns:r="{_R}"><w:body>'
)
_DOC_CLOSE = _SECT + "</w:body></w:document>"

_PARA_STYLE = {"justify": "", "center": "Center", "right": "Right", "left": "Left"}
_HEADING_STYLE = {1: "Title", 2: "Heading2"}
_JC = {"left": "left", "center": "center", "right": "right"}


def _esc(text: str) -> str:
    return _xml_escape(text)


def _runs(runs: Iterable[Run], rpr: str = "") -> str:
    out = []
    for run in runs:
        props = ("<w:b/><w:bCs/>" if run.bold else "") + rpr
        out.append(
            f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}"
            f'<w:t xml:space="preserve">{_esc(run.text)}</w:t></w:r>'
        )
    return "".join(out)


def _paragraph(block: Paragraph) -> str:
    style = _PARA_STYLE[block.align]
    if not style and "noindent" in block.classes:
        style = "NoIndent"
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
        "<w:keepNext/><w:keepLines/>" if block.keep else ""
    )
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{ppr}{_runs(block.runs)}</w:p>"


def _heading(block: Heading) -> str:
    style = _HEADING_STYLE.get(block.level, "Heading3")
    jc = ""
    default = "center" if block.level == 1 else "left"
    if block.align != default:
        jc = f'<w:jc w:val="{_JC.get(block.align, "both")}"/>'
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr>{_runs(block.runs)}</w:p>'


def _cell(cell: Cell, width: int, align: str, rpr: str) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="TableText"/><w:jc w:val="{_JC[align]}"/></w:pPr>'
        f"{_runs(cell, rpr)}</w:p></w:tc>"
    )


def _table(block: Table) -> str:
    total = sum(block.widths)
    widths = [TEXT_WIDTH_TWIPS * w // total for w in block.widths]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    small = "small" in block.classes
    size = '<w:sz w:val="18"/><w:szCs w:val="18"/>' if small else ""
    head_rpr = "<w:b/><w:bCs/>" + size
    parts = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:jc w:val="center"/>'
        f"{_RULED if small else _BORDERS}"
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
        "".join(_cell(c, w, "center", head_rpr) for c, w in zip(block.header, widths, strict=True)),
        "</w:tr>",
    ]
    for row in block.rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        parts.extend(
            _cell(c, w, a, size) for c, w, a in zip(row, widths, block.aligns, strict=True)
        )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    # Word needs a paragraph between two adjacent tables and after a table at the end.
    parts.append('<w:p><w:pPr><w:pStyle w:val="NoIndent"/></w:pPr></w:p>')
    return "".join(parts)


_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def document_xml(blocks: Iterable[Block]) -> str:
    """The ``word/document.xml`` of the blocks."""
    out = [_DOC_OPEN]
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(_paragraph(block))
        elif isinstance(block, Heading):
            out.append(_heading(block))
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, PageBreak):
            out.append(_PAGE_BREAK)
    out.append(_DOC_CLOSE)
    return "".join(out)


def _core_xml(title: str, created: dt.date) -> str:
    stamp = f"{created.isoformat()}T00:00:00Z"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_esc(title)}</dc:title><dc:creator>overdue</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def write_docx(blocks: Iterable[Block], title: str, created: dt.date) -> bytes:
    """A complete .docx package; the same blocks and date always give the same bytes.

    Only the document and its properties are compressed: the static parts are small and
    storing them saves six compressor runs per file."""
    buffer = io.BytesIO()
    dynamic = {
        "word/document.xml": document_xml(blocks).encode(),
        "docProps/core.xml": _core_xml(title, created).encode(),
    }
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in (*_STATIC[:3], *dynamic.items(), *_STATIC[3:]):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            if name in dynamic:
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data, compresslevel=1)
            else:
                zf.writestr(info, data)
    return buffer.getvalue()
