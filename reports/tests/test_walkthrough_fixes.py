"""Behaviours fixed after walking issue 6 through as a leader, staff and an officer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from reports import services, snapshot
from reports.compliance import Compliance
from reports.documents import builder
from reports.models import Report, ReportFormat, ReportKind, ReportStatus
from reports.views import OVERDUE_SHOWN

from .conftest import file_work
from .factories import ReportFactory

CUTOFF = datetime.date(2019, 10, 1)


@pytest.fixture
def many_overdue(province, letter):
    """More overdue districts than the dashboard lists (the requirement was due 15/09/2019)."""
    directive, requirement = letter
    for i in range(OVERDUE_SHOWN + 5):
        UnitFactory(code=f"DLK-Q{i:02d}", name=f"Huyện chậm {i:02d}", kind=UnitKind.DISTRICT, parent=province.province)
    file_work(requirement, province.krong_pac, name="Cầu Ea Kly mới")
    return directive, requirement


# --- dashboard and matrix -------------------------------------------------------------------------


def test_dashboard_lists_the_most_overdue_and_links_to_the_filtered_matrix(client_for, leader, many_overdue):
    directive, _ = many_overdue
    response = client_for(leader).get(reverse("reports:dashboard"), {"directive": directive.pk})
    overdue = response.context["overdue"]
    assert len(overdue) == OVERDUE_SHOWN < response.context["overdue_count"]
    assert all(days > 0 for _unit, _cell, days in overdue)
    body = response.content.decode()
    assert "state=late" in body and "quá" in body


def test_overdue_days_printed_with_thousands_separator(client_for, leader, many_overdue, monkeypatch):
    # Today frozen at 31/01/2023: the requirement due 15/09/2019 is 1.234 days late.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2023, 1, 31))
    directive, _ = many_overdue
    response = client_for(leader).get(reverse("reports:dashboard"), {"directive": directive.pk})
    assert response.context["overdue"][0][2] == 1234
    body = response.content.decode()
    assert "1.234" in body


def test_matrix_filters_units_with_an_overdue_cell(client_for, leader, province, many_overdue):
    directive, _ = many_overdue
    client = client_for(leader)
    response = client.get(reverse("reports:matrix"), {"directive": directive.pk, "state": "late"})
    names = [unit.name for unit, *_rest in response.context["rows"]]
    assert "Huyện chậm 00" in names and "Huyện Krông Pắc" not in names
    assert response.context["state"] == "late"
    # A link saved before the states had one glossary ("overdue") still filters the same units.
    older = client.get(reverse("reports:matrix"), {"directive": directive.pk, "state": "overdue"})
    assert [unit.name for unit, *_rest in older.context["rows"]] == names
    # an unknown state is ignored, never an error
    response = client.get(reverse("reports:matrix"), {"directive": directive.pk, "state": "<x>"})
    assert response.status_code == 200 and "Huyện Krông Pắc" in response.content.decode()


def test_english_labels_do_not_borrow_other_meanings(client_for, leader, province, letter, settings):
    """'Hoàn thành' is "Done" for a report and "Compliant" for a unit; 'Đơn vị' heads a column as "Unit"."""
    directive, _ = letter
    ReportFactory(requested_by=leader, scope_unit=province.province, status=ReportStatus.SUCCEEDED)
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    reports = client.get(reverse("reports:list")).content.decode()
    assert ">Done<" in reports and "Compliant" not in reports
    assert "<th>Report</th>" in reports
    matrix = client.get(reverse("reports:matrix"), {"directive": directive.pk}).content.decode()
    assert ">Unit</th>" in matrix and ">Compliant</th>" in matrix
    assert ">State</label>" in matrix and "Condition" not in matrix


# --- requests -------------------------------------------------------------------------------------


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


# --- document wording -----------------------------------------------------------------------------


def test_prose_name_of_a_header_in_capitals():
    assert builder.prose_name("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", ["Đắk Lắk"]) == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert builder.prose_name("TỈNH ỦY ĐẮK LẮK", ["Đắk Lắk"]) == "Tỉnh ủy Đắk Lắk"
    assert builder.prose_name("SỞ NỘI VỤ") == "Sở Nội vụ"
    assert builder.prose_name("Ủy ban nhân dân tỉnh") == "Ủy ban nhân dân tỉnh"


def _document(kind, scope, directive, **kw):
    data = snapshot.build(kind=kind, parameters={"directive": directive.pk}, scope_unit=scope, cutoff=CUTOFF)
    return builder.build_document(kind, data, sha="0" * 64, **kw)


def test_citation_names_the_issuer_in_sentence_case(province, letter, settings):
    directive, _ = letter
    directive.issuer_name = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    directive.save(update_fields=["issuer_name"])
    settings.PORTAL_PROVINCE_NAME = "Đắk Lắk"
    document = _document(ReportKind.PROVINCE_COMPLIANCE, province.province, directive)
    assert "của Ủy ban nhân dân tỉnh Đắk Lắk về" in document.intro[0]
    assert "ỦY BAN" not in document.intro[0]


def test_overdue_prose_counts_departments_first_then_districts_in_order(province, letter):
    directive, requirement = letter
    requirement.applies_to = [UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.DEPARTMENT]
    requirement.save(update_fields=["applies_to"])
    for i in range(builder.OVERDUE_NAMES_MAX):
        UnitFactory(code=f"DLK-S{i:02d}", name=f"Sở thử {i:02d}", kind=UnitKind.DEPARTMENT, parent=province.province)
    data = snapshot.build(
        kind=ReportKind.PROVINCE_COMPLIANCE,
        parameters={"directive": directive.pk},
        scope_unit=province.province,
        cutoff=CUTOFF,
    )
    document = builder.build_document(ReportKind.PROVINCE_COMPLIANCE, data, sha="0" * 64)
    overdue = next(s for s in document.sections if "QUÁ HẠN" in s.heading).paragraphs[0]
    detail = overdue.split("quá hạn: ", 1)[1].split(" (", 1)[0]
    groups = [part.rsplit(" ", 1)[0] for part in detail.split("; ")]
    assert groups[0] == str(UnitKind.DEPARTMENT.label)
    districts = [name for _pk, name in Compliance.from_snapshot(data["compliance"]).districts()]
    assert groups[1:] == [d for d in districts if d in groups]


def test_district_report_is_reported_and_signed_by_its_peoples_committee(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac, status=ReviewStatus.SUBMITTED)
    document = _document(ReportKind.UNIT_REPORT, province.krong_pac, directive)
    assert "Ủy ban nhân dân huyện Krông Pắc báo cáo" in document.intro[0]
    assert "Ủy ban nhân dân tỉnh báo cáo" not in document.intro[0]
    assert document.subject.endswith("trên địa bàn huyện Krông Pắc")
    assert document.signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]


def test_department_report_is_reported_by_the_department(province, letter):
    directive, requirement = letter
    requirement.applies_to = [UnitKind.DEPARTMENT]
    requirement.save(update_fields=["applies_to"])
    document = _document(ReportKind.UNIT_REPORT, province.dept_finance, directive)
    assert f"{province.dept_finance.name} báo cáo" in document.intro[0]
    assert document.signature == ["THỦ TRƯỞNG ĐƠN VỊ"]


def test_english_document_dates_and_header_in_english(province, letter):
    directive, _ = letter
    with translation.override("en"):
        document = _document(ReportKind.PROVINCE_COMPLIANCE, province.province, directive)
    assert document.place_date.endswith("1 October 2019") and "ngày" not in document.place_date


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


def test_key_works_report_subject_reads_naturally(province, letter):
    directive, _ = letter
    document = _document(ReportKind.KEY_WORKS, province.province, directive)
    assert document.subject.startswith("Tình hình các công trình trọng điểm thuộc ")
    assert "chào mừng Phong trào" not in document.subject


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


def test_english_key_works_columns_have_their_own_words(province, letter):
    """Other apps translate 'Khởi công' differently; the report's table uses its own, wrappable words."""
    with translation.override("en"):
        table = builder._key_works_by_area(
            Compliance.from_snapshot(
                snapshot.build(
                    kind=ReportKind.PROVINCE_COMPLIANCE,
                    parameters={"directive": letter[0].pk},
                    scope_unit=province.province,
                    cutoff=CUTOFF,
                )["compliance"]
            ),
            [],
        )
    labels = [str(c.label) for c in table.columns]
    assert "Ground-breaking" in labels and "Opening" in labels


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
