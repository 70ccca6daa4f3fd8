"""Names that print: one character policy at every input and in the certificate renderer.

A CJK name, a bidi override and control characters are refused at input (sign-up, profile, the
coordinators' import, the administrators' correction and Wagtail's user creation) with a Vietnamese
message; the renderer refuses names already stored that break the policy, with the reason on the
certificate; a 150-character name is printed whole, inside the border (pdftotext -bbox and the page image).
"""

import subprocess
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image, ImageChops
from reportlab.pdfbase.ttfonts import TTFont

from certificates import images, rendering
from certificates.models import Certificate, CertificateStatus
from coordination.importing import preview_rows
from lms.accounts.forms import ProfileForm
from lms.accounts.models import User
from lms.accounts.services import user_name_correct
from lms.accounts.validators import BIDI_CONTROLS, NAME_CHARACTERS, full_name_problem, learner_fields_clean
from lms.accounts.wagtail_users import LmsUserCreationForm
from lms.orgunits.services import coordinator_scope_grant
from tests.certificates.conftest import complete_course, pdffonts, pdftotext, tool
from tests.factories import UserFactory, make_course, make_province_tree

pytestmark = pytest.mark.django_db

CJK = "王小明"
BIDI = "Te\u202est"  # U+202E RIGHT-TO-LEFT OVERRIDE: would print "tseT"
LONG = "Ư" * 150
HIDDEN_MESSAGE = "Họ và tên chứa ký tự ẩn"
UNPRINTABLE_MESSAGE = "Họ và tên có ký tự không in được trên chứng chỉ"
REFUSED = [
    (CJK, UNPRINTABLE_MESSAGE),
    ("Nguyễn 王", UNPRINTABLE_MESSAGE),
    ("Иван Петров", UNPRINTABLE_MESSAGE),  # Cyrillic: Liberation draws it, Be Vietnam Pro does not
    ("\U0001f600 Lan", UNPRINTABLE_MESSAGE),
    ("<b>Lan</b>", UNPRINTABLE_MESSAGE),
    ("Lan\u00a0Anh", UNPRINTABLE_MESSAGE),  # a no-break space
    ("Ha\u0301\u0300", UNPRINTABLE_MESSAGE),  # two marks on one letter: no precomposed form
    *[(f"Lê{char}Văn", HIDDEN_MESSAGE) for char in sorted(BIDI_CONTROLS)],
    ("Lê\u200bVăn", HIDDEN_MESSAGE),  # zero-width space
    ("Lê\u200dVăn", HIDDEN_MESSAGE),  # zero-width joiner
    ("Lê\tVăn", HIDDEN_MESSAGE),
    ("Lê\x00Văn", HIDDEN_MESSAGE),
    ("Lê\x1bVăn", HIDDEN_MESSAGE),
    ("Lê\u2028Văn", HIDDEN_MESSAGE),
]
ACCEPTED = [
    "Nguyễn Thị Hồng Nhung",
    "Đặng Thị Ánh Tuyết",
    "ĐỖ THUỶ",
    "Lò Văn Pá",
    "Nguyen Van A",
    "H'Hen Niê",
    "José Müller-Łukasz",
    "Nguyễn Văn Học 2",
    LONG,
]


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(("name", "message"), REFUSED)
def test_the_policy_refuses_what_the_fonts_cannot_draw_and_hidden_characters(name, message):
    import unicodedata

    assert full_name_problem(unicodedata.normalize("NFC", name)).startswith(message)


@pytest.mark.parametrize("name", ACCEPTED)
def test_the_policy_accepts_vietnamese_and_latin_names(name):
    assert full_name_problem(name) is None


def test_every_character_the_policy_allows_is_drawn_by_every_certificate_font():
    """The validator and the renderer agree: nothing accepted at input can print blank."""
    for family, faces in rendering.FONT_FACES.items():
        for filename in faces.values():
            glyphs = set(TTFont(filename, str(rendering._font_path(filename))).face.charToGlyph)
            missing = [char for char in NAME_CHARACTERS if ord(char) not in glyphs]
            assert missing == [], (family, filename, missing)


def _signup(client, name, email):
    return client.post(
        "/accounts/signup/",
        {
            "full_name": name,
            "email": email,
            "password1": "Kh0ng-de-doan-2026",
            "password2": "Kh0ng-de-doan-2026",
            "consent": "on",
        },
    )


@pytest.mark.parametrize(("name", "message"), [(CJK, UNPRINTABLE_MESSAGE), (BIDI, HIDDEN_MESSAGE)])
def test_sign_up_refuses_the_name_with_a_vietnamese_message(client, name, message):
    response = _signup(client, name, "moi@example.vn")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="moi@example.vn").exists()
    assert mail.outbox == []
    assert _signup(client, "Lò Văn Pá", "moi@example.vn").status_code == 302
    assert User.objects.get(email="moi@example.vn").full_name == "Lò Văn Pá"


@pytest.mark.parametrize(("name", "message"), [(CJK, UNPRINTABLE_MESSAGE), (BIDI, HIDDEN_MESSAGE)])
def test_the_profile_refuses_the_name(client, learner, name, message):
    client.force_login(learner)
    before = learner.full_name
    form = ProfileForm(data={"full_name": name, "language": "vi"}, instance=learner)
    assert not form.is_valid()
    assert form.errors["full_name"][0].startswith(message)
    assert User.objects.get(pk=learner.pk).full_name == before


@pytest.mark.parametrize(("name", "message"), [(CJK, UNPRINTABLE_MESSAGE), (BIDI, HIDDEN_MESSAGE)])
def test_the_import_reports_the_row(admin_user, name, message):
    _values, problems = learner_fields_clean(full_name=name, email="a@example.vn", phone="")
    assert len(problems) == 1 and problems[0].startswith(f"họ và tên: {message}"), problems
    units = make_province_tree()
    coordinator = UserFactory()
    coordinator_scope_grant(actor=admin_user, user=coordinator, unit=units["commune_a"])
    header = ["Họ và tên", "Email", "Mã đơn vị"]
    outcomes = preview_rows(actor=coordinator, table=[header, [name, "a@example.vn", units["commune_a"].code]])
    assert [outcome.outcome for outcome in outcomes] == ["error"]
    assert message in outcomes[0].message


@pytest.mark.parametrize(("name", "message"), [(CJK, UNPRINTABLE_MESSAGE), (BIDI, HIDDEN_MESSAGE)])
def test_the_administrators_correction_refuses_the_name(client, admin_user, name, message):
    person = UserFactory(full_name="Lê Văn Tám")
    with pytest.raises(ValidationError) as raised:
        user_name_correct(actor=admin_user, user=person, full_name=name, reason="Theo đề nghị")
    assert raised.value.message_dict["full_name"][0].startswith(message)
    client.force_login(admin_user)
    response = client.post(f"/admin/people/{person.pk}/name/", {"full_name": name, "reason": "Theo đề nghị"})
    assert message in response.content.decode()
    assert User.objects.get(pk=person.pk).full_name == "Lê Văn Tám"


@pytest.mark.parametrize(("name", "message"), [(CJK, UNPRINTABLE_MESSAGE), (BIDI, HIDDEN_MESSAGE)])
def test_wagtails_user_creation_refuses_the_name(name, message):
    form = LmsUserCreationForm(data={"email": "moi@example.vn", "full_name": name})
    assert not form.is_valid()
    assert form.errors["full_name"][0].startswith(message)


# --- The renderer ---------------------------------------------------------------------------------


def _content(layout="classic", **overrides):
    values = {
        "full_name": "Nguyễn Thị Hồng Nhung",
        "title": "Chữ ký số và giao dịch điện tử",
        "code_display": "7K3M-Q9ZA-H2PD",
        "verify_url": "http://127.0.0.1:8000/verify/7K3M-Q9ZA-H2PD/",
        "issued_on": date(2026, 2, 5),
        "completed_on": date(2026, 2, 4),
        "body": "Đã hoàn thành khoá học “{khoa_hoc}” {ngay_hoan_thanh}.",
        "layout": layout,
        "background": images.default_background(layout),
    }
    values.update(overrides)
    return rendering.CertificateContent(**values)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (CJK, UNPRINTABLE_MESSAGE),
        (BIDI, HIDDEN_MESSAGE),
        ("Lê\x07Văn", HIDDEN_MESSAGE),
        ("lan@example.vn", "chưa có họ và tên"),
    ],
)
def test_the_renderer_refuses_a_stored_name_that_breaks_the_policy(name, reason):
    with pytest.raises(rendering.RenderError) as raised:
        rendering.certificate_pdf(_content(full_name=name))
    assert reason in str(raised.value)


def test_text_the_fonts_cannot_draw_anywhere_fails_with_the_characters_named():
    with pytest.raises(rendering.RenderError) as raised:
        rendering.certificate_pdf(_content(title="Khoá học 中文"))
    assert "không vẽ được ký tự" in str(raised.value) and "U+4E2D" in str(raised.value)


def test_xhtml2pdfs_missing_glyph_warning_fails_the_render():
    """The last guard, for any PDF of ours: a character no embedded font draws is an error, not a blank."""
    with pytest.raises(rendering.RenderError) as raised:
        rendering.pdf_from_html(
            '<html><head><style>@font-face { font-family: certserif; src: url("font:LiberationSerif-Regular.ttf"); }'
            "p { font-family: certserif; }</style></head><body><p>Tên: 王</p></body></html>"
        )
    assert "không vẽ được" in str(raised.value) and "王" in str(raised.value)
    with pytest.raises(rendering.RenderError) as raised:  # a family nobody embedded: Helvetica, not embedded
        rendering.pdf_from_html('<html><body><p style="font-family: khongco">Tên</p></body></html>')
    assert "không nhúng" in str(raised.value)


def test_a_learner_whose_stored_name_does_not_print_gets_a_failed_certificate_with_the_reason(issuer_key):
    learner = UserFactory(full_name="Nguyễn Văn Hùng")
    User.objects.filter(pk=learner.pk).update(full_name=CJK)  # stored before the policy existed
    learner.refresh_from_db()
    course = make_course("Chữ ký số", modules=1, lessons_per_module=1)
    enrollment = complete_course(learner, course)
    from certificates.tasks import certificate_render

    certificate = Certificate.objects.get(enrollment=enrollment)
    certificate_render.apply(args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.FAILED
    assert UNPRINTABLE_MESSAGE in certificate.last_error and "王" in certificate.last_error
    assert not certificate.pdf


def _words(path):
    """pdftotext -bbox: (word, xMin, yMin, xMax, yMax) in points."""
    import re

    html = subprocess.run([tool("pdftotext"), "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    return [
        (word, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html.stdout
        )
    ]


def _page_image(path, prefix):
    subprocess.run([tool("pdftoppm"), "-r", "50", "-png", "-singlefile", str(path), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("RGB")


@pytest.mark.parametrize("layout", ["classic", "modern"])
@pytest.mark.parametrize("name", [LONG, "W" * 150, ("Đặng Thị Ánh Tuyết " * 8).strip()[:150]])
def test_a_150_character_name_is_printed_whole_inside_the_border(layout, name, tmp_path):
    long_pdf, short_pdf = tmp_path / "long.pdf", tmp_path / "short.pdf"
    long_pdf.write_bytes(rendering.certificate_pdf(_content(layout, full_name=name)))
    short_pdf.write_bytes(rendering.certificate_pdf(_content(layout, full_name="Lê Văn")))
    assert "".join(pdftotext(long_pdf).split()).count("".join(name.split())) == 1  # every character, once
    assert all(row["emb"] == "yes" for row in pdffonts(long_pdf))
    info = subprocess.run([tool("pdfinfo"), str(long_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info  # nothing pushed onto a second page
    # The innermost frame of the default background, in points (the background is 1754 px wide).
    page_width, page_height = 841.89, 595.28
    border = 75 / images.PAGE_PIXELS[0] * page_width
    name_words = [w for w in _words(long_pdf) if set(w[0]) <= set(name)]
    assert name_words
    for _word, x0, y0, x1, y1 in name_words:
        assert border < x0 and x1 < page_width - border and border < y0 and y1 < page_height - border
    # The page image: whatever the long name changed lies inside the border.
    difference = ImageChops.difference(
        _page_image(long_pdf, tmp_path / "long"), _page_image(short_pdf, tmp_path / "short")
    )
    left, top, right, bottom = difference.point(lambda v: 255 if v > 40 else 0).getbbox()
    width, height = difference.size
    inner = 75 / images.PAGE_PIXELS[0] * width
    assert inner < left and right < width - inner and inner < top and bottom < height - inner


def test_administrators_can_list_stored_names_that_do_not_print(admin_user):
    import io

    from django.core.management import call_command

    fine = UserFactory(full_name="Lò Văn Pá")
    broken = UserFactory(full_name="Nguyễn Văn Hùng")
    User.objects.filter(pk=broken.pk).update(full_name=BIDI)
    out, err = io.StringIO(), io.StringIO()
    call_command("accounts_unprintable_names", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{broken.pk}\t{broken.email}")
    assert HIDDEN_MESSAGE in lines[0] and f"/admin/people/{broken.pk}/name/" in lines[0]
    assert fine.email not in out.getvalue() and err.getvalue().strip() == "1"
