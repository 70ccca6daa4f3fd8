"""The frame of our own screens in the Wagtail admin (roles, audit log, GIFT, quiz report, …)."""

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminScreenMixin(WagtailAdminTemplateMixin):
    """Wagtail's header for one of our screens: the way back up, then the screen's own title.

    Wagtail's generic base shows the last breadcrumb as the header; a plain
    ``WagtailAdminTemplateMixin`` has only "Home", so every screen was headed "Trang Chủ".
    A screen names the screens above it in ``get_parent_breadcrumbs`` (``{"url", "label"}`` each);
    its subtitle, if any, follows the title as Wagtail's own edit views show it.
    """

    def get_parent_breadcrumbs(self) -> list[dict]:
        return []

    def get_breadcrumbs_items(self):
        here = {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()}
        return [*self.breadcrumbs_items, *self.get_parent_breadcrumbs(), here]
