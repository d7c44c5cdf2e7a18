"""Numbers are sanity-checked the same way in the forms and in the services (campaign_portal/core/numbers.py)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus
from pledges import services
from pledges.forms import ProgressForm, TargetForm
from pledges.tests.factories import EmulationPlanFactory, TargetFactory

pytestmark = pytest.mark.django_db


def _target_form(**values):
    data = {"name": "Tỷ lệ hộ dùng nước sạch", "unit_of_measure": "%", "baseline": "", "target_value": "90", **values}
    return TargetForm(data=data)


def test_a_negative_baseline_and_an_absurd_percent_target_are_refused_at_their_fields():
    form = _target_form(baseline="-50", target_value="999.999.999.999.999")
    assert not form.is_valid()
    assert form.errors["baseline"] == ["Giá trị gốc không được là số âm."]
    assert form.errors["target_value"] == ["Số quá lớn; hãy kiểm tra lại số chữ số."]


def test_a_percent_target_over_100_needs_a_confirmation_then_is_accepted():
    form = _target_form(target_value="105")
    assert not form.is_valid() and "vượt 100 %" in form.errors["target_value"][0]
    assert form.confirm_requested
    assert _target_form(target_value="105", confirm="on").is_valid()
    assert _target_form(unit_of_measure="km", target_value="105").is_valid()  # not a percentage


def test_the_service_applies_the_same_rule_as_the_form(letter, officer_kp):
    plan = EmulationPlanFactory(unit=officer_kp.membership.unit, requirement=letter.plan)
    row = {"name": "Tỷ lệ", "unit_of_measure": "%", "baseline": Decimal(-5), "target_value": Decimal(90)}
    with pytest.raises(ValidationError) as error:
        services.targets_sync(user=officer_kp, owner=plan, rows=[row])
    assert "baseline" in error.value.message_dict


def test_a_progress_ten_times_the_previous_asks_for_confirmation(letter, officer_kp):
    plan = EmulationPlanFactory(unit=officer_kp.membership.unit, requirement=letter.plan, status=ReviewStatus.ACCEPTED)
    target = TargetFactory(plan=plan, unit_of_measure="km", baseline=Decimal(0), target_value=Decimal(1000))
    today = timezone.localdate()
    services.progress_add(user=officer_kp, target=target, reported_on=today, actual_value=Decimal(12))
    with pytest.raises(ValidationError) as error:
        services.progress_add(user=officer_kp, target=target, reported_on=today, actual_value=Decimal(120))
    assert error.value.error_dict["actual_value"][0].code == "confirm"
    services.progress_add(user=officer_kp, target=target, reported_on=today, actual_value=Decimal(120), confirmed=True)
    assert target.progress.count() == 2


def test_a_percent_progress_over_100_is_refused_in_the_form_flow(letter, officer_kp):
    plan = EmulationPlanFactory(unit=officer_kp.membership.unit, requirement=letter.plan, status=ReviewStatus.ACCEPTED)
    target = TargetFactory(plan=plan)  # 50 → 80 %
    with pytest.raises(ValidationError) as error:
        services.progress_add(
            user=officer_kp, target=target, reported_on=timezone.localdate(), actual_value=Decimal(150)
        )
    assert error.value.message_dict["actual_value"] == ["Giá trị tính theo % phải từ 0 đến 100."]
    form = ProgressForm(data={"reported_on": "01/12/2026", "actual_value": "-3"})
    assert form.is_valid()  # the form does not know the target: the service answers, at the field


def _theme_post(requirement, token, title="Chủ điểm cải cách hành chính"):
    return {
        "field": "administrative_reform",
        "title": title,
        "form_token": token,
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-name": "",
    }


def test_huge_attendee_count_gets_a_plain_message(letter, officer_bmt, client_for):
    url = reverse("pledges:dissemination_create", kwargs={"requirement_pk": letter.dissemination.pk})
    data = {"title": "Hội nghị", "held_on": "20/09/2019", "form": "conference", "leaders": "99999999999999999999"}
    data |= {"civil_servants": "0", "party_members": "0", "workers": "0"}
    response = client_for(officer_bmt).post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Số người không quá 1.000.000." in body and "9223372036854775807" not in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [("1" + "0" * 30, "Số quá lớn."), ("12345678901234567", "Số quá lớn."), ("1,555", "Tối đa 2 chữ số sau dấu phẩy.")],
)
def test_target_numbers_too_big_or_too_precise_get_plain_messages(letter, officer_commune, client_for, typed, message):
    url = reverse("pledges:breakthrough_theme_create", kwargs={"requirement_pk": letter.theme.pk})
    data = _theme_post(letter.theme, "2" * 32) | {"targets-0-name": "Thu ngân sách", "targets-0-target_value": typed}
    body = client_for(officer_commune).post(url, data).content.decode()
    assert message in body and "nhiều hơn 18" not in body
