"""Editing a briefing (quán triệt) through its page, in Vietnamese: saved, audited, checked, and refused once sent."""

import datetime

from django.urls import reverse

from campaign_portal.core.models import AuditEntry, ReviewStatus
from pledges.models import Dissemination
from pledges.tests.factories import DisseminationFactory


def briefing_data(**overrides):
    data = {
        "title": "Hội nghị quán triệt Kế hoạch 412 (bổ sung)",
        "held_on": "28/11/2026",
        "form": "online",
        "leaders": "6",
        "civil_servants": "44",
        "party_members": "31",
        "workers": "12",
        "attendees_total": "",
        "notes": "Tổ chức trực tuyến tới các xã.",
        "version": "1",
    }
    return {**data, **overrides}


def test_the_unit_edits_its_draft_briefing(letter, province, officer_kp, client_for):
    briefing = DisseminationFactory(
        unit=province.krong_pac, requirement=letter.dissemination, title="Hội nghị quán triệt", created_by=officer_kp
    )
    client = client_for(officer_kp)
    url = reverse("pledges:dissemination_edit", kwargs={"pk": briefing.pk})
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].instance == briefing
    assert 'value="Hội nghị quán triệt"' in page.content.decode()  # the form opens with what was saved
    response = client.post(url, briefing_data())
    assert response.status_code == 302 and response.url == reverse(
        "pledges:dissemination_detail", kwargs={"pk": briefing.pk}
    )
    briefing.refresh_from_db()
    assert briefing.title == "Hội nghị quán triệt Kế hoạch 412 (bổ sung)"
    assert briefing.held_on == datetime.date(2026, 11, 28) and briefing.form == "online"
    assert briefing.attendees_total == 6 + 44 + 12  # left empty: leaders + civil servants + workers
    assert briefing.version == 2
    entry = AuditEntry.objects.get(action="pledges.dissemination.updated")
    assert entry.actor == officer_kp
    detail = client.get(response.url).content.decode()
    assert "Hội nghị quán triệt Kế hoạch 412 (bổ sung)" in detail and "28/11/2026" in detail


def test_a_bad_edit_is_refused_beside_its_field_and_keeps_the_text(letter, province, officer_kp, client_for):
    briefing = DisseminationFactory(unit=province.krong_pac, requirement=letter.dissemination, title="Bản đầu")
    url = reverse("pledges:dissemination_edit", kwargs={"pk": briefing.pk})
    response = client_for(officer_kp).post(url, briefing_data(attendees_total="10"))
    assert response.status_code == 200
    assert response.context["form"].errors  # the total is below leaders + civil servants + workers
    body = response.content.decode()
    assert "ít nhất bằng" in body and "Hội nghị quán triệt Kế hoạch 412 (bổ sung)" in body
    briefing.refresh_from_db()
    assert briefing.title == "Bản đầu" and briefing.version == 1


def test_a_sent_briefing_cannot_be_edited_and_others_cannot_edit(
    letter, province, officer_kp, officer_bmt, leader, client_for
):
    sent = DisseminationFactory(
        unit=province.krong_pac, requirement=letter.dissemination, title="Đã gửi", status=ReviewStatus.SUBMITTED
    )
    url = reverse("pledges:dissemination_edit", kwargs={"pk": sent.pk})
    response = client_for(officer_kp).post(url, briefing_data())
    assert response.status_code == 302
    assert response.url == reverse("pledges:dissemination_detail", kwargs={"pk": sent.pk})
    assert client_for(officer_bmt).post(url, briefing_data()).status_code == 404
    assert client_for(leader).post(url, briefing_data()).status_code == 403
    assert Dissemination.objects.get(pk=sent.pk).title == "Đã gửi"
