"""One cluster's year in Chromium (issue 16): covenant → self-scoring → head review → final → ranking → memo PDF.

Today's map: three communes of the post-2025 province form "Cụm thi đua số 1"; a letter I write, dated
today and addressed to today's communes, asks for a briefing; one commune filed it on time, so the
portal proposes its points. The head files the covenant, a member confirms and self-scores (the
proposal kept, one criterion typed, one wrong value corrected), the head adjusts a line with a reason
and agrees, staff finalise, read the ranking and download the proposal memo PDF, whose text holds it.
"""

import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from .conftest import DEMO_PASSWORD, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year(people):
    """Letter 125/UBND-NC of today, a cluster of today's three communes, officers, a standard table."""
    from campaign_portal.core.models import ReviewStatus, Unit, UnitKind
    from campaign_portal.core.tests.factories import make_user
    from devtools.demo import emulation as demo
    from directives.models import DirectiveStatus, RequirementKind
    from directives.tests.factories import DirectiveFactory, RequirementFactory
    from emulation import services
    from pledges.tests.factories import DisseminationFactory

    today = timezone.localdate()
    root = Unit.objects.get(code="DLK")
    communes = list(Unit.objects.valid_on(today).filter(kind=UnitKind.COMMUNE).order_by("name"))[:3]
    assert len(communes) == 3
    letter = DirectiveFactory(
        issuer=root, number="125/UBND-NC", issued_on=today - datetime.timedelta(days=40),
        subject="V/v tổ chức phong trào thi đua năm 2026", addressee_kinds=[UnitKind.COMMUNE],
        status=DirectiveStatus.PUBLISHED,
    )  # fmt: skip
    briefing = RequirementFactory(
        directive=letter, kind=RequirementKind.DISSEMINATION, applies_to=[UnitKind.COMMUNE],
        deadline=today - datetime.timedelta(days=10), quota_min=None, quota_max=None, ordinal="1",
    )  # fmt: skip
    users = {}
    for index, unit in enumerate(communes):
        user = make_user(unit=unit, username=f"cum.{index}", full_name=f"Cán bộ {unit.name}")
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[index] = user
    filed = timezone.now() - datetime.timedelta(days=20)
    DisseminationFactory(
        unit=communes[1], requirement=briefing, status=ReviewStatus.ACCEPTED, on_time=True,
        submitted_at=filed, reviewed_at=filed,
    )  # fmt: skip
    from campaign_portal.core.models import User

    staff = User.objects.get(username="canbo.tinh")
    cluster = services.cluster_save(
        user=staff, name="Cụm thi đua số 1", kind="cluster", year=today.year, units=communes,
        head=communes[0], deputy=communes[2],
    )  # fmt: skip
    services.criteria_replace(
        user=staff,
        table=cluster.criteria_table,
        sections=demo.standard_sections({RequirementKind.DISSEMINATION: briefing}),
    )
    return {"cluster": cluster, "communes": communes, "users": users}


def _score_in_code(cluster, user, reviewer, free: str):
    from campaign_portal.core.models import ReviewStatus
    from emulation import services

    card = services.scorecard_open(user=user, cluster=cluster)
    values = {
        line.criterion_id: (
            str(min(Decimal(free), line.criterion.max_points)) if line.criterion.kind == "score" else "0",
            "",
        )
        for line in card.lines.select_related("criterion")
        if line.proposed_points is None
    }
    assert services.scorecard_save(user=user, scorecard=card, values=values) == {}
    services.scorecard_submit(user=user, scorecard=card)
    services.scorecard_review(user=reviewer, scorecard=card, target=ReviewStatus.ACCEPTED)


def test_a_clusters_year(year, page, live_server, shoot, console, tmp_path, phone_page):
    console.watch(page)
    base = live_server.url
    cluster, communes, users = year["cluster"], year["communes"], year["users"]
    detail = f"{base}/thi-dua/{cluster.pk}/"

    # 1. The head files the covenant.
    login(page, base, "cum.0")
    page.goto(f"{base}/thi-dua/")
    page.get_by_role("link", name="Cụm thi đua số 1").click()
    page.get_by_role("link", name="Nộp giao ước").click()
    scan = tmp_path / "giao-uoc.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill("input[name=signed_on]", f"15/01/{cluster.year}")
    page.fill("textarea[name=text]", "Các đơn vị Cụm thi đua số 1 giao ước thi đua hoàn thành xuất sắc nhiệm vụ năm.")
    page.set_input_files("input[name=scan]", str(scan))
    shoot(page, "head-files-covenant")
    page.get_by_role("button", name="Nộp giao ước").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Đã nộp giao ước" in page.content()
    shoot(page, "cluster-with-covenant")
    logout(page)

    # 2. A member confirms and self-scores: the proposal is there, a wrong value is kept and explained.
    login(page, base, "cum.1")
    page.goto(detail)
    page.get_by_role("button", name="Xác nhận giao ước").click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_role("button", name="Tự chấm điểm").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Cổng đề xuất: 10" in page.content()  # the briefing, accepted on time: full points
    assert page.input_value("input[name^=points-]") == "10"
    inputs = page.locator("input[name^=points-]")
    for i in range(1, inputs.count()):
        inputs.nth(i).fill("1")
    inputs.nth(3).fill("31")  # criterion 2.1 has 30 points at most
    shoot(page, "member-self-scores")
    page.get_by_role("button", name="Lưu và gửi trưởng cụm").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Điểm phải từ 0 đến 30" in page.content()
    assert page.locator("input[name^=points-]").nth(3).input_value() == "31"  # nothing typed is lost
    shoot(page, "member-error-kept")
    page.locator("input[name^=points-]").nth(3).fill("28")
    page.get_by_role("button", name="Lưu và gửi trưởng cụm").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Đã gửi bảng tự chấm điểm" in page.content()
    card_url = page.url
    logout(page)

    # The other two members score in code (the deputy reviews the head's own).
    _score_in_code(cluster, users[0], users[2], "5")
    _score_in_code(cluster, users[2], users[0], "3")

    # 3. The head adjusts one line of the member with a reason, then agrees.
    login(page, base, "cum.0")
    page.goto(card_url)
    form = page.locator("form[action*='/dieu-chinh/']").nth(3)
    form.locator("input[name=points]").fill("25")
    form.get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Cần ghi lý do điều chỉnh" in page.content()
    form = page.locator("form[action*='/dieu-chinh/']").nth(3)
    form.locator("input[name=points]").fill("25")
    form.locator("input[name=reason]").fill("Hai chỉ tiêu chưa đạt theo báo cáo kinh tế - xã hội")
    form.get_by_role("button", name="Điều chỉnh").click()
    page.wait_for_load_state("domcontentloaded")
    assert "Trưởng cụm chấm" in page.content() or page.locator("input[name=points]").nth(3).input_value() == "25"
    shoot(page, "head-adjusts")
    page.get_by_role("button", name="Thống nhất điểm").click()
    page.wait_for_load_state("domcontentloaded")
    logout(page)

    # 4. Staff finalise, read the ranking and get the memo PDF.
    login(page, base, "canbo.tinh")
    page.goto(detail)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Chốt kết quả").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/xep-hang/")
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    first = rows.nth(0).inner_text()
    assert (
        communes[1].name in first and "Cờ thi đua" in first
    )  # 10 + 1 + 1 + 25 (adjusted) + 1 + 1 + 2 bonus − 1 penalty = 40
    shoot(page, "ranking")
    page.get_by_role("button", name="PDF").click()
    page.wait_for_load_state("domcontentloaded")
    link = page.get_by_role("link", name=re.compile("Tải về \\(PDF\\)"))
    link.wait_for(state="visible", timeout=90_000)
    shoot(page, "memo-ready")
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "to-trinh.pdf"
    info.value.save_as(target)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, check=True).stdout.decode()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    ranked = [line for line in lines if re.match(r"^[123] (Xã|Phường) ", line)]
    print("\n".join(ranked))
    assert ranked[-3].startswith(f"1 {communes[1].name}") and "Cờ thi đua của UBND tỉnh" in ranked[-3]
    assert "TỜ TRÌNH" in text and "BẢNG XẾP HẠNG CỤM THI ĐUA SỐ 1" in text
    logout(page)

    # 5. The ranking on a phone, for a member once final.
    login(phone_page, base, "cum.2")
    phone_page.goto(f"{base}/thi-dua/{cluster.pk}/xep-hang/")
    assert phone_page.get_by_text(communes[1].name).first.is_visible()
    shoot(phone_page, "ranking-on-a-phone")
