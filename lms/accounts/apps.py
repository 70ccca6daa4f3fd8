from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from . import personal_data  # noqa: PLC0415 — in ready(): app modules load after the app registry

        personal_data.register_core_sections()


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with our full-name forms (replaces "wagtail.users")."""

    user_viewset = "lms.accounts.wagtail_users.LmsUserViewSet"
