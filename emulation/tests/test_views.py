"""Pages: who sees which cluster and whose scores, bad input kept beside its field, query counts."""

import pytest
from django.urls import reverse

from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.tests.factories import UnitFactory, make_user
from emulation import services
from emulation.models import MemberRole, Scorecard
from emulation.tests.factories import CriterionFactory, MemberFactory, SectionFactory, cluster_with

S = ReviewStatus


def _scored(world, user, free="8"):
    card = services.scorecard_open(user=user, cluster=world.cluster)
    services.scorecard_save(user=user, scorecard=card, values={world.criteria["free"].pk: (free, "")})
    for line in card.lines.filter(self_points__isnull=True):
        services.scorecard_save(user=user, scorecard=card, values={line.criterion_id: ("0", "")})
    services.scorecard_submit(user=user, scorecard=card)
    return card


def test_anonymous_is_sent_to_login_and_wrong_method_refused(client, world):
    url = reverse("emulation:cluster_detail", kwargs={"pk": world.cluster.pk})
    assert client.get(url).status_code == 302
    client.force_login(world.head)
    assert client.post(url).status_code == 405
    assert client.get(reverse("emulation:scorecard_open", kwargs={"pk": world.cluster.pk})).status_code == 405


def test_units_see_only_their_own_cluster(client_for, world):
    client = client_for(world.outsider)
    listing = client.get(reverse("emulation:cluster_list")).content.decode()
    assert "Cụm thi đua số 2" in listing and "Cụm thi đua số 1" not in listing
    assert client.get(reverse("emulation:cluster_detail", kwargs={"pk": world.cluster.pk})).status_code == 404
    assert client.get(reverse("emulation:criteria", kwargs={"pk": world.cluster.pk})).status_code == 404


def test_a_unit_cannot_see_other_units_scores_before_finalisation(client_for, world):
    card = _scored(world, world.member)
    url = reverse("emulation:scorecard", kwargs={"pk": card.pk})
    ranking = reverse("emulation:ranking", kwargs={"pk": world.cluster.pk})
    peer = make_user(unit=world.communes[3], username="peer")
    assert client_for(world.outsider).get(url).status_code == 404  # another cluster
    assert client_for(peer).get(url).status_code == 404  # same cluster, not final yet
    assert client_for(peer).get(ranking).status_code == 404
    assert client_for(world.head).get(url).status_code == 200  # the head reads its members
    assert client_for(world.head).get(ranking).status_code == 200
    assert client_for(world.member).get(url).status_code == 200  # and the unit its own
    world.cluster.finalised_at = card.submitted_at
    world.cluster.save()
    assert client_for(peer).get(ranking).status_code == 200
    assert client_for(peer).get(url).status_code == 200
    assert client_for(world.outsider).get(url).status_code == 404  # other clusters' members: never


def test_a_draft_is_read_by_its_own_unit_only(client_for, world):
    card = services.scorecard_open(user=world.member, cluster=world.cluster)
    url = reverse("emulation:scorecard", kwargs={"pk": card.pk})
    assert client_for(world.member).get(url).status_code == 200
    assert client_for(world.head).get(url).status_code == 404
    assert client_for(world.staff).get(url).status_code == 404
    services.scorecard_save(user=world.member, scorecard=card, values={world.criteria["free"].pk: ("10", "")})
    from emulation import selectors

    totals = {t.unit_id: t.total for t in selectors.totals(cluster=world.cluster)}
    assert totals[world.communes[2].pk] == 0  # a draft counts as not scored yet


def test_cluster_page_shows_members_roles_and_covenant_state(client_for, world):
    page = client_for(world.head).get(reverse("emulation:cluster_detail", kwargs={"pk": world.cluster.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Trưởng cụm, khối" in html and "Xã Ea Kly" in html
    assert "Nộp giao ước" in html  # the head files it
    assert "Nộp giao ước" not in client_for(world.member).get(page.request["PATH_INFO"]).content.decode()


def test_self_scoring_errors_stay_beside_the_line_with_what_was_typed(client_for, world):
    client = client_for(world.member)
    response = client.post(reverse("emulation:scorecard_open", kwargs={"pk": world.cluster.pk}))
    card = Scorecard.objects.get(unit=world.communes[2])
    assert response.url == reverse("emulation:scorecard", kwargs={"pk": card.pk})
    free = world.criteria["free"].pk
    response = client.post(
        response.url, {f"points-{free}": "12", f"note-{free}": "Đã tổ chức 3 hội diễn", "then": "save"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Điểm phải từ 0 đến 10" in html and 'value="12"' in html and "Đã tổ chức 3 hội diễn" in html
    response = client.post(
        reverse("emulation:scorecard", kwargs={"pk": card.pk}), {f"points-{free}": "9,5", "then": "save"}
    )
    assert response.status_code == 302
    assert card.lines.get(criterion_id=free).self_points == 9.5


def test_head_adjustment_without_reason_is_refused_on_the_page(client_for, world):
    card = _scored(world, world.member)
    free = world.criteria["free"].pk
    url = reverse("emulation:scorecard_adjust", kwargs={"pk": card.pk, "criterion_pk": free})
    response = client_for(world.head).post(url, {"points": "3", "reason": ""})
    assert response.status_code == 400 and "Cần ghi lý do" in response.content.decode()
    assert client_for(world.head).post(url, {"points": "3", "reason": "Chưa có minh chứng"}).status_code == 302
    assert card.lines.get(criterion_id=free).head_points == 3
    member = client_for(world.member)
    assert member.post(url, {"points": "10", "reason": "tự nâng điểm"}).status_code == 403


def test_covenant_filed_by_the_head_and_confirmed_by_a_member(client_for, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("emulation:covenant_create", kwargs={"pk": world.cluster.pk})
    assert client_for(world.member).get(url).status_code == 403
    client = client_for(world.head)
    bad = client.post(url, {"signed_on": "31/02/2026", "text": "Giao ước", "signing_units": [world.communes[0].pk]})
    assert bad.status_code == 200 and "Giao ước" in bad.content.decode()
    scan = SimpleUploadedFile("giao-uoc.pdf", b"%PDF-1.4\n%%EOF\n")
    response = client.post(
        url,
        {"signed_on": "15/01/2026", "text": "Các đơn vị giao ước thi đua năm 2026.", "scan": scan,
         "signing_units": [u.pk for u in world.communes[:5]]},
    )  # fmt: skip
    assert response.status_code == 302
    covenant = world.cluster.covenant
    assert covenant.signing_units.count() == 5
    member = client_for(world.member)
    assert member.post(reverse("emulation:covenant_confirm", kwargs={"pk": world.cluster.pk})).status_code == 302
    html = member.get(reverse("emulation:cluster_detail", kwargs={"pk": world.cluster.pk})).content.decode()
    assert "Đã xác nhận" in html and "xác nhận giao ước" in html  # the timeline lists it
    assert (
        client_for(world.outsider).get(reverse("emulation:covenant_scan", kwargs={"pk": world.cluster.pk})).status_code
        == 404
    )


def test_cluster_form_refuses_a_head_outside_the_members(client_for, world):
    client = client_for(world.staff)
    response = client.post(
        reverse("emulation:cluster_create"),
        {"name": "Khối các sở", "kind": "block", "year": "2026", "units": [world.snv.pk], "head": world.communes[0].pk},
    )
    assert response.status_code == 200
    assert "phải là một đơn vị thành viên" in response.content.decode() and "Khối các sở" in response.content.decode()
    assert client_for(world.head).get(reverse("emulation:cluster_create")).status_code == 403


@pytest.fixture
def big_cluster(world):
    """A block of 30 departments, each scored on 6 criteria."""
    units = [
        UnitFactory(code=f"B-{i}", name=f"Sở thử {i:02d}", kind=UnitKind.DEPARTMENT, parent=world.root)
        for i in range(30)
    ]
    cluster = cluster_with(units, head=units[0], deputy=units[1], name="Khối các sở", kind="block")
    section = SectionFactory(table=cluster.criteria_table)
    for _ in range(6):
        CriterionFactory(section=section)
    for i, unit in enumerate(units):
        user = make_user(unit=unit, username=f"b{i}")
        card = services.scorecard_open(user=user, cluster=cluster)
        card.lines.update(self_points=round(i / 3, 2))  # 30 different totals
        Scorecard.objects.filter(pk=card.pk).update(status=S.SUBMITTED)
    return cluster


def test_ranking_page_query_count_is_fixed_for_30_units(client_for, world, big_cluster, django_assert_max_num_queries):
    cluster = big_cluster
    client = client_for(world.staff)
    url = reverse("emulation:ranking", kwargs={"pk": cluster.pk})
    # session, user, membership (3); cluster (1), members (1), table (1), scorecards (1) and their lines
    # with criteria (1); the unread-notifications badge (1): 9, whatever the number of units.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-label="Hạng"') == 30
    assert "Cờ thi đua của UBND tỉnh" in html


def test_member_list_has_no_query_per_row(client_for, world, big_cluster, django_assert_max_num_queries):
    cluster = big_cluster
    client = client_for(world.staff)
    # session, user, membership; cluster, members, covenant, scorecards (twice: rows and timeline),
    # documents, notifications count.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("emulation:cluster_detail", kwargs={"pk": cluster.pk}))
    assert response.status_code == 200


def test_member_roles_cannot_hold_two_heads(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(cluster=world.cluster, unit=world.communes[3], role=MemberRole.HEAD)
