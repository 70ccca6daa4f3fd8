"""Check every XML part of an uploaded XLSX, streaming, before openpyxl parses any of it.

openpyxl's read-only mode is not bounded on its own: opening a workbook parses the styles, the
workbook and every shared string whole, walks each sheet until its ``<dimension>`` (all of it when
there is none), and reading holds one whole row of cells at a time. An XLSX is a zip, and a few
kilobytes can unpack into any of these at hostile sizes. ``xlsx_check`` refuses such a file first,
reading each part once with expat — no tree, constant memory, stopping at the first number passed:

- the parts may unpack to ``UNPACKED_RATIO`` × the upload limit (a 20,000-row learner list
  written by openpyxl unpacks to ≈ 9 MB from ≈ 0.5 MB), and carry no DTD (no entity expansion);
- sheets hold at most ``(max_rows + 1) × max_columns`` cells (``<c>``, empty formatted ones
  included), numbered rows in ascending order within Excel's 1,048,576, at most Excel's 16,384
  cells and ``ELEMENTS_PER_ROW`` elements in a row;
- the shared-string table holds at most as many strings as that, each of at most
  ``ELEMENTS_PER_STRING`` elements (rich-text runs);
- the text of one cell or shared string is at most ``RAW_CHARS_PER_CELL`` × ``max_cell_chars``
  characters of XML (room for ``_xHHHH_`` escapes; the exact limit is applied to the value read);
- every other element — those openpyxl keeps in memory while reading — at most ``KEPT_ELEMENTS``
  (Excel's 64,000 cell styles fit), with at most ``TEXT_CHARS`` characters of text, attributes or
  comments each; and at most ``4 × cells + KEPT_ELEMENTS`` elements in all (time).

Parts that cannot be XML (images, embedded binaries) are skipped: no XML parser can read them either.
On the way it notes, per sheet, the first row with a value below row ``max_rows + 1`` and the first
with a value right of column ``max_columns`` (``SheetFacts``): the reader refuses the sheet it reads
for them before reading it, so a bounded read never silently drops data it did not reach.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from xml.parsers import expat

from openpyxl.utils import column_index_from_string

from . import limits as messages
from .limits import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, TableError, TableLimits

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _STRING, _VALUE, _TEXT, _SHEET = (
    f"{SPREADSHEET_NS} {local}" for local in ("row", "c", "si", "v", "t", "sheet")
)
_WORKBOOK_PART = "xl/workbook.xml"

UNPACKED_RATIO = 10
KEPT_ELEMENTS = 200_000
ELEMENTS_PER_ROW = 4 * EXCEL_MAX_COLUMNS
ELEMENTS_PER_STRING = 1_024
RAW_CHARS_PER_CELL = 8
TEXT_CHARS = 65_536
_CHUNK = 64 * 1024
# How an XML document can start (libxml2's and expat's encoding detection): "<", whitespace, a
# byte-order mark or UTF-16/32 text, or "<?xm" in EBCDIC. No XML parser reads anything else (PNG,
# JPEG, OLE, EMF, printer settings, ...).
_XML_FIRST_BYTES = set(b"< \t\r\n\x00\xef\xfe\xff")
_JPEG, _EBCDIC = b"\xff\xd8", b"\x4c\x6f\xa7\x94"


@dataclass
class SheetFacts:
    """What one sheet holds past the limits, in spreadsheet row numbers (0: nothing): the first row
    below row ``max_rows + 1`` with a value, and the first row with a value right of ``max_columns``."""

    row_over: int = 0
    wide_row: int = 0

    def offence(self, limits: TableLimits) -> TableError | None:
        """The first of the two a reader going down the sheet would meet, as the error to raise."""
        if self.wide_row and not (self.row_over and self.row_over <= self.wide_row):
            return messages.too_many_columns(self.wide_row, limits)
        if self.row_over:
            return messages.too_many_rows(self.row_over, limits)
        return None


def xlsx_check(archive: zipfile.ZipFile, limits: TableLimits) -> dict[str, SheetFacts]:
    """Raise ``TableError`` unless every part of ``archive`` is within the bounds above.

    Returns the facts of every part holding rows, by part name: whether the sheet read has data past
    the row or column limits is known only once openpyxl says which sheet is active.
    """
    members = [info for info in archive.infolist() if not info.is_dir()]
    if sum(info.file_size for info in members) > UNPACKED_RATIO * limits.max_bytes:
        raise messages.xlsx_unpacked_too_large(UNPACKED_RATIO * limits.max_bytes, limits)
    budget = _Budget(limits)
    facts = {}
    # The workbook first: with a single sheet, that sheet is the one read, and it can be refused
    # at its first row past the limits instead of once the whole part is checked.
    members.sort(key=lambda info: info.filename != _WORKBOOK_PART)
    for info in members:
        scanner = _part_scan(archive, info, budget)
        if scanner is not None and scanner.row:
            facts[info.filename] = scanner.facts
    return facts


class _Budget:
    """What the whole workbook has used so far."""

    def __init__(self, limits: TableLimits):
        self.limits = limits
        self.max_cells = (limits.max_rows + 1) * limits.max_columns
        self.max_cell_chars = RAW_CHARS_PER_CELL * limits.max_cell_chars
        self.max_elements = 4 * self.max_cells + KEPT_ELEMENTS
        self.cells = self.strings = self.kept = self.elements = self.sheets = 0


class _PartScanner:
    """expat handlers for one part; each raises ``TableError`` at the first bound passed."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.facts = SheetFacts()
        self.depth = 0
        self.row_depth = self.cell_depth = self.value_depth = self.string_depth = 0  # 0: not inside one
        self.row = self.column = self.cells_in_row = self.inner_elements = 0
        self.cell_has_value = False
        self.chars = 0  # the value text of the current cell, or the text of the current shared string
        self.other_chars = 0  # any other text since the last tag (formulas, comments, ...)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        budget = self.budget
        self.depth += 1
        self.other_chars = 0
        budget.elements += 1
        if budget.elements > budget.max_elements or sum(map(len, attributes.values())) > TEXT_CHARS:
            raise self._refusal()
        if self.row_depth:
            self._row_part(name, attributes)
        elif self.string_depth:
            self.inner_elements += 1
            if self.inner_elements > ELEMENTS_PER_STRING:
                raise self._refusal()
        elif name == _ROW:
            self._row_start(attributes)
        elif name == _STRING:
            budget.strings += 1
            if budget.strings > budget.max_cells:
                raise self._refusal()
            self.string_depth, self.chars, self.inner_elements = self.depth, 0, 0
        else:
            budget.kept += 1
            if name == _SHEET:
                budget.sheets += 1
            if budget.kept > KEPT_ELEMENTS:
                raise self._refusal()

    def _refusal(self) -> TableError:
        """Past a bound with data below the last allowed row, the rows are the likely cause: say so."""
        if self.facts.row_over:
            return messages.too_many_rows(self.facts.row_over, self.budget.limits)
        return messages.xlsx_too_complex()

    def _row_start(self, attributes: dict[str, str]) -> None:
        number = _number(attributes.get("r"), default=self.row + 1)
        if not self.row < number <= EXCEL_MAX_ROWS:
            raise messages.broken_xlsx()
        self.row, self.row_depth = number, self.depth
        self.budget.kept += 1  # openpyxl clears a row once read but keeps the empty element
        if self.budget.kept > KEPT_ELEMENTS:
            raise self._refusal()
        self.column = self.cells_in_row = self.inner_elements = 0

    def _row_part(self, name: str, attributes: dict[str, str]) -> None:
        budget = self.budget
        self.inner_elements += 1
        if self.inner_elements > ELEMENTS_PER_ROW:
            raise self._refusal()
        if self.cell_depth:
            if name in (_VALUE, _TEXT):
                self.value_depth = self.depth
            return
        if name != _CELL:
            return
        budget.cells += 1
        self.cells_in_row += 1
        if budget.cells > budget.max_cells or self.cells_in_row > EXCEL_MAX_COLUMNS:
            raise self._refusal()
        self.column = _column(attributes.get("r"), default=self.column + 1)
        self.cell_depth, self.chars, self.cell_has_value = self.depth, 0, False

    def end(self, name: str) -> None:
        if self.depth == self.value_depth:
            self.value_depth = 0
        elif self.depth == self.cell_depth:
            self.cell_depth = 0
            if self.cell_has_value:
                self._value_found()
        elif self.depth == self.row_depth:
            self.row_depth = 0
        elif self.depth == self.string_depth:
            self.string_depth = 0
        self.depth -= 1
        self.other_chars = 0

    def _value_found(self) -> None:
        limits, facts = self.budget.limits, self.facts
        if self.row > limits.max_rows + 1 and not facts.row_over:
            facts.row_over = self.row
        if self.column > limits.max_columns and not facts.wide_row:
            facts.wide_row = self.row
        offence = facts.offence(limits) if self.budget.sheets == 1 else None
        if offence is not None:
            raise offence

    def text(self, data: str) -> None:
        budget = self.budget
        if self.value_depth or self.string_depth:
            self.chars += len(data)
            if self.chars > budget.max_cell_chars:
                row, column = (self.row, self.column) if self.value_depth else (None, None)
                raise messages.cell_too_long(budget.limits, row=row, column=column)
            if self.value_depth and not self.cell_has_value and data.strip():
                self.cell_has_value = True
            return
        self.other_chars += len(data)
        if self.other_chars > TEXT_CHARS:
            raise self._refusal()


def _number(value: str | None, *, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise messages.broken_xlsx() from None


def _column(reference: str | None, *, default: int) -> int:
    """The column of a cell reference such as "AB12" (its letters), else ``default``."""
    letters = (reference or "").rstrip("0123456789")
    if not letters:
        return min(default, EXCEL_MAX_COLUMNS)
    try:
        column = column_index_from_string(letters)
    except ValueError:
        raise messages.broken_xlsx() from None
    if column > EXCEL_MAX_COLUMNS:
        raise messages.broken_xlsx()
    return column


def _may_be_xml(head: bytes) -> bool:
    return (head[0] in _XML_FIRST_BYTES and not head.startswith(_JPEG)) or head.startswith(_EBCDIC)


def _refuse_dtd(*_args) -> None:
    raise messages.broken_xlsx()  # no part of an XLSX has one; refusing it rules out entity expansion


def _part_scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> _PartScanner | None:
    """Scan one part; ``None`` for a part that cannot be XML."""
    scanner = _PartScanner(budget)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scanner.start
    parser.EndElementHandler = scanner.end
    parser.CharacterDataHandler = scanner.text
    parser.CommentHandler = scanner.text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    try:
        with archive.open(info) as stream:
            chunk = stream.read(_CHUNK)
            if chunk and not _may_be_xml(chunk):
                return None  # an image or other binary part
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(_CHUNK)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError) as error:
        raise messages.broken_xlsx() from error
    return scanner
