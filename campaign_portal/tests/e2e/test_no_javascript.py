"""Every HTMX shortcut has a plain-POST fallback: an officer files a plan with targets with JavaScript off."""

import re

import pytest

from .conftest import login
from .test_story import Story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class NoJsStory(Story):
    def logout(self):
        # The account menu is a Bootstrap dropdown (JavaScript); without it, end the session by dropping cookies.
        self.page.context.clear_cookies()


@pytest.fixture
def page_without_js(browser, browser_context_args, request):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_plan_with_targets_without_javascript(people, page_without_js, live_server, shoot):
    page = page_without_js
    base = live_server.url
    # Staff publish Letter 7019 (with JavaScript off too: the confirm dialog is JS-only, the form posts anyway).
    story = NoJsStory(page, base, shoot, prefix="nojs-")
    directive_id = story.staff_imports_and_publishes()
    assert directive_id
    login(page, base, "krongpac")
    story.open_owed_row("Kế hoạch phát động thi đua")
    story.fill(
        {
            "title": "Kế hoạch không cần JavaScript",
            "document_number": "7/KH-UBND",
            "document_date": "10/09/2019",
            "content": "Nội dung.",
        }
    )
    story.fill(
        {
            "targets-0-name": "Chỉ tiêu một",
            "targets-0-unit_of_measure": "%",
            "targets-0-target_value": "90",
            "targets-0-due_date": "31/12/2020",
        }
    )
    # Without HTMX the "add a row" button posts the whole form and the page comes back with one row more.
    page.get_by_role("button", name=re.compile("Thêm dòng chỉ tiêu")).click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("[name='targets-0-name']").input_value() == "Chỉ tiêu một", "typed data was lost"
    assert page.locator("[name='title']").input_value() == "Kế hoạch không cần JavaScript"
    page.locator("[name='targets-1-name']").wait_for()
    story.fill(
        {
            "targets-1-name": "Chỉ tiêu hai",
            "targets-1-unit_of_measure": "km",
            "targets-1-target_value": "12",
            "targets-1-due_date": "31/12/2020",
        }
    )
    shoot(page, "nojs-plan-two-targets")
    story.click("Lưu bản nháp")
    assert page.get_by_text("Chỉ tiêu một").first.is_visible()
    assert page.get_by_text("Chỉ tiêu hai").first.is_visible()
    shoot(page, "nojs-plan-saved")
