"""Background jobs of the quizzes app (they grow with learners): the attempts report as CSV, and
regrading every attempt after a question was corrected."""

from __future__ import annotations

import tempfile

from django.core.files import File
from django.utils.translation import gettext as _

from lms.jobs.registry import register_job_kind
from lms.jobs.services import JobError, job_create
from lms.tabular import csv_rows

from .models import Question, QuizPage
from .selectors import attempts_visible_to
from .services import quiz_regrade

REPORT_CSV = "quizzes.report_csv"
REGRADE = "quizzes.regrade"
REPORT_HEADER = [
    "email",
    "họ và tên",
    "lần",
    "trạng thái",
    "bắt đầu",
    "nộp",
    "thời gian (giây)",
    "điểm (%)",
    "đạt",
    "đợt",
]


def report_csv_queue(*, actor, quiz: QuizPage, back_url: str = ""):
    return job_create(
        owner=actor,
        kind=REPORT_CSV,
        title=_("Kết quả bài kiểm tra “%(title)s” (CSV)") % {"title": quiz.title},
        params={"quiz": quiz.pk},
        back_url=back_url,
        back_label=_("Về báo cáo bài kiểm tra"),
    )


def report_csv_run(job, run) -> dict:
    quiz = QuizPage.objects.filter(pk=job.params["quiz"]).first()
    if quiz is None:
        raise JobError(_("Bài kiểm tra này không còn nữa."))
    attempts = attempts_visible_to(viewer=job.owner, quiz=quiz).select_related("user")
    counted = {"rows": 0}

    def rows():
        for attempt in attempts.iterator(chunk_size=2000):
            counted["rows"] += 1
            yield [
                attempt.user.email,
                attempt.user.full_name,
                attempt.number,
                attempt.state,
                attempt.started_at.isoformat(),
                attempt.submitted_at.isoformat() if attempt.submitted_at else "",
                attempt.duration_seconds or "",
                attempt.score_pct,
                "có" if attempt.passed else "không",
                attempt.cycle,
            ]

    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="") as handle:
        handle.writelines(csv_rows(REPORT_HEADER, rows()))
        handle.seek(0)
        run.store_file(File(handle.buffer), name=f"quiz-{quiz.pk}-attempts.csv", content_type="text/csv; charset=utf-8")
    return counted


def regrade_queue(*, actor, quiz: QuizPage, question: Question, reason: str, back_url: str = ""):
    return job_create(
        owner=actor,
        kind=REGRADE,
        title=_("Chấm lại bài kiểm tra “%(title)s” sau khi sửa câu hỏi") % {"title": quiz.title},
        params={"quiz": quiz.pk, "question": question.pk, "reason": reason},
        back_url=back_url,
        back_label=_("Về báo cáo bài kiểm tra"),
    )


def regrade_run(job, run) -> dict:
    quiz = QuizPage.objects.filter(pk=job.params["quiz"]).first()
    question = Question.objects.filter(pk=job.params["question"]).first()
    if quiz is None or question is None:
        raise JobError(_("Bài kiểm tra hoặc câu hỏi này không còn nữa."))
    changed = quiz_regrade(
        actor=job.owner, quiz=quiz, question=question, reason=job.params["reason"], progress=run.progress
    )
    run.progress(changed, changed, message=_("Đã chấm lại %(n)s lượt làm bài.") % {"n": changed})
    return {"regraded": changed}


def register() -> None:
    register_job_kind(REPORT_CSV, report_csv_run)
    register_job_kind(REGRADE, regrade_run, atomic=True, time_limit=3600)
