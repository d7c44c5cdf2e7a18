import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign_portal.core.models import AuditEntry, ReviewStatus
from projects import rules, services
from projects.models import MONEY_MAX, KeyWork, WorkKind, WorkStatus
from projects.tests.factories import RequirementFactory


def work_data(milestone=None, **overrides):
    data = {
        "name": "Cầu bê tông qua suối Ea Kuăng",
        "kind": WorkKind.INAUGURATION,
        "sector": "transport",
        "milestone": milestone,
        "registered_on": datetime.date(2019, 9, 10),
        "planned_date": None,
        "total_investment": 12_500_000_000,
        "investor": "UBND huyện Krông Pắc",
    }
    data.update(overrides)
    return data


def test_create_takes_milestone_date_and_audits(officer_kp, requirement, milestone):
    work = services.key_work_create(
        user=officer_kp,
        requirement=requirement,
        data=work_data(milestone),
        funding=[{"source": "provincial", "amount": 10_000_000_000}, {"source": "district", "amount": 2_500_000_000}],
    )
    assert work.planned_date == datetime.date(2020, 11, 23)
    assert work.status == ReviewStatus.DRAFT and work.work_status == WorkStatus.REGISTERED
    assert work.funding_total == 12_500_000_000
    assert AuditEntry.objects.filter(action="projects.keywork.created", object_id=str(work.pk)).exists()
    assert work.history.count() == 1


def test_quota_third_work_refused_naming_directive_and_quota(officer_kp, requirement, milestone):
    for n in range(2):
        services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name=f"CT {n}"))
    with pytest.raises(ValidationError) as info:
        services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name="CT 3"))
    message = " ".join(info.value.messages)
    assert "7019/UBND-TH" in message and "01–02" in message
    assert KeyWork.objects.count() == 2


def test_quota_is_data_not_code(officer_kp, requirement, milestone):
    requirement.quota_max = 3
    requirement.save()
    for n in range(3):
        services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name=f"CT {n}"))
    assert KeyWork.objects.count() == 3


def test_withdrawn_work_frees_its_place(officer_kp, requirement, milestone):
    works = [
        services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name=f"CT {n}"))
        for n in range(2)
    ]
    services.key_work_transition(user=officer_kp, work=works[0], target=ReviewStatus.SUBMITTED)
    services.key_work_transition(
        user=officer_kp, work=works[0], target=ReviewStatus.WITHDRAWN, comment="Đổi công trình"
    )
    services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name="CT mới"))


def test_quota_counts_per_unit(officer_kp, officer_bmt, requirement, milestone):
    for n in range(2):
        services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name=f"KP {n}"))
    services.key_work_create(user=officer_bmt, requirement=requirement, data=work_data(milestone, name="BMT 1"))


def test_requirement_not_applying_to_unit_refused(officer_dept, requirement, milestone):
    with pytest.raises(ValidationError):
        services.key_work_create(user=officer_dept, requirement=requirement, data=work_data(milestone))


def test_leader_and_staff_cannot_create(leader, staff, requirement, milestone):
    for user in (leader, staff):
        with pytest.raises(PermissionDenied):
            services.key_work_create(user=user, requirement=requirement, data=work_data(milestone))


def test_approval_by_staff_moves_work_to_approved(officer_kp, staff, requirement, milestone):
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    services.key_work_transition(user=officer_kp, work=work, target=ReviewStatus.SUBMITTED)
    services.key_work_transition(user=staff, work=work, target=ReviewStatus.ACCEPTED, comment="Đồng ý")
    work.refresh_from_db()
    assert work.status == ReviewStatus.ACCEPTED and work.work_status == WorkStatus.APPROVED
    assert work.review_comment == "Đồng ý" and work.reviewed_by == staff
    assert AuditEntry.objects.filter(action="projects.keywork.accepted").exists()
    assert AuditEntry.objects.filter(action="projects.keywork.approved").exists()


def test_officer_cannot_accept_own_work_and_return_needs_comment(officer_kp, staff, requirement, milestone):
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    services.key_work_transition(user=officer_kp, work=work, target=ReviewStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.key_work_transition(user=officer_kp, work=work, target=ReviewStatus.ACCEPTED)
    with pytest.raises(ValidationError):
        services.key_work_transition(user=staff, work=work, target=ReviewStatus.RETURNED, comment=" ")
    services.key_work_transition(user=staff, work=work, target=ReviewStatus.RETURNED, comment="Bổ sung nguồn vốn")
    work.refresh_from_db()
    assert work.status == ReviewStatus.RETURNED and work.work_status == WorkStatus.REGISTERED


def test_update_only_while_editable_with_version(officer_kp, requirement, milestone):
    from campaign_portal.core.review import ConflictError

    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    services.key_work_update(user=officer_kp, work=work, data={"name": "Tên mới"}, expected_version=work.version)
    work.refresh_from_db()
    assert work.name == "Tên mới" and work.version == 2
    with pytest.raises(ConflictError):
        services.key_work_update(user=officer_kp, work=work, data={"name": "Cũ"}, expected_version=1)
    services.key_work_transition(user=officer_kp, work=work, target=ReviewStatus.SUBMITTED)
    work.refresh_from_db()
    with pytest.raises(ValidationError):
        services.key_work_update(user=officer_kp, work=work, data={"name": "X"}, expected_version=work.version)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"total_investment": -1}, "total_investment"),
        ({"total_investment": MONEY_MAX + 1}, "total_investment"),
        ({"planned_date": datetime.date(2019, 9, 1)}, "planned_date"),
        ({"latitude": 91}, "latitude"),
    ],
)
def test_create_rejects_bad_data(officer_kp, requirement, milestone, overrides, field):
    with pytest.raises(ValidationError) as info:
        services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, **overrides))
    assert field in info.value.message_dict


def test_funding_above_total_and_negative_refused(officer_kp, requirement, milestone):
    with pytest.raises(ValidationError):
        services.key_work_create(
            user=officer_kp,
            requirement=requirement,
            data=work_data(milestone),
            funding=[{"source": "central", "amount": 20_000_000_000}],
        )
    with pytest.raises(ValidationError):
        services.key_work_create(
            user=officer_kp,
            requirement=requirement,
            data=work_data(milestone),
            funding=[{"source": "central", "amount": -5}],
        )


def test_commune_must_be_under_the_district(officer_kp, province, requirement, milestone):
    with pytest.raises(ValidationError) as info:
        services.key_work_create(
            user=officer_kp, requirement=requirement, data=work_data(milestone, commune=province.tan_loi)
        )
    assert "commune" in info.value.message_dict


def accepted_work(officer, staff, requirement, milestone):
    work = services.key_work_create(user=officer, requirement=requirement, data=work_data(milestone))
    services.key_work_transition(user=officer, work=work, target=ReviewStatus.SUBMITTED)
    services.key_work_transition(user=staff, work=work, target=ReviewStatus.ACCEPTED)
    work.refresh_from_db()
    return work


def test_ceremony_held_needs_a_date_not_before_registration(officer_kp, staff, requirement, milestone):
    work = accepted_work(officer_kp, staff, requirement, milestone)
    today = datetime.date(2020, 11, 30)
    with pytest.raises(ValidationError):
        services.key_work_set_status(user=officer_kp, work=work, work_status=WorkStatus.CEREMONY_HELD, today=today)
    with pytest.raises(ValidationError) as info:
        services.key_work_set_status(
            user=officer_kp,
            work=work,
            work_status=WorkStatus.CEREMONY_HELD,
            actual_date=datetime.date(2019, 1, 1),
            today=today,
        )
    assert "actual_date" in info.value.message_dict
    services.key_work_set_status(
        user=officer_kp,
        work=work,
        work_status=WorkStatus.CEREMONY_HELD,
        actual_date=datetime.date(2020, 11, 23),
        today=today,
    )
    work.refresh_from_db()
    assert work.work_status == WorkStatus.CEREMONY_HELD
    # Terminal: nothing more to report.
    assert rules.status_moves_for(work) == []


def test_cancel_needs_reason(officer_kp, staff, requirement, milestone):
    work = accepted_work(officer_kp, staff, requirement, milestone)
    with pytest.raises(ValidationError):
        services.key_work_set_status(user=officer_kp, work=work, work_status=WorkStatus.CANCELLED)
    services.key_work_set_status(
        user=officer_kp, work=work, work_status=WorkStatus.CANCELLED, cancel_reason="Chưa bố trí được vốn"
    )


def test_status_moves_only_after_acceptance(officer_kp, requirement, milestone):
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    with pytest.raises(ValidationError):
        services.key_work_set_status(user=officer_kp, work=work, work_status=WorkStatus.UNDER_CONSTRUCTION)


def test_progress_rules(officer_kp, requirement, milestone):
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    today = datetime.date(2020, 10, 1)
    services.progress_update_create(
        user=officer_kp, work=work, reported_on=datetime.date(2020, 9, 1), physical_progress=60, today=today
    )
    work.refresh_from_db()
    assert work.latest_progress == 60 and work.latest_progress_on == datetime.date(2020, 9, 1)
    with pytest.raises(ValidationError) as info:
        services.progress_update_create(
            user=officer_kp, work=work, reported_on=datetime.date(2020, 9, 15), physical_progress=40, today=today
        )
    assert "note" in info.value.message_dict
    services.progress_update_create(
        user=officer_kp,
        work=work,
        reported_on=datetime.date(2020, 9, 15),
        physical_progress=40,
        note="Đo lại khối lượng",
        today=today,
    )
    for bad in (
        {"physical_progress": 101, "reported_on": datetime.date(2020, 9, 20)},
        {"physical_progress": 70, "reported_on": datetime.date(2020, 9, 10)},  # before the latest report
        {"physical_progress": 70, "reported_on": datetime.date(2019, 1, 1)},
        {"physical_progress": 70, "reported_on": datetime.date(2020, 10, 2)},
        {"physical_progress": 70, "reported_on": datetime.date(2020, 9, 20), "capital_disbursed": -1},
        {"physical_progress": 70, "reported_on": datetime.date(2020, 9, 20), "capital_disbursed": MONEY_MAX + 1},
    ):
        with pytest.raises(ValidationError):
            services.progress_update_create(user=officer_kp, work=work, today=today, **bad)
    work.refresh_from_db()
    assert work.latest_progress == 40


def test_progress_only_by_the_works_unit(officer_bmt, officer_commune, leader, work_kp):
    for user in (officer_bmt, officer_commune, leader):
        with pytest.raises(PermissionDenied):
            services.progress_update_create(
                user=user, work=work_kp, reported_on=datetime.date(2020, 9, 1), physical_progress=10
            )


def test_other_requirement_kind_refused(officer_kp, requirement, milestone):
    other = RequirementFactory(directive=requirement.directive, kind="report")
    with pytest.raises(ValidationError):
        services.key_work_create(user=officer_kp, requirement=other, data=work_data(milestone))


def test_submit_needs_a_planned_date(officer_kp, requirement):
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(None))
    assert work.planned_date is None
    with pytest.raises(ValidationError, match="ngày dự kiến"):
        services.key_work_transition(user=officer_kp, work=work, target=ReviewStatus.SUBMITTED)


def test_progress_disbursed_cannot_exceed_total_investment(officer_kp, requirement, milestone):
    work = services.key_work_create(
        user=officer_kp, requirement=requirement, data=work_data(milestone, total_investment=8_500_000_000)
    )
    with pytest.raises(ValidationError) as info:
        services.progress_update_create(
            user=officer_kp,
            work=work,
            reported_on=datetime.date(2020, 9, 1),
            physical_progress=40,
            capital_disbursed=9_000_000_000,
            today=datetime.date(2020, 10, 1),
        )
    assert "8.500.000.000" in info.value.message_dict["capital_disbursed"][0]
    services.progress_update_create(
        user=officer_kp,
        work=work,
        reported_on=datetime.date(2020, 9, 1),
        physical_progress=40,
        capital_disbursed=8_500_000_000,
        today=datetime.date(2020, 10, 1),
    )


def test_progress_sent_twice_is_saved_once(officer_kp, requirement, milestone):
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    report = {"reported_on": datetime.date(2020, 9, 1), "physical_progress": 40, "note": "Xong nền"}
    first = services.progress_update_create(user=officer_kp, work=work, today=datetime.date(2020, 10, 1), **report)
    second = services.progress_update_create(user=officer_kp, work=work, today=datetime.date(2020, 10, 1), **report)
    assert second.pk == first.pk and second.already_saved
    assert work.progress_updates.count() == 1
    # The same day with a different figure is a correction, not a duplicate.
    services.progress_update_create(
        user=officer_kp, work=work, today=datetime.date(2020, 10, 1), **{**report, "physical_progress": 45}
    )
    assert work.progress_updates.count() == 2


def test_progress_audit_uses_the_works_field_label(officer_kp, requirement, milestone):
    from campaign_portal.core.audit import readable_changes

    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    services.progress_update_create(
        user=officer_kp, work=work, reported_on=datetime.date(2020, 9, 1), physical_progress=40,
        today=datetime.date(2020, 10, 1),
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="projects.progressupdate.created")
    (label, _old, new), *_rest = readable_changes(entry)
    assert "tiến độ" in label.lower() and new == "40"


def test_update_audits_what_changed_even_when_the_instance_was_already_changed(officer_kp, requirement, milestone):
    """The edit view binds a ModelForm to the work, which copies the new values onto it before the service runs."""
    work = services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone))
    work.name = "Tên mới"  # what form.is_valid() does to the instance
    services.key_work_update(
        user=officer_kp, work=work, data=work_data(milestone, name="Tên mới"), expected_version=work.version
    )
    entry = AuditEntry.objects.get(action="projects.keywork.updated")
    assert entry.changes["name"] == ["Cầu bê tông qua suối Ea Kuăng", "Tên mới"]


def test_same_work_registered_twice_is_refused_before_the_quota(officer_kp, requirement, milestone):
    services.key_work_create(user=officer_kp, requirement=requirement, data=work_data(milestone, name="Cầu Ea Kuăng"))
    with pytest.raises(ValidationError) as info:
        services.key_work_create(
            user=officer_kp, requirement=requirement, data=work_data(milestone, name="cầu ea kuăng ")
        )
    assert "đã đăng ký công trình “Cầu Ea Kuăng”" in info.value.message_dict["name"][0]
    assert KeyWork.objects.count() == 1
