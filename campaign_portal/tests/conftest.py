"""A small world for the project-level tests: Letter 7019 published, with records filed by Krông Pắc
(the "own" unit) that the Buôn Ma Thuột officer (the "foreign" unit) must not reach."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from directives.models import Directive, DirectiveStatus, Requirement, RequirementKind

ALL_KINDS = [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE]


@dataclass
class World:
    province: object
    staff: object
    leader: object
    officer_kp: object
    officer_bmt: object
    directive: Directive
    draft_directive: Directive
    requirements: dict  # RequirementKind value → Requirement
    objects: dict = field(default_factory=dict)  # name → object filed by Krông Pắc (submitted)

    def req(self, kind) -> int:
        return self.requirements[kind].pk

    def pk(self, name) -> int:
        return self.objects[name].pk


def make_requirement(directive, kind, ordinal, *, applies_to=None, quota=(None, None), position=0):
    return Requirement.objects.create(
        directive=directive,
        ordinal=ordinal,
        position=position,
        kind=kind,
        title=str(RequirementKind(kind).label),
        text=f"Yêu cầu {ordinal}",
        applies_to=applies_to or ALL_KINDS,
        deadline=datetime.date(2019, 11, 30),
        quota_min=quota[0],
        quota_max=quota[1],
    )


def build_world(province, staff, leader, officer_kp, officer_bmt) -> World:
    directive = Directive.objects.create(
        number="7019/UBND-TH",
        issuer=province.province,
        issued_on=datetime.date(2019, 11, 4),
        subject="Về việc tổ chức phong trào thi đua",
        status=DirectiveStatus.PUBLISHED,
        place="Đắk Lắk",
        addressee_kinds=ALL_KINDS,
        published_at=timezone.now(),
        created_by=staff,
        published_by=staff,
    )
    draft = Directive.objects.create(
        number="",
        issuer=province.province,
        subject="Bản nháp chưa ban hành",
        status=DirectiveStatus.DRAFT,
        created_by=staff,
    )
    kinds = [
        (RequirementKind.DISSEMINATION, "1", None, (None, None)),
        (RequirementKind.EMULATION_PLAN, "2", None, (None, None)),
        (RequirementKind.KEY_WORKS, "3", [UnitKind.DISTRICT], (1, 2)),
        (RequirementKind.BREAKTHROUGH_THEME, "3", None, (1, 2)),
        (RequirementKind.DIFFICULT_FIELD, "3", None, (1, 2)),
        (RequirementKind.REPORT, "4", None, (None, None)),
    ]
    requirements = {
        kind: make_requirement(directive, kind, ordinal, applies_to=applies, quota=quota, position=i)
        for i, (kind, ordinal, applies, quota) in enumerate(kinds)
    }
    world = World(province, staff, leader, officer_kp, officer_bmt, directive, draft, requirements)
    _file_records(world)
    return world


def _file_records(world):
    """Records filed by Krông Pắc, submitted (so staff, leaders and the unit see them, nobody else)."""
    kp = world.province.krong_pac
    submitted = {
        "unit": kp,
        "status": ReviewStatus.SUBMITTED,
        "submitted_at": timezone.now(),
        "submitted_by": world.officer_kp,
        "created_by": world.officer_kp,
    }
    try:
        from pledges.tests import factories as pf
    except ImportError:  # pragma: no cover - pledges not there yet
        pf = None
    if pf is not None:
        reqs = world.requirements
        world.objects["dissemination"] = pf.DisseminationFactory(
            requirement=reqs[RequirementKind.DISSEMINATION], **submitted
        )
        world.objects["plan"] = pf.EmulationPlanFactory(requirement=reqs[RequirementKind.EMULATION_PLAN], **submitted)
        world.objects["target"] = pf.TargetFactory(plan=world.objects["plan"])
        world.objects["theme"] = pf.CommitmentFactory(requirement=reqs[RequirementKind.BREAKTHROUGH_THEME], **submitted)
        world.objects["difficult_field"] = pf.DifficultFieldFactory(
            requirement=reqs[RequirementKind.DIFFICULT_FIELD], **submitted
        )
    try:
        from projects.tests import factories as kf
    except ImportError:  # pragma: no cover
        kf = None
    if kf is not None:
        milestone = kf.MilestoneFactory()
        world.objects["key_work"] = kf.KeyWorkFactory(
            requirement=world.requirements[RequirementKind.KEY_WORKS], milestone=milestone, **submitted
        )
        world.objects["progress"] = kf.ProgressUpdateFactory(key_work=world.objects["key_work"])


@pytest.fixture
def world(province, staff, leader, officer_kp, officer_bmt) -> World:
    return build_world(province, staff, leader, officer_kp, officer_bmt)
