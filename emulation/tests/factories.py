"""Factories for clusters, members, criteria tables and scorecards."""

import datetime
from decimal import Decimal

import factory

from emulation.models import (
    Cluster,
    ClusterKind,
    ClusterMember,
    CriteriaTable,
    Criterion,
    CriterionKind,
    MemberRole,
    Section,
)


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster

    name = factory.Sequence(lambda n: f"Cụm thi đua số {n + 1}")
    kind = ClusterKind.CLUSTER
    year = 2026


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMember

    cluster = factory.SubFactory(ClusterFactory)
    role = MemberRole.MEMBER
    joined_on = datetime.date(2026, 1, 5)


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaTable
        django_get_or_create = ("cluster",)

    cluster = factory.SubFactory(ClusterFactory)
    bonus_cap = Decimal("5")
    penalty_cap = Decimal("10")
    late_fraction = Decimal("0.5")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    table = factory.SubFactory(TableFactory)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Phần {n + 1}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(int)
    code = factory.Sequence(lambda n: f"{n + 1}")
    title = factory.Sequence(lambda n: f"Tiêu chí {n + 1}")
    kind = CriterionKind.SCORE
    max_points = Decimal("10")


def cluster_with(units, *, head=None, deputy=None, **kwargs) -> Cluster:
    """A cluster of these units (the head and deputy among them) with an empty criteria table."""
    cluster = ClusterFactory(**kwargs)
    for unit in units:
        role = MemberRole.HEAD if unit == head else MemberRole.DEPUTY if unit == deputy else MemberRole.MEMBER
        MemberFactory(cluster=cluster, unit=unit, role=role)
    TableFactory(cluster=cluster)
    return cluster
