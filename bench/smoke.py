"""``make bench-smoke``: the harness on a tiny dataset, checks only (no timings), in CI.

On the PostgreSQL database ``hocso_bench_smoke`` (dropped and made again each run, cloned from the
3-course content template): the dataset at a tiny size, every measured page's SQL queries; the
dataset grown (3 × the learners), the queries again — a page whose count grew with the data, or
went over 12, fails;
the anonymous page cache shows a published edit at once; gunicorn with the bench settings serves
every page the full run loads with wrk; marking a lesson done and a lesson visit are one write
transaction each, wrk's mark-done POSTs are all answered, and 5 concurrent quiz submits are all graded,
none lost or graded twice (``bench/writes.py``, short). Exits 1 on any failed check.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PYTHON, ROOT, database_drop, static_collect
from bench.run import Server, log, run_json

DATABASE = "hocso_bench_smoke"
SIZES = (30, 90)  # learners, before and after growing
QUERY_BUDGET = 12  # issue 12: SQL queries per page, whatever the data size
SHAPE = ["--units", "12", "--courses", "3", "--per-learner", "3"]
QUIZ_LEARNERS = 5  # concurrent quiz submits checked (none lost); the full run has 50


def dataset(learners: int) -> dict:
    return run_json(
        [
            PYTHON,
            str(ROOT / "bench" / "dataset.py"),
            "--database",
            DATABASE,
            "--learners",
            str(learners),
            *SHAPE,
            "--json",
        ]
    )


def pages(*extra: str) -> dict:
    return run_json(
        [PYTHON, str(ROOT / "bench" / "pages.py"), "--database", DATABASE, "--repeat", "1", "--json", *extra]
    )


def served_check(measured: dict) -> list[str]:
    """Every page the full run loads answers 200 from gunicorn with the bench settings."""
    failures = []
    with Server(DATABASE) as server:
        for name, page in measured["pages"].items():
            if not page["served"]:
                continue
            headers = {"Host": "localhost"}
            if page["who"] == "learner":
                headers["Cookie"] = measured["cookie"]
            request = urllib.request.Request(f"http://127.0.0.1:{server.port}{page['url']}", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status != 200:
                        failures.append(f"gunicorn: {name} answered {response.status}")
            except OSError as error:
                failures.append(f"gunicorn: {name}: {error}")
        failures += writes_check(server.port)
    return failures


def writes_check(port: int) -> list[str]:
    """The write figures' harness works (no timings): marking lessons done is one write transaction,
    as is a lesson visit, and every wrk POST is answered with a redirect; QUIZ_LEARNERS learners'
    concurrent quiz submits are all graded once, none lost."""
    command = [PYTHON, str(ROOT / "bench" / "writes.py"), "--database", DATABASE, "--port", str(port), "--json"]
    writes = run_json([*command, "--mark-done", "--learners", "20", "--duration", "1", "--quiz", str(QUIZ_LEARNERS)])
    done, quiz = writes["mark_done"], writes["quiz_submit"]
    failures = []
    for name, measured in done["in_process"].items():
        if measured["transactions"] != 1:
            failures.append(f"{name}: {measured['transactions']} write transactions ({measured['statements']})")
    if done["non_2xx"] or done["errors"] or not done["first_time_completions"]:
        failures.append(
            f"mark-done under wrk: {done['non_2xx']} non-2xx/3xx, errors {done['errors']!r},"
            f" {done['first_time_completions']} lessons newly done"
        )
    floor, quiz_floor = done["minimal_write"], quiz["minimal_write"]
    if floor["non_2xx"] or floor["errors"] or not floor["requests"] or quiz_floor["written"] != quiz["learners"]:
        failures.append(
            f"the minimal signed-in write (floor): {floor['non_2xx']} non-2xx/3xx under wrk, errors"
            f" {floor['errors']!r}; {quiz_floor['written']} of {quiz['learners']} written at once"
        )
    if quiz["alone"]["transactions"] != 1:
        failures.append(f"quiz submit: {quiz['alone']['transactions']} write transactions")
    if quiz["lost"] or quiz["graded_twice"] or quiz["sent_onwards"] != quiz["learners"]:
        failures.append(
            f"quiz submit × {quiz['learners']}: {quiz['lost']} lost, {quiz['graded_twice']} twice,"
            f" {quiz['sent_onwards']} sent to their review or completion page, errors {quiz['errors']}"
        )
    print(
        f"writes: mark-done and a lesson visit in one write transaction each, {done['first_time_completions']}"
        f" lessons marked done under wrk; {quiz['learners']} concurrent quiz submits: {quiz['graded']} graded,"
        f" {quiz['lost']} lost"
    )
    return failures


def main() -> int:
    started = time.perf_counter()
    static_collect()
    database_drop(DATABASE)
    counts = []
    for n, learners in enumerate(SIZES):
        made = dataset(learners)
        log(f"dataset {DATABASE}: {made['counts']}")
        counts.append(pages("--check-cache") if n == len(SIZES) - 1 else pages())
    small, large = counts
    failures = list(large.get("cache_failures", []))
    print(f"{'page':<48} {SIZES[0]:>6} {SIZES[1]:>6}  learners → SQL queries")
    for name, page in small["pages"].items():
        grown = large["pages"][name]["queries"]
        flag = "" if grown <= page["queries"] else "  FAIL: grows with the data"
        if max(grown, page["queries"]) > QUERY_BUDGET:
            flag += f"  FAIL: over {QUERY_BUDGET}"
        print(f"{name:<48} {page['queries']:>6} {grown:>6}{flag}")
        if flag:
            failures.append(f"{name}: {page['queries']} → {grown} queries ({flag.strip()})")
    print(
        "page caches: "
        + (
            "FAIL"
            if large.get("cache_failures")
            else "a published edit shows at once to visitors; a lesson marked done at once to its learner"
        )
    )
    failures += served_check(large)
    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"bench-smoke: {'FAILED' if failures else 'ok'} in {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:
        print(f"FAIL: {error}")
        sys.exit(1)
