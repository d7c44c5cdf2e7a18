"""On PostgreSQL the accent-free directive search is served by the pg_trgm index its migration creates.

Accents are folded in Python (`search_text`), so the index is a plain trigram index on that column and
`unaccent` is not used. Fails in CI without PostgreSQL.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.db import ProgrammingError, connection, transaction

from campaign_portal.testing import require_postgresql
from directives import selectors
from directives.tests.factories import DirectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def _postgresql():
    require_postgresql("the trigram index and EXPLAIN are PostgreSQL's")


def test_the_migration_does_not_swallow_an_error():
    """Without the right to create pg_trgm (say) the migration fails loudly instead of going on without it."""
    migration = importlib.import_module("directives.migrations.0002_search_and_numbering")

    class Refusing:
        connection = SimpleNamespace(vendor="postgresql", alias="default")

        def execute(self, sql):
            raise ProgrammingError("permission denied to create extension")

    with pytest.raises(ProgrammingError):
        migration.pg_search_forward(None, Refusing())


@pytest.mark.usefixtures("_postgresql")
def test_the_migration_created_a_trigram_index_on_the_folded_column():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'directive_search_trgm'")
        row = cursor.fetchone()
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {name for (name,) in cursor.fetchall()}
    assert row is not None, "migration directives 0002 did not create directive_search_trgm"
    assert "USING gin (search_text gin_trgm_ops)" in row[0]
    assert "pg_trgm" in extensions


@pytest.mark.usefixtures("_postgresql")
def test_the_search_query_uses_the_index(province, staff):
    DirectiveFactory(issuer=province.province, subject="Triển khai phong trào thi đua xã Ea Súp")
    for n in range(30):
        DirectiveFactory(issuer=province.province, subject=f"Hội nghị số {n}")
    queryset = selectors.directive_list_visible_to(user=staff, query="ea sup")
    assert [d.subject for d in queryset] == ["Triển khai phong trào thi đua xã Ea Súp"]
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A table this small is read sequentially anyway; forbid that to see whether the index can serve.
            cursor.execute("SET LOCAL enable_seqscan = off")
            # Nor may it walk the primary key in the list's order and filter row by row: only an index that
            # answers the search condition itself is left.
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "directive_search_trgm" in plan, plan
