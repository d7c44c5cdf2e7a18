"""Background work of directives: ids in, a service call inside."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=180)
def notify_directive_recipients(directive_id: int) -> int:
    """Notify the units a published directive is sent to; a second run finds nothing to do."""
    from .services import directive_notify_recipients

    return directive_notify_recipients(directive_id=directive_id)
