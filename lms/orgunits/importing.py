"""Importing the unit tree from CSV: all rows or none, errors by row number.

Columns: ``code,name,kind,parent_code,valid_from,valid_to``. Row 1 is the
header, so the first unit is row 2 — the number a spreadsheet shows. A parent
may come before or after its children in the file, or already exist. Names are
normalised to NFC (decomposed input is accepted). Re-importing a unit with the
same code and start date updates its name, kind and end date.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from lms.audit.services import audit_record
from lms.text import normalize_nfc

from .models import OrgUnit, UnitKind
from .services import org_unit_code_overlaps, org_unit_create, periods_overlap

COLUMNS = ["code", "name", "kind", "parent_code", "valid_from", "valid_to"]
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return _("Dòng %(row)s: %(message)s") % {
            "row": self.row,
            "message": self.message,
        }


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: date
    valid_to: date | None
    parent_row: UnitRow | None = None
    parent_unit: OrgUnit | None = None
    existing: OrgUnit | None = None


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportAborted(Exception):
    """Raised inside the transaction so that nothing is kept."""


def org_units_import_csv(*, data: bytes | str, actor=None, source_name: str = "") -> ImportResult:
    """Validate every row, then create or update all units in one transaction.

    On any error nothing is written and ``result.errors`` lists each problem
    with its row number.
    """
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    result = ImportResult()
    rows = _parse(text, result)
    if result.errors:
        return result
    _check_codes(rows, result)
    _resolve_parents(rows, result)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    try:
        with transaction.atomic():
            _write(rows, result)
            if result.errors:
                raise ImportAborted
            if result.created or result.updated:
                audit_record(
                    actor=actor,
                    action="orgunits.import",
                    data={
                        "source": source_name,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
    except ImportAborted:
        result.created = result.updated = result.unchanged = 0
    return result


def _parse(text: str, result: ImportResult) -> list[UnitRow]:
    reader = csv.reader(io.StringIO(text))
    header = [column.strip().lower() for column in next(reader, [])]
    if header != COLUMNS:
        result.errors.append(
            RowError(
                1,
                _("tiêu đề phải là “%(expected)s”.") % {"expected": ",".join(COLUMNS)},
            )
        )
        return []
    rows: list[UnitRow] = []
    kinds = {choice.value for choice in UnitKind}
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(COLUMNS):
            result.errors.append(
                RowError(
                    number,
                    _("cần %(n)s cột, có %(m)s.") % {"n": len(COLUMNS), "m": len(values)},
                )
            )
            continue
        code, name, kind, parent_code, valid_from, valid_to = (value.strip() for value in values)
        problems = []
        if not code:
            problems.append(_("thiếu mã đơn vị."))
        elif len(code) > 32:
            problems.append(_("mã đơn vị dài quá 32 ký tự."))
        if not normalize_nfc(name):
            problems.append(_("thiếu tên đơn vị."))
        if kind not in kinds:
            problems.append(
                _("loại “%(kind)s” không hợp lệ; dùng một trong: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(sorted(kinds))}
            )
        start = _parse_date(valid_from)
        end = _parse_date(valid_to) if valid_to else None
        if start is None:
            problems.append(_("ngày hiệu lực “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": valid_from})
        if valid_to and end is None:
            problems.append(_("ngày hết hiệu lực “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": valid_to})
        if start and end and end < start:
            problems.append(_("ngày hết hiệu lực trước ngày hiệu lực."))
        if problems:
            result.errors.extend(RowError(number, problem) for problem in problems)
            continue
        rows.append(UnitRow(number, code, normalize_nfc(name), kind, parent_code, start, end))
    if not rows and not result.errors:
        result.errors.append(RowError(1, _("tệp không có dòng dữ liệu nào.")))
    return rows


def _parse_date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _check_codes(rows: list[UnitRow], result: ImportResult) -> None:
    """A code may not be used twice on the same day: in the file or with the database."""
    seen: dict[str, list[UnitRow]] = {}
    for row in rows:
        for earlier in seen.get(row.code, []):
            if periods_overlap(earlier.valid_from, earlier.valid_to, row.valid_from, row.valid_to):
                result.errors.append(
                    RowError(
                        row.row,
                        _("mã %(code)s trùng với dòng %(other)s trong cùng thời gian hiệu lực.")
                        % {"code": row.code, "other": earlier.row},
                    )
                )
                break
        seen.setdefault(row.code, []).append(row)
        row.existing = OrgUnit.objects.filter(code=row.code, valid_from=row.valid_from).first()
        clash = org_unit_code_overlaps(
            code=row.code,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            exclude_pk=row.existing.pk if row.existing else None,
        )
        if clash is not None:
            result.errors.append(
                RowError(
                    row.row,
                    _("mã %(code)s đã được dùng cho “%(name)s” trong cùng thời gian hiệu lực.")
                    % {"code": row.code, "name": clash.name},
                )
            )


def _resolve_parents(rows: list[UnitRow], result: ImportResult) -> None:
    """Find each row's parent: a row of the file or a unit already stored, valid
    on the day the child starts."""
    by_code: dict[str, list[UnitRow]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    for row in rows:
        if not row.parent_code:
            continue
        candidates = [
            other
            for other in by_code.get(row.parent_code, [])
            if periods_overlap(other.valid_from, other.valid_to, row.valid_from, row.valid_from)
        ]
        if candidates:
            row.parent_row = candidates[0]
            continue
        stored = [unit for unit in OrgUnit.objects.filter(code=row.parent_code) if unit.is_valid_on(row.valid_from)]
        if stored:
            row.parent_unit = stored[0]
        else:
            result.errors.append(
                RowError(
                    row.row,
                    _("không tìm thấy đơn vị cha mã “%(code)s” còn hiệu lực ngày %(day)s.")
                    % {
                        "code": row.parent_code,
                        "day": row.valid_from.strftime("%d/%m/%Y"),
                    },
                )
            )
    for row in rows:
        seen = set()
        current = row
        while current.parent_row is not None:
            if id(current) in seen:
                result.errors.append(RowError(row.row, _("đơn vị cha tạo thành vòng lặp.")))
                break
            seen.add(id(current))
            current = current.parent_row


def _write(rows: list[UnitRow], result: ImportResult) -> None:
    saved: dict[int, OrgUnit] = {}
    pending = list(rows)
    while pending:
        ready = [row for row in pending if row.parent_row is None or id(row.parent_row) in saved]
        for row in ready:
            parent = saved[id(row.parent_row)] if row.parent_row else row.parent_unit
            saved[id(row)] = _write_row(row, parent, result)
        pending = [row for row in pending if id(row) not in saved]


def _write_row(row: UnitRow, parent: OrgUnit | None, result: ImportResult) -> OrgUnit:
    unit = row.existing
    if unit is None:
        result.created += 1
        return org_unit_create(
            code=row.code,
            name=row.name,
            kind=row.kind,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            parent=parent,
        )
    current_parent = unit.get_parent()
    if (current_parent.pk if current_parent else None) != (parent.pk if parent else None):
        result.errors.append(
            RowError(
                row.row,
                _("không thể chuyển đơn vị %(code)s sang đơn vị cha khác bằng nhập tệp.") % {"code": row.code},
            )
        )
        return unit
    if (unit.name, unit.kind, unit.valid_to) == (row.name, row.kind, row.valid_to):
        result.unchanged += 1
        return unit
    unit.name, unit.kind, unit.valid_to = row.name, row.kind, row.valid_to
    unit.save(update_fields=["name", "kind", "valid_to"])
    result.updated += 1
    return unit
