"""A timed quiz's estimated minutes (what the course outline shows) become its time limit, as
``QuizPage.clean`` keeps them from now on."""

from django.db import migrations


def estimated_minutes_from_time_limit(apps, schema_editor):
    QuizPage = apps.get_model("quizzes", "QuizPage")
    for quiz in QuizPage.objects.filter(time_limit_minutes__isnull=False).exclude(time_limit_minutes=0):
        if quiz.estimated_minutes != quiz.time_limit_minutes:
            quiz.estimated_minutes = quiz.time_limit_minutes
            quiz.save(update_fields=["estimated_minutes"])


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0007_attempt_graded_notice"),
    ]

    operations = [
        migrations.RunPython(estimated_minutes_from_time_limit, migrations.RunPython.noop),
    ]
