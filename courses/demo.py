"""Loading the demo catalogue from ``courses/demo/course_*.json`` (see SCHEMA.md).

Idempotent: a course whose slug already exists in the catalogue is left alone.
Illustrations are drawn with Pillow and stored as Wagtail images.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Collection

from cms.models import HomePage
from lms.text import normalize_nfc, slugify_vi

from .illustrations import flow_diagram_png
from .models import CourseIndexPage, CoursePage, LearningPathCourse, LearningPathPage, LessonPage, ModulePage

DEMO_DIR = Path(__file__).resolve().parent / "demo"
CATALOGUE_SLUG = "khoa-hoc"
BASIC_PATH_TITLE = "Phổ cập kỹ năng số cơ bản"
BASIC_PATH_COURSE_IDS = (4, 5, 6)


def demo_course_files(directory: Path = DEMO_DIR) -> list[dict]:
    files = sorted(directory.glob("course_*.json"), key=lambda p: int(p.stem.split("_")[1]))
    return [json.loads(normalize_nfc(path.read_text(encoding="utf-8"))) for path in files]


@transaction.atomic
def demo_slug(course_id: int, directory: Path = DEMO_DIR) -> str | None:
    """The slug of demo course ``course_id`` (the ids of ``../shared/courses.json``)."""
    return next((data["slug"] for data in demo_course_files(directory) if data["id"] == course_id), None)


def demo_catalogue_load(*, home: HomePage, directory: Path = DEMO_DIR) -> CourseIndexPage:
    """Create the catalogue page, every demo course and the basic learning path."""
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=CourseIndexPage(
                title="Khoá học",
                slug=CATALOGUE_SLUG,
                show_in_menus=True,
                intro="<p>Các khoá học ngắn, miễn phí về kỹ năng số cho cán bộ và người dân.</p>",
            )
        )
    courses_by_id: dict[int, CoursePage] = {}
    for data in demo_course_files(directory):
        courses_by_id[data["id"]] = _course(index, data)
    _basic_path(index, [courses_by_id[i] for i in BASIC_PATH_COURSE_IDS if i in courses_by_id])
    return index


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _course(index: CourseIndexPage, data: dict) -> CoursePage:
    existing = CoursePage.objects.child_of(index).filter(slug=data["slug"]).first()
    if existing is not None:
        return existing
    objectives = "".join(f"<li>{item}</li>" for item in data["objectives"])
    course = _publish(
        index,
        CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            objectives=f"<ul>{objectives}</ul>",
            topic=data["topic"],
            audience=data["audience"],
            level=data["level"],
            estimated_minutes=data["estimated_minutes"],
            open_preview=data.get("open_preview", False),
            sequential=data.get("sequential", False),
            validity_months=data.get("validity_months"),
            seo_title=data["title"],
        ),
    )
    for module_data in data["modules"]:
        module = _publish(
            course,
            ModulePage(
                title=module_data["title"],
                slug=slugify_vi(module_data["title"])[:80],
                summary=module_data.get("summary", "")[:255],
            ),
        )
        for lesson_data in module_data["lessons"]:
            _publish(
                module,
                LessonPage(
                    title=lesson_data["title"],
                    slug=slugify_vi(lesson_data["title"])[:80],
                    summary=lesson_data.get("summary", "")[:255],
                    estimated_minutes=lesson_data.get("estimated_minutes", 15),
                    is_required=lesson_data.get("required", True),
                    body=[_block(block, lesson_data["title"]) for block in lesson_data["body"]],
                ),
            )
    return course


def _block(block: dict, lesson_title: str) -> dict:
    kind, value = block["type"], block["value"]
    if kind == "illustration":
        image = _illustration_image(value, lesson_title)
        return {
            "type": "image",
            "value": {
                "image": {"image": image.pk, "decorative": False, "alt_text": value.get("alt", "")},
                "caption": value.get("caption", ""),
            },
        }
    if kind == "steps":
        value = {
            "title": value.get("title", ""),
            "steps": [{"title": step["title"], "text": step["text"], "image": None} for step in value["steps"]],
        }
    return {"type": kind, "value": value}


def _illustration_image(value: dict, lesson_title: str):
    Image = get_image_model()
    title = value.get("title") or lesson_title
    png = flow_diagram_png(title=title, labels=value["labels"])
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    image = Image(title=title[:255], collection=collection)
    image.file = ImageFile(_named_bytes(png), name=f"{slugify_vi(title)[:60] or 'minh-hoa'}.png")
    image.save()
    return image


def _named_bytes(data: bytes):

    return io.BytesIO(data)


def _basic_path(index: CourseIndexPage, courses: list[CoursePage]) -> None:
    if not courses or LearningPathPage.objects.child_of(index).filter(title=BASIC_PATH_TITLE).exists():
        return
    path = LearningPathPage(
        title=BASIC_PATH_TITLE,
        slug=slugify_vi(BASIC_PATH_TITLE),
        summary=(
            "Lộ trình cho người dân và cán bộ mới làm quen với kỹ năng số: dùng dịch vụ công trực tuyến, "
            "tài khoản định danh điện tử VNeID và giữ an toàn thông tin cá nhân."
        ),
    )
    path.path_courses = [LearningPathCourse(course=course, sort_order=i) for i, course in enumerate(courses)]
    _publish(index, path)
