"""Access checks and parameter parsing shared by the coordinator views."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import is_coordinator, unit_in_scope, users_visible_to


def _coordinator_only(request):
    if not (request.user.is_superuser or is_coordinator(user=request.user)):
        raise PermissionDenied


def _unit_in_scope(request, unit_id):
    if not unit_id:
        return None
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    if not unit_in_scope(viewer=request.user, unit=unit):
        raise PermissionDenied
    return unit


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_of(request):
    """``?as_of=dd/mm/yyyy`` (a past day, e.g. the end of a quarter) or None for today."""
    value = request.GET.get("as_of")
    if not value:
        return None
    try:
        return forms.DateField().clean(value)
    except forms.ValidationError:
        return None


def _learner_in_scope(request, user_id: int):
    """The learner ``user_id`` if the coordinator's scope holds them now; 404 otherwise (nothing
    tells a coordinator whether an account outside their scope exists)."""
    _coordinator_only(request)
    learner = (
        get_user_model()
        .objects.filter(pk__in=users_visible_to(viewer=request.user).filter(pk=user_id).values("pk"))
        .first()
    )
    if learner is None:
        raise Http404
    return learner
