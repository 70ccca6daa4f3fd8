"""Each kind of unit gets a correct Decree-30 letterhead without configuration, and an administrator's
configuration wins field by field."""

import pytest
from django.core.exceptions import ValidationError

from coordination.letterhead import header_lines, place_name, report_letterhead
from coordination.models import ReportLetterhead, SigningMode
from coordination.services import report_letterhead_save
from lms.orgunits.models import OrgUnit, UnitKind
from tests.factories import UserFactory, make_province_tree, make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    tree = make_province_tree()
    tree["province"].name = "Tỉnh Bắc Ninh (dữ liệu minh hoạ)"
    tree["province"].save()
    tree["justice"] = make_unit("24.07", "Sở Tư pháp", parent=tree["province"])
    tree["office"] = make_unit("24.VP", "Văn phòng Ủy ban nhân dân tỉnh", parent=tree["province"])
    tree["ward"] = make_unit("09190", "Phường Kinh Bắc", kind=UnitKind.COMMUNE, parent=tree["province"])
    tree["school"] = make_unit("09325.TH", "Trường Tiểu học Tiên Du", parent=tree["commune_a"])
    return {key: OrgUnit.objects.get(pk=unit.pk) for key, unit in tree.items()}  # paths moved as units were added


def test_a_sở_is_headed_by_the_province_committee_and_signed_by_its_director(units):
    head = report_letterhead(unit=units["agency"])
    assert head.authority_lines == ["UBND TỈNH BẮC NINH"]
    assert head.issuer_lines == ["SỞ NỘI VỤ"]
    assert head.symbol == "BC-SNV" and head.place == "Bắc Ninh"
    assert head.signature_lines == ["GIÁM ĐỐC"] and head.signer_name == ""
    assert head.recipients == ["- UBND tỉnh Bắc Ninh (để báo cáo);", "- Lưu: VT, SNV."]
    assert head.issuer_prose == "Sở Nội vụ"


def test_a_numeric_code_never_becomes_the_symbol(units):
    assert report_letterhead(unit=units["justice"]).abbreviation == "STP"
    assert report_letterhead(unit=units["commune_a"]).abbreviation == "UBND"
    office = report_letterhead(unit=units["office"])
    assert office.abbreviation == "VP" and office.signature_lines == ["CHÁNH VĂN PHÒNG"]


def test_a_commune_committee_issues_its_own_report(units):
    head = report_letterhead(unit=units["commune_a"])
    assert head.authority_lines == []
    assert head.issuer_lines == ["ỦY BAN NHÂN DÂN", "XÃ TIÊN DU"]
    assert head.place == "Tiên Du"
    assert head.signature_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert head.issuer_prose == "Ủy ban nhân dân xã Tiên Du"
    assert report_letterhead(unit=units["ward"]).issuer_lines == ["ỦY BAN NHÂN DÂN", "PHƯỜNG KINH BẮC"]


def test_the_province_committee_has_no_governing_body_line(units):
    head = report_letterhead(unit=units["province"])
    assert head.authority_lines == [] and head.issuer_lines == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"]
    assert head.place == "Bắc Ninh" and head.recipients == ["- Lưu: VT, UBND."]


def test_a_division_and_a_school_sit_under_their_parent(units):
    division = report_letterhead(unit=units["division"])
    assert division.authority_lines == ["SỞ NỘI VỤ"] and division.issuer_lines == ["PHÒNG CẢI CÁCH", "HÀNH CHÍNH"]
    assert division.signature_lines == ["TRƯỞNG PHÒNG"] and division.place == "Bắc Ninh"
    assert division.abbreviation == "CCHC"
    school = report_letterhead(unit=units["school"])
    assert school.authority_lines == ["UBND XÃ TIÊN DU"] and school.place == "Tiên Du"
    assert school.signature_lines == ["HIỆU TRƯỞNG"]


def test_long_header_lines_break_where_a_typist_would():
    assert header_lines("SỞ KHOA HỌC VÀ CÔNG NGHỆ") == ["SỞ KHOA HỌC", "VÀ CÔNG NGHỆ"]
    assert header_lines("PHÒNG CÔNG CHỨC – VIÊN CHỨC") == ["PHÒNG CÔNG CHỨC", "– VIÊN CHỨC"]
    assert header_lines("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH") == ["VĂN PHÒNG", "ỦY BAN NHÂN DÂN TỈNH"]
    assert header_lines("UBND TỈNH BẮC NINH") == ["UBND TỈNH BẮC NINH"]


def test_place_names_follow_the_decree():
    assert place_name("Xã Tiên Du") == "Tiên Du"
    assert place_name("Thành phố Hà Nội") == "Hà Nội"
    assert place_name("Phường 1") == "Phường 1"  # a numbered unit keeps its kind
    assert place_name("Đặc khu Phú Quốc") == "Phú Quốc"


@pytest.mark.parametrize(
    ("mode", "head_title", "signer_title", "expected"),
    [
        (SigningMode.HEAD, "GIÁM ĐỐC", "", ["GIÁM ĐỐC"]),
        (SigningMode.KT, "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        (SigningMode.Q, "giám đốc", "", ["Q. GIÁM ĐỐC"]),
        (
            SigningMode.TM,
            "ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        ),
        (SigningMode.TL, "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]),
    ],
)
def test_signing_modes(units, mode, head_title, signer_title, expected):
    report_letterhead_save(
        unit=units["agency"],
        abbreviation="SNV",
        signing_mode=mode,
        head_title=head_title,
        signer_title=signer_title,
        signer_name="Trần Thị Thu Hà",
    )
    head = report_letterhead(unit=units["agency"])
    assert head.signature_lines == expected and head.signer_name == "Trần Thị Thu Hà"


def test_configuration_overrides_and_recipients(units):
    report_letterhead_save(
        unit=units["commune_a"],
        abbreviation="UBND",
        issuer_name="Ủy ban nhân dân\nxã Tiên Du",
        place="Tiên Du",
        recipients="- Sở Nội vụ;\nUBND tỉnh (để báo cáo);\n\nLưu: VT, VP.",
    )
    head = report_letterhead(unit=units["commune_a"])
    assert head.issuer_lines == ["ỦY BAN NHÂN DÂN", "XÃ TIÊN DU"]
    assert head.recipients == ["- Sở Nội vụ;", "- UBND tỉnh (để báo cáo);", "- Lưu: VT, VP."]


def test_bad_configuration_is_refused_with_a_reason(units):
    with pytest.raises(ValidationError) as error:
        report_letterhead_save(unit=units["agency"], abbreviation="SNV", signing_mode=SigningMode.KT)
    assert "chức vụ của người ký" in str(error.value)
    with pytest.raises(ValidationError) as error:
        report_letterhead_save(unit=units["agency"], abbreviation="09325 x")
    assert "chữ in hoa" in str(error.value)
    assert not ReportLetterhead.objects.exists()


def test_administrators_configure_letterheads_in_the_admin(client, admin_user, units):
    client.force_login(admin_user)
    listing = client.get("/admin/report_letterheads/")
    assert listing.status_code == 200 and "Đầu văn bản báo cáo" in listing.content.decode()
    form = client.get("/admin/report_letterheads/new/")
    assert form.status_code == 200 and "Chữ viết tắt" in form.content.decode()
    response = client.post(
        "/admin/report_letterheads/new/",
        {
            "unit": units["agency"].pk,
            "abbreviation": "SNV",
            "authority_name": "",
            "issuer_name": "",
            "place": "",
            "head_title": "GIÁM ĐỐC",
            "signing_mode": SigningMode.KT,
            "signer_title": "",
            "signer_name": "Trần Thị Thu Hà",
            "recipients": "",
        },
    )
    assert response.status_code == 200 and "chức vụ của người ký" in response.content.decode()
    assert not ReportLetterhead.objects.exists()
    response = client.post(
        "/admin/report_letterheads/new/",
        {
            "unit": units["agency"].pk,
            "abbreviation": "SNV",
            "head_title": "GIÁM ĐỐC",
            "signing_mode": SigningMode.KT,
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Trần Thị Thu Hà",
        },
    )
    assert response.status_code == 302
    assert report_letterhead(unit=units["agency"]).signature_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]


def test_coordinators_cannot_change_letterheads(client, units):
    coordinator = UserFactory()
    client.force_login(coordinator)
    assert client.get("/admin/report_letterheads/").status_code in (302, 403)


def test_the_demo_units_have_their_letterheads_once():
    from coordination.demo import demo_report_letterheads_load
    from lms.orgunits.demo import demo_units_load

    demo_units_load()
    assert demo_report_letterheads_load() == 5
    assert demo_report_letterheads_load() == 0  # idempotent: an administrator's later edits stay
    province = report_letterhead(unit=OrgUnit.objects.get(code="24"))
    assert province.issuer_lines == ["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"] and province.place == "Bắc Ninh"
    assert report_letterhead(unit=OrgUnit.objects.get(code="24.SKHCN")).signature_lines == ["Q. GIÁM ĐỐC"]
    commune = report_letterhead(unit=OrgUnit.objects.get(code="09325"))
    assert commune.signature_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and commune.signer_name == "Lê Văn Hùng"
