"""Reads about people."""

from django.db.models import QuerySet

from lms.audit.models import AuditEntry

from .models import User


def name_corrections_of(*, user: User) -> QuerySet[AuditEntry]:
    """The administrators' corrections of ``user``'s name (``account.name_correct``), newest first."""
    return AuditEntry.objects.filter(subject=user, action="account.name_correct").order_by("-at", "-id")
