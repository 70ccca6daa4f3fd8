"""Only an administrator corrects a person's name — with a reason, audited old → new."""

import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lms.accounts.models import User
from lms.accounts.services import editor_role_grant, user_name_correct
from lms.audit.models import AuditEntry
from lms.audit.services import SYSTEM
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.factories import UserFactory, make_province_tree

pytestmark = pytest.mark.django_db

OLD = "Lê Văn Tám"
NEW = "Lê Văn Thám"


@pytest.fixture
def person(db):
    return UserFactory(full_name=OLD, email="tam@example.vn")


@pytest.fixture
def coordinator(person, admin_user):
    """A coordinator whose scope holds the person."""
    units = make_province_tree()
    membership_declare(user=person, unit=units["commune_a"])
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["agency"], reason="QĐ 1")
    return coordinator


def _name_of(user) -> str:
    return User.objects.get(pk=user.pk).full_name


def test_a_coordinator_or_editor_can_neither_call_the_service_nor_open_the_screen(client, person, coordinator):
    editor = UserFactory()
    editor_role_grant(actor=SYSTEM, user=editor)
    url = reverse("lms_name_correct", args=[person.pk])
    assert url == f"/admin/people/{person.pk}/name/"
    for actor in (coordinator, editor, person):
        with pytest.raises(PermissionDenied):
            user_name_correct(actor=actor, user=person, full_name=NEW, reason="Theo đề nghị")
        client.force_login(actor)
        assert client.get(url).status_code == 403
        assert client.post(url, {"full_name": NEW, "reason": "Theo đề nghị"}).status_code == 403
    assert client.get(reverse("lms_name_correct", args=[999999])).status_code == 403  # no hint it exists
    client.logout()
    assert client.get(url).status_code == 302  # anonymous → login
    assert _name_of(person) == OLD
    assert not AuditEntry.objects.filter(action="account.name_correct").exists()


def test_without_a_reason_nothing_changes_and_the_message_is_vietnamese(client, person, admin_user):
    with pytest.raises(ValidationError) as raised:
        user_name_correct(actor=admin_user, user=person, full_name=NEW, reason="   ")
    assert raised.value.message_dict == {"reason": ["Cần ghi lý do sửa họ tên."]}
    client.force_login(admin_user)
    response = client.post(reverse("lms_name_correct", args=[person.pk]), {"full_name": NEW, "reason": ""})
    assert response.status_code == 200
    assert "Cần ghi lý do sửa họ tên." in response.content.decode()
    assert _name_of(person) == OLD
    assert not AuditEntry.objects.filter(action="account.name_correct").exists()


def test_bad_names_get_clear_messages(person, admin_user):
    cases = {"": "Cần nhập họ và tên.", OLD: "Họ tên mới trùng với họ tên hiện tại."}
    for name, message in cases.items():
        with pytest.raises(ValidationError) as raised:
            user_name_correct(actor=admin_user, user=person, full_name=name, reason="Theo đề nghị")
        assert raised.value.message_dict == {"full_name": [message]}
    with pytest.raises(ValidationError) as raised:
        user_name_correct(actor=admin_user, user=person, full_name="Lê " * 60, reason="Theo đề nghị")
    assert "150" in raised.value.message_dict["full_name"][0]
    assert _name_of(person) == OLD


def test_with_a_reason_the_name_changes_nfc_and_is_audited(client, person, admin_user):
    client.force_login(admin_user)
    url = reverse("lms_name_correct", args=[person.pk])
    page = client.get(url).content.decode()
    assert OLD in page and "tam@example.vn" in page
    decomposed = unicodedata.normalize("NFD", f"  {NEW} ")
    response = client.post(url, {"full_name": decomposed, "reason": "Theo đề nghị của người học ngày 05/03/2026"})
    assert response.status_code == 302 and response["Location"] == url
    assert _name_of(person) == NEW
    entry = AuditEntry.objects.get(action="account.name_correct")
    assert entry.actor == admin_user and entry.subject == person
    assert entry.target_id == str(person.pk)
    assert entry.data["changes"] == {"full_name": [OLD, NEW]}
    assert entry.reason == "Theo đề nghị của người học ngày 05/03/2026"
    history = client.get(url).content.decode()  # the screen lists the corrections
    assert "Theo đề nghị của người học ngày 05/03/2026" in history and OLD in history
