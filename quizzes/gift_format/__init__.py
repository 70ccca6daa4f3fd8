"""GIFT (Moodle's text format for questions) as pure functions over schema-2 payloads.

``gift_parse(text)`` reads a file into specs (``docs/quiz_payloads.md``) and line-numbered errors,
never raising; ``gift_export([(category names, payload)])`` writes them back, so that
export → parse gives the same payloads. No models, no database: the import and export screens
and ``question_create`` call these.
"""

from .export import gift_export, question_gift
from .parse import GiftError, GiftParse, ParsedQuestion, gift_parse

__all__ = ["GiftError", "GiftParse", "ParsedQuestion", "gift_export", "gift_parse", "question_gift"]
