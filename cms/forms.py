"""The admin form every page type uses: readable ASCII slugs from Vietnamese titles."""

import re
import unicodedata

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from lms.text import slugify_vi

ASCII_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


SEPARATOR = None  # a run of hyphens or underscores, possibly empty


def _renderings(char: str) -> tuple[str, ...] | None:
    """What a script may have made of one character of a title: an ASCII letter or digit stays; a
    letter with marks becomes its base letter or nothing ("ọ" → "o" or ""; "đ" → "d", "dj" or "");
    anything else (spaces, dashes, punctuation) is a separator (``None``)."""
    if char.isascii() and char.isalnum():
        return (char,)
    if char == "đ":
        return ("d", "dj", "")
    if char.isalnum():
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        return (base, "") if base else ("",)
    return SEPARATOR


def filled_in_from_title(slug: str, title: str) -> bool:
    """Whether ``slug`` is what a browser or Django may have made of ``title`` by itself: Django's
    ``slugify`` (drops "đ": "ong-thap"), the admin's JavaScript ``urlify`` and ``slugify``, which
    transliterate some letters and drop the others ("Họp trực tuyến an toàn" → "hp-trc-tuyn-an-toan"),
    Unicode slugs ("họp-trực-tuyến"), or ours. Linear in both lengths (the positions the slug can have
    reached after each character of the title)."""
    title = unicodedata.normalize("NFC", title).lower()
    if slug in {slugify(title, allow_unicode=True), slugify_vi(title)}:
        return True
    reached = {0}
    for char in [" ", *title, " "]:
        renderings = _renderings(char)
        if renderings is SEPARATOR:
            after, covered = set(), -1
            for position in sorted(reached):
                position = max(position, covered)
                after.add(position)
                while position < len(slug) and slug[position] in "-_":
                    position += 1
                    after.add(position)
                covered = position
        else:
            after = {p + len(r) for p in reached for r in renderings if slug.startswith(r, p)}
        reached = after
        if not reached:
            return False
    return len(slug) in reached


class VietnameseSlugPageForm(WagtailAdminPageForm):
    """Readable ASCII slugs from Vietnamese titles: "Đồng Tháp" → ``dong-thap``.

    A slug left empty or filled in from the title (by Wagtail's script or Django's ``slugify``)
    becomes ``slugify_vi(title)`` before Wagtail checks that it is unique among the siblings. A slug
    the editor typed must be lower-case ASCII letters, digits and hyphens. The slug sits on the
    Promote tab, which an editor rarely opens: its errors are repeated under the title. A slug a
    sibling already holds is refused with that sibling's title, whether it is a draft, and a link to
    edit it — typically a draft the editor saved earlier and meant to go on with.
    """

    invalid_slug_message = gettext_lazy(
        "Đường dẫn chỉ được gồm chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ “%(suggestion)s”."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].validators = []  # checked in clean(), with the title at hand

    def clean(self):
        title = self.cleaned_data.get("title") or ""
        slug = (self.cleaned_data.get("slug") or "").strip()
        if slug.isascii():
            slug = slug.lower()  # "Hop-An-Toan" is what the editor meant by "hop-an-toan"
            self.cleaned_data["slug"] = slug
        if "slug" in self.fields and title:
            if not slug or filled_in_from_title(slug, title):
                self.cleaned_data["slug"] = slugify_vi(title)
            elif not ASCII_SLUG.fullmatch(slug):
                suggestion = slugify_vi(slug) or slugify_vi(title)
                self.add_error("slug", forms.ValidationError(self.invalid_slug_message % {"suggestion": suggestion}))
        slug = self.cleaned_data.get("slug")
        cleaned_data = super().clean()
        if slug and "slug" in self.errors:  # Wagtail found a sibling with this slug
            self._name_the_sibling(slug)
        return cleaned_data

    def _name_the_sibling(self, slug: str) -> None:
        parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
        siblings = Page.objects.child_of(parent).filter(slug=slug)
        if self.instance.pk is not None:
            siblings = siblings.exclude(pk=self.instance.pk)
        sibling = siblings.first()
        if sibling is None:
            return
        state = gettext("bản nháp chưa xuất bản") if not sibling.live else gettext("đã xuất bản")
        message = format_html(
            gettext(
                "Đường dẫn “{slug}” đã thuộc về trang “{title}” ({state}) ở cùng cấp. "
                '<a href="{url}">Mở trang đó</a> để viết tiếp, hoặc đổi tiêu đề hay đường dẫn của trang này.'
            ),
            slug=slug,
            title=sibling.get_admin_display_title(),
            state=state,
            url=reverse("wagtailadmin_pages:edit", args=[sibling.pk]),
        )
        self.errors["slug"] = self.error_class([message])

    def _post_clean(self):
        super()._post_clean()  # the page model's own checks, e.g. a sibling's slug on edit
        if "slug" in self.errors and "title" in self.fields:
            for message in self.errors["slug"]:
                self.add_error("title", format_html(gettext("Đường dẫn của trang: {message}"), message=message))
