"""``make load``: 200 simulated learners through locust against gunicorn; 0 lost writes, 0 5xx (issue 15).

On the PostgreSQL database ``hocso_bench_load`` (dropped and made again each run, cloned from the
3-course content template of ``bench/dataset.py``): ``--users`` learners of the dataset, each
enrolled in one of the 3 courses, get a password and a plan — a course they are not enrolled in, its
lessons and its final quiz. gunicorn serves it as in the Procfile (2 workers × 4 threads,
``bench.settings``: production settings, plain HTTP on loopback); locust runs headless, every
learner started within seconds, each going once through ``bench/locustfile.py``'s journey (sign in,
catalogue, course, enrol, every lesson opened and marked done, the quiz started, its page and summary
opened, submitted) and stopping; the run ends when every journey ended, or at ``--max-seconds``.

Then the database is asked, learner by learner, whether every write of a completed journey landed:
the enrolment, one completed lesson-progress row per lesson, one submitted attempt (graded, or
waiting for an essay's grading). Prints requests, p50/p95 per step, failures, 5xx and lost writes;
exits 1 on any lost write, any 5xx or any journey that did not complete.

    .venv/bin/python bench/load.py [--users 200] [--spawn-rate 20] [--max-seconds 900]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import BROKER_DB, PYTHON, ROOT, VAR, database_drop, django_setup, redis_flush, static_collect
from bench.run import Server, log, run_json

DATABASE = "hocso_bench_load"
SHAPE = ["--units", "12", "--courses", "3", "--per-learner", "1"]
PASSWORD = "load-test-only-0123456789"  # noqa: S105 — the bench learners' password, on a throwaway database
LEARNER_EMAIL = r"^bench-[0-9]+@example\.vn$"


def plans_make(users: int) -> list[dict]:
    """One plan per learner: a course the learner is not enrolled in, its lessons and its quiz; every
    learner gets ``PASSWORD`` (one hash for all: the server still checks it at each sign-in)."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from courses.models import CoursePage, Enrollment
    from courses.selectors import course_outline
    from lms.accounts.models import User
    from quizzes.models import QuizPage

    courses = []
    for course in CoursePage.objects.live().order_by("path"):
        quiz = QuizPage.objects.descendant_of(course).live().first()
        lessons = [lesson for lesson in course_outline(course).lessons if lesson.pk != quiz.pk]
        courses.append(
            {
                "id": course.pk,
                "course": course.get_url(),
                "enrol": reverse("course_enrol", args=[course.pk]),
                "lessons": [
                    {"id": lesson.pk, "url": lesson.get_url(), "done": reverse("lesson_mark_done", args=[lesson.pk])}
                    for lesson in lessons
                ],
                "quiz_id": quiz.pk,
                "quiz": quiz.get_url(),
                "quiz_start": reverse("quiz_start", args=[quiz.pk]),
            }
        )
    learners = list(User.objects.filter(email__regex=LEARNER_EMAIL).order_by("pk")[:users])
    if len(learners) < users:
        raise SystemExit(f"{len(learners)} learners in {DATABASE}, {users} asked")
    enrolled = set(Enrollment.objects.filter(user__in=learners).values_list("user_id", "course_id"))
    User.objects.filter(pk__in=[user.pk for user in learners]).update(password=make_password(PASSWORD))
    plans = []
    for user in learners:
        course = next(course for course in courses if (user.pk, course["id"]) not in enrolled)
        plans.append({"user_id": user.pk, "email": user.email, "password": PASSWORD, **course})
    return plans


def writes_verify(plans: list[dict], completed: set[str]) -> dict:
    """Every write of each completed journey, read back from the database."""
    from courses.models import Enrollment, LessonProgress
    from quizzes.models import Attempt, AttemptState

    found = {"enrolments": 0, "lessons_done": 0, "attempts_submitted": 0, "attempts_graded": 0}
    expected = {"enrolments": 0, "lessons_done": 0, "attempts_submitted": 0}
    for plan in plans:
        if plan["email"] not in completed:
            continue
        expected["enrolments"] += 1
        expected["lessons_done"] += len(plan["lessons"])
        expected["attempts_submitted"] += 1
        enrolment = Enrollment.objects.filter(user_id=plan["user_id"], course_id=plan["id"]).first()
        if enrolment is None:
            continue
        found["enrolments"] += 1
        found["lessons_done"] += LessonProgress.objects.filter(
            enrollment=enrolment, lesson_id__in=[lesson["id"] for lesson in plan["lessons"]], completed_at__isnull=False
        ).count()
        attempts = Attempt.objects.filter(user_id=plan["user_id"], quiz_id=plan["quiz_id"]).exclude(
            state=AttemptState.IN_PROGRESS
        )
        found["attempts_submitted"] += min(1, attempts.count())
        found["attempts_graded"] += attempts.filter(state=AttemptState.GRADED).count()
    lost = sum(expected[name] - found[name] for name in expected)
    return {"expected": expected, "found": found, "lost": lost}


def percentile(values: list[float], percent: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * percent / 100) - 1)]


def locust_run(port: int, plans: list[dict], args) -> tuple[dict, float]:
    """locust headless with one user per plan; answers its result file and the seconds it ran."""
    VAR.mkdir(parents=True, exist_ok=True)
    plan_file, result_file = VAR / "load-plan.json", VAR / "load-result.json"
    plan_file.write_text(json.dumps(plans))
    result_file.unlink(missing_ok=True)
    env = dict(
        os.environ,
        HOCSO_LOAD_PLAN=str(plan_file),
        HOCSO_LOAD_RESULT=str(result_file),
        HOCSO_LOAD_USERS=str(len(plans)),
    )
    command = [
        PYTHON,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(len(plans)),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{args.max_seconds}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return json.loads(result_file.read_text()), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20, help="learners started per second")
    parser.add_argument("--max-seconds", type=int, default=900, help="the run stops here even if journeys remain")
    args = parser.parse_args()
    started = time.perf_counter()
    # Every simulated learner signs in from 127.0.0.1; on a real site they come from as many addresses.
    os.environ["RATE_LIMIT_LOGIN"] = f"{args.users * 10}/m/ip"
    static_collect()
    database_drop(DATABASE)
    command = [PYTHON, str(ROOT / "bench" / "dataset.py"), "--database", DATABASE, "--learners", str(args.users)]
    made = run_json([*command, *SHAPE, "--json"])
    log(f"dataset {DATABASE}: {made['counts']}")
    django_setup(DATABASE)
    plans = plans_make(args.users)
    redis_flush(BROKER_DB)
    with Server(DATABASE) as server:
        log(f"gunicorn on port {server.port}; locust: {args.users} learners, {args.spawn_rate}/s")
        result, seconds = locust_run(server.port, plans, args)
    redis_flush(BROKER_DB)  # tasks queued by the submits (statistics): no worker in this run
    writes = writes_verify(plans, set(result["completed"]))
    statuses = result["statuses"]
    server_errors = sum(count for status, count in statuses.items() if status.startswith("5"))
    steps = dict(result["times"])
    steps["all"] = [ms for times in result["times"].values() for ms in times]
    failures_by_step = result["failures"] | {"all": sum(result["failures"].values())}
    rows = [
        {
            "step": name,
            "requests": len(times),
            "failures": failures_by_step.get(name, 0),
            "p50_ms": round(percentile(times, 50)),
            "p95_ms": round(percentile(times, 95)),
        }
        for name, times in steps.items()
    ]
    print(f"{'step':<22} {'requests':>9} {'failures':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for row in rows:
        print(f"{row['step']:<22} {row['requests']:>9} {row['failures']:>9} {row['p50_ms']:>8} {row['p95_ms']:>8}")
    print(f"answers by status: {dict(sorted(statuses.items()))}")
    print(
        f"journeys: {len(result['completed'])} of {len(plans)} completed, {len(result['failed'])} failed,"
        f" in {seconds:.0f} s ({len(steps['all']) / seconds:.1f} requests/s)"
    )
    for email, reason in list(result["failed"].items())[:10]:
        print(f"  failed: {email}: {reason}")
    print(f"writes expected {writes['expected']}, found {writes['found']}: {writes['lost']} lost")
    print(f"5xx: {server_errors}")
    failures = []
    if writes["lost"]:
        failures.append(f"{writes['lost']} lost writes")
    if server_errors:
        failures.append(f"{server_errors} answers 5xx")
    if len(result["completed"]) != len(plans):
        failures.append(f"{len(plans) - len(result['completed'])} journeys did not complete")
    (VAR / "load-figures.json").write_text(
        json.dumps(
            {"journeys": len(plans), "completed": len(result["completed"]), "seconds": seconds, "writes": writes}
            | {"statuses": statuses, "steps": rows},
            indent=2,
        )
    )
    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"load: {'FAILED' if failures else 'ok'} in {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:
        print(f"FAIL: {error}")
        sys.exit(1)
