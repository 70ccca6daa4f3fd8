"""E-mails to learners about their attempts, in their own language: an essay has been graded.

What the e-mail tells follows the quiz's review options at the moment it is sent, as the review
page does: the score only when marks may be shown, the grader's comments never (the learner reads
them on the review page, where the options apply item by item).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lms.public_urls import public_url

from .models import Attempt, AttemptState, ReviewItem
from .selectors import review_visibility

logger = logging.getLogger(__name__)


def attempt_graded_notify(*, attempt_id: int) -> bool:
    """Send "your attempt was graded" once (claims ``graded_notice_pending``); skipped for deleted
    accounts. On a mail error the claim is given back, so the sweeper sends it later."""
    claimed = Attempt.objects.filter(pk=attempt_id, graded_notice_pending=True).update(graded_notice_pending=False)
    if not claimed:
        return False
    attempt = Attempt.objects.select_related("user", "quiz").get(pk=attempt_id)
    user = attempt.user
    if attempt.state != AttemptState.GRADED or user.anonymised_at is not None or not user.email:
        return False
    visible = review_visibility(attempt=attempt)
    context = {
        "full_name": user.full_name,
        "quiz": attempt.quiz.title,
        "number": attempt.number,
        "marks": visible[ReviewItem.MARKS],
        "score": attempt.score_pct,
        "passed": attempt.passed,
        "review_url": public_url(reverse("quiz_review", args=[attempt.pk])),
    }
    language = user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            subject = render_to_string("quizzes/email/graded_subject.txt", context).strip()
            body = render_to_string("quizzes/email/graded_body.txt", context)
        EmailMessage(subject, body, to=[user.email], headers={"Content-Language": language}).send()
    except Exception:
        Attempt.objects.filter(pk=attempt_id).update(graded_notice_pending=True)
        raise
    return True


def graded_notices_sweep(*, older_than_seconds: int = 120) -> int:
    """Beat: send the notices whose task was lost (pending for more than two minutes)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    sent = 0
    for attempt_id in Attempt.objects.filter(graded_notice_pending=True, graded_at__lt=cutoff).values_list(
        "pk", flat=True
    )[:500]:
        try:
            sent += attempt_graded_notify(attempt_id=attempt_id)
        except Exception as exc:
            logger.warning("Graded notice for attempt %s failed: %s", attempt_id, exc)
    return sent
