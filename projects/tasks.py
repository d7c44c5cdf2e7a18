"""Background work of key works: thumbnails of site photos (ids in, a service call inside)."""

from celery import shared_task


@shared_task(soft_time_limit=60, time_limit=90, ignore_result=True)
def make_thumbnail(photo_id: int) -> None:
    from .services import photo_make_thumbnail  # local import: services imports this module to enqueue

    photo_make_thumbnail(photo_id=photo_id)
