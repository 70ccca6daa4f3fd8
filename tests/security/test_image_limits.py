"""The pixel bomb: a small PNG declaring 10,000 × 10,000 px is refused at upload, at once, with a
Vietnamese message, and Pillow refuses to decode such an image anywhere else."""

import io
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Collection

pytestmark = pytest.mark.django_db


def root_collection():
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def _png(width, height) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")  # one bit per pixel, all black: compresses to KB
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = _png(10_000, 10_000)
    assert len(data) < 100_000
    return data


def test_limits_are_far_below_pillows_default():
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS <= 25_000_000 < 89_478_485
    assert Image.MAX_IMAGE_PIXELS == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE <= 10 * 1024 * 1024


def test_the_pixel_bomb_is_refused_quickly_with_a_vietnamese_message(client, admin_user, bomb):
    client.force_login(admin_user)
    started = time.monotonic()
    response = client.post(
        "/admin/images/add/",
        {
            "title": "Bom điểm ảnh",
            "collection": root_collection().pk,
            "file": SimpleUploadedFile("bom.png", bomb, content_type="image/png"),
        },
    )
    elapsed = time.monotonic() - started
    body = response.content.decode()
    assert response.status_code == 200
    # Pillow itself stops at the header (twice the limit): Wagtail then says "(không xác định)".
    assert "Tệp này có quá nhiều điểm ảnh" in body and "Số điểm ảnh tối đa là 25000000" in body
    assert elapsed < 3, elapsed
    assert not get_image_model().objects.filter(title="Bom điểm ảnh").exists()


def test_a_normal_photo_is_accepted(client, admin_user):
    client.force_login(admin_user)
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (10, 92, 171)).save(out, format="JPEG")
    response = client.post(
        "/admin/images/add/",
        {
            "title": "Ảnh thường",
            "collection": root_collection().pk,
            "file": SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="Ảnh thường", width=1200, height=800).exists()


def test_pillow_refuses_to_decode_the_bomb_anywhere(bomb):
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb))  # refused from the header, before any pixel is decoded


def test_an_oversized_upload_is_refused(client, admin_user, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 50_000
    client.force_login(admin_user)
    out = io.BytesIO()
    Image.effect_noise((400, 400), 100).convert("RGB").save(out, format="PNG")
    assert len(out.getvalue()) > 50_000
    response = client.post(
        "/admin/images/add/",
        {
            "title": "Ảnh quá nặng",
            "collection": root_collection().pk,
            "file": SimpleUploadedFile("nang.png", out.getvalue(), content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert not get_image_model().objects.filter(title="Ảnh quá nặng").exists()
