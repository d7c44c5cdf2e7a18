"""What a walk through the portal as its users found: each test pins one fixed behaviour."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.audit import action_label, audit_rows
from campaign_portal.core.models import AuditEntry
from pledges import services
from pledges.tests.factories import EmulationPlanFactory, TargetFactory

pytestmark = pytest.mark.django_db

PLAN = {"title": "Kế hoạch thi đua", "document_number": "", "document_date": None, "content": ""}
TARGET = {"name": "Tỷ lệ hộ nghèo", "unit_of_measure": "%", "baseline": Decimal("5.2"), "target_value": Decimal("3.5")}


def _xlsx(rows):
    from openpyxl import Workbook

    from pledges.importing import HEADERS

    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "chi-tieu.xlsx"
    return buffer


def test_plan_page_after_an_import_shows_the_history(letter, province, officer_kp, client_for):
    """The import's audit entry ("targets": count) once broke the history with a 500 (a reverse relation)."""
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    client = client_for(officer_kp)
    url = reverse("pledges:targets_import", kwargs={"slug": "ke-hoach", "pk": plan.pk})
    response = client.post(url, {"file": _xlsx([["Trường chuẩn", "trường", 3, 5, "31/12/2020"]])}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "nhập chỉ tiêu từ bảng tính" in body and "Số chỉ tiêu" in body


def test_staff_audit_log_after_an_import(letter, province, officer_kp, staff, client_for):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    services.targets_import(user=officer_kp, owner=plan, rows=[{**TARGET, "due_date": None}])
    response = client_for(staff).get(reverse("core:audit_log"))
    assert response.status_code == 200 and "pledges.emulationplan.targets_imported" in response.content.decode()


def test_targets_filed_with_a_new_plan_are_in_the_history(letter, officer_kp):
    plan = services.plan_create(user=officer_kp, requirement=letter.plan, data=PLAN, targets=[TARGET])
    entries = {e.action: e for e in AuditEntry.objects.filter(object_id=str(plan.pk))}
    assert set(entries) == {"pledges.emulationplan.created", "pledges.emulationplan.targets"}
    assert entries["pledges.emulationplan.targets"].changes == {"target:Tỷ lệ hộ nghèo": [None, "3.5"]}
    # An empty field is not a change: no "Content: — → —" line.
    assert entries["pledges.emulationplan.created"].changes == {"title": [None, "Kế hoạch thi đua"]}


def test_saving_targets_unchanged_records_no_change(letter, province, officer_kp):
    """5.20 from the database and 5.2 from the form are the same value, not an edit."""
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    target = TargetFactory(plan=plan, **TARGET, due_date=datetime.date(2020, 12, 31))
    row = {**TARGET, "id": target.pk, "due_date": datetime.date(2020, 12, 31)}
    services.plan_update(user=officer_kp, plan=plan, expected_version=plan.version, data=PLAN, targets=[row])
    assert not AuditEntry.objects.filter(action="pledges.emulationplan.targets").exists()
    row["target_value"] = Decimal("3")
    plan.refresh_from_db()
    services.plan_update(user=officer_kp, plan=plan, expected_version=plan.version, data=PLAN, targets=[row])
    entry = AuditEntry.objects.get(action="pledges.emulationplan.targets")
    assert entry.changes == {"Tỷ lệ hộ nghèo.target_value": ["3.5", "3"]}


def test_history_rows_are_readable(letter, province, officer_kp):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    target = TargetFactory(plan=plan, name="Km đường", unit_of_measure="km", target_value=Decimal(1200))
    services.progress_add(
        user=officer_kp, target=target, reported_on=timezone.localdate(), actual_value=Decimal("1300.5")
    )
    entry = AuditEntry.objects.get(action="pledges.emulationplan.progress")
    assert action_label(entry.action) == "Kế hoạch phát động thi đua: cập nhật tiến độ"
    assert audit_rows(entry) == [("Tiến độ “Km đường”", "—", "1.300,5")]
    edited = AuditEntry(action="pledges.emulationplan.targets", changes={"Km đường.baseline": ["1200.00", "120"]})
    assert audit_rows(edited) == [("Chỉ tiêu “Km đường”: giá trị gốc", "1.200", "120")]
    assert action_label("pledges.emulationplan.unknown_verb") == "Kế hoạch phát động thi đua: unknown_verb"


def test_huge_attendee_count_gets_a_plain_message(letter, officer_bmt, client_for):
    url = reverse("pledges:dissemination_create", kwargs={"requirement_pk": letter.dissemination.pk})
    data = {"title": "Hội nghị", "held_on": "20/09/2019", "form": "conference", "leaders": "99999999999999999999"}
    data |= {"civil_servants": "0", "party_members": "0", "workers": "0"}
    response = client_for(officer_bmt).post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Số người không quá 1.000.000." in body and "9223372036854775807" not in body


def _theme_post(requirement, token, title="Chủ điểm cải cách hành chính"):
    return {
        "field": "administrative_reform",
        "title": title,
        "form_token": token,
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-name": "",
    }


def test_new_record_form_posted_twice_creates_one_record(letter, officer_commune, client_for):
    """Back button then “Save” again (or a second click) shows the saved record instead of a copy."""
    from pledges.models import Commitment

    client = client_for(officer_commune)
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    body = client.get(url).content.decode()
    token = body.split('name="form_token" value="')[1][:32]
    first = client.post(url, _theme_post(letter.theme, token))
    assert first.status_code == 302
    again = client.post(url, _theme_post(letter.theme, token), follow=True)
    assert again.redirect_chain[-1][0] == first.url
    assert "không tạo thêm bản trùng" in again.content.decode()
    assert Commitment.objects.count() == 1
    # A fresh form (new token) still files a second record, and a forged token is just ignored.
    client.post(url, _theme_post(letter.theme, "0" * 32, title="Chủ điểm thứ hai"))
    client.post(url, _theme_post(letter.theme, "<not a token>", title="Chủ điểm thứ ba"))
    assert Commitment.objects.count() == 2  # the third is refused by the quota of 2


def test_form_with_errors_says_so_at_the_top(letter, officer_commune, client_for):
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    data = _theme_post(letter.theme, "1" * 32, title="")
    body = client_for(officer_commune).post(url, data).content.decode()
    assert "Chưa lưu được: có lỗi cần sửa" in body and 'href="#id_title"' in body  # the one error summary
    assert body.index("Chưa lưu được:") < body.index('name="title"')


def test_search_ignores_accents_and_case(letter, officer_commune, client_for):
    from unicodedata import normalize

    title = normalize("NFD", "Giải phóng mặt bằng đường tỉnh 9")  # as some keyboards type it
    plan = services.commitment_create(
        user=officer_commune,
        requirement=letter.difficult,
        data={"field": "other", "title": title, "description": "", "expected_result": ""},
    )
    assert plan.title == normalize("NFC", title)
    client = client_for(officer_commune)
    for query in ("giai phong", "GIẢI PHÓNG", "duong tinh 9"):
        body = client.get(reverse("pledges:submission_list"), {"q": query}).content.decode()
        assert "Giải phóng mặt bằng" in body, query
    services.commitment_update(
        user=officer_commune,
        commitment=plan,
        expected_version=plan.version,
        data={"field": "other", "title": "Đền bù tái định cư", "description": "", "expected_result": ""},
    )
    assert "Đền bù" in client.get(reverse("pledges:submission_list"), {"q": "den bu"}).content.decode()
    assert "Đền bù" not in client.get(reverse("pledges:submission_list"), {"q": "giai phong"}).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1" + "0" * 30, "Số quá lớn."), ("12345678901234567", "Số quá lớn."), ("1,555", "Tối đa 2 chữ số sau dấu phẩy.")],
)
def test_target_numbers_too_big_or_too_precise_get_plain_messages(letter, officer_commune, client_for, typed, message):
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    data = _theme_post(letter.theme, "2" * 32) | {"targets-0-name": "Thu ngân sách", "targets-0-target_value": typed}
    body = client_for(officer_commune).post(url, data).content.decode()
    assert message in body and "nhiều hơn 18" not in body


def test_progress_form_says_when_an_update_counts_as_late(letter, province, officer_kp, client_for):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    target = TargetFactory(plan=plan)
    body = client_for(officer_kp).get(reverse("pledges:progress_add", kwargs={"pk": target.pk})).content.decode()
    assert f"nhập sau ngày số liệu quá {services.PROGRESS_GRACE_DAYS} ngày" in body
