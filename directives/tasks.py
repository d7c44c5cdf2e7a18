"""Background work of directives: ids in, a service call inside."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=180)
def notify_directive_recipients(directive_id: int) -> int:
    """Notify the units a published directive is sent to; a second run finds nothing to do."""
    from .services import directive_notify_recipients  # local import: services imports this module to enqueue

    return directive_notify_recipients(directive_id=directive_id)


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=1800, time_limit=1900)
def read_directive_scan(import_id: int) -> bool:
    """OCR a scanned letter page by page into its draft directive; a second run finds it claimed."""
    from .import_services import directive_import_read_scan  # local import: import_services enqueues this task

    return directive_import_read_scan(import_id=import_id)
