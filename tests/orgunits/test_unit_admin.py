"""Administrators' unit writes: create, rename (in place, with history), merge into a successor,
and the audit rule that every entry names its actor."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lms.audit.models import AuditEntry
from lms.audit.services import SYSTEM, AuditActorMissing, audit_record, audit_record_many
from lms.orgunits.models import CoordinatorScope, Membership, MembershipInvitation, OrgUnit, UnitKind
from lms.orgunits.selectors import (
    members_in_scope,
    org_unit_name_on,
    org_unit_renames,
    org_unit_tree,
)
from lms.orgunits.services import (
    OrgUnitError,
    coordinator_scope_grant,
    invitations_create,
    membership_declare,
    membership_transfer,
    org_unit_add,
    org_unit_merge,
    org_unit_rename,
)
from tests.factories import UserFactory, make_province_tree, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(is_staff=True, is_superuser=True, email="quantri@example.vn")


@pytest.fixture
def tree():
    return make_province_tree()


def test_an_administrator_adds_a_unit_under_a_parent_and_it_is_audited(admin, tree):
    unit = org_unit_add(
        actor=admin,
        parent=tree["province"],
        code=" 00123 ",
        name="Xã Lạc Vệ",
        kind=UnitKind.COMMUNE,
        valid_from=date(2025, 7, 1),
    )
    assert unit.code == "00123" and unit.get_parent() == tree["province"]
    entry = AuditEntry.objects.get(action="orgunit.create")
    assert entry.actor == admin and entry.target_id == str(unit.pk)
    with pytest.raises(OrgUnitError, match="00123"):
        org_unit_add(
            actor=admin, parent=tree["province"], code="00123", name="Khác", kind="commune", valid_from=date.today()
        )


def test_a_unit_cannot_be_added_under_a_retired_parent_nor_by_a_coordinator(admin, tree):
    old = make_unit(
        "262", "Huyện Tiên Du (cũ)", parent=tree["province"], valid_from=date(2008, 1, 1), valid_to=date(2025, 6, 30)
    )
    with pytest.raises(OrgUnitError, match="không có hiệu lực"):
        org_unit_add(actor=admin, parent=old, code="1", name="Xã", kind="commune", valid_from=date(2025, 8, 1))
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin, user=coordinator, unit=tree["province"])
    with pytest.raises(PermissionDenied):
        org_unit_add(actor=coordinator, parent=None, code="30", name="Tỉnh", kind="province", valid_from=date.today())
    assert not OrgUnit.objects.filter(code__in=["1", "30"]).exists()


def test_a_rename_keeps_the_unit_and_records_old_and_new_name_with_the_date(admin, tree):
    commune = tree["commune_a"]
    learner = UserFactory()
    membership_transfer(actor=admin, user=learner, unit=commune, on=date(2025, 8, 1))
    effective = timezone.localdate() - timedelta(days=10)
    org_unit_rename(actor=admin, unit=commune, name="Xã Tiên Du mới", effective=effective, reason="QĐ 12/QĐ-UBND")
    commune.refresh_from_db()
    assert (commune.name, commune.code) == ("Xã Tiên Du mới", "09325")
    assert Membership.objects.get(user=learner).unit == commune  # nothing moved: old reports still find it
    entry = AuditEntry.objects.get(action="orgunit.rename")
    assert entry.actor == admin
    assert entry.data["changes"] == {"name": ["Xã Tiên Du", "Xã Tiên Du mới"]}
    assert entry.data["effective"] == effective.isoformat()
    assert org_unit_renames(unit=commune)[0]["old"] == "Xã Tiên Du"
    assert org_unit_name_on(unit=commune, day=effective - timedelta(days=1)) == "Xã Tiên Du"
    assert org_unit_name_on(unit=commune, day=effective) == "Xã Tiên Du mới"


@pytest.mark.parametrize(
    ("name", "effective_delta", "fragment"),
    [("", 0, "Cần nhập tên mới"), ("Xã Tiên Du", 0, "trùng"), ("Xã A", 5, "không được sau hôm nay")],
)
def test_a_bad_rename_is_refused(admin, tree, name, effective_delta, fragment):
    commune = tree["commune_a"]
    with pytest.raises(OrgUnitError, match=fragment):
        org_unit_rename(
            actor=admin, unit=commune, name=name, effective=timezone.localdate() + timedelta(days=effective_delta)
        )
    commune.refresh_from_db()
    assert commune.name == "Xã Tiên Du"
    assert not AuditEntry.objects.filter(action="orgunit.rename").exists()


def test_a_merge_moves_memberships_as_dated_records_and_moves_scopes_in_one_audited_step(admin, tree):
    old, successor = tree["commune_a"], tree["commune_b"]
    learners = [UserFactory() for _ in range(3)]
    for learner in learners:
        membership_transfer(actor=admin, user=learner, unit=old, on=date(2025, 8, 1))
    confirmed_then = timezone.make_aware(timezone.datetime(2025, 8, 1, 9, 0))
    Membership.objects.filter(user__in=learners).update(confirmed_at=confirmed_then)
    declared = UserFactory()
    membership_declare(user=declared, unit=old)
    membership_declare(user=learners[0], unit=successor)  # moot once the merge moves them there
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin, user=coordinator, unit=old)
    on = timezone.localdate()
    outcome = org_unit_merge(actor=admin, unit=old, successor=successor, on=on, reason="NQ 1656/NQ-UBTVQH15")

    assert (outcome.memberships, outcome.pending, outcome.scopes) == (3, 1, 1)
    old.refresh_from_db()
    assert old.valid_to == on - timedelta(days=1) and old.successor == successor
    for learner in learners:
        closed = Membership.objects.get(user=learner, unit=old)
        assert closed.end == on - timedelta(days=1)
        current = Membership.objects.get(user=learner, end__isnull=True)
        assert (current.unit, current.start, current.confirmed_at) == (successor, on, closed.confirmed_at)
    assert Membership.objects.get(user=declared).unit == successor
    assert not Membership.objects.filter(user=learners[0], confirmed_at__isnull=True).exists()
    assert list(CoordinatorScope.objects.filter(user=coordinator).values_list("unit", flat=True)) == [successor.pk]
    # A report of a day before the merge still counts the learners in the old unit.
    before = members_in_scope(viewer=admin, as_of=on - timedelta(days=1)).filter(unit=old)
    assert before.count() == 3
    merge = AuditEntry.objects.get(action="orgunit.merge")
    assert merge.actor == admin and merge.target_id == str(old.pk) and merge.reason == "NQ 1656/NQ-UBTVQH15"
    assert AuditEntry.objects.filter(action="membership.transfer", data__source="merge").count() == 3
    assert AuditEntry.objects.get(action="coordinator_scope.move").subject == coordinator


def test_a_merge_moves_open_invitations(admin, tree):
    person = UserFactory()
    invitations_create(actor=admin, people=[(person, tree["commune_a"])])
    org_unit_merge(actor=admin, unit=tree["commune_a"], successor=tree["commune_b"], on=timezone.localdate())
    assert MembershipInvitation.objects.get(user=person).unit == tree["commune_b"]


def test_merges_into_itself_a_descendant_or_a_retired_unit_are_refused_with_nothing_written(admin, tree):
    today = timezone.localdate()
    retired = make_unit(
        "262", "Huyện Tiên Du (cũ)", parent=tree["province"], valid_from=date(2008, 1, 1), valid_to=date(2025, 6, 30)
    )
    learner = UserFactory()
    membership_transfer(actor=admin, user=learner, unit=tree["agency"], on=date(2025, 8, 1))
    cases = [
        (tree["agency"], tree["agency"], "chính nó"),
        (tree["agency"], tree["division"], "trực thuộc của chính nó"),
        (tree["commune_a"], retired, "đã hết hiệu lực"),
        (retired, tree["commune_a"], "đã hết hiệu lực"),
        (tree["agency"], tree["commune_a"], "còn 1 đơn vị trực thuộc"),
    ]
    for unit, successor, fragment in cases:
        with pytest.raises(OrgUnitError, match=fragment):
            org_unit_merge(actor=admin, unit=unit, successor=successor, on=today)
    with pytest.raises(OrgUnitError, match="không được sau hôm nay"):
        org_unit_merge(actor=admin, unit=tree["commune_a"], successor=tree["commune_b"], on=today + timedelta(days=1))
    assert OrgUnit.objects.filter(valid_to__isnull=False).count() == 1  # only the one made retired above
    assert Membership.objects.get(user=learner).end is None
    assert not AuditEntry.objects.filter(action="orgunit.merge").exists()
    with pytest.raises(PermissionDenied):
        org_unit_merge(actor=learner, unit=tree["commune_a"], successor=tree["commune_b"], on=today)


def test_the_tree_counts_members_hides_retired_units_unless_asked_and_searches_without_accents(admin, tree):
    retired = make_unit(
        "262", "Huyện Tiên Du (cũ)", parent=tree["province"], valid_from=date(2008, 1, 1), valid_to=date(2025, 6, 30)
    )
    for _ in range(2):
        membership_transfer(actor=admin, user=UserFactory(), unit=tree["division"], on=date(2025, 8, 1))
    membership_transfer(actor=admin, user=UserFactory(), unit=tree["agency"], on=date(2025, 8, 1))
    rows = {row.unit.code: row for row in org_unit_tree()}
    assert "262" not in rows
    assert (rows["24.SNV"].members, rows["24.SNV"].members_total) == (1, 3)
    assert rows["24"].members_total == 3
    assert [row.unit for row in org_unit_tree(include_retired=True) if row.retired] == [retired]
    found = org_unit_tree(query="tien du")
    assert [row.unit.code for row in found] == ["09325"]
    assert found[0].ancestors == [tree["province"]]
    assert [row.unit.code for row in org_unit_tree(query="snv.cchc")] == ["24.SNV.CCHC"]


# --- Every audit entry names its actor ---------------------------------------------------------


def test_audit_record_refuses_an_entry_without_an_actor():
    with pytest.raises(AuditActorMissing):
        audit_record(actor=None, action="test.nobody")
    with pytest.raises(AuditActorMissing):
        audit_record_many(actor=None, action="test.nobody", items=[])
    entry = audit_record(actor=SYSTEM, action="test.system")
    assert (entry.actor, entry.actor_label) == (None, "system")


def test_the_units_command_records_the_system_or_the_named_administrator(tmp_path, admin):
    path = tmp_path / "units.csv"
    path.write_text("code,name,kind,parent_code,valid_from,valid_to\n30,Tỉnh Mới,province,,01/01/2026,\n")
    call_command("import_org_units", str(path))
    entry = AuditEntry.objects.get(action="orgunits.import")
    assert (entry.actor, entry.actor_label) == (None, "system: import_org_units")
    path.write_text("code,name,kind,parent_code,valid_from,valid_to\n30,Tỉnh Mới Hơn,province,,01/01/2026,\n")
    call_command("import_org_units", str(path), "--actor", admin.email)
    assert AuditEntry.objects.filter(action="orgunits.import").latest("id").actor == admin


# --- The screen ------------------------------------------------------------------------------


def test_only_administrators_open_the_unit_screens(client, admin, tree):
    coordinator = UserFactory(is_staff=True)
    coordinator_scope_grant(actor=admin, user=coordinator, unit=tree["province"])
    urls = [
        reverse("lms_org_units"),
        reverse("lms_org_unit_create"),
        reverse("lms_org_units_import"),
        reverse("lms_org_unit", args=[tree["agency"].pk]),
    ]
    client.force_login(coordinator)
    for url in urls:
        assert client.get(url).status_code in (302, 403)
    assert client.post(urls[2], {}).status_code in (302, 403)
    client.force_login(admin)
    for url in urls:
        assert client.get(url).status_code == 200


def test_the_import_screen_lists_every_bad_row_at_once_and_imports_nothing(client, admin, tree):
    data = (
        "code,name,kind,parent_code,valid_from,valid_to\n"
        "40,Tỉnh Thử,province,,01/01/2026,\n"
        "40.1,Sở Một,agency,99,01/01/2026,\n"  # row 3: no parent 99
        "40.2,,agency,40,2026-13-01,\n"  # row 4: no name, bad date
        "40.3,Xã Ba,village,40,01/01/2026,\n"  # row 5: bad kind
    )
    client.force_login(admin)
    response = client.post(
        reverse("lms_org_units_import"), {"file": SimpleUploadedFile("units.csv", data.encode(), "text/csv")}
    )
    assert response.status_code == 200
    body = response.content.decode()
    for row in ('data-row="3"', 'data-row="4"', 'data-row="5"'):
        assert row in body
    assert "thiếu tên đơn vị" in body and "ngày hiệu lực" in body and "village" in body
    assert not OrgUnit.objects.filter(code__startswith="40").exists()


def test_the_admin_screen_queues_the_merge_as_a_job_refusals_answered_at_once(client, admin, tree):
    from lms.jobs.models import BackgroundJob, JobStatus
    from tests.fixtures.jobs import run_jobs

    learner = UserFactory()
    membership_transfer(actor=admin, user=learner, unit=tree["commune_a"], on=date(2025, 8, 1))
    client.force_login(admin)
    url = reverse("lms_org_unit", args=[tree["commune_a"].pk])
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(url, {"action": "merge", "merge-successor_code": "09325", "merge-on": today})
    assert "Không thể sáp nhập đơn vị vào chính nó." in response.content.decode()
    assert not BackgroundJob.objects.exists()  # a refusal is answered at once, nothing queued

    response = client.post(url, {"action": "merge", "merge-successor_code": "09367", "merge-on": today})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert tree["commune_a"].successor_id is None  # nothing moved in the request
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and "Đã sáp nhập vào “Xã Gia Bình”" in job.message
    assert Membership.objects.get(user=learner, end__isnull=True).unit == tree["commune_b"]
    assert OrgUnit.objects.get(pk=tree["commune_a"].pk).successor == tree["commune_b"]
