"""Every absolute link the platform hands out is on SITE_URL, and e-mails greet from the site's name.

The test client's requests come from "testserver" and the default is 127.0.0.1:8000: neither may
appear in a link once SITE_URL names another host and port.
"""

import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from wagtail.models import Site

from cms.models import SiteSettings
from cms.services import site_home_ensure
from lms.public_urls import public_host, public_site_name, public_url

pytestmark = pytest.mark.django_db

SITE = "http://hocso.test:8781"
LINK = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def links(message) -> list[str]:
    text = message.body + "".join(content for content, _type in getattr(message, "alternatives", []))
    found = LINK.findall(text)
    assert found, f"no link in {message.subject!r}"
    return found


def assert_links_on_site_url(message):
    for link in links(message):
        assert link.startswith(SITE + "/"), link
    assert "127.0.0.1:8000" not in message.body and "testserver" not in message.body


def test_public_url_puts_a_path_or_a_url_on_the_base():
    assert public_url("/verify/AB12/") == f"{SITE}/verify/AB12/"
    assert public_url("verify/?q=1#top") == f"{SITE}/verify/?q=1#top"
    assert public_url("http://localhost/khoa-hoc/") == f"{SITE}/khoa-hoc/"
    assert public_host() == "hocso.test:8781"


# --- allauth ---------------------------------------------------------------------------


def test_sign_up_confirmation_greets_from_the_site_name_and_links_to_site_url(client):
    site_home_ensure()  # a flushed test database has no site
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.site_name = "Học Số Bắc Ninh"
    site_settings.save()
    assert public_site_name() == "Học Số Bắc Ninh"
    client.post(
        "/accounts/signup/",
        {
            "full_name": "Lò Văn Pá",
            "email": "pa@example.vn",
            "password1": "Kh0ng-de-doan-2026",
            "password2": "Kh0ng-de-doan-2026",
            "consent": "on",
        },
    )
    (message,) = mail.outbox
    assert message.subject.startswith("[Học Số Bắc Ninh] ")
    assert "Học Số Bắc Ninh" in message.body and "hocso.test:8781" in message.body
    assert any("/accounts/confirm-email/" in link for link in links(message))
    assert_links_on_site_url(message)


def test_default_site_name_is_hoc_so(client, learner):
    client.post("/accounts/password/reset/", {"email": learner.email})
    (message,) = mail.outbox
    assert message.subject.startswith("[Học Số] ")
    assert "Học Số" in message.body


def test_password_reset_links_to_site_url(client, learner):
    client.post("/accounts/password/reset/", {"email": learner.email})
    (message,) = mail.outbox
    assert any("/accounts/password/reset/key/" in link for link in links(message))
    assert_links_on_site_url(message)


def test_password_reset_for_an_unknown_address_links_to_sign_up_on_site_url(client):
    client.post("/accounts/password/reset/", {"email": "chua-co@example.vn"})
    (message,) = mail.outbox
    assert f"{SITE}/accounts/signup/" in links(message)
    assert_links_on_site_url(message)


def test_sign_up_with_a_taken_address_links_to_site_url(client, learner):
    client.post(
        "/accounts/signup/",
        {
            "full_name": "Người Khác",
            "email": learner.email,
            "password1": "Kh0ng-de-doan-2026",
            "password2": "Kh0ng-de-doan-2026",
            "consent": "on",
        },
    )
    (message,) = mail.outbox
    assert f"{SITE}/accounts/password/reset/" in links(message)
    assert_links_on_site_url(message)


# --- our own e-mails ---------------------------------------------------------------------


def test_quiz_graded_email_links_to_site_url(admin_user):
    from courses.services import enrollment_create
    from quizzes.models import AttemptAnswer
    from quizzes.notifications import attempt_graded_notify
    from quizzes.services import answer_grade_manually, attempt_start, attempt_submit
    from tests.factories import UserFactory, make_course, make_quiz

    course = make_course(modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[{"type": "essay", "text": "Trình bày quy trình ký số."}])
    learner = UserFactory()
    enrollment_create(user=learner, course=course)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=0, page=0, data=MultiValueDict({"q0": ["Ký."]}))
    answer = AttemptAnswer.objects.get(attempt=attempt, slot=0)
    answer_grade_manually(actor=admin_user, answer_id=answer.pk, mark=1, comment="Tốt.")
    mail.outbox.clear()
    assert attempt_graded_notify(attempt_id=attempt.pk)
    (message,) = mail.outbox
    assert SITE + reverse("quiz_review", args=[attempt.pk]) in links(message)
    assert_links_on_site_url(message)


def test_reminder_and_digest_emails_link_to_site_url(admin_user):
    from coordination.reminders import digests_send, reminders_send
    from tests.coordination.test_reminders import setup_assignment

    today = timezone.localdate()
    setup_assignment(admin_user, 1, today=today)
    assert reminders_send(today=today) == 1
    assert digests_send(today=today) == 1
    reminder, digest = mail.outbox
    assert any("/coordinate/reminders/off/" in link for link in links(reminder))
    assert_links_on_site_url(reminder)
    assert any("/coordinate/" in link for link in links(digest))
    assert_links_on_site_url(digest)


def test_invitation_email_links_to_site_url(admin_user):
    from coordination.invitations import invitations_send_run
    from lms.orgunits.models import MembershipInvitation
    from lms.orgunits.services import invitations_create
    from tests.factories import UserFactory, make_province_tree

    unit = make_province_tree()["commune_a"]
    invitations = invitations_create(actor=admin_user, people=[(UserFactory(), unit)], reason="Mời")
    job = SimpleNamespace(params={"invitations": [i.pk for i in invitations]})
    result = invitations_send_run(job, SimpleNamespace(progress=lambda *args, **kwargs: None))
    assert result == {"sent": 1, "failed": 0}
    (message,) = mail.outbox
    assert any("/coordinate/" in link or "/invitation" in link for link in links(message))
    assert_links_on_site_url(message)
    assert MembershipInvitation.objects.filter(sent_at__isnull=False).count() == 1
