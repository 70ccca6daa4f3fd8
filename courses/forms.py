from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm

from lms.text import slugify_vi


class VietnameseSlugPageForm(WagtailAdminPageForm):
    """Readable ASCII slugs from Vietnamese titles: "Đồng Tháp" → ``dong-thap``.

    Django's ``slugify`` drops "đ" ("ong-thap"); a slug left empty, or equal to
    that mangled form, is replaced by ``slugify_vi(title)``.
    """

    def clean(self):
        cleaned_data = super().clean()
        title = cleaned_data.get("title") or ""
        slug = cleaned_data.get("slug") or ""
        if title and (not slug or slug == slugify(title)):
            better = slugify_vi(title)
            if better and better != slug:
                cleaned_data["slug"] = better
                self.instance.slug = better
        return cleaned_data
