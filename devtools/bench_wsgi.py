"""The benchmark's WSGI entry point: the portal's own application, timed from the inside.

`bench_load` serves `devtools.bench_wsgi:application` instead of `campaign_portal.wsgi:application`; production
never imports this module (it is not in any middleware list and no setting points at it). Each response gets

    Server-Timing: app;dur=<ms>, db;dur=<ms>;desc="<n> queries"

measured in the worker from the moment Django receives the request until the response (already rendered, as
every page of the portal is) is handed to gunicorn: all middleware, the view and the template, but neither the
network nor the time the request waited in gunicorn's queue. Queries are counted with a database execute
wrapper, so the count needs no DEBUG and costs nothing measurable.

With `PORTAL_BENCH_PROFILE_DIR` set, a request carrying `X-Bench-Profile: <name>` is run under cProfile and its
statistics are added to `<dir>/<name>.prof` (several requests accumulate); `bench_load --profile` then writes
the top functions by cumulative time as text.
"""

import os
import re
import threading
import time

from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_portal.settings")
django_application = get_wsgi_application()
PROFILE_DIR = os.environ.get("PORTAL_BENCH_PROFILE_DIR", "")
_profile_lock = threading.Lock()
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class QueryCounter:
    """A `connection.execute_wrapper`: counts the statements a request runs and the time spent in them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


def server_timing(elapsed: float, counter: QueryCounter) -> str:
    return f'app;dur={elapsed * 1000:.2f}, db;dur={counter.seconds * 1000:.2f};desc="{counter.count} queries"'


def parse_server_timing(value: str) -> tuple[float, int] | None:
    """(milliseconds, queries) from a Server-Timing header written by this module; None if absent."""
    app = re.search(r"app;dur=([0-9.]+)", value or "")
    queries = re.search(r'desc="(\d+) queries"', value or "")
    if not app or not queries:
        return None
    return float(app.group(1)), int(queries.group(1))


def timed(app):
    """Wrap a WSGI application so that every response carries its server time and query count."""

    def application(environ, start_response):
        counter = QueryCounter()
        started = time.perf_counter()

        def timed_start_response(status, headers, exc_info=None):
            headers = [*headers, ("Server-Timing", server_timing(time.perf_counter() - started, counter))]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        with connections["default"].execute_wrapper(counter):
            return app(environ, timed_start_response)

    return application


def profiled(app, directory: str):
    """Run requests that carry `X-Bench-Profile: <name>` under cProfile, accumulating into <directory>/<name>.prof."""
    import cProfile
    import pstats

    def application(environ, start_response):
        name = SAFE_NAME.sub("_", environ.get("HTTP_X_BENCH_PROFILE", ""))[:80]
        if not name:
            return app(environ, start_response)
        profiler = cProfile.Profile()
        result = profiler.runcall(app, environ, start_response)
        path = os.path.join(directory, f"{name}.prof")
        with _profile_lock:
            stats = pstats.Stats(profiler)
            if os.path.exists(path):
                stats.add(path)
            stats.dump_stats(path)
        return result

    return application


application = timed(django_application)
if PROFILE_DIR:
    os.makedirs(PROFILE_DIR, exist_ok=True)
    application = timed(profiled(django_application, PROFILE_DIR))
