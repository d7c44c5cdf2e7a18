import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaign_portal.core.models import Unit, UnitKind
from directives import obligations, selectors
from directives.models import DirectiveStatus, RequirementKind

from .conftest import make_letter
from .factories import CampaignFactory, DirectiveFactory, RequirementFactory

# --- visibility ---------------------------------------------------------------------------------


def test_drafts_are_seen_by_staff_only(province, staff, leader, officer_kp):
    draft = DirectiveFactory(issuer=province.province, status=DirectiveStatus.DRAFT)
    published = DirectiveFactory(issuer=province.province)
    withdrawn = DirectiveFactory(issuer=province.province, status=DirectiveStatus.WITHDRAWN)

    assert set(selectors.directive_list_visible_to(user=staff)) == {draft, published, withdrawn}
    assert set(selectors.directive_list_visible_to(user=leader)) == {published, withdrawn}
    assert set(selectors.directive_list_visible_to(user=officer_kp)) == {published, withdrawn}
    assert not selectors.directive_list_visible_to(user=AnonymousUser()).exists()

    assert selectors.get_directive_for_user(user=staff, pk=draft.pk, write=True) == draft
    with pytest.raises(Http404):
        selectors.get_directive_for_user(user=officer_kp, pk=draft.pk)
    with pytest.raises(Http404):
        selectors.get_directive_for_user(user=leader, pk=draft.pk)
    with pytest.raises(PermissionDenied):
        selectors.get_directive_for_user(user=officer_kp, pk=published.pk, write=True)
    with pytest.raises(Http404):
        selectors.get_directive_for_user(user=officer_kp, pk="not-a-number")


@pytest.mark.parametrize(
    "query",
    ["dak lak", "DAK LAK", "cong trinh trong diem", "Công trình trọng điểm", "7019/ubnd", "buon ma thuot chien thang"],
)
def test_search_ignores_accents_and_case(province, staff, query):
    """Runs on SQLite and on PostgreSQL (same folded column; pg_trgm indexes it there)."""
    letter = make_letter(staff, province)  # through the import and publish services
    DirectiveFactory(issuer=province.province, issuer_name="Sở Nội vụ", subject="hội nghị", body="Không liên quan.")
    assert list(selectors.directive_list_visible_to(user=staff, query=query)) == [letter]


def test_filters(province, staff):
    campaign = CampaignFactory(organiser=province.province)
    a = DirectiveFactory(issuer=province.province, doc_type="ke_hoach", campaign=campaign)
    b = DirectiveFactory(issuer=province.dept_home_affairs, issued_on=datetime.date(2020, 3, 1))
    c = DirectiveFactory(issuer=province.province, status=DirectiveStatus.WITHDRAWN)

    assert list(selectors.directive_list_visible_to(user=staff, doc_type="ke_hoach")) == [a]
    assert list(selectors.directive_list_visible_to(user=staff, year=2020)) == [b]
    assert list(selectors.directive_list_visible_to(user=staff, status=DirectiveStatus.WITHDRAWN)) == [c]
    assert list(selectors.directive_list_visible_to(user=staff, issuer_id=province.dept_home_affairs.pk)) == [b]
    assert list(selectors.directive_list_visible_to(user=staff, campaign_id=campaign.pk)) == [a]
    assert selectors.directive_years(user=staff) == [2020, 2019]


# --- which units owe a requirement: the engine, as the selectors read it ---------------------------


def test_requirement_unit_map_uses_the_map_of_the_issue_date(province, django_assert_num_queries):
    old = RequirementFactory(directive=DirectiveFactory(issuer=province.province), applies_to=[UnitKind.DISTRICT])
    new = RequirementFactory(
        directive=DirectiveFactory(issuer=province.province, issued_on=datetime.date(2026, 1, 1)),
        applies_to=[UnitKind.DISTRICT],
    )
    communes = RequirementFactory(
        directive=old.directive, kind=RequirementKind.BREAKTHROUGH_THEME, applies_to=[UnitKind.COMMUNE]
    )
    departments = RequirementFactory(directive=old.directive, applies_to=[UnitKind.DEPARTMENT, UnitKind.AGENCY])

    # The engine (directives.obligations): directives, target units, named addressees, units:
    # four queries whatever the number of requirements.
    with django_assert_num_queries(4):
        unit_map = obligations.owers([old, new, communes, departments])

    assert set(unit_map[old.pk]) == {province.krong_pac.pk, province.bmt.pk}
    assert unit_map[new.pk] == []  # the districts ended on 01/07/2025
    assert set(unit_map[communes.pk]) == {province.ea_kly.pk, province.krong_pac_town.pk, province.tan_loi.pk}
    assert set(unit_map[departments.pk]) == {province.dept_home_affairs.pk, province.dept_finance.pk}
    assert obligations.owers([]) == {}


def test_requirement_units_agrees_with_the_map_and_honours_targets(province):
    req = RequirementFactory(directive=DirectiveFactory(issuer=province.province), applies_to=[UnitKind.DISTRICT])
    assert obligations.owers([req])[req.pk] == [province.bmt.pk, province.krong_pac.pk]  # by path
    req.target_units.set([province.krong_pac])
    assert obligations.owers([req.pk])[req.pk] == [province.krong_pac.pk]
    assert not obligations.owes(req, province.bmt)


def test_requirement_units_fall_back_to_the_campaign_start(province):
    campaign = CampaignFactory(
        organiser=province.province, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31)
    )
    req = RequirementFactory(
        directive=DirectiveFactory(issuer=province.province, issued_on=None, campaign=campaign),
        applies_to=[UnitKind.DISTRICT],
    )
    assert obligations.owers([req])[req.pk] == []


def test_units_of_another_province_never_owe(province):
    other_root = Unit.objects.create(code="GLA", name="Tỉnh Gia Lai", kind=UnitKind.PROVINCE, path="/GLA/")
    Unit.objects.create(
        code="GLA-PK", name="Thành phố Pleiku", kind=UnitKind.DISTRICT, parent=other_root, path="/GLA/GLA-PK/"
    )
    req = RequirementFactory(directive=DirectiveFactory(issuer=province.province), applies_to=[UnitKind.DISTRICT])
    assert set(obligations.owers([req])[req.pk]) == {province.krong_pac.pk, province.bmt.pk}


# --- addressing and inbox -------------------------------------------------------------------------


def test_directives_addressed_to(province):
    to_departments = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DEPARTMENT])
    to_districts = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DISTRICT])
    owed_by_communes = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DISTRICT])
    RequirementFactory(directive=owed_by_communes, applies_to=[UnitKind.COMMUNE])
    named = DirectiveFactory(issuer=province.province, addressee_kinds=[])
    named.addressee_units.add(province.tan_loi)
    DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DISTRICT], status=DirectiveStatus.DRAFT)
    after_2025 = DirectiveFactory(
        issuer=province.province, addressee_kinds=[UnitKind.DISTRICT], issued_on=datetime.date(2026, 1, 1)
    )

    assert set(selectors.directives_addressed_to(unit=province.dept_finance)) == {to_departments}
    assert set(selectors.directives_addressed_to(unit=province.krong_pac)) == {to_districts, owed_by_communes}
    assert set(selectors.directives_addressed_to(unit=province.ea_kly)) == {owed_by_communes}
    assert set(selectors.directives_addressed_to(unit=province.tan_loi)) == {owed_by_communes, named}
    assert after_2025 not in selectors.directives_addressed_to(unit=province.bmt)


def test_recipients_and_receipt_rows(province, staff, officer_kp):
    from directives import services

    directive = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DISTRICT])
    RequirementFactory(directive=directive, applies_to=[UnitKind.COMMUNE], target_units=[province.ea_kly])
    assert set(obligations.recipient_ids(directive)) == {
        province.krong_pac.pk, province.bmt.pk, province.ea_kly.pk,
    }  # fmt: skip
    services.receipt_confirm(user=officer_kp, directive=directive)
    rows = {row["unit"].code: row["receipt"] for row in selectors.directive_receipt_rows(directive=directive)}
    assert rows["DLK-KPA"].confirmed_by == officer_kp
    assert rows["DLK-BMT"] is None and rows["DLK-KPA-EKL"] is None


def test_inbox_is_for_officers(province, officer_kp, staff, django_assert_max_num_queries):
    for _ in range(3):
        DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DISTRICT])
    assert not selectors.directive_inbox_for(user=staff).exists()
    # the letters the unit receives (engine: directive ids, requirements, directives, targets, named
    # addressees, units: 6), then the directives with their issuer and campaign, and this unit's receipts (prefetch)
    with django_assert_max_num_queries(9):
        rows = list(selectors.directive_inbox_for(user=officer_kp))
        assert all(row.my_receipts == [] for row in rows)
    assert len(rows) == 3


def test_compliance_counts_units_owing(province):
    req = RequirementFactory(directive=DirectiveFactory(issuer=province.province), applies_to=[UnitKind.DISTRICT])
    assert selectors.requirement_compliance(requirements=[req])[req.pk]["owed"] == 2


def test_compliance_counts_are_the_callers_own_and_follow_a_write(province):
    req = RequirementFactory(directive=DirectiveFactory(issuer=province.province), applies_to=[UnitKind.DISTRICT])
    counts = selectors.requirement_compliance(requirements=[req])[req.pk]
    counts["states"].clear()  # the ledger keeps its counts: a caller's change is its own
    again = selectors.requirement_compliance(requirements=[req])[req.pk]
    assert again["owed"] == 2 and sum(again["states"].values()) == 2
    req.applies_to = [UnitKind.DISTRICT, UnitKind.COMMUNE]
    req.save()  # a new data version: a new ledger and its counts
    assert selectors.requirement_compliance(requirements=[req])[req.pk]["owed"] > 2
