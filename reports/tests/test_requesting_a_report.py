"""Requesting a report: one report per double click, preselected forms, the register number, the history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from reports import services
from reports.models import Report, ReportFormat, ReportKind, ReportStatus

from .factories import ReportFactory

CUTOFF = datetime.date(2019, 10, 1)


def test_double_click_on_request_makes_one_report(client_for, leader, letter, django_capture_on_commit_callbacks):
    directive, _ = letter
    client = client_for(leader)
    data = {"kind": ReportKind.PROVINCE_COMPLIANCE, "source": f"directive:{directive.pk}", "format": "pdf"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(reverse("reports:list"), data)
        second = client.post(reverse("reports:list"), data)
    assert Report.objects.count() == 1 and len(callbacks) == 1
    assert first["Location"] == second["Location"]
    # another format is another report
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("reports:list"), {**data, "format": "xlsx"})
    assert Report.objects.count() == 2


def test_same_request_after_the_first_finished_is_a_new_report(leader, province, letter):
    directive, _ = letter
    kwargs = {
        "user": leader,
        "kind": ReportKind.PROVINCE_COMPLIANCE,
        "fmt": ReportFormat.PDF,
        "scope_unit": province.province,
        "parameters": {"directive": directive.pk},
        "cutoff": CUTOFF,
    }
    first = services.report_request(**kwargs)
    Report.objects.filter(pk=first.pk).update(status=ReportStatus.SUCCEEDED)
    assert services.report_request(**kwargs).pk != first.pk


def test_title_kept_in_vietnamese_when_requested_in_english(leader, province, letter):
    directive, _ = letter
    with translation.override("en"):
        report = services.report_request(
            user=leader,
            kind=ReportKind.PROVINCE_COMPLIANCE,
            fmt=ReportFormat.PDF,
            scope_unit=province.province,
            parameters={"directive": directive.pk},
            cutoff=CUTOFF,
        )
    assert report.language == "en" and report.title.startswith("Công văn")


def test_compile_link_from_the_dashboard_preselects_source_and_day(client_for, leader, letter):
    directive, _ = letter
    client = client_for(leader)
    body = client.get(reverse("reports:dashboard"), {"directive": directive.pk, "as_of": "01/10/2019"}).content.decode()
    assert f"?source=directive%3A{directive.pk}&amp;cutoff=01/10/2019" in body
    response = client.get(reverse("reports:list"), {"source": f"directive:{directive.pk}", "cutoff": "01/10/2019"})
    form = response.context["form"]
    assert form["source"].value() == f"directive:{directive.pk}"
    assert form["cutoff"].value() == datetime.date(2019, 10, 1)
    # nonsense is ignored, never an error
    assert client.get(reverse("reports:list"), {"source": "x:y", "cutoff": "31/02/2020"}).status_code == 200


def test_history_offers_the_download_of_finished_reports(client_for, leader, province):
    done = ReportFactory(requested_by=leader, scope_unit=province.province, status=ReportStatus.SUCCEEDED)
    waiting = ReportFactory(requested_by=leader, scope_unit=province.province)
    body = client_for(leader).get(reverse("reports:list")).content.decode()
    assert reverse("reports:download", kwargs={"pk": done.pk}) in body
    assert reverse("reports:download", kwargs={"pk": waiting.pk}) not in body


def test_failed_report_says_what_to_do(client_for, leader, province, letter):
    directive, _ = letter
    report = ReportFactory(
        requested_by=leader,
        scope_unit=province.province,
        parameters={"directive": directive.pk},
        status=ReportStatus.FAILED,
        error="ValueError: no campaign or directive",
    )
    body = client_for(leader).get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert "Lập báo cáo không thành công." in body and "Chạy lại" in body and "ValueError" in body


def test_unit_page_offers_the_units_report_preselected(client_for, officer_kp, staff, province, letter):
    directive, _ = letter
    url = reverse("reports:unit", kwargs={"pk": province.krong_pac.pk})
    body = client_for(staff).get(url, {"directive": directive.pk}).content.decode()
    link = f"?kind=unit_report&amp;unit={province.krong_pac.pk}&amp;source=directive%3A{directive.pk}"
    assert link in body
    response = client_for(officer_kp).get(
        reverse("reports:list"),
        {"kind": "unit_report", "unit": province.krong_pac.pk, "source": f"directive:{directive.pk}"},
    )
    form = response.context["form"]
    assert form["kind"].value() == "unit_report" and str(form["unit"].value()) == str(province.krong_pac.pk)


def test_officer_form_still_preselects_own_unit_without_parameters(client_for, officer_kp, province, letter):
    form = client_for(officer_kp).get(reverse("reports:list")).context["form"]
    assert str(form["unit"].value()) == str(province.krong_pac.pk)


def test_unit_report_link_only_where_the_user_may_request_it(client_for, officer_kp, province, letter):
    directive, _ = letter
    client = client_for(officer_kp)
    own = client.get(reverse("reports:unit", kwargs={"pk": province.krong_pac.pk}), {"directive": directive.pk})
    commune = client.get(reverse("reports:unit", kwargs={"pk": province.ea_kly.pk}), {"directive": directive.pk})
    assert "kind=unit_report" in own.content.decode()
    assert commune.status_code == 200 and "kind=unit_report" not in commune.content.decode()


@pytest.mark.parametrize("number", ["15/BC-UBND", "abc", "0", "-3", "1234567"])
def test_document_number_is_only_the_register_number(client_for, leader, letter, number):
    directive, _ = letter
    data = {
        "kind": ReportKind.PROVINCE_COMPLIANCE,
        "source": f"directive:{directive.pk}",
        "format": "pdf",
        "document_number": number,
    }
    response = client_for(leader).post(reverse("reports:list"), data)
    assert response.status_code == 200 and "Chỉ ghi số thứ tự" in response.content.decode()
    assert not Report.objects.exists()


def test_document_number_accepted(client_for, leader, letter, django_capture_on_commit_callbacks):
    directive, _ = letter
    data = {"kind": ReportKind.PROVINCE_COMPLIANCE, "source": f"directive:{directive.pk}", "format": "pdf"}
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(leader).post(reverse("reports:list"), {**data, "document_number": " 7 "})
    assert response.status_code == 302 and Report.objects.get().document_number == "7"
