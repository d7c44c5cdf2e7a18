import time

import pytest
from django.core import mail

from campaign_portal.core.models import Notification
from campaign_portal.core.tasks import send_notification_email
from campaign_portal.core.tests.factories import make_user


def test_notification_email_is_sent_once_even_if_the_task_runs_twice(province, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user(unit=province.krong_pac, username="kp1")
    note = Notification.objects.create(unit=province.krong_pac, message="Văn bản mới: 7019/UBND-TH", url="/van-ban/1/")
    assert send_notification_email(note.pk) == 1
    assert send_notification_email(note.pk) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kp1@example.test"]
    assert "7019/UBND-TH" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_a_real_worker_on_redis(celery_live, province, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user(unit=province.bmt, username="bmt1")
    note = Notification.objects.create(unit=province.bmt, message="Hồ sơ đã được chấp nhận")
    send_notification_email.delay(note.pk)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        note.refresh_from_db()
        if note.emailed_at is not None and mail.outbox:
            break
        time.sleep(0.2)
    assert note.emailed_at is not None, "the worker did not process the task"
    assert [m.to for m in mail.outbox] == [["bmt1@example.test"]]


def test_a_dead_broker_leaves_the_notification_for_the_periodic_resend(province, monkeypatch, settings):
    import datetime

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from campaign_portal.core import tasks
    from campaign_portal.core.queue import send_now

    def refuse(*args):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(tasks.send_notification_email, "delay", refuse)
    note = Notification.objects.create(unit=province.krong_pac, message="Thông báo")
    assert send_now(tasks.send_notification_email, note.pk) is False  # no exception reaches the request
    sent = []
    monkeypatch.setattr(tasks.send_notification_email, "delay", lambda pk: sent.append(pk))
    assert tasks.resend_unsent_notifications() == 0  # too fresh: its own message may still be on the way
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    assert tasks.resend_unsent_notifications() == 1 and sent == [note.pk]
