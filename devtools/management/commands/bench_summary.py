"""Every figure of issue 19 from one `make bench` run, in one table: the last thing `make bench` prints.

Reads what the benchmarks of this run wrote to var/bench/ (`bench_reports.json`, `bench_load.json`,
`bench_national.json`); a file older than `--since` (the run's start, given by the Makefile) is left out
and named, so a figure from an earlier run is never shown as this run's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .bench_load import render_verdicts

PARTS = [
    ("bench_reports.json", "250-unit province, in-process (bench_reports)"),
    ("bench_load.json", "250-unit province through gunicorn (bench_load)"),
    ("bench_national.json", "national data set (bench_load --scale national)"),
]


class Command(BaseCommand):
    help = "Print every figure of the benchmarks of this run with its target (read from var/bench/*.json)."

    def add_arguments(self, parser):
        parser.add_argument("--since", type=float, default=0.0, help="ignore results written before this Unix time")
        parser.add_argument("--strict", action="store_true", help="exit non-zero when a figure misses its target")

    def handle(self, *args, since, strict, **options):
        folder = Path(settings.VAR_DIR) / "bench"
        rows, missing = [], []
        for name, title in PARTS:
            path = folder / name
            if not path.exists() or path.stat().st_mtime < since:
                missing.append(f"{title}: not run")
                continue
            for row in json.loads(path.read_text())["verdicts"]:
                rows.append(dict(row, figure=f"{name.split('.')[0].removeprefix('bench_')}: {row['figure']}"))
        if not rows:
            raise CommandError("No benchmark results from this run in var/bench/.")
        self.stdout.write(render_verdicts(rows, title="All figures of this run (issue 19 targets)"))
        for line in missing:
            self.stdout.write(line)
        self.stdout.write(
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (figures compare on a quiet machine)"
        )
        over = sum(1 for row in rows if not row["ok"])
        if strict and (over or missing):
            raise CommandError(f"{over} figure(s) over target, {len(missing)} part(s) missing (--strict).")
