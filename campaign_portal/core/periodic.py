"""Periodic jobs that stay single under a second beat.

Exactly one beat should run (README), but after a crash an orphaned beat may live on next to a new one,
and each would send every job. A periodic task built with `periodic_task` first claims its run with one
conditional UPDATE on `PeriodicJobRun` ("last run longer ago than min_gap"): of two sends close together,
only the first does the work. Calling the function directly (tests, a shell) does not claim.
"""

import datetime
import logging

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .models import PeriodicJobRun

logger = logging.getLogger(__name__)

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def periodic_claim(job: str, *, min_gap: datetime.timedelta, now: datetime.datetime | None = None) -> bool:
    """True for the one caller that may run `job` now; False when it ran less than `min_gap` ago."""
    now = now or timezone.now()
    PeriodicJobRun.objects.get_or_create(job=job, defaults={"last_run_at": EPOCH})  # safe when both create
    claimed = PeriodicJobRun.objects.filter(job=job, last_run_at__lte=now - min_gap).update(
        last_run_at=now, runs=F("runs") + 1
    )
    if not claimed:
        PeriodicJobRun.objects.filter(job=job).update(skipped=F("skipped") + 1)
    return bool(claimed)


def periodic_task(*, min_gap: datetime.timedelta, **options):
    """`@shared_task` for a job sent by beat: runs at most once per `min_gap` (half its period)."""

    def decorator(func):
        job = f"{func.__module__}.{func.__name__}"

        def run(self, *args, **kwargs):
            if not self.request.called_directly and not periodic_claim(job, min_gap=min_gap):
                logger.warning("periodic job %s skipped: it ran less than %s ago (a second beat?)", job, min_gap)
                return None
            return func(*args, **kwargs)

        run.__doc__ = func.__doc__
        run.__name__ = func.__name__
        run.__module__ = func.__module__
        run.__qualname__ = func.__qualname__
        return shared_task(bind=True, name=job, **options)(run)

    return decorator
