import pytest
from django.db import IntegrityError, transaction

from directives import registry
from projects.models import MONEY_MAX, KeyWork
from projects.tests.factories import FundingSourceFactory, KeyWorkFactory, ProgressUpdateFactory


def test_registered_in_submission_registry(db):
    entry = registry.get_kind("key_works")
    assert entry.model is KeyWork
    assert entry.title_field == "name"


def test_factories_and_registry_rows(province):
    work = KeyWorkFactory()
    FundingSourceFactory(key_work=work)
    ProgressUpdateFactory(key_work=work)
    rows = registry.submission_rows(requirement_ids=[work.requirement_id])
    assert [(r.kind, r.pk, r.title) for r in rows] == [("key_works", work.pk, work.name)]


@pytest.mark.parametrize("amount", [-1, MONEY_MAX + 1])
def test_investment_range_is_a_database_constraint(province, amount):
    work = KeyWorkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyWork.objects.filter(pk=work.pk).update(total_investment=amount)


def test_admin_lists_render(client, province, django_user_model):
    from django.urls import reverse

    KeyWorkFactory(status="submitted")
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "x-Password-1")
    client.force_login(admin)
    for name in ("keywork", "progressupdate", "progressphoto"):
        assert client.get(reverse(f"admin:projects_{name}_changelist")).status_code == 200
