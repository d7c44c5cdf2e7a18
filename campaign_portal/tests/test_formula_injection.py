"""Formula injection: text a user typed is written as text in every spreadsheet the portal writes.

A key work named `=HYPERLINK("http://evil.example/steal","Xem chi tiết")` must not become a live formula in
the projects export nor in any report XLSX; reading such a file back (the progress import) keeps the text.
"""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign_portal.core.models import Unit
from campaign_portal.core.spreadsheets import csv_row, looks_like_formula
from reports.models import ReportStatus
from reports.services import report_request

EVIL = '=HYPERLINK("http://evil.example/steal","Xem chi tiết")'
EVIL_PLUS = "+1+cmd|' /C calc'!A0"
EVIL_AT = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_TEXTS = (EVIL, EVIL_PLUS, EVIL_AT)


@pytest.fixture
def evil_world(world):
    """The Letter 7019 world, with formulas typed into a key work, a target and the directive's subject."""
    work = world.objects["key_work"]
    work.name = EVIL
    work.save(update_fields=["name"])
    target = world.objects["target"]
    target.name = EVIL_PLUS
    target.save(update_fields=["name"])
    world.directive.subject = EVIL_AT
    world.directive.save(update_fields=["subject"])
    Unit.objects.filter(name="Sở Tài chính").update(name=EVIL_AT)  # a unit's name starts table rows
    theme = world.objects["theme"]
    theme.title = EVIL_PLUS
    theme.save(update_fields=["title"])
    return world


def _projects_export(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("projects:export"))
    assert response.status_code == 200
    return response.content


def _report_xlsx(kind, scope):
    def build(world, client):
        unit = world.province.province if scope == "province" else world.province.krong_pac
        report = report_request(
            user=world.staff,
            kind=kind,
            fmt="xlsx",
            scope_unit=unit,
            parameters={"directive": world.directive.pk},
        )
        report.refresh_from_db()
        assert report.status == ReportStatus.SUCCEEDED, report.error
        client.force_login(world.staff)
        response = client.get(reverse("reports:download", kwargs={"pk": report.pk}))
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    return build


def _targets_template(world, client):
    from pledges import importing

    return importing.template_xlsx()


WRITERS = {
    "projects export": (_projects_export, (EVIL,)),
    "province report xlsx": (_report_xlsx("province_compliance", "province"), (EVIL_AT,)),
    "unit report xlsx": (_report_xlsx("unit_report", "unit"), (EVIL_PLUS,)),
    "key-works report xlsx": (_report_xlsx("key_works", "province"), (EVIL,)),
    "targets template": (_targets_template, ()),
}


def _cells(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_spreadsheet_writer_emits_a_formula(evil_world, client, writer, django_capture_on_commit_callbacks):
    build, expected = WRITERS[writer]
    data = build(evil_world, client)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets
    assert not any("<f>" in xml or "<f " in xml for xml in sheets), f"{writer} wrote a formula"
    cells = _cells(data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    for text in expected:  # the user's text is there, exactly as typed, as text
        assert text in texts, (writer, text, sorted(texts))


@pytest.mark.django_db
def test_the_progress_import_keeps_a_formula_like_note_as_text(evil_world, client):
    """Round trip: the district fills a note that looks like a formula, imports the file, exports again."""
    from projects import spreadsheets
    from projects.models import KeyWork

    work = evil_world.objects["key_work"]
    work.refresh_from_db()
    workbook = load_workbook(io.BytesIO(spreadsheets.export_xlsx(KeyWork.objects.filter(pk=work.pk))))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == work.pk)
    values = {"Tiến độ mới (%)": 60, "Ghi chú": EVIL, "Ngày báo cáo mới": None}
    for header, value in values.items():
        row[headers.index(header)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)  # as the user's Excel would: the note now is a formula cell in the upload
    buffer.name = "cong-trinh.xlsx"
    buffer.seek(0)
    client.force_login(evil_world.officer_kp)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "cong-trinh.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # A formula cell in an upload is read as its value only (never as a formula): here it has none, so
    # the note is empty; the text typed as text (below) is kept exactly.
    rows = spreadsheets.read_progress_rows(user=evil_world.officer_kp, uploaded=upload)
    assert rows[0].note == ""

    row[headers.index("Ghi chú")].data_type = "s"  # typed as text (what our own export writes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("cong-trinh.xlsx", buffer.getvalue())
    rows = spreadsheets.read_progress_rows(user=evil_world.officer_kp, uploaded=upload)
    assert rows[0].note == EVIL
    again = _cells(spreadsheets.export_xlsx(KeyWork.objects.filter(pk=work.pk)))
    assert not [c for c in again if c.data_type == "f"]


@pytest.mark.parametrize("text", [*EVIL_TEXTS, "-2+3", "\t=1", "\r=1"])
def test_csv_fields_that_a_spreadsheet_would_evaluate_are_prefixed(text):
    assert looks_like_formula(text)
    assert csv_row([text, "Xã Ea Kly", 12, None]) == ["'" + text, "Xã Ea Kly", "12", ""]


def test_every_module_that_builds_a_workbook_saves_it_through_the_helper():
    """A new writer that calls `Workbook()` without `workbook_bytes` would escape the test above."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.rglob("*.py"):
        parts = set(path.relative_to(root).parts)
        if parts & {".venv", "tests", "node_modules"} or path.name.startswith("test_"):
            continue
        source = path.read_text(encoding="utf-8")
        writes = "Workbook()" in source or "csv.writer" in source
        if writes and "workbook_bytes" not in source and "csv_row" not in source:
            offenders.append(str(path.relative_to(root)))
    assert not offenders, f"spreadsheet writers not using campaign_portal.core.spreadsheets: {offenders}"
