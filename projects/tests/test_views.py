import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.uploads import bytes_upload
from projects import services
from projects.models import KeyWork, ProgressUpdate, WorkStatus
from projects.tests.factories import KeyWorkFactory, image_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def form_post(milestone, **overrides):
    data = {
        "name": "Trường THCS Ea Kly (khu phòng học mới)",
        "kind": "inauguration",
        "sector": "education",
        "milestone": milestone.pk,
        "registered_on": "10/09/2019",
        "planned_date": "",
        "total_investment": "12.500.000.000",
        "investor": "UBND huyện Krông Pắc",
        "address": "",
        "description": "",
        "funding-TOTAL_FORMS": "4",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "4",
        "funding-MAX_NUM_FORMS": "8",
        "funding-0-source": "provincial",
        "funding-0-amount": "10.000.000.000",
        "funding-1-source": "district",
        "funding-1-amount": "2.500.000.000",
        "funding-2-source": "",
        "funding-2-amount": "",
        "funding-3-source": "",
        "funding-3-amount": "",
    }
    data.update(overrides)
    return data


def login_url(url):
    return f"{reverse('login')}?next={url}"


# ---- list --------------------------------------------------------------------------------------


def test_list_officer_sees_own_and_register_button(client_for, officer_kp, requirement, work_kp, work_bmt):
    response = client_for(officer_kp).get(reverse("projects:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert work_kp.name in body and work_bmt.name not in body
    assert reverse("projects:create", kwargs={"requirement_pk": requirement.pk}) in body


def test_list_leader_sees_province_and_filters(client_for, leader, work_kp, work_bmt, province):
    client = client_for(leader)
    body = client.get(reverse("projects:list")).content.decode()
    assert work_kp.name in body and work_bmt.name in body
    body = client.get(reverse("projects:list"), {"unit": province.bmt.pk}).content.decode()
    assert work_bmt.name in body and work_kp.name not in body
    body = client.get(reverse("projects:list"), {"risk": "late"}).content.decode()
    assert work_kp.name in body  # planned 23/11/2020 is long past
    body = client.get(reverse("projects:list"), {"kind": "inauguration"}).content.decode()
    assert work_kp.name not in body
    assert client.get(reverse("projects:list"), {"sort": "-investment", "unit": "abc"}).status_code == 200


def test_list_drafts_hidden_from_other_units(client_for, leader, officer_bmt, requirement, province):
    draft = KeyWorkFactory(requirement=requirement, unit=province.krong_pac, name="Bản nháp KP")
    assert draft.name not in client_for(leader).get(reverse("projects:list")).content.decode()


def test_list_anonymous_and_wrong_method(client, officer_kp, client_for):
    url = reverse("projects:list")
    assert client.get(url).url == login_url(url)
    assert client_for(officer_kp).post(url).status_code == 405


def test_province_table_queries_do_not_grow(client_for, leader, requirement, province, django_assert_max_num_queries):
    client = client_for(leader)
    url = reverse("projects:list")
    client.get(url)  # warm the session

    def make(n):
        for i in range(n):
            work = KeyWorkFactory(
                requirement=requirement,
                unit=province.bmt if i % 2 else province.krong_pac,
                status=ReviewStatus.SUBMITTED,
            )
            work.funding_sources.create(source="central", amount=1000)

    make(3)
    client.get(url)  # what is kept per data version afresh after the writes
    # session, user, membership (scope), the data version (filter milestones and districts kept), rows
    # (unit and milestone joined; a first page holding the whole table needs no COUNT, and its rows
    # give the summary); base.html: unread notifications, user.membership for the menu
    with django_assert_max_num_queries(7):
        assert client.get(url, {"sort": "risk"}).status_code == 200
    make(30)
    client.get(url)  # what is kept per data version afresh after the writes
    with django_assert_max_num_queries(7):
        assert client.get(url, {"sort": "risk"}).status_code == 200
    make(20)  # 53 works: two pages, a COUNT and the summary's own grouped query
    client.get(url)
    with django_assert_max_num_queries(9):
        assert client.get(url, {"sort": "risk"}).status_code == 200


def test_list_summary_counts_every_work_whatever_the_filter_or_page(client_for, leader, requirement, province):
    """The badges above the table count all the reader's works (withdrawn left out), filtered or not."""
    for kind in ("inauguration", "inauguration", "groundbreaking"):
        KeyWorkFactory(requirement=requirement, kind=kind, status=ReviewStatus.SUBMITTED, total_investment=1000)
    KeyWorkFactory(requirement=requirement, status=ReviewStatus.WITHDRAWN, total_investment=5)
    client = client_for(leader)
    url = reverse("projects:list")
    for params in ({}, {"kind": "groundbreaking"}, {"sort": "-name"}, {"page": "1"}):
        summary = client.get(url, params).context["summary"]
        assert (summary["total"], summary["investment"], summary["groundbreaking"]) == (3, 3000, 1), params


def test_officer_list_queries_do_not_grow(client_for, officer_kp, requirement, province, django_assert_max_num_queries):
    client = client_for(officer_kp)
    url = reverse("projects:list")
    client.get(url)  # warm the session (and the engine's key-works ledger)
    # session, user, membership (scope), the data version (the filter's milestones, the owed
    # requirements and the engine's ledger kept; the districts are not shown to an officer), rows
    # (no COUNT: the first page holds them all, and they give the summary); base.html: unread notifications and the
    # menu's checks (key works, sub-units, whether the unit owes key works: requirements, data version)
    with django_assert_max_num_queries(10):
        assert client.get(url, {"sort": "risk"}).status_code == 200
    for i in range(20):
        KeyWorkFactory(requirement=requirement, unit=province.krong_pac, status=ReviewStatus.SUBMITTED, name=f"CT {i}")
    # After a write, afresh: + milestones, requirements, and the ledger's directives, addressees, units, filings
    with django_assert_max_num_queries(16):
        assert client.get(url, {"sort": "risk"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url, {"sort": "risk"}).status_code == 200


def test_officer_list_counts_a_new_work_on_the_next_load(client_for, officer_kp, requirement, milestone, province):
    """The owed requirement's quota use comes from the engine's kept ledger: a filing renews it."""
    client = client_for(officer_kp)
    url = reverse("projects:list")
    create = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    body = client.get(url).content.decode()
    assert "đã đăng ký 0" in body and create in body
    KeyWorkFactory(requirement=requirement, unit=province.krong_pac, status=ReviewStatus.SUBMITTED, milestone=milestone)
    body = client.get(url).content.decode()
    assert "đã đăng ký 1" in body and create in body
    work = KeyWorkFactory(requirement=requirement, unit=province.krong_pac, status=ReviewStatus.SUBMITTED)
    body = client.get(url).content.decode()
    assert "đã đăng ký 2" in body and create not in body and "Đã đủ số lượng" in body
    work.status = ReviewStatus.WITHDRAWN
    work.save(update_fields=["status"])
    assert "đã đăng ký 1" in client.get(url).content.decode()


def test_list_filter_milestones_follow_writes(client_for, leader, requirement, milestone, work_kp):
    """The milestones of the filter bar are kept per data version: a renamed one shows on the next load."""
    client = client_for(leader)
    url = reverse("projects:list")
    assert milestone.name in client.get(url).content.decode()
    milestone.name = "Mốc kỷ niệm đã đổi tên"
    milestone.save(update_fields=["name"])
    assert "Mốc kỷ niệm đã đổi tên" in client.get(url).content.decode()
    work_kp.milestone = None
    work_kp.save(update_fields=["milestone"])
    assert "Mốc kỷ niệm đã đổi tên" not in client.get(url).content.decode()  # no work names it now


def test_list_pages_past_fifty_works(client_for, leader, requirement, province):
    for i in range(53):
        KeyWorkFactory(requirement=requirement, unit=province.bmt, status=ReviewStatus.SUBMITTED, name=f"CT số {i:02d}")
    client = client_for(leader)
    url = reverse("projects:list")
    first = client.get(url, {"sort": "name"}).content.decode()
    assert "Trang 1/2" in first and "CT số 49" in first and "CT số 50" not in first
    assert "53 công trình" in first
    second = client.get(url, {"sort": "name", "page": "2"}).content.decode()
    assert "Trang 2/2" in second and "CT số 50" in second and "CT số 52" in second and "CT số 49" not in second


def test_list_filter_districts_follow_writes(client_for, staff, work_kp, province):
    client = client_for(staff)
    url = reverse("projects:list")
    assert "Krông Pắc" in client.get(url).content.decode()
    province.krong_pac.short_name = "Krông Pắc mới"
    province.krong_pac.save(update_fields=["short_name"])
    assert "Krông Pắc mới" in client.get(url).content.decode()


# ---- create (quota through the form page) ---------------------------------------------------------


def test_create_via_form_and_third_refused(client_for, officer_kp, requirement, milestone):
    client = client_for(officer_kp)
    url = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    assert client.get(url).status_code == 200
    for n in range(2):
        response = client.post(url, form_post(milestone, name=f"Công trình {n}"))
        assert response.status_code == 302, response.content.decode()[:3000]
    work = KeyWork.objects.order_by("id").first()
    assert work.total_investment == 12_500_000_000 and work.planned_date == datetime.date(2020, 11, 23)
    assert sorted(work.funding_sources.values_list("amount", flat=True)) == [2_500_000_000, 10_000_000_000]
    response = client.post(url, form_post(milestone, name="Công trình thứ ba"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "7019/UBND-TH" in body and "01–02" in body
    assert "Công trình thứ ba" in body  # what the officer typed is kept
    assert KeyWork.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("total_investment", "-5", "số âm"),
        ("total_investment", "9.999.999.999.999.999", "quá lớn"),
        ("total_investment", "12,5", "12.500.000.000"),
        ("planned_date", "01/01/2019", "trước ngày đăng ký"),
        ("latitude", "95", ""),
    ],
)
def test_create_form_rejects_bad_values(client_for, officer_kp, requirement, milestone, field, value, message):
    url = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    response = client_for(officer_kp).post(url, form_post(milestone, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KeyWork.objects.exists()


def test_create_forbidden_and_missing(client_for, client, leader, staff, officer_dept, requirement):
    url = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    assert client.get(url).url == login_url(url)
    assert client_for(leader).get(url).status_code == 403
    assert client_for(staff).get(url).status_code == 403
    refused = client_for(officer_dept).get(url)  # not owed by a department: a page says why, not a bare 404
    assert refused.status_code == 403 and "không áp dụng cho đơn vị của bạn" in refused.content.decode()
    missing = reverse("projects:create", kwargs={"requirement_pk": 999999})
    assert client_for(officer_dept).get(missing).status_code == 404
    assert client_for(officer_dept).put(url).status_code == 405


# ---- detail, edit, transitions -------------------------------------------------------------------


def test_detail_success_and_foreign(client_for, client, officer_kp, officer_bmt, officer_commune, leader, work_kp):
    url = reverse("projects:detail", kwargs={"pk": work_kp.pk})
    response = client_for(officer_kp).get(url)
    assert response.status_code == 200 and work_kp.name in response.content.decode()
    assert client_for(leader).get(url).status_code == 200
    assert client_for(officer_bmt).get(url).status_code == 404
    assert client_for(officer_commune).get(url).status_code == 404  # a commune does not read its district
    assert client_for(officer_kp).post(url).status_code == 405
    client.logout()
    assert client.get(url).url == login_url(url)


def test_edit(client_for, client, officer_kp, officer_bmt, leader, requirement, milestone, province):
    work = KeyWorkFactory(requirement=requirement, unit=province.krong_pac, milestone=milestone)
    url = reverse("projects:edit", kwargs={"pk": work.pk})
    kp = client_for(officer_kp)
    assert kp.get(url).status_code == 200
    response = kp.post(url, form_post(milestone, name="Tên đã sửa", expected_version=work.version))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.name == "Tên đã sửa"
    # Stale version: conflict message, text kept.
    response = kp.post(url, form_post(milestone, name="Sửa muộn", expected_version=1))
    assert response.status_code == 400 and "Sửa muộn" in response.content.decode()
    assert client_for(officer_bmt).get(url).status_code == 404
    assert client_for(leader).get(url).status_code == 404  # a draft is visible to its own unit only
    assert client_for(officer_kp).delete(url).status_code == 405
    work.status = ReviewStatus.SUBMITTED
    work.save()
    assert client_for(leader).get(url).status_code == 403  # visible, read-only
    assert client_for(officer_kp).get(url).status_code == 302  # submitted: no longer editable


def test_transition_submit_and_staff_accept(
    client_for, officer_kp, staff, leader, officer_bmt, requirement, milestone, province
):
    work = KeyWorkFactory(requirement=requirement, unit=province.krong_pac, milestone=milestone)
    url = reverse("projects:transition", kwargs={"pk": work.pk})
    assert client_for(officer_kp).post(url, {"target": "submitted"}).status_code == 302
    work.refresh_from_db()
    assert work.status == ReviewStatus.SUBMITTED
    assert client_for(leader).post(url, {"target": "accepted"}).status_code == 403
    assert client_for(officer_bmt).post(url, {"target": "accepted"}).status_code == 404
    assert client_for(officer_kp).post(url, {"target": "accepted"}).status_code == 403
    assert client_for(officer_kp).get(url).status_code == 405
    response = client_for(staff).post(url, {"target": "accepted", "comment": "Đồng ý"})
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.status == ReviewStatus.ACCEPTED and work.work_status == WorkStatus.APPROVED


def test_detail_shows_review_buttons_to_staff(client_for, staff, work_kp):
    body = client_for(staff).get(reverse("projects:detail", kwargs={"pk": work_kp.pk})).content.decode()
    assert 'value="accepted"' in body and 'value="returned"' in body


def test_set_status(client_for, officer_kp, leader, officer_bmt, work_kp):
    work_kp.status = ReviewStatus.ACCEPTED
    work_kp.work_status = WorkStatus.APPROVED
    work_kp.save()
    url = reverse("projects:set_status", kwargs={"pk": work_kp.pk})
    assert client_for(leader).post(url, {"work_status": "under_construction"}).status_code == 403
    assert client_for(officer_bmt).post(url, {"work_status": "under_construction"}).status_code == 404
    assert client_for(officer_kp).get(url).status_code == 405
    assert client_for(officer_kp).post(url, {"work_status": "under_construction"}).status_code == 302
    work_kp.refresh_from_db()
    assert work_kp.work_status == WorkStatus.UNDER_CONSTRUCTION
    # Cancel without a reason: a message, no change, no 500.
    assert client_for(officer_kp).post(url, {"work_status": "cancelled"}).status_code == 302
    work_kp.refresh_from_db()
    assert work_kp.work_status == WorkStatus.UNDER_CONSTRUCTION


# ---- progress and photos -----------------------------------------------------------------------


def test_progress_with_photo_then_gallery_and_download(
    client_for, officer_kp, officer_bmt, leader, work_kp, django_capture_on_commit_callbacks
):
    url = reverse("projects:progress", kwargs={"pk": work_kp.pk})
    client = client_for(officer_kp)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "reported_on": "01/09/2020",
                "physical_progress": "45",
                "capital_disbursed": "1.200.000.000",
                "note": "",
                "photos": [bytes_upload("hien-truong.jpg", image_bytes("JPEG", size=(800, 600)))],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = ProgressUpdate.objects.get()
    photo = update.photos.get()
    body = client.get(reverse("projects:detail", kwargs={"pk": work_kp.pk})).content.decode()
    assert reverse("projects:thumbnail", kwargs={"pk": photo.pk}) in body
    for user in (officer_kp, leader):
        response = client_for(user).get(reverse("projects:photo", kwargs={"pk": photo.pk}))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert "attachment" in response["Content-Disposition"]
        assert client_for(user).get(reverse("projects:thumbnail", kwargs={"pk": photo.pk})).status_code == 200
    assert client_for(officer_bmt).get(reverse("projects:photo", kwargs={"pk": photo.pk})).status_code == 404
    assert client_for(officer_bmt).get(reverse("projects:thumbnail", kwargs={"pk": photo.pk})).status_code == 404
    assert client_for(officer_kp).post(reverse("projects:photo", kwargs={"pk": photo.pk})).status_code == 405


def test_progress_bad_photo_and_values_rerender(client_for, officer_kp, work_kp):
    url = reverse("projects:progress", kwargs={"pk": work_kp.pk})
    response = client_for(officer_kp).post(
        url,
        {
            "reported_on": "01/09/2020",
            "physical_progress": "45",
            "note": "ghi chú giữ lại",
            "photos": [bytes_upload("anh.jpg", b"%PDF-1.4 this is a pdf")],
        },
    )
    assert response.status_code == 400
    assert "ghi chú giữ lại" in response.content.decode()
    response = client_for(officer_kp).post(url, {"reported_on": "01/09/2020", "physical_progress": "120"})
    assert response.status_code == 400
    assert not ProgressUpdate.objects.exists()


def test_progress_going_down_needs_note_in_form(client_for, officer_kp, work_kp):
    url = reverse("projects:progress", kwargs={"pk": work_kp.pk})
    client = client_for(officer_kp)
    assert client.post(url, {"reported_on": "01/09/2020", "physical_progress": "60"}).status_code == 302
    response = client.post(url, {"reported_on": "02/09/2020", "physical_progress": "50"})
    assert response.status_code == 400 and "lý do" in response.content.decode()
    assert (
        client.post(url, {"reported_on": "02/09/2020", "physical_progress": "50", "note": "Đo lại"}).status_code == 302
    )


def test_progress_forbidden(client_for, client, leader, officer_bmt, work_kp):
    url = reverse("projects:progress", kwargs={"pk": work_kp.pk})
    assert client_for(leader).get(url).status_code == 403
    assert client_for(officer_bmt).get(url).status_code == 404
    assert client_for(leader).put(url).status_code == 405
    client.logout()
    assert client.get(url).url == login_url(url)


def test_progress_refused_on_cancelled_work(client_for, officer_kp, work_kp):
    KeyWork.objects.filter(pk=work_kp.pk).update(work_status=WorkStatus.CANCELLED, cancel_reason="x")
    response = client_for(officer_kp).get(reverse("projects:progress", kwargs={"pk": work_kp.pk}))
    assert response.status_code == 302


# ---- officer of one district cannot touch another's works ---------------------------------------


def test_foreign_district_cannot_touch(client_for, officer_bmt, work_kp):
    client = client_for(officer_bmt)
    for name in ("detail", "edit", "progress"):
        assert client.get(reverse(f"projects:{name}", kwargs={"pk": work_kp.pk})).status_code == 404
    for name, data in (
        ("transition", {"target": "withdrawn", "comment": "x"}),
        ("set_status", {"work_status": "delayed"}),
    ):
        assert client.post(reverse(f"projects:{name}", kwargs={"pk": work_kp.pk}), data).status_code == 404
    with pytest.raises(PermissionDenied):  # the service refuses too: not my unit
        services.progress_update_create(
            user=officer_bmt, work=work_kp, reported_on=datetime.date(2020, 9, 1), physical_progress=10
        )
    work_kp.refresh_from_db()
    assert work_kp.status == ReviewStatus.SUBMITTED


def test_create_page_when_quota_is_full_shows_no_form(client_for, officer_kp, requirement, milestone, province):
    for n in range(2):
        KeyWorkFactory(requirement=requirement, unit=province.krong_pac, milestone=milestone, name=f"CT {n}")
    url = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    body = client_for(officer_kp).get(url).content.decode()
    assert "7019/UBND-TH" in body and "01–02" in body
    assert 'name="name"' not in body and reverse("projects:list") in body
    # A POST (the quota filled up meanwhile) is refused by the service, keeping what was typed.
    response = client_for(officer_kp).post(url, form_post(milestone, name="CT thứ ba"))
    assert response.status_code == 400 and KeyWork.objects.count() == 2
    assert "CT thứ ba" in response.content.decode()


def test_coordinates_out_of_range_say_so_in_words(client_for, officer_kp, requirement, milestone):
    url = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    response = client_for(officer_kp).post(url, form_post(milestone, latitude="1000", longitude="200"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Vĩ độ phải là số độ từ -90 đến 90" in body and "Kinh độ phải là số độ từ -180 đến 180" in body
    assert "chữ số trước" not in body


def test_progress_double_submit_with_photo_saves_once(
    client_for, officer_kp, work_kp, django_capture_on_commit_callbacks
):
    url = reverse("projects:progress", kwargs={"pk": work_kp.pk})
    client = client_for(officer_kp)
    photo = image_bytes("JPEG", size=(400, 300))
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "reported_on": "01/09/2020",
                    "physical_progress": "45",
                    "note": "Xong móng",
                    "photos": [bytes_upload("hien-truong.jpg", photo)],
                },
                follow=True,
            )
    assert ProgressUpdate.objects.count() == 1
    assert ProgressUpdate.objects.get().photos.count() == 1
    assert "đã được lưu trước đó" in response.content.decode()


def test_double_click_on_register_saves_one_work(client_for, officer_kp, requirement, milestone):
    client = client_for(officer_kp)
    url = reverse("projects:create", kwargs={"requirement_pk": requirement.pk})
    assert client.post(url, form_post(milestone, name="Cầu treo buôn Ea Kly")).status_code == 302
    response = client.post(url, form_post(milestone, name="Cầu treo buôn Ea Kly"))
    assert response.status_code == 400 and "đã đăng ký công trình" in response.content.decode()
    assert KeyWork.objects.count() == 1


def test_progress_form_says_every_problem_at_once(client_for, officer_kp, work_kp):
    work_kp.latest_progress, work_kp.latest_progress_on = 55, datetime.date(2020, 8, 1)
    work_kp.save()
    url = reverse("projects:progress", kwargs={"pk": work_kp.pk})
    response = client_for(officer_kp).post(
        url, {"reported_on": "01/09/2020", "physical_progress": "40", "capital_disbursed": "99.000.000.000"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "lý do" in body and "không thể lớn hơn tổng mức đầu tư" in body


def test_a_milestone_with_key_works_cannot_be_deleted(client_for, staff, work_kp, milestone):
    from directives.models import Milestone

    url = reverse("directives:milestone_delete", args=[milestone.campaign_id, milestone.pk])
    response = client_for(staff).post(url, follow=True)
    assert "Không xóa được mốc" in response.content.decode() and "1 công trình trọng điểm" in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    work_kp.refresh_from_db()
    assert work_kp.milestone_id == milestone.pk


def test_list_rows_escape_what_units_typed(client_for, leader, requirement, province):
    KeyWorkFactory(
        requirement=requirement, status=ReviewStatus.SUBMITTED, name='Cầu <Ea Kly> & "kè"', latest_progress=45
    )
    html = client_for(leader).get(reverse("projects:list")).content.decode()
    assert "Cầu &lt;Ea Kly&gt; &amp; &quot;kè&quot;" in html and "<Ea Kly>" not in html
    assert 'value="45" aria-hidden="true"></progress>\n          45 %</td>' in html
