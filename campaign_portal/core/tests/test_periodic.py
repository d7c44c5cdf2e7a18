"""Periodic jobs claim their run: a second beat's send of the same job does nothing."""

import datetime

import pytest
from django.utils import timezone

from campaign_portal.core.models import PeriodicJobRun
from campaign_portal.core.periodic import periodic_claim

pytestmark = pytest.mark.django_db

GAP = datetime.timedelta(minutes=4)


def test_one_claim_per_gap():
    now = timezone.now()
    assert periodic_claim("job", min_gap=GAP, now=now) is True
    assert periodic_claim("job", min_gap=GAP, now=now + datetime.timedelta(seconds=1)) is False  # the other beat
    assert periodic_claim("other job", min_gap=GAP, now=now) is True
    assert periodic_claim("job", min_gap=GAP, now=now + GAP) is True  # the next period
    run = PeriodicJobRun.objects.get(job="job")
    assert (run.runs, run.skipped) == (2, 1)


def test_a_task_sent_twice_runs_once_but_a_direct_call_always_runs(province):
    from reports import tasks

    # Sent (as by beat): the second send is skipped and returns None; the job's body did not run.
    assert tasks.fail_stuck_reports.delay().get() == 0
    assert tasks.fail_stuck_reports.delay().get() is None
    assert PeriodicJobRun.objects.get(job="reports.tasks.fail_stuck_reports").skipped == 1
    assert tasks.fail_stuck_reports() == 0  # called directly (a shell, a test): no claim
