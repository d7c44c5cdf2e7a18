"""Faults: a Celery worker killed mid-report, Redis down, the database connection dropped under the portal.

These need real services (PostgreSQL for a database other processes can share, the run's Redis database,
REDIS_URL): they skip locally without them and fail in CI. Marked slow.
"""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from campaign_portal.testing import require_service, require_tool

from .live import BASE_DIR, children, free_port, point_app_at, require_postgres, stop, subprocess_env, wait_for

pytestmark = [pytest.mark.slow]

DEAD_REDIS = "redis://127.0.0.1:1/6"  # nothing listens on port 1


# --- A small Letter 7019 world through the real services ----------------------------------------


@pytest.fixture
def letter(province, staff, leader, officer_kp, settings, tmp_path):
    from campaign_portal.tests.conftest import build_world

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_world(province, staff, leader, officer_kp, None)


# --- Redis down ---------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """Broker and cache both point at a closed port, as when Redis is stopped."""
    from campaign_portal.celery import app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}}
    old = app.conf.broker_url
    point_app_at(app, DEAD_REDIS, eager=False)
    yield app
    point_app_at(app, old, eager=True)


@pytest.fixture
def own_redis(settings, tmp_path):
    """A redis-server of this test's own on a free port, backing the cache and the broker; `.kill()` stops it."""
    from campaign_portal.celery import app

    binary = require_tool("redis-server")
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_for(lambda: _redis(port, "PING") == "PONG", timeout=20, what=f"redis-server on port {port}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    old = app.conf.broker_url
    point_app_at(app, url, eager=False)
    server.port = port
    try:
        yield server
    finally:
        point_app_at(app, old, eager=True)
        if server.poll() is None:
            server.kill()
        server.wait()


def _redis(port: int, *command) -> str:
    result = subprocess.run(["redis-cli", "-p", str(port), *command], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def _queued_messages(port: int) -> int:
    return sum(int(_redis(port, "LLEN", queue) or 0) for queue in ("celery", "reports"))


@pytest.mark.django_db(transaction=True)
def test_pages_work_while_redis_is_down(letter, own_redis):
    """The pages that use Redis (they enqueue work; the cache is Redis too) keep answering once it is killed.

    First the same pages are shown to really reach this Redis (their messages land in its queues);
    then the server is SIGKILLed and the pages are loaded again: no 500, nothing lost.
    """
    from django.core.cache import cache

    from directives.models import Directive, DirectiveStatus
    from directives.tests.conftest import make_letter
    from pledges.models import EmulationPlan
    from pledges.tests.factories import TargetFactory
    from reports.models import Report, ReportStatus

    draft = make_letter(letter.staff, letter.province, publish=False, number="412/UBND-TH")
    port = own_redis.port
    leader, staff, officer = Client(), Client(), Client()
    leader.force_login(letter.leader)
    staff.force_login(letter.staff)
    officer.force_login(letter.officer_kp)

    def request_report():
        return leader.post(
            reverse("reports:list"),
            {"kind": "province_compliance", "source": f"directive:{letter.directive.pk}", "format": "pdf"},
        )

    # Redis up: the cache answers and a report request is queued in this very Redis.
    cache.set("faults-probe", "up", 60)
    assert cache.get("faults-probe") == "up"
    assert request_report().status_code == 302
    assert _queued_messages(port) == 1, "the report request did not reach this Redis"

    own_redis.kill()  # Redis stops, as on a crash
    own_redis.wait()
    with pytest.raises(Exception, match="(?i)connect"):
        cache.get("faults-probe")  # it really is gone

    # 1. A leader requests a report: the page answers, the row waits "queued" for the periodic re-send.
    started = time.monotonic()
    response = request_report()
    assert response.status_code == 302, response.status_code
    assert time.monotonic() - started < 30, "the request waited too long on the dead broker"
    newest = Report.objects.filter(requested_by=letter.leader).latest("pk")
    assert newest.status == ReportStatus.QUEUED
    detail = leader.get(response.url)
    assert detail.status_code == 200 and detail.context["report"] == newest
    # 2. An officer submits a plan (reviewers are e-mailed through the queue): the submission holds.
    plan = letter.objects["draft_plan"]
    TargetFactory(plan=plan)
    response = officer.post(
        reverse("pledges:transition", kwargs={"slug": "ke-hoach", "pk": plan.pk}),
        {"target": "submitted", "version": plan.version},
    )
    assert response.status_code == 302 and EmulationPlan.objects.get(pk=plan.pk).status == "submitted"
    # 3. Staff publish a directive (its recipients are notified through the queue): it is published.
    response = staff.post(reverse("directives:publish", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    assert Directive.objects.get(pk=draft.pk).status == DirectiveStatus.PUBLISHED
    # 4. The pages everyone reads next still answer.
    for client in (leader, staff, officer):
        for name in ("home", "core:notifications", "directives:list", "pledges:owed", "projects:list"):
            response = client.get(reverse(name))
            assert response.status_code in (200, 302), (name, response.status_code)
    assert leader.get(reverse("reports:dashboard")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_form_that_enqueues_work_does_not_fail_and_the_work_is_kept(letter, redis_down):
    """A leader requests a report while Redis is down: the page answers (no 500) and the Report row is kept
    "queued"; fail_stuck_reports later turns it into a failed row the leader can re-run."""
    from reports.models import Report, ReportStatus
    from reports.services import QUEUED_TOO_LONG, fail_stuck_reports

    client = Client()
    client.force_login(letter.leader)
    started = time.monotonic()
    response = client.post(
        reverse("reports:list"),
        {"kind": "province_compliance", "source": f"directive:{letter.directive.pk}", "format": "pdf"},
    )
    assert response.status_code in (200, 302), response.status_code
    assert time.monotonic() - started < 30, "the request waited too long on the dead broker"
    report = Report.objects.get(requested_by=letter.leader)
    assert report.status == ReportStatus.QUEUED
    # Nothing is lost: after the grace period the row is failed with a reason, and can be re-run.
    fail_stuck_reports(now=report.created_at + QUEUED_TOO_LONG + datetime.timedelta(minutes=1))
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and report.error


@pytest.mark.django_db(transaction=True)
def test_submitting_a_filing_while_redis_is_down(letter, redis_down):
    """Submitting notifies the reviewers by e-mail through Celery: the submission must still go through."""
    from pledges.models import EmulationPlan
    from pledges.tests.factories import TargetFactory

    plan = letter.objects["draft_plan"]
    TargetFactory(plan=plan)
    client = Client()
    client.force_login(letter.officer_kp)
    response = client.post(
        reverse("pledges:transition", kwargs={"slug": "ke-hoach", "pk": plan.pk}),
        {"target": "submitted", "version": plan.version},
    )
    assert response.status_code in (200, 302), response.status_code
    shown = [str(m) for m in response.wsgi_request._messages] if hasattr(response, "wsgi_request") else []
    assert EmulationPlan.objects.get(pk=plan.pk).status == "submitted", shown


# --- The database connection dropped under a running portal ------------------------------------


def _up(url) -> bool:
    try:
        return _get(urllib.request.build_opener(), url) == 200
    except OSError:
        return False


def _get(opener, url) -> int:
    try:
        with opener.open(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db(transaction=True)
def test_portal_recovers_when_database_connections_are_dropped(letter, tmp_path):
    """Like a PostgreSQL restart: every server connection to the database is terminated; the next
    request reconnects by itself (CONN_HEALTH_CHECKS) instead of failing until gunicorn restarts."""
    require_postgres()
    port = free_port()
    # DEBUG=1 only to skip collectstatic (static files come from the finders); the database settings are the same.
    env = subprocess_env(DEBUG="1", ALLOWED_HOSTS="127.0.0.1", CONN_MAX_AGE="600")
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "campaign_portal.wsgi:application",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: server.poll() is not None or _up(f"{base}/healthz/"), timeout=30, what="gunicorn")
        assert server.poll() is None, server.stdout.read().decode(errors="replace")[-3000:]
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(f"{base}/dang-nhap/", timeout=20).read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        data = urllib.parse.urlencode(
            {"username": letter.officer_kp.username, "password": "demo-Password-1", "csrfmiddlewaretoken": token}
        ).encode()
        login = urllib.request.Request(f"{base}/dang-nhap/", data=data, headers={"Referer": base})  # noqa: S310 - our own server on 127.0.0.1
        opener.open(login, timeout=20)
        assert _get(opener, f"{base}/don-vi/") == 200  # a page that reads the database (the unit directory)

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] >= 1, "the portal held no connection to drop"
        statuses = [_get(opener, f"{base}/don-vi/") for _ in range(3)]
        assert statuses == [200, 200, 200], f"after the connections were dropped: {statuses}"
    finally:
        stop(server)


# --- A Celery worker killed in the middle of a report build -----------------------------------

WORKER = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from reports import documents
    original = documents.render

    def slow_render(*args, **kwargs):  # test-only delay so the kill lands mid-build
        time.sleep(float(sys.argv[1]))
        return original(*args, **kwargs)

    documents.render = slow_render
    from campaign_portal.celery import app
    app.conf.broker_transport_options = {"visibility_timeout": 15}
    app.worker_main(["worker", "--pool", "prefork", "--concurrency", "1", "--queues", "reports,celery",
                     "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--hostname", "faults6@%h"])
    """
)


def _start_worker(env, delay: float, log: Path):
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(delay)],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True)
def test_report_completes_once_after_its_worker_is_killed(letter, tmp_path, settings):
    """The pool process building a report is killed (as by the OOM killer): with acks_late and
    reject_on_worker_lost the job is delivered again and the report completes, once, with one file."""
    require_postgres()
    redis_url = require_service("Redis", os.environ.get("REDIS_URL"))  # the run's (this worker's) own database
    from campaign_portal.celery import app
    from reports.models import Report, ReportStatus
    from reports.services import report_request

    media = Path(settings.MEDIA_ROOT)
    env = subprocess_env(
        REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="0", MEDIA_ROOT=str(media)
    )
    subprocess.run(["redis-cli", "-u", redis_url, "FLUSHDB"], check=False, capture_output=True)
    log = tmp_path / "worker.log"
    reports_dir = media / "private" / "reports"
    before = {f for f in reports_dir.rglob("*") if f.is_file()}  # the fixture's own reports
    worker = _start_worker(env, delay=4, log=log)
    try:
        point_app_at(app, redis_url, eager=False)
        report = report_request(
            user=letter.leader,
            kind="province_compliance",
            fmt="pdf",
            scope_unit=letter.province.province,
            parameters={"directive": letter.directive.pk},
        )
        wait_for(
            lambda: Report.objects.get(pk=report.pk).status == ReportStatus.RUNNING,
            timeout=60,
            what="the worker to start the build",
        )
        time.sleep(1)
        pool = wait_for(lambda: children(worker.pid), timeout=10, what="the pool process")
        for pid in pool:
            os.kill(pid, signal.SIGKILL)  # the build dies mid-way
        report_done = wait_for(
            lambda: Report.objects.filter(
                pk=report.pk, status__in=[ReportStatus.SUCCEEDED, ReportStatus.FAILED]
            ).first(),
            timeout=25,
            what=f"the report to finish after the kill (worker log: {log})",
        )
        assert report_done.status == ReportStatus.SUCCEEDED, report_done.error
        assert report_done.attempts >= 2, "the job was not delivered again after the kill"
        new_files = {f for f in reports_dir.rglob("*") if f.is_file()} - before
        assert new_files == {media / report_done.file.name}, new_files  # built once: one file, the row's
        assert report_done.sha256
    finally:
        point_app_at(app, settings.CELERY_BROKER_URL, eager=True)
        stop(worker)
        print(log.read_text(errors="replace")[-4000:])
