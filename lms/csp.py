"""Content-Security-Policy on every response (Django 5.2 has none built in).

The site's own pages run no inline script: every script is a static file ('self'), so the policy
needs no nonce and pages stay shareable by the anonymous page cache. Inline *style attributes* are
allowed (progress bars set their width), which cannot run code. Wagtail's admin still writes inline
scripts (date pickers, inline panels), so under ``/admin/`` — and only there — ``'unsafe-inline'``
scripts are allowed; everything else stays as strict as on the site (no eval, no plugins, no
foreign origin, no framing by other sites, forms post only here).
"""

from __future__ import annotations

_COMMON = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "media-src": "'self'",
    "frame-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}
SITE_POLICY = {**_COMMON, "script-src": "'self'", "style-src": "'self' 'unsafe-inline'"}
ADMIN_POLICY = {**_COMMON, "script-src": "'self' 'unsafe-inline'", "style-src": "'self' 'unsafe-inline'"}


def policy_header(policy: dict[str, str]) -> str:
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


SITE_HEADER = policy_header(SITE_POLICY)
ADMIN_HEADER = policy_header(ADMIN_POLICY)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not carry one (first in ``MIDDLEWARE``, so
    error pages, redirects, static and media responses get it too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path_info.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_HEADER if admin else SITE_HEADER
        return response
