"""The emulation proposal memo and ranking table, built by the report pipeline from a finalised cluster."""

import io
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.tests.factories import make_user
from emulation import services
from emulation.tests.world import world  # noqa: F401  (fixture)
from reports.models import Report, ReportStatus
from reports.snapshot import snapshot_sha256
from reports.tests.test_documents import pdftotext, read

FREE = ["7", "9", "9", "6", "9"]  # the last two tie on total: broken by full-score criteria


def layout_lines(data: bytes) -> list[str]:
    """The PDF's lines as laid out (table rows stay rows), white space collapsed."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return [" ".join(line.split()) for line in unicodedata.normalize("NFC", out.decode()).splitlines() if line.strip()]


@pytest.fixture
def final(world):  # noqa: F811
    users = [world.head, make_user(unit=world.communes[1], username="m1"), world.member,
             make_user(unit=world.communes[3], username="m3"), make_user(unit=world.communes[4], username="m4")]  # fmt: skip
    for user, free in zip(users, FREE, strict=True):
        card = services.scorecard_open(user=user, cluster=world.cluster)
        values = {line.criterion_id: ("0", "") for line in card.lines.all()}
        values[world.criteria["free"].pk] = (free, "")
        if user is users[1]:
            values[world.criteria["bonus"].pk] = ("2", "")  # 9 + 2 = 11: first
        if user is users[4]:
            values[world.criteria["free"].pk] = ("10", "")
            values[world.criteria["penalty"].pk] = ("1", "")  # 10 − 1 = 9, one full-score criterion
        services.scorecard_save(user=user, scorecard=card, values=values)
        services.scorecard_submit(user=user, scorecard=card)
        reviewer = users[1] if user is world.head else world.head
        services.scorecard_review(user=reviewer, scorecard=card, target=ReviewStatus.ACCEPTED)
    services.cluster_finalise(user=world.staff, cluster=world.cluster)
    return world


def _request(client, world, fmt):  # noqa: F811
    response = client.post(reverse("reports:emulation_memo"), {"cluster": world.cluster.pk, "format": fmt})
    report = Report.objects.order_by("-pk").first()
    assert response.status_code == 302 and response.url == reverse("reports:detail", kwargs={"pk": report.pk})
    return report


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_memo_pdf_holds_the_ranking_and_the_nominations(client_for, final, django_capture_on_commit_callbacks):
    client = client_for(final.staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = _request(client, final, "pdf")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED, report.error
    assert report.snapshot_sha256 == snapshot_sha256(report.snapshot)
    text = pdftotext(read(report))
    for expected in [
        "HỘI ĐỒNG THI ĐUA",
        "KHEN THƯỞNG",
        "UBND TỈNH ĐẮK LẮK",
        "/TTr-HĐTĐKT",
        "TỜ TRÌNH",
        "Kính gửi: Ủy ban nhân dân tỉnh",
        "I. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG",
        "II. ĐỀ NGHỊ TẶNG CỜ THI ĐUA CỦA ỦY BAN NHÂN DÂN TỈNH",
        "III. ĐỀ NGHỊ TẶNG BẰNG KHEN CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
        "BẢNG XẾP HẠNG CỤM THI ĐUA SỐ 1 NĂM 2026",
        "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
        report.snapshot_sha256[:16],
    ]:
        assert expected in text, expected
    lines = layout_lines(read(report))
    # The ranking appendix, row by row: rank, unit, criteria, bonus, penalty, total, full-score criteria, nomination.
    # Phường Buôn Ma Thuột and Xã Ea Phê tie on 9: one full-score criterion puts the ward first (the rule shown).
    start = lines.index("Phụ lục I")
    rows = [line for line in lines[start:] if line[:2] in ("1 ", "2 ", "3 ", "4 ", "5 ")]
    expected = [
        r"1 Xã Phước An 9 2 0 11 0 Cờ thi đua của UBND tỉnh",
        r"2 Phường Buôn Ma Thuột \(Nhiều tiêu chí .*10 0 1 9 1 Bằng khen của Chủ tịch UBND tỉnh",
        r"3 Xã Ea Phê \(Nhiều tiêu chí .*9 0 0 9 0 Bằng khen của Chủ tịch UBND tỉnh",
        r"4 Xã Ea Kly 7 0 0 7 0",
        r"5 Xã Krông Búk 6 0 0 6 0",
    ]
    assert len(rows) == 5 and all(re.fullmatch(p, row) for p, row in zip(expected, rows, strict=True)), rows
    assert "Quy tắc khi bằng điểm: Khi bằng tổng điểm, đơn vị có nhiều tiêu chí đạt điểm tối đa hơn xếp trên." in lines
    body = lines[:start]
    flag = body[body.index("Cờ thi đua của UBND tỉnh") :]
    assert flag[2] == "1 Xã Phước An Cụm thi đua số 1 11"
    certificates = body[body.index("Bằng khen của Chủ tịch UBND tỉnh") :]
    assert certificates[2:4] == ["1 Phường Buôn Ma Thuột Cụm thi đua số 1 9", "2 Xã Ea Phê Cụm thi đua số 1 9"]
    assert not any("Xã Krông Búk" in line for line in body)


def test_memo_xlsx_and_docx_from_the_same_snapshot(client_for, final, django_capture_on_commit_callbacks):
    client = client_for(final.staff)
    with django_capture_on_commit_callbacks(execute=True):
        xlsx = _request(client, final, "xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        docx = _request(client, final, "docx")
    xlsx.refresh_from_db()
    docx.refresh_from_db()
    assert xlsx.status == docx.status == ReportStatus.SUCCEEDED
    assert xlsx.snapshot_sha256 == docx.snapshot_sha256
    workbook = load_workbook(io.BytesIO(read(xlsx)))
    sheet = next(ws for ws in workbook.worksheets if ws.title.startswith("Bảng xếp hạng"))
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_row=6)]
    assert [r[1] for r in rows][0] == "Xã Phước An"
    assert rows[0][5] == 11 and isinstance(rows[0][5], int | float)  # totals are numbers in Excel
    assert read(docx)[:2] == b"PK"
    assert Decimal(xlsx.snapshot["emulation"]["clusters"][0]["ranking"][0]["total"]) == 11


def test_memo_needs_a_finalised_cluster_and_a_reader_of_the_province(client_for, world):  # noqa: F811
    response = client_for(world.staff).post(
        reverse("reports:emulation_memo"), {"cluster": world.cluster.pk, "format": "pdf"}
    )
    assert response.status_code == 302 and response.url == reverse("emulation:ranking", kwargs={"pk": world.cluster.pk})
    assert not Report.objects.exists()
    assert (
        client_for(world.head).post(reverse("reports:emulation_memo"), {"cluster": world.cluster.pk}).status_code == 403
    )
    assert client_for(world.staff).get(reverse("reports:emulation_memo")).status_code == 405
