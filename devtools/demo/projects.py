"""Demo data: Krông Pắc's two key works for Letter 7019 (one groundbreaking, one inauguration, for the
80-year milestone on 23/11/2020) with a progress update and a site photo, and one Buôn Ma Thuột work.

Idempotent: works are found by requirement + unit + name; everything is written through the services.
The photo is drawn with Pillow here, so the repository needs no binary files.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from campaign_portal.core.models import ReviewStatus, Unit
from campaign_portal.core.uploads import bytes_upload
from directives.models import Directive, Milestone, Requirement, RequirementKind
from projects import services
from projects.models import KeyWork, Sector, WorkKind, WorkStatus

STAFF = "canbo.tinh"
WORKS = [
    {
        "unit": "DLK-KPA",
        "officer": "krongpac",
        "milestone": datetime.date(2020, 11, 23),
        "accept": True,
        "data": {
            "name": "Đường giao thông liên xã Ea Kly – Ea Kuăng (giai đoạn 1)",
            "kind": WorkKind.GROUNDBREAKING,
            "sector": Sector.TRANSPORT,
            "commune_code": "DLK-KPA-EKL",
            "address": "Thôn 3",
            "investor": "Ban Quản lý dự án đầu tư xây dựng huyện Krông Pắc",
            "total_investment": 45_000_000_000,
            "description": "Làm mới 6,2 km đường bê tông nhựa nối trung tâm hai xã.",
        },
        "funding": [
            {"source": "provincial", "amount": 30_000_000_000},
            {"source": "district", "amount": 15_000_000_000},
        ],
        "progress": None,
    },
    {
        "unit": "DLK-KPA",
        "officer": "krongpac",
        "milestone": datetime.date(2020, 11, 23),
        "accept": False,
        "data": {
            "name": "Trường THCS Phan Bội Châu – khối phòng học 2 tầng, 12 phòng",
            "kind": WorkKind.INAUGURATION,
            "sector": Sector.EDUCATION,
            "commune_code": "DLK-KPA-EKL",
            "address": "Thôn 5",
            "investor": "UBND huyện Krông Pắc",
            "total_investment": 12_500_000_000,
            "description": "Xây mới khối phòng học, nhà vệ sinh và sân trường.",
        },
        "funding": [
            {"source": "central", "amount": 7_000_000_000},
            {"source": "district", "amount": 4_500_000_000},
            {"source": "socialised", "amount": 1_000_000_000},
        ],
        "progress": (datetime.date(2020, 10, 15), 65, 8_200_000_000, "Hoàn thành phần thô, đang hoàn thiện."),
    },
    {
        "unit": "DLK-BMT",
        "officer": "buonmathuot",
        "milestone": datetime.date(2020, 3, 10),
        "accept": True,
        "data": {
            "name": "Chỉnh trang công viên và đường dạo quanh hồ Ea Kao",
            "kind": WorkKind.INAUGURATION,
            "sector": Sector.URBAN,
            "address": "Phường Ea Tam, thành phố Buôn Ma Thuột",
            "investor": "Ban Quản lý dự án thành phố Buôn Ma Thuột",
            "total_investment": 28_000_000_000,
        },
        "funding": [
            {"source": "provincial", "amount": 20_000_000_000},
            {"source": "district", "amount": 8_000_000_000},
        ],
        "progress": (datetime.date(2020, 2, 20), 90, 21_000_000_000, "Đang trồng cây xanh, lắp đèn chiếu sáng."),
        "held_on": datetime.date(2020, 3, 9),
    },
]


def demo_photo() -> bytes:
    """A small drawing of a building site: sky, hill, a half-built block and a crane."""
    image = Image.new("RGB", (960, 640), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 420), (320, 300), (700, 380), (960, 330), (960, 640), (0, 640)], fill=(95, 140, 70))
    draw.rectangle([0, 520, 960, 640], fill=(150, 110, 70))
    draw.rectangle([300, 280, 620, 540], fill=(205, 200, 190), outline=(90, 90, 90), width=4)
    for row in range(3):
        for col in range(4):
            x, y = 325 + col * 75, 300 + row * 75
            draw.rectangle([x, y, x + 45, y + 45], fill=(70, 110, 150))
    draw.line([(720, 540), (720, 140)], fill=(230, 170, 30), width=12)
    draw.line([(620, 150), (900, 150)], fill=(230, 170, 30), width=10)
    draw.line([(860, 150), (860, 300)], fill=(60, 60, 60), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


SUBMITTED_ON = datetime.date(2019, 10, 25)  # before item 3's deadline (31/10/2019), like a real district
REVIEWED_ON = datetime.date(2019, 10, 30)


def _when(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(work: KeyWork, *, reviewed: bool) -> None:
    """Submission and review dates of 2019, as for the other demo records (not the day the demo is seeded)."""
    deadline = work.requirement.deadline
    fields = {"submitted_at": _when(SUBMITTED_ON, 9), "on_time": deadline is None or deadline >= SUBMITTED_ON}
    if reviewed:
        fields["reviewed_at"] = _when(REVIEWED_ON, 15)
    KeyWork.objects.filter(pk=work.pk).update(**fields)


def seed(*, stdout) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[STAFF, "krongpac", "buonmathuot"])}
    directive = Directive.objects.filter(number="7019/UBND-TH").order_by("id").first()
    requirement = (
        Requirement.objects.filter(directive=directive, kind=RequirementKind.KEY_WORKS).order_by("id").first()
        if directive
        else None
    )
    if requirement is None or len(users) < 3:
        stdout.write("projects: Letter 7019 (key works) or demo users missing; skipped")
        return
    count = 0
    for spec in WORKS:
        if _seed_work(spec, requirement=requirement, users=users):
            count += 1
    stdout.write(f"projects: {count} key works added ({KeyWork.objects.count()} in all)")


def _seed_work(spec, *, requirement, users) -> bool:
    unit = Unit.objects.get(code=spec["unit"])
    data = dict(spec["data"])
    if KeyWork.objects.filter(requirement=requirement, unit=unit, name=data["name"]).exists():
        return False
    commune_code = data.pop("commune_code", None)
    data["commune"] = Unit.objects.filter(code=commune_code).first() if commune_code else None
    milestone = Milestone.objects.filter(date=spec["milestone"], campaign_id=requirement.directive.campaign_id).first()
    data.update(milestone=milestone, registered_on=datetime.date(2019, 10, 20), planned_date=spec["milestone"])
    officer = users[spec["officer"]]
    work = services.key_work_create(user=officer, requirement=requirement, data=data, funding=spec["funding"])
    services.key_work_transition(user=officer, work=work, target=ReviewStatus.SUBMITTED)
    if spec["accept"]:
        services.key_work_transition(
            user=users[STAFF], work=work, target=ReviewStatus.ACCEPTED, comment="Đồng ý đăng ký."
        )
    _backdate(work, reviewed=bool(spec["accept"]))
    if spec["accept"]:
        work.refresh_from_db()
        if work.kind == WorkKind.INAUGURATION:
            services.key_work_set_status(user=officer, work=work, work_status=WorkStatus.UNDER_CONSTRUCTION)
    if spec["progress"]:
        day, progress, disbursed, note = spec["progress"]
        services.progress_update_create(
            user=officer,
            work=work,
            reported_on=day,
            physical_progress=progress,
            capital_disbursed=disbursed,
            note=note,
            photos=[bytes_upload("hien-truong.jpg", demo_photo())],
        )
    if spec.get("held_on"):
        work.refresh_from_db()
        services.key_work_set_status(
            user=officer, work=work, work_status=WorkStatus.CEREMONY_HELD, actual_date=spec["held_on"]
        )
    return True
