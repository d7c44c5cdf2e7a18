"""Background jobs of reports: ids in, a service call inside (see services.py)."""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from campaign_portal.core.periodic import periodic_task

from . import services

logger = logging.getLogger(__name__)

# Errors worth retrying: the database or the file system hiccuped. Anything else is a real failure.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=services.REPORT_SOFT_TIME_LIMIT,
    time_limit=services.REPORT_TIME_LIMIT,
)
def build_report(self, report_id: int) -> bool:
    """Build one report; safe to deliver twice (the row is claimed with a conditional UPDATE)."""
    delivery = self.request.delivery_info or {}
    redelivered = bool(delivery.get("redelivered") or getattr(self.request, "redelivered", False))
    try:
        return services.report_build(report_id=report_id, redelivered=redelivered)
    except SoftTimeLimitExceeded:
        services.report_fail(report_id=report_id, reason=_("Quá thời gian cho phép khi lập báo cáo."))
        return False
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            services.report_fail(report_id=report_id, reason=_("Lỗi tạm thời lặp lại: %(error)s") % {"error": exc})
            return False
        services.report_release(report_id=report_id)
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from exc
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        services.report_fail(report_id=report_id, reason=f"{type(exc).__name__}: {exc}")
        return False


# Periodic jobs (reports/schedules.py): each claims its run, so a second beat's send does nothing.
@periodic_task(min_gap=datetime.timedelta(minutes=4), acks_late=True, soft_time_limit=60, time_limit=90)
def fail_stuck_reports() -> int:
    return services.fail_stuck_reports()


@periodic_task(min_gap=datetime.timedelta(seconds=50), acks_late=True, soft_time_limit=60, time_limit=90)
def requeue_waiting_reports() -> int:
    return services.requeue_waiting_reports()


@periodic_task(min_gap=datetime.timedelta(seconds=12), acks_late=True, soft_time_limit=25, time_limit=30)
def requeue_stalled_reports() -> int:
    """Builds whose worker is gone (no heartbeat): back to the queue, on any broker."""
    return services.requeue_stalled_reports()


@periodic_task(min_gap=datetime.timedelta(days=1), acks_late=True, soft_time_limit=120, time_limit=180)
def weekly_province_report() -> int | None:
    report = services.weekly_report_create()
    return report.pk if report else None


@periodic_task(min_gap=datetime.timedelta(hours=12), acks_late=True, soft_time_limit=300, time_limit=360)
def send_deadline_reminders() -> int:
    return services.deadline_reminders_send()
