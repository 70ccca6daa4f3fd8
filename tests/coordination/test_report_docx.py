"""The same Decree-30 report as an editable Word document: the letterhead, number and symbol, body,
table with totals and the head's signature block, in Times New Roman on A4 with the decree's margins."""

import io

import docx
import pytest

from tests.coordination.test_report_pdf import province_world  # noqa: F401 — the shared fixture
from tests.fixtures.jobs import export, job_file

pytestmark = pytest.mark.django_db


def _document(client, user, **params):
    client.force_login(user)
    job = export(client, "report_docx", **params)
    assert job.file_name.endswith(".docx")
    assert job.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return docx.Document(io.BytesIO(job_file(job)))


def _cell_lines(cell) -> list[str]:
    return [paragraph.text for paragraph in cell.paragraphs if paragraph.text]


def _bold(cell, text: str) -> bool:
    paragraph = next(p for p in cell.paragraphs if p.text == text)
    return all(run.bold for run in paragraph.runs)


def test_the_report_of_a_sở_as_word(client, province_world):  # noqa: F811
    doc = _document(client, province_world["coordinators"]["agency"], number="15")
    section = doc.sections[0]
    measures = (section.page_width, section.page_height, section.left_margin, section.right_margin, section.top_margin)
    assert [round(value.mm) for value in measures] == [210, 297, 30, 15, 20]  # A4, Decree 30's margins
    assert section.different_first_page_header_footer  # page numbers from the second page
    assert 'w:instr="PAGE"' in section.header._element.xml

    header, figures, foot = doc.tables
    issuer, nation = header.rows[0].cells
    assert _cell_lines(issuer) == ["UBND TỈNH BẮC NINH", "SỞ NỘI VỤ"]
    assert _bold(issuer, "SỞ NỘI VỤ") and not _bold(issuer, "UBND TỈNH BẮC NINH")
    assert _cell_lines(nation) == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    number, date = header.rows[1].cells
    assert number.text == "Số: 15/BC-SNV"
    assert date.text.startswith("Bắc Ninh, ngày ") and all(run.italic for run in date.paragraphs[0].runs)

    texts = [paragraph.text for paragraph in doc.paragraphs]
    assert "BÁO CÁO" in texts and any(text.startswith("Thực hiện Kế hoạch số 138/KH-UBND") for text in texts)
    assert "3. Đề xuất, kiến nghị" in texts and texts.index("BÁO CÁO") < texts.index("3. Đề xuất, kiến nghị")

    rows = [[cell.text for cell in row.cells] for row in figures.rows]
    assert rows[0][:2] == ["TT", "Đơn vị"]
    assert rows[1:] == [
        ["1", "Phòng Cải cách hành chính", "2", "2", "2", "1", "50", "1"],
        ["2", "Trực tiếp tại Sở Nội vụ", "1", "1", "1", "0", "0", "1"],
        ["", "Tổng cộng", "3", "3", "3", "1", "33", "2"],
    ]
    assert "w:tblHeader" in figures.rows[0]._tr.xml  # the header repeats on every page

    recipients, signer = foot.rows[0].cells
    assert _cell_lines(recipients) == [
        "Nơi nhận:",
        "- UBND tỉnh (để báo cáo);",
        "- Giám đốc Sở (để báo cáo);",
        "- Lưu: VT, CCVC.",
    ]
    assert _cell_lines(signer) == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Thu Hà"]
    assert len(signer.paragraphs) >= 7  # blank lines to sign and seal between the title and the name
    fonts = {run.font.name for paragraph in doc.paragraphs for run in paragraph.runs}
    assert fonts == {"Times New Roman"}


def test_a_commune_report_as_word_keeps_the_number_blank(client, province_world):  # noqa: F811
    doc = _document(client, province_world["coordinators"]["commune"])
    header = doc.tables[0]
    assert _cell_lines(header.rows[0].cells[0]) == ["ỦY BAN NHÂN DÂN", "XÃ TIÊN DU"]
    assert header.rows[1].cells[0].text.replace("\u00a0", " ").split() == ["Số:", "/BC-UBND"]
    assert _cell_lines(doc.tables[-1].rows[0].cells[1]) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
