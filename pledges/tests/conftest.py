"""A published letter like 7019 with one requirement of each kind a unit files."""

import datetime
from dataclasses import dataclass

import pytest

from campaign_portal.core.models import UnitKind
from directives.models import Directive, Requirement, RequirementKind
from pledges.tests.factories import PublishedDirectiveFactory, RequirementFactory

ALL_UNITS = [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AGENCY]
THEME_UNITS = [UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.AGENCY]


@dataclass
class Letter:
    directive: Directive
    dissemination: Requirement
    plan: Requirement
    key_works: Requirement
    theme: Requirement
    difficult: Requirement


@pytest.fixture
def letter(province) -> Letter:
    directive = PublishedDirectiveFactory(
        number="7019/UBND-TH", issuer=province.province, issued_on=datetime.date(2019, 8, 27)
    )
    deadline = datetime.date(2019, 9, 30)

    def req(ordinal, kind, applies_to, **kwargs):
        return RequirementFactory(
            directive=directive, ordinal=ordinal, kind=kind, applies_to=applies_to, deadline=deadline, **kwargs
        )

    return Letter(
        directive=directive,
        dissemination=req("1", RequirementKind.DISSEMINATION, ALL_UNITS),
        plan=req("2", RequirementKind.EMULATION_PLAN, ALL_UNITS),
        key_works=req("3", RequirementKind.KEY_WORKS, [UnitKind.DISTRICT], quota_min=1, quota_max=2),
        theme=req("3", RequirementKind.BREAKTHROUGH_THEME, THEME_UNITS, quota_min=1, quota_max=2),
        difficult=req("3", RequirementKind.DIFFICULT_FIELD, THEME_UNITS, quota_min=1, quota_max=2),
    )
