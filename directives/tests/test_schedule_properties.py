"""Properties of directives.schedule over any dates (hypothesis): periods tile the campaign, each is
due on its day, a later receipt never gives an earlier deadline, N working days are N working days."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from directives import schedule
from directives.schedule import Ask, WorkCalendar

D = datetime.date
days = st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31))
_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@settings(deadline=None)  # the first call loads the holidays tables; the machine is shared
@given(start=days, length=st.integers(0, 900), recurrence=st.sampled_from(sorted(_MONTHS)))
def test_the_periods_tile_the_campaign_in_order(start, length, recurrence):
    end = start + datetime.timedelta(days=length)
    found = schedule.periods(Ask(recurrence=recurrence), span_start=start, span_end=end)
    assert found[0].start == start and found[-1].end == end
    for before, after in zip(found, found[1:], strict=False):
        assert after.start == before.end + datetime.timedelta(days=1)  # no gap, no overlap
    per = _MONTHS[recurrence]
    first_slot = (start.year * 12 + start.month - 1) // per
    last_slot = (end.year * 12 + end.month - 1) // per
    assert len(found) == last_slot - first_slot + 1
    assert len({p.key for p in found}) == len(found)
    assert [schedule.period_label(p.key) for p in found] == [p.label for p in found]


@settings(deadline=None)  # the first call loads the holidays tables; the machine is shared
@given(start=days, length=st.integers(0, 700), day=st.integers(1, 31))
def test_a_monthly_ask_is_due_on_its_day_of_each_month_or_the_months_last_day(start, length, day):
    end = start + datetime.timedelta(days=length)
    found = schedule.periods(Ask(recurrence="monthly", due_days=str(day)), span_start=start, span_end=end)
    assert len(found) == _months_between(start, end) + 1
    for period in found:
        year, month = map(int, period.key.split("-"))
        assert (period.deadline.year, period.deadline.month) == (year, month)
        last = (D(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
        assert period.deadline.day == min(day, last)


@settings(deadline=None)  # the first call loads the holidays tables; the machine is shared
@given(start=days, length=st.integers(0, 700), day=st.integers(1, 28))
def test_due_in_the_next_period_is_due_in_the_month_after(start, length, day):
    end = start + datetime.timedelta(days=length)
    ask = Ask(recurrence="monthly", due_days=str(day), due_next_period=True)
    for period in schedule.periods(ask, span_start=start, span_end=end):
        assert period.deadline > period.end and period.deadline.day == day
        assert _months_between(period.end, period.deadline) == 1


@settings(deadline=None)  # the first call loads the holidays tables; the machine is shared
@given(
    first=days,
    wait=st.integers(0, 60),
    count=st.integers(1, 60),
    working=st.booleans(),
)
def test_a_later_receipt_never_gives_an_earlier_deadline(first, wait, count, working):
    ask = Ask(relative_days=count, relative_from="receipt", relative_working_days=working)
    calendar = WorkCalendar()
    second = first + datetime.timedelta(days=wait)
    (early,) = schedule.periods(ask, span_start=None, span_end=None, received_on=first, calendar=calendar)
    (late,) = schedule.periods(ask, span_start=None, span_end=None, received_on=second, calendar=calendar)
    assert early.deadline <= late.deadline
    assert calendar.is_working_day(early.deadline) and early.deadline > first


@settings(deadline=None)  # the first call loads the holidays tables; the machine is shared
@given(start=days, count=st.integers(1, 40))
def test_n_working_days_are_n_working_days(start, count):
    calendar = WorkCalendar()
    due = calendar.add_working_days(start, count)
    between = [start + datetime.timedelta(days=n) for n in range(1, (due - start).days + 1)]
    assert sum(1 for day in between if calendar.is_working_day(day)) == count
    assert calendar.is_working_day(due)
