"""The PDF as an official document (Decree 30): signer, room to sign, closing kept with the signature,
no single word alone on a title line, the snapshot hash in the properties and a small footer code only."""

import datetime
import io
import pathlib
import re
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document as WordDocument

from reports.models import ReportFormat, ReportStatus

from .test_documents import filed, read, request  # noqa: F401 (filed is a fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

# Without the fix the title's last line held "Thuột" alone (issue 13).
CAMPAIGN = "phong trào thi đua lập thành tích chào mừng kỷ niệm 45 năm Chiến thắng Buôn Ma Thuột"
CLOSING = "biết, chỉ đạo./."


def _pages(data: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return unicodedata.normalize("NFC", out.decode("utf-8")).split("\f")


def _title_lines(page: str) -> list[str]:
    """The lines from "BÁO CÁO" to the first body paragraph ("Thực hiện …")."""
    lines = [line.strip() for line in page.splitlines()]
    start = lines.index("BÁO CÁO") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Thực hiện"))
    return [line for line in lines[start:end] if line]


@pytest.mark.parametrize("remarks_paragraphs", [0, 6, 12])
def test_signature_shares_a_page_with_the_closing_and_no_title_line_is_one_word(
    remarks_paragraphs,
    province,
    leader,
    filed,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
    settings,
):
    directive, _requirement = filed
    directive.campaign.name = CAMPAIGN
    directive.campaign.save(update_fields=["name"])
    remarks = "\n".join(
        ["<p>Đề nghị các sở, ngành và địa phương tiếp tục đôn đốc, hoàn thành đúng hạn các nhiệm vụ được giao.</p>"]
        * remarks_paragraphs
    )
    report = _request_with(leader, province, directive, remarks, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    data = read(report)
    if remarks_paragraphs == 6:
        (pathlib.Path(settings.BASE_DIR) / "test-artifacts").mkdir(exist_ok=True)
        (pathlib.Path(settings.BASE_DIR) / "test-artifacts" / "official-report.pdf").write_bytes(data)
    pages = _pages(data)
    closing = [i for i, page in enumerate(pages) if CLOSING in page]
    signer = [i for i, page in enumerate(pages) if "Nguyễn Văn Thiết Lập" in page]
    authority = [i for i, page in enumerate(pages) if "PHÓ CHỦ TỊCH" in page]
    assert closing and closing == signer == authority[:1], (closing, signer, authority)
    title = _title_lines(pages[0])
    assert title and all(len(line.split()) >= 2 for line in title), title
    assert any("Thuột" in line for line in title)
    # The hash: not in the body as a sentence, but as a short code in the footer and in full in the properties.
    text = "\n".join(pages)
    assert "SHA-256" not in text
    assert report.snapshot_sha256[:16] in pages[0] and report.snapshot_sha256[:16] in pages[-2]
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert report.snapshot_sha256 in info


def _request_with(user, province, directive, remarks, capture):
    from reports import services

    with capture(execute=True):
        report = services.report_request(
            user=user,
            kind="province_compliance",
            fmt=ReportFormat.PDF,
            scope_unit=province.province,
            parameters={"directive": directive.pk, "remarks": remarks, "signer_name": "Nguyễn Văn Thiết Lập"},
            cutoff=datetime.date(2019, 10, 1),
        )
    report.refresh_from_db()
    return report


def test_the_docx_has_the_signer_the_room_to_sign_and_the_hash_in_its_properties(
    province,
    leader,
    filed,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
    settings,
):
    settings.PORTAL_REPORT_SIGNER_NAME = "Nguyễn Văn Thiết Lập"
    settings.PORTAL_REPORT_SIGNER_TITLE = "Chủ tịch"
    directive, _requirement = filed
    report = request(leader, province, directive, ReportFormat.DOCX, capture=django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.SUCCEEDED, report.error
    word = WordDocument(io.BytesIO(read(report)))
    body = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert "Nguyễn Văn Thiết Lập" in cells and "CHỦ TỊCH" in cells and "KT. CHỦ TỊCH" not in cells
    assert "SHA-256" not in body and report.snapshot_sha256 in word.core_properties.keywords
    closing = next(p for p in word.paragraphs if p.text.endswith("./."))
    assert closing.paragraph_format.keep_with_next  # kept with the signature block that follows
    footer = word.sections[0].first_page_footer.paragraphs[0].text
    assert re.search(report.snapshot_sha256[:16], footer)
