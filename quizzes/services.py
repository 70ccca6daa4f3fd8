"""Writes of the quiz engine: versions, attempts, grading, overrides, regrades.

Every public function is one transaction. Attempt writes lock the attempt row
(``select_for_update``) and check the page-submit ``sequence``: of parallel or
replayed submits of one page exactly one is accepted. Grading happens only
here, on the server, from the frozen question versions.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.services import LearningError, lesson_complete_within
from lms.accounts.models import User
from lms.audit.services import audit_changes, audit_record
from lms.text import normalize_nfc

from . import grading
from .models import (
    Attempt,
    AttemptAnswer,
    AttemptState,
    OverduePolicy,
    Question,
    QuestionVersion,
    QuizOverride,
    QuizPage,
)
from .models.bank import QuestionChoice
from .payloads import payload_from_question, payload_validate, question_fields_from_payload
from .qtypes import qtype_for
from .selectors import attempt_cycle_for, quiz_cached
from .statistics_cache import quiz_statistics_enqueue_on_commit

logger = logging.getLogger(__name__)

# A request that reaches the server this close after the deadline still counts (clock skew, network).
DEADLINE_TOLERANCE = timedelta(seconds=0)
FINAL_STATES = {AttemptState.GRADED, AttemptState.ABANDONED}


class QuizError(Exception):
    """A quiz action that cannot be done; the message is for people."""


class StaleSubmit(QuizError):
    """A page submit whose sequence number is not the expected one (duplicate, replay, old tab)."""


class TimeUp(QuizError):
    """The attempt's time is over; what happened depends on the quiz's overdue policy."""


class AttemptNotFound(QuizError):
    """No such attempt of this learner."""


class AttemptEnded(StaleSubmit):
    """A submit of an attempt that had already ended before it (submitted, graded or abandoned)."""


# --- question bank -----------------------------------------------------------------


@transaction.atomic
def question_version_ensure(*, question: Question) -> QuestionVersion:
    """The question's current version: a new immutable one when its content changed."""
    payload = payload_from_question(question)
    latest = QuestionVersion.objects.select_for_update().filter(question=question).order_by("-number").first()
    if latest is not None and latest.payload == payload:
        return latest
    return QuestionVersion.objects.create(
        question=question, number=(latest.number + 1) if latest else 1, payload=payload
    )


@transaction.atomic
def question_create(*, category, spec: dict) -> Question:
    """Create a question (and its first version) from a payload-shaped dict."""
    payload = payload_validate(spec)
    fields, rows = question_fields_from_payload(payload)
    question = Question(category=category, **fields)
    question.save()
    QuestionChoice.objects.bulk_create(
        QuestionChoice(question=question, sort_order=index, **row) for index, row in enumerate(rows)
    )
    question_version_ensure(question=Question.objects.get(pk=question.pk))
    return question


def _latest_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    latest_numbers = dict(
        QuestionVersion.objects.filter(question_id__in=question_ids)
        .values_list("question_id")
        .annotate(n=Max("number"))
    )
    versions = QuestionVersion.objects.filter(question_id__in=question_ids)
    return {v.question_id: v for v in versions if latest_numbers.get(v.question_id) == v.number}


# --- attempts ------------------------------------------------------------------------


def _override(quiz: QuizPage, user) -> QuizOverride | None:
    return QuizOverride.objects.filter(quiz=quiz, user=user).first()


def attempt_deadline(quiz: QuizPage, started_at, override: QuizOverride | None):
    deadline = None
    if quiz.time_limit_minutes:
        extra = override.extra_minutes if override else 0
        deadline = started_at + timedelta(minutes=quiz.time_limit_minutes + extra)
    if quiz.close_at and (deadline is None or quiz.close_at < deadline):
        deadline = quiz.close_at
    return deadline


@transaction.atomic
def attempt_start(*, user, quiz: QuizPage, now=None) -> Attempt:
    """Start an attempt, or return the one in progress (resume after a lost connection).

    The attempt belongs to the cycle of the learner's current enrolment in the
    quiz's course (``attempt_cycle_for``; 1 without an enrolment). Numbering, the
    attempt limit (with overrides), the delay and the one-in-progress rule count
    only that cycle's attempts; an attempt left in progress in an earlier cycle
    is abandoned (it can no longer count).

    Freezes the random selection, the question and option order, the pages
    and the question versions. Raises ``QuizError`` when the quiz is closed,
    attempts are used up, or the delay between attempts has not passed.
    """
    now = now or timezone.now()
    cycle = attempt_cycle_for(quiz=quiz, user=user)
    open_attempts = Attempt.objects.select_for_update().filter(user=user, quiz=quiz, state=AttemptState.IN_PROGRESS)
    current = None
    for attempt in open_attempts:
        if attempt.cycle < cycle:
            _abandon(attempt, now)
        elif attempt.cycle == cycle:
            current = attempt
    if current is not None:
        _apply_overdue(current, now)
        if current.state == AttemptState.IN_PROGRESS:
            return current
    if quiz.open_at and now < quiz.open_at:
        raise QuizError(_("Bài kiểm tra chưa mở."))
    if quiz.close_at and now >= quiz.close_at:
        raise QuizError(_("Bài kiểm tra đã đóng."))
    every = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("cycle", "number"))
    previous = [attempt for attempt in every if attempt.cycle == cycle]
    override = _override(quiz, user)
    allowed = quiz.max_attempts + (override.extra_attempts if override else 0) if quiz.max_attempts else 0
    if allowed and len(previous) >= allowed:  # abandoned attempts count too, as in Moodle
        raise QuizError(_("Bạn đã dùng hết %(n)s lượt làm bài.") % {"n": allowed})
    if quiz.attempt_delay_minutes and previous and previous[-1].submitted_at:
        ready_at = previous[-1].submitted_at + timedelta(minutes=quiz.attempt_delay_minutes)
        if now < ready_at:
            raise QuizError(
                _("Bạn có thể làm lại sau %(time)s.")
                % {"time": timezone.localtime(ready_at).strftime("%H:%M %d/%m/%Y")}
            )
    layout = _layout(quiz, user, every)  # questions seen least over every cycle come first
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                user=user,
                quiz=quiz,
                cycle=cycle,
                number=(previous[-1].number + 1) if previous else 1,
                layout=layout,
                started_at=now,
                deadline=attempt_deadline(quiz, now, override),
            )
    except IntegrityError:  # a parallel start won the race: resume it
        return Attempt.objects.get(user=user, quiz=quiz, cycle=cycle, state=AttemptState.IN_PROGRESS)


def _layout(quiz: QuizPage, user, previous: list[Attempt]) -> dict:
    rng = random.SystemRandom()  # the OS's randomness: no attempt's order foretells the next one's
    slots = list(quiz.slots.select_related("question", "category").order_by("sort_order"))
    fixed_ids = [slot.question_id for slot in slots if slot.question_id]
    seen_counts: dict[int, int] = {}
    for attempt in previous:
        for entry in attempt.slots:
            seen_counts[entry["question_id"]] = seen_counts.get(entry["question_id"], 0) + 1
    chosen: list[int] = []
    marks: dict[int, float] = {}  # question → the slot's mark, when the slot sets one
    for slot in slots:
        if slot.question_id:
            chosen.append(slot.question_id)
            if slot.mark is not None:
                marks[slot.question_id] = float(slot.mark)
            continue
        candidates = list(
            Question.objects.filter(category=slot.category)
            .exclude(pk__in=fixed_ids + chosen)
            .values_list("pk", flat=True)
        )
        # Prefer the questions this learner has seen least (as Moodle does), randomly among equals.
        rng.shuffle(candidates)
        candidates.sort(key=lambda pk: seen_counts.get(pk, 0))
        drawn = candidates[: slot.random_count]
        chosen.extend(drawn)
        if slot.mark is not None:
            marks.update(dict.fromkeys(drawn, float(slot.mark)))
    if not chosen:
        raise QuizError(_("Bài kiểm tra chưa có câu hỏi."))
    versions = _latest_versions(chosen)
    for question in Question.objects.filter(pk__in=[pk for pk in chosen if pk not in versions]):
        versions[question.pk] = question_version_ensure(question=question)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    entries = []
    for index, question_id in enumerate(chosen):
        version = versions[question_id]
        mark = marks.get(question_id, float(version.payload.get("default_mark", 1.0)))
        entry = {"slot": index, "question_id": question_id, "version_id": version.pk, "mark": mark}
        entry.update(grading.layout_entry_for(version.payload, rng=rng, shuffle_answers=quiz.shuffle_answers))
        entries.append(entry)
    per_page = max(1, quiz.questions_per_page)
    return {"pages": [entries[i : i + per_page] for i in range(0, len(entries), per_page)]}


def _locked_attempt(attempt_id: int, user) -> Attempt:
    # The attempt's row alone is locked (a lock over a join with the quiz page would hold the page's
    # rows too, which every learner of that quiz locks: a class submitting at once would queue); the
    # quiz comes from the content cache, as its pages do (its settings change only when published).
    attempt = Attempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise AttemptNotFound(_("Không tìm thấy lượt làm bài."))
    attempt.quiz = quiz_cached(attempt.quiz_id)
    if isinstance(user, User):
        attempt.user = user  # the same person (filtered on): completing the lesson need not load them again
    return attempt


def _apply_overdue(attempt: Attempt, now) -> None:
    """Move an attempt past its deadline to the state its quiz's policy says."""
    if attempt.state != AttemptState.IN_PROGRESS or attempt.deadline is None:
        return
    if now <= attempt.deadline + DEADLINE_TOLERANCE:
        return
    policy = attempt.quiz.overdue_policy
    if policy == OverduePolicy.AUTOSUBMIT:
        _finalize(attempt, now=attempt.deadline, state=AttemptState.AUTO_SUBMITTED)
    elif policy == OverduePolicy.GRACE:
        if now > attempt.deadline + timedelta(minutes=attempt.quiz.grace_minutes) + DEADLINE_TOLERANCE:
            _abandon(attempt, now)
    else:
        _abandon(attempt, now)


def _abandon(attempt: Attempt, now) -> None:
    attempt.state = AttemptState.ABANDONED
    attempt.submitted_at = None
    attempt.save(update_fields=["state", "submitted_at"])


def _sequence_problem(attempt: Attempt, sequence: int) -> QuizError | None:
    if attempt.state != AttemptState.IN_PROGRESS:
        return AttemptEnded(_("Lượt làm bài này đã kết thúc."))
    if sequence != attempt.sequence:
        return StaleSubmit(
            _("Trang này đã được gửi trước đó hoặc đã cũ. Hãy tải lại trang để tiếp tục với câu trả lời đã lưu.")
        )
    return None


def _save_responses(attempt: Attempt, page: int, data, now) -> None:
    pages = attempt.layout["pages"]
    if not 0 <= page < len(pages):
        raise QuizError(_("Trang không hợp lệ."))
    entries = pages[page]
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in entries])}
    existing = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt, slot__in=[e["slot"] for e in entries])}
    with_flags = "page_flags" in data  # the page's form carries its flag boxes
    for entry in entries:
        response = grading.response_from_post(versions[entry["version_id"]].payload, entry, data, f"q{entry['slot']}")
        answer = existing.get(entry["slot"])
        flagged = f"flag{entry['slot']}" in data if with_flags else (answer.flagged if answer else False)
        if answer is None:
            AttemptAnswer.objects.create(
                attempt=attempt,
                slot=entry["slot"],
                version_id=entry["version_id"],
                response=response,
                flagged=flagged,
                saved_at=now,
            )
        else:
            answer.response, answer.saved_at, answer.flagged = response, now, flagged
            answer.save(update_fields=["response", "saved_at", "flagged"])


def _time_problem(attempt: Attempt, now) -> QuizError | None:
    if (
        attempt.state in (AttemptState.AUTO_SUBMITTED, AttemptState.GRADED)
        and attempt.deadline
        and now > attempt.deadline
    ):
        return TimeUp(_("Hết giờ: bài đã được tự động nộp với các câu trả lời đã lưu."))
    if attempt.state == AttemptState.ABANDONED:
        return TimeUp(_("Hết giờ: lượt làm bài này không được tính vì chưa nộp đúng hạn."))
    if attempt.state == AttemptState.IN_PROGRESS and attempt.deadline and now > attempt.deadline + DEADLINE_TOLERANCE:
        return TimeUp(_("Hết giờ: không thể sửa câu trả lời, bạn chỉ còn có thể nộp bài."))
    return None


def attempt_save_page(*, attempt_id: int, user, page: int, sequence: int, data, now=None) -> Attempt:
    """Save one page's answers (autosave on navigation). Refuses stale or duplicate
    submits (``StaleSubmit``) and answers after the deadline (``TimeUp``) — after the
    overdue policy has been applied and committed."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        _apply_overdue(attempt, now)
        problem = _time_problem(attempt, now) or _sequence_problem(attempt, sequence)
        if problem is None:
            _save_responses(attempt, page, data, now)
            attempt.sequence += 1
            attempt.save(update_fields=["sequence"])
    if problem is not None:
        raise problem
    return attempt


def attempt_submit(*, attempt_id: int, user, sequence: int, page: int | None = None, data=None, now=None) -> Attempt:
    """Save the last page (if given) and submit; grade at once.

    The returned attempt carries ``course_completed`` (not stored): True when this submit passed
    the quiz and so completed the course (the view then shows the completion page).
    Within a grace period the attempt is submitted with the answers saved
    before the deadline; past it (or under the other policies) ``TimeUp``
    says what happened to the attempt (an attempt the sweeper closed included). ``AttemptNotFound``:
    no such attempt of ``user``; ``AttemptEnded``: it had ended before this submit (a second tab, a
    double click).
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        _apply_overdue(attempt, now)
        in_grace = (
            attempt.state == AttemptState.IN_PROGRESS
            and attempt.deadline is not None
            and now > attempt.deadline + DEADLINE_TOLERANCE
        )
        problem = None if in_grace else _time_problem(attempt, now)
        problem = problem or _sequence_problem(attempt, sequence)
        if problem is None:
            if page is not None and data is not None and not in_grace:
                _save_responses(attempt, page, data, now)
            attempt.sequence += 1
            _finalize(attempt, now=attempt.deadline if in_grace else now, state=AttemptState.SUBMITTED)
    if problem is not None:
        raise problem
    return attempt


def _finalize(attempt: Attempt, *, now, state: str) -> None:
    """submitted/auto_submitted → graded (or needs_grading while an essay waits for a person);
    passing completes the quiz lesson."""
    attempt.state = state
    attempt.submitted_at = now
    _grade(attempt, also_save=("submitted_at", "sequence"))  # one UPDATE: submitted and graded together
    attempt.course_completed = _complete_lesson(attempt) if attempt.passed else False


def _grade(attempt: Attempt, *, refresh_statistics: bool = True, also_save: tuple[str, ...] = ()) -> None:
    """Grade every automatically gradable answer; sum the marks. An answered essay without a grade
    leaves the attempt waiting ("chờ chấm"): no score, no completion until a grader has graded it.
    A graded attempt queues a refresh of the quiz's cached statistics (a caller grading many
    attempts passes ``refresh_statistics=False`` and queues one itself). ``also_save``: fields the
    caller changed, saved in the same UPDATE."""
    # The answers with their question versions in one query; the versions of slots not answered (none
    # once every page was saved) in a second one only if there are such slots.
    answers = {a.slot: a for a in AttemptAnswer.objects.filter(attempt=attempt).select_related("version")}
    versions = {answer.version_id: answer.version for answer in answers.values()}
    unread = {entry["version_id"] for entry in attempt.slots} - versions.keys()
    if unread:
        versions.update((v.pk, v) for v in QuestionVersion.objects.filter(pk__in=unread))
    earned = available = 0.0
    waiting = False
    graded: list[AttemptAnswer] = []
    for entry in attempt.slots:
        payload = versions[entry["version_id"]].payload
        qtype = qtype_for(payload)
        if not qtype.graded:
            continue
        slot_mark = float(entry.get("mark", payload.get("default_mark", 1.0)))
        available += slot_mark
        answer = answers.get(entry["slot"])
        if answer is None:
            continue  # unanswered: no marks
        fraction = grading.grade(versions[answer.version_id].payload, answer.response)
        if fraction is None:  # a person grades it
            if answer.response is None:
                fraction = 0.0
            elif answer.fraction is None:
                waiting = True
                continue
            else:
                fraction = answer.fraction
        answer.fraction, answer.mark = fraction, fraction * slot_mark
        graded.append(answer)
        earned += answer.mark
    _answers_store_marks(graded)
    if waiting:
        attempt.state = AttemptState.NEEDS_GRADING
        attempt.score_pct, attempt.passed = None, None
        attempt.save(update_fields=["state", "score_pct", "passed", *also_save])
        return
    attempt.score_pct = Decimal(100 * earned / available).quantize(Decimal("0.01")) if available else Decimal(0)
    attempt.passed = attempt.score_pct >= attempt.quiz.pass_mark_pct
    attempt.state = AttemptState.GRADED
    attempt.graded_at = timezone.now()
    attempt.save(update_fields=["score_pct", "passed", "state", "graded_at", *also_save])
    if refresh_statistics:
        quiz_statistics_enqueue_on_commit(quiz_id=attempt.quiz_id)


def _answers_store_marks(answers: list[AttemptAnswer]) -> None:
    """Store the answers' fraction and mark: one plain UPDATE per distinct pair — an attempt's answers
    are mostly right or wrong, so one or two statements (Django's ``bulk_update`` builds a CASE per
    answer, ≈ 3 ms of Python for ten); many distinct pairs (partial credit) take one ``bulk_update``."""
    by_marks: dict[tuple, list[int]] = {}
    for answer in answers:
        by_marks.setdefault((answer.fraction, answer.mark), []).append(answer.pk)
    if len(by_marks) > 3:
        AttemptAnswer.objects.bulk_update(answers, ["fraction", "mark"])
        return
    for (fraction, mark), ids in by_marks.items():
        AttemptAnswer.objects.filter(pk__in=ids).update(fraction=fraction, mark=mark)


@transaction.atomic
def answer_grade_manually(*, actor, answer_id: int, mark: float, comment: str = "") -> Attempt:
    """A grader grades one essay answer (marks out of the slot's mark, with a comment, audited).
    When no answer of the attempt waits any more, the attempt is graded; passing completes the
    quiz lesson — and so the course, and the certificate follows."""
    answer = (
        AttemptAnswer.objects.select_for_update(of=("self",))
        .select_related("attempt__quiz", "version")
        .get(pk=answer_id)
    )
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=answer.attempt_id)
    if attempt.state not in (AttemptState.NEEDS_GRADING, AttemptState.GRADED):
        raise QuizError(_("Lượt làm bài này chưa nộp."))
    entry = next(e for e in attempt.slots if e["slot"] == answer.slot)
    slot_mark = float(entry.get("mark", answer.version.payload.get("default_mark", 1.0)))
    if not 0 <= mark <= slot_mark:
        raise QuizError(_("Điểm phải từ 0 đến %(max)s.") % {"max": f"{slot_mark:g}"})
    before = {"mark": answer.mark, "comment": answer.comment}
    answer.fraction = mark / slot_mark if slot_mark else 0.0
    answer.mark, answer.comment = mark, normalize_nfc(comment).strip()
    answer.graded_by, answer.graded_at = actor, timezone.now()
    answer.save(update_fields=["fraction", "mark", "comment", "graded_by", "graded_at"])
    audit_record(
        actor=actor,
        action="quiz.grade_answer",
        target=attempt.user,
        data={
            "attempt_id": attempt.pk,
            "slot": answer.slot,
            "changes": audit_changes(before, {"mark": mark, "comment": answer.comment}),
        },
    )
    was_waiting = attempt.state == AttemptState.NEEDS_GRADING
    was_passed = attempt.passed
    _grade(attempt)
    if attempt.passed and not was_passed:
        _complete_lesson(attempt)
    if was_waiting and attempt.state == AttemptState.GRADED:
        attempt.graded_notice_pending = True
        attempt.save(update_fields=["graded_notice_pending"])
        transaction.on_commit(partial(attempt_graded_notice_enqueue, attempt_id=attempt.pk), robust=True)
    return attempt


def attempt_graded_notice_enqueue(*, attempt_id: int) -> bool:
    """Publish the "your attempt was graded" e-mail. Never raises: the sweeper sends it later."""
    from .tasks import send_graded_notice  # noqa: PLC0415 — tasks.py imports this module

    try:
        send_graded_notice.apply_async(args=[attempt_id], retry=False)
    except Exception as exc:  # any broker error: the pending flag is the source of truth
        logger.warning("Could not queue the graded notice of attempt %s (%s); the sweeper will", attempt_id, exc)
        return False
    return True


def attempt_flag(*, attempt_id: int, user, slot: int, flagged: bool) -> None:
    """Flag a question to come back to (the navigation panel shows it); no sequence needed."""
    with transaction.atomic():
        attempt = _locked_attempt(attempt_id, user)
        if attempt.state != AttemptState.IN_PROGRESS or slot not in {e["slot"] for e in attempt.slots}:
            return
        entry = next(e for e in attempt.slots if e["slot"] == slot)
        updated = AttemptAnswer.objects.filter(attempt=attempt, slot=slot).update(flagged=flagged)
        if not updated:
            AttemptAnswer.objects.create(
                attempt=attempt,
                slot=slot,
                version_id=entry["version_id"],
                response=None,
                flagged=flagged,
                saved_at=timezone.now(),
            )


def _complete_lesson(attempt: Attempt) -> bool:
    """Complete the quiz lesson; True if that completed the course."""
    try:  # refused before anything is written: the submit goes on
        return lesson_complete_within(user=attempt.user, lesson=attempt.quiz).course_newly_completed
    except LearningError:
        return False  # not enrolled (an editor trying the quiz): nothing to complete


@transaction.atomic
def attempts_close_overdue(*, now=None) -> int:
    """Beat sweeper: apply the overdue policy to in-progress attempts past their deadline."""
    now = now or timezone.now()
    ids = list(
        Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lt=now).values_list("pk", flat=True)[:500]
    )
    for attempt in Attempt.objects.select_for_update(of=("self",)).select_related("quiz").filter(pk__in=ids):
        _apply_overdue(attempt, now)
    return len(ids)


@transaction.atomic
def quiz_override_set(
    *, actor, quiz: QuizPage, user, extra_minutes: int, extra_attempts: int, reason: str
) -> QuizOverride:
    override, _created = QuizOverride.objects.update_or_create(
        quiz=quiz,
        user=user,
        defaults={
            "extra_minutes": extra_minutes,
            "extra_attempts": extra_attempts,
            "reason": reason,
            "created_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="quiz.override",
        target=user,
        data={"quiz_id": quiz.pk, "extra_minutes": extra_minutes, "extra_attempts": extra_attempts},
        reason=reason,
    )
    return override


@transaction.atomic
def quiz_regrade(*, actor, quiz: QuizPage, question: Question, reason: str, progress=None) -> int:
    """Regrade every graded attempt containing ``question`` with its current version.

    Explicit and audited: editing a question alone never changes a grade. It grows with learners:
    the report runs it as a background job (``quizzes.jobs``), which passes ``progress(done, total)``.
    """
    version = question_version_ensure(question=question)
    attempts = Attempt.objects.select_for_update().filter(quiz=quiz, state=AttemptState.GRADED).select_related("quiz")
    total = attempts.count()
    changed = 0
    for done, attempt in enumerate(attempts.order_by("pk").iterator(chunk_size=500), start=1):
        if progress is not None and done % 200 == 0:
            progress(done, total)
        slots = [e["slot"] for e in attempt.slots if e["question_id"] == question.pk]
        if not slots:
            continue
        AttemptAnswer.objects.filter(attempt=attempt, slot__in=slots).update(version=version)
        for page in attempt.layout["pages"]:
            for entry in page:
                if entry["question_id"] == question.pk:
                    entry["version_id"] = version.pk
        attempt.save(update_fields=["layout"])
        was_passed = attempt.passed
        _grade(attempt, refresh_statistics=False)
        if attempt.passed and not was_passed:
            _complete_lesson(attempt)
        changed += 1
    quiz_statistics_enqueue_on_commit(quiz_id=quiz.pk)
    audit_record(
        actor=actor,
        action="quiz.regrade",
        target=quiz,
        data={"question_id": question.pk, "version": version.number, "attempts": changed},
        reason=reason,
    )
    return changed
