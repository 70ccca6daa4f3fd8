"""HTML that people write (question texts, feedback, imported files), made safe to show.

Every piece of HTML that did not come from a template goes through ``html_sanitize`` before it is
stored or shown: nh3 (the Rust ammonia sanitiser) keeps text formatting, lists, links, tables and
images and drops scripts, styles, event handlers and unknown tags. Plain text and Markdown are turned
into HTML here too (the formats GIFT names: ``html``, ``markdown``, ``plain``, ``moodle``), so a page
renders every format the same way, and ``html_to_text`` reads plain text back out of HTML.
"""

from __future__ import annotations

import html
import re

import markdown as markdown_lib
import nh3

from .text import normalize_nfc

FORMATS = ("html", "markdown", "plain", "moodle")

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr", "span",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BREAKS = re.compile(r"<br\s*/?>|</p>|</li>|</tr>", re.IGNORECASE)


def clean_plain(value: str | None) -> str:
    """Plain text as stored: NFC, no control characters but tabs and line breaks, trimmed."""
    return _CONTROL.sub("", normalize_nfc(value or "")).strip()


def html_sanitize(value: str | None) -> str:
    """Safe HTML: allowed tags and attributes only, links with rel="noopener noreferrer", NFC text."""
    if not value:
        return ""
    cleaned = nh3.clean(
        normalize_nfc(value),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return cleaned.strip()


def html_from_plain(value: str | None) -> str:
    """Plain text as HTML: escaped, each line break a ``<br>``."""
    value = clean_plain(value)
    return html_sanitize("<br>".join(html.escape(line, quote=False) for line in value.split("\n")))


def html_from_markdown(value: str | None) -> str:
    """Markdown rendered, then sanitised (raw HTML inside the Markdown too)."""
    return html_sanitize(markdown_lib.markdown(clean_plain(value), extensions=["sane_lists"]))


def html_from_format(value: str | None, text_format: str) -> str:
    """The sanitised HTML of ``value`` written in one of the ``FORMATS``."""
    if text_format == "markdown":
        return html_from_markdown(value)
    if text_format in ("plain", "moodle"):
        return html_from_plain(value)
    return html_sanitize(clean_plain(value))


def html_to_text(value: str | None) -> str:
    """The text of an HTML fragment: tags dropped, entities read, line breaks kept."""
    if not value:
        return ""
    text = nh3.clean(_BREAKS.sub("\n", value), tags=set())
    return clean_plain(html.unescape(text))


def text_to_html(value: str) -> str:
    """Plain text written into an HTML context so that ``html_to_text`` gives it back."""
    return html.escape(value, quote=False).replace("\n", "<br>")


def plain_equivalent(value: str) -> str | None:
    """The plain text whose ``html_from_plain`` is exactly ``value`` (HTML), if there is one."""
    if re.search(r"<(?!br>)", value):
        return None
    candidate = html.unescape(value.replace("<br>", "\n"))
    return candidate if html_from_plain(candidate) == value else None
