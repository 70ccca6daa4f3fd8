"""``make quality``: the issue-13 quality gates on the demo site, as one table (also written to
``bench/QUALITY.md``).

Serves the demo (``manage.py seed_demo``) with gunicorn and production settings — DEBUG off, static
files from WhiteNoise, the embedded SQLite database in a var folder of its own (``var/quality/``) —
then checks each page of the learner's journey:

- the Nu HTML checker (``vnu-jar``): errors (warnings are not counted);
- Lighthouse 12, mobile (its default: Moto G-class device, simulated slow 4G), Debian's Chromium:
  performance, accessibility, best practices, SEO; and the page's first-load weight (Lighthouse's
  total byte weight: every byte transferred, media included).

Gates: 0 vnu errors everywhere; every score ≥ 95, except SEO on the certificate verification page,
which is kept out of search engines on purpose (it must carry ``<meta name="robots"
content="noindex">``); the lesson page ≤ 250 KB. Logged-in pages are loaded with the demo
learner's session cookie (Lighthouse's ``--extra-headers``).

The tools are pinned in ``bench/package.json`` / ``package-lock.json`` and installed by ``npm ci``
(``make quality`` does it); nothing is downloaded while this runs.

    .venv/bin/python bench/quality.py [--port 8791] [--pages lesson,quiz] [--runs 1] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
NODE_BIN = BENCH / "node_modules" / ".bin"
VNU_JAR = BENCH / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PYTHON = sys.executable
VAR = ROOT / "var" / "quality"
LEARNER_EMAIL = "hocvien@hocso.local"
MIN_SCORE = 95
LESSON_MAX_BYTES = 250 * 1024
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The arguments of SERVICES.md: without the background-networking ones Chromium tries to reach hosts
# this closed network refuses. Lighthouse's chrome-launcher adds its own defaults to these.
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
    "--disable-sync --no-first-run --disable-quic"
)


@dataclass
class Page:
    name: str
    url: str
    logged_in: bool = False
    seo_gated: bool = True  # False: kept out of search engines on purpose (noindex required)
    max_bytes: int | None = None
    lighthouse: bool = True  # False: checked by vnu only
    vnu_errors: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    weight: int | None = None
    problems: list[str] = field(default_factory=list)  # Lighthouse audits below 1, for the report
    noindex: bool | None = None

    def failures(self) -> list[str]:
        failed = [f"{len(self.vnu_errors)} vnu errors"] if self.vnu_errors else []
        for category in CATEGORIES:
            if category == "seo" and not self.seo_gated:
                continue
            if category in self.scores and self.scores[category] < MIN_SCORE:
                failed.append(f"{category} {self.scores[category]}")
        if self.max_bytes and self.weight and self.weight > self.max_bytes:
            failed.append(f"weight {self.weight / 1024:.0f} KB > {self.max_bytes / 1024:.0f} KB")
        if not self.seo_gated and not self.noindex:
            failed.append('no <meta name="robots" content="noindex">')
        return failed


def site_env(port: int) -> dict[str, str]:
    """Production settings on the embedded defaults (opted into), HTTP on loopback, media served."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY="quality-only-secret-key-not-for-production-0123456789abcdefghijkl",
        HOCSO_VAR_DIR=str(VAR),
        HOCSO_ALLOW_SQLITE="1",
        HOCSO_ALLOW_FILESYSTEM_BROKER="1",
        HOCSO_ALLOW_DATABASE_CACHE="1",
        HOCSO_ALLOW_DEMO_DATA="1",  # seed_demo: a throwaway site on loopback
        EMAIL_URL="locmem://",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_PRELOAD="0",
        SERVE_MEDIA="1",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    for name in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def site_prepare(env: dict[str, str], *, fresh: bool) -> None:
    """Migrate, seed the demo (idempotent; skipped when this var folder already holds it) and collect
    static files."""
    if fresh and VAR.exists():
        shutil.rmtree(VAR)
    VAR.mkdir(parents=True, exist_ok=True)
    seeded = VAR / "seeded"
    manage(env, "compilemessages", "--ignore=.venv", "--ignore=var", "--ignore=node_modules", "-v", "0")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "--clear", "-v", "0")
    if not seeded.exists():
        print("seeding the demo (about 2 minutes) …", flush=True)
        manage(env, "seed_demo")
        seeded.touch()


PAGES_SCRIPT = r"""
import json
from django.conf import settings
from django.test import Client
from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import Enrollment
from courses.models import LessonPage
from quizzes.models import QuizPage
from lms.accounts.models import User

learner = User.objects.get(email=%(email)r)
enrollment = (
    Enrollment.objects.filter(user=learner, course__live=True).select_related("course").order_by("course__path").first()
)
course = enrollment.course.specific
quiz = QuizPage.objects.live().descendant_of(course).order_by("path").first()
lesson = LessonPage.objects.live().descendant_of(course).not_type(QuizPage).order_by("path").first()
certificate = Certificate.objects.filter(status="issued").order_by("pk").first()
if certificate is None:
    pending = Certificate.objects.filter(status="pending").order_by("pk").first()
    certificate = certificate_issue(certificate_id=pending.pk)
client = Client()
client.force_login(learner)
print(json.dumps({
    "course": course.get_url(), "lesson": lesson.get_url(), "quiz": quiz.get_url(),
    "verify": f"/verify/{certificate.code}/",
    "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
}))
"""


def pages_find(env: dict[str, str]) -> tuple[list[Page], str]:
    """The measured pages of the demo, and a session cookie of the demo learner."""
    script = PAGES_SCRIPT % {"email": LEARNER_EMAIL}
    output = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v", "0", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True
    ).stdout.decode()
    found = json.loads(output.strip().splitlines()[-1])
    pages = [
        Page("home", "/"),
        Page("catalogue", "/khoa-hoc/"),
        Page("course", found["course"]),
        Page("lesson", found["lesson"], logged_in=True, max_bytes=LESSON_MAX_BYTES),
        Page("quiz", found["quiz"], logged_in=True),
        Page("Học tập của tôi", "/learn/", logged_in=True),
        Page("certificate verification", found["verify"], seo_gated=False),
        Page("sign-up", "/accounts/signup/", lighthouse=False),
    ]
    return pages, found["cookie"]


class Server:
    """gunicorn as in the Procfile's web line (2 workers × 4 threads)."""

    def __init__(self, env: dict[str, str], port: int):
        self.env, self.port = env, port
        self.log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        command = [gunicorn, "lms.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", "2"]
        command += ["--threads", "4"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5)
                return self
            except urllib.error.HTTPError as error:
                self.__exit__()
                raise RuntimeError(f"the home page answered {error.code}; see {self.log.name}") from error
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer; see {self.log.name}")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def fetch(url: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def vnu_check(pages: list[Page], base: str, cookie: str) -> None:
    """Every page's HTML, as served, through the Nu HTML checker in one run. A message the checker
    reports for no known file (its ``url`` is ``file:/path``) fails the run rather than vanish."""
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for index, page in enumerate(pages):
            html = fetch(base + page.url, cookie if page.logged_in else None)
            page.noindex = b'<meta name="robots" content="noindex">' in html
            path = Path(folder) / f"page-{index}.html"
            path.write_bytes(html)
            files[str(path)] = page
        command = ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files]
        result = subprocess.run(command, capture_output=True, text=True)
        messages = json.loads(result.stderr or result.stdout)["messages"]
        for message in messages:
            if message.get("type") != "error":
                continue
            path = "/" + message.get("url", "").removeprefix("file:").lstrip("/")
            if path not in files:
                raise RuntimeError(f"vnu reported on an unknown file: {message}")
            files[path].vnu_errors.append(f"line {message.get('lastLine')}: {message.get('message')}")


def lighthouse_run(page: Page, base: str, cookie: str, runs: int) -> None:
    """Lighthouse (mobile, its defaults) ``runs`` times: the median of each score, the largest weight."""
    reports = []
    with tempfile.TemporaryDirectory() as folder:
        headers = Path(folder) / "headers.json"
        headers.write_text(json.dumps({"Cookie": cookie}) if page.logged_in else "{}")
        for run in range(runs):
            output = Path(folder) / f"report-{run}.json"
            command = [
                str(NODE_BIN / "lighthouse"),
                base + page.url,
                "--quiet",
                "--output=json",
                f"--output-path={output}",
                f"--chrome-flags={CHROME_FLAGS}",
                f"--extra-headers={headers}",
                f"--only-categories={','.join(CATEGORIES)}",
            ]
            env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
            subprocess.run(command, env=env, check=True, capture_output=True)
            reports.append(json.loads(output.read_text()))
    for category in CATEGORIES:
        page.scores[category] = round(statistics.median(r["categories"][category]["score"] * 100 for r in reports))
    # The problems listed are the worst run's (the lowest performance score).
    report = min(reports, key=lambda r: r["categories"]["performance"]["score"])
    page.weight = int(max(r["audits"]["total-byte-weight"]["numericValue"] for r in reports))
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                page.problems.append(f"{category}: {audit['id']} ({audit.get('displayValue') or audit['score']})")


def table(pages: list[Page]) -> list[str]:
    lines = [
        "| Page | URL | vnu errors | Performance | Accessibility | Best practices | SEO | Weight (KB) | Gate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page in pages:
        scores = [str(page.scores.get(c, "–")) for c in CATEGORIES]
        if not page.seo_gated:
            scores[3] += " (noindex)" if page.noindex else " (indexable!)"
        weight = f"{page.weight / 1024:.0f}" if page.weight else "–"
        if page.max_bytes:
            weight += f" (≤ {page.max_bytes // 1024})"
        failures = page.failures()
        gate = "pass" if not failures else "FAIL: " + "; ".join(failures)
        who = " (logged in)" if page.logged_in else ""
        cells = [f"{page.name}{who}", f"`{page.url}`", str(len(page.vnu_errors)), *scores, weight, gate]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    lighthouse = json.loads((BENCH / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    vnu = json.loads((BENCH / "node_modules" / "vnu-jar" / "package.json").read_text())["version"]
    return (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"{chromium}; Lighthouse {lighthouse}; vnu-jar {vnu} on {java}"
    )


def report_write(pages: list[Page], command: str) -> None:
    lines = [
        "# Quality gates (issue 13)",
        "",
        "Written by `bench/quality.py` (`make quality`): the demo site served by gunicorn with production",
        "settings (DEBUG off, WhiteNoise), checked page by page with the Nu HTML checker and Lighthouse",
        "(mobile). Gates: 0 vnu errors; every Lighthouse score ≥ 95 (SEO not gated on the certificate",
        "verification page, which carries `noindex` on purpose); lesson page ≤ 250 KB first load",
        "(Lighthouse's total byte weight, media included).",
        "",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        "",
        *table(pages),
        "",
    ]
    details = [p for p in pages if p.vnu_errors or p.problems]
    if details:
        lines += ["## What the checkers still report", ""]
        for page in details:
            lines.append(f"- **{page.name}**: " + "; ".join(page.vnu_errors + page.problems))
        lines.append("")
    (BENCH / "QUALITY.md").write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("QUALITY_PORT", 8791)))
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (the median is kept)")
    parser.add_argument("--fresh", action="store_true", help="start from an empty var/quality/")
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/QUALITY.md")
    args = parser.parse_args()
    if not VNU_JAR.exists() or not (NODE_BIN / "lighthouse").exists():
        sys.exit("The tools are missing: run `npm ci --ignore-scripts --prefix bench` (or `make quality`).")
    env = site_env(args.port)
    site_prepare(env, fresh=args.fresh)
    pages, cookie = pages_find(env)
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        pages = [p for p in pages if p.name in wanted]
    base = f"http://127.0.0.1:{args.port}"
    with Server(env, args.port):
        for page in pages:  # warm-up: both workers, the page cache
            for _ in range(2):
                fetch(base + page.url, cookie if page.logged_in else None)
        vnu_check(pages, base, cookie)
        if not args.skip_lighthouse:
            for page in [p for p in pages if p.lighthouse]:
                print(f"lighthouse: {page.name} …", flush=True)
                lighthouse_run(page, base, cookie, args.runs)
    print("\n".join(table(pages)))
    for page in pages:
        for line in page.vnu_errors + page.problems:
            print(f"  {page.name}: {line}")
    if not args.no_write and not args.pages and not args.skip_lighthouse:
        report_write(pages, "make quality" + (f' QUALITY_ARGS="{shlex.join(sys.argv[1:])}"' if sys.argv[1:] else ""))
        print("written: bench/QUALITY.md")
    return 1 if any(p.failures() for p in pages) else 0


if __name__ == "__main__":
    sys.exit(main())
