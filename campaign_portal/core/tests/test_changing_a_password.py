"""Changing one's password: the new one works, the old one no longer does, the session stays open."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

OLD = "demo-Password-1"
NEW = "Mat-khau-moi-2026!"


def test_an_officer_changes_the_password(officer_kp, client_for):
    client = client_for(officer_kp)
    url = reverse("password_change")
    assert client.get(url).status_code == 200
    response = client.post(url, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert client.get(reverse("core:notifications")).status_code == 200  # still logged in after the change
    user = get_user_model().objects.get(pk=officer_kp.pk)
    assert user.check_password(NEW) and not user.check_password(OLD)
    # through the login page, as a person would (axes needs the request)
    login = reverse("login")
    assert Client().post(login, {"username": officer_kp.username, "password": NEW}).status_code == 302
    refused = Client().post(login, {"username": officer_kp.username, "password": OLD})
    assert refused.status_code == 200 and refused.context["form"].errors


def test_a_wrong_old_password_or_a_mismatch_changes_nothing(officer_kp, client_for):
    client = client_for(officer_kp)
    url = reverse("password_change")
    wrong = client.post(url, {"old_password": "khong-dung", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200 and "old_password" in wrong.context["form"].errors
    mismatch = client.post(url, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"})
    assert mismatch.status_code == 200 and "new_password2" in mismatch.context["form"].errors
    assert get_user_model().objects.get(pk=officer_kp.pk).check_password(OLD)


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.post(reverse("password_change"), {"old_password": OLD, "new_password1": NEW})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
