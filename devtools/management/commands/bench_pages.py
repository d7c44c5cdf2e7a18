"""The pages of `bench_load`'s mixed load, timed in this process: a quick loop for performance work.

    make bench BENCH_ARGS="--keep-db"            # once: seeds and keeps <BENCH_DB>_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaign_portal_bench_load DEBUG=0 SECRET_KEY=x \\
        PORTAL_DEVTOOLS=1 .venv/bin/python manage.py bench_pages [--page projects:list] [--profile]

Each page is asked by the first load user of its role (`bench_load`'s plan, read back from the database), through
Django's test client with the user logged in, after a warm-up; the median time and the query count are printed.
The figures are the view, middleware and template, as in `bench_load`'s single-user phase, without gunicorn;
`bench_load` stays the measure the targets are judged by. `--profile` writes a cProfile of each page (by
cumulative and by own time) to var/bench/pages-<page>.txt. POSTs run inside a transaction that is rolled back.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client

from devtools.bench_wsgi import QueryCounter


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time bench_load's pages in-process on a kept bench database (a quick loop; not the targets' measure)."

    def add_arguments(self, parser):
        parser.add_argument("--page", action="append", default=[], help="only pages whose name contains this")
        parser.add_argument("--samples", type=int, default=20)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--profile", action="store_true")

    def handle(self, *args, **options):
        from campaign_portal.core.models import Membership

        from .bench_load import _actions

        seen, plan = set(), []
        memberships = Membership.objects.filter(user__username__startswith="bench").select_related("user", "unit")
        for membership in memberships.order_by("user__username"):
            if membership.role in seen:
                continue
            seen.add(membership.role)
            actions, _missing = _actions(membership.role, membership.unit)
            plan.append((membership, actions))
        if not plan:
            raise CommandError(
                "No load users here: run `make bench BENCH_ARGS=--keep-db` and point DATABASE_URL at it."
            )
        out = Path(settings.VAR_DIR) / "bench"
        out.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"{'page [role]':46} {'median ms':>10} {'min ms':>8} {'queries':>8}")
        for membership, actions in plan:
            client = Client()
            client.force_login(membership.user)
            for action in actions:
                for method in ("GET", "POST") if action.get("method") == "POST" else ("GET",):
                    name = action["name"].replace(" GET+POST", "") + (f" {method}" if action.get("method") else "")
                    if options["page"] and not any(p in name for p in options["page"]):
                        continue
                    path = action["form"] if method == "GET" and action.get("form") else action["path"]
                    ask = self._asker(client, method, path, action.get("data"))
                    for _ in range(options["warmup"]):
                        ask()
                    times, counts = [], []
                    for _ in range(options["samples"]):
                        seconds, count = ask()
                        times.append(seconds * 1000)
                        counts.append(count)
                    key = f"{name} [{membership.role}]"
                    self.stdout.write(f"{key:46} {statistics.median(times):10.1f} {min(times):8.1f} {max(counts):8d}")
                    if options["profile"]:
                        self._profile(ask, key, out)

    def _asker(self, client, method, path, data):
        def ask():
            counter = QueryCounter()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                if method == "POST":
                    try:
                        with transaction.atomic():
                            response = client.post(path, data)
                            raise _Rollback
                    except _Rollback:
                        pass
                else:
                    response = client.get(path)
            elapsed = time.perf_counter() - started
            if response.status_code not in (200, 302):
                raise CommandError(f"{method} {path}: HTTP {response.status_code}")
            return elapsed, counter.count

        return ask

    def _profile(self, ask, key, out: Path):
        profiler = cProfile.Profile()
        for _ in range(5):
            profiler.runcall(ask)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
        slug = key.replace(":", "_").replace(" [", "-").replace("]", "").replace(" ", "_")
        (out / f"pages-{slug}.txt").write_text(text.getvalue().replace(str(Path(settings.BASE_DIR)) + "/", ""))
