"""Vietnamese text at the edges: NFC normalisation, search keys and slugs.

See docs (DOMAIN §7): text may arrive decomposed (NFD); search must ignore
diacritics and tone placement ("hòa" = "hoà"); ``slugify`` drops "đ".
"""

from __future__ import annotations

import functools
import re
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


_TONE_MARKS = "\u0301\u0300\u0309\u0303\u0323"
_OPEN_SYLLABLE_MARK_ON_FIRST_VOWEL = re.compile(
    rf"(?<![qQ])([oO])([{_TONE_MARKS}])([aAeE])(?![\w\u0300-\u036f])"
    rf"|(?<![qQ])([uU])([{_TONE_MARKS}])([yY])(?![\w\u0300-\u036f])"
)


def tone_marks_on_main_vowel(value: str) -> str:
    """The glossary's spelling (docs/glossary.md): the tone mark of an open "oa", "oe", "uy"
    syllable sits on the main vowel — "hóa" → "hoá", "khỏe" → "khoẻ", "thủy" → "thuỷ"; closed
    syllables ("hoàn", "khoảng") and "qu" ("quý") are unchanged. Returns NFC."""

    def moved(match: re.Match) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    return unicodedata.normalize(
        "NFC", _OPEN_SYLLABLE_MARK_ON_FIRST_VOWEL.sub(moved, unicodedata.normalize("NFD", value))
    )


def slugify_vi(value: str) -> str:
    """An ASCII slug that keeps Vietnamese readable: "Đồng Tháp" → "dong-thap"."""
    return slugify(search_key(value))


# Vietnamese alphabetical order: base letters (with their vowel marks), then tones.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
_VOWEL_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


@functools.lru_cache(maxsize=65_536)  # names repeat: sorting 100,000 learners reuses word keys
def vietnamese_collation_key(text: str) -> tuple:
    """A sort key in Vietnamese dictionary order: "Đ…" after "D…", "Ă" after "A", tones last."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", (text or "").casefold()):
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if char in _VOWEL_MARKS and letters:
            base = letters.pop()
            composed = unicodedata.normalize("NFC", base[1] + char)
            letters.append((_ALPHABET.find(composed) if composed in _ALPHABET else 100 + ord(composed), composed))
            continue
        order = _ALPHABET.find(char)
        letters.append((order if order >= 0 else 100 + ord(char), char))
        tones.append(0)
    return tuple(index for index, _char in letters), tuple(tones)


def vietnamese_name_sort_key(full_name: str) -> tuple:
    """Sort people by given name (the last word), then middle names, then family name."""
    words = (full_name or "").split()
    if not words:
        return ((), ())
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    return tuple(vietnamese_collation_key(word) for word in ordered)


def _fold_table() -> tuple[str, str]:
    """Every precomposed Latin letter with marks (Vietnamese and its neighbours) and its folded
    ASCII letter, for the database to fold text the way ``search_key`` does."""
    source, target = [], []
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        folded = search_key(char)
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            source.append(char)
            target.append(folded)
    for upper in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        source.append(upper)
        target.append(upper.lower())
    return "".join(source), "".join(target)


_FOLD_FROM, _FOLD_TO = _fold_table()


def search_key_expression(field_name: str):
    """``search_key`` computed by PostgreSQL for a text column: marks removed, đ→d, lower case —
    independent of the database's locale (no ``lower()`` of non-ASCII letters, no extension).
    Whitespace is not collapsed: names are stored normalised."""
    from django.db.models import CharField, F, Func, Value  # noqa: PLC0415 — lms.text stays importable without Django's ORM

    return Func(F(field_name), Value(_FOLD_FROM), Value(_FOLD_TO), function="translate", output_field=CharField())
