"""Who a management command acts as: the person named by ``--actor`` or the system."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .services import SystemActor


def actor_argument_add(parser) -> None:
    parser.add_argument(
        "--actor",
        metavar="EMAIL",
        default="",
        help="E-mail of the administrator on whose behalf the command acts (audited); default: the system.",
    )


def command_actor(*, email: str, command: str):
    """The active administrator with this e-mail, or ``SystemActor(command)`` when none is named.
    Raises ``CommandError`` for an address that is not an active administrator's."""
    if not (email or "").strip():
        return SystemActor(command)
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True, is_superuser=True).first()
    if user is None:
        raise CommandError(_("Không có quản trị viên đang hoạt động với email %(email)s.") % {"email": email})
    return user
