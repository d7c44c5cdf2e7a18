"""Smoke: every demo role logs in through the form and lands on its home page; English; phone size."""

import pytest
from django.urls import NoReverseMatch, reverse

from campaign_portal.views import HOME_BY_ROLE

from .conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_ROLES = [("canbo.tinh", "staff"), ("lanhdao", "leader"), ("krongpac", "officer"), ("eakly", "officer")]


def expected_home(role: str) -> str:
    try:
        return reverse(HOME_BY_ROLE[role])
    except NoReverseMatch:
        return reverse("home")


def test_each_demo_role_lands_on_its_home_page(demo, page, live_server, shoot, console):
    console.watch(page)
    for username, role in DEMO_ROLES:
        login(page, live_server.url, username)
        assert page.url == live_server.url + expected_home(role), (username, page.url)
        assert page.locator("main h1, main h2").first.is_visible()
        shoot(page, f"home-{username}")
        logout(page)
        assert "/dang-nhap/" in page.url


def test_wrong_password_shows_the_generic_error(demo, page, live_server, shoot):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "krongpac")
    page.fill("input[name=password]", "sai-mat-khau")
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").is_visible()
    shoot(page, "login-error")


def test_language_switch_to_english(demo, page, live_server, shoot, console):
    console.watch(page)
    login(page, live_server.url, "krongpac")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("form.lang-switch button[value=en]").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("form.lang-switch button[value=vi]").is_visible()
    shoot(page, "english")
    page.locator("form.lang-switch button[value=vi]").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_phone_viewport_menu(demo, phone_page, live_server, shoot, console):
    page = console.watch(phone_page)
    login(page, live_server.url, "krongpac")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    shoot(page, "phone-home")
    toggler.click()
    page.locator("#mainnav .nav-link").first.wait_for(state="visible")
    shoot(page, "phone-menu")
    # Nothing wider than the screen: no horizontal scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
