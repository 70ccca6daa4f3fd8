"""Issue 15: a hostile-input corpus (``hostile_corpus``: XSS, template injection, SSRF URLs, path
traversal, open redirects, bidi/zero-width/NFD, very long strings, Hypothesis text) pushed through
every form a learner, a coordinator, an editor or an administrator can post — sign-up, profile,
search, certificate lookup, quiz answers (essay), the coordinator's filters, assignment, target,
reminders, exception and manual completion, the learner import, the units import, GIFT, grading — and
through the pages that show what was stored (the certificate's name included).

Every response: no 500; no element or event attribute built from a payload; no template payload
evaluated; no redirect off the site for a hostile ``next``; and not one outbound connection (every
socket connection, DNS look-up and HTTP client call is watched for the whole module)."""

from __future__ import annotations

import socket
import urllib.request
from datetime import date
from urllib.parse import quote, urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings

from lms.accounts.services import editors_group
from lms.orgunits.services import coordinator_scope_grant
from tests.factories import (
    UserFactory,
    make_catalogue,
    make_course,
    make_province_tree,
    make_quiz,
    place,
)
from tests.fixtures.jobs import run_jobs
from tests.lms.hostile_tables import HEADER
from tests.security.hostile_corpus import (
    CORPUS,
    LONG,
    REDIRECTS,
    SSRF,
    SSRF_HOSTS,
    TEMPLATE,
    TRAVERSAL,
    UNICODE,
    XSS,
    evaluated,
    hostile_text,
    injected,
)

pytestmark = pytest.mark.django_db
LOOPBACK = ("127.", "::1", "localhost", "/")  # "/": a Unix socket
STORABLE = [text for text in CORPUS if "\x00" not in text]  # PostgreSQL text holds no NUL: look-ups use these
ESSAY = {"type": "essay", "text": "Trình bày quy trình ký số một văn bản."}


# --- not one outbound connection -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def outbound(monkeypatch):
    """Every outbound attempt, recorded and refused: a socket connection off loopback, a DNS look-up
    of an SSRF host, any urllib / requests / urllib3 fetch. The test asserts the list stays empty."""
    attempts: list[str] = []

    def host_of(address) -> str:
        return str(address[0] if isinstance(address, tuple) else address)

    def guard(kind, address):
        host = host_of(address)
        if not host.startswith(LOOPBACK) or any(target in host for target in SSRF_HOSTS):
            attempts.append(f"{kind} {address!r}")
            raise ConnectionRefusedError(f"outbound connection refused in tests: {address!r}")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address):
        guard("connect", address)
        return real_connect(self, address)

    def connect_ex(self, address):
        guard("connect_ex", address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if any(target in str(host) for target in SSRF_HOSTS):
            attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(f"look-up refused in tests: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def fetch(kind):
        def refuse(*args, **kwargs):
            attempts.append(f"{kind} {args[:2]!r}")
            raise ConnectionRefusedError(f"{kind} refused in tests")

        return refuse

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib.request, "urlopen", fetch("urlopen"))
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", fetch("OpenerDirector.open"))
    try:
        import requests

        monkeypatch.setattr(requests.Session, "send", fetch("requests"))
    except ImportError:  # pragma: no cover — requests is not a dependency of every install
        pass
    import urllib3

    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "urlopen", fetch("urllib3"))
    yield attempts
    assert attempts == [], f"outbound attempts: {attempts}"


def test_the_outbound_guard_catches_what_it_claims(outbound):
    """The guard can fail: a fetch of an SSRF target, a connection off loopback are recorded."""
    for url in ("http://169.254.169.254/latest/meta-data/", "http://evil.example/"):
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 — the point of the test
    with pytest.raises(OSError):
        socket.create_connection(("10.255.255.1", 80), timeout=1)
    with pytest.raises(OSError):
        socket.getaddrinfo("evil.example", 80)
    assert len(outbound) == 4, outbound
    outbound.clear()  # recorded on purpose; the fixture's teardown checks every other test


# --- the checks ------------------------------------------------------------------------------------


def safe(response, payload: str = "", where: str = "") -> str:
    """The response's HTML after the checks: not a 500, no payload built into the page, no template
    payload evaluated, no redirect off the site."""
    label = f"{where} {payload[:60]!r}"
    assert response.status_code < 500, f"{response.status_code} for {label}"
    if response.status_code in (301, 302, 303, 307, 308):
        assert on_site(response["Location"]), f"off-site redirect {response['Location']!r} for {label}"
    body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text/") else ""
    problems = injected(body)
    assert problems == [], f"{label}: {problems}"
    if payload in TEMPLATE:
        assert evaluated(body) == [], f"template payload evaluated for {label}"
    return body


def on_site(location: str) -> bool:
    """A redirect target that stays on the site: a path (relative or absolute), or an absolute URL to
    the test server. Browsers drop tabs and newlines and read a backslash as a slash."""
    stripped = "".join(location.split("\t")).replace("\n", "").replace("\r", "").strip().replace("\\", "/")
    parsed = urlparse(stripped)
    if parsed.scheme or parsed.netloc:
        return parsed.scheme in ("http", "https") and parsed.netloc == "testserver"
    return not stripped.startswith("//")


# --- the world -------------------------------------------------------------------------------------


@pytest.fixture
def world(admin_user, settings, tmp_path):
    """A learner in commune A (enrolled in a course with an essay quiz and an assignment), the
    province's coordinator, an editor, the administrator, a quiz category."""
    from courses.assignments import assignment_create
    from courses.services import enrollment_create
    from quizzes.models import QuestionCategory

    settings.MEDIA_ROOT = tmp_path / "media"
    units = make_province_tree()
    learner = UserFactory(full_name="Đặng Thị Mỹ")
    place(learner, units["commune_a"])
    coordinator, editor = UserFactory(full_name="Điều Phối"), UserFactory(full_name="Biên Tập")
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["province"])
    editor.groups.add(editors_group())
    course = make_course("Khoá ký số", index=make_catalogue(), modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[ESSAY], questions_per_page=1, shuffle_answers=False)
    enrollment_create(user=learner, course=course)
    assignment = assignment_create(
        actor=coordinator, title="Đợt 1", courses=[course], due_date=date(2030, 12, 31), users=[learner]
    )
    return {
        "units": units,
        "learner": learner,
        "coordinator": coordinator,
        "editor": editor,
        "admin": admin_user,
        "course": course,
        "quiz": quiz,
        "assignment": assignment,
        "category": QuestionCategory.objects.create(name="Nhóm thử"),
    }


def as_user(client, user):
    client.logout()
    client.force_login(user)
    return client


# --- learner: sign-up, profile, search, certificate lookup ----------------------------------------


@pytest.mark.parametrize("payload", XSS + TEMPLATE + UNICODE[:1] + LONG[:1])
def test_sign_up_refuses_or_stores_hostile_names_and_shows_them_inert(client, db, payload):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": payload,
            "email": payload if payload in TEMPLATE[:1] else f"moi{len(payload)}@example.vn",
            "password1": "Hoc-so-an-toan-2026",
            "password2": "Hoc-so-an-toan-2026",
            "consent": "on",
        },
    )
    safe(response, payload, "sign-up")
    safe(client.get("/accounts/profile/"), payload, "profile after sign-up")


def test_profile_fields_and_the_pages_that_show_them(client, world):
    from lms.accounts.models import User

    learner, coordinator = world["learner"], world["coordinator"]
    unit = world["units"]["commune_a"]
    pages = ["/accounts/profile/", "/learn/", "/accounts/my-data/"]
    coordinator_pages = [
        f"/coordinate/?unit={unit.pk}",
        f"/coordinate/learners/{learner.pk}/",
        "/coordinate/memberships/",
    ]
    stored = []
    for payload in CORPUS:
        as_user(client, learner)
        fields = {"full_name": payload, "phone": payload, "learner_group": payload, "position": payload}
        safe(client.post("/accounts/profile/", {**fields, "language": "vi", "unit": unit.pk}), payload, "profile")
        response = client.post("/accounts/profile/", {"full_name": payload, "language": "vi", "unit": unit.pk})
        safe(response, payload, "profile (name only)")
        if User.objects.get(pk=learner.pk).full_name != "Đặng Thị Mỹ":
            stored.append(payload)
            for path in pages:
                safe(client.get(path), payload, path)
            as_user(client, coordinator)
            for path in coordinator_pages:
                safe(client.get(path), payload, path)
    assert stored, "no hostile name was stored: the pages that show names were never tried"


def test_search_and_certificate_lookup(client, world):
    from certificates.models import Certificate  # noqa: F401 — the lookup reads it

    as_user(client, world["learner"])
    for payload in CORPUS + REDIRECTS:
        encoded = quote(payload, safe="")
        safe(client.get("/search/", {"q": payload}), payload, "search")
        safe(client.get("/verify/", {"code": payload}), payload, "verify form GET")
        safe(client.post("/verify/", {"code": payload}), payload, "verify form POST")
        safe(client.get(f"/verify/{encoded}/"), payload, "verify code")
        safe(client.get(f"/verify/{encoded}/", {"format": "json"}), payload, "verify json")
        safe(client.get(f"/learn/certificates/{encoded}/status/"), payload, "certificate status")
    for payload in TRAVERSAL:
        safe(client.get(f"/documents/1/{quote(payload, safe='')}"), payload, "document path")
        safe(client.get(f"/media/{payload}"), payload, "media path")
        safe(client.get(f"/jobs/1/download/?f={quote(payload)}"), payload, "job download")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=hostile_text)
def test_generated_text_through_profile_and_search(client, world, text):
    as_user(client, world["learner"])
    safe(client.post("/accounts/profile/", {"full_name": text, "phone": text, "language": "vi"}), text, "profile")
    safe(client.get("/accounts/profile/"), text, "profile")
    safe(client.get("/search/", {"q": text}), text, "search")
    safe(client.post("/verify/", {"code": text}), text, "verify")


# --- quiz answers, grading -------------------------------------------------------------------------


def test_essay_answers_and_grader_comments(client, world):
    from quizzes.models import AttemptAnswer
    from quizzes.services import attempt_start, attempt_submit

    learner, editor = world["learner"], world["editor"]
    payloads = XSS + TEMPLATE + SSRF + UNICODE + LONG[:1]
    for number, payload in enumerate(payloads):
        attempt = attempt_start(user=learner, quiz=world["quiz"])
        as_user(client, learner)
        data = {"sequence": attempt.sequence, "page": 0, "q0": payload}
        safe(client.post(f"/quiz/attempt/{attempt.pk}/autosave/", data), payload, "autosave")
        safe(client.get(f"/quiz/attempt/{attempt.pk}/"), payload, "attempt page with the draft")
        attempt.refresh_from_db()
        safe(client.post(f"/quiz/attempt/{attempt.pk}/", {**data, "sequence": attempt.sequence}), payload, "answer")
        attempt.refresh_from_db()
        if attempt.submitted_at is None:
            attempt_submit(attempt_id=attempt.pk, user=learner, sequence=attempt.sequence, page=0, data={"q0": payload})
        safe(client.get(f"/quiz/attempt/{attempt.pk}/summary/"), payload, "summary")
        as_user(client, editor)
        safe(client.get("/admin/quizzes/grading/"), payload, "grading queue")
        answer = AttemptAnswer.objects.filter(attempt=attempt, response__isnull=False).first()
        if answer is not None:
            comment = {"answer": answer.pk, "mark": payload if number % 2 else "1", "comment": payload}
            safe(client.post("/admin/quizzes/grading/", comment), payload, "grade")
            safe(client.post("/admin/quizzes/grading/", {**comment, "mark": "1"}), payload, "grade")
        safe(client.get(f"/admin/quizzes/{world['quiz'].pk}/report/"), payload, "quiz report")
        as_user(client, learner)
        safe(client.get(f"/quiz/attempt/{attempt.pk}/review/"), payload, "review")
    assert AttemptAnswer.objects.filter(attempt__user=learner, response__isnull=False).exists()


# --- the coordinator's forms ---------------------------------------------------------------------


def test_coordinator_filters_assignments_targets_reminders_and_exceptions(client, world):
    from courses.models import Assignment

    coordinator, learner, assignment = world["coordinator"], world["learner"], world["assignment"]
    unit, course = world["units"]["commune_a"], world["course"]
    as_user(client, coordinator)
    for payload in XSS + TEMPLATE + SSRF[:3] + TRAVERSAL[:2] + UNICODE[:2] + LONG[:1] + REDIRECTS[:3]:
        for key in ("unit", "course", "as_of", "p", "retired", "refresh"):
            safe(client.get("/coordinate/", {key: payload}), payload, f"dashboard {key}")
        safe(client.get("/coordinate/assignments/", {"p": payload}), payload, "assignments list")
        safe(client.get("/certificates/manage/", {"q": payload, "p": payload}), payload, "certificates search")
        new = {
            "title": payload,
            "plan_reference": payload,
            "courses": course.pk,
            "units": unit.pk,
            "due_date": "31/12/2030",
            "emails": payload,
        }
        safe(client.post("/coordinate/assignments/new/", new), payload, "assignment new")
        safe(client.post("/coordinate/assignments/new/", {**new, "emails": ""}), payload, "assignment new")
        safe(client.post("/coordinate/assignments/new/", {**new, "due_date": payload}), payload, "assignment date")
        edit = {"title": payload, "plan_reference": payload}
        safe(client.post(f"/coordinate/assignments/{assignment.pk}/edit/", edit), payload, "assignment edit")
        extend = {"due_date": payload, "reason": payload}
        safe(client.post(f"/coordinate/assignments/{assignment.pk}/extend/", extend), payload, "extend")
        safe(
            client.post(f"/coordinate/assignments/{assignment.pk}/remind/", {"recipients": payload}), payload, "remind"
        )
        safe(client.post(f"/coordinate/units/{unit.pk}/target/", {"target_pct": payload}), payload, "target")
        exception = {"assignment": assignment.pk, "kind": "exempt", "reason": payload, "due_date": payload}
        safe(client.post(f"/coordinate/learners/{learner.pk}/exception/", exception), payload, "exception")
        safe(client.post(f"/coordinate/learners/{learner.pk}/exception/", {**exception, "kind": payload}), payload, "x")
        manual = {"course": payload, "note": payload}
        safe(client.post(f"/coordinate/learners/{learner.pk}/complete/", manual), payload, "manual completion")
        safe(
            client.post("/coordinate/exports/", {"export": payload, "unit": unit.pk, "number": payload}),
            payload,
            "export",
        )
        safe(client.get(f"/coordinate/invitation/{quote(payload, safe='')}/"), payload, "invitation token")
        safe(client.get(f"/coordinate/reminders/off/{quote(payload, safe='')}/"), payload, "reminders off")
    # The stored titles, as the coordinator and the learner see them.
    assert Assignment.objects.filter(title__in=STORABLE).exists()
    for path in ("/coordinate/assignments/", f"/coordinate/learners/{learner.pk}/", f"/coordinate/?unit={unit.pk}"):
        safe(client.get(path), "", path)
    for stored in Assignment.objects.filter(title__in=STORABLE):
        safe(client.get(f"/coordinate/assignments/{stored.pk}/edit/"), stored.title, "stored assignment")
        safe(client.get(f"/coordinate/assignments/{stored.pk}/remind/"), stored.title, "stored assignment reminder")
    as_user(client, learner)
    safe(client.get("/learn/"), "", "learner's assignments")


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_learner_import_with_hostile_cells(client, world):
    as_user(client, world["coordinator"])
    payloads = XSS + TEMPLATE + SSRF + TRAVERSAL + UNICODE
    rows = [[payload, f"nguoi{n}@example.vn", "09325", payload, payload, payload] for n, payload in enumerate(payloads)]
    rows += [["Lê Văn Tám", payload, payload, "", "", ""] for payload in XSS + TEMPLATE]
    for name in ("hoc-vien.csv", *(f"{payload}.csv" for payload in TRAVERSAL + XSS[:2])):
        response = client.post("/coordinate/import/", {"file": SimpleUploadedFile(name, _csv(HEADER, rows))})
        safe(response, name, "learner import")
        run_jobs()
        if response.status_code == 302:
            safe(client.get(response["Location"]), name, "import preview")
    good = [[payload, f"tot{n}@example.vn", "09325", "", "", ""] for n, payload in enumerate(UNICODE + TEMPLATE)]
    response = client.post("/coordinate/import/", {"file": SimpleUploadedFile("tot.csv", _csv(HEADER, good))})
    run_jobs()
    job_url = response["Location"]
    safe(client.get(job_url), "", "import preview")
    safe(client.post(job_url), "", "import apply")
    run_jobs()
    safe(client.get(job_url), "", "import applied")
    safe(client.get(f"/coordinate/?unit={world['units']['commune_a'].pk}"), "", "dashboard after import")


def test_units_import_and_unit_forms_as_administrator(client, world):
    from lms.orgunits.models import OrgUnit

    as_user(client, world["admin"])
    header = ["code", "name", "kind", "parent_code", "valid_from", "valid_to"]
    payloads = XSS + TEMPLATE + SSRF + TRAVERSAL + UNICODE
    rows = [[f"9{n:02d}", payload, "province", "", "01/01/2025", ""] for n, payload in enumerate(payloads)]
    rows += [[payload, "Tỉnh", payload, payload, payload, payload] for payload in XSS + TEMPLATE]
    printable = [row for row in rows[: len(payloads)] if "\x00" not in row[1]]  # NUL: "cannot read the row"
    for data in (_csv(header, rows), _csv(header, printable)):
        response = client.post("/admin/org-units/import/", {"file": SimpleUploadedFile("units.csv", data)})
        body = safe(response, "", "units import")
        run_jobs()
        if response.status_code == 302:
            body = safe(client.get(response["Location"]), "", "units import result")
        assert "Traceback" not in body
    assert OrgUnit.objects.filter(name__in=[p for p in payloads if p in STORABLE]).count() >= len(XSS), (
        "the hostile unit names were not imported"
    )
    safe(client.get("/admin/org-units/"), "", "unit tree")
    for payload in CORPUS[:30]:
        safe(client.get("/admin/org-units/", {"q": payload}), payload, "unit tree filter")
    for unit in OrgUnit.objects.filter(name__in=[p for p in payloads if p in STORABLE])[:5]:
        safe(client.get(f"/coordinate/?unit={unit.pk}"), unit.name, "stored unit name")


def gift(text: str) -> str:
    """``text`` with GIFT's special characters escaped, so the payload arrives whole."""
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text


def test_gift_import_of_hostile_questions(client, world):
    from quizzes.models import Question

    as_user(client, world["editor"])
    category = world["category"]
    questions = "\n\n".join(
        f"::{gift(payload[:80])}::{gift(payload)} {{=đúng#{gift(payload)} ~sai#{gift(payload)}}}"
        for payload in XSS + TEMPLATE + SSRF
    )
    essay = "\n\n".join(f"::Tự luận {n}::{gift(payload)} {{}}" for n, payload in enumerate(XSS + UNICODE))
    for name, text in [
        ("cau-hoi.txt", questions + "\n\n" + essay),
        ("../../etc/passwd", questions),
        ("hong.txt", "::" + XSS[0] + "::{=a ~b\n\n" + "{% debug %} {=a ~b"),
    ]:
        response = client.post(
            "/admin/quizzes/gift/", {"category": category.pk, "file": SimpleUploadedFile(name, text.encode())}
        )
        body = safe(response, "", f"GIFT {name}")
        assert name != "cau-hoi.txt" or response.status_code == 302, body[-3000:]
        safe(client.get("/admin/quizzes/gift/"), "", "GIFT page")
    assert Question.objects.filter(category=category).exists()
    export = client.get("/admin/quizzes/gift/", {"export": category.pk})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/plain")
    for payload in ("../../etc/passwd", XSS[0], "{{ 1337*7 }}"):
        safe(client.get("/admin/quizzes/gift/", {"export": payload}), payload, "GIFT export id")
    safe(client.get("/admin/snippets/quizzes/question/"), "", "question list")


# --- open redirects ------------------------------------------------------------------------------


def test_hostile_next_never_leaves_the_site(client, world, password):
    learner = world["learner"]
    for payload in REDIRECTS + SSRF + XSS[:3]:
        client.logout()
        safe(client.get("/accounts/login/", {"next": payload}), payload, "login form")
        response = client.post(
            "/accounts/login/?" + f"next={quote(payload, safe='')}",
            {"login": learner.email, "password": password, "next": payload},
        )
        assert response.status_code == 302, f"login refused for next={payload!r}"
        safe(response, payload, "login")
        safe(client.post("/language/", {"language": "en", "next": payload}), payload, "language")
        safe(client.get("/accounts/logout/", {"next": payload}), payload, "logout form")
        safe(client.post("/accounts/logout/", {"next": payload}), payload, "logout")
        safe(client.get("/accounts/signup/", {"next": payload}), payload, "sign-up form")
        safe(client.get("/admin/", {"next": payload}), payload, "admin")


def test_open_redirect_check_can_fail():
    assert not on_site("//evil.example/") and not on_site("/\\evil.example") and not on_site("https://evil.example")
    assert on_site("/learn/") and on_site("http://testserver/learn/")
    html = '<p>x</p><img src=x onerror="hocsoPwned()"><script>hocsoPwned()</script>'
    assert len(injected(html)) == 2 and evaluated("<p>9359</p>")
    assert injected("<p>&lt;img src=x onerror=hocsoPwned()&gt;</p>") == []


# --- names: refused at input, inert when stored anyway (before the policy), on the certificate ------


def test_hostile_names_stored_before_the_policy_are_shown_inert_and_never_printed(client, world, issuer_key):
    """The name policy refuses every XSS and template payload at input (the profile test sees them
    turned back); a name stored before the policy still shows inert on every page that shows names,
    the certificate's verification page included, and the renderer refuses to print it."""
    from certificates.models import Certificate, CertificateStatus
    from certificates.services import certificate_issue
    from certificates.tasks import certificate_render
    from lms.accounts.models import User
    from tests.certificates.conftest import complete_course

    learner, coordinator, admin = world["learner"], world["coordinator"], world["admin"]
    unit = world["units"]["commune_a"]
    short = make_course("Khoá ngắn", modules=1, lessons_per_module=1)
    complete_course(learner, short)
    certificate = certificate_issue(certificate_id=Certificate.objects.get(user=learner).pk)
    assert certificate.status == CertificateStatus.ISSUED
    code = certificate.code
    for payload in XSS + TEMPLATE:
        as_user(client, learner)
        before = User.objects.get(pk=learner.pk).full_name
        safe(client.post("/accounts/profile/", {"full_name": payload, "language": "vi"}), payload, "profile")
        assert User.objects.get(pk=learner.pk).full_name == before, f"name policy let {payload!r} in"
        User.objects.filter(pk=learner.pk).update(full_name=payload)
        Certificate.objects.filter(pk=certificate.pk).update(frozen={**certificate.frozen, "full_name": payload})
        for path in ("/accounts/profile/", "/learn/", "/learn/certificates/", "/accounts/my-data/"):
            safe(client.get(path), payload, path)
        client.logout()
        safe(client.get(f"/verify/{code}/"), payload, "verification page")
        as_user(client, coordinator)
        for path in (
            f"/coordinate/?unit={unit.pk}",
            f"/coordinate/learners/{learner.pk}/",
            "/certificates/manage/",
            f"/certificates/{code}/manage/",
            "/coordinate/assignments/",
        ):
            safe(client.get(path), payload, path)
        as_user(client, admin)
        for path in ("/admin/users/", f"/admin/people/{learner.pk}/name/", "/admin/quizzes/grading/"):
            safe(client.get(path), payload, path)
    # The renderer: a stored name that breaks the policy is never printed (the certificate fails).
    User.objects.filter(pk=learner.pk).update(full_name=XSS[0])
    again = make_course("Khoá in lại", modules=1, lessons_per_module=1)
    enrollment = complete_course(learner, again)
    pending = Certificate.objects.get(enrollment=enrollment)
    certificate_render.apply(args=[pending.pk])
    pending.refresh_from_db()
    assert pending.status == CertificateStatus.FAILED and not pending.pdf


def test_every_question_type_answered_with_hostile_text(client, world):
    """One page with every question type; every field (``q<slot>``, ``q<slot>_<n>``, ``flag<slot>``)
    holds the payload: saved, submitted, reviewed — never a 500, never built into the page."""
    from quizzes.models import AttemptAnswer
    from quizzes.services import attempt_start
    from tests.factories import QUESTION_SPECS

    learner = world["learner"]
    from courses.services import enrollment_create

    course = make_course("Khoá mọi loại câu", index=world["course"].get_parent(), modules=1, lessons_per_module=1)
    enrollment_create(user=learner, course=course)
    specs = list(QUESTION_SPECS.values())
    quiz = make_quiz(course=course, questions=specs, questions_per_page=len(specs), shuffle_answers=False)
    as_user(client, learner)
    for payload in XSS[:4] + TEMPLATE + SSRF[:2] + TRAVERSAL[:2] + UNICODE[:2] + LONG:
        attempt = attempt_start(user=learner, quiz=quiz)
        data = {"sequence": attempt.sequence, "page": 0}
        for slot in range(len(QUESTION_SPECS)):
            data |= {f"q{slot}": payload, f"flag{slot}": payload, **{f"q{slot}_{n}": payload for n in range(4)}}
        response = client.post(f"/quiz/attempt/{attempt.pk}/autosave/", data)
        stored = AttemptAnswer.objects.filter(attempt=attempt).values_list("response", flat=True)
        assert payload not in XSS or payload in map(str, stored), f"{payload!r} was not saved"
        safe(response, payload, "autosave, every type")
        safe(client.get(f"/quiz/attempt/{attempt.pk}/"), payload, "attempt page, every type")
        attempt.refresh_from_db()
        data["sequence"] = attempt.sequence
        safe(client.post(f"/quiz/attempt/{attempt.pk}/", {**data, "finish": "1"}), payload, "answer, every type")
        safe(client.get(f"/quiz/attempt/{attempt.pk}/summary/"), payload, "summary, every type")
        safe(client.post(f"/quiz/attempt/{attempt.pk}/summary/", {"sequence": payload}), payload, "submit, every type")
        safe(client.get(f"/quiz/attempt/{attempt.pk}/review/"), payload, "review, every type")
        safe(client.post(f"/quiz/{quiz.pk}/start/", {"sequence": payload}), payload, "start again")
