"""How a score in percent reads, everywhere people see one: the review, the attempts tables, the
admin report, e-mails, the coordinator's pages and the certificate (``{{ value|score }}`` in
templates, ``quizzes.templatetags.quiz_tags``)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.utils.formats import number_format


def score_display(value) -> str:
    """``100`` → ``100``, ``1.82`` → ``1,8`` (``1.8`` in English), ``None`` → ``""``; the caller
    adds the ``%``.

    Whole when the score is whole at one decimal, else one decimal in the active language. Cut, not
    rounded: pass marks are whole percents, so a failing 69.96 reads 69,9 — never the 70 it missed.
    """
    if value is None:
        return ""
    tenth = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
    places = 0 if tenth == tenth.to_integral_value() else 1
    return number_format(tenth, decimal_pos=places)
