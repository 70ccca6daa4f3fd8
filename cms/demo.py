"""Demo site shell: the home page, its hero text and the contact details in the footer (``seed_demo``)."""

from wagtail.models import Site

from .models import HomePage, SiteSettings
from .services import site_home_ensure


def demo_site_load() -> HomePage:
    """Idempotent: fills only what is still empty."""
    home = site_home_ensure()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    if not site_settings.contact_organisation:
        site_settings.contact_organisation = "Sở Khoa học và Công nghệ tỉnh Bắc Ninh (dữ liệu minh hoạ)"
        site_settings.contact_address = "Số 1 đường Lý Thái Tổ, phường Kinh Bắc"
        site_settings.contact_phone = "0222 3 800 000"
        site_settings.contact_email = "hotro@hocso.local"
        site_settings.save()
    if not home.hero_text:
        home.hero_text = (
            "<p>Khoá học ngắn, miễn phí về <b>dịch vụ công trực tuyến</b>, <b>chữ ký số</b>, "
            "<b>văn phòng điện tử</b> và <b>an toàn thông tin</b> — học trên điện thoại, "
            "mọi lúc, có chứng chỉ khi hoàn thành.</p>"
        )
        home.save_revision().publish()
    return home
