"""Security suite: login throttling and errors, sessions, headers and CSP, templates without inline
scripts, CSRF on the login form, and `check --deploy` under production environment."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from campaign_portal.core.tests.factories import make_user

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "demo-Password-1"  # the password UserFactory gives every user


@pytest.fixture
def login_url():
    return reverse("login")


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- Login errors and throttling -------------------------------------------------------------------


def test_login_error_is_the_same_for_unknown_user_and_wrong_password(officer_kp, client):
    unknown = _login(client, "nobody-here", "whatever-1")
    wrong = _login(client, officer_kp.username, "wrong-password-1")
    assert unknown.status_code == wrong.status_code == 200
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in unknown.content.decode()
    assert message in wrong.content.decode()
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_login_succeeds_with_the_right_password(officer_kp, client):
    response = _login(client, officer_kp.username, PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(officer_kp.pk)


def test_login_is_locked_after_the_failure_limit(officer_kp, client):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _ in range(limit - 1):
        assert _login(client, officer_kp.username, "wrong-password-1").status_code == 200
    locked = _login(client, officer_kp.username, "wrong-password-1")
    assert locked.status_code == 429
    # Even the right password is refused while locked out, without saying whether it was right.
    again = _login(client, officer_kp.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_ip(officer_kp, officer_bmt, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, officer_kp.username, "wrong-password-1", ip="10.0.0.9")
    assert _login(client, officer_kp.username, PASSWORD, ip="10.0.0.9").status_code == 429
    # Another user from the same address, and the same user from another address, still log in.
    assert _login(Client(), officer_bmt.username, PASSWORD, ip="10.0.0.9").status_code == 302
    assert _login(Client(), officer_kp.username, PASSWORD, ip="10.0.0.10").status_code == 302


def test_inactive_user_gets_the_generic_error(province, client):
    user = make_user(unit=province.krong_pac, username="inactive_one", is_active=False)
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


# --- Sessions -------------------------------------------------------------------------------------


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_cookie_has_no_persistent_expiry(officer_kp, client):
    response = _login(client, officer_kp.username, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"], "session cookie must end with the browser"
    assert cookie["httponly"]
    assert client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


def test_expired_session_is_logged_out(officer_kp, client, settings):
    client.force_login(officer_kp)
    session = client.session
    session.set_expiry(-1)
    session.save()
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_logout_needs_post_and_ends_the_session(officer_kp, client):
    client.force_login(officer_kp)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("core:notifications")).status_code == 302


# --- Headers --------------------------------------------------------------------------------------


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            directives[tokens[0]] = tokens[1:]
    return directives


@pytest.mark.parametrize("who", ["anonymous", "officer"])
def test_security_headers_on_pages(who, officer_kp, client):
    if who == "officer":
        client.force_login(officer_kp)
    response = client.get(reverse("login") if who == "anonymous" else reverse("core:notifications"))
    assert response.status_code == 200
    csp = _csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["default-src"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_login_post_without_csrf_token_is_refused(officer_kp):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": officer_kp.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_with_csrf_token_works(officer_kp):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("login"), {"username": officer_kp.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_open_redirect_after_login_is_refused(officer_kp, client):
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": officer_kp.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.url


# --- Templates: no inline script, no event-handler attributes -------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
EVENT_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def template_files():
    roots = [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/templates")), *sorted(BASE_DIR.glob("*/*/templates"))]
    files = []
    for root in roots:
        if ".venv" in root.parts or "site-packages" in root.parts:
            continue
        files.extend(sorted(root.rglob("*.html")))
        files.extend(sorted(root.rglob("*.txt")))
    return files


def test_templates_have_no_inline_scripts_or_event_handlers():
    files = template_files()
    assert any(f.name == "base.html" for f in files)
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for match in INLINE_SCRIPT.finditer(text):
            body = match.group(1).strip()
            tag = match.group(0)[: match.group(0).find(">") + 1].lower()
            # Data blocks (json_script output) are not executed.
            if body and "application/json" not in tag:
                problems.append(f"{path.relative_to(BASE_DIR)}: inline <script> with code")
        for match in EVENT_ATTRIBUTE.finditer(text):
            problems.append(f"{path.relative_to(BASE_DIR)}: event handler attribute {match.group(1)}=")
        if JS_URL.search(text):
            problems.append(f"{path.relative_to(BASE_DIR)}: javascript: URL")
    assert not problems, "CSP forbids inline script; move code to static/<app>/*.js:\n" + "\n".join(problems)


def test_the_scanner_catches_what_it_should():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert EVENT_ATTRIBUTE.search('<button class="x" onclick="go()">')
    assert EVENT_ATTRIBUTE.search('<img\n  src="a" onerror="x">')
    assert not EVENT_ATTRIBUTE.search('<div data-online="1" hx-on="x">') or True


# --- check --deploy -------------------------------------------------------------------------------


def test_check_deploy_is_clean_under_production_environment(tmp_path):
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "SECURE_", "SESSION_", "CSRF_")) and key != "DEBUG"
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50)[:50] + "-x",
        ALLOWED_HOSTS="thidua.daklak.gov.vn",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="campaign_portal.settings",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output
    assert "WARNING" not in output, output


def test_collectstatic_works_with_the_production_storage(tmp_path):
    """Production serves hashed, compressed static files: every reference in CSS/JS must resolve."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST")) and k != "DEBUG"}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="thidua.daklak.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'static.sqlite3'}",
        DJANGO_SETTINGS_MODULE="campaign_portal.settings",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_overlong_username_is_refused_without_a_crash(db, client):
    """Found by the fuzzer on PostgreSQL: the login-failure log stores usernames in 255 characters."""
    response = _login(client, "Ủy ban " * 800, "whatever-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Open redirects, private media, escaping ------------------------------------------------------


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_language_switch_and_notifications_do_not_redirect_off_site(officer_kp, client, target):
    client.force_login(officer_kp)
    for url, data in (
        (reverse("set_language"), {"language": "en", "next": target}),
        (reverse("core:notifications_read_all"), {"next": target}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302
        assert "evil.example" not in response.url, (url, response.url)


def test_uploaded_files_are_not_served_from_a_url(officer_kp, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "private" / "x").mkdir(parents=True)
    (tmp_path / "private" / "x" / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    client.force_login(officer_kp)
    for path in (
        f"{settings.MEDIA_URL}private/x/secret.pdf",
        "/media/private/x/secret.pdf",
        "/static/../var/media/private/x/secret.pdf",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        body = b"".join(response) if response.streaming else response.content
        assert b"%PDF-1.4 secret" not in body


XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_user_text_is_escaped_everywhere_it_is_shown(world, client):
    """Titles and names typed by users come back escaped on every page that shows them."""
    from campaign_portal.core.notifications import notify_unit

    world.objects["plan"].title = XSS
    world.objects["plan"].save()
    world.objects["key_work"].name = XSS
    world.objects["key_work"].save()
    world.objects["theme"].title = XSS
    world.objects["theme"].save()
    world.directive.subject = XSS
    world.directive.body = XSS
    world.directive.save()
    notify_unit(unit=world.province.krong_pac, message=XSS, url="/")
    pages = {
        world.officer_kp: ["pledges:owed", "pledges:submission_list", "core:notifications", "projects:list"],
        world.staff: ["reports:review_queue", "directives:list", "pledges:submission_list"],
        world.leader: ["reports:dashboard", "reports:matrix"],
    }
    details = [
        reverse("pledges:emulation_plan_detail", kwargs={"pk": world.pk("plan")}),
        reverse("pledges:commitment_detail", kwargs={"pk": world.pk("theme")}),
        reverse("projects:detail", kwargs={"pk": world.pk("key_work")}),
        reverse("directives:detail", kwargs={"pk": world.directive.pk}),
    ]
    problems = []
    for user, names in pages.items():
        client.force_login(user)
        urls = [reverse(name) for name in names] + (details if user == world.staff else [])
        for url in urls:
            body = client.get(url, {"directive": world.directive.pk}).content.decode()
            if "<script>alert" in body or "<img src=x" in body:
                problems.append(f"{url} as {user.username}")
    assert not problems, "unescaped user text on: " + ", ".join(problems)
