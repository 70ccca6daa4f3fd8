from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Signed PDF certificates and their verification (built in the Certificates issue)."""

    name = "certificates"
    verbose_name = _("Chứng chỉ")
