"""directives.schedule: periods and deadlines of recurring, fixed and relative asks."""

import datetime

import pytest

from directives import schedule
from directives.schedule import Ask, WorkCalendar

D = datetime.date


def test_a_monthly_ask_over_a_seven_month_campaign_has_seven_periods_due_on_the_20th():
    found = schedule.periods(
        Ask(recurrence="monthly", due_days="20"), span_start=D(2026, 12, 1), span_end=D(2027, 6, 30)
    )
    assert [p.label for p in found] == [
        "Tháng 12/2026", "Tháng 1/2027", "Tháng 2/2027", "Tháng 3/2027", "Tháng 4/2027", "Tháng 5/2027", "Tháng 6/2027",
    ]  # fmt: skip
    assert [p.deadline for p in found] == [
        D(2026, 12, 20), D(2027, 1, 20), D(2027, 2, 20), D(2027, 3, 20), D(2027, 4, 20), D(2027, 5, 20), D(2027, 6, 20),
    ]  # fmt: skip
    assert (found[0].start, found[0].end, found[-1].end) == (D(2026, 12, 1), D(2026, 12, 31), D(2027, 6, 30))
    assert len({p.key for p in found}) == 7


def test_a_campaign_starting_mid_month_owes_that_month_and_day_31_is_clamped():
    found = schedule.periods(
        Ask(recurrence="monthly", due_days="31"), span_start=D(2027, 1, 15), span_end=D(2027, 4, 2)
    )
    assert [p.deadline for p in found] == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]
    assert found[0].start == D(2027, 1, 15) and found[-1].end == D(2027, 4, 2)


def test_due_in_the_month_after_the_period():
    found = schedule.periods(
        Ask(recurrence="quarterly", due_days="5", due_next_period=True),
        span_start=D(2027, 1, 1),
        span_end=D(2027, 12, 31),
    )
    assert [(p.label, p.deadline) for p in found] == [
        ("Quý I/2027", D(2027, 4, 5)), ("Quý II/2027", D(2027, 7, 5)),
        ("Quý III/2027", D(2027, 10, 5)), ("Quý IV/2027", D(2028, 1, 5)),
    ]  # fmt: skip


def test_half_yearly_on_15_6_and_15_12():
    found = schedule.periods(
        Ask(recurrence="half_yearly", due_days="15/6; 15/12"), span_start=D(2026, 12, 1), span_end=D(2028, 5, 31)
    )
    assert [(p.label, p.deadline) for p in found] == [
        ("6 tháng cuối năm 2026", D(2026, 12, 15)),
        ("6 tháng đầu năm 2027", D(2027, 6, 15)),
        ("6 tháng cuối năm 2027", D(2027, 12, 15)),
        ("6 tháng đầu năm 2028", D(2028, 6, 15)),
    ]


def test_yearly_without_a_due_day_is_due_at_the_year_end_and_a_date_outside_is_the_next_one():
    plain = schedule.periods(Ask(recurrence="yearly"), span_start=D(2026, 3, 1), span_end=D(2027, 12, 31))
    assert [(p.key, p.deadline) for p in plain] == [("2026", D(2026, 12, 31)), ("2027", D(2027, 12, 31))]
    quarter = schedule.periods(
        Ask(recurrence="quarterly", due_days="10/1"), span_start=D(2027, 1, 1), span_end=D(2027, 6, 30)
    )
    assert [p.deadline for p in quarter] == [D(2027, 1, 10), D(2028, 1, 10)]


def test_a_one_time_ask_has_one_period_with_its_fixed_deadline():
    (only,) = schedule.periods(Ask(deadline=D(2026, 12, 15)), span_start=D(2026, 12, 1), span_end=D(2027, 6, 30))
    assert (only.key, only.deadline) == (schedule.ONCE, D(2026, 12, 15))


def test_a_relative_deadline_differs_for_two_units_that_confirmed_receipt_on_different_days():
    ask = Ask(relative_days=15, relative_from="receipt")
    first = schedule.periods(ask, span_start=None, span_end=None, received_on=D(2026, 12, 1))
    second = schedule.periods(ask, span_start=None, span_end=None, received_on=D(2026, 12, 4))
    not_yet = schedule.periods(ask, span_start=None, span_end=None, received_on=None)
    assert first[0].deadline == D(2026, 12, 16)  # a Wednesday
    assert second[0].deadline == D(2026, 12, 21)  # 19/12 is a Saturday: the next working day (art. 148)
    assert not_yet[0].deadline is None


def test_working_days_skip_weekends_and_tet():
    ask = Ask(relative_days=10, relative_from="signature", relative_working_days=True)
    (period,) = schedule.periods(ask, span_start=None, span_end=None, signed_on=D(2027, 2, 1))
    # 2–3/2 (Tue, Wed), then Tết 4–10/2/2027 and the weekends: 11, 12, 15, 16, 17, 18, 19, 22.
    assert period.deadline == D(2027, 2, 22)
    calendar_days = Ask(relative_days=10, relative_from="signature")
    assert schedule.periods(calendar_days, span_start=None, span_end=None, signed_on=D(2027, 2, 1))[0].deadline == D(
        2027, 2, 11
    )


def test_days_staff_entered_count_too():
    ask = Ask(relative_days=1, relative_from="publication", relative_working_days=True)
    friday = D(2026, 12, 4)
    plain = schedule.periods(ask, span_start=None, span_end=None, published_on=friday)
    extra = schedule.periods(
        ask, span_start=None, span_end=None, published_on=friday, calendar=WorkCalendar(extra_holidays=[D(2026, 12, 7)])
    )
    swapped = schedule.periods(
        ask, span_start=None, span_end=None, published_on=friday, calendar=WorkCalendar(working=[D(2026, 12, 5)])
    )
    assert (plain[0].deadline, extra[0].deadline, swapped[0].deadline) == (
        D(2026, 12, 7),
        D(2026, 12, 8),
        D(2026, 12, 5),
    )


def test_publication_falls_back_to_signature():
    ask = Ask(relative_days=3, relative_from="publication")
    assert schedule.periods(ask, span_start=None, span_end=None, signed_on=D(2026, 12, 1))[0].deadline == D(2026, 12, 4)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [("20", [(20, None)]), ("15/6; 15/12", [(15, 6), (15, 12)]), ("15/6 và 15/12", [(15, 6), (15, 12)]), ("", [])],
)
def test_due_days_text(text, parsed):
    assert schedule.parse_due_days(text) == parsed


@pytest.mark.parametrize("text", ["32", "0", "15/13", "31/4", "ngày 20", "20/"])
def test_bad_due_days_text(text):
    with pytest.raises(ValueError):
        schedule.parse_due_days(text)


def test_current_period():
    found = schedule.periods(
        Ask(recurrence="monthly", due_days="20"), span_start=D(2026, 12, 1), span_end=D(2027, 6, 30)
    )
    assert schedule.current_period(found, D(2027, 2, 10)).label == "Tháng 2/2027"
    assert schedule.current_period(found, D(2026, 11, 1)).label == "Tháng 12/2026"
    assert schedule.current_period(found, D(2027, 9, 1)).label == "Tháng 6/2027"
