"""Letter 7019's campaign (2019–2020) as history: most units filed, some late, a few never did; the key
works held their ceremonies; the final province report was built at the close (31/12/2020).

Runs after the per-app demo modules (which file the records the 2019 demo users own) and fills in the rest
of the 2019 map. Idempotent: a unit that already has a record for an ask is left alone.
"""

import datetime

from django.contrib.auth import get_user_model

from campaign_portal.core.models import Membership, ReviewStatus, Role, Unit
from directives.models import Directive, DirectiveStatus, RequirementKind
from directives.obligations import owers
from pledges import services as pledge_services
from pledges.models import Commitment, Dissemination, EmulationPlan
from projects import services as project_services
from projects.models import KeyWork, WorkKind, WorkStatus
from reports import services as report_services
from reports.models import Report, ReportFormat, ReportKind

from .filings import ACCEPTED, LATE, MISSING, file_in_bulk, when

NUMBER = "7019/UBND-TH"
OPENED = datetime.date(2019, 8, 27)
CLOSED = datetime.date(2020, 12, 31)  # the campaign's end: every filing reviewed by then
FINAL_REPORT_NUMBER = "25/BC-UBND"
A = ACCEPTED
PATTERNS = {  # one outcome per owing unit, repeated: ~80 % on time, ~12 % late, ~8 % never filed
    RequirementKind.DISSEMINATION: (A, A, A, A, LATE, A, A, A, A, A, A, MISSING),
    RequirementKind.EMULATION_PLAN: (A, A, LATE, A, A, A, A, LATE, A, A, A, MISSING, A),
    RequirementKind.BREAKTHROUGH_THEME: (A, A, A, LATE, A, A, A, MISSING, A, A),
    RequirementKind.DIFFICULT_FIELD: (A, A, LATE, A, A, A, A, MISSING, A),
}
# (name, ceremony held on): the 7019 key works that were still open in the per-app demo
CEREMONIES = {
    "Đường giao thông liên xã Ea Kly – Ea Kuăng (giai đoạn 1)": datetime.date(2020, 11, 20),
    "Trường THCS Phan Bội Châu – khối phòng học 2 tầng, 12 phòng": datetime.date(2020, 11, 21),
}


def seed(*, stdout, today: datetime.date | None = None) -> None:  # history does not move with today
    directive = Directive.objects.filter(number=NUMBER, status=DirectiveStatus.PUBLISHED).order_by("id").first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["canbo.tinh", "krongpac"])}
    if directive is None or len(users) < 2:
        stdout.write("history: Letter 7019 or the demo users are missing; skipped")
        return
    staff = users["canbo.tinh"]
    requirements = list(directive.requirements.all())
    owed = owers(requirements)
    units = Unit.objects.in_bulk([pk for ids in owed.values() for pk in ids])
    filed = 0
    for requirement in requirements:
        filed += file_in_bulk(
            requirement=requirement,
            units=[units[pk] for pk in owed[requirement.pk]],
            pattern=PATTERNS.get(requirement.kind, ()),
            opened=OPENED,
            today=CLOSED,
            reviewer=staff,
        )
    closed = _close_open_records(directive, staff)
    held = _ceremonies(users)
    report = _final_report(directive, staff)
    stdout.write(
        f"history: {filed} filings for {directive}, {closed} left open closed, {held} ceremonies held, "
        f"final report {report.status}"
    )


def _close_open_records(directive: Directive, staff) -> int:
    """The per-app demo leaves a few 2019 records open (a draft, some awaiting review): by 2020 they were not."""
    officers = {m.unit_id: m.user for m in Membership.objects.filter(role=Role.OFFICER).select_related("user")}
    closed = 0
    for model in (Dissemination, EmulationPlan, Commitment):
        records = model.objects.filter(
            requirement__directive=directive, status__in=[ReviewStatus.DRAFT, ReviewStatus.SUBMITTED]
        ).select_related("requirement", "unit")
        for record in records:
            deadline = record.requirement.deadline or OPENED
            if record.status == ReviewStatus.DRAFT:
                if record.unit_id not in officers:
                    continue
                pledge_services.submission_transition(
                    user=officers[record.unit_id], submission=record, target=ReviewStatus.SUBMITTED
                )
                model.objects.filter(pk=record.pk).update(
                    submitted_at=when(deadline - datetime.timedelta(days=2)), on_time=True
                )
                record.refresh_from_db()
            pledge_services.submission_transition(
                user=staff, submission=record, target=ReviewStatus.ACCEPTED, comment="Đạt yêu cầu."
            )
            model.objects.filter(pk=record.pk).update(reviewed_at=when(deadline + datetime.timedelta(days=6), 15))
            closed += 1
    return closed


def _ceremonies(users) -> int:
    held = 0
    for name, day in CEREMONIES.items():
        work = KeyWork.objects.filter(name=name).order_by("id").first()
        if work is None or work.work_status == WorkStatus.CEREMONY_HELD:
            continue
        officer = users["krongpac"] if work.unit.code == "DLK-KPA" else None
        if officer is None:
            continue
        if work.status == ReviewStatus.SUBMITTED:
            project_services.key_work_transition(
                user=users["canbo.tinh"], work=work, target=ReviewStatus.ACCEPTED, comment="Đồng ý đăng ký."
            )
            work.refresh_from_db()
        if work.kind == WorkKind.INAUGURATION and work.latest_progress < 100:
            project_services.progress_update_create(
                user=officer,
                work=work,
                reported_on=day - datetime.timedelta(days=5),
                physical_progress=100,
                capital_disbursed=work.total_investment,
                note="Hoàn thành, đã nghiệm thu đưa vào sử dụng.",
                photos=[],
            )
            work.refresh_from_db()
        project_services.key_work_set_status(
            user=officer, work=work, work_status=WorkStatus.CEREMONY_HELD, actual_date=day
        )
        held += 1
    return held


def _final_report(directive: Directive, staff) -> Report:
    existing = Report.objects.filter(kind=ReportKind.PROVINCE_COMPLIANCE, cutoff=CLOSED).order_by("id").first()
    if existing is not None:
        return existing
    return report_services.report_request(
        user=staff,
        kind=ReportKind.PROVINCE_COMPLIANCE,
        fmt=ReportFormat.PDF,
        scope_unit=directive.issuer,
        parameters={"campaign": directive.campaign_id},
        cutoff=CLOSED,
        document_number=FINAL_REPORT_NUMBER,
    )
