"""Spreadsheets in and out: one safe writer for every export, one bounded reader for every upload.

Writing (``lms.tabular.writing``): every cell goes through ``safe_cell``, so text a person typed —
a name, a unit, a course title — never reaches a coordinator's Excel as a formula.

Reading (``lms.tabular.reading``): CSV and XLSX uploads are read within ``TableLimits``
(``settings.UPLOAD_MAX_*``) and refused with a ``TableError`` carrying a Vietnamese message as soon
as a limit is passed; an XLSX is checked part by part (``lms.tabular.xlsx_guard``) before openpyxl
parses anything.
"""

from .reading import TableError, TableLimits, table_read
from .writing import csv_rows, safe_cell, xlsx_sheet_write

__all__ = ["TableError", "TableLimits", "csv_rows", "safe_cell", "table_read", "xlsx_sheet_write"]
