"""Texts of a GIFT file as HTML, and back.

GIFT names four formats (``[html] [markdown] [plain] [moodle]``); a question's text and feedback
become sanitised HTML whatever the format. Plain and Moodle texts are escaped (their line breaks
become ``<br>``), Markdown is rendered, HTML is sanitised with nh3 (the Rust ammonia sanitiser),
which keeps text formatting, lists, links, tables and images and drops everything else. Options,
accepted answers and matching pairs are plain text in a payload: ``html_to_text`` reads them out of
an ``[html]`` question.
"""

from __future__ import annotations

import html
import re
import unicodedata

import markdown as markdown_lib
import nh3

FORMATS = ("html", "markdown", "plain", "moodle")

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "code", "pre", "sub", "sup",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BREAKS = re.compile(r"<br\s*/?>|</p>|</li>|</tr>", re.IGNORECASE)


def clean_plain(value: str) -> str:
    """Plain text as stored: NFC, no control characters but tabs and line breaks, trimmed."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def html_sanitize(value: str) -> str:
    """Safe HTML: the allowed tags and attributes only; links get rel="noopener noreferrer"."""
    if not value:
        return ""
    cleaned = nh3.clean(
        unicodedata.normalize("NFC", value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def html_from_plain(value: str) -> str:
    """Plain text as HTML: escaped, each line break a ``<br>``."""
    value = clean_plain(value)
    return html_sanitize("<br>".join(html.escape(line, quote=False) for line in value.split("\n")))


def html_from_markdown(value: str) -> str:
    """Markdown rendered, then sanitised (raw HTML inside the Markdown too)."""
    return html_sanitize(markdown_lib.markdown(clean_plain(value), extensions=["sane_lists"]))


def html_from_format(value: str, text_format: str) -> str:
    """The sanitised HTML of ``value`` written in one of the GIFT ``FORMATS``."""
    if text_format == "markdown":
        return html_from_markdown(value)
    if text_format in ("plain", "moodle"):
        return html_from_plain(value)
    return html_sanitize(clean_plain(value))


def html_to_text(value: str) -> str:
    """The text of an HTML fragment: tags dropped, entities read, line breaks kept."""
    if not value:
        return ""
    text = nh3.clean(_BREAKS.sub("\n", value), tags=set())
    return clean_plain(html.unescape(text))


def text_to_html(value: str) -> str:
    """Plain text written into an ``[html]`` context so that ``html_to_text`` gives it back."""
    return html.escape(value, quote=False).replace("\n", "<br>")


def plain_equivalent(value: str) -> str | None:
    """The plain text whose ``html_from_plain`` is exactly ``value`` (HTML), if there is one."""
    if re.search(r"<(?!br>)", value):
        return None
    candidate = html.unescape(value.replace("<br>", "\n"))
    return candidate if html_from_plain(candidate) == value else None
