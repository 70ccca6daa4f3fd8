"""The rules for a learner's name, e-mail and phone: one home for the model, the forms and imports.

``User``'s fields carry these lengths and validators, the sign-up and profile forms inherit or reuse
them, and ``learner_fields_clean`` applies the very same field validators to a row of an import.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.text import normalize_nfc

FULL_NAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254  # Django's EmailField default: the longest address SMTP carries
# E.164 numbers have at most 15 digits; the shortest Vietnamese numbers (1900 xxxx) have 8.
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 8, 15
PHONE_MAX_LENGTH = 20  # the column: "+" and 15 digits fit
_PHONE = re.compile(rf"\+?[0-9]{{{PHONE_MIN_DIGITS},{PHONE_MAX_DIGITS}}}")


def phone_normalize(value: str | None) -> str:
    """The phone as stored: every space removed ("0912 345 678" → "0912345678")."""
    return "".join((value or "").split())


def validate_phone(value: str) -> None:
    """A stored phone is 8–15 ASCII digits, optionally after one leading "+"."""
    if value and not _PHONE.fullmatch(value):
        raise ValidationError(
            gettext_lazy("Số điện thoại gồm %(min)s–%(max)s chữ số, có thể bắt đầu bằng +."),
            code="invalid_phone",
            params={"min": PHONE_MIN_DIGITS, "max": PHONE_MAX_DIGITS},
        )


def learner_fields_clean(*, full_name: str, email: str, phone: str) -> tuple[dict[str, str], list[str]]:
    """A learner's name, e-mail and phone from one import row, cleaned and checked like the forms do.

    Returns the values as they would be stored (name NFC, e-mail lower-case, phone without spaces)
    and the problems found, as translated phrases ("họ và tên: …") for the row's message — empty
    when every value passes. The checks are ``User``'s own field validators (lengths included), plus
    what the forms require: a name and an e-mail.
    """
    values = {
        "full_name": normalize_nfc(full_name),
        "email": (email or "").strip().lower(),
        "phone": phone_normalize(phone),
    }
    problems = []
    if not values["full_name"]:
        problems.append(_("thiếu họ và tên"))
    if not values["email"]:
        problems.append(_("thiếu email"))
    fields = get_user_model()._meta
    for name, value in values.items():
        if not value:
            continue
        field = fields.get_field(name)
        try:
            field.run_validators(value)
        except ValidationError as error:
            problems.append(
                _("%(field)s: %(problem)s") % {"field": field.verbose_name, "problem": " ".join(error.messages)}
            )
    return values, problems
