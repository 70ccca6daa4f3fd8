"""Editors (Wagtail's "Editors" group) edit certificate templates and regenerate certificates."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_certificatetemplate", "change_certificatetemplate", "view_certificatetemplate"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("certificates")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name__in=["Editors", "Biên tập viên"]).first()  # renamed by accounts 0005
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="certificates", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
