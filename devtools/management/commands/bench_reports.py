"""Benchmark the compliance engine, the dashboard and the province PDF on a province-scale data set.

Everything is created inside one transaction that is rolled back at the end: the database is left
exactly as it was (demo data untouched). Targets (issue 19; 2 cores, PostgreSQL): the dashboard and the
full 250 × 10 matrix ≤ 60 ms and ≤ 20 queries, the engine ≤ 100 ms, the province PDF ≤ 10 s; printed
beside each figure with PASS/FAIL (reported, not fatal: bench_load --strict is the gate).
"""

import datetime
import io
import json
import os
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import Membership, ReviewStatus, Role, Unit, UnitKind, User
from devtools.bench_national import bench_key_work
from directives import freshness
from directives.models import Campaign, Directive, DirectiveStatus, Milestone, Requirement, RequirementKind
from reports import compliance, documents, snapshot


class Rollback(Exception):
    pass


STATUSES = [ReviewStatus.ACCEPTED] * 5 + [ReviewStatus.SUBMITTED] * 2 + [ReviewStatus.RETURNED, ReviewStatus.DRAFT]


def _unit(code, name, kind, parent, order):
    unit = Unit(code=code, name=name, kind=kind, parent=parent, sort_order=order)
    unit.refresh_derived()
    unit.save()
    return unit


class Command(BaseCommand):
    help = "Time the compliance engine, the dashboard and the province PDF on 250 units (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=7, help="runs per measurement (median reported)")
        parser.add_argument("--pdf-out", default="", help="also write the PDF to this path")

    def handle(self, *args, repeat, pdf_out, **options):
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["localhost"]):
                self._run(repeat=repeat, pdf_out=pdf_out)
                raise Rollback
        except Rollback:
            self.stdout.write("data set rolled back")

    # --- data -----------------------------------------------------------------------------------
    def _build(self):
        rng = random.Random(7019)
        root = _unit("BENCH", "Tỉnh Thử Nghiệm", UnitKind.PROVINCE, None, 0)
        units = [_unit(f"BENCH-S{i:02d}", f"Sở thử nghiệm {i:02d}", UnitKind.DEPARTMENT, root, i) for i in range(34)]
        for d in range(15):
            district = _unit(f"BENCH-H{d:02d}", f"Huyện Krông Thử {d:02d}", UnitKind.DISTRICT, root, 100 + d)
            units.append(district)
            for c in range(200 // 15 + (1 if d < 200 % 15 else 0)):
                units.append(
                    _unit(f"BENCH-H{d:02d}-X{c:02d}", f"Xã Ea Thử {d:02d}-{c:02d}", UnitKind.COMMUNE, district, c)
                )
        campaign = Campaign.objects.create(
            name="Phong trào thi đua thử nghiệm quy mô tỉnh",
            organiser=root,
            starts_on=datetime.date(2019, 9, 1),
            ends_on=datetime.date(2030, 12, 31),
        )
        Milestone.objects.create(campaign=campaign, name="Mốc kỷ niệm thử", date=datetime.date(2030, 11, 23))
        all_kinds = [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE]
        spec = [
            (RequirementKind.DISSEMINATION, all_kinds, None, None),
            (RequirementKind.EMULATION_PLAN, all_kinds, None, None),
            (RequirementKind.KEY_WORKS, [UnitKind.DISTRICT, UnitKind.COMMUNE], 1, 2),
            (RequirementKind.BREAKTHROUGH_THEME, [UnitKind.DEPARTMENT, UnitKind.COMMUNE], 1, 2),
            (RequirementKind.DIFFICULT_FIELD, [UnitKind.DEPARTMENT, UnitKind.COMMUNE], 1, 2),
        ]
        requirements = []
        today = timezone.localdate()  # one directive's deadline has passed, the other's has not
        for n in range(2):
            directive = Directive.objects.create(
                number=f"{9000 + n}/UBND-TH",
                issuer=root,
                issued_on=datetime.date(2019, 9, 5 + n),
                subject=f"V/v triển khai phong trào thi đua, đợt {n + 1}",
                status=DirectiveStatus.PUBLISHED,
                campaign=campaign,
                issuer_name="Ủy ban nhân dân tỉnh",
            )
            for position, (kind, applies, qmin, qmax) in enumerate(spec):
                requirements.append(
                    Requirement.objects.create(
                        directive=directive,
                        ordinal=str(position + 1),
                        position=position,
                        kind=kind,
                        title=str(kind.label),
                        text=str(kind.label),
                        applies_to=[str(k) for k in applies],
                        deadline=today + datetime.timedelta(days=-10 + 30 * n),
                        quota_min=qmin,
                        quota_max=qmax,
                    )
                )
        self._submissions(rng, units, requirements)
        leader = User.objects.create(username="bench-leader", full_name="Lãnh đạo thử")
        Membership.objects.create(user=leader, unit=root, role=Role.LEADER)
        return campaign, root, leader, units

    def _submissions(self, rng, units, requirements):
        from pledges.models import Commitment, Dissemination, EmulationPlan
        from projects.models import KeyWork

        by_kind = {}
        for requirement in requirements:
            by_kind.setdefault(requirement.kind, []).append(requirement)

        def pick(kind, kinds):
            requirement = rng.choice(by_kind[kind])
            unit = rng.choice([u for u in units if u.kind in kinds])
            status = rng.choice(STATUSES)
            submitted = (
                None
                if status == ReviewStatus.DRAFT
                else timezone.make_aware(datetime.datetime(2019, 10, rng.randint(1, 25), 9))
            )
            return {
                "requirement": requirement,
                "unit": unit,
                "status": status,
                "submitted_at": submitted,
                "on_time": None if submitted is None else timezone.localdate(submitted) <= requirement.deadline,
                "reviewed_at": submitted if status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED) else None,
            }

        all_kinds = (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE)
        Dissemination.objects.bulk_create(
            [
                Dissemination(
                    title=f"Hội nghị quán triệt {i}",
                    held_on=datetime.date(2019, 9, 20),
                    attendees_total=50,
                    **pick(RequirementKind.DISSEMINATION, all_kinds),
                )
                for i in range(400)
            ]
        )
        EmulationPlan.objects.bulk_create(
            [
                EmulationPlan(
                    title=f"Kế hoạch phát động thi đua {i}", **pick(RequirementKind.EMULATION_PLAN, all_kinds)
                )
                for i in range(400)
            ]
        )
        commitments = []
        for i in range(700):
            kind = RequirementKind.BREAKTHROUGH_THEME if i % 2 else RequirementKind.DIFFICULT_FIELD
            commitments.append(
                Commitment(
                    category=kind,
                    title=f"Chủ điểm, lĩnh vực {i}",
                    **pick(kind, (UnitKind.DEPARTMENT, UnitKind.COMMUNE)),
                )
            )
        Commitment.objects.bulk_create(commitments)
        KeyWork.objects.bulk_create(
            [
                bench_key_work(
                    name=f"Công trình trọng điểm số {i}",
                    registered_on=datetime.date(2019, 9, 10),
                    rng=rng,
                    **pick(RequirementKind.KEY_WORKS, (UnitKind.DISTRICT, UnitKind.COMMUNE)),
                )
                for i in range(500)
            ]
        )

    # --- measurements ---------------------------------------------------------------------------
    def _measure(self, label, fn, repeat, *, cold=False):
        """Count queries on one run, then time `repeat` runs without the query log (as in production).

        cold: every run starts without the engine's kept answers (directives.freshness), as the first page
        load after a write does; otherwise the runs are a burst of page loads with nothing written between."""
        if cold:
            freshness.clear()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        queries = len(ctx.captured_queries)
        times = []
        with override_settings(DEBUG=False):
            for _ in range(repeat):
                if cold:
                    freshness.clear()
                start = time.perf_counter()
                fn()
                times.append((time.perf_counter() - start) * 1000)
        self.stdout.write(
            f"{label:<34} median {statistics.median(times):8.1f} ms   min {min(times):8.1f} ms   queries {queries}"
        )
        return statistics.median(times), queries

    def _run(self, *, repeat, pdf_out):
        start = time.perf_counter()
        campaign, root, leader, units = self._build()
        cells = compliance.compute(campaign=campaign)
        self.stdout.write(
            f"data set: {len(units)} units, {len(cells.requirements)} requirements, {len(cells.cells)} cells, "
            f"2000 submissions, 500 key works ({time.perf_counter() - start:.1f} s to build); "
            f"database {connection.vendor}"
        )
        engine_ms, _ = self._measure(
            "compliance engine (cold)", lambda: compliance.compute(campaign=campaign), repeat, cold=True
        )
        kept_ms, _ = self._measure("compliance engine (kept)", lambda: compliance.compute(campaign=campaign), repeat)
        client = Client(HTTP_HOST="localhost")
        client.force_login(leader)
        query = f"?campaign={campaign.pk}"

        def get(name):
            response = client.get(reverse(name) + query, secure=True)
            assert response.status_code == 200, response.status_code

        get("reports:dashboard")
        dashboard_cold_ms, _ = self._measure(
            "dashboard view (after a write)", lambda: get("reports:dashboard"), repeat, cold=True
        )
        dashboard_ms, dashboard_queries = self._measure(
            "dashboard view (leader)", lambda: get("reports:dashboard"), repeat
        )
        matrix_cold_ms, _ = self._measure(
            "matrix view (after a write)", lambda: get("reports:matrix"), max(3, repeat // 2), cold=True
        )
        matrix_ms, matrix_queries = self._measure(
            "matrix view (250 × 10)", lambda: get("reports:matrix"), max(3, repeat // 2)
        )
        pdf = {}

        def build_pdf():
            data = snapshot.build(
                kind="province_compliance",
                parameters={"campaign": campaign.pk},
                scope_unit=root,
                cutoff=timezone.localdate(),
            )
            pdf["bytes"] = documents.render("province_compliance", data, "pdf", sha=snapshot.snapshot_sha256(data))

        documents.render  # noqa: B018 - import WeasyPrint before timing (a worker has it loaded)
        from weasyprint import HTML  # noqa: F401

        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            build_pdf()
            pdf_ms = (time.perf_counter() - start) * 1000
        self.stdout.write(f"{'province PDF (snapshot + render)':<34} {pdf_ms:8.1f} ms   queries {len(ctx)}")
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf["bytes"])).pages)
        self.stdout.write(f"PDF {pages} pages, {len(pdf['bytes']) / 1024:.0f} KiB")
        if pdf_out:
            with open(pdf_out, "wb") as handle:
                handle.write(pdf["bytes"])
        self.stdout.write(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        from .bench_load import render_verdicts

        def figure(name, value, unit, limit):
            text = f"{value:.1f}{unit}" if isinstance(value, float) else f"{value}{unit}"
            return {"figure": name, "value": text, "target": f"≤ {limit:g}{unit}", "ok": value <= limit}

        rows = [
            figure("compliance engine (250 units, cold) time", engine_ms, " ms", 100),
            figure("dashboard view (leader) time", dashboard_ms, " ms", 60),
            figure("dashboard view (leader) queries", dashboard_queries, "", 20),
            figure("matrix view (250 × 10) time", matrix_ms, " ms", 60),
            figure("matrix view (250 × 10) queries", matrix_queries, "", 20),
            figure("province PDF time", pdf_ms / 1000, " s", 10),
        ]
        self.stdout.write(render_verdicts(rows, title="Targets (issue 19: 250-unit province, in-process, rolled back)"))
        self.stdout.write(
            f"For information: the engine's kept answer {kept_ms:.1f} ms; the first load after a write "
            f"(no kept answers): dashboard {dashboard_cold_ms:.1f} ms, matrix {matrix_cold_ms:.1f} ms."
        )
        out_dir = Path(settings.VAR_DIR) / "bench"
        out_dir.mkdir(parents=True, exist_ok=True)
        info = {"engine_kept_ms": kept_ms, "dashboard_cold_ms": dashboard_cold_ms, "matrix_cold_ms": matrix_cold_ms}
        (out_dir / "bench_reports.json").write_text(json.dumps({"verdicts": rows, "info": info}, indent=1))
