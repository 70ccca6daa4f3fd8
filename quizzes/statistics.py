"""Quiz statistics, as Moodle's quiz statistics report computes them, over every graded attempt.

Quiz level: number of attempts, mean, median and standard deviation of the score (%), Cronbach's α
(Moodle's "coefficient of internal consistency", over the graded slots) and the standard error of
measurement (SD × √(1 − α), in percentage points). Question level: facility index = mean fraction
earned (×100); discrimination index = Pearson correlation (×100) between the question's fraction and
the attempt's mean fraction on the *other* questions; response frequencies.

The figures are computed by a worker task when attempts change and kept in ``QuizStatistics``
(``quizzes.services.quiz_statistics_refresh``); a report page only reads them.
"""

from __future__ import annotations

import math
import statistics as pystats
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db.models import Count, Max

from lms.html import html_to_text

from . import grading
from .models import Attempt, AttemptAnswer, AttemptState, QuestionVersion, QuizPage
from .qtypes import qtype_for


@dataclass
class QuestionStats:
    question_id: int
    name: str
    attempts: int
    facility: float | None
    discrimination: float | None
    responses: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class QuizSummary:
    attempts: int
    mean: float | None
    median: float | None
    standard_deviation: float | None
    cronbach_alpha: float | None  # ×100, as Moodle shows it
    standard_error: float | None  # percentage points


@dataclass
class QuizStatisticsFigures:
    summary: QuizSummary
    questions: list[QuestionStats]

    def as_json(self) -> dict:
        return {"summary": asdict(self.summary), "questions": [asdict(q) for q in self.questions]}

    @classmethod
    def from_json(cls, data: dict) -> QuizStatisticsFigures:
        return cls(
            summary=QuizSummary(**data["summary"]),
            questions=[
                QuestionStats(**{**q, "responses": [tuple(pair) for pair in q["responses"]]}) for q in data["questions"]
            ],
        )


def graded_attempts(*, quiz: QuizPage):
    return Attempt.objects.filter(quiz=quiz, state=AttemptState.GRADED).order_by("user_id", "cycle", "number")


def graded_fingerprint(*, quiz_id: int) -> tuple[int, datetime | None]:
    """What the cached figures are computed from: (graded attempts, latest grading time)."""
    row = Attempt.objects.filter(quiz_id=quiz_id, state=AttemptState.GRADED).aggregate(
        n=Count("pk"), last=Max("graded_at")
    )
    return row["n"], row["last"]


def graded_fingerprints() -> dict[int, tuple[int, datetime | None]]:
    """The fingerprint of every quiz with graded attempts (one grouped query, for the sweeper)."""
    rows = (
        Attempt.objects.filter(state=AttemptState.GRADED)
        .values("quiz_id")
        .annotate(n=Count("pk"), last=Max("graded_at"))
        .values_list("quiz_id", "n", "last")
    )
    return {quiz_id: (n, last) for quiz_id, n, last in rows}


def quiz_statistics_compute(*, quiz: QuizPage) -> QuizStatisticsFigures:
    attempts = list(graded_attempts(quiz=quiz).only("pk", "layout", "score_pct"))
    answers = AttemptAnswer.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.GRADED).values_list(
        "attempt_id", "slot", "fraction", "mark", "response", "version_id"
    )
    version_ids = {e["version_id"] for a in attempts for e in a.slots}
    versions = {v.pk: v.payload for v in QuestionVersion.objects.filter(pk__in=version_ids)}
    graded_version = {pk for pk, payload in versions.items() if qtype_for(payload).graded}

    fractions: dict[int, dict[int, float]] = defaultdict(dict)  # attempt → question → fraction
    slot_marks: dict[int, dict[int, float]] = defaultdict(dict)  # attempt → slot → mark earned
    responses: dict[int, Counter] = defaultdict(Counter)
    names: dict[int, str] = {}
    slot_question = {a.pk: {e["slot"]: e["question_id"] for e in a.slots} for a in attempts}
    for attempt_id, slot, fraction, mark, response, version_id in answers:
        if version_id not in graded_version or attempt_id not in slot_question:
            continue
        question_id = slot_question[attempt_id][slot]
        fractions[attempt_id][question_id] = fraction or 0.0
        slot_marks[attempt_id][slot] = mark or 0.0
        responses[question_id][grading.response_display(versions[version_id], response) or "—"] += 1
    for attempt in attempts:  # unanswered questions count as 0
        for entry in attempt.slots:
            if entry["version_id"] not in graded_version:
                continue
            fractions[attempt.pk].setdefault(entry["question_id"], 0.0)
            slot_marks[attempt.pk].setdefault(entry["slot"], 0.0)
            payload = versions[entry["version_id"]]
            names.setdefault(entry["question_id"], payload.get("name") or html_to_text(payload["text"])[:60])
    return QuizStatisticsFigures(
        summary=_summary(attempts, slot_marks),
        questions=[
            _question(question_id, names[question_id], attempts, fractions, responses) for question_id in sorted(names)
        ],
    )


def question_statistics(*, quiz: QuizPage) -> list[QuestionStats]:
    return quiz_statistics_compute(quiz=quiz).questions


def _summary(attempts: list[Attempt], slot_marks: dict[int, dict[int, float]]) -> QuizSummary:
    scores = [float(a.score_pct) for a in attempts if a.score_pct is not None]
    n = len(scores)
    if not n:
        return QuizSummary(0, None, None, None, None, None)
    sd = pystats.stdev(scores) if n > 1 else None
    alpha = _cronbach_alpha([slot_marks[a.pk] for a in attempts])
    se = sd * math.sqrt(1 - alpha / 100) if sd is not None and alpha is not None and alpha <= 100 else None
    return QuizSummary(
        attempts=n,
        mean=round(pystats.fmean(scores), 2),
        median=round(pystats.median(scores), 2),
        standard_deviation=round(sd, 2) if sd is not None else None,
        cronbach_alpha=alpha,
        standard_error=round(se, 2) if se is not None else None,
    )


def _cronbach_alpha(rows: list[dict[int, float]]) -> float | None:
    """α = k/(k−1) · (1 − Σ var(slot) / var(total)), over the slots every attempt has (×100)."""
    if len(rows) < 2:
        return None
    slots = sorted(set.intersection(*(set(row) for row in rows)))
    k = len(slots)
    if k < 2:
        return None
    totals = [sum(row[s] for s in slots) for row in rows]
    total_var = pystats.variance(totals)
    if total_var == 0:
        return None
    item_var = sum(pystats.variance([row[s] for row in rows]) for s in slots)
    return round(100 * (k / (k - 1)) * (1 - item_var / total_var), 2)


def _question(question_id, name, attempts, fractions, responses) -> QuestionStats:
    pairs = []
    for attempt in attempts:
        mine = fractions[attempt.pk]
        if question_id not in mine:
            continue
        others = [f for q, f in mine.items() if q != question_id]
        pairs.append((mine[question_id], sum(others) / max(1, len(others))))
    facility = 100 * sum(p[0] for p in pairs) / len(pairs) if pairs else None
    return QuestionStats(
        question_id=question_id,
        name=name,
        attempts=len(pairs),
        facility=round(facility, 2) if facility is not None else None,
        discrimination=_pearson(pairs),
        responses=responses[question_id].most_common(),
    )


def _pearson(pairs: list[tuple[float, float]]) -> float | None:
    n = len(pairs)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in pairs) / n
    mean_y = sum(y for _, y in pairs) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    sxx = sum((x - mean_x) ** 2 for x, _ in pairs)
    syy = sum((y - mean_y) ** 2 for _, y in pairs)
    if sxx == 0 or syy == 0:
        return None
    return round(100 * sxy / math.sqrt(sxx * syy), 2)
