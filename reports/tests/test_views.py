import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory
from reports.models import Report, ReportFormat, ReportKind, ReportStatus

from .conftest import file_work
from .factories import ReportFactory

READ_PAGES = ["reports:dashboard", "reports:matrix"]


@pytest.fixture
def filed(province, letter):
    directive, requirement = letter
    file_work(requirement, province.krong_pac, name="Cầu Ea Kly mới")
    file_work(requirement, province.bmt, status=ReviewStatus.SUBMITTED, name="Đường Y Wang")
    return directive, requirement


@pytest.mark.parametrize("name", READ_PAGES)
def test_leader_and_staff_read_the_dashboard_and_matrix(client_for, leader, staff, filed, name):
    for user in (leader, staff):
        response = client_for(user).get(reverse(name))
        assert response.status_code == 200
        assert "Krông Pắc" in response.content.decode()


@pytest.mark.parametrize("name", READ_PAGES + ["reports:review_queue", "reports:list"])
def test_anonymous_redirected_to_login(client, name, db):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("name", READ_PAGES + ["reports:review_queue"])
def test_wrong_method(client_for, leader, name):
    assert client_for(leader).post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", READ_PAGES)
def test_officers_may_not_read_the_province_dashboard(client_for, officer_kp, name, db):
    assert client_for(officer_kp).get(reverse(name)).status_code == 403


def test_dashboard_headline(client_for, leader, filed):
    response = client_for(leader).get(reverse("reports:dashboard"))
    body = response.content.decode()
    assert "50 %" in body  # 1 of 2 districts fully compliant
    assert "<svg" in body and "<script" not in body.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Kỷ niệm 80 năm thành lập Đảng bộ tỉnh" in body


def test_dashboard_empty_state(client_for, leader):
    response = client_for(leader).get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert "Chưa có phong trào" in response.content.decode()


def test_matrix_drill_down_and_filters(client_for, leader, province, filed):
    directive, _ = filed
    client = client_for(leader)
    response = client.get(reverse("reports:matrix"), {"directive": directive.pk})
    body = response.content.decode()
    work = filed[1].key_works.get(unit=province.krong_pac)
    assert reverse("projects:detail", kwargs={"pk": work.pk}) in body
    # The glossary's words, as on the officer's page and in the legend.
    assert "Đã chấp nhận" in body and "Đã gửi, chờ duyệt" in body and "1/01–02" in body
    assert "Chú giải trạng thái" in body
    response = client.get(reverse("reports:matrix"), {"directive": directive.pk, "district": province.bmt.pk})
    assert "Thành phố Buôn Ma Thuột" in response.content.decode()
    assert "Huyện Krông Pắc" not in response.content.decode()
    response = client.get(reverse("reports:matrix"), {"kind": UnitKind.COMMUNE, "district": "x"})
    assert response.status_code == 200 and "Không có đơn vị nào phù hợp" in response.content.decode()


def _grow(province, requirement, n):
    for i in range(n):
        district = UnitFactory(
            code=f"DLK-X{i:03d}", name=f"Huyện thử {i}", kind=UnitKind.DISTRICT, parent=province.province
        )
        file_work(requirement, district, status=ReviewStatus.SUBMITTED if i % 2 else ReviewStatus.ACCEPTED)


@pytest.mark.parametrize("extra", [0, 30])
def test_dashboard_and_matrix_query_count_fixed(
    client_for, leader, province, filed, extra, django_assert_max_num_queries
):
    _grow(province, filed[1], extra)
    client = client_for(leader)
    client.get(reverse("reports:dashboard"))  # warm the session
    # session 1 + user 1 + membership 2 (scope, menu) + unread notifications 1 + sources 1 + engine (requirements 1,
    # the map 4, one per registered kind (5), units 1, the staff-kept calendar days 1) + key-work summary 1
    # + milestones 1 = 20, + the engine a week earlier for the trend (the same less sources and summaries) = 29
    with django_assert_max_num_queries(29):
        assert client.get(reverse("reports:dashboard")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("reports:matrix")).status_code == 200


def test_unit_page(client_for, officer_kp, officer_bmt, province, filed):
    url = reverse("reports:unit", kwargs={"pk": province.krong_pac.pk})
    response = client_for(officer_kp).get(url)
    assert response.status_code == 200 and "Cầu Ea Kly mới" in response.content.decode()
    assert client_for(officer_bmt).get(url).status_code == 404


# --- review queue --------------------------------------------------------------------------------


def test_review_queue_oldest_first_in_scope(
    client_for, staff, officer_kp, officer_bmt, province, letter, django_assert_max_num_queries
):
    _, requirement = letter
    file_work(
        requirement,
        province.bmt,
        status=ReviewStatus.SUBMITTED,
        name="Mới hơn",
        submitted_on=datetime.date(2019, 9, 12),
    )
    file_work(
        requirement,
        province.krong_pac,
        status=ReviewStatus.SUBMITTED,
        name="Cũ hơn",
        submitted_on=datetime.date(2019, 9, 2),
    )
    file_work(requirement, province.krong_pac, status=ReviewStatus.ACCEPTED, name="Đã duyệt")
    client = client_for(staff)
    client.get(reverse("reports:review_queue"))
    # session, user, membership, unread count, navigation + the queue's order (every kind in one
    # query) + one query for the records of the page (every kind together)
    with django_assert_max_num_queries(7):
        body = client.get(reverse("reports:review_queue")).content.decode()
    assert body.index("Cũ hơn") < body.index("Mới hơn") and "Đã duyệt" not in body
    # A district officer reviews only the units below it: not its own district record.
    assert "Cũ hơn" not in client_for(officer_kp).get(reverse("reports:review_queue")).content.decode()


# --- reports pages ---------------------------------------------------------------------------------


def test_leader_requests_a_report_and_polls(client_for, leader, filed, django_capture_on_commit_callbacks):
    directive, _ = filed
    client = client_for(leader)
    assert client.get(reverse("reports:list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:list"),
            {
                "kind": ReportKind.PROVINCE_COMPLIANCE,
                "source": f"directive:{directive.pk}",
                "format": "xlsx",
                "cutoff": "01/10/2019",
                "document_number": "",
                "remarks": "<b>Đề nghị</b> khen thưởng",
            },
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", kwargs={"pk": report.pk})
    assert report.cutoff == datetime.date(2019, 10, 1) and report.status == ReportStatus.SUCCEEDED
    status = client.get(reverse("reports:status", kwargs={"pk": report.pk})).content.decode()
    assert "hx-get" not in status and reverse("reports:download", kwargs={"pk": report.pk}) in status
    download = client.get(reverse("reports:download", kwargs={"pk": report.pk}))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    b"".join(download.streaming_content)


def test_running_report_polls(client_for, leader, province, letter):
    report = ReportFactory(
        requested_by=leader,
        scope_unit=province.province,
        status=ReportStatus.RUNNING,
        parameters={"directive": letter[0].pk},
        progress=40,
    )
    body = client_for(leader).get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert 'hx-trigger="every 2s"' in body and "40 %" in body


def test_bad_request_rerenders_with_errors(client_for, leader, filed):
    response = client_for(leader).post(
        reverse("reports:list"),
        {"kind": "unit_report", "source": "campaign:0", "format": "pdf", "cutoff": "31/12/2999"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_officer_form_offers_only_own_unit(client_for, officer_kp, filed, province, django_capture_on_commit_callbacks):
    directive, _ = filed
    client = client_for(officer_kp)
    form = client.get(reverse("reports:list")).context["form"]
    assert list(form.fields["unit"].queryset) == [province.krong_pac]
    response = client.post(
        reverse("reports:list"),
        {"kind": "unit_report", "source": f"directive:{directive.pk}", "format": "pdf", "unit": province.ea_kly.pk},
    )
    assert response.status_code == 200 and not Report.objects.exists()
    response = client.post(
        reverse("reports:list"), {"kind": "province_compliance", "source": f"directive:{directive.pk}", "format": "pdf"}
    )
    assert response.status_code == 200 and not Report.objects.exists()


def test_download_only_for_readers_of_the_scope(
    client_for, leader, officer_kp, officer_bmt, officer_commune, province, filed
):
    directive, _ = filed
    province_report = ReportFactory(
        requested_by=leader,
        scope_unit=province.province,
        parameters={"directive": directive.pk},
        format=ReportFormat.XLSX,
    )
    unit_report = ReportFactory(
        requested_by=officer_kp,
        scope_unit=province.krong_pac,
        kind=ReportKind.UNIT_REPORT,
        parameters={"directive": directive.pk},
        format=ReportFormat.XLSX,
    )
    from reports import tasks

    tasks.build_report(province_report.pk)
    tasks.build_report(unit_report.pk)
    url = lambda r: reverse("reports:download", kwargs={"pk": r.pk})  # noqa: E731
    assert client_for(officer_kp).get(url(province_report)).status_code == 404
    assert client_for(officer_kp).get(url(unit_report)).status_code == 200
    assert client_for(officer_bmt).get(url(unit_report)).status_code == 404
    assert client_for(officer_commune).get(url(unit_report)).status_code == 404
    assert client_for(leader).get(url(unit_report)).status_code == 200
    listed = client_for(officer_bmt).get(reverse("reports:list")).context["page"].object_list
    assert list(listed) == []


def test_rerun_from_the_page(client_for, leader, officer_kp, province, letter, django_capture_on_commit_callbacks):
    report = ReportFactory(
        requested_by=leader,
        scope_unit=province.province,
        status=ReportStatus.FAILED,
        parameters={"directive": letter[0].pk},
        error="boom",
        format=ReportFormat.XLSX,
    )
    page = client_for(leader).get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert reverse("reports:rerun", kwargs={"pk": report.pk}) in page
    assert client_for(leader).get(reverse("reports:rerun", kwargs={"pk": report.pk})).status_code == 405
    assert client_for(officer_kp).post(reverse("reports:rerun", kwargs={"pk": report.pk})).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client_for(leader).post(reverse("reports:rerun", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED


def test_dashboard_in_english(client_for, leader, filed, settings):
    client = client_for(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("reports:dashboard")).content.decode()
    assert "Implementation overview" in body and "Units fully compliant" in body


@pytest.mark.parametrize("name", ["reports:detail", "reports:status", "reports:download", "reports:rerun"])
def test_report_pages_need_login(client, province, leader, letter, name):
    report = ReportFactory(requested_by=leader, scope_unit=province.province, parameters={"directive": letter[0].pk})
    response = client.get(reverse(name, kwargs={"pk": report.pk}))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.parametrize("name", ["reports:detail", "reports:status", "reports:download"])
def test_report_pages_refuse_post(client_for, province, leader, letter, name):
    report = ReportFactory(requested_by=leader, scope_unit=province.province, parameters={"directive": letter[0].pk})
    assert client_for(leader).post(reverse(name, kwargs={"pk": report.pk})).status_code == 405


def test_download_of_unfinished_report_is_404(client_for, province, leader, letter):
    report = ReportFactory(requested_by=leader, scope_unit=province.province, parameters={"directive": letter[0].pk})
    assert client_for(leader).get(reverse("reports:download", kwargs={"pk": report.pk})).status_code == 404


def test_the_dashboard_remembers_the_campaign_and_area_and_focuses_on_five(client_for, leader, province, filed):
    client = client_for(leader)
    directive = filed[0]
    page = client.get(reverse("reports:dashboard"), {"directive": directive.pk, "district": province.krong_pac.pk})
    assert page.context["source"].directive == directive and page.context["district"] == province.krong_pac.pk
    client.logout()
    client = client_for(leader)  # a new session (another day, another device): the choice is the user's
    again = client.get(reverse("reports:dashboard"))  # no query: the last choice, remembered
    assert again.context["source"].directive == directive and again.context["district"] == province.krong_pac.pk
    matrix = client.get(reverse("reports:matrix"))
    assert matrix.context["source"].directive == directive and matrix.context["district"] == province.krong_pac.pk
    focus = again.context["focus"]
    assert len(focus["behind"]) <= 5 and len(focus["deadlines"]) <= 5
    assert "Năm đơn vị chậm nhất" in again.text and "Năm hạn gần nhất" in again.text
    cleared = client.get(reverse("reports:dashboard"), {"directive": directive.pk, "district": ""})
    assert cleared.context["district"] == 0


def test_review_queue_a_page_at_a_time_oldest_first(client_for, staff, province, letter, django_assert_max_num_queries):
    _, requirement = letter
    from reports.views import REVIEW_PAGE_SIZE

    for i in range(REVIEW_PAGE_SIZE + 1):
        file_work(
            requirement,
            province.bmt,
            status=ReviewStatus.SUBMITTED,
            name=f"Hồ sơ số {i:03d}",
            submitted_on=datetime.date(2019, 9, 1) + datetime.timedelta(days=i),
        )
    client = client_for(staff)
    client.get(reverse("reports:review_queue"))
    with django_assert_max_num_queries(7):  # as above: only the page's records are loaded
        first = client.get(reverse("reports:review_queue")).content.decode()
    assert "Hồ sơ số 000" in first and f"Hồ sơ số {REVIEW_PAGE_SIZE:03d}" not in first
    assert "Trang 1/2" in first
    second = client.get(reverse("reports:review_queue"), {"page": 2}).content.decode()
    assert f"Hồ sơ số {REVIEW_PAGE_SIZE:03d}" in second and "Hồ sơ số 000" not in second


def test_review_queue_kept_sql_keeps_each_reviewer_scope(
    client_for, staff, officer_kp, officer_bmt, leader, province, letter
):
    """The queue's compiled SQL is kept per scope (access.scope_key): each reviewer still gets the rows
    of their own scope, and a record sent after a load is listed on the next one."""
    _, requirement = letter
    url = reverse("reports:review_queue")
    users = (staff, officer_kp, officer_bmt, leader)
    for user in users:
        client_for(user).get(url)  # every scope's SQL kept
    file_work(requirement, province.ea_kly, status=ReviewStatus.SUBMITTED, name="Ea Kly gửi sau")
    file_work(requirement, province.tan_loi, status=ReviewStatus.SUBMITTED, name="Tân Lợi gửi sau")
    seen = {user.username: client_for(user).get(url).content.decode() for user in users}
    assert "Ea Kly gửi sau" in seen[staff.username] and "Tân Lợi gửi sau" in seen[staff.username]
    assert "Ea Kly gửi sau" in seen[officer_kp.username] and "Tân Lợi gửi sau" not in seen[officer_kp.username]
    assert "Tân Lợi gửi sau" in seen[officer_bmt.username] and "Ea Kly gửi sau" not in seen[officer_bmt.username]
    assert "gửi sau" not in seen[leader.username]
    # The rows drawn in Python: the days waited in the portal's number style, the unit and the link.
    body = seen[staff.username]
    assert f'<td data-label="Đơn vị">{province.ea_kly.name}</td>' in body
    days = (timezone.localdate() - datetime.date(2019, 9, 10)).days
    assert f"chờ {days // 1000}.{days % 1000:03d} ngày" in body


def test_report_form_lists_a_new_letter_on_the_next_load(
    client_for, staff, province, letter, django_assert_max_num_queries
):
    """The form's campaigns and letters are kept per version of the data: a letter published (a
    requirement added to it) is offered on the next load; one withdrawn is no longer."""
    from directives.models import DirectiveStatus
    from directives.tests.factories import DirectiveFactory, RequirementFactory

    directive, _requirement = letter
    client = client_for(staff)
    url = reverse("reports:list")
    assert "Văn bản: Công văn 9999/UBND-TH" not in client.get(url).content.decode()
    other = DirectiveFactory(campaign=directive.campaign, number="9999/UBND-TH", issuer=province.province)
    RequirementFactory(directive=other, applies_to=[UnitKind.DISTRICT])
    body = client.get(url).content.decode()
    # session, user, membership, unread count, navigation + the data version (twice) and the reports
    # (a first page holding them all: no COUNT)
    with django_assert_max_num_queries(9):
        again = client.get(url).content.decode()
    assert f'value="directive:{other.pk}"' in again
    assert f'value="directive:{other.pk}"' in body and f'value="directive:{directive.pk}"' in body
    other.status = DirectiveStatus.WITHDRAWN
    other.save()
    assert f'value="directive:{other.pk}"' not in client.get(url).content.decode()


def test_report_form_lists_a_new_unit_on_the_next_load(client_for, staff, officer_kp, province, letter):
    """The unit list is kept between loads; a unit added is listed on the next one, and an officer's
    list (their own unit) is never the staff's."""
    client = client_for(staff)
    assert "Xã Mới Lập" not in client.get(reverse("reports:list")).content.decode()
    UnitFactory(code="DLK-KPA-ML", name="Xã Mới Lập", kind=UnitKind.COMMUNE, parent=province.krong_pac)
    assert "Xã Mới Lập" in client.get(reverse("reports:list")).content.decode()
    form = client_for(officer_kp).get(reverse("reports:list")).context["form"]
    assert "Xã Mới Lập" not in str(form["unit"]) and "Krông Pắc" in str(form["unit"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_form_drawn_in_python_is_crispys_html(staff, officer_kp, province, letter, lang):
    """The unbound request form is written in Python (reports.forms.plain_form_html): the very HTML of
    `{{ form|crispy }}`, for staff and an officer, with and without the values a link brings; a bound
    form (its errors) is left to crispy."""
    from django.template import Context, Template
    from django.utils import translation

    from reports import selectors
    from reports.forms import ReportRequestForm, plain_form_html

    directive, _requirement = letter
    choices = selectors.source_choices()
    crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}")
    links = [
        {},
        {"source": f"directive:{directive.pk}", "cutoff": datetime.date(2019, 9, 1), "kind": "unit_report"},
        {"kind": "key_works", "unit": str(province.krong_pac.pk)},
    ]
    with translation.override(lang):
        for user in (staff, officer_kp):
            for initial in links:
                expected = crispy.render(
                    Context({"form": ReportRequestForm(None, user=user, choices=choices, initial=initial)})
                )
                drawn = plain_form_html(ReportRequestForm(None, user=user, choices=choices, initial=initial))
                assert drawn == expected and 'id="div_id_remarks"' in drawn
        bound = ReportRequestForm({"kind": "unit_report"}, user=staff, choices=choices)
        assert plain_form_html(bound) is None
