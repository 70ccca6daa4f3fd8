"""One search over courses and lessons, blind to diacritics and tone placement.

Both page types index a folded copy of their text (``search_folded``); the
query is folded the same way, so "chu ky so" finds "Chữ ký số" and "hoa"
finds "hòa" and "hoà". Hits whose text contains the query exactly as typed
(with its diacritics) are ranked first, in Python — SQLite's index cannot
boost them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.text import normalize_nfc, search_key

from .models import CoursePage, LessonPage

MAX_RESULTS = 40


@dataclass
class SearchHit:
    page: CoursePage | LessonPage
    course: CoursePage | None
    exact: bool


def search_learning_content(*, query: str) -> list[SearchHit]:
    typed = normalize_nfc(query)
    folded = search_key(typed)
    if not folded:
        return []
    courses = list(CoursePage.objects.live().public().search(folded, operator="and")[:MAX_RESULTS])
    lessons = list(LessonPage.objects.live().public().search(folded, operator="and")[:MAX_RESULTS])
    course_paths = {lesson.path[: (lesson.depth - 2) * lesson.steplen] for lesson in lessons}
    parents = {course.path: course for course in CoursePage.objects.filter(path__in=course_paths)}
    hits = [SearchHit(course, None, _contains(course, typed)) for course in courses]
    hits += [
        SearchHit(lesson, parents.get(lesson.path[: (lesson.depth - 2) * lesson.steplen]), _contains(lesson, typed))
        for lesson in lessons
    ]
    hits.sort(key=lambda hit: (not hit.exact, isinstance(hit.page, LessonPage)))
    return hits


def _contains(page, typed: str) -> bool:
    text = f"{page.title} {getattr(page, 'summary', '')}".casefold()
    return typed.casefold() in text
