"""The bounds of one upload and the messages a person gets when a file passes them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

# Excel's own maxima: no spreadsheet a person made goes beyond them.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class TableLimits:
    """Bounds for reading one uploaded table.

    ``max_rows`` counts the rows after the header row, blank ones between data included, so an
    accepted file never has data below spreadsheet row ``max_rows + 1``.
    """

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls) -> TableLimits:
        return cls(
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_rows=settings.UPLOAD_MAX_ROWS,
            max_columns=settings.UPLOAD_MAX_COLUMNS,
            max_cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        )


class TableError(ValueError):
    """An upload refused; ``str(error)`` is a message for the person who sent it, in their language."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.row = row


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def not_a_table() -> TableError:
    return TableError(_("Chỉ nhận tệp CSV (UTF-8) hoặc XLSX."))


def too_large(limits: TableLimits) -> TableError:
    limit = filesizeformat(limits.max_bytes)
    return TableError(_("Tệp lớn hơn %(limit)s, giới hạn của một lần tải lên.") % {"limit": limit})


def not_utf8(row: int) -> TableError:
    return TableError(
        _("Tệp CSV phải được lưu dạng UTF-8: dòng %(row)s có ký tự không đọc được.") % {"row": _n(row)}, row=row
    )


def unreadable_csv_row(row: int) -> TableError:
    return TableError(
        _("Dòng %(row)s: không đọc được dòng CSV này (ô quá dài, ký tự lạ hoặc thiếu dấu ngoặc kép đóng).")
        % {"row": _n(row)},
        row=row,
    )


def broken_xlsx() -> TableError:
    return TableError(_("Không đọc được tệp XLSX: tệp bị hỏng hoặc không phải bảng tính Excel (.xlsx)."))


def xlsx_too_complex() -> TableError:
    return TableError(
        _(
            "Không đọc được tệp XLSX này một cách an toàn (quá nhiều ô, định dạng hoặc dữ liệu ẩn). "
            "Hãy lưu bảng tính thành tệp CSV (UTF-8) rồi tải lên."
        )
    )


def xlsx_unpacked_too_large(unpacked_limit: int, limits: TableLimits) -> TableError:
    return TableError(
        _(
            "Tệp XLSX quá lớn khi giải nén (hơn %(limit)s). Tối đa %(rows)s dòng dữ liệu: hãy chia thành "
            "nhiều tệp hoặc lưu thành tệp CSV (UTF-8)."
        )
        % {"limit": filesizeformat(unpacked_limit), "rows": _n(limits.max_rows)}
    )


def too_many_rows(row: int, limits: TableLimits) -> TableError:
    return TableError(
        _("Tệp có hơn %(limit)s dòng dữ liệu (dòng %(row)s vượt giới hạn); hãy chia thành nhiều tệp.")
        % {"limit": _n(limits.max_rows), "row": _n(row)},
        row=row,
    )


def too_many_columns(row: int, limits: TableLimits) -> TableError:
    return TableError(
        _("Dòng %(row)s có hơn %(limit)s cột.") % {"row": _n(row), "limit": _n(limits.max_columns)}, row=row
    )


def cell_too_long(limits: TableLimits, *, row: int | None = None, column: int | None = None) -> TableError:
    if row is None or column is None:
        return TableError(_("Tệp có ô dài hơn %(limit)s ký tự.") % {"limit": _n(limits.max_cell_chars)})
    return TableError(
        _("Dòng %(row)s, cột %(column)s: ô dài hơn %(limit)s ký tự.")
        % {"row": _n(row), "column": get_column_letter(column), "limit": _n(limits.max_cell_chars)},
        row=row,
    )
