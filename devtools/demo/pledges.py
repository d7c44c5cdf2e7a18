"""Demo submissions answering Letter 7019/UBND-TH, created through the services (idempotent).

- Krông Pắc: the briefing, submitted on time and accepted by provincial staff;
- Buôn Ma Thuột: its emulation plan with three targets, submitted, with some progress;
- Ea Kly: one breakthrough theme still in draft, and one difficult field awaiting Krông Pắc's review.

Submission dates are set back to 2019 after the transitions so the demo reads like the real campaign.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, Unit
from directives.models import Directive, DirectiveStatus, RequirementKind
from pledges import services
from pledges.models import Commitment, Dissemination, EmulationPlan, TargetProgress

NUMBER = "7019/UBND-TH"


def _when(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _backdate(obj, *, submitted: datetime.date, reviewed: datetime.date | None = None) -> None:
    fields = {"submitted_at": _when(submitted), "on_time": submitted <= (obj.requirement.deadline or submitted)}
    if reviewed:
        fields["reviewed_at"] = _when(reviewed, 15)
    type(obj).objects.filter(pk=obj.pk).update(**fields)


def seed(*, stdout) -> None:
    directive = Directive.objects.filter(number=NUMBER, status=DirectiveStatus.PUBLISHED).order_by("id").first()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["canbo.tinh", "krongpac", "buonmathuot", "eakly"])
    }
    if directive is None or len(users) < 4:
        stdout.write("pledges: Letter 7019 or the demo users are missing; skipped")
        return
    requirements = {r.kind: r for r in directive.requirements.all()}
    units = {u.code: u for u in Unit.objects.filter(code__in=["DLK-KPA", "DLK-BMT", "DLK-KPA-EKL"])}
    created = 0
    created += _briefing(requirements, units["DLK-KPA"], users["krongpac"], users["canbo.tinh"])
    created += _plan(requirements, units["DLK-BMT"], users["buonmathuot"])
    created += _commitments(requirements, units["DLK-KPA-EKL"], users["eakly"])
    stdout.write(f"pledges: {created} demo submissions added for {directive}")


def _briefing(requirements, unit, officer, staff) -> int:
    requirement = requirements.get(RequirementKind.DISSEMINATION)
    if requirement is None or Dissemination.objects.filter(unit=unit, requirement=requirement).exists():
        return 0
    record = services.dissemination_create(
        user=officer,
        requirement=requirement,
        data={
            "title": "Hội nghị quán triệt Chỉ thị 35-CT/TU và Công văn 7019/UBND-TH",
            "held_on": datetime.date(2019, 9, 12),
            "form": "conference",
            "leaders": 12,
            "civil_servants": 86,
            "party_members": 74,
            "workers": 15,
            "attendees_total": None,
            "notes": "Hội nghị trực tiếp tại Hội trường UBND huyện; biên bản đính kèm bản giấy.",
        },
    )
    services.submission_transition(user=officer, submission=record, target=ReviewStatus.SUBMITTED)
    services.submission_transition(user=staff, submission=record, target=ReviewStatus.ACCEPTED, comment="Đạt yêu cầu.")
    _backdate(record, submitted=datetime.date(2019, 9, 16), reviewed=datetime.date(2019, 9, 20))
    return 1


PLAN_TARGETS = [
    ("Tỷ lệ hộ dân đô thị sử dụng nước sạch", "%", Decimal(92), Decimal(98), datetime.date(2020, 11, 23)),
    ("Số xã, phường đạt chuẩn văn minh đô thị", "xã, phường", Decimal(8), Decimal(13), datetime.date(2020, 11, 23)),
    ("Thu ngân sách trên địa bàn", "tỷ đồng", Decimal(1850), Decimal(2100), datetime.date(2020, 12, 31)),
]
PROGRESS = {
    0: [
        (datetime.date(2020, 3, 31), Decimal(94)),
        (datetime.date(2020, 6, 30), Decimal("95.5")),
        (datetime.date(2020, 9, 30), Decimal(97)),
    ],
    1: [(datetime.date(2020, 6, 30), Decimal(10)), (datetime.date(2020, 9, 30), Decimal(11))],
    2: [(datetime.date(2020, 6, 30), Decimal(1930))],
}


def _plan(requirements, unit, officer) -> int:
    requirement = requirements.get(RequirementKind.EMULATION_PLAN)
    if requirement is None or EmulationPlan.objects.filter(unit=unit, requirement=requirement).exists():
        return 0
    plan = services.plan_create(
        user=officer,
        requirement=requirement,
        data={
            "title": "Kế hoạch phát động thi đua chào mừng 80 năm thành lập Đảng bộ tỉnh và 45 năm Chiến thắng Buôn Ma Thuột",
            "document_number": "215/KH-UBND",
            "document_date": datetime.date(2019, 10, 2),
            "content": "Phát động thi đua trong toàn thể cán bộ, công chức, viên chức, người lao động và Nhân dân thành phố.",
        },
        targets=[
            {"name": n, "unit_of_measure": u, "baseline": b, "target_value": t, "due_date": d}
            for n, u, b, t, d in PLAN_TARGETS
        ],
    )
    services.submission_transition(user=officer, submission=plan, target=ReviewStatus.SUBMITTED)
    _backdate(plan, submitted=datetime.date(2019, 10, 9))
    for index, target in enumerate(plan.targets.order_by("position")):
        for reported_on, value in PROGRESS.get(index, []):
            # Historical updates, entered a few days after the date they report (as they were).
            TargetProgress.objects.create(
                target=target,
                reported_on=reported_on,
                actual_value=value,
                created_by=officer,
                is_late=services.progress_is_late(
                    reported_on=reported_on,
                    entered_on=reported_on + datetime.timedelta(days=5),
                    due_date=target.due_date,
                ),
            )
    return 1


def _commitments(requirements, unit, officer) -> int:
    count = 0
    theme = requirements.get(RequirementKind.BREAKTHROUGH_THEME)
    if theme is not None and not Commitment.objects.filter(unit=unit, requirement=theme).exists():
        services.commitment_create(
            user=officer,
            requirement=theme,
            data={
                "field": "economy",
                "title": "Chuyển đổi cây trồng, phát triển cà phê bền vững",
                "description": "Diện tích cà phê già cỗi lớn, năng suất thấp.",
                "expected_result": "Tái canh 150 ha cà phê; 30% diện tích có chứng nhận bền vững.",
            },
            targets=[
                {
                    "name": "Diện tích cà phê tái canh",
                    "unit_of_measure": "ha",
                    "baseline": Decimal(40),
                    "target_value": Decimal(150),
                    "due_date": datetime.date(2020, 11, 23),
                }
            ],
        )
        count += 1
    difficult = requirements.get(RequirementKind.DIFFICULT_FIELD)
    if difficult is not None and not Commitment.objects.filter(unit=unit, requirement=difficult).exists():
        record = services.commitment_create(
            user=officer,
            requirement=difficult,
            data={
                "field": "administrative_reform",
                "title": "Giải quyết hồ sơ đất đai đúng hạn",
                "description": "Tỷ lệ hồ sơ đất đai trễ hạn còn cao.",
                "expected_result": "98% hồ sơ đất đai được giải quyết đúng hạn.",
            },
        )
        services.submission_transition(user=officer, submission=record, target=ReviewStatus.SUBMITTED)
        _backdate(record, submitted=datetime.date(2019, 10, 28))
        count += 1
    return count
