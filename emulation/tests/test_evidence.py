"""Scores proposed from evidence match the obligations engine, for every linked criterion and state."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus
from directives import obligations
from directives.obligations import CellState
from emulation import evidence, services
from emulation.models import ScoreLine
from pledges.tests.factories import DisseminationFactory, EmulationPlanFactory, TargetFactory, TargetProgressFactory

NOW = timezone.now()


def _file(factory, *, unit, requirement, status, on_time=True, days_ago=40, **kwargs):
    submitted = NOW - datetime.timedelta(days=days_ago)
    return factory(
        unit=unit,
        requirement=requirement,
        status=status,
        on_time=on_time if status != ReviewStatus.DRAFT else None,
        submitted_at=submitted if status != ReviewStatus.DRAFT else None,
        reviewed_at=submitted + datetime.timedelta(days=1)
        if status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED)
        else None,
        **kwargs,
    )


@pytest.fixture
def filed(world):
    """Five communes in five states: on time, late, awaiting review, returned, nothing filed (overdue)."""
    c = world.communes
    _file(DisseminationFactory, unit=c[0], requirement=world.dissemination, status=ReviewStatus.ACCEPTED)
    _file(DisseminationFactory, unit=c[1], requirement=world.dissemination, status=ReviewStatus.ACCEPTED, on_time=False)
    _file(DisseminationFactory, unit=c[2], requirement=world.dissemination, status=ReviewStatus.SUBMITTED)
    _file(DisseminationFactory, unit=c[3], requirement=world.dissemination, status=ReviewStatus.RETURNED)
    plan = _file(EmulationPlanFactory, unit=c[0], requirement=world.plan, status=ReviewStatus.ACCEPTED)
    half = TargetFactory(plan=plan, baseline=Decimal(50), target_value=Decimal(80))
    TargetProgressFactory(target=half, reported_on=timezone.localdate() - datetime.timedelta(days=5), actual_value=65)
    full = TargetFactory(plan=plan, baseline=Decimal(0), target_value=Decimal(100))
    TargetProgressFactory(target=full, reported_on=timezone.localdate() - datetime.timedelta(days=5), actual_value=120)
    late_plan = _file(EmulationPlanFactory, unit=c[1], requirement=world.plan, status=ReviewStatus.ACCEPTED)
    TargetFactory(plan=late_plan)  # a target never reported counts 0 %
    _file(EmulationPlanFactory, unit=c[2], requirement=world.plan, status=ReviewStatus.SUBMITTED)
    return world


def _proposals(world):
    criteria = list(world.cluster.criteria_table.sections.first().criteria.all())
    ids = [u.pk for u in world.communes[:5]]
    return evidence.propose_all(criteria, ids, as_of=timezone.localdate(), late_fraction=Decimal("0.5"))


def test_compliance_proposals_follow_the_engines_state_for_every_member(filed):
    world = filed
    ledger = obligations.obligations(requirements=[world.dissemination.pk], unit_ids=[u.pk for u in world.communes[:5]])
    states = {u.pk: ledger.get(world.dissemination.pk, u.pk) for u in world.communes[:5]}
    # The five members really are in five different states of the engine.
    assert [states[u.pk].state for u in world.communes[:5]] == [
        CellState.ACCEPTED, CellState.ACCEPTED, CellState.SENT, CellState.LATE, CellState.LATE,
    ]  # fmt: skip
    assert [states[u.pk].on_time for u in world.communes[:2]] == [True, False]
    proposals = _proposals(world)
    criterion = world.criteria["dissemination"]
    for unit in world.communes[:5]:
        cell = states[unit.pk]
        expected = (
            Decimal(10)
            if cell.state == CellState.ACCEPTED and cell.on_time
            else Decimal(5)
            if cell.state == CellState.ACCEPTED
            else Decimal(0)
        )
        assert proposals[(criterion.pk, unit.pk)].points == expected, unit.name
    assert [proposals[(criterion.pk, u.pk)].points for u in world.communes[:5]] == [10, 5, 0, 0, 0]
    assert "trễ hạn" in proposals[(criterion.pk, world.communes[1].pk)].note


def test_plan_proposal_is_the_achievement_of_its_targets(filed):
    world = filed
    proposals = _proposals(world)
    criterion = world.criteria["plan"]
    # c0: (50 % + 100 % capped) / 2 = 75 % of 20 points; c1: accepted, nothing reported; c2: not accepted yet.
    assert proposals[(criterion.pk, world.communes[0].pk)].points == Decimal("15.00")
    assert "75" in proposals[(criterion.pk, world.communes[0].pk)].note
    assert proposals[(criterion.pk, world.communes[1].pk)].points == 0
    assert proposals[(criterion.pk, world.communes[2].pk)].points == 0
    ledger = obligations.obligations(requirements=[world.plan.pk])
    assert ledger.get(world.plan.pk, world.communes[2].pk).state == CellState.SENT


def test_unlinked_and_unowed_criteria_get_no_proposal(filed):
    world = filed
    proposals = _proposals(world)
    assert all(key[0] != world.criteria["free"].pk for key in proposals)
    # A department does not owe a commune's requirement: nothing to propose.
    assert (
        evidence.propose_all(
            [world.criteria["dissemination"]], [world.snv.pk], as_of=timezone.localdate(), late_fraction=Decimal("0.5")
        )
        == {}
    )


def test_key_work_descriptor_averages_progress(world):
    from directives.models import RequirementKind
    from pledges.tests.factories import RequirementFactory
    from projects.models import KeyWork
    from projects.tests.factories import KeyWorkFactory

    works = RequirementFactory(
        directive=world.letter, kind=RequirementKind.KEY_WORKS, applies_to=["commune"], quota_min=1, quota_max=2
    )
    criterion = world.criteria["free"]
    criterion.evidence_kind, criterion.requirement = "key_work_progress", works
    criterion.save()
    for progress in (40, 80):
        KeyWorkFactory(
            unit=world.communes[0], requirement=works, status=ReviewStatus.ACCEPTED, latest_progress=progress
        )
    KeyWorkFactory(unit=world.communes[0], requirement=works, status=ReviewStatus.DRAFT, latest_progress=100)
    assert KeyWork.objects.count() == 3
    found = evidence.propose_all(
        [criterion],
        [world.communes[0].pk, world.communes[1].pk],
        as_of=timezone.localdate(),
        late_fraction=Decimal("0.5"),
    )
    assert found[(criterion.pk, world.communes[0].pk)].points == Decimal("6.00")  # 60 % of 10; the draft is ignored
    assert found[(criterion.pk, world.communes[1].pk)].points == 0


def test_opening_a_scorecard_fills_proposals_as_the_units_own_score(filed):
    world = filed
    card = services.scorecard_open(user=world.head, cluster=world.cluster)
    lines = {line.criterion_id: line for line in ScoreLine.objects.filter(scorecard=card)}
    assert lines[world.criteria["dissemination"].pk].proposed_points == 10
    assert lines[world.criteria["dissemination"].pk].self_points == 10
    assert lines[world.criteria["plan"].pk].self_points == Decimal("15.00")
    assert lines[world.criteria["free"].pk].proposed_points is None
    assert lines[world.criteria["free"].pk].self_points is None
