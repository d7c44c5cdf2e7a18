"""A letter written today goes to today's units only: never to a district, commune or department that ended."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

import campaign_portal.core
from campaign_portal.core.models import Role, Unit, UnitKind
from campaign_portal.core.province_import import import_province
from campaign_portal.core.tests.factories import make_user
from campaign_portal.core.unit_import import import_units
from directives import obligations, services
from directives.models import RequirementKind

UNITS_FILE = Path(campaign_portal.core.__file__).resolve().parent / "data" / "units_daklak.csv"


@pytest.fixture
def staff_on_todays_map(db):
    import_units(UNITS_FILE)
    import_province("66", parent=Unit.objects.get(code="DLK"))
    return make_user(unit=Unit.objects.get(code="DLK-SNV"), role=Role.STAFF)


def _letter(staff, *, day, kinds):
    fields = {
        "number": "1501/UBND-TH",
        "issuer": Unit.objects.get(code="DLK"),
        "issued_on": day,
        "subject": "V/v báo cáo kết quả phong trào thi đua",
        "addressee_kinds": kinds,
    }
    requirement = {
        "ordinal": "1", "position": 1, "kind": RequirementKind.DISSEMINATION, "title": "Quán triệt",
        "text": "Tổ chức quán triệt.", "applies_to": kinds, "deadline": day + datetime.timedelta(days=10),
    }  # fmt: skip
    directive = services.directive_create(user=staff, fields=fields, requirements=[requirement])
    return services.directive_publish(user=staff, directive=directive)


def test_a_letter_dated_today_is_never_addressed_to_a_dissolved_unit(staff_on_todays_map):
    today = timezone.localdate()
    kinds = [UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.AGENCY]
    requirement = _letter(staff_on_todays_map, day=today, kinds=kinds).requirements.get()
    owed = Unit.objects.filter(pk__in=obligations.owers([requirement])[requirement.pk])
    assert set(owed) == set(obligations.recipients(requirement.directive))
    assert all(unit.is_valid_on(today) for unit in owed)
    codes = set(owed.values_list("code", flat=True))
    assert {"DLK-SKHDT", "DLK-SGTVT", "DLK-STTTT", "DLK-KPA", "DLK-BMT", "DLK-BMT-TL", "DLK-KPA-EKL"}.isdisjoint(codes)
    assert {"24133", "24496", "22015", "DLK-STC", "DLK-SXD", "DLK-SNNMT", "DLK-SDTTG"} <= codes
    assert owed.filter(kind=UnitKind.COMMUNE).count() == 102
    assert not owed.filter(kind=UnitKind.DISTRICT).exists()


def test_a_2019_letter_still_goes_to_the_2019_map(staff_on_todays_map):
    day = datetime.date(2019, 8, 27)
    requirement = _letter(
        staff_on_todays_map, day=day, kinds=[UnitKind.DEPARTMENT, UnitKind.DISTRICT]
    ).requirements.get()
    codes = set(
        Unit.objects.filter(pk__in=obligations.owers([requirement])[requirement.pk]).values_list("code", flat=True)
    )
    assert {"DLK-SKHDT", "DLK-SGTVT", "DLK-KPA", "DLK-BMT"} <= codes
    assert {"DLK-SNNMT", "DLK-SDTTG"}.isdisjoint(codes)
