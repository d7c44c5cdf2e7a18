"""Recurring asks remind once per period; a lead-unit ask is owed, listed, shown and reported for
that unit only (its owed page, the matrix, the PDF)."""

import datetime
import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import Notification, ReviewStatus, Role, UnitKind
from campaign_portal.core.tests.factories import make_user
from directives import services as directive_services
from directives.models import RequirementKind
from directives.obligations import CellState
from directives.tests.factories import CampaignFactory, DirectiveFactory, RequirementFactory
from reports import services
from reports.models import ReminderLog, ReportFormat, ReportStatus

from .conftest import aware
from .test_documents import pdftotext, read, request

D = datetime.date


@pytest.fixture
def monthly(province):
    campaign = CampaignFactory(organiser=province.province, starts_on=D(2026, 12, 1), ends_on=D(2027, 6, 30))
    directive = DirectiveFactory(
        campaign=campaign, issuer=province.province, issued_on=D(2026, 12, 1), number="9215/UBND-NC",
        addressee_kinds=[UnitKind.DEPARTMENT],
    )  # fmt: skip
    return RequirementFactory(
        directive=directive, kind=RequirementKind.DISSEMINATION, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=None, recurrence="monthly", due_days="20", title="Báo cáo tháng",
    )  # fmt: skip


def _log():
    return sorted(ReminderLog.objects.values_list("unit__code", "period", "kind"))


def test_reminders_are_sent_once_each_per_period(province, monthly, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadline_reminders_send(today=D(2026, 12, 13)) == 2  # 7 days before 20/12, two departments
        assert services.deadline_reminders_send(today=D(2026, 12, 13)) == 0  # a second run sends nothing
        assert services.deadline_reminders_send(today=D(2026, 12, 19)) == 2  # 1 day before
        assert services.deadline_reminders_send(today=D(2026, 12, 21)) == 2  # overdue, December
        assert services.deadline_reminders_send(today=D(2026, 12, 22)) == 0  # overdue is said once
        assert services.deadline_reminders_send(today=D(2027, 1, 13)) == 2  # January's own 7 days
        assert services.deadline_reminders_send(today=D(2027, 1, 13)) == 0
    assert _log() == [
        ("DLK-SNV", "2026-12", "1d"), ("DLK-SNV", "2026-12", "7d"), ("DLK-SNV", "2026-12", "overdue"),
        ("DLK-SNV", "2027-01", "7d"),
        ("DLK-STC", "2026-12", "1d"), ("DLK-STC", "2026-12", "7d"), ("DLK-STC", "2026-12", "overdue"),
        ("DLK-STC", "2027-01", "7d"),
    ]  # fmt: skip
    notes = [n.message for n in Notification.objects.filter(unit=province.dept_finance).order_by("id")]
    assert "kỳ Tháng 12/2026, hạn 20/12/2026, còn 7 ngày" in notes[0]
    assert "Quá hạn: 1. Báo cáo tháng (9215/UBND-NC), kỳ Tháng 12/2026" in notes[2]
    assert "kỳ Tháng 1/2027, hạn 20/01/2027" in notes[3]


@pytest.fixture
def lead_letter(province, staff):
    """A published letter whose item 3 is given to Sở Tài chính (Sở Nội vụ co-operates)."""
    fields = {"doc_type": "cong_van", "number": "9216/UBND-NC", "issuer": province.province,
              "issued_on": D(2019, 9, 1), "subject": "Bố trí kinh phí khen thưởng", "body": "…",
              "addressee_kinds": [UnitKind.DEPARTMENT, UnitKind.DISTRICT]}  # fmt: skip
    rows = [
        {"ordinal": "1", "kind": "report", "title": "Báo cáo của mọi sở", "text": "Các sở báo cáo.",
         "applies_to": [UnitKind.DEPARTMENT], "deadline": D(2019, 9, 30)},
        {"ordinal": "3", "kind": "key_works", "title": "Kinh phí khen thưởng do Sở Tài chính chủ trì",
         "text": "Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ.", "applies_to": [UnitKind.DISTRICT],
         "deadline": D(2019, 9, 30), "lead_unit": province.dept_finance.pk,
         "cooperating_units": [province.dept_home_affairs.pk]},
    ]  # fmt: skip
    directive = directive_services.directive_create(user=staff, fields=fields, requirements=rows)
    return directive_services.directive_publish(user=staff, directive=directive)


LEAD_TITLE = "Kinh phí khen thưởng do Sở Tài chính chủ trì"


def test_a_lead_unit_ask_is_on_that_units_page_only(client_for, province, officer_dept, officer_kp, lead_letter):
    assert LEAD_TITLE in client_for(officer_dept).get(reverse("pledges:owed")).text
    home_affairs = make_user(unit=province.dept_home_affairs, role=Role.OFFICER, username="officer_snv")
    page = client_for(home_affairs).get(reverse("pledges:owed")).text
    assert "Báo cáo của mọi sở" in page and LEAD_TITLE not in page
    assert LEAD_TITLE not in client_for(officer_kp).get(reverse("pledges:owed")).text  # districts: not theirs


def test_a_lead_unit_ask_in_the_matrix_is_a_cell_for_that_unit_only(client_for, leader, province, lead_letter):
    from reports import selectors

    source = selectors.resolve_source(campaign_id=None, directive_id=str(lead_letter.pk), as_of="2019-10-01")
    result = selectors.compliance_for_source(source=source)
    lead = lead_letter.requirements.get(ordinal="3")
    applicable = {
        c.unit_id for c in result.cells.values() if c.requirement.id == lead.pk and c.state != "not_applicable"
    }
    assert applicable == {province.dept_finance.pk}
    page = client_for(leader).get(reverse("reports:matrix"), {"directive": lead_letter.pk}).text
    assert "Sở Tài chính" in page and "Huyện Krông Pắc" not in page  # no district owes anything here


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_lead_unit_ask_in_the_pdf_is_owed_by_that_unit_only(
    province, leader, lead_letter, django_capture_on_commit_callbacks
):
    report = request(leader, province, lead_letter, ReportFormat.PDF, capture=django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    text = pdftotext(read(report))
    assert "Sở Tài chính" in text
    assert "Huyện Krông Pắc" not in text and "Thành phố Buôn Ma Thuột" not in text


def test_the_matrix_shows_the_current_period_and_any_past_one(client_for, leader, province):
    from pledges.tests.factories import DisseminationFactory
    from reports import selectors
    from reports.tests.conftest import aware

    campaign = CampaignFactory(organiser=province.province, starts_on=D(2026, 9, 1), ends_on=D(2027, 2, 28))
    directive = DirectiveFactory(campaign=campaign, issuer=province.province, issued_on=D(2026, 9, 1),
                                 addressee_kinds=[UnitKind.DEPARTMENT])  # fmt: skip
    monthly = RequirementFactory(
        directive=directive, kind=RequirementKind.DISSEMINATION, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=None, recurrence="monthly", due_days="20", title="Báo cáo tháng",
    )  # fmt: skip
    DisseminationFactory(
        requirement=monthly, unit=province.dept_finance, status=ReviewStatus.ACCEPTED, on_time=True,
        submitted_at=aware(D(2026, 10, 10)), reviewed_at=aware(D(2026, 10, 11)),
    )  # fmt: skip

    def states(as_of):
        source = selectors.resolve_source(directive_id=str(directive.pk), as_of=as_of)
        return {c.unit_id: c.state for c in selectors.compliance_for_source(source=source).cells.values()}

    finance, home_affairs = province.dept_finance.pk, province.dept_home_affairs.pk
    assert states("15/10/2026") == {finance: "accepted", home_affairs: "not_started"}
    assert states("25/11/2026") == {finance: "late", home_affairs: "late"}  # November: nobody filed
    client = client_for(leader)
    october = client.get(reverse("reports:matrix"), {"directive": directive.pk, "as_of": "15/10/2026"}).text
    assert "Báo cáo tháng (Tháng 10/2026)" in october
    current = client.get(reverse("reports:matrix"), {"directive": directive.pk}).text
    today = min(max(timezone.localdate(), D(2026, 9, 1)), D(2027, 2, 28))  # the current period, within the campaign
    assert f"Báo cáo tháng (Tháng {today.month}/{today.year})" in current
    assert "Báo cáo tháng (Tháng 10/2026)" not in current  # October is only offered in the period picker
    dashboard = client.get(reverse("reports:dashboard"), {"directive": directive.pk, "as_of": "15/10/2026"})
    assert dashboard.status_code == 200 and "Tháng 10/2026" in dashboard.text


def test_co_operating_units_receive_and_are_notified_but_owe_nothing(
    province, staff, django_capture_on_commit_callbacks
):
    from directives.obligations import recipient_ids as directive_recipient_ids

    fields = {"doc_type": "cong_van", "number": "9217/UBND-NC", "issuer": province.province,
              "issued_on": D(2019, 9, 1), "subject": "Kinh phí", "body": "…", "addressee_units": []}  # fmt: skip
    rows = [{"ordinal": "1", "kind": "other", "title": "Kinh phí", "text": "Giao Sở Tài chính chủ trì.",
             "applies_to": [], "lead_unit": province.dept_finance.pk,
             "cooperating_units": [province.dept_home_affairs.pk]}]  # fmt: skip
    directive = directive_services.directive_create(user=staff, fields=fields, requirements=rows)
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.directive_publish(user=staff, directive=directive)
    assert set(directive_recipient_ids(directive)) == {province.dept_finance.pk, province.dept_home_affairs.pk}
    assert Notification.objects.filter(unit=province.dept_home_affairs, message__contains="9217/UBND-NC").exists()
    requirement = directive.requirements.get()
    assert set(requirement.target_units.values_list("pk", flat=True)) == {province.dept_finance.pk}


def test_the_matrix_shows_a_past_period_chosen_with_todays_filings(client_for, leader, province):
    """A report sent today for last month turns last month's cell to sent, not this month's."""
    from pledges.tests.factories import ResultReportFactory
    from reports import selectors

    today = timezone.localdate()
    index = today.year * 12 + today.month - 1
    month = lambda shift: D((index + shift) // 12, (index + shift) % 12 + 1, 1)  # noqa: E731
    campaign = CampaignFactory(organiser=province.province, starts_on=month(-3), ends_on=month(3))
    directive = DirectiveFactory(campaign=campaign, issuer=province.province, issued_on=month(-3),
                                 addressee_kinds=[UnitKind.DEPARTMENT])  # fmt: skip
    monthly = RequirementFactory(
        directive=directive, kind=RequirementKind.REPORT, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=None, deadline=None, recurrence="monthly", due_days="20", title="Báo cáo tháng",
    )  # fmt: skip
    last = f"{month(-1).year}-{month(-1).month:02d}"
    ResultReportFactory(requirement=monthly, unit=province.dept_finance, period=last, status=ReviewStatus.SUBMITTED,
                        on_time=False, title="Báo cáo tháng trước")  # fmt: skip
    finance, home_affairs = province.dept_finance.pk, province.dept_home_affairs.pk

    def states(period):
        source = selectors.resolve_source(directive_id=str(directive.pk), period=period)
        return {c.unit_id: c.state for c in selectors.compliance_for_source(source=source).cells.values()}

    assert states(last) == {finance: CellState.SENT, home_affairs: CellState.LATE}  # "Đã gửi, chờ duyệt"
    assert states("")[finance] != CellState.SENT  # this month: nothing sent yet
    assert states("1999-01")[finance] != CellState.SENT  # not one of its periods: the current one
    client = client_for(leader)
    words = f"Tháng {month(-1).month}/{month(-1).year}"
    page = client.get(reverse("reports:matrix"), {"directive": directive.pk, "period": last}).text
    assert f"Báo cáo tháng ({words})" in page and f'<option value="{last}" selected>{words}</option>' in page
    unit_page = client.get(reverse("reports:unit", kwargs={"pk": finance}), {"directive": directive.pk, "period": last})
    assert "Báo cáo tháng trước" in unit_page.text and f"kỳ {words}" in unit_page.text


def test_a_seven_month_campaign_reminds_each_month_once_each_and_not_a_period_already_sent(
    province, monthly, django_capture_on_commit_callbacks
):
    """Seven months (12/2026–06/2027), due on the 20th: per department 7 days and 1 day before, and
    once overdue, in each month; a run repeated the same day sends nothing. Sở Tài chính sends
    February's report (naming February) on 15/02: February's later reminders are not sent to it."""
    from pledges.tests.factories import ResultReportFactory

    monthly.kind = RequirementKind.REPORT
    monthly.save(update_fields=["kind"])
    ResultReportFactory(requirement=monthly, unit=province.dept_finance, period="2027-02",
                        status=ReviewStatus.SUBMITTED, submitted_at=aware(D(2027, 2, 15)))  # fmt: skip
    months = [(2026, 12), (2027, 1), (2027, 2), (2027, 3), (2027, 4), (2027, 5), (2027, 6)]
    with django_capture_on_commit_callbacks(execute=True):
        for year, month in months:
            for day in (13, 19, 21, 22):  # 7 days before the 20th, 1 day before, overdue, the day after
                services.deadline_reminders_send(today=D(year, month, day))
                assert services.deadline_reminders_send(today=D(year, month, day)) == 0  # the same day again
    logged = _log()
    keys = [f"{y}-{m:02d}" for y, m in months]
    assert [row for row in logged if row[0] == "DLK-SNV"] == [
        ("DLK-SNV", key, kind) for key in keys for kind in ("1d", "7d", "overdue")
    ]  # 21: three per month, once each
    finance = [(period, kind) for code, period, kind in logged if code == "DLK-STC"]
    assert ("2027-02", "7d") in finance and ("2027-02", "1d") not in finance and ("2027-02", "overdue") not in finance
    assert len(finance) == 19
