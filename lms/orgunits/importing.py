"""Importing the unit tree from a table (CSV or XLSX): all rows or none, every error by row number.

Columns: ``code,name,kind,parent_code,valid_from,valid_to``. Row 1 is the header, so the first
unit is row 2 — the number a spreadsheet shows. A parent may come before or after its children in
the file, or already exist. Names are normalised to NFC (decomposed input is accepted).
Re-importing a unit with the same code and start date updates its name, kind and end date.

The whole file is checked before anything is written, and every problem of every row is reported
at once (a row with a bad date still has its code and parent checked), so one round of corrections
is enough. The ``import_org_units`` command and the administrators' screen share this module; the
upload is read within ``lms.tabular``'s limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lms.audit.services import audit_record
from lms.tabular import TableError, table_read
from lms.text import normalize_nfc

from .models import OrgUnit, UnitKind
from .services import is_administrator_or_system, org_unit_code_overlaps, org_unit_create, periods_overlap

COLUMNS = ["code", "name", "kind", "parent_code", "valid_from", "valid_to"]
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
CODE_MAX = OrgUnit._meta.get_field("code").max_length
NAME_MAX = OrgUnit._meta.get_field("name").max_length


@dataclass
class RowError:
    """One problem of one row; ``row`` 0 is a problem of the whole file (its message says where)."""

    row: int
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: date
    valid_to: date | None
    bad: bool = False  # has problems of its own; still checked against the others
    parent_row: UnitRow | None = None
    parent_unit: OrgUnit | None = None
    existing: OrgUnit | None = None


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # codes of rows whose start date could not be read: their children are not told "no parent"
    unreadable_codes: set[str] = field(default_factory=set, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_row(self) -> list[tuple[int, list[str]]]:
        """``[(row, [message, …]), …]`` in row order, for a table of the rows to correct."""
        grouped: dict[int, list[str]] = {}
        for error in sorted(self.errors, key=lambda error: error.row):
            grouped.setdefault(error.row, []).append(error.message)
        return list(grouped.items())


def org_units_import_file(
    *, actor, filename: str, data_or_file: bytes | IO[bytes], source_name: str = ""
) -> ImportResult:
    """Read an uploaded ``.csv`` or ``.xlsx`` within the upload limits and import it
    (``org_units_import_table``). A file refused by the limits is one error, nothing written."""
    try:
        table = table_read(filename=filename, data_or_file=data_or_file)
    except TableError as error:
        return ImportResult(errors=[RowError(0, str(error))])
    return org_units_import_table(actor=actor, table=table, source_name=source_name or filename)


def org_units_import_csv(*, actor, data: bytes | str, source_name: str = "") -> ImportResult:
    """``org_units_import_file`` for CSV content (UTF-8, with or without a BOM)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return org_units_import_file(actor=actor, filename="units.csv", data_or_file=raw, source_name=source_name)


def org_units_import_table(*, actor, table: list[list[str]], source_name: str = "") -> ImportResult:
    """Check every row, then create or update all units in one transaction, audited once with the actor.

    ``actor`` is an administrator or a ``SystemActor`` (a command run without ``--actor``); anyone
    else gets ``PermissionDenied``. On any error nothing is written and ``result.errors`` lists each
    problem of each row with its row number, in row order.
    """
    if not is_administrator_or_system(actor):
        raise PermissionDenied
    result = ImportResult()
    rows = _parse(table, result)
    _check_codes(rows, result)
    _resolve_parents(rows, result)
    _check_moves(rows, result)
    if result.errors:
        result.errors.sort(key=lambda error: error.row)
        return result
    with transaction.atomic():
        _write(rows, result)
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
    return result


def _parse(table: list[list[str]], result: ImportResult) -> list[UnitRow]:
    """Rows whose code and start date could be read (``bad`` when something else is wrong), so
    the later checks see them too; every problem found goes to ``result.errors``."""
    header = [column.strip().lower() for column in (table[0] if table else [])]
    if header != COLUMNS:
        result.errors.append(RowError(1, _("tiêu đề phải là “%(expected)s”.") % {"expected": ",".join(COLUMNS)}))
        return []
    rows: list[UnitRow] = []
    unreadable = result.unreadable_codes
    kinds = {choice.value for choice in UnitKind}
    data_rows = 0
    for number, values in enumerate(table[1:], start=2):
        if not any(value.strip() for value in values):
            continue
        data_rows += 1
        problems = []
        if len(values) > len(COLUMNS):
            problems.append(_("có %(m)s cột, nhiều hơn %(n)s cột của tiêu đề.") % {"n": len(COLUMNS), "m": len(values)})
        values = [value.strip() for value in values[: len(COLUMNS)]]
        values += [""] * (len(COLUMNS) - len(values))  # empty cells at the end of a row are not stored
        code, name, kind, parent_code, valid_from, valid_to = values
        name = normalize_nfc(name)
        if not code:
            problems.append(_("thiếu mã đơn vị."))
        elif len(code) > CODE_MAX:
            problems.append(_("mã đơn vị dài quá %(n)s ký tự.") % {"n": CODE_MAX})
        if not name:
            problems.append(_("thiếu tên đơn vị."))
        elif len(name) > NAME_MAX:
            problems.append(_("tên đơn vị dài quá %(n)s ký tự.") % {"n": NAME_MAX})
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
        result.errors.extend(RowError(number, problem) for problem in problems)
        if code and len(code) <= CODE_MAX and start is not None:
            valid_end = end if end is None or end >= start else None
            rows.append(UnitRow(number, code, name, kind, parent_code, start, valid_end, bad=bool(problems)))
        elif code:
            unreadable.add(code)
    if not data_rows:
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
        if row.parent_code == row.code:
            result.errors.append(RowError(row.row, _("đơn vị không thể là đơn vị cha của chính nó.")))
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
        elif row.parent_code not in result.unreadable_codes:  # else its parent's own row is reported
            result.errors.append(
                RowError(
                    row.row,
                    _("không tìm thấy đơn vị cha mã “%(code)s” còn hiệu lực ngày %(day)s.")
                    % {"code": row.parent_code, "day": row.valid_from.strftime("%d/%m/%Y")},
                )
            )
    for row in rows:
        seen = set()
        current = row
        while current.parent_row is not None:
            if id(current) in seen:
                result.errors.append(RowError(row.row, _("đơn vị cha tạo thành vòng lặp.")))
                row.parent_row = None  # reported; the write never runs
                break
            seen.add(id(current))
            current = current.parent_row


def _check_moves(rows: list[UnitRow], result: ImportResult) -> None:
    """A unit already stored keeps its place in the tree: an import never moves it."""
    for row in rows:
        if row.existing is None:
            continue
        if row.parent_code and row.parent_row is None and row.parent_unit is None:
            continue  # its parent was not found: reported already
        if row.parent_row is not None:
            wanted = row.parent_row.existing.pk if row.parent_row.existing is not None else None
        else:
            wanted = row.parent_unit.pk if row.parent_unit is not None else None
        current = row.existing.get_parent()
        if (current.pk if current is not None else None) != wanted or (row.parent_row and wanted is None):
            result.errors.append(
                RowError(
                    row.row,
                    _("không thể chuyển đơn vị %(code)s sang đơn vị cha khác bằng nhập tệp.") % {"code": row.code},
                )
            )


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
    if (unit.name, unit.kind, unit.valid_to) == (row.name, row.kind, row.valid_to):
        result.unchanged += 1
        return unit
    unit.name, unit.kind, unit.valid_to = row.name, row.kind, row.valid_to
    unit.save(update_fields=["name", "kind", "valid_to"])
    result.updated += 1
    return unit
