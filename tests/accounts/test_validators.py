"""One set of rules for a learner's name, e-mail and phone: the model, the profile form and imports."""

import unicodedata

import pytest
from django.utils import translation

from lms.accounts.validators import learner_fields_clean
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_a_clean_row_is_normalised_like_the_forms_do():
    values, problems = learner_fields_clean(
        full_name=unicodedata.normalize("NFD", "  Nguyễn Thị Hồng Nhung "),
        email=" Nhung@Example.VN ",
        phone="+84 912 345 678",
    )
    assert problems == []
    assert values == {"full_name": "Nguyễn Thị Hồng Nhung", "email": "nhung@example.vn", "phone": "+84912345678"}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"full_name": "A" * 759}, "họ và tên: Giá trị này chỉ có tối đa 150 kí tự (hiện có 759)"),
        ({"full_name": "  "}, "thiếu họ và tên"),
        ({"email": ""}, "thiếu email"),
        ({"email": "not-an-email"}, "địa chỉ email: Nhập địa chỉ email."),
        ({"email": "a" * 250 + "@x.vn"}, "địa chỉ email: Giá trị này chỉ có tối đa 254 kí tự"),
        ({"phone": "1" * 31}, "số điện thoại: Số điện thoại gồm 8–15 chữ số, có thể bắt đầu bằng +."),
        ({"phone": "+++0912345678"}, "số điện thoại: Số điện thoại gồm 8–15 chữ số"),
        ({"phone": "0912-345-678"}, "số điện thoại: Số điện thoại gồm 8–15 chữ số"),
        ({"phone": "０９１２３４５６７８"}, "số điện thoại: Số điện thoại gồm 8–15 chữ số"),  # full-width digits
        ({"phone": "1234567"}, "số điện thoại: Số điện thoại gồm 8–15 chữ số"),
    ],
)
def test_each_field_is_checked_with_the_models_own_validators(fields, problem):
    row = {"full_name": "Lê Văn Tám", "email": "tam@example.vn", "phone": "", **fields}
    _values, problems = learner_fields_clean(**row)
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_the_profile_form_refuses_what_an_import_refuses(client):
    user = UserFactory()
    client.force_login(user)
    form = {"full_name": "Lê Văn Tám", "language": "vi", "reminder_emails": "on"}
    response = client.post("/accounts/profile/", {**form, "phone": "1" * 19})
    assert "Số điện thoại gồm 8–15 chữ số" in response.content.decode()
    response = client.post("/accounts/profile/", {**form, "full_name": "A" * 151, "phone": ""})
    assert "tối đa 150" in response.content.decode()
    client.post("/accounts/profile/", {**form, "phone": "0912 345 678"})
    user.refresh_from_db()
    assert user.phone == "0912345678"
