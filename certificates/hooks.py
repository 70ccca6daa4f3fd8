"""The completion hook: runs inside ``courses.services.lesson_complete``'s transaction."""

from courses.completion import Completion

from .services import certificate_request, certificates_request_many


def on_completion(completion: Completion) -> None:
    """A course completion gets one certificate per enrolment (so per cycle); a path
    completion one per path completion. Only stores and enqueues after commit."""
    if completion.kind == "course":
        certificate_request(user=completion.user, enrollment=completion.enrollment)
    elif completion.kind == "path":
        certificate_request(user=completion.user, path_completion=completion.path_completion)


def on_completions(completions: list[Completion]) -> None:
    """The set-based version for completions in bulk (a publish completing many enrolments)."""
    certificates_request_many(enrollments=[c.enrollment for c in completions if c.kind == "course"])
    for completion in completions:
        if completion.kind == "path":
            certificate_request(user=completion.user, path_completion=completion.path_completion)
