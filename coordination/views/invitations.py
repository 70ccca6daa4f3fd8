"""The invited person's page: accept (setting a password for a new account) or decline."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.orgunits.services import InvitationError, invitation_decline, invitation_from_token

from ..invitations import invitation_accept_and_assign


class InvitationPasswordForm(SetPasswordForm):
    """A new account's first password, with the consent every sign-up asks for."""

    consent = forms.BooleanField(
        label=gettext_lazy("Tôi đã đọc và đồng ý với thông báo xử lý dữ liệu cá nhân"),
        error_messages={"required": gettext_lazy("Bạn cần đồng ý với thông báo xử lý dữ liệu cá nhân để tham gia.")},
    )


def invitation_answer(request, token: str):
    invitation = invitation_from_token(token)
    if invitation is None or not invitation.is_open:
        return render(request, "coordination/invitation.html", {"invalid": True}, status=410 if invitation else 400)
    user = invitation.user
    new_account = not user.has_usable_password()
    if request.user.is_authenticated and request.user.pk != user.pk:
        return render(request, "coordination/invitation.html", {"invitation": invitation, "other_account": True})
    if not new_account and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    form = InvitationPasswordForm(user, request.POST or None) if new_account else None
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "decline":
                invitation_decline(invitation=invitation, user=user)
                return render(request, "coordination/invitation.html", {"invitation": invitation, "declined": True})
            if form is not None and not form.is_valid():
                raise InvitationError("")
            enrolled = invitation_accept_and_assign(
                invitation=invitation, user=user, password=form.cleaned_data["new_password1"] if form else None
            )
        except InvitationError as error:
            if str(error):
                messages.error(request, str(error))
        else:
            if new_account:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Bạn đã tham gia %(unit)s; %(n)s khoá học được giao đã có trong “Học tập của tôi”.")
                % {"unit": invitation.unit.name, "n": enrolled},
            )
            return redirect("my_learning")
    context = {"invitation": invitation, "form": form, "new_account": new_account}
    return render(request, "coordination/invitation.html", context)
