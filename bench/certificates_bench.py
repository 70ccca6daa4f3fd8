"""Certificates per second for one worker process, against a bare xhtml2pdf render.

Runs the worker's real service (``certificates.services.certificate_issue``:
HTML + QR code, xhtml2pdf with embedded TTFs, PAdES signature, storage, the
database update) serially in this process, on a throwaway SQLite database and
var folder, then renders the same certificate HTML with nothing but
``xhtml2pdf.pisa.CreatePDF`` in the same run.

    .venv/bin/python bench/certificates_bench.py [--count 60] [--bare 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=60, help="certificates to issue (after 3 warm-up ones)")
    parser.add_argument("--bare", type=int, default=60, help="bare xhtml2pdf renders of the same HTML")
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="hocso-cert-bench-")
    os.environ.update(HOCSO_VAR_DIR=var, DJANGO_SETTINGS_MODULE="lms.settings.test")
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "CERTIFICATE_ISSUER_PKCS12"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    from django.db import transaction
    from django.utils import timezone

    from certificates import rendering, services
    from certificates.demo import issuer_key_ensure
    from certificates.models import Certificate, CertificateTemplate
    from courses.models import Enrollment, EnrollmentStatus
    from tests.factories import UserFactory, make_course

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
    warmup = 3
    ids = []
    with transaction.atomic():
        for n in range(args.count + warmup):
            user = UserFactory(full_name=f"Nguyễn Thị Hồng Nhung {n}", verified_email=False)
            enrollment = Enrollment.objects.create(
                user=user, course=course, status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
            )
            ids.append(services.certificate_request(user=user, enrollment=enrollment).pk)
    # The worker's start-up (tasks._preload / _warm_up) then a few first tasks.
    rendering.fonts_register()
    for pk in ids[:warmup]:
        services.certificate_issue(certificate_id=pk)

    times = []
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for pk in ids[warmup : warmup + 10]:
            services.certificate_issue(certificate_id=pk)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
        return
    started = time.perf_counter()
    for pk in ids[warmup:]:
        t0 = time.perf_counter()
        services.certificate_issue(certificate_id=pk)
        times.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    issued = Certificate.objects.filter(pk__in=ids[warmup:], status="issued")
    assert issued.count() == args.count, "some certificates were not issued"
    from certificates.assets import certificate_storage

    sizes = [certificate_storage().size(c.pdf) for c in issued]

    # The same HTML, rendered by xhtml2pdf alone.
    certificate = issued.first()
    template = CertificateTemplate.objects.get(is_default=True)
    html = rendering.certificate_html(services._content_for(certificate, template, certificate.issued_at))
    import io

    from xhtml2pdf import pisa

    bare = []
    for _ in range(args.bare):
        t0 = time.perf_counter()
        out = io.BytesIO()
        pisa.CreatePDF(
            html, dest=out, link_callback=rendering._link_callback, resource_policy=rendering.RESOURCE_POLICY
        )
        bare.append(time.perf_counter() - t0)
    bare_size = len(out.getvalue())

    per_certificate = statistics.median(times)
    per_bare = statistics.median(bare)
    print(f"certificates issued by one worker process: {args.count} in {elapsed:.2f} s")
    print(f"certificates/second (one worker): {args.count / elapsed:.1f}")
    p90 = statistics.quantiles(times, n=10)[-1]
    print(f"median per certificate: {per_certificate * 1000:.1f} ms (p90 {p90 * 1000:.1f} ms)")
    print(f"bare xhtml2pdf render of the same HTML: median {per_bare * 1000:.1f} ms ({1 / per_bare:.1f}/s)")
    print(f"ratio full pipeline / bare render: {per_certificate / per_bare:.2f}")
    print(f"PDF size: signed {statistics.mean(sizes) / 1024:.1f} KiB (bare unsigned render {bare_size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
