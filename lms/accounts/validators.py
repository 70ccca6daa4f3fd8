"""The rules for a learner's name, e-mail and phone: one home for the model, the forms and imports.

``User``'s fields carry these lengths and validators, the sign-up and profile forms inherit or reuse
them, and ``learner_fields_clean`` applies the very same field validators to a row of an import.
"""

from __future__ import annotations

import re
import unicodedata

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


# --- Names that print ---------------------------------------------------------------------
# A name is printed on signed certificates in the embedded fonts (Liberation Serif, Be Vietnam Pro):
# it may hold only what every one of them draws — Vietnamese and the Latin letters below (a test
# checks each one against every certificate font), digits, spaces and a little punctuation.
# The certificate renderer asks the same function before printing a name (certificates.rendering).
NAME_LETTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"
    "ĀāĂăĄąĆćĊċČčĎďĐđĒēĖėĘęĚěĞğĠġĦħĨĩĪīĮįİıĹĺĽľŁłŃńŇňŌōŐőŒœŔŕŘřŚśŞşŠšŢţŤťŦŧŨũŪūŮůŰűŲųŴŵŶŷŸŹźŻżŽž"
    "ƠơƯư" + "".join(chr(code) for code in range(0x1EA0, 0x1EFA))  # Ạ … ỹ: every Vietnamese toned vowel
)
NAME_CHARACTERS = NAME_LETTERS | frozenset("0123456789 .,-'’()")
# Invisible characters that change how text reads: bidi embeddings/overrides/isolates and marks.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _shown(char: str) -> str:
    """A character as a message shows it: itself if visible, else its code point."""
    if unicodedata.category(char)[0] in "CZM" and char != " ":
        return f"U+{ord(char):04X}"
    return char


def full_name_problem(value: str) -> str | None:
    """Why ``value`` (already NFC) cannot be a name printed on a certificate, or ``None``.

    The one character policy of names: the model's validator (so every form, import and the
    administrators' correction) and the certificate renderer both ask it.
    """
    hidden = [char for char in value if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")]
    if hidden:
        return _(
            "Họ và tên chứa ký tự ẩn (ký tự điều khiển hoặc đổi chiều văn bản): %(chars)s. Vui lòng gõ lại họ tên."
        ) % {"chars": ", ".join(dict.fromkeys(_shown(char) for char in hidden))}
    unprintable = [char for char in value if char not in NAME_CHARACTERS]
    if unprintable:
        return _(
            "Họ và tên có ký tự không in được trên chứng chỉ: %(chars)s. "
            "Vui lòng viết họ tên bằng chữ tiếng Việt hoặc chữ Latinh (có thể không dấu)."
        ) % {"chars": ", ".join(dict.fromkeys(_shown(char) for char in unprintable[:10]))}
    return None


def validate_full_name(value: str) -> None:
    """The model field's validator: ``full_name_problem`` as a ``ValidationError``."""
    problem = full_name_problem(normalize_nfc(value))
    if problem:
        raise ValidationError(problem, code="unprintable_name")


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
