from datetime import date

import factory
from allauth.account.models import EmailAddress

from lms.accounts.models import LearnerGroup, User
from lms.orgunits.models import OrgUnit, UnitKind
from lms.orgunits.services import org_unit_create


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"hocvien{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Học {n}")
    learner_group = LearnerGroup.CONG_CHUC

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "Mật-khẩu-đủ-dài-2026")
        if create:
            obj.save()

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def make_unit(code: str, name: str, *, kind=UnitKind.AGENCY, parent: OrgUnit | None = None, **dates) -> OrgUnit:
    return org_unit_create(
        code=code,
        name=name,
        kind=kind,
        valid_from=dates.get("valid_from", date(2025, 7, 1)),
        valid_to=dates.get("valid_to"),
        parent=parent,
    )


def make_province_tree() -> dict[str, OrgUnit]:
    province = make_unit("24", "Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE, valid_from=date(1997, 1, 1))
    agency = make_unit("24.SNV", "Sở Nội vụ", parent=province)
    division = make_unit("24.SNV.CCHC", "Phòng Cải cách hành chính", kind=UnitKind.DIVISION, parent=agency)
    commune_a = make_unit("09325", "Xã Tiên Du", kind=UnitKind.COMMUNE, parent=province)
    commune_b = make_unit("09367", "Xã Gia Bình", kind=UnitKind.COMMUNE, parent=province)
    return {
        "province": province,
        "agency": agency,
        "division": division,
        "commune_a": commune_a,
        "commune_b": commune_b,
    }
