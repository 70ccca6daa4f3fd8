from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock
from .forms import VietnameseSlugPageForm
from .routing import CachedViewRestrictionsMixin, FastRouteRootMixin


class HomePage(FastRouteRootMixin, CachedViewRestrictionsMixin, Page):
    """The site's front page: a welcome, a call to action and free content."""

    intro = models.CharField(_("lời giới thiệu"), max_length=255, blank=True, help_text=_("Một câu ngắn dưới tiêu đề."))
    hero_text = RichTextField(_("nội dung nổi bật"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("nội dung"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    base_form_class = VietnameseSlugPageForm
    max_count = 1

    class Meta:
        verbose_name = _("trang chủ")


class ContentPage(CachedViewRestrictionsMixin, Page):
    """A plain page: about, help, privacy-related explanations, contacts."""

    summary = models.CharField(_("tóm tắt"), max_length=255, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("nội dung"))

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]

    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]
    base_form_class = VietnameseSlugPageForm

    class Meta:
        verbose_name = _("trang nội dung")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Site name, logo and the contacts shown in the footer."""

    site_name = models.CharField(_("tên trang"), max_length=100, default="Học Số")
    tagline = models.CharField(
        _("khẩu hiệu"), max_length=200, blank=True, default="Nền tảng học kỹ năng số cho cán bộ và người dân"
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    contact_organisation = models.CharField(_("đơn vị vận hành"), max_length=200, blank=True)
    contact_address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    contact_phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("tagline"), FieldPanel("logo")], _("Nhận diện")),
        MultiFieldPanel(
            [
                FieldPanel("contact_organisation"),
                FieldPanel("contact_address"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_email"),
            ],
            _("Liên hệ (chân trang)"),
        ),
    ]

    class Meta:
        verbose_name = _("cài đặt trang")
