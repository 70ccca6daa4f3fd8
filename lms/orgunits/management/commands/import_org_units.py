from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.audit.commands import actor_argument_add, command_actor
from lms.orgunits.importing import org_units_import_file


class Command(BaseCommand):
    help = "Import organisational units from a CSV or XLSX file (all rows or none; every bad row is listed)."

    def add_arguments(self, parser):
        parser.add_argument("csv_path", type=Path)
        actor_argument_add(parser)

    def handle(self, *args, csv_path: Path, actor: str, **options):
        actor = command_actor(email=actor, command="import_org_units")
        if not csv_path.exists():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": csv_path})
        with csv_path.open("rb") as upload:
            result = org_units_import_file(
                actor=actor, filename=csv_path.name, data_or_file=upload, source_name=csv_path.name
            )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("Không nhập đơn vị nào: tệp có %(n)s lỗi.") % {"n": len(result.errors)})
        self.stdout.write(
            _("Đã nhập: %(created)s mới, %(updated)s cập nhật, %(unchanged)s không đổi.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
