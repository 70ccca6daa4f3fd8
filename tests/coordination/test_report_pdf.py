"""The printable report: Decree 30 layout, Vietnamese text extractable, every font embedded."""

import shutil
import subprocess

import pytest

from tests.fixtures.jobs import export, job_file
from tests.services import require

pytestmark = pytest.mark.django_db


def test_report_pdf_is_a_decree_30_report_with_embedded_fonts(client, world, tmp_path):
    require(shutil.which("pdftotext") is not None, "poppler-utils is not installed")
    client.force_login(world["ca"])
    job = export(client, "report_pdf")
    assert job.content_type == "application/pdf" and job.file_name.endswith(".pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(job_file(job))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Số:",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert "XÃ TIÊN DU" in text and "ngày" in text and "tháng" in text and "năm" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
