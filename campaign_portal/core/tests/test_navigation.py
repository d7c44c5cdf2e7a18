"""The menu shows what the user's unit can do, and the top bar keeps the rest under "Thêm"."""

import pytest
from django.urls import reverse

from projects.tests.factories import RequirementFactory

pytestmark = pytest.mark.django_db


def _labels(page):
    context = page.context
    return [str(item["label"]) for item in context["portal_nav"] + context["portal_nav_more"]]


def test_a_commune_that_owes_no_key_works_sees_neither_key_works_nor_commune_review(client_for, officer_commune):
    RequirementFactory()  # the 2019 key-works ask: districts only
    labels = _labels(client_for(officer_commune).get(reverse("pledges:owed")))
    assert "Việc đơn vị cần làm" in labels
    assert "Công trình trọng điểm" not in labels
    assert "Duyệt hồ sơ cấp xã" not in labels


def test_a_district_that_owes_key_works_sees_them_and_reviews_its_communes(client_for, officer_kp):
    RequirementFactory()
    labels = _labels(client_for(officer_kp).get(reverse("pledges:owed")))
    assert "Công trình trọng điểm" in labels and "Duyệt hồ sơ cấp xã" in labels


def test_a_commune_addressed_by_a_key_works_ask_sees_key_works(client_for, officer_commune):
    from campaign_portal.core.models import UnitKind

    RequirementFactory(applies_to=[UnitKind.COMMUNE])
    labels = _labels(client_for(officer_commune).get(reverse("pledges:owed")))
    assert "Công trình trọng điểm" in labels and "Duyệt hồ sơ cấp xã" not in labels


def test_the_key_works_item_appears_on_the_next_page_once_an_ask_addresses_the_commune(client_for, officer_commune):
    from campaign_portal.core.models import UnitKind

    client = client_for(officer_commune)
    assert "Công trình trọng điểm" not in _labels(client.get(reverse("pledges:owed")))
    RequirementFactory(applies_to=[UnitKind.COMMUNE])  # the menu's answer is kept per data version
    assert "Công trình trọng điểm" in _labels(client.get(reverse("pledges:owed")))


def test_the_key_works_item_appears_on_the_next_page_once_the_commune_has_a_work(client_for, officer_commune):
    from projects.tests.factories import KeyWorkFactory

    requirement = RequirementFactory()  # districts only: the commune owes nothing
    client = client_for(officer_commune)
    assert "Công trình trọng điểm" not in _labels(client.get(reverse("pledges:owed")))
    KeyWorkFactory(requirement=requirement, unit=officer_commune.membership.unit)  # kept per data version
    assert "Công trình trọng điểm" in _labels(client.get(reverse("pledges:owed")))


def test_a_long_menu_keeps_four_items_in_the_bar_and_the_rest_under_more(client_for, staff):
    page = client_for(staff).get(reverse("core:audit_log"))
    # Staff have 8 items (Chờ duyệt … Nhật ký): 4 in the bar, 4 under "Thêm", the activity log among them.
    assert len(page.context["portal_nav"]) == 4 and len(page.context["portal_nav_more"]) == 4
    assert page.context["portal_nav_more_active"] is True  # the current page sits under "Thêm"
    assert "data-nav-more" in page.text and 'aria-current="page"' in page.text
