"""Each role's home page answers its first question of the day, with that role's content."""

import datetime

import pytest
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus, UnitKind
from directives.models import Directive, DirectiveStatus, Requirement, RequirementKind
from pledges.tests.factories import DisseminationFactory


@pytest.fixture
def letter(province, staff):
    directive = Directive.objects.create(
        number="7019/UBND-TH",
        issuer=province.province,
        issued_on=datetime.date(2019, 8, 27),
        subject="triển khai thực hiện Kế hoạch số 126-KH/TU",
        status=DirectiveStatus.PUBLISHED,
        created_by=staff,
    )
    requirement = Requirement.objects.create(
        directive=directive,
        ordinal="1",
        kind=RequirementKind.DISSEMINATION,
        text="Tổ chức quán triệt",
        applies_to=[UnitKind.DISTRICT, UnitKind.DEPARTMENT],
        deadline=datetime.date(2019, 9, 30),
    )
    return requirement


def test_officer_lands_on_what_the_unit_owes(client_for, officer_kp, letter):
    response = client_for(officer_kp).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("pledges:owed")
    page = response.content.decode()
    assert "Việc đơn vị cần làm" in page and "7019/UBND-TH" in page and "Quán triệt" in page
    assert "Huyện Krông Pắc" in page


def test_staff_lands_on_what_awaits_review(client_for, staff, officer_kp, province, letter):
    DisseminationFactory(
        unit=province.krong_pac,
        requirement=letter,
        title="Hội nghị quán triệt Krông Pắc",
        status=ReviewStatus.SUBMITTED,
        submitted_at=datetime.datetime(2019, 9, 20, 9, tzinfo=datetime.UTC),
    )
    response = client_for(staff).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:review_queue")
    page = response.content.decode()
    assert "Hội nghị quán triệt Krông Pắc" in page and "Huyện Krông Pắc" in page


def test_leader_lands_on_headline_figures(client_for, leader, letter):
    response = client_for(leader).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:dashboard")
    page = response.content.decode()
    assert "Tổng quan thực hiện" in page and "Đơn vị hoàn thành đầy đủ" in page
