"""One learner's journey, for locust (``bench/load.py`` runs it headless; see bench/README.md).

Each simulated learner takes the next plan of ``HOCSO_LOAD_PLAN`` (a JSON list written by
``bench/load.py``: email, password, its course's enrol path, lessons and quiz) and, as a browser
does: signs in, opens the catalogue and the course, enrols, opens every lesson and marks it done,
opens the quiz, starts an attempt, opens its page and the summary, submits — then stops. Every
request must answer what the browser expects (200, or the redirect of a form); the first one that does
not ends that learner's journey as failed. On quitting, ``HOCSO_LOAD_RESULT`` receives the learners
whose journey completed, the count of answers by status (5xx counted there too) and every request's
time and failure by step.

The CSRF token posted is the value of the CSRF cookie (Django accepts the unmasked secret), so no
page is parsed. Production cookies are ``Secure`` and the load runs plain HTTP on loopback: the
client keeps sending them there, as browsers do for localhost.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import gevent
from locust import HttpUser, events, task
from locust.exception import StopUser

PLAN_FILE = os.environ.get("HOCSO_LOAD_PLAN")
PLANS: list[dict] = json.loads(Path(PLAN_FILE).read_text()) if PLAN_FILE else []
COMPLETED: list[str] = []
FAILED: dict[str, str] = {}
STATUSES: Counter = Counter()
TIMES: dict[str, list[float]] = {}  # step → response times (ms)
STEP_FAILURES: Counter = Counter()
ATTEMPT = re.compile(r"/quiz/attempt/(\d+)/")
SEQUENCE = re.compile(r'name="sequence" value="(\d+)"')


class JourneyFailed(Exception):
    pass


@events.request.add_listener
def _count(name, response_time, response=None, exception=None, **_kwargs):
    STATUSES[str(response.status_code) if response is not None and response.status_code else "error"] += 1
    TIMES.setdefault(name, []).append(response_time)
    STEP_FAILURES[name] += exception is not None


@events.quitting.add_listener
def _write_result(environment, **_kwargs):
    path = os.environ.get("HOCSO_LOAD_RESULT")
    if path:
        with open(path, "w") as result:
            figures = {"statuses": dict(STATUSES), "times": TIMES, "failures": dict(STEP_FAILURES)}
            json.dump({"completed": COMPLETED, "failed": FAILED, **figures}, result)


class Learner(HttpUser):
    """A learner of the dataset going once through sign-in, enrolment, lessons and the final quiz."""

    def on_start(self):
        self.plan = PLANS.pop() if PLANS else None

    @task
    def journey(self):
        if self.plan is None:
            raise StopUser
        email = self.plan["email"]
        try:
            self._journey(self.plan)
        except JourneyFailed as error:
            FAILED[email] = str(error)
        except Exception as error:  # a refused connection, a timeout: the journey failed, say why
            FAILED[email] = f"{type(error).__name__}: {error}"
        else:
            COMPLETED.append(email)
        self._all_done_check()
        raise StopUser

    def _all_done_check(self):
        if len(COMPLETED) + len(FAILED) >= int(os.environ.get("HOCSO_LOAD_USERS", "0") or 10**9):
            gevent.spawn_later(0.5, self.environment.runner.quit)

    # --- the steps ---------------------------------------------------------------------------------

    def _cookies_for_loopback(self):
        """Keep sending the ``Secure`` cookies over plain HTTP on loopback, as browsers do for localhost
        (requests copies the jar for each request, so a cookie policy would not stay)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _get(self, path: str, name: str | None = None):
        with self.client.get(path, name=name or path, allow_redirects=False, catch_response=True) as response:
            self._cookies_for_loopback()
            if response.status_code != 200:
                response.failure(f"GET {path}: {response.status_code}")
                raise JourneyFailed(f"GET {path}: {response.status_code}")
            return response

    def _post(self, path: str, data: dict, name: str, expect: str = "") -> str:
        """POST a form as the browser does (CSRF token, Referer); answers the redirect's Location."""
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        headers = {"Referer": self.host + path}
        with self.client.post(
            path, data=data, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            self._cookies_for_loopback()
            location = response.headers.get("Location", "")
            if response.status_code != 302 or expect not in location:
                response.failure(f"POST {path}: {response.status_code} → {location!r}")
                raise JourneyFailed(f"POST {path}: {response.status_code} → {location!r}")
            return location

    def _journey(self, plan: dict) -> None:
        self._get("/accounts/login/", "sign-in page")
        self._post("/accounts/login/", {"login": plan["email"], "password": plan["password"]}, "sign in")
        self._get("/khoa-hoc/", "catalogue")
        self._get(plan["course"], "course")
        self._post(plan["enrol"], {}, "enrol")
        for lesson in plan["lessons"]:
            self._get(lesson["url"], "lesson")
            self._post(lesson["done"], {}, "mark done")
        self._get(plan["quiz"], "quiz")
        attempt_path = self._post(plan["quiz_start"], {}, "quiz start", expect="/attempt/")
        attempt = ATTEMPT.search(attempt_path)
        if attempt is None:
            raise JourneyFailed(f"quiz start: no attempt in {attempt_path!r}")
        self._get(attempt_path, "quiz attempt page")
        summary = f"/quiz/attempt/{attempt.group(1)}/summary/"
        page = self._get(summary, "quiz summary")
        sequence = SEQUENCE.search(page.text)
        if sequence is None:
            raise JourneyFailed("quiz summary: no sequence in the form")
        self._post(summary, {"sequence": sequence.group(1)}, "quiz submit")
