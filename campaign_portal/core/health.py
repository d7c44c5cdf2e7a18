"""Readiness for a load balancer: may this node take traffic? Database, migrations, broker and storage.

`/healthz/` only says the process answers (liveness: restart it when it does not). `/readyz/` checks what a
request needs; a node answering 503 is taken out of the pool until it answers 200 again. The body names the
failed check but not its error (logged instead): it is public.
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from campaign_portal.celery import app

logger = logging.getLogger(__name__)

_migrations_applied = False  # once true it stays true for this process (migrations are not unapplied)


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise RuntimeError("unapplied migrations")
    _migrations_applied = True


def check_broker() -> None:
    """The Celery broker answers (nothing to check when tasks run eagerly, without a broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=2)
        if settings.CELERY_BROKER_URL.startswith("redis"):
            connection.default_channel.client.ping()


def check_storage() -> None:
    """The media storage answers: the bucket exists and is ours to read, or the local folder is writable."""
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:  # django-storages' S3Storage
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)
        return
    location = Path(default_storage.location)
    location.mkdir(parents=True, exist_ok=True)
    if not os.access(location, os.W_OK):
        raise PermissionError(f"{location} is not writable")


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "broker": check_broker,
    "storage": check_storage,
}


def readiness() -> tuple[bool, dict]:
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log only
            logger.warning("readyz: %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = {"ok": False}
            if name == "database":  # the migrations check needs the database
                results["migrations"] = {"ok": False}
                break
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    for name in CHECKS:
        results.setdefault(name, {"ok": False})
    return all(r["ok"] for r in results.values()), results
