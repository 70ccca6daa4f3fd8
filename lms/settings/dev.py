"""Local settings: the embedded default of ``make run`` and the test suite.

A development secret is generated once into ``var/`` so a newcomer needs no
configuration; production settings refuse to start without ``SECRET_KEY``.
"""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR

if not SECRET_KEY:  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = VAR_DIR / "dev-secret-key"
    if not _key_file.exists():
        _key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _key_file.read_text().strip()
