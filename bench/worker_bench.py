"""Certificates through Redis and real worker processes: latency, throughput, backlog drain.

On a database and a Redis of its own (it drops and recreates the database), with real ``celery
worker`` processes (``tests.fixtures.worker.WorkerProcess``, each ``--concurrency=1``):

1. **Completion → certificate issued**, idle system, one worker: ``--latency`` learners complete a
   course one after another (the last lesson marked done, committed); the time until their
   certificate is ``issued`` (signed PDF stored) is measured through the broker and the worker.
2. **Throughput and backlog drain**, ``--workers`` worker processes: ``--backlog`` completions are
   recorded with the workers stopped (their render tasks wait in Redis), then the workers start and
   the time until the last certificate is issued gives certificates per second.
3. **The limit** the throughput is compared with, two ways: in this process, a bare xhtml2pdf render
   plus a bare pyHanko signature of the same certificate's HTML (pyHanko's own ``SimpleSigner``, the
   same key and signature settings), one after the other — N / (render + sign) is what N workers would
   reach if each had a core to itself; and the machine's own limit, N processes doing nothing but that
   bare render + sign at the same time for ``--parallel-seconds`` (on 2 cores shared with PostgreSQL,
   Redis and the bench, N processes do not get N cores). The verdict is against the measured limit;
   the ratio to N / (render + sign) is printed beside it. The platform's own signer (key kept parsed,
   ``signing-certificate-v2`` kept encoded: ``certificates.signing``) signs far faster than the bare
   pyHanko one, so the bench also measures N processes doing the bare render + *that* signature and
   prints the throughput against it: what the rest of the pipeline (database, credential, storage,
   Celery) costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hocso_bench_worker \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/4 CACHE_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python bench/worker_bench.py --latency 20 --backlog 10000 --workers 2

Targets (issue #12): p95 latency ≤ 5 s; throughput ≥ 0.8 × the limit; the backlog drains at that rate.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=int, default=20, help="completions timed one by one")
    parser.add_argument("--backlog", type=int, default=2000, help="certificates waiting when the workers start")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the backlog")
    parser.add_argument("--bare", type=int, default=30, help="bare render + sign samples")
    parser.add_argument(
        "--parallel-seconds", type=float, default=20, help="how long N bare processes render + sign at once"
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line (bench/run.py)")
    args = parser.parse_args()

    database = os.environ.get("DATABASE_URL", "")
    assert database.startswith("postgres"), "run on PostgreSQL (DATABASE_URL), a database of its own"
    assert os.environ.get("CELERY_BROKER_URL", "").startswith("redis"), "run with Redis (CELERY_BROKER_URL)"
    var = tempfile.mkdtemp(prefix="hocso-worker-bench-")
    os.environ.update(HOCSO_VAR_DIR=var, DJANGO_SETTINGS_MODULE="lms.settings.test", LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))
    _recreate_database(database)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    from celery import current_app
    from django.db import transaction

    from certificates.demo import issuer_key_ensure
    from certificates.models import Certificate, CertificateTemplate
    from courses.services import enrollment_create, lesson_complete
    from tests.factories import UserFactory, course_lessons, make_course
    from tests.fixtures.worker import WorkerProcess, wait_for

    issuer_key_ensure()
    CertificateTemplate.objects.create(
        name="Bench",
        is_default=True,
        issuer_name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh",
        place="Bắc Ninh",
        signatory_title="Giám đốc",
        signatory_name="Nguyễn Văn Minh",
    )
    course = make_course("Chữ ký số và giao dịch điện tử", modules=1, lessons_per_module=1)
    lesson = course_lessons(course)[0]
    current_app.connection_for_write().default_channel.client.flushdb()  # an empty queue
    logs = Path(var)

    # 1. Latency, one worker, idle.
    worker = WorkerProcess(logs / "latency.log")
    worker.start()
    latencies = []
    try:
        for n in range(args.latency + 2):  # two warm-up completions
            user = UserFactory(full_name=f"Trần Thị Đo Lường {n}", verified_email=False)
            enrollment_create(user=user, course=course)
            started = time.perf_counter()
            with transaction.atomic():
                lesson_complete(user=user, lesson=lesson)
            issued = wait_for(
                lambda user=user: Certificate.objects.filter(user=user, status="issued").exists(),
                timeout=60,
                interval=0.02,
            )
            assert issued, worker.log_text()[-2000:]
            if n >= 2:
                latencies.append(time.perf_counter() - started)
    finally:
        worker.stop()

    # 2. Backlog drain with N workers.
    users = []
    with transaction.atomic():
        for n in range(args.backlog):
            users.append(UserFactory.build(email=f"backlog-{n}@example.vn", full_name=f"Lê Văn Hàng Đợi {n}"))
        from lms.accounts.models import User

        User.objects.bulk_create(users, batch_size=2000)
    backlog_users = list(User.objects.filter(email__startswith="backlog-"))
    for user in backlog_users:
        enrollment_create(user=user, course=course)
    for user in backlog_users:  # each completion commits and publishes its render task (no worker yet)
        lesson_complete(user=user, lesson=lesson)
    waiting = Certificate.objects.filter(user__in=backlog_users).count()
    assert waiting == args.backlog, waiting
    workers = [WorkerProcess(logs / f"drain-{n}.log") for n in range(args.workers)]
    for each in workers:
        each.start()
    started = time.perf_counter()
    try:
        drained = wait_for(
            lambda: not Certificate.objects.filter(user__in=backlog_users).exclude(status="issued").exists(),
            timeout=max(600, args.backlog),
            interval=1.0,
        )
        elapsed = time.perf_counter() - started
    finally:
        for each in workers:
            each.stop()
    assert drained, "the backlog did not drain"
    throughput = args.backlog / elapsed

    # 3. The limit: bare render + bare sign of the same certificate.
    html, issuer = _bare_inputs(Certificate.objects.filter(status="issued").first())
    stock = _stock_pyhanko(issuer)
    render, sign = _bare(html, stock, args.bare)
    _render, own_sign = _bare(html, issuer, args.bare)
    limit = args.workers / (render + sign)
    parallel_limit = _bare_parallel(html, stock, processes=args.workers, seconds=args.parallel_seconds)
    own_limit = _bare_parallel(html, issuer, processes=args.workers, seconds=args.parallel_seconds)

    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else latencies[0]
    print(f"{'figure':<52} {'value':>12} {'target':>14}")
    print(f"{'completion → certificate issued, p50':<52} {statistics.median(latencies):>10.2f} s")
    print(f"{'completion → certificate issued, p95':<52} {p95:>10.2f} s {'≤ 5 s':>14} {_ok(p95 <= 5)}")
    print(f"{'bare xhtml2pdf render (median)':<52} {render * 1000:>9.1f} ms")
    print(f"{'bare pyHanko signature (median)':<52} {sign * 1000:>9.1f} ms")
    print(f"{'signature by the platform signer (median)':<52} {own_sign * 1000:>9.1f} ms")
    print(f"{f'limit, {args.workers} workers = N / (render + sign)':<52} {limit:>10.1f} /s")
    print(f"{f'limit, {args.workers} bare processes at once (measured)':<52} {parallel_limit:>10.1f} /s")
    print(f"{'… with the platform signer (measured)':<52} {own_limit:>10.1f} /s")
    print(
        f"{f'throughput, {args.workers} workers, signed':<52} {throughput:>10.1f} /s "
        f"{'≥ 0.8 × limit':>14} {_ok(throughput >= 0.8 * parallel_limit)} ({throughput / parallel_limit:.2f} ×"
        f" measured, {throughput / limit:.2f} × N / (render + sign), {throughput / own_limit:.2f} × the platform"
        " signer's bare limit)"
    )
    print(f"{f'backlog of {args.backlog} drained in':<52} {elapsed:>10.1f} s")
    if args.json:
        figures = {
            "latency_p50_s": statistics.median(latencies),
            "latency_p95_s": p95,
            "bare_render_s": render,
            "bare_sign_s": sign,
            "own_sign_s": own_sign,
            "own_parallel_limit_per_s": own_limit,
            "workers": args.workers,
            "limit_per_s": limit,
            "parallel_limit_per_s": parallel_limit,
            "throughput_per_s": throughput,
            "backlog": args.backlog,
            "backlog_seconds": elapsed,
        }
        print("JSON " + json.dumps(figures))


def _bare_inputs(certificate):
    """The certificate's HTML as the worker renders it, and the issuer's signer."""
    from certificates import rendering, services
    from certificates.models import CertificateTemplate
    from certificates.signing import issuer_signer

    rendering.fonts_register()
    template = CertificateTemplate.objects.get(is_default=True)
    html = rendering.certificate_html(services._content_for(certificate, template, certificate.issued_at))
    return html, issuer_signer()


def _stock_pyhanko(issuer):
    """``issuer`` with pyHanko's own ``SimpleSigner`` (same key, certificate and registry): the bare
    pyHanko signature the issue's baseline names."""
    import dataclasses

    from pyhanko.sign import signers

    stock = signers.SimpleSigner(
        signing_cert=issuer.signer.signing_cert,
        signing_key=issuer.signer.signing_key,
        cert_registry=issuer.signer.cert_registry,
    )
    return dataclasses.replace(issuer, signer=stock)


def _render_and_sign(html: str, issuer) -> float:
    """One bare xhtml2pdf render, then one bare pyHanko signature; returns when the render ended."""
    from xhtml2pdf import pisa

    from certificates import rendering
    from certificates.signing import pdf_sign

    out = io.BytesIO()
    pisa.CreatePDF(html, dest=out, link_callback=rendering._link_callback, resource_policy=rendering.RESOURCE_POLICY)
    rendered = time.perf_counter()
    pdf_sign(out.getvalue(), issuer=issuer)
    return rendered


def _bare(html: str, issuer, samples: int) -> tuple[float, float]:
    """Median bare render and bare sign, one after the other in this process."""
    renders, signs = [], []
    for _ in range(samples + 2):
        t0 = time.perf_counter()
        t1 = _render_and_sign(html, issuer)
        t2 = time.perf_counter()
        renders.append(t1 - t0)
        signs.append(t2 - t1)
    return statistics.median(renders[2:]), statistics.median(signs[2:])


def _bare_loop(html: str, issuer, seconds: float, start_at: float, results) -> None:
    """A forked process: bare render + sign, over and over, for ``seconds`` from ``start_at``."""
    while time.time() < start_at:
        time.sleep(0.005)
    done, deadline = 0, start_at + seconds
    while time.time() < deadline:
        _render_and_sign(html, issuer)
        done += 1
    results.put((done, time.time() - start_at))


def _bare_parallel(html: str, issuer, *, processes: int, seconds: float) -> float:
    """Certificates per second that ``processes`` processes doing only bare render + sign reach
    together on this machine, now: the limit N worker processes could reach here."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # the children never touch the database
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 1.0
    children = [
        context.Process(target=_bare_loop, args=(html, issuer, seconds, start_at, results)) for _ in range(processes)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join()
    return sum(done / elapsed for done, elapsed in outcomes)


def _recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _ok(passed: bool) -> str:
    return "pass" if passed else "FAIL"


if __name__ == "__main__":
    main()
