"""Two officers of one district registering the last place at once: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from campaign_portal.core.tests.factories import make_user
from campaign_portal.testing import require_postgresql
from projects import services
from projects.models import KeyWork
from projects.tests.factories import KeyWorkFactory, RequirementFactory


@pytest.mark.django_db(transaction=True)
def test_quota_holds_under_concurrent_registration(province):
    require_postgresql("row locks are what is tested; SQLite serialises writers anyway")
    requirement = RequirementFactory()
    KeyWorkFactory(requirement=requirement, unit=province.krong_pac)  # one place left of two
    officers = [make_user(unit=province.krong_pac, username=f"kp_{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def register(user):
        try:
            barrier.wait()
            services.key_work_create(
                user=user,
                requirement=requirement,
                data={"name": f"Công trình của {user.username}", "kind": "groundbreaking"},
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(user,)) for user in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert KeyWork.objects.filter(requirement=requirement, unit=province.krong_pac).count() == 2
