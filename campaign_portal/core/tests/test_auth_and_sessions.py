"""The signed-in user and the session, each read with a statement written once (core.auth, core.sessions):
the same objects and the same refusals as Django's own code, in one query each."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.auth import PortalBackend, load_user
from campaign_portal.core.models import Membership, Role, User
from campaign_portal.core.sessions import SessionStore
from campaign_portal.core.tests.factories import UnitFactory, UserFactory, make_user

pytestmark = pytest.mark.django_db


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_user_comes_with_membership_unit_and_parent_as_the_orm_gives_them(django_assert_num_queries):
    province = UnitFactory(code="P-AUTH")
    commune = UnitFactory(code="C-AUTH", parent=province)
    user = make_user(unit=commune, role=Role.OFFICER, username="auth-officer")
    User.objects.filter(pk=user.pk).update(preferences={"campaign": 7}, last_login=timezone.now())
    orm = User.objects.select_related("membership__unit__parent").get(pk=user.pk)
    with django_assert_num_queries(1):
        loaded = load_user(user.pk)
        assert loaded.membership.unit.parent.code == "P-AUTH"
        assert loaded.membership.user is loaded
    assert _fields(loaded) == _fields(orm)
    assert loaded.preferences == {"campaign": 7}  # JSON decoded, as the ORM does
    assert isinstance(loaded.last_login, datetime.datetime) and loaded.last_login == orm.last_login
    assert _fields(loaded.membership) == _fields(orm.membership)
    assert _fields(loaded.membership.unit) == _fields(orm.membership.unit)
    assert _fields(loaded.membership.unit.parent) == _fields(orm.membership.unit.parent)
    assert loaded._state.db == orm._state.db and not loaded._state.adding


def test_a_root_unit_has_no_parent_and_a_user_without_membership_has_none(django_assert_num_queries):
    root = UnitFactory(code="ROOT-AUTH")
    staff = make_user(unit=root, role=Role.STAFF, username="auth-staff")
    with django_assert_num_queries(1):
        assert load_user(staff.pk).membership.unit.parent is None
    bare = UserFactory(username="auth-bare")
    with django_assert_num_queries(1):
        loaded = load_user(bare.pk)
        with pytest.raises(Membership.DoesNotExist):
            loaded.membership  # noqa: B018 - the same refusal as the ORM's, without a second query


def test_unknown_malformed_and_inactive_users_are_nobody():
    assert load_user(10**9) is None
    assert load_user("not-a-number") is None
    user = UserFactory(username="auth-inactive", is_active=False)
    assert load_user(user.pk) is not None and PortalBackend().get_user(user.pk) is None


def test_a_session_is_read_back_and_an_expired_or_unknown_one_is_empty():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - datetime.timedelta(1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None  # a new key is made on save, as Django does
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore("short").load() == {}  # not a valid key at all


def test_signing_in_and_out_goes_through_both(settings):
    unit = UnitFactory(code="U-AUTH")
    user = make_user(unit=unit, role=Role.OFFICER, username="auth-login")
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": "demo-Password-1"})
    assert response.status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert str(SessionStore(key).load()[SESSION_KEY]) == str(user.pk)
    assert client.get(reverse("core:notifications")).status_code == 200
    client.post(reverse("logout"))
    assert SessionStore(key).load() == {}  # the session is gone from the database
    assert client.get(reverse("core:notifications")).status_code == 302
