"""Scanned letters and phone photos: read by OCR in the background into the same draft as their typed text."""

import pytest
from django.urls import reverse

from campaign_portal.core.uploads import bytes_upload
from directives import import_services, ocr
from directives.models import Directive, DirectiveImport, ImportSource, ImportStatus
from directives.parsing import parse_document

from . import scans
from .conftest import LETTER_7019
from .test_import import big_letter

SAMPLES = scans.Path(__file__).resolve().parent / "samples"

TODAY_LETTER = """UỶ BAN NHÂN DÂN
TỈNH ĐẮK LẮK
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 2460/UBND-NC
V/v tổng kết phong trào thi đua năm 2026 tại các xã, phường
Đắk Lắk, ngày 01 tháng 12 năm 2026
Kính gửi:
- Các sở, ban, ngành;
- UBND các xã, phường.
Thực hiện Kế hoạch số 312/KH-UBND ngày 15/3/2026 của UBND tỉnh, UBND tỉnh đề nghị các đơn vị:
1. Tổ chức quán triệt kết quả phong trào thi đua năm 2026 đến toàn thể cán bộ, công chức trước ngày 20/12/2026.
2. Báo cáo tổng kết phong trào thi đua năm 2026 gửi Sở Nội vụ trước ngày 31/12/2026.
3. Đăng ký từ 01 đến 02 công trình trọng điểm chào mừng năm 2027.
Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
"""


def url(name, *args):
    return reverse(f"directives:{name}", args=args)


def import_scan(user, name: str, data: bytes, capture) -> DirectiveImport:
    """Upload through the import service; the OCR task runs on commit (eagerly here)."""
    with capture(execute=True):
        record = import_services.directive_import_start(user=user, uploaded=bytes_upload(name, data))
    record.refresh_from_db()
    return record


# (sample, how it arrives): six formats of letter, each as a different kind of scan or photo.
CASES = [
    ("official-letter-7019.txt", "tiff", 0.7),
    ("decision-1234-qd-ubnd.txt", "jpeg", -0.9),
    ("party-plan-126-kh-tu.txt", "pdf", 0.5),
    ("notice-45-tb-snv.txt", "png", 1.2),
    ("letter-88-ubnd-th.txt", "jpeg", 1.5),
    ("draft-report-bc-ubnd.txt", "png", -0.6),
    ("today", "pdf", 0.8),
]


@pytest.mark.slow
def test_scans_of_seven_letters_read_like_their_typed_text(staff, province, django_capture_on_commit_callbacks):
    """Every field the typed-text parser finds, read back from the scan: at least 95 % over all letters."""
    scans.require_ocr()
    total = same = 0
    report = []
    for sample, kind, tilt in CASES:
        text = TODAY_LETTER if sample == "today" else (SAMPLES / sample).read_text(encoding="utf-8")
        expected = scans.fields_of(parse_document(text).as_dict())
        data = scans.scan_of(text, kind, tilt=tilt)
        record = import_scan(
            staff, f"scan.{'jpg' if kind == 'jpeg' else kind}", data, django_capture_on_commit_callbacks
        )
        assert record.status == ImportStatus.DONE, (sample, record.error)
        assert record.source == ImportSource.SCAN and record.scan.kind == kind  # the scan stays attached
        got = scans.fields_of(parse_document(record.text).as_dict())
        matched, misses = scans.compare(expected, got)
        total, same = total + len(expected), same + matched
        report.append(f"{sample} ({kind}): {matched}/{len(expected)} {misses}")
    print("\n".join(report))
    assert total >= 60
    assert same / total >= 0.95, "\n".join(report)


@pytest.mark.slow
def test_a_reference_number_broken_across_lines_is_joined(staff, province, django_capture_on_commit_callbacks):
    scans.require_ocr()
    text = TODAY_LETTER.replace(
        "Thực hiện Kế hoạch số 312/KH-UBND ngày 15/3/2026 của UBND tỉnh, UBND tỉnh đề nghị các đơn vị:",
        "Thực hiện Kế hoạch số 126-KH/\nTU ngày 31/7/2019 của Tỉnh ủy, UBND tỉnh đề nghị các đơn vị:",
    ).replace("Số: 2460/UBND-NC", "Số: 2460/\nUBND-NC")
    record = import_scan(staff, "gay-dong.png", scans.scan_of(text, "png"), django_capture_on_commit_callbacks)
    assert record.status == ImportStatus.DONE, record.error
    directive = record.directive
    assert directive.number == "2460/UBND-NC"
    assert "126-KH/TU" in list(directive.references.values_list("number", flat=True))
    assert import_services.source_of(record, "number")["fixed"]  # the page says it was joined


@pytest.mark.slow
def test_an_all_caps_header_without_accents_is_restored(staff, province, django_capture_on_commit_callbacks):
    scans.require_ocr()
    text = TODAY_LETTER.replace("UỶ BAN NHÂN DÂN\nTỈNH ĐẮK LẮK", "UY BAN NHAN DAN\nTINH DAK LAK").replace(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        "CONG HOA XA HOI CHU NGHIA VIET NAM\nDOC LAP - TU DO - HANH PHUC",
    )
    record = import_scan(staff, "khong-dau.jpg", scans.scan_of(text, "jpeg"), django_capture_on_commit_callbacks)
    assert record.status == ImportStatus.DONE, record.error
    assert "ỦY BAN NHÂN DÂN" in record.text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in record.text
    assert record.directive.issuer == province.province  # "TỈNH ĐẮK LẮK" restored from the unit names
    assert record.directive.number == "2460/UBND-NC" and record.directive.requirements.count() == 3


def test_a_pdf_with_a_text_layer_does_not_go_through_ocr(staff, province, monkeypatch):
    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR must not run on a PDF that has a text layer")

    monkeypatch.setattr(ocr, "render_page", no_ocr)
    monkeypatch.setattr(ocr, "read_page", no_ocr)
    pdf = scans.letter_pdf(LETTER_7019)
    record = import_services.directive_import_start(user=staff, uploaded=bytes_upload("7019.pdf", pdf))
    assert record.source == ImportSource.FILE and record.status == ImportStatus.DONE
    assert record.directive.number == "7019/UBND-TH" and record.directive.requirements.count() == 5
    assert record.directive.attachments.get().kind == "pdf"


@pytest.mark.slow
def test_a_20_page_scan_is_read_in_the_background_with_progress(
    client_for, staff, province, monkeypatch, django_capture_on_commit_callbacks
):
    """Small pages (A7) keep this quick; progress is saved and shown after every page."""
    scans.require_ocr()
    client = client_for(staff)
    pages = scans.pdf_pages(scans.letter_pdf(big_letter(20), page_size="A7", font_pt=8), dpi=150)[:20]
    pages = (pages * 20)[:20]  # the letter's pages, repeated up to twenty
    seen = []
    real_read = ocr.read_page

    def read_and_look(image, *, page):
        status = client.get(url("import_status", Directive.objects.get().pk)).text
        seen.append((page, DirectiveImport.objects.get().pages_done, status))
        return real_read(image, page=page)

    monkeypatch.setattr(ocr, "read_page", read_and_look)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url("import"), {"file": bytes_upload("20-trang.pdf", scans.encode(pages, "pdf"))})
    directive = Directive.objects.get()
    assert response.status_code == 302 and response["Location"] == url("import_progress", directive.pk)
    record = DirectiveImport.objects.get()
    assert record.status == ImportStatus.QUEUED and record.pages_total == 20  # saved before any reading
    assert directive.attachments.get().filename == "20-trang.pdf"
    queued = client.get(url("import_progress", directive.pk)).text
    assert 'hx-get="' + url("import_status", directive.pk) in queued and "Đã đọc 0/20 trang." in queued
    # Typing into the draft now would be overwritten by the reading: the edit page waits for it.
    assert client.get(url("edit", directive.pk))["Location"] == url("import_progress", directive.pk)
    for callback in callbacks:  # the worker's turn
        callback()
    assert [page for page, _done, _status in seen] == list(range(1, 21))
    assert [done for _page, done, _status in seen] == list(range(20))  # saved after each page
    assert "Đã đọc 7/20 trang." in seen[7][2] and 'aria-valuenow="35"' in seen[7][2]
    final = client.get(url("import_status", directive.pk))
    assert final["HX-Redirect"] == url("edit", directive.pk)
    assert DirectiveImport.objects.get().pages.count() == 20


@pytest.mark.slow
def test_a_landscape_photo_gives_a_clear_message_and_keeps_the_upload(
    client_for, staff, province, django_capture_on_commit_callbacks
):
    scans.require_ocr()
    client = client_for(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("import"), {"file": bytes_upload("doi-nui.jpg", scans.landscape_photo())})
    directive = Directive.objects.get()
    record = DirectiveImport.objects.get()
    assert record.status == ImportStatus.FAILED
    page = client.get(response["Location"]).text
    assert "Không tìm thấy chữ của một văn bản trong tệp “doi-nui.jpg”" in page
    assert "Tệp vẫn được giữ kèm dự thảo này" in page
    attachment = directive.attachments.get()
    assert attachment.filename == "doi-nui.jpg" and url("attachment_download", directive.pk, attachment.pk) in page
    assert client.get(url("attachment_download", directive.pk, attachment.pk)).status_code == 200


def test_ocr_missing_is_said_and_the_scan_kept(staff, province, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(ocr, "ocr_problems", lambda: ["Tesseract OCR is missing. Install it: sudo apt-get ..."])
    data = scans.encode([scans.Image.new("L", (400, 600), 255)], "png")
    record = import_scan(staff, "scan.png", data, django_capture_on_commit_callbacks)
    assert record.status == ImportStatus.FAILED and "chưa cài phần mềm đọc bản quét" in record.error
    assert record.directive.attachments.get().filename == "scan.png"


def test_import_status_is_for_staff_only(client_for, officer_kp, leader, staff, province):
    record = import_services.directive_import_start(user=staff, text=LETTER_7019)
    assert client_for(staff).get(url("import_status", record.directive_id)).status_code == 200
    for persona in (officer_kp, leader):  # a draft is not even visible to them
        assert client_for(persona).get(url("import_status", record.directive_id)).status_code == 404


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_scan_is_read_by_a_real_worker_while_the_page_polls(celery_live, client, province):
    """The real path: enqueued on commit, read by a worker on Redis; the status view reports until it is done."""
    import time

    from campaign_portal.core.models import Role
    from campaign_portal.core.tests.factories import make_user

    scans.require_ocr()
    staff = make_user(unit=province.dept_home_affairs, role=Role.STAFF, username="staff_live")
    client.force_login(staff)
    data = scans.scan_of(TODAY_LETTER, "png", page_size="A5", font_pt=9)
    response = client.post(url("import"), {"file": bytes_upload("2460.png", data)})
    directive = Directive.objects.get()
    assert response["Location"] == url("import_progress", directive.pk)
    states = []
    for _ in range(600):
        status = client.get(url("import_status", directive.pk))
        states.append(DirectiveImport.objects.get().status)
        if "HX-Redirect" in status:
            break
        time.sleep(0.2)
    assert status["HX-Redirect"] == url("edit", directive.pk)
    assert states[0] in (ImportStatus.QUEUED, ImportStatus.RUNNING) and states[-1] == ImportStatus.DONE
    directive.refresh_from_db()
    assert directive.number == "2460/UBND-NC" and directive.requirements.count() == 3


def test_a_scan_left_waiting_or_whose_worker_died_is_sent_again_by_the_polling_page(
    client_for, staff, province, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from directives import tasks

    sent = []
    monkeypatch.setattr(tasks.read_directive_scan, "delay", lambda *args: sent.append(args))
    data = scans.encode([scans.Image.new("L", (400, 600), 255)], "png")
    with django_capture_on_commit_callbacks(execute=True):
        record = import_services.directive_import_start(user=staff, uploaded=bytes_upload("scan.png", data))
    assert sent == [(record.pk,)]  # sent once on commit; the broker lost it
    client = client_for(staff)
    client.get(url("import_status", record.directive_id))
    assert len(sent) == 1  # not yet: it has waited only a moment
    DirectiveImport.objects.filter(pk=record.pk).update(heartbeat=timezone.now() - datetime.timedelta(minutes=2))
    client.get(url("import_status", record.directive_id))
    client.get(url("import_status", record.directive_id))
    assert len(sent) == 2  # once, however many pollers
    # A worker killed mid-reading: the row says "running" with an old heartbeat; it is queued and sent again.
    DirectiveImport.objects.filter(pk=record.pk).update(
        status=ImportStatus.RUNNING, heartbeat=timezone.now() - datetime.timedelta(minutes=10)
    )
    client.get(url("import_status", record.directive_id))
    assert len(sent) == 3 and DirectiveImport.objects.get().status == ImportStatus.QUEUED
