import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from campaign_portal.core.models import AuditEntry, Notification, UnitKind
from campaign_portal.core.uploads import bytes_upload
from directives import selectors, services
from directives.models import Directive, DirectiveStatus, Receipt, RequirementKind
from directives.parsing import parse_document

from .conftest import LETTER_7019, make_letter
from .factories import DirectiveFactory, RequirementFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- reading a letter into requirement rows ---------------------------------------------------


def test_requirements_from_parsed_on_letter_7019():
    rows = services.requirements_from_parsed(parse_document(LETTER_7019))

    assert [r["ordinal"] for r in rows] == ["1", "2", "3", "3", "3"]
    assert [r["kind"] for r in rows] == [
        RequirementKind.DISSEMINATION,
        RequirementKind.EMULATION_PLAN,
        RequirementKind.KEY_WORKS,
        RequirementKind.BREAKTHROUGH_THEME,
        RequirementKind.DIFFICULT_FIELD,
    ]
    item3 = rows[2:]
    assert [(r["quota_min"], r["quota_max"]) for r in item3] == [(1, 2), (1, 2), (1, 2)]
    assert item3[0]["applies_to"] == [UnitKind.DISTRICT]
    assert item3[1]["applies_to"] == [UnitKind.COMMUNE, UnitKind.DEPARTMENT, UnitKind.AGENCY]
    assert item3[2]["applies_to"] == [UnitKind.COMMUNE, UnitKind.DEPARTMENT, UnitKind.AGENCY]
    assert "công trình trọng điểm" in item3[0]["text"] and "đột phá" not in item3[0]["text"]
    assert "phức tạp, khó khăn" in item3[2]["text"]
    # Items 1 and 2 name no unit kind: they go to the addressees (departments, agencies, districts).
    assert set(rows[0]["applies_to"]) == {UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.DISTRICT}
    assert all(r["deadline"] is None for r in rows)  # the letter sets none


def test_requirements_from_parsed_takes_deadlines_quotas_and_wording():
    parsed = {
        "addressees": ["UBND các xã, phường"],
        "requirements": [
            {
                "ordinal": "II.1",
                "text": "Báo cáo kết quả trước ngày 15/10/2019.",
                "deadlines": ["2019-10-15"],
                "quotas": [],
            },
            {
                "ordinal": "II.2",
                "text": "Các sở, ban, ngành đăng ký ít nhất 01 nội dung thi đua.",
                "deadlines": [],
                "quotas": [{"min": 1, "max": None, "text": "ít nhất 01"}],
            },
            {"ordinal": "II.3", "text": "Tổ chức hội nghị.", "deadlines": [], "quotas": []},
        ],
    }
    rows = services.requirements_from_parsed(parsed)

    assert rows[0]["kind"] == RequirementKind.REPORT
    assert rows[0]["deadline"] == datetime.date(2019, 10, 15)
    assert rows[0]["applies_to"] == [UnitKind.COMMUNE]  # from the addressees
    assert (rows[1]["quota_min"], rows[1]["quota_max"]) == (1, None)
    assert rows[1]["applies_to"] == [UnitKind.DEPARTMENT, UnitKind.AGENCY]  # named in the item
    assert rows[2]["kind"] == RequirementKind.OTHER and rows[2]["title"]


def test_import_text_prefills_fields(province):
    data = services.directive_import_text(LETTER_7019)

    fields = data["fields"]
    assert fields["number"] == "7019/UBND-TH"
    assert fields["issued_on"] == datetime.date(2019, 8, 27)
    assert fields["doc_type"] == "cong_van"
    assert fields["issuer"] == province.province
    assert fields["subject"].startswith("triển khai thực hiện Kế hoạch số 126-KH/TU")
    assert set(fields["addressee_kinds"]) == {UnitKind.DEPARTMENT, UnitKind.AGENCY, UnitKind.DISTRICT}
    assert fields["body"].startswith("Để triển khai thực hiện")
    assert [(r["number"], r["issued_on"]) for r in data["references"]] == [
        ("126-KH/TU", datetime.date(2019, 7, 31)),
        ("35-CT/TU", datetime.date(2019, 3, 13)),
    ]
    assert len(data["requirements"]) == 5


@pytest.mark.parametrize("text", ["", "   ", "Công thức nấu phở:\n1. Nấu nước dùng.", "\x00\x01"])
def test_import_text_never_crashes(db, text):
    data = services.directive_import_text(text)
    assert data["fields"]["number"] == ""
    assert data["warnings"]


# --- publishing ---------------------------------------------------------------------------------


def test_publish_workflow_notifies_addressed_units(staff, province, django_capture_on_commit_callbacks):
    directive = make_letter(staff, province, publish=False)
    assert directive.status == DirectiveStatus.DRAFT
    assert directive.requirements.count() == 5
    assert directive.year == 2019 and "dak lak" in directive.search_text

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.directive_publish(user=staff, directive=directive)

    assert callbacks  # notifications are enqueued after commit, not inside the transaction
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.PUBLISHED
    assert directive.published_by == staff and directive.published_at and directive.notified_at
    assert AuditEntry.objects.filter(action="directives.directive.published", object_id=str(directive.pk)).exists()
    notified = set(Notification.objects.filter(url__endswith=f"/{directive.pk}/").values_list("unit__code", flat=True))
    # Departments and districts by address; communes because item 3 asks them for themes.
    assert {"DLK-SNV", "DLK-STC", "DLK-KPA", "DLK-BMT", "DLK-KPA-EKL", "DLK-BMT-TL"} <= notified
    assert "DLK" not in notified


def test_notifying_twice_does_nothing_more(letter):
    before = Notification.objects.count()
    assert services.directive_notify_recipients(directive_id=letter.pk) == 0
    assert Notification.objects.count() == before


@pytest.mark.parametrize("persona", ["leader", "officer_kp", "officer_dept"])
def test_only_staff_write_directives(request, draft_letter, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.directive_publish(user=user, directive=draft_letter)
    with pytest.raises(PermissionDenied):
        services.directive_update(user=user, directive=draft_letter, fields={"subject": "x"})
    with pytest.raises(PermissionDenied):
        services.directive_create(user=user, fields={"subject": "x", "issuer": draft_letter.issuer})
    draft_letter.refresh_from_db()
    assert draft_letter.status == DirectiveStatus.DRAFT


def test_publish_validates_the_draft(staff, province):
    directive = services.directive_create(
        user=staff, fields={"subject": "Văn bản chưa có số", "issuer": province.province}
    )
    with pytest.raises(ValidationError) as exc:
        services.directive_publish(user=staff, directive=directive)
    assert "Chưa có số, ký hiệu văn bản." in exc.value.messages
    assert "Chưa có ngày ban hành." in exc.value.messages


def test_publish_twice_is_refused(staff, letter):
    with pytest.raises(ValidationError):
        services.directive_publish(user=staff, directive=letter)


def test_duplicate_number_refused_per_issuer_per_year(staff, province):
    make_letter(staff, province)
    second = make_letter(staff, province, publish=False)  # a second draft may exist…

    with pytest.raises(ValidationError) as exc:  # …but not be published under the same number
        services.directive_publish(user=staff, directive=second)
    assert "7019/UBND-TH" in exc.value.messages[0] and "2019" in exc.value.messages[0]

    other_year = make_letter(staff, province, publish=False, issued_on=datetime.date(2020, 1, 6))
    services.directive_publish(user=staff, directive=other_year)
    other_issuer = make_letter(staff, province, publish=False, issuer=province.dept_home_affairs)
    services.directive_publish(user=staff, directive=other_issuer)
    assert Directive.objects.filter(number="7019/UBND-TH", status=DirectiveStatus.PUBLISHED).count() == 3


def test_duplicate_number_lost_race_is_a_clear_error(staff, province):
    """The DB constraint is the backstop: an IntegrityError becomes the same clear message."""
    make_letter(staff, province)
    second = make_letter(staff, province, publish=False)
    with mock.patch.object(services, "_check_number_free"), pytest.raises(ValidationError) as exc:
        services.directive_publish(user=staff, directive=second)
    assert "7019/UBND-TH" in exc.value.messages[0]


def test_database_refuses_duplicate_published_number(province):
    DirectiveFactory(issuer=province.province, number="1/UBND-TH")
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectiveFactory(issuer=province.province, number="1/UBND-TH")


# --- editing, withdrawing -------------------------------------------------------------------------


def test_edit_after_publish_writes_a_revision_and_keeps_requirement_ids(staff, letter):
    requirements = list(letter.requirements.order_by("position"))
    rows = [
        {
            "id": r.pk,
            "ordinal": r.ordinal,
            "position": r.position,
            "kind": r.kind,
            "text": r.text,
            "applies_to": r.applies_to,
            "quota_min": r.quota_min,
            "quota_max": r.quota_max,
            "deadline": datetime.date(2019, 10, 31) if r.kind == RequirementKind.KEY_WORKS else None,
        }  # fmt: skip
        for r in requirements
    ]
    services.directive_update(
        user=staff, directive=letter, fields={"subject": "V/v sửa trích yếu"}, requirements=rows, note="Sửa lỗi"
    )

    (revision,) = selectors.directive_revisions(directive=letter)
    assert revision.by == staff and revision.note == "Sửa lỗi"
    assert revision.changes["subject"][1] == "V/v sửa trích yếu"
    assert "requirements" in revision.changes
    assert sorted(letter.requirements.values_list("pk", flat=True)) == sorted(r.pk for r in requirements)


def test_edit_of_a_draft_writes_no_revision(staff, draft_letter):
    services.directive_update(user=staff, directive=draft_letter, fields={"subject": "Khác"})
    assert not selectors.directive_revisions(directive=draft_letter)


def test_withdraw_needs_a_reason(staff, letter):
    with pytest.raises(ValidationError):
        services.directive_withdraw(user=staff, directive=letter, reason="  ")
    services.directive_withdraw(user=staff, directive=letter, reason="Ban hành nhầm")
    letter.refresh_from_db()
    assert letter.status == DirectiveStatus.WITHDRAWN
    assert letter.withdrawn_reason == "Ban hành nhầm" and letter.withdrawn_by == staff
    assert Notification.objects.filter(message__contains="Ban hành nhầm").exists()
    with pytest.raises(ValidationError):
        services.directive_update(user=staff, directive=letter, fields={"subject": "x"})


def test_withdrawing_a_draft_is_refused(staff, draft_letter):
    with pytest.raises(ValidationError):
        services.directive_withdraw(user=staff, directive=draft_letter, reason="x")


# --- receipts -----------------------------------------------------------------------------------


def test_receipt_is_idempotent(letter, officer_kp):
    first = services.receipt_confirm(user=officer_kp, directive=letter)
    second = services.receipt_confirm(user=officer_kp, directive=letter)
    assert first.pk == second.pk
    assert Receipt.objects.filter(directive=letter).count() == 1
    assert AuditEntry.objects.filter(action="directives.receipt.confirmed").count() == 1


def test_receipt_only_from_addressed_units(staff, province, officer_kp, officer_dept, leader):
    directive = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DEPARTMENT])
    services.receipt_confirm(user=officer_dept, directive=directive)
    with pytest.raises(PermissionDenied):
        services.receipt_confirm(user=officer_kp, directive=directive)
    with pytest.raises(PermissionDenied):
        services.receipt_confirm(user=leader, directive=directive)
    with pytest.raises(PermissionDenied):
        services.receipt_confirm(user=staff, directive=directive)


def test_receipt_of_a_commune_owing_a_requirement(province, officer_commune):
    directive = DirectiveFactory(issuer=province.province, addressee_kinds=[UnitKind.DISTRICT])
    RequirementFactory(directive=directive, kind=RequirementKind.BREAKTHROUGH_THEME, applies_to=[UnitKind.COMMUNE])
    assert services.receipt_confirm(user=officer_commune, directive=directive).unit == province.ea_kly


def test_receipt_of_a_withdrawn_directive_is_refused(staff, letter, officer_kp):
    services.directive_withdraw(user=staff, directive=letter, reason="Thay bằng văn bản khác")
    letter.refresh_from_db()
    with pytest.raises(ValidationError):
        services.receipt_confirm(user=officer_kp, directive=letter)


# --- attachments --------------------------------------------------------------------------------


def test_attachment_stored_privately(staff, letter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = services.attachment_add(user=staff, directive=letter, uploaded=bytes_upload("Công văn 7019.pdf", PDF))
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    assert attachment.filename == "Công văn 7019.pdf"
    assert attachment.file.name.startswith("private/directives/")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("congvan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "không phải loại được chấp nhận"),
        ("congvan.pdf.exe", PDF, "phần mở rộng không được phép"),
        ("../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n", "không phải loại được chấp nhận"),
    ],
)
def test_attachment_abuse_is_refused(staff, letter, settings, tmp_path, name, data, message):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(user=staff, directive=letter, uploaded=bytes_upload(name, data))
    assert message in exc.value.messages[0]
    assert not letter.attachments.exists()


def test_oversized_attachment_is_refused(staff, letter, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 1024)
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(user=staff, directive=letter, uploaded=bytes_upload("lon.pdf", PDF + b"0" * 2048))
    assert "quá lớn" in exc.value.messages[0]


def test_officer_cannot_attach(letter, officer_kp):
    with pytest.raises(PermissionDenied):
        services.attachment_add(user=officer_kp, directive=letter, uploaded=bytes_upload("a.pdf", PDF))


# --- campaigns ----------------------------------------------------------------------------------


def test_campaign_and_milestones(staff, province, officer_kp):
    fields = {
        "name": "Phong trào thử",
        "organiser": province.province,
        "starts_on": datetime.date(2019, 8, 1),
        "ends_on": datetime.date(2020, 12, 31),
    }
    campaign = services.campaign_create(user=staff, fields=fields)
    services.milestone_add(
        user=staff, campaign=campaign, name="80 năm", date=datetime.date(2020, 11, 23),
        anniversary_of=datetime.date(1940, 11, 23),
    )  # fmt: skip
    assert campaign.milestones.count() == 1 and campaign.duration_days == 519
    with pytest.raises(PermissionDenied):
        services.campaign_create(user=officer_kp, fields=fields)
    with pytest.raises(ValidationError):
        services.campaign_create(user=staff, fields={**fields, "ends_on": datetime.date(2019, 1, 1)})


@pytest.mark.django_db(transaction=True)
def test_publish_notifies_through_a_real_worker(celery_live, province, staff):
    """The real path: on commit → Redis → worker → notifications (skips locally without REDIS_URL)."""
    import threading
    import time

    from celery.signals import task_postrun

    ran = []

    def record(sender=None, task_id=None, task=None, args=None, **kwargs):
        # Who ran it: a worker runs it from the message (not eagerly) in a thread of its own.
        ran.append((sender.name, task.request.is_eager, threading.get_ident(), tuple(args or ())))

    task_postrun.connect(record, weak=False)
    directive = make_letter(staff, province, publish=False)
    try:
        services.directive_publish(user=staff, directive=directive)
        for _ in range(100):
            if any(r[0] == "directives.tasks.notify_directive_recipients" for r in ran):
                break
            time.sleep(0.1)
    finally:
        task_postrun.disconnect(record)
    runs = [r for r in ran if r[0] == "directives.tasks.notify_directive_recipients"]
    assert len(runs) == 1, ran
    _name, eager, thread, args = runs[0]
    # Run by the worker thread from the Redis message, not inside the publishing call (eagerly or directly).
    assert not eager and thread != threading.get_ident() and args == (directive.pk,)
    for _ in range(100):
        directive.refresh_from_db()
        if directive.notified_at and Notification.objects.filter(url__endswith=f"/{directive.pk}/").exists():
            break
        time.sleep(0.1)
    assert directive.notified_at is not None
    assert Notification.objects.filter(unit=province.krong_pac, url__endswith=f"/{directive.pk}/").exists()
