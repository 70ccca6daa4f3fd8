"""Access rules shared by the admin screens of several apps."""

from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem


class AdministratorRequiredMixin:
    """A view only administrators (superusers) may open."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdministratorMenuItem(MenuItem):
    """A Wagtail admin menu item shown only to administrators."""

    def is_shown(self, request):
        return request.user.is_superuser
