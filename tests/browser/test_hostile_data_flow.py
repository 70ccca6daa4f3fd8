"""Issue 15: stored hostile data (``tests/security/hostile_corpus``) shown in Chromium runs nothing.

A course and its lesson titled with XSS payloads in the CMS, a learner whose name holds one (stored
before the name policy, which now refuses it at every input), an assignment titled with another and an
essay answer holding a third: the learner's, the coordinator's and the editor's pages that show them
— catalogue, course, lesson, search results, the learner list, the learner's record, the grading
queue, Wagtail's page explorer — open no dialog, call no payload function, hold no element or event
attribute built from a payload, and report no Content-Security-Policy violation (which would mean a
payload reached the page as markup and only the policy stopped it)."""

from datetime import date
from urllib.parse import quote

import pytest

from cms.services import site_home_ensure
from courses.assignments import assignment_create
from courses.services import enrollment_create
from lms.accounts.models import User
from lms.accounts.services import editors_group
from lms.orgunits.services import coordinator_scope_grant
from quizzes.services import attempt_start, attempt_submit
from tests.factories import (
    UserFactory,
    course_lessons,
    make_catalogue,
    make_course,
    make_province_tree,
    make_quiz,
    place,
)
from tests.security.hostile_corpus import MARKER, TEMPLATE, XSS

pytestmark = [pytest.mark.browser, pytest.mark.embedded]
PASSWORD = "Hoc-so-an-toan-2026"
# Runs before any page script (DevTools injects it, outside the page's policy): a payload that ran
# would call this or set the flag.
WATCH = f"window.__hocso_calls = 0; window.{MARKER} = () => {{ window.__hocso_calls += 1; }};"
BUILT = """(marker) => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') && attr.value.includes(marker)) found.push(el.tagName + ' ' + attr.name);
      if (/^\\s*javascript:/i.test(attr.value) && attr.value.includes(marker)) found.push(el.tagName + ' ' + attr.name);
    }
    if (el.tagName === 'SCRIPT' && el.textContent.includes(marker)) found.push('SCRIPT');
  }
  return found;
}"""


def login(page, base, email):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


@pytest.mark.django_db(transaction=True)
def test_stored_hostile_data_runs_nothing_in_chromium(chromium, live_server, admin_user):
    site_home_ensure()
    units = make_province_tree()
    course = make_course("Khoá an toàn", index=make_catalogue(), modules=1, lessons_per_module=1)
    quiz = make_quiz(course=course, questions=[{"type": "essay", "text": "Trình bày."}], questions_per_page=1)
    course.title = f"Ký số {XSS[0]} {TEMPLATE[0]}"
    course.save()
    lesson = course_lessons(course)[0].specific
    lesson.title = f"Bài {XSS[1]}"
    lesson.save()
    learner = UserFactory(email="hocvien.doc@example.vn", password=PASSWORD)
    place(learner, units["commune_a"])
    User.objects.filter(pk=learner.pk).update(full_name=XSS[2])  # stored before the policy refused it
    coordinator = UserFactory(email="dieuphoi.doc@example.vn", password=PASSWORD)
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["province"])
    editor = UserFactory(email="bientap.doc@example.vn", password=PASSWORD)
    editor.groups.add(editors_group())
    enrollment_create(user=learner, course=course)
    assignment_create(actor=coordinator, title=XSS[3], courses=[course], due_date=date(2030, 12, 31), users=[learner])
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, sequence=attempt.sequence, page=0, data={"q0": XSS[7]})

    base = live_server.url
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs, violations = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    search = "/search/?q=" + quote("Ký số")
    visits = {
        learner.email: ["/", "/khoa-hoc/", course.url, lesson.url, "/learn/", search, "/accounts/profile/"],
        coordinator.email: [
            f"/coordinate/?unit={units['commune_a'].pk}",
            f"/coordinate/learners/{learner.pk}/",
            "/coordinate/assignments/",
            "/certificates/manage/?q=" + quote(XSS[0]),
        ],
        editor.email: ["/admin/quizzes/grading/", f"/admin/pages/{course.get_parent().pk}/", search],
    }
    seen = []
    try:
        for email, paths in visits.items():
            login(page, base, email)
            for path in paths:
                response = page.goto(base + path)
                assert response.status < 500, path
                built = page.evaluate(BUILT, MARKER)
                calls = page.evaluate("window.__hocso_calls + (window.__hocso_pwned ? 1 : 0)")
                assert built == [] and calls == 0, f"{path}: built {built}, calls {calls}"
                seen.append(path) if MARKER in page.inner_text("body") else None
        assert dialogs == [] and violations == [], (dialogs, violations)
        # The payloads were on the pages, as text, so the checks above looked at something.
        must_show = [course.url, lesson.url, search, f"/coordinate/learners/{learner.pk}/", "/coordinate/assignments/"]
        assert set(must_show) <= set(seen), seen
        # And the watch can fail: the same markup, unescaped on a page without the policy, runs.
        page.goto("about:blank")
        page.set_content(XSS[1] + XSS[0])
        page.wait_for_function("window.__hocso_calls >= 1")
        assert page.evaluate("window.__hocso_calls") >= 1 and page.evaluate(BUILT, MARKER)
    finally:
        context.close()
