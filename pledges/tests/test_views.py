"""Every view: success, anonymous, wrong method, foreign unit, read-only role."""

import io

import pytest
from django.urls import reverse

from campaign_portal.core.models import AuditEntry
from pledges import services
from pledges.models import Attachment, Commitment, Dissemination, EmulationPlan, Target, TargetProgress
from pledges.tests.factories import (
    CommitmentFactory,
    DisseminationFactory,
    EmulationPlanFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _plan_data(**overrides):
    data = {
        "title": "Kế hoạch phát động thi đua năm 2020",
        "document_number": "125/KH-UBND",
        "document_date": "05/09/2019",
        "content": "Nội dung",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "0",
        "targets-0-name": "Tỷ lệ hộ dùng nước sạch",
        "targets-0-unit_of_measure": "%",
        "targets-0-baseline": "85",
        "targets-0-target_value": "95,5",
        "targets-0-due_date": "31/12/2020",
        "targets-1-name": "Km đường giao thông nông thôn",
        "targets-1-unit_of_measure": "km",
        "targets-1-target_value": "1.200",
        "targets-2-name": "",
        "targets-2-target_value": "",
    }
    data.update(overrides)
    return data


THEME_DATA = {"field": "economy", "title": "Chuyển đổi số", "description": "", "expected_result": "100% hồ sơ"}


def _login_url(url):
    return f"{reverse('login')}?next={url}"


# --- The owed page ------------------------------------------------------------------------------


def test_owed_page_for_officer(letter, officer_kp, client_for):
    response = client_for(officer_kp).get(reverse("pledges:owed"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "7019/UBND-TH" in body and "Huyện Krông Pắc" in body
    assert reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.plan.pk}) in body
    assert reverse("projects:create", kwargs={"requirement_pk": letter.key_works.pk}) in body  # key works too
    assert reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk}) not in body


def test_owed_page_shows_missing_below_minimum(letter, province, officer_commune, client_for):
    CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="withdrawn")
    DisseminationFactory(unit=province.ea_kly, requirement=letter.dissemination, status="accepted")
    body = client_for(officer_commune).get(reverse("pledges:owed")).content.decode()
    assert "Quá hạn" in body and "Đã chấp nhận" in body
    assert "còn thiếu 1" in body  # no theme yet (the withdrawn one does not count), minimum 01; a count, not padded


def test_owed_page_anonymous_and_wrong_method(letter, client, officer_kp, client_for):
    url = reverse("pledges:owed")
    assert client.get(url).url == _login_url(url)
    assert client_for(officer_kp).post(url).status_code == 405


def test_owed_page_foreign_unit_and_reader(letter, province, officer_kp, leader, client_for):
    url = reverse("pledges:owed")
    assert client_for(officer_kp).get(url, {"unit": province.bmt.pk}).status_code == 404
    assert client_for(officer_kp).get(url, {"unit": province.ea_kly.pk}).status_code == 200  # its commune
    response = client_for(leader).get(url, {"unit": province.krong_pac.pk})
    assert response.status_code == 200
    assert "Nộp hồ sơ" not in response.content.decode()  # a leader reads, never files


# --- Create, edit, detail -----------------------------------------------------------------------


def test_plan_create_with_targets(letter, officer_kp, client_for):
    client = client_for(officer_kp)
    url = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.plan.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _plan_data())
    plan = EmulationPlan.objects.get()
    assert response.url == reverse("pledges:emulation_plan_detail", kwargs={"pk": plan.pk})
    assert [(t.name, str(t.target_value)) for t in plan.targets.all()] == [
        ("Tỷ lệ hộ dùng nước sạch", "95.50"),
        ("Km đường giao thông nông thôn", "1200.00"),
    ]
    detail = client.get(response.url).content.decode()
    assert "95,5" in detail and "Gửi duyệt" in detail


def test_plan_create_bad_input_keeps_text(letter, officer_kp, client_for):
    url = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.plan.pk})
    response = client_for(officer_kp).post(url, _plan_data(**{"targets-0-target_value": "chín mươi"}))
    assert response.status_code == 200
    assert "Tỷ lệ hộ dùng nước sạch" in response.content.decode()
    assert "Nhập một số" in response.content.decode()
    assert not EmulationPlan.objects.exists()


def test_add_target_row_plain_post_fallback(letter, officer_kp, client_for):
    url = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.plan.pk})
    response = client_for(officer_kp).post(url, _plan_data(add_target="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="targets-3-name"' in body and 'value="4"' in body
    assert "Tỷ lệ hộ dùng nước sạch" in body and "is-invalid" not in body
    assert not EmulationPlan.objects.exists()


def test_add_target_row_htmx(officer_kp, client_for, client, leader):
    url = reverse("pledges:target_row")
    response = client_for(officer_kp).post(url, {"targets-TOTAL_FORMS": "3"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'name="targets-3-name"' in body
    assert 'hx-swap-oob="true"' in body and 'value="4"' in body
    assert client_for(officer_kp).get(url).status_code == 405
    assert client_for(leader).post(url, {"targets-TOTAL_FORMS": "1"}).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302


def test_third_theme_refused_in_form(letter, province, officer_commune, client_for):
    CommitmentFactory.create_batch(2, unit=province.ea_kly, requirement=letter.theme)
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    client = client_for(officer_commune)
    page = client.get(url).content.decode()
    assert "7019/UBND-TH" in page and "tối đa 02" in page
    response = client.post(url, {**THEME_DATA, "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "tối đa 02" in response.content.decode()
    assert Commitment.objects.count() == 2


def test_commune_registers_two_themes_and_two_difficult_fields(letter, officer_commune, client_for):
    client = client_for(officer_commune)
    empty_targets = {"targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"}
    for name, requirement in (
        ("breakthrough_theme_create", letter.theme),
        ("difficult_field_create", letter.difficult),
    ):
        url = reverse(f"pledges:{name}", kwargs={"requirement_pk": requirement.pk})
        for title in ("Một", "Hai"):
            assert client.post(url, {**THEME_DATA, "title": title, **empty_targets}).status_code == 302
    assert Commitment.objects.filter(category="breakthrough_theme").count() == 2
    assert Commitment.objects.filter(category="difficult_field").count() == 2


def test_create_views_guard(letter, officer_kp, leader, staff, client_for, client):
    plan_url = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.plan.pk})
    theme_url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    wrong_kind = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.theme.pk})
    assert client.get(plan_url).url == _login_url(plan_url)
    assert client_for(officer_kp).put(plan_url).status_code == 405
    # A link the unit cannot act on says why (never a bare 404): a district does not owe themes ...
    refused = client_for(officer_kp).get(theme_url)
    assert refused.status_code == 403 and "không áp dụng cho đơn vị của bạn" in refused.content.decode()
    # ... and a plan form for a themes ask points to the right form.
    wrong = client_for(officer_kp).get(wrong_kind)
    assert wrong.status_code == 403 and "không nhận loại hồ sơ này" in wrong.content.decode()
    missing = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": 999999})
    assert client_for(officer_kp).get(missing).status_code == 404
    assert client_for(leader).get(plan_url).status_code == 403
    assert client_for(staff).post(plan_url, _plan_data()).status_code == 403


def test_dissemination_create_and_detail(letter, officer_kp, client_for):
    client = client_for(officer_kp)
    url = reverse("pledges:dissemination_create", kwargs={"requirement_pk": letter.dissemination.pk})
    page = client.get(url).content.decode()
    assert "checked" in page  # the requirement's directive is preselected
    response = client.post(
        url,
        {
            "title": "Hội nghị quán triệt Chỉ thị 35",
            "held_on": "10/09/2019",
            "form": "conference",
            "leaders": "5",
            "civil_servants": "40",
            "party_members": "30",
            "workers": "10",
            "attendees_total": "",
            "notes": "",
        },
    )
    record = Dissemination.objects.get()
    assert response.status_code == 302 and record.attendees_total == 55
    detail = client.get(response.url).content.decode()
    assert "Hội nghị quán triệt Chỉ thị 35" in detail and "10/09/2019" in detail


def test_dissemination_total_error_in_form(letter, officer_kp, client_for):
    url = reverse("pledges:dissemination_create", kwargs={"requirement_pk": letter.dissemination.pk})
    response = client_for(officer_kp).post(
        url,
        {
            "title": "Hội nghị",
            "held_on": "10/09/2019",
            "form": "online",
            "leaders": "5",
            "civil_servants": "40",
            "party_members": "0",
            "workers": "0",
            "attendees_total": "10",
        },
    )
    assert response.status_code == 200 and "ít nhất bằng 45" in response.content.decode()


def test_detail_views_guard(letter, province, officer_kp, officer_bmt, officer_commune, leader, client_for, client):
    draft = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    sent = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted")
    draft_url = reverse("pledges:emulation_plan_detail", kwargs={"pk": draft.pk})
    sent_url = reverse("pledges:commitment_detail", kwargs={"pk": sent.pk})
    assert client.get(draft_url).url == _login_url(draft_url)
    assert client_for(officer_kp).get(draft_url).status_code == 200
    assert client_for(officer_kp).post(draft_url).status_code == 405
    assert client_for(officer_bmt).get(draft_url).status_code == 404  # another unit's draft
    assert client_for(officer_commune).get(draft_url).status_code == 404  # the district's draft, from below
    assert client_for(leader).get(draft_url).status_code == 404
    body = client_for(officer_kp).get(sent_url).content.decode()  # the district reviews its commune
    assert "Chấp nhận" in body and "Trả lại" in body
    assert client_for(officer_bmt).get(sent_url).status_code == 404  # outside its district
    leader_body = client_for(leader).get(sent_url).content.decode()
    assert "Chấp nhận" not in leader_body and "Sửa" not in leader_body


def test_edit_views_guard(letter, province, officer_kp, officer_bmt, leader, client_for, client):
    draft = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    sent = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="submitted")
    url = reverse("pledges:emulation_plan_edit", kwargs={"pk": draft.pk})
    sent_url = reverse("pledges:emulation_plan_edit", kwargs={"pk": sent.pk})
    assert client.get(url).url == _login_url(url)
    assert client_for(officer_kp).get(url).status_code == 200
    assert client_for(officer_kp).delete(url).status_code == 405
    assert client_for(officer_bmt).get(url).status_code == 404
    assert client_for(officer_bmt).get(sent_url).status_code == 404  # another district: not even visible
    commune = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="returned")
    commune_url = reverse("pledges:commitment_edit", kwargs={"pk": commune.pk})
    assert client_for(officer_kp).get(commune_url).status_code == 403  # visible (its commune) but not its own
    assert client_for(leader).get(sent_url).status_code == 403
    response = client_for(officer_kp).post(sent_url, _plan_data())
    assert response.status_code == 302  # a submitted plan is not editable: back to its page
    sent.refresh_from_db()
    assert sent.title != _plan_data()["title"]


def test_edit_and_conflicting_edit_keep_text(letter, province, officer_kp, client_for, django_user_model):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, title="Bản đầu")
    target = TargetFactory(plan=plan, name="Chỉ tiêu cũ")
    client = client_for(officer_kp)
    url = reverse("pledges:emulation_plan_edit", kwargs={"pk": plan.pk})
    assert 'name="version" value="1"' in client.get(url).content.decode()
    base = _plan_data(
        **{
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": str(target.pk),
            "targets-0-name": "Chỉ tiêu cũ",
            "targets-0-target_value": "80",
            "version": "1",
        }
    )
    first = client.post(url, {**base, "title": "Bản của anh A"})
    assert first.status_code == 302
    second = client.post(url, {**base, "title": "Bản của chị B"})  # opened at version 1 too
    body = second.content.decode()
    assert second.status_code == 200
    assert "vừa được người khác lưu" in body
    assert "Bản của chị B" in body  # the user's text is kept
    plan.refresh_from_db()
    assert plan.title == "Bản của anh A" and plan.version == 2
    assert 'name="version" value="2"' in body  # saving again now knowingly replaces
    assert client.post(url, {**base, "title": "Bản của chị B", "version": "2"}).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Bản của chị B"
    assert AuditEntry.objects.filter(action="pledges.emulationplan.updated").count() == 2


# --- Transitions (with HTMX inline on the review list) ------------------------------------------


def test_submit_return_resubmit_accept_through_pages(letter, province, officer_kp, staff, client_for):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    TargetFactory(plan=plan)
    url = reverse("pledges:transition", kwargs={"slug": "ke-hoach", "pk": plan.pk})
    assert client_for(officer_kp).post(url, {"target": "submitted"}).status_code == 302
    assert client_for(staff).post(url, {"target": "returned", "comment": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "submitted"  # a return needs a comment
    client_for(staff).post(url, {"target": "returned", "comment": "Bổ sung số liệu"})
    client_for(officer_kp).post(url, {"target": "submitted"})
    client_for(staff).post(url, {"target": "accepted"})
    plan.refresh_from_db()
    assert plan.status == "accepted"
    detail = client_for(officer_kp).get(reverse("pledges:emulation_plan_detail", kwargs={"pk": plan.pk}))
    assert "Bổ sung số liệu" in detail.content.decode()


def test_transition_guard(letter, province, officer_kp, officer_bmt, leader, client_for, client):
    draft = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    sent = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="submitted")
    url = reverse("pledges:transition", kwargs={"slug": "ke-hoach", "pk": sent.pk})
    assert client.post(url, {"target": "accepted"}).status_code == 302
    assert client_for(officer_kp).get(url).status_code == 405
    assert client_for(officer_bmt).post(url, {"target": "accepted"}).status_code == 404
    draft_url = reverse("pledges:transition", kwargs={"slug": "ke-hoach", "pk": draft.pk})
    assert client_for(officer_bmt).post(draft_url, {"target": "submitted"}).status_code == 404
    assert client_for(leader).post(url, {"target": "accepted"}).status_code == 403
    assert client_for(officer_kp).post(url, {"target": "nonsense"}).status_code == 400
    outside = client_for(officer_kp).post(url, {"target": "withdrawn", "comment": "x", "next": "//evil.example/"})
    assert outside.url == reverse("pledges:emulation_plan_detail", kwargs={"pk": sent.pk})
    sent.refresh_from_db()
    assert sent.status == "withdrawn"
    sent.status = "submitted"
    sent.save()
    bad_slug = reverse("pledges:transition", kwargs={"slug": "khac", "pk": sent.pk})
    assert client_for(officer_kp).post(bad_slug, {"target": "withdrawn"}).status_code == 404
    sent.refresh_from_db()
    assert sent.status == "submitted"


def test_review_list_inline_accept_with_htmx(letter, province, officer_kp, client_for):
    record = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted")
    client = client_for(officer_kp)
    page = client.get(reverse("pledges:review_list")).content.decode()
    assert record.title in page
    url = reverse("pledges:transition", kwargs={"slug": "dang-ky", "pk": record.pk})
    failed = client.post(url, {"target": "returned", "comment": ""}, HTTP_HX_REQUEST="true")
    assert "Vui lòng nhập lý do" in failed.content.decode() and 'name="comment"' in failed.content.decode()
    done = client.post(url, {"target": "accepted"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "Đã chấp nhận" in done.content.decode()
    record.refresh_from_db()
    assert record.status == "accepted"


def test_review_list_guard(letter, province, officer_kp, officer_bmt, officer_commune, leader, client_for, client):
    CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="submitted", title="Của Ea Kly")
    url = reverse("pledges:review_list")
    assert client.get(url).url == _login_url(url)
    assert client_for(officer_kp).post(url).status_code == 405
    assert "Của Ea Kly" not in client_for(officer_bmt).get(url).content.decode()
    assert "không có đơn vị cấp dưới" in client_for(officer_commune).get(url).content.decode()
    assert client_for(leader).get(url).status_code == 403


def test_submission_list_pages(letter, province, officer_kp, staff, leader, client_for, client):
    EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, title="Nháp của huyện")
    url = reverse("pledges:submission_list")
    assert client.get(url).status_code == 302
    assert "Nháp của huyện" in client_for(officer_kp).get(url).content.decode()
    assert "Nháp của huyện" not in client_for(staff).get(url).content.decode()
    assert client_for(leader).get(url, {"status": "accepted", "kind": "emulation_plan"}).status_code == 200
    assert client_for(staff).post(url).status_code == 405


# --- Delete -------------------------------------------------------------------------------------


def test_delete_only_drafts(letter, province, officer_kp, officer_bmt, leader, client_for, client):
    draft = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    sent = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="submitted")
    url = reverse("pledges:delete", kwargs={"slug": "ke-hoach", "pk": draft.pk})
    assert client.post(url).status_code == 302 and EmulationPlan.objects.filter(pk=draft.pk).exists()
    assert client_for(officer_kp).put(url).status_code == 405
    assert client_for(officer_bmt).post(url).status_code == 404
    sent_url = reverse("pledges:delete", kwargs={"slug": "ke-hoach", "pk": sent.pk})
    assert client_for(leader).post(sent_url).status_code == 403
    client_for(officer_kp).post(sent_url)
    assert EmulationPlan.objects.filter(pk=sent.pk).exists()  # withdraw instead
    assert client_for(officer_kp).get(url).status_code == 200
    assert client_for(officer_kp).post(url).url == reverse("pledges:owed")
    assert not EmulationPlan.objects.filter(pk=draft.pk).exists()


# --- Attachments --------------------------------------------------------------------------------


def test_attachment_upload_download_delete(
    letter, province, officer_kp, officer_bmt, leader, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record = DisseminationFactory(unit=province.krong_pac, requirement=letter.dissemination)
    upload_url = reverse("pledges:attachment_upload", kwargs={"slug": "quan-triet", "pk": record.pk})
    client = client_for(officer_kp)
    pdf = io.BytesIO(PDF)
    pdf.name = "bien-ban.pdf"
    assert client.post(upload_url, {"file": pdf}).status_code == 302
    bad = io.BytesIO(b"MZ\x90\x00 not a pdf")
    bad.name = "virus.pdf"
    client.post(upload_url, {"file": bad})
    attachment = Attachment.objects.get()
    download = reverse("pledges:attachment_download", kwargs={"pk": attachment.pk})
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.post(download).status_code == 405
    assert client_for(officer_bmt).get(download).status_code == 404  # a draft of another unit
    assert client_for(officer_bmt).post(upload_url, {"file": pdf}).status_code == 404
    delete_url = reverse("pledges:attachment_delete", kwargs={"pk": attachment.pk})
    assert client_for(officer_bmt).post(delete_url).status_code == 404
    record.status = "submitted"
    record.save()
    assert client_for(leader).get(download).status_code == 200
    assert client_for(leader).post(delete_url).status_code == 403
    client.post(delete_url)
    assert Attachment.objects.count() == 1  # submitted: files are frozen


# --- Bulk targets -------------------------------------------------------------------------------


def _xlsx(rows):
    from openpyxl import Workbook

    from pledges.importing import HEADERS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "chi-tieu.xlsx"
    return buffer


def test_import_xlsx_with_bad_rows_saves_nothing(letter, province, officer_kp, client_for):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    url = reverse("pledges:targets_import", kwargs={"slug": "ke-hoach", "pk": plan.pk})
    upload = _xlsx(
        [
            ["Tỷ lệ hộ nghèo giảm", "%", 5, 3, "31/12/2020"],
            ["", "%", 1, 2, None],
            ["Thu ngân sách", "tỷ đồng", 100, "nhiều", "31/12/2020"],
            ["Trường chuẩn", "trường", 3, 5, "31/13/2020"],
        ]
    )
    response = client_for(officer_kp).post(url, {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 3: thiếu tên chỉ tiêu" in body
    assert "Dòng 4: Chỉ tiêu “nhiều” không phải là số" in body
    assert "Dòng 5: hạn “31/13/2020”" in body
    assert not Target.objects.exists()


def test_import_xlsx_and_paste(letter, province, officer_kp, client_for):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    client = client_for(officer_kp)
    url = reverse("pledges:targets_import", kwargs={"slug": "ke-hoach", "pk": plan.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, {"file": _xlsx([["Trường chuẩn", "trường", 3, 5, "31/12/2020"]])}).status_code == 302
    pasted = (
        "Tên chỉ tiêu\tĐơn vị tính\tGiá trị gốc\tChỉ tiêu\tHạn (dd/mm/yyyy)\nXã nông thôn mới\txã\t2\t4\t30/06/2020\n"
    )
    assert client.post(url, {"pasted": pasted}).status_code == 302
    assert list(plan.targets.order_by("position").values_list("name", flat=True)) == [
        "Trường chuẩn",
        "Xã nông thôn mới",
    ]
    bad = client.post(url, {"pasted": "Xã\txã\t\tabc\n"})
    assert "Dòng 1" in bad.content.decode()


def test_import_refuses_non_xlsx_and_guards(letter, province, officer_kp, officer_bmt, leader, client_for, client):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    url = reverse("pledges:targets_import", kwargs={"slug": "ke-hoach", "pk": plan.pk})
    assert client.get(url).status_code == 302
    fake = io.BytesIO(PDF)
    fake.name = "chi-tieu.xlsx"
    response = client_for(officer_kp).post(url, {"file": fake})
    assert response.status_code == 200 and "XLSX" in response.content.decode()
    assert client_for(officer_kp).put(url).status_code == 405
    assert client_for(officer_bmt).get(url).status_code == 404
    plan.status = "submitted"
    plan.save()
    assert client_for(leader).get(url).status_code == 403


def test_template_download(officer_kp, client_for, client):
    from openpyxl import load_workbook

    url = reverse("pledges:targets_template")
    response = client_for(officer_kp).get(url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Giá trị gốc",
        "Chỉ tiêu",
        "Hạn (dd/mm/yyyy)",
    ]
    assert client_for(officer_kp).post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302


# --- Progress -----------------------------------------------------------------------------------


def test_progress_update_page(letter, province, officer_kp, officer_bmt, leader, client_for, client):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    target = TargetFactory(plan=plan, baseline=50, target_value=80)
    url = reverse("pledges:progress_add", kwargs={"pk": target.pk})
    assert client.get(url).status_code == 302
    officer = client_for(officer_kp)
    assert officer.get(url).status_code == 200
    from django.utils import timezone

    today = timezone.localdate().strftime("%d/%m/%Y")
    response = officer.post(url, {"reported_on": today, "actual_value": "65", "note": "Quý I"})
    assert response.status_code == 302
    assert TargetProgress.objects.get().actual_value == 65
    detail = officer.get(reverse("pledges:emulation_plan_detail", kwargs={"pk": plan.pk})).content.decode()
    assert "50 %" in detail and "<svg" in detail  # achievement from the baseline, and the sparkline
    assert officer.put(url).status_code == 405
    assert client_for(officer_bmt).get(url).status_code == 404  # another district's plan is not visible
    commune_plan = EmulationPlanFactory(unit=province.ea_kly, requirement=letter.plan, status="accepted")
    commune_url = reverse("pledges:progress_add", kwargs={"pk": TargetFactory(plan=commune_plan).pk})
    assert client_for(officer_kp).get(commune_url).status_code == 403  # visible (its commune) but not its own
    assert client_for(leader).post(url, {"reported_on": today, "actual_value": "1"}).status_code == 403
    assert TargetProgress.objects.count() == 1


def test_owed_page_in_english(letter, officer_kp, client_for, settings):
    client = client_for(officer_kp)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("pledges:owed")).content.decode()
    assert "What my unit owes" in body and "Overdue" in body and "Your records" in body


def test_evidence_download(letter, province, officer_kp, officer_bmt, leader, client_for, client, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    progress = TargetProgress.objects.create(
        target=TargetFactory(plan=plan), reported_on="2020-06-30", actual_value=1, evidence_name="bang-chung.pdf"
    )
    progress.evidence.save("x.pdf", ContentFile(PDF))
    url = reverse("pledges:evidence_download", kwargs={"pk": progress.pk})
    assert client.get(url).status_code == 302
    response = client_for(officer_kp).get(url)
    assert response.status_code == 200 and "bang-chung.pdf" in response["Content-Disposition"]
    assert client_for(officer_kp).post(url).status_code == 405
    assert client_for(officer_bmt).get(url).status_code == 404
    assert client_for(leader).get(url).status_code == 200  # leaders read everything sent


def test_the_count_of_things_to_do_counts_only_what_the_unit_can_act_on(letter, province, officer_commune, client_for):
    from pledges import selectors

    # The dissemination waits for review: the reviewer acts, not the unit, even past its deadline.
    DisseminationFactory(unit=province.ea_kly, requirement=letter.dissemination, status="submitted")
    rows = {row.requirement.pk: row for row in selectors.owed_rows(unit=province.ea_kly)}
    assert rows[letter.dissemination.pk].actionable is False
    # A draft can be sent, a returned record fixed: both are the unit's to do.
    CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, status="draft")
    rows = {row.requirement.pk: row for row in selectors.owed_rows(unit=province.ea_kly)}
    assert rows[letter.theme.pk].actionable is True
    page = client_for(officer_commune).get(reverse("pledges:owed"))
    expected = sum(1 for row in page.context["rows"] if row.actionable)
    assert page.context["missing"] == expected
    assert f"{expected} việc cần xử lý" in page.content.decode()


def test_progress_form_says_when_an_update_counts_as_late(letter, province, officer_kp, client_for):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    target = TargetFactory(plan=plan)
    body = client_for(officer_kp).get(reverse("pledges:progress_add", kwargs={"pk": target.pk})).content.decode()
    assert f"nhập sau ngày số liệu quá {services.PROGRESS_GRACE_DAYS} ngày" in body
