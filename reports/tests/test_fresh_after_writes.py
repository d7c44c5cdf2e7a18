"""What the engine computed is reused between page loads (directives.freshness), and every write it
reads is visible on the next page load: a filing sent, a review, a requirement edited, a unit added or
dissolved, a receipt. Each test loads the page first, so that its answer is kept, then writes."""

import datetime

import pytest
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.services import unit_upsert
from directives import freshness
from directives.models import EngineVersion
from directives.obligations import CellState
from projects.models import KeyWork
from projects.services import key_work_transition

from .conftest import file_work


def _matrix(client, directive):
    response = client.get(reverse("reports:matrix"), {"directive": directive.pk})
    assert response.status_code == 200
    return response.context["result"]


def _state(client, directive, requirement, unit) -> str:
    return _matrix(client, directive).cell(requirement.pk, unit.pk).state


@pytest.fixture
def leader_client(client_for, leader):
    return client_for(leader)


def test_a_filing_sent_then_accepted_shows_on_the_next_load(leader_client, officer_kp, staff, province, letter):
    directive, requirement = letter
    work = file_work(requirement, province.krong_pac, status=ReviewStatus.DRAFT)
    assert _state(leader_client, directive, requirement, province.krong_pac) == CellState.LATE  # a draft, past due
    key_work_transition(user=officer_kp, work=work, target=ReviewStatus.SUBMITTED)
    assert _state(leader_client, directive, requirement, province.krong_pac) == CellState.SENT
    key_work_transition(user=staff, work=KeyWork.objects.get(pk=work.pk), target=ReviewStatus.ACCEPTED)
    assert _state(leader_client, directive, requirement, province.krong_pac) == CellState.ACCEPTED
    # The dashboard and the directive page read the same kept answers: both see it too.
    dashboard = leader_client.get(reverse("reports:dashboard"), {"directive": directive.pk}).context
    assert dashboard["total"].done == 1


def test_a_requirement_edit_shows_on_the_next_load(leader_client, province, letter):
    directive, requirement = letter
    assert province.ea_kly.pk not in {u.id for u in _matrix(leader_client, directive).units}
    requirement.applies_to = [UnitKind.DISTRICT, UnitKind.COMMUNE]
    requirement.save()
    assert province.ea_kly.pk in {u.id for u in _matrix(leader_client, directive).units}
    requirement.deadline = datetime.date.today() + datetime.timedelta(days=30)
    requirement.save()
    assert _state(leader_client, directive, requirement, province.ea_kly) == CellState.NOT_STARTED  # no longer late


def test_a_unit_added_or_dissolved_shows_on_the_next_load(leader_client, province, letter):
    directive, requirement = letter
    before = {u.id for u in _matrix(leader_client, directive).units}
    assert province.bmt.pk in before
    added, _ = unit_upsert(code="DLK-CMG", name="Huyện Cư M'gar", kind=UnitKind.DISTRICT, parent=province.province)
    assert added.pk in {u.id for u in _matrix(leader_client, directive).units}
    unit_upsert(
        code=province.bmt.code,
        name=province.bmt.name,
        kind=UnitKind.DISTRICT,
        parent=province.province,
        valid_to=datetime.date(2019, 1, 1),  # dissolved before the letter: it owes nothing
    )
    assert province.bmt.pk not in {u.id for u in _matrix(leader_client, directive).units}


def test_a_write_by_another_process_is_seen_through_the_version(leader_client, province, letter):
    """Another worker's write reaches this one only through the version row it adds: without a new
    version the kept answer is served (the cache is real), with one the next load computes afresh."""
    directive, requirement = letter
    work = file_work(requirement, province.krong_pac, status=ReviewStatus.SUBMITTED)
    assert _state(leader_client, directive, requirement, province.krong_pac) == CellState.SENT
    KeyWork.objects.filter(pk=work.pk).update(status=ReviewStatus.RETURNED)  # no signal in this process
    assert _state(leader_client, directive, requirement, province.krong_pac) == CellState.SENT  # kept
    EngineVersion.objects.create()  # what the other process's write leaves
    assert _state(leader_client, directive, requirement, province.krong_pac) == CellState.LATE  # returned, past due


def test_answers_are_kept_until_a_write(leader_client, province, letter, django_assert_max_num_queries):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    first = _matrix(leader_client, directive)
    assert _matrix(leader_client, directive) is first  # the same answer, not recomputed
    freshness.bump()
    assert _matrix(leader_client, directive) is not first
