"""A unit's page lists the periods of a recurring ask it still owes, and its own relative deadline."""

import datetime

from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from directives.models import Receipt, RequirementKind
from directives.tests.factories import CampaignFactory, DirectiveFactory, RequirementFactory
from pledges import selectors
from pledges.tests.factories import DisseminationFactory
from reports.tests.conftest import aware


def _month_start(day: datetime.date, back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def test_the_unit_page_lists_the_periods_it_still_owes(
    client_for, officer_dept, province, django_assert_max_num_queries
):
    today = timezone.localdate()
    two_ago, one_ago = _month_start(today, 2), _month_start(today, 1)
    campaign = CampaignFactory(organiser=province.province, starts_on=two_ago, ends_on=_month_start(today, -4))
    directive = DirectiveFactory(campaign=campaign, issuer=province.province, issued_on=two_ago,
                                 addressee_kinds=[UnitKind.DEPARTMENT])  # fmt: skip
    monthly = RequirementFactory(
        directive=directive, kind=RequirementKind.DISSEMINATION, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=None, recurrence="monthly", due_days="20", title="Báo cáo tháng",
    )  # fmt: skip
    DisseminationFactory(
        requirement=monthly, unit=province.dept_finance, status=ReviewStatus.ACCEPTED, on_time=True,
        submitted_at=aware(one_ago + datetime.timedelta(days=5)), reviewed_at=aware(one_ago + datetime.timedelta(days=6)),
    )  # fmt: skip
    relative = RequirementFactory(
        directive=directive, kind=RequirementKind.REPORT, applies_to=[UnitKind.DEPARTMENT], quota_min=None,
        quota_max=None, relative_days=10, relative_from="receipt", title="Kế hoạch trong 10 ngày",
    )  # fmt: skip
    receipt = Receipt.objects.create(directive=directive, unit=province.dept_finance)
    Receipt.objects.filter(pk=receipt.pk).update(confirmed_at=aware(two_ago))

    rows = {row.requirement.pk: row for row in selectors.owed_rows(unit=province.dept_finance)}
    labels = [cell.period.label for cell in rows[monthly.pk].periods]
    assert labels == [f"Tháng {two_ago.month}/{two_ago.year}", f"Tháng {today.month}/{today.year}"]  # last month filed
    assert rows[monthly.pk].overdue and rows[monthly.pk].status in ("not_started", "late")  # this month
    (own,) = rows[relative.pk].periods
    assert own.deadline >= two_ago + datetime.timedelta(days=10) and own.period is None

    client = client_for(officer_dept)
    # session, user, membership, requirements, unit map (3), one per submission model (4), then the engine:
    # requirements, directives, targets, addressees, units, submissions (4), calendar days, receipts; badge.
    with django_assert_max_num_queries(32):
        page = client.get(reverse("pledges:owed")).text
    assert f"Tháng {two_ago.month}/{two_ago.year} · hạn 20/{two_ago.month:02d}/{two_ago.year}" in page
    assert f"Tháng {one_ago.month}/{one_ago.year} ·" not in page
    assert "Hằng tháng, hạn 20" in page and "10 ngày kể từ ngày đơn vị nhận được văn bản" in page
