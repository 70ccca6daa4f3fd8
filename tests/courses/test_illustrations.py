"""The demo lessons' diagrams stay readable on a phone (issue 13: 7 px labels at 360 px)."""

import io

from PIL import Image

from courses import illustrations

PHONE_CONTENT_WIDTH = 328  # a 360 px screen less the page's margins


def test_labels_stay_readable_when_the_diagram_fits_a_phone():
    png = illustrations.flow_diagram_png(
        title="Bố cục một văn bản hành chính từ trên xuống",
        labels=["Tên cơ quan – Quốc hiệu, Tiêu ngữ", "Số, ký hiệu", "Tên loại và trích yếu", "Nội dung", "Nơi nhận"],
    )
    image = Image.open(io.BytesIO(png))
    assert image.width == illustrations.WIDTH
    scale = PHONE_CONTENT_WIDTH / image.width
    assert illustrations.LABEL_SIZE * scale >= 14  # CSS pixels on the phone
    assert len(png) < 40_000  # a palette PNG: the lesson page stays light
