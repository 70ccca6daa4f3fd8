"""One search over courses and lessons, blind to diacritics and tone placement, forgiving extra
words and common abbreviations.

Both page types index a folded copy of their text (``search_folded``); the query is folded the
same way, so "chu ky so" finds "Chữ ký số" and "hoa" finds "hòa" and "hoà". Each word of the query
is a *unit*; an abbreviation (``SYNONYMS``: "dvc", "cks", "vneid"…) also matches the words it
stands for. The index is asked for pages holding any unit (not all of them: "dịch vụ công online"
must not come back empty for one extra word); the pages are then ranked in Python by how many units
they hold, and only the best matches are kept — those holding the most units and those missing one
more, never fewer than half. Among equals, pages containing the query exactly as typed (with its
diacritics) come first, then courses before lessons.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lms.text import normalize_nfc, search_key

from .models import CoursePage, LessonPage

MAX_RESULTS = 40
CANDIDATES = 200  # per page type, asked of the index before ranking

# Folded abbreviation → the folded words it stands for. Words people type for online public
# services and digital signatures (DOMAIN.md), kept short on purpose: each entry must be unambiguous.
SYNONYMS: dict[str, list[str]] = {
    "dvc": ["dich vu cong"],
    "dvctt": ["dich vu cong truc tuyen"],
    "cks": ["chu ky so"],
    "kyso": ["ky so"],
    "vneid": ["dinh danh dien tu"],
    "cccd": ["can cuoc cong dan", "can cuoc"],
    "tthc": ["thu tuc hanh chinh"],
    "hcc": ["hanh chinh cong"],
    "motcua": ["mot cua"],
    "online": ["truc tuyen"],
    "attt": ["an toan thong tin"],
    "cds": ["chuyen doi so"],
    "vbdt": ["van ban dien tu"],
    "qlvb": ["quan ly van ban"],
}
# Words that say nothing about what is sought; ignored unless the query has nothing else.
STOP_WORDS = {"va", "cua", "la", "cho", "cac", "nhung", "voi", "the", "nao", "gi", "ve", "o", "tren", "trong", "de"}


@dataclass
class SearchHit:
    page: CoursePage | LessonPage
    course: CoursePage | None
    exact: bool
    matched: int = 0  # how many of the query's words (or their abbreviations' words) the page holds


@dataclass(frozen=True)
class _Unit:
    word: str
    phrases: tuple[str, ...]  # the word itself and what it abbreviates

    def found_in(self, padded_text: str) -> bool:
        return any(f" {phrase} " in padded_text for phrase in self.phrases)


def query_units(folded: str) -> list[_Unit]:
    words = re.findall(r"[a-z0-9]+", folded)
    meaningful = [word for word in words if word not in STOP_WORDS] or words
    units = dict.fromkeys(meaningful)  # in order, without repeats
    return [_Unit(word, (word, *SYNONYMS.get(word, []))) for word in units]


def search_learning_content(*, query: str) -> list[SearchHit]:
    typed = normalize_nfc(query)
    units = query_units(search_key(typed))
    if not units:
        return []
    terms = " ".join(dict.fromkeys(term for unit in units for phrase in unit.phrases for term in phrase.split()))
    courses = list(CoursePage.objects.live().public().search(terms, operator="or")[:CANDIDATES])
    lessons = list(LessonPage.objects.live().public().search(terms, operator="or")[:CANDIDATES])
    scored = [(page, _matched(page, units)) for page in courses + lessons]
    best = max((matched for _page, matched in scored), default=0)
    keep = max(math.ceil(len(units) / 2), best - 1, 1)
    scored = [(page, matched) for page, matched in scored if matched >= keep]

    kept_lessons = [page for page, _matched_units in scored if isinstance(page, LessonPage)]
    course_paths = {_course_path(lesson) for lesson in kept_lessons}
    parents = {course.path: course for course in CoursePage.objects.filter(path__in=course_paths)}
    hits = [
        SearchHit(
            page,
            parents.get(_course_path(page)) if isinstance(page, LessonPage) else None,
            _contains(page, typed),
            matched,
        )
        for page, matched in scored
    ]
    hits.sort(key=lambda hit: (-hit.matched, not hit.exact, isinstance(hit.page, LessonPage)))
    return hits[: 2 * MAX_RESULTS]


def _course_path(lesson: LessonPage) -> str:
    return lesson.path[: (lesson.depth - 2) * lesson.steplen]


def _matched(page, units: list[_Unit]) -> int:
    padded = f" {' '.join(re.findall(r'[a-z0-9]+', page.search_folded()))} "
    return sum(1 for unit in units if unit.found_in(padded))


def _contains(page, typed: str) -> bool:
    text = f"{page.title} {getattr(page, 'summary', '')}".casefold()
    return typed.casefold() in text
