"""A campaign running now, on today's map: dates are counted from the day `seed_demo` runs, so the demo never
ages. The letter is dated a few weeks before that day and addressed to the departments and the 102 communes
and wards of today; its asks fall due before and after the seeding day, and the units' answers are a mix of
accepted, sent, returned, drafts and overdue, with one key work at risk.

A letter is a `DemoLetter` with a list of `Ask`s (one numbered item each). To show another kind of ask, add an
`Ask` to `CURRENT_LETTER.asks` (its `requirement` dict takes any extra Requirement field, e.g. a recurrence),
and, if its kind is filed by a model `filings.file_in_bulk` does not know yet, a filer in `FILERS`.
Idempotent: the campaign, the letter and every record are found by their natural keys.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
from directives import services as directive_services
from directives.models import Campaign, Directive, DocType, Milestone, RequirementKind
from directives.obligations import owers
from projects import services as project_services
from projects.models import KeyWork, Sector, WorkKind

from .filings import ACCEPTED, DRAFT, LATE, MISSING, RETURNED, SUBMITTED, file_in_bulk

A, S, R, D, M = ACCEPTED, SUBMITTED, RETURNED, DRAFT, MISSING
STAFF = "canbo.tinh"
TODAY_UNITS = (UnitKind.DEPARTMENT, UnitKind.COMMUNE)


@dataclass(frozen=True)
class Ask:
    """One numbered item of a demo letter, with its deadline counted from the letter's date."""

    kind: str
    title: str
    text: str
    due_days: int | None  # days after the letter's date; None: no deadline
    applies_to: tuple[str, ...] = TODAY_UNITS
    quota: tuple[int | None, int | None] = (None, None)
    pattern: tuple[str, ...] = ()  # outcomes repeated over the units that owe it (see filings)
    requirement: dict = field(default_factory=dict)  # extra Requirement fields


@dataclass(frozen=True)
class DemoLetter:
    number: str
    days_before_seeding: int
    subject: str
    body: str
    asks: list[Ask]
    # the demo users' own units: the outcome each of them shows, by ask kind
    own_outcomes: dict[str, dict[str, str]] = field(default_factory=dict)


CURRENT_LETTER = DemoLetter(
    number="1286/UBND-TH",
    days_before_seeding=21,
    subject="V/v triển khai phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm {year}",
    body=(
        "Để phong trào thi đua năm {year} được triển khai đồng bộ trên địa bàn tỉnh sau khi sắp xếp đơn vị hành "
        "chính và tổ chức chính quyền địa phương hai cấp, UBND tỉnh yêu cầu các sở, ban, ngành và UBND các xã, "
        "phường thực hiện các nội dung sau."
    ),
    asks=[
        Ask(
            RequirementKind.DISSEMINATION,
            "Tổ chức quán triệt",
            "Tổ chức quán triệt nội dung Công văn này đến toàn thể cán bộ, công chức, viên chức, người lao động.",
            due_days=7,
            pattern=(A, A, S, A, LATE, A, A, S, M, A, A, R),
        ),
        Ask(
            RequirementKind.EMULATION_PLAN,
            "Xây dựng kế hoạch phát động thi đua",
            "Xây dựng kế hoạch phát động thi đua của đơn vị, có chỉ tiêu cụ thể, gửi về Sở Nội vụ.",
            due_days=18,
            pattern=(A, S, R, A, D, S, M, A, LATE, S, M, D),
        ),
        Ask(
            RequirementKind.BREAKTHROUGH_THEME,
            "Đăng ký chủ điểm thi đua cần đột phá",
            "Mỗi đơn vị đăng ký từ 01 đến 02 chủ điểm thi đua cần đột phá.",
            due_days=31,
            quota=(1, 2),
            pattern=(S, D, M, A, S, R, M, D, A, M),
        ),
        Ask(
            RequirementKind.KEY_WORKS,
            "Đăng ký công trình trọng điểm chào mừng",
            "Các xã, phường đăng ký từ 01 đến 02 công trình khởi công hoặc khánh thành chào mừng sơ kết phong trào.",
            due_days=41,
            applies_to=(UnitKind.COMMUNE,),
            quota=(1, 2),
        ),
        Ask(
            RequirementKind.DIFFICULT_FIELD,
            "Đăng ký lĩnh vực khó khăn, phức tạp",
            "Mỗi đơn vị đăng ký 01 lĩnh vực khó khăn, phức tạp cần tập trung giải quyết.",
            due_days=56,
            quota=(1, 1),
            pattern=(M, M, D, S, M, M),
        ),
    ],
    own_outcomes={
        # departments that answered everything on time (departments owe no key works)
        **{code: dict.fromkeys(RequirementKind.values, A) for code in ("DLK-STP", "DLK-SYT", "DLK-SCT", "DLK-TTR")},
        "24496": {
            RequirementKind.DISSEMINATION: A,
            RequirementKind.EMULATION_PLAN: R,
            RequirementKind.BREAKTHROUGH_THEME: D,
        },
        "24133": {
            RequirementKind.DISSEMINATION: S,
            RequirementKind.EMULATION_PLAN: S,
            RequirementKind.BREAKTHROUGH_THEME: M,
        },
        "DLK-SNNMT": {RequirementKind.DISSEMINATION: A, RequirementKind.EMULATION_PLAN: M},
    },
)
MILESTONE = ("Sơ kết phong trào thi đua và biểu dương các công trình chào mừng", 24)  # days after seeding
# Key works filed through the services by today's demo officers: (username, name, progress %, sector)
KEY_WORKS = [
    ("xa.eakly", "Nhà văn hóa cộng đồng buôn Ea Kly", 45, Sector.CULTURE),
    ("phuong.bmt", "Chỉnh trang vỉa hè, cây xanh đường Phan Bội Châu", 85, Sector.URBAN),
]
FILERS: dict[str, Callable] = {}  # kind → filer(requirement, units, pattern, opened, today, reviewer) → count


def seed(*, stdout, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[STAFF, "xa.eakly", "phuong.bmt"])}
    province = Unit.objects.filter(code="DLK").first()
    if province is None or STAFF not in users:
        stdout.write("current: unit DLK or the staff user is missing; skipped")
        return
    letter = CURRENT_LETTER
    day = today - datetime.timedelta(days=letter.days_before_seeding)
    campaign = _campaign(province, day=day, today=today)
    directive = _directive(letter, province=province, campaign=campaign, day=day, staff=users[STAFF])
    filed = _filings(letter, directive, day=day, today=today, staff=users[STAFF])
    works = _key_works(directive, campaign, users=users, today=today)
    stdout.write(f"current: {directive} dated {day:%d/%m/%Y}: {filed} filings, {works} key works")


def _campaign(province: Unit, *, day: datetime.date, today: datetime.date) -> Campaign:
    name = f"Phong trào thi đua thực hiện thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm {day.year}"
    ends = max(datetime.date(day.year, 12, 31), today + datetime.timedelta(days=90))
    campaign, _created = Campaign.objects.get_or_create(
        name=name,
        defaults={
            "organiser": province,
            "starts_on": day,
            "ends_on": ends,
            "description": "Phong trào thi đua của tỉnh Đắk Lắk trên bản đồ hành chính hai cấp (từ 01/07/2025).",
        },
    )
    title, after = MILESTONE
    Milestone.objects.get_or_create(
        campaign=campaign, name=title, defaults={"date": today + datetime.timedelta(days=after)}
    )
    return campaign


def _directive(letter: DemoLetter, *, province, campaign, day, staff) -> Directive:
    existing = Directive.objects.filter(issuer=province, year=day.year, number=letter.number).order_by("id").first()
    if existing is not None:
        return existing
    requirements = [
        {
            "ordinal": str(position),
            "position": position,
            "kind": ask.kind,
            "title": ask.title,
            "text": ask.text,
            "applies_to": list(ask.applies_to),
            "deadline": day + datetime.timedelta(days=ask.due_days) if ask.due_days is not None else None,
            "quota_min": ask.quota[0],
            "quota_max": ask.quota[1],
            **ask.requirement,
        }
        for position, ask in enumerate(letter.asks, start=1)
    ]
    fields = {
        "doc_type": DocType.CONG_VAN,
        "number": letter.number,
        "issuer": province,
        "issuer_name": "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
        "place": "Đắk Lắk",
        "issued_on": day,
        "subject": letter.subject.format(year=day.year),
        "body": letter.body.format(year=day.year),
        "signer_title": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "signer_name": "(Đã ký)",
        "campaign": campaign,
        "addressee_kinds": list(TODAY_UNITS),
        "addressee_text": "- Các sở, ban, ngành thuộc tỉnh;\n- UBND các xã, phường.",
    }
    directive = directive_services.directive_create(user=staff, fields=fields, requirements=requirements)
    return directive_services.directive_publish(user=staff, directive=directive)


def _filings(letter: DemoLetter, directive: Directive, *, day, today, staff) -> int:
    requirements = list(directive.requirements.order_by("position"))
    owed = owers(requirements)
    units = Unit.objects.in_bulk([pk for ids in owed.values() for pk in ids])
    filed = 0
    for requirement in requirements:
        ask = letter.asks[requirement.position - 1]
        owing = [units[pk] for pk in owed[requirement.pk]]
        own = [u for u in owing if u.code in letter.own_outcomes]
        for unit in own:  # the demo users' units first, each with the outcome it is meant to show
            outcome = letter.own_outcomes[unit.code].get(requirement.kind, MISSING)
            filed += _file(requirement, [unit], (outcome,), day=day, today=today, staff=staff)
        rest = [u for u in owing if u.code not in letter.own_outcomes]
        filed += _file(requirement, rest, ask.pattern, day=day, today=today, staff=staff)
    return filed


def _file(requirement, units, pattern, *, day, today, staff) -> int:
    filer = FILERS.get(requirement.kind, file_in_bulk)
    return filer(requirement=requirement, units=units, pattern=pattern, opened=day, today=today, reviewer=staff)


def _key_works(directive: Directive, campaign: Campaign, *, users, today) -> int:
    requirement = directive.requirements.filter(kind=RequirementKind.KEY_WORKS).first()
    milestone = campaign.milestones.order_by("date").first()
    if requirement is None or milestone is None:
        return 0
    count = 0
    for username, name, progress, sector in KEY_WORKS:
        officer = users.get(username)
        if officer is None or KeyWork.objects.filter(requirement=requirement, name=name).exists():
            continue
        work = project_services.key_work_create(
            user=officer,
            requirement=requirement,
            data={
                "name": name,
                "kind": WorkKind.INAUGURATION,
                "sector": sector,
                "investor": f"UBND {officer.membership.unit.name}",
                "total_investment": 3_200_000_000,
                "milestone": milestone,
                "registered_on": directive.issued_on + datetime.timedelta(days=5),
            },
            funding=[{"source": "provincial", "amount": 2_000_000_000}],
        )
        project_services.key_work_transition(user=officer, work=work, target=ReviewStatus.SUBMITTED)
        project_services.key_work_transition(
            user=users[STAFF], work=work, target=ReviewStatus.ACCEPTED, comment="Đồng ý đăng ký."
        )
        project_services.progress_update_create(
            user=officer,
            work=work,
            reported_on=today - datetime.timedelta(days=3),
            physical_progress=progress,
            capital_disbursed=work.total_investment * progress // 100,
            note="Đang thi công theo kế hoạch." if progress >= 80 else "Chậm do mưa kéo dài, nhà thầu thiếu nhân lực.",
            photos=[],
            today=today,
        )
        count += 1
    return count
