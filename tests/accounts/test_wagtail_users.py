import pytest
from django.urls import reverse

from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def test_administrator_creates_a_user_with_a_full_name_and_the_edit_form_keeps_it(client, admin_user):
    """The name is entered at creation; afterwards only the "Sửa họ tên" screen changes it."""
    client.force_login(admin_user)
    assert client.get(reverse("wagtailusers_users:add")).status_code == 200
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "moi@example.vn",
            "full_name": "Vũ Thị Ngọc Ánh",
            "learner_group": "vien_chuc",
            "position": "chuyen_vien",
            "password1": "Mat-khau-rat-dai-2026",
            "password2": "Mat-khau-rat-dai-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="moi@example.vn")
    assert user.full_name == "Vũ Thị Ngọc Ánh" and user.learner_group == "vien_chuc"
    edit_url = reverse("wagtailusers_users:edit", args=[user.pk])
    page = client.get(edit_url).content.decode()
    assert "Vũ Thị Ngọc Ánh" in page
    assert f'href="/admin/people/{user.pk}/name/"' in page  # the correction screen
    response = client.post(
        edit_url,
        {"email": "moi@example.vn", "full_name": "Vũ Ngọc Ánh", "learner_group": "", "position": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.full_name == "Vũ Thị Ngọc Ánh"  # read-only here: the posted name is ignored
    assert user.learner_group == ""  # the rest of the form still saves
