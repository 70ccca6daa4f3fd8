"""Demo accounts: one per role, each a confirmed member of a demo unit (``seed_demo``)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils import timezone

from lms.audit.services import SystemActor
from lms.orgunits.models import MembershipSource
from lms.orgunits.selectors import membership_confirmed, org_unit_by_code
from lms.orgunits.services import coordinator_scope_grant, membership_transfer

from .models import LearnerGroup, Position, User
from .services import editor_role_grant

# Published on purpose (README, `make run`): seed_demo refuses production settings without
# HOCSO_ALLOW_DEMO_DATA=1.
DEMO_PASSWORD = "HocSo@2026"  # nosec B105  # a demo password, published

# role, email, full name, unit code, learner group, position, coordinator scope code
DEMO_ACCOUNTS = [
    ("administrator", "admin@hocso.local", "Quản Trị Viên", "24.SKHCN.TTCNTT", LearnerGroup.VIEN_CHUC,
     Position.CHUYEN_VIEN, None),
    ("editor", "bientap@hocso.local", "Nguyễn Thị Biên Tập", "24.SKHCN.CDS", LearnerGroup.CONG_CHUC,
     Position.CHUYEN_VIEN, None),
    ("coordinator (province)", "dieuphoi.tinh@hocso.local", "Trần Văn Điều Phối", "24.SNV.CCVC",
     LearnerGroup.CONG_CHUC, Position.CHUYEN_VIEN, "24"),
    ("coordinator (commune)", "dieuphoi.xa@hocso.local", "Lê Thị Hoà", "09325", LearnerGroup.CONG_CHUC,
     Position.MOT_CUA, "09325"),
    ("learner (civil servant)", "hocvien@hocso.local", "Phạm Minh Đức", "24.STP.HCTP", LearnerGroup.CONG_CHUC,
     Position.VAN_THU, None),
    ("learner (citizen)", "nguoidan@hocso.local", "Đỗ Thị Thuỷ", "09367", LearnerGroup.NGUOI_DAN, "", None),
]  # fmt: skip


def demo_account_ensure(*, email: str, full_name: str, unit, password: str, group: str, position: str, **flags) -> User:
    """A verified account with a confirmed current membership of ``unit``; idempotent."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            learner_group=group,
            position=position,
            consent_at=timezone.now(),
            **flags,
        )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if membership_confirmed(user=user) is None:
        membership_transfer(
            actor=SystemActor("seed_demo"), user=user, unit=unit, source=MembershipSource.IMPORT, reason="seed_demo"
        )
    return user


def demo_accounts_load(*, password: str = DEMO_PASSWORD) -> tuple[User, list[tuple[str, str]]]:
    """Idempotent. Returns the administrator and (role, email) lines to print."""
    admin = None
    printed = []
    for role, email, full_name, unit_code, group, position, scope_code in DEMO_ACCOUNTS:
        is_admin = role == "administrator"
        user = demo_account_ensure(
            email=email,
            full_name=full_name,
            unit=org_unit_by_code(code=unit_code),
            password=password,
            group=group,
            position=position,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        if is_admin:
            admin = user
        if role == "editor":
            editor_role_grant(actor=admin, user=user, reason="seed_demo")
        if scope_code:
            coordinator_scope_grant(actor=admin, user=user, unit=org_unit_by_code(code=scope_code), reason="seed_demo")
        printed.append((role, email))
    return admin, printed
