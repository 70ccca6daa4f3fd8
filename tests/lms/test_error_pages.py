"""Error pages speak the site's language and wear its header (issue 14: the 403 page was Django's
bare English "403 Forbidden")."""

import pytest
from django.urls import reverse

from cms.services import site_home_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    return site_home_ensure()


def test_a_missing_page_is_a_vietnamese_404_with_the_site_header(client, site):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="site-header"' in html and 'lang="vi"' in html
    assert "Không tìm thấy trang" in html and "Về trang chủ" in html
    assert "Not Found" not in html


def test_a_forbidden_page_is_a_vietnamese_403_with_the_site_header(client, site, learner):
    client.force_login(learner)
    response = client.get(reverse("lms_name_correct", args=[learner.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="site-header"' in html and learner.full_name in html  # the account menu
    assert "Không có quyền truy cập" in html
    assert "Forbidden" not in html


def test_the_403_page_follows_the_readers_language(client, site, learner):
    client.force_login(learner)
    client.cookies["django_language"] = "en"
    learner.language = "en"
    learner.save(update_fields=["language"])
    html = client.get(reverse("lms_name_correct", args=[learner.pk])).content.decode()
    assert "Access denied" in html and "Không có quyền truy cập" not in html


def test_a_learner_sent_away_from_the_admin_is_told_why_in_vietnamese(client, site, learner):
    client.force_login(learner)
    response = client.get(reverse("wagtailadmin_home"), follow=True)  # no loop through allauth's login
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền truy cập trang quản trị." in html
    assert "You do not have permission" not in html


@pytest.mark.urls("tests.lms.error_urls")
def test_a_server_error_renders_the_styled_page(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/__fail__/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html and "Học Số" in html
    assert "Đã có lỗi xảy ra" in html and "Về trang chủ" in html
