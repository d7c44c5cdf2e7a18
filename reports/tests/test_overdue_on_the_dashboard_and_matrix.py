"""Overdue units on the leader's dashboard and the matrix's state filter, and their English labels."""

import datetime

import pytest
from django.urls import reverse

from campaign_portal.core.models import UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from reports.models import ReportStatus
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
