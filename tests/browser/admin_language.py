"""English left in the Vietnamese admin: the messages of Wagtail's catalogues found in a screen's text.

The messages are the msgids of every English catalogue Wagtail ships (``wagtail/**/locale/en/
LC_MESSAGES/django.po`` and ``djangojs.po``) and django-taggit's, whose strings the page editor shows.
A message is checked when, without its HTML tags, it has at least two words and eight characters and no
placeholder (``%(name)s``, ``%s``, ``{name}``): shorter ones ("Edit", "Tags") and formats are too
likely to appear by chance or cannot appear verbatim. A message is found when it appears in the text,
whole words, ignoring case (the admin upper-cases some labels with CSS, and ``innerText`` with it).

- ``english_in_text(text)`` — the messages found in a text (a browser's ``innerText``);
- ``visible_text(html)`` — the text a person reads or meets in an HTML page: every text node except
  scripts, styles and ``<template>``s, plus placeholders and button values (hidden menus included:
  one click shows them);
- ``page_text(page)`` — the same, from a Playwright page (``document.title`` + ``body.innerText`` +
  placeholders of the fields shown).
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import taggit
import wagtail
from bs4 import BeautifulSoup

from tests.lms.test_glossary import po_entries

CATALOGUE_PACKAGES = (wagtail, taggit)
PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifgeEr]|\{[^{}\s]*\}")
TAG = re.compile(r"<[^>]*>")
MIN_WORDS = 2
MIN_CHARS = 8


def catalogue_paths() -> list[Path]:
    paths = []
    for package in CATALOGUE_PACKAGES:
        paths += sorted(Path(package.__file__).parent.rglob("locale/en/LC_MESSAGES/*.po"))
    return paths


def checkable(msgid: str) -> str | None:
    """The text a message shows on a page, if it is one worth looking for (see the module docstring)."""
    if not msgid or PLACEHOLDER.search(msgid):
        return None
    text = " ".join(html.unescape(TAG.sub(" ", msgid)).split())
    if len(text.split()) < MIN_WORDS or len(text) < MIN_CHARS:
        return None
    return text


@functools.cache
def catalogue_messages() -> tuple[str, ...]:
    """The checkable messages of Wagtail's (and taggit's) catalogues, longest first."""
    messages = set()
    for path in catalogue_paths():
        for entry in po_entries(path):
            for msgid in (entry["msgid"], entry.get("msgid_plural", "")):
                if text := checkable(msgid):
                    messages.add(text)
    return tuple(sorted(messages, key=lambda m: (-len(m), m)))


@functools.cache
def _pattern(message: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(message.casefold()) + r"(?!\w)")


def english_in_text(text: str) -> list[str]:
    """The catalogue messages found in ``text`` (as the text writes them when only their case differs),
    leaving out one found only inside a longer one."""
    text = " ".join(text.split())
    folded = text.casefold()
    found: dict[str, str] = {}  # casefolded → as reported
    for message in catalogue_messages():  # longest first
        key = message.casefold()
        if key in folded and _pattern(message).search(folded) and (key not in found or message in text):
            found[key] = message
    kept: list[str] = []
    for key in sorted(found, key=len, reverse=True):
        if not any(key in longer.casefold() for longer in kept):
            kept.append(found[key])
    return sorted(kept)


def visible_text(markup: str | bytes) -> str:
    soup = BeautifulSoup(markup, "html.parser")
    for element in soup(["script", "style", "template"]):
        element.decompose()
    parts = [soup.get_text(" ")]
    parts += [field["placeholder"] for field in soup.select("[placeholder]")]
    parts += [button["value"] for button in soup.select("input[type=submit][value], input[type=button][value]")]
    return " ".join(" ".join(parts).split())


PAGE_TEXT = """() => [document.title, document.body.innerText,
  ...[...document.querySelectorAll('[placeholder]')].filter(el => el.checkVisibility()).map(el => el.placeholder),
].join('\\n')"""


def page_text(page) -> str:
    return page.evaluate(PAGE_TEXT)


def english_report(found: dict[str, list[str]]) -> str:
    """``{screen: [messages]}`` → a readable list for an assertion message."""
    screens = {screen: messages for screen, messages in found.items() if messages}
    everything = sorted({m for messages in screens.values() for m in messages})
    lines = [f"{len(everything)} English message(s) of Wagtail's catalogues on {len(screens)} screen(s):"]
    for screen, messages in screens.items():
        lines.append(f"- {screen}: " + " | ".join(messages))
    return "\n".join(lines)
