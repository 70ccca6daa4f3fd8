"""A provincial dataset at a given scale, in a PostgreSQL database of its own.

At 100 %: 100,000 learners in 5,000 units (province → agencies and legacy districts → divisions and
communes: depth 3), 30 courses × 10 lessons and a final quiz, 1,000,000 enrolments, 5,000,000
lesson-progress rows, 500,000 quiz attempts and 200,000 issued certificates.

- **Content** (site, catalogue, courses, quizzes, certificate template, issuer key) is created through
  the project's own demo loaders (``cms.demo``, ``courses.demo``, ``quizzes.demo``,
  ``certificates.demo``), so every page renders as on a real site: course ``k`` is demo course
  ``k mod 7`` with its lessons doubled (10 per course) and its final quiz.
- **Units** are created with the tree service for the province and one bulk insert (materialised
  paths computed with treebeard's own path function) for the rest.
- **People and their learning** are set-based ``INSERT … SELECT generate_series`` in one transaction:
  learner ``i``'s enrolment ``k`` is in course ``(i + k·step) mod courses`` and its stage
  ``r = (i + 7k + 3) mod 10`` decides everything else — r ∈ {0, 1}: completed (every lesson and the
  quiz done, a passed attempt, r = 1 after a failed one, an issued certificate); r ≥ 2: r − 2
  lessons done, r ∈ {8, 9}: one failed attempt. So 20 % completed, 5 progress rows and 0.5 attempts
  per enrolment. The denormalised columns (``progress_pct``, ``status``, ``completed_at``,
  ``last_lesson``, certificates' ``frozen`` data) are computed from the same rows, and every NOT NULL
  column without a default is checked against the insert's column list before it runs.
- **Idempotent**: the table ``bench_dataset`` records what the database holds; a scale already there is
  skipped, a larger learner count adds only the missing learners (the smoke grows its dataset so).
  Certificates' PDFs are a placeholder path (no page that lists them opens the file).

    .venv/bin/python bench/dataset.py --scale 1        # database hocso_bench_1
    .venv/bin/python bench/dataset.py --scale 100      # hocso_bench_100
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import database_create, django_setup, redis_flush

COURSES = 30
LESSONS_PER_COURSE = 10
BENCH_EMAIL = "bench-0@example.vn"  # the learner whose pages are measured (enrolled, in progress)
MINIMAL_SLUG = "bench-minimal"


@dataclass(frozen=True)
class Size:
    learners: int
    units: int
    courses: int = COURSES
    per_learner: int = 10  # enrolments per learner

    @classmethod
    def at_scale(cls, percent: float) -> Size:
        """The issue's province (100,000 learners, 5,000 units) at ``percent``."""
        return cls(learners=round(100_000 * percent / 100), units=max(12, round(5_000 * percent / 100)))


def database_for_scale(percent: float) -> str:
    return f"hocso_bench_{percent:g}".replace(".", "_")


# --- Content: through the project's demo loaders ------------------------------------------------


def _is_lab_module(module: dict) -> bool:
    return all(any(block["type"] == "signature_lab" for block in lesson["body"]) for lesson in module["lessons"])


def _course_files(count: int) -> list[dict]:
    """``count`` course definitions in the demo loader's format: demo course ``k mod 7`` (its own slug
    for the first seven, so the demo quizzes find them), every module's lessons doubled."""
    from courses.demo import demo_course_files

    demo = demo_course_files()
    files = []
    for k in range(count):
        data = json.loads(json.dumps(demo[k % len(demo)]))
        data["id"] = k + 1
        if k >= len(demo):
            data["title"] = f"{data['title']} — lớp {k // len(demo) + 1}"
            data["slug"] = f"{data['slug']}-lop-{k // len(demo) + 1}"
        # The province dataset is 10 lessons a course: the demo's optional signature-lab practice
        # (per-learner PKI, measured by tests/signlab) is not part of it.
        data["modules"] = [module for module in data["modules"] if not _is_lab_module(module)]
        for module in data["modules"]:
            module["lessons"] += [  # practice lessons: the same text without the drawn illustrations
                dict(
                    lesson,
                    title=f"{lesson['title']} (luyện tập)",
                    body=[block for block in lesson["body"] if block["type"] != "illustration"],
                )
                for lesson in list(module["lessons"])
            ]
        lessons = sum(len(module["lessons"]) for module in data["modules"])
        assert lessons == LESSONS_PER_COURSE, (data["slug"], lessons)
        files.append(data)
    return files


def content_ensure(courses: int) -> None:
    """Site, catalogue, ``courses`` courses with their final quizzes, the default certificate
    template, the issuer key and the bench's minimal Wagtail page. Idempotent (the loaders are)."""
    from wagtail.models import Page

    from certificates.assets import issuer_key_record
    from certificates.demo import issuer_key_ensure
    from certificates.models import CertificateTemplate
    from certificates.signing import issuer_signer
    from cms.demo import demo_site_load
    from courses.demo import demo_catalogue_load
    from quizzes.demo import demo_quizzes_load

    home = demo_site_load()
    files = _course_files(courses)
    with tempfile.TemporaryDirectory() as directory:
        for data in files:
            Path(directory, f"course_{data['id']}.json").write_text(json.dumps(data, ensure_ascii=False))
        demo_catalogue_load(home=home, directory=Path(directory))
    with mock.patch("quizzes.demo.demo_course_files", lambda: files):
        demo_quizzes_load()
    if not CertificateTemplate.objects.filter(is_default=True).exists():
        CertificateTemplate.objects.create(
            name="Mẫu mặc định",
            is_default=True,
            issuer_name="Sở Khoa học và Công nghệ tỉnh Bắc Ninh",
            place="Bắc Ninh",
            signatory_title="Giám đốc",
            signatory_name="Nguyễn Văn Minh",
        )
    issuer_key_ensure()
    issuer_key_record(issuer=issuer_signer())
    if not Page.objects.filter(slug=MINIMAL_SLUG, depth=2).exists():
        # Outside the site's tree (a sibling of the home page): only bench.urls serves it.
        Page.get_first_root_node().add_child(instance=Page(title="Bench", slug=MINIMAL_SLUG))


# --- Units: the tree service for the root, one bulk insert for the rest ---------------------------


def units_ensure(units: int) -> None:
    """A province with ``units`` units in all, depth 3. Codes follow ``coordination_bench.py``
    (``99``, ``99.A000``, ``99.A000.000``…) so it runs on this dataset as it is."""
    from datetime import date

    from lms.orgunits.models import OrgUnit, UnitKind
    from lms.orgunits.services import org_unit_create

    if OrgUnit.objects.filter(code="99").exists():
        return
    start = date(2025, 7, 1)
    province = org_unit_create(code="99", name="Tỉnh Đo Hiệu Năng", kind=UnitKind.PROVINCE, valid_from=start)
    middle = max(2, round(units / 50))
    leaves = units - 1 - middle
    rows = []
    for m in range(middle):
        agency = m < (middle + 1) // 2
        n = m if agency else m - (middle + 1) // 2
        code = f"99.A{n:03d}" if agency else f"99.D{n:03d}"
        children = leaves // middle + (1 if m < leaves % middle else 0)
        path = OrgUnit._get_path(province.path, 2, m + 1)
        rows.append(
            OrgUnit(
                path=path,
                depth=2,
                numchild=children,
                code=code,
                name=f"Sở ngành {n + 1}" if agency else f"Huyện cũ {n + 1}",
                kind=UnitKind.AGENCY if agency else UnitKind.LEGACY_DISTRICT,
                valid_from=start,
            )
        )
        for c in range(children):
            rows.append(
                OrgUnit(
                    path=OrgUnit._get_path(path, 3, c + 1),
                    depth=3,
                    numchild=0,
                    code=f"{code}.{c:03d}",
                    name=f"Phòng {n + 1}.{c + 1}" if agency else f"Xã {n + 1}.{c + 1}",
                    kind=UnitKind.DIVISION if agency else UnitKind.COMMUNE,
                    valid_from=start,
                )
            )
    OrgUnit.objects.bulk_create(rows, batch_size=5000)
    OrgUnit.objects.filter(pk=province.pk).update(numchild=middle)


# --- People and learning: set-based inserts --------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Xuân"]
GIVEN = [
    "An", "Bình", "Chi", "Dũng", "Duyên", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngân", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
    "Tuấn", "Yến",
]  # fmt: skip
GROUPS = ["can_bo", "cong_chuc", "vien_chuc", "nguoi_lao_dong", "nguoi_dan", "to_cong_nghe_so", "hoc_sinh_sinh_vien"]
POSITIONS = ["lanh_dao", "chuyen_vien", "van_thu", "mot_cua", "khac", ""]


def _insert(cursor, model, columns: list[str], select_sql: str, params=()) -> int:
    """``INSERT INTO <model's table> (columns) <select_sql>`` after checking that every NOT NULL
    column without a database default is given (Django keeps defaults in Python, not in the table)."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    missing = {name for (name,) in cursor.fetchall()} - set(columns)
    assert not missing, f"{table}: NOT NULL columns without a value: {sorted(missing)}"
    quoted = ", ".join(f'"{column}"' for column in columns)
    cursor.execute(f"INSERT INTO {table} ({quoted}) {select_sql}", params)
    return cursor.rowcount


def _courses_plan(cursor, courses: int) -> None:
    """Temp table ``bench_course``: each course's index, lessons in order, quiz and a frozen layout
    taken from a real attempt (started through the quiz service, then rolled back)."""
    from django.db import transaction

    from courses.models import CoursePage
    from courses.selectors import course_outline
    from quizzes.models import QuizPage
    from quizzes.services import attempt_start

    class Rollback(Exception):
        pass

    someone = _layout_user()
    cursor.execute(
        "CREATE TEMP TABLE bench_course (idx int PRIMARY KEY, course_id bigint, title text, lessons bigint[],"
        " n_required int, quiz_id bigint, layout jsonb, validity_months int) ON COMMIT DROP"
    )
    ordered = list(CoursePage.objects.live().order_by("path"))[:courses]
    assert len(ordered) == courses, f"{len(ordered)} courses in the catalogue, {courses} expected"
    for idx, course in enumerate(ordered):
        outline = course_outline(course)
        quiz = QuizPage.objects.descendant_of(course).first()
        assert quiz is not None, f"course {course.slug} has no final quiz"
        try:
            with transaction.atomic():
                layout = attempt_start(user=someone, quiz=quiz).layout
                raise Rollback
        except Rollback:
            pass
        lessons = [lesson.pk for lesson in outline.lessons if lesson.pk != quiz.pk]
        cursor.execute(
            "INSERT INTO bench_course VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                idx,
                course.pk,
                course.title,
                lessons,
                len(outline.required_ids),
                quiz.pk,
                json.dumps(layout),
                course.validity_months,
            ],
        )


def _layout_user():
    from lms.accounts.models import User

    user, _created = User.objects.get_or_create(email="bench-layout@example.vn", defaults={"password": "!"})
    return user


def people_add(start: int, end: int, size: Size) -> None:
    """Learners ``start`` … ``end − 1`` with their memberships, enrolments, progress, attempts and
    certificates (see the module docstring for who gets what)."""
    from allauth.account.models import EmailAddress
    from django.db import connection

    from certificates.models import Certificate, CertificateTemplate, IssuerKey
    from courses.models import Enrollment, LessonProgress
    from lms.accounts.models import User
    from lms.orgunits.models import Membership
    from quizzes.models import Attempt

    step = max(1, size.courses // size.per_learner)
    template = CertificateTemplate.objects.get(is_default=True)
    key = IssuerKey.objects.get(active=True)
    with connection.cursor() as cursor:
        _courses_plan(cursor, size.courses)
        _insert(
            cursor,
            User,
            [
                "password",
                "is_superuser",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "full_name",
                "learner_group",
                "position",
                "phone",
                "language",
                "consent_at",
                "privacy_notice_version",
                "reminder_emails",
            ],  # fmt: skip
            """SELECT '!', false, 'bench-' || g || '@example.vn', false, true,
                      now() - make_interval(days => 30 + g %% 400),
                      (%(family)s::text[])[1 + g %% %(nf)s] || ' ' || (%(middle)s::text[])[1 + (g / %(nf)s) %% %(nm)s]
                        || ' ' || (%(given)s::text[])[1 + (g / 7) %% %(ng)s],
                      (%(groups)s::text[])[1 + g %% 7], (%(positions)s::text[])[1 + g %% 6], '', 'vi',
                      now() - make_interval(days => 30 + g %% 400), '2025-07', true
                 FROM generate_series(%(start)s, %(end)s - 1) g""",
            {
                "family": FAMILY,
                "middle": MIDDLE,
                "given": GIVEN,
                "groups": GROUPS,
                "positions": POSITIONS,
                "nf": len(FAMILY),
                "nm": len(MIDDLE),
                "ng": len(GIVEN),
                "start": start,
                "end": end,
            },
        )
        cursor.execute(
            """CREATE TEMP TABLE bench_unit ON COMMIT DROP AS
               SELECT row_number() OVER (ORDER BY path) - 1 AS idx, id AS unit_id, name
                 FROM orgunits_orgunit WHERE depth = 3 AND path LIKE (SELECT path FROM orgunits_orgunit
                                                                        WHERE code = '99') || '%'"""
        )
        cursor.execute("SELECT count(*) FROM bench_unit")
        (leaves,) = cursor.fetchone()
        cursor.execute(
            f"""CREATE TEMP TABLE bench_learner ON COMMIT DROP AS
                SELECT u.id AS user_id, u.full_name, n.i, bu.unit_id, bu.name AS unit_name
                  FROM {User._meta.db_table} u
                  CROSS JOIN LATERAL (SELECT substring(u.email FROM '^bench-([0-9]+)@')::int AS i) n
                  JOIN bench_unit bu ON bu.idx = n.i %% %s
                 WHERE u.email ~ '^bench-[0-9]+@example\\.vn$' AND n.i >= %s AND n.i < %s""",
            [leaves, start, end],
        )
        _insert(
            cursor,
            EmailAddress,
            ["user_id", "email", "verified", "primary"],
            "SELECT user_id, 'bench-' || i || '@example.vn', true, true FROM bench_learner",
        )
        _insert(
            cursor,
            Membership,
            ["user_id", "unit_id", "start", "source", "confirmed_at"],
            "SELECT user_id, unit_id, DATE '2025-07-01', 'import', now() - interval '200 days' FROM bench_learner",
        )
        # The plan: one row per enrolment, its course and stage r.
        cursor.execute(
            """CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
               SELECT l.user_id, l.i, l.full_name, l.unit_name, k, c.idx AS course_idx,
                      (l.i + 7 * k + 3) %% 10 AS r,
                      now() - make_interval(days => 20 + (l.i * 7 + k * 13) %% 300) AS started_at
                 FROM bench_learner l CROSS JOIN generate_series(0, %s - 1) k
                 JOIN bench_course c ON c.idx = (l.i + k * %s) %% %s""",
            [size.per_learner, step, size.courses],
        )
        _insert(
            cursor,
            Enrollment,
            [
                "user_id",
                "course_id",
                "cycle",
                "status",
                "source",
                "progress_pct",
                "started_at",
                "completed_at",
                "last_lesson_id",
                "last_activity_at",
            ],  # fmt: skip
            """SELECT p.user_id, c.course_id, 1,
                      CASE WHEN p.r < 2 THEN 'completed' ELSE 'active' END,
                      CASE WHEN p.i %% 3 = 0 THEN 'import' ELSE 'self' END,
                      CASE WHEN p.r < 2 THEN 100 ELSE round(100.0 * (p.r - 2) / c.n_required) END,
                      p.started_at,
                      CASE WHEN p.r < 2 THEN p.started_at + interval '5 days' END,
                      CASE WHEN p.r < 2 THEN c.quiz_id WHEN p.r > 2 THEN c.lessons[p.r - 2] END,
                      CASE WHEN p.r < 2 THEN p.started_at + interval '5 days'
                           WHEN p.r > 2 THEN p.started_at + make_interval(hours => p.r - 2) END
                 FROM bench_plan p JOIN bench_course c ON c.idx = p.course_idx""",
        )
        cursor.execute(
            f"""CREATE TEMP TABLE bench_enrolment ON COMMIT DROP AS
                SELECT e.id AS enrollment_id, e.completed_at, p.*
                  FROM bench_plan p JOIN bench_course c ON c.idx = p.course_idx
                  JOIN {Enrollment._meta.db_table} e ON e.user_id = p.user_id AND e.course_id = c.course_id
                                                    AND e.cycle = 1"""
        )
        _insert(
            cursor,
            LessonProgress,
            ["enrollment_id", "lesson_id", "first_viewed_at", "last_viewed_at", "completed_at", "time_spent_seconds"],
            """SELECT e.enrollment_id, c.lessons[j], t, t, t, 240 + 30 * j
                 FROM bench_enrolment e JOIN bench_course c ON c.idx = e.course_idx
                 CROSS JOIN LATERAL generate_series(1, CASE WHEN e.r < 2 THEN cardinality(c.lessons)
                                                            ELSE e.r - 2 END) j
                 CROSS JOIN LATERAL (SELECT e.started_at + make_interval(hours => j) AS t) w
               UNION ALL
               SELECT e.enrollment_id, c.quiz_id, e.completed_at, e.completed_at, e.completed_at, 600
                 FROM bench_enrolment e JOIN bench_course c ON c.idx = e.course_idx WHERE e.r < 2""",
        )
        _insert(
            cursor,
            Attempt,
            [
                "user_id",
                "quiz_id",
                "cycle",
                "number",
                "state",
                "layout",
                "sequence",
                "started_at",
                "submitted_at",
                "graded_at",
                "score_pct",
                "passed",
                "graded_notice_pending",
            ],  # fmt: skip
            """SELECT e.user_id, c.quiz_id, 1, a.number, 'graded', c.layout,
                      jsonb_array_length(c.layout -> 'pages'), t, t + interval '12 minutes',
                      t + interval '12 minutes', CASE WHEN a.passed THEN 85 ELSE 40 END, a.passed, false
                 FROM bench_enrolment e JOIN bench_course c ON c.idx = e.course_idx
                 JOIN (VALUES (0, 1, true), (1, 1, false), (1, 2, true), (8, 1, false), (9, 1, false))
                      a(r, number, passed) ON a.r = e.r
                 CROSS JOIN LATERAL (SELECT e.started_at + make_interval(days => a.number + 2) AS t) w""",
        )
        _insert(
            cursor,
            Certificate,
            [
                "code",
                "kind",
                "user_id",
                "enrollment_id",
                "cycle",
                "status",
                "frozen",
                "template_id",
                "template_version",
                "pdf",
                "pdf_sha256",
                "issuer_key_id",
                "requested_at",
                "enqueued_at",
                "render_attempts",
                "last_error",
                "issued_at",
                "expires_on",
                "notified_at",
                "revoked_reason",
            ],  # fmt: skip
            """SELECT 'B' || lpad(upper(to_hex(e.enrollment_id)), 11, '0'), 'course', e.user_id, e.enrollment_id,
                      1, 'issued',
                      jsonb_build_object(
                        'full_name', e.full_name, 'unit', e.unit_name, 'score', '85%%',
                        'course_id', c.course_id, 'course_title', c.title,
                        'completed_on', to_char(e.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'),
                        'validity_months', c.validity_months, 'cycle', 1, 'issuer_name', %s,
                        'template_name', %s, 'template_version', %s),
                      %s, %s, 'certificates/bench/placeholder.pdf', '', %s,
                      e.completed_at, e.completed_at, 1, '', e.completed_at + interval '1 minute',
                      CASE WHEN c.validity_months IS NOT NULL
                           THEN ((e.completed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                                 + make_interval(months => c.validity_months))::date END,
                      e.completed_at + interval '2 minutes', ''
                 FROM bench_enrolment e JOIN bench_course c ON c.idx = e.course_idx WHERE e.r < 2""",
            [template.issuer_name, template.name, template.version, template.pk, template.version, key.pk],
        )


# --- The marker and the entry point --------------------------------------------------------------


def _marker(cursor) -> dict | None:
    cursor.execute(
        "CREATE TABLE IF NOT EXISTS bench_dataset (id int PRIMARY KEY, learners int, units int, courses int,"
        " per_learner int, seconds jsonb, generated_at timestamptz)"
    )
    cursor.execute("SELECT learners, units, courses, per_learner, seconds FROM bench_dataset WHERE id = 1")
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(["learners", "units", "courses", "per_learner", "seconds"], row, strict=True))


def dataset_ensure(size: Size, *, log=print) -> dict:
    """Bring the current database (``django_setup`` done) to ``size``; returns the seconds per step
    (empty when nothing was to do)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seconds["migrate"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        marker = _marker(cursor)
    have = marker["learners"] if marker else 0
    if marker and (marker["courses"], marker["per_learner"]) != (size.courses, size.per_learner):
        raise SystemExit(f"the database holds another dataset shape ({marker}); drop it first")
    if have >= size.learners:
        log(f"  dataset already holds {have} learners: nothing to do")
        return {}
    step = time.perf_counter()
    content_ensure(size.courses)  # already there when the database was cloned from the template
    seconds["content"] = time.perf_counter() - step
    step = time.perf_counter()
    with transaction.atomic():
        units_ensure(size.units)
        people_add(have, size.learners, size)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_dataset VALUES (1, %s, %s, %s, %s, %s, now()) ON CONFLICT (id) DO UPDATE"
                " SET learners = excluded.learners, seconds = excluded.seconds, generated_at = now()",
                [size.learners, size.units, size.courses, size.per_learner, json.dumps(seconds)],
            )
    seconds["people"] = time.perf_counter() - step
    log(f"  learners {have} → {size.learners} and their learning {seconds['people']:.0f} s")
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility map and statistics, as an old database has them
    seconds["analyze"] = time.perf_counter() - step
    redis_flush_all()
    seconds["total"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_dataset SET seconds = %s WHERE id = 1", [json.dumps(seconds)])
    return seconds


def redis_flush_all() -> None:
    """Tasks queued by page publishes (nobody consumes them) and the site's cached pages."""
    from bench.common import BROKER_DB, CACHE_DB

    redis_flush(BROKER_DB)
    redis_flush(CACHE_DB)


def dataset_counts() -> dict[str, int]:
    from certificates.models import Certificate
    from courses.models import CoursePage, Enrollment, LessonPage, LessonProgress
    from lms.accounts.models import User
    from lms.orgunits.models import OrgUnit
    from quizzes.models import Attempt

    return {
        "learners": User.objects.filter(email__regex=r"^bench-[0-9]+@").count(),
        "units": OrgUnit.objects.count(),
        "courses": CoursePage.objects.count(),
        "lesson pages": LessonPage.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "lesson progress": LessonProgress.objects.count(),
        "quiz attempts": Attempt.objects.count(),
        "certificates": Certificate.objects.count(),
    }


def content_template(courses: int) -> str:
    """The database holding the migrated schema and the content of ``courses`` courses, made once
    (in a process of its own) and cloned for every dataset: content is the slow part to create
    through the page services and the same at every scale."""
    import subprocess

    from bench.common import PYTHON

    name = f"hocso_bench_content_{courses}"
    if database_create(name) or not _content_done(name):
        log_started = time.perf_counter()
        subprocess.run([PYTHON, __file__, "--content-only", "--database", name, "--courses", str(courses)], check=True)
        print(f"  content template {name}: {time.perf_counter() - log_started:.0f} s", file=sys.stderr)
    return name


def _content_done(name: str) -> bool:
    import psycopg

    from bench.common import database_url

    with psycopg.connect(database_url(name)) as connection:
        found = connection.execute("SELECT to_regclass('bench_content') IS NOT NULL").fetchone()[0]
        return bool(found and connection.execute("SELECT count(*) FROM bench_content").fetchone()[0])


def database_from_template(database: str, courses: int) -> None:
    """Create ``database`` as a copy of the content template (nothing done if it exists)."""
    import psycopg

    from bench.common import database_url

    with psycopg.connect(database_url("postgres"), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            return
        template = content_template(courses)
        connection.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')


def content_only(courses: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    content_ensure(courses)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_content (courses int)")
        cursor.execute("INSERT INTO bench_content VALUES (%s)", [courses])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1, help="percent of the province (1, 10, 100)")
    parser.add_argument("--database", help="default: hocso_bench_<scale>")
    parser.add_argument("--learners", type=int, help="override the scale's learner count")
    parser.add_argument("--units", type=int)
    parser.add_argument("--courses", type=int, default=COURSES)
    parser.add_argument("--per-learner", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the seconds per step as JSON")
    parser.add_argument("--content-only", action="store_true", help="(internal) make the content template")
    args = parser.parse_args()
    base = Size.at_scale(args.scale)
    size = Size(
        learners=args.learners or base.learners,
        units=args.units or base.units,
        courses=args.courses,
        per_learner=args.per_learner,
    )
    database = args.database or database_for_scale(args.scale)
    if args.content_only:
        database_create(database)
        django_setup(database)
        content_only(args.courses)
        return
    started = time.perf_counter()
    database_from_template(database, size.courses)
    cloned = time.perf_counter() - started
    django_setup(database)
    log = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    log(f"dataset {database}: {size}")
    seconds = dataset_ensure(size, log=log)
    if seconds:
        seconds["template and clone"] = cloned
    counts = dataset_counts()
    log("  " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    if args.json:
        print(json.dumps({"database": database, "seconds": seconds, "counts": counts}))


if __name__ == "__main__":
    main()
