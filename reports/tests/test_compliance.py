import datetime

import pytest

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import obligations
from directives.obligations import CellState
from reports import compliance
from reports.compliance import Filing, RequirementInfo

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


# An accepted state with whether it came in on time (shown beside the state, not a state of its own).
ACCEPTED_ON_TIME = (CellState.ACCEPTED, True)
ACCEPTED_LATE = (CellState.ACCEPTED, False)


def classify(requirement, filings, as_of):
    state, on_time = obligations.classify(requirement, filings, deadline=requirement.deadline, as_of=as_of)
    return (state, on_time) if state == CellState.ACCEPTED else state


def f(status, on_time=True, pk=1):
    return Filing(kind="key_works", pk=pk, status=status, on_time=on_time)


@pytest.mark.parametrize(
    ("filings", "as_of", "expected"),
    [
        ([], DEADLINE, CellState.NOT_STARTED),  # the deadline day itself is still in time
        ([], DEADLINE + datetime.timedelta(days=1), CellState.LATE),
        ([f("draft")], DEADLINE, CellState.DRAFT),
        ([f("draft")], DEADLINE + datetime.timedelta(days=1), CellState.LATE),
        ([f("returned")], DEADLINE, CellState.RETURNED),
        ([f("returned")], DEADLINE + datetime.timedelta(days=1), CellState.LATE),
        ([f("submitted")], DEADLINE + datetime.timedelta(days=30), CellState.SENT),
        ([f("accepted")], DEADLINE + datetime.timedelta(days=30), ACCEPTED_ON_TIME),
        ([f("accepted", on_time=False)], DEADLINE, ACCEPTED_LATE),
        ([f("accepted", on_time=None)], DEADLINE, ACCEPTED_ON_TIME),
        ([f("returned"), f("draft", pk=2)], DEADLINE, CellState.RETURNED),
    ],
)
def test_states_at_deadline_boundaries(filings, as_of, expected):
    assert classify(info(), filings, as_of) == expected


def test_quota_minimum_of_two_needs_two():
    requirement = info(quota_min=2, quota_max=3)
    day = DEADLINE
    assert classify(requirement, [f("accepted")], day) == CellState.NOT_STARTED
    assert classify(requirement, [f("accepted")], day + datetime.timedelta(days=1)) == CellState.LATE
    assert classify(requirement, [f("accepted"), f("submitted", pk=2)], day) == CellState.SENT
    assert classify(requirement, [f("accepted"), f("accepted", pk=2)], day) == ACCEPTED_ON_TIME
    late = [f("accepted"), f("accepted", on_time=False, pk=2)]
    assert classify(requirement, late, day) == ACCEPTED_LATE
    assert classify(requirement, late + [f("accepted", pk=3)], day) == ACCEPTED_ON_TIME


def test_no_deadline_never_overdue():
    assert classify(info(deadline=None), [], datetime.date(2030, 1, 1)) == CellState.NOT_STARTED


def test_quota_label_and_over_quota():
    cell = compliance.Cell(requirement=info(), unit_id=1, state=CellState.ACCEPTED, counted=3, accepted=3)
    assert cell.quota_label == "3/01–02"
    assert cell.over_quota
    assert compliance.Cell(requirement=info(), unit_id=1, state=CellState.NOT_STARTED).quota_label == "0/01–02"


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
    assert (kp.state, kp.on_time) == ACCEPTED_ON_TIME and kp.quota_label == "1/01–02"
    bmt = result.cell(requirement.pk, province.bmt.pk)
    assert bmt.state == CellState.SENT and bmt.counted == 1
    assert result.cell(requirement.pk, province.ea_kly.pk).state == CellState.NOT_APPLICABLE
    assert result.compliant_percent == 50.0
    assert [t.label for t in result.by_district()] == ["Krông Pắc", "Buôn Ma Thuột"]


def test_cutoff_rolls_back_later_events(province, letter):
    directive, requirement = letter
    file_work(
        requirement, province.krong_pac, submitted_on=datetime.date(2019, 9, 10), reviewed_on=datetime.date(2019, 9, 20)
    )
    before_review = compliance.compute(directive=directive, as_of=datetime.date(2019, 9, 15))
    assert before_review.cell(requirement.pk, province.krong_pac.pk).state == CellState.SENT
    before_submit = compliance.compute(directive=directive, as_of=datetime.date(2019, 9, 9))
    assert before_submit.cell(requirement.pk, province.krong_pac.pk).state == CellState.DRAFT


def test_snapshot_round_trip_gives_the_same_figures(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    result = compliance.compute(directive=directive, as_of=datetime.date(2019, 10, 1))
    again = compliance.Compliance.from_snapshot(result.to_snapshot())
    assert again.to_snapshot() == result.to_snapshot()
    assert again.compliant_percent == result.compliant_percent
    assert [t.percent for t in again.by_requirement()] == [t.percent for t in result.by_requirement()]


def test_a_snapshot_stored_before_the_one_glossary_reads_in_the_engines_states(province, letter):
    """Reports stored their own shown states ("missing", "accepted_late"…); they read as the engine's now."""
    directive, requirement = letter
    data = compliance.compute(directive=directive, as_of=datetime.date(2019, 10, 1)).to_snapshot()
    kp, bmt = province.krong_pac.pk, province.bmt.pk
    data["cells"] = [[requirement.pk, kp, "accepted_late", 1, 1, []], [requirement.pk, bmt, "missing", 0, 0, []]]
    old = compliance.Compliance.from_snapshot(data)
    late, missing = old.cell(requirement.pk, kp), old.cell(requirement.pk, bmt)
    assert (late.state, late.on_time, late.text) == (CellState.ACCEPTED, False, "Đã chấp nhận (trễ hạn)")
    assert missing.state == CellState.NOT_STARTED and missing.label == "Chưa thực hiện"
    assert old.total().accepted_late == 1 and old.total().done == 1


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
