"""A letter written today, to today's communes and departments, answered end to end in Chromium (issue 10).

Not Letter 7019: the letter is written here, dated today, with a report ask, a quota ask and an
information-only item, addressed to units created as today's map (a district dissolved on
01/07/2025 must not receive it). Staff see the recipients before publishing; a commune confirms
receipt, files its report, gets it returned, re-files, and staff accept it; the officer's page, the
directive page, the matrix and the PDF then say the same.
"""

import datetime
import re

import pytest
from django.utils import timezone

from .conftest import login, logout
from .test_story import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MERGER = datetime.date(2025, 7, 1)
PASSWORD = "Mat-khau-thu-2026"


@pytest.fixture
def today_world(transactional_db):
    from campaign_portal.core.models import Role, UnitKind
    from campaign_portal.core.tests.factories import UnitFactory, make_user
    from directives import services

    root = UnitFactory(code="N-DLK", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE)
    snv = UnitFactory(code="N-SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=root)
    old = UnitFactory(code="N-KPA", name="Huyện Krông Pắc", kind=UnitKind.DISTRICT, parent=root, valid_to=MERGER)
    ea_kly = UnitFactory(code="N-EKL", name="Xã Ea Kly", kind=UnitKind.COMMUNE, parent=root, valid_from=MERGER)
    ea_phe = UnitFactory(code="N-EPE", name="Xã Ea Phê", kind=UnitKind.COMMUNE, parent=root, valid_from=MERGER)
    users = {
        "staff": make_user(unit=snv, role=Role.STAFF, username="n.staff"),
        "commune": make_user(unit=ea_kly, username="n.eakly"),
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    today = timezone.localdate()
    rows = [
        {"ordinal": "1", "kind": "report", "text": "Báo cáo kết quả thực hiện trước ngày 20/12/2026.",
         "applies_to": ["commune", "department"], "deadline": today + datetime.timedelta(days=19)},
        {"ordinal": "2", "kind": "breakthrough_theme", "text": "Mỗi xã đăng ký từ 01 đến 02 chủ điểm đột phá.",
         "applies_to": ["commune"], "quota_min": 1, "quota_max": 2},
        {"ordinal": "3", "kind": "other", "text": "Các đơn vị nắm được kế hoạch của tỉnh.",
         "applies_to": [], "response_mode": "information"},
    ]  # fmt: skip
    directive = services.directive_create(
        user=users["staff"],
        fields={
            "doc_type": "cong_van",
            "number": "123/UBND-VX",
            "issuer": root,
            "issued_on": today,
            "subject": "V/v triển khai nhiệm vụ thi đua năm 2026",
            "body": "Đề nghị các đơn vị thực hiện.",
            "addressee_kinds": ["department", "commune"],
            "addressee_text": "Các sở, ban, ngành; UBND các xã, phường",
        },  # fmt: skip
        requirements=rows,
    )
    return {"directive": directive, "root": root, "old": old, "ea_kly": ea_kly, "ea_phe": ea_phe, **users}


def _submit(page, value, comment=""):
    if comment:
        page.locator("textarea[name=comment]").fill(comment)
    page.locator(f"button[name=target][value={value}]").click()
    page.wait_for_load_state("domcontentloaded")


def test_a_letter_of_today_is_published_received_filed_returned_refiled_and_accepted(
    live_server, page, today_world, shoot, tmp_path
):
    from directives.obligations import CellState
    from pledges.models import ResultReport
    from reports import compliance

    base, directive = live_server.url, today_world["directive"]
    report_ask = directive.requirements.get(ordinal="1")

    # Staff: the recipients come first (today's map), then publish.
    login(page, base, "n.staff", PASSWORD)
    page.goto(f"{base}/van-ban/{directive.pk}/ban-hanh/")
    recipients = page.locator("[data-recipient-count]")
    assert recipients.get_attribute("data-recipient-count") == "3"  # Sở Nội vụ, Ea Kly, Ea Phê
    text = recipients.inner_text()
    assert "Xã Ea Kly" in text and "Sở Nội vụ" in text and "Krông Pắc" not in text and "Nơi nhận" in text
    shoot(page, "staff-sees-recipients")
    page.locator("form.publish-form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    directive.refresh_from_db()
    assert directive.status == "published"
    logout(page)

    # The commune: receipt, then every ask has something to click or says why there is nothing to file.
    login(page, base, "n.eakly", PASSWORD)
    page.goto(f"{base}/van-ban/{directive.pk}/")
    page.get_by_role("button", name=re.compile("Xác nhận đã nhận")).first.click()
    # The button answers by HTMX (no new page): leave only once the notice of the saved receipt is shown.
    page.get_by_text("Đơn vị đã xác nhận nhận văn bản").wait_for()
    page.goto(f"{base}/don-vi-nop/")
    owed = page.locator("main").inner_text()
    assert "Báo cáo" in owed and "chỉ để biết" in owed
    shoot(page, "commune-owes")
    page.goto(f"{base}/don-vi-nop/bao-cao/moi/{report_ask.pk}/")
    page.fill("input[name=title]", "Báo cáo kết quả năm 2026 của xã Ea Kly")
    page.fill("textarea[name=narrative]", "<p>Xã đã triển khai đầy đủ.</p>")
    page.fill("textarea[name=figures_text]", "Số hội nghị | 2 | hội nghị")
    page.locator("form.pledge-form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    report = ResultReport.objects.get()
    _submit(page, "submitted")
    shoot(page, "commune-sent")
    logout(page)

    # Staff return it; the commune re-files; staff accept.
    login(page, base, "n.staff", PASSWORD)
    page.goto(f"{base}/don-vi-nop/bao-cao/{report.pk}/")
    _submit(page, "returned", "Bổ sung số liệu kinh phí.")
    logout(page)
    login(page, base, "n.eakly", PASSWORD)
    page.goto(f"{base}/don-vi-nop/bao-cao/{report.pk}/")
    assert "Bổ sung số liệu kinh phí." in page.locator("main").inner_text()
    page.goto(f"{base}/don-vi-nop/bao-cao/{report.pk}/sua/")
    page.fill("textarea[name=figures_text]", "Số hội nghị | 2 | hội nghị\nKinh phí | 15,5 | triệu đồng")
    page.locator("form.pledge-form button[type=submit]").click()
    page.wait_for_load_state("domcontentloaded")
    _submit(page, "submitted")
    logout(page)
    login(page, base, "n.staff", PASSWORD)
    page.goto(f"{base}/don-vi-nop/bao-cao/{report.pk}/")
    _submit(page, "accepted")
    report.refresh_from_db()
    assert report.status == "accepted"

    # The same state everywhere: directive page, matrix, officer's page, PDF.
    page.goto(f"{base}/van-ban/{directive.pk}/")
    assert "1/3" in page.locator("main").inner_text()  # 1 of the 3 units owing the report ask has filed
    shoot(page, "directive-page-counts")
    page.goto(f"{base}/bao-cao/ma-tran/?directive={directive.pk}")
    matrix_text = page.locator("main").inner_text()
    assert "Xã Ea Kly" in matrix_text and "Đã chấp nhận" in matrix_text
    shoot(page, "matrix")
    result = compliance.compute(directive=directive)
    assert result.cell(report_ask.pk, today_world["ea_kly"].pk).state == CellState.ACCEPTED
    assert result.cell(report_ask.pk, today_world["ea_phe"].pk).state == CellState.NOT_STARTED
    logout(page)
    login(page, base, "n.eakly", PASSWORD)
    page.goto(f"{base}/don-vi-nop/")
    assert "Đã chấp nhận" in page.locator("main").inner_text()
    logout(page)

    # The PDF says it too (built in the request when Celery runs eagerly: allow it time on a busy machine).
    page.set_default_timeout(120_000)
    login(page, base, "n.staff", PASSWORD)
    page.goto(f"{base}/bao-cao/tong-quan/")
    page.get_by_role("link", name=re.compile("Lập báo cáo")).first.click()
    page.wait_for_load_state("domcontentloaded")
    page.select_option("[name=kind]", "province_compliance")
    page.select_option("[name=source]", f"directive:{directive.pk}")
    page.select_option("[name=format]", "pdf")
    page.get_by_role("button", name=re.compile("Lập báo cáo")).first.click()
    link = page.get_by_role("link", name=re.compile(re.escape("Tải về (PDF)")))
    link.wait_for(state="visible", timeout=90_000)
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "bao-cao.pdf"
    info.value.save_as(target)
    text = pdf_text(target)
    assert "Ea Kly" in text and "Đã chấp nhận" in text and "Ea Phê" in text
