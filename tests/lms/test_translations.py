"""Translation completeness: every entry of our catalogues is translated (none fuzzy), and the
messages Django and allauth show on our pages — form errors included — read in Vietnamese."""

import re
from pathlib import Path

import pytest

from tests.lms.test_glossary import po_entries

ROOT = Path(__file__).resolve().parents[2]
# Words of Django's and allauth's English messages that never belong in a Vietnamese page.
ENGLISH = re.compile(
    r"\b(This|must|least|characters?|required|Enter a|valid|already|Please|incorrect|password|"
    r"too short|too common|entirely numeric|didn.t match|similar)\b"
)


def _untranslated(path: Path, *, source_language: bool = False) -> list[str]:
    text = path.read_text(encoding="utf-8")
    problems = ["fuzzy entry"] * text.count("#, fuzzy")
    if not source_language:
        for entry in po_entries(path):
            values = [value for key, value in entry.items() if key.startswith("msgstr")]
            if not values or not all(values):
                problems.append(entry["msgid"][:60])
    return problems


def test_our_english_catalogue_is_complete():
    assert _untranslated(ROOT / "locale/en/LC_MESSAGES/django.po") == []
    assert _untranslated(ROOT / "locale/vi/LC_MESSAGES/django.po", source_language=True) == []


def test_the_vietnamese_catalogue_for_django_and_allauth_is_complete():
    assert _untranslated(ROOT / "locale_vendor/vi/LC_MESSAGES/django.po") == []


def _visible(response) -> str:
    body = response.content.decode()
    return re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", body, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [
        {"password1": "a", "password2": "a"},  # too short, too common (Django's validators)
        {"password1": "12345678901", "password2": "12345678901"},  # entirely numeric
        {"password1": "Kh0ng-de-doan-2026", "password2": "Kh0ng-de-doan-2027"},  # mismatch (allauth)
        {"email": "not-an-address", "password1": "Kh0ng-de-doan-2026", "password2": "Kh0ng-de-doan-2026"},
    ],
)
def test_sign_up_errors_read_in_vietnamese(client, form):
    data = {"full_name": "Lò Văn Pá", "email": "pa@example.vn", "consent": "on", **form}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    visible = _visible(response)
    assert 'class="errorlist' in response.content.decode() or "error" in response.content.decode()
    assert not ENGLISH.findall(visible), ENGLISH.findall(visible)


@pytest.mark.django_db
def test_sign_up_with_a_known_address_and_login_errors_read_in_vietnamese(client, learner):
    pages = [
        client.post("/accounts/login/", {"login": learner.email, "password": "sai"}),
        client.post("/accounts/login/", {"login": "", "password": ""}),
        client.post("/accounts/password/reset/", {"email": "not-an-address"}),
    ]
    for response in pages:
        assert response.status_code == 200
        assert not ENGLISH.findall(_visible(response)), ENGLISH.findall(_visible(response))
