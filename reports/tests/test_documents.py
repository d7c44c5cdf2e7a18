import datetime
import io
import subprocess
import unicodedata

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.testing import require_tool
from directives.models import RequirementKind
from pledges.tests.factories import CommitmentFactory
from pledges.tests.factories import RequirementFactory as PledgeRequirementFactory
from reports import services, snapshot
from reports.models import Report, ReportFormat, ReportKind, ReportStatus

from .conftest import aware, file_work

CUTOFF = datetime.date(2019, 10, 1)


def request(user, province, directive, fmt, kind=ReportKind.PROVINCE_COMPLIANCE, scope=None, capture=None, **kw):
    with capture(execute=True):
        report = services.report_request(
            user=user,
            kind=kind,
            fmt=fmt,
            scope_unit=scope or province.province,
            parameters={"directive": directive.pk},
            cutoff=CUTOFF,
            **kw,
        )
    report.refresh_from_db()
    return report


@pytest.fixture
def filed(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac, name="Cầu Ea Kly mới")
    file_work(requirement, province.bmt, status=ReviewStatus.RETURNED)
    theme = PledgeRequirementFactory(
        directive=directive,
        ordinal="3",
        position=5,
        kind=RequirementKind.BREAKTHROUGH_THEME,
        applies_to=[UnitKind.DISTRICT],
        quota_min=1,
        quota_max=2,
        deadline=datetime.date(2019, 9, 15),
    )
    CommitmentFactory(
        requirement=theme,
        unit=province.krong_pac,
        status=ReviewStatus.ACCEPTED,
        on_time=True,
        title="Chuyển đổi số trong cải cách hành chính",
        submitted_at=aware(datetime.date(2019, 9, 1)),
        reviewed_at=aware(datetime.date(2019, 9, 2)),
    )
    return directive, requirement


def pdftotext(data: bytes) -> str:
    """The PDF's text, NFC, with runs of white space (line breaks inside table cells) made one space."""
    require_tool("pdftotext")
    result = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(unicodedata.normalize("NFC", result.stdout.decode("utf-8")).split())


def read(report) -> bytes:
    with report.file.open("rb") as handle:
        return handle.read()


def test_province_pdf_layout_fonts_and_text(province, leader, filed, django_capture_on_commit_callbacks):
    directive, _ = filed
    report = request(leader, province, directive, ReportFormat.PDF, capture=django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    data = read(report)
    assert data.startswith(b"%PDF-")
    text = pdftotext(data)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "TỈNH ĐẮK LẮK",
        "/BC-UBND",
        "Đắk Lắk, ngày 01 tháng 10 năm 2019",
        "BÁO CÁO",
        "I. TÌNH HÌNH CHUNG",
        "Nơi nhận:",
        "Huyện Krông Pắc",
        "Thành phố Buôn Ma Thuột",
        "Phụ lục I",
        "PHÓ CHỦ TỊCH",
        report.snapshot_sha256[:16],
        "Cầu Ea Kly mới",
    ]:
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    assert families and all(f.startswith("Liberation-Serif") for f in families), fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()), fonts  # embedded


def test_snapshot_frozen_and_reproducible(province, leader, filed, django_capture_on_commit_callbacks):
    directive, requirement = filed
    report = request(leader, province, directive, ReportFormat.XLSX, capture=django_capture_on_commit_callbacks)
    assert report.snapshot_sha256 == snapshot.snapshot_sha256(report.snapshot)
    # Later filings do not change the stored snapshot; a rebuild gives the same figures.
    file_work(requirement, province.bmt)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_rerun(user=leader, report=Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    assert snapshot.snapshot_sha256(report.snapshot) == report.snapshot_sha256
    workbook = load_workbook(io.BytesIO(read(report)))
    summary = workbook.worksheets[0]
    assert any(report.snapshot_sha256 in str(c.value) for c in summary["A"])
    # the file hash may differ (zip timestamps); the figures do not
    sheet = workbook["Kết quả theo nhiệm vụ"]
    assert sheet.freeze_panes == "C2"
    assert sheet["D2"].value == 2 and sheet["E2"].value == 1  # 2 districts apply, 1 accepted
    assert sheet["C2"].value == datetime.datetime(2019, 9, 15)
    assert sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["H2"].value == 0.5 and sheet["H2"].number_format == "0.0%"
    themes = workbook["Chủ điểm đột phá, lĩnh vực khó"]
    assert themes["D2"].value == "Chuyển đổi số trong cải cách hành chính"
    assert themes["C2"].value == "Chủ điểm thi đua cần đột phá"
    matrix = workbook["Ma trận thực hiện"]
    names = [matrix.cell(row=r, column=2).value for r in range(2, matrix.max_row + 1)]
    assert names == ["Huyện Krông Pắc", "Thành phố Buôn Ma Thuột"]


def test_docx_opens_with_the_layout(province, leader, filed, django_capture_on_commit_callbacks):
    directive, _ = filed
    report = request(
        leader, province, directive, ReportFormat.DOCX, capture=django_capture_on_commit_callbacks, document_number="5"
    )
    word = WordDocument(io.BytesIO(read(report)))
    header = word.tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert header.cell(1, 0).text == "Số: 05/BC-UBND"
    assert header.cell(1, 1).text == "Đắk Lắk, ngày 01 tháng 10 năm 2019"
    body = "\n".join(p.text for p in word.paragraphs)
    assert "BÁO CÁO" in body and "I. TÌNH HÌNH CHUNG" in body
    all_cells = " ".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert "Huyện Krông Pắc" in all_cells and "Nơi nhận:" in all_cells
    assert [s.orientation for s in word.sections] == [0, 1, 0]  # body, landscape matrix, key works list


def test_unit_and_key_works_reports(province, officer_kp, leader, filed, django_capture_on_commit_callbacks):
    directive, _ = filed
    unit = request(
        officer_kp,
        province,
        directive,
        ReportFormat.PDF,
        kind=ReportKind.UNIT_REPORT,
        scope=province.krong_pac,
        capture=django_capture_on_commit_callbacks,
    )
    assert unit.status == ReportStatus.SUCCEEDED, unit.error
    text = pdftotext(read(unit))
    assert "HUYỆN KRÔNG PẮC" in text and "Cầu Ea Kly mới" in text
    assert "/BC-UBND" in text and "Krông Pắc, ngày 01 tháng 10 năm 2019" in text


def key_works_report(leader, province, directive, fmt, capture):
    report = request(leader, province, directive, fmt, kind=ReportKind.KEY_WORKS, capture=capture)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    return read(report)


@pytest.fixture
def at_risk_work(province, filed):
    """A second Krông Pắc work, far behind schedule at the cut-off (planned 20/10/2019, 10 % done)."""
    _directive, requirement = filed
    work = file_work(requirement, province.krong_pac, name="Nhà văn hóa buôn Ea Kly")
    type(work).objects.filter(pk=work.pk).update(planned_date=datetime.date(2019, 10, 20), latest_progress=10)
    return work


def test_key_works_report_content_in_pdf(province, leader, filed, at_risk_work, django_capture_on_commit_callbacks):
    directive, _ = filed
    text = pdftotext(
        key_works_report(leader, province, directive, ReportFormat.PDF, django_capture_on_commit_callbacks)
    )
    assert "Tình hình các công trình trọng điểm thuộc" in text
    assert "Cầu Ea Kly mới" in text and "Nhà văn hóa buôn Ea Kly" in text and "Huyện Krông Pắc" in text
    assert "Tổng số công trình đăng ký: 3; có nguy cơ chậm tiến độ: 1." in text
    # one row per work: name, unit, planned date, progress, risk
    assert "Nhà văn hóa buôn Ea Kly Huyện Krông Pắc 20/10/2019 10 % Có nguy cơ chậm" in text
    assert "Cầu Ea Kly mới Huyện Krông Pắc 23/11/2020 0 % Đúng tiến độ" in text
    at_risk = text.split("CÔNG TRÌNH CÓ NGUY CƠ CHẬM TIẾN ĐỘ", 1)[1]
    assert "Nhà văn hóa buôn Ea Kly" in at_risk and "Cầu Ea Kly mới" not in at_risk


def test_key_works_report_content_in_docx(province, leader, filed, at_risk_work, django_capture_on_commit_callbacks):
    directive, _ = filed
    data = key_works_report(leader, province, directive, ReportFormat.DOCX, django_capture_on_commit_callbacks)
    word = WordDocument(io.BytesIO(data))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Tổng số công trình đăng ký: 3; có nguy cơ chậm tiến độ: 1." in body
    rows = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    named = [row for row in rows if "Cầu Ea Kly mới" in row or "Nhà văn hóa buôn Ea Kly" in row]
    # the full list names both works; the at-risk list repeats the late one
    assert sum("Cầu Ea Kly mới" in row for row in named) == 1
    assert sum("Nhà văn hóa buôn Ea Kly" in row for row in named) == 2
    assert all("Huyện Krông Pắc" in row for row in named)


def test_key_works_report_content_in_xlsx(province, leader, filed, at_risk_work, django_capture_on_commit_callbacks):
    directive, _ = filed
    data = key_works_report(leader, province, directive, ReportFormat.XLSX, django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(data))
    cells = [[c.value for c in row] for sheet in workbook for row in sheet.iter_rows()]
    late = [row for row in cells if "Nhà văn hóa buôn Ea Kly" in row]
    assert late and all("Huyện Krông Pắc" in row and datetime.datetime(2019, 10, 20) in row for row in late)
    assert any("Cầu Ea Kly mới" in row for row in cells)
    flat = " ".join(str(v) for row in cells for v in row if v is not None)
    assert "Tổng số công trình đăng ký: 3; có nguy cơ chậm tiến độ: 1." in flat


VIETNAMESE = (
    "aàảãáạ ăằẳẵắặ âầẩẫấậ eèẻẽéẹ êềểễếệ iìỉĩíị oòỏõóọ ôồổỗốộ ơờởỡớợ uùủũúụ ưừửữứự yỳỷỹýỵ đ "
    "AÀẢÃÁẠ ĂẰẲẴẮẶ ÂẦẨẪẤẬ EÈẺẼÉẸ ÊỀỂỄẾỆ IÌỈĨÍỊ OÒỎÕÓỌ ÔỒỔỖỐỘ ƠỜỞỠỚỢ UÙỦŨÚỤ ƯỪỬỮỨỰ YỲỶỸÝỴ Đ"
)


def test_every_vietnamese_letter_round_trips(db):
    """Each of the 134 accented letters (and đ/Đ) comes back from the PDF as the same NFC text."""
    from reports.documents.model import Document, Section
    from reports.documents.pdf import render_pdf

    source = unicodedata.normalize("NFC", VIETNAMESE)
    document = Document(
        parent_body="",
        issuer_lines=["ỦY BAN NHÂN DÂN", "TỈNH ĐẮK LẮK"],
        number_line="Số: 01/BC-UBND",
        place_date="Đắk Lắk, ngày 05 tháng 01 năm 2020",
        doc_type_name="BÁO CÁO",
        subject="Kiểm tra phông chữ",
        intro=[],
        sections=[Section("I. CHỮ VIỆT", paragraphs=[source])],
        closing=[],
        recipients=["- Lưu: VT."],
        signature=["TM. ỦY BAN NHÂN DÂN"],
        signer_name="Nguyễn Văn A",
        snapshot_note="",
    )
    data = render_pdf(document)
    require_tool("pdftotext")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    lines = [unicodedata.normalize("NFC", line).strip() for line in out.splitlines()]
    joined = " ".join(line for line in lines if line)
    assert source in joined
    assert "Đắk Lắk, ngày 05 tháng 01 năm 2020" in joined
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()} <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }


def test_department_report_header(province, officer_dept, letter, django_capture_on_commit_callbacks):
    directive, requirement = letter
    requirement.applies_to = [UnitKind.DISTRICT, UnitKind.DEPARTMENT]
    requirement.save(update_fields=["applies_to"])
    report = request(
        officer_dept,
        province,
        directive,
        ReportFormat.DOCX,
        kind=ReportKind.UNIT_REPORT,
        scope=province.dept_finance,
        capture=django_capture_on_commit_callbacks,
    )
    word = WordDocument(io.BytesIO(read(report)))
    header = word.tables[0]
    assert "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" in header.cell(0, 0).text and "SỞ TÀI CHÍNH" in header.cell(0, 0).text
    assert header.cell(1, 0).text.endswith("/BC-STC")
    assert header.cell(1, 1).text == "Đắk Lắk, ngày 01 tháng 10 năm 2019"
