"""The demo: today's map in 4–6 clusters and blocks, one cluster's year scored end to end."""

import datetime

from django.core.management import call_command

from campaign_portal.core.models import ReviewStatus
from devtools.demo import emulation as demo
from emulation import selectors
from emulation.models import Cluster


def test_seed_builds_clusters_of_todays_map_and_one_finished_year(db):
    call_command("import_units", "campaign_portal/core/data/units_daklak.csv", verbosity=0)
    clusters = demo.seed()
    today = datetime.date.today()
    assert 4 <= len(clusters) <= 6
    for cluster in clusters:
        group = selectors.peer_group(cluster=cluster)
        assert group.head_id and group.deputy_id and group.head_id in group.member_ids
        assert all(m.unit.is_valid_on(today) for m in selectors.active_members(cluster=cluster))
    first = Cluster.objects.get(pk=clusters[0].pk)
    assert first.is_final and first.covenant.confirmations.count() == len(selectors.active_members(cluster=first))
    assert set(first.scorecards.values_list("status", flat=True)) == {ReviewStatus.ACCEPTED}
    _table, ranked = selectors.ranking(cluster=first)
    assert ranked[0].nomination == "flag" and [t.rank for t in ranked] == sorted(t.rank for t in ranked)
    assert any(line.head_reason for card in first.scorecards.all() for line in card.lines.all())
    assert demo.seed() and Cluster.objects.count() == len(clusters)  # twice: nothing more
