"""Demo data: the 80/45 anniversary campaign and Letter 7019/UBND-TH, imported through the parser.

Idempotent: records are found by their natural keys (campaign name, milestone date, issuer + year +
number), so running it twice changes nothing.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model

import directives
from campaign_portal.core.models import Unit
from directives import services
from directives.models import Campaign, Directive, DirectiveStatus, Milestone, RequirementKind

LETTER_PATH = Path(directives.__file__).resolve().parent / "fixtures_data" / "official-letter-7019.txt"
CAMPAIGN_NAME = (
    "Phong trào thi đua chào mừng kỷ niệm 80 năm thành lập Đảng bộ tỉnh Đắk Lắk và 45 năm Chiến thắng Buôn Ma Thuột"
)
MILESTONES = [
    ("45 năm Chiến thắng Buôn Ma Thuột", datetime.date(2020, 3, 10), datetime.date(1975, 3, 10)),
    ("80 năm thành lập Đảng bộ tỉnh", datetime.date(2020, 11, 23), datetime.date(1940, 11, 23)),
]
# The letter sets no deadlines; these demo dates are data, not parser output.
DEMO_DEADLINES = {
    RequirementKind.DISSEMINATION: datetime.date(2019, 9, 30),
    RequirementKind.EMULATION_PLAN: datetime.date(2019, 10, 15),
    RequirementKind.KEY_WORKS: datetime.date(2019, 10, 31),
    RequirementKind.BREAKTHROUGH_THEME: datetime.date(2019, 10, 31),
    RequirementKind.DIFFICULT_FIELD: datetime.date(2019, 10, 31),
}
SIGNER_TITLE = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
SIGNER_NAME = "(Đã ký)"  # a neutral placeholder: the demo does not name the real signer
STAFF_USERNAME = "canbo.tinh"


def seed(*, stdout) -> None:
    province = Unit.objects.filter(code="DLK").first()
    staff = get_user_model().objects.filter(username=STAFF_USERNAME).first()
    if province is None or staff is None:
        stdout.write("directives: unit DLK or user canbo.tinh missing; skipped")
        return
    campaign = seed_campaign(province)
    directive = seed_letter_7019(province=province, staff=staff, campaign=campaign)
    stdout.write(f"directives: {campaign.name[:40]}… and {directive} ({directive.get_status_display()})")


def seed_campaign(organiser: Unit) -> Campaign:
    campaign, _created = Campaign.objects.get_or_create(
        name=CAMPAIGN_NAME,
        defaults={
            "organiser": organiser,
            "starts_on": datetime.date(2019, 8, 1),
            "ends_on": datetime.date(2020, 12, 31),
            "description": "Phát động theo Kế hoạch số 126-KH/TU ngày 31/7/2019 của Ban Thường vụ Tỉnh ủy.",
        },
    )
    for name, day, anniversary_of in MILESTONES:
        Milestone.objects.get_or_create(
            campaign=campaign, date=day, defaults={"name": name, "anniversary_of": anniversary_of}
        )
    return campaign


def seed_letter_7019(*, province: Unit, staff, campaign: Campaign) -> Directive:
    existing = Directive.objects.filter(issuer=province, year=2019, number="7019/UBND-TH").order_by("id").first()
    if existing is not None:
        if existing.status == DirectiveStatus.DRAFT:
            services.directive_publish(user=staff, directive=existing)
        return existing
    data = services.directive_import_text(LETTER_PATH.read_text(encoding="utf-8"))
    fields = {
        **data["fields"],
        "issuer": province,
        "campaign": campaign,
        "signer_title": SIGNER_TITLE,
        "signer_name": SIGNER_NAME,
    }
    requirements = [
        {**row, "deadline": DEMO_DEADLINES.get(row["kind"], row["deadline"])} for row in data["requirements"]
    ]
    directive = services.directive_create(
        user=staff, fields=fields, requirements=requirements, references=data["references"]
    )
    return services.directive_publish(user=staff, directive=directive)
