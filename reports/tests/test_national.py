"""A campaign whose letters come from several provinces (the whole country): the dashboard and the
matrix show one line per province, counted in the database; a province opens its own units."""

import pytest
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import freshness

from .conftest import file_work
from .factories import DirectiveFactory, RequirementFactory

MAX_QUERIES = 20


@pytest.fixture
def country(province, letter):
    """The letter's campaign gets a second province's letter (Gia Lai, two communes)."""
    directive, requirement = letter
    gia_lai = UnitFactory(code="GLA", name="Tỉnh Gia Lai", kind=UnitKind.PROVINCE)
    communes = [
        UnitFactory(code=f"GLA-X{i}", name=f"Xã Ia {i}", kind=UnitKind.COMMUNE, parent=gia_lai) for i in range(2)
    ]
    other = DirectiveFactory(campaign=directive.campaign, number="55/KH-UBND", issuer=gia_lai, addressee_kinds=[])
    other_requirement = RequirementFactory(directive=other, applies_to=[UnitKind.COMMUNE])
    file_work(requirement, province.krong_pac, name="Cầu Ea Kly mới")
    return {"campaign": directive.campaign, "gia_lai": gia_lai, "communes": communes, "requirement": other_requirement}


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:matrix"])
def test_one_line_per_province(name, client_for, leader, country, django_assert_max_num_queries):
    client = client_for(leader)
    url = reverse(name) + f"?campaign={country['campaign'].pk}"
    client.get(url)
    freshness.clear()  # as after a write: counted afresh
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tỉnh Gia Lai" in body and "Tỉnh Đắk Lắk" in body and "Theo tỉnh, thành phố" in body
    lines = {line.province.name: line.tally for line in response.context["lines"]}
    assert lines["Tỉnh Gia Lai"].units == 2 and lines["Tỉnh Gia Lai"].done == 0
    assert lines["Tỉnh Đắk Lắk"].done == 1  # Krông Pắc's accepted key work
    assert f"province={country['gia_lai'].pk}" in body  # each line opens its province


def test_a_province_opens_its_own_units(client_for, leader, country):
    client = client_for(leader)
    url = reverse("reports:matrix") + f"?campaign={country['campaign'].pk}&province={country['gia_lai'].pk}"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Xã Ia 0" in body and "Krông Pắc" not in body
    assert "Tỉnh Gia Lai" in response.context["source"].label


def test_a_filing_shows_on_the_next_load(client_for, leader, country):
    client = client_for(leader)
    url = reverse("reports:dashboard") + f"?campaign={country['campaign'].pk}&province="
    before = {line.province.name: line.tally for line in client.get(url).context["lines"]}
    assert before["Tỉnh Gia Lai"].done == 0
    file_work(country["requirement"], country["communes"][0], status=ReviewStatus.ACCEPTED, name="Chợ Ia")
    after = {line.province.name: line.tally for line in client.get(url).context["lines"]}
    assert after["Tỉnh Gia Lai"].done == 1 and after["Tỉnh Gia Lai"].compliant_units == 1


def test_one_province_campaign_unchanged(client_for, leader, letter):
    """A campaign of one province's letters keeps the province's own dashboard (no national lines)."""
    response = client_for(leader).get(reverse("reports:dashboard") + f"?campaign={letter[0].campaign.pk}")
    assert response.status_code == 200 and "lines" not in response.context and "focus" in response.context


def test_a_big_matrix_a_page_of_units_at_a_time(client_for, leader, country, monkeypatch):
    """Past MATRIX_PAGE_CELLS cells (a 50-ask letter of 300 units), the matrix shows a page of units."""
    from reports import views

    monkeypatch.setattr(views, "MATRIX_PAGE_CELLS", 1)
    monkeypatch.setattr(views, "MATRIX_MIN_PAGE", 1)
    client = client_for(leader)
    url = reverse("reports:matrix") + f"?campaign={country['campaign'].pk}&province={country['gia_lai'].pk}"
    first = client.get(url)
    assert [row[0].name for row in first.context["rows"]] == ["Xã Ia 0"]
    assert first.context["unit_count"] == 2 and "Trang 1/2" in first.content.decode()
    second = client.get(url + "&page=2")
    assert [row[0].name for row in second.context["rows"]] == ["Xã Ia 1"]


def test_the_country_line_adds_up_its_provinces(client_for, leader, country):
    """The whole country's line is the sum of the provinces' lines (added up once per data version)."""
    file_work(country["requirement"], country["communes"][1], status=ReviewStatus.SUBMITTED, name="Trường Ia")
    response = client_for(leader).get(reverse("reports:dashboard") + f"?campaign={country['campaign'].pk}&province=")
    total, lines = response.context["total"], [line.tally for line in response.context["lines"]]
    for name in ("units", "compliant_units", "units_late", "applicable", "done", "accepted_late"):
        assert getattr(total, name) == sum(getattr(tally, name) for tally in lines), name
    assert total.units == sum(t.units for t in lines) > 2
    assert dict(total.states) == {
        state: sum(t.states.get(state, 0) for t in lines) for state in set().union(*(t.states for t in lines))
    }
    assert total.states.get("sent") == 1  # Ia 1's work awaiting review
