import pytest

from lms.accounts.services import editors_group
from lms.audit.models import AuditEntry
from lms.orgunits.models import CoordinatorScope
from lms.orgunits.selectors import users_visible_to
from lms.orgunits.services import membership_declare
from tests.factories import UserFactory, make_province_tree, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_province_tree()


def test_administrator_grants_a_coordinator_scope_from_the_admin_screen(client, admin_user, units):
    coordinator = UserFactory(email="dieuphoi@example.vn")
    client.force_login(admin_user)
    page = client.get("/admin/roles/")
    assert page.status_code == 200
    response = client.post(
        "/admin/roles/",
        {
            "action": "grant_scope",
            "scope-user": "dieuphoi@example.vn",
            "scope-unit": units["commune_a"].pk,
            "scope-reason": "Quyết định số 15/QĐ-UBND",
        },
    )
    assert response.status_code == 302
    scope = CoordinatorScope.objects.get(user=coordinator)
    assert scope.unit == units["commune_a"] and scope.granted_by == admin_user
    entry = AuditEntry.objects.get(action="coordinator_scope.grant")
    assert entry.actor == admin_user
    assert entry.target_id == str(coordinator.pk)
    assert entry.reason == "Quyết định số 15/QĐ-UBND"
    assert entry.data["unit_code"] == "09325"
    # The audit log screen shows it to administrators.
    log = client.get("/admin/audit-log/")
    assert "Giao phạm vi điều phối" in log.content.decode()


def test_withdrawing_a_scope_and_editor_role_is_audited(client, admin_user, units):
    user = UserFactory(email="bt@example.vn")
    client.force_login(admin_user)
    client.post(
        "/admin/roles/",
        {"action": "grant_editor", "editor-user": "bt@example.vn", "editor-reason": "Phân công"},
    )
    assert user.groups.filter(name="Biên tập viên").exists()
    client.post(f"/admin/roles/editors/{user.pk}/withdraw/", {"reason": "Chuyển công tác"})
    assert not user.groups.filter(name="Biên tập viên").exists()
    client.post(
        "/admin/roles/",
        {
            "action": "grant_scope",
            "scope-user": "bt@example.vn",
            "scope-unit": units["agency"].pk,
            "scope-reason": "x",
        },
    )
    scope = CoordinatorScope.objects.get(user=user)
    client.post(f"/admin/roles/scopes/{scope.pk}/withdraw/", {"reason": "Hết nhiệm vụ"})
    assert not CoordinatorScope.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "editor_role.grant",
        "editor_role.withdraw",
        "coordinator_scope.grant",
        "coordinator_scope.withdraw",
    ]


def test_unknown_email_gets_a_clear_message_and_nothing_is_saved(client, admin_user, units):
    client.force_login(admin_user)
    response = client.post(
        "/admin/roles/",
        {
            "action": "grant_scope",
            "scope-user": "khong-co@example.vn",
            "scope-unit": units["agency"].pk,
            "scope-reason": "x",
        },
    )
    assert response.status_code == 200
    assert "Không có tài khoản đang hoạt động với email khong-co@example.vn." in response.content.decode()
    assert not CoordinatorScope.objects.exists()
    assert not AuditEntry.objects.exists()


def test_editors_and_coordinators_cannot_open_the_roles_or_audit_screens(client, units):
    editor = UserFactory()
    editor.groups.add(editors_group())
    client.force_login(editor)
    assert client.get("/admin/roles/").status_code in (302, 403)
    assert client.get("/admin/audit-log/").status_code in (302, 403)


def test_coordinator_sees_only_learners_in_their_subtree(admin_user, units):
    from lms.orgunits.services import coordinator_scope_grant

    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["agency"])
    inside = UserFactory()
    place(inside, units["division"])
    outside = UserFactory()
    place(outside, units["commune_a"])
    declared = UserFactory()  # only says they work in the division: not the coordinator's until confirmed
    membership_declare(user=declared, unit=units["division"])
    visible = set(users_visible_to(viewer=coordinator))
    assert inside in visible and outside not in visible and declared not in visible
    assert set(users_visible_to(viewer=inside)) == {inside}
    assert {inside, outside} <= set(users_visible_to(viewer=admin_user))


def test_the_audit_log_names_actions_in_words_shows_changes_and_filters(client, admin_user, units):
    from lms.audit.services import audit_record

    learner = UserFactory(full_name="Vũ Thị Lan", email="lan@example.vn")
    other = UserFactory(full_name="Đinh Văn Hùng")
    audit_record(
        actor=admin_user,
        action="membership.transfer",
        target=learner,
        data={"changes": {"unit": ["Xã Gia Bình (09367)", "Xã Tiên Du (09325)"]}},
    )
    audit_record(
        actor=admin_user, action="account.name_correct", target=other, data={"changes": {"full_name": ["A", "B"]}}
    )
    client.force_login(admin_user)
    body = client.get("/admin/audit-log/", {"person": "lan@example"}).content.decode()
    assert "Chuyển đơn vị" in body and "membership.transfer" not in body.split("<tbody>")[1].split("data-action")[0]
    assert "<strong>đơn vị</strong>: Xã Gia Bình (09367) → Xã Tiên Du (09325)" in body
    assert "Đinh Văn Hùng" not in body
    by_action = client.get("/admin/audit-log/", {"action": "account.name_correct"}).content.decode()
    assert "Sửa họ tên" in by_action and "Vũ Thị Lan" not in by_action
    future = client.get("/admin/audit-log/", {"since": "01/01/2099"}).content.decode()
    assert "Không có mục nào." in future
