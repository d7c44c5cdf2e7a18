"""Who may have a report built (POST), the counterpart of the GET permission matrix.

Decision (issue 14 item 6): leaders request, re-run and download province and unit reports, like staff;
an officer requests only their own unit's report. The rule lives in core.access.can_request_unit_report.
"""

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import Report

# role → (province report allowed, Krông Pắc unit report allowed)
RIGHTS = {
    "staff": (True, True),
    "leader": (True, True),
    "own": (False, True),  # the Krông Pắc officer
    "foreign": (False, False),  # the Buôn Ma Thuột officer
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(RIGHTS))
@pytest.mark.parametrize("kind", ["province_compliance", "unit_report"])
def test_who_may_request_a_report(world, role, kind, django_capture_on_commit_callbacks):
    user = {"staff": world.staff, "leader": world.leader, "own": world.officer_kp, "foreign": world.officer_bmt}[role]
    allowed = RIGHTS[role][0 if kind == "province_compliance" else 1]
    client = Client()
    client.force_login(user)
    before = Report.objects.count()
    data = {"kind": kind, "source": f"directive:{world.directive.pk}", "format": "xlsx"}
    if kind == "unit_report":
        data["unit"] = world.province.krong_pac.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:list"), data)
    created = Report.objects.count() - before
    if allowed:
        assert response.status_code == 302 and created == 1, (response.status_code, role, kind)
        report = Report.objects.latest("pk")
        assert report.requested_by == user
        download = client.get(reverse("reports:download", kwargs={"pk": report.pk}))
        assert download.status_code == 200
    else:
        assert created == 0 and response.status_code in (200, 403), (response.status_code, role, kind)
