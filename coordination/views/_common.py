"""Access checks and parameter parsing shared by the coordinator views."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import is_coordinator, unit_in_scope, users_visible_to


def _coordinator_only(request):
    if not (request.user.is_superuser or is_coordinator(user=request.user)):
        raise PermissionDenied


def _unit_in_scope(request, unit_id):
    if not unit_id:
        return None
    unit = get_object_or_404(OrgUnit, pk=_int(unit_id) or 0)  # "?unit=abc" is a 404, not a 500
    if not unit_in_scope(viewer=request.user, unit=unit):
        raise PermissionDenied
    return unit


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class InvalidParameter(Exception):
    """A report parameter a person typed wrong; the message is for them (answered with a 400)."""


def _as_of(request):
    """``as_of=dd/mm/yyyy`` (a past day, e.g. the end of a quarter) or None for today. A date that
    does not exist (31/02/2026) or lies in the future is an error, never silently today."""
    value = (request.POST.get("as_of") if request.method == "POST" else None) or request.GET.get("as_of")
    if not value:
        return None
    try:
        day = forms.DateField().clean(value)
    except forms.ValidationError as error:
        raise InvalidParameter(
            _("Ngày “%(value)s” không hợp lệ: hãy nhập một ngày có thật theo dạng dd/mm/yyyy.") % {"value": value[:20]}
        ) from error
    if day > timezone.localdate():
        raise InvalidParameter(_("Ngày số liệu không được sau hôm nay."))
    return day


def bad_parameter(request, error: InvalidParameter):
    return render(request, "coordination/bad_request.html", {"message": str(error)}, status=400)


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
