"""Downloads: a POST queues the job (the request does constant work); the job page shows its
progress and the owner downloads the file there."""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..exports import (
    CERTIFICATES_ZIP,
    COURSES_CSV,
    LEARNERS_CSV,
    LEARNERS_XLSX,
    REPORT_DOCX,
    REPORT_PDF,
    UNITS_CSV,
    export_queue,
)
from ..selectors import LearnerFilters
from ._common import InvalidParameter, _as_of, _coordinator_only, _int, _unit_in_scope, bad_parameter

EXPORTS = {
    "learners_csv": LEARNERS_CSV,
    "learners_xlsx": LEARNERS_XLSX,
    "units_csv": UNITS_CSV,
    "courses_csv": COURSES_CSV,
    "report_pdf": REPORT_PDF,
    "report_docx": REPORT_DOCX,
    "certificates_zip": CERTIFICATES_ZIP,
}


def _document_number(request) -> str:
    """The report's number when the clerk already has it (digits), else blank for them to write."""
    number = request.POST.get("number", "").strip()
    if number and not re.fullmatch(r"[0-9]{1,6}", number):
        raise InvalidParameter(_("Số văn bản chỉ gồm chữ số, ví dụ 15; để trống nếu văn thư sẽ ghi số."))
    return number


@require_POST
@login_required
def export_start(request):
    """Queue one download of the dashboard as shown (unit, as-of day, course, learner filters) and show its job."""
    _coordinator_only(request)
    kind = EXPORTS.get(request.POST.get("export", ""))
    if kind is None:
        return HttpResponseBadRequest()
    unit = _unit_in_scope(request, request.POST.get("unit"))
    try:
        as_of = _as_of(request)
        number = _document_number(request) if kind in (REPORT_PDF, REPORT_DOCX) else ""
    except InvalidParameter as error:
        return bad_parameter(request, error)
    job = export_queue(
        actor=request.user,
        kind=kind,
        unit=unit,
        as_of=as_of,
        course_id=_int(request.POST.get("course")),
        filters=LearnerFilters.from_params(request.POST),
        delimiter=request.POST.get("delimiter", ","),
        number=number,
    )
    return redirect("job_detail", job_id=job.pk)
