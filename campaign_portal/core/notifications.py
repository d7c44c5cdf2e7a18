"""In-app notifications to a unit's officers, mirrored by e-mail from a Celery task after commit."""

from django.db.models import Q

from .access import scope_for
from .models import Notification
from .queue import enqueue_on_commit
from .tasks import send_notification_email


def notify_unit(*, unit, message: str, url: str = "") -> Notification:
    notification = Notification.objects.create(unit=unit, message=message[:500], url=url[:300])
    enqueue_on_commit(send_notification_email, notification.pk)
    return notification


def notify_user(*, user, message: str, url: str = "") -> Notification:
    notification = Notification.objects.create(user=user, message=message[:500], url=url[:300])
    enqueue_on_commit(send_notification_email, notification.pk)
    return notification


def unread_for(user):
    scope = scope_for(user)
    q = Q(user=user)
    if scope.unit is not None:
        q |= Q(unit=scope.unit)
    return Notification.objects.filter(q).exclude(read_by=user)
