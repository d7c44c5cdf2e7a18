"""DOCX through python-docx: the same layout as the PDF, so the records office can number and sign it."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .model import Document, Percent, StateValue, Table, cell_text, no_orphan

FONT = "Times New Roman"
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _run(paragraph, text, *, size=14, bold=False, italic=False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    return run


def _para(container, text="", *, size=14, bold=False, italic=False, align="left", indent=False, after=0):
    paragraph = container.add_paragraph()
    paragraph.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, **ALIGN}[align]
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Mm(11)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)
    return paragraph


def _bottom_border(paragraph):
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _rule(cell, width_mm: float):
    """A short centred rule: an empty paragraph indented from both sides, with a bottom border."""
    paragraph = cell.add_paragraph()
    _bottom_border(paragraph)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(width_mm)
    fmt.right_indent = Mm(width_mm)
    fmt.space_after = Pt(2)
    run = paragraph.add_run("")
    run.font.size = Pt(2)


def _no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _shade(cell, colour: str):
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    tc_pr.append(shading)


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _cant_split(row):
    """The signature block never breaks across two pages."""
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _page_number_header(section):
    """Page numbers centred at the top, not on page 1 (a different first-page header, left empty)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, "", size=13)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _page_code_footer(section, text: str):
    """The snapshot's short code in small type at the foot of every page, first page included."""
    for footer in (section.footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(paragraph, text, size=8)


def _header(word, document: Document):
    table = word.add_table(rows=2, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(65), Mm(100))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = ([(document.parent_body, False)] if document.parent_body else []) + [
        (line, True) for line in document.issuer_lines
    ]
    for index, (line, bold) in enumerate(lines):
        paragraph = first if index == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=13, bold=bold)
    _rule(left, 22)
    motto = right.paragraphs[0]
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto.paragraph_format.space_after = Pt(0)
    _run(motto, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), size=12.5, bold=True)
    second = right.add_paragraph()
    second.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(second, _("Độc lập - Tự do - Hạnh phúc"), size=13.5, bold=True)
    _rule(right, 22)
    number, place = table.rows[1].cells
    number.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(number.paragraphs[0], document.number_line, size=13)
    place.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(place.paragraphs[0], document.place_date, size=13.5, italic=True)


def _table(container, table: Table, *, font_size=11.5):
    if table.title:
        _para(container, no_orphan(table.title), size=13, bold=True, align="center", after=4)
    word_table = container.add_table(rows=1, cols=len(table.columns))
    word_table.style = "Table Grid"
    word_table.autofit = False
    header = word_table.rows[0]
    _repeat_header(header)
    for cell, column in zip(header.cells, table.columns, strict=True):
        cell.width = Mm(column.width)
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, column.label, size=font_size, bold=True)
    for values in table.rows:
        cells = word_table.add_row().cells
        for cell, column, value in zip(cells, table.columns, values, strict=True):
            cell.width = Mm(column.width)
            paragraph = cell.paragraphs[0]
            align = "right" if isinstance(value, Percent) else column.align
            paragraph.alignment = ALIGN[align if not isinstance(value, StateValue) else "center"]
            run = _run(paragraph, cell_text(value), size=font_size)
            if isinstance(value, StateValue):
                _shade(cell, value.background)
                run.font.color.rgb = RGBColor.from_string(value.colour.lstrip("#").upper())
    _para(container, "", after=4)


def _foot(word, document: Document):
    table = word.add_table(rows=1, cols=2)
    _no_borders(table)
    _cant_split(table.rows[0])
    left, right = table.rows[0].cells
    left.width, right.width = Mm(75), Mm(90)
    label = left.paragraphs[0]
    _run(label, _("Nơi nhận:"), size=12, bold=True, italic=True)
    for line in document.recipients:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=11)
    first = right.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, line in enumerate(document.signature):
        paragraph = first if index == 0 else right.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, line, size=13.5, bold=True)
    for _index in range(6):  # room to sign and seal (~30 mm)
        right.add_paragraph()
    name = right.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(name, document.signer_name, size=13.5, bold=True)


def render_docx(document: Document, *, remarks_text: str = "") -> bytes:
    word = WordDocument()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number_header(section)
    word.core_properties.title = document.title
    word.core_properties.keywords = f"sha256:{document.sha256}"
    word.core_properties.comments = f"{document.snapshot_note} · SHA-256: {document.sha256}"
    _page_code_footer(section, document.snapshot_note)
    _header(word, document)
    _para(word, document.doc_type_name, bold=True, align="center", after=0).paragraph_format.space_before = Pt(18)
    subject = _para(word, no_orphan(document.subject), bold=True, align="center", after=0)
    _bottom_border(_para(word, "", align="center", after=6))
    subject.paragraph_format.space_after = Pt(0)
    for text in document.intro:
        _para(word, text, align="justify", indent=True, after=6)
    for block in document.sections:
        _para(word, block.heading, bold=True, indent=True, after=6)
        for text in block.paragraphs:
            _para(word, text, align="justify", indent=True, after=6)
        for table in block.tables:
            _table(word, table)
    if remarks_text:
        _para(word, remarks_text, align="justify", indent=True, after=6)
    for text in document.closing:
        # Word keeps the closing paragraph on the page of the signature block that follows.
        _para(word, text, align="justify", indent=True, after=6).paragraph_format.keep_with_next = True
    _foot(word, document)
    for appendix in document.appendices:
        page = word.add_section()
        page.different_first_page_header_footer = False
        if appendix.landscape:
            page.orientation = WD_ORIENT.LANDSCAPE
            page.page_width, page.page_height = Mm(297), Mm(210)
            page.left_margin = page.right_margin = Mm(15)
        else:
            page.orientation = WD_ORIENT.PORTRAIT
            page.page_width, page.page_height = Mm(210), Mm(297)
            page.left_margin, page.right_margin = Mm(30), Mm(15)
        _para(word, appendix.title, bold=True, align="center")
        _para(word, no_orphan(appendix.subject), bold=True, align="center")
        _para(word, appendix.attached_to, size=13, italic=True, align="center", after=6)
        for text in appendix.paragraphs:
            _para(word, text, align="justify", after=6)
        for table in appendix.tables:
            _table(word, table, font_size=9)
            if table.note:
                _para(word, table.note, size=10, italic=True)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
