"""Autosave never creates a page behind the editor's back (issue 14: Wagtail 8's autosave created a
page from an abandoned "add page" form, and creating it again failed on the slug)."""

import pytest
from bs4 import BeautifulSoup
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import ContentPage
from cms.services import site_home_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client, admin_user):
    client.force_login(admin_user)
    return site_home_ensure()


def edit_form(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("form#page-edit-form")


def form_data(title):
    return nested_form_data({"title": title, "slug": "", "summary": "", "body": streamfield([])})


def test_the_create_form_does_not_autosave_but_warns_before_leaving(client, home):
    response = client.get(f"/admin/pages/add/cms/contentpage/{home.pk}/")
    form = edit_form(response)
    assert "w-autosave" not in form["data-controller"]
    assert "w-unsaved" in form["data-controller"] and "beforeunload" in form["data-action"]
    assert form.get("data-w-autosave-interval-value") is None
    assert BeautifulSoup(response.content, "html.parser").select_one("#w-autosave-indicator") is None


def test_the_edit_form_of_a_saved_page_still_autosaves_drafts(client, home):
    assert client.post(f"/admin/pages/add/cms/contentpage/{home.pk}/", form_data("Giới thiệu")).status_code == 302
    page = ContentPage.objects.get(title="Giới thiệu")
    form = edit_form(client.get(f"/admin/pages/{page.pk}/edit/"))
    assert "w-autosave" in form["data-controller"]

    # An autosave of the edit form saves a draft revision; it never publishes.
    loaded = page.latest_revision
    data = {
        **form_data("Giới thiệu chung"),
        "loaded_revision_id": loaded.pk,
        "loaded_revision_created_at": loaded.created_at.isoformat(),
    }
    response = client.post(f"/admin/pages/{page.pk}/edit/", data, headers={"accept": "application/json"})
    assert response.status_code == 200 and response.json()["success"], response.content
    page.refresh_from_db()
    assert not page.live and page.get_latest_revision().as_object().title == "Giới thiệu chung"


def test_an_autosave_request_to_the_create_view_creates_nothing(client, home):
    """A form loaded before autosave was turned off still posts in the background: refused."""
    response = client.post(
        f"/admin/pages/add/cms/contentpage/{home.pk}/", form_data("Trang bỏ dở"), headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error_code": "blocked_by_hook",
        "error_message": "Trang mới chưa được tự động lưu: trang chỉ được tạo khi bạn lưu bản nháp hoặc xuất bản.",
    }
    assert not ContentPage.objects.filter(title="Trang bỏ dở").exists()


def test_saving_the_create_form_creates_a_draft_only(client, home):
    response = client.post(f"/admin/pages/add/cms/contentpage/{home.pk}/", form_data("Trang mới"))
    page = ContentPage.objects.get(title="Trang mới")
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{page.pk}/edit/"
    assert not page.live and page.slug == "trang-moi"
