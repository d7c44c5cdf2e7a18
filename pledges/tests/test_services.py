import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaign_portal.core import review
from campaign_portal.core.models import AuditEntry, ReviewStatus
from campaign_portal.core.uploads import bytes_upload
from directives.models import DirectiveStatus
from pledges import services
from pledges.models import Attachment, Commitment, Dissemination, EmulationPlan, Target, TargetProgress
from pledges.tests.factories import CommitmentFactory, EmulationPlanFactory, TargetFactory

pytestmark = pytest.mark.django_db

THEME = {"field": "economy", "title": "Chủ điểm", "description": "", "expected_result": "Tăng thu"}
PLAN = {"title": "Kế hoạch thi đua", "document_number": "12/KH-UBND", "document_date": None, "content": ""}
BRIEFING = {
    "title": "Hội nghị quán triệt",
    "held_on": datetime.date(2019, 9, 10),
    "form": "conference",
    "leaders": 5,
    "civil_servants": 40,
    "party_members": 30,
    "workers": 10,
    "attendees_total": None,
    "notes": "",
}


def _theme(user, letter, title="Chủ điểm"):
    return services.commitment_create(user=user, requirement=letter.theme, data={**THEME, "title": title})


# --- Quotas -------------------------------------------------------------------------------------


def test_third_theme_is_refused_naming_the_directive_and_quota(letter, officer_commune):
    _theme(officer_commune, letter, "Một")
    _theme(officer_commune, letter, "Hai")
    with pytest.raises(services.QuotaExceeded) as exc:
        _theme(officer_commune, letter, "Ba")
    message = exc.value.messages[0]
    assert "7019/UBND-TH" in message
    assert "tối đa 02" in message
    assert Commitment.objects.filter(unit=officer_commune.membership.unit).count() == 2


def test_theme_and_difficult_field_quotas_are_separate(letter, officer_commune):
    _theme(officer_commune, letter, "Một")
    _theme(officer_commune, letter, "Hai")
    for title in ("Khó một", "Khó hai"):
        services.commitment_create(user=officer_commune, requirement=letter.difficult, data={**THEME, "title": title})
    assert Commitment.objects.filter(category="difficult_field").count() == 2


def test_withdrawn_record_frees_its_place(letter, officer_commune, officer_kp):
    first = _theme(officer_commune, letter, "Một")
    _theme(officer_commune, letter, "Hai")
    services.submission_transition(user=officer_commune, submission=first, target="submitted")
    services.submission_transition(user=officer_commune, submission=first, target="withdrawn", comment="Đổi")
    assert _theme(officer_commune, letter, "Ba").pk


def test_quota_counts_per_unit(letter, officer_commune, officer_dept):
    _theme(officer_commune, letter, "Một")
    _theme(officer_commune, letter, "Hai")
    assert _theme(officer_dept, letter, "Của sở").unit == officer_dept.membership.unit


def test_plan_and_dissemination_default_to_one_per_unit(letter, officer_kp):
    services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    with pytest.raises(services.QuotaExceeded, match="tối đa 01"):
        services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    services.dissemination_create(user=officer_kp, requirement=letter.dissemination, data=BRIEFING)
    with pytest.raises(services.QuotaExceeded):
        services.dissemination_create(user=officer_kp, requirement=letter.dissemination, data=BRIEFING)


def test_quota_for_reports_use_and_missing(letter, officer_commune):
    unit = officer_commune.membership.unit
    assert services.quota_for(unit=unit, requirement=letter.theme).missing == 1
    _theme(officer_commune, letter)
    quota = services.quota_for(unit=unit, requirement=letter.theme)
    assert (quota.used, quota.missing, quota.full) == (1, 0, False)


def test_district_cannot_file_a_theme_it_does_not_owe(letter, officer_kp):
    with pytest.raises(PermissionDenied):
        _theme(officer_kp, letter)


def test_staff_and_leader_cannot_file(letter, staff, leader):
    for user in (staff, leader):
        with pytest.raises(PermissionDenied):
            services.plan_create(user=user, requirement=letter.plan, data=PLAN)


def test_unpublished_directive_refuses_filing(letter, officer_kp):
    letter.directive.status = DirectiveStatus.WITHDRAWN
    letter.directive.save()
    with pytest.raises(ValidationError):
        services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)


def test_wrong_kind_for_requirement_is_refused(letter, officer_kp):
    with pytest.raises(ValidationError):
        services.plan_create(user=officer_kp, requirement=letter.dissemination, data=PLAN)


# --- Dissemination totals -----------------------------------------------------------------------


def test_dissemination_total_is_computed_when_blank(letter, officer_kp):
    record = services.dissemination_create(user=officer_kp, requirement=letter.dissemination, data=BRIEFING)
    assert record.attendees_total == 55  # 5 leaders + 40 civil servants + 10 workers (Party members overlap)
    assert list(record.directives.all()) == [letter.directive]
    assert AuditEntry.objects.filter(action="pledges.dissemination.created").count() == 1


def test_dissemination_total_below_groups_is_refused(letter, officer_kp):
    with pytest.raises(ValidationError):
        services.dissemination_create(
            user=officer_kp, requirement=letter.dissemination, data={**BRIEFING, "attendees_total": 20}
        )
    assert not Dissemination.objects.exists()


def test_dissemination_total_constraint_in_database(letter, province):
    from django.db import IntegrityError, transaction

    from pledges.tests.factories import DisseminationFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        DisseminationFactory(unit=province.krong_pac, requirement=letter.dissemination, attendees_total=1)


# --- Edits, conflicts, deletion -----------------------------------------------------------------


def test_update_with_stale_version_raises_conflict(letter, officer_kp):
    plan = services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    services.plan_update(user=officer_kp, plan=plan, expected_version=1, data={**PLAN, "title": "Bản A"})
    stale = EmulationPlan.objects.get(pk=plan.pk)
    with pytest.raises(review.ConflictError):
        services.plan_update(user=officer_kp, plan=stale, expected_version=1, data={**PLAN, "title": "Bản B"})
    assert EmulationPlan.objects.get(pk=plan.pk).title == "Bản A"
    entry = AuditEntry.objects.get(action="pledges.emulationplan.updated")
    assert entry.changes["title"] == ["Kế hoạch thi đua", "Bản A"]


def test_submitted_record_cannot_be_edited_or_deleted(letter, officer_kp):
    plan = services.plan_create(
        user=officer_kp, requirement=letter.plan, data=PLAN, targets=[{"name": "T", "target_value": Decimal(1)}]
    )
    services.submission_transition(user=officer_kp, submission=plan, target="submitted")
    with pytest.raises(ValidationError):
        services.plan_update(user=officer_kp, plan=plan, expected_version=plan.version, data=PLAN)
    with pytest.raises(ValidationError):
        services.submission_delete(user=officer_kp, submission=plan)
    assert EmulationPlan.objects.filter(pk=plan.pk).exists()


def test_draft_deleted_only_by_its_unit(letter, officer_kp, officer_bmt, staff):
    plan = services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    for other in (officer_bmt, staff):
        with pytest.raises(PermissionDenied):
            services.submission_delete(user=other, submission=plan)
    services.submission_delete(user=officer_kp, submission=plan)
    assert not EmulationPlan.objects.exists()
    assert AuditEntry.objects.filter(action="pledges.emulationplan.deleted").exists()


def test_another_unit_cannot_update(letter, officer_kp, officer_bmt):
    plan = services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    with pytest.raises(PermissionDenied):
        services.plan_update(user=officer_bmt, plan=plan, expected_version=1, data=PLAN)


# --- Targets ------------------------------------------------------------------------------------


def test_targets_sync_creates_updates_and_deletes(letter, officer_kp):
    plan = services.plan_create(
        user=officer_kp,
        requirement=letter.plan,
        data=PLAN,
        targets=[
            {"name": "A", "target_value": Decimal(10)},
            {"name": "B", "target_value": Decimal(20)},
        ],
    )
    a, b = plan.targets.order_by("position")
    services.plan_update(
        user=officer_kp,
        plan=plan,
        expected_version=1,
        data=PLAN,
        targets=[
            {"id": a.pk, "DELETE": True},
            {"id": b.pk, "name": "B2", "target_value": Decimal(25)},
            {"name": "C", "target_value": Decimal(5), "baseline": Decimal(1)},
        ],
    )
    assert list(plan.targets.order_by("position").values_list("name", "position")) == [("B2", 1), ("C", 2)]


def test_target_with_progress_cannot_be_deleted(letter, officer_kp):
    plan = EmulationPlanFactory(unit=officer_kp.membership.unit, requirement=letter.plan, status="returned")
    target = TargetFactory(plan=plan)
    TargetProgress.objects.create(target=target, reported_on=datetime.date(2020, 1, 1), actual_value=1)
    with pytest.raises(ValidationError, match="đã có số liệu tiến độ"):
        services.plan_update(
            user=officer_kp,
            plan=plan,
            expected_version=plan.version,
            data=PLAN,
            targets=[{"id": target.pk, "DELETE": True}],
        )
    assert Target.objects.filter(pk=target.pk).exists()


def test_targets_import_is_all_or_nothing(letter, officer_kp):
    plan = services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    with pytest.raises(ValidationError):
        services.targets_import(
            user=officer_kp,
            owner=plan,
            rows=[
                {"name": "Tốt", "unit_of_measure": "", "baseline": None, "target_value": Decimal(1), "due_date": None},
                {
                    "name": "x" * 400,
                    "unit_of_measure": "",
                    "baseline": None,
                    "target_value": Decimal(1),
                    "due_date": None,
                },
            ],
        )
    assert not Target.objects.exists()


# --- Progress -----------------------------------------------------------------------------------


def test_progress_only_after_submission_and_flagged_late(letter, officer_kp):
    plan = EmulationPlanFactory(unit=officer_kp.membership.unit, requirement=letter.plan)
    target = TargetFactory(plan=plan, due_date=datetime.date(2020, 12, 31))
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.progress_add(user=officer_kp, target=target, reported_on=today, actual_value=Decimal(60))
    plan.status = ReviewStatus.ACCEPTED
    plan.save()
    fresh = services.progress_add(user=officer_kp, target=target, reported_on=today, actual_value=Decimal(60))
    old = services.progress_add(
        user=officer_kp, target=target, reported_on=today - datetime.timedelta(days=40), actual_value=Decimal(55)
    )
    assert fresh.is_late is True  # today is after the target's due date (2020)
    assert old.is_late is True
    assert TargetProgress.objects.count() == 2


def test_progress_late_rule():
    day = datetime.date(2020, 6, 30)
    assert not services.progress_is_late(reported_on=day, entered_on=day + datetime.timedelta(days=15), due_date=None)
    assert services.progress_is_late(reported_on=day, entered_on=day + datetime.timedelta(days=16), due_date=None)
    assert services.progress_is_late(reported_on=day, entered_on=day, due_date=datetime.date(2020, 6, 29))


def test_progress_refused_for_another_unit(letter, officer_kp, officer_bmt):
    plan = EmulationPlanFactory(unit=officer_kp.membership.unit, requirement=letter.plan, status="accepted")
    target = TargetFactory(plan=plan)
    with pytest.raises(PermissionDenied):
        services.progress_add(user=officer_bmt, target=target, reported_on=timezone.localdate(), actual_value=1)


def test_achievement_handles_baseline():
    target = Target(baseline=Decimal(50), target_value=Decimal(80))
    assert target.achievement(Decimal(65)) == Decimal("50.0")
    assert target.achievement(Decimal(80)) == Decimal("100.0")
    assert Target(baseline=None, target_value=Decimal(10)).achievement(Decimal(5)) == Decimal("50.0")
    assert Target(baseline=Decimal(5), target_value=Decimal(5)).achievement(Decimal(5)) == Decimal(100)
    # A target to reduce (baseline above target) still reads as progress towards it.
    assert Target(baseline=Decimal(10), target_value=Decimal(4)).achievement(Decimal(7)) == Decimal("50.0")


# --- On time at the deadline boundary (Asia/Ho_Chi_Minh) ---------------------------------------


@pytest.mark.parametrize(
    ("local_time", "on_time"),
    [
        (datetime.datetime(2019, 9, 30, 23, 30), True),  # 16:30 UTC on the deadline day
        (datetime.datetime(2019, 9, 30, 23, 59, 59), True),
        (datetime.datetime(2019, 10, 1, 0, 0, 1), False),  # 17:00 UTC on 30/9 but already 1/10 locally
    ],
)
def test_on_time_against_deadline_in_local_time(letter, officer_kp, local_time, on_time):
    plan = services.plan_create(
        user=officer_kp, requirement=letter.plan, data=PLAN, targets=[{"name": "T", "target_value": Decimal(1)}]
    )
    moment = timezone.make_aware(local_time)  # TIME_ZONE = Asia/Ho_Chi_Minh
    with mock.patch("campaign_portal.core.review.timezone.now", return_value=moment):
        services.submission_transition(user=officer_kp, submission=plan, target="submitted")
    plan.refresh_from_db()
    assert plan.on_time is on_time


def test_plan_without_targets_cannot_be_submitted(letter, officer_kp):
    plan = services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN)
    with pytest.raises(ValidationError, match="ít nhất một chỉ tiêu"):
        services.submission_transition(user=officer_kp, submission=plan, target="submitted")


# --- Attachments --------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachment_validated_and_audited(letter, officer_kp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    record = services.dissemination_create(user=officer_kp, requirement=letter.dissemination, data=BRIEFING)
    attachment = services.attachment_add(user=officer_kp, owner=record, uploaded=bytes_upload("bien ban.pdf", PDF))
    assert attachment.kind == "pdf" and attachment.filename == "bien ban.pdf"
    with pytest.raises(ValidationError):
        services.attachment_add(user=officer_kp, owner=record, uploaded=bytes_upload("x.pdf.exe", PDF))
    with pytest.raises(ValidationError):
        services.attachment_add(user=officer_kp, owner=record, uploaded=bytes_upload("anh.jpg", PDF))
    assert Attachment.objects.count() == 1
    services.attachment_delete(user=officer_kp, attachment=attachment)
    assert not Attachment.objects.exists()


def test_commitment_factory_category_follows_requirement(letter, province):
    commitment = CommitmentFactory(unit=province.ea_kly, requirement=letter.difficult)
    assert commitment.category == "difficult_field"


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_respect_the_quota(letter, officer_commune):
    """Two officers of the same unit add the second and third theme at once: exactly one succeeds."""
    import threading

    from campaign_portal.testing import require_postgresql

    require_postgresql("row locks (select_for_update) need PostgreSQL; SQLite serialises writes anyway")
    _theme(officer_commune, letter, "Một")
    barrier = threading.Barrier(2)
    results = []

    def add(title):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=5)
            _theme(officer_commune, letter, title)
            results.append("ok")
        except services.QuotaExceeded:
            results.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=add, args=(title,)) for title in ("Hai", "Ba")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]
    assert Commitment.objects.filter(category="breakthrough_theme").count() == 2
