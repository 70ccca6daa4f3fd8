import json
from collections.abc import Iterator

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lms.orgunits.selectors import membership_confirmed, membership_pending
from lms.tabular import csv_rows

from .forms import AccountDeleteForm, ProfileForm
from .personal_data import DisplaySection, personal_data_collect, personal_data_display
from .services import profile_update, user_anonymise


def _language_cookie_set(response: HttpResponse, language: str) -> None:
    """Remember ``language`` in Django's language cookie, with every ``LANGUAGE_COOKIE_*`` setting
    (secure and HttpOnly in production)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
def profile(request):
    membership = membership_confirmed(user=request.user)
    pending = membership_pending(user=request.user)
    shown = pending or membership
    current_unit = shown.unit if shown else None
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user, current_unit=current_unit)
        if form.is_valid():
            profile_update(user=request.user, data=form.cleaned_data, unit=form.cleaned_data["unit"])
            messages.success(request, _("Đã lưu hồ sơ."))
            response = redirect("profile")
            _language_cookie_set(response, request.user.language)
            return response
    else:
        form = ProfileForm(instance=request.user, current_unit=current_unit)
    return render(request, "accounts/profile.html", {"form": form, "membership": membership, "pending": pending})


@login_required
def my_data(request):
    export = request.GET.get("format")
    stamp = timezone.localtime().strftime("%Y%m%d")
    if export == "json":
        data = personal_data_collect(user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="hocso-du-lieu-cua-toi-{stamp}.json"'
        return response
    sections = personal_data_display(user=request.user)
    if export == "csv":
        response = HttpResponse(_personal_data_csv(sections), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="hocso-du-lieu-cua-toi-{stamp}.csv"'
        return response
    return render(request, "accounts/my_data.html", {"sections": sections})


def _personal_data_csv(sections: list[DisplaySection]) -> Iterator[str]:
    """One CSV as the screen reads: section, row number, label, value — every field on its own line."""
    rows = (
        [section.title, number, label, value]
        for section in sections
        for number, row in enumerate(section.rows, start=1)
        for label, value in row
    )
    return csv_rows([_("Mục"), _("Dòng"), _("Thông tin"), _("Giá trị")], rows)


@login_required
def account_delete(request):
    if request.method == "POST":
        form = AccountDeleteForm(request.POST, user=request.user)
        if form.is_valid():
            user = request.user
            logout(request)
            user_anonymise(user=user)
            messages.success(request, _("Tài khoản của bạn đã được xoá (ẩn danh hoá)."))
            return redirect("/")
    else:
        form = AccountDeleteForm(user=request.user)
    return render(request, "accounts/account_delete.html", {"form": form})


def privacy_notice(request):
    context = {"version": settings.PRIVACY_NOTICE_VERSION, "checker_keep_hours": settings.SIGNLAB_CHECK_KEEP_HOURS}
    return render(request, "accounts/privacy_notice.html", context)


@csrf_exempt
@require_POST
def language_switch(request):
    """Set the page language (cookie, and the learner's profile when signed in).

    Anonymous visitors' switcher carries no CSRF token, so the pages they read can be cached for
    everyone (``lms.page_cache``); choosing a language is harmless. A signed-in learner's choice is
    saved in their profile, so for them the CSRF check applies as usual."""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        _language_cookie_set(response, language)
        if request.user.is_authenticated and request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    return response
