"""Who may make each review transition of a commune's record (table-driven)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign_portal.core import review
from campaign_portal.core.audit import audit_entries_for
from campaign_portal.core.models import AuditEntry, Notification, ReviewStatus
from pledges import services
from pledges.tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

OK, DENIED, INVALID = "ok", "denied", "invalid"

# (from, to, actor fixture, expected). The record belongs to Ea Kly commune (under Krông Pắc).
CASES = [
    ("draft", "submitted", "officer_commune", OK),
    ("draft", "submitted", "officer_kp", DENIED),
    ("draft", "submitted", "staff", DENIED),
    ("draft", "submitted", "leader", DENIED),
    ("submitted", "accepted", "officer_kp", OK),  # the district reviews its communes
    ("submitted", "accepted", "staff", OK),
    ("submitted", "accepted", "officer_commune", DENIED),  # nobody accepts their own work
    ("submitted", "accepted", "officer_bmt", DENIED),  # another district
    ("submitted", "accepted", "officer_ward_bmt", DENIED),
    ("submitted", "accepted", "leader", DENIED),  # leaders read only
    ("submitted", "returned", "officer_kp", OK),
    ("submitted", "returned", "staff", OK),
    ("submitted", "returned", "officer_bmt", DENIED),
    ("returned", "submitted", "officer_commune", OK),  # resubmit
    ("returned", "submitted", "staff", DENIED),
    ("submitted", "withdrawn", "officer_commune", OK),
    ("submitted", "withdrawn", "staff", DENIED),
    ("returned", "withdrawn", "officer_commune", OK),
    ("accepted", "withdrawn", "staff", OK),
    ("accepted", "withdrawn", "officer_commune", DENIED),
    ("draft", "accepted", "staff", INVALID),
    ("accepted", "submitted", "officer_commune", INVALID),
    ("withdrawn", "submitted", "officer_commune", INVALID),
]


@pytest.mark.parametrize(("source", "target", "actor", "expected"), CASES)
def test_transition_permissions(request, letter, province, source, target, actor, expected):
    user = request.getfixturevalue(actor)
    record = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status=source)
    allowed = target in review.allowed_transitions(record, user)
    assert allowed is (expected == OK)
    comment = "Lý do" if target in ("returned", "withdrawn") else ""
    if expected == OK:
        services.submission_transition(user=user, submission=record, target=target, comment=comment)
        record.refresh_from_db()
        assert record.status == target
        assert any(e.to_status == target and e.actor == user for e in review.events_for(record))
        assert AuditEntry.objects.filter(action=f"pledges.commitment.{target}", object_id=str(record.pk)).exists()
    else:
        error = PermissionDenied if expected == DENIED else ValidationError
        with pytest.raises(error):
            services.submission_transition(user=user, submission=record, target=target, comment=comment)
        record.refresh_from_db()
        assert record.status == source


def test_return_needs_a_comment(letter, province, staff):
    record = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted")
    with pytest.raises(ValidationError):
        services.submission_transition(user=staff, submission=record, target="returned", comment="  ")


def test_full_cycle_records_who_when_and_notifies(letter, officer_kp, staff):
    plan = services.plan_create(
        user=officer_kp,
        requirement=letter.plan,
        data={"title": "KH", "document_number": "", "document_date": None, "content": ""},
        targets=[{"name": "A", "target_value": 1}],
    )
    services.submission_transition(user=officer_kp, submission=plan, target="submitted")
    services.submission_transition(user=staff, submission=plan, target="returned", comment="Bổ sung chỉ tiêu")
    plan.refresh_from_db()
    assert plan.review_comment == "Bổ sung chỉ tiêu" and plan.reviewed_by == staff
    services.submission_transition(user=officer_kp, submission=plan, target="submitted")
    services.submission_transition(user=staff, submission=plan, target="accepted")
    plan.refresh_from_db()
    assert plan.status == ReviewStatus.ACCEPTED
    assert [e.to_status for e in review.events_for(plan)] == ["submitted", "returned", "submitted", "accepted"]
    notes = Notification.objects.filter(unit=officer_kp.membership.unit)
    assert notes.count() == 2  # returned, accepted
    assert audit_entries_for(plan).count() >= 5  # created + each transition (the one history)
