"""The benchmark's instrument: Server-Timing from inside the worker, and the table of targets."""

import pstats

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools import bench_wsgi
from devtools.management.commands.bench_load import judge, render_verdicts


@pytest.fixture
def wsgi_get(client):
    """GET a path through the timed WSGI application (as gunicorn calls it), with `client`'s session cookie."""
    request_started.disconnect(close_old_connections)  # as Django's test client does: keep the test transaction

    def get(path, app=None, **headers):
        environ = RequestFactory().get(path, secure=True, **headers).environ
        cookie = client.cookies.get("sessionid")
        if cookie:
            environ["HTTP_COOKIE"] = f"sessionid={cookie.value}"
        seen = {}

        def start_response(status, response_headers, exc_info=None):
            seen["status"] = status
            seen["headers"] = dict(response_headers)

        body = b"".join((app or bench_wsgi.timed(WSGIHandler()))(environ, start_response))
        return seen["status"], seen["headers"], body

    yield get
    request_started.connect(close_old_connections)


def test_server_timing_reports_the_queries_a_page_really_makes(db, leader, client, wsgi_get):
    from django.db import connection

    client.force_login(leader)
    path = reverse("directives:list")
    wsgi_get(path)  # first request of a session may differ (cache fill); the second is the steady state
    with CaptureQueriesContext(connection) as ctx:
        status, headers, _ = wsgi_get(path)
    assert status.startswith("200")
    milliseconds, queries = bench_wsgi.parse_server_timing(headers["Server-Timing"])
    assert queries == len(ctx.captured_queries) > 0
    assert milliseconds > 0


def test_a_page_without_the_database_reports_zero_queries(db, wsgi_get):
    status, headers, body = wsgi_get(reverse("healthz"))
    assert body == b"ok"
    assert bench_wsgi.parse_server_timing(headers["Server-Timing"])[1] == 0


def test_profiled_requests_accumulate_cprofile_statistics(db, wsgi_get, tmp_path):
    app = bench_wsgi.timed(bench_wsgi.profiled(WSGIHandler(), str(tmp_path)))
    wsgi_get(reverse("healthz"), app=app)  # no profile header: not profiled
    assert not list(tmp_path.iterdir())
    for _ in range(2):
        wsgi_get(reverse("healthz"), app=app, HTTP_X_BENCH_PROFILE="healthz [anyone]")
    stats = pstats.Stats(str(tmp_path / "healthz_anyone_.prof"))
    assert stats.total_calls > 0


def single(page, median, queries):
    return {f"{page} [leader]": {"page": page, "role": "leader", "n": 20, "median": median, "queries": queries}}


def verdict(rows, figure):
    return next(row for row in rows if row["figure"].endswith(figure))


def test_a_page_over_its_time_target_fails_and_the_heavy_pages_have_their_own():
    rows = judge({**single("projects:list", 15.9, 8), **single("reports:matrix", 59.0, 12)}, 200, 1000)
    assert not verdict(rows, "projects:list [leader] server time")["ok"]
    assert verdict(rows, "projects:list [leader] queries")["ok"]
    assert verdict(rows, "reports:matrix [leader] server time")["ok"]  # ≤ 60 ms for the matrix and the dashboard
    table = render_verdicts(rows)
    line = next(line for line in table.splitlines() if "projects:list [leader] server time" in line)
    assert "15.9 ms" in line and "≤ 15 ms" in line and line.endswith("FAIL")
    assert "1 FAIL" in table


def test_too_many_queries_an_untimed_page_and_a_low_mixed_share_fail():
    rows = judge({**single("reports:dashboard", 30.0, 21), **single("directives:list", None, None)}, 99, 1000)
    assert not verdict(rows, "reports:dashboard [leader] queries")["ok"]
    assert verdict(rows, "reports:dashboard [leader] server time")["ok"]
    assert not verdict(rows, "directives:list [leader] server time")["ok"]
    mixed = rows[-1]
    assert mixed["value"] == "9.9 %" and not mixed["ok"]
    assert judge({}, 100, 1000)[-1]["ok"]  # exactly 10 % of the floor meets the target


def test_all_figures_within_target_say_so():
    table = render_verdicts(judge(single("projects:list", 3.0, 5), 500, 1000))
    assert "FAIL" not in table and "3 of 3 figures meet their target: all PASS" in table


def test_the_summary_shows_this_runs_figures_and_names_the_parts_that_did_not_run(tmp_path, settings):
    import io
    import json
    import os
    import time

    from django.core.management import CommandError, call_command

    settings.VAR_DIR = tmp_path
    (tmp_path / "bench").mkdir()
    started = time.time()
    verdict = {"figure": "reports:matrix [leader] server time", "value": "41.0 ms", "target": "≤ 60 ms", "ok": True}
    over = {"figure": "pledges:owed [officer] server time", "value": "38.0 ms", "target": "≤ 15 ms", "ok": False}
    (tmp_path / "bench" / "bench_load.json").write_text(json.dumps({"verdicts": [verdict, over]}))
    old = tmp_path / "bench" / "bench_national.json"
    old.write_text(json.dumps({"verdicts": [dict(verdict, figure="from an earlier run")]}))
    os.utime(old, (started - 3600, started - 3600))

    out = io.StringIO()
    call_command("bench_summary", since=started - 1, stdout=out)
    text = out.getvalue()
    assert "load: reports:matrix [leader] server time" in text and "PASS" in text and "FAIL" in text
    assert "from an earlier run" not in text
    assert "national data set (bench_load --scale national): not run" in text
    assert "250-unit province, in-process (bench_reports): not run" in text
    with pytest.raises(CommandError, match="1 figure"):
        call_command("bench_summary", since=started - 1, strict=True, stdout=io.StringIO())
