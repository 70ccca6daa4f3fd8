"""Invitations to join a unit: the e-mails (sent by a job) and the learner's answer.

The e-mail differs for a new account (set a password, then you are in) and an existing one
(sign in and confirm) — it goes to the address's owner, never to the coordinator, so nothing
tells the coordinator which it was.
"""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.assignments import assignments_apply_for_users
from courses.models import Assignment
from lms.accounts.services import accounts_for_invitations
from lms.jobs.services import job_create
from lms.orgunits.models import MembershipInvitation
from lms.orgunits.services import invitation_accept, invitation_token, invitations_create
from lms.public_urls import public_url

INVITATIONS_SEND = "coordination.invitations_send"

logger = logging.getLogger(__name__)


def invitation_link(invitation: MembershipInvitation) -> str:
    return public_url(reverse("coordination_invitation", args=[invitation_token(invitation)]))


def invitations_send_run(job, run) -> dict:
    """Worker: e-mail each invitation not sent yet (idempotent: ``sent_at`` marks the sent ones)."""
    ids = job.params.get("invitations", [])
    sent = failed = 0
    for done, invitation in enumerate(
        MembershipInvitation.objects.filter(pk__in=ids, sent_at__isnull=True).select_related(
            "user", "unit", "invited_by"
        ),
        start=1,
    ):
        try:
            _send(invitation)
        except Exception:  # one bad address must not stop the others; the next run retries it
            logger.exception("Invitation %s could not be sent", invitation.pk)
            failed += 1
        else:
            MembershipInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
            sent += 1
        if done % 50 == 0:
            run.progress(done, total=len(ids))
    return {"sent": sent, "failed": failed}


def _send(invitation: MembershipInvitation) -> None:
    user = invitation.user
    context = {
        "user": user,
        "unit": invitation.unit,
        "inviter": invitation.invited_by,
        "link": invitation_link(invitation),
        "new_account": not user.has_usable_password(),
        "expires": invitation.expires_at,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("coordination/email/invitation_subject.txt", context).strip()
        body = render_to_string("coordination/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_accept_and_assign(*, invitation: MembershipInvitation, user, password: str | None = None) -> int:
    """The invited person accepts: a new account sets its password (the e-mailed link proves the
    address), the membership moves (audited), and the unit's open assignments apply. Returns the
    number of new enrolments."""
    if password is not None:
        user.set_password(password)
        user.consent_at = user.consent_at or timezone.now()
        user.privacy_notice_version = user.privacy_notice_version or settings.PRIVACY_NOTICE_VERSION
        user.save(update_fields=["password", "consent_at", "privacy_notice_version"])
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    invitation_accept(invitation=invitation, user=user)
    assignment = Assignment.objects.filter(
        pk=invitation.context.get("assignment"), cancelled_at__isnull=True
    ).first()  # a cancelled assignment names nobody new
    if assignment is not None:
        assignment.users.add(user)  # named in the assignment that invited them
    return assignments_apply_for_users(actor=user, users=[user])


def invitations_queue(*, actor, emails: list[str], unit, assignment=None) -> list[MembershipInvitation]:
    """Invite every address (unknown ones get a new account without a password) and queue the
    e-mails; on acceptance the learner joins ``unit`` and, with ``assignment``, is named in it."""
    if not emails or unit is None:
        return []
    accounts = accounts_for_invitations(people=dict.fromkeys(emails, {}))
    people = [(accounts[email], unit) for email in emails]
    context = {"assignment": assignment.pk} if assignment is not None else None
    invitations = invitations_create(actor=actor, people=people, reason=_("Giao khoá học"), context=context)
    invitations_send_queue(actor=actor, invitations=invitations)
    return invitations


def invitations_send_queue(*, actor, invitations: list[MembershipInvitation]):
    """Queue the e-mails of ``invitations`` (one job for any number)."""
    if not invitations:
        return None
    return job_create(
        owner=actor,
        kind=INVITATIONS_SEND,
        title=_("Gửi %(n)s lời mời") % {"n": len(invitations)},
        params={"invitations": [invitation.pk for invitation in invitations]},
        total=len(invitations),
    )
