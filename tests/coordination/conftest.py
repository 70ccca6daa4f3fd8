import pytest
from django.utils import timezone

from lms.orgunits.models import MembershipSource
from lms.orgunits.services import coordinator_scope_grant, membership_declare
from tests.factories import UserFactory, make_province_tree


def member(unit, *, confirmed=True, name=None, **fields):
    user = UserFactory(**({"full_name": name} if name else {}), **fields)
    membership = membership_declare(user=user, unit=unit, source=MembershipSource.IMPORT)
    if confirmed:
        membership.confirmed_at = timezone.now()
        membership.save()
    return user


@pytest.fixture
def world(admin_user):
    units = make_province_tree()
    commune_a, commune_b = units["commune_a"], units["commune_b"]
    coordinator_a, coordinator_b = UserFactory(email="dp.a@example.vn"), UserFactory(email="dp.b@example.vn")
    coordinator_scope_grant(actor=admin_user, user=coordinator_a, unit=commune_a)
    coordinator_scope_grant(actor=admin_user, user=coordinator_b, unit=commune_b)
    a1 = member(commune_a, name="Nguyễn Văn Bình")
    a2 = member(commune_a, name="Trần Thị An")
    b1 = member(commune_b, name="Lê Văn Cường")
    pending = member(commune_a, confirmed=False, name="Phạm Thị Dung")
    return {**units, "ca": coordinator_a, "cb": coordinator_b, "a1": a1, "a2": a2, "b1": b1, "pending": pending}
