"""The requirement form proposes what the parser read (recurrence, relative deadline, lead unit, signer)
and lets staff correct it, with a message beside each bad field."""

import re

import pytest
from django.urls import reverse

from campaign_portal.core.models import UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from directives.models import Directive, Requirement

from .test_views import form_post

TODAY_LETTER = """ỦY BAN NHÂN DÂN
TỈNH ĐẮK LẮK

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 9215/UBND-NC
V/v triển khai phong trào thi đua năm 2027

Đắk Lắk, ngày 01 tháng 12 năm 2026

Kính gửi:
- Các sở, ban, ngành;
- UBND các xã, phường.

UBND tỉnh yêu cầu các cơ quan, đơn vị thực hiện các nội dung sau:

1. UBND các xã, phường tổ chức phát động phong trào; định kỳ hằng tháng báo cáo kết quả về Sở Nội vụ trước ngày 20 hằng tháng.

2. Trong thời hạn 15 ngày làm việc kể từ ngày nhận được văn bản này, các sở, ban, ngành gửi kế hoạch về Sở Nội vụ.

3. Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ và Sở Y tế tham mưu bố trí kinh phí khen thưởng.

Giao Sở Nội vụ theo dõi, đôn đốc, tổng hợp, báo cáo UBND tỉnh kết quả thực hiện.

Nơi nhận:                                  KT. CHỦ TỊCH
- Như trên;                                PHÓ CHỦ TỊCH
- Lưu: VT, NC.
                                           Trần Văn Bình
"""


def _row(page: str, index: int) -> str:
    rows = page.split('class="requirement-row')
    return rows[index + 1]


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="req-\d+-{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_import_proposes_recurrence_relative_deadline_lead_units_and_signer(client_for, staff, province):
    response = client_for(staff).post(reverse("directives:import"), {"text": TODAY_LETTER}, follow=True)
    assert response.status_code == 200 and response.redirect_chain  # the draft is saved first, then edited
    page = response.text
    assert 'value="Trần Văn Bình"' in page and "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH</textarea>" in page
    assert page.count('class="requirement-row') == 4
    monthly, relative, lead, follow_up = (_row(page, i) for i in range(4))
    assert _selected(monthly, "recurrence") == ["monthly"] and 'name="req-0-due_days" value="20"' in monthly
    assert _selected(monthly, "lead_unit") == [""]  # every commune owes it
    assert 'name="req-1-relative_days" value="15"' in relative
    assert _selected(relative, "relative_from") == ["receipt"]
    assert (
        'name="req-1-relative_working_days" class="checkboxinput form-check-input" id="id_req-1-relative_working_days" checked'
        in relative
    )
    assert _selected(lead, "lead_unit") == [str(province.dept_finance.pk)]
    assert _selected(lead, "cooperating_units") == [str(province.dept_home_affairs.pk)]
    assert "Mục 3: không tìm thấy đơn vị “Sở Y tế” trong danh mục" in page  # not in the test tree
    assert _selected(follow_up, "lead_unit") == [str(province.dept_home_affairs.pk)]
    assert 'name="req-3-ordinal" value="Theo dõi"' in follow_up


def test_names_fold_accents_and_ubnd_variants(province):
    from directives.importing import UnitMatcher

    ward = UnitFactory(code="DLK-TT", name="Phường Tân Thành", kind=UnitKind.COMMUNE, parent=province.province)
    office = UnitFactory(code="DLK-VP", name="Văn phòng UBND tỉnh", kind=UnitKind.DEPARTMENT, parent=province.province)
    matcher = UnitMatcher()
    assert matcher.match("Văn phòng Ủy ban nhân dân tỉnh") == office
    assert matcher.match("VĂN PHÒNG UBND TỈNH") == office
    assert matcher.match("phuong tan thanh") == ward
    assert matcher.match("Sở Tài chính tỉnh") == province.dept_finance
    assert matcher.match("Huyện Krông Pắc") is None  # no district level since 01/07/2025
    assert matcher.match("Sở Y tế") is None


BASE = {"doc_type": "cong_van", "subject": "Kiểm tra", "body": "Nội dung"}
ROW = {"position": "1", "ordinal": "1", "kind": "report", "text": "Báo cáo", "recurrence": "none"}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"due_days": "32"}, "due_days", "“32” không phải ngày hợp lệ"),
        ({"recurrence": "monthly", "due_days": "15/6"}, "due_days", "Yêu cầu hằng tháng chỉ ghi ngày trong tháng"),
        ({"due_days": "20"}, "recurrence", "Đã ghi hạn trong kỳ: chọn định kỳ"),
        ({"recurrence": "monthly", "deadline": "15/12/2026"}, "deadline", "Yêu cầu định kỳ có hạn theo từng kỳ"),
        ({"relative_days": "15"}, "relative_from", "Chọn thời hạn tính từ ngày ký"),
        ({"relative_from": "receipt"}, "relative_days", "Ghi số ngày của thời hạn"),
        (
            {"relative_days": "15", "relative_from": "receipt", "deadline": "15/12/2026"},
            "deadline",
            "Đã có thời hạn tính theo số ngày",
        ),
        (
            {"relative_days": "15", "relative_from": "receipt", "recurrence": "quarterly"},
            "relative_days",
            "Yêu cầu định kỳ không có thời hạn tính theo số ngày",
        ),
    ],
)
def test_bad_schedule_input_gets_a_message_beside_its_field_and_keeps_what_was_typed(
    client_for, staff, province, fields, field, message
):
    data = form_post({**BASE, "issuer": province.province.pk}, req_rows=[{**ROW, **fields}])
    response = client_for(staff).post(reverse("directives:create"), data)
    assert response.status_code == 200
    assert not Directive.objects.exists()
    page = response.text
    feedback = re.search(rf'id="error_1_id_req-0-{field}"[^>]*>\s*<strong>(.*?)</strong>', page, re.S)
    assert feedback and message in feedback.group(1)
    for value in fields.values():
        assert value in page


def test_lead_unit_cannot_also_cooperate(client_for, staff, province):
    pk = province.dept_finance.pk
    data = form_post(
        {**BASE, "issuer": province.province.pk}, req_rows=[{**ROW, "lead_unit": pk, "cooperating_units": pk}]
    )
    response = client_for(staff).post(reverse("directives:create"), data)
    assert "Đơn vị chủ trì không đồng thời là đơn vị phối hợp." in response.text


def test_staff_confirm_and_correct_then_the_edit_page_shows_the_saved_values(client_for, staff, province):
    client = client_for(staff)
    rows = [
        {**ROW, "recurrence": "half_yearly", "due_days": "15/6; 15/12"},
        {**ROW, "ordinal": "2", "position": "2", "relative_days": "10", "relative_from": "signature",
         "relative_working_days": "on", "lead_unit": province.dept_finance.pk,
         "cooperating_units": [province.dept_home_affairs.pk]},
    ]  # fmt: skip
    data = form_post({**BASE, "issuer": province.province.pk}, req_rows=rows)
    response = client.post(reverse("directives:create"), data)
    assert response.status_code == 302, response.text[:3000]
    first, second = Requirement.objects.order_by("position")
    assert (first.recurrence, first.due_days) == ("half_yearly", "15/6; 15/12")
    assert (second.relative_days, second.relative_from, second.relative_working_days) == (10, "signature", True)
    assert second.lead_unit == province.dept_finance
    assert list(second.cooperating_units.all()) == [province.dept_home_affairs]
    page = client.get(reverse("directives:edit", args=[first.directive_id])).text
    assert _selected(_row(page, 0), "recurrence") == ["half_yearly"]
    assert _selected(_row(page, 1), "lead_unit") == [str(province.dept_finance.pk)]
    preview = client.get(reverse("directives:preview", args=[first.directive_id])).text
    assert "6 tháng một lần, hạn 15/6; 15/12" in preview
    assert "10 ngày làm việc kể từ ngày ký văn bản" in preview
    assert "Chủ trì: Sở Tài chính" in preview and "Phối hợp: Sở Nội vụ" in preview


def test_edit_page_query_count_does_not_grow_with_rows(client_for, staff, province, django_assert_max_num_queries):
    from .factories import DirectiveFactory, RequirementFactory

    directive = DirectiveFactory(issuer=province.province, status="draft")
    for index in range(12):
        RequirementFactory(directive=directive, ordinal=str(index), lead_unit=province.dept_finance)
    client = client_for(staff)
    # session + user + membership, directive, requirements + prefetches, references, attachments,
    # the unit list shared by every row, issuer/addressee/campaign choices: about 20, never one per row.
    with django_assert_max_num_queries(25):
        assert client.get(reverse("directives:edit", args=[directive.pk])).status_code == 200
