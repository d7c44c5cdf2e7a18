from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign_portal.core.unit_import import COLUMNS, UnitImportError, import_units


class Command(BaseCommand):
    help = f"Import organisation units from a CSV (UTF-8) or XLSX file with columns: {', '.join(COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("Chỉ nhận tệp .csv hoặc .xlsx.")
        try:
            created, updated = import_units(path)
        except UnitImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"Không nhập đơn vị nào: {len(exc.errors)} lỗi.") from exc
        self.stdout.write(self.style.SUCCESS(f"Đã nhập {created} đơn vị mới, cập nhật {updated} đơn vị."))
