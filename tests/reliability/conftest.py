"""Real processes for the fault suite: private Redis servers, workers and beat on them, and the
report of lost and duplicate side effects.

Every test starts what it breaks on its own loopback port (``PrivateRedis``), so the shared Redis
on 6379 other suites use is never stopped; workers and beat are started through
``tests.fixtures.worker`` (ready on ``worker_ready``, never after a fixed wait). Each test adds its
counts to ``reliability_report``; the session prints them and writes ``var/reliability/last-run.json``
(docs/reliability.md quotes it).
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tests.certificates.processes import PrivateRedis
from tests.fixtures.worker import ROOT, WorkerProcess, _worker_env, sent_mail, wait_for
from tests.services import require

REPORT: dict[str, dict] = {}
REPORT_PATH = ROOT / "var" / "reliability" / "last-run.json"


@pytest.fixture
def reliability_report(request):
    """``report(**figures)`` records this test's figures (lost, duplicates, seconds) for the summary."""
    name = request.node.name

    def report(**figures):
        REPORT.setdefault(name, {}).update(figures)

    return report


def pytest_terminal_summary(terminalreporter):
    if not REPORT:
        return
    terminalreporter.section("reliability figures")
    for name, figures in REPORT.items():
        terminalreporter.write_line(f"{name}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(json.dumps(REPORT, indent=2, ensure_ascii=False) + "\n")


@pytest.fixture
def private_redis(tmp_path):
    """Start private Redis servers (append-only, own folder and port); all stopped at the end."""
    require(PrivateRedis.available(), "redis-server is not installed")
    started: list[PrivateRedis] = []

    def start(name: str) -> PrivateRedis:
        folder = tmp_path / f"redis-{name}"
        folder.mkdir()
        server = PrivateRedis(folder)
        if started:  # free_port() would hand out the port of one that is stopped for now
            server.port = max(s.port for s in started) + 1
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@contextlib.contextmanager
def broker_of_this_process(url: str):
    """Publish from this process to ``url`` (with the settings' fail-fast transport options)."""
    from lms.celery import app

    keys = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {key: app.conf[key] for key in keys}
    saved_options = dict(app.conf.broker_transport_options or {})
    for key in keys:
        app.conf[key] = url
    app.conf.broker_transport_options = {
        "socket_connect_timeout": 2,
        "visibility_timeout": 3600,
        "max_retries": 0,
    }
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        app.conf.broker_transport_options = saved_options
        app._pool, app.amqp._producer_pool = None, None


class BeatProcess:
    """``celery beat`` on the given broker, its schedule file in the test's folder."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder = folder
        self.env = env
        self.log_path = folder / "beat.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = open(self.log_path, "ab")  # noqa: SIM115 — closed in stop()
        command = [sys.executable, "-m", "celery", "-A", "lms", "beat", "--loglevel=INFO"]
        command += [f"--schedule={self.folder / 'beat-schedule'}", f"--pidfile={self.folder / 'beat.pid'}"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**_worker_env(), **self.env}, stdout=self.log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(AttributeError):
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture
def processes(tmp_path, settings):
    """Start workers (``worker(**env)``) and beat (``beat(**env)``) on one broker; all stopped at
    the end. Certificates are rendered on the fault queue, e-mails written to ``mail_dir``."""
    from tests.certificates.processes import FAULT_QUEUE

    settings.CERTIFICATE_TASK_QUEUE = FAULT_QUEUE
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started: list = []

    def common(broker_url: str, env: dict) -> dict:
        return {
            "CELERY_BROKER_URL": broker_url,
            "CERTIFICATE_TASK_QUEUE": FAULT_QUEUE,
            "EMAIL_URL": f"file://{mail_dir}",
            **{key: str(value) for key, value in env.items()},
        }

    def worker(broker_url: str, *, slow=None, **env) -> WorkerProcess:
        process = WorkerProcess(
            tmp_path / f"worker-{len(started)}.log",
            queue=f"celery,{FAULT_QUEUE}",
            extra_env=common(broker_url, env),
            slow=slow,
        )
        started.append(process)
        process.start()
        return process

    def beat(broker_url: str, **env) -> BeatProcess:
        folder = tmp_path / f"beat-{len(started)}"
        folder.mkdir()
        process = BeatProcess(folder, common(broker_url, env))
        started.append(process)
        process.start()
        return process

    worker.mail_dir = mail_dir
    beat.mail_dir = mail_dir
    yield worker, beat, mail_dir
    for process in reversed(started):
        process.stop()


def emails_by_certificate(mail_dir: Path) -> Counter:
    """How many "certificate issued" e-mails each certificate code got (codes read from the body)."""
    counts: Counter = Counter()
    for message in sent_mail(mail_dir):
        body = message.get_body(("plain",)).get_content()
        for code in set(re.findall(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", body)):
            counts[code] += 1
    return counts


def stored_pdfs_by_code() -> Counter:
    """How many PDFs the certificate storage holds per certificate code (a duplicate render that
    lost the race deletes its own file, so each code must have exactly one)."""
    root = Path(settings.CERTIFICATE_STORAGE["OPTIONS"]["location"]) / "certificates"
    counts: Counter = Counter()
    for path in root.rglob("*.pdf") if root.exists() else []:
        counts[path.name.split("-", 1)[0]] += 1
    return counts


def side_effect_counts(certificates, mail_dir: Path) -> dict[str, int]:
    """Lost and duplicate renders and e-mails of ``certificates`` (re-read from the database)."""
    from certificates.models import Certificate, CertificateStatus

    rows = list(Certificate.objects.filter(pk__in=[c.pk for c in certificates]))
    pdfs = stored_pdfs_by_code()
    mails = emails_by_certificate(mail_dir)
    return {
        "certificates": len(rows),
        "lost_renders": sum(1 for c in rows if c.status != CertificateStatus.ISSUED),
        "duplicate_renders": sum(max(0, pdfs[c.code] - 1) for c in rows),
        "lost_emails": sum(1 for c in rows if mails[c.code_display] == 0),
        "duplicate_emails": sum(max(0, mails[c.code_display] - 1) for c in rows),
    }


def wait_until_settled(certificates, mail_dir: Path, *, timeout: float) -> float | None:
    """Seconds until every certificate is issued and e-mailed (None: not within ``timeout``)."""
    started = time.monotonic()
    ids = [c.pk for c in certificates]

    def settled():
        from certificates.models import Certificate, CertificateStatus

        issued = Certificate.objects.filter(pk__in=ids, status=CertificateStatus.ISSUED, notified_at__isnull=False)
        if issued.count() != len(ids):
            return False
        mails = emails_by_certificate(mail_dir)
        return all(mails[c.code_display] >= 1 for c in Certificate.objects.filter(pk__in=ids))

    if wait_for(settled, timeout=timeout, interval=0.5):
        return round(time.monotonic() - started, 1)
    return None


@pytest.fixture(scope="session")
def issuer_key():
    """The self-signed development issuer at CERTIFICATE_ISSUER_PKCS12 (created once)."""
    from certificates.demo import issuer_key_ensure

    return issuer_key_ensure()
