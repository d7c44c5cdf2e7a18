"""The whole story of Letter 7019 in Chromium, as its users live it (issue 7, point 1).

Staff import the letter's text, correct a field and publish; the Krông Pắc district officer confirms
receipt, records the briefing, files a plan with targets and registers two key works (a third is
refused); the Ea Kly commune officer registers two breakthrough themes (the letter asks them of
communes and agencies); the Tân Lợi ward officer (Buôn Ma Thuột) files its themes; staff return one
submission, the officer fixes and resubmits, staff accept; a leader opens the dashboard, requests the
province PDF, waits for it, downloads it, and the PDF's text names the units and their states.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LETTER = Path(settings.BASE_DIR) / "directives" / "tests" / "samples" / "official-letter-7019.txt"


@pytest.fixture
def people(transactional_db):
    """The demo units and one user per role (no demo directive: the story imports Letter 7019 itself)."""
    from campaign_portal.core.management.commands.seed_demo import UNITS_FILE, Command
    from campaign_portal.core.unit_import import import_units

    import_units(UNITS_FILE)
    command = Command(stdout=open(os.devnull, "w"))  # noqa: SIM115
    command._users()


def click(page, name, *, exact=False):
    page.get_by_role("button", name=name, exact=exact).first.click()
    page.wait_for_load_state("domcontentloaded")


def staff_imports_and_publishes(page, base, shoot) -> int:
    login(page, base, "canbo.tinh")
    page.goto(f"{base}/van-ban/nhap-tu-van-ban/")
    page.locator("textarea[name=text]").fill(LETTER.read_text(encoding="utf-8"))
    shoot(page, "staff-pastes-letter-7019")
    click(page, re.compile("Đọc văn bản"))
    assert page.locator("input[name=number]").input_value() == "7019/UBND-TH"
    shoot(page, "staff-sees-prefilled-form")
    # Correct a field the parser could not read: the signer's name.
    page.locator("[name=signer_name]").fill("Nguyễn Tuấn Hà")
    click(page, re.compile("Lưu dự thảo"))
    shoot(page, "staff-preview")
    page.on("dialog", lambda dialog: dialog.accept())
    click(page, re.compile("Ban hành"))
    assert "/van-ban/" in page.url
    shoot(page, "staff-published")
    directive_id = int(re.search(r"/van-ban/(\d+)/", page.url).group(1))
    logout(page)
    return directive_id


def open_owed_row(page, base, requirement_title):
    """From "what my unit owes", follow the file/add button of the row for that requirement."""
    page.goto(f"{base}/don-vi-nop/")
    row = page.locator("tr, .owed-row, .card").filter(has_text=requirement_title).last
    row.locator("a.btn-primary").first.click()
    page.wait_for_load_state("domcontentloaded")


def submit_for_review(page):
    click(page, re.compile("Gửi duyệt|Gửi lại"))
    assert page.get_by_text(re.compile("Đã gửi|chờ duyệt", re.IGNORECASE)).first.is_visible()


def fill_form(page, values: dict):
    for name, value in values.items():
        field = page.locator(f"[name='{name}']").first
        tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            if value is None:
                field.select_option(index=1)
            else:
                field.select_option(value)
        elif tag.endswith(":checkbox"):
            field.check()
        else:
            field.fill(value)


def officer_kp_files(page, base, shoot, directive_id) -> dict:
    """Confirm receipt, brief the staff, file a plan with three targets, register two key works."""
    urls = {}
    login(page, base, "krongpac")
    shoot(page, "kp-owed")
    page.goto(f"{base}/van-ban/{directive_id}/")
    click(page, re.compile("Xác nhận đã nhận"))
    shoot(page, "kp-receipt-confirmed")

    open_owed_row(page, base, "Quán triệt")
    fill_form(
        page,
        {
            "title": "Hội nghị quán triệt Công văn 7019",
            "held_on": "05/09/2019",
            "form": None,
            "leaders": "12",
            "civil_servants": "85",
            "party_members": "60",
            "workers": "20",
        },
    )
    shoot(page, "kp-briefing-form")
    click(page, re.compile("Lưu bản nháp"))
    submit_for_review(page)
    urls["briefing"] = page.url
    shoot(page, "kp-briefing-submitted")

    open_owed_row(page, base, "Kế hoạch phát động thi đua")
    fill_form(
        page,
        {
            "title": "Kế hoạch phát động thi đua chào mừng 80 năm Đảng bộ tỉnh",
            "document_number": "125/KH-UBND",
            "document_date": "10/09/2019",
            "content": "Phát động thi đua trong toàn huyện.",
        },
    )
    targets = [
        ("Tỷ lệ hộ nghèo giảm", "%", "8,5", "5", "31/12/2020"),
        ("Đường giao thông nông thôn được cứng hóa", "km", "120", "150", "31/10/2020"),
        ("Xã đạt chuẩn nông thôn mới", "xã", "4", "6", "30/11/2020"),
    ]
    for i, (name, uom, baseline, target, due) in enumerate(targets):
        if not page.locator(f"[name='targets-{i}-name']").count():
            page.get_by_role("button", name=re.compile("Thêm dòng chỉ tiêu")).click()
            page.locator(f"[name='targets-{i}-name']").wait_for()
        fill_form(
            page,
            {
                f"targets-{i}-name": name,
                f"targets-{i}-unit_of_measure": uom,
                f"targets-{i}-baseline": baseline,
                f"targets-{i}-target_value": target,
                f"targets-{i}-due_date": due,
            },
        )
    shoot(page, "kp-plan-form-with-targets")
    click(page, re.compile("Lưu bản nháp"))
    for name, *_ in targets:
        assert page.get_by_text(name).first.is_visible()
    submit_for_review(page)
    urls["plan"] = page.url
    shoot(page, "kp-plan-submitted")

    works = [
        ("Đường giao thông liên xã Ea Kly – Ea Kuăng", "2019-09-12"),
        ("Trường THCS Phan Bội Châu – khối phòng học", "2019-09-12"),
    ]
    for i, (name, _registered) in enumerate(works):
        open_owed_row(page, base, "Công trình trọng điểm")
        urls["work_create"] = page.url
        fill_form(
            page,
            {
                "name": name,
                "kind": None,
                "sector": None,
                "registered_on": "12/09/2019",
                "planned_date": "23/11/2020",
                "investor": "UBND huyện Krông Pắc",
                "total_investment": "12.500.000.000",
            },
        )
        shoot(page, f"kp-key-work-{i + 1}-form")
        click(page, "Lưu", exact=True)
        assert page.get_by_role("heading", name=re.compile(re.escape(name[:20]))).first.is_visible()
        click(page, re.compile("Gửi duyệt"))
        urls[f"work{i + 1}"] = page.url
        shoot(page, f"kp-key-work-{i + 1}-submitted")
    # The owed page offers no third; the registration page itself refuses it, naming the directive and quota.
    page.goto(f"{base}/don-vi-nop/")
    shoot(page, "kp-owed-after-filing")
    page.goto(urls["work_create"])
    if page.locator("[name=name]").count():
        fill_form(
            page,
            {
                "name": "Công trình thứ ba",
                "kind": None,
                "sector": None,
                "registered_on": "12/09/2019",
                "planned_date": "23/11/2020",
                "investor": "UBND huyện",
                "total_investment": "1.000.000",
            },
        )
        click(page, "Lưu", exact=True)
    refusal = page.get_by_text(re.compile("không thể đăng ký thêm|Không thể thêm"))
    assert refusal.first.is_visible(), page.url
    assert page.get_by_text(re.compile("7019/UBND-TH")).first.is_visible()
    shoot(page, "kp-third-key-work-refused")
    logout(page)
    return urls


def commune_files_themes(page, base, shoot, username, themes) -> list[str]:
    """A commune/ward officer registers its breakthrough themes (the letter asks them of communes)."""
    login(page, base, username)
    urls = []
    for i, title in enumerate(themes):
        open_owed_row(page, base, "Chủ điểm thi đua cần đột phá")
        fill_form(
            page,
            {
                "field": None,
                "title": title,
                "description": "Thực trạng, giải pháp và lộ trình.",
                "expected_result": "Hoàn thành trước 23/11/2020.",
            },
        )
        if i == 0:
            shoot(page, f"{username}-theme-form")
        click(page, re.compile("Lưu bản nháp"))
        submit_for_review(page)
        urls.append(page.url)
    shoot(page, f"{username}-themes-submitted")
    logout(page)
    return urls


def review(page, url, decision, comment=""):
    page.goto(url)
    if comment:
        page.locator("textarea[name=comment]").fill(comment)
    click(page, re.compile(decision))


def staff_returns_then_accepts(page, base, shoot, plan_url):
    login(page, base, "canbo.tinh")
    page.goto(f"{base}/bao-cao/cho-duyet/")
    assert page.get_by_text("Kế hoạch phát động thi đua chào mừng").first.is_visible()
    shoot(page, "staff-review-queue")
    review(page, plan_url, "Trả lại", "Bổ sung chỉ tiêu về cải cách hành chính.")
    assert page.locator(".badge", has_text="Bị trả lại").first.is_visible()
    shoot(page, "staff-returned-plan")
    logout(page)

    login(page, base, "krongpac")
    page.goto(plan_url)
    assert page.get_by_text("Bổ sung chỉ tiêu về cải cách hành chính.").first.is_visible()
    page.get_by_role("link", name=re.compile("Sửa")).first.click()
    page.wait_for_load_state("domcontentloaded")
    page.locator("[name=content]").fill("Phát động thi đua trong toàn huyện; bổ sung chỉ tiêu cải cách hành chính.")
    click(page, re.compile("Lưu"))
    submit_for_review(page)
    shoot(page, "kp-resubmitted-plan")
    logout(page)

    login(page, base, "canbo.tinh")
    review(page, plan_url, "Chấp nhận")
    assert page.locator(".badge", has_text="Đã chấp nhận").first.is_visible()
    shoot(page, "staff-accepted-plan")
    logout(page)


def test_story_of_letter_7019(people, page, live_server, shoot, console):
    console.watch(page)
    base = live_server.url
    directive_id = staff_imports_and_publishes(page, base, shoot)
    kp = officer_kp_files(page, base, shoot, directive_id)
    commune_files_themes(page, base, shoot, "eakly", ["Cải cách hành chính một cửa", "Xây dựng nông thôn mới"])
    commune_files_themes(page, base, shoot, "tanloi", ["Chỉnh trang đô thị văn minh"])
    staff_returns_then_accepts(page, base, shoot, kp["plan"])
