"""Background jobs of the core: e-mail for notifications."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Membership, Notification, Role
from .periodic import periodic_task
from .queue import send_now

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, retry_kwargs={"max_retries": 5}, soft_time_limit=60, time_limit=90
)
def send_notification_email(notification_id: int) -> int:
    """Send one notification by e-mail, once: the row is claimed with a conditional update."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return 0
    notification = Notification.objects.select_related("unit", "user").get(pk=notification_id)
    if notification.user_id:
        recipients = [notification.user.email]
    else:
        members = Membership.objects.filter(unit=notification.unit, role=Role.OFFICER).select_related("user")
        recipients = [m.user.email for m in members] + [notification.unit.email]
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    link = f"{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject="[Thi đua] " + notification.message[:120],
            message=f"{notification.message}\n\n{link}".strip(),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        # Give the claim back so the retry sends it; transient SMTP errors only.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return len(recipients)


@periodic_task(min_gap=datetime.timedelta(minutes=4), soft_time_limit=120, time_limit=180)
def resend_unsent_notifications() -> int:
    """Re-send e-mails whose message was lost (broker down when enqueued); the claim stops doubles."""
    now = timezone.now()
    waiting = Notification.objects.filter(
        emailed_at__isnull=True,
        created_at__lt=now - datetime.timedelta(minutes=5),
        created_at__gt=now - datetime.timedelta(days=2),
    ).values_list("pk", flat=True)[:500]
    return sum(send_now(send_notification_email, pk) for pk in waiting)
