"""The officer's and reviewer's pages stay cheap (issue 19) and show every write on the next load."""

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from campaign_portal.core import access
from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.services import unit_set_successors
from campaign_portal.core.tests.factories import UnitFactory, make_user
from pledges import selectors, services
from pledges.models import Commitment, Dissemination, EmulationPlan, TargetProgress
from pledges.tests.factories import CommitmentFactory, DisseminationFactory, EmulationPlanFactory, TargetFactory

pytestmark = pytest.mark.django_db


# --- "what my unit owes": kept per data version, fresh after every write ----------------------------------


def test_owed_page_shows_a_new_filing_on_the_next_load(letter, province, officer_kp, client_for):
    client = client_for(officer_kp)
    url = reverse("pledges:owed")
    assert "Quán triệt tại Krông Pắc" not in client.get(url).content.decode()
    client.get(url)  # kept now
    DisseminationFactory(unit=province.krong_pac, requirement=letter.dissemination, title="Quán triệt tại Krông Pắc")
    assert "Quán triệt tại Krông Pắc" in client.get(url).content.decode()


def test_owed_page_shows_a_review_on_the_next_load(letter, province, officer_kp, staff, client_for):
    plan = EmulationPlanFactory(
        unit=province.krong_pac, requirement=letter.plan, status=ReviewStatus.SUBMITTED, submitted_at=timezone.now()
    )
    client = client_for(officer_kp)
    url = reverse("pledges:owed")
    assert "review-submitted" in client.get(url).content.decode()
    services.submission_transition(user=staff, submission=plan, target=ReviewStatus.ACCEPTED, comment="", url="/")
    body = client.get(url).content.decode()
    assert "review-accepted" in body and "review-submitted" not in body


def test_owed_page_kept_answer_costs_no_engine_query(
    letter, province, officer_kp, client_for, django_assert_max_num_queries
):
    client = client_for(officer_kp)
    url = reverse("pledges:owed")
    client.get(url)
    # session, user, membership; the kept rows' data version (1); the page shell's unread count and
    # membership (2); the menu's checks (units below 1; key works filed 1, else their asks 1 and owers 4).
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


# --- lists: one page and a count, whatever the data -------------------------------------------------------


def _fill(letter, province, n):
    for i in range(n):
        DisseminationFactory(unit=province.ea_kly, requirement=letter.dissemination, status="submitted", title=f"Q {i}")
        CommitmentFactory(unit=province.krong_pac_town, requirement=letter.theme, status="submitted", title=f"C {i}")
    EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, title="Nháp của huyện")
    CommitmentFactory(unit=province.ea_kly, requirement=letter.theme, title="Nháp của xã")


def test_listing_pages_and_count_agree(letter, province, officer_kp, staff):
    _fill(letter, province, 30)
    for listing in (selectors.submission_list_for(user=officer_kp), selectors.review_queue_for(user=staff)):
        rows = list(listing)
        assert listing.count() == len(rows) == len(listing[:100]) and len(listing[:50]) == 50
        assert listing[50:] == rows[50:]
        assert {row["slug"] for row in rows} <= {"quan-triet", "ke-hoach", "dang-ky", "bao-cao"}
    mine = {row["obj_title"] for row in selectors.submission_list_for(user=officer_kp)}
    assert "Nháp của huyện" in mine and "Nháp của xã" not in mine  # drafts only for their own unit
    sent = [row["sent_at"] for row in selectors.review_queue_for(user=staff)]
    assert sent == sorted(sent)  # oldest first


@pytest.mark.parametrize("name", ["pledges:submission_list", "pledges:review_list"])
def test_list_pages_second_page_and_a_write_on_the_next_load(
    name, letter, province, officer_kp, staff, client_for, django_assert_max_num_queries
):
    _fill(letter, province, 30)
    client = client_for(staff)
    url = reverse(name)
    # session, user, membership; the COUNT and the page (2); the reviewable-units check (review list);
    # the page shell's unread count and membership (2); the menu's checks (at most 6).
    with django_assert_max_num_queries(14):
        body = client.get(url + "?page=2").content.decode()
    assert "Trang 2/2" in body
    DisseminationFactory(unit=province.tan_loi, requirement=letter.dissemination, status="submitted", title="Mới gửi")
    assert "Mới gửi" in client.get(url + "?q=moi gui").content.decode()


def test_a_renamed_unit_and_a_renumbered_letter_show_on_the_next_list_load(letter, province, staff, client_for):
    _fill(letter, province, 2)
    client = client_for(staff)
    url = reverse("pledges:review_list")
    client.get(url)  # the names are kept per data version
    unit = province.ea_kly
    unit.name = "Xã Ea Kly Mới"
    unit.save()
    directive = letter.dissemination.directive
    directive.number = "99/KH-UBND"
    directive.save()
    body = client.get(url).content.decode()
    assert "Xã Ea Kly Mới" in body and "99/KH-UBND" in body


def test_review_queue_count_is_kept_per_data_version_and_follows_a_write(letter, province, staff, client_for):
    _fill(letter, province, 30)  # 60 sent records
    client = client_for(staff)
    url = reverse("pledges:review_list")
    assert "Trang 1/2" in client.get(url).content.decode()
    assert "Trang 1/2" in client.get(url).content.decode()  # the kept count
    _fill(letter, province, 21)  # 102 sent: the next load counts again
    assert "Trang 1/3" in client.get(url).content.decode()
    for record in list(Dissemination.objects.filter(status=ReviewStatus.SUBMITTED)[:2]):
        record.status = ReviewStatus.ACCEPTED  # reviewed: out of the queue
        record.save()
    assert "Trang 1/2" in client.get(url).content.decode()
    assert selectors.review_queue_for(user=staff).count() == 100


@pytest.mark.parametrize("name", ["pledges:submission_list", "pledges:review_list"])
def test_list_first_page_counts_its_own_rows_when_they_are_the_whole_list(
    name, letter, province, staff, client_for, django_assert_max_num_queries
):
    _fill(letter, province, 20)  # 40 sent records: one page
    client = client_for(staff)
    url = reverse(name)
    client.get(url)
    # as the second page's guard, less the COUNT: the first page read one row more than it shows
    with django_assert_max_num_queries(13):
        body = client.get(url).content.decode()
    assert "Q 19" in body and "C 0" in body and "Trang 1/" not in body
    _fill(letter, province, 6)  # 52 sent records: the first page of two, counted by the database
    body = client.get(url).content.decode()
    assert "Trang 1/2" in body and body.count('href="/don-vi-nop/') >= 50


# --- progress: one query finds the target, the same answers as the scoped querysets ------------------------


def test_progress_page_queries(letter, province, officer_kp, client_for, django_assert_max_num_queries):
    plan = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan, status="accepted")
    target = TargetFactory(plan=plan, target_value=80)
    client = client_for(officer_kp)
    url = reverse("pledges:progress_add", kwargs={"pk": target.pk})
    # session, user; the target with its plan and unit (1); membership; the shell (unread, membership,
    # the menu's checks).
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    today = timezone.localdate().strftime("%d/%m/%Y")
    # session, user, the target, membership; the previous value, the update and its audit entry (3);
    # the view's and the service's savepoints and their releases (4); the audit entry's content type when
    # this process has not read it yet (1). No query to find the target again.
    with django_assert_max_num_queries(12):
        assert client.post(url, {"reported_on": today, "actual_value": "5"}).status_code == 302
    assert TargetProgress.objects.get(target=target).actual_value == 5


def test_target_access_matches_the_scoped_querysets(letter, province, officer_kp, officer_bmt, staff, leader):
    """get_target_for_user checks the owner in Python: the same answer as scope_submissions for every pair."""
    successor = UnitFactory(
        code="DLK-EKL-2025", name="Xã Ea Kly mới", kind=UnitKind.COMMUNE, parent=province.province,
        valid_from=datetime.date(2025, 7, 1),
    )  # fmt: skip
    unit_set_successors(unit=province.ea_kly, successors=[successor])
    users = [officer_kp, officer_bmt, staff, leader, make_user(unit=province.ea_kly), make_user(unit=successor)]
    targets = []
    for unit in (province.krong_pac, province.ea_kly, province.tan_loi, successor):
        for status in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED):
            plan = EmulationPlanFactory(unit=unit, requirement=letter.plan, status=status)
            theme = CommitmentFactory(unit=unit, requirement=letter.theme, status=status)
            targets += [TargetFactory(plan=plan), TargetFactory(plan=None, commitment=theme)]
    for user in users:
        for target in targets:
            owner = target.owner
            expected = access.scope_submissions(type(owner).objects.filter(pk=owner.pk), user).exists()
            assert access.can_read_submission(user, owner.unit, owner.status) is expected, (user, owner)
            try:
                selectors.get_target_for_user(user=user, pk=target.pk)
                found = True
            except Http404:
                found = False
            assert found is expected, (user, owner)


def test_scoped_reads_unchanged_for_history(letter, province):
    """The history (predecessors, two generations back) is one subquery the querysets share."""
    mid = UnitFactory(code="X-2025", name="Xã 2025", kind=UnitKind.COMMUNE, parent=province.province)
    late = UnitFactory(code="X-2030", name="Xã 2030", kind=UnitKind.COMMUNE, parent=province.province)
    unit_set_successors(unit=province.ea_kly, successors=[mid])
    unit_set_successors(unit=mid, successors=[late])
    old = DisseminationFactory(unit=province.ea_kly, requirement=letter.dissemination, status="submitted")
    officer = make_user(unit=late)
    for model in (Dissemination, EmulationPlan, Commitment):
        assert access.scope_submissions(model.objects.all(), officer).count() == (1 if model is Dissemination else 0)
    assert access.can_read_unit(officer, province.ea_kly) and access.can_read_unit(officer, mid)
    assert not access.can_read_unit(officer, province.tan_loi)
    assert {row["obj_id"] for row in selectors.submission_list_for(user=officer)} == {old.pk}


def test_listing_reused_sql_gives_the_orms_rows(letter, province, officer_kp, officer_commune, staff, leader):
    """A list's compiled SQL is kept under the user's scope and filters: the same rows as the ORM's."""
    _fill(letter, province, 30)
    filters = [{}, {"status": "submitted"}, {"kind": "breakthrough_theme"}, {"query": "q 1"}, {"unit_id": 0}]
    for user in (officer_kp, officer_commune, staff, leader):
        for wanted in filters:
            for listing_for in (selectors.submission_list_for, selectors.review_queue_for):
                kept = listing_for(user=user, **wanted)
                fresh = listing_for(user=user, **wanted)
                fresh._key = None  # the ORM's own answer, nothing reused
                for _ in range(2):  # compiled, then reused
                    assert kept.count() == fresh.count()
                    assert kept[0:50] == fresh[0:50] and kept[50:100] == fresh[50:100]
    assert selectors.review_queue_for(user=leader).count() == 0  # matches nothing: no query at all
    assert selectors.submission_list_for(user=staff, unit_id=province.tan_loi.pk)[0:50] == []


def test_listing_of_two_officers_never_share_rows(letter, province, officer_kp, officer_bmt):
    _fill(letter, province, 3)
    assert selectors.submission_list_for(user=officer_kp).count() > 0
    assert list(selectors.submission_list_for(user=officer_bmt)) == []


_OLD_ROWS_LOOP = """{% load i18n portal %}{% translate "Hồ sơ" as l_record %}{% translate "Loại" as l_kind %}\
{% translate "Đơn vị" as l_unit %}{% translate "Văn bản" as l_letter %}{% translate "Trạng thái" as l_status %}\
{% translate "Gửi lúc" as l_sent %}{% translate "trễ hạn" as l_late %}{% for row in rows %}
  <tr>
    <td data-label="{{ l_record }}"><a href="{{ row.url }}">{{ row.title_text }}</a>{% if row.period_label %}<div class="small text-muted">{{ row.period_text }}</div>{% endif %}</td>
    <td data-label="{{ l_kind }}">{{ row.kind_label }}</td>
    <td data-label="{{ l_unit }}">{{ row.unit_name }}</td>
    <td data-label="{{ l_letter }}" class="text-nowrap">{{ row.directive_number|default:"—" }}</td>
    <td data-label="{{ l_status }}">{% status_badge row.obj_status row.status_label %}{% if row.obj_on_time is False %} <span class="badge state-badge state-late-note">{{ l_late }}</span>{% endif %}</td>
    <td data-label="{{ l_sent }}" class="text-nowrap">{{ row.sent_text|default:"—" }}</td>
  </tr>
  {% endfor %}"""  # the submission list's rows as its template drew them in a loop


def test_submission_rows_drawn_in_the_view_as_the_template_loop_drew_them(letter, province, officer_kp):
    from django.template import Context, Template

    from pledges.views import _submission_rows_html

    DisseminationFactory(unit=province.ea_kly, requirement=letter.dissemination, status="submitted", title="A <b> & c")
    CommitmentFactory(unit=province.krong_pac, requirement=letter.theme, title="Nháp")
    rows = selectors.decorate_rows(rows=list(selectors.submission_list_for(user=officer_kp)))
    rows.append({**rows[0], "period_label": "Quý 1/2026", "period_text": "kỳ Quý 1/2026", "obj_on_time": False})
    rows.append({**rows[0], "directive_number": None, "sent_text": "", "obj_on_time": None})
    assert str(_submission_rows_html(rows)) == Template(_OLD_ROWS_LOOP).render(Context({"rows": rows}))
    assert "A &lt;b&gt; &amp; c" in _submission_rows_html(rows)


_OLD_REVIEW_LOOP = """{% load portal %}{% for row in rows %}
<tr id="review-{{ row.dom_id }}">
  <td data-label="{{ labels.record }}"><a href="{{ row.url }}">{{ row.title_text }}</a><div class="small text-muted">{{ row.kind_label }} · {{ row.directive_text }}{% if row.period_label %} · {{ row.period_text }}{% endif %}</div></td>
  <td data-label="{{ labels.unit }}">{{ row.unit_name }}</td>
  <td data-label="{{ labels.sent }}" class="text-nowrap">{{ row.sent_text }}{% if row.obj_on_time is False %} <span class="badge text-bg-warning text-dark">{{ labels.late }}</span>{% endif %}</td>
  <td data-label="{{ labels.review }}">{% if error %}<div class="text-danger small mb-1" role="alert">{{ error }}</div>{% endif %}
    <form method="post" action="{{ row.transition_url }}" class="review-inline"
          hx-post="{{ row.transition_url }}" hx-target="closest tr" hx-swap="outerHTML">
      {% csrf_token %}<input type="hidden" name="next" value="{{ next_url }}">
      <label class="visually-hidden" for="c-{{ row.dom_id }}">{{ labels.comment }}</label>
      <input class="form-control form-control-sm mb-1" id="c-{{ row.dom_id }}" name="comment" placeholder="{{ labels.comment_hint }}">
      <div class="d-flex gap-1 flex-wrap">
        <button class="btn btn-sm btn-success" type="submit" name="target" value="accepted"><i class="bi bi-check-lg" aria-hidden="true"></i> {{ labels.accept }}</button>
        <button class="btn btn-sm btn-outline-warning text-dark" type="submit" name="target" value="returned"><i class="bi bi-arrow-return-left" aria-hidden="true"></i> {{ labels.return }}</button>
      </div>
    </form>
  </td>
</tr>
{% endfor %}"""  # the review partial the rows were drawn by


def test_review_rows_drawn_in_the_view_as_the_partial_draws_them(letter, province, staff, rf):
    import re

    from django.template import RequestContext, Template

    from pledges.views import _review_extras, _review_labels, _review_rows_html

    DisseminationFactory(unit=province.ea_kly, requirement=letter.dissemination, status="submitted", title="A <b> & c")
    rows = selectors.decorate_rows(rows=list(selectors.review_queue_for(user=staff)))
    rows.append({**rows[0], "period_label": "Quý 1/2026", "period_text": "kỳ Quý 1/2026", "obj_on_time": False})
    rows.append({**rows[0], "directive_number": None, "obj_on_time": None})
    for row in rows:
        row.update(_review_extras(row))
    request = rf.get("/don-vi-nop/duyet/?q=a&x=<b>")
    context = {"rows": rows, "labels": _review_labels(), "next_url": request.get_full_path()}
    drawn = str(_review_rows_html(rows, labels=context["labels"], next_url=context["next_url"], csrf_token="T"))
    partial = Template(_OLD_REVIEW_LOOP).render(RequestContext(request, context))

    def blank(html):
        return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1X", html)

    assert blank(drawn) == blank(partial)
    assert "A &lt;b&gt; &amp; c" in drawn and drawn.count("csrfmiddlewaretoken") == len(rows)
