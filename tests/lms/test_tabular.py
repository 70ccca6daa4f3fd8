"""lms.tabular: exports that never carry a formula, uploads read within bounds (time and memory)."""

import csv
import io
import itertools
import json
import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from lms.tabular import TableError, TableLimits, csv_rows, safe_cell, table_read, xlsx_sheet_write
from tests.lms import hostile_tables as hostile

SMALL = TableLimits(max_bytes=100_000, max_rows=10, max_columns=5, max_cell_chars=50)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


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


# --- Reading: what comes back -----------------------------------------------------------------


def test_csv_with_bom_and_semicolons_keeps_row_numbers_and_drops_trailing_blanks():
    data = "\ufeffHọ và tên;Email;Mã\nAn;an@x.vn;09325;;\n\n;;\nBình;binh@x.vn;00100\n\n\n".encode()
    table = table_read(filename="HOC-VIEN.CSV", data_or_file=data, limits=SMALL)
    assert table == [["Họ và tên", "Email", "Mã"], ["An", "an@x.vn", "09325"], [], [], ["Bình", "binh@x.vn", "00100"]]


def test_csv_with_commas_and_quoted_cells():
    data = 'full_name,email\n"Lê, Văn ""Tám""",tam@x.vn\r\n'.encode()
    assert table_read(filename="a.csv", data_or_file=data, limits=SMALL)[1] == ['Lê, Văn "Tám"', "tam@x.vn"]


def test_xlsx_values_come_back_as_text():
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ và tên", "Điện thoại", "Ngày", "Tỷ lệ", None, None])
    sheet.append(["An", 912345678, datetime(2026, 3, 5), 0.5])
    sheet.append([])
    sheet.append(["Bình", 912000000.0, date(2026, 12, 31), "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = table_read(filename="a.xlsx", data_or_file=buffer.getvalue(), limits=SMALL)
    assert table == [
        ["Họ và tên", "Điện thoại", "Ngày", "Tỷ lệ"],
        ["An", "912345678", "05/03/2026", "0.5"],
        [],
        ["Bình", "912000000", "31/12/2026"],  # a formula without a cached value reads as empty
    ]


def test_a_declared_dimension_is_ignored_and_only_real_cells_are_read():
    table = table_read(filename="a.xlsx", data_or_file=hostile.dimension_lie(), limits=TableLimits(10**6, 20, 30, 100))
    assert table == [
        hostile.HEADER,
        ["Nguyễn Văn 2", "hv2@example.vn", "09325"],
        ["Nguyễn Văn 3", "hv3@example.vn", "09325"],
    ]


def test_an_open_file_is_read_no_further_than_the_limit():
    class Upload(io.BytesIO):
        reads: list[int] = []

        def read(self, size=-1):
            self.reads.append(size)
            return super().read(size)

    upload = Upload(b"a,b\n" * 30_000)
    with pytest.raises(TableError, match="Tệp lớn hơn 97,7\xa0KB"):
        table_read(filename="a.csv", data_or_file=upload, limits=SMALL)
    assert upload.reads == [SMALL.max_bytes + 1]


def test_an_upload_declaring_a_size_past_the_limit_is_not_read():
    class Upload(io.BytesIO):
        size = 10**9

        def read(self, size=-1):
            raise AssertionError("read")

    with pytest.raises(TableError, match="Tệp lớn hơn"):
        table_read(filename="a.xlsx", data_or_file=Upload(), limits=SMALL)


def test_limits_come_from_settings(settings):
    settings.UPLOAD_MAX_ROWS = 1
    with pytest.raises(TableError, match="Tệp có hơn 1 dòng dữ liệu"):
        table_read(filename="a.csv", data_or_file=b"h\n1\n2\n")


# --- Reading: refusals ------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encode", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_rows_columns_and_cells_past_the_limits_are_refused_with_their_row(encode):
    name = "a.csv" if encode is _csv else "a.xlsx"
    header = [["h"]]
    assert len(table_read(filename=name, data_or_file=encode(header + [["x"]] * 10), limits=SMALL)) == 11
    with pytest.raises(TableError, match=r"^Tệp có hơn 10 dòng dữ liệu \(dòng 12 vượt giới hạn\)") as error:
        table_read(filename=name, data_or_file=encode(header + [["x"]] * 11), limits=SMALL)
    assert error.value.row == 12
    with pytest.raises(TableError, match=r"^Dòng 3 có hơn 5 cột\.$"):
        table_read(filename=name, data_or_file=encode(header + [["x"]] + [list("abcdef")]), limits=SMALL)
    with pytest.raises(TableError, match=r"^Dòng 2, cột B: ô dài hơn 50 ký tự\.$"):
        table_read(filename=name, data_or_file=encode(header + [["x", "y" * 51]]), limits=SMALL)
    cells = encode(header + [["a", "b", "c", "d", "e", "", "", ""], ["y" * 50]])  # empty cells at the end are fine
    assert table_read(filename=name, data_or_file=cells, limits=SMALL)[1:] == [["a", "b", "c", "d", "e"], ["y" * 50]]


def test_xlsx_data_far_to_the_right_or_below_is_refused_not_dropped():
    far_right = hostile.inline_row(1, ["h"]) + b'<row r="2"><c r="AZ2" t="inlineStr"><is><t>x</t></is></c></row>'
    with pytest.raises(TableError, match=r"^Dòng 2 có hơn 5 cột\.$"):
        table_read(filename="a.xlsx", data_or_file=hostile.xlsx_from_parts(sheet_data=far_right), limits=SMALL)
    far_below = hostile.inline_row(1, ["h"]) + hostile.inline_row(500, ["x"])
    with pytest.raises(TableError, match=r"\(dòng 500 vượt giới hạn\)"):
        table_read(filename="a.xlsx", data_or_file=hostile.xlsx_from_parts(sheet_data=far_below), limits=SMALL)
    empty_below = hostile.inline_row(1, ["h"]) + b'<row r="500"><c r="A500" s="0"/></row>'  # formatted, empty
    assert table_read(filename="a.xlsx", data_or_file=hostile.xlsx_from_parts(sheet_data=empty_below), limits=SMALL)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("a.xls", b"\xd0\xcf\x11\xe0", "Chỉ nhận tệp CSV (UTF-8) hoặc XLSX."),
        ("a.txt", b"a,b", "Chỉ nhận tệp CSV (UTF-8) hoặc XLSX."),
        ("a.csv", "h\nNguyễn\n".encode("utf-16"), "Tệp CSV phải được lưu dạng UTF-8: dòng 1"),
        ("a.csv", b"h\nok\nNguy\xe1n\n", "Tệp CSV phải được lưu dạng UTF-8: dòng 3"),
        ("a.csv", b"h\nok\nx\x00y\n", "Dòng 3: không đọc được dòng CSV này"),
        ("a.csv", b'h\n"Nguy\xe1\xbb\x85n,an@x.vn\nB,b@x.vn\n', "Dòng 2: không đọc được dòng CSV này"),
        ("a.csv", b'h\n"An"x,an@x.vn\n', "Dòng 2: không đọc được dòng CSV này"),
        ("a.xlsx", b"not a zip at all", "Không đọc được tệp XLSX: tệp bị hỏng"),
        ("a.xlsx", b"a,b\n1,2\n", "Không đọc được tệp XLSX: tệp bị hỏng"),
        ("a.csv", b"h\n" + b"x" * 100_000, "Tệp lớn hơn 97,7\xa0KB"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(filename, data, message):
    with pytest.raises(TableError) as error:
        table_read(filename=filename, data_or_file=data, limits=SMALL)
    assert str(error.value).startswith(message)


def test_messages_follow_the_language():
    with translation.override("en"), pytest.raises(TableError, match="more than 10 data rows"):
        table_read(filename="a.csv", data_or_file=b"h\n" + b"x\n" * 11, limits=SMALL)


def test_an_xlsx_with_images_and_printer_settings_is_read():
    import zipfile

    source = io.BytesIO(_xlsx([["Họ và tên"], ["An"]]))
    target = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w") as copy:
        for info in archive.infolist():
            copy.writestr(info, archive.read(info))
        copy.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
        copy.writestr("xl/media/image2.jpeg", b"\xff\xd8\xff\xe0" + os.urandom(2000))
        copy.writestr("xl/printerSettings/printerSettings1.bin", "Lexmark MS610\x00".encode("utf-16-le") * 50)
    assert table_read(filename="a.xlsx", data_or_file=target.getvalue(), limits=SMALL) == [["Họ và tên"], ["An"]]


def test_a_part_in_another_encoding_is_checked_too():
    import zipfile

    source = io.BytesIO(hostile.styles_bomb(count=300_000))
    target = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            data = archive.read(info)
            copy.writestr(info.filename, data.decode().encode("utf-16") if info.filename == "xl/styles.xml" else data)
    with pytest.raises(TableError, match="một cách an toàn"):
        table_read(filename="a.xlsx", data_or_file=target.getvalue(), limits=TableLimits(10**6, 20, 30, 100))
    ebcdic = hostile.xlsx_from_parts(sheet_data=b"", styles=b"\x4c\x6f\xa7\x94" + b"\x40" * 100)
    with pytest.raises(TableError, match="tệp bị hỏng"):
        table_read(filename="a.xlsx", data_or_file=ebcdic, limits=SMALL)


# --- Hostile uploads: refused fast, in bounded memory ---------------------------------------

_READ_IN_A_FRESH_PROCESS = """
import json, sys, time
import django
django.setup()
from lms.tabular import TableError, table_read


def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(field))


path = sys.argv[1]
before = status("VmRSS:")
start = time.perf_counter()
try:
    with open(path, "rb") as upload:
        outcome = {"rows": len(table_read(filename=path, data_or_file=upload))}
except TableError as error:
    outcome = {"refused": str(error)}
seconds = time.perf_counter() - start
print(json.dumps({**outcome, "seconds": seconds, "rss_before_kb": before, "peak_kb": status("VmHWM:")}))
"""


def read_in_a_fresh_process(path: Path) -> dict:
    """``table_read`` on ``path`` with the default limits in a new Python: outcome, time, peak RSS."""
    result = subprocess.run(
        [sys.executable, "-c", _READ_IN_A_FRESH_PROCESS, str(path)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("filename", list(hostile.HOSTILE_UPLOADS))
def test_hostile_upload_is_refused_within_seconds_and_300_mb(tmp_path, filename):
    build, message = hostile.HOSTILE_UPLOADS[filename]
    path = tmp_path / filename
    path.write_bytes(build())
    measured = read_in_a_fresh_process(path)
    print(
        f"{filename}: {path.stat().st_size:,} bytes, {measured['seconds']:.2f} s, "
        f"peak RSS {measured['peak_kb'] // 1024} MB (from {measured['rss_before_kb'] // 1024} MB)"
    )
    assert message in measured.get("refused", ""), measured
    assert measured["seconds"] < 5
    assert measured["peak_kb"] < 300 * 1024


def test_a_full_20000_row_learner_list_is_read(tmp_path):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Học viên")
    sheet.append(hostile.HEADER)
    for number in range(20_000):
        sheet.append([f"Nguyễn Thị Hồng Nhung {number}", f"hv{number}@example.vn", "09325", "Công chức", "", "0912"])
    path = tmp_path / "hoc-vien.xlsx"
    book.save(path)
    measured = read_in_a_fresh_process(path)
    print(f"20,000 learners: {measured['seconds']:.2f} s, peak RSS {measured['peak_kb'] // 1024} MB")
    assert measured.get("rows") == 20_001, measured
    assert measured["peak_kb"] < 300 * 1024
