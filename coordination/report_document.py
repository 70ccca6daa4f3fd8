"""The text of the coordinator's Decree-30 "Báo cáo": letterhead, number and symbol, place and date,
title, a body with basis, scope, period and method, the figures in prose, the table with its totals,
proposals built from the figures, recipients and the signature block of the unit head.

One document, two renderings: the PDF (``templates/coordination/pdf/report.html``) and the editable
DOCX (``coordination.report_docx``) read the same ``ReportDocument``. The text is an administrative
document in Vietnamese (Decree 30 fixes its language), so it is not translated. Workers only: it loads
the PDF stack (``certificates.rendering``, for the Decree-30 date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from certificates.rendering import decree30_date
from courses.models import Assignment
from courses.selectors import course_titles
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import scope_roots
from lms.public_urls import public_site_name

from .letterhead import COMMITTEE_KINDS, Letterhead, plain_name, report_letterhead
from .selectors import Figures, Report

TABLE_HEADER = [
    "TT",
    "Đơn vị",
    "Số người học",
    "Đã ghi danh",
    "Lượt ghi danh",
    "Lượt hoàn thành",
    "Tỷ lệ (%)",
    "Quá hạn",
]
TABLE_WIDTHS_PCT = [6, 28, 11, 10, 11, 13, 10, 11]  # on A4: no header label needs a third line
PLANS_NAMED = 5  # the basis names at most this many plans
UNITS_NAMED = 10  # a proposal names at most this many units, then counts the others


@dataclass
class ReportDocument:
    letterhead: Letterhead
    number: str  # "" leaves the number blank for the clerk
    date_line: str  # "Bắc Ninh, ngày 28 tháng 11 năm 2026"
    subtitle: str
    basis: str
    scope_paragraphs: list[str]
    result_paragraphs: list[str]
    table_header: list[str]
    rows: list[list[str]]  # TT, unit, then the figures as text
    total_row: list[str]
    proposal_paragraphs: list[str]
    closing: str
    title: str = "BÁO CÁO"
    headings: dict[str, str] = field(
        default_factory=lambda: {
            "scope": "1. Phạm vi, thời điểm và phương pháp tổng hợp",
            "results": "2. Kết quả bồi dưỡng",
            "proposals": "3. Đề xuất, kiến nghị",
        }
    )

    @property
    def header_cells(self) -> list[tuple[str, int]]:
        """(label, width in % of the text) of each column of the table."""
        return list(zip(self.table_header, TABLE_WIDTHS_PCT, strict=True))

    @property
    def number_line(self) -> str:
        """ "Số: 15/BC-SNV", or "Số:" and room for the clerk's number (non-breaking spaces)."""
        number = self.number or "\u00a0" * 8
        return f"Số: {number}/{self.letterhead.symbol}"


def n(value: int) -> str:
    """A count written the Vietnamese way: 100.002."""
    return f"{value:,}".replace(",", ".")


def _moment(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút ngày {local:%d/%m/%Y}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def area_name(unit: OrgUnit) -> str:
    """A unit as a place learners belong to: "tỉnh Bắc Ninh", "xã Tiên Du", "Sở Nội vụ"."""
    name = plain_name(unit.name)
    return _lower_first(name) if unit.kind in COMMITTEE_KINDS else name


def report_issuer(*, viewer, unit: OrgUnit | None) -> OrgUnit | None:
    """The unit that issues the viewer's report: their own scope unit holding ``unit`` (a coordinator of
    the Sở reporting on one of its divisions writes as the Sở), the province for administrators."""
    roots = scope_roots(viewer=viewer)
    if unit is not None:
        holding = [root for root in roots if unit.path.startswith(root.path)]
        return max(holding, key=lambda root: root.depth) if holding else unit
    return roots[0] if roots else None


def _plans(report: Report) -> list[str]:
    assignments = (
        Assignment.objects.filter(pk__in=report.enrollments_query.order_by().values("assignment_id"))
        .order_by("created_at", "pk")
        .values_list("plan_reference", "title")
    )
    plans = []
    for reference, title in assignments[: PLANS_NAMED + 1]:
        text = (
            f"{reference.strip().rstrip('.')} về {_lower_first(title)}" if reference.strip() else f"đợt giao “{title}”"
        )
        if text not in plans:
            plans.append(text)
    if len(plans) > PLANS_NAMED:
        plans = [*plans[:PLANS_NAMED], "các kế hoạch liên quan"]
    return plans


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def _figure_cells(figures: Figures) -> list[str]:
    return [
        n(figures.learners),
        n(figures.enrolled),
        n(figures.enrollments),
        n(figures.completed),
        str(figures.completion_pct),
        n(figures.overdue),
    ]


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def report_document(
    *,
    viewer,
    report: Report,
    unit: OrgUnit | None,
    as_of: date | None,
    course_id: int | None,
    number: str = "",
    today: date | None = None,
) -> ReportDocument | None:
    """The report the viewer sends for their scope (``unit`` narrows it); None without a scope."""
    issuer = report_issuer(viewer=viewer, unit=unit)
    if issuer is None:
        return None
    letterhead = report_letterhead(unit=issuer)
    subject = unit or issuer
    today = today or timezone.localdate()
    day = as_of or today
    period = f"tính đến hết ngày {day:%d/%m/%Y}" if as_of else f"tính đến ngày {day:%d/%m/%Y}"
    course = course_titles().get(course_id, "") if course_id else ""
    figures = report.figures

    rows: list[tuple[str, Figures]] = [(plain_name(group.name), group_figures) for group, group_figures in report.units]
    if report.direct is not None:
        rows.append((f"Trực tiếp tại {plain_name(report.direct[0].name)}", report.direct[1]))
    below = [group for group, _figures in report.units if group.path != subject.path]
    only_itself = not below
    table = [[str(index), name, *_figure_cells(row)] for index, (name, row) in enumerate(rows, start=1)]
    total = ["", "Tổng cộng", *_figure_cells(figures)]

    plans = _plans(report)
    learning = f"khoá học “{course}”" if course else "các khoá học kỹ năng số"
    if plans:
        basis = (
            f"Thực hiện {_join(plans)}, {letterhead.issuer_prose} báo cáo kết quả bồi dưỡng {learning} "
            f"cho cán bộ, công chức, viên chức và người dân thuộc phạm vi quản lý {period} như sau:"
        )
    else:
        basis = (
            f"Thực hiện nhiệm vụ bồi dưỡng, nâng cao kỹ năng số cho cán bộ, công chức, viên chức và người dân, "
            f"{letterhead.issuer_prose} báo cáo kết quả học {learning} {period} như sau:"
        )

    beside = [group for group in below if not group.path.startswith(subject.path)]  # several scope roots
    if beside:
        scope_text = (
            f"Phạm vi: người học thuộc {n(len(report.units))} đơn vị trong phạm vi điều phối được liệt kê tại "
            "bảng dưới đây"
        )
    else:
        scope_text = f"Phạm vi: người học thuộc {area_name(subject)}"
        if below:
            scope_text += f" và {n(len(below))} đơn vị trực thuộc được liệt kê tại bảng dưới đây"
    scope_text += f"; khoá học: {'khoá “' + course + '”' if course else 'tất cả các khoá học người học được ghi danh'}."
    if as_of:
        moment = (
            f"Thời điểm số liệu: hết ngày {as_of:%d/%m/%Y} — đơn vị, người học và kết quả học tập được tính "
            f"như tại ngày đó, không thay đổi theo các điều chỉnh về sau."
        )
    else:
        counted = report.counted_at or timezone.now()
        moment = f"Thời điểm số liệu: {_moment(counted)}."
    method = (
        f"Phương pháp: số liệu được tổng hợp tự động từ dữ liệu học tập trên nền tảng {public_site_name()}; "
        "người học là người đã được xác nhận là thành viên của đơn vị; mỗi khoá học của một người học là một "
        "lượt ghi danh; tỷ lệ hoàn thành là số lượt hoàn thành trên số lượt phải hoàn thành (không tính lượt "
        "được miễn); lượt quá hạn là lượt chưa hoàn thành khi đã qua hạn hoàn thành."
    )

    summary = (
        f"Tổng số người học: {n(figures.learners)} người, trong đó {n(figures.enrolled)} người "
        f"({_pct(figures.enrolled, figures.learners)}%) đã được ghi danh ít nhất một khoá học, với "
        f"{n(figures.enrollments)} lượt ghi danh phải hoàn thành. Đã hoàn thành {n(figures.completed)} lượt, "
        f"đạt tỷ lệ {figures.completion_pct}%; {n(figures.overdue)} lượt đã quá hạn nhưng chưa hoàn thành"
    )
    if figures.due_soon:
        summary += f"; {n(figures.due_soon)} lượt đến hạn trong 7 ngày tới"
    if figures.exempted:
        summary += f"; {n(figures.exempted)} lượt được miễn"
    summary += f". Số chứng chỉ đã cấp: {n(report.certificates_issued)}."
    results = [summary]
    counted_rows = [(name, row) for name, row in rows if row.enrollments]
    if len(counted_rows) >= 2:
        best = max(counted_rows, key=lambda item: item[1].completion_pct)
        worst = min(counted_rows, key=lambda item: item[1].completion_pct)
        if best[1].completion_pct != worst[1].completion_pct:
            results.append(
                f"Đơn vị có tỷ lệ hoàn thành cao nhất là {best[0]} ({best[1].completion_pct}%), "
                f"thấp nhất là {worst[0]} ({worst[1].completion_pct}%)."
            )
    results.append(
        "Kết quả cụ thể theo từng đơn vị như sau:"
        if table
        else "Chưa có đơn vị nào có người học trong phạm vi báo cáo."
    )

    proposals = _proposals(rows, figures, subject_is_only_row=only_itself)
    closing = f"Trên đây là báo cáo kết quả bồi dưỡng kỹ năng số của {letterhead.issuer_prose}./."
    return ReportDocument(
        letterhead=letterhead,
        number=number,
        date_line=f"{letterhead.place}, {decree30_date(today)}",
        subtitle=f"Kết quả bồi dưỡng kỹ năng số {period}" + (f" — khoá học “{course}”" if course else ""),
        basis=basis,
        scope_paragraphs=[scope_text, moment, method],
        result_paragraphs=results,
        table_header=TABLE_HEADER,
        rows=table,
        total_row=total,
        proposal_paragraphs=proposals,
        closing=closing,
    )


def _names(names: list[str]) -> str:
    if len(names) <= UNITS_NAMED:
        return ", ".join(names)
    return ", ".join(names[:UNITS_NAMED]) + f" và {n(len(names) - UNITS_NAMED)} đơn vị khác (xem bảng)"


def _proposals(rows: list[tuple[str, Figures]], figures: Figures, *, subject_is_only_row: bool) -> list[str]:
    """Fixed sentences built from the figures: who is below their completion target (each unit's own,
    ``coordination.selectors.completion_targets``), who has nobody enrolled."""
    below = [(name, row) for name, row in rows if row.enrollments and row.completion_pct < row.target]
    empty = [name for name, row in rows if row.learners and not row.enrollments]
    overdue = f", trước hết {n(figures.overdue)} lượt đã quá hạn" if figures.overdue else ""
    out = []
    if subject_is_only_row or not rows:
        target = figures.target
        if figures.enrollments and figures.completion_pct < target:
            out.append(
                f"Tỷ lệ hoàn thành ({figures.completion_pct}%) chưa đạt chỉ tiêu {target}%. Đơn vị tiếp tục đôn đốc "
                f"người học hoàn thành các khoá học được giao{overdue}."
            )
        elif figures.enrollments:
            out.append(f"Tỷ lệ hoàn thành đạt chỉ tiêu {target}%. Đơn vị tiếp tục duy trì kết quả.")
        else:
            out.append("Chưa có lượt ghi danh nào: đề nghị giao khoá học cho người học của đơn vị.")
        return out
    if below:
        names = _names([f"{name} ({row.completion_pct}%/{row.target}%)" for name, row in below])
        out.append(
            f"Các đơn vị có tỷ lệ hoàn thành dưới chỉ tiêu (tỷ lệ/chỉ tiêu): {names}. Đề nghị các đơn vị này "
            f"đôn đốc người học hoàn thành các khoá học được giao{overdue}."
        )
    elif figures.enrollments:
        out.append("Tất cả các đơn vị có người học được ghi danh đều đạt chỉ tiêu hoàn thành.")
    if empty:
        out.append(
            f"Các đơn vị chưa có người học được ghi danh: {_names(empty)}. Đề nghị các đơn vị rà soát danh sách "
            "người học và giao khoá học phù hợp."
        )
    if not out:
        out.append("Chưa có lượt ghi danh nào: đề nghị các đơn vị giao khoá học cho người học.")
    return out
    if below:
        names = _names([f"{name} ({row.completion_pct}%)" for name, row in below])
        out.append(
            f"Các đơn vị có tỷ lệ hoàn thành dưới mục tiêu {target}%: {names}. Đề nghị các đơn vị này đôn đốc "
            f"người học hoàn thành các khoá học được giao{overdue}."
        )
    elif figures.enrollments:
        out.append(f"Tất cả các đơn vị có người học được ghi danh đều đạt mục tiêu hoàn thành {target}%.")
    if empty:
        out.append(
            f"Các đơn vị chưa có người học được ghi danh: {_names(empty)}. Đề nghị các đơn vị rà soát danh sách "
            "người học và giao khoá học phù hợp."
        )
    if not out:
        out.append("Chưa có lượt ghi danh nào: đề nghị các đơn vị giao khoá học cho người học.")
    return out
