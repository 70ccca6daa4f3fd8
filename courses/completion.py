"""Extension points of the completion flow (see docs/architecture.md).

Higher apps register here in their ``AppConfig.ready()``:

- a **lesson rule** decides whether a learner may mark a lesson done (a quiz
  lesson: only by passing the quiz); it returns a refusal message or ``None``;
- a **completion hook** runs inside the completing transaction, once per
  completion (certificates request their certificate here).

The completion service calls each registered function by name, in
registration order — an explicit call, not a signal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LessonRule = Callable[..., str | None]


@dataclass(frozen=True)
class Completion:
    """What was completed: a course enrolment or a learning path."""

    kind: str  # "course" or "path"
    user: Any
    enrollment: Any = None
    path_completion: Any = None


CompletionHook = Callable[[Completion], None]

lesson_rules: dict[str, LessonRule] = {}
completion_hooks: dict[str, CompletionHook] = {}
# Optional set-based versions of completion hooks, for completions in bulk (a publish that
# completes thousands of enrolments): ``batch(completions)`` instead of one call per completion.
completion_batch_hooks: dict[str, Callable[[list[Completion]], None]] = {}


def register_lesson_rule(name: str, rule: LessonRule) -> None:
    """``rule(*, lesson, enrollment) -> str | None`` (a message refusing "mark done")."""
    lesson_rules[name] = rule


def register_completion_hook(
    name: str, hook: CompletionHook, *, batch: Callable[[list[Completion]], None] | None = None
) -> None:
    completion_hooks[name] = hook
    if batch is not None:
        completion_batch_hooks[name] = batch


def unregister(name: str) -> None:
    """Remove a registration (tests that register a recorder clean up with it)."""
    for registry in (lesson_rules, completion_hooks, completion_batch_hooks):
        registry.pop(name, None)
