"""A withdrawn directive stops being owed: it leaves every unit's page, the dashboard, the matrix and the reminders.

Two published letters of one campaign ask the districts for key works by 15/09/2019; staff withdraw the
first through its page. Every check is made before the withdrawal too, so that none can pass vacuously.
"""

import datetime

import pytest
from django.urls import reverse

from campaign_portal.core.models import Notification, UnitKind
from directives.models import DirectiveStatus
from projects.tests.factories import DirectiveFactory, RequirementFactory
from reports import services

WITHDRAWN = "7019/UBND-TH"
KEPT = "88/UBND-TH"


@pytest.fixture
def two_letters(province, letter):
    directive, _requirement = letter
    other = DirectiveFactory(
        campaign=directive.campaign,
        number=KEPT,
        issuer=province.province,
        issuer_name="Ủy ban nhân dân tỉnh",
        subject="V/v đăng ký công trình chào mừng năm 2020",
    )
    RequirementFactory(directive=other, applies_to=[UnitKind.DISTRICT])
    return directive, other


def pages(client_for, province, leader, officer_kp, officer_bmt, directive) -> dict[str, str]:
    """The pages that list what is owed, as each of their readers sees them."""
    bodies = {}
    for officer in (officer_kp, officer_bmt):
        bodies[f"owed:{officer.username}"] = client_for(officer).get(reverse("pledges:owed")).content.decode()
    lead = client_for(leader)
    for unit in (province.krong_pac, province.bmt):
        bodies[f"unit:{unit.code}"] = lead.get(reverse("reports:unit", kwargs={"pk": unit.pk})).content.decode()
    bodies["dashboard"] = lead.get(reverse("reports:dashboard")).content.decode()
    bodies["dashboard?directive"] = lead.get(reverse("reports:dashboard"), {"directive": directive.pk}).content.decode()
    bodies["matrix"] = lead.get(reverse("reports:matrix")).content.decode()
    bodies["matrix?directive"] = lead.get(reverse("reports:matrix"), {"directive": directive.pk}).content.decode()
    return bodies


def test_a_withdrawn_directive_is_owed_nowhere(
    two_letters, province, staff, leader, officer_kp, officer_bmt, client_for, django_capture_on_commit_callbacks
):
    directive, other = two_letters
    before = pages(client_for, province, leader, officer_kp, officer_bmt, directive)
    assert all(WITHDRAWN in body and KEPT in body for body in before.values()), [
        name for name, body in before.items() if WITHDRAWN not in body or KEPT not in body
    ]
    assert directive in services_sources()

    response = client_for(staff).post(
        reverse("directives:withdraw", kwargs={"pk": directive.pk}), {"reason": "Ban hành nhầm đối tượng"}
    )
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.status == DirectiveStatus.WITHDRAWN

    after = pages(client_for, province, leader, officer_kp, officer_bmt, directive)
    shown = [name for name, body in after.items() if WITHDRAWN in body]
    assert not shown, f"the withdrawn {WITHDRAWN} is still shown on: {shown}"
    assert all(KEPT in body for body in after.values())  # the other letter still is
    assert directive not in services_sources() and other in services_sources()

    # Reminders: the day after the deadline both districts owe the other letter only.
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.deadline_reminders_send(today=datetime.date(2019, 9, 16))
    messages = list(Notification.objects.values_list("message", flat=True))
    assert sent == 2 and len(messages) == 2
    assert all(KEPT in m and WITHDRAWN not in m for m in messages), messages


def services_sources():
    from reports.selectors import source_choices

    return source_choices()["directives"]
