"""Shared pytest fixtures: a small province tree and one persona per role.

Personas (see STYLE.md): provincial staff, a Krông Pắc district officer, a Buôn Ma Thuột officer,
a Krông Pắc commune officer, a department officer and a leader.
"""

import datetime
import os
import shutil
import socket
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import override_settings

from campaign_portal.core.models import Role, Unit, UnitKind
from campaign_portal.core.tests.factories import UnitFactory, make_user

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_unless_ci(message: str):
    """Skip locally; in CI fail instead, so that a missing service or tool can never pass silently."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def require_service(name: str, url: str | None) -> str:
    """Return the service URL; without it, skip locally but fail in CI (CI must test real services)."""
    if url and _reachable(url):
        return url
    skip_unless_ci(f"{name} is needed for this test but is not reachable ({url or 'no URL set'})")


def require_tool(name: str) -> str:
    """The path of a command-line tool (pdftotext, redis-server, ...); skip locally, fail in CI without it."""
    path = shutil.which(name)
    if path is None:
        skip_unless_ci(f"{name} is needed for this test but is not installed")
    return path


def require_postgresql(why: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_unless_ci(f"PostgreSQL is needed: {why}")


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=2):
            return True
    except OSError:
        return False


@dataclass
class Province:
    province: Unit
    dept_home_affairs: Unit
    dept_finance: Unit
    krong_pac: Unit
    krong_pac_town: Unit
    ea_kly: Unit
    bmt: Unit
    tan_loi: Unit


@pytest.fixture
def province(db) -> Province:
    day = datetime.date(2004, 1, 1)
    root = UnitFactory(code="DLK", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk", kind=UnitKind.PROVINCE)
    snv = UnitFactory(code="DLK-SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    stc = UnitFactory(code="DLK-STC", name="Sở Tài chính", kind=UnitKind.DEPARTMENT, parent=root)
    kp = UnitFactory(
        code="DLK-KPA",
        name="Huyện Krông Pắc",
        short_name="Krông Pắc",
        kind=UnitKind.DISTRICT,
        parent=root,
        valid_from=day,
        valid_to=datetime.date(2025, 7, 1),
    )
    pa = UnitFactory(code="DLK-KPA-PA", name="Thị trấn Phước An", kind=UnitKind.COMMUNE, parent=kp)
    ek = UnitFactory(code="DLK-KPA-EKL", name="Xã Ea Kly", kind=UnitKind.COMMUNE, parent=kp)
    bmt = UnitFactory(
        code="DLK-BMT",
        name="Thành phố Buôn Ma Thuột",
        short_name="Buôn Ma Thuột",
        kind=UnitKind.DISTRICT,
        parent=root,
        valid_to=datetime.date(2025, 7, 1),
    )
    tl = UnitFactory(code="DLK-BMT-TL", name="Phường Tân Lợi", kind=UnitKind.COMMUNE, parent=bmt)
    return Province(root, snv, stc, kp, pa, ek, bmt, tl)


@pytest.fixture
def staff(province):
    return make_user(unit=province.dept_home_affairs, role=Role.STAFF, username="staff")


@pytest.fixture
def leader(province):
    return make_user(unit=province.province, role=Role.LEADER, username="leader")


@pytest.fixture
def officer_kp(province):
    """The Krông Pắc district officer."""
    return make_user(unit=province.krong_pac, username="officer_kp")


@pytest.fixture
def officer_bmt(province):
    """The Buôn Ma Thuột officer: a district of the same kind, for foreign-unit checks."""
    return make_user(unit=province.bmt, username="officer_bmt")


@pytest.fixture
def officer_commune(province):
    """An officer of Ea Kly commune, under Krông Pắc."""
    return make_user(unit=province.ea_kly, username="officer_eakly")


@pytest.fixture
def officer_ward_bmt(province):
    """An officer of Tân Lợi ward, under Buôn Ma Thuột."""
    return make_user(unit=province.tan_loi, username="officer_tanloi")


@pytest.fixture
def officer_dept(province):
    """An officer of the Department of Finance."""
    return make_user(unit=province.dept_finance, username="officer_stc")


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Production's PBKDF2-SHA256 with 1,000 rounds instead of Django's 1,000,000 (0.7 s of CPU per password).

    The round count is written into each hash, so the portal processes that tests start (gunicorn, workers: with
    production's hashers) still verify these passwords, and upgrade them to the full count on a login.
    """

    iterations = 1_000


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashing():
    """Every test user gets a password (the factories, seed_demo): hashing them at full strength was a large
    part of the suite's time. Only the tests' own settings change; settings.py keeps Django's hashers."""
    from django.conf import settings

    hashers = ["campaign_portal.testing.QuickPBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tasks run inside the caller unless a test asks for the real worker (`celery_live`)."""
    from campaign_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def celery_live(transactional_db):
    """A real Celery worker thread consuming from Redis (REDIS_URL); tests use transaction=True."""
    from celery.contrib.testing.worker import start_worker

    from campaign_portal.celery import app

    url = require_service("Redis", os.environ.get("REDIS_URL"))
    app.conf.update(broker_url=url, task_always_eager=False, broker_connection_retry_on_startup=True)
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, queues=["celery", "reports"], shutdown_timeout=30
    ):
        yield app
    app.conf.task_always_eager = True
