"""Wagtail's default groups, workflow and task read in Vietnamese (migration accounts 0005; issue 14:
"Thực hiện Moderators approval", groups "Editors" and "Moderators")."""

import importlib
import re
from pathlib import Path

import pytest
import wagtail
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.migrations.loader import MigrationLoader
from wagtail.models import GroupApprovalTask, Task, Workflow, WorkflowTask

from lms.accounts.services import EDITORS_GROUP, editors_group

MIGRATION = ("accounts", "0005_vietnamese_names_for_wagtail_groups_and_workflow")
migration = importlib.import_module("lms.accounts.migrations." + MIGRATION[1])


def test_the_editor_role_is_the_vietnamese_group():
    assert EDITORS_GROUP == "Biên tập viên"


def test_it_runs_after_every_wagtail_migration_that_names_the_english_groups():
    """Wagtail's data migrations grant permissions to "Editors"/"Moderators" by name: each must have
    run before the rename, or the renamed groups would miss those permissions on a new database."""
    root = Path(wagtail.__file__).parent
    naming = set()
    for path in root.rglob("migrations/0*.py"):
        if re.search(r"[\"'](Editors|Moderators)[\"']|approval", path.read_text(encoding="utf-8")):
            app_label = apps.get_containing_app_config(
                ".".join(path.relative_to(root.parent).with_suffix("").parts)
            ).label
            naming.add((app_label, path.stem))
    loader = MigrationLoader(None, ignore_no_migrations=True)  # a squashed migration stands for those it replaces
    ancestors = set(loader.graph.forwards_plan(MIGRATION))
    missing = sorted(key for key in naming if key in loader.graph.nodes and key not in ancestors)
    assert naming and missing == []


@pytest.mark.django_db
def test_wagtails_english_names_become_vietnamese_and_back():
    Group.objects.filter(name__in=["Biên tập viên", "Người kiểm duyệt"]).delete()
    Workflow.objects.all().delete()
    Task.objects.all().delete()
    editors = Group.objects.create(name="Editors")
    moderators = Group.objects.create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    own = Workflow.objects.create(name="Duyệt tin bài")  # an administrator's own name stays

    migration.to_vietnamese(apps, None)
    editors.refresh_from_db(), moderators.refresh_from_db(), task.refresh_from_db(), workflow.refresh_from_db()
    assert (editors.name, moderators.name) == ("Biên tập viên", "Người kiểm duyệt")
    assert workflow.name == task.name == "Duyệt của người kiểm duyệt"
    assert Workflow.objects.get(pk=own.pk).name == "Duyệt tin bài"
    assert editors_group() == editors  # the role finds the renamed group, with its members

    migration.to_english(apps, None)
    editors.refresh_from_db(), workflow.refresh_from_db()
    assert editors.name == "Editors" and workflow.name == "Moderators approval"


@pytest.mark.django_db
def test_a_name_already_taken_is_left_alone():
    Group.objects.filter(name__in=["Editors", "Biên tập viên"]).delete()
    english, vietnamese = Group.objects.create(name="Editors"), Group.objects.create(name="Biên tập viên")
    migration.to_vietnamese(apps, None)
    assert Group.objects.get(pk=english.pk).name == "Editors"
    assert Group.objects.get(pk=vietnamese.pk).name == "Biên tập viên"
