from datetime import date

import factory
from allauth.account.models import EmailAddress

from lms.accounts.models import LearnerGroup, User
from lms.audit.services import SYSTEM
from lms.orgunits.models import OrgUnit, UnitKind
from lms.orgunits.services import membership_transfer, org_unit_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"hocvien{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Học {n}")
    learner_group = LearnerGroup.CONG_CHUC

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "Mật-khẩu-đủ-dài-2026")
        if create:
            obj.save()

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def make_unit(code: str, name: str, *, kind=UnitKind.AGENCY, parent: OrgUnit | None = None, **dates) -> OrgUnit:
    return org_unit_create(
        code=code,
        name=name,
        kind=kind,
        valid_from=dates.get("valid_from", date(2025, 7, 1)),
        valid_to=dates.get("valid_to"),
        parent=parent,
    )


def place(user, unit: OrgUnit):
    """Make ``unit`` the user's confirmed current unit (as an import or a coordinator would)."""
    return membership_transfer(actor=SYSTEM, user=user, unit=unit, source="import")


def make_province_tree() -> dict[str, OrgUnit]:
    province = make_unit("24", "Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE, valid_from=date(1997, 1, 1))
    agency = make_unit("24.SNV", "Sở Nội vụ", parent=province)
    division = make_unit("24.SNV.CCHC", "Phòng Cải cách hành chính", kind=UnitKind.DIVISION, parent=agency)
    commune_a = make_unit("09325", "Xã Tiên Du", kind=UnitKind.COMMUNE, parent=province)
    commune_b = make_unit("09367", "Xã Gia Bình", kind=UnitKind.COMMUNE, parent=province)
    return {
        "province": province,
        "agency": agency,
        "division": division,
        "commune_a": commune_a,
        "commune_b": commune_b,
    }


def make_catalogue():
    from cms.services import site_home_ensure
    from courses.models import CourseIndexPage

    home = site_home_ensure()
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=CourseIndexPage(title="Khoá học", slug="khoa-hoc"))
    return index


def make_course(
    title: str = "Chữ ký số và giao dịch điện tử",
    *,
    modules: int = 2,
    lessons_per_module: int = 2,
    index=None,
    **fields,
):
    """A published course with modules and lessons whose bodies hold real blocks."""
    from courses.models import CoursePage, LessonPage, ModulePage
    from lms.text import slugify_vi

    index = index or make_catalogue()
    defaults = {
        "summary": f"Tóm tắt khoá {title}.",
        "objectives": "<ul><li>Hiểu chữ ký số</li></ul>",
        "topic": "digital_signature",
        "audience": "civil_servants",
        "level": "basic",
        "estimated_minutes": 60,
    }
    defaults.update(fields)
    course = index.add_child(instance=CoursePage(title=title, slug=slugify_vi(title), **defaults))
    for m in range(1, modules + 1):
        module = course.add_child(instance=ModulePage(title=f"Chương {m}", slug=f"chuong-{m}"))
        for n in range(1, lessons_per_module + 1):
            module.add_child(
                instance=LessonPage(
                    title=f"Bài {m}.{n}: {title}",
                    slug=f"bai-{m}-{n}",
                    summary=f"Bài học {m}.{n}",
                    body=[
                        {"type": "paragraph", "value": f"<p>Nội dung bài {m}.{n} về {title}.</p>"},
                        {"type": "checklist", "value": {"title": "Kiểm tra", "items": ["Một", "Hai"]}},
                        {
                            "type": "faq",
                            "value": {"title": "", "items": [{"question": "Hỏi?", "answer": "<p>Đáp.</p>"}]},
                        },
                    ],
                )
            )
    return CoursePage.objects.get(pk=course.pk)


def course_lessons(course):
    from courses.selectors import course_outline

    return course_outline(course).lessons


QUESTION_SPECS = {
    "single": {
        "type": "single",
        "text": "Lề trái của văn bản hành chính là bao nhiêu?",
        "options": [
            {"text": "15–20 mm", "correct": False, "feedback": "FB-SINGLE-WRONG-1"},
            {"text": "30–35 mm", "correct": True, "feedback": "FB-SINGLE-RIGHT"},
            {"text": "20–25 mm", "correct": False, "feedback": "FB-SINGLE-WRONG-2"},
        ],
        "feedback": "FB-SINGLE-GENERAL",
    },
    "multiple": {
        "type": "multiple",
        "text": "Những thành phần nào thuộc thể thức văn bản?",
        "options": [
            {"text": "Quốc hiệu và Tiêu ngữ", "correct": True, "feedback": "FB-MULTI-A"},
            {"text": "Số, ký hiệu", "correct": True, "feedback": "FB-MULTI-B"},
            {"text": "Ảnh đại diện", "correct": False, "feedback": "FB-MULTI-C"},
        ],
        "partial": True,
        "feedback": "FB-MULTI-GENERAL",
    },
    "true_false": {
        "type": "true_false",
        "text": "Chữ ký số bảo đảm tính bí mật của văn bản.",
        "answer": False,
        "feedback": "FB-TF-GENERAL",
    },
    "short_answer": {
        "type": "short_answer",
        "text": "Tên ứng dụng định danh điện tử quốc gia?",
        "accepted": ["VNeIDsentinel"],
        "feedback": "FB-SHORT-GENERAL",
    },
    "numeric": {
        "type": "numeric",
        "text": "Số đơn vị hành chính cấp xã sau sắp xếp?",
        "answer": 4242.5,
        "tolerance": 0,
        "unit": "",
        "feedback": "FB-NUM-GENERAL",
    },
    "matching": {
        "type": "matching",
        "text": "Ghép chữ viết tắt với nghĩa.",
        "pairs": [
            {"left": "TM.", "right": "Thay mặt"},
            {"left": "KT.", "right": "Ký thay"},
            {"left": "TL.", "right": "Thừa lệnh"},
        ],
        "feedback": "FB-MATCH-GENERAL",
    },
    "ordering": {
        "type": "ordering",
        "text": "Sắp xếp các bước nộp hồ sơ trực tuyến.",
        "items": ["Đăng nhập", "Chọn thủ tục", "Điền tờ khai", "Nộp hồ sơ"],
        "feedback": "FB-ORDER-GENERAL",
    },
}


def make_quiz(*, course=None, questions=None, random_from=None, **settings):
    """A published quiz in the last module of ``course`` with fixed questions (specs) and/or
    ``random_from=(category, count)``."""
    from courses.models import ModulePage
    from quizzes.models import QuestionCategory, QuizPage, QuizSlot
    from quizzes.services import question_create

    course = course or make_course(modules=1, lessons_per_module=1)
    category, _created = QuestionCategory.objects.get_or_create(name=f"Nhóm {course.pk}", parent=None)
    specs = questions if questions is not None else list(QUESTION_SPECS.values())
    created = [question_create(category=category, spec=spec) for spec in specs]
    slots = [QuizSlot(question=question, sort_order=i) for i, question in enumerate(created)]
    if random_from:
        slots.append(QuizSlot(category=random_from[0], random_count=random_from[1], sort_order=len(slots)))
    defaults = {"pass_mark_pct": 70, "questions_per_page": 3, "shuffle_answers": True}
    defaults.update(settings)
    module = ModulePage.objects.child_of(course).order_by("-path").first()
    quiz = QuizPage(title="Bài kiểm tra cuối khoá", slug=f"kiem-tra-{module.pk}", body=[], **defaults)
    quiz.slots = slots
    module.add_child(instance=quiz)
    return QuizPage.objects.get(pk=quiz.pk)
