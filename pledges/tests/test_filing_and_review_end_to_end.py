"""A district files a briefing and a plan through review; a commune and a department register themes and fields."""

import pytest
from django.test import Client
from django.urls import reverse

from campaign_portal.core.models import AuditEntry
from pledges.models import Commitment, Dissemination, EmulationPlan

pytestmark = pytest.mark.django_db

NO_TARGETS = {"targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _transition(client, slug, pk, target, comment=""):
    url = reverse("pledges:transition", kwargs={"slug": slug, "pk": pk})
    response = client.post(url, {"target": target, "comment": comment})
    assert response.status_code == 302
    return response


def test_district_files_briefing_and_plan_through_review(letter, officer_kp, staff):
    kp, province_staff = _client(officer_kp), _client(staff)
    assert "7019/UBND-TH" in kp.get(reverse("pledges:owed")).content.decode()

    briefing_url = reverse("pledges:dissemination_create", kwargs={"requirement_pk": letter.dissemination.pk})
    kp.post(
        briefing_url,
        {
            "title": "Hội nghị quán triệt",
            "held_on": "12/09/2019",
            "form": "conference",
            "leaders": "12",
            "civil_servants": "86",
            "party_members": "74",
            "workers": "15",
        },
    )
    briefing = Dissemination.objects.get()

    plan_url = reverse("pledges:emulation_plan_create", kwargs={"requirement_pk": letter.plan.pk})
    targets = {"targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "0"}
    for i, (name, value) in enumerate([("Nước sạch", "95"), ("Trường chuẩn", "12"), ("Đường nông thôn", "40,5")]):
        targets.update({f"targets-{i}-name": name, f"targets-{i}-target_value": value})
    kp.post(
        plan_url,
        {
            "title": "Kế hoạch thi đua",
            "document_number": "125/KH-UBND",
            "document_date": "02/10/2019",
            "content": "",
            **targets,
        },
    )
    plan = EmulationPlan.objects.get()
    assert plan.targets.count() == 3

    _transition(kp, "quan-triet", briefing.pk, "submitted")
    _transition(kp, "ke-hoach", plan.pk, "submitted")
    _transition(province_staff, "ke-hoach", plan.pk, "returned", "Bổ sung hạn hoàn thành cho từng chỉ tiêu")
    plan.refresh_from_db()
    edit_url = reverse("pledges:emulation_plan_edit", kwargs={"pk": plan.pk})
    rows = {"targets-TOTAL_FORMS": "3", "targets-INITIAL_FORMS": "3"}
    for i, target in enumerate(plan.targets.order_by("position")):
        rows.update(
            {
                f"targets-{i}-id": str(target.pk),
                f"targets-{i}-name": target.name,
                f"targets-{i}-target_value": str(target.target_value),
                f"targets-{i}-due_date": "23/11/2020",
            }
        )
    response = kp.post(
        edit_url,
        {
            "title": "Kế hoạch thi đua (bổ sung)",
            "document_number": "125/KH-UBND",
            "document_date": "02/10/2019",
            "content": "",
            "version": str(plan.version),
            **rows,
        },
    )
    assert response.status_code == 302
    _transition(kp, "ke-hoach", plan.pk, "submitted")
    _transition(province_staff, "ke-hoach", plan.pk, "accepted")
    _transition(province_staff, "quan-triet", briefing.pk, "accepted")

    plan.refresh_from_db()
    assert plan.status == "accepted" and plan.title == "Kế hoạch thi đua (bổ sung)"
    actions = list(
        AuditEntry.objects.filter(object_id=str(plan.pk), action__startswith="pledges.emulationplan")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "pledges.emulationplan.created",
        "pledges.emulationplan.targets",  # the three targets filed with the plan
        "pledges.emulationplan.submitted",
        "pledges.emulationplan.returned",
        "pledges.emulationplan.updated",
        "pledges.emulationplan.targets",
        "pledges.emulationplan.submitted",
        "pledges.emulationplan.accepted",
    ]
    detail = kp.get(reverse("pledges:emulation_plan_detail", kwargs={"pk": plan.pk})).content.decode()
    assert "pledges.emulationplan.returned" in detail and "Bổ sung hạn hoàn thành" in detail
    # People read what happened, not the action code (kept only as a tooltip).
    assert 'title="pledges.emulationplan.returned">Kế hoạch phát động thi đua: trả lại</span>' in detail


@pytest.mark.parametrize("officer", ["officer_commune", "officer_dept"])
def test_commune_and_department_register_themes_and_fields(request, letter, officer, officer_kp):
    user = request.getfixturevalue(officer)
    client = _client(user)
    for name, requirement in (
        ("breakthrough_theme_create", letter.theme),
        ("difficult_field_create", letter.difficult),
    ):
        url = reverse(f"pledges:{name}", kwargs={"requirement_pk": requirement.pk})
        for title in ("Thứ nhất", "Thứ hai"):
            response = client.post(url, {"field": "economy", "title": title, "expected_result": "Đạt", **NO_TARGETS})
            assert response.status_code == 302
        refused = client.post(url, {"field": "economy", "title": "Thứ ba", "expected_result": "Đạt", **NO_TARGETS})
        assert refused.status_code == 200 and "tối đa 02" in refused.content.decode()
    unit = user.membership.unit
    assert Commitment.objects.filter(unit=unit).count() == 4
    first = Commitment.objects.filter(unit=unit).order_by("pk").first()
    _transition(client, "dang-ky", first.pk, "submitted")
    reviewer = _client(officer_kp)
    review_page = reviewer.get(reverse("pledges:review_list")).content.decode()
    if officer == "officer_commune":  # Krông Pắc reviews its commune
        assert first.title in review_page
        _transition(reviewer, "dang-ky", first.pk, "accepted")
        first.refresh_from_db()
        assert first.status == "accepted"
    else:  # but not a provincial department
        assert first.title not in review_page
        url = reverse("pledges:transition", kwargs={"slug": "dang-ky", "pk": first.pk})
        assert reviewer.post(url, {"target": "accepted"}).status_code == 404
