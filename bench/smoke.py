"""``make bench-smoke``: the harness on a tiny dataset, checks only (no timings), in CI.

On the PostgreSQL database ``hocso_bench_smoke`` (dropped and made again each run, cloned from the
3-course content template): the dataset at a tiny size, every measured page's SQL queries; the
dataset grown (3 × the learners), the queries again — a page whose count grew with the data, or
went over 12, fails;
the anonymous page cache shows a published edit at once; gunicorn with the bench settings serves
every page the full run loads with wrk. Exits 1 on any failed check.
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
    print(f"{'page':<36} {SIZES[0]:>6} {SIZES[1]:>6}  learners → SQL queries")
    for name, page in small["pages"].items():
        grown = large["pages"][name]["queries"]
        flag = "" if grown <= page["queries"] else "  FAIL: grows with the data"
        if max(grown, page["queries"]) > QUERY_BUDGET:
            flag += f"  FAIL: over {QUERY_BUDGET}"
        print(f"{name:<36} {page['queries']:>6} {grown:>6}{flag}")
        if flag:
            failures.append(f"{name}: {page['queries']} → {grown} queries ({flag.strip()})")
    print(f"anonymous page cache: {'FAIL' if large.get('cache_failures') else 'a published edit shows at once'}")
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
