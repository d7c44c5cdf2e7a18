"""A small world for the project-level tests: Letter 7019 published, with records filed by Krông Pắc
(the "own" unit) that the Buôn Ma Thuột officer (the "foreign" unit) must not reach."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from directives.models import Directive, DirectiveStatus, Requirement, RequirementKind

ALL_KINDS = [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE]


@dataclass
class World:
    province: object
    staff: object
    leader: object
    officer_kp: object
    officer_bmt: object
    directive: Directive
    draft_directive: Directive
    requirements: dict  # RequirementKind value → Requirement
    objects: dict = field(default_factory=dict)  # name → object filed by Krông Pắc (submitted)

    def req(self, kind) -> int:
        return self.requirements[kind].pk

    def pk(self, name) -> int:
        return self.objects[name].pk


def make_requirement(directive, kind, ordinal, *, applies_to=None, quota=(None, None), position=0):
    return Requirement.objects.create(
        directive=directive,
        ordinal=ordinal,
        position=position,
        kind=kind,
        title=str(RequirementKind(kind).label),
        text=f"Yêu cầu {ordinal}",
        applies_to=applies_to or ALL_KINDS,
        deadline=datetime.date(2019, 11, 30),
        quota_min=quota[0],
        quota_max=quota[1],
    )


def build_world(province, staff, leader, officer_kp, officer_bmt) -> World:
    directive = Directive.objects.create(
        number="7019/UBND-TH",
        issuer=province.province,
        issued_on=datetime.date(2019, 11, 4),
        subject="Về việc tổ chức phong trào thi đua",
        status=DirectiveStatus.PUBLISHED,
        place="Đắk Lắk",
        addressee_kinds=ALL_KINDS,
        published_at=timezone.now(),
        created_by=staff,
        published_by=staff,
    )
    draft = Directive.objects.create(
        number="",
        issuer=province.province,
        subject="Bản nháp chưa ban hành",
        status=DirectiveStatus.DRAFT,
        created_by=staff,
    )
    kinds = [
        (RequirementKind.DISSEMINATION, "1", None, (None, None)),
        (RequirementKind.EMULATION_PLAN, "2", None, (None, None)),
        (RequirementKind.KEY_WORKS, "3", [UnitKind.DISTRICT], (1, 2)),
        (RequirementKind.BREAKTHROUGH_THEME, "3", None, (1, 2)),
        (RequirementKind.DIFFICULT_FIELD, "3", None, (1, 2)),
        (RequirementKind.REPORT, "4", None, (None, None)),
    ]
    requirements = {
        kind: make_requirement(directive, kind, ordinal, applies_to=applies, quota=quota, position=i)
        for i, (kind, ordinal, applies, quota) in enumerate(kinds)
    }
    world = World(province, staff, leader, officer_kp, officer_bmt, directive, draft, requirements)
    _directive_extras(world)
    _file_records(world)
    _report(world)
    _emulation(world)
    return world


def _emulation(world):
    """Krông Pắc heads a cluster with the Department of Finance: covenant, document, its scorecard, evidence."""
    from django.core.files.base import ContentFile

    from emulation.models import ClusterDocument, Covenant, CovenantScan, ScoreEvidence
    from emulation.services import scorecard_open
    from emulation.tests.factories import CriterionFactory, SectionFactory, cluster_with

    p = world.province
    cluster = cluster_with([p.krong_pac, p.dept_finance], head=p.krong_pac, name="Cụm thử", year=2019)
    CriterionFactory(section=SectionFactory(table=cluster.criteria_table))
    covenant = Covenant.objects.create(cluster=cluster, signed_on=datetime.date(2019, 1, 15), text="Giao ước")
    scan = CovenantScan(covenant=covenant, filename="gu.pdf", kind="pdf")
    scan.file.save("gu.pdf", ContentFile(PDF), save=False)
    scan.save()
    document = ClusterDocument(cluster=cluster, title="Quy chế", filename="qc.pdf")
    document.file.save("qc.pdf", ContentFile(PDF), save=False)
    document.save()
    card = scorecard_open(user=world.officer_kp, cluster=cluster)
    type(card).objects.filter(pk=card.pk).update(status="submitted", submitted_at=timezone.now())  # drafts are private
    evidence = ScoreEvidence(line=card.lines.get(), filename="mc.pdf", kind="pdf")
    evidence.file.save("mc.pdf", ContentFile(PDF), save=False)
    evidence.save()
    world.objects.update(cluster=cluster, scorecard=card, cluster_document=document, score_evidence=evidence)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _directive_extras(world):
    from django.core.files.base import ContentFile

    from directives.models import Campaign, DirectiveAttachment, Milestone

    campaign = Campaign.objects.create(
        name="Thi đua chào mừng Đại hội Đảng các cấp",
        organiser=world.province.province,
        starts_on=datetime.date(2019, 8, 1),
        ends_on=datetime.date(2020, 12, 31),
    )
    world.objects["campaign"] = campaign
    world.objects["milestone"] = Milestone.objects.create(
        campaign=campaign, name="80 năm Đảng bộ tỉnh", date=datetime.date(2020, 11, 23)
    )
    attachment = DirectiveAttachment(
        directive=world.directive, filename="7019.pdf", kind="pdf", size=len(PDF), uploaded_by=world.staff
    )
    attachment.file.save("7019.pdf", ContentFile(PDF), save=True)
    world.objects["directive_attachment"] = attachment
    _scan_import(world)


def _scan_import(world):
    """A scan imported into the draft (its reading failed: a landscape photo), with one page image."""
    from django.core.files.base import ContentFile

    from directives.models import DirectiveImport, DirectiveImportPage, ImportSource, ImportStatus

    record = DirectiveImport.objects.create(
        directive=world.draft_directive,
        source=ImportSource.SCAN,
        status=ImportStatus.FAILED,
        pages_total=1,
        pages_done=1,
        error="Không tìm thấy chữ của một văn bản",
        created_by=world.staff,
    )
    page = DirectiveImportPage(record=record, number=1, width=10, height=10)
    page.image.save("page-1.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a jpeg"), save=True)
    world.objects["import_record"] = record


def _file_records(world):
    """Records filed by Krông Pắc, submitted (so staff, leaders and the unit see them, nobody else)."""
    kp = world.province.krong_pac
    submitted = {
        "unit": kp,
        "status": ReviewStatus.SUBMITTED,
        "submitted_at": timezone.now(),
        "submitted_by": world.officer_kp,
        "created_by": world.officer_kp,
    }
    try:
        from pledges.tests import factories as pf
    except ImportError:  # pragma: no cover - pledges not there yet
        pf = None
    if pf is not None:
        reqs = world.requirements
        world.objects["dissemination"] = pf.DisseminationFactory(
            requirement=reqs[RequirementKind.DISSEMINATION], **submitted
        )
        world.objects["plan"] = pf.EmulationPlanFactory(requirement=reqs[RequirementKind.EMULATION_PLAN], **submitted)
        world.objects["target"] = pf.TargetFactory(plan=world.objects["plan"])
        world.objects["theme"] = pf.CommitmentFactory(requirement=reqs[RequirementKind.BREAKTHROUGH_THEME], **submitted)
        world.objects["difficult_field"] = pf.DifficultFieldFactory(
            requirement=reqs[RequirementKind.DIFFICULT_FIELD], **submitted
        )
        world.objects["result_report"] = pf.ResultReportFactory(requirement=reqs[RequirementKind.REPORT], **submitted)
        world.objects["draft_plan"] = pf.EmulationPlanFactory(
            requirement=reqs[RequirementKind.EMULATION_PLAN],
            unit=kp,
            status=ReviewStatus.DRAFT,
            created_by=world.officer_kp,
        )
        # A draft of each kind: its owner can really open the edit form (a sent one redirects to its page).
        draft = {"unit": kp, "status": ReviewStatus.DRAFT, "created_by": world.officer_kp}
        world.objects["draft_dissemination"] = pf.DisseminationFactory(
            requirement=reqs[RequirementKind.DISSEMINATION], title="Bản nháp quán triệt", **draft
        )
        world.objects["draft_theme"] = pf.CommitmentFactory(
            requirement=reqs[RequirementKind.BREAKTHROUGH_THEME], title="Bản nháp chủ điểm", **draft
        )
        world.objects["draft_difficult_field"] = pf.DifficultFieldFactory(
            requirement=reqs[RequirementKind.DIFFICULT_FIELD], title="Bản nháp lĩnh vực khó", **draft
        )
        world.objects["draft_result_report"] = pf.ResultReportFactory(
            requirement=reqs[RequirementKind.REPORT], title="Bản nháp báo cáo kết quả", **draft
        )
        from django.core.files.base import ContentFile

        from pledges.models import Attachment, TargetEvidence

        attachment = Attachment(
            dissemination=world.objects["dissemination"],
            filename="bien-ban.pdf",
            kind="pdf",
            size=len(PDF),
            uploaded_by=world.officer_kp,
        )
        attachment.file.save("bien-ban.pdf", ContentFile(PDF), save=True)
        world.objects["pledges_attachment"] = attachment
        progress = pf.TargetProgressFactory(target=world.objects["target"])
        evidence = TargetEvidence(progress=progress, filename="minh-chung.pdf", kind="pdf")
        evidence.file.save("minh-chung.pdf", ContentFile(PDF), save=True)
        world.objects["target_progress"] = progress
    try:
        from projects.tests import factories as kf
    except ImportError:  # pragma: no cover
        kf = None
    if kf is not None:
        milestone = kf.MilestoneFactory()
        world.objects["key_work"] = kf.KeyWorkFactory(
            requirement=world.requirements[RequirementKind.KEY_WORKS], milestone=milestone, **submitted
        )
        world.objects["draft_key_work"] = kf.KeyWorkFactory(
            requirement=world.requirements[RequirementKind.KEY_WORKS],
            milestone=milestone,
            name="Bản nháp công trình",
            unit=world.province.krong_pac,
            status=ReviewStatus.DRAFT,
            created_by=world.officer_kp,
        )
        world.objects["progress"] = kf.ProgressUpdateFactory(key_work=world.objects["key_work"])
        from django.core.files.base import ContentFile

        from projects.models import ProgressPhoto

        photo = ProgressPhoto(update=world.objects["progress"], filename="cong-truong.jpg", width=64, height=48)
        data = kf.image_bytes()
        photo.file.save("cong-truong.jpg", ContentFile(data), save=False)
        photo.thumbnail.save("thumb.jpg", ContentFile(data), save=False)
        photo.thumbnail_status = "ready"
        photo.size = len(data)
        photo.save()
        world.objects["photo"] = photo


def _report(world):
    """A finished province report requested by staff, and a Krông Pắc unit report."""
    from django.core.files.base import ContentFile

    try:
        from reports.models import Report, ReportStatus
    except ImportError:  # pragma: no cover
        return
    for name, unit in (("report", world.province.province), ("unit_report", world.province.krong_pac)):
        report = Report.objects.create(
            kind="province_compliance" if name == "report" else "unit_report",
            requested_by=world.staff,
            scope_unit=unit,
            title="Báo cáo",
            status=ReportStatus.SUCCEEDED,
            progress=100,
            cutoff=datetime.date(2019, 12, 1),
            parameters={"directive": world.directive.pk},
        )
        report.file.save("bao-cao.pdf", ContentFile(PDF), save=False)
        report.filename = "bao-cao.pdf"
        report.save()
        world.objects[name] = report


@pytest.fixture
def world(province, staff, leader, officer_kp, officer_bmt, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_world(province, staff, leader, officer_kp, officer_bmt)
