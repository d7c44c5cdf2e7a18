"""A successor unit's officers read their predecessors' records (history), and cannot change them."""

import datetime

import pytest
from django.urls import reverse

from campaign_portal.core import access
from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.services import unit_set_successors
from campaign_portal.core.tests.factories import UnitFactory, make_user
from pledges.models import Dissemination
from pledges.tests.factories import DisseminationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ea_kly_2025(province):
    new = UnitFactory(
        code="24496",
        name="Xã Ea Kly",
        kind=UnitKind.COMMUNE,
        parent=province.province,
        valid_from=datetime.date(2025, 7, 1),
    )
    unit_set_successors(unit=province.ea_kly, successors=[new])
    return new


def test_successor_officer_reads_but_cannot_edit_a_2019_record(client, province, ea_kly_2025):
    record = DisseminationFactory(
        unit=province.ea_kly, status=ReviewStatus.SUBMITTED, title="Quán triệt 2019 tại Ea Kly"
    )
    draft = DisseminationFactory(unit=province.ea_kly, status=ReviewStatus.DRAFT)
    officer = make_user(unit=ea_kly_2025)
    client.force_login(officer)

    page = client.get(reverse("pledges:dissemination_detail", args=[record.pk]))
    assert page.status_code == 200 and "Quán triệt 2019 tại Ea Kly" in page.content.decode()
    assert client.get(reverse("pledges:dissemination_edit", args=[record.pk])).status_code in (403, 404)
    posted = client.post(reverse("pledges:dissemination_edit", args=[record.pk]), {"title": "Đã sửa"})
    assert posted.status_code in (403, 404)
    assert Dissemination.objects.get(pk=record.pk).title == "Quán triệt 2019 tại Ea Kly"
    # a predecessor's draft was never submitted: nobody else sees it, successors included
    assert client.get(reverse("pledges:dissemination_detail", args=[draft.pk])).status_code == 404
    assert access.can_read_unit(officer, province.ea_kly) and not access.can_write_unit(officer, province.ea_kly)


def test_an_unrelated_commune_does_not_read_the_2019_record(client, province, ea_kly_2025):
    record = DisseminationFactory(unit=province.ea_kly, status=ReviewStatus.SUBMITTED)
    other = UnitFactory(code="24502", name="Xã Ea Phê", kind=UnitKind.COMMUNE, parent=province.province)
    client.force_login(make_user(unit=other))
    assert client.get(reverse("pledges:dissemination_detail", args=[record.pk])).status_code == 404
    assert not access.can_read_unit(make_user(unit=other), province.ea_kly)


def test_history_reaches_two_generations_without_extra_queries(django_assert_num_queries, province, ea_kly_2025):
    later = UnitFactory(code="X-2030", name="Xã tương lai", kind=UnitKind.COMMUNE, parent=province.province)
    unit_set_successors(unit=ea_kly_2025, successors=[later])
    officer = make_user(unit=later)
    access.scope_for(officer)
    with django_assert_num_queries(1):  # the unit list itself; predecessors are a subquery
        names = set(access.readable_units(officer).values_list("name", flat=True))
    assert names == {"Xã tương lai", "Xã Ea Kly"} and access.readable_units(officer).count() == 3
