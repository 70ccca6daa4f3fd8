"""Public verification (every status, malformed, not found, rate limit, minimal data),
"Chứng chỉ của tôi", downloads and who may revoke or reissue."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from certificates import services
from certificates.assets import issuer_key_declare_compromised
from certificates.codes import code_display, code_generate
from certificates.models import Certificate, CertificateStatus
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import UserFactory, make_province_tree, place

from .conftest import COURSE, NAME, complete_course

pytestmark = pytest.mark.django_db


def verify(client, code, **params):
    return client.get(f"/verify/{code}/", params)


def test_valid_certificate_shows_only_the_four_fields_and_the_fingerprint(client, issued):
    user = issued.user
    units = make_province_tree()
    place(user, units["commune_a"])
    user.phone = "0912345678"
    user.save()
    response = verify(client, issued.code_display)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Chứng chỉ hợp lệ" in body and NAME in body and COURSE in body
    assert issued.issuer_key.fingerprint_display in body
    for private in (user.email, "0912345678", "Xã Tiên Du", "Công chức", "hocvien", "nhung@"):
        assert private not in body, private
    data = verify(client, issued.code_display, format="json").json()
    assert set(data) == {"status", "code", "full_name", "title", "issued_on", "issuer", "signing_certificate_sha256"}
    assert data["status"] == "valid" and data["full_name"] == NAME and data["title"] == COURSE
    assert data["issued_on"] == timezone.localdate(issued.issued_at).isoformat()


def test_verification_page_explains_how_to_check_the_pdf(client, issued, settings):
    body = verify(client, issued.code_display).content.decode()
    assert "Cách kiểm tra một tệp chứng chỉ (PDF)" in body
    assert "Họ tên và khoá học đúng là những gì trang này hiển thị" in body
    assert "Signature Panel" in body and "đã được chứng nhận (certified) và không bị thay đổi" in body
    assert "dấu vân tay SHA-256 phải trùng" in body and issued.issuer_key.fingerprint_display in body
    assert "Mọi thay đổi sau khi ký" in body and "làm chữ ký không còn hợp lệ" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = verify(client, issued.code_display).content.decode()
    assert "How to check a certificate file (PDF)" in english
    assert "the document is certified and has not been modified since it was signed" in english
    assert "Any change after signing" in english


def test_typed_codes_are_normalised(client, issued):
    typed = issued.code_display.lower().replace("0", "o").replace("1", "l").replace("-", "")
    assert verify(client, typed, format="json").json()["status"] == "valid"
    response = client.get("/verify/", {"code": f" {issued.code.lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/verify/{issued.code_display}/"


def test_revoked_expired_and_superseded(client, issued, admin_user):
    new = services.certificate_reissue(actor=admin_user, certificate=issued, reason="Sửa họ tên")
    data = verify(client, issued.code_display, format="json").json()
    assert data["status"] == "superseded" and data["superseded_by"]["code"] == new.code_display
    page = verify(client, issued.code_display).content.decode()
    assert f'href="/verify/{new.code_display}/"' in page
    assert verify(client, new.code_display, format="json").status_code == 404  # pending: not public yet
    new = services.certificate_issue(certificate_id=new.pk)
    services.certificate_revoke(actor=admin_user, certificate=new, reason="Cấp nhầm người")
    data = verify(client, new.code_display, format="json").json()
    assert data["status"] == "revoked" and data["revoked"]["reason"] == "Cấp nhầm người"
    assert "Cấp nhầm người" in verify(client, new.code_display).content.decode()
    Certificate.objects.filter(pk=new.pk).update(
        status=CertificateStatus.ISSUED, expires_on=timezone.localdate() - timedelta(days=1)
    )
    data = verify(client, new.code_display, format="json").json()
    assert data["status"] == "expired" and data["expired_on"]


def test_a_compromised_issuer_key_revokes_what_it_signed(client, issued, admin_user):
    assert issuer_key_declare_compromised(actor=admin_user, key=issued.issuer_key, reason="Lộ khoá") == 1
    data = verify(client, issued.code_display, format="json").json()
    assert data["status"] == "revoked"
    issued.issuer_key.compromised_at = None
    issued.issuer_key.save()


def test_not_found_and_malformed(client, db):
    assert verify(client, code_display(code_generate())).status_code == 404
    assert verify(client, code_display(code_generate()), format="json").json() == {"status": "not_found"}
    for bad in ("abc", "7K3M-Q9ZA-H2PU", "%3Cscript%3E"):
        response = verify(client, bad, format="json")
        assert response.status_code == 400 and response.json() == {"status": "malformed"}
    assert client.get("/verify/", {"code": "không-phải-mã"}).status_code == 400
    assert "noindex" in verify(client, "abc")["X-Robots-Tag"]


def test_verification_is_rate_limited_per_ip(client, db, settings, monkeypatch):
    from certificates import ratelimit

    settings.CERTIFICATE_VERIFY_RATE = "5/60"
    # One fixed instant: a minute boundary passing mid-test would open a new window.
    frozen = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: frozen))
    codes = [code_display(code_generate()) for _ in range(6)]
    statuses = [verify(client, code, format="json").status_code for code in codes]
    assert statuses == [404] * 5 + [429]
    assert verify(client, codes[0]).status_code == 429
    other = client.get(f"/verify/{codes[0]}/", {"format": "json"}, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 404


def test_my_certificates_lists_and_downloads(client, issued):
    client.force_login(issued.user)
    page = client.get("/learn/certificates/").content.decode()
    assert issued.code_display in page and COURSE in page
    response = client.get(f"/certificates/{issued.code_display}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.fixture
def scoped(issued, admin_user):
    """The learner in commune A; one coordinator of commune A, one of commune B."""
    units = make_province_tree()
    place(issued.user, units["commune_a"])
    inside, outside = UserFactory(), UserFactory()
    coordinator_scope_grant(actor=admin_user, user=inside, unit=units["commune_a"], reason="QĐ 1")
    coordinator_scope_grant(actor=admin_user, user=outside, unit=units["commune_b"], reason="QĐ 2")
    return inside, outside


def test_who_may_download(client, issued, scoped, admin_user):
    inside, outside = scoped
    url = f"/certificates/{issued.code_display}/download/"
    assert client.get(url).status_code == 302  # anonymous → login
    for stranger in (UserFactory(), outside):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    for allowed in (issued.user, inside, admin_user):
        client.force_login(allowed)
        assert client.get(url).status_code == 200


def test_who_may_revoke_and_reissue(client, issued, scoped, admin_user):
    inside, outside = scoped
    url = f"/certificates/{issued.code_display}/manage/"
    for refused in (issued.user, outside, UserFactory()):
        client.force_login(refused)
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "revoke", "reason": "x"}).status_code == 403
    client.force_login(inside)
    assert issued.code_display in client.get("/certificates/manage/").content.decode()
    response = client.post(url, {"action": "reissue", "reason": "Sửa họ tên"})
    issued.refresh_from_db()
    assert response.status_code == 302 and issued.status == CertificateStatus.SUPERSEDED
    client.force_login(admin_user)
    new = issued.superseded_by
    services.certificate_issue(certificate_id=new.pk)
    client.post(f"/certificates/{new.code_display}/manage/", {"action": "revoke", "reason": "Cấp nhầm"})
    new.refresh_from_db()
    assert new.status == CertificateStatus.REVOKED and new.revoked_by == admin_user


def test_only_administrators_see_the_name_correction_link(client, issued, scoped, admin_user):
    inside, _outside = scoped
    link = f'href="/admin/people/{issued.user_id}/name/"'
    client.force_login(admin_user)
    assert link in client.get("/certificates/manage/").content.decode()
    assert link in client.get(f"/certificates/{issued.code_display}/manage/").content.decode()
    client.force_login(inside)
    assert link not in client.get("/certificates/manage/").content.decode()
    assert link not in client.get(f"/certificates/{issued.code_display}/manage/").content.decode()
    assert client.get(f"/admin/people/{issued.user_id}/name/").status_code == 403


def test_path_completion_gets_its_own_certificate(nhung, course):
    from courses.models import LearningPathCourse, LearningPathPage
    from tests.factories import make_catalogue

    index = make_catalogue()
    path = index.add_child(instance=LearningPathPage(title="Lộ trình chuyển đổi số", slug="lo-trinh"))
    LearningPathCourse.objects.create(path=path, course=course, sort_order=0)
    complete_course(nhung, course)
    kinds = sorted(Certificate.objects.filter(user=nhung).values_list("kind", flat=True))
    assert kinds == ["course", "path"]
