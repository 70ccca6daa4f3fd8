"""Wagtail's default groups, workflow and task get Vietnamese names (issue 14: the admin showed
"Thực hiện Moderators approval", and the groups "Editors" and "Moderators" in English).

Only names still as Wagtail's migrations created them are renamed (an administrator's own names stay).
It runs after every Wagtail migration that looks these groups up by their English name; the project's
own earlier ones (quizzes 0005, certificates 0002) accept either name. The editor role is the group
``lms.accounts.services.EDITORS_GROUP``."""

from django.db import migrations

GROUPS = {"Editors": "Biên tập viên", "Moderators": "Người kiểm duyệt"}
WORKFLOW_AND_TASK = {"Moderators approval": "Duyệt của người kiểm duyệt"}


def _rename(model, names: dict[str, str]) -> None:
    for old, new in names.items():
        if not model.objects.filter(name=new).exists():
            model.objects.filter(name=old).update(name=new)


def to_vietnamese(apps, schema_editor):
    _rename(apps.get_model("auth", "Group"), GROUPS)
    _rename(apps.get_model("wagtailcore", "Workflow"), WORKFLOW_AND_TASK)
    _rename(apps.get_model("wagtailcore", "Task"), WORKFLOW_AND_TASK)


def to_english(apps, schema_editor):
    _rename(apps.get_model("auth", "Group"), {new: old for old, new in GROUPS.items()})
    _rename(apps.get_model("wagtailcore", "Workflow"), {new: old for old, new in WORKFLOW_AND_TASK.items()})
    _rename(apps.get_model("wagtailcore", "Task"), {new: old for old, new in WORKFLOW_AND_TASK.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_vietnamese_name_order_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # The Wagtail migrations that create the groups, workflow and task or grant to the groups by name.
        ("wagtailcore", "0048_add_default_workflows"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0002_initial_data"),
        ("wagtaildocs", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(to_vietnamese, to_english)]
