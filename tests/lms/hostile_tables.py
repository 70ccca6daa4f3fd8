"""Hostile names for exports, and the checks that they came to no harm.

Names: what a learner (or an editor) can type that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

HOSTILE_NAMES = [
    '=HYPERLINK("http://x","Bấm")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "Nguyễn Thị Hồng Nhung",
]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cells_inert(text: str) -> list[list[str]]:
    """The rows of a CSV export, asserting that no cell starts with a formula trigger."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS), f"live cell in CSV: {cell!r}"
    return rows


def xlsx_cells_inert(data: bytes) -> list[list[object]]:
    """The values of an XLSX export's first sheet, asserting no formula cell and no text cell
    starting with a formula trigger."""
    rows = []
    for row in load_workbook(io.BytesIO(data)).active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"formula cell {cell.coordinate}: {cell.value!r}"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_TRIGGERS), f"live cell {cell.coordinate}: {cell.value!r}"
        rows.append([cell.value for cell in row])
    return rows


def neutralised(name: str) -> str:
    """How a name must appear in an export: with a leading quote if it starts with a trigger."""
    return "'" + name if name.startswith(FORMULA_TRIGGERS) else name
