"""seed_demo: idempotent, the 2019 map kept for history, today's map and a campaign dated from the seeding day."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from campaign_portal.core.models import Membership, ReviewStatus, Role, Unit, User
from directives.models import Campaign, Directive
from directives.obligations import CellState
from pledges.models import Commitment, Dissemination, EmulationPlan
from projects.models import KeyWork, WorkStatus
from reports import selectors


def counts():
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in ("core", "directives", "pledges", "projects", "reports")
        # logs of writes, not data: who did what, and the engine's data versions (directives.freshness)
        and m._meta.label not in ("core.AuditEntry", "directives.EngineVersion")
    }


def seed(day: datetime.date | None = None):
    call_command("seed_demo", *(["--today", day.strftime("%d/%m/%Y")] if day else []), stdout=io.StringIO())


@pytest.mark.parametrize("days_ago", [0, 45])
def test_seed_demo_dates_the_current_campaign_from_its_day_and_is_idempotent(db, days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    seed(day)
    first = counts()
    seed(day)
    assert counts() == first
    letter = Directive.objects.get(number="1286/UBND-TH")
    assert letter.issued_on == day - datetime.timedelta(days=21)
    deadlines = sorted((r.deadline - day).days for r in letter.requirements.all())
    assert deadlines == [-14, -3, 10, 20, 35]  # before and after the seeding day, whatever the day
    assert letter.campaign.starts_on <= day <= letter.campaign.ends_on


def test_seed_demo_gives_every_role_a_user_in_todays_and_2019_units(db):
    seed()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.STAFF, Role.LEADER, Role.OFFICER, Role.ADMIN}
    assert User.objects.get(username="xa.eakly").check_password("demo1234")
    today = timezone.localdate()
    for username, code in [("xa.eakly", "24496"), ("phuong.bmt", "24133"), ("so.nnmt", "DLK-SNNMT")]:
        unit = Membership.objects.get(user__username=username).unit
        assert unit.code == code and unit.is_valid_on(today)
    assert Unit.objects.get(code="DLK-SNNMT").predecessors.count() == 2  # a merged department
    # the 2019 users stay, in their 2019 units, for the history
    assert Membership.objects.get(user__username="krongpac").unit.code == "DLK-KPA"
    assert not Membership.objects.get(user__username="eakly").unit.is_valid_on(today)


def test_seed_demo_loads_daklak_2019_map(db):
    seed()
    on_2019 = Unit.objects.valid_on(datetime.date(2019, 8, 27))
    assert on_2019.filter(kind="district").count() == 15
    assert on_2019.filter(kind__in=["department"]).count() >= 20
    assert on_2019.filter(parent__code="DLK-KPA").count() == 16
    assert on_2019.filter(parent__code="DLK-BMT").count() == 21
    assert not Unit.objects.valid_on(datetime.date(2026, 1, 1)).filter(kind="district").exists()


def test_letter_7019_reads_like_history(db):
    seed()
    result = selectors.compliance_for_source(
        source=selectors.resolve_source(directive_id=Directive.objects.get(number="7019/UBND-TH").pk)
    )
    total = result.total()
    states = total.states
    assert states[CellState.ACCEPTED] / total.applicable > 0.8  # most filed
    assert total.accepted_late > 0 and 0 < states[CellState.LATE] < 0.15 * total.applicable
    assert not (states[CellState.SENT] or states[CellState.DRAFT])  # nothing left open in 2020
    works = KeyWork.objects.filter(requirement__directive__number="7019/UBND-TH")
    assert works.filter(work_status=WorkStatus.CEREMONY_HELD, actual_date__year=2020).count() >= 2
    campaign = Campaign.objects.get(directives__number="7019/UBND-TH")
    from reports.models import Report

    assert Report.objects.filter(parameters__campaign=campaign.pk, cutoff=datetime.date(2020, 12, 31)).exists()


def test_the_current_campaign_is_in_motion(db):
    seed()
    source = selectors.resolve_source()
    assert source.campaign.directives.get().number == "1286/UBND-TH"  # the dashboard's default
    states = selectors.compliance_for_source(source=source).total().states
    for state in (CellState.ACCEPTED, CellState.SENT, CellState.DRAFT, CellState.LATE, CellState.NOT_STARTED):
        assert states[state] > 0, state
    statuses = set()
    for model in (Dissemination, EmulationPlan, Commitment):
        statuses |= set(
            model.objects.filter(requirement__directive__number="1286/UBND-TH").values_list("status", flat=True)
        )
    assert {ReviewStatus.ACCEPTED, ReviewStatus.SUBMITTED, ReviewStatus.RETURNED, ReviewStatus.DRAFT} <= statuses
    plan = EmulationPlan.objects.get(unit__code="24496", requirement__directive__number="1286/UBND-TH")
    assert plan.status == ReviewStatus.RETURNED and plan.review_comment
    at_risk = KeyWork.objects.get(unit__code="24496", requirement__directive__number="1286/UBND-TH")
    assert at_risk.latest_progress < 80 and 0 < (at_risk.planned_date - timezone.localdate()).days <= 30
