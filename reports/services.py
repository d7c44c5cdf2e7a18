"""Writes of the reports app: requesting, building, failing and re-running reports; reminders."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import threading

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaign_portal.core.audit import audit_record
from campaign_portal.core.formatting import format_date
from campaign_portal.core.models import Unit
from campaign_portal.core.notifications import notify_unit
from campaign_portal.core.queue import enqueue_on_commit, send_now
from campaign_portal.core.text import fold
from directives import obligations
from directives.models import Campaign, Directive, DirectiveStatus, Requirement
from directives.obligations import CellState

from . import compliance, documents, emulation_memo, snapshot
from .models import ReminderKind, ReminderLog, Report, ReportFormat, ReportKind, ReportStatus
from .selectors import can_request_report, province_root, report_is_stalled, stalled_before

logger = logging.getLogger(__name__)

# A build that runs longer than this is stopped by Celery (soft limit) and marked failed.
REPORT_SOFT_TIME_LIMIT = getattr(settings, "REPORTS_SOFT_TIME_LIMIT", 600)
REPORT_TIME_LIMIT = REPORT_SOFT_TIME_LIMIT + 60
# A row still "running" this long after it started was lost (worker killed): fail_stuck_reports fails it.
STUCK_AFTER = datetime.timedelta(seconds=REPORT_TIME_LIMIT + 120)


class ReportError(Exception):
    """A problem the user must fix (no permission, nothing to report on): never retried."""


def _enqueue(report_id: int) -> None:
    from .tasks import build_report  # local import: tasks imports services (its time limits)

    # A dead broker must not turn the request into a 500: the row stays queued for requeue_waiting_reports.
    enqueue_on_commit(build_report, report_id)


def _validate_parameters(kind: str, parameters: dict) -> None:
    if kind not in ReportKind.values:
        raise ValidationError(_("Loại báo cáo không hợp lệ."))
    if kind == ReportKind.EMULATION_MEMO:
        return emulation_memo.validate(parameters)
    campaign, directive = snapshot.resolve_source(parameters)
    if campaign is None and directive is None:
        raise ValidationError(_("Cần chọn một phong trào hoặc một văn bản chỉ đạo."))
    if directive is not None and directive.status != DirectiveStatus.PUBLISHED:
        raise ValidationError(_("Văn bản chưa ban hành."))


def report_request(
    *,
    user,
    kind: str,
    fmt: str,
    scope_unit: Unit,
    parameters: dict,
    cutoff: datetime.date | None = None,
    document_number: str = "",
) -> Report:
    """Record a request and enqueue its build after commit; the requester must be allowed the scope."""
    if not can_request_report(user=user, kind=kind, scope_unit=scope_unit):
        raise PermissionDenied
    if fmt not in ReportFormat.values:
        raise ValidationError(_("Định dạng không hợp lệ."))
    _validate_parameters(kind, parameters)
    cutoff = cutoff or timezone.localdate()
    if cutoff > timezone.localdate():
        raise ValidationError(_("Ngày chốt số liệu không được sau hôm nay."))
    document_number = document_number.strip()
    with transaction.atomic():
        # Serialise one user's requests (PostgreSQL row lock), then a second click on "request" finds the first.
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        duplicate = _recent_duplicate(
            user=user,
            kind=kind,
            fmt=fmt,
            scope_unit=scope_unit,
            parameters=parameters,
            cutoff=cutoff,
            document_number=document_number,
        )
        if duplicate is not None:
            return duplicate
        report = Report(
            kind=kind,
            format=fmt,
            parameters=parameters,
            requested_by=user,
            scope_unit=scope_unit,
            cutoff=cutoff,
            document_number=document_number,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        with translation.override(settings.LANGUAGE_CODE):  # one language in the shared history
            report.title = _report_title(report)
        report.full_clean()
        report.save()
        audit_record(
            actor=user,
            action="reports.report.requested",
            obj=report,
            unit=scope_unit,
            changes={"kind": [None, kind], "format": [None, fmt]},
        )
        _enqueue(report.pk)
    return report


DUPLICATE_WINDOW = datetime.timedelta(seconds=30)


def _recent_duplicate(*, user, kind, fmt, scope_unit, parameters, cutoff, document_number) -> Report | None:
    """The same request by the same user, still waiting or running, made moments ago (a double click)."""
    candidates = Report.objects.filter(
        requested_by=user,
        kind=kind,
        format=fmt,
        scope_unit=scope_unit,
        cutoff=cutoff,
        document_number=document_number,
        status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).defer("snapshot")
    return next((r for r in candidates if r.parameters == parameters), None)


def _report_title(report: Report) -> str:
    if report.kind == ReportKind.EMULATION_MEMO:
        return emulation_memo.title(report.parameters)
    campaign, directive = snapshot.resolve_source(report.parameters)
    about = str(directive) if directive else (campaign.name if campaign else "")
    if report.kind == ReportKind.UNIT_REPORT:
        about = f"{report.scope_unit.name} · {about}"
    return about[:300]


def report_rerun(*, user, report: Report) -> Report:
    """A failed or stalled report goes back to the queue; it is rebuilt from its stored snapshot when it has one."""
    stalled = report_is_stalled(report=report)
    if report.status != ReportStatus.FAILED and not stalled:
        raise ValidationError(_("Chỉ chạy lại được báo cáo bị lỗi hoặc đã dừng giữa chừng."))
    if not can_request_report(user=user, kind=report.kind, scope_unit=report.scope_unit):
        raise PermissionDenied
    with transaction.atomic():
        rerunnable = Report.objects.filter(pk=report.pk)
        if stalled:
            rerunnable = rerunnable.filter(status=ReportStatus.RUNNING, attempts=report.attempts)
        else:
            rerunnable = rerunnable.filter(status=ReportStatus.FAILED)
        updated = rerunnable.update(status=ReportStatus.QUEUED, progress=0, error="", finished_at=None)
        if updated:
            audit_record(actor=user, action="reports.report.rerun", obj=report, unit=report.scope_unit)
            _enqueue(report.pk)
    report.refresh_from_db()
    return report


def _claim(report_id: int, *, redelivered: bool = False) -> bool:
    """queued/failed → running with one conditional UPDATE: a duplicate delivery finds nothing to claim.

    A redelivered message (its worker died mid-build: acks_late + reject_on_worker_lost) may also take
    back a "running" row, which the dead worker can no longer finish.
    """
    claimable = [ReportStatus.QUEUED, ReportStatus.FAILED] + ([ReportStatus.RUNNING] if redelivered else [])
    return bool(
        Report.objects.filter(pk=report_id, status__in=claimable).update(
            status=ReportStatus.RUNNING,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            finished_at=None,
            progress=5,
            error="",
            attempts=F("attempts") + 1,
        )
    )


def _progress(report_id: int, percent: int) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(progress=percent)


def report_fail(*, report_id: int, reason: str) -> None:
    Report.objects.filter(pk=report_id).exclude(status=ReportStatus.SUCCEEDED).update(
        status=ReportStatus.FAILED, error=reason[:2000], finished_at=timezone.now()
    )


def report_release(*, report_id: int) -> None:
    """Give a claimed row back to the queue before a retry (transient error)."""
    Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(status=ReportStatus.QUEUED, progress=0)


def _filename(report: Report) -> str:
    stem = slugify(fold(f"{ReportKind(report.kind).label} {report.scope_unit.code}"))[:80] or "bao-cao"
    return f"{stem}-{report.cutoff:%Y-%m-%d}-{report.pk}.{report.format}"


@contextlib.contextmanager
def heartbeat(report_id: int, *, attempt: int):
    """While the block runs, a thread touches the row's heartbeat_at; it stops with the block (or the process)."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.PORTAL_REPORT_HEARTBEAT_SECONDS):
                Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING, attempts=attempt).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a missed heartbeat only makes the build look stalled sooner
            logger.warning("report %s: heartbeat failed", report_id, exc_info=True)
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=beat, name=f"report-{report_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def report_build(*, report_id: int, redelivered: bool = False) -> bool:
    """Build one report: claim it, re-check permission, freeze the snapshot once, render, replace the file.

    Returns False when there was nothing to do (already running, finished or gone).
    """
    if not _claim(report_id, redelivered=redelivered):
        return False
    report = Report.objects.select_related("requested_by", "scope_unit").get(pk=report_id)
    attempt = report.attempts  # this build's claim; a later re-claim supersedes it (see _store_file)
    if report.requested_by is not None and not can_request_report(
        user=report.requested_by, kind=report.kind, scope_unit=report.scope_unit
    ):
        with translation.override(report.language):
            report_fail(report_id=report_id, reason=_("Người yêu cầu không còn quyền lập báo cáo cho phạm vi này."))
        return False
    with translation.override(report.language), heartbeat(report_id, attempt=attempt):
        if report.snapshot is None:
            data = snapshot.build(
                kind=report.kind, parameters=report.parameters, scope_unit=report.scope_unit, cutoff=report.cutoff
            )
            report.snapshot = data
            report.snapshot_sha256 = snapshot.snapshot_sha256(data)
            Report.objects.filter(pk=report_id).update(
                snapshot=data, snapshot_sha256=report.snapshot_sha256, progress=40
            )
        else:
            _progress(report_id, 40)
        content = documents.render(
            report.kind,
            report.snapshot,
            report.format,
            sha=report.snapshot_sha256,
            number=report.document_number,
            parameters=report.parameters,
        )
    _progress(report_id, 90)
    return _store_file(report, content, attempt=attempt)


def _store_file(report: Report, content: bytes, *, attempt: int) -> bool:
    """Save the new file, then delete the old one: a re-run replaces, never adds.

    Only the latest claim may store: a build overtaken by a redelivered one drops its own file.
    """
    old_name = report.file.name if report.file else ""
    report.file.save(_filename(report), ContentFile(content), save=False)
    stored = Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, attempts=attempt).update(
        file=report.file.name,
        filename=_filename(report),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=ReportStatus.SUCCEEDED,
        progress=100,
        finished_at=timezone.now(),
        error="",
    )
    if not stored:
        report.file.storage.delete(report.file.name)
        return False
    if old_name and old_name != report.file.name:
        report.file.storage.delete(old_name)
    return True


QUEUED_TOO_LONG = datetime.timedelta(hours=1)
REQUEUE_AFTER = datetime.timedelta(minutes=2)


def requeue_waiting_reports(*, now: datetime.datetime | None = None) -> int:
    """Send again the reports still queued a few minutes after their request (the broker was down)."""
    from .tasks import build_report  # local import: tasks imports services (its time limits)

    now = now or timezone.now()
    waiting = Report.objects.filter(
        status=ReportStatus.QUEUED, created_at__lt=now - REQUEUE_AFTER, created_at__gte=now - QUEUED_TOO_LONG
    ).values_list("pk", flat=True)
    return sum(send_now(build_report, pk) for pk in waiting)


MAX_ATTEMPTS = 3  # a build that lost its worker this many times (out of memory?) is failed, not retried


def requeue_stalled_reports(*, now: datetime.datetime | None = None) -> int:
    """Running reports whose build went silent (worker killed, machine lost) go back to the queue.

    Works on every broker: late acknowledgement brings the message back on Redis, but not on the
    filesystem transport of `make run`; this does not depend on the message at all. Each row is taken
    with a conditional UPDATE (same attempt, still silent), so two runs re-queue it once.
    """
    from .tasks import build_report  # local import: tasks imports services (its time limits)

    now = now or timezone.now()
    stalled = Report.objects.filter(status=ReportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stalled_before(now=now))
        | Q(heartbeat_at__isnull=True, started_at__lt=stalled_before(now=now))
    )
    requeued = 0
    for pk, attempts in stalled.values_list("pk", "attempts"):
        silent = Report.objects.filter(pk=pk, status=ReportStatus.RUNNING, attempts=attempts).filter(
            Q(heartbeat_at__lt=stalled_before(now=now)) | Q(heartbeat_at__isnull=True)
        )
        if attempts >= MAX_ATTEMPTS:
            silent.update(
                status=ReportStatus.FAILED,
                finished_at=now,
                error=_("Tiến trình lập báo cáo dừng đột ngột %(n)s lần (có thể do thiếu bộ nhớ). Hãy chạy lại.")
                % {"n": attempts},
            )
            continue
        if silent.update(status=ReportStatus.QUEUED, progress=0, heartbeat_at=None):
            logger.warning("report %s: its build went silent (attempt %s); re-queued", pk, attempts)
            requeued += send_now(build_report, pk)
    return requeued


def fail_stuck_reports(*, now: datetime.datetime | None = None) -> int:
    """Rows still "running" past the time limit were lost with their worker; rows "queued" for an hour
    never reached one (broker down when enqueued). Mark both failed so they can be re-run."""
    now = now or timezone.now()
    running = Report.objects.filter(status=ReportStatus.RUNNING, started_at__lt=now - STUCK_AFTER).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error=_("Quá thời gian cho phép (%(minutes)s phút): tiến trình lập báo cáo đã dừng. Hãy chạy lại.")
        % {"minutes": int(STUCK_AFTER.total_seconds() // 60)},
    )
    queued = Report.objects.filter(status=ReportStatus.QUEUED, created_at__lt=now - QUEUED_TOO_LONG).update(
        status=ReportStatus.FAILED,
        finished_at=now,
        error=_("Báo cáo chờ quá lâu mà chưa được lập (hàng đợi không hoạt động). Hãy chạy lại."),
    )
    return running + queued


# --- schedules ---------------------------------------------------------------------------------


def current_campaign(today: datetime.date) -> Campaign | None:
    campaigns = Campaign.objects.filter(directives__status=DirectiveStatus.PUBLISHED).distinct().order_by("-starts_on")
    running = [c for c in campaigns if c.starts_on <= today <= c.ends_on]
    return running[0] if running else campaigns.first()


def weekly_report_create(*, today: datetime.date | None = None) -> Report | None:
    """The Monday province report, stored for leaders; once per cut-off date (safe to run twice)."""
    today = today or timezone.localdate()
    campaign = current_campaign(today)
    root = province_root()
    if campaign is None or root is None:
        return None
    existing = Report.objects.filter(
        scheduled=True, kind=ReportKind.PROVINCE_COMPLIANCE, cutoff=today, parameters__campaign=campaign.pk
    ).first()
    if existing:
        return existing
    with transaction.atomic():
        report = Report(
            kind=ReportKind.PROVINCE_COMPLIANCE,
            format=ReportFormat.PDF,
            parameters={"campaign": campaign.pk},
            scope_unit=root,
            cutoff=today,
            scheduled=True,
            language=settings.LANGUAGE_CODE,
        )
        with translation.override(settings.LANGUAGE_CODE):
            report.title = _report_title(report)
        report.save()
        _enqueue(report.pk)
    return report


OVERDUE_LOOKBACK = datetime.timedelta(days=60)


def _reminder_kind(cell, today: datetime.date) -> str | None:
    deadline = cell.requirement.deadline
    if cell.state == CellState.LATE:
        return ReminderKind.OVERDUE
    if cell.state in compliance.OWING_STATES:
        return {7: ReminderKind.DAYS_7, 1: ReminderKind.DAYS_1}.get((deadline - today).days)
    return None


def _owed_url() -> str:
    try:
        return reverse("pledges:owed")
    except NoReverseMatch:
        return ""


def _reminder_message(cell, kind: str, directive_labels: dict) -> str:
    values = {
        "task": cell.requirement.short_label,
        "directive": directive_labels.get(cell.requirement.directive_id, ""),
        "deadline": format_date(cell.requirement.deadline),
    }
    if kind == ReminderKind.OVERDUE:
        return _("Quá hạn: %(task)s (%(directive)s), hạn %(deadline)s. Đề nghị đơn vị khẩn trương thực hiện.") % values
    days = 7 if kind == ReminderKind.DAYS_7 else 1
    return _("Nhắc hạn: %(task)s (%(directive)s), hạn %(deadline)s, còn %(days)s ngày.") % {**values, "days": days}


# Recurring asks and asks due N days after something: their deadlines are per period (and per unit).
_SCHEDULED = ~Q(recurrence__in=["none", ""]) | Q(relative_days__isnull=False)


def _period_reminder_kind(cell, today: datetime.date) -> str | None:
    if cell.deadline is None or not cell.is_owing:
        return None
    if cell.deadline < today:
        return ReminderKind.OVERDUE if cell.deadline >= today - OVERDUE_LOOKBACK else None
    return {7: ReminderKind.DAYS_7, 1: ReminderKind.DAYS_1}.get((cell.deadline - today).days)


def _period_reminder_message(cell, kind: str, label: str, period_label: str) -> str:
    values = {
        "task": cell.requirement.short_label,
        "directive": label,
        "period": period_label or _("một lần"),
        "deadline": format_date(cell.deadline),
    }
    if kind == ReminderKind.OVERDUE:
        return (
            _(
                "Quá hạn: %(task)s (%(directive)s), kỳ %(period)s, hạn %(deadline)s. Đề nghị đơn vị khẩn trương thực hiện."
            )
            % values
        )
    days = 7 if kind == ReminderKind.DAYS_7 else 1
    return _("Nhắc hạn: %(task)s (%(directive)s), kỳ %(period)s, hạn %(deadline)s, còn %(days)s ngày.") % {
        **values,
        "days": days,
    }


def _scheduled_reminders_send(*, today: datetime.date) -> int:
    """Reminders of recurring and relative asks: 7 days, 1 day before each period's deadline, and
    once overdue, claimed in ReminderLog per (requirement, unit, period, kind) like the others."""
    requirements = list(
        Requirement.objects.filter(directive__status=DirectiveStatus.PUBLISHED)
        .filter(_SCHEDULED)
        .select_related("directive__campaign")
    )
    if not requirements:
        return 0
    ledger = obligations.obligations(requirements=requirements, as_of=today)
    due = [(cell, kind) for cell in ledger.cells.values() if (kind := _period_reminder_kind(cell, today))]
    if not due:
        return 0
    labels = {r.directive_id: str(r.directive.number or r.directive.subject[:40]) for r in requirements}
    units = Unit.objects.in_bulk({cell.unit_id for cell, _kind in due})
    url = _owed_url()
    sent = 0
    for cell, kind in sorted(due, key=lambda item: (item[0].key.requirement_id, item[0].unit_id, item[0].key.period)):
        period_label = next((p.label for p in _cell_periods(cell) if p.key == cell.key.period), cell.key.period)
        try:
            with transaction.atomic():
                ReminderLog.objects.create(
                    requirement_id=cell.key.requirement_id, unit_id=cell.unit_id, period=cell.key.period, kind=kind
                )
                with translation.override(settings.LANGUAGE_CODE):
                    message = _period_reminder_message(cell, kind, labels[cell.requirement.directive_id], period_label)
                    notify_unit(unit=units[cell.unit_id], message=message, url=url)
        except IntegrityError:
            continue  # already sent
        sent += 1
    return sent


def _cell_periods(cell):
    return obligations.periods_for(cell.requirement, cell.unit_id) if cell.key.period else []


def deadline_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the units that still owe, 7 days and 1 day before a deadline and once when overdue.

    Each (requirement, unit, kind) is claimed in ReminderLog (unique) before the notification is
    written, in one transaction: a second run, a beat restart or a duplicate task sends nothing.
    """
    today = today or timezone.localdate()
    soon = [today + datetime.timedelta(days=7), today + datetime.timedelta(days=1)]
    requirements = list(
        Requirement.objects.filter(directive__status=DirectiveStatus.PUBLISHED)
        .exclude(_SCHEDULED)
        .filter(Q(deadline__in=soon) | Q(deadline__lt=today, deadline__gte=today - OVERDUE_LOOKBACK))
        .select_related("directive__issuer")
    )
    sent = _scheduled_reminders_send(today=today)
    if not requirements:
        return sent
    result = compliance.compute(requirements=requirements, as_of=today)
    labels = {
        d.pk: str(d.number or d.subject[:40])
        for d in Directive.objects.filter(pk__in={r.directive_id for r in requirements})
    }
    units = Unit.objects.in_bulk({c.unit_id for c in result.cells.values()})
    url = _owed_url()
    for cell in sorted(result.cells.values(), key=lambda c: (c.requirement.id, c.unit_id)):
        kind = _reminder_kind(cell, today)
        if kind is None:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(requirement_id=cell.requirement.id, unit_id=cell.unit_id, kind=kind)
                with translation.override(settings.LANGUAGE_CODE):
                    notify_unit(unit=units[cell.unit_id], message=_reminder_message(cell, kind, labels), url=url)
        except IntegrityError:
            continue  # already sent
        sent += 1
    return sent
