from django import template

from quizzes.scores import score_display

register = template.Library()


@register.filter
def index(sequence, position):
    """``list|index:n`` — the n-th item, or None."""
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def duration_mmss(seconds) -> str:
    seconds = max(0, int(seconds or 0))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@register.filter
def score(value) -> str:
    """``attempt.score_pct|score`` — a percent as people read it (``quizzes.scores.score_display``)."""
    return score_display(value)
