"""The admin lists and shows pledges records (read-only)."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_admin(letter, province, client):
    from pledges.tests.factories import EmulationPlanFactory, TargetFactory

    p = EmulationPlanFactory(unit=province.krong_pac, requirement=letter.plan)
    TargetFactory(plan=p)
    admin = get_user_model().objects.create_superuser("root", "r@x.test", "pw-Aa-123456")
    client.force_login(admin)
    for url in [
        "/quan-tri/pledges/emulationplan/",
        f"/quan-tri/pledges/emulationplan/{p.pk}/change/",
        "/quan-tri/pledges/dissemination/",
        "/quan-tri/pledges/commitment/",
    ]:
        assert client.get(url).status_code == 200, url
