"""The PDF itself: exact Vietnamese text, embedded fonts only, QR code, PAdES signature."""

import sys
from datetime import date

import pytest

from certificates import rendering
from certificates.selectors import verify_url

from .conftest import COURSE, NAME, pdf_bytes, pdffonts, pdfsig_validation, pdftotext, pyhanko_status, qr_decode

pytestmark = pytest.mark.django_db


def test_decree30_dates():
    assert rendering.decree30_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert rendering.decree30_date(date(2026, 1, 31)) == "ngày 31 tháng 01 năm 2026"
    assert rendering.decree30_date(date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert rendering.decree30_date(date(2025, 11, 20)) == "ngày 20 tháng 11 năm 2025"


def test_issued_pdf_text_fonts_qr_and_signature(issued, tmp_path):
    data = pdf_bytes(issued)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    text = pdftotext(path)
    assert NAME in text and COURSE in text
    assert issued.code_display in text
    assert "ngày" in text and "tháng" in text
    # What people read says it is digitally signed; the signature format's name is for validators.
    assert "Tài liệu được ký số." in text and "PAdES" not in text
    fonts = pdffonts(path)
    assert fonts and all(row["emb"] == "yes" for row in fonts), fonts
    assert not any("Helvetica" in row["name"] for row in fonts)
    assert qr_decode(path, tmp_path) == verify_url(issued.code)
    signature, status = pyhanko_status(data)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert status.intact and status.valid, status.pretty_print_details()
    assert pdfsig_validation(path) == "Signature is Valid."
    assert issued.pdf_sha256 and issued.issuer_key.fingerprint == issued.issuer_key.fingerprint.lower()


def test_one_changed_byte_invalidates_both_validators(issued, tmp_path):
    data = bytearray(pdf_bytes(issued))
    signature, _status = pyhanko_status(bytes(data))
    start, length = signature.byte_range[0], signature.byte_range[1]
    position = start + length // 2  # inside the signed content, outside the signature
    data[position] = (data[position] + 1) % 256
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(data))
    _signature, status = pyhanko_status(bytes(data))
    assert not status.intact
    assert pdfsig_validation(path) != "Signature is Valid."


def _content(**overrides):
    values = {
        "full_name": NAME,
        "title": COURSE,
        "code_display": "7K3M-Q9ZA-H2PD",
        "verify_url": "http://127.0.0.1:8000/verify/7K3M-Q9ZA-H2PD/",
        "issued_on": date(2026, 2, 5),
        "completed_on": date(2026, 2, 4),
        "body": "Đã hoàn thành khoá học “{khoa_hoc}” {ngay_hoan_thanh}.",
    }
    values.update(overrides)
    return rendering.CertificateContent(**values)


class _Watch:
    """Record file opens and socket connections while active (sys.addaudithook cannot be removed)."""

    active = False
    opened: list = []
    connected: list = []

    @classmethod
    def hook(cls, event, args):
        if not cls.active:
            return
        if event == "open" and args and isinstance(args[0], str | bytes):
            cls.opened.append(str(args[0]))
        elif event in ("socket.connect", "socket.getaddrinfo"):
            cls.connected.append((event, args))


sys.addaudithook(_Watch.hook)

HOSTILE_NAMES = [
    '<img src="http://127.0.0.1:9/x">',
    '<a href="file:///etc/passwd">x</a><link rel="stylesheet" href="http://169.254.169.254/">',
    "{ho_ten} & </p><h1>Giả</h1> \u0301" + "Đặng Thị Ánh Tuyết " * 25,  # ≈ 500 characters
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_text_prints_literally_without_fetching(name, tmp_path, settings):
    """Course titles and unit names may hold anything; a name like this is refused (tests/security)."""
    from django.template.loader import get_template

    rendering.fonts_register()
    get_template("certificates/pdf/certificate.html")  # loaded before watching: a template read is ours
    with pytest.raises(rendering.RenderError):
        rendering.certificate_pdf(_content(full_name=name))
    content = _content(unit=name, title=name)
    _Watch.opened, _Watch.connected = [], []
    _Watch.active = True
    try:
        pdf = rendering.certificate_pdf(content)
    finally:
        _Watch.active = False
    assert _Watch.connected == []
    allowed = [str(directory) for directory in rendering.FONT_DIRS]
    outside = [path for path in _Watch.opened if not any(path.startswith(root) for root in allowed)]
    assert outside == [], outside
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf)
    text = " ".join(pdftotext(path).split())
    expected = " ".join(rendering.normalize_nfc(name).split())
    if len(expected) < 120:
        assert expected in text
    else:  # a long name wraps; every word is printed
        assert all(word in text for word in expected.split()[:40])
    assert all(row["emb"] == "yes" for row in pdffonts(path))


def test_nfd_input_is_printed_as_nfc(tmp_path):
    import unicodedata

    pdf = rendering.certificate_pdf(_content(full_name=unicodedata.normalize("NFD", NAME)))
    path = tmp_path / "nfd.pdf"
    path.write_bytes(pdf)
    assert NAME in pdftotext(path)


def test_body_placeholders_are_filled_and_escaped():
    html = rendering.body_html("Ông/Bà {ho_ten} — {khoa_hoc} {khong_co}", {"ho_ten": "<b>x</b>", "khoa_hoc": "A & B"})
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "A &amp; B" in html and "{khong_co}" in html
