"""The letterhead and signature block of a unit's Decree-30 report (Nghị định 30/2020/NĐ-CP, Phụ lục I).

``report_letterhead(unit=…)`` reads the unit's ``ReportLetterhead`` (configured by administrators)
and fills every blank field from the unit itself, so an unconfigured unit still gets a correct header:

- a People's Committee (province, commune, former district) issues its own reports: no governing
  body line, the issuer "ỦY BAN NHÂN DÂN" over "XÃ TIÊN DU" (both bold: one name on two lines),
  symbol ``BC-UBND``, signed "TM. ỦY BAN NHÂN DÂN" / "CHỦ TỊCH";
- an agency of the province: "UBND TỈNH BẮC NINH" (regular) over "SỞ NỘI VỤ" (bold), symbol from the
  unit's code when it is letters ("24.SNV" → ``SNV``), else the initials of its name, signed by its
  head ("GIÁM ĐỐC");
- a division: its parent over its own name.

The place ("địa danh") is the proper name of the administrative unit where the issuer sits: the
commune's for a commune ("Tiên Du"), the province's otherwise ("Bắc Ninh").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms.orgunits.models import OrgUnit, UnitKind
from lms.text import normalize_nfc, search_key

from .models import ReportLetterhead, SigningMode

COMMITTEE_KINDS = (UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.LEGACY_DISTRICT)
COMMITTEE = "Ủy ban nhân dân"
# Administrative prefixes left out of a place name ("Xã Tiên Du" → "Tiên Du"), longest first.
PLACE_PREFIXES = ("Thành phố", "Đặc khu", "Thị trấn", "Thị xã", "Phường", "Quận", "Huyện", "Tỉnh", "Xã")
# The head of a unit, by the first words of its name (the first match wins).
HEAD_TITLES = (
    ("Văn phòng", "CHÁNH VĂN PHÒNG"),
    ("Thanh tra", "CHÁNH THANH TRA"),
    ("Phòng", "TRƯỞNG PHÒNG"),
    ("Ban", "TRƯỞNG BAN"),
    ("Chi cục", "CHI CỤC TRƯỞNG"),
    ("Cục", "CỤC TRƯỞNG"),
    ("Trường", "HIỆU TRƯỞNG"),
    ("Bệnh viện", "GIÁM ĐỐC"),
    ("Trung tâm", "GIÁM ĐỐC"),
    ("Sở", "GIÁM ĐỐC"),
)
SMALL_WORDS = {"và", "của", "các"}
HEADER_LINE_CHARS = 22  # what fits the issuer's column (42 % of the text width) in 13 pt bold capitals
DASHES = {"-", "–", "—"}


@dataclass(frozen=True)
class Letterhead:
    """What the report prints above its title and below its text (all final text, NFC)."""

    unit: OrgUnit
    authority_lines: list[str]  # governing body, upper case, regular (may be empty)
    issuer_lines: list[str]  # issuing body, upper case, bold
    issuer_prose: str  # the issuer's name inside a sentence ("Ủy ban nhân dân xã Tiên Du")
    abbreviation: str  # "SNV" → "Số: …/BC-SNV"
    place: str  # "Bắc Ninh"
    signature_lines: list[str]  # "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    signer_name: str  # may be blank: the signer writes it
    recipients: list[str] = field(default_factory=list)  # "- UBND tỉnh Bắc Ninh (để báo cáo);"

    @property
    def symbol(self) -> str:
        return f"BC-{self.abbreviation}"


def plain_name(name: str) -> str:
    """The unit's name without a trailing remark in brackets ("Tỉnh Bắc Ninh (dữ liệu minh hoạ)")."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", normalize_nfc(name)).strip()


def upper_vi(text: str) -> str:
    return normalize_nfc(text).upper()


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def place_name(name: str) -> str:
    """ "Xã Tiên Du" → "Tiên Du", "Tỉnh Bắc Ninh" → "Bắc Ninh"; "Phường 1" keeps its prefix (Decree 30)."""
    name = plain_name(name)
    for prefix in PLACE_PREFIXES:
        if name.lower().startswith(prefix.lower() + " "):
            rest = name[len(prefix) + 1 :].strip()
            return name if rest.isdigit() else rest
    return name


def _administrative_home(unit: OrgUnit) -> OrgUnit:
    """The nearest province, commune or district at or above ``unit`` (the issuer's place)."""
    for ancestor in [unit, *reversed(unit.get_ancestors())]:
        if ancestor.kind in COMMITTEE_KINDS:
            return ancestor
    return unit.get_root()


def default_abbreviation(unit: OrgUnit) -> str:
    """ "UBND" for a People's Committee; the unit's code when it is letters ("24.SNV" → "SNV"); else
    the initials of its name ("Sở Tư pháp" → "STP") — never a numeric code."""
    if unit.kind in COMMITTEE_KINDS:
        return "UBND"
    last = unit.code.split(".")[-1].upper()
    if re.fullmatch(r"[A-ZĐ]+", last):
        return last
    words = [w for w in re.findall(r"\w+", plain_name(unit.name)) if w.lower() not in SMALL_WORDS]
    initials = "".join(w[0] for w in words if not w.isdigit())
    return search_key(initials).upper().replace(" ", "") or "DV"


def _committee_prose(unit: OrgUnit) -> str:
    return f"{COMMITTEE} {_lower_first(plain_name(unit.name))}"


def _short_prose(unit: OrgUnit) -> str:
    """How another unit is named in a recipients' line ("UBND tỉnh Bắc Ninh", "Sở Nội vụ")."""
    if unit.kind in COMMITTEE_KINDS:
        return f"UBND {_lower_first(plain_name(unit.name))}"
    return plain_name(unit.name)


def _default_head_title(unit: OrgUnit) -> str:
    if unit.kind in COMMITTEE_KINDS:
        return upper_vi(COMMITTEE)  # after "TM."
    name = plain_name(unit.name).lower()
    for prefix, title in HEAD_TITLES:
        if name.startswith(prefix.lower() + " "):
            return title
    return "TRƯỞNG PHÒNG" if unit.kind == UnitKind.DIVISION else "GIÁM ĐỐC"


def _default_authority(unit: OrgUnit) -> list[str]:
    if unit.kind in COMMITTEE_KINDS:
        return []
    parent = unit.get_parent()
    if parent is None:
        return []
    if parent.kind in COMMITTEE_KINDS:
        return [upper_vi(f"UBND {plain_name(parent.name)}")]
    return [upper_vi(plain_name(parent.name))]


def _default_issuer(unit: OrgUnit) -> list[str]:
    if unit.kind in COMMITTEE_KINDS:
        return [upper_vi(COMMITTEE), upper_vi(plain_name(unit.name))]
    return [upper_vi(plain_name(unit.name))]


def header_lines(line: str, limit: int = HEADER_LINE_CHARS) -> list[str]:
    """A header line too long for its column, split into balanced lines at a word ("SỞ KHOA HỌC" /
    "VÀ CÔNG NGHỆ") — never after a dash or before a lone word, as a typist would break it."""
    committee = upper_vi(COMMITTEE)
    words = line.replace(committee, committee.replace(" ", "\u00a0")).split(" ")  # the body's name stays whole
    if len(line) <= limit or len(words) < 2:
        return [line]
    candidates = [i for i in range(1, len(words)) if words[i - 1] not in DASHES]
    best = min(candidates, key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    head, tail = (" ".join(part).replace("\u00a0", " ") for part in (words[:best], words[best:]))
    return [*header_lines(head, limit), *header_lines(tail, limit)]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in normalize_nfc(text).splitlines() if line.strip()]


def signature_lines(*, mode: str, head_title: str, signer_title: list[str]) -> list[str]:
    """The authority lines above the signature (Decree 30, Art. 13 and Phụ lục I, II.8)."""
    if mode == SigningMode.Q:
        return [f"Q. {head_title}"]
    if mode in (SigningMode.KT, SigningMode.TM, SigningMode.TL, SigningMode.TUQ):
        return [f"{mode}. {head_title}", *signer_title]
    return [head_title]


def _recipient(line: str) -> str:
    line = line.strip()
    line = re.sub(r"^[-–—•]\s*", "", line)
    return f"- {line}"


def report_letterhead(*, unit: OrgUnit) -> Letterhead:
    """The unit's letterhead: its configuration, blanks filled from the unit (see the module)."""
    config = ReportLetterhead.objects.filter(unit=unit).first() or ReportLetterhead(unit=unit, abbreviation="")
    committee = unit.kind in COMMITTEE_KINDS
    abbreviation = config.abbreviation or default_abbreviation(unit)
    authority = [upper_vi(config.authority_name)] if config.authority_name.strip() else _default_authority(unit)
    issuer = [upper_vi(line) for line in _lines(config.issuer_name)] or _default_issuer(unit)
    authority = [part for line in authority for part in header_lines(line)]
    issuer = [part for line in issuer for part in header_lines(line)]
    mode = config.signing_mode or (SigningMode.TM if committee else SigningMode.HEAD)
    head_title = upper_vi(config.head_title.strip()) or _default_head_title(unit)
    signer_title = [upper_vi(line) for line in _lines(config.signer_title)]
    if not signer_title and mode == SigningMode.TM:
        signer_title = ["CHỦ TỊCH"]
    recipients = [_recipient(line) for line in _lines(config.recipients)]
    if not recipients:
        parent = unit.get_parent()
        if parent is not None:
            recipients.append(f"- {_short_prose(parent)} (để báo cáo);")
        recipients.append(f"- Lưu: VT, {abbreviation}.")
    return Letterhead(
        unit=unit,
        authority_lines=authority,
        issuer_lines=issuer,
        issuer_prose=_committee_prose(unit) if committee else plain_name(unit.name),
        abbreviation=abbreviation,
        place=normalize_nfc(config.place.strip()) or place_name(_administrative_home(unit).name),
        signature_lines=signature_lines(mode=mode, head_title=head_title, signer_title=signer_title),
        signer_name=normalize_nfc(config.signer_name.strip()),
        recipients=recipients,
    )
