"""The engine's pages make at most 20 queries whatever the number of units: the matrix, the leader's
dashboard, the officer's "what my unit owes" and the directive page, each measured on its first load
after a write (nothing kept: the engine runs) and on the next one (the kept answer), at two sizes."""

import pytest
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import freshness

from .conftest import file_work

MAX_QUERIES = 20


def _grow(province, requirement, n):
    """n more districts, each with two communes; every district files (submitted or accepted)."""
    for i in range(n):
        district = UnitFactory(
            code=f"DLK-Y{i:03d}", name=f"Huyện thêm {i}", kind=UnitKind.DISTRICT, parent=province.province
        )
        for j in range(2):
            UnitFactory(code=f"DLK-Y{i:03d}-{j}", name=f"Xã thêm {i}.{j}", kind=UnitKind.COMMUNE, parent=district)
        file_work(requirement, district, status=ReviewStatus.SUBMITTED if i % 2 else ReviewStatus.ACCEPTED)


@pytest.fixture(params=[0, 25], ids=["small", "larger"])
def grown(request, province, letter):
    directive, requirement = letter
    requirement.applies_to = [UnitKind.DISTRICT, UnitKind.COMMUNE]
    requirement.save()
    file_work(requirement, province.krong_pac, name="Cầu Ea Kly mới")
    _grow(province, requirement, request.param)
    return directive


def _pages(directive):
    return {
        "matrix": ("leader", reverse("reports:matrix") + f"?directive={directive.pk}"),
        "dashboard": ("leader", reverse("reports:dashboard") + f"?directive={directive.pk}"),
        "owed": ("officer_kp", reverse("pledges:owed")),
        "directive": ("staff", reverse("directives:detail", kwargs={"pk": directive.pk})),
    }


@pytest.mark.parametrize("page", ["matrix", "dashboard", "owed", "directive"])
def test_queries_do_not_grow_with_units(
    page, grown, client_for, leader, staff, officer_kp, django_assert_max_num_queries
):
    who, url = _pages(grown)[page]
    client = client_for({"leader": leader, "staff": staff, "officer_kp": officer_kp}[who])
    assert client.get(url).status_code == 200  # warm the session
    freshness.clear()  # as after a write: nothing kept, the engine runs
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):  # the kept answer
        assert client.get(url).status_code == 200
