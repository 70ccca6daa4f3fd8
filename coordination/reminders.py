"""Reminder e-mails: N days before an assignment's due date and once overdue, and — when a
coordinator asks — now, for one assignment, to the recipients they previewed.

Each reminder is claimed (a ``ReminderClaim`` row under a unique constraint,
committed) before it is sent, so no learner ever gets the same reminder twice,
whatever happens to the worker. Learners can turn reminders off from the link
in every e-mail (a signed token, no login needed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.assignment_status import enrollments_with_status
from courses.models import Assignment, AssignmentStatus, Enrollment, EnrollmentStatus
from lms.audit.services import audit_record
from lms.jobs.services import JobError, job_create
from lms.orgunits.models import CoordinatorScope
from lms.orgunits.selectors import users_visible_to
from lms.public_urls import public_url
from lms.text import vietnamese_name_sort_key

from .models import ReminderClaim
from .selectors import coordination_report

logger = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "hocso.reminders.off"


def unsubscribe_token(user) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user_id(token: str) -> int | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)["user"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


# Who may get a reminder: learners not done (completed and exempted learners never get one).
REMINDABLE = [AssignmentStatus.OVERDUE, AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS]


def remindable_enrollments(enrollments, *, today, subscribed: bool | None = True):
    """The reminder rule on a set of enrolments: assigned, not withdrawn, an active learner, status
    overdue / not started / in progress (``courses.assignment_status``); with ``subscribed`` only
    learners who did not turn reminders off (False: only those who did; None: both)."""
    enrollments = enrollments.filter(assignment__isnull=False, user__is_active=True).exclude(
        status=EnrollmentStatus.WITHDRAWN
    )
    if subscribed is not None:
        enrollments = enrollments.filter(user__reminder_emails=subscribed)
    return enrollments_with_status(enrollments, today=today).filter(assignment_status__in=REMINDABLE)


def due_reminders(*, today=None) -> list[tuple[Enrollment, str]]:
    """(enrolment, kind) pairs that should get a reminder today and were not claimed yet: "overdue"
    once the learner's due date (their extension, else the assignment's) has passed, "due_soon" within
    ``REMINDER_DAYS_BEFORE_DUE`` days of it. Completed and exempted learners get none."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    enrollments = (
        remindable_enrollments(Enrollment.objects.all(), today=today)
        .filter(due__lte=soon)
        .select_related("user", "course", "assignment")
        .order_by("pk")
    )
    claimed = set(
        ReminderClaim.objects.filter(assignment__isnull=False).values_list("user_id", "assignment_id", "kind")
    )
    pending = []
    for enrollment in enrollments:
        kind = "overdue" if enrollment.assignment_status == AssignmentStatus.OVERDUE else "due_soon"
        if (enrollment.user_id, enrollment.assignment_id, kind) not in claimed:
            pending.append((enrollment, kind))
    return pending


def reminders_send(*, today=None) -> int:
    """Claim and send every due reminder; returns how many were sent."""
    sent = 0
    seen: set[tuple[int, int, str]] = set()
    for enrollment, kind in due_reminders(today=today):
        key = (enrollment.user_id, enrollment.assignment_id, kind)
        if key in seen:  # one reminder per assignment, even with several courses
            continue
        seen.add(key)
        try:
            with transaction.atomic():
                claim = ReminderClaim.objects.create(user=enrollment.user, assignment=enrollment.assignment, kind=kind)
        except IntegrityError:
            continue  # claimed by another worker or an earlier run
        try:
            _send(enrollment, kind)
        except Exception:
            logger.exception("Reminder %s claimed but not sent (user %s)", claim.pk, enrollment.user_id)
            continue
        ReminderClaim.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


# --- Reminders now, for one assignment --------------------------------------------------------

ASSIGNMENT_REMINDERS_SEND = "coordination.assignment_reminders_send"
RECIPIENTS_SALT = "hocso.reminders.now"
RECIPIENTS_MAX_AGE = 60 * 60 * 24  # a preview older than a day must be looked at again


class ReminderError(Exception):
    """A message for the coordinator (a stale or tampered preview, a cancelled assignment)."""


@dataclass
class Recipient:
    user: object
    enrollment: Enrollment | _PreviewRow  # the one the e-mail names: an overdue course first
    kind: str  # overdue | due_soon | reminder

    @property
    def kind_label(self) -> str:
        return str(RECIPIENT_KINDS[self.kind])


RECIPIENT_KINDS = {
    "overdue": gettext_lazy("Quá hạn"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "reminder": gettext_lazy("Chưa hoàn thành"),
}


@dataclass
class RemindersPreview:
    assignment: Assignment
    recipients: list[Recipient]
    opted_out: int  # not completed but turned reminders off: nobody writes to them
    token: str  # the recipients, frozen and signed, for the confirmation

    @property
    def count(self) -> int:
        return len(self.recipients)


@dataclass
class _Person:
    pk: int
    full_name: str
    email: str


@dataclass
class _Course:
    title: str


@dataclass
class _PreviewRow:
    """What the preview shows of an enrolment: its learner, course title, due date and status."""

    user_id: int
    user: _Person
    course: _Course
    due: object
    assignment_status: str

    @classmethod
    def of(cls, values: dict) -> _PreviewRow:
        person = _Person(values["user_id"], values["user__full_name"] or "", values["user__email"])
        return cls(
            values["user_id"], person, _Course(values["course__title"]), values["due"], values["assignment_status"]
        )


def _recipients(enrollments, *, today) -> list[Recipient]:
    """One recipient per learner (one e-mail per assignment, even with several courses): the kind
    of their most pressing course — overdue, else due within ``REMINDER_DAYS_BEFORE_DUE`` days."""
    soon = today + timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    chosen: dict[int, Recipient] = {}
    for enrollment in enrollments:
        if enrollment.assignment_status == AssignmentStatus.OVERDUE:
            kind = "overdue"
        elif enrollment.due is not None and enrollment.due <= soon:
            kind = "due_soon"
        else:
            kind = "reminder"
        current = chosen.get(enrollment.user_id)
        if current is None or list(RECIPIENT_KINDS).index(kind) < list(RECIPIENT_KINDS).index(current.kind):
            chosen[enrollment.user_id] = Recipient(user=enrollment.user, enrollment=enrollment, kind=kind)
    return list(chosen.values())


def assignment_reminders_preview(*, viewer, assignment: Assignment, today=None) -> RemindersPreview:
    """Who "send reminders now" would write to: the assignment's learners in the viewer's scope whom
    the reminder rule selects (``remindable_enrollments``: not completed, not exempted, reminders on),
    in name order, with a signed token freezing that list for ``assignment_reminders_queue``."""
    if assignment.cancelled_at is not None:
        raise ReminderError(_("Đợt giao này đã bị huỷ."))
    today = today or timezone.localdate()
    enrollments = assignment.enrollments.all()
    if not viewer.is_superuser:
        enrollments = enrollments.filter(user_id__in=users_visible_to(viewer=viewer).values("pk"))
    # Light rows (no model instances): a preview of thousands of learners stays quick.
    rows = (
        _PreviewRow.of(values)
        for values in remindable_enrollments(enrollments, today=today)
        .order_by("user_id", "pk")
        .values("user_id", "user__full_name", "user__email", "course__title", "due", "assignment_status")
    )
    recipients = sorted(
        _recipients(rows, today=today), key=lambda r: (vietnamese_name_sort_key(r.user.full_name), r.user.pk)
    )
    opted_out = remindable_enrollments(enrollments, today=today, subscribed=False).values("user_id").distinct().count()
    token = signing.dumps(
        {"assignment": assignment.pk, "users": sorted(r.user.pk for r in recipients), "day": today.isoformat()},
        salt=RECIPIENTS_SALT,
        compress=True,
    )
    return RemindersPreview(assignment=assignment, recipients=recipients, opted_out=opted_out, token=token)


def _frozen_recipients(token: str, assignment: Assignment) -> list[int]:
    try:
        frozen = signing.loads(token, salt=RECIPIENTS_SALT, max_age=RECIPIENTS_MAX_AGE)
    except signing.BadSignature as error:
        raise ReminderError(_("Danh sách người nhận đã cũ hoặc không hợp lệ. Hãy xem lại danh sách.")) from error
    if frozen.get("assignment") != assignment.pk or not isinstance(frozen.get("users"), list):
        raise ReminderError(_("Danh sách người nhận không thuộc đợt giao này. Hãy xem lại danh sách."))
    return [int(pk) for pk in frozen["users"]]


@transaction.atomic
def assignment_reminders_queue(*, actor, assignment: Assignment, token: str, back_url: str = ""):
    """Queue the e-mails to the recipients frozen in ``token`` at preview time (audited). The job
    writes to exactly those learners — except any who, meanwhile, completed, were exempted or
    turned reminders off (the same rule is asked again as each e-mail goes)."""
    if assignment.cancelled_at is not None:
        raise ReminderError(_("Đợt giao này đã bị huỷ."))
    user_ids = _frozen_recipients(token, assignment)
    if not user_ids:
        raise ReminderError(_("Không có ai để nhắc."))
    job = job_create(
        owner=actor,
        kind=ASSIGNMENT_REMINDERS_SEND,
        title=_("Gửi nhắc nhở: “%(title)s”") % {"title": assignment.title},
        params={"assignment": assignment.pk, "users": user_ids},
        total=len(user_ids),
        back_url=back_url,
        back_label=_("Về danh sách đợt giao"),
    )
    audit_record(
        actor=actor,
        action="assignment.remind",
        target=assignment,
        data={"recipients": len(user_ids), "users": user_ids, "job": job.pk},
    )
    return job


def assignment_reminders_send_run(job, run) -> dict:
    """Worker: e-mail the frozen recipients still selected by the reminder rule. Each e-mail is
    claimed first (``ReminderClaim`` kind ``now-<job>``), so a rerun after a killed worker sends
    nobody twice; the daily reminders keep their own claims."""
    assignment = Assignment.objects.filter(pk=job.params["assignment"]).first()
    if assignment is None or assignment.cancelled_at is not None:
        raise JobError(_("Đợt giao này đã bị huỷ."))
    user_ids = job.params.get("users", [])
    today = timezone.localdate()
    rows = (
        remindable_enrollments(assignment.enrollments.filter(user_id__in=user_ids), today=today)
        .select_related("user", "course", "assignment")
        .order_by("user_id", "pk")
    )
    kind_of_claim = f"now-{job.pk}"
    sent = 0
    for done, recipient in enumerate(_recipients(rows, today=today), start=1):
        try:
            with transaction.atomic():
                claim = ReminderClaim.objects.create(user=recipient.user, assignment=assignment, kind=kind_of_claim)
        except IntegrityError:
            continue  # sent by an earlier run of this job
        try:
            _send(recipient.enrollment, recipient.kind)
        except Exception:
            logger.exception("Reminder %s claimed but not sent (user %s)", claim.pk, recipient.user.pk)
            continue
        ReminderClaim.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
        sent += 1
        if done % 50 == 0:
            run.progress(done)
    sent_total = ReminderClaim.objects.filter(kind=kind_of_claim, sent_at__isnull=False).count()
    skipped = len(user_ids) - sent_total
    run.progress(
        len(user_ids),
        message=_("Đã gửi %(sent)s email nhắc nhở.") % {"sent": sent_total}
        + (
            " "
            + _("%(n)s người không được gửi: đã hoàn thành, được miễn hoặc đã tắt email nhắc hạn từ lúc xem danh sách.")
            % {"n": skipped}
            if skipped
            else ""
        ),
    )
    if sent:
        audit_record(
            actor=job.owner,
            action="assignment.remind_sent",
            target=assignment,
            data={"sent": sent_total, "skipped": skipped, "job": job.pk},
        )
    return {"sent": sent_total, "skipped": skipped, "assignment": assignment.pk}


def _send(enrollment: Enrollment, kind: str) -> None:
    user = enrollment.user
    context = {
        "user": user,
        "enrollment": enrollment,
        "kind": kind,
        "course_url": public_url(reverse("course_continue", args=[enrollment.course_id])),
        "unsubscribe_url": public_url(reverse("coordination_reminders_off", args=[unsubscribe_token(user)])),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("coordination/email/reminder_subject.txt", context).strip()
        body = render_to_string("coordination/email/reminder_message.txt", context)
    send_mail(subject, body, None, [user.email])


def digests_send(*, today=None) -> int:
    """Weekly digest for every coordinator (one per ISO week, claimed before sending)."""

    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    kind = f"digest-{year}-W{week:02d}"
    sent = 0
    coordinators = (
        get_user_model()
        .objects.filter(pk__in=CoordinatorScope.objects.values("user_id"), is_active=True)
        .order_by("pk")
    )
    for user in coordinators:
        try:
            with transaction.atomic():
                claim = ReminderClaim.objects.create(user=user, assignment=None, kind=kind)
        except IntegrityError:
            continue
        report = coordination_report(viewer=user)
        dashboard_url = public_url(reverse("coordination_dashboard"))
        context = {"user": user, "report": report, "dashboard_url": dashboard_url}
        try:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject = render_to_string("coordination/email/digest_subject.txt", context).strip()
                body = render_to_string("coordination/email/digest_message.txt", context)
            send_mail(subject, body, None, [user.email])
        except Exception:
            logger.exception("Digest %s claimed but not sent (user %s)", claim.pk, user.pk)
            continue
        ReminderClaim.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
        sent += 1
    return sent
