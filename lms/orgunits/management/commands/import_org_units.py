from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.orgunits.importing import org_units_import_csv


class Command(BaseCommand):
    help = "Import organisational units from a CSV file (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("csv_path", type=Path)

    def handle(self, *args, csv_path: Path, **options):
        if not csv_path.exists():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": csv_path})
        result = org_units_import_csv(data=csv_path.read_bytes(), source_name=csv_path.name)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Không nhập đơn vị nào: tệp có %(n)s lỗi.") % {"n": len(result.errors)})
        self.stdout.write(
            _("Đã nhập: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
