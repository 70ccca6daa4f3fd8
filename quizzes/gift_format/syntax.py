"""GIFT's lexical rules, shared by the reader and the writer.

Escapes follow Moodle (``question/format/gift/format.php``): ``\\~ \\= \\# \\{ \\} \\:`` stand for
the character, ``\\n`` for a line break, ``\\\\`` for a backslash; any other backslash is kept as
written. The reader swaps each escape for a placeholder of the same length (a Unicode
noncharacter and a filler), so searching for ``{`` ``~`` ``=`` ``#`` never sees an escaped one
and every offset still points at the line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NAME_MAX = 255
ANSWER_MAX = 500
FEEDBACK_MAX = 2_000
TEXT_MAX = 20_000
BLANK = "_____"  # where the answer of a missing-word question goes, as Moodle writes it
HINT_PREFIX = "hocso:"  # ``// hocso: {json}``: what GIFT cannot say, for Học Số only

_FILLER = "\ufdd0"
_PLACEHOLDERS = {"\\": "\ufdd1", ":": "\ufdd2", "#": "\ufdd3", "=": "\ufdd4", "{": "\ufdd5", "}": "\ufdd6"}
_PLACEHOLDERS |= {"~": "\ufdd7", "n": "\ufdd8"}
_DECODE = str.maketrans({_FILLER: None} | {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDERS.items()})
RESERVED = re.compile("[\ufdd0-\ufdef]")  # noncharacters: never meaningful in a file, so ours to use

_ESCAPE = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": None} | {ch: "\\" + ch for ch in "~=#{}:"})
_FORMAT_TAG = re.compile(r"\[(html|markdown|plain|moodle)\]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CONTEXT = re.compile(r"^\$[a-z]+\$/?")  # $course$/, $system$/, $module$/, $coursecategory$/


class GiftProblem(Exception):
    """A problem in the file, for people: the line it is on and what is wrong, in Vietnamese."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def encode_escapes(text: str) -> str:
    """``text`` with each GIFT escape replaced by a placeholder of the same length."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _PLACEHOLDERS:
            out.append(_PLACEHOLDERS[text[i + 1]] + _FILLER)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def decode(text: str) -> str:
    """The characters the escapes stood for."""
    return text.translate(_DECODE)


def escape(text: str) -> str:
    """``text`` written so that GIFT reads it back as it is (line breaks as ``\\n``)."""
    return text.replace("\r\n", "\n").translate(_ESCAPE)


@dataclass(frozen=True)
class Span:
    """A piece of a question block with its offset, for line-numbered errors."""

    text: str
    start: int

    def __getitem__(self, key: slice) -> Span:
        begin, _end, _step = key.indices(len(self.text))
        return Span(self.text[key], self.start + begin)

    def strip(self) -> Span:
        lead = len(self.text) - len(self.text.lstrip())
        return Span(self.text.strip(), self.start + lead)

    def split_first(self, marker: str) -> tuple[Span, Span | None]:
        at = self.text.find(marker)
        if at < 0:
            return self, None
        return self[:at], self[at + len(marker) :]

    def marked(self, markers: str) -> list[tuple[str, Span]]:
        """Chunks starting at each marker character, as (marker, chunk); Moodle drops an empty
        first chunk and reads a non-empty one as an answer without a marker."""
        chunks, marker, begin = [], "", 0
        for i, ch in enumerate(self.text):
            if ch in markers:
                chunks.append((marker, self[begin:i]))
                marker, begin = ch, i + 1
        chunks.append((marker, self[begin:]))
        if not chunks[0][1].text.strip():
            chunks.pop(0)
        return [(m, chunk.strip()) for m, chunk in chunks]


def split_format(span: Span, default: str) -> tuple[str, Span]:
    """(format, text) of a piece that may start with ``[html]``, ``[markdown]``, ``[plain]``, ``[moodle]``."""
    span = span.strip()
    match = _FORMAT_TAG.match(span.text)
    if match:
        return match.group(1), span[match.end() :].strip()
    return default, span


def format_prefix(value: str, text_format: str, default: str, *, force: bool = False) -> str:
    """The ``[format]`` to write before ``value``: when it differs from the default, or when the
    value itself starts with ``[`` and would otherwise be read as a format."""
    return f"[{text_format}]" if force or text_format != default or value.startswith("[") else ""


def parse_number(text: str) -> float | None:
    """A number as Moodle's ``is_numeric`` reads it (decimal point, optional exponent); not inf/nan."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if abs(value) != float("inf") else None


def number_text(value: float) -> str:
    """A number written exactly and never in scientific notation: 299792458, 0.1, 0.0000001."""
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def parse_percent(text: str) -> float | None:
    """A grade fraction from a percentage ("50" → 0.5), exactly as written; None past ±100."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > 100:
        return None
    return float(value.scaleb(-2))


def percent_text(fraction: float) -> str:
    """A fraction as GIFT's percentage: 0.5 → "50", -1 → "-100", 0.3333333 → "33.33333"."""
    text = format(Decimal(repr(float(fraction))).scaleb(2).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def category_path(names: list[str]) -> str:
    """A ``$CATEGORY:`` path as Moodle writes it: a slash inside a name doubled."""
    parts = ["$course$", "top"] + [" ".join(name.split()).replace("/", "//") for name in names]
    return "/".join(parts)


def category_names(path: str) -> list[str]:
    """The category names of a ``$CATEGORY:`` path, without ``$course$/`` and ``top/``."""
    path = _CONTEXT.sub("", path.strip())
    names = [part.replace(_FILLER, "/").strip() for part in path.replace("//", _FILLER).split("/")]
    if names and names[0] == "top":
        names.pop(0)
    return [name for name in names if name]
