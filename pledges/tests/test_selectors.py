import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign_portal.core.models import UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import freshness
from pledges import selectors
from pledges.tests.factories import (
    CommitmentFactory,
    DisseminationFactory,
    EmulationPlanFactory,
    PublishedDirectiveFactory,
    RequirementFactory,
)

pytestmark = pytest.mark.django_db


def _row(rows, requirement):
    return next(row for row in rows if row.requirement.pk == requirement.pk)


def test_owed_rows_for_a_district(letter, province):
    rows = selectors.owed_rows(unit=province.krong_pac)
    kinds = [row.requirement.kind for row in rows]
    assert kinds == ["dissemination", "emulation_plan", "key_works"]  # themes are for communes and agencies
    assert _row(rows, letter.dissemination).status == "late"  # deadline 30/09/2019 has passed


def test_owed_rows_for_a_commune_show_missing_and_statuses(letter, province):
    unit = province.ea_kly
    DisseminationFactory(unit=unit, requirement=letter.dissemination, status="accepted")
    EmulationPlanFactory(unit=unit, requirement=letter.plan, status="returned")
    CommitmentFactory(unit=unit, requirement=letter.theme, status="submitted")
    CommitmentFactory(unit=unit, requirement=letter.difficult, status="withdrawn")
    rows = selectors.owed_rows(unit=unit)
    assert _row(rows, letter.dissemination).status == "accepted"
    # Returned after the deadline: the engine says late (the unit still owes it), as the matrix does.
    assert _row(rows, letter.plan).status == "late"
    theme = _row(rows, letter.theme)
    assert (theme.status, theme.counted, theme.missing, theme.can_add) == ("sent", 1, 0, True)
    difficult = _row(rows, letter.difficult)
    assert (difficult.status, difficult.counted, difficult.missing) == ("late", 0, 1)
    assert difficult.submissions == []  # a withdrawn record is not listed


def test_owed_status_not_started_before_deadline(province):
    requirement = RequirementFactory(
        directive=PublishedDirectiveFactory(issuer=province.province, issued_on=datetime.date(2019, 8, 27)),
        kind="dissemination",
        deadline=datetime.date(2099, 1, 1),
        applies_to=[UnitKind.DISTRICT],
    )
    rows = selectors.owed_rows(unit=province.krong_pac)
    assert _row(rows, requirement).status == "not_started"


def test_draft_directive_and_other_provinces_are_not_owed(province):
    other_root = UnitFactory(code="GLA", name="Tỉnh Gia Lai", kind=UnitKind.PROVINCE)
    RequirementFactory(directive=PublishedDirectiveFactory(issuer=other_root), applies_to=[UnitKind.DISTRICT])
    RequirementFactory(
        directive=PublishedDirectiveFactory(issuer=province.province, status="draft"), applies_to=[UnitKind.DISTRICT]
    )
    assert selectors.owed_rows(unit=province.krong_pac) == []


def test_target_units_restrict_a_requirement(letter, province):
    letter.plan.target_units.set([province.bmt])
    assert letter.plan.pk not in [row.requirement.pk for row in selectors.owed_rows(unit=province.krong_pac)]
    assert letter.plan.pk in [row.requirement.pk for row in selectors.owed_rows(unit=province.bmt)]


def _grow(letter, province, n):
    """n more communes under Krông Pắc with submissions, and one more directive."""
    extra = PublishedDirectiveFactory(issuer=province.province, issued_on=datetime.date(2019, 9, 1))
    RequirementFactory(directive=extra, kind="emulation_plan", applies_to=[UnitKind.DISTRICT, UnitKind.COMMUNE])
    for i in range(n):
        commune = UnitFactory(
            code=f"DLK-KPA-X{i:03d}", name=f"Xã thử {i}", kind=UnitKind.COMMUNE, parent=province.krong_pac
        )
        DisseminationFactory(unit=commune, requirement=letter.dissemination, status="submitted")
        CommitmentFactory(unit=commune, requirement=letter.theme, status="submitted")
        EmulationPlanFactory(unit=commune, requirement=letter.plan, status="accepted")
    DisseminationFactory(unit=province.krong_pac, requirement=letter.dissemination, status="submitted")
    EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)


def _count(client, url) -> int:
    """Queries of a first load: nothing the engine kept from an earlier load (directives.freshness)."""
    freshness.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_owed_page_queries_do_not_grow(letter, province, officer_kp, client_for, django_assert_max_num_queries):
    client = client_for(officer_kp)
    url = reverse("pledges:owed")
    _grow(letter, province, 1)
    small = _count(client, url)
    _grow(letter, province, 12)
    # session, user, membership (scope); the engine: requirements (1) + the map (4: directives,
    # target units, named addressees, units) + one query per registered model (5: dissemination,
    # plan, commitment, key work, result report); the page shell's unread count and membership (2); the
    # menu's checks (units below 1; key works filed 1, else the key-works asks 1 and their owers 4): 21.
    with django_assert_max_num_queries(21):
        response = client.get(url)
    assert response.status_code == 200
    assert _count(client, url) == small


def test_submission_and_review_lists_queries_do_not_grow(
    letter, province, officer_kp, staff, client_for, django_assert_max_num_queries
):
    _grow(letter, province, 1)
    counts = {}
    for user, name in (
        (officer_kp, "pledges:submission_list"),
        (officer_kp, "pledges:review_list"),
        (staff, "pledges:submission_list"),
        (staff, "pledges:review_list"),
    ):
        counts[(user.pk, name)] = _count(client_for(user), reverse(name))
    _grow(letter, province, 12)
    for user, name in (
        (officer_kp, "pledges:submission_list"),
        (officer_kp, "pledges:review_list"),
        (staff, "pledges:submission_list"),
        (staff, "pledges:review_list"),
    ):
        client = client_for(user)
        # session, user, membership; the UNION's COUNT and page (2); the reviewable-units check (review list);
        # the page shell's unread count and membership (2); the menu's "what can this unit do" checks
        # (reviewable units 1; key works filed 1, else the published key-works asks 1 and their owers, the map 4):
        # at most 14 whatever the data.
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
        assert _count(client, reverse(name)) == counts[(user.pk, name)]


def test_submission_list_hides_other_units_drafts(letter, province, officer_kp, officer_bmt):
    mine = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    commune_draft = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme)
    commune_sent = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted")
    ids = {(row["slug"], row["obj_id"]) for row in selectors.submission_list_for(user=officer_kp)}
    assert ("ke-hoach", mine.pk) in ids
    assert ("dang-ky", commune_sent.pk) in ids
    assert ("dang-ky", commune_draft.pk) not in ids
    assert not list(selectors.submission_list_for(user=officer_bmt))


def test_review_queue_scope(letter, province, officer_kp, officer_bmt, officer_commune, staff):
    commune = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted")
    ward = CommitmentFactory(unit=province.tan_loi, requirement=letter.theme, status="submitted")
    district = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="submitted")

    def ids(user):
        return {(row["slug"], row["obj_id"]) for row in selectors.review_queue_for(user=user)}

    assert ids(officer_kp) == {("dang-ky", commune.pk)}
    assert ids(officer_bmt) == {("dang-ky", ward.pk)}
    assert ids(officer_commune) == set()
    assert ids(staff) == {("dang-ky", commune.pk), ("dang-ky", ward.pk), ("ke-hoach", district.pk)}


def test_list_filters(letter, province, staff):
    CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted", title="Nước sạch")
    EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    assert [r["obj_title"] for r in selectors.submission_list_for(user=staff, kind="breakthrough_theme")] == [
        "Nước sạch"
    ]
    assert len(list(selectors.submission_list_for(user=staff, status="accepted"))) == 1
    assert len(list(selectors.submission_list_for(user=staff, unit_id=province.ea_kly.pk))) == 1
    assert len(list(selectors.submission_list_for(user=staff, query="nước"))) == 1
