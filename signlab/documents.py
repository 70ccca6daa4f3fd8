"""Sample administrative documents for the lab, drawn with ReportLab in the Decree-30 layout
(Nghị định 30/2020/NĐ-CP): the issuing authority and agency top left, the national motto top
right, number and symbol, place and date, the title, the body, "Nơi nhận" bottom left and the
signature block bottom right — where a signer's visible signature belongs.

Each document names the learner and carries a number drawn for them, so no two learners get
the same file.
"""

from __future__ import annotations

import io
import random
import secrets
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = Path(settings.BASE_DIR) / "certificates" / "fonts"
FONTS = {
    "Serif": "LiberationSerif-Regular.ttf",
    "Serif-Bold": "LiberationSerif-Bold.ttf",
    "Serif-Italic": "LiberationSerif-Italic.ttf",
}
_fonts_lock = threading.Lock()

WIDTH, HEIGHT = A4
LEFT, RIGHT = 30 * mm, WIDTH - 15 * mm

# Where a visible signature may go (x1, y1, x2, y2 in points, on the last page).
SIGNATURE_PLACES = {
    "signature_block": (RIGHT - 80 * mm, 52 * mm, RIGHT - 5 * mm, 74 * mm),
    "bottom_left": (LEFT, 12 * mm, LEFT + 75 * mm, 32 * mm),
    "top_right": (RIGHT - 75 * mm, HEIGHT - 70 * mm, RIGHT, HEIGHT - 50 * mm),
}
# The countersigning leader signs in the block; the learner (the drafter) signs at the bottom left,
# as a "ký nháy" / second signature would go.
LEADER_PLACE = "signature_block"


def fonts_register() -> None:
    with _fonts_lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in FONTS.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


@dataclass(frozen=True)
class SampleDocument:
    kind: str  # "to_trinh" | "cong_van"
    number: str  # "125/TTr-SNV"
    drafter: str  # the learner's name
    issued_on: date
    amount: str = ""

    @property
    def file_name(self) -> str:
        prefix = "to-trinh" if self.kind == "to_trinh" else "cong-van"
        return f"{prefix}-{self.number.split('/')[0]}.pdf"


def sample_document(*, kind: str, drafter: str, issued_on: date, seed: str = "") -> SampleDocument:
    """A sample document; with ``seed`` its number and amount are always the same (the document a
    learner previews is the one they sign)."""

    def draw(start: int, stop: int) -> int:
        if seed:
            return stable.randrange(start, stop)
        return start + secrets.randbelow(stop - start)

    stable = random.Random(seed)  # nosec B311  # stable sample numbers, no secret
    serial = draw(100, 1000)
    symbol = "TTr-SNV" if kind == "to_trinh" else "SNV-VP"
    amount = f"{draw(10, 100) * 5}.000.000"
    return SampleDocument(kind=kind, number=f"{serial}/{symbol}", drafter=drafter, issued_on=issued_on, amount=amount)


def _centre(pdf, text: str, x: float, y: float, font: str, size: float, *, underline=False) -> None:
    pdf.setFont(font, size)
    pdf.drawCentredString(x, y, text)
    if underline:
        width = pdfmetrics.stringWidth(text, font, size)
        pdf.setLineWidth(0.6)
        pdf.line(x - width / 2, y - 2.5, x + width / 2, y - 2.5)


def _paragraph(pdf, text: str, y: float, *, size=13, indent=10 * mm, leading=18) -> float:
    """Justified-left lines wrapped at the margins; returns the next y."""
    words = text.split()
    line, first = "", True
    pdf.setFont("Serif", size)
    for word in words:
        candidate = f"{line} {word}".strip()
        room = RIGHT - LEFT - (indent if first else 0)
        if pdfmetrics.stringWidth(candidate, "Serif", size) > room:
            pdf.drawString(LEFT + (indent if first else 0), y, line)
            y -= leading
            line, first = word, False
        else:
            line = candidate
    if line:
        pdf.drawString(LEFT + (indent if first else 0), y, line)
        y -= leading
    return y


def document_pdf(document: SampleDocument, *, scanned_signature: bool = False) -> bytes:
    """The PDF of ``document``. ``scanned_signature`` draws a seal and a handwritten-looking
    signature *picture* in the block — what a printed, signed and scanned paper looks like: it has
    no digital signature at all."""
    fonts_register()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1, invariant=0)
    title = "Tờ trình" if document.kind == "to_trinh" else "Công văn"
    pdf.setTitle(f"{title} số {document.number} (văn bản mẫu để thực hành)")
    pdf.setAuthor("Học Số")
    left_centre, right_centre = LEFT + 35 * mm, RIGHT - 50 * mm
    top = HEIGHT - 20 * mm
    _centre(pdf, "UBND TỈNH BẮC NINH", left_centre, top, "Serif", 12)
    _centre(pdf, "SỞ NỘI VỤ", left_centre, top - 15, "Serif-Bold", 12, underline=True)
    _centre(pdf, f"Số: {document.number}", left_centre, top - 38, "Serif", 12)
    _centre(pdf, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_centre, top, "Serif-Bold", 12)
    _centre(pdf, "Độc lập - Tự do - Hạnh phúc", right_centre, top - 15, "Serif-Bold", 13, underline=True)
    day = document.issued_on
    _centre(
        pdf,
        f"Bắc Ninh, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
        right_centre,
        top - 38,
        "Serif-Italic",
        13,
    )
    y = top - 80
    if document.kind == "to_trinh":
        _centre(pdf, "TỜ TRÌNH", WIDTH / 2 + 7 * mm, y, "Serif-Bold", 14)
        _centre(pdf, "Về việc mua sắm thiết bị ký số cho bộ phận một cửa", WIDTH / 2 + 7 * mm, y - 18, "Serif-Bold", 13)
        _centre(pdf, "Kính gửi: Ủy ban nhân dân tỉnh Bắc Ninh", WIDTH / 2 + 7 * mm, y - 44, "Serif", 13)
        y -= 76
        body = [
            "Thực hiện kế hoạch chuyển đổi số năm nay, Sở Nội vụ kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt"
            f" kinh phí {document.amount} đồng để trang bị thiết bị ký số và tập huấn ký số từ xa cho cán bộ bộ phận"
            " tiếp nhận và trả kết quả.",
            f"Người soạn thảo: {document.drafter}. Văn bản này là văn bản mẫu của nền tảng Học Số, chỉ dùng để"
            " thực hành ký số, không có giá trị pháp lý.",
        ]
    else:
        _centre(pdf, "V/v triển khai ký số văn bản điện tử", left_centre, top - 56, "Serif", 11)
        _centre(pdf, "Kính gửi: Các phòng, đơn vị thuộc Sở", WIDTH / 2 + 7 * mm, y, "Serif", 13)
        y -= 32
        body = [
            "Để thực hiện gửi, nhận văn bản điện tử có ký số trên hệ thống quản lý văn bản và điều hành, Sở Nội vụ"
            " đề nghị các phòng, đơn vị ký số toàn bộ văn bản đi, không in ra ký tay rồi quét lại.",
            f"Kinh phí tập huấn dự kiến {document.amount} đồng. Người soạn thảo: {document.drafter}. Văn bản này là"
            " văn bản mẫu của nền tảng Học Số, chỉ dùng để thực hành ký số, không có giá trị pháp lý.",
        ]
    for paragraph in body:
        y = _paragraph(pdf, paragraph, y) - 6
    # Nơi nhận (bottom left) and the signature block (bottom right).
    pdf.setFont("Serif-Bold", 12)
    pdf.drawString(LEFT, 95 * mm, "Nơi nhận:")
    pdf.setFont("Serif", 11)
    for index, line in enumerate(["- Như trên;", "- Giám đốc Sở;", "- Lưu: VT, VP."]):
        pdf.drawString(LEFT, 95 * mm - 14 * (index + 1), line)
    block_centre = RIGHT - 42 * mm
    _centre(pdf, "GIÁM ĐỐC", block_centre, 95 * mm, "Serif-Bold", 13)
    _centre(pdf, "Trần Quốc Minh", block_centre, 44 * mm, "Serif-Bold", 13)
    if scanned_signature:
        _draw_scanned_signature(pdf, block_centre, 64 * mm)
    pdf.setFont("Serif-Italic", 9)
    pdf.setFillGray(0.35)
    pdf.drawCentredString(WIDTH / 2, 8 * mm, "Học Số - văn bản mẫu để thực hành ký số - không có giá trị pháp lý")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _draw_scanned_signature(pdf, x: float, y: float) -> None:
    """A red seal and a scribbled signature, drawn as a picture."""
    pdf.saveState()
    pdf.setStrokeColorRGB(0.8, 0.1, 0.1)
    pdf.setFillColorRGB(0.8, 0.1, 0.1)
    pdf.setLineWidth(2)
    pdf.circle(x - 14 * mm, y, 14 * mm, stroke=1, fill=0)
    pdf.circle(x - 14 * mm, y, 10 * mm, stroke=1, fill=0)
    pdf.setFont("Serif-Bold", 7)
    pdf.drawCentredString(x - 14 * mm, y - 1, "SỞ NỘI VỤ")
    pdf.setStrokeColorRGB(0.1, 0.1, 0.5)
    pdf.setLineWidth(1.4)
    path = pdf.beginPath()
    path.moveTo(x - 8 * mm, y - 4 * mm)
    path.curveTo(x - 2 * mm, y + 9 * mm, x + 4 * mm, y - 9 * mm, x + 10 * mm, y + 4 * mm)
    path.curveTo(x + 14 * mm, y + 9 * mm, x + 18 * mm, y - 5 * mm, x + 24 * mm, y + 2 * mm)
    pdf.drawPath(path, stroke=1, fill=0)
    pdf.restoreState()
