from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from .models import AuditEntry


def audit_entries_visible_to(*, viewer) -> QuerySet[AuditEntry]:
    """Administrators read the whole log; nobody else reads any of it."""
    if not (viewer.is_authenticated and viewer.is_superuser):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor", "target_type")


def audit_entries_about_user(*, user) -> QuerySet[AuditEntry]:
    """Entries the user performed or that were about the user's account."""

    user_type = ContentType.objects.get_for_model(user, for_concrete_model=True)
    about = Q(target_type=user_type, target_id=str(user.pk)) | Q(subject=user)
    return AuditEntry.objects.filter(Q(actor=user) | about).order_by("at", "id")
