"""The Decree-30 "Báo cáo" an official can send as it is (Nghị định 30/2020/NĐ-CP, Phụ lục I), checked as
a reader sees it: pdftotext positions (-layout and -bbox-layout), pdffonts, and a rendered page image.

One province with a Sở (its division and one learner directly in it) and two communes; one assignment
under a plan, due in the past: 9 learners, 4 completions, 5 overdue. The province and the Sở use the demo
letterheads (TM./KT. with named signers), the commune none (the defaults derived from the unit).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from coordination.demo import demo_report_letterheads_load
from coordination.models import ReportLetterhead
from courses.assignments import assignment_create
from courses.services import lesson_complete
from lms.orgunits.services import coordinator_scope_grant
from tests.coordination.conftest import member
from tests.factories import UserFactory, course_lessons, make_course, make_province_tree
from tests.fixtures.jobs import export, job_file
from tests.services import require

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/1999/xhtml}"
DPI = 100
POINT = DPI / 72  # pixels per PDF point


@dataclass
class Line:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@pytest.fixture
def province_world(admin_user):
    require(all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm")), "poppler-utils missing")
    units = make_province_tree()
    learners = {
        "tien_du": [member(units["commune_a"], name=f"Nguyễn Văn Tiên {i}") for i in range(4)],
        "gia_binh": [member(units["commune_b"], name=f"Trần Thị Gia {i}") for i in range(2)],
        "division": [member(units["division"], name=f"Lê Văn Phòng {i}") for i in range(2)],
        "agency": [member(units["agency"], name="Phạm Thị Sở")],
    }
    course = make_course("Kỹ năng số cơ bản", modules=1, lessons_per_module=2)
    assignment_create(
        actor=admin_user,
        title="Phổ cập kỹ năng số",
        plan_reference="Kế hoạch số 138/KH-UBND",
        courses=[course],
        units=[units["province"]],
        due_date=timezone.localdate() - timedelta(days=5),
        confirm_past_due=True,
    )
    done = [*learners["tien_du"][:2], learners["gia_binh"][0], learners["division"][0]]
    for learner in done:
        for lesson in course_lessons(course):
            lesson_complete(user=learner, lesson=lesson.specific)
    assert demo_report_letterheads_load() == 3  # the province, the Sở and Xã Tiên Du (the others are absent)
    ReportLetterhead.objects.filter(unit=units["commune_a"]).delete()  # the commune keeps the defaults
    coordinators = {}
    for key, unit in (("commune", units["commune_a"]), ("agency", units["agency"])):
        coordinators[key] = UserFactory(full_name=f"Người tải {key}")
        coordinator_scope_grant(actor=admin_user, user=coordinators[key], unit=unit)
    return {**units, "coordinators": coordinators, "admin": admin_user}


def _pdf(client, user, tmp_path: Path, name: str) -> Path:
    client.force_login(user)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(job_file(export(client, "report_pdf")))
    return path


def _layout(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _lines(path: Path) -> list[Line]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True)
    root = ET.fromstring(xml.stdout)
    lines = []
    for number, page in enumerate(root.iter(f"{NS}page"), start=1):
        for line in page.iter(f"{NS}line"):
            text = " ".join(word.text or "" for word in line.iter(f"{NS}word"))
            box = [float(line.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Line(number, text, *box))
    return lines


def _find(lines: list[Line], text: str, *, start: bool = False) -> Line:
    found = [line for line in lines if (line.text.startswith(text) if start else line.text == text)]
    assert found, f"{text!r} not in {[line.text for line in lines]}"
    return found[0]


def _page_width(path: Path) -> float:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Page size:\s+([\d.]+) x", info).group(1))


def _page_image(path: Path, page: int, tmp_path: Path) -> Image.Image:
    prefix = tmp_path / f"{path.stem}-p{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-gray",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            prefix,
        ],
        check=True,
    )
    return Image.open(f"{prefix}.png").convert("L")


def _longest_dark_run(image: Image.Image, y: int, x0: int, x1: int) -> int:
    longest = run = 0
    for x in range(max(x0, 0), min(x1, image.width)):
        run = run + 1 if image.getpixel((x, y)) < 128 else 0
        longest = max(longest, run)
    return longest


def _table_rows(text: str) -> tuple[list[list[int]], list[int]]:
    """The figures of each numbered row of the table, and of the totals row (six numbers each)."""
    figures = r"((?:\s+[\d.]+){6})\s*$"
    rows = [
        [int(value.replace(".", "")) for value in match.group(1).split()]
        for match in re.finditer(rf"^\s*\d+\s+\S.*?{figures}", text, re.MULTILINE)
    ]
    total = re.search(rf"^\s*Tổng cộng{figures}", text, re.MULTILINE)
    assert total, text
    return rows, [int(value.replace(".", "")) for value in total.group(1).split()]


def _check_report(
    path: Path,
    tmp_path: Path,
    *,
    authority: list[str],
    issuer: list[str],
    symbol: str,
    place: str,
    signature: list[str],
    signer: str | None,
    rows: list[list[int]],
    total: list[int],
) -> None:
    text, lines, width = _layout(path), _lines(path), _page_width(path)
    page_one = [line for line in lines if line.page == 1]

    # Header: the issuer block top left, centred on itself, governing body over the issuing body.
    header = [_find(page_one, text) for text in [*authority, *issuer]]
    assert [line.y0 for line in header] == sorted(line.y0 for line in header)
    assert all(line.x1 < width / 2 for line in header)
    assert max(line.centre for line in header) - min(line.centre for line in header) < 2
    label = _find(page_one, "Số:", start=True)
    rest = [line for line in page_one if line.text.endswith(f"/{symbol}") and abs(line.y0 - label.y0) < 2]
    number = Line(1, f"{label.text} {rest[-1].text}", label.x0, label.y0, rest[-1].x1, label.y1) if rest else label
    assert re.fullmatch(rf"Số:\s*/{re.escape(symbol)}", number.text), number.text  # the number left blank
    assert not re.search(r"BC-\d", text)  # never a numeric unit code
    assert number.y0 > header[-1].y1 and abs(number.centre - header[0].centre) < 10
    # National title and motto top right, then place and date on the number's line.
    nation = _find(page_one, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    motto = _find(page_one, "Độc lập - Tự do - Hạnh phúc")
    assert nation.x0 > header[0].x1 - 5 and nation.y0 < motto.y0 and abs(nation.centre - motto.centre) < 2
    assert abs(nation.y0 - header[0].y0) < 2
    date_line = _find(page_one, f"{place}, ngày", start=True)
    assert re.fullmatch(rf"{place}, ngày \d\d tháng (0[12]|[3-9]|1[012]) năm \d{{4}}", date_line.text)
    assert abs(date_line.y0 - number.y0) < 3 and date_line.x0 > number.x1
    # Title, subtitle and a body of paragraphs: basis, scope and period, method, results, proposals.
    title = _find(page_one, "BÁO CÁO")
    assert title.y0 > number.y1 and abs(title.centre - (nation.centre + number.centre) / 2) < 60
    flat = " ".join(text.split())
    for expected in (
        "Thực hiện Kế hoạch số 138/KH-UBND về phổ cập kỹ năng số",
        "1. Phạm vi, thời điểm và phương pháp tổng hợp",
        "Phạm vi: người học thuộc",
        "Thời điểm số liệu:",
        "Phương pháp: số liệu được tổng hợp tự động",
        "2. Kết quả bồi dưỡng",
        f"Tổng số người học: {total[0]} người",
        f"Đã hoàn thành {total[3]} lượt, đạt tỷ lệ {total[4]}%; {total[5]} lượt đã quá hạn",
        "3. Đề xuất, kiến nghị",
        "./.",
    ):
        assert expected in flat, expected

    # The table and its totals: the known figures, and the totals add the rows up.
    found_rows, found_total = _table_rows(text)
    assert found_rows == rows and found_total == total
    for column in (0, 1, 2, 3, 5):
        assert sum(row[column] for row in found_rows) == found_total[column]
    assert found_total[4] == round(100 * found_total[3] / found_total[2])

    # Signature block: below the table, right of "Nơi nhận", in order, the name after room to sign.
    totals = _find(lines, "Tổng cộng", start=True)
    recipients = _find(lines, "Nơi nhận:")
    block = [_find(lines, line) for line in signature]
    name = _find(lines, signer) if signer else None
    assert recipients.page == block[0].page
    assert all((line.page, line.y0) > (totals.page, totals.y1) for line in [recipients, *block])
    assert all(line.x0 > recipients.x1 + 20 for line in block) and block[0].x0 > width / 2 - 20
    assert [line.y0 for line in block] == sorted(line.y0 for line in block)
    assert abs(recipients.y0 - block[0].y0) < 3
    if name is not None:
        assert name.page == block[-1].page and name.y0 - block[-1].y1 > 50  # ≥ 18 mm to sign and seal
        assert abs(name.centre - block[0].centre) < 3
    recipient_lines = [line for line in lines if line.page == recipients.page and line.text.startswith("- ")]
    assert recipient_lines and all(line.x1 < block[0].x0 for line in recipient_lines)

    # Every font embedded (the regular, bold, italic and bold italic faces).
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert {line.split()[0].split("+")[-1] for line in fonts} >= {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }

    # The rendered page: the table's bottom border lies above the signature block, and no border
    # line is drawn anywhere inside the block's box.
    page = block[0].page
    image = _page_image(path, page, tmp_path)
    bottom = name if name is not None else block[-1]
    box = [int(v * POINT) for v in (min(line.x0 for line in block) - 4, block[0].y0 - 4, width - 20, bottom.y1 + 4)]
    for y in range(box[1], box[3]):
        assert _longest_dark_run(image, y, box[0], box[2]) < 0.3 * (box[2] - box[0]), f"a rule crosses y={y}"
    if totals.page == page:
        text_width = int(420 * POINT)
        border = [
            y
            for y in range(int(totals.y1 * POINT), int(block[0].y0 * POINT))
            if _longest_dark_run(image, y, int(80 * POINT), int(width * POINT)) > text_width
        ]
        assert border, "the table has no bottom border"
        assert max(border) < box[1] - 2


def test_report_of_a_sở(client, province_world, tmp_path):
    path = _pdf(client, province_world["coordinators"]["agency"], tmp_path, "so")
    _check_report(
        path,
        tmp_path,
        authority=["UBND TỈNH BẮC NINH"],
        issuer=["SỞ NỘI VỤ"],
        symbol="BC-SNV",
        place="Bắc Ninh",
        signature=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        signer="Trần Thị Thu Hà",
        rows=[[2, 2, 2, 1, 50, 1], [1, 1, 1, 0, 0, 1]],
        total=[3, 3, 3, 1, 33, 2],
    )
    text = " ".join(_layout(path).split())
    assert "Trực tiếp tại Sở Nội vụ" in text and "Người tải" not in text  # the head signs, not the downloader
    assert "- UBND tỉnh (để báo cáo);" in text and "- Lưu: VT, CCVC." in text


def test_report_of_a_commune_without_configuration(client, province_world, tmp_path):
    path = _pdf(client, province_world["coordinators"]["commune"], tmp_path, "xa")
    _check_report(
        path,
        tmp_path,
        authority=[],
        issuer=["ỦY BAN NHÂN DÂN", "XÃ TIÊN DU"],
        symbol="BC-UBND",
        place="Tiên Du",
        signature=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        signer=None,
        rows=[[4, 4, 4, 2, 50, 2]],
        total=[4, 4, 4, 2, 50, 2],
    )
    text = " ".join(_layout(path).split())
    assert "- UBND tỉnh Bắc Ninh (để báo cáo);" in text and "- Lưu: VT, UBND." in text
    assert "Người tải" not in text and "trực thuộc" not in text


def test_report_of_the_province(client, province_world, tmp_path):
    path = _pdf(client, province_world["admin"], tmp_path, "tinh")
    _check_report(
        path,
        tmp_path,
        authority=[],
        issuer=["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"],
        symbol="BC-UBND",
        place="Bắc Ninh",
        signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        signer="Nguyễn Văn Minh",
        rows=[[4, 4, 4, 2, 50, 2], [2, 2, 2, 1, 50, 1], [3, 3, 3, 1, 33, 2]],
        total=[9, 9, 9, 4, 44, 5],
    )
    text = " ".join(_layout(path).split())
    assert "Các đơn vị có tỷ lệ hoàn thành dưới chỉ tiêu (tỷ lệ/chỉ tiêu)" in text and "Sở Nội vụ (33%/80%)" in text
    assert "- Bộ Nội vụ (để báo cáo);" in text


def test_the_report_names_units_below_their_own_target(client, province_world, tmp_path):
    from coordination.models import UnitTarget
    from lms.orgunits.models import OrgUnit

    UnitTarget.objects.create(unit=OrgUnit.objects.get(name="Sở Nội vụ"), target_pct=30)
    text = " ".join(_layout(_pdf(client, province_world["admin"], tmp_path, "tinh")).split())
    proposals = text[text.index("3. Đề xuất, kiến nghị") :]
    assert "dưới chỉ tiêu" in proposals and "Xã Tiên Du (50%/80%)" in proposals
    assert "Sở Nội vụ" not in proposals  # its 33 % meets its own target of 30 %


def test_a_long_table_keeps_the_signature_block_whole_and_clear(client, province_world, tmp_path):
    """Forty more communes push the table onto a second page: its header repeats and the closing
    paragraph travels with the signature block, which still clears the table."""
    from tests.factories import make_unit

    for number in range(40):
        commune = make_unit(
            f"0{9400 + number}", f"Xã Thử Nghiệm {number}", kind="commune", parent=province_world["province"]
        )
        member(commune, name=f"Đỗ Văn Thử {number}")
    path = _pdf(client, province_world["admin"], tmp_path, "dai")
    lines = _lines(path)
    assert max(line.page for line in lines) >= 2
    assert [line.page for line in lines if line.text == "TT"] == sorted(
        {line.page for line in lines if line.text.startswith("Xã Thử")}
    )
    closing = _find(lines, "Trên đây là báo cáo", start=True)
    block = _find(lines, "TM. ỦY BAN NHÂN DÂN")
    assert closing.page == block.page
    _, total = _table_rows(_layout(path))
    assert total[0] == 49


def test_number_given_when_asked(client, province_world, tmp_path):
    client.force_login(province_world["coordinators"]["agency"])
    job = export(client, "report_pdf", number="15")
    path = tmp_path / "so-15.pdf"
    path.write_bytes(job_file(job))
    assert "Số: 15/BC-SNV" in _layout(path)
    assert ReportLetterhead.objects.count() == 2


def test_a_bad_number_is_refused_with_a_reason(client, province_world):
    client.force_login(province_world["coordinators"]["agency"])
    assert 'name="number"' in client.get("/coordinate/").content.decode()
    response = client.post("/coordinate/exports/", {"export": "report_pdf", "number": "15/BC"})
    assert response.status_code == 400 and "chỉ gồm chữ số" in response.content.decode()


def test_a_coordinator_of_two_communes_reports_on_both(client, province_world, admin_user):
    from coordination.report_document import report_document
    from coordination.selectors import coordination_report

    coordinator = province_world["coordinators"]["commune"]
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=province_world["commune_b"])
    report = coordination_report(viewer=coordinator, refresh=True)
    document = report_document(viewer=coordinator, report=report, unit=None, as_of=None, course_id=None)
    assert [row[1] for row in document.rows] == ["Xã Tiên Du", "Xã Gia Bình"]
    assert document.total_row[2:4] == ["6", "6"]
    assert document.scope_paragraphs[0].startswith("Phạm vi: người học thuộc 2 đơn vị trong phạm vi điều phối")
    assert "trực thuộc" not in document.scope_paragraphs[0]
