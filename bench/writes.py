"""The write figures of issue 12, against a running gunicorn (``bench.run.Server``) of one bench database.

- ``--mark-done``: marking a lesson done (``POST /learn/lesson/<id>/done/``, what the lesson page's
  button posts) loaded with ``wrk`` and a Lua script that spreads the requests over many (learner,
  lesson) pairs of the dataset — lessons not yet done of non-sequential courses of up to
  ``--learners`` learners, each with a session of its own; round-robin over the enrolments, so a
  learner's lessons are marked in course order and a pair is posted again only once every pair was
  (then the service's idempotent path answers; the count of first-time completions is read back from
  the database). Before the load, one mark-done and one lesson visit through the test client in this
  process: their SQL queries, writes and write transactions ("one short write transaction").
- ``--quiz N``: N learners of the dataset (enrolled, no attempt yet on their course's final quiz)
  each get an attempt started and every page answered right through the quiz services (setup), a
  session of their own and — as a browser does — the summary page fetched for its CSRF token, cookie
  and ``sequence``; then all N post the final submit at the same moment (one thread and one open
  connection each, released by a barrier). Each request's latency; then the database: exactly N
  attempts graded, none lost, none submitted twice. The baseline: one more learner's submit alone,
  through the test client in this process (its time, queries and write transactions).

Each has a floor measured the same way right after it: the minimal signed-in write of
``bench/urls.py`` (``/bench/write/``: session, user and CSRF checks, one UPDATE committed, a
redirect) by the same learners — under wrk, and N at once.

Both write to the dataset (a few hundred lessons done, N passed attempts per run); the learners are
never the bench learner whose pages are measured, and each run picks pairs and learners not yet used.

    .venv/bin/python bench/writes.py --database hocso_bench_1 --port 8000 [--mark-done] [--quiz 50] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BROKER_DB, django_setup, redis_flush
from bench.dataset import BENCH_EMAIL

HOST = "localhost"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEQUENCE_FIELD = re.compile(r'name="sequence" value="(\d+)"')
LEARNER_EMAIL = r"^bench-[0-9]+@example\.vn$"
MINIMAL_WRITE = "/bench/write/"
MINIMAL_WRITE_DONE = "/bench/hello/"  # where it redirects once written (a signed-out post: to sign-in)


# --- HTTP as a browser -----------------------------------------------------------------------------


def http_request(port: int, method: str, path: str, *, cookie: str, body: str = "") -> tuple[int, dict, str]:
    """One request to gunicorn; answers the status, the headers (Set-Cookie as a list) and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": HOST, "Cookie": cookie}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        found = {name.lower(): value for name, value in response.getheaders()}
        found["set-cookie"] = response.msg.get_all("Set-Cookie") or []
        return response.status, found, text
    finally:
        connection.close()


def csrf_from(port: int, path: str, cookie: str) -> tuple[str, str, str]:
    """GET ``path`` as the browser of ``cookie`` does before posting its form: the CSRF cookie the
    server sets, the form's CSRF token and the page's HTML."""
    status, headers, html = http_request(port, "GET", path, cookie=cookie)
    assert status == 200, (path, status)
    token = CSRF_FIELD.search(html)
    assert token, f"{path}: no CSRF token in the form"
    cookies = [c.split(";", 1)[0] for c in headers["set-cookie"] if c.startswith("csrftoken=")]
    assert cookies, f"{path}: the server set no CSRF cookie"
    return cookies[0], token.group(1), html


# --- Counting the writes of one request in process -------------------------------------------------


def writes_count(send) -> dict:
    """Queries, write statements and write transactions of ``send()`` (a test-client request).

    A write transaction is an outermost ``atomic`` block that wrote (counted at its commit) or a write
    statement in autocommit mode (its own transaction)."""
    from django.db import connections

    connection = connections["default"]
    state = {"queries": 0, "writes": 0, "transactions": 0, "pending": False, "statements": []}

    def record(execute, sql, params, many, context):
        state["queries"] += 1
        if sql.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            state["writes"] += 1
            state["statements"].append(sql[:120])
            if connection.in_atomic_block:
                state["pending"] = True
            else:
                state["transactions"] += 1
        return execute(sql, params, many, context)

    commit = connection.commit

    def counted_commit():
        if state["pending"]:
            state["transactions"] += 1
            state["pending"] = False
        return commit()

    with connection.execute_wrapper(record), mock.patch.object(connection, "commit", counted_commit):
        started = time.perf_counter()
        response = send()
        seconds = time.perf_counter() - started
    state.pop("pending")
    return state | {"status": response.status_code, "ms": seconds * 1000}


# --- Marking a lesson done -------------------------------------------------------------------------


def mark_done_pairs(learners: int, seed: int) -> list[tuple[int, int, int]]:
    """(user, enrolment, lesson) pairs not done yet, of non-sequential courses, for up to ``learners``
    learners (a pseudo-random pick of ``seed``: each run takes others, so runs do not use up the same
    learners' lessons), interleaved round-robin over the enrolments (a learner's lessons of one course
    stay in course order)."""
    from courses.models import CoursePage, Enrollment, EnrollmentStatus, LessonProgress
    from courses.selectors import course_outline
    from quizzes.models import QuizPage

    lessons = {}
    for course in CoursePage.objects.live().filter(sequential=False):
        quizzes = set(QuizPage.objects.descendant_of(course).values_list("pk", flat=True))
        lessons[course.pk] = [lesson.pk for lesson in course_outline(course).lessons if lesson.pk not in quizzes]
    enrolments = (
        Enrollment.objects.filter(
            status=EnrollmentStatus.ACTIVE, course_id__in=lessons, user__email__regex=LEARNER_EMAIL
        )
        .exclude(user__email=BENCH_EMAIL)
        .extra(
            select={"shuffle": "md5(courses_enrollment.user_id::text || %s)"},
            select_params=[str(seed)],
            order_by=["shuffle", "id"],
        )
        .values_list("user_id", "id", "course_id")
    )
    chosen, users = [], set()
    for user_id, enrollment_id, course_id in enrolments.iterator(chunk_size=2000):
        if user_id not in users and len(users) == learners:
            break
        users.add(user_id)
        chosen.append((user_id, enrollment_id, course_id))
    done = set(
        LessonProgress.objects.filter(
            enrollment_id__in=[e for _u, e, _c in chosen], completed_at__isnull=False
        ).values_list("enrollment_id", "lesson_id")
    )
    streams = []
    for user_id, enrollment_id, course_id in chosen:
        todo = [lesson for lesson in lessons[course_id] if (enrollment_id, lesson) not in done]
        if todo:
            streams.append([(user_id, enrollment_id, lesson) for lesson in todo])
    pairs = []
    for k in range(max((len(s) for s in streams), default=0)):
        pairs += [stream[k] for stream in streams if k < len(stream)]
    return pairs


def lua_script(pairs: list[tuple[str, str]], csrf_cookie: str, token: str, threads: int) -> str:
    """wrk script: thread t posts pairs t, t + threads, t + 2·threads… (then from the start again)."""
    rows = ",\n".join(f'{{"{path}", "{cookie}; {csrf_cookie}"}}' for path, cookie in pairs)
    body = urlencode({"csrfmiddlewaretoken": token})
    return f"""-- generated by bench/writes.py
local pairs = {{
{rows}
}}
local body = "{body}"
local threads = {threads}
local counter = 0
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end
function request()
  local pair = pairs[(id + counter * threads) % #pairs + 1]
  counter = counter + 1
  return wrk.format("POST", pair[1], {{
    ["Host"] = "{HOST}",
    ["Cookie"] = pair[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }}, body)
end
"""


def mark_done_measure(port: int, args) -> dict:
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from bench.pages import page_course, session_cookie
    from courses.models import Enrollment, LessonPage, LessonProgress
    from courses.selectors import course_outline
    from lms.accounts.models import User

    pairs = mark_done_pairs(args.learners, seed=time.time_ns())
    assert len(pairs) > 1, "no lesson left to mark done in this dataset"
    users = User.objects.in_bulk({user_id for user_id, _e, _l in pairs})
    # In process: one lesson visit (the bench learner's measured lesson page) and one mark-done.
    bench_learner = User.objects.get(email=BENCH_EMAIL)
    visit_client = Client(HTTP_HOST=HOST)
    visit_client.force_login(bench_learner)
    lesson_url = course_outline(page_course()).lessons[0].get_url()
    visit_client.get(lesson_url)  # warm
    # A recorded visit (a reload of the same lesson within LESSON_VISIT_RECORD_SECONDS writes
    # nothing: ``courses.services.lesson_visit``), so every visit of this one is recorded.
    with override_settings(LESSON_VISIT_RECORD_SECONDS=0):
        visit = writes_count(lambda: visit_client.get(lesson_url))
    # Two pairs of one learner (the first warms this process up), marked done in process.
    (user_id, _enrollment, warm_id) = pairs[0]
    lesson_id = next(lesson for user, _e, lesson in pairs[1:] if user == user_id)
    pairs = [pair for pair in pairs if pair[0] != user_id or pair[2] not in (warm_id, lesson_id)]
    done_client = Client(HTTP_HOST=HOST)
    done_client.force_login(users[user_id])
    done_client.post(reverse("lesson_mark_done", args=[warm_id]))
    done = writes_count(lambda: done_client.post(reverse("lesson_mark_done", args=[lesson_id])))
    assert done["status"] == 302, done

    cookies = {user_id: session_cookie(user) for user_id, user in users.items()}
    # The CSRF cookie and token, as a browser gets them: from the lesson page's form (Django's CSRF
    # cookie is not tied to the session, so one pair serves every learner's session).
    first_user, _e, first_lesson = pairs[0]
    csrf_cookie, token, _html = csrf_from(port, LessonPage.objects.get(pk=first_lesson).url, cookies[first_user])
    # One request by hand first: it must mark the lesson done (a redirect onwards, not back to it).
    path = reverse("lesson_mark_done", args=[first_lesson])
    status, headers, _body = http_request(
        port,
        "POST",
        path,
        cookie=f"{cookies[first_user]}; {csrf_cookie}",
        body=urlencode({"csrfmiddlewaretoken": token}),
    )
    assert status == 302, (path, status)
    pairs = pairs[1:]
    targets = [(reverse("lesson_mark_done", args=[lesson]), cookies[user]) for user, _e, lesson in pairs]
    started_at = timezone.now()
    result = wrk_posts(port, targets, csrf_cookie, token, args)
    # The floor: the same learners' minimal signed-in write (bench/urls.py), measured the same way.
    learners_once = dict.fromkeys(user for user, _e, _l in pairs)
    minimal = wrk_posts(port, [(MINIMAL_WRITE, cookies[user]) for user in learners_once], csrf_cookie, token, args)
    enrolments = {enrollment for _u, enrollment, _l in pairs}
    fresh = LessonProgress.objects.filter(enrollment_id__in=enrolments, completed_at__gte=started_at).count()
    completed = Enrollment.objects.filter(pk__in=enrolments, completed_at__gte=started_at).aggregate(n=Count("pk"))["n"]
    return result | {
        "learners": len(cookies),
        "pairs": len(targets),
        "first_time_completions": fresh,
        "courses_completed": completed,
        "in_process": {"mark_done": done, "visit": visit},
        "minimal_write": minimal,
    }


def wrk_posts(port: int, targets: list[tuple[str, str]], csrf_cookie: str, token: str, args) -> dict:
    """wrk POSTing ``targets`` — (path, session cookie) — round-robin with the CSRF cookie and token."""
    from bench.run import wrk

    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-posts-") as script:
        script.write(lua_script(targets, csrf_cookie, token, args.threads))
        script.flush()
        return wrk(
            port,
            targets[0][0],
            cookie=None,
            duration=args.duration,
            threads=args.threads,
            connections=args.connections,
            script=script.name,
        )


# --- The quiz submit -------------------------------------------------------------------------------


def quiz_setup(count: int) -> list[dict]:
    """``count`` learners, each with an attempt in progress on a course's final quiz, every page
    answered right (saved through the service, page by page, as the browser's page saves do)."""
    from django.utils.datastructures import MultiValueDict

    from bench.pages import session_cookie
    from courses.models import Enrollment, EnrollmentStatus
    from quizzes.demo import correct_form_values
    from quizzes.models import Attempt, QuestionVersion, QuizPage
    from quizzes.services import attempt_save_page, attempt_start

    quizzes = {}
    for quiz in QuizPage.objects.live():
        quizzes[quiz.get_parent().get_parent().pk] = quiz  # course → module → quiz
    chosen, users = [], set()
    enrolments = (
        Enrollment.objects.filter(
            status=EnrollmentStatus.ACTIVE, course_id__in=quizzes, user__email__regex=LEARNER_EMAIL
        )
        .exclude(user__email=BENCH_EMAIL)
        .select_related("user")
        .extra(select={"shuffle": "md5(courses_enrollment.id::text)"}, order_by=["shuffle"])
    )
    for enrollment in enrolments.iterator(chunk_size=500):
        quiz = quizzes[enrollment.course_id]
        if enrollment.user_id in users or Attempt.objects.filter(user_id=enrollment.user_id, quiz=quiz).exists():
            continue
        users.add(enrollment.user_id)
        chosen.append((enrollment.user, quiz, enrollment.course_id))
        if len(chosen) == count:
            break
    assert len(chosen) == count, f"only {len(chosen)} learners without an attempt on their course's quiz"
    learners = []
    for user, quiz, course_id in chosen:
        attempt = attempt_start(user=user, quiz=quiz)
        versions = {
            v.pk: v.payload for v in QuestionVersion.objects.filter(pk__in=[e["version_id"] for e in attempt.slots])
        }
        data = MultiValueDict()
        for page in attempt.layout["pages"]:
            for entry in page:
                for key, values in correct_form_values(versions[entry["version_id"]], entry).items():
                    data.setlist(key, values)
        for page in range(len(attempt.layout["pages"])):
            attempt = attempt_save_page(
                attempt_id=attempt.pk, user=user, page=page, sequence=attempt.sequence, data=data
            )
        learners.append({"attempt": attempt.pk, "user": user.pk, "course": course_id, "cookie": session_cookie(user)})
    return learners


def quiz_submit_measure(port: int, count: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from lms.accounts.models import User
    from quizzes.models import Attempt, AttemptState

    *learners, warm, alone = quiz_setup(count + 2)
    # The baseline: one more learner's submit alone, in this process (test client, no CSRF check),
    # after another learner's submit warmed this process up (its first grading, completion, templates).
    client = Client(HTTP_HOST=HOST)
    for learner in (warm, alone):
        client.force_login(User.objects.get(pk=learner["user"]))
        sequence = Attempt.objects.get(pk=learner["attempt"]).sequence
        summary = reverse("quiz_summary", args=[learner["attempt"]])
        client.get(summary)
        if learner is warm:
            client.post(summary, {"sequence": sequence})
    single = writes_count(lambda: client.post(summary, {"sequence": sequence}))
    assert single["status"] == 302 and Attempt.objects.get(pk=alone["attempt"]).state == AttemptState.GRADED, single
    for learner in learners:  # the summary page, as the browser shows it before the final submit
        summary = reverse("quiz_summary", args=[learner["attempt"]])
        csrf_cookie, token, html = csrf_from(port, summary, learner["cookie"])
        sequence = SEQUENCE_FIELD.search(html).group(1)
        learner |= {
            "path": summary,
            "sequence": int(sequence),
            "cookie": f"{learner['cookie']}; {csrf_cookie}",
            "body": urlencode({"csrfmiddlewaretoken": token, "sequence": sequence}),
        }
    posts_at_once(port, learners)
    # The floor: the same learners' minimal signed-in write (bench/urls.py), all at once the same way.
    floor = [{"path": MINIMAL_WRITE, "cookie": learner["cookie"], "body": learner["body"]} for learner in learners]
    posts_at_once(port, floor)
    floor_times = sorted(post["seconds"] * 1000 for post in floor if "seconds" in post)
    attempts = Attempt.objects.in_bulk([learner["attempt"] for learner in learners])
    graded = passed = twice = 0
    for learner in learners:
        attempt = attempts[learner["attempt"]]
        if attempt.state == AttemptState.GRADED and attempt.submitted_at:
            graded += 1
            passed += bool(attempt.passed)
        # Submitted once: the sequence moved by one, and it is the learner's only attempt on the quiz.
        others = Attempt.objects.filter(user_id=learner["user"], quiz_id=attempt.quiz_id).count()
        twice += attempt.sequence != learner["sequence"] + 1 or others != 1
    times = sorted(learner["seconds"] * 1000 for learner in learners if "seconds" in learner)
    # A pass goes to the attempt's review — or to the course's completion page when it completed the
    # course (the learner's other lessons done, by the mark-done load on the same dataset among others).
    onwards = {
        learner["attempt"]: (
            reverse("quiz_review", args=[learner["attempt"]]),
            reverse("course_completed", args=[learner["course"]]),
        )
        for learner in learners
    }
    answered = [learner for learner in learners if learner.get("status") == 302]
    return {
        "learners": len(learners),
        "answered": len(times),
        "sent_onwards": sum(learner["location"].endswith(onwards[learner["attempt"]]) for learner in answered),
        "courses_completed": sum(learner["location"].endswith(onwards[learner["attempt"]][1]) for learner in answered),
        "errors": [learner["error"] for learner in learners if "error" in learner][:3],
        "statuses": sorted({learner.get("status", 0) for learner in learners}),
        "p50_ms": statistics.median(times) if times else None,
        "p95_ms": percentile(times, 95),
        "max_ms": times[-1] if times else None,
        "graded": graded,
        "passed": passed,
        "lost": len(learners) - graded,
        "graded_twice": twice,
        "alone": single,
        "minimal_write": {
            "answered": len(floor_times),
            "written": sum(post.get("location", "").endswith(MINIMAL_WRITE_DONE) for post in floor),
            "statuses": sorted({post.get("status", 0) for post in floor}),
            "p50_ms": statistics.median(floor_times) if floor_times else None,
            "p95_ms": percentile(floor_times, 95),
            "max_ms": floor_times[-1] if floor_times else None,
        },
    }


def posts_at_once(port: int, posts: list[dict]) -> None:
    """POST every ``posts`` item (path, cookie, body) on its own connection, all released together by
    a barrier; each gets ``seconds``, ``status`` and ``location`` (or ``error``)."""
    barrier = threading.Barrier(len(posts))

    def send(post: dict) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.connect()
            headers = {"Host": HOST, "Cookie": post["cookie"], "Content-Type": "application/x-www-form-urlencoded"}
            barrier.wait()
            started = time.perf_counter()
            connection.request("POST", post["path"], body=post["body"].encode(), headers=headers)
            response = connection.getresponse()
            response.read()
            post["seconds"] = time.perf_counter() - started
            post["status"] = response.status
            post["location"] = response.getheader("Location", "")
        except OSError as error:
            post["error"] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(post,)) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def percentile(values: list[float], percent: float) -> float | None:
    """The nearest-rank percentile of sorted ``values``."""
    if not values:
        return None
    rank = max(1, -(-len(values) * percent // 100))
    return values[int(rank) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True, help="gunicorn serving the database (bench.settings)")
    parser.add_argument("--mark-done", action="store_true")
    parser.add_argument("--learners", type=int, default=200, help="learners whose lessons are marked done")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--quiz", type=int, default=0, help="learners submitting their quiz at once")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    django_setup(args.database)
    result = {}
    if args.mark_done:
        result["mark_done"] = mark_done_measure(args.port, args)
    if args.quiz:
        result["quiz_submit"] = quiz_submit_measure(args.port, args.quiz)
    redis_flush(BROKER_DB)  # the quiz statistics' refresh tasks the submits queued (nobody consumes them)
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
