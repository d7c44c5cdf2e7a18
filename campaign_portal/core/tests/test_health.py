"""/healthz/ says the process answers; /readyz/ says whether this node may take traffic (load balancer)."""

import json
import logging

import pytest
from django.urls import reverse

from campaign_portal.core import health
from campaign_portal.core.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("healthz")).content == b"ok"


def test_readyz_is_ready_when_everything_answers(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.parametrize("failing", ["database", "storage"])
def test_readyz_is_unavailable_when_a_dependency_fails(client, monkeypatch, failing):
    def broken():
        raise OSError("connection refused to 10.0.0.5")

    monkeypatch.setitem(health.CHECKS, failing, broken)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"][failing] == {"ok": False}
    assert "10.0.0.5" not in response.content.decode()  # the reason is logged, not published


def test_readyz_is_unavailable_when_the_broker_is_down(client, settings, monkeypatch):
    from kombu import Connection

    from campaign_portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    # A real connection attempt to the dead broker, without changing the shared Celery app's configuration
    # (restoring `app.conf.broker_url` afterwards left later tests talking to port 1).
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection(settings.CELERY_BROKER_URL))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503 and response.json()["checks"]["broker"] == {"ok": False}


def test_readyz_is_unavailable_with_unapplied_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(health, "_migrations_applied", False)
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("reports", "0099_new")])
    response = client.get(reverse("readyz"))
    assert response.status_code == 503 and response.json()["checks"]["migrations"] == {"ok": False}


def test_json_log_lines():
    record = logging.LogRecord("reports.tasks", logging.WARNING, __file__, 1, "report %s re-queued", (42,), None)
    record.report_id = 42
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "reports.tasks"
    assert line["message"] == "report 42 re-queued" and line["report_id"] == 42 and line["host"]


def test_log_format_json_switches_the_console_to_json_lines():
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = "import django, logging; django.setup(); logging.getLogger('portal').warning('xin chào %s', 'Ea Kly')"
    env = dict(os.environ, LOG_FORMAT="json", DEBUG="1", DJANGO_SETTINGS_MODULE="campaign_portal.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "xin chào Ea Kly" and line["logger"] == "portal"


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("readyz")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301  # everything else still is


def test_login_lockouts_see_the_client_behind_the_balancer(rf, settings):
    from campaign_portal.core.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.PORTAL_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"  # no proxy declared: the header is not trusted
    settings.PORTAL_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # the balancer's entry, not the forged one on the left
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
