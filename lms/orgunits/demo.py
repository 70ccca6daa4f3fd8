"""Demo organisational units: a province with agencies, divisions and communes (``seed_demo``)."""

from __future__ import annotations

from pathlib import Path

from lms.audit.services import SystemActor

from .importing import org_units_import_csv
from .models import OrgUnit
from .selectors import org_unit_by_code

DEMO_UNITS = Path(__file__).resolve().parent / "demo_data" / "demo_units.csv"


class DemoDataError(RuntimeError):
    pass


def demo_units_load() -> None:
    """Idempotent: import the demo tree and point the pre-merger district at its successor commune."""
    result = org_units_import_csv(actor=SystemActor("seed_demo"), data=DEMO_UNITS.read_bytes(), source_name="seed_demo")
    if not result.ok:
        raise DemoDataError("\n".join(str(error) for error in result.errors))
    legacy = OrgUnit.objects.filter(code="262").first()
    successor = org_unit_by_code(code="09325")
    if legacy and successor and legacy.successor_id != successor.pk:
        legacy.successor = successor
        legacy.save(update_fields=["successor"])
