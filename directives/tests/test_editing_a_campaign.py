"""Editing a campaign through its page: staff change it (audited); a bad period is refused and nothing is lost."""

import datetime

import pytest
from django.urls import reverse

from campaign_portal.core.models import AuditEntry
from directives.models import Campaign
from directives.tests.factories import CampaignFactory


@pytest.fixture
def campaign(province):
    return CampaignFactory(
        name="Thi đua chào mừng Đại hội thi đua yêu nước",
        organiser=province.province,
        starts_on=datetime.date(2026, 6, 1),
        ends_on=datetime.date(2026, 12, 31),
    )


def form_data(response, **overrides) -> dict:
    """What the edit page shows, as the browser would post it back, with some fields changed."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = f"{value:%d/%m/%Y}"
        data[name] = "" if value is None else value
    return {**data, **overrides}


def test_staff_edit_a_campaign(campaign, staff, client_for):
    client = client_for(staff)
    url = reverse("directives:campaign_edit", kwargs={"pk": campaign.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Thi đua chào mừng Đại hội thi đua yêu nước" in page.content.decode()
    response = client.post(
        url, form_data(page, name="Thi đua chào mừng Đại hội thi đua yêu nước lần thứ VI", ends_on="30/06/2027")
    )
    assert response.status_code == 302
    assert response.url == reverse("directives:campaign_detail", kwargs={"pk": campaign.pk})
    campaign.refresh_from_db()
    assert campaign.name == "Thi đua chào mừng Đại hội thi đua yêu nước lần thứ VI"
    assert campaign.ends_on == datetime.date(2027, 6, 30) and campaign.starts_on == datetime.date(2026, 6, 1)
    entry = AuditEntry.objects.get(action="directives.campaign.updated")
    assert entry.actor == staff and "ends_on" in entry.changes and "name" in entry.changes
    detail = client.get(response.url).content.decode()
    assert "lần thứ VI" in detail and "30/06/2027" in detail


def test_a_period_that_ends_before_it_starts_is_refused_and_the_text_kept(campaign, staff, client_for):
    client = client_for(staff)
    url = reverse("directives:campaign_edit", kwargs={"pk": campaign.pk})
    page = client.get(url)
    response = client.post(url, form_data(page, name="Tên mới đã gõ", ends_on="01/01/2026"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Tên mới đã gõ" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "Thi đua chào mừng Đại hội thi đua yêu nước" and campaign.ends_on.year == 2026
    assert not AuditEntry.objects.filter(action="directives.campaign.updated").exists()


def test_only_staff_edit_a_campaign(campaign, leader, officer_kp, client_for):
    url = reverse("directives:campaign_edit", kwargs={"pk": campaign.pk})
    data = {"name": "Đổi tên trái phép", "starts_on": "01/06/2026", "ends_on": "31/12/2026"}
    for user in (leader, officer_kp):
        assert client_for(user).post(url, data).status_code in (403, 404)
    assert Campaign.objects.get(pk=campaign.pk).name == "Thi đua chào mừng Đại hội thi đua yêu nước"
