"""A criteria table exported and imported as XLSX: round trip, formula-looking text kept as text, bad rows."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from emulation import spreadsheets
from emulation.models import Criterion
from emulation.spreadsheets import HEADERS


def _xlsx(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([label for _key, label in HEADERS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("tieu-chi.xlsx", buffer.getvalue())


def test_export_then_import_gives_the_same_table(world):
    world.criteria["free"].title = '=HYPERLINK("http://x")'  # typed by someone: must stay text
    world.criteria["free"].save()
    data = spreadsheets.export_table(world.cluster.criteria_table)
    sheet = load_workbook(io.BytesIO(data)).active
    cell = next(c for c in sheet["C"] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"  # text, not a formula
    sections = spreadsheets.parse_table(io.BytesIO(data))
    assert [s["title"] for s in sections] == ["I. Thực hiện nhiệm vụ", "II. Điểm thưởng, điểm trừ"]
    first = sections[0]["criteria"]
    assert [c["max_points"] for c in first] == [Decimal("10.00"), Decimal("20.00"), Decimal("10.00")]
    assert (
        first[0]["evidence_kind"] == "requirement_compliance" and first[0]["requirement_id"] == world.dissemination.pk
    )
    assert first[2]["title"].startswith("=HYPERLINK")
    assert [c["kind"] for c in sections[1]["criteria"]] == ["bonus", "bonus", "penalty"]


def test_import_lists_every_bad_row_and_imports_nothing(client_for, world):
    before = Criterion.objects.count()
    upload = _xlsx(
        [
            ["Phần A", "1", "Tiêu chí tốt", "score", 10, "", "", "", ""],
            ["Phần A", "2", "", "score", 10, "", "", "", ""],
            ["Phần A", "3", "Loại lạ", "extra", 10, "", "", "", ""],
            ["Phần A", "4", "Điểm chữ", "score", "mười", "", "", "", ""],
            ["Phần A", "5", "Liên kết sai", "score", 5, "", "", "requirement_compliance", 99999],
        ]
    )
    client = client_for(world.staff)
    response = client.post(reverse("emulation:criteria", kwargs={"pk": world.cluster.pk}), {"i-file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    for row in ("Dòng 3", "Dòng 4", "Dòng 5", "Dòng 6"):
        assert row in html
    assert "Dòng 2" not in html
    assert Criterion.objects.count() == before


def test_staff_import_replaces_the_table(client_for, world):
    upload = _xlsx(
        [
            [
                "Phần 1",
                "1.1",
                "Quán triệt",
                "score",
                "15",
                "Đủ biên bản",
                "Biên bản",
                "requirement_compliance",
                world.dissemination.pk,
            ]
        ]
    )
    response = client_for(world.staff).post(
        reverse("emulation:criteria", kwargs={"pk": world.cluster.pk}), {"i-file": upload}
    )
    assert response.status_code == 302
    criteria = list(Criterion.objects.filter(section__table__cluster=world.cluster))
    assert [(c.code, c.max_points, c.requirement_id) for c in criteria] == [
        ("1.1", Decimal("15.00"), world.dissemination.pk)
    ]


@pytest.mark.parametrize("who", ["head", "member"])
def test_units_cannot_import(client_for, world, who):
    upload = _xlsx([["Phần 1", "1", "X", "score", 1, "", "", "", ""]])
    response = client_for(getattr(world, who)).post(
        reverse("emulation:criteria", kwargs={"pk": world.cluster.pk}), {"i-file": upload}
    )
    assert response.status_code == 403


def test_export_download(client_for, world):
    response = client_for(world.member).get(reverse("emulation:criteria_export", kwargs={"pk": world.cluster.pk}))
    assert response.status_code == 200 and response["Content-Type"].endswith("spreadsheetml.sheet")
