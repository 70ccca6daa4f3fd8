"""Safe CSV and XLSX exports: no cell a person typed ever becomes a formula.

Spreadsheets run text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a leading tab
or carriage return does not stop them (the OWASP "CSV injection" list). ``safe_cell`` puts a single
quote ``'`` in front of such text — OWASP's recommended neutraliser. In an XLSX the cell is also
written as a string cell, never a formula. In a CSV the quote stays visible when Excel opens the
file: the honest price of never evaluating a learner's name. Numbers, dates, booleans and ``None``
are values, not text, and pass unchanged — a negative number stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_VALUE_TYPES = (bool, int, float, Decimal, date, time, timedelta)  # datetime is a date
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def safe_cell(value: Any) -> Any:
    """``value`` ready for a spreadsheet: text starting with a formula trigger gets a leading ``'``.

    Values (numbers, dates, booleans, ``None``) are returned as they are; anything else becomes
    ``str(value)`` (lazy translations included), neutralised if it starts with a trigger.
    """
    if type(value) is str:  # the common case first: an export calls this for every cell
        text = value
    elif value is None or isinstance(value, _VALUE_TYPES):
        return value
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Echo:
    """A file-like object whose ``write`` hands the line back, so ``csv.writer`` can feed a stream."""

    def write(self, line: str) -> str:
        return line


CSV_DELIMITERS = (",", ";")


def csv_rows(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, delimiter: str = ",") -> Iterator[str]:
    """The lines of a CSV for Excel: a UTF-8 byte-order mark, the header, then each row.

    Every cell goes through ``safe_cell``; dates are written ``dd/mm/yyyy`` as Vietnamese readers
    write them. ``delimiter`` may be ``;`` — what Excel expects on Windows set to Vietnamese, where
    the comma is the decimal mark. Lazy: one row is consumed per line, so a
    ``StreamingHttpResponse`` over it keeps memory flat however many rows there are.
    """
    if delimiter not in CSV_DELIMITERS:
        raise ValueError(delimiter)
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff"  # Excel opens UTF-8 Vietnamese correctly only with a BOM
    yield writer.writerow([_csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def _local(value: Any) -> Any:
    """An aware datetime as the local wall-clock time spreadsheets show (they hold no zone)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _csv_cell(value: Any) -> Any:
    if type(value) in _PLAIN_TYPES:  # text, numbers and empty cells: no date to write
        return safe_cell(value)
    value = _local(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return safe_cell(value)


DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def xlsx_sheet_write(
    handle: IO[bytes],
    *,
    title: str,
    header: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    text_columns: Collection[int] = (),
    widths: Iterable[float] | None = None,
    notes: Iterable[tuple[Any, Any]] = (),
    notes_title: str = "",
) -> int:
    """Write one sheet (header, then ``rows``) as XLSX to ``handle``; return the number of rows.

    A sheet a person can work with at once: the header row bold and frozen, an autofilter over the
    table, column widths (``widths``, else fitted to the header), dates and times as real dates
    shown ``dd/mm/yyyy``. ``notes`` — (label, value) pairs such as the filters the file was made
    with — go to a second sheet named ``notes_title``.

    openpyxl's write-only mode streams rows to disk, so memory stays flat. Every text cell goes
    through ``safe_cell`` and is written as a string cell — never a formula or an error value (the
    few openpyxl would mistake get an explicit string cell; the rest it types as strings itself).
    Columns whose 0-based index is in ``text_columns`` are formatted as text (``@``), so codes
    keep their leading zeros when someone edits them.
    """
    header = list(header)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths if widths is not None else (len(str(h)) + 4 for h in header)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(_MIN_WIDTH, min(_MAX_WIDTH, width))
    sheet.append([_header_cell(sheet, value) for value in header])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, as_text=index in text_columns) for index, value in enumerate(row)])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    notes = list(notes)
    if notes:
        about = book.create_sheet(notes_title or "Info")
        about.column_dimensions["A"].width = 24
        about.column_dimensions["B"].width = 60
        for label, value in notes:
            about.append([_header_cell(about, label), _xlsx_cell(about, value)])
    book.save(handle)
    return count


def _header_cell(sheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_xlsx_cell(sheet, value, as_text=True).value)
    cell.data_type = "s"
    cell.font = Font(bold=True)
    return cell


def _xlsx_cell(sheet, value: Any, *, as_text: bool = False) -> Any:
    if isinstance(value, str):
        # Control characters are invalid in XLSX and make openpyxl raise: one learner's name must not
        # break everyone's export. Removed before the trigger check, so "\x01=1" is caught too.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    value = _local(safe_cell(value))
    if isinstance(value, date | datetime) and not as_text:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    text = isinstance(value, str)
    if not as_text and not (text and (value.startswith("=") or value in ERROR_CODES)):
        return value  # openpyxl types it: a number, a date, or text it cannot take for anything else
    cell = WriteOnlyCell(sheet, value=value)
    if text:
        cell.data_type = "s"  # openpyxl would take "=…" for a formula and "#N/A" for an error value
    if as_text:
        cell.number_format = "@"
    return cell
