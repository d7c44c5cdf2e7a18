"""Helpers for tests that run real processes (workers, beats, gunicorn) against the shared test database."""

import os
import secrets
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from campaign_portal.test_workers import free_port  # noqa: F401 - in a parallel run, a port of this worker's range
from campaign_portal.testing import IN_CI

BASE_DIR = Path(settings.BASE_DIR)


def require_postgres():
    if connection.vendor != "postgresql":
        message = "PostgreSQL is needed: the other processes share the test database"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def database_url() -> str:
    """The test database (pytest-django's test_<name>), for subprocesses."""
    d = connection.settings_dict
    auth = d.get("USER") or "postgres"
    if d.get("PASSWORD"):
        auth += f":{d['PASSWORD']}"
    return f"postgres://{auth}@{d.get('HOST') or '127.0.0.1'}:{d.get('PORT') or 5432}/{d['NAME']}"


def subprocess_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "CELERY_"))}
    env.update(DJANGO_SETTINGS_MODULE="campaign_portal.settings", DATABASE_URL=database_url(), LOG_LEVEL="INFO")
    env.setdefault("SECRET_KEY", "test-" + secrets.token_hex(16))  # processes run as production does (DEBUG off)
    env.update(extra)
    return env


def wait_for(predicate, *, timeout: float, what: str, step=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def stop(process):
    """Stop a process started with start_new_session=True, and everything in its group."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not group_alive(process.pid):
            break
        os.killpg(process.pid, sig)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and group_alive(process.pid):
            process.poll()
            time.sleep(0.2)
    process.poll()


def children(pid: int) -> list[int]:
    result = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in result.stdout.split()]


def point_app_at(app, url: str, *, eager: bool, transport_options: dict | None = None):
    """Point the Celery app of this test process at another broker (drop the pools of the old one)."""
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.update(
        broker_url=url,
        task_always_eager=eager,
        broker_connection_timeout=2,
        broker_transport_options=transport_options or settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    )


def filesystem_broker(folder: Path) -> dict:
    """Transport options of `make run`'s filesystem broker in `folder` (the same as settings.py makes)."""
    for suffix in ("", "-processed", "-control"):
        Path(f"{folder}{suffix}").mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": f"{folder}-processed",
        "control_folder": f"{folder}-control",
        "store_processed": False,
    }
