"""The general result report (báo cáo kết quả) answers "Báo cáo", "Khác" and any ask without a kind of its own."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core import review
from campaign_portal.core.models import ReviewStatus, UnitKind
from directives import obligations, registry
from directives.models import RequirementKind, ResponseMode
from pledges import selectors, services
from pledges.models import ResultReport
from pledges.tests.factories import PublishedDirectiveFactory, RequirementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_ask(province):
    directive = PublishedDirectiveFactory(
        issuer=province.province, issued_on=timezone.localdate(), addressee_kinds=[UnitKind.DEPARTMENT]
    )
    return RequirementFactory(
        directive=directive, kind=RequirementKind.OTHER, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=None, deadline=None,
    )  # fmt: skip


def test_every_requirement_kind_has_something_to_file():
    for kind in RequirementKind.values:
        entry = registry.kind_for_requirement(RequirementFactory.build(kind=kind))
        assert entry is not None, kind
    assert registry.kind_for_requirement(RequirementFactory.build(kind="report")).kind == "result_report"


def test_officer_files_a_result_report_with_figures_and_it_is_reviewed(
    report_ask, province, officer_dept, staff, client_for
):
    client = client_for(officer_dept)
    owed = client.get(reverse("pledges:owed")).content.decode()
    create_url = reverse("pledges:result_report_create", kwargs={"requirement_pk": report_ask.pk})
    assert create_url in owed  # something to click
    bad = client.post(create_url, {"title": "Báo cáo quý IV", "narrative": "x", "figures_text": "Số mô hình | ba"})
    assert bad.status_code == 200 and "“ba” không phải là số" in bad.content.decode()
    assert "Báo cáo quý IV" in bad.content.decode()  # kept
    response = client.post(
        create_url,
        {
            "title": "Báo cáo quý IV",
            "narrative": '<p onclick="x()">Đã <strong>hoàn thành</strong></p><script>alert(1)</script>',
            "figures_text": "Số mô hình | 3 | mô hình\nKinh phí | 1.250,5 | triệu đồng",
        },
    )
    report = ResultReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "pledges:result_report_detail", args=[report.pk]
    )
    assert report.narrative == "<p>Đã <strong>hoàn thành</strong></p>"  # sanitised: no script, no attribute
    assert report.figures[1] == {"label": "Kinh phí", "value": "1.250,5", "unit_of_measure": "triệu đồng"}
    detail = client.get(response["Location"]).content.decode()
    assert "Kinh phí" in detail and "<script>alert" not in detail
    review.submission_transition(submission=report, user=officer_dept, target=ReviewStatus.SUBMITTED)
    ledger = obligations.obligations(requirements=[report_ask])
    assert ledger.get(report_ask.pk, province.dept_finance.pk).state == obligations.CellState.SENT
    report.refresh_from_db()
    review.submission_transition(submission=report, user=staff, target=ReviewStatus.ACCEPTED)
    ledger = obligations.obligations(requirements=[report_ask])
    assert ledger.get(report_ask.pk, report.unit_id).state == obligations.CellState.ACCEPTED


def test_an_empty_report_cannot_be_sent(report_ask, officer_dept):
    report = services.result_report_create(user=officer_dept, requirement=report_ask, data={"title": "Trống"})
    with pytest.raises(Exception, match="cần có nội dung"):
        review.submission_transition(submission=report, user=officer_dept, target=ReviewStatus.SUBMITTED)


def test_information_only_item_is_listed_with_nothing_to_file(report_ask, province, officer_dept, client_for):
    report_ask.response_mode = ResponseMode.INFORMATION
    report_ask.save(update_fields=["response_mode"])
    unit = province.dept_finance
    row = next(r for r in selectors.owed_rows(unit=unit) if r.requirement.pk == report_ask.pk)
    assert row.status == "not_applicable" and row.create_url == "" and "chỉ để biết" in row.reason
    url = reverse("pledges:result_report_create", kwargs={"requirement_pk": report_ask.pk})
    refused = client_for(officer_dept).get(url)
    assert refused.status_code == 403 and "chỉ để biết" in refused.content.decode()
