"""The obligations engine: recipients on the issue date, owers, states, guards, successors."""

import datetime

import pytest
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import obligations
from directives.models import Receipt, RequirementKind, ResponseMode
from directives.obligations import CellState, Refusal
from directives.tests.factories import DirectiveFactory, RequirementFactory
from pledges.tests.factories import CommitmentFactory, DisseminationFactory

TODAY = timezone.localdate()  # the portal's day (Asia/Ho_Chi_Minh), as the pages read it
MERGER = datetime.date(2025, 7, 1)


@pytest.fixture
def today_map(db):
    """Today's province: two departments, two communes, one dissolved district with its successor."""
    root = UnitFactory(code="T-DLK", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE)
    old = UnitFactory(code="T-KPA", name="Huyện Krông Pắc", kind=UnitKind.DISTRICT, parent=root, valid_to=MERGER)
    old_commune = UnitFactory(
        code="T-KPA-PA", name="Thị trấn Phước An", kind=UnitKind.COMMUNE, parent=old, valid_to=MERGER
    )
    new_commune = UnitFactory(code="T-XPA", name="Xã Phước An", kind=UnitKind.COMMUNE, parent=root, valid_from=MERGER)
    other_commune = UnitFactory(code="T-XEK", name="Xã Ea Kly", kind=UnitKind.COMMUNE, parent=root, valid_from=MERGER)
    old_commune.successors.add(new_commune)
    snv = UnitFactory(code="T-SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    stc = UnitFactory(code="T-STC", name="Sở Tài chính", kind=UnitKind.DEPARTMENT, parent=root)
    return {"root": root, "old": old, "old_commune": old_commune, "pa": new_commune, "ek": other_commune,
            "snv": snv, "stc": stc}  # fmt: skip


def _letter(world, **kwargs):
    defaults = {
        "issuer": world["root"],
        "issued_on": TODAY,
        "addressee_kinds": [UnitKind.DEPARTMENT, UnitKind.COMMUNE],
    }
    return DirectiveFactory(**{**defaults, **kwargs})


def test_recipients_are_read_on_the_issue_date(today_map):
    letter = _letter(today_map)
    ids = obligations.recipient_ids(letter)
    assert today_map["old_commune"].pk not in ids and today_map["old"].pk not in ids
    assert {today_map["pa"].pk, today_map["ek"].pk, today_map["snv"].pk, today_map["stc"].pk} == set(ids)
    old_letter = _letter(today_map, issued_on=datetime.date(2019, 8, 27))
    assert today_map["old_commune"].pk in obligations.recipient_ids(old_letter)
    assert today_map["pa"].pk not in obligations.recipient_ids(old_letter)


def test_named_dissolved_unit_is_never_a_recipient(today_map):
    letter = _letter(today_map, addressee_kinds=[])
    letter.addressee_units.add(today_map["old_commune"], today_map["pa"])
    assert obligations.recipient_ids(letter) == [today_map["pa"].pk]


def test_addressee_check_refuses_a_dissolved_unit_and_offers_its_successors(today_map):
    check = obligations.addressee_check(today_map["old_commune"], day=TODAY)
    assert not check.ok
    assert check.successors == [today_map["pa"]]
    assert "Xã Phước An" in check.message
    assert obligations.addressee_check(today_map["pa"], day=TODAY).ok


def test_a_named_commune_owes_a_requirement_with_no_kinds_listed(today_map):
    letter = _letter(today_map, addressee_kinds=[])
    letter.addressee_units.add(today_map["ek"])
    req = RequirementFactory(directive=letter, kind=RequirementKind.REPORT, applies_to=[], quota_min=None,
                             quota_max=None)  # fmt: skip
    assert obligations.owers([req]) == {req.pk: [today_map["ek"].pk]}
    assert obligations.refusal(req, today_map["ek"]) is None
    assert obligations.refusal(req, today_map["pa"]) == Refusal.NOT_APPLICABLE


def test_states_of_a_quota_ask(today_map):
    letter = _letter(today_map)
    req = RequirementFactory(directive=letter, kind=RequirementKind.BREAKTHROUGH_THEME, applies_to=["commune"],
                             quota_min=1, quota_max=2, deadline=TODAY + datetime.timedelta(days=10))  # fmt: skip
    pa, ek = today_map["pa"], today_map["ek"]
    now = timezone.now()
    CommitmentFactory(requirement=req, unit=pa, status=ReviewStatus.ACCEPTED, submitted_at=now, reviewed_at=now,
                      on_time=True)  # fmt: skip
    ledger = obligations.obligations(requirements=[req], as_of=TODAY)
    assert ledger.get(req.pk, pa.pk).state == CellState.ACCEPTED
    assert ledger.get(req.pk, pa.pk).quota_label == "1/01–02"
    assert ledger.get(req.pk, ek.pk).state == CellState.NOT_STARTED
    assert ledger.get(req.pk, today_map["snv"].pk).state == CellState.NOT_APPLICABLE
    later = obligations.obligations(requirements=[req], as_of=TODAY + datetime.timedelta(days=11))
    assert later.get(req.pk, ek.pk).state == CellState.LATE
    assert ledger.counts(req.pk) == {"owed": 2, "sent": 1, "done": 1,
                                     "states": {"accepted": 1, "not_started": 1}}  # fmt: skip


def test_receipt_and_information_modes(today_map):
    letter = _letter(today_map)
    receipt = RequirementFactory(directive=letter, kind=RequirementKind.OTHER, applies_to=["department"],
                                 response_mode=ResponseMode.RECEIPT, quota_min=None, quota_max=None)  # fmt: skip
    info = RequirementFactory(directive=letter, kind=RequirementKind.OTHER, applies_to=["department"],
                              response_mode=ResponseMode.INFORMATION, quota_min=None, quota_max=None)  # fmt: skip
    Receipt.objects.create(directive=letter, unit=today_map["snv"])
    ledger = obligations.obligations(requirements=[receipt, info], as_of=TODAY)
    assert ledger.get(receipt.pk, today_map["snv"].pk).state == CellState.ACCEPTED
    assert ledger.get(receipt.pk, today_map["stc"].pk).state == CellState.NOT_STARTED
    assert ledger.get(info.pk, today_map["snv"].pk).state == CellState.NOT_APPLICABLE
    assert obligations.refusal(info, today_map["snv"]) == Refusal.INFORMATION
    assert obligations.refusal(receipt, today_map["snv"]) == Refusal.RECEIPT
    # The department still sees both under the letter it received.
    rows = obligations.obligations_of_unit(today_map["snv"], as_of=TODAY)
    assert [req.pk for req, _cell in rows] == [receipt.pk, info.pk]


def test_dissolved_unit_is_refused_with_a_reason(today_map):
    letter = _letter(today_map)
    req = RequirementFactory(directive=letter, kind=RequirementKind.DISSEMINATION, applies_to=["commune"])
    assert obligations.refusal(req, today_map["old_commune"]) == Refusal.DISSOLVED
    with pytest.raises(obligations.ObligationRefused) as caught:
        obligations.check_can_file(req, today_map["old_commune"])
    assert caught.value.reason == Refusal.DISSOLVED


def test_query_count_does_not_grow_with_units(today_map, django_assert_num_queries):
    letter = _letter(today_map)
    req = RequirementFactory(directive=letter, kind=RequirementKind.DISSEMINATION, applies_to=["commune"])
    DisseminationFactory(requirement=req, unit=today_map["pa"])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            obligations.obligations(requirements=[req], as_of=TODAY)
        return len(ctx.captured_queries)

    before = count()
    for n in range(30):
        unit = UnitFactory(code=f"T-X{n}", kind=UnitKind.COMMUNE, parent=today_map["root"], valid_from=MERGER)
        DisseminationFactory(requirement=req, unit=unit)
    assert count() == before
