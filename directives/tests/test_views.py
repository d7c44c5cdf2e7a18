import datetime
import io

import pytest
from django.urls import reverse

from campaign_portal.core.models import UnitKind
from directives import selectors
from directives.models import Directive, DirectiveStatus, Milestone, Receipt, RequirementKind

from .conftest import LETTER_7019, make_letter
from .factories import CampaignFactory, DirectiveFactory, RequirementFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"directives:{name}", args=args)


def login_redirect(response):
    return response.status_code == 302 and reverse("login") in response["Location"]


def form_post(data: dict, req_rows=(), ref_rows=()) -> dict:
    """POST data of the directive form with its two formsets."""
    post = {
        "req-TOTAL_FORMS": str(len(req_rows)), "req-INITIAL_FORMS": "0",
        "req-MIN_NUM_FORMS": "0", "req-MAX_NUM_FORMS": "1000",
        "ref-TOTAL_FORMS": str(len(ref_rows)), "ref-INITIAL_FORMS": "0",
        "ref-MIN_NUM_FORMS": "0", "ref-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    post.update(data)
    for index, row in enumerate(req_rows):
        post.update({f"req-{index}-{key}": value for key, value in row.items()})
    for index, row in enumerate(ref_rows):
        post.update({f"ref-{index}-{key}": value for key, value in row.items()})
    return post


# --- list -----------------------------------------------------------------------------------------


def test_list_for_staff_shows_drafts_and_filters(client_for, staff, province):
    DirectiveFactory(issuer=province.province, number="1/UBND-TH", status=DirectiveStatus.DRAFT)
    DirectiveFactory(issuer=province.province, number="2/UBND-TH", doc_type="ke_hoach")
    client = client_for(staff)
    response = client.get(url("list"))
    assert response.status_code == 200
    assert "1/UBND-TH" in response.text and "2/UBND-TH" in response.text
    assert "Nhập từ văn bản" in response.text
    filtered = client.get(url("list"), {"doc_type": "ke_hoach", "year": "2019", "status": "published", "q": "  "})
    assert "2/UBND-TH" in filtered.text and "1/UBND-TH" not in filtered.text
    assert client.get(url("list"), {"year": "abc", "issuer": "x", "doc_type": "<script>"}).status_code == 200


def test_list_for_officer_hides_drafts(client_for, officer_kp, province):
    DirectiveFactory(issuer=province.province, number="1/UBND-TH", status=DirectiveStatus.DRAFT)
    DirectiveFactory(issuer=province.province, number="2/UBND-TH")
    response = client_for(officer_kp).get(url("list"))
    assert response.status_code == 200
    assert "2/UBND-TH" in response.text and "1/UBND-TH" not in response.text
    assert "Nhập từ văn bản" not in response.text


def test_list_search_without_accents(client_for, leader, staff, province):
    make_letter(staff, province)
    client = client_for(leader)
    assert "7019/UBND-TH" in client.get(url("list"), {"q": "cong trinh trong diem"}).text
    assert "7019/UBND-TH" in client.get(url("list"), {"q": "dak lak"}).text
    assert "Không có văn bản phù hợp" in client.get(url("list"), {"q": "khong co tu nay"}).text


def test_list_anonymous_and_wrong_method(client, staff, client_for):
    assert login_redirect(client.get(url("list")))
    assert client_for(staff).post(url("list")).status_code == 405


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_is_fixed(client_for, staff, province, django_assert_max_num_queries, count):
    campaign = CampaignFactory(organiser=province.province)
    for _ in range(count):
        directive = DirectiveFactory(issuer=province.province, campaign=campaign)
        RequirementFactory(directive=directive)
    client = client_for(staff)
    client.get(url("list"))  # warm the session and the scope
    # session, user, membership (scope), page of directives (with issuer, campaign and requirement
    # count; a first page holding them all needs no COUNT), the data version (years, issuers and
    # campaigns kept), and the shell's unread count and role label: the same seven for 2 and for 12.
    with django_assert_max_num_queries(7):
        response = client.get(url("list"))
    assert response.status_code == 200


def test_list_pages_past_thirty(client_for, staff, province):
    for i in range(32):
        DirectiveFactory(issuer=province.province, number=f"{100 + i}/UBND-TH", issued_on=datetime.date(2020, 1, 1))
    client = client_for(staff)
    first = client.get(url("list")).text
    assert "32 văn bản" in first and "Trang 1/2" in first
    second = client.get(url("list"), {"page": "2"}).text
    assert "32 văn bản" in second and "Trang 2/2" in second


def test_list_filter_choices_follow_writes(client_for, staff, leader, province):
    """Years, issuers and campaigns of the filter bar are kept per data version: a new one shows at once."""
    client = client_for(leader)
    DirectiveFactory(issuer=province.province, year=2019)
    assert ">2021<" not in client.get(url("list")).text
    campaign = CampaignFactory(organiser=province.province, name="Phong trào thi đua mới nhất")
    DirectiveFactory(issuer=province.dept_home_affairs, year=2021, campaign=campaign)
    page = client.get(url("list")).text
    assert ">2021<" in page and "Phong trào thi đua mới nhất" in page and province.dept_home_affairs.name in page
    campaign.name = "Phong trào đã đổi tên"
    campaign.save(update_fields=["name"])
    assert "Phong trào đã đổi tên" in client.get(url("list")).text


# --- import, create, edit ---------------------------------------------------------------------------


def test_import_page_prefills_from_text(client_for, staff, province):
    client = client_for(staff)
    assert client.get(url("import")).status_code == 200
    response = client.post(url("import"), {"text": LETTER_7019}, follow=True)
    draft = Directive.objects.get()  # saved at import: nothing the user corrects can be lost by the form
    assert draft.status == DirectiveStatus.DRAFT and draft.requirements.count() == 5
    assert response.redirect_chain == [(url("edit", draft.pk), 302)]
    page = response.text
    assert 'value="7019/UBND-TH"' in page and 'value="27/08/2019"' in page
    assert page.count('class="requirement-row') == 5
    assert 'value="key_works" selected' in page and 'value="difficult_field" selected' in page
    assert 'value="126-KH/TU"' in page and 'value="31/07/2019"' in page
    assert f'<option value="{province.province.pk}" selected>' in page


def test_import_from_docx_and_txt_upload(client_for, staff):
    import docx

    document = docx.Document()
    for line in LETTER_7019.splitlines():
        document.add_paragraph(line)
    data = io.BytesIO()
    document.save(data)
    client = client_for(staff)
    docx_file = io.BytesIO(data.getvalue())
    docx_file.name = "7019.docx"
    assert 'value="7019/UBND-TH"' in client.post(url("import"), {"file": docx_file}, follow=True).text
    txt = io.BytesIO(LETTER_7019.encode())
    txt.name = "7019.txt"
    assert 'value="7019/UBND-TH"' in client.post(url("import"), {"file": txt}, follow=True).text


def test_import_refuses_bad_files_with_a_message(client_for, staff):
    client = client_for(staff)
    exe = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100)
    exe.name = "congvan.pdf"
    response = client.post(url("import"), {"file": exe})
    assert response.status_code == 200 and "không phải loại được chấp nhận" in response.text
    broken = io.BytesIO(b"%PDF-1.4 garbage")
    broken.name = "hong.pdf"
    response = client.post(url("import"), {"file": broken})
    assert response.status_code == 200 and "Không đọc được nội dung tệp" in response.text
    assert "Dán nội dung văn bản hoặc chọn một tệp" in client.post(url("import"), {"text": ""}).text


@pytest.mark.parametrize("persona", ["leader", "officer_kp"])
def test_write_pages_are_staff_only(request, client_for, persona, draft_letter, letter):
    client = client_for(request.getfixturevalue(persona))
    for name in ("import", "create", "requirement_row"):
        assert client.get(url(name)).status_code == 403
    assert client.post(url("import"), {"text": LETTER_7019}).status_code == 403
    assert client.get(url("edit", letter.pk)).status_code == 403
    assert client.get(url("preview", letter.pk)).status_code == 403
    assert client.post(url("publish", draft_letter.pk)).status_code == 404  # a draft is invisible
    assert client.get(url("edit", draft_letter.pk)).status_code == 404
    assert client.post(url("withdraw", letter.pk), {"reason": "x"}).status_code == 403


def test_write_pages_anonymous(client, letter):
    for target in (url("import"), url("create"), url("edit", letter.pk), url("preview", letter.pk)):
        assert login_redirect(client.get(target))
    assert login_redirect(client.post(url("publish", letter.pk)))


def test_create_then_preview_then_publish(client_for, staff, province, django_capture_on_commit_callbacks):
    client = client_for(staff)
    data = form_post(
        {
            "doc_type": "ke_hoach",
            "number": "15/KH-UBND",
            "issued_on": "05/01/2020",
            "issuer": province.province.pk,
            "place": "Đắk Lắk",
            "subject": "Kế hoạch thi đua năm 2020",
            "addressee_kinds": ["district"],
            "addressee_text": "UBND các huyện, thị xã, thành phố",
            "body": "Nội dung.",
        },  # fmt: skip
        req_rows=[
            {
                "position": "2",
                "ordinal": "2",
                "kind": "report",
                "text": "Báo cáo kết quả.",
                "applies_to": ["district"],
                "deadline": "30/06/2020",
            },
            {
                "position": "1",
                "ordinal": "1",
                "kind": "key_works",
                "text": "Đăng ký công trình.",
                "applies_to": ["district"],
                "quota_min": "1",
                "quota_max": "2",
            },
            {"position": "", "ordinal": "", "kind": "other", "text": "", "DELETE": "on"},
        ],  # fmt: skip
        ref_rows=[{"doc_type": "ke_hoach", "number": "126-KH/TU", "issued_on": "31/07/2019"}],
    )
    response = client.post(url("create"), data)
    directive = Directive.objects.get(number="15/KH-UBND")
    assert response.status_code == 302 and response["Location"] == url("preview", directive.pk)
    assert list(directive.requirements.values_list("ordinal", "kind")) == [("1", "key_works"), ("2", "report")]
    assert directive.references.get().issued_on == datetime.date(2019, 7, 31)

    preview = client.get(url("preview", directive.pk))
    assert preview.status_code == 200
    assert "ngày 05 tháng 01 năm 2020" in preview.text and "KẾ HOẠCH" in preview.text.upper()

    # The preview and the confirmation say exactly who will receive it (the districts of 05/01/2020).
    assert 'data-recipient-count="2"' in preview.text and "Nơi nhận:" in preview.text
    confirm = client.get(url("publish", directive.pk))
    assert confirm.status_code == 200 and "Gửi tới 2 đơn vị" in confirm.text and "Krông Pắc" in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("publish", directive.pk))
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.PUBLISHED and directive.notified_at


def test_create_form_errors_keep_the_input(client_for, staff, province):
    data = form_post(
        {"doc_type": "cong_van", "subject": "", "issuer": province.province.pk, "body": "Giữ nguyên nội dung này"},
        req_rows=[
            {
                "position": "1",
                "ordinal": "1",
                "kind": "key_works",
                "text": "Công trình",
                "quota_min": "3",
                "quota_max": "1",
            }
        ],  # fmt: skip
    )
    response = client_for(staff).post(url("create"), data)
    assert response.status_code == 200
    assert "Giữ nguyên nội dung này" in response.text
    assert "Số tối đa phải lớn hơn hoặc bằng số tối thiểu." in response.text
    assert not Directive.objects.exists()


def test_add_row_htmx_and_plain_post(client_for, staff, province):
    client = client_for(staff)
    response = client.get(url("requirement_row"), {"req-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="req-3-text"' in response.text and 'value="4"' in response.text and "hx-swap-oob" in response.text
    data = form_post({"doc_type": "cong_van", "subject": "Giữ", "issuer": province.province.pk, "add_row": "1"})
    response = client.post(url("create"), data)
    assert response.status_code == 200 and 'name="req-0-text"' in response.text and ">\nGiữ</textarea>" in response.text
    assert not Directive.objects.exists()


def test_publish_refusal_is_shown(client_for, staff, province):
    make_letter(staff, province)
    second = make_letter(staff, province, publish=False)
    response = client_for(staff).post(url("publish", second.pk), follow=True)
    assert response.status_code == 200
    assert "đã được Tỉnh Đắk Lắk dùng cho một văn bản khác năm 2019" in response.text
    second.refresh_from_db()
    assert second.status == DirectiveStatus.DRAFT


def test_edit_published_records_revision(client_for, staff, letter):
    client = client_for(staff)
    page = client.get(url("edit", letter.pk))
    assert page.status_code == 200 and "Ghi chú lần sửa" in page.text
    reqs = list(letter.requirements.order_by("position"))
    rows = [
        {"id": r.pk, "position": r.position, "ordinal": r.ordinal, "kind": r.kind, "text": r.text,
         "applies_to": r.applies_to, "deadline": "31/10/2019", "quota_min": r.quota_min or "",
         "quota_max": r.quota_max or ""}
        for r in reqs
    ]  # fmt: skip
    data = form_post(
        {
            "doc_type": "cong_van",
            "number": letter.number,
            "issued_on": "27/08/2019",
            "issuer": letter.issuer_id,
            "subject": letter.subject,
            "addressee_kinds": letter.addressee_kinds,
            "body": letter.body,
            "note": "Bổ sung thời hạn",
        },  # fmt: skip
        req_rows=rows,
    )
    data["req-INITIAL_FORMS"] = str(len(rows))
    response = client.post(url("edit", letter.pk), data)
    assert response.status_code == 302, response.content
    assert set(letter.requirements.values_list("deadline", flat=True)) == {datetime.date(2019, 10, 31)}
    history = client.get(url("revisions", letter.pk))
    assert "Bổ sung thời hạn" in history.text and "Mục 3 · Thời hạn" in history.text and "31/10/2019" in history.text


# --- detail, preview, withdraw ----------------------------------------------------------------------


def test_officer_cannot_read_a_draft(client_for, officer_kp, leader, draft_letter):
    assert client_for(officer_kp).get(url("detail", draft_letter.pk)).status_code == 404
    assert client_for(leader).get(url("detail", draft_letter.pk)).status_code == 404


def test_detail_for_staff_shows_receipts_and_compliance(client_for, staff, officer_kp, province, letter):
    cited = DirectiveFactory(issuer=province.province, number="126-KH/TU", doc_type="ke_hoach")
    Receipt.objects.create(directive=letter, unit=province.krong_pac, confirmed_by=officer_kp)
    response = client_for(staff).get(url("detail", letter.pk))
    assert response.status_code == 200
    page = response.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page and "Số: 7019/UBND-TH" in page
    assert "Đơn vị xác nhận đã nhận" in page and "Chưa xác nhận" in page and str(officer_kp) in page
    assert url("detail", cited.pk) in page  # the cited plan is in the portal: linked
    assert "chưa có trên cổng" in page  # 35-CT/TU is not
    assert "0/2" in page  # key works: two districts owe, none filed


def test_detail_query_count_is_fixed(client_for, staff, province, letter, django_assert_max_num_queries):
    client = client_for(staff)
    client.get(url("detail", letter.pk))  # warm the session and the engine's kept answers
    # session, user, membership (scope), the directive, the data version, the receipts (the letter's
    # requirements, references and attachments, the recipients in order and the compliance counts
    # kept); base.html: unread notifications
    with django_assert_max_num_queries(7):
        assert client.get(url("detail", letter.pk)).status_code == 200
    for unit in (province.krong_pac, province.bmt, province.ea_kly, province.tan_loi):
        Receipt.objects.create(directive=letter, unit=unit, confirmed_by=staff)
    # After a write: the kept answers afresh (the letter's parts, the engine's map, the filings and
    # receipts it reads, the recipients and their order)
    with django_assert_max_num_queries(19):
        assert client.get(url("detail", letter.pk)).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(url("detail", letter.pk)).status_code == 200


def test_detail_receipts_and_unit_names_show_on_the_next_load(client_for, staff, officer_kp, province, letter):
    """The recipients in order are kept per data version: a receipt or a renamed unit shows at once."""
    client = client_for(staff)
    page = client.get(url("detail", letter.pk)).text
    assert "0/" in page and str(officer_kp) not in page
    Receipt.objects.create(directive=letter, unit=province.krong_pac, confirmed_by=officer_kp)
    page = client.get(url("detail", letter.pk)).text
    assert str(officer_kp) in page and "Đã nhận" in page
    province.krong_pac.name = "Huyện Krông Pắc (mới)"
    province.krong_pac.save(update_fields=["name"])
    assert "Huyện Krông Pắc (mới)" in client.get(url("detail", letter.pk)).text


def test_detail_kept_parts_show_a_change_on_the_next_load(client_for, staff, province, letter, settings, tmp_path):
    """The letter's requirements, references and attachments are kept per data version: each write shows."""
    settings.MEDIA_ROOT = tmp_path
    client = client_for(staff)
    page = client.get(url("detail", letter.pk)).text
    assert "chưa có trên cổng" in page and "Công văn 7019.pdf" not in page
    response = client.post(url("attachment_add", letter.pk), {"file": upload("Công văn 7019.pdf", PDF)}, follow=True)
    assert "Công văn 7019.pdf" in response.text  # the redirect's page: an attachment
    cited = DirectiveFactory(issuer=province.province, number="35-CT/TU", doc_type="chi_thi")
    assert url("detail", cited.pk) in client.get(url("detail", letter.pk)).text  # a directive
    reference = letter.references.exclude(number="35-CT/TU").first()
    reference.number = "99-KH/XYZ"
    reference.save(update_fields=["number"])
    assert "99-KH/XYZ" in client.get(url("detail", letter.pk)).text  # a reference
    requirement = letter.requirements.order_by("position").first()
    requirement.title = "Nhiệm vụ đã đổi tên"
    requirement.save(update_fields=["title"])
    assert "Nhiệm vụ đã đổi tên" in client.get(url("detail", letter.pk)).text  # a requirement


def test_detail_for_officer_offers_receipt(client_for, officer_kp, letter):
    response = client_for(officer_kp).get(url("detail", letter.pk))
    assert response.status_code == 200
    assert "Xác nhận đã nhận" in response.text and "Đơn vị xác nhận đã nhận" not in response.text


def test_detail_anonymous_and_wrong_method(client, client_for, staff, letter):
    # `client_for` logs in the same client: the anonymous checks come first.
    assert login_redirect(client.get(url("detail", letter.pk)))
    assert client_for(staff).post(url("detail", letter.pk)).status_code == 405
    assert client_for(staff).get(url("detail", 999999)).status_code == 404


def test_withdraw(client_for, staff, letter):
    client = client_for(staff)
    assert client.get(url("withdraw", letter.pk)).status_code == 200
    response = client.post(url("withdraw", letter.pk), {"reason": ""})
    assert response.status_code == 200 and "is-invalid" in response.text
    letter.refresh_from_db()
    assert letter.status == DirectiveStatus.PUBLISHED
    response = client.post(url("withdraw", letter.pk), {"reason": "Ban hành nhầm số"})
    assert response.status_code == 302
    page = client.get(url("detail", letter.pk)).text
    assert "Ban hành nhầm số" in page and "ĐÃ THU HỒI" in page


# --- inbox and receipts -----------------------------------------------------------------------------


def test_inbox_and_receipt_plain_post(client_for, officer_kp, letter):
    client = client_for(officer_kp)
    page = client.get(url("inbox"))
    assert page.status_code == 200 and "7019/UBND-TH" in page.text and "Xác nhận đã nhận" in page.text
    response = client.post(url("receipt_confirm", letter.pk), {"next": "inbox"})
    assert response.status_code == 302 and response["Location"] == url("inbox")
    assert client.post(url("receipt_confirm", letter.pk)).status_code == 302  # twice: still one receipt
    assert Receipt.objects.filter(directive=letter).count() == 1
    assert "Đã nhận" in client.get(url("inbox")).text


def test_receipt_htmx(client_for, officer_commune, letter):
    response = client_for(officer_commune).post(url("receipt_confirm", letter.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Đơn vị đã xác nhận nhận văn bản" in response.text
    assert Receipt.objects.get(directive=letter).confirmed_by == officer_commune


def test_receipt_refused_for_others(client, client_for, staff, leader, officer_kp, province, draft_letter):
    to_departments = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DEPARTMENT])
    assert login_redirect(client.post(url("receipt_confirm", to_departments.pk)))
    assert client_for(officer_kp).post(url("receipt_confirm", to_departments.pk)).status_code == 403
    assert client_for(officer_kp).post(url("receipt_confirm", draft_letter.pk)).status_code == 404
    assert client_for(officer_kp).get(url("receipt_confirm", to_departments.pk)).status_code == 405
    assert client_for(leader).post(url("receipt_confirm", to_departments.pk)).status_code == 403
    assert not Receipt.objects.exists()


def test_inbox_is_for_officers(client, client_for, staff, leader):
    assert login_redirect(client.get(url("inbox")))
    assert client_for(staff).get(url("inbox")).status_code == 403
    assert client_for(leader).get(url("inbox")).status_code == 403


def test_inbox_empty_state(client_for, officer_dept):
    assert "Chưa có văn bản nào gửi tới đơn vị" in client_for(officer_dept).get(url("inbox")).text


# --- attachments --------------------------------------------------------------------------------------


def upload(name, data):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_attachment_upload_and_download(client_for, staff, officer_kp, letter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(staff)
    response = client.post(url("attachment_add", letter.pk), {"file": upload("Công văn 7019.pdf", PDF)}, follow=True)
    assert "Đã đính kèm tệp" in response.text
    attachment = letter.attachments.get()
    download = client_for(officer_kp).get(url("attachment_download", letter.pk, attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    other = DirectiveFactory(issuer=letter.issuer)
    assert client_for(officer_kp).get(url("attachment_download", other.pk, attachment.pk)).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("congvan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 300, "không phải loại được chấp nhận"),
        ("../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n", "không phải loại được chấp nhận"),
        ("bien-ban.pdf.exe", PDF, "phần mở rộng không được phép"),
    ],
)
def test_attachment_abuse_shows_a_message(client_for, staff, letter, settings, tmp_path, name, data, message):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(staff).post(url("attachment_add", letter.pk), {"file": upload(name, data)}, follow=True)
    assert response.status_code == 200
    assert message in response.text
    assert not letter.attachments.exists()
    assert not any(tmp_path.rglob("passwd*"))


def test_path_traversal_name_never_leaves_the_private_folder(client_for, staff, letter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(staff).post(url("attachment_add", letter.pk), {"file": upload("../../etc/passwd.pdf", PDF)})
    attachment = letter.attachments.get()
    assert attachment.filename == "passwd.pdf"
    assert attachment.file.name.startswith("private/directives/") and ".." not in attachment.file.name


def test_oversized_attachment_shows_a_message(client_for, staff, letter, settings, tmp_path, monkeypatch):
    from directives import services

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 1024)
    response = client_for(staff).post(
        url("attachment_add", letter.pk), {"file": upload("lon.pdf", PDF + b"0" * 4096)}, follow=True
    )
    assert "quá lớn" in response.text and not letter.attachments.exists()


def test_attachment_of_a_draft_is_hidden_from_officers(client_for, staff, officer_kp, draft_letter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(staff).post(url("attachment_add", draft_letter.pk), {"file": upload("a.pdf", PDF)})
    attachment = draft_letter.attachments.get()
    assert client_for(officer_kp).get(url("attachment_download", draft_letter.pk, attachment.pk)).status_code == 404
    assert (
        client_for(officer_kp).post(url("attachment_add", draft_letter.pk), {"file": upload("a.pdf", PDF)}).status_code
        == 404
    )


# --- campaigns ------------------------------------------------------------------------------------------


def test_campaign_pages(client, client_for, staff, officer_kp, province):
    assert login_redirect(client.get(url("campaign_list")))
    staff_client = client_for(staff)
    response = staff_client.post(
        url("campaign_create"),
        {
            "name": "Phong trào 80 năm",
            "organiser": province.province.pk,
            "starts_on": "01/08/2019",
            "ends_on": "31/12/2020",
            "organising_level": "province",
            "scope": "province_wide",
            "method": "thematic",
        },  # fmt: skip
    )
    assert response.status_code == 302
    campaign_url = response["Location"]
    response = staff_client.post(
        campaign_url, {"name": "80 năm thành lập Đảng bộ tỉnh", "date": "23/11/2020", "anniversary_of": "23/11/1940"}
    )
    assert response.status_code == 302
    page = staff_client.get(campaign_url).text
    assert "23/11/2020" in page and "80 năm thành lập Đảng bộ tỉnh" in page
    assert "Phong trào 80 năm" in staff_client.get(url("campaign_list")).text

    milestone = Milestone.objects.get(name="80 năm thành lập Đảng bộ tỉnh")
    delete_url = url("milestone_delete", milestone.campaign_id, milestone.pk)
    officer = client_for(officer_kp)
    assert officer.post(delete_url).status_code == 403
    assert officer.get(campaign_url).status_code == 200
    assert officer.post(campaign_url, {"name": "x", "date": "01/01/2020"}).status_code == 403
    assert officer.get(url("campaign_create")).status_code == 403
    staff_client = client_for(staff)
    assert staff_client.get(delete_url).status_code == 405
    assert staff_client.post(delete_url).status_code == 302
    assert not Milestone.objects.exists()


def test_campaign_list_empty_state(client_for, officer_kp):
    assert "Chưa có phong trào thi đua nào" in client_for(officer_kp).get(url("campaign_list")).text


def test_seeded_letter_page_has_kinds(client_for, staff, letter):
    page = client_for(staff).get(url("detail", letter.pk)).text
    for kind in (RequirementKind.KEY_WORKS, RequirementKind.BREAKTHROUGH_THEME, RequirementKind.DIFFICULT_FIELD):
        assert str(kind.label) in page


def test_import_from_pdf_upload(client_for, staff):
    """A PDF with a text layer (rendered here by WeasyPrint) is read with pypdf."""
    import html

    import weasyprint

    body = "".join(f"<p>{html.escape(line)}</p>" for line in LETTER_7019.replace("**", "").splitlines())
    pdf = weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    response = client_for(staff).post(url("import"), {"file": upload("7019.pdf", pdf)}, follow=True)
    assert response.status_code == 200
    assert 'value="7019/UBND-TH"' in response.text and response.text.count('class="requirement-row') == 5


def test_import_from_docx_with_a_header_table(client_for, staff):
    """Letters often put the two header columns in a table: its cells come first, in order."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    table.cell(1, 0).text = "Số: 7019/UBND-TH\nV/v triển khai thực hiện Kế hoạch số 126-KH/TU"
    table.cell(1, 1).text = "Đắk Lắk, ngày 27 tháng 8 năm 2019"
    body = LETTER_7019[LETTER_7019.index("Kính gửi:") :]
    for line in body.splitlines():
        document.add_paragraph(line)
    data = io.BytesIO()
    document.save(data)
    response = client_for(staff).post(url("import"), {"file": upload("7019.docx", data.getvalue())}, follow=True)
    assert 'value="7019/UBND-TH"' in response.text and 'value="27/08/2019"' in response.text
    assert response.text.count('class="requirement-row') == 5


# --- found in the browser (QA) -------------------------------------------------------------------------


def test_import_of_a_number_already_published_warns_before_publishing(client_for, staff, province, letter):
    page = client_for(staff).post(url("import"), {"text": LETTER_7019}, follow=True).text
    assert "Số 7019/UBND-TH năm 2019 của" in page and "đã có trên cổng" in page
    assert "không ban hành hai văn bản trùng số" in page


def test_preview_of_a_draft_with_a_taken_number_says_so(client_for, staff, province, letter):
    draft = make_letter(staff, province, publish=False)
    page = client_for(staff).get(url("preview", draft.pk)).text
    assert "đã có trên cổng" in page and url("detail", letter.pk) in page and url("edit", draft.pk) in page
    other = make_letter(staff, province, publish=False, number="7020/UBND-TH")
    assert "đã có trên cổng" not in client_for(staff).get(url("preview", other.pk)).text


def test_form_errors_are_listed_on_top_of_the_long_form(client_for, staff, province):
    data = form_post(
        {"doc_type": "cong_van", "number": "7021/UBND-TH", "subject": "Thử", "issuer": province.province.pk},
        req_rows=[
            {"position": "1", "ordinal": "1", "kind": "report", "text": "Báo cáo"},
            {"position": "2", "ordinal": "3", "kind": "key_works", "text": "Công trình", "deadline": "31/02/2019"},
        ],
    )
    response = client_for(staff).post(url("create"), data)
    assert response.status_code == 200 and 'id="error-summary"' in response.text
    assert "Dòng 2 · Thời hạn" in response.text
    assert not Directive.objects.exists()
    # The plain-POST "add a row" is not an error.
    response = client_for(staff).post(url("create"), {**data, "add_row": "1"})
    assert 'id="error-summary"' not in response.text


def test_failed_edit_keeps_the_saved_number_in_the_title(client_for, staff, province, draft_letter):
    data = form_post(
        {"doc_type": "cong_van", "number": "9999/UBND-TH", "issued_on": "31/02/2019", "subject": "Thử",
         "issuer": province.province.pk},
    )  # fmt: skip
    response = client_for(staff).post(url("edit", draft_letter.pk), data)
    assert response.status_code == 200
    assert '<h1 class="h3">Sửa Công văn 7019/UBND-TH</h1>' in response.text
    assert 'value="9999/UBND-TH"' in response.text  # what was typed stays in the field


def test_withdraw_page_of_a_withdrawn_directive_goes_back_to_it(client_for, staff, letter, draft_letter):
    client = client_for(staff)
    assert client.post(url("withdraw", letter.pk), {"reason": "Ban hành nhầm"}).status_code == 302
    # The back button, then submitting again: no second withdrawal, no form for nothing.
    for response in (client.get(url("withdraw", letter.pk)), client.post(url("withdraw", letter.pk), {"reason": "x"})):
        assert response.status_code == 302 and response["Location"] == url("detail", letter.pk)
    letter.refresh_from_db()
    assert letter.withdrawn_reason == "Ban hành nhầm"
    assert "đã được thu hồi" in client.get(url("detail", letter.pk)).text
    response = client.get(url("withdraw", draft_letter.pk), follow=True)
    assert "Chỉ thu hồi được văn bản đã ban hành." in response.text


def test_inbox_receipt_htmx_is_a_line_in_the_table(client_for, officer_kp, letter):
    response = client_for(officer_kp).post(url("receipt_confirm", letter.pk), {"next": "inbox"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Đã nhận" in response.text and "alert" not in response.text


def test_inbox_subject_starts_with_a_capital(client_for, officer_kp, letter):
    assert "Triển khai thực hiện" in client_for(officer_kp).get(url("inbox")).text


def test_receipt_list_by_level_then_name(staff, officer_commune, province, letter):
    from directives import selectors

    Receipt.objects.create(directive=letter, unit=province.ea_kly, confirmed_by=officer_commune)
    rows = selectors.directive_receipt_rows(directive=letter)
    kinds = [row["unit"].kind for row in rows]
    ranks = [selectors.RECEIPT_KIND_ORDER.index(kind) for kind in kinds]
    assert ranks == sorted(ranks)
    districts = [row["unit"] for row in rows if row["unit"].kind == "district"]
    names = [u.short_name or u.name for u in districts]
    assert names == sorted(names, key=lambda n: n.lower())
    assert next(row for row in rows if row["unit"] == province.ea_kly)["receipt"].confirmed_by == officer_commune
    communes = [row["unit"] for row in rows if row["unit"].kind == "commune"]
    parents = [u.parent.short_name or u.parent.name for u in communes]
    assert parents == sorted(parents, key=lambda n: n.lower())  # grouped under their district


def test_inbox_lists_what_awaits_confirmation_first(client_for, staff, officer_kp, province, letter):
    from directives import selectors, services

    later = make_letter(staff, province, number="7020/UBND-TH", issued_on=datetime.date(2019, 9, 5))
    services.directive_withdraw(user=staff, directive=later, reason="Nhầm")
    # The newer letter is withdrawn and needs no confirmation: the one still awaiting comes first.
    assert [d.number for d in selectors.directive_inbox_for(user=officer_kp)] == ["7019/UBND-TH", "7020/UBND-TH"]
    Receipt.objects.create(directive=letter, unit=province.krong_pac, confirmed_by=officer_kp)
    assert [d.number for d in selectors.directive_inbox_for(user=officer_kp)] == ["7020/UBND-TH", "7019/UBND-TH"]


def test_inbox_query_count_is_fixed_and_a_new_letter_shows_at_once(
    client_for, staff, officer_kp, province, letter, django_assert_max_num_queries
):
    client = client_for(officer_kp)
    client.get(url("inbox"))  # warm the session and the engine's kept map of recipients
    # session, user, membership (scope), the data version (the letters on the portal, their
    # requirements and the map of who receives them kept), the page (issuer, campaign, receipt state), this unit's
    # receipts (no COUNT: the first page holds them all); base.html: unread notifications and the
    # menu's checks (key works, sub-units, and whether the unit owes key works: requirements and the
    # data version)
    with django_assert_max_num_queries(11):
        assert "7019/UBND-TH" in client.get(url("inbox")).text
    make_letter(staff, province, number="7020/UBND-TH", issued_on=datetime.date(2019, 9, 5))
    assert "7020/UBND-TH" in client.get(url("inbox")).text  # the map afresh after the publication
    with django_assert_max_num_queries(11):
        assert "7020/UBND-TH" in client.get(url("inbox")).text


def test_milestone_added_twice_is_refused_with_a_message(client_for, staff, province):
    campaign = CampaignFactory(organiser=province.province)
    client = client_for(staff)
    data = {"name": "80 năm thành lập Đảng bộ tỉnh", "date": "23/11/2020"}
    assert client.post(url("campaign_detail", campaign.pk), data).status_code == 302
    response = client.post(url("campaign_detail", campaign.pk), {**data, "name": "80 NĂM THÀNH LẬP ĐẢNG BỘ TỈNH "})
    assert response.status_code == 200 and "Phong trào đã có mốc" in response.text
    assert Milestone.objects.filter(campaign=campaign).count() == 1


def test_list_ignores_ids_too_large_for_the_database(client_for, staff, letter):
    response = client_for(staff).get(url("list"), {"campaign": "9" * 30, "issuer": "9" * 30, "year": "9" * 30})
    assert response.status_code == 200 and "7019/UBND-TH" in response.text


def test_saving_from_the_browser_records_only_what_changed(client_for, staff, letter):
    """A textarea posts CRLF line ends and ticked boxes come back in the form's order: neither is a change."""
    reqs = list(letter.requirements.order_by("position"))
    rows = [
        {"id": r.pk, "position": r.position, "ordinal": r.ordinal, "kind": r.kind, "text": r.text.replace("\n", "\r\n"),
         "applies_to": list(reversed(r.applies_to)), "deadline": r.deadline.strftime("%d/%m/%Y") if r.deadline else "",
         "quota_min": r.quota_min if r.quota_min is not None else "",
         "quota_max": r.quota_max if r.quota_max is not None else ""}
        for r in reqs
    ]  # fmt: skip
    data = form_post(
        {
            "doc_type": letter.doc_type, "number": letter.number, "issued_on": "27/08/2019",
            "issuer": letter.issuer_id, "issuer_name": letter.issuer_name, "place": letter.place,
            "subject": letter.subject, "addressee_kinds": list(reversed(letter.addressee_kinds)),
            "addressee_text": letter.addressee_text.replace("\n", "\r\n"), "body": letter.body.replace("\n", "\r\n"),
            "signer_title": "KT. CHỦ TỊCH\r\nPHÓ CHỦ TỊCH", "signer_name": "Phạm Ngọc Nghị", "note": "Tên người ký",
        },
        req_rows=rows,
        ref_rows=[{"doc_type": r.doc_type, "number": r.number,
                   "issued_on": r.issued_on.strftime("%d/%m/%Y") if r.issued_on else ""}
                  for r in letter.references.all()],
    )  # fmt: skip
    data["req-INITIAL_FORMS"] = str(len(rows))
    letter.signer_title = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    letter.save()
    client = client_for(staff)
    assert client.post(url("edit", letter.pk), data).status_code == 302
    (revision,) = selectors.directive_revisions(directive=letter)
    assert set(revision.changes) == {"signer_name"}, revision.changes
    letter.refresh_from_db()
    assert "\r" not in letter.body
    # Unit kinds read as words in the history.
    data["addressee_kinds"] = ["department"]
    assert client.post(url("edit", letter.pk), data).status_code == 302
    history = client.get(url("revisions", letter.pk)).text
    assert "Sở, ban, ngành" in history and "[&#x27;department" not in history


_OLD_REQUIREMENT_LOOP = """{% load i18n portal directive_tags %}{% for req, compliance in requirement_rows %}
    <tr>
      <td data-label="{% translate 'Mục' %}">{{ req.ordinal }}</td>
      <td data-label="{% translate 'Yêu cầu' %}"><strong>{{ req.label }}</strong><div class="small text-muted">{{ req.text|cut:260 }}</div></td>
      <td data-label="{% translate 'Áp dụng cho' %}" class="small">{{ req.applies_to|unit_kind_labels|default:"—" }}{% for u in req.target_units.all %}{% if forloop.first %}<br>{% translate "Chỉ:" %} {% endif %}{{ u.display_name }}{% if not forloop.last %}, {% endif %}{% endfor %}</td>
      <td data-label="{% translate 'Số lượng' %}" class="text-nowrap">{{ req.quota_text|default:"—" }}</td>
      <td data-label="{% translate 'Thời hạn' %}" class="text-nowrap">{{ req.deadline|vdate|default:"—" }}</td>
      {% if receipt_rows is not None %}<td data-label="{% translate 'Đã nộp' %}" class="text-nowrap">{% if compliance %}{{ compliance.filed }}/{{ compliance.owed }}{% else %}—{% endif %}</td>{% endif %}
    </tr>
    {% endfor %}"""  # the directive page's requirement rows as its template drew them in a loop


@pytest.mark.parametrize("with_compliance", [True, False])
def test_requirement_rows_drawn_in_the_view_as_the_template_loop_drew_them(province, letter, with_compliance):
    from django.template import Context, Template

    from directives.views import _requirement_rows_html

    RequirementFactory(
        directive=letter,
        applies_to=[],
        target_units=[province.ea_kly, province.krong_pac],
        text="A <b> & " + "x " * 200,
    )
    RequirementFactory(
        directive=letter, applies_to=[UnitKind.COMMUNE, UnitKind.DISTRICT], quota_min=None, quota_max=None
    )
    requirements = list(letter.requirements.prefetch_related("target_units").order_by("position"))
    rows = [(req, {"filed": i, "owed": 2} if i % 2 else None) for i, req in enumerate(requirements)]
    context = {"requirement_rows": rows, "receipt_rows": [] if with_compliance else None}
    drawn = str(_requirement_rows_html(rows, with_compliance=with_compliance))
    assert drawn == Template(_OLD_REQUIREMENT_LOOP).render(Context(context))
    assert "A &lt;b&gt; &amp;" in drawn and "<br>Chỉ:" in drawn


def test_the_receipt_table_escapes_names_and_shows_a_dash_when_nobody_is_known(client_for, staff, province, letter):
    from campaign_portal.core.tests.factories import UserFactory

    sneaky = UserFactory(username="sneaky", full_name="<b>Nguyễn</b> & Co")
    Receipt.objects.create(directive=letter, unit=province.krong_pac, confirmed_by=sneaky)
    Receipt.objects.create(directive=letter, unit=province.ea_kly, confirmed_by=None)
    response = client_for(staff).get(url("detail", letter.pk))  # a receipt whose confirmer is gone draws too
    assert response.status_code == 200
    assert "&lt;b&gt;Nguyễn&lt;/b&gt; &amp; Co" in response.text and "<b>Nguyễn</b>" not in response.text
