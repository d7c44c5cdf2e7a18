"""A transient error, a user error and the soft time limit of the report task, through a real worker on Redis.

`report_build` is not replaced: the failure is injected below it (the renderer) or comes from the input.
The retry and the user error run in `celery_live`'s worker thread (Redis, REDIS_URL); the soft time limit
needs a prefork worker (signals), so it runs in a worker process sharing the PostgreSQL test database.
All skip locally without the services and fail in CI.
"""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from celery.signals import task_postrun, task_retry
from django.conf import settings
from django.db import OperationalError, connection

from campaign_portal.testing import require_postgresql, require_service
from reports import documents, services, tasks
from reports.models import Report, ReportKind, ReportStatus

from .conftest import file_work
from .factories import ReportFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_done(report, timeout: float) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED):
            return report
        time.sleep(0.3)
    pytest.fail(f"report still {report.status} after {timeout:.0f} s")


@pytest.fixture
def task_events():
    """What the worker did with build_report: each run (not eager, which thread) and each retry."""
    events = {"runs": [], "retries": []}

    def ran(sender=None, task=None, args=None, **kwargs):
        if sender.name == tasks.build_report.name:
            events["runs"].append((task.request.is_eager, threading.get_ident()))

    def retried(sender=None, **kwargs):
        if sender.name == tasks.build_report.name:
            events["retries"].append(str(kwargs.get("reason")))

    task_postrun.connect(ran, weak=False)
    task_retry.connect(retried, weak=False)
    yield events
    task_postrun.disconnect(ran)
    task_retry.disconnect(retried)


def request_report(leader, province, directive):
    return services.report_request(
        user=leader,
        kind=ReportKind.PROVINCE_COMPLIANCE,
        fmt="xlsx",
        scope_unit=province.province,
        parameters={"directive": directive.pk},
        cutoff=datetime.date(2019, 10, 1),
    )


def test_a_transient_error_is_retried_by_the_worker_and_the_report_completes(
    celery_live, province, leader, letter, task_events, monkeypatch
):
    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    real_render = documents.render
    calls = []

    def flaky(*args, **kwargs):
        calls.append(threading.get_ident())
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_render(*args, **kwargs)

    monkeypatch.setattr(documents, "render", flaky)
    report = wait_done(request_report(leader, province, directive), timeout=60)  # first retry after 10 s
    assert report.status == ReportStatus.SUCCEEDED, report.error
    assert len(calls) == 2 and threading.get_ident() not in calls  # rendered twice, both in the worker
    assert len(task_events["retries"]) == 1 and "server closed the connection" in task_events["retries"][0]
    assert report.attempts == 2 and report.file and report.error == ""


def test_a_user_error_fails_once_in_the_worker_and_is_not_retried(celery_live, leader, province, task_events):
    # A report with neither campaign nor directive: the input is wrong, trying again cannot help.
    report = ReportFactory(requested_by=leader, scope_unit=province.province, parameters={})
    tasks.build_report.delay(report.pk)
    report = wait_done(report, timeout=30)
    time.sleep(1)  # a retry would be scheduled at once; give the worker a moment to show one
    assert report.status == ReportStatus.FAILED and "ValueError" in report.error
    assert task_events["runs"] and all(not eager for eager, _thread in task_events["runs"])
    assert task_events["retries"] == []
    report.refresh_from_db()
    assert report.attempts == 1 and report.status == ReportStatus.FAILED


# --- the soft time limit, in a prefork worker process ------------------------------------------------

WORKER = textwrap.dedent(
    """
    import time
    import django
    django.setup()
    from reports import documents

    def stuck_render(*args, **kwargs):  # a build that never ends: only the soft time limit stops it
        time.sleep(120)

    documents.render = stuck_render
    from campaign_portal.celery import app
    app.worker_main(["worker", "--pool", "prefork", "--concurrency", "1", "--queues", "reports,celery",
                     "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--hostname", "softlimit@%h"])
    """
)


def _database_url() -> str:
    d = connection.settings_dict
    auth = d.get("USER") or "postgres"
    if d.get("PASSWORD"):
        auth += f":{d['PASSWORD']}"
    return f"postgres://{auth}@{d.get('HOST') or '127.0.0.1'}:{d.get('PORT') or 5432}/{d['NAME']}"


def test_the_soft_time_limit_stops_a_stuck_build_with_a_reason(province, leader, letter, tmp_path, monkeypatch):
    require_postgresql("the worker process shares the test database")
    redis_url = require_service("Redis", os.environ.get("REDIS_URL"))
    from campaign_portal.celery import app

    # The sender writes the task's limits into the message: a 2 s soft limit instead of 10 minutes.
    task = tasks.build_report._get_current_object()
    monkeypatch.setattr(task, "soft_time_limit", 2)
    monkeypatch.setattr(task, "time_limit", 60)
    monkeypatch.setattr(task, "_exec_options", None)  # Celery caches the options it sends on the task

    directive, requirement = letter
    file_work(requirement, province.krong_pac)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="campaign_portal.settings",
        DATABASE_URL=_database_url(),
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="0",
        MEDIA_ROOT=str(tmp_path / "media"),
        SECRET_KEY=os.environ.get("SECRET_KEY") or "test-only-worker-secret-key-0123456789abcdef",
    )
    # Messages left unacknowledged by an earlier aborted run would be restored and claim this report.
    subprocess.run(["redis-cli", "-u", redis_url, "FLUSHDB"], check=True, capture_output=True)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=Path(settings.BASE_DIR),
        env=env,
        start_new_session=True,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    old = app.conf.broker_url
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    try:
        started = time.monotonic()
        report = wait_done(request_report(leader, province, directive), timeout=60)
        assert report.status == ReportStatus.FAILED, (report.status, log.read_text(errors="replace")[-3000:])
        assert report.error == "Quá thời gian cho phép khi lập báo cáo.", report.error
        assert time.monotonic() - started < 40  # stopped by the 2 s soft limit, not the 120 s render
        assert "Soft time limit (2s) exceeded" in log.read_text(errors="replace")
    finally:
        print(log.read_text(errors="replace")[-4000:])  # shown when the test fails
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.update(broker_url=old, task_always_eager=True)
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
