import datetime

import pytest

from campaign_portal.core.models import ReviewStatus
from projects.tests.factories import (
    CampaignFactory,
    DirectiveFactory,
    KeyWorkFactory,
    MilestoneFactory,
    RequirementFactory,
)

TODAY = datetime.date(2020, 10, 1)


@pytest.fixture
def campaign(province):
    return CampaignFactory(organiser=province.province)


@pytest.fixture
def milestone(campaign):
    return MilestoneFactory(campaign=campaign)


@pytest.fixture
def requirement(province, campaign):
    """Letter 7019, item 3: each district registers 01–02 key works."""
    directive = DirectiveFactory(number="7019/UBND-TH", issuer=province.province, campaign=campaign)
    return RequirementFactory(directive=directive)


@pytest.fixture
def work_kp(requirement, milestone, province):
    """A submitted Krông Pắc work."""
    return KeyWorkFactory(
        requirement=requirement,
        unit=province.krong_pac,
        milestone=milestone,
        status=ReviewStatus.SUBMITTED,
        registered_on=datetime.date(2019, 9, 10),
    )


@pytest.fixture
def work_bmt(requirement, milestone, province):
    return KeyWorkFactory(
        requirement=requirement,
        unit=province.bmt,
        milestone=milestone,
        status=ReviewStatus.SUBMITTED,
        name="Công viên trung tâm Buôn Ma Thuột",
        registered_on=datetime.date(2019, 9, 10),
    )
