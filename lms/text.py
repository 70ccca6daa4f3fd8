"""Vietnamese text at the edges: NFC normalisation, search keys and slugs.

See docs (DOMAIN §7): text may arrive decomposed (NFD); search must ignore
diacritics and tone placement ("hòa" = "hoà"); ``slugify`` drops "đ".
"""

from __future__ import annotations

import unicodedata

from django.utils.text import slugify

_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def normalize_nfc(value: str | None) -> str:
    """Return ``value`` in Unicode NFC with surrounding whitespace removed."""
    if not value:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def search_key(value: str | None) -> str:
    """Fold text for accent-insensitive matching: no marks, đ→d, casefolded.

    "Chữ ký số", "chu ky so" and "CHỮ KÝ SỐ" share one key, and so do the two
    valid tone placements "hòa" and "hoà".
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_D_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def slugify_vi(value: str) -> str:
    """An ASCII slug that keeps Vietnamese readable: "Đồng Tháp" → "dong-thap"."""
    return slugify(search_key(value))
