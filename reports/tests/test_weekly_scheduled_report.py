"""Which campaign the Monday report covers when several run, and that leaders find it and can open it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directives.models import DirectiveStatus
from directives.tests.factories import CampaignFactory, DirectiveFactory
from reports import tasks
from reports.models import Report, ReportStatus

MONDAY = datetime.date(2019, 10, 7)


@pytest.fixture
def campaigns(province):
    """Four campaigns of the province on 07/10/2019."""

    def campaign(name, starts, ends, status=DirectiveStatus.PUBLISHED):
        made = CampaignFactory(name=name, organiser=province.province, starts_on=starts, ends_on=ends)
        DirectiveFactory(issuer=province.province, campaign=made, status=status)
        return made

    return {
        "long": campaign("Thi đua chào mừng Đại hội Đảng", datetime.date(2019, 1, 1), datetime.date(2020, 12, 31)),
        # running and started most recently: this is the one the Monday report is about
        "recent": campaign("Thi đua 45 năm giải phóng", datetime.date(2019, 9, 1), datetime.date(2020, 3, 10)),
        # started even later but its only directive is a draft: not launched yet
        "draft": campaign(
            "Thi đua chưa phát động", datetime.date(2019, 9, 20), datetime.date(2020, 1, 1), DirectiveStatus.DRAFT
        ),
        # published, started later still, but over before today
        "over": campaign("Thi đua tháng Chín", datetime.date(2019, 9, 25), datetime.date(2019, 9, 30)),
        # published but not started yet
        "future": campaign("Thi đua năm 2020", datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)),
    }


def run_weekly(monkeypatch, today, django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    with django_capture_on_commit_callbacks(execute=True):  # the build runs (eagerly) on commit
        pk = tasks.weekly_province_report()
    return Report.objects.get(pk=pk)


def test_the_weekly_report_covers_the_running_campaign_that_started_last(
    campaigns, monkeypatch, django_capture_on_commit_callbacks
):
    report = run_weekly(monkeypatch, MONDAY, django_capture_on_commit_callbacks)
    assert report.parameters == {"campaign": campaigns["recent"].pk}
    assert report.cutoff == MONDAY and report.scheduled and report.requested_by is None
    assert "Thi đua 45 năm giải phóng" in report.title


def test_with_no_campaign_running_it_covers_the_one_that_started_last(
    campaigns, monkeypatch, django_capture_on_commit_callbacks
):
    report = run_weekly(monkeypatch, datetime.date(2021, 3, 1), django_capture_on_commit_callbacks)
    assert report.parameters == {"campaign": campaigns["future"].pk}


def test_leaders_see_the_weekly_report_and_open_it(
    campaigns, leader, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    report = run_weekly(monkeypatch, MONDAY, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    client = client_for(leader)
    listing = client.get(reverse("reports:list"))
    assert listing.status_code == 200
    assert report in list(listing.context["page"])
    assert "Thi đua 45 năm giải phóng" in listing.content.decode()
    detail = client.get(reverse("reports:detail", kwargs={"pk": report.pk}))
    assert detail.status_code == 200
    download = client.get(reverse("reports:download", kwargs={"pk": report.pk}))
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body.startswith(b"%PDF-")
