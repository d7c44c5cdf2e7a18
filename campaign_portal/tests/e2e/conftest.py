"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Screenshots of every step go to test-artifacts/screenshots/<test name>/NN-step.png (gitignored).
Without /usr/bin/chromium the tests skip locally and fail in CI.
"""

import itertools
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from campaign_portal.testing import IN_CI

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "demo1234"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is needed for the browser tests (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    home = tmp_path_factory.mktemp("chromium-home")
    env = {**os.environ, "XDG_CONFIG_HOME": str(home / "config"), "XDG_CACHE_HOME": str(home / "cache")}
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "env": env}


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-playwright's own (a class-bound session fixture that pytest 9 deprecates)."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "viewport": {"width": 1280, "height": 900},
    }


# A step may wait this long for its element. In a parallel run the other worker shares the two cores (OCR,
# real processes), so a step that takes 3 s alone can take over 10 s; a failing test still fails, later.
STEP_TIMEOUT_MS = 30_000

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def phone_page(browser, browser_context_args, request):
    """A page in a 390×844 phone-sized context."""
    context = browser.new_context(**{**browser_context_args, **PHONE})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    yield page
    _screenshot_on_failure(request, page)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _screenshot_on_failure(request, page):
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(folder / "99-failure.png"), full_page=True)
            print(f"failure screenshot: {folder / '99-failure.png'}")
        except Exception as exc:
            print(f"no failure screenshot: {exc}")


@pytest.fixture
def page(context, request):
    """A page whose steps wait STEP_TIMEOUT_MS for their element; on failure its last state is saved."""
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    yield page
    _screenshot_on_failure(request, page)


@pytest.fixture
def demo(transactional_db):
    """The demo data of `make run` (units, one user per role, Letter 7019 and what the apps seed)."""
    with open(os.devnull, "w") as sink:
        call_command("seed_demo", stdout=sink)


@pytest.fixture
def people(transactional_db):
    """The demo units and one user per role (no demo directive: the story imports Letter 7019 itself)."""
    from devtools.management.commands.seed_demo import Command

    with open(os.devnull, "w") as sink:
        Command(stdout=sink)._units()
        Command(stdout=sink)._users()


@pytest.fixture
def shoot(request):
    """shoot(page, "step") → test-artifacts/screenshots/<test>/NN-step.png (full page); prints the path."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = itertools.count(1)

    def take(page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower()).strip('-')}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    return take


class Console:
    """Errors the page reports (JavaScript errors and CSP violations)."""

    def __init__(self):
        self.errors = []

    # A form re-rendered with its errors may answer 400/409 on purpose; the browser logs that as a failed load.
    EXPECTED = re.compile(r"Failed to load resource: the server responded with a status of (400|409)")

    def watch(self, page):
        page.on(
            "console",
            lambda msg: msg.type == "error" and not self.EXPECTED.search(msg.text) and self.errors.append(msg.text),
        )
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page


@pytest.fixture
def console():
    watcher = Console()
    yield watcher
    assert not watcher.errors, f"browser console errors: {watcher.errors}"


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD):
    page.goto(f"{base_url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    assert "/dang-nhap/" not in page.url, f"login as {username} failed: {page.url}"


def logout(page):
    # The footer's log-out button works without opening the menu (and without JavaScript).
    page.locator("footer form[action$='/dang-xuat/'] button").click()
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture
def xdg_tmp():
    path = tempfile.mkdtemp(prefix="cp-e2e-")
    yield Path(path)
    shutil.rmtree(path, ignore_errors=True)
