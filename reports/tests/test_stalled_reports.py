"""A build whose worker is gone: noticed by its silent heartbeat, re-queued automatically, re-runnable by staff."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import Report, ReportFormat, ReportStatus
from reports.selectors import can_rerun_report, report_is_stalled

from .conftest import file_work
from .factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(province, staff, letter):
    """A report "running" (attempt 1) whose build has been silent for two minutes."""
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    report = ReportFactory(
        requested_by=staff,
        scope_unit=province.province,
        parameters={"directive": directive.pk},
        format=ReportFormat.XLSX,
    )
    silent_since = timezone.now() - datetime.timedelta(minutes=2)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress=5, attempts=1, started_at=silent_since, heartbeat_at=silent_since
    )
    report.refresh_from_db()
    return report


def test_a_silent_build_is_requeued_and_completes(running, _private_media, django_capture_on_commit_callbacks):
    assert report_is_stalled(report=running)
    assert services.requeue_stalled_reports() == 1  # eager here: the build runs at once
    running.refresh_from_db()
    assert running.status == ReportStatus.SUCCEEDED and running.attempts == 2 and running.file
    assert services.requeue_stalled_reports() == 0


def test_a_build_that_still_beats_is_left_alone(running):
    Report.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(seconds=5))
    assert services.requeue_stalled_reports() == 0
    running.refresh_from_db()
    assert running.status == ReportStatus.RUNNING and not report_is_stalled(report=running)


def test_a_build_that_dies_again_and_again_is_failed_with_a_reason(running):
    Report.objects.filter(pk=running.pk).update(attempts=services.MAX_ATTEMPTS)
    assert services.requeue_stalled_reports() == 0
    running.refresh_from_db()
    assert running.status == ReportStatus.FAILED and "3 lần" in running.error


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection
def test_the_heartbeat_thread_touches_the_row_while_the_build_runs(running, settings):
    settings.PORTAL_REPORT_HEARTBEAT_SECONDS = 0.2
    before = running.heartbeat_at
    with services.heartbeat(running.pk, attempt=running.attempts):
        time.sleep(0.7)
    running.refresh_from_db()
    assert running.heartbeat_at > before + datetime.timedelta(minutes=1)
    assert not report_is_stalled(report=running)


def test_staff_rerun_a_stalled_build_from_its_page(running, staff, client, django_capture_on_commit_callbacks):
    client.force_login(staff)
    page = client.get(reverse("reports:detail", kwargs={"pk": running.pk}))
    assert "Chạy lại" in page.content.decode() and "dừng giữa chừng" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:rerun", kwargs={"pk": running.pk}))
    assert response.status_code == 302
    running.refresh_from_db()
    assert running.status == ReportStatus.SUCCEEDED


def test_a_live_build_cannot_be_rerun(running, staff, officer_kp):
    Report.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now())
    running.refresh_from_db()
    assert not can_rerun_report(user=staff, report=running)
    with pytest.raises(ValidationError):
        services.report_rerun(user=staff, report=running)
    Report.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=5))
    running.refresh_from_db()
    assert can_rerun_report(user=staff, report=running) and not can_rerun_report(user=officer_kp, report=running)


def test_the_periodic_job_is_scheduled_every_30_seconds(db):
    from django_celery_beat.models import PeriodicTask

    from reports.schedules import ensure_schedules

    ensure_schedules()
    job = PeriodicTask.objects.get(task="reports.tasks.requeue_stalled_reports")
    assert (job.interval.every, job.interval.period) == (30, "seconds")
    assert tasks.requeue_stalled_reports() == 0
