"""Today's map (communes after 01/07/2025), a letter dated this year, and one cluster of five communes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from campaign_portal.core.models import Role, Unit, UnitKind
from campaign_portal.core.tests.factories import UnitFactory, make_user
from directives.models import Directive, Requirement, RequirementKind
from emulation.models import Cluster, CriterionKind
from pledges.tests.factories import PublishedDirectiveFactory, RequirementFactory

from .factories import CriterionFactory, SectionFactory, cluster_with

MERGER = datetime.date(2025, 7, 1)
COMMUNES = ["Xã Ea Kly", "Xã Phước An", "Xã Ea Phê", "Xã Krông Búk", "Phường Buôn Ma Thuột", "Phường Tân An"]


@dataclass
class World:
    root: Unit
    snv: Unit
    communes: list
    letter: Directive
    dissemination: Requirement
    plan: Requirement
    cluster: Cluster
    other: Cluster
    staff: object
    head: object
    member: object
    outsider: object
    criteria: dict


@pytest.fixture
def world(db) -> World:
    today = timezone.localdate()
    root = UnitFactory(code="W-DLK", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE)
    snv = UnitFactory(code="W-SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    communes = [
        UnitFactory(code=f"W-C{i}", name=name, kind=UnitKind.COMMUNE, parent=root, valid_from=MERGER)
        for i, name in enumerate(COMMUNES)
    ]
    letter = PublishedDirectiveFactory(
        issuer=root,
        number="125/UBND-NC",
        issued_on=today - datetime.timedelta(days=60),
        subject="V/v triển khai phong trào thi đua năm 2026",
        addressee_kinds=[UnitKind.COMMUNE],
    )
    dissemination = RequirementFactory(
        directive=letter,
        ordinal="1",
        kind=RequirementKind.DISSEMINATION,
        applies_to=[UnitKind.COMMUNE],
        deadline=today - datetime.timedelta(days=30),
        quota_min=None,
        quota_max=None,
    )
    plan = RequirementFactory(
        directive=letter,
        ordinal="2",
        kind=RequirementKind.EMULATION_PLAN,
        applies_to=[UnitKind.COMMUNE],
        deadline=today - datetime.timedelta(days=20),
        quota_min=None,
        quota_max=None,
    )
    cluster = cluster_with(communes[:5], head=communes[0], deputy=communes[1], name="Cụm thi đua số 1")
    other = cluster_with(communes[5:], head=communes[5], name="Cụm thi đua số 2")
    section = SectionFactory(table=cluster.criteria_table, title="I. Thực hiện nhiệm vụ")
    criteria = {
        "dissemination": CriterionFactory(
            section=section,
            code="1",
            title="Quán triệt văn bản",
            max_points=Decimal("10"),
            evidence_kind="requirement_compliance",
            requirement=dissemination,
        ),
        "plan": CriterionFactory(
            section=section,
            code="2",
            title="Kế hoạch phát động thi đua đạt chỉ tiêu",
            max_points=Decimal("20"),
            evidence_kind="plan_achievement",
            requirement=plan,
        ),
        "free": CriterionFactory(section=section, code="3", title="Phong trào văn hóa", max_points=Decimal("10")),
    }
    extra = SectionFactory(table=cluster.criteria_table, title="II. Điểm thưởng, điểm trừ")
    criteria["bonus"] = CriterionFactory(
        section=extra, code="T1", title="Sáng kiến", kind=CriterionKind.BONUS, max_points=Decimal("4")
    )
    criteria["bonus2"] = CriterionFactory(
        section=extra, code="T2", title="Điển hình", kind=CriterionKind.BONUS, max_points=Decimal("4")
    )
    criteria["penalty"] = CriterionFactory(
        section=extra, code="Tr1", title="Vi phạm", kind=CriterionKind.PENALTY, max_points=Decimal("20")
    )
    return World(
        root=root,
        snv=snv,
        communes=communes,
        letter=letter,
        dissemination=dissemination,
        plan=plan,
        cluster=cluster,
        other=other,
        staff=make_user(unit=snv, role=Role.STAFF, username="w_staff"),
        head=make_user(unit=communes[0], username="w_head"),
        member=make_user(unit=communes[2], username="w_member"),
        outsider=make_user(unit=communes[5], username="w_outsider"),
        criteria=criteria,
    )
