"""What the engine keeps between page loads (directives/freshness.py): per version, within a budget."""

import pytest

from directives import freshness

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self, value="answer"):
        def compute():
            self.calls += 1
            return value

        return compute


def test_an_answer_is_kept_until_the_data_changes():
    count = Counter()
    assert freshness.memo("owed rows of Ea Kly", count()) == "answer"
    assert freshness.memo("owed rows of Ea Kly", count()) == "answer"
    assert count.calls == 1
    freshness.bump()
    freshness.memo("owed rows of Ea Kly", count())
    assert count.calls == 2


def test_a_newer_version_written_elsewhere_drops_the_older_answers():
    count = Counter()
    freshness.memo("matrix", count())
    from directives.models import EngineVersion

    EngineVersion.objects.create()  # another process's write: this one learns it from the version only
    freshness.memo("matrix", count())
    assert count.calls == 2
    assert len(freshness._answers) == 1  # the older version's answer went with it


def test_many_small_answers_are_kept_but_big_ones_share_a_cell_budget(monkeypatch):
    monkeypatch.setattr(freshness, "TOTAL_CELLS", 100)
    count = Counter()
    for unit in range(200):  # 200 officers' owed rows: more than the old limit of 48
        freshness.memo(("owed", unit), count(), small=True)
    assert count.calls == 200
    freshness.memo(("owed", 0), count(), small=True)
    assert count.calls == 200  # still kept
    freshness.memo("ledger A", count([0] * 60), size=len)
    freshness.memo("ledger B", count([0] * 60), size=len)  # 120 cells > 100: A, the least recently used, goes
    freshness.memo("ledger B", count(), size=len)
    assert count.calls == 202
    freshness.memo("ledger A", count([0] * 60), size=len)
    assert count.calls == 203
    freshness.memo(("owed", 1), count(), small=True)  # the small answers were not given up for the big ones
    assert count.calls == 203


def test_within_a_request_the_version_is_read_once_and_again_after_its_own_write(django_assert_num_queries):
    from directives.models import EngineVersion

    with freshness.per_request():
        with django_assert_num_queries(1):
            first = freshness.version()
            assert freshness.version() == first  # the menu and the page: one read
        EngineVersion.objects.create()  # another process's write: seen by the next request
        assert freshness.version() == first
        freshness.bump()  # this request's own write
        assert freshness.version() > first
    with django_assert_num_queries(1):
        freshness.version()  # outside a request, every call reads
    assert freshness.version() == EngineVersion.objects.order_by("-pk").first().pk


def test_a_page_reads_the_version_once(client):
    """The officer's owed page asks the menu's conditions and its own rows: both under one version read."""
    from django.db import connection
    from django.urls import reverse

    from campaign_portal.core.models import Role
    from campaign_portal.core.tests.factories import UnitFactory, make_user

    unit = UnitFactory(code="FRESH-ONCE")
    client.force_login(make_user(unit=unit, role=Role.OFFICER, username="fresh-once"))
    client.get(reverse("pledges:owed"))
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        assert client.get(reverse("pledges:owed")).status_code == 200
    assert sum("directives_engineversion" in sql for sql in seen) == 1
