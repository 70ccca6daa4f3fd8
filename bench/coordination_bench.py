"""Coordinator dashboard and export at province scale, on PostgreSQL.

Generates (once) N learners in M units with K enrolments each, then prints the
time and the number of SQL queries of the dashboard (administrator and one
agency's coordinator), and the time and the growth of the process's peak RSS
of the CSV, XLSX and PDF exports (``--python-memory`` adds one more run of each under
tracemalloc, which slows Python several times: not part of ``make bench``). Run against a database of its own:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hocso_bench \
        .venv/bin/python bench/coordination_bench.py --learners 100000 --units 5000 --per-learner 10

The issue's figure is 100,000 learners in 5,000 units with 1,000,000 enrolments.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")  # plain static files
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402


def generate(learners: int, units: int, per_learner: int) -> None:
    from cms.services import site_home_ensure
    from courses.models import CoursePage, Enrollment
    from lms.accounts.models import User
    from lms.orgunits.models import Membership, OrgUnit
    from tests.factories import make_catalogue, make_course

    if User.objects.filter(email__startswith="bench-").count() >= learners:
        return
    site_home_ensure()
    index = make_catalogue()
    courses = list(CoursePage.objects.all()[:per_learner])
    while len(courses) < per_learner:
        courses.append(make_course(f"Khoá đo {len(courses) + 1}", index=index, modules=1, lessons_per_module=1))
    started = time.perf_counter()
    province = OrgUnit.add_root(code="99", name="Tỉnh đo hiệu năng", kind="province", valid_from="2025-07-01")
    agencies = max(1, units // 50)
    rows = []
    for a in range(agencies):
        agency_path = province.path + f"{a + 1:04d}"
        rows.append(
            OrgUnit(
                path=agency_path,
                depth=2,
                numchild=49,
                code=f"99.A{a:03d}",
                name=f"Cơ quan {a}",
                kind="agency",
                valid_from="2025-07-01",
            )
        )
        for d in range(49):
            rows.append(
                OrgUnit(
                    path=agency_path + f"{d + 1:04d}",
                    depth=3,
                    numchild=0,
                    code=f"99.A{a:03d}.{d:02d}",
                    name=f"Phòng {a}.{d}",
                    kind="division",
                    valid_from="2025-07-01",
                )
            )
    OrgUnit.objects.bulk_create(rows, batch_size=5000)
    province.numchild = agencies
    province.save(update_fields=["numchild"])
    leaves = list(OrgUnit.objects.filter(depth=3, code__startswith="99.").values_list("pk", flat=True))
    now = timezone.now()
    batch = 5000
    for start in range(0, learners, batch):
        users = User.objects.bulk_create(
            [
                User(email=f"bench-{i}@example.vn", full_name=f"Người Học {i}", password="!")
                for i in range(start, min(learners, start + batch))
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user=u, unit_id=leaves[i % len(leaves)], start="2025-07-01", source="import", confirmed_at=now
                )
                for i, u in enumerate(users, start=start)
            ]
        )
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user=u,
                    course=c,
                    progress_pct=(i * 7) % 101,
                    completed_at=now if i % 3 == 0 else None,
                    status="completed" if i % 3 == 0 else "active",
                )
                for i, u in enumerate(users)
                for c in courses
            ],
            batch_size=10000,
        )
        print(
            f"  generated {min(learners, start + batch)} learners ({time.perf_counter() - started:.0f} s)", flush=True
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # statistics, as a database in use has them (the planner needs them)


def measure(label: str, func, repeat: int = 1, python_memory: bool = False) -> dict:
    """Time (median of ``repeat`` calls) and query count of one call, the growth of the process's
    peak RSS during the first call; with ``python_memory``, peak Python memory of one more call
    (tracemalloc slows Python down several times, so it is kept out of the timed runs)."""
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    result = None
    for n in range(repeat):
        started = time.perf_counter()
        if n == 0:
            with connection.execute_wrapper(count):
                result = func()
        else:
            func()
        times.append(time.perf_counter() - started)
        if n == 0:
            rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before  # KiB on Linux
    elapsed = statistics.median(times)
    peak = None
    if python_memory:
        tracemalloc.start()
        func()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    python_peak = f"{peak / 1e6:8.1f} MB peak" if peak is not None else ""
    print(
        f"{label:<42} {elapsed * 1000:9.0f} ms {len(executed):6d} queries {python_peak}"
        f" {rss_growth / 1024:8.1f} MB RSS growth"
    )
    return {
        "seconds": elapsed,
        "first_seconds": times[0],
        "queries": len(executed),
        "peak_mb": peak / 1e6 if peak is not None else None,
        "rss_growth_mb": rss_growth / 1024,
        "result": result if isinstance(result, dict) else None,
    }


def _export(client, kind: str) -> dict:
    """Queue a download as the dashboard's button does, then run its job as the worker would;
    returns the job's result (the learner lists count the rows they wrote)."""
    from lms.jobs.models import BackgroundJob
    from lms.jobs.services import job_execute

    response = client.post("/coordinate/exports/", {"export": kind}, HTTP_HOST="localhost")
    job_id = int(response["Location"].rstrip("/").split("/")[-1])
    job_execute(job_id=job_id)
    job = BackgroundJob.objects.get(pk=job_id)
    assert job.status == "done", (job.status, job.error)
    return job.result or {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--per-learner", type=int, default=10)
    parser.add_argument("--coordinator-unit", default="99.A000", help="code of the agency coordinator's unit")
    parser.add_argument("--repeat", type=int, default=1, help="dashboard requests timed (the median is printed)")
    parser.add_argument(
        "--python-memory", action="store_true", help="also the peak Python memory of each call (tracemalloc, slow)"
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line (bench/run.py)")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run the benchmark on PostgreSQL (DATABASE_URL)"
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    generate(args.learners, args.units, args.per_learner)
    from lms.accounts.models import User
    from lms.orgunits.models import OrgUnit
    from lms.orgunits.services import coordinator_scope_grant

    admin, _ = User.objects.get_or_create(
        email="bench-admin@example.vn", defaults={"is_superuser": True, "is_staff": True}
    )
    coordinator, _ = User.objects.get_or_create(email="bench-coordinator@example.vn")
    coordinator_scope_grant(actor=admin, user=coordinator, unit=OrgUnit.objects.get(code=args.coordinator_unit))
    print(
        f"learners={User.objects.filter(email__startswith='bench-').count()} units={OrgUnit.objects.count()} "
        f"enrollments={__import__('courses.models', fromlist=['Enrollment']).Enrollment.objects.count()}"
    )
    figures = {"learners": User.objects.filter(email__startswith="bench-").count()}
    for viewer, name in ((coordinator, "agency coordinator"), (admin, "administrator")):
        client = Client()
        client.force_login(viewer)
        figures[f"dashboard ({name})"] = measure(
            f"dashboard ({name})",
            lambda client=client: client.get("/coordinate/", HTTP_HOST="localhost"),
            repeat=args.repeat,
            python_memory=args.python_memory,
        )
        for kind, label in (("learners_csv", "CSV"), ("learners_xlsx", "XLSX"), ("report_pdf", "report PDF")):
            figures[f"{label} export job ({name})"] = measure(
                f"{label} export job ({name})",
                lambda client=client, kind=kind: _export(client, kind),
                python_memory=args.python_memory,
            )
    if args.json:
        print("JSON " + json.dumps(figures))


if __name__ == "__main__":
    main()
