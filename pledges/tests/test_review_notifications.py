"""Who hears about a submission: the reviewers on submit, the unit on review (core.review)."""

from campaign_portal.core.models import Notification, ReviewStatus
from campaign_portal.core.review import submission_transition
from pledges.tests.factories import CommitmentFactory, DisseminationFactory


def test_a_commune_submission_is_announced_to_its_district_not_to_staff(province, officer_commune, staff, letter):
    theme = CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, title="Chuyển đổi số")
    submission_transition(submission=theme, user=officer_commune, target=ReviewStatus.SUBMITTED)
    district = Notification.objects.get(unit=province.krong_pac)
    assert "Xã Ea Kly" in district.message and "chờ duyệt" in district.message
    assert not Notification.objects.filter(user=staff).exists()


def test_a_district_submission_is_announced_to_every_staff_member(province, officer_kp, staff, letter):
    record = DisseminationFactory(
        unit=province.krong_pac, requirement=letter.dissemination, title="Hội nghị quán triệt"
    )
    submission_transition(submission=record, user=officer_kp, target=ReviewStatus.SUBMITTED)
    assert Notification.objects.filter(user=staff, message__contains="Hội nghị quán triệt").count() == 1
    assert not Notification.objects.filter(unit=province.province).exists()


def test_a_return_is_announced_to_the_unit_with_the_comment(province, officer_kp, staff, letter):
    record = DisseminationFactory(unit=province.krong_pac, requirement=letter.dissemination, title="Hội nghị")
    submission_transition(submission=record, user=officer_kp, target=ReviewStatus.SUBMITTED)
    submission_transition(submission=record, user=staff, target=ReviewStatus.RETURNED, comment="Thiếu biên bản")
    note = Notification.objects.get(unit=province.krong_pac)
    assert "Bị trả lại" in note.message and "Thiếu biên bản" in note.message
