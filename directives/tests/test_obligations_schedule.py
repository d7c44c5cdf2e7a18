"""The obligations engine with directives.schedule: one obligation per period, relative deadlines per
unit, lead units owing alone, co-operating units receiving the letter."""

import datetime

import pytest

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives import obligations, services
from directives.models import Receipt, RequirementKind
from directives.obligations import CellState
from directives.tests.factories import CampaignFactory, DirectiveFactory, RequirementFactory
from pledges.tests.factories import DisseminationFactory
from reports.tests.conftest import aware

D = datetime.date


@pytest.fixture
def world(db):
    root = UnitFactory(code="S-DLK", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE)
    return {
        "root": root,
        "snv": UnitFactory(code="S-SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root),
        "stc": UnitFactory(code="S-STC", name="Sở Tài chính", kind=UnitKind.DEPARTMENT, parent=root),
        "ek": UnitFactory(code="S-XEK", name="Xã Ea Kly", kind=UnitKind.COMMUNE, parent=root),
        "tl": UnitFactory(code="S-PTL", name="Phường Tân Lập", kind=UnitKind.COMMUNE, parent=root),
    }


def _letter(world, **kwargs):
    campaign = CampaignFactory(organiser=world["root"], starts_on=D(2026, 12, 1), ends_on=D(2027, 6, 30))
    defaults = {"issuer": world["root"], "issued_on": D(2026, 12, 1), "campaign": campaign,
                "addressee_kinds": [UnitKind.DEPARTMENT, UnitKind.COMMUNE]}  # fmt: skip
    return DirectiveFactory(**{**defaults, **kwargs})


def _monthly(world, **kwargs):
    return RequirementFactory(
        directive=_letter(world), kind=RequirementKind.DISSEMINATION, applies_to=[UnitKind.COMMUNE],
        quota_min=None, quota_max=None, recurrence="monthly", due_days="20", **kwargs,
    )  # fmt: skip


def test_a_monthly_ask_over_seven_months_is_seven_obligations_per_unit(world):
    req = _monthly(world)
    ledger = obligations.obligations(requirements=[req], as_of=D(2027, 1, 25))
    cells = ledger.periods(req.pk, world["ek"].pk)
    assert [c.key.period for c in cells] == [
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
        "2027-05",
        "2027-06",
    ]
    assert [c.deadline for c in cells] == [D(2026, 12, 20), D(2027, 1, 20), D(2027, 2, 20), D(2027, 3, 20),
                                          D(2027, 4, 20), D(2027, 5, 20), D(2027, 6, 20)]  # fmt: skip
    assert [c.state for c in cells[:3]] == [CellState.LATE, CellState.LATE, CellState.NOT_STARTED]
    assert len(ledger.cells) == 14  # two communes × seven months; the departments owe nothing


def test_each_period_has_its_own_filing(world):
    req = _monthly(world)
    DisseminationFactory(
        requirement=req, unit=world["ek"], status=ReviewStatus.ACCEPTED, on_time=True,
        submitted_at=aware(D(2027, 1, 18)), reviewed_at=aware(D(2027, 1, 19)),
    )  # fmt: skip
    ledger = obligations.obligations(requirements=[req], as_of=D(2027, 2, 25))
    states = {c.key.period: c.state for c in ledger.periods(req.pk, world["ek"].pk)}
    assert states["2027-01"] == CellState.ACCEPTED
    assert states["2026-12"] == CellState.LATE and states["2027-02"] == CellState.LATE
    assert {c.key.period: c.state for c in ledger.periods(req.pk, world["tl"].pk)}["2027-01"] == CellState.LATE


def test_a_relative_deadline_differs_for_two_units_that_confirmed_receipt_on_different_days(world):
    letter = _letter(world)
    req = RequirementFactory(
        directive=letter, kind=RequirementKind.REPORT, applies_to=[UnitKind.COMMUNE], quota_min=None,
        quota_max=None, relative_days=15, relative_from="receipt", relative_working_days=True,
    )  # fmt: skip
    first = Receipt.objects.create(directive=letter, unit=world["ek"])
    second = Receipt.objects.create(directive=letter, unit=world["tl"])
    Receipt.objects.filter(pk=first.pk).update(confirmed_at=aware(D(2026, 12, 1)))
    Receipt.objects.filter(pk=second.pk).update(confirmed_at=aware(D(2026, 12, 8)))
    ledger = obligations.obligations(requirements=[req], as_of=D(2026, 12, 2))
    assert ledger.get(req.pk, world["ek"].pk).deadline == D(2026, 12, 22)  # 15 working days from 01/12
    assert ledger.get(req.pk, world["tl"].pk).deadline == D(2026, 12, 29)  # from 08/12


def test_a_lead_unit_ask_is_owed_by_that_unit_only_and_its_helpers_receive_the_letter(world, staff_of):
    user = staff_of(world["root"])
    letter = _letter(world, status="draft", created_by=user)
    row = {"ordinal": "3", "kind": "other", "text": "Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ.",
           "applies_to": [UnitKind.COMMUNE], "lead_unit": world["stc"].pk, "cooperating_units": [world["snv"].pk],
           "recurrence": "none"}  # fmt: skip
    services.directive_update(user=user, directive=letter, fields={}, requirements=[row])
    req = letter.requirements.get()
    assert obligations.owers([req]) == {req.pk: [world["stc"].pk]}
    letter.addressee_kinds = []
    letter.save()
    assert set(obligations.recipient_ids(letter)) == {world["stc"].pk, world["snv"].pk}
    # Published, the letter is in the helper's inbox as well as the lead's (every page agrees who receives it).
    services.directive_publish(user=user, directive=letter)
    assert letter.pk in obligations.directives_received_by(world["snv"])
    assert letter.pk in obligations.directives_received_by(world["stc"])
    assert letter.pk not in obligations.directives_received_by(world["ek"])
    # Clearing the lead gives the ask back to the kinds it applies to.
    services.directive_update(
        user=user, directive=letter, fields={},
        requirements=[{**row, "id": req.pk, "lead_unit": None, "cooperating_units": []}],
    )  # fmt: skip
    req.refresh_from_db()  # the engine reads the instance it is given
    assert set(obligations.owers([req])[req.pk]) == {world["ek"].pk, world["tl"].pk}


@pytest.fixture
def staff_of(db):
    from campaign_portal.core.models import Role
    from campaign_portal.core.tests.factories import make_user

    return lambda unit: make_user(unit=unit, role=Role.STAFF, username=f"staff-{unit.code}")
