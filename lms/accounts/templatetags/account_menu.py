from django import template
from django.utils.translation import gettext_lazy as _

from lms.accounts.selectors import account_roles as account_roles_of
from lms.accounts.selectors import staff_roles_requiring_second_factor
from lms.accounts.staff_sign_in import second_factor_next

register = template.Library()


@register.simple_tag(takes_context=True)
def account_roles(context):
    """The signed-in person's roles for the account menu (cached; see ``account_roles``)."""
    request = context.get("request")
    return account_roles_of(request.user) if request is not None else None


ROLE_LABELS = {
    "administrator": _("quản trị viên"),
    "coordinator": _("điều phối viên"),
    "editor": _("biên tập viên"),
}


@register.simple_tag(takes_context=True)
def staff_second_factor(context):
    """For a person whose role requires a second factor: the roles (labels) and where they continue
    once enrolled; ``None`` for anyone else."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    roles = staff_roles_requiring_second_factor(request.user)
    if not roles:
        return None
    labels = [str(ROLE_LABELS[role]) for role in ("administrator", "coordinator", "editor") if role in roles]
    return {
        "roles": ", ".join(labels),
        "next": second_factor_next(request),
        "enrolled": account_roles_of(request.user).second_factor,
    }
