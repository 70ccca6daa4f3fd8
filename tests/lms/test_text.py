import unicodedata

import pytest

from lms.text import normalize_nfc, search_key, slugify_vi


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Chữ ký số", "chu ky so"),
        ("Đồng Tháp", "dong thap"),
        ("hòa", "hoà"),
        ("thủy", "thuỷ"),
        ("ÐỒNG", "dong"),
    ],
)
def test_search_key_folds_diacritics_d_and_tone_placement(text, query):
    assert search_key(text) == search_key(query)


def test_nfd_and_nfc_share_a_search_key_and_normalise_to_nfc():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ")
    assert search_key(nfd) == search_key("Nguyễn Thị Thuỷ")
    assert normalize_nfc(nfd) == "Nguyễn Thị Thuỷ"
    assert normalize_nfc(None) == ""


def test_slugs_keep_d():
    assert slugify_vi("Đồng Tháp") == "dong-thap"
    assert slugify_vi("Chữ ký số và giao dịch điện tử") == "chu-ky-so-va-giao-dich-dien-tu"
