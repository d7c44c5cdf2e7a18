"""The whole story of Letter 7019 in Chromium, as its users live it (issue 7, point 1).

Staff import the letter's text, correct a field and publish; the Krông Pắc district officer confirms
receipt, records the briefing, files a plan with targets and registers two key works (a third is
refused); the Ea Kly commune officer registers two breakthrough themes (the letter asks them of
communes and agencies); the Tân Lợi ward officer (Buôn Ma Thuột) files its theme; staff return one
submission, the officer fixes and resubmits, staff accept; a leader opens the dashboard, requests the
province PDF, waits for it, downloads it, and the PDF's text names the units and their states.

The same story's main part runs once in English (labels looked up in the same translation catalogs
the pages use) and once on a 390×844 phone.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LETTER = Path(settings.BASE_DIR) / "directives" / "tests" / "samples" / "official-letter-7019.txt"


@pytest.fixture
def jobs(request):
    """A real Celery worker on Redis when REDIS_URL is set (CI); eager execution otherwise."""
    if os.environ.get("REDIS_URL"):
        request.getfixturevalue("celery_live")
        return "celery worker on Redis"
    return "eager"


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


class Story:
    """The steps, driven through the pages in one language, with a screenshot after each."""

    def __init__(self, page, base, shoot, *, language="vi", prefix=""):
        self.page, self.base, self.shoot, self.language, self.prefix = page, base, shoot, language, prefix
        self.urls = {}

    # --- helpers ----------------------------------------------------------------------------------

    def _(self, text: str) -> str:
        with translation.override(self.language):
            return translation.gettext(text)

    def label(self, text: str, *, exact=False):
        translated = re.escape(self._(text))
        return re.compile(f"^\\s*{translated}\\s*$" if exact else translated)

    def snap(self, step):
        self.shoot(self.page, f"{self.prefix}{step}")

    def click(self, text, *, exact=False):
        self.page.get_by_role("button", name=self.label(text, exact=exact)).first.click()
        self.page.wait_for_load_state("domcontentloaded")

    def login(self, username):
        login(self.page, self.base, username)
        if self.language != "vi" and self.page.locator("html").get_attribute("lang") != self.language:
            self._open_menu()
            self.page.locator(f"form.lang-switch button[value={self.language}]").click()
            self.page.wait_for_load_state("domcontentloaded")
        assert self.page.locator("html").get_attribute("lang") == self.language

    def _open_menu(self):
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible() and not self.page.locator("#mainnav.show").count():
            toggler.click()
            self.page.locator("#mainnav.show").wait_for()

    def logout(self):
        # The menu's log-out (a JavaScript dropdown, collapsed on phones) and the footer's one both post here.
        self._open_menu()
        self.page.locator("nav .dropdown-toggle").last.click()
        self.page.locator("nav form[action$='/dang-xuat/'] button").click()
        self.page.wait_for_load_state("domcontentloaded")
        assert "/dang-nhap/" in self.page.url

    def fill(self, values: dict):
        for name, value in values.items():
            field = self.page.locator(f"[name='{name}']").first
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(index=1) if value is None else field.select_option(value)
            else:
                field.fill(value)

    def open_owed_row(self, kind_label):
        """From "what my unit owes", follow the file/add button of the row for that kind of requirement."""
        self.page.goto(f"{self.base}/don-vi-nop/")
        names = re.compile(f"{re.escape(kind_label)}|{re.escape(self._(kind_label))}")
        row = self.page.locator("tr, .card").filter(has_text=names).last
        row.locator("a.btn-primary").first.click()
        self.page.wait_for_load_state("domcontentloaded")

    def submit_for_review(self):
        self.page.get_by_role(
            "button", name=re.compile(f"{self.label('Gửi duyệt').pattern}|{self.label('Gửi lại').pattern}")
        ).first.click()
        self.page.wait_for_load_state("domcontentloaded")
        assert self.page.locator(".badge", has_text=self._("Đã gửi, chờ duyệt")).first.is_visible()

    # --- the steps --------------------------------------------------------------------------------

    def staff_imports_and_publishes(self) -> int:
        self.login("canbo.tinh")
        self.page.goto(f"{self.base}/van-ban/nhap-tu-van-ban/")
        self.page.locator("textarea[name=text]").fill(LETTER.read_text(encoding="utf-8"))
        self.snap("staff-pastes-letter-7019")
        self.click("Đọc văn bản")
        assert self.page.locator("input[name=number]").input_value() == "7019/UBND-TH"
        self.snap("staff-sees-prefilled-form")
        # Correct a field the parser could not read: the signer's name.
        self.page.locator("[name=signer_name]").fill("Nguyễn Tuấn Hà")
        self.click("Lưu dự thảo và xem trước")
        self.snap("staff-preview")
        # The preview shows the recipients; "Ban hành" opens the confirmation, which lists them again.
        # wait_for: the click starts the navigation, domcontentloaded may still be the form's (count() does not wait)
        self.page.locator("[data-recipient-count]").first.wait_for()
        assert self.page.locator("[data-recipient-count]").count()
        self.page.get_by_role("link", name=self.label("Ban hành", exact=True)).first.click()
        self.page.wait_for_load_state("domcontentloaded")
        assert int(self.page.locator("[data-recipient-count]").get_attribute("data-recipient-count")) > 0
        self.snap("staff-confirms-recipients")
        self.page.locator("form.publish-form button[type=submit]").click()
        self.page.wait_for_load_state("domcontentloaded")
        self.snap("staff-published")
        directive_id = int(re.search(r"/van-ban/(\d+)/", self.page.url).group(1))
        self.logout()
        return directive_id

    def officer_confirms_and_briefs(self, directive_id):
        self.login("krongpac")
        self.snap("kp-owed")
        self.page.goto(f"{self.base}/van-ban/{directive_id}/")
        self.click("Xác nhận đã nhận")
        self.snap("kp-receipt-confirmed")
        self.open_owed_row("Quán triệt")
        self.fill(
            {
                "title": "Hội nghị quán triệt Công văn 7019",
                "held_on": "05/09/2019",
                "form": None,
                "leaders": "12",
                "civil_servants": "85",
                "party_members": "60",
                "workers": "20",
            }
        )
        self.snap("kp-briefing-form")
        self.click("Lưu bản nháp")
        self.submit_for_review()
        self.urls["briefing"] = self.page.url
        self.snap("kp-briefing-submitted")

    def officer_files_plan(self):
        self.open_owed_row("Kế hoạch phát động thi đua")
        self.fill(
            {
                "title": "Kế hoạch phát động thi đua chào mừng 80 năm Đảng bộ tỉnh",
                "document_number": "125/KH-UBND",
                "document_date": "10/09/2019",
                "content": "Phát động thi đua trong toàn huyện.",
            }
        )
        targets = [
            ("Tỷ lệ hộ nghèo giảm", "%", "8,5", "5", "31/12/2020"),
            ("Đường giao thông nông thôn được cứng hóa", "km", "120", "150", "31/10/2020"),
            ("Xã đạt chuẩn nông thôn mới", "xã", "4", "6", "30/11/2020"),
        ]
        for i, (name, uom, baseline, target, due) in enumerate(targets):
            if not self.page.locator(f"[name='targets-{i}-name']").count():
                self.page.get_by_role("button", name=self.label("Thêm dòng chỉ tiêu")).click()  # HTMX adds a row
                self.page.locator(f"[name='targets-{i}-name']").wait_for()
            self.fill(
                {
                    f"targets-{i}-name": name,
                    f"targets-{i}-unit_of_measure": uom,
                    f"targets-{i}-baseline": baseline,
                    f"targets-{i}-target_value": target,
                    f"targets-{i}-due_date": due,
                }
            )
        self.snap("kp-plan-form-with-targets")
        self.click("Lưu bản nháp")
        for name, *_ in targets:
            assert self.page.get_by_text(name).first.is_visible()
        self.submit_for_review()
        self.urls["plan"] = self.page.url
        self.snap("kp-plan-submitted")

    def officer_registers_key_works(self):
        works = ["Đường giao thông liên xã Ea Kly – Ea Kuăng", "Trường THCS Phan Bội Châu – khối phòng học"]
        for i, name in enumerate(works):
            self.open_owed_row("Công trình trọng điểm")
            self.urls["work_create"] = self.page.url
            self.fill(
                {
                    "name": name,
                    "kind": None,
                    "sector": None,
                    "registered_on": "12/09/2019",
                    "planned_date": "23/11/2020",
                    "investor": "UBND huyện Krông Pắc",
                    "total_investment": "12.500.000.000",
                }
            )
            self.snap(f"kp-key-work-{i + 1}-form")
            self.click("Lưu", exact=True)
            assert self.page.get_by_role("heading", name=re.compile(re.escape(name[:20]))).first.is_visible()
            self.click("Gửi duyệt")
            self.snap(f"kp-key-work-{i + 1}-submitted")
        # "What my unit owes" offers no third; the registration page itself refuses it, naming the letter and quota.
        self.page.goto(f"{self.base}/don-vi-nop/")
        self.snap("kp-owed-after-filing")
        self.page.goto(self.urls["work_create"])
        if self.page.locator("[name=name]").count():
            self.fill(
                {
                    "name": "Công trình thứ ba",
                    "kind": None,
                    "sector": None,
                    "registered_on": "12/09/2019",
                    "planned_date": "23/11/2020",
                    "investor": "UBND huyện",
                    "total_investment": "1.000.000",
                }
            )
            self.click("Lưu", exact=True)
        assert self.page.get_by_text(
            re.compile("không thể đăng ký thêm|Không thể thêm|đã đăng ký đủ")
        ).first.is_visible()
        assert self.page.get_by_text(re.compile("7019/UBND-TH")).first.is_visible()
        self.snap("kp-third-key-work-refused")
        self.logout()

    def commune_files_themes(self, username, themes):
        self.login(username)
        for i, title in enumerate(themes):
            self.open_owed_row("Chủ điểm thi đua cần đột phá")
            self.fill(
                {
                    "field": None,
                    "title": title,
                    "description": "Thực trạng, giải pháp và lộ trình.",
                    "expected_result": "Hoàn thành trước 23/11/2020.",
                }
            )
            if i == 0:
                self.snap(f"{username}-theme-form")
            self.click("Lưu bản nháp")
            self.submit_for_review()
        self.snap(f"{username}-themes-submitted")
        self.logout()

    def review(self, url, decision, comment=""):
        self.page.goto(url)
        if comment:
            self.page.locator("textarea[name=comment]").fill(comment)
        self.click(decision, exact=True)

    def staff_returns_officer_fixes_staff_accepts(self, url, title):
        self.login("canbo.tinh")
        self.page.goto(f"{self.base}/bao-cao/cho-duyet/")
        assert self.page.get_by_text(title).first.is_visible()
        self.snap("staff-review-queue")
        self.review(url, "Trả lại", "Bổ sung chỉ tiêu về cải cách hành chính.")
        assert self.page.locator(".badge", has_text=self._("Bị trả lại")).first.is_visible()
        self.snap("staff-returned")
        self.logout()

        self.login("krongpac")
        self.page.goto(url)
        assert self.page.get_by_text("Bổ sung chỉ tiêu về cải cách hành chính.").first.is_visible()
        self.page.get_by_role("link", name=self.label("Sửa")).first.click()
        self.page.wait_for_load_state("domcontentloaded")
        field = "content" if self.page.locator("[name=content]").count() else "notes"
        self.page.locator(f"[name={field}]").fill("Đã bổ sung chỉ tiêu cải cách hành chính.")
        self.page.locator("form.pledge-form button[type=submit]").last.click()
        self.page.wait_for_load_state("domcontentloaded")
        self.submit_for_review()
        self.snap("kp-resubmitted")
        self.logout()

        self.login("canbo.tinh")
        self.review(url, "Chấp nhận")
        assert self.page.locator(".badge", has_text=self._("Đã chấp nhận")).first.is_visible()
        self.snap("staff-accepted")
        self.logout()

    def leader_gets_the_province_pdf(self, directive_id, folder: Path) -> str:
        self.login("lanhdao")
        assert self.page.url.endswith("/bao-cao/tong-quan/")
        self.snap("leader-dashboard")
        assert self.page.get_by_text("Krông Pắc").filter(visible=True).count() >= 1
        self.page.get_by_role("link", name=self.label("Lập báo cáo")).first.click()
        self.page.wait_for_load_state("domcontentloaded")
        self.fill({"kind": "province_compliance", "source": f"directive:{directive_id}", "format": "pdf"})
        self.snap("leader-requests-province-pdf")
        self.click("Lập báo cáo")
        with translation.override(self.language):
            download_name = translation.gettext("Tải về (%(fmt)s)") % {"fmt": "PDF"}
        link = self.page.get_by_role("link", name=re.compile(re.escape(download_name)))
        link.wait_for(state="visible", timeout=90_000)  # the status block polls every 2 s (HTMX)
        self.snap("leader-report-ready")
        with self.page.expect_download() as info:
            link.click()
        target = folder / f"{self.prefix}province-report.pdf"
        info.value.save_as(target)
        assert target.read_bytes().startswith(b"%PDF-")
        self.logout()
        return pdf_text(target)


def check_pdf(text: str, *, language="vi"):
    for unit in ("7019/UBND-TH", "Krông Pắc", "Ea Kly", "Tân Lợi"):
        assert unit in text, f"{unit!r} missing from the province PDF"
    if language == "vi":
        assert "Huyện Krông Pắc" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.replace("HÒA", "HÒA")
        assert "CÔNG TRÌNH TRỌNG ĐIỂM" in text
        assert "Quá hạn" in text or "quá hạn" in text


def test_story_of_letter_7019(people, jobs, page, live_server, shoot, console, tmp_path):
    console.watch(page)
    story = Story(page, live_server.url, shoot)
    directive_id = story.staff_imports_and_publishes()
    story.officer_confirms_and_briefs(directive_id)
    story.officer_files_plan()
    story.officer_registers_key_works()
    story.commune_files_themes("eakly", ["Cải cách hành chính một cửa", "Xây dựng nông thôn mới"])
    story.commune_files_themes("tanloi", ["Chỉnh trang đô thị văn minh"])
    story.staff_returns_officer_fixes_staff_accepts(story.urls["plan"], "Kế hoạch phát động thi đua chào mừng")
    text = story.leader_gets_the_province_pdf(directive_id, tmp_path)
    print(f"jobs: {jobs}\n{text[:1500]}")
    check_pdf(text)


def test_story_in_english(people, jobs, page, live_server, shoot, console, tmp_path):
    """The main part in English: publish, brief, theme, return/resubmit/accept, the leader's PDF."""
    console.watch(page)
    story = Story(page, live_server.url, shoot, language="en")
    directive_id = story.staff_imports_and_publishes()
    story.officer_confirms_and_briefs(directive_id)
    story.logout()
    story.commune_files_themes("eakly", ["Cải cách hành chính một cửa"])
    story.commune_files_themes("tanloi", ["Chỉnh trang đô thị văn minh"])
    story.staff_returns_officer_fixes_staff_accepts(story.urls["briefing"], "Hội nghị quán triệt Công văn 7019")
    text = story.leader_gets_the_province_pdf(directive_id, tmp_path)
    check_pdf(text, language="en")


def test_story_on_a_phone(people, jobs, phone_page, live_server, shoot, console, tmp_path):
    """The main part at 390×844: an officer files from a phone, staff review, the leader downloads the PDF."""
    console.watch(phone_page)
    story = Story(phone_page, live_server.url, shoot, prefix="phone-")
    directive_id = story.staff_imports_and_publishes()
    story.officer_confirms_and_briefs(directive_id)
    story.officer_files_plan()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the plan page is {width}px wide on a 390px phone"
    story.logout()
    story.commune_files_themes("eakly", ["Cải cách hành chính một cửa"])
    story.commune_files_themes("tanloi", ["Chỉnh trang đô thị văn minh"])
    story.staff_returns_officer_fixes_staff_accepts(story.urls["plan"], "Kế hoạch phát động thi đua chào mừng")
    text = story.leader_gets_the_province_pdf(directive_id, tmp_path)
    check_pdf(text)
