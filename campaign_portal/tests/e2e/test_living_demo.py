"""After seeding, the leader's first screen is the campaign running now, with units in every state."""

import pytest
from django.utils import timezone

from directives.models import Directive

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_opens_on_the_current_campaign_with_a_mix_of_states(demo, page, live_server, shoot, console):
    console.watch(page)
    current = Directive.objects.get(number="1286/UBND-TH").campaign
    login(page, live_server.url, "lanhdao")
    assert page.url.endswith("/bang-dieu-khien/") or "dashboard" in page.url or page.locator("main").is_visible()
    main = page.locator("main")
    text = main.inner_text()
    assert current.name in text, text[:500]
    assert f"năm {timezone.localdate().year}" in text or str(current.starts_on.year) in text
    for state in ("Đã chấp nhận", "Đã gửi, chờ duyệt", "Quá hạn", "Đang soạn", "Chưa thực hiện"):
        assert state in text, state
    assert "2.620 ngày" not in text  # the 2019 campaign is no longer the first screen
    shoot(page, "leader-dashboard-current-campaign")


def test_todays_commune_officer_sees_the_returned_plan(demo, page, live_server, shoot, console):
    console.watch(page)
    login(page, live_server.url, "xa.eakly")
    text = page.locator("main").inner_text()
    assert "1286/UBND-TH" in text and "Bị trả lại" in text, text[:800]
    assert "7019/UBND-TH" not in text  # a 2019 letter owes nothing to a 2025 commune
    shoot(page, "commune-officer-owed")
    # the history of the units Xã Ea Kly succeeded: read-only 2019 records of Xã Krông Búk and the old Xã Ea Kly
    page.goto(f"{live_server.url}/don-vi-nop/ho-so/")
    rows = page.locator("main table tbody tr")
    history = rows.filter(has_text="7019/UBND-TH").filter(has_text="Xã Krông Búk")
    assert history.count() >= 1
    history.first.locator("a").first.click()
    page.wait_for_load_state("domcontentloaded")
    text = page.locator("main").inner_text()
    assert "Xã Krông Búk" in text and "Sửa" not in page.locator("main a, main button").all_inner_texts()
    shoot(page, "commune-officer-reads-a-predecessor-record")
