"""Editorial content: the catalogue, courses, modules, lessons and learning paths.

Course › module › lesson, as in Open edX's course › section › unit. A quiz is a
lesson too (``quizzes.QuizPage`` extends ``LessonPage``), so outlines and
progress treat both alike.
"""

from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.forms import VietnameseSlugPageForm
from cms.routing import CachedViewRestrictionsMixin
from lms.signed_in_page_cache import signed_in_page_cacheable
from lms.text import search_key

from ..blocks import LessonStreamBlock, stream_plain_text


class Topic(models.TextChoices):
    OFFICE_SOFTWARE = "office_software", _("Tin học văn phòng")
    E_OFFICE = "e_office", _("Văn phòng điện tử")
    DIGITAL_SIGNATURE = "digital_signature", _("Chữ ký số")
    ONLINE_PUBLIC_SERVICES = "online_public_services", _("Dịch vụ công trực tuyến")
    INFORMATION_SECURITY = "information_security", _("An toàn thông tin")
    DIGITAL_CITIZENSHIP = "digital_citizenship", _("Công dân số")


class Audience(models.TextChoices):
    CIVIL_SERVANTS = "civil_servants", _("Cán bộ, công chức, viên chức")
    CITIZENS = "citizens", _("Người dân")
    EVERYONE = "everyone", _("Mọi người")


class Level(models.TextChoices):
    BASIC = "basic", _("Cơ bản")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ADVANCED = "advanced", _("Nâng cao")


class FoldedSearchMixin:
    """Index a folded copy of the searchable text: "chu ky so" finds "Chữ ký số"."""

    def search_text(self) -> str:
        raise NotImplementedError

    def search_folded(self) -> str:
        return search_key(self.search_text())


class CourseIndexPage(CachedViewRestrictionsMixin, Page):
    """The catalogue: every live course below it, filterable by topic, audience, level and duration."""

    intro = RichTextField(_("giới thiệu"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.LearningPathPage"]
    base_form_class = VietnameseSlugPageForm
    max_count = 1

    class Meta:
        verbose_name = _("danh mục khoá học")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import catalogue_courses, catalogue_filters_from  # noqa: PLC0415 — selectors and views import this module

        context = super().get_context(request, *args, **kwargs)
        filters = catalogue_filters_from(request.GET)
        context.update(
            filters=filters,
            courses=catalogue_courses(index=self, filters=filters),
            paths=LearningPathPage.objects.live().child_of(self),
            topics=Topic.choices,
            audiences=Audience.choices,
            levels=Level.choices,
        )
        return context


class CoursePage(FoldedSearchMixin, CachedViewRestrictionsMixin, Page):
    summary = models.TextField(_("tóm tắt"), help_text=_("Hai, ba câu giới thiệu khoá học trong danh mục."))
    objectives = RichTextField(
        _("mục tiêu"), features=["ul", "ol", "bold"], help_text=_("Sau khoá học, người học làm được gì.")
    )
    topic = models.CharField(_("chủ đề"), max_length=32, choices=Topic.choices)
    audience = models.CharField(_("đối tượng"), max_length=32, choices=Audience.choices)
    level = models.CharField(_("trình độ"), max_length=16, choices=Level.choices, default=Level.BASIC)
    estimated_minutes = models.PositiveIntegerField(
        _("thời lượng (phút)"), default=60, help_text=_("Thời gian học ước tính của cả khoá.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ảnh bìa"),
    )
    prerequisites = ParentalManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        verbose_name=_("khoá học tiên quyết"),
        help_text=_("Người học phải hoàn thành các khoá này trước khi ghi danh."),
    )
    is_public = models.BooleanField(
        _("cho phép tự ghi danh"), default=True, help_text=_("Bỏ chọn nếu khoá học chỉ dành cho người được giao.")
    )
    open_preview = models.BooleanField(
        _("cho xem thử"),
        default=False,
        help_text=_("Khách chưa đăng nhập được đọc bài học; tiến độ chỉ được ghi khi đã đăng nhập và ghi danh."),
    )
    sequential = models.BooleanField(
        _("mở khoá bài theo thứ tự"),
        default=False,
        help_text=_("Bài học sau chỉ mở khi người học đã hoàn thành các bài bắt buộc trước đó."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("hiệu lực chứng chỉ (tháng)"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu không cần học lại. Hết hạn, người học ghi danh lại để được cấp chứng chỉ mới."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [FieldPanel("topic"), FieldPanel("audience"), FieldPanel("level"), FieldPanel("estimated_minutes")],
            _("Phân loại"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_public"),
                FieldPanel("open_preview"),
                FieldPanel("sequential"),
                FieldPanel("prerequisites"),
                FieldPanel("validity_months"),
            ],
            _("Ghi danh và hoàn thành"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("search_folded"),
        index.FilterField("topic"),
        index.FilterField("audience"),
        index.FilterField("level"),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    base_form_class = VietnameseSlugPageForm

    class Meta:
        verbose_name = _("khoá học")
        verbose_name_plural = _("khoá học")

    def search_text(self) -> str:
        return f"{self.title} {self.summary}"

    def serve(self, request, *args, **kwargs):
        if request.user.is_authenticated:  # a learner's own copy (lms.signed_in_page_cache)
            signed_in_page_cacheable(request)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import (  # noqa: PLC0415 — selectors and views import this module
            course_learner_view,
            course_page_facts,
            course_page_facts_cached,
        )

        context = super().get_context(request, *args, **kwargs)
        context["view"] = course_learner_view(course=self, user=request.user)
        # an editor's preview shows the draft's own prerequisites, never the published ones kept
        preview = getattr(request, "is_preview", False)
        context["facts"] = course_page_facts(self) if preview else course_page_facts_cached(self)
        return context


class ModulePage(CachedViewRestrictionsMixin, Page):
    """A section of a course grouping its lessons. Learners see it in the course's outline; its own
    page (``courses/module_page.html``) is what an editor's preview shows."""

    summary = models.CharField(_("tóm tắt"), max_length=255, blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage"]
    base_form_class = VietnameseSlugPageForm

    class Meta:
        verbose_name = _("chương")
        verbose_name_plural = _("chương")

    def serve(self, request, *args, **kwargs):
        """Learners read a module in its course's outline."""
        course = CoursePage.objects.ancestor_of(self).live().first()
        return redirect(course.url if course else "/")

    def get_context(self, request, *args, **kwargs):
        """The module's own page, which only Wagtail's preview renders (``serve`` redirects)."""
        from ..selectors import module_reading_context  # noqa: PLC0415 — selectors and views import this module

        context = super().get_context(request, *args, **kwargs)
        context.update(module_reading_context(module=self, user=request.user))
        return context


class LessonPage(FoldedSearchMixin, CachedViewRestrictionsMixin, Page):
    summary = models.CharField(_("tóm tắt"), max_length=255, blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("nội dung"))
    is_required = models.BooleanField(
        _("bắt buộc"), default=True, help_text=_("Bài bắt buộc được tính vào điều kiện hoàn thành khoá học.")
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("thời lượng (phút)"), default=10)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("is_required"), FieldPanel("estimated_minutes")], _("Hoàn thành")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("search_folded"),
    ]

    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    base_form_class = VietnameseSlugPageForm

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")

    def search_text(self) -> str:
        return f"{self.title} {self.summary} {stream_plain_text(self.body)}"

    def serve(self, request, *args, **kwargs):
        from ..views import lesson_serve  # noqa: PLC0415 — selectors and views import this module

        return lesson_serve(request, self, super().serve)

    def get_context(self, request, *args, course=None, view=None, **kwargs):
        """The lesson's page context: its course, the reader's progress in it, the neighbouring
        lessons. ``lesson_serve`` passes the course and view it has just read; Wagtail's preview
        (an editor checking a draft) comes here without them, so they are read here."""
        from ..selectors import lesson_reading_context  # noqa: PLC0415 — selectors and views import this module

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_reading_context(lesson=self, user=request.user, course=course, view=view))
        return context


class LearningPathPage(CachedViewRestrictionsMixin, Page):
    """An ordered set of courses with its own progress and completion."""

    summary = models.TextField(_("tóm tắt"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        InlinePanel("path_courses", label=_("Khoá học theo thứ tự"), min_num=1),
    ]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []
    base_form_class = VietnameseSlugPageForm

    class Meta:
        verbose_name = _("lộ trình học")
        verbose_name_plural = _("lộ trình học")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import path_progress_for  # noqa: PLC0415 — selectors and views import this module

        context = super().get_context(request, *args, **kwargs)
        context["path_view"] = path_progress_for(path=self, user=request.user)
        return context


class LearningPathCourse(Orderable):
    path = ParentalKey(LearningPathPage, on_delete=models.CASCADE, related_name="path_courses")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("khoá học"))

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["path", "course"], name="path_course_unique")]
