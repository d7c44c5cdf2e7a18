import datetime

import pytest
from openpyxl import Workbook

from campaign_portal.core.models import Unit
from campaign_portal.core.unit_import import UnitImportError, import_units

HEADER = "code,name,short_name,kind,parent_code,valid_from,valid_to,successor_codes,email\n"


def write(tmp_path, body, name="units.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_builds_the_tree_with_paths_and_successors(db, tmp_path):
    path = write(
        tmp_path,
        (
            "D,Tỉnh Đắk Lắk,,province,,,,,\n"
            "D-X,Xã Mới,,commune,D,01/07/2025,,,\n"
            "D-H,Huyện Cũ,,district,D,,01/07/2025,,\n"
            "D-H-C,Xã Cũ,,commune,D-H,,2025-07-01,D-X,\n"
        ),
    )
    assert import_units(path) == (4, 0)
    old = Unit.objects.get(code="D-H-C")
    assert old.path == "/D/D-H/D-H-C/" and old.depth == 2
    assert list(old.successors.values_list("code", flat=True)) == ["D-X"]
    assert set(Unit.objects.valid_on(datetime.date(2019, 8, 27)).values_list("code", flat=True)) == {
        "D",
        "D-H",
        "D-H-C",
    }
    assert set(Unit.objects.valid_on(datetime.date(2026, 1, 1)).values_list("code", flat=True)) == {"D", "D-X"}


def test_import_is_idempotent_and_updates_names(db, tmp_path):
    import_units(write(tmp_path, "D,Tỉnh,,province,,,,,\n"))
    assert import_units(write(tmp_path, "D,Tỉnh Đắk Lắk,,province,,,,,\n")) == (0, 1)
    assert Unit.objects.get(code="D").name == "Tỉnh Đắk Lắk"


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(db, tmp_path):
    path = write(
        tmp_path,
        ("D,Tỉnh,,province,,,,,\nD-1,Xã A,,hamlet,D,,,,\nD-2,,,commune,NOPE,31/02/2020,,,\nD,Trùng,,commune,D,,,,\n"),
    )
    with pytest.raises(UnitImportError) as caught:
        import_units(path)
    text = "\n".join(caught.value.errors)
    assert "Dòng 3: loại “hamlet” không hợp lệ" in text
    assert "Dòng 4: valid_from “31/02/2020”" in text
    assert "Dòng 4: thiếu tên đơn vị" in text
    assert "Dòng 4: đơn vị cấp trên NOPE" in text
    assert "Dòng 5: mã D trùng với dòng 2" in text
    assert Unit.objects.count() == 0


def test_xlsx_is_read_like_csv(db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "kind", "parent_code", "valid_to"])
    sheet.append(["D", "Tỉnh", "province", None, None])
    sheet.append(["D-H", "Huyện", "district", "D", datetime.datetime(2025, 7, 1)])
    path = tmp_path / "units.xlsx"
    book.save(path)
    assert import_units(path) == (2, 0)
    assert Unit.objects.get(code="D-H").valid_to == datetime.date(2025, 7, 1)


def test_command_prints_errors_and_fails(db, tmp_path):
    from django.core.management import CommandError, call_command

    path = write(tmp_path, "D,Tỉnh,,nation,,,,,\n")
    with pytest.raises(CommandError, match="Không nhập đơn vị nào: 1 lỗi"):
        call_command("import_units", str(path))
