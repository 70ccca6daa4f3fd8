"""Bounded reading of an uploaded table (CSV or XLSX) into rows of text.

Every upload is read within ``TableLimits``, and reading stops at the first limit passed: the size
is checked before anything is parsed, rows are read one at a time, and an XLSX is first checked
part by part (``xlsx_guard``) and then read in openpyxl's streaming read-only mode, at most
``max_rows + 1`` rows deep and ``max_columns + 1`` cells wide, ignoring the size the sheet
declares. Data the check found beyond those bounds is refused before reading, never dropped.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import IO

from openpyxl import load_workbook

from . import limits as messages
from .limits import TableError, TableLimits
from .xlsx_guard import SheetFacts, xlsx_check

__all__ = ["TableError", "TableLimits", "table_read"]


def table_read(*, filename: str, data_or_file: bytes | IO[bytes], limits: TableLimits | None = None) -> list[list[str]]:
    """The rows of an uploaded ``.csv`` or ``.xlsx`` file as lists of text cells.

    ``data_or_file`` is the content or an open binary file (an ``UploadedFile``: its declared size is
    checked before reading, and at most ``max_bytes + 1`` bytes are read). ``limits`` defaults to
    ``TableLimits.from_settings()``.

    Row ``i`` of the result is spreadsheet row ``i + 1`` (the header is row 1): blank rows between data
    stay as ``[]``, so the row numbers a caller reports are the ones the person sees; blank rows at
    the end and empty cells at the end of a row are dropped. CSV: UTF-8 with or without a BOM,
    separated by commas or, when the first line has more of them, semicolons; cells kept as written.
    XLSX: the active sheet's values (cached results of formulas), whole numbers without ".0", dates
    as dd/mm/yyyy.

    Raises ``TableError`` (message in the active language, row number where there is one) when the
    file is not a CSV/XLSX, is larger than ``max_bytes``, is not UTF-8, is a broken or over-complex
    XLSX, has anything in a row after row ``max_rows + 1``, a row wider than ``max_columns`` or a
    cell longer than ``max_cell_chars``.
    """
    limits = limits or TableLimits.from_settings()
    name = filename.lower()
    if not name.endswith((".csv", ".xlsx")):
        raise messages.not_a_table()
    data = _upload_bytes(data_or_file, limits)
    rows = _xlsx_rows(data, limits) if name.endswith(".xlsx") else _csv_rows(data)
    return _table(rows, limits)


def _upload_bytes(data_or_file: bytes | IO[bytes], limits: TableLimits) -> bytes:
    if isinstance(data_or_file, bytes | bytearray | memoryview):
        data = bytes(data_or_file)
    else:
        declared = getattr(data_or_file, "size", None)
        if declared is not None and declared > limits.max_bytes:
            raise messages.too_large(limits)
        data = data_or_file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise messages.too_large(limits)
    return data


def _table(rows: Iterable[Sequence[object]], limits: TableLimits) -> list[list[str]]:
    table: list[list[str]] = []
    blank_rows = 0  # kept only if data follows, so trailing blank rows cost nothing
    for number, values in enumerate(rows, start=1):
        cells = _row_cells(values, number, limits)
        if not cells:
            blank_rows += 1
            continue
        if number > limits.max_rows + 1:
            raise messages.too_many_rows(number, limits)
        table.extend([] for _ in range(blank_rows))
        blank_rows = 0
        table.append(cells)
    return table


def _row_cells(values: Sequence[object], number: int, limits: TableLimits) -> list[str]:
    cells = [_cell_text(value) for value in values]
    while cells and not cells[-1].strip():
        cells.pop()
    if len(cells) > limits.max_columns:
        raise messages.too_many_columns(number, limits)
    for column, text in enumerate(cells, start=1):
        if len(text) > limits.max_cell_chars:
            raise messages.cell_too_long(limits, row=number, column=column)
    return cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or code typed as a number: no ".0"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y" if value.time() == datetime.min.time() else "%d/%m/%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise messages.not_utf8(data[: error.start].count(b"\n") + 1) from error
    if "\x00" in text:  # no spreadsheet writes one, and PostgreSQL refuses it in text
        raise messages.unreadable_csv_row(text.count("\n", 0, text.index("\x00")) + 1)
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # strict: a quote left open is an error, not the rest of the file swallowed into one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a quote left open, or a cell past csv's own field size limit
            raise messages.unreadable_csv_row(number + 1) from error
        number += 1
        yield row


def _xlsx_rows(data: bytes, limits: TableLimits) -> Iterator[tuple[object, ...]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise messages.broken_xlsx() from error
    with archive:
        facts = xlsx_check(archive, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a malformed file
        raise messages.broken_xlsx() from error
    try:
        yield from _sheet_rows(book.active, facts, limits)
    finally:
        book.close()


def _sheet_rows(sheet, facts: dict[str, SheetFacts], limits: TableLimits) -> Iterator[tuple[object, ...]]:
    # openpyxl names the active sheet's part only in a private attribute; without it, every
    # sheet's facts apply, which can only refuse more.
    part = getattr(sheet, "_worksheet_path", None)
    offences = [fact.offence(limits) for fact in ([facts[part]] if part in facts else facts.values())]
    offence = min((found for found in offences if found is not None), key=lambda found: found.row, default=None)
    if offence is not None:
        raise offence
    try:
        sheet.reset_dimensions()  # a declared "A1:ZZ20000" is not trusted: rows are read as they come
        yield from sheet.iter_rows(values_only=True, max_row=limits.max_rows + 1, max_col=limits.max_columns + 1)
    except Exception as error:  # as above
        raise messages.broken_xlsx() from error
