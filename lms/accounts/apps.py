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
        _connect_roles_invalidation()
        from django.contrib.auth import get_user_model  # noqa: PLC0415 — in ready()

        from lms.page_cache import generation_read_with_every_request  # noqa: PLC0415
        from lms.signed_in_page_cache import learner_pages_depend_on, learner_pages_invalidate_on  # noqa: PLC0415

        from .selectors import ROLES_GENERATION_KEY  # noqa: PLC0415 — in ready()

        learner_pages_invalidate_on(get_user_model(), user_of=lambda user: user.pk)  # the name in the header
        learner_pages_depend_on(ROLES_GENERATION_KEY)  # the account menu
        generation_read_with_every_request(ROLES_GENERATION_KEY)  # the menu and the staff sign-in check


def _roles_changed(**_kwargs) -> None:
    from lms.page_cache import generation_bump  # noqa: PLC0415 — in ready(): app modules load after the app registry

    from .selectors import ROLES_GENERATION_KEY  # noqa: PLC0415 — idem

    generation_bump(ROLES_GENERATION_KEY)


def _second_factor_changed(created: bool = True, **kwargs) -> None:
    if created:  # not each use of one (allauth stores its last use)
        _roles_changed(**kwargs)


def _connect_roles_invalidation() -> None:
    """Any change of groups, permissions, coordinator scopes or second factors retires every
    cached ``account_roles``."""
    from allauth.mfa.models import Authenticator  # noqa: PLC0415 — in ready()
    from django.contrib.auth import get_user_model  # noqa: PLC0415 — in ready()
    from django.contrib.auth.models import Group  # noqa: PLC0415 — in ready()
    from django.db.models.signals import m2m_changed, post_delete, post_save  # noqa: PLC0415 — in ready()

    from lms.orgunits.models import CoordinatorScope  # noqa: PLC0415 — in ready()

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_roles_changed, sender=through, dispatch_uid=f"roles_m2m_{through._meta.label}")
    for model in (CoordinatorScope, Group):
        post_save.connect(_roles_changed, sender=model, dispatch_uid=f"roles_save_{model._meta.label}")
        post_delete.connect(_roles_changed, sender=model, dispatch_uid=f"roles_delete_{model._meta.label}")
    post_save.connect(_second_factor_changed, sender=Authenticator, dispatch_uid="roles_save_authenticator")
    post_delete.connect(_roles_changed, sender=Authenticator, dispatch_uid="roles_delete_authenticator")


class LmsUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with our full-name forms (replaces "wagtail.users")."""

    user_viewset = "lms.accounts.wagtail_users.LmsUserViewSet"
