"""One spelling for each word people read (docs/glossary.md): the Vietnamese source strings, the
Vietnamese catalogue shipped for Django's and allauth's messages, the templates and the demo content."""

import ast
import json
import re
import unicodedata
from pathlib import Path

import pytest

from lms.text import tone_marks_on_main_vowel

ROOT = Path(__file__).resolve().parents[2]
# Fixed formulas of administrative documents, written as Decree 30/2020 writes them.
KEPT_AS_THE_LAW_WRITES = re.compile(r"CỘNG HÒA|Cộng hòa|Ủy ban|ỦY BAN|ủy ban")
TEMPLATE_COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.DOTALL)
WRONG_TERMS = {
    "học viên": "người học",
    "đăng ký học": "ghi danh",
    "e-mail": "email",
    "giấy chứng nhận": "chứng chỉ",
    "cấp chứng nhận": "cấp chứng chỉ",
    "nhận chứng nhận": "nhận chứng chỉ",
    "hiệu lực chứng nhận": "hiệu lực chứng chỉ",
    "bài thi": "bài kiểm tra",
    "bài trắc nghiệm": "bài kiểm tra",
    "xác thực hai yếu tố": "xác thực hai lớp",
}


def po_entries(path: Path) -> list[dict[str, str]]:
    """The entries of a .po file: {"msgid": …, "msgid_plural": …, "msgstr": …, "msgstr[0]": …}."""
    entries, entry, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, field = {}, None
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
        elif not line.startswith("#"):
            field, _space, value = line.partition(" ")
            entry[field] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def _texts():
    """(where, text) of every Vietnamese string people read."""
    for entry in po_entries(ROOT / "locale/vi/LC_MESSAGES/django.po"):
        yield f"locale/vi msgid {entry['msgid'][:40]!r}", entry["msgid"] + " " + entry.get("msgid_plural", "")
    for entry in po_entries(ROOT / "locale_vendor/vi/LC_MESSAGES/django.po"):
        translated = " ".join(value for key, value in entry.items() if key.startswith("msgstr"))
        yield f"locale_vendor/vi msgstr {entry['msgid'][:40]!r}", translated
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield str(path.relative_to(ROOT)), TEMPLATE_COMMENTS.sub("", path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "courses/demo").glob("*.json")):
        yield str(path.relative_to(ROOT)), json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)


def _old_tone_placements(text: str) -> list[str]:
    """The words ``tone_marks_on_main_vowel`` would change (the law's formulas left aside)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", KEPT_AS_THE_LAW_WRITES.sub("", text)))
    return [word for word in words if tone_marks_on_main_vowel(word) != word]


def test_tone_marks_sit_on_the_main_vowel():
    found = [f"{where}: {word}" for where, text in _texts() for word in _old_tone_placements(text)]
    assert not found, "\n".join(found[:50])


@pytest.mark.parametrize("wrong", sorted(WRONG_TERMS))
def test_one_word_for_each_thing(wrong):
    pattern = re.compile(rf"(?<!\w){re.escape(wrong)}(?!\w)", re.IGNORECASE)
    found = [where for where, text in _texts() if pattern.search(text)]
    assert not found, f"“{wrong}” → “{WRONG_TERMS[wrong]}” in: " + ", ".join(found[:20])


def test_the_checker_sees_old_placements_and_spares_the_law():
    assert _old_tone_placements("Khóa học hóa học, thủy lợi và khỏe mạnh") == ["Khóa", "hóa", "thủy", "khỏe"]
    assert _old_tone_placements("Khoá học, hoàn thành, quý, khoảng, CỘNG HÒA, Ủy ban nhân dân") == []
