"""The test setup itself: parallel workers keep apart (test_workers.py); test passwords hash quickly (testing.py)."""

import socket

import pytest

from campaign_portal import test_workers


def test_each_worker_gets_the_next_redis_database_of_the_same_server():
    assert test_workers.redis_url_for("redis://127.0.0.1:6379/5", 0) == "redis://127.0.0.1:6379/5"
    assert test_workers.redis_url_for("redis://127.0.0.1:6379/5", 1) == "redis://127.0.0.1:6379/6"
    assert test_workers.redis_url_for("redis://:pw@cache:6380", 2) == "redis://:pw@cache:6380/2"
    assert test_workers.redis_url_for("filesystem://", 1) == "filesystem://"
    with pytest.raises(RuntimeError, match="only 0–15 exist"):
        test_workers.redis_url_for("redis://127.0.0.1:6379/15", 1)


def test_a_worker_is_isolated_once_and_keeps_what_was_set(tmp_path):
    environ = {"PYTEST_XDIST_WORKER": "gw1", "REDIS_URL": "redis://127.0.0.1:6379/5", "MEDIA_ROOT": "/srv/media"}
    test_workers.isolate_worker(environ, tmp_path)
    assert environ["REDIS_URL"] == "redis://127.0.0.1:6379/6"
    assert "CELERY_BROKER_URL" not in environ
    assert environ["MEDIA_ROOT"] == "/srv/media"  # set by the caller: kept
    assert environ["PORTAL_QUEUE_DIR"] == str(tmp_path / "test-workers" / "gw1" / "celery-queue")
    child = dict(environ)  # a process started with this environment (and the xdist variable) adds nothing again
    test_workers.isolate_worker(child, tmp_path)
    assert child["REDIS_URL"] == "redis://127.0.0.1:6379/6"


def test_outside_a_parallel_run_nothing_changes(tmp_path):
    environ = {"REDIS_URL": "redis://127.0.0.1:6379/5"}
    test_workers.isolate_worker(environ, tmp_path)
    assert environ == {"REDIS_URL": "redis://127.0.0.1:6379/5"}


def test_a_workers_free_port_is_in_its_own_range_and_free(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    port = test_workers.free_port()
    start = test_workers.PORT_BASE + test_workers.PORT_SPAN
    assert start <= port < start + test_workers.PORT_SPAN
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # really free


def test_test_passwords_are_pbkdf2_that_the_portals_own_hasher_verifies():
    """Tests hash with fewer rounds (testing.py); processes they start verify with production's hasher."""
    from django.conf import global_settings
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password

    from campaign_portal import settings as portal_settings

    encoded = make_password("demo-Password-1")
    assert encoded.startswith("pbkdf2_sha256$1000$")
    assert PBKDF2PasswordHasher().verify("demo-Password-1", encoded) and check_password("demo-Password-1", encoded)
    assert not PBKDF2PasswordHasher().verify("demo-Password-2", encoded)
    assert not hasattr(portal_settings, "PASSWORD_HASHERS")  # production: Django's own, full strength
    assert global_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.PBKDF2PasswordHasher"
