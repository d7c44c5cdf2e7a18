"""The scoring workflow: self-scoring, submission, the head's review, finalisation, caps and audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaign_portal.core.audit import audit_entries_for
from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.tests.factories import make_user
from emulation import selectors, services
from emulation.models import Scorecard

S = ReviewStatus


def _score(world, user, points: dict, *, submit=True) -> Scorecard:
    """Open the user's scorecard, type `points` by criterion name (others take the proposal), submit."""
    card = services.scorecard_open(user=user, cluster=world.cluster)
    values = {}
    for name, value in points.items():
        criterion = world.criteria[name]
        values[criterion.pk] = (value, "Giải trình" if criterion.evidence_kind else "")
    errors = services.scorecard_save(user=user, scorecard=card, values=values)
    assert errors == {}
    for line in card.lines.filter(self_points__isnull=True):
        services.scorecard_save(user=user, scorecard=card, values={line.criterion_id: ("0", "")})
    if submit:
        services.scorecard_submit(user=user, scorecard=card)
    card.refresh_from_db()
    return card


def test_bonus_and_penalty_are_capped(world):
    card = _score(world, world.member, {"free": "10", "bonus": "4", "bonus2": "4", "penalty": "15"})
    totals = {t.unit_id: t for t in selectors.totals(cluster=world.cluster)}
    total = totals[world.member.membership.unit_id]
    assert total.bonus == Decimal("5")  # 8 typed, cap 5
    assert total.penalty == Decimal("10")  # 15 typed, cap 10
    assert total.total == total.base + 5 - 10
    assert card.status == S.SUBMITTED


def test_points_above_the_criterion_maximum_are_refused_beside_the_line(world):
    card = services.scorecard_open(user=world.member, cluster=world.cluster)
    errors = services.scorecard_save(
        user=world.member,
        scorecard=card,
        values={world.criteria["free"].pk: ("11", ""), world.criteria["bonus"].pk: ("abc", "")},
    )
    assert "0 đến 10" in errors[world.criteria["free"].pk]
    assert "không phải là số" in errors[world.criteria["bonus"].pk]
    assert not card.lines.filter(
        self_points__isnull=False, criterion__kind="score", criterion__evidence_kind=""
    ).exists()


def test_changing_a_proposed_score_needs_an_explanation(world):
    card = services.scorecard_open(user=world.member, cluster=world.cluster)
    linked = world.criteria["dissemination"]
    errors = services.scorecard_save(user=world.member, scorecard=card, values={linked.pk: ("10", "")})
    assert "giải trình" in errors[linked.pk]
    assert (
        services.scorecard_save(
            user=world.member, scorecard=card, values={linked.pk: ("10", "Biên bản hội nghị ngày 10/10 kèm theo")}
        )
        == {}
    )


def test_submit_refuses_unscored_lines(world):
    card = services.scorecard_open(user=world.member, cluster=world.cluster)
    with pytest.raises(ValidationError, match="chưa chấm"):
        services.scorecard_submit(user=world.member, scorecard=card)


def test_head_adjusts_only_its_members_and_must_give_a_reason(world):
    card = _score(world, world.member, {"free": "8"})
    other_head = make_user(unit=world.communes[5], username="head2")  # heads the other cluster
    with pytest.raises(PermissionDenied):
        services.scorecard_adjust(
            user=other_head, scorecard=card, criterion_id=world.criteria["free"].pk, points="5", reason="x"
        )
    with pytest.raises(PermissionDenied):  # a plain member is no reviewer
        deputy_peer = make_user(unit=world.communes[3], username="peer")
        services.scorecard_adjust(
            user=deputy_peer, scorecard=card, criterion_id=world.criteria["free"].pk, points="5", reason="x"
        )
    with pytest.raises(ValidationError, match="lý do"):
        services.scorecard_adjust(
            user=world.head, scorecard=card, criterion_id=world.criteria["free"].pk, points="5", reason=" "
        )
    line = services.scorecard_adjust(
        user=world.head, scorecard=card, criterion_id=world.criteria["free"].pk, points="6,5", reason="Thiếu minh chứng"
    )
    assert line.points == Decimal("6.50") and line.self_points == Decimal("8.00")
    entry = audit_entries_for(card).filter(action="emulation.scorecard.adjusted").get()
    assert entry.changes == {"points": ["8.00", "6.50"]}
    assert "Thiếu minh chứng" in entry.comment


def test_head_cannot_review_its_own_scoring_but_the_deputy_can(world):
    card = _score(world, world.head, {"free": "9"})
    with pytest.raises(PermissionDenied):
        services.scorecard_review(user=world.head, scorecard=card, target=S.ACCEPTED)
    deputy = make_user(unit=world.communes[1], username="deputy")
    services.scorecard_review(user=deputy, scorecard=card, target=S.ACCEPTED)
    card.refresh_from_db()
    assert card.status == S.ACCEPTED


def test_returned_scoring_is_corrected_and_sent_again(world):
    card = _score(world, world.member, {"free": "10"})
    with pytest.raises(ValidationError):
        services.scorecard_review(user=world.head, scorecard=card, target=S.RETURNED, comment="")
    services.scorecard_review(
        user=world.head, scorecard=card, target=S.RETURNED, comment="Bổ sung minh chứng tiêu chí 3"
    )
    card.refresh_from_db()
    assert card.status == S.RETURNED and card.review_comment == "Bổ sung minh chứng tiêu chí 3"
    assert (
        services.scorecard_save(user=world.member, scorecard=card, values={world.criteria["free"].pk: ("7", "")}) == {}
    )
    services.scorecard_submit(user=world.member, scorecard=card)
    card.refresh_from_db()
    assert card.status == S.SUBMITTED and card.version == 4
    update = (
        audit_entries_for(card).filter(action="emulation.scorecard.updated", comment__contains="Phong trào").first()
    )
    assert update.changes["self_points"] == ["10.00", "7.00"]


def test_submitted_scoring_cannot_be_edited_by_the_unit(world):
    card = _score(world, world.member, {"free": "10"})
    with pytest.raises(ValidationError):
        services.scorecard_save(user=world.member, scorecard=card, values={world.criteria["free"].pk: ("1", "")})


def test_finalisation_needs_every_member_reviewed_then_locks(world):
    users = [world.head, make_user(unit=world.communes[1], username="u1"), world.member,
             make_user(unit=world.communes[3], username="u3"), make_user(unit=world.communes[4], username="u4")]  # fmt: skip
    cards = [_score(world, user, {"free": str(5 + i)}) for i, user in enumerate(users)]
    with pytest.raises(ValidationError, match="chưa được trưởng cụm"):
        services.cluster_finalise(user=world.staff, cluster=world.cluster)
    with pytest.raises(PermissionDenied):
        services.cluster_finalise(user=world.head, cluster=world.cluster)
    services.scorecard_review(user=users[1], scorecard=cards[0], target=S.ACCEPTED)  # the deputy reviews the head
    for card in cards[1:]:
        services.scorecard_review(user=world.head, scorecard=card, target=S.ACCEPTED)
    services.cluster_finalise(user=world.staff, cluster=world.cluster)
    world.cluster.refresh_from_db()
    assert world.cluster.is_final
    with pytest.raises(ValidationError):
        services.scorecard_review(user=world.staff, scorecard=cards[1], target=S.RETURNED, comment="x")
    entry = audit_entries_for(world.cluster).get(action="emulation.cluster.finalised")
    assert entry.changes["ranking"][1][0] == [1, "Phường Buôn Ma Thuột", "9.00"]
    assert [row[2] for row in entry.changes["ranking"][1]] == ["9.00", "8.00", "7.00", "6.00", "5.00"]


def test_cluster_members_are_effective_dated(world):
    import datetime

    later = datetime.date(2026, 6, 1)
    units = list(world.communes[:4])
    services.cluster_save(
        user=world.staff, cluster=world.cluster, name=world.cluster.name, kind="cluster", year=2026,
        units=units, head=world.communes[1], deputy=world.communes[2], today=later,
    )  # fmt: skip
    members = world.cluster.members.all()
    left = members.get(unit=world.communes[4])
    assert left.left_on == later
    assert members.get(unit=world.communes[1], left_on__isnull=True).role == "head"
    assert members.get(unit=world.communes[0], left_on__isnull=True).role == "member"
    assert selectors.peer_group(cluster=world.cluster).head_id == world.communes[1].pk


def test_only_staff_manage_clusters_and_dissolved_units_are_refused(world, province):
    with pytest.raises(PermissionDenied):
        services.cluster_save(user=world.head, name="X", kind="cluster", year=2026, units=[world.communes[0]])
    with pytest.raises(ValidationError, match="bản đồ hôm nay"):
        services.cluster_save(user=world.staff, name="Cụm cũ", kind="cluster", year=2026, units=[province.krong_pac])
