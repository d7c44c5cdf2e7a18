import datetime

import pytest

from projects.models import KeyWork, Risk, WorkStatus
from projects.rules import key_work_risk
from projects.selectors import key_works_visible_to
from projects.tests.factories import KeyWorkFactory

PLANNED = datetime.date(2020, 11, 23)


def work(**kwargs):
    defaults = {"planned_date": PLANNED, "latest_progress": 0, "work_status": WorkStatus.APPROVED, "actual_date": None}
    return KeyWork(**{**defaults, **kwargs})


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.PORTAL_KEY_WORK_RISK_DAYS = 30
    settings.PORTAL_KEY_WORK_RISK_PROGRESS = 80


@pytest.mark.parametrize(
    ("days_before", "progress", "expected"),
    [
        (31, 10, Risk.ON_TRACK),  # outside the window
        (30, 10, Risk.AT_RISK),  # exactly 30 days: inside
        (30, 79, Risk.AT_RISK),
        (30, 80, Risk.ON_TRACK),  # equal to the threshold is not "under" it
        (0, 79, Risk.AT_RISK),  # the planned day itself is not late yet
        (0, 100, Risk.ON_TRACK),
        (-1, 100, Risk.LATE),  # the day after the planned date without the ceremony
    ],
)
def test_risk_boundaries(days_before, progress, expected):
    today = PLANNED - datetime.timedelta(days=days_before)
    assert key_work_risk(work(latest_progress=progress), today) == expected


def test_risk_terminal_states():
    late_day = PLANNED + datetime.timedelta(days=5)
    assert key_work_risk(work(work_status=WorkStatus.CEREMONY_HELD, actual_date=PLANNED), late_day) == Risk.DONE
    assert key_work_risk(work(work_status=WorkStatus.CANCELLED), late_day) == Risk.CANCELLED
    assert key_work_risk(work(planned_date=None), late_day) == Risk.ON_TRACK


def test_threshold_is_a_setting(settings):
    settings.PORTAL_KEY_WORK_RISK_PROGRESS = 50
    assert key_work_risk(work(latest_progress=60), PLANNED) == Risk.ON_TRACK


@pytest.mark.parametrize("days_before", [31, 30, 0, -1])
@pytest.mark.parametrize("progress", [79, 80])
def test_sql_annotation_agrees_with_the_function(staff, requirement, days_before, progress):
    KeyWorkFactory(requirement=requirement, status="submitted", latest_progress=progress, planned_date=PLANNED)
    KeyWorkFactory(requirement=requirement, status="submitted", work_status=WorkStatus.CANCELLED, cancel_reason="x")
    KeyWorkFactory(
        requirement=requirement, status="submitted", work_status=WorkStatus.CEREMONY_HELD, actual_date=PLANNED
    )
    today = PLANNED - datetime.timedelta(days=days_before)
    rows = list(key_works_visible_to(user=staff, today=today))
    assert len(rows) == 3  # the loop below must check every work, never zero of them
    for row in rows:
        assert row.risk == key_work_risk(row, today), row
