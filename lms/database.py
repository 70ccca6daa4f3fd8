"""PostgreSQL time limits per kind of process: web requests and worker tasks.

A request must never wait minutes on a row lock or a runaway query: ``lock_timeout`` makes a
blocked statement fail (a clear error, retried or reported) instead of holding a worker slot, and
``statement_timeout`` bounds every query. Tasks get the same lock timeout and a longer statement
limit (exports and recounts scan more than a page does). The limits are set as connection options
(``-c lock_timeout=…``), so each new connection starts with them and no query is added.

Web processes apply the request limits (``lms.wsgi``, ``lms.asgi``); Celery processes apply the
task limits when they start (``lms.tasks``). Management commands — migrations above all — keep
PostgreSQL's defaults. SQLite has its own busy timeout (settings) and nothing to set here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections

REQUEST = "request"
TASK = "task"


def database_timeouts(role: str) -> tuple[int, int]:
    """(lock_timeout, statement_timeout) in milliseconds for ``role``."""
    if role == TASK:
        return settings.DATABASE_TASK_LOCK_TIMEOUT_MS, settings.DATABASE_TASK_STATEMENT_TIMEOUT_MS
    return settings.DATABASE_REQUEST_LOCK_TIMEOUT_MS, settings.DATABASE_REQUEST_STATEMENT_TIMEOUT_MS


def database_timeouts_apply(role: str) -> None:
    """Make every PostgreSQL connection opened from now on use ``role``'s limits (open ones are
    closed, to reopen with them). Idempotent."""
    lock_ms, statement_ms = database_timeouts(role)
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        options = connection.settings_dict.setdefault("OPTIONS", {})
        words, kept = options.get("options", "").split(), []
        while words:
            word = words.pop(0)
            if word == "-c" and words and words[0].startswith(("lock_timeout=", "statement_timeout=")):
                words.pop(0)  # replaced below
                continue
            kept.append(word)
        limits = ["-c", f"lock_timeout={lock_ms}", "-c", f"statement_timeout={statement_ms}"]
        options["options"] = " ".join([*kept, *limits])
        connection.close()
