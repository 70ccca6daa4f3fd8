"""Fixtures shared with the certificate tests."""

from tests.certificates.conftest import issuer_key  # noqa: F401 — the development issuer, created once
