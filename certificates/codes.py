"""Verification codes: Crockford Base32, 12 symbols = 60 random bits.

Shown as ``XXXX-XXXX-XXXX``; stored without dashes. What people type is
normalised the Crockford way: case folded, O→0, I and L→1, dashes and spaces
dropped. The alphabet has no U, so no code reads as a word by accident.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 12 × 5 bits = 60 bits of randomness
_VALID = re.compile(f"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def code_generate() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(typed: str) -> str | None:
    """The stored form of a typed code, or ``None`` when it cannot be one."""
    if not typed or len(typed) > 40:
        return None
    cleaned = re.sub(r"[\s\-‐‑–—]", "", typed).upper().translate(_TRANSLATE)
    return cleaned if _VALID.match(cleaned) else None


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
