from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm

from lms.text import slugify_vi


class VietnameseSlugPageForm(WagtailAdminPageForm):
    """Readable ASCII slugs from Vietnamese titles: "Đồng Tháp" → ``dong-thap``.

    Django's ``slugify`` drops "đ" ("ong-thap"). A slug left empty, or equal to
    that mangled form, is replaced by ``slugify_vi(title)`` before Wagtail
    checks that it is unique among the page's siblings.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        title = self.cleaned_data.get("title") or ""
        slug = self.cleaned_data.get("slug") or ""
        if title and (not slug or slug == slugify(title)):
            self.cleaned_data["slug"] = slugify_vi(title)
        return super().clean()
