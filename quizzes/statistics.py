"""Quiz reports: attempts, per-question facility and discrimination, response frequencies.

Facility index = mean fraction earned on the question (×100). Discrimination
index = Pearson correlation (×100) between the question's fraction and the
attempt's score on the *other* questions, as Moodle computes it. Both use
every graded attempt (Moodle's "all attempts" report).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import grading
from .models import Attempt, AttemptAnswer, AttemptState, QuestionVersion, QuizPage


@dataclass
class QuestionStats:
    question_id: int
    name: str
    attempts: int
    facility: float | None
    discrimination: float | None
    responses: list[tuple[str, int]] = field(default_factory=list)


def graded_attempts(*, quiz: QuizPage):
    return (
        Attempt.objects.filter(quiz=quiz, state=AttemptState.GRADED)
        .select_related("user")
        .order_by("user_id", "cycle", "number")
    )


def question_statistics(*, quiz: QuizPage) -> list[QuestionStats]:
    attempts = list(graded_attempts(quiz=quiz))
    answers = AttemptAnswer.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "slot", "fraction", "response", "version_id"
    )
    slot_question = {a.pk: {e["slot"]: e["question_id"] for e in a.slots} for a in attempts}
    slot_count = {a.pk: len(a.slots) for a in attempts}
    by_attempt: dict[int, dict[int, float]] = defaultdict(dict)  # attempt → question → fraction
    responses: dict[int, Counter] = defaultdict(Counter)
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in={row[4] for row in answers})}
    names: dict[int, str] = {}
    for attempt_id, slot, fraction, response, version_id in answers:
        question_id = slot_question[attempt_id][slot]
        by_attempt[attempt_id][question_id] = fraction or 0.0
        payload = versions[version_id].payload
        names[question_id] = payload.get("name") or payload["text"][:60]
        responses[question_id][grading.response_display(payload, response) or "—"] += 1
    for attempt in attempts:  # unanswered questions count as 0
        for entry in attempt.slots:
            by_attempt[attempt.pk].setdefault(entry["question_id"], 0.0)
            if entry["question_id"] not in names:
                names[entry["question_id"]] = str(entry["question_id"])
    results = []
    for question_id in sorted(names):
        pairs = []
        for attempt in attempts:
            fractions = by_attempt[attempt.pk]
            if question_id not in fractions:
                continue
            rest = sum(f for q, f in fractions.items() if q != question_id)
            pairs.append((fractions[question_id], rest / max(1, slot_count[attempt.pk] - 1)))
        facility = 100 * sum(p[0] for p in pairs) / len(pairs) if pairs else None
        results.append(
            QuestionStats(
                question_id=question_id,
                name=names[question_id],
                attempts=len(pairs),
                facility=round(facility, 2) if facility is not None else None,
                discrimination=_pearson(pairs),
                responses=responses[question_id].most_common(),
            )
        )
    return results


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
