import io
import unicodedata
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from lms.audit.models import AuditEntry
from lms.audit.services import SYSTEM
from lms.orgunits.importing import org_units_import_csv, org_units_import_file
from lms.orgunits.models import OrgUnit
from lms.orgunits.selectors import org_unit_by_code

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,parent_code,valid_from,valid_to\n"
CLEAN = HEADER + (
    "24,Tỉnh Bắc Ninh,province,,01/01/1997,\n"
    "24.SNV.CCHC,Phòng Cải cách hành chính,division,24.SNV,01/07/2025,\n"  # child before its parent
    "24.SNV,Sở Nội vụ,agency,24,01/07/2025,\n"
    "00004,Phường Ba Đình,commune,24,01/07/2025,\n"
    "262,Huyện Tiên Du (cũ),legacy_district,24,01/01/2008,30/06/2025\n"
    "262,Xã Tiên Du,commune,24,01/07/2025,\n"  # a merged unit reuses the old code afterwards
)


def test_clean_file_imports_the_whole_tree():
    result = org_units_import_csv(actor=SYSTEM, data=CLEAN.encode())
    assert result.ok, result.errors
    assert result.created == 6
    province = OrgUnit.objects.get(code="24")
    assert OrgUnit.objects.filter(path__startswith=province.path).count() == 6
    division = OrgUnit.objects.get(code="24.SNV.CCHC")
    assert division.get_parent().code == "24.SNV"
    assert division.depth == 3
    assert OrgUnit.objects.get(code="00004").code == "00004"  # leading zeros kept
    assert org_unit_by_code(code="262", day=date(2020, 1, 1)).name == "Huyện Tiên Du (cũ)"
    assert org_unit_by_code(code="262", day=date(2025, 8, 1)).name == "Xã Tiên Du"
    assert AuditEntry.objects.filter(action="orgunits.import").count() == 1


def test_reimporting_the_same_file_changes_nothing():
    org_units_import_csv(actor=SYSTEM, data=CLEAN.encode())
    result = org_units_import_csv(actor=SYSTEM, data=CLEAN.encode())
    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert OrgUnit.objects.count() == 6


def test_bad_parent_and_overlapping_duplicate_codes_give_row_numbered_errors_and_import_nothing():
    data = HEADER + (
        "24,Tỉnh Bắc Ninh,province,,01/01/1997,\n"
        "24.SNV,Sở Nội vụ,agency,99,01/07/2025,\n"  # row 3: no parent 99
        "09325,Xã Tiên Du,commune,24,01/07/2025,\n"  # row 4
        "09325,Xã Tiên Du mới,commune,24,01/01/2026,\n"  # row 5: same code, overlapping validity
    )
    result = org_units_import_csv(actor=SYSTEM, data=data.encode())
    assert not result.ok
    messages = [str(error) for error in result.errors]
    assert [error.row for error in result.errors] == [3, 5]
    assert "Dòng 3" in messages[0] and "99" in messages[0]
    assert "Dòng 5" in messages[1] and "dòng 4" in messages[1]
    assert OrgUnit.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_code_overlapping_a_stored_unit_is_refused():
    org_units_import_csv(actor=SYSTEM, data=CLEAN.encode())
    data = HEADER + "00004,Phường khác,commune,24,01/01/2026,\n"
    result = org_units_import_csv(actor=SYSTEM, data=data.encode())
    assert [error.row for error in result.errors] == [2]
    assert OrgUnit.objects.filter(code="00004").count() == 1


def test_nfd_names_are_stored_nfc():
    nfd_name = unicodedata.normalize("NFD", "Phường Hòa Bình")
    data = HEADER + f"17,{unicodedata.normalize('NFD', 'Tỉnh Phú Thọ')},province,,01/07/2025,\n"
    data += f"05000,{nfd_name},commune,17,01/07/2025,\n"
    result = org_units_import_csv(actor=SYSTEM, data=data.encode())
    assert result.ok, result.errors
    stored = OrgUnit.objects.get(code="05000").name
    assert stored == unicodedata.normalize("NFC", "Phường Hòa Bình")
    assert unicodedata.is_normalized("NFC", OrgUnit.objects.get(code="17").name)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("24,Tỉnh,capital,,01/01/1997,", "loại"),
        ("24,Tỉnh,province,,1997-13-01,", "ngày hiệu lực"),
        ("24,Tỉnh,province,,01/01/1997,01/01/1990", "trước ngày hiệu lực"),
        (",Tỉnh,province,,01/01/1997,", "thiếu mã"),
        ("24,Tỉnh,province,,01/01/1997,,thừa", "nhiều hơn 6 cột"),
    ],
)
def test_malformed_rows_are_explained(row, fragment):
    result = org_units_import_csv(actor=SYSTEM, data=(HEADER + row + "\n").encode())
    assert not result.ok
    assert result.errors[0].row == 2
    assert fragment in str(result.errors[0])


def test_wrong_header_is_reported_on_row_one():
    result = org_units_import_csv(actor=SYSTEM, data=b"ma,ten\n1,2\n")
    assert result.errors[0].row == 1


def test_day_first_dates_mean_day_first():
    data = HEADER + "24,Tỉnh Bắc Ninh,province,,05/03/2020,\n"
    org_units_import_csv(actor=SYSTEM, data=data.encode())
    assert OrgUnit.objects.get(code="24").valid_from == date(2020, 3, 5)


def test_management_command_imports_and_fails_all_or_nothing(tmp_path):
    good = tmp_path / "units.csv"
    good.write_text(CLEAN, encoding="utf-8")
    call_command("import_org_units", str(good))
    assert OrgUnit.objects.count() == 6
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "30,Tỉnh mới,province,,01/01/2026,\n31,Xã,commune,XX,01/01/2026,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_org_units", str(bad))
    assert not OrgUnit.objects.filter(code="30").exists()


def test_every_bad_row_is_listed_at_once_whatever_check_finds_it():
    """A bad date on row 4 no longer hides row 3's missing parent (or row 6's duplicate code)."""
    org_units_import_csv(actor=SYSTEM, data=CLEAN.encode())
    data = HEADER + (
        "50,Tỉnh Thử,province,,01/01/2026,\n"  # row 2: fine
        "50.1,Sở Một,agency,99,01/01/2026,\n"  # row 3: no parent 99
        "50.2,Sở Hai,agency,50,31/02/2026,\n"  # row 4: no such date
        "50.3,,agency,50.2,01/01/2026,\n"  # row 5: no name (its parent, row 4, has its own error)
        "00004,Phường Khác,commune,24,01/01/2026,\n"  # row 6: code used by a stored unit
        "24.SNV,Sở Nội vụ,agency,00004,01/07/2025,\n"  # row 7: would move a stored unit
        "50.4,Xã Bốn,commune,50,01/01/2026,,x\n"  # row 8: a column too many
    )
    before = OrgUnit.objects.count()
    result = org_units_import_csv(actor=SYSTEM, data=data.encode())
    assert [row for row, _problems in result.errors_by_row()] == [3, 4, 5, 6, 7, 8]
    messages = dict(result.errors_by_row())
    assert "99" in messages[3][0]
    assert "31/02/2026" in messages[4][0]
    assert messages[5] == ["thiếu tên đơn vị."]
    assert "Phường Ba Đình" in messages[6][0]
    assert "đơn vị cha khác" in messages[7][0]
    assert OrgUnit.objects.count() == before
    assert AuditEntry.objects.filter(action="orgunits.import").count() == 1  # the clean import only


def test_an_oversized_upload_is_refused_by_the_upload_limits(settings):
    settings.UPLOAD_MAX_BYTES = 100
    result = org_units_import_csv(actor=SYSTEM, data=(CLEAN * 3).encode())
    assert not result.ok and result.errors[0].row == 0
    assert not OrgUnit.objects.exists()


def test_an_xlsx_file_imports_like_a_csv_dates_and_text_codes_included():
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "kind", "parent_code", "valid_from", "valid_to"])
    sheet.append(["24", "Tỉnh Bắc Ninh", "province", None, datetime(1997, 1, 1), None])
    sheet.append(["00004", "Phường Ba Đình", "commune", "24", "01/07/2025", None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = org_units_import_file(actor=SYSTEM, filename="don-vi.xlsx", data_or_file=buffer.getvalue())
    assert result.ok, result.errors
    assert OrgUnit.objects.get(code="24").valid_from == date(1997, 1, 1)
    assert OrgUnit.objects.get(code="00004").get_parent().code == "24"
