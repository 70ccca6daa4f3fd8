"""Spreadsheets in and out.

Writing (``lms.tabular.writing``): every cell goes through ``safe_cell``, so text a person typed —
a name, a unit, a course title — never reaches a coordinator's Excel as a formula.
"""

from .writing import csv_rows, safe_cell, xlsx_sheet_write

__all__ = ["csv_rows", "safe_cell", "xlsx_sheet_write"]
