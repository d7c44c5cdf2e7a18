import datetime

from campaign_portal.core.models import ReviewStatus
from projects import selectors
from projects.models import Risk, WorkStatus
from projects.tests.factories import KeyWorkFactory

TODAY = datetime.date(2020, 11, 1)


def make_mix(requirement, province):
    common = {"requirement": requirement, "status": ReviewStatus.SUBMITTED}
    return {
        "late": KeyWorkFactory(**common, planned_date=datetime.date(2020, 10, 20), latest_progress=90),
        "at_risk": KeyWorkFactory(
            **common, planned_date=datetime.date(2020, 11, 23), latest_progress=40, unit=province.bmt
        ),
        "on_track": KeyWorkFactory(**common, planned_date=datetime.date(2021, 3, 10), latest_progress=10),
        "done": KeyWorkFactory(
            **common, work_status=WorkStatus.CEREMONY_HELD, actual_date=datetime.date(2020, 10, 1), total_investment=1
        ),
        "draft": KeyWorkFactory(requirement=requirement, status=ReviewStatus.DRAFT),
    }


def test_sort_by_risk_puts_the_urgent_first(staff, requirement, province):
    make_mix(requirement, province)
    rows = selectors.key_work_table(user=staff, filters=selectors.TableFilters(sort="risk"), today=TODAY)
    assert [row.risk for row in rows] == [Risk.LATE, Risk.AT_RISK, Risk.ON_TRACK, Risk.DONE]


def test_filters(staff, requirement, province):
    works = make_mix(requirement, province)
    table = selectors.key_work_table
    assert [w.pk for w in table(user=staff, filters=selectors.TableFilters(risk=Risk.AT_RISK), today=TODAY)] == [
        works["at_risk"].pk
    ]
    assert [w.pk for w in table(user=staff, filters=selectors.TableFilters(unit=province.bmt.pk), today=TODAY)] == [
        works["at_risk"].pk
    ]
    assert not table(user=staff, filters=selectors.TableFilters(unit=999999), today=TODAY).exists()
    assert (
        table(user=staff, filters=selectors.TableFilters(q="duong giao thong"), today=TODAY).count() == 0
    )  # search_text set by services


def test_summary_for_dashboard(leader, officer_kp, requirement, province):
    make_mix(requirement, province)
    summary = selectors.key_work_summary(user=leader, today=TODAY)
    assert summary["total"] == 4  # the draft is not visible outside its unit
    assert (summary["late"], summary["at_risk"], summary["on_track"], summary["done"]) == (1, 1, 1, 1)
    assert summary["investment"] == 3 * 12_500_000_000 + 1
    own = selectors.key_work_summary(user=officer_kp, today=TODAY)
    assert own["total"] == 4  # three submitted Krông Pắc works and its own draft


def test_summary_of_the_whole_lists_rows_matches_the_counted_summary(leader, officer_kp, requirement, province):
    make_mix(requirement, province)
    KeyWorkFactory(requirement=requirement, status=ReviewStatus.WITHDRAWN, total_investment=7)
    for user in (leader, officer_kp):
        rows = list(selectors.key_work_table_rows(user=user, today=TODAY))
        counted = selectors.key_work_summary(user=user, today=TODAY)
        assert selectors.key_work_summary_of_rows(rows) == counted
        assert counted["total"] == len(rows) - 1  # the withdrawn work is listed, not counted


def test_requirements_owed_with_quota_use(officer_kp, officer_dept, requirement, province):
    KeyWorkFactory(requirement=requirement)
    KeyWorkFactory(requirement=requirement, status=ReviewStatus.WITHDRAWN)
    (owed,) = selectors.key_work_requirements_for(user=officer_kp)
    assert owed.pk == requirement.pk and owed.used == 1
    assert selectors.key_work_requirements_for(user=officer_dept) == []


def test_counts_by_unit(leader, requirement, province, django_assert_num_queries):
    make_mix(requirement, province)
    with django_assert_num_queries(1):  # one grouped query (the scope came with the user: core.auth)
        counts = selectors.key_work_counts_by_unit(user=leader, today=TODAY)
    assert counts[province.bmt.pk] == {"total": 1, "at_risk": 1, "late": 0, "done": 0, "investment": 12_500_000_000}
    assert counts[province.krong_pac.pk]["late"] == 1 and counts[province.krong_pac.pk]["total"] == 3


def test_search_ignores_accents(officer_kp, requirement, milestone):
    from projects import services

    services.key_work_create(
        user=officer_kp,
        requirement=requirement,
        data={
            "name": "Đường giao thông liên xã Ea Kly",
            "kind": "groundbreaking",
            "milestone": milestone,
            "registered_on": datetime.date(2019, 9, 10),
        },
    )
    found = selectors.key_work_table(user=officer_kp, filters=selectors.TableFilters(q="duong giao thong"))
    assert [w.name for w in found] == ["Đường giao thông liên xã Ea Kly"]


def test_the_list_pages_rows_with_kept_sql_are_the_querysets_rows(leader, officer_kp, requirement, province):
    make_mix(requirement, province)
    for user in (leader, officer_kp):
        for filters in (selectors.TableFilters(), selectors.TableFilters(sort="-risk", risk=Risk.LATE)):
            wanted = list(selectors.key_work_table_rows(user=user, filters=filters, today=TODAY))
            for _ in range(2):  # compiled, then the kept SQL
                rows = selectors.key_work_page_rows(user=user, filters=filters, today=TODAY)
                assert rows[0:50] == wanted
                assert rows.count() == len(wanted)


def test_a_work_saved_is_in_the_next_rows_read_with_kept_sql(leader, requirement, province):
    make_mix(requirement, province)
    before = selectors.key_work_page_rows(user=leader, today=TODAY)[0:50]
    added = KeyWorkFactory(requirement=requirement, status=ReviewStatus.SUBMITTED, name="Cầu mới")
    after = selectors.key_work_page_rows(user=leader, today=TODAY)[0:50]
    assert len(after) == len(before) + 1 and added.pk in {row["pk"] for row in after}
