"""Hostile names for exports and hostile files for uploads, and the checks that they came to no harm.

Names: what a learner (or an editor) can type that a spreadsheet would run as a formula. Files: each
builder returns the bytes of a small file that expands (or would expand) into something huge; the
XLSX ones are written part by part with ``zipfile`` so they can say what openpyxl never would.
"""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import Workbook, load_workbook

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


HEADER = ["Họ và tên", "Email", "Mã đơn vị", "Nhóm", "Chức vụ", "Điện thoại"]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>
</Types>"""
_ROOT_RELS = f"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = f"""<workbook xmlns="{MAIN_NS}" xmlns:r="{_REL}">
<sheets><sheet name="Học viên" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = f"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/></Relationships>"""
_STYLES = f"""<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""


def xlsx_from_parts(
    *,
    sheet_data: bytes,
    dimension: str | None = None,
    strings: list[str] = (),
    styles: bytes | None = None,
    prolog: bytes = b'<?xml version="1.0" encoding="UTF-8"?>',
) -> bytes:
    """A one-sheet XLSX whose ``<sheetData>`` content (rows), declared dimension, shared strings,
    styles and the sheet's XML prolog are given as they should appear in the XML."""
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        prolog
        + f'<worksheet xmlns="{MAIN_NS}">{dimension_xml}<sheetData>'.encode()
        + sheet_data
        + b"</sheetData></worksheet>"
    )
    shared = f'<sst xmlns="{MAIN_NS}">'.encode()
    shared += b"".join(f"<si><t>{text}</t></si>".encode() for text in strings) + b"</sst>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", styles or _STYLES.encode())
        archive.writestr("xl/sharedStrings.xml", shared)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def inline_row(number: int, values: list[str]) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def learner_rows(count: int, *, first: int = 2) -> bytes:
    """``count`` learner rows as sheet XML, numbered from ``first``."""
    return b"".join(
        inline_row(number, [f"Nguyễn Văn {number}", f"hv{number}@example.vn", "09325", "", "", ""])
        for number in range(first, first + count)
    )


def dimension_bomb() -> bytes:
    """The reviewed file: a sheet that declares A1:ZZ20000 (14 million cells) and holds a few real
    ones — a header, two learners and the far corner, ZZ20000."""
    corner = b'<row r="20000"><c r="ZZ20000" t="inlineStr"><is><t>x</t></is></c></row>'
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER) + learner_rows(2) + corner, dimension="A1:ZZ20000")


def dimension_lie() -> bytes:
    """A sheet that declares A1:ZZ20000 but holds only a header and two learners."""
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER) + learner_rows(2), dimension="A1:ZZ20000")


def long_cell_xlsx(length: int = 10_000_000, *, shared: bool = False) -> bytes:
    """One cell of ``length`` characters: inline (as openpyxl writes) or in the shared strings (as Excel does)."""
    if shared:
        row = b'<row r="2"><c t="s"><v>0</v></c></row>'
        return xlsx_from_parts(sheet_data=inline_row(1, HEADER) + row, strings=["x" * length])
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER) + inline_row(2, ["x" * length]))


def long_shared_cell_xlsx() -> bytes:
    return long_cell_xlsx(shared=True)


def long_cell_csv(length: int = 10_000_000) -> bytes:
    return ",".join(HEADER).encode() + b"\n" + b"x" * length + b",a@example.vn,09325\n"


def many_rows_csv(count: int = 200_000) -> bytes:
    """``count`` short rows: small enough (≈ 3 MB) to pass the size limit, so the row limit refuses it."""
    lines = [",".join(HEADER)] + [f"{n},a{n}@x.vn" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def many_rows_xlsx(count: int = 200_000) -> bytes:
    """A real openpyxl (write-only) file of ``count`` learner rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Học viên")
    sheet.append(HEADER)
    for number in range(count):
        sheet.append([f"Nguyễn Văn {number}", f"hv{number}@example.vn"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def wide_row_xlsx(cells: int = 2_000_000) -> bytes:
    """One row of ``cells`` empty formatted cells and no declared dimension."""
    return xlsx_from_parts(sheet_data=b'<row r="1">' + b'<c s="0"/>' * cells + b"</row>")


def repeated_row_xlsx(rows: int = 2_000_000) -> bytes:
    """The same row number again and again: openpyxl would read them all without yielding one."""
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER) + b'<row r="1"/>' * rows)


def far_row_xlsx() -> bytes:
    """A second row numbered beyond Excel's last: openpyxl would yield every empty row in between."""
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER) + inline_row(10**12, ["x"]))


def shared_strings_bomb(count: int = 3_000_000) -> bytes:
    """Millions of tiny shared strings: openpyxl loads every one when the workbook opens."""
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER), strings=["a"] * count)


def styles_bomb(count: int = 2_000_000) -> bytes:
    """A style sheet of millions of cell formats: openpyxl parses it whole when the workbook opens."""
    styles = f'<styleSheet xmlns="{MAIN_NS}"><cellXfs>'.encode() + b"<xf/>" * count + b"</cellXfs></styleSheet>"
    return xlsx_from_parts(sheet_data=inline_row(1, HEADER), styles=styles)


def entity_bomb() -> bytes:
    """ "Billion laughs": nine levels of ten entity references in the sheet's DTD."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    prolog = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode()
    return xlsx_from_parts(sheet_data=b'<row r="1"><c t="inlineStr"><is><t>&lol9;</t></is></c></row>', prolog=prolog)


def oversize_csv(size: int = 6 * 1024 * 1024) -> bytes:
    """A well-formed CSV of ``size`` bytes or a little more (the default is past the 5 MB limit)."""
    line = "Nguyễn Văn An,an@example.vn,09325,,,\n".encode()
    return ",".join(HEADER).encode() + b"\n" + line * (size // len(line) + 1)


# Every hostile upload, by file name, with the part of its refusal message a person must see
# (the default limits: 5 MB, 20,000 rows, 30 columns, 1,000 characters).
_BROKEN = "tệp bị hỏng hoặc không phải bảng tính Excel"
_UNSAFE = "Không đọc được tệp XLSX này một cách an toàn"
_ROWS = "Tệp có hơn 20.000 dòng dữ liệu (dòng 20.002 vượt giới hạn)"
HOSTILE_UPLOADS = {
    "dimension-bomb.xlsx": (dimension_bomb, "Dòng 20.000 có hơn 30 cột."),
    "long-cell.xlsx": (long_cell_xlsx, "Dòng 2, cột A: ô dài hơn 1.000 ký tự."),
    "long-shared-cell.xlsx": (long_shared_cell_xlsx, "Tệp có ô dài hơn 1.000 ký tự."),
    "long-cell.csv": (long_cell_csv, "Tệp lớn hơn 5,0\xa0MB"),
    "long-cell-2mb.csv": (lambda: long_cell_csv(2_000_000), "Dòng 2: không đọc được dòng CSV này (ô quá dài"),
    "many-rows.csv": (many_rows_csv, _ROWS),
    "many-rows.xlsx": (many_rows_xlsx, _ROWS),
    "wide-row.xlsx": (wide_row_xlsx, _UNSAFE),
    "repeated-row.xlsx": (repeated_row_xlsx, _BROKEN),
    "far-row.xlsx": (far_row_xlsx, _BROKEN),
    "shared-strings.xlsx": (shared_strings_bomb, _UNSAFE),
    "styles.xlsx": (styles_bomb, _UNSAFE),
    "entities.xlsx": (entity_bomb, _BROKEN),
    "oversize.csv": (oversize_csv, "Tệp lớn hơn 5,0\xa0MB"),
}
