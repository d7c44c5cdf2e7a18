import pytest

from campaign_portal.core.models import AuditEntry, Notification


def test_pages_are_vietnamese_whatever_the_browser_asks_until_the_user_switches(client, db):
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Tên đăng nhập" in page.content.decode()
    client.post("/ngon-ngu/", {"language": "en", "next": "/dang-nhap/"})
    page = client.get("/dang-nhap/")
    assert page["Content-Language"] == "en"
    assert "Username" in page.content.decode()


@pytest.mark.parametrize("url", ["/", "/thong-bao/", "/nhat-ky/", "/don-vi/"])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_home_sends_each_role_to_its_page(client_for, staff, leader, officer_kp):
    from django.urls import NoReverseMatch, reverse

    from campaign_portal.views import HOME_BY_ROLE

    for user in (staff, leader, officer_kp):
        response = client_for(user).get("/")
        try:
            expected = reverse(HOME_BY_ROLE[user.membership.role])
        except NoReverseMatch:
            expected = None
        if expected:
            assert response.status_code == 302 and response["Location"] == expected
        else:
            assert response.status_code == 200


def test_user_without_a_unit_is_told_what_to_do(client, django_user_model, db):
    user = django_user_model.objects.create_user("lost", password="x-Password-1")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "chưa được gán đơn vị" in response.content.decode()


def test_audit_log_is_for_staff_only(client_for, staff, leader, officer_kp, province):
    AuditEntry.objects.create(actor=staff, action="directives.directive.published", object_repr="7019/UBND-TH")
    assert client_for(officer_kp).get("/nhat-ky/").status_code == 403
    assert client_for(leader).get("/nhat-ky/").status_code == 403
    page = client_for(staff).get("/nhat-ky/?action=directives")
    assert page.status_code == 200 and "7019/UBND-TH" in page.content.decode()


def test_unit_directory_is_scoped_and_searchable_without_accents(client_for, officer_kp, staff, province):
    page = client_for(officer_kp).get("/don-vi/").content.decode()
    assert "Xã Ea Kly" in page and "Phường Tân Lợi" not in page
    page = client_for(staff).get("/don-vi/?q=tan loi").content.decode()
    assert "Phường Tân Lợi" in page and "Xã Ea Kly" not in page


def test_unit_directory_query_count_does_not_grow_with_units(
    client_for, staff, province, django_assert_max_num_queries
):
    from campaign_portal.core.tests.factories import UnitFactory

    for n in range(40):
        UnitFactory(code=f"DLK-KPA-X{n}", name=f"Xã thử {n}", kind="commune", parent=province.krong_pac)
    client = client_for(staff)
    # session, user, membership, unread count, page count, page rows (parents joined)
    with django_assert_max_num_queries(8):
        assert client.get("/don-vi/").status_code == 200


def test_notifications_list_and_mark_read(client_for, officer_kp, officer_bmt, province):
    Notification.objects.create(unit=province.krong_pac, message="Văn bản mới cho Krông Pắc")
    Notification.objects.create(unit=province.bmt, message="Văn bản mới cho Buôn Ma Thuột")
    client = client_for(officer_kp)
    page = client.get("/thong-bao/").content.decode()
    assert "Krông Pắc" in page and "cho Buôn Ma Thuột" not in page
    assert client.get("/thong-bao/da-doc/").status_code == 405
    response = client.post("/thong-bao/da-doc/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/thong-bao/"
    assert Notification.objects.get(unit=province.krong_pac).read_by.filter(pk=officer_kp.pk).exists()


def test_audit_history_shows_field_labels_and_choice_labels(province, staff):
    from campaign_portal.core.audit import audit_record, readable_changes

    entry = audit_record(
        actor=staff,
        action="core.unit.changed",
        obj=province.krong_pac,
        unit=province.krong_pac,
        changes={"kind": ["district", "commune"], "valid_to": [None, "2025-07-01"], "note": ["a", "b"]},
    )
    assert readable_changes(entry) == [
        ("loại", "Huyện, thị xã, thành phố", "Xã, phường, thị trấn"),
        ("hết hiệu lực từ", "—", "01/07/2025"),
        ("note", "a", "b"),
    ]


def test_action_codes_read_as_words():
    from campaign_portal.core.audit import action_label

    assert action_label("core.unit.changed") == "Đơn vị: cập nhật"
    assert action_label("core.unit.frobbed") == "Đơn vị: frobbed"
    assert action_label("nope.thing.created") == "nope.thing.created"
    assert action_label("odd") == "odd"


def test_audit_snapshot_keeps_related_objects_as_text_and_money_reads_with_dots(province, staff):
    from campaign_portal.core.audit import audit_record, readable_changes, snapshot

    values = snapshot(province.ea_kly, ["parent", "name"])
    assert values == {"parent": "Huyện Krông Pắc", "name": "Xã Ea Kly"}
    entry = audit_record(
        actor=staff, action="core.unit.changed", obj=province.ea_kly, changes={"x": [None, 8500000000]}
    )
    assert readable_changes(entry) == [("x", "—", "8.500.000.000")]


def test_only_the_most_specific_menu_item_is_current(client_for, leader, province):
    from django.urls import reverse

    page = client_for(leader).get(reverse("reports:matrix"))
    current = [item["url"] for item in page.context["portal_nav"] if item["active"]]
    assert current == [reverse("reports:matrix")]
