"""GIFT (Moodle's text format for questions) as pure functions over schema-2 payloads.

``gift_parse(text)`` reads a file into specs (``docs/quiz_payloads.md``) and line-numbered errors,
never raising. No models, no database: the import screen and ``question_create`` call it.
"""

from .parse import CATCH_ALL, GiftError, GiftParse, ParsedQuestion, gift_parse

__all__ = ["CATCH_ALL", "GiftError", "GiftParse", "ParsedQuestion", "gift_parse"]
