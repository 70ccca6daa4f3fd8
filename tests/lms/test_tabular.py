"""lms.tabular: exports that never carry a formula."""

import io
import itertools
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lms.tabular import csv_rows, safe_cell, xlsx_sheet_write

# --- Writing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","Bấm")', '\'=HYPERLINK("http://x","Bấm")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Nguyễn Thị Hồng Nhung", "Nguyễn Thị Hồng Nhung"),
        ("09325", "09325"),
        ("", ""),
        (-5, -5),  # a negative number is a value, not text
        (Decimal("-1.50"), Decimal("-1.50")),
        (2.5, 2.5),
        (True, True),
        (None, None),
        (date(2026, 3, 5), date(2026, 3, 5)),
    ],
)
def test_safe_cell_neutralises_text_that_starts_a_formula_and_leaves_values(value, expected):
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


def test_safe_cell_turns_other_objects_into_neutralised_text():
    class Label:
        def __str__(self):
            return "=1+1"

    assert safe_cell(Label()) == "'=1+1"


def test_csv_rows_start_with_a_bom_and_stream_one_row_at_a_time():
    endless = ([number, "=cmd"] for number in itertools.count())
    lines = list(itertools.islice(csv_rows(["Số", "Tên"], endless), 4))  # never reads the whole source
    assert lines == ["\ufeff", "Số,Tên\r\n", "0,'=cmd\r\n", "1,'=cmd\r\n"]


def test_xlsx_cells_are_strings_never_formulas_and_codes_can_stay_text():
    handle = io.BytesIO()
    rows = [["=1+1", "#N/A", "\x01=2", "09325", -5, None], ["+84912345678", "Bình", "", "00100", 3.5, date(2026, 1, 2)]]
    count = xlsx_sheet_write(
        handle, title="Thử", header=["A", "B", "C", "Mã", "Số", "Ngày"], rows=rows, text_columns={3}
    )
    assert count == 2
    sheet = load_workbook(io.BytesIO(handle.getvalue())).active
    first, second = sheet.iter_rows(min_row=2, max_row=3)
    assert [cell.value for cell in first[:5]] == ["'=1+1", "#N/A", "'=2", "09325", -5]
    assert [cell.data_type for cell in first[:5]] == ["s", "s", "s", "s", "n"]  # "#N/A" is text, not an error
    assert second[0].value == "'+84912345678" and second[4].value == 3.5 and second[5].is_date
    assert first[3].number_format == second[3].number_format == "@" and second[3].value == "00100"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
