"""What every page pays before its own work: the signed-in user with their role and unit, and the unread badge."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign_portal.core.access import scope_for
from campaign_portal.core.models import Notification, Role, User
from campaign_portal.core.notifications import unread_count, unread_for
from campaign_portal.core.services import membership_set

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_role_and_unit_in_one_query(client_for, officer_commune):
    client = client_for(officer_commune)
    client.get(reverse("password_change_done"))  # the session is warm
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("password_change_done"))
    assert page.status_code == 200
    assert page.context["portal_scope"].unit == officer_commune.membership.unit
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any('FROM "core_membership"' in sql for sql in statements), statements
    assert sum('FROM "core_user"' in sql for sql in statements) == 1, statements


def test_a_changed_role_is_seen_on_the_same_user_object(officer_commune, province):
    user = User.objects.select_related("membership__unit__parent").get(pk=officer_commune.pk)
    assert scope_for(user).role == Role.OFFICER
    membership_set(user=user, unit=province.province, role=Role.LEADER)
    assert scope_for(user).role == Role.LEADER
    assert scope_for(user).unit == province.province


def test_the_unread_badge_counts_what_the_notifications_page_lists(client_for, officer_commune, officer_kp, province):
    unit = officer_commune.membership.unit
    other = province.tan_loi
    mine = [
        Notification.objects.create(unit=unit, message="Văn bản mới gửi đơn vị"),
        Notification.objects.create(user=officer_commune, message="Hồ sơ bị trả lại"),
        Notification.objects.create(unit=unit, message="Đã đọc rồi"),
    ]
    mine[2].read_by.add(officer_commune)
    Notification.objects.create(unit=other, message="Của đơn vị khác")
    Notification.objects.create(user=officer_kp, message="Của người khác")

    assert unread_count(officer_commune) == unread_for(officer_commune).count() == 2
    page = client_for(officer_commune).get(reverse("password_change_done"))
    assert page.context["portal_unread"] == 2
    mine[0].read_by.add(officer_commune)
    assert client_for(officer_commune).get(reverse("password_change_done")).context["portal_unread"] == 1


# --- the top bar, kept per user, page and language (core/templatetags/portal.py: portal_navbar) ------------


def _logout_token(html: str) -> str:
    import re

    form = html[html.index('action="' + reverse("logout") + '"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_each_user_sees_their_own_top_bar_on_the_same_page(client_for, officer_commune, officer_kp):
    url = reverse("password_change_done")
    for _ in range(2):  # the second load is drawn from the kept bar
        commune_page = client_for(officer_commune).get(url).text
        district_page = client_for(officer_kp).get(url).text
        assert str(officer_commune) in commune_page and str(officer_kp) not in commune_page
        assert str(officer_kp) in district_page and str(officer_commune) not in district_page
        assert officer_commune.membership.unit.name in commune_page


def test_the_kept_top_bar_carries_this_requests_token(officer_commune):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_commune)
    url = reverse("password_change_done")
    client.get(url)
    page = client.get(url).text  # the kept bar
    assert "portalcsrfslot" not in page
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": _logout_token(page)})
    assert response.status_code == 302  # signed out: the token in the bar was valid
    assert client.get(url).status_code == 302


def test_the_top_bar_follows_the_unread_count_and_the_language(client_for, officer_commune, settings):
    client = client_for(officer_commune)
    url = reverse("password_change_done")
    assert "chưa đọc" not in client.get(url).text
    Notification.objects.create(unit=officer_commune.membership.unit, message="Văn bản mới")
    assert "chưa đọc" in client.get(url).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).text
    assert 'value="vi" lang="vi">Tiếng Việt' in english and 'value="en" lang="en">English' not in english


def test_the_language_switch_returns_to_the_page_it_was_pressed_on(client_for, officer_commune):
    client = client_for(officer_commune)
    for url in (reverse("password_change_done"), reverse("core:notifications")):
        assert f'name="next" value="{url}"' in client.get(url).text
