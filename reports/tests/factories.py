"""Factories for reports tests: directives and key works come from the projects factories."""

import datetime

import factory

from campaign_portal.core.models import UnitKind
from projects.tests.factories import (  # noqa: F401 - re-exported for the reports tests
    CampaignFactory,
    DirectiveFactory,
    KeyWorkFactory,
    MilestoneFactory,
    RequirementFactory,
)
from reports.models import Report, ReportFormat, ReportKind


class DistrictRequirementFactory(RequirementFactory):
    """Letter 7019 item 3: 01–02 key works per district, by 15/09/2019."""

    applies_to = factory.LazyFunction(lambda: [UnitKind.DISTRICT])
    deadline = datetime.date(2019, 9, 15)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    kind = ReportKind.PROVINCE_COMPLIANCE
    format = ReportFormat.PDF
    cutoff = datetime.date(2019, 10, 1)
