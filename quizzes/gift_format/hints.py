"""The ``// hocso: {json}`` line: what GIFT cannot say, for Học Số only.

Moodle skips comment lines, so a file with hints is still GIFT. The keys: ``default_mark``;
``all_or_nothing`` (multiple); ``case_sensitive``, ``ignore_diacritics`` (short answer); ``unit``
(numeric); ``response_template``, ``grader_info``, ``min_words`` (essay); ``general_feedback``
(description); ``type``: ``"ordering"`` with the whole payload in a block of comments only, or
``"short_answer"`` where an answer holding ``->`` would read as matching. Unknown keys are
ignored, so a file from a newer Học Số still imports.
"""

from __future__ import annotations

import json
from typing import NoReturn

from django.utils.translation import gettext as _

from lms.html import clean_plain, html_sanitize

from .syntax import FEEDBACK_MAX, GiftProblem


class Hint:
    def __init__(self, values: dict | None = None, line: int = 1):
        self.values, self.line = values or {}, line

    @classmethod
    def read(cls, lines: list[tuple[int, str]]) -> Hint:
        """The hint lines of one block, merged; ``GiftProblem`` if one is not a JSON object."""
        values: dict = {}
        for line, raw in lines:
            try:
                value = json.loads(raw)
            except ValueError:
                value = None
            if not isinstance(value, dict):
                raise GiftProblem(line, _('dòng “// hocso:” phải là một đối tượng JSON, ví dụ {"default_mark": 2}.'))
            values.update(value)
        return cls(values, lines[0][0] if lines else 1)

    def __bool__(self) -> bool:
        return bool(self.values)

    def then(self, later: Hint) -> Hint:
        """This hint with ``later``'s keys on top."""
        return Hint(self.values | later.values, self.line if self.values else later.line)

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def invalid(self, key: str) -> NoReturn:
        raise GiftProblem(self.line, _("dòng “// hocso:”: giá trị của “%(key)s” không hợp lệ.") % {"key": key})

    def value(self, key: str, kind, default, check=lambda value: True):
        """``key``'s value if it has the type ``kind`` (a bool is not a number) and passes ``check``."""
        value = self.values.get(key, default)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)) or not check(value):
            self.invalid(key)
        return value

    def rich(self, key: str) -> str:
        value = html_sanitize(self.value(key, str, ""))
        if len(value) > FEEDBACK_MAX:
            raise GiftProblem(self.line, _("phản hồi dài quá 2.000 ký tự."))
        return value

    def default_mark(self, *, graded: bool) -> dict:
        if not graded:
            return {"default_mark": 0.0}
        mark = self.value("default_mark", int | float, 1.0, lambda mark: 0 < mark <= 1000)
        return {"default_mark": float(mark)}

    def type_keys(self, qtype: str) -> dict:
        """The keys of ``qtype`` that only the hint can give, with their defaults."""
        if qtype == "multiple":
            return {"all_or_nothing": self.value("all_or_nothing", bool, False)}
        if qtype == "short_answer":
            return {
                "case_sensitive": self.value("case_sensitive", bool, False),
                "ignore_diacritics": self.value("ignore_diacritics", bool, True),
            }
        if qtype == "numeric":
            return {"unit": clean_plain(self.value("unit", str, "", lambda unit: len(unit) <= 20))}
        if qtype == "essay":
            return {
                "response_template": self.rich("response_template"),
                "grader_info": self.rich("grader_info"),
                "min_words": self.value("min_words", int, 0, lambda words: words >= 0),
            }
        return {}
