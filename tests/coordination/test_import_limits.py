"""Hostile files sent to the learner import: refused on the upload page, quickly, with nothing saved."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import ImportJob
from lms.accounts.models import User
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import UserFactory, make_province_tree
from tests.lms.hostile_tables import HOSTILE_UPLOADS, dimension_lie

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client, admin_user):
    units = make_province_tree()
    user = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=user, unit=units["commune_a"])
    client.force_login(user)
    return user


@pytest.mark.parametrize("filename", list(HOSTILE_UPLOADS))
def test_hostile_file_is_refused_with_a_message_and_nothing_saved(client, coordinator, filename):
    build, message = HOSTILE_UPLOADS[filename]
    upload = SimpleUploadedFile(filename, build())
    accounts = User.objects.count()
    start = time.perf_counter()
    response = client.post("/coordinate/import/", {"file": upload})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200  # the upload page again, not the preview
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not ImportJob.objects.exists()
    assert User.objects.count() == accounts
    assert elapsed < 5, elapsed


def test_a_declared_dimension_alone_does_not_refuse_a_small_file(client, coordinator):
    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile("hoc-vien.xlsx", dimension_lie())})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert [row["email"] for row in job.rows] == ["hv2@example.vn", "hv3@example.vn"]
