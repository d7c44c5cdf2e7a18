import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.uploads import bytes_upload
from projects import spreadsheets
from projects.models import ProgressUpdate
from projects.tests.factories import KeyWorkFactory

TODAY = datetime.date(2020, 10, 1)


def read(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def export_for(client):
    response = client.get(reverse("projects:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def test_export_content(client_for, leader, work_kp, work_bmt):
    sheet, rows = read(export_for(client_for(leader)))
    header = rows[0]
    assert header[:3] == ["Mã công trình", "Đơn vị", "Tên công trình"]
    assert sheet.freeze_panes == "C2"
    by_name = {row[2]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert set(by_name) == {work_kp.name, work_bmt.name}
    row = by_name[work_kp.name]
    assert row["Mã công trình"] == work_kp.pk
    assert row["Tổng mức đầu tư (đồng)"] == 12_500_000_000  # a real number, not text
    assert row["Ngày dự kiến"] == datetime.datetime(2020, 11, 23)  # a real date
    assert row["Đơn vị"] == "Krông Pắc"
    money_col = header.index("Tổng mức đầu tư (đồng)") + 1
    assert sheet.cell(row=2, column=money_col).number_format == "#,##0"
    date_col = header.index("Ngày dự kiến") + 1
    assert sheet.cell(row=2, column=date_col).is_date


def test_export_follows_filters_and_scope(client_for, officer_kp, work_kp, work_bmt, leader, province):
    _sheet, rows = read(export_for(client_for(officer_kp)))
    assert [row[2] for row in rows[1:]] == [work_kp.name]
    response = client_for(leader).get(reverse("projects:export"), {"unit": province.bmt.pk})
    _sheet, rows = read(response.content)
    assert [row[2] for row in rows[1:]] == [work_bmt.name]


def test_export_anonymous_and_method(client, client_for, officer_kp):
    url = reverse("projects:export")
    assert client.get(url).status_code == 302
    assert client_for(officer_kp).post(url).status_code == 405


def fill(data: bytes, values: dict) -> bytes:
    """Fill the input columns: {row_number: (date, progress, disbursed, note)}."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    cols = [header.index(h) + 1 for h in ("Ngày báo cáo mới", "Tiến độ mới (%)", "Vốn giải ngân mới (đồng)", "Ghi chú")]
    for row, cells in values.items():
        for col, value in zip(cols, cells, strict=True):
            sheet.cell(row=row, column=col, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def two_kp_works(requirement, milestone, province):
    return [
        KeyWorkFactory(
            requirement=requirement,
            unit=province.krong_pac,
            milestone=milestone,
            status=ReviewStatus.SUBMITTED,
            name=f"Công trình KP {n}",
            planned_date=datetime.date(2020, 11, 2 + n),
        )
        for n in range(2)
    ]


def test_import_round_trip(officer_kp, two_kp_works):
    data = spreadsheets.export_xlsx(KeyWorkFactory._meta.model.objects.order_by("planned_date"))
    filled = fill(
        data,
        {
            2: (datetime.datetime(2020, 9, 30), 55, 2_000_000_000, "Đổ bê tông mặt đường"),
            3: ("15/09/2020", 30, None, None),
        },
    )
    result = spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("tien-do.xlsx", filled), today=TODAY)
    assert (result.saved, result.skipped) == (2, [])
    first, second = two_kp_works
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.latest_progress, first.latest_progress_on) == (55, datetime.date(2020, 9, 30))
    assert (second.latest_progress, second.latest_progress_on) == (30, datetime.date(2020, 9, 15))
    assert ProgressUpdate.objects.get(key_work=first).capital_disbursed == 2_000_000_000


def test_import_bad_rows_reported_nothing_saved(officer_kp, two_kp_works, work_bmt):
    from projects.models import KeyWork

    data = spreadsheets.export_xlsx(KeyWork.objects.order_by("planned_date", "id"))
    names = [row[2] for row in read(data)[1][1:]]
    bmt_row = names.index(work_bmt.name) + 2
    kp_rows = [names.index(w.name) + 2 for w in two_kp_works]
    filled = fill(
        data,
        {
            kp_rows[0]: ("01/09/2020", 40, None, None),  # good
            kp_rows[1]: ("01/09/2020", 140, None, None),  # > 100
            bmt_row: ("01/09/2020", 10, None, None),  # another district
        },
    )
    with pytest.raises(spreadsheets.ImportFailed) as info:
        spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("x.xlsx", filled), today=TODAY)
    errors = info.value.errors
    assert any(e.startswith(f"Dòng {kp_rows[1]}:") for e in errors)
    # Another district's row: refused without revealing that district's record.
    assert any(e.startswith(f"Dòng {bmt_row}:") and "đơn vị khác" in e for e in errors)
    assert len(errors) == 2
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("cells", "fragment"),
    [
        (("31/02/2020", 40, None, None), "dd/mm/yyyy"),
        (("01/09/2020", "bốn mươi", None, None), "số nguyên"),
        (("01/09/2020", 40, -5, None), "không âm"),
        (("01/09/2030", 40, None, None), "tương lai"),
        (("01/09/2020", None, 5, "chỉ ghi chú"), "thiếu tiến độ"),
    ],
)
def test_import_row_errors(officer_kp, two_kp_works, cells, fragment):
    from projects.models import KeyWork

    data = fill(spreadsheets.export_xlsx(KeyWork.objects.order_by("planned_date")), {2: cells})
    with pytest.raises(spreadsheets.ImportFailed) as info:
        spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("x.xlsx", data), today=TODAY)
    assert info.value.errors[0].startswith("Dòng 2:") and fragment in info.value.errors[0]


def test_import_progress_down_without_note(officer_kp, two_kp_works):
    from projects import services
    from projects.models import KeyWork

    services.progress_update_create(
        user=officer_kp, work=two_kp_works[0], reported_on=datetime.date(2020, 9, 1), physical_progress=70, today=TODAY
    )
    data = fill(spreadsheets.export_xlsx(KeyWork.objects.order_by("planned_date")), {2: ("20/09/2020", 50, None, None)})
    with pytest.raises(spreadsheets.ImportFailed) as info:
        spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("x.xlsx", data), today=TODAY)
    assert "ghi chú" in info.value.errors[0]


def test_import_refuses_other_files(officer_kp, two_kp_works):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("x.xlsx", b"not a workbook"), today=TODAY)
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Cột lạ"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(spreadsheets.ImportFailed, match="thiếu cột"):
        spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("x.xlsx", buffer.getvalue()), today=TODAY)


def test_import_view(client_for, client, officer_kp, officer_bmt, leader, two_kp_works, work_bmt):
    from projects.models import KeyWork

    url = reverse("projects:import")
    kp = client_for(officer_kp)
    assert kp.get(url).status_code == 200
    data = spreadsheets.export_xlsx(KeyWork.objects.filter(unit=two_kp_works[0].unit).order_by("planned_date"))
    bad = fill(data, {2: ("01/09/2020", 400, None, None)})
    response = kp.post(url, {"file": bytes_upload("tien-do.xlsx", bad)})
    assert response.status_code == 400 and "Dòng 2:" in response.content.decode()
    good = fill(data, {2: ("01/09/2020", 40, None, None)})
    response = kp.post(url, {"file": bytes_upload("tien-do.xlsx", good)})
    assert response.status_code == 302
    assert ProgressUpdate.objects.count() == 1
    assert kp.post(url, {"file": bytes_upload("a.xlsx", b"junk")}).status_code == 400
    assert kp.put(url).status_code == 405
    assert client_for(leader).get(url).status_code == 403
    # A foreign district's upload of Krông Pắc rows is refused row by row.
    response = client_for(officer_bmt).post(url, {"file": bytes_upload("tien-do.xlsx", good)})
    assert response.status_code == 400 and "Dòng 2:" in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 302


def test_import_reads_a_file_exported_in_english(officer_kp, two_kp_works):
    from django.utils import translation

    from projects.models import KeyWork

    with translation.override("en"):
        data = spreadsheets.export_xlsx(KeyWork.objects.order_by("planned_date"))
    assert read(data)[1][0][0] == "Work ID"
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("New progress (%)") + 1, value=35)
    buffer = io.BytesIO()
    book.save(buffer)
    with translation.override("vi"):
        assert (
            spreadsheets.import_progress(
                user=officer_kp, uploaded=bytes_upload("x.xlsx", buffer.getvalue()), today=TODAY
            ).saved
            == 1
        )


def test_english_pages(client_for, leader, work_kp):
    client = client_for(leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("projects:list")).content.decode()
    for text in ("Key works", "Export to Excel", "Late"):
        assert text in body, text


def test_export_queries_do_not_grow(client_for, leader, requirement, province, django_assert_max_num_queries):
    client = client_for(leader)
    client.get(reverse("projects:list"))  # warm the session
    for n in range(3):
        KeyWorkFactory(requirement=requirement, status=ReviewStatus.SUBMITTED, name=f"A{n}")
    # session, user, membership (scope), filter districts, filter milestones, rows with every relation joined
    with django_assert_max_num_queries(6):
        client.get(reverse("projects:export"))
    for n in range(25):
        KeyWorkFactory(requirement=requirement, status=ReviewStatus.SUBMITTED, name=f"B{n}", unit=province.bmt)
    with django_assert_max_num_queries(6):
        _sheet, rows = read(client.get(reverse("projects:export")).content)
    assert len(rows) == 29


def test_import_same_file_twice_saves_once(officer_kp, two_kp_works):
    """A district that uploads the same file again (back button, second click) does not double its reports."""
    from projects.models import KeyWork

    data = spreadsheets.export_xlsx(KeyWork.objects.order_by("planned_date"))
    filled = fill(data, {2: ("30/09/2020", 55, 2_000_000_000, "Đổ bê tông"), 3: ("30/09/2020", 30, None, None)})
    spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("a.xlsx", filled), today=TODAY)
    with pytest.raises(spreadsheets.ImportFailed) as info:
        spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("a.xlsx", filled), today=TODAY)
    assert "dòng 2, 3" in info.value.errors[0] and "trước đó" in info.value.errors[0]
    assert ProgressUpdate.objects.count() == 2
    # One row new, one already in: the new one is saved and the old one reported as skipped.
    again = fill(data, {2: ("30/09/2020", 55, 2_000_000_000, "Đổ bê tông"), 3: ("30/09/2020", 45, None, None)})
    result = spreadsheets.import_progress(user=officer_kp, uploaded=bytes_upload("b.xlsx", again), today=TODAY)
    assert (result.saved, result.skipped) == (1, [2])
    assert ProgressUpdate.objects.count() == 3


def test_import_view_reports_skipped_rows(client_for, officer_kp, two_kp_works):
    from projects.models import KeyWork

    data = spreadsheets.export_xlsx(KeyWork.objects.order_by("planned_date"))
    first = fill(data, {2: ("01/09/2020", 40, None, None)})
    kp = client_for(officer_kp)
    url = reverse("projects:import")
    assert kp.post(url, {"file": bytes_upload("t.xlsx", first)}).status_code == 302
    response = kp.post(url, {"file": bytes_upload("t.xlsx", first)})
    assert response.status_code == 400 and "đã được nhập trước đó" in response.content.decode()
    both = fill(data, {2: ("01/09/2020", 40, None, None), 3: ("01/09/2020", 20, None, None)})
    response = kp.post(url, {"file": bytes_upload("t.xlsx", both)}, follow=True)
    body = response.content.decode()
    assert "Đã nhập tiến độ của 1 công trình" in body and "Bỏ qua dòng 2" in body
    assert ProgressUpdate.objects.count() == 2
