import datetime

import pytest
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from projects.tests.factories import (
    CampaignFactory,
    DirectiveFactory,
    KeyWorkFactory,
    MilestoneFactory,
    RequirementFactory,
)


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def letter(province):
    """A published letter of a running campaign with a key-works requirement (01–02, by 15/09/2019)."""
    campaign = CampaignFactory()
    MilestoneFactory(campaign=campaign)
    directive = DirectiveFactory(
        campaign=campaign,
        number="7019/UBND-TH",
        issuer=province.province,
        issuer_name="Ủy ban nhân dân tỉnh",
        subject="V/v triển khai thực hiện phong trào thi đua chào mừng các ngày lễ lớn",
    )
    requirement = RequirementFactory(directive=directive, applies_to=[UnitKind.DISTRICT])
    return directive, requirement


def file_work(
    requirement,
    unit,
    *,
    status=ReviewStatus.ACCEPTED,
    submitted_on=datetime.date(2019, 9, 10),
    on_time=True,
    reviewed_on=None,
    name=None,
):
    kwargs = {"name": name} if name else {}
    return KeyWorkFactory(
        requirement=requirement,
        unit=unit,
        status=status,
        submitted_at=aware(submitted_on) if status != ReviewStatus.DRAFT else None,
        on_time=on_time if status != ReviewStatus.DRAFT else None,
        reviewed_at=aware(reviewed_on or submitted_on, 15)
        if status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED)
        else None,
        **kwargs,
    )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Report files go to a temporary MEDIA_ROOT, never into var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
