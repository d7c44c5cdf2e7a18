from campaign_portal.core import access
from campaign_portal.core.models import Role, Unit
from campaign_portal.core.tests.factories import make_user


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_district_officer_reads_own_district_and_its_communes_only(province, officer_kp):
    assert codes(access.readable_units(officer_kp)) == {"DLK-KPA", "DLK-KPA-PA", "DLK-KPA-EKL"}


def test_officer_writes_only_own_unit(province, officer_kp, officer_commune):
    assert codes(access.writable_units(officer_kp)) == {"DLK-KPA"}
    assert codes(access.writable_units(officer_commune)) == {"DLK-KPA-EKL"}
    assert not access.can_write_unit(officer_kp, province.ea_kly)
    assert not access.can_write_unit(officer_kp, province.bmt)


def test_district_reviews_its_communes_not_itself_nor_another_district(province, officer_kp):
    assert codes(access.reviewable_units(officer_kp)) == {"DLK-KPA-PA", "DLK-KPA-EKL"}
    assert access.can_review_unit(officer_kp, province.ea_kly)
    assert not access.can_review_unit(officer_kp, province.krong_pac)
    assert not access.can_review_unit(officer_kp, province.tan_loi)


def test_commune_officer_reviews_nothing_and_reads_only_itself(province, officer_commune):
    assert codes(access.reviewable_units(officer_commune)) == set()
    assert codes(access.readable_units(officer_commune)) == {"DLK-KPA-EKL"}


def test_staff_and_leader_read_everything_only_staff_publish_and_review(province, staff, leader):
    every = set(Unit.objects.values_list("code", flat=True))
    assert codes(access.readable_units(staff)) == every
    assert codes(access.readable_units(leader)) == every
    assert access.can_publish(staff) and not access.can_publish(leader)
    assert codes(access.reviewable_units(staff)) == every
    assert codes(access.reviewable_units(leader)) == set()
    assert codes(access.writable_units(leader)) == set()


def test_user_without_membership_sees_nothing(db, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Password-1")
    assert access.readable_units(user).count() == 0
    assert not access.can_publish(user)


def test_scope_units_filters_related_querysets(province, officer_bmt, officer_kp):
    from campaign_portal.core.models import Membership

    make_user(unit=province.tan_loi, role=Role.OFFICER, username="ward")
    visible = access.scope_units(Membership.objects.all(), officer_bmt)
    assert set(visible.values_list("user__username", flat=True)) == {"officer_bmt", "ward"}


def test_get_object_for_user_answers_404_when_invisible_and_403_when_read_only(province, officer_kp):
    import pytest
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    visible = access.readable_units(officer_kp)
    with pytest.raises(Http404):
        access.get_object_for_user(visible, province.bmt.pk)
    with pytest.raises(PermissionDenied):
        access.get_object_for_user(
            visible, province.ea_kly.pk, user=officer_kp, write=True, can_write=access.can_write_unit
        )
    assert (
        access.get_object_for_user(
            visible, province.krong_pac.pk, user=officer_kp, write=True, can_write=access.can_write_unit
        )
        == province.krong_pac
    )
