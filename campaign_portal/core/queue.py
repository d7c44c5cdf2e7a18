"""Enqueueing background work after commit, without letting a dead broker break the request.

The row that describes the work (a Report "queued", a Notification not yet e-mailed) is already
committed when the message is sent; if the broker is down, the message is dropped with a warning and
a periodic task sends it again later (see reports.services.requeue_waiting_reports and
core.tasks.resend_unsent_notifications). Claims in the tasks make a second delivery harmless.
"""

import logging

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

BROKER_ERRORS = (KombuError, ConnectionError, OSError, TimeoutError)


def send_now(task, *args) -> bool:
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.warning("broker unavailable, %s%r left for the periodic re-send: %s", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    transaction.on_commit(lambda: send_now(task, *args))
