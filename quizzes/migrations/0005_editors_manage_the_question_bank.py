"""Editors (Wagtail's "Editors" group) manage the question bank and grade essays."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    f"{action}_{model}"
    for action in ("add", "change", "delete", "view")
    for model in ("question", "questioncategory")
] + ["change_attempt", "view_attempt"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("quizzes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Named "Biên tập viên" by accounts 0005, which may run first on a new database.
    group = Group.objects.filter(name__in=["Editors", "Biên tập viên"]).first()
    if group is None:
        group = Group.objects.create(name="Biên tập viên")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="quizzes", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0004_question_fractions_essays_review_grid"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
