"""Timestamps read from PostgreSQL through the C loader (core/db.py) are the values Django would give."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from campaign_portal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader")
def test_timestamps_come_back_aware_and_equal_through_the_c_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text format
    assert loader.__name__ == "FastTimestamptzLoader" and loader.timezone == connection.timezone
    moment = datetime.datetime(2026, 12, 1, 23, 59, 58, 123456, tzinfo=datetime.UTC)
    entry = AuditEntry.objects.create(action="test", comment="giờ Việt Nam")
    AuditEntry.objects.filter(pk=entry.pk).update(at=moment)
    again = AuditEntry.objects.values_list("at", flat=True).get(pk=entry.pk)
    assert again == moment and again.tzinfo == connection.timezone
    assert timezone.localtime(again).strftime("%d/%m/%Y %H:%M") == "02/12/2026 06:59"
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", ["2019-08-27 08:00:00+07"])
        assert cursor.fetchone()[0] == datetime.datetime(2019, 8, 27, 1, 0, tzinfo=datetime.UTC)
