"""The Decree-30 report as an editable Word document (python-docx), for the clerk who numbers, edits and
prints it: the same ``ReportDocument`` as the PDF, in Times New Roman (the font the decree names), A4
portrait with the decree's margins, page numbers from the second page, the table's header repeated on
every page and its rows never split. Workers only (it loads lxml's document model and the PDF stack's
date rule through ``report_document``).
"""

from __future__ import annotations

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .report_document import ReportDocument

FONT = "Times New Roman"
TEXT_WIDTH_MM = 165  # A4 (210 mm) less the 30 mm left and 15 mm right margins
LEFT_MM, RIGHT_MM = 69, 96  # the issuer's and the national title's columns (42 % / 58 %)
FIGURE_WIDTHS_MM = (10, 50, 18, 17, 18, 18, 15, 19)


def _run(paragraph, text: str, *, size: float = 13, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic = bold, italic
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _paragraph(container, text: str = "", *, align=WD_ALIGN_PARAGRAPH.CENTER, size: float = 13, **style):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _run(paragraph, text, size=size, **style)
    return paragraph


def _rule(container, *, width_mm: float, column_mm: float) -> None:
    """A short centred line (Decree 30's rule under the issuer, the motto and the subtitle): an empty
    paragraph's bottom border, indented to the rule's width."""
    paragraph = _paragraph(container, size=2)
    indent = Mm(max(column_mm - width_mm, 0) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _first_cell_paragraph(cell):
    """A cell starts with one empty paragraph: use it for the first line."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _widths(table, widths_mm) -> None:
    """Column widths in the grid (what LibreOffice reads) and in every cell (what Word reads)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _row_flags(row, *, header: bool = False) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _page_numbers(section) -> None:
    """The page number centred in the top margin, from the second page (Decree 30, Phụ lục I, II.6)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _body(doc, text: str, *, bold: bool = False, keep: bool = False) -> None:
    paragraph = _paragraph(
        doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY if not bold else WD_ALIGN_PARAGRAPH.LEFT, bold=bold
    )
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.keep_with_next = keep or bold


def report_docx_write(document: ReportDocument, handle) -> None:
    """Write ``document`` to ``handle`` as a .docx."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(8)
    _page_numbers(section)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    head = document.letterhead

    # The issuer and the national title, then the number and the place and date on one line.
    top = doc.add_table(rows=2, cols=2)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(top, (LEFT_MM, RIGHT_MM))
    issuer_cell, nation_cell = top.rows[0].cells
    lines = [(line, False) for line in head.authority_lines] + [(line, True) for line in head.issuer_lines]
    first = _first_cell_paragraph(issuer_cell)
    for index, (line, bold) in enumerate(lines):
        _run(first if index == 0 else _paragraph(issuer_cell), line, bold=bold)
    _rule(issuer_cell, width_mm=24, column_mm=LEFT_MM)
    _run(_first_cell_paragraph(nation_cell), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True)
    _paragraph(nation_cell, "Độc lập - Tự do - Hạnh phúc", bold=True)
    _rule(nation_cell, width_mm=58, column_mm=RIGHT_MM)
    number_cell, date_cell = top.rows[1].cells
    number = _first_cell_paragraph(number_cell)
    number.paragraph_format.space_before = Pt(6)
    _run(number, document.number_line)
    date = _first_cell_paragraph(date_cell)
    date.paragraph_format.space_before = Pt(6)
    _run(date, document.date_line, italic=True)

    title = _paragraph(doc, document.title, size=14, bold=True)
    title.paragraph_format.space_before = Pt(18)
    _paragraph(doc, document.subtitle, size=14, bold=True)
    _rule(doc, width_mm=40, column_mm=TEXT_WIDTH_MM)
    _paragraph(doc).paragraph_format.space_after = Pt(6)

    _body(doc, document.basis)
    _body(doc, document.headings["scope"], bold=True)
    for text in document.scope_paragraphs:
        _body(doc, text)
    _body(doc, document.headings["results"], bold=True)
    for index, text in enumerate(document.result_paragraphs):
        _body(doc, text, keep=index == len(document.result_paragraphs) - 1)

    if document.rows:
        table = doc.add_table(rows=0, cols=len(document.table_header))
        table.style = doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for values, kind in [(document.table_header, "header"), *[(row, "row") for row in document.rows]] + [
            (document.total_row, "total")
        ]:
            row = table.add_row()
            _row_flags(row, header=kind == "header")
            for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                paragraph = _first_cell_paragraph(cell)
                if kind != "header" and column >= 2:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif kind != "header" and column == 1:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                _run(paragraph, value, size=11, bold=kind != "row")
        _widths(table, FIGURE_WIDTHS_MM)
        _paragraph(doc).paragraph_format.space_after = Pt(6)

    _body(doc, document.headings["proposals"], bold=True)
    for text in document.proposal_paragraphs:
        _body(doc, text)
    _body(doc, document.closing, keep=True)

    # Recipients on the left, the head's signature block on the right; one row, never split.
    foot = doc.add_table(rows=1, cols=2)
    _widths(foot, (75, 90))
    _row_flags(foot.rows[0])
    recipients, signer = foot.rows[0].cells
    heading = _first_cell_paragraph(recipients)
    heading.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _run(heading, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in head.recipients:
        _paragraph(recipients, line, align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    first = _first_cell_paragraph(signer)
    for index, line in enumerate(head.signature_lines):
        _run(first if index == 0 else _paragraph(signer), line, bold=True)
    for _blank in range(4):  # room to sign and seal
        _paragraph(signer)
    _paragraph(signer, head.signer_name, bold=True)
    doc.save(handle)
