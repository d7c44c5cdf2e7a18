"""A phone photo of a letter in Chromium: uploaded, read in the background, checked beside its page image."""

import pytest

from directives.tests import scans
from directives.tests.test_scans import TODAY_LETTER

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_staff_import_a_photo_and_check_the_fields_beside_the_page(page, live_server, people, shoot, console, tmp_path):
    scans.require_ocr()
    photo = tmp_path / "cong-van-2460.jpg"
    photo.write_bytes(scans.scan_of(TODAY_LETTER, "jpeg", tilt=1.2))
    console.watch(page)
    login(page, live_server.url, "canbo.tinh")
    page.goto(f"{live_server.url}/van-ban/nhap-tu-van-ban/")
    page.locator("input[type=file][name=file]").set_input_files(str(photo))
    shoot(page, "staff-chooses-a-photo")
    page.get_by_role("button", name="Đọc văn bản").click(no_wait_after=True)
    # Locally the OCR runs eagerly inside the request; with a worker the progress page polls until it is done.
    page.wait_for_url("**/sua/", timeout=120_000)
    assert page.locator("input[name=number]").input_value() == "2460/UBND-NC"
    assert page.locator(".scan-page img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    shoot(page, "prefilled-form-beside-the-scan")
    page.locator(".source-line a").first.click()
    target = page.locator(".ocr-box:target")
    assert target.count() == 1 and target.is_visible()
    page.mouse.move(0, 0)  # hovering another field's source line would highlight that one instead
    page.locator("textarea[name=subject]").focus()
    subject_line = page.evaluate(
        "document.querySelector('#id_subject').closest('[class*=\"col-\"]')"
        ".querySelector('[data-source-line]').dataset.sourceLine"
    )
    active = page.locator(".ocr-box.active")
    assert active.count() == 1 and active.get_attribute("data-line") == subject_line
    shoot(page, "subject-line-highlighted-on-the-page")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "phone")
