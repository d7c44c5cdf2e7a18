"""Demo: today's communes and departments in clusters and blocks, one cluster's year scored end to end.

Call `devtools.demo.emulation.seed(stdout=...)` after the units, the demo users and the directives' demo (it links
criteria to this year's published requirements when there are some). Idempotent: a year that already
has clusters is left alone. Demo passwords are for local demos only.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaign_portal.core.models import Membership, ReviewStatus, Role, Unit, UnitKind
from campaign_portal.core.services import membership_set
from campaign_portal.core.uploads import bytes_upload
from directives.models import DirectiveStatus, Requirement, RequirementKind
from emulation import services
from emulation.models import Cluster, ClusterKind, CriterionKind

DEMO_PASSWORD = "demo1234"  # noqa: S105 - documented demo credential
CLUSTER_SIZE = 8  # about this many communes a cluster, in 2 to 4 clusters
MAX_COMMUNE_CLUSTERS = 4

# (section, [(code, title, kind, max points, guidance, evidence required, linked requirement kind)])
STANDARD_TABLE = [
    (
        "I. Triển khai các văn bản chỉ đạo của tỉnh",
        [
            (
                "1.1",
                "Quán triệt, triển khai văn bản chỉ đạo đúng hạn",
                "score",
                10,
                "Đúng hạn: 10 điểm; trễ hạn: 5 điểm; không thực hiện: 0 điểm.",
                "Biên bản hội nghị quán triệt",
                RequirementKind.DISSEMINATION,
            ),
            (
                "1.2",
                "Ban hành kế hoạch phát động thi đua, đạt các chỉ tiêu đăng ký",
                "score",
                20,
                "Điểm theo tỷ lệ đạt bình quân các chỉ tiêu của kế hoạch.",
                "Kế hoạch, báo cáo tiến độ chỉ tiêu",
                RequirementKind.EMULATION_PLAN,
            ),
            (
                "1.3",
                "Công trình trọng điểm chào mừng các ngày lễ lớn",
                "score",
                10,
                "Điểm theo tiến độ bình quân các công trình đã đăng ký.",
                "Báo cáo tiến độ, ảnh hiện trường",
                RequirementKind.KEY_WORKS,
            ),
        ],
    ),
    (
        "II. Thực hiện nhiệm vụ chính trị, phát triển kinh tế - xã hội",
        [
            (
                "2.1",
                "Hoàn thành các chỉ tiêu kinh tế - xã hội được giao",
                "score",
                30,
                "Mỗi chỉ tiêu không đạt trừ 3 điểm.",
                "Báo cáo kinh tế - xã hội năm",
                "",
            ),
            (
                "2.2",
                "Cải cách hành chính, chuyển đổi số",
                "score",
                15,
                "Theo kết quả chỉ số cải cách hành chính của tỉnh.",
                "Kết quả chấm chỉ số CCHC",
                "",
            ),
            (
                "2.3",
                "Phong trào văn hóa, thể thao, an sinh xã hội",
                "score",
                15,
                "Tổ chức, tham gia đủ các hoạt động của cụm.",
                "Báo cáo, hình ảnh",
                "",
            ),
        ],
    ),
    (
        "III. Điểm thưởng, điểm trừ",
        [
            (
                "T1",
                "Mô hình mới, cách làm hay được tỉnh công nhận",
                "bonus",
                3,
                "Mỗi mô hình 1 điểm.",
                "Quyết định công nhận",
                "",
            ),
            ("T2", "Tổ chức thành công hoạt động chung của cụm", "bonus", 2, "", "Biên bản họp cụm", ""),
            (
                "Tr1",
                "Để xảy ra vi phạm bị cơ quan có thẩm quyền xử lý",
                "penalty",
                10,
                "Mỗi vụ việc trừ 2 điểm.",
                "",
                "",
            ),
        ],
    ),
]


def _requirements(year: int) -> dict:
    """This year's published requirements by kind (the first of each), for linked criteria."""
    found = {}
    for requirement in Requirement.objects.filter(
        directive__status=DirectiveStatus.PUBLISHED, directive__issued_on__year=year
    ).order_by("directive__issued_on", "position"):
        found.setdefault(requirement.kind, requirement)
    return found


def standard_sections(requirements: dict) -> list[dict]:
    evidence_for = {
        RequirementKind.DISSEMINATION: "requirement_compliance",
        RequirementKind.EMULATION_PLAN: "plan_achievement",
        RequirementKind.KEY_WORKS: "key_work_progress",
    }
    sections = []
    for title, rows in STANDARD_TABLE:
        criteria = []
        for code, name, kind, points, guidance, needed, linked in rows:
            requirement = requirements.get(linked) if linked else None
            criteria.append(
                {
                    "code": code,
                    "title": name,
                    "kind": kind,
                    "max_points": Decimal(points),
                    "guidance": guidance,
                    "evidence_required": needed,
                    "evidence_kind": evidence_for[linked] if requirement else "",
                    "requirement_id": requirement.pk if requirement else None,
                }
            )
        sections.append({"title": title, "criteria": criteria})
    return sections


def _groups(today: datetime.date) -> list[tuple[str, str, list[Unit]]]:
    """4–6 clusters and blocks of today's map: communes by area (in order of code), departments and agencies by sector."""
    units = Unit.objects.valid_on(today).filter(is_active=True)
    communes = list(units.filter(kind=UnitKind.COMMUNE).order_by("path"))
    offices = list(units.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.AGENCY]).order_by("kind", "sort_order", "name"))
    groups = []
    count = min(MAX_COMMUNE_CLUSTERS, max(2, len(communes) // CLUSTER_SIZE)) if len(communes) >= 4 else 1
    size = -(-len(communes) // count) if communes else 1
    for index in range(0, len(communes), size):
        number = index // size + 1
        groups.append(
            (f"Cụm thi đua số {number} (các xã, phường)", ClusterKind.CLUSTER, communes[index : index + size])
        )
    blocks = min(max(2, 5 - len(groups)), max(1, len(offices) // 2))  # 4–6 groups in all
    size = -(-len(offices) // blocks) if offices else 1
    for index in range(0, len(offices), size):
        number = index // size + 1
        groups.append(
            (f"Khối thi đua số {number} (các sở, ban, ngành)", ClusterKind.BLOCK, offices[index : index + size])
        )
    return [g for g in groups if len(g[2]) >= 2][:6]


def _staff():
    membership = Membership.objects.filter(role=Role.STAFF).select_related("user").order_by("pk").first()
    if membership is not None:
        return membership.user
    root = Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("path").first()
    return _user("canbo.thidua", "Cán bộ Ban Thi đua - Khen thưởng", root, Role.STAFF)


def _user(username: str, full_name: str, unit: Unit, role: str = Role.OFFICER):
    user, created = get_user_model().objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        membership_set(user=user, unit=unit, role=role, title="Cán bộ thi đua")
    return user


def _officer(unit: Unit):
    membership = Membership.objects.filter(unit=unit, role=Role.OFFICER).select_related("user").order_by("pk").first()
    if membership is not None:
        return membership.user
    return _user(f"td.{unit.code.lower()}", f"Cán bộ thi đua {unit.name}", unit)


def _scan() -> object:
    return bytes_upload("giao-uoc-thi-dua.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def _score_year(cluster: Cluster, staff, today: datetime.date) -> None:
    """Covenant → self-scoring → the head's review (one adjustment with its reason) → final."""
    members = list(cluster.members.filter(left_on__isnull=True).select_related("unit").order_by("unit__path"))
    head = next(m for m in members if m.role == "head")
    deputy = next(m for m in members if m.role == "deputy")
    officers = {m.unit_id: _officer(m.unit) for m in members}
    services.covenant_file(
        user=officers[head.unit_id],
        cluster=cluster,
        text=f"Các đơn vị {cluster.name} giao ước thi đua thực hiện thắng lợi nhiệm vụ năm {cluster.year}.",
        signed_on=datetime.date(cluster.year, 1, 15),
        scan=_scan(),
        signing_units=[m.unit for m in members],
    )
    for member in members:
        services.covenant_confirm(user=officers[member.unit_id], cluster=cluster)
    for index, member in enumerate(members):
        officer = officers[member.unit_id]
        card = services.scorecard_open(user=officer, cluster=cluster, as_of=today)
        values = {}
        for line in card.lines.select_related("criterion"):
            criterion = line.criterion
            if line.self_points is not None:
                continue
            if criterion.kind == CriterionKind.PENALTY:
                points = Decimal(2) if index == len(members) - 1 else Decimal(0)
            elif criterion.kind == CriterionKind.BONUS:
                points = criterion.max_points if index % 3 == 0 else Decimal(1)
            else:
                points = max(Decimal(0), criterion.max_points - index % 5)
            values[criterion.pk] = (str(points), "Báo cáo tổng kết năm của đơn vị" if points else "")
        services.scorecard_save(user=officer, scorecard=card, values=values)
        services.scorecard_submit(user=officer, scorecard=card)
    for member in members:
        card = cluster.scorecards.get(unit=member.unit)
        reviewer = officers[deputy.unit_id] if member.unit_id == head.unit_id else officers[head.unit_id]
        if member.unit_id == members[-1].unit_id and member.unit_id != head.unit_id:
            line = card.lines.filter(criterion__kind=CriterionKind.SCORE, criterion__evidence_kind="").first()
            services.scorecard_adjust(
                user=reviewer, scorecard=card, criterion_id=line.criterion_id,
                points=str(max(Decimal(0), (line.self_points or 0) - 2)),
                reason="Chưa có minh chứng hoạt động chung của cụm quý IV",
            )  # fmt: skip
        services.scorecard_review(user=reviewer, scorecard=card, target=ReviewStatus.ACCEPTED)
    services.cluster_finalise(user=staff, cluster=cluster)


def seed(*, stdout=None, today: datetime.date | None = None) -> list[Cluster]:
    stdout = stdout or io.StringIO()
    today = today or timezone.localdate()
    year = today.year
    if Cluster.objects.filter(year=year).exists():
        stdout.write(f"emulation: clusters of {year} already there; skipped\n")
        return list(Cluster.objects.filter(year=year))
    groups = _groups(today)
    if not groups:
        stdout.write("emulation: no units on today's map; skipped\n")
        return []
    staff = _staff()
    requirements = _requirements(year)
    clusters = []
    with transaction.atomic():
        for name, kind, units in groups:
            cluster = services.cluster_save(
                user=staff, name=name, kind=kind, year=year, units=units, head=units[0], deputy=units[1],
                description="Dữ liệu mẫu", today=datetime.date(year, 1, 5) if today > datetime.date(year, 1, 5) else today,
            )  # fmt: skip
            services.criteria_replace(
                user=staff, table=cluster.criteria_table, sections=standard_sections(requirements)
            )
            clusters.append(cluster)
        _score_year(clusters[0], staff, today)
    stdout.write(
        f"emulation: {len(clusters)} clusters/blocks of {year} ({sum(len(g[2]) for g in groups)} units); "
        f"“{clusters[0].name}” scored, reviewed and finalised\n"
    )
    return clusters
