import datetime

import pytest

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from reports import compliance
from reports.compliance import Filing, RequirementInfo, State, classify

from .conftest import file_work

DEADLINE = datetime.date(2019, 9, 15)


def info(quota_min=1, quota_max=2, deadline=DEADLINE):
    return RequirementInfo(
        id=1,
        directive_id=1,
        directive_label="7019/UBND-TH",
        ordinal="3",
        position=0,
        kind="key_works",
        label="Công trình trọng điểm",
        deadline=deadline,
        quota_min=quota_min,
        quota_max=quota_max,
    )


def f(status, on_time=True, pk=1):
    return Filing(kind="key_works", pk=pk, status=status, on_time=on_time)


@pytest.mark.parametrize(
    ("filings", "as_of", "expected"),
    [
        ([], DEADLINE, State.MISSING),  # the deadline day itself is still in time
        ([], DEADLINE + datetime.timedelta(days=1), State.OVERDUE),
        ([f("draft")], DEADLINE, State.DRAFT),
        ([f("draft")], DEADLINE + datetime.timedelta(days=1), State.OVERDUE),
        ([f("returned")], DEADLINE, State.RETURNED),
        ([f("returned")], DEADLINE + datetime.timedelta(days=1), State.OVERDUE),
        ([f("submitted")], DEADLINE + datetime.timedelta(days=30), State.SUBMITTED),
        ([f("accepted")], DEADLINE + datetime.timedelta(days=30), State.ACCEPTED_ON_TIME),
        ([f("accepted", on_time=False)], DEADLINE, State.ACCEPTED_LATE),
        ([f("accepted", on_time=None)], DEADLINE, State.ACCEPTED_ON_TIME),
        ([f("returned"), f("draft", pk=2)], DEADLINE, State.RETURNED),
    ],
)
def test_states_at_deadline_boundaries(filings, as_of, expected):
    assert classify(info(), filings, as_of) == expected


def test_quota_minimum_of_two_needs_two():
    requirement = info(quota_min=2, quota_max=3)
    day = DEADLINE
    assert classify(requirement, [f("accepted")], day) == State.MISSING
    assert classify(requirement, [f("accepted")], day + datetime.timedelta(days=1)) == State.OVERDUE
    assert classify(requirement, [f("accepted"), f("submitted", pk=2)], day) == State.SUBMITTED
    assert classify(requirement, [f("accepted"), f("accepted", pk=2)], day) == State.ACCEPTED_ON_TIME
    late = [f("accepted"), f("accepted", on_time=False, pk=2)]
    assert classify(requirement, late, day) == State.ACCEPTED_LATE
    assert classify(requirement, late + [f("accepted", pk=3)], day) == State.ACCEPTED_ON_TIME


def test_no_deadline_never_overdue():
    assert classify(info(deadline=None), [], datetime.date(2030, 1, 1)) == State.MISSING


def test_quota_label_and_over_quota():
    cell = compliance.Cell(requirement=info(), unit_id=1, state=State.ACCEPTED_ON_TIME, counted=3, accepted=3)
    assert cell.quota_label == "3/01–02"
    assert cell.over_quota
    assert compliance.Cell(requirement=info(), unit_id=1, state=State.MISSING).quota_label == "0/01–02"


def test_engine_over_the_registry(province, letter, django_assert_max_num_queries):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    file_work(requirement, province.bmt, status=ReviewStatus.SUBMITTED)
    file_work(requirement, province.bmt, status=ReviewStatus.WITHDRAWN)
    # requirements 1 + unit map 3 + one per registered kind + units 1
    from directives import registry

    with django_assert_max_num_queries(5 + len(registry.registered_kinds())):
        result = compliance.compute(directive=directive, as_of=datetime.date(2019, 10, 1))
    assert [u.code for u in result.units] == ["DLK-KPA", "DLK-BMT"]  # districts by sort order, then name
    kp = result.cell(requirement.pk, province.krong_pac.pk)
    assert kp.state == State.ACCEPTED_ON_TIME and kp.quota_label == "1/01–02"
    bmt = result.cell(requirement.pk, province.bmt.pk)
    assert bmt.state == State.SUBMITTED and bmt.counted == 1
    assert result.cell(requirement.pk, province.ea_kly.pk).state == State.NOT_APPLICABLE
    assert result.compliant_percent == 50.0
    assert [t.label for t in result.by_district()] == ["Krông Pắc", "Buôn Ma Thuột"]


def test_cutoff_rolls_back_later_events(province, letter):
    directive, requirement = letter
    file_work(
        requirement, province.krong_pac, submitted_on=datetime.date(2019, 9, 10), reviewed_on=datetime.date(2019, 9, 20)
    )
    before_review = compliance.compute(directive=directive, as_of=datetime.date(2019, 9, 15))
    assert before_review.cell(requirement.pk, province.krong_pac.pk).state == State.SUBMITTED
    before_submit = compliance.compute(directive=directive, as_of=datetime.date(2019, 9, 9))
    assert before_submit.cell(requirement.pk, province.krong_pac.pk).state == State.DRAFT


def test_snapshot_round_trip_gives_the_same_figures(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    result = compliance.compute(directive=directive, as_of=datetime.date(2019, 10, 1))
    again = compliance.Compliance.from_snapshot(result.to_snapshot())
    assert again.to_snapshot() == result.to_snapshot()
    assert again.compliant_percent == result.compliant_percent
    assert [t.percent for t in again.by_requirement()] == [t.percent for t in result.by_requirement()]


@pytest.mark.parametrize("extra", [0, 40])
def test_query_count_fixed_as_units_grow(province, letter, extra, django_assert_max_num_queries):
    directive, requirement = letter
    for n in range(extra):
        unit = UnitFactory(code=f"DLK-D{n:02d}", kind=UnitKind.DISTRICT, parent=province.province)
        file_work(requirement, unit, status=ReviewStatus.SUBMITTED)
    from directives import registry

    with django_assert_max_num_queries(5 + len(registry.registered_kinds())):
        result = compliance.compute(directive=directive, as_of=datetime.date(2019, 10, 1))
    assert len(result.units) == 2 + extra
