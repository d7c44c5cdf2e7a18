"""Importing a letter keeps the user's work on the server: the draft is saved at import, the editor is paged."""

import pytest
from django.conf import settings
from django.urls import reverse

from directives.models import Directive, DirectiveImport, DirectiveStatus
from directives.views import requirement_page_size

from .formdata import as_post, form_pairs


def url(name, *args):
    return reverse(f"directives:{name}", args=args)


def big_letter(count: int) -> str:
    """A plan dated today, to today's units, with `count` numbered asks in sections of 50 (I. 1–50, II. 1–50 …)."""
    romans = [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
        "XII",
        "XIII",
        "XIV",
        "XV",
        "XVI",
        "XVII",
        "XVIII",
        "XIX",
        "XX",
    ]
    lines = []
    for n in range(count):
        if n % 50 == 0:
            lines.append(f"{romans[n // 50]}. NHIỆM VỤ NHÓM {n // 50 + 1}")
        lines.append(
            f"{n % 50 + 1}. Báo cáo kết quả thực hiện nhiệm vụ thứ {n + 1} về chuyển đổi số trước ngày 15/12/2026."
        )
    items = "\n".join(lines)
    return f"""ỦY BAN NHÂN DÂN
TỈNH ĐẮK LẮK
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 2451/KH-UBND
Đắk Lắk, ngày 01 tháng 12 năm 2026
KẾ HOẠCH
Triển khai chuyển đổi số tại các xã, phường năm 2026
Kính gửi:
- Các sở, ban, ngành;
- UBND các xã, phường.
Để triển khai chuyển đổi số, UBND tỉnh yêu cầu các đơn vị thực hiện các nội dung sau:
{items}
Nơi nhận:
- Như trên;
- Lưu: VT.
"""


@pytest.mark.slow
def test_a_500_requirement_import_is_saved_without_loss_then_corrected_and_published(
    client_for, staff, province, django_assert_max_num_queries
):
    client = client_for(staff)
    response = client.post(url("import"), {"text": big_letter(500)})
    directive = Directive.objects.get()
    assert response.status_code == 302 and response["Location"] == url("edit", directive.pk)
    assert directive.status == DirectiveStatus.DRAFT and directive.requirements.count() == 500
    assert directive.number == "2451/KH-UBND"

    # Page 3 of the editor, exactly as a browser would post it, stays far under Django's field limit.
    # Session and user, the directive, its requirements (+ target units), references, attachments, cited
    # directives, the import record (+ pages), the issuer/unit/campaign choices, the menu: not one per row.
    with django_assert_max_num_queries(30):
        page = client.get(url("edit", directive.pk) + "?trang=3").text
    size = requirement_page_size()
    assert page.count('class="requirement-row') == size
    assert f"Yêu cầu {2 * size + 1}–{3 * size}" in page
    pairs = form_pairs(page, url("edit", directive.pk))
    assert len(pairs) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS / 2
    data = as_post(pairs)
    assert data["req_page"] == "3"
    data["req-0-title"] = "Báo cáo chuyển đổi số (đã sửa)"
    data["req-1-DELETE"] = "on"
    data["signer_name"] = "Nguyễn Văn Thành"
    data["goto_page"] = "4"
    response = client.post(url("edit", directive.pk), data)
    assert response.status_code == 302 and response["Location"].endswith("?trang=4#req-title")

    directive.refresh_from_db()
    requirements = list(directive.requirements.order_by("position", "id"))
    assert len(requirements) == 499  # one deleted on page 3, every other row untouched
    assert requirements[2 * size].title == "Báo cáo chuyển đổi số (đã sửa)"
    assert directive.signer_name == "Nguyễn Văn Thành"
    assert "nhiệm vụ thứ 500 " in requirements[-1].text and requirements[-1].ordinal == "X.50"

    # The last page, saved with the main button, goes to the preview; then it is published.
    last = client.get(url("edit", directive.pk) + "?trang=999").text
    response = client.post(url("edit", directive.pk), as_post(form_pairs(last, url("edit", directive.pk))))
    assert response.status_code == 302 and response["Location"] == url("preview", directive.pk)
    response = client.post(url("publish", directive.pk))
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.PUBLISHED and directive.requirements.count() == 499


def test_an_import_above_the_ceiling_is_refused_clearly_and_keeps_the_text(client_for, staff, province):
    text = big_letter(1000)
    response = client_for(staff).post(url("import"), {"text": text})
    assert response.status_code == 200
    assert "Văn bản có 1.000 yêu cầu, vượt giới hạn 999 yêu cầu" in response.text
    assert "2451/KH-UBND" in response.text  # the pasted text is still in its box
    assert not Directive.objects.exists() and not DirectiveImport.objects.exists()


def test_each_field_shows_the_line_it_came_from_and_unread_fields_are_marked(client_for, staff, province):
    client = client_for(staff)
    page = client.post(url("import"), {"text": big_letter(3)}, follow=True).text
    assert "Đọc từ dòng:" in page
    assert "<q>Số: 2451/KH-UBND</q>" in page
    assert "<q>Triển khai chuyển đổi số tại các xã, phường năm 2026</q>" in page
    assert "<q>1. Báo cáo kết quả thực hiện nhiệm vụ thứ 1 " in page
    # No signer in this letter: the field says so, and no grey example sits in it looking like a value.
    assert page.count("Cổng không đọc được trường này từ văn bản: hãy nhập.") >= 2
    assert 'placeholder="KT. CHỦ TỊCH' not in page
    # The letter's text beside the form, with the source lines that fields point at.
    assert 'id="src-line-4"' in page and 'href="#src-line-4"' in page


def test_the_requirements_are_one_table_with_each_rows_source_line(client_for, staff, province):
    page = client_for(staff).post(url("import"), {"text": big_letter(3)}, follow=True).text
    table = page[
        page.index('class="table table-sm table-stack align-top requirement-table') : page.index('id="req-rows"')
    ]
    # One header names the columns; each requirement is a group of rows in it, not a card of its own.
    assert table.count("<thead") == 1 and table.count('<tbody class="requirement-row') == 3
    assert "card requirement-row" not in page
    # The fields under the header carry no second visible label (order, item, kind, deadline, quota ×2).
    assert table.count('<div class="label-hidden">') == 6 * 3
    # Each requirement shows the line of the letter it was read from; nothing in it is a blank extra row.
    assert table.count('class="form-text source-line') == 3
    assert 'name="req-TOTAL_FORMS" value="3"' in page
    # The rarer settings are folded away while they hold their defaults.
    assert table.count('<details class="req-more">') == 3


def test_a_requirement_the_reader_cannot_place_is_marked(client_for, staff, province):
    client = client_for(staff)
    client.post(url("import"), {"text": big_letter(2)})
    record = DirectiveImport.objects.get()
    record.sources = {k: v for k, v in record.sources.items() if not k.startswith("req:")}
    record.save(update_fields=["sources"])
    page = client.get(url("edit", record.directive_id)).text
    assert page.count("Cổng không tìm thấy dòng này trong văn bản: kiểm tra nội dung.") == 2


def test_titles_are_cut_at_a_word_under_80_characters():
    from directives.importing import short_title

    text = (
        "Tổ chức tuyên truyền sâu rộng trong cán bộ, công chức, viên chức và nhân dân về ý nghĩa lịch sử của "
        "các ngày kỷ niệm"
    )
    title = short_title(text)
    assert len(title) <= 80 and title.endswith("…")
    assert text.startswith(title[:-1]) and text[len(title) - 1] in " ,"
    assert short_title("Ngắn gọn.") == "Ngắn gọn."


def test_a_reference_table_has_no_blank_extra_row_and_no_repeated_labels(client_for, staff, province):
    from .conftest import LETTER_7019

    page = client_for(staff).post(url("import"), {"text": LETTER_7019}, follow=True).text
    assert 'name="ref-TOTAL_FORMS" value="2"' in page  # the two references the letter cites, no blank third row
    table = page[page.index('id="ref-title"') : page.index('id="body-title"')]
    rows = table.count("<tr>") - 1  # the header row names the columns once
    assert rows == 2 and table.count('<div class="label-hidden">') == 3 * rows


def test_the_reading_notes_are_translated(client_for, staff, province):
    from django.conf import settings as django_settings

    client = client_for(staff)
    client.post(url("import"), {"text": big_letter(3)})
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url("edit", Directive.objects.get().pk)).text
    assert "Read from the line:" in page and "Đọc từ dòng:" not in page
    assert "The portal could not read this field from the letter: please fill it in." in page
