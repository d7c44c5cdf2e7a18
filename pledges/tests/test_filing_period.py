"""A recurring ask's filing names the period it answers: offered by the form (what the unit still
owes, the earliest first), checked by the form and the service, counted by the engine for that
period (a November report sent in December counts for November, late after November's deadline),
shown on the record, the lists and the history."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core import review
from campaign_portal.core.audit import audit_entries_for
from campaign_portal.core.models import ReviewStatus, UnitKind
from directives import obligations, schedule
from directives.models import RequirementKind
from directives.tests.factories import CampaignFactory
from pledges import services
from pledges.models import ResultReport
from pledges.tests.factories import PublishedDirectiveFactory, RequirementFactory, ResultReportFactory
from reports.tests.conftest import aware

pytestmark = pytest.mark.django_db
D = datetime.date


def _month(day: datetime.date, shift: int) -> datetime.date:
    """The first day of the month `shift` months from `day`'s."""
    index = day.year * 12 + day.month - 1 + shift
    return D(index // 12, index % 12 + 1, 1)


def _key(day: datetime.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _monthly(province, *, starts_on, ends_on, issued_on=None, quota_max=None):
    """ "Định kỳ hằng tháng, các sở báo cáo kết quả trước ngày 20 hằng tháng" over a campaign."""
    campaign = CampaignFactory(organiser=province.province, starts_on=starts_on, ends_on=ends_on)
    directive = PublishedDirectiveFactory(
        campaign=campaign, issuer=province.province, issued_on=issued_on or starts_on,
        addressee_kinds=[UnitKind.DEPARTMENT],
    )  # fmt: skip
    return RequirementFactory(
        directive=directive, kind=RequirementKind.REPORT, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=quota_max, deadline=None, recurrence="monthly", due_days="20", title="Báo cáo tháng",
    )  # fmt: skip


@pytest.fixture
def recent(province):
    """A monthly report from two months ago to four months ahead (the form and services use today)."""
    today = timezone.localdate()
    return _monthly(province, starts_on=_month(today, -2), ends_on=_month(today, 4) - datetime.timedelta(days=1))


def _cells(requirement, unit, as_of):
    ledger = obligations.obligations(requirements=[requirement], as_of=as_of, unit_ids=[unit.pk])
    return {cell.key.period: cell for cell in ledger.periods(requirement.pk, unit.pk)}


# --- the engine counts a named period -----------------------------------------------------------


def test_a_november_report_sent_on_5_december_counts_for_november_and_is_late(province):
    ask = _monthly(province, starts_on=D(2026, 9, 1), ends_on=D(2027, 3, 31))
    unit = province.dept_finance
    sent = aware(D(2026, 12, 5))
    ResultReportFactory(requirement=ask, unit=unit, period="2026-11", status=ReviewStatus.SUBMITTED,
                        submitted_at=sent, on_time=review.is_on_time(sent, D(2026, 11, 20)))  # fmt: skip

    cells = _cells(ask, unit, D(2026, 12, 6))
    assert cells["2026-11"].state == obligations.CellState.SENT and cells["2026-11"].counted == 1
    assert cells["2026-11"].filings[0].period == "2026-11" and cells["2026-11"].filings[0].on_time is False
    assert cells["2026-12"].state == obligations.CellState.NOT_STARTED and cells["2026-12"].counted == 0
    assert cells["2026-10"].state == obligations.CellState.LATE  # October never came

    ResultReport.objects.update(status=ReviewStatus.ACCEPTED, reviewed_at=aware(D(2026, 12, 6)))
    november = _cells(ask, unit, D(2026, 12, 7))["2026-11"]
    assert november.state == obligations.CellState.ACCEPTED and november.on_time is False  # done, but late
    owed = obligations.periods_owed([ask.pk], unit.pk, as_of=D(2026, 12, 7))[ask.pk]
    assert [c.key.period for c in owed] == ["2026-09", "2026-10", "2026-12"]  # November no longer owed


def test_without_a_period_the_same_report_would_have_counted_for_december(province):
    """What the field fixes: the date alone puts a late November report in December."""
    ask = _monthly(province, starts_on=D(2026, 9, 1), ends_on=D(2027, 3, 31))
    ResultReportFactory(requirement=ask, unit=province.dept_finance, status=ReviewStatus.SUBMITTED,
                        submitted_at=aware(D(2026, 12, 5)))  # fmt: skip
    cells = _cells(ask, province.dept_finance, D(2026, 12, 6))
    assert cells["2026-11"].state == obligations.CellState.LATE and cells["2026-12"].state == "sent"


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2026-11", "Tháng 11/2026"),
        ("2027-01", "Tháng 1/2027"),
        ("2026-Q4", "Quý IV/2026"),
        ("2027-Q1", "Quý I/2027"),
        ("2026-H1", "6 tháng đầu năm 2026"),
        ("2026-H2", "6 tháng cuối năm 2026"),
        ("2026", "Năm 2026"),
        ("", ""),
    ],
)
def test_a_period_key_reads_as_people_say_it(key, label):
    assert schedule.period_label(key) == label


def test_period_labels_agree_with_the_schedule():
    """One source of words: a key's label is the label the schedule gave its period."""
    for recurrence in ("monthly", "quarterly", "half_yearly", "yearly"):
        found = schedule.periods(
            schedule.Ask(recurrence=recurrence), span_start=D(2026, 1, 1), span_end=D(2027, 12, 31)
        )
        assert [schedule.period_label(p.key) for p in found] == [p.label for p in found]


# --- sending measures on_time against the period's deadline -------------------------------------


def test_sending_last_months_report_now_is_late_for_last_month(recent, province, officer_dept):
    today = timezone.localdate()
    last = _month(today, -1)
    report = services.result_report_create(
        user=officer_dept, requirement=recent, data={"title": "Báo cáo tháng trước", "period": _key(last),
                                                     "narrative": "<p>Đã làm.</p>"},
    )  # fmt: skip
    services.submission_transition(user=officer_dept, submission=report, target=ReviewStatus.SUBMITTED)
    report.refresh_from_db()
    assert report.period == _key(last) and report.on_time is False  # last month's deadline (20th) has passed
    cells = _cells(recent, province.dept_finance, today)
    assert cells[_key(last)].state == obligations.CellState.SENT
    assert cells[_key(today)].state in (obligations.CellState.NOT_STARTED, obligations.CellState.LATE)


def test_sending_this_months_report_before_the_20th_is_on_time(province, officer_dept):
    today = timezone.localdate()
    ask = _monthly(province, starts_on=_month(today, -1), ends_on=_month(today, 3))
    report = services.result_report_create(
        user=officer_dept, requirement=ask, data={"title": "Báo cáo tháng này", "period": _key(today),
                                                  "narrative": "<p>Đã làm.</p>"},
    )  # fmt: skip
    services.submission_transition(user=officer_dept, submission=report, target=ReviewStatus.SUBMITTED)
    report.refresh_from_db()
    assert report.on_time is (today.day <= 20)


# --- services refuse what the form refuses --------------------------------------------------------


def _create(user, requirement, period, title="Báo cáo"):
    return services.result_report_create(
        user=user, requirement=requirement, data={"title": title, "period": period, "narrative": "<p>x</p>"}
    )


def _period_error(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["period"])


def test_the_service_refuses_a_missing_unknown_future_or_filed_period(recent, officer_dept):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as excinfo:
        _create(officer_dept, recent, "")
    assert "Hãy chọn kỳ" in _period_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _create(officer_dept, recent, _key(_month(today, -5)))  # before the campaign
    assert "không thuộc yêu cầu này" in _period_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _create(officer_dept, recent, "2026-Q4")  # a quarter, not a month
    assert "không thuộc yêu cầu này" in _period_error(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        _create(officer_dept, recent, _key(_month(today, 1)))  # next month
    assert "chưa bắt đầu" in _period_error(excinfo)
    _create(officer_dept, recent, _key(_month(today, -1)))
    with pytest.raises(ValidationError) as excinfo:
        _create(officer_dept, recent, _key(_month(today, -1)), title="Bản thứ hai")
    assert "đã nộp đủ hồ sơ cho kỳ" in _period_error(excinfo)
    assert ResultReport.objects.count() == 1


def test_a_maximum_of_two_per_month_allows_a_second_report_for_the_same_month(province, officer_dept):
    today = timezone.localdate()
    ask = _monthly(province, starts_on=_month(today, -2), ends_on=_month(today, 2), quota_max=2)
    _create(officer_dept, ask, _key(_month(today, -1)))
    _create(officer_dept, ask, _key(_month(today, -1)), title="Bổ sung")
    with pytest.raises(ValidationError):
        _create(officer_dept, ask, _key(_month(today, -1)), title="Thứ ba")
    _create(officer_dept, ask, _key(today), title="Tháng này")  # another month has its own quota


def test_a_one_time_ask_takes_no_period(province, officer_dept):
    directive = PublishedDirectiveFactory(issuer=province.province, issued_on=timezone.localdate(),
                                          addressee_kinds=[UnitKind.DEPARTMENT])  # fmt: skip
    once = RequirementFactory(directive=directive, kind=RequirementKind.REPORT, applies_to=[UnitKind.DEPARTMENT],
                              quota_min=None, quota_max=None, deadline=None)  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        _create(officer_dept, once, "2026-11")
    assert "không định kỳ" in _period_error(excinfo)
    assert _create(officer_dept, once, "").period == ""


def test_moving_a_report_to_another_period_is_checked_and_recorded(recent, officer_dept):
    today = timezone.localdate()
    two_ago, last = _key(_month(today, -2)), _key(_month(today, -1))
    first = _create(officer_dept, recent, two_ago)
    second = _create(officer_dept, recent, last, title="Tháng trước")
    data = {"title": first.title, "narrative": "<p>x</p>"}
    with pytest.raises(ValidationError) as excinfo:  # last month already has its report
        services.result_report_update(user=officer_dept, report=first, expected_version=first.version,
                                      data={**data, "period": last})  # fmt: skip
    assert "đã nộp đủ" in _period_error(excinfo)
    services.result_report_update(user=officer_dept, report=second, expected_version=second.version,
                                  data={"title": second.title, "narrative": "<p>x</p>", "period": last})  # fmt: skip
    ResultReport.objects.filter(pk=second.pk).delete()
    first.refresh_from_db()
    services.result_report_update(user=officer_dept, report=first, expected_version=first.version,
                                  data={**data, "period": last})  # fmt: skip
    first.refresh_from_db()
    assert first.period == last
    created, updated = _entries(first)
    assert created.changes["period"] == [None, two_ago]
    assert updated.changes["period"] == [two_ago, last]


def _entries(obj):
    entries = sorted(audit_entries_for(obj), key=lambda e: e.pk)
    return entries[0], entries[-1]


# --- the form -------------------------------------------------------------------------------------


def _create_url(requirement) -> str:
    return reverse("pledges:result_report_create", kwargs={"requirement_pk": requirement.pk})


def test_the_form_offers_the_periods_still_owed_the_earliest_first(recent, province, officer_dept, client_for):
    today = timezone.localdate()
    two_ago, last = _month(today, -2), _month(today, -1)
    ResultReportFactory(requirement=recent, unit=province.dept_finance, period=_key(two_ago),
                        status=ReviewStatus.SUBMITTED)  # fmt: skip
    client = client_for(officer_dept)
    response = client.get(_create_url(recent))
    form = response.context["form"]
    offered = [key for key, _label in form.fields["period"].widget.choices if key]
    assert offered == [_key(last), _key(today)]  # two months ago is filed; next month has not begun
    assert form.initial["period"] == _key(last)
    page = response.content.decode()
    assert f"Tháng {last.month}/{last.year} · hạn 20/{last.month:02d}/{last.year} (quá hạn)" in page
    assert "Kỳ báo cáo" in page and "Hằng tháng" in page

    linked = client.get(_create_url(recent) + f"?period={_key(today)}")
    assert linked.context["form"].initial["period"] == _key(today)  # the owed page's link for this month
    stale = client.get(_create_url(recent) + f"?period={_key(two_ago)}")
    assert stale.context["form"].initial["period"] == _key(last)  # filed already: the earliest owed instead


def test_the_owed_page_links_each_owed_period_to_the_form(recent, officer_dept, client_for):
    today = timezone.localdate()
    page = client_for(officer_dept).get(reverse("pledges:owed")).content.decode()
    for month in (_month(today, -2), _month(today, -1), today):
        assert f"{_create_url(recent)}?period={_key(month)}" in page
    assert f"?period={_key(_month(today, 1))}" not in page


def test_the_form_refuses_a_bad_period_beside_the_field_and_keeps_what_was_typed(recent, officer_dept, client_for):
    today = timezone.localdate()
    client = client_for(officer_dept)
    typed = {"title": "Báo cáo tháng của Sở Tài chính", "narrative": "<p>Nội dung dài đã gõ</p>"}
    for period, message in (
        (_key(_month(today, 2)), "chưa bắt đầu"),
        ("2019-01", "không thuộc yêu cầu này"),
        ("", "Hãy chọn kỳ"),
    ):
        response = client.post(_create_url(recent), {**typed, "period": period})
        assert response.status_code == 200
        form = response.context["form"]
        assert message in " ".join(form.errors["period"]), period
        page = response.content.decode()
        assert typed["title"] in page and "Nội dung dài đã gõ" in page
        if period:
            assert f'value="{period}" selected' in page  # the choice is kept too
    assert not ResultReport.objects.exists()

    last = _key(_month(today, -1))
    ok = client.post(_create_url(recent), {**typed, "period": last})
    report = ResultReport.objects.get()
    assert ok.status_code == 302 and report.period == last
    again = client.post(_create_url(recent), {**typed, "title": "Bản trùng kỳ", "period": last})
    assert "đã nộp đủ hồ sơ cho kỳ" in " ".join(again.context["form"].errors["period"])
    assert "Bản trùng kỳ" in again.content.decode() and ResultReport.objects.count() == 1


def test_the_period_is_shown_on_the_record_and_in_the_lists(recent, officer_dept, staff, client_for):
    today = timezone.localdate()
    last = _month(today, -1)
    report = _create(officer_dept, recent, _key(last), title="Báo cáo tháng trước")
    services.submission_transition(user=officer_dept, submission=report, target=ReviewStatus.SUBMITTED)
    words = f"Tháng {last.month}/{last.year}"
    officer = client_for(officer_dept)
    detail = officer.get(reverse("pledges:result_report_detail", args=[report.pk])).content.decode()
    assert "Kỳ báo cáo" in detail and words in detail and "Gửi trễ hạn" in detail
    assert f"kỳ {words}" in officer.get(reverse("pledges:submission_list")).content.decode()
    reviewer = client_for(staff)
    assert f"kỳ {words}" in reviewer.get(reverse("pledges:review_list")).content.decode()
    # The history's line names the period in words ("Tháng 11/2026"), never its key ("2026-11").
    assert _key(last) not in detail.replace(f'data-period="{_key(last)}"', "")
    assert detail.count(words) >= 2  # the field and the history line
