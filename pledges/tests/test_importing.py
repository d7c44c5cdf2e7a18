import datetime
from decimal import Decimal

import pytest

from pledges import importing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("95,5", Decimal("95.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1.500", Decimal(1500)),
        ("95.5", Decimal("95.5")),
        ("12 000", Decimal(12000)),
        ("80%", Decimal(80)),
        (7, Decimal(7)),
        (2.5, Decimal("2.5")),
        ("", None),
    ],
)
def test_parse_number(text, expected):
    assert importing.parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "NaN", "inf"])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError):
        importing.parse_number(text)


def test_parse_pasted_skips_header_and_blank_lines():
    text = "Tên chỉ tiêu\tĐơn vị tính\tGiá trị gốc\tChỉ tiêu\tHạn (dd/mm/yyyy)\r\nHộ nghèo\t%\t5\t3\t31/12/2020\r\n\r\n"
    rows, errors = importing.parse_pasted(text)
    assert errors == []
    assert rows == [
        {
            "name": "Hộ nghèo",
            "unit_of_measure": "%",
            "baseline": Decimal(5),
            "target_value": Decimal(3),
            "due_date": datetime.date(2020, 12, 31),
        }
    ]


def test_parse_pasted_reports_every_bad_line_by_number():
    rows, errors = importing.parse_pasted("A\t\t\t1\nB\t\t\t\n\tx\t\t2\nC\t\t\t4\t2020-13-01")
    assert [e.split(":")[0] for e in errors] == ["Dòng 2", "Dòng 3", "Dòng 4"]


def test_parse_pasted_nfc_and_empty():
    decomposed = "Ho\u0302\u0323 ngh\u00e8o\t\t\t1"
    rows, errors = importing.parse_pasted(decomposed)
    assert rows[0]["name"] == "Hộ nghèo"
    assert importing.parse_pasted("\n\n")[1] == ["Không có dòng chỉ tiêu nào để nhập."]


def test_damaged_xlsx_is_reported():
    import io

    rows, errors = importing.parse_xlsx(io.BytesIO(b"PK\x03\x04 not really a workbook"))
    assert rows == [] and "Không đọc được tệp Excel" in errors[0]


def test_template_round_trips_without_importing_the_example():
    """The example lives on a second sheet: filling in below the header imports only what the user wrote."""
    import io

    from openpyxl import load_workbook

    rows, errors = importing.parse_xlsx(io.BytesIO(importing.template_xlsx()))
    assert rows == [] and errors == ["Không có dòng chỉ tiêu nào để nhập."]
    workbook = load_workbook(io.BytesIO(importing.template_xlsx()))
    assert workbook.sheetnames == ["Chi tieu", "Huong dan"]
    workbook.active.append(["Thu ngân sách", "tỷ đồng", 100, "1.200", "31/12/2020"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    rows, errors = importing.parse_xlsx(buffer)
    assert errors == [] and [row["name"] for row in rows] == ["Thu ngân sách"]
    assert rows[0]["target_value"] == Decimal(1200)
