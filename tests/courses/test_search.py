"""Accent- and tone-placement-insensitive search over courses and lessons (SQLite and PostgreSQL)."""

import unicodedata

import pytest

from courses.models import CoursePage, LessonPage
from courses.search import search_learning_content
from tests.factories import make_catalogue, make_course

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]


@pytest.fixture
def catalogue():
    index = make_catalogue()
    signatures = make_course("Chữ ký số và giao dịch điện tử", index=index, modules=1, lessons_per_module=1)
    services = make_course(
        "Dịch vụ công trực tuyến và Cổng Dịch vụ công quốc gia", index=index, modules=1, lessons_per_module=1
    )
    peace = make_course("Xã Hòa Bình chuyển đổi số", index=index, modules=1, lessons_per_module=1)
    other = make_course("Chính quyền địa phương hoà nhập", index=index, modules=1, lessons_per_module=1)
    security = make_course("An toàn thông tin", index=index, modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(security).first()
    lesson.title = "Nhận diện chữ ký số giả mạo"
    lesson.save_revision().publish()
    return {"signatures": signatures, "services": services, "peace": peace, "other": other, "security": security}


def titles(query):
    return [hit.page.title for hit in search_learning_content(query=query)]


def test_unaccented_query_finds_digital_signature_course(catalogue):
    found = titles("chu ky so")
    assert "Chữ ký số và giao dịch điện tử" in found


def test_unaccented_query_finds_online_public_services(catalogue):
    assert "Dịch vụ công trực tuyến và Cổng Dịch vụ công quốc gia" in titles("dich vu cong")


@pytest.mark.parametrize("query", ["hoa", "hòa", "hoà", "HOA"])
def test_tone_placement_and_case_do_not_matter(catalogue, query):
    found = titles(query)
    assert "Xã Hòa Bình chuyển đổi số" in found
    assert "Chính quyền địa phương hoà nhập" in found


def test_nfd_input_is_folded_like_nfc(catalogue):
    nfd = unicodedata.normalize("NFD", "Chữ ký số")
    assert "Chữ ký số và giao dịch điện tử" in titles(nfd)


def test_exact_diacritic_matches_rank_first(catalogue):
    found = titles("hoà")
    assert found.index("Chính quyền địa phương hoà nhập") < found.index("Xã Hòa Bình chuyển đổi số")
    found = titles("Hòa")
    assert found.index("Xã Hòa Bình chuyển đổi số") < found.index("Chính quyền địa phương hoà nhập")


def test_lesson_hits_carry_their_course(client, catalogue):
    hits = search_learning_content(query="chu ky so gia mao")
    lesson_hits = [hit for hit in hits if isinstance(hit.page, LessonPage)]
    assert [hit.course.title for hit in lesson_hits] == ["An toàn thông tin"]
    body = client.get("/search/", {"q": "chu ky so"}).content.decode()
    assert "Nhận diện chữ ký số giả mạo" in body and "An toàn thông tin" in body
    assert "Chữ ký số và giao dịch điện tử" in body


def test_unrelated_query_finds_nothing_and_says_so(client, catalogue):
    assert titles("xyzzy") == []
    assert "Không tìm thấy" in client.get("/search/", {"q": "xyzzy"}).content.decode()


def test_unpublished_courses_are_not_found(catalogue):
    catalogue["signatures"].unpublish()
    assert "Chữ ký số và giao dịch điện tử" not in titles("chu ky so")
    assert CoursePage.objects.filter(title__startswith="Chữ ký số").exists()


@pytest.mark.parametrize(
    "query",
    ["dịch vụ công online", "Dịch vụ công quốc gia hướng dẫn", "dich vu cong tren dien thoai"],
)
def test_an_extra_word_does_not_empty_the_results(catalogue, query):
    found = titles(query)
    assert found and found[0] == "Dịch vụ công trực tuyến và Cổng Dịch vụ công quốc gia"


def test_the_best_matches_only(catalogue):
    """Pages holding all the words come first; pages missing more than one word are left out."""
    hits = search_learning_content(query="chữ ký số giả mạo")
    assert hits[0].page.title == "Nhận diện chữ ký số giả mạo"
    assert "Xã Hòa Bình chuyển đổi số" not in [hit.page.title for hit in hits]


ABBREVIATED = {
    "dvc": "Nộp hồ sơ trên Cổng Dịch vụ công",
    "dvctt": "Dịch vụ công trực tuyến mức độ toàn trình",
    "cks": "Chữ ký số cho cán bộ",
    "kyso": "Ký số văn bản đi",
    "vneid": "Tài khoản định danh điện tử mức 2",
    "cccd": "Làm thẻ căn cước công dân",
    "tthc": "Thủ tục hành chính liên thông",
    "hcc": "Trung tâm Phục vụ hành chính công",
    "motcua": "Bộ phận một cửa hiện đại",
    "online": "Thanh toán lệ phí trực tuyến",
    "attt": "An toàn thông tin cho xã",
    "cds": "Chuyển đổi số cấp xã",
    "vbdt": "Văn bản điện tử và lưu trữ",
    "qlvb": "Phần mềm quản lý văn bản",
}


def test_every_abbreviation_has_a_case_here():
    from courses.search import SYNONYMS

    assert set(ABBREVIATED) == set(SYNONYMS)


@pytest.mark.parametrize("abbreviation", sorted(ABBREVIATED))
def test_common_abbreviations_find_what_they_stand_for(abbreviation):
    index = make_catalogue()
    make_course(ABBREVIATED[abbreviation], index=index, modules=1, lessons_per_module=1)
    make_course("Soạn thảo văn bản bằng LibreOffice", index=index, modules=1, lessons_per_module=1)
    found = titles(abbreviation.upper())
    assert found and found[0] == ABBREVIATED[abbreviation]
    assert "Soạn thảo văn bản bằng LibreOffice" not in found
