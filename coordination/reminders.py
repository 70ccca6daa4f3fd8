"""Reminder e-mails: N days before an assignment's due date and once overdue.

Each reminder is claimed (a ``ReminderClaim`` row under a unique constraint,
committed) before it is sent, so no learner ever gets the same reminder twice,
whatever happens to the worker. Learners can turn reminders off from the link
in every e-mail (a signed token, no login needed).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from courses.assignment_status import enrollments_with_status
from courses.models import AssignmentStatus, Enrollment, EnrollmentStatus
from lms.orgunits.models import CoordinatorScope
from lms.public_urls import public_url

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


def due_reminders(*, today=None) -> list[tuple[Enrollment, str]]:
    """(enrolment, kind) pairs that should get a reminder today and were not claimed yet: "overdue"
    once the learner's due date (their extension, else the assignment's) has passed, "due_soon" within
    ``REMINDER_DAYS_BEFORE_DUE`` days of it. Completed and exempted learners get none."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=settings.REMINDER_DAYS_BEFORE_DUE)
    enrollments = (
        enrollments_with_status(
            Enrollment.objects.filter(
                assignment__isnull=False, user__is_active=True, user__reminder_emails=True
            ).exclude(status=EnrollmentStatus.WITHDRAWN),
            today=today,
        )
        .filter(
            assignment_status__in=[
                AssignmentStatus.OVERDUE,
                AssignmentStatus.NOT_STARTED,
                AssignmentStatus.IN_PROGRESS,
            ],
            due__lte=soon,
        )
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
