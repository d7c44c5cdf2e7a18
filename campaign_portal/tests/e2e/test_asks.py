"""A letter of today, to today's units, with the four ways letters ask (issue 11), in Chromium.

Staff paste it; the form proposes a monthly ask with its due day, a deadline of 15 working days from
receipt, a task given to Sở Tài chính with Sở Nội vụ co-operating, the closing follow-up as its own
ask, and the signer; staff confirm and publish. Sở Tài chính's officer finds the lead task on its
page; another department's officer does not, but finds the relative ask. The letter belongs to a
campaign begun three months ago, so a commune owes last month's report too: Ea Kly's officer files
it from the link for that month, and the matrix shown for last month turns Ea Kly's cell to sent.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import Role, Unit
from campaign_portal.core.tests.factories import make_user
from directives.models import Campaign
from directives.schedule import WorkCalendar

from .conftest import DEMO_PASSWORD, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def todays_letter() -> str:
    today = timezone.localdate()
    return f"""ỦY BAN NHÂN DÂN
TỈNH ĐẮK LẮK

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 9215/UBND-NC
V/v triển khai phong trào thi đua "Chính quyền hai cấp phục vụ Nhân dân"

Đắk Lắk, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}

Kính gửi:
- Các sở, ban, ngành;
- UBND các xã, phường.

UBND tỉnh yêu cầu các cơ quan, đơn vị thực hiện các nội dung sau:

1. UBND các xã, phường tổ chức phát động phong trào tại địa phương; định kỳ hằng tháng báo cáo kết quả về Sở Nội vụ trước ngày 20 hằng tháng.

2. Trong thời hạn 15 ngày làm việc kể từ ngày nhận được văn bản này, các sở, ban, ngành xây dựng kế hoạch hưởng ứng phong trào, gửi về Sở Nội vụ.

3. Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ tham mưu bố trí kinh phí khen thưởng phong trào.

Giao Sở Nội vụ theo dõi, đôn đốc, tổng hợp, báo cáo UBND tỉnh kết quả thực hiện.

Nơi nhận:                                  KT. CHỦ TỊCH
- Như trên;                                PHÓ CHỦ TỊCH
- Lưu: VT, NC.
                                           (Đã ký)

                                           H' Yim Kđoh
"""


def month_start(shift: int) -> datetime.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 + shift
    return datetime.date(index // 12, index % 12 + 1, 1)


def selected(page, name):
    return page.locator(f"select[name={name}] option:checked").all_inner_texts()


def test_a_letter_of_today_with_the_four_ways_of_asking(people, page, live_server, shoot, console):
    console.watch(page)
    # Publishing lists ~120 recipients and the matrix has ~120 rows: on a loaded 2-core machine a
    # step can take longer than the usual 10 s (the test checks behaviour, not speed).
    page.set_default_timeout(45_000)
    base = live_server.url
    campaign = Campaign.objects.create(
        name="Phong trào thi đua “Chính quyền hai cấp phục vụ Nhân dân”",
        organiser=Unit.objects.get(code="DLK"),
        starts_on=month_start(-3),
        ends_on=month_start(4) - datetime.timedelta(days=1),
    )
    health = Unit.objects.get(code="DLK-SYT")
    make_user(unit=health, role=Role.OFFICER, username="soyte").set_password(DEMO_PASSWORD)
    officer = type(health)._meta.apps.get_model("core", "User").objects.get(username="soyte")
    officer.set_password(DEMO_PASSWORD)
    officer.save()

    login(page, base, "canbo.tinh")
    page.goto(f"{base}/van-ban/nhap-tu-van-ban/")
    page.locator("textarea[name=text]").fill(todays_letter())
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("input[name=signer_name]").input_value() == "H' Yim Kđoh"
    assert page.locator("input[name=number]").input_value() == "9215/UBND-NC"
    assert page.locator(".requirement-row").count() == 4
    # 1: monthly, due on the 20th, owed by every commune (no lead unit).
    assert selected(page, "req-0-recurrence") == ["Hằng tháng"]
    assert page.locator("[name=req-0-due_days]").input_value() == "20"
    assert selected(page, "req-0-lead_unit") == ["— Không: mọi đơn vị được áp dụng —"]
    # 2: 15 working days from each unit's receipt.
    assert page.locator("[name=req-1-relative_days]").input_value() == "15"
    assert selected(page, "req-1-relative_from") == ["Ngày đơn vị nhận được văn bản"]
    assert page.locator("[name=req-1-relative_working_days]").is_checked()
    # 3: Sở Tài chính leads, Sở Nội vụ co-operates; 4: the follow-up is its own ask, owed by Sở Nội vụ.
    assert selected(page, "req-2-lead_unit") == ["Sở Tài chính"]
    assert selected(page, "req-2-cooperating_units") == ["Sở Nội vụ"]
    assert page.locator("[name=req-3-ordinal]").input_value() == "Theo dõi"
    assert selected(page, "req-3-lead_unit") == ["Sở Nội vụ"]
    page.locator(".requirement-row").nth(2).scroll_into_view_if_needed()
    shoot(page, "staff-sees-the-proposed-asks")
    page.locator("select[name=campaign]").select_option(label=campaign.name)  # the monthly ask spans it

    # A wrong correction is refused beside its field and nothing typed is lost.
    page.locator("[name=req-0-due_days]").fill("32")
    page.get_by_role("button", name="Lưu dự thảo và xem trước").click()
    page.wait_for_load_state("domcontentloaded")
    error = page.locator("#error_1_id_req-0-due_days")
    assert "“32” không phải ngày hợp lệ" in error.inner_text()
    assert page.locator("[name=req-1-relative_days]").input_value() == "15"
    error.scroll_into_view_if_needed()
    shoot(page, "staff-sees-the-message-beside-the-field")
    page.locator("[name=req-0-due_days]").fill("20")
    page.get_by_role("button", name="Lưu dự thảo và xem trước").click()
    page.wait_for_load_state("domcontentloaded")
    preview = page.locator("main").inner_text()
    assert "Hằng tháng, hạn 20" in preview
    assert "15 ngày làm việc kể từ ngày đơn vị nhận được văn bản" in preview
    assert "Chủ trì: Sở Tài chính · Phối hợp: Sở Nội vụ" in preview
    shoot(page, "staff-preview")
    page.get_by_role("link", name=re.compile(r"^\s*Ban hành\s*$")).first.click()
    page.wait_for_load_state("domcontentloaded")
    # The confirmation lists the recipients: Sở Nội vụ co-operates, so it receives the letter too.
    page.get_by_role("button", name=re.compile(r"Ban hành và gửi \d+ đơn vị")).click()
    page.wait_for_load_state("domcontentloaded")
    directive_id = int(re.search(r"/van-ban/(\d+)/", page.url).group(1))
    logout(page)

    login(page, base, "sotaichinh")
    page.goto(f"{base}/don-vi-nop/")
    owed = page.locator("main").inner_text()
    assert "tham mưu bố trí kinh phí" in owed  # the item's title, cut at a word at 80 characters
    shoot(page, "finance-owes-the-lead-task")
    logout(page)

    login(page, base, "soyte")
    page.goto(f"{base}/van-ban/{directive_id}/")
    page.get_by_role("button", name="Xác nhận đã nhận").first.click()
    # The button answers by HTMX (no new page): leave only once the notice of the saved receipt is shown.
    page.get_by_text("Đơn vị đã xác nhận nhận văn bản").wait_for()
    page.goto(f"{base}/don-vi-nop/")
    owed = page.locator("main").inner_text()
    assert "tham mưu bố trí kinh phí khen thưởng" not in owed
    assert "9215/UBND-NC" in owed
    # Its own deadline: 15 working days from the day it confirmed receipt (weekends and holidays skipped).
    due = WorkCalendar().add_working_days(timezone.localdate(), 15)
    assert f"hạn {due:%d/%m/%Y}" in owed
    assert "15 ngày làm việc kể từ ngày đơn vị nhận được văn bản" in owed
    shoot(page, "health-does-not-owe-the-lead-task")

    logout(page)

    # Ea Kly owes every month of the campaign begun so far; it files last month's report from its link.
    last = month_start(-1)
    key, words = f"{last.year}-{last.month:02d}", f"Tháng {last.month}/{last.year}"
    ea_kly = Unit.objects.get(code="24496")
    login(page, base, "xa.eakly")
    page.goto(f"{base}/don-vi-nop/")
    owed = page.locator("main").inner_text()
    assert f"{words} · hạn 20/{last.month:02d}/{last.year}" in owed
    page.get_by_role("link", name=f"Nộp cho {words}").click()
    page.wait_for_load_state("domcontentloaded")
    assert selected(page, "period")[0].startswith(words)  # the month of the link, already chosen
    assert "(quá hạn)" in selected(page, "period")[0]
    shoot(page, "ea-kly-files-last-months-report")
    page.locator("input[name=title]").fill(f"Báo cáo kết quả phong trào {words.lower()}")
    for name, value in (("held_on", f"{last + datetime.timedelta(days=9):%d/%m/%Y}"), ("attendees_total", "")):
        field = page.locator(f"input[name={name}]")
        if field.count():
            field.fill(value)
    narrative = page.locator("textarea[name=narrative]")
    if narrative.count():
        narrative.fill("Đã tổ chức phát động phong trào tại 12 buôn.")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("[data-period]").inner_text() == words  # the record names its month
    page.get_by_role("button", name="Gửi duyệt").click()
    page.wait_for_load_state("domcontentloaded")
    detail = page.locator("main").inner_text()
    assert "Đã gửi, chờ duyệt" in detail and "Gửi trễ hạn" in detail  # late against last month's 20th
    shoot(page, "ea-kly-sent-last-months-report")
    logout(page)

    login(page, base, "canbo.tinh")
    matrix = reverse("reports:matrix")
    page.goto(f"{base}{matrix}?directive={directive_id}&period={key}&all=1")
    cell = page.locator(f'td[data-state="sent"] a[title="{ea_kly.name}"]')
    assert cell.count() == 1  # last month's cell of Ea Kly: sent, awaiting review
    assert f"({words})" in page.locator("thead").first.inner_text()
    cell.scroll_into_view_if_needed()
    shoot(page, "matrix-of-last-month-shows-ea-kly-sent")
    page.goto(f"{base}{matrix}?directive={directive_id}&all=1")  # this month: Ea Kly has sent nothing
    assert page.locator(f'td[data-state="sent"] a[title="{ea_kly.name}"]').count() == 0
