import datetime
import os
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from campaign_portal.core.models import Notification, ReviewStatus
from reports import services, tasks
from reports.documents.pdf import FetchRefused, html_to_pdf, safe_fetcher
from reports.models import ReminderLog, Report, ReportFormat, ReportKind, ReportStatus
from reports.schedules import ensure_schedules

from .conftest import file_work
from .factories import ReportFactory


def report_files(media) -> list:
    folder = media / "private" / "reports"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def queued(province, leader, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    return ReportFactory(
        requested_by=leader,
        scope_unit=province.province,
        parameters={"directive": directive.pk},
        format=ReportFormat.XLSX,
    )


def test_build_twice_leaves_one_file(queued, _private_media):
    assert tasks.build_report(queued.pk) is True
    assert tasks.build_report(queued.pk) is False  # a duplicate delivery finds nothing to claim
    queued.refresh_from_db()
    assert queued.status == ReportStatus.SUCCEEDED and queued.progress == 100 and queued.attempts == 1
    assert len(report_files(_private_media)) == 1


def test_rerun_replaces_the_file(queued, leader, _private_media, django_capture_on_commit_callbacks):
    tasks.build_report(queued.pk)
    queued.refresh_from_db()
    first = queued.file.name
    Report.objects.filter(pk=queued.pk).update(status=ReportStatus.FAILED, error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_rerun(user=leader, report=Report.objects.get(pk=queued.pk))
    queued.refresh_from_db()
    assert queued.status == ReportStatus.SUCCEEDED and queued.attempts == 2 and queued.error == ""
    assert queued.file.name != first
    assert [p.name for p in report_files(_private_media)] == [os.path.basename(queued.file.name)]


def test_rerun_refused_unless_failed(queued, leader):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_rerun(user=leader, report=queued)


def test_stuck_running_report_becomes_failed(queued):
    started = timezone.now() - services.STUCK_AFTER - datetime.timedelta(minutes=1)
    Report.objects.filter(pk=queued.pk).update(status=ReportStatus.RUNNING, started_at=started)
    fresh = ReportFactory(
        requested_by=queued.requested_by,
        scope_unit=queued.scope_unit,
        parameters=queued.parameters,
        status=ReportStatus.RUNNING,
    )
    Report.objects.filter(pk=fresh.pk).update(started_at=timezone.now())
    assert tasks.fail_stuck_reports() == 1
    queued.refresh_from_db()
    assert queued.status == ReportStatus.FAILED and "thời gian" in queued.error
    assert Report.objects.get(pk=fresh.pk).status == ReportStatus.RUNNING


def test_report_queued_for_an_hour_becomes_failed(queued):
    assert tasks.fail_stuck_reports() == 0  # just queued: left alone
    Report.objects.filter(pk=queued.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert tasks.fail_stuck_reports() == 1
    queued.refresh_from_db()
    assert queued.status == ReportStatus.FAILED and "hàng đợi" in queued.error


def test_build_rechecks_permission(province, officer_bmt, letter):
    directive, _ = letter
    report = ReportFactory(
        requested_by=officer_bmt, scope_unit=province.province, parameters={"directive": directive.pk}
    )
    assert tasks.build_report(report.pk) is False
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "quyền" in report.error and not report.file


def test_build_failure_is_recorded_not_raised(province, leader):
    report = ReportFactory(requested_by=leader, scope_unit=province.province, parameters={"directive": 999999})
    assert tasks.build_report(report.pk) is False
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error


def test_report_renders_in_the_requesters_language(queued):
    import io

    from docx import Document as WordDocument

    Report.objects.filter(pk=queued.pk).update(language="en", format=ReportFormat.DOCX)
    tasks.build_report(queued.pk)
    queued.refresh_from_db()
    assert queued.status == ReportStatus.SUCCEEDED
    with queued.file.open("rb") as handle:
        text = "\n".join(p.text for p in WordDocument(io.BytesIO(handle.read())).paragraphs)
    assert "REPORT" in text and "I. OVERVIEW" in text


def test_request_permissions(province, leader, officer_kp, officer_commune, letter):
    directive, _ = letter
    params = {"directive": directive.pk}
    with pytest.raises(PermissionDenied):  # an officer: no province report
        services.report_request(
            user=officer_kp,
            kind=ReportKind.PROVINCE_COMPLIANCE,
            fmt="pdf",
            scope_unit=province.province,
            parameters=params,
        )
    with pytest.raises(PermissionDenied):  # an officer: only their own unit, not a commune below
        services.report_request(
            user=officer_kp, kind=ReportKind.UNIT_REPORT, fmt="pdf", scope_unit=province.ea_kly, parameters=params
        )
    with pytest.raises(PermissionDenied):
        services.report_request(
            user=officer_commune,
            kind=ReportKind.UNIT_REPORT,
            fmt="pdf",
            scope_unit=province.krong_pac,
            parameters=params,
        )
    own = services.report_request(
        user=officer_kp, kind=ReportKind.UNIT_REPORT, fmt="pdf", scope_unit=province.krong_pac, parameters=params
    )
    assert own.status == ReportStatus.QUEUED
    assert services.report_request(
        user=leader, kind=ReportKind.PROVINCE_COMPLIANCE, fmt="xlsx", scope_unit=province.province, parameters=params
    ).pk


# --- reminders ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "kind"),
    [(datetime.date(2019, 9, 8), "7d"), (datetime.date(2019, 9, 14), "1d"), (datetime.date(2019, 9, 16), "overdue")],
)
def test_reminders_sent_once(province, letter, today, kind, django_capture_on_commit_callbacks):
    directive, requirement = letter  # deadline 15/09/2019, districts Krông Pắc and Buôn Ma Thuột
    file_work(requirement, province.krong_pac, submitted_on=datetime.date(2019, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadline_reminders_send(today=today) == 1
        assert services.deadline_reminders_send(today=today) == 0  # a second run (beat restart) sends nothing
    assert list(ReminderLog.objects.values_list("unit__code", "kind")) == [("DLK-BMT", kind)]
    notes = Notification.objects.filter(unit=province.bmt)
    assert notes.count() == 1 and "7019/UBND-TH" in notes.get().message


def test_no_reminder_on_other_days_or_when_done(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    file_work(requirement, province.bmt, status=ReviewStatus.SUBMITTED)
    assert services.deadline_reminders_send(today=datetime.date(2019, 9, 10)) == 0
    assert services.deadline_reminders_send(today=datetime.date(2019, 9, 16)) == 0  # nobody owes


def test_reminder_task_runs_twice(province, letter, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2019, 9, 16))
    assert tasks.send_deadline_reminders() == 2
    assert tasks.send_deadline_reminders() == 0
    assert ReminderLog.objects.count() == 2


def test_weekly_report_once_per_day(province, letter, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2019, 10, 7))
    first = tasks.weekly_province_report()
    assert tasks.weekly_province_report() == first
    report = Report.objects.get(pk=first)
    assert report.scheduled and report.requested_by is None and report.kind == ReportKind.PROVINCE_COMPLIANCE


def test_schedules_idempotent(db):
    from django_celery_beat.models import PeriodicTask

    ensure_schedules()
    ensure_schedules()
    weekly = PeriodicTask.objects.get(task="reports.tasks.weekly_province_report")
    assert weekly.crontab.hour == "7" and weekly.crontab.day_of_week == "1"
    assert str(weekly.crontab.timezone) == "Asia/Ho_Chi_Minh"
    assert PeriodicTask.objects.filter(task__startswith="reports.").count() == 5
    assert PeriodicTask.objects.filter(task="campaign_portal.core.tasks.resend_unsent_notifications").count() == 1


# --- WeasyPrint safety -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8105/x.png",
        "https://example.com/font.ttf",
        "file:///etc/passwd",
        "file://otherhost/work/main/static/fonts/LiberationSerif-Regular.ttf",
        "ftp://example.com/x",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(FetchRefused):
        safe_fetcher().fetch(url)


def test_fetcher_refuses_traversal_out_of_static(settings):
    from pathlib import Path

    static = Path(settings.STATICFILES_DIRS[0]).resolve()
    with pytest.raises(FetchRefused):
        safe_fetcher().fetch((static / "fonts" / ".." / ".." / "manage.py").as_uri().replace("/fonts/", "/fonts/../"))


def test_fetcher_serves_static_and_data(settings):
    from pathlib import Path

    font = Path(settings.STATICFILES_DIRS[0]).resolve() / "fonts" / "LiberationSerif-Regular.ttf"
    assert safe_fetcher().fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"
    assert safe_fetcher().fetch("data:text/plain,xin%20ch%C3%A0o").read() == "xin chào".encode()


def test_rendering_with_a_remote_resource_fails_without_network():
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError):
        html_to_pdf('<p>x</p><img src="http://169.254.169.254/latest/meta-data">')


def test_rich_text_sanitised():
    from reports.documents import sanitise_rich_text

    cleaned = sanitise_rich_text(
        '<p onclick="x()">Đề xuất <img src="http://x/y.png"><script>x</script>'
        '<a href="file:///etc/passwd" rel="attachment">tệp</a> <b>khen thưởng</b></p>'
    )
    assert cleaned == "<p>Đề xuất tệp <b>khen thưởng</b></p>"


# --- a real worker on Redis ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_real_worker_builds_the_pdf(celery_live, province, leader, letter, _private_media):
    import subprocess
    import unicodedata

    directive, requirement = letter
    file_work(requirement, province.krong_pac, name="Cầu Ea Kly mới")
    with transaction.atomic():
        report = services.report_request(
            user=leader,
            kind=ReportKind.PROVINCE_COMPLIANCE,
            fmt="pdf",
            scope_unit=province.province,
            parameters={"directive": directive.pk},
            cutoff=datetime.date(2019, 10, 1),
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_done:
            break
        time.sleep(0.5)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    with report.file.open("rb") as handle:
        data = handle.read()
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    text = " ".join(unicodedata.normalize("NFC", out).split())
    for expected in [
        "BÁO CÁO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "I. TÌNH HÌNH CHUNG",
        "Huyện Krông Pắc",
        "Thành phố Buôn Ma Thuột",
        "Cầu Ea Kly mới",
        "Đắk Lắk, ngày 01 tháng 10 năm 2019",
    ]:
        assert expected in text, expected


def test_transient_error_is_retried_then_succeeds(queued, monkeypatch):
    from django.db import OperationalError

    real = services.report_build
    calls = []

    def flaky(*, report_id, redelivered=False):
        calls.append(report_id)
        if len(calls) == 1:
            services._claim(report_id)  # it failed after claiming the row
            raise OperationalError("server closed the connection unexpectedly")
        return real(report_id=report_id)

    monkeypatch.setattr(services, "report_build", flaky)
    tasks.build_report.apply(args=[queued.pk], throw=False)  # eager apply re-runs the task on Retry
    queued.refresh_from_db()
    assert len(calls) == 2 and queued.status == ReportStatus.SUCCEEDED


def test_soft_time_limit_fails_with_a_reason(queued, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    def slow(*, report_id, redelivered=False):
        services._claim(report_id)
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(services, "report_build", slow)
    assert tasks.build_report(queued.pk) is False
    queued.refresh_from_db()
    assert queued.status == ReportStatus.FAILED and "thời gian" in queued.error


def test_user_errors_are_not_retried(queued, monkeypatch):
    calls = []

    def broken(*, report_id, redelivered=False):
        calls.append(report_id)
        raise ValueError("no campaign or directive")

    monkeypatch.setattr(services, "report_build", broken)
    assert tasks.build_report(queued.pk) is False
    queued.refresh_from_db()
    assert calls == [queued.pk] and queued.status == ReportStatus.FAILED and "ValueError" in queued.error


def test_a_redelivered_build_takes_back_the_row_its_dead_worker_left_running(queued):
    from reports.models import ReportStatus

    report = queued
    assert services._claim(report.pk)  # the first worker claimed it, then died
    assert not services._claim(report.pk), "an ordinary duplicate delivery must not take a running row"
    assert services._claim(report.pk, redelivered=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and report.attempts == 2


def test_reports_left_queued_by_a_dead_broker_are_sent_again(queued, monkeypatch):
    import datetime

    from reports import tasks

    sent = []
    monkeypatch.setattr(tasks.build_report, "delay", lambda pk: sent.append(pk))
    report = queued
    assert services.requeue_waiting_reports(now=report.created_at + datetime.timedelta(minutes=1)) == 0
    assert services.requeue_waiting_reports(now=report.created_at + datetime.timedelta(minutes=3)) == 1
    assert sent == [report.pk]
    assert services.requeue_waiting_reports(now=report.created_at + datetime.timedelta(hours=2)) == 0


def test_a_build_overtaken_by_a_redelivered_one_keeps_no_file(queued, _private_media):
    from reports.models import ReportStatus

    assert services._claim(queued.pk)
    first = Report.objects.get(pk=queued.pk)
    assert services._claim(queued.pk, redelivered=True)  # the message came back while the first still ran
    second = Report.objects.get(pk=queued.pk)
    assert services._store_file(second, b"%PDF-second", attempt=second.attempts) is True
    assert services._store_file(first, b"%PDF-first", attempt=first.attempts) is False
    queued.refresh_from_db()
    assert queued.status == ReportStatus.SUCCEEDED and queued.size == len(b"%PDF-second")
    assert len(report_files(_private_media)) == 1
