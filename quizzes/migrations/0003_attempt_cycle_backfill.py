"""Existing attempts get the enrolment cycle they were made in.

0002 gave every attempt cycle 1. An attempt made after the learner re-enrolled for
recertification belongs to that later cycle: for each enrolment of cycle ≥ 2 (in
cycle order), the learner's attempts at the quizzes of that course started since
the enrolment move to its cycle. Attempt numbers stay as they were.
"""

from django.db import migrations


def attempts_to_their_cycle(apps, schema_editor):
    db = schema_editor.connection.alias
    Attempt = apps.get_model("quizzes", "Attempt")
    Enrollment = apps.get_model("courses", "Enrollment")
    Page = apps.get_model("wagtailcore", "Page")
    course_paths: dict[int, str] = {}
    for enrollment in Enrollment.objects.using(db).filter(cycle__gt=1).order_by("cycle", "pk").iterator():
        if enrollment.course_id not in course_paths:
            course_paths[enrollment.course_id] = Page.objects.using(db).get(pk=enrollment.course_id).path
        quiz_ids = Page.objects.using(db).filter(path__startswith=course_paths[enrollment.course_id]).values("pk")
        Attempt.objects.using(db).filter(
            user_id=enrollment.user_id, quiz_id__in=quiz_ids, started_at__gte=enrollment.started_at
        ).update(cycle=enrollment.cycle)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_attempt_cycle"),
        ("courses", "0001_initial"),
    ]

    operations = [migrations.RunPython(attempts_to_their_cycle, migrations.RunPython.noop)]
