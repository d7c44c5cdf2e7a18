"""A plan's history: imports, targets filed or edited, progress, each in readable rows (and never a 500)."""

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
