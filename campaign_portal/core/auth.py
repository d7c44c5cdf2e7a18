"""Authentication backend: the signed-in user with their membership, unit and its parent in one query.

Every page needs the user's role and unit (`access.scope_for`) for its shell and its scoping; Django's
ModelBackend loads the user alone, and the membership was a second query on every request.

The statement is a function of the models alone, so it is written once per process (`_statement`) and only
the row is read on each request: the ORM spent about 2 ms of every page building and compiling the
`select_related` join (measured with `manage.py bench_pages`), ten times what the database spends answering
it. The objects are those `select_related("membership__unit__parent")` would give (`from_db`, the related
caches filled the same way, a user without a membership raises `RelatedObjectDoesNotExist`):
`tests/test_auth_and_sessions.py` compares the two.
"""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router


@functools.cache
def _statement(using: str):
    """(SQL, [(model, attnames)] per joined table, [(column, converters, expression)]) for the user, membership,
    unit and the unit's parent; the converters are those the ORM applies to each column (JSON, SQLite's dates)."""
    from .models import Membership, Unit

    user_model = get_user_model()
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = [(user_model, "u"), (Membership, "m"), (Unit, "n"), (Unit, "p")]
    columns, shapes, converters = [], [], []
    for model, alias in tables:
        fields = model._meta.concrete_fields
        for field in fields:
            columns.append(f"{alias}.{quote(field.column)}")
            expression = field.get_col(alias)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if found:
                converters.append((len(columns) - 1, found, expression))
        shapes.append((model, [field.attname for field in fields]))
    membership_user = quote(Membership._meta.get_field("user").column)
    membership_unit = quote(Membership._meta.get_field("unit").column)
    unit_parent = quote(Unit._meta.get_field("parent").column)
    pk = quote(user_model._meta.pk.column)
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(user_model._meta.db_table)} u "  # noqa: S608 - names from models
        f"LEFT JOIN {quote(Membership._meta.db_table)} m ON m.{membership_user} = u.{pk} "
        f"LEFT JOIN {quote(Unit._meta.db_table)} n ON n.{quote(Unit._meta.pk.column)} = m.{membership_unit} "
        f"LEFT JOIN {quote(Unit._meta.db_table)} p ON p.{quote(Unit._meta.pk.column)} = n.{unit_parent} "
        f"WHERE u.{pk} = %s"
    )
    return sql, shapes, converters


def load_user(user_id):
    """The user with `pk=user_id`, membership, unit and parent loaded; None if there is none."""
    from .models import Membership, Unit

    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    alias = router.db_for_read(user_model)
    connection = connections[alias]
    sql, shapes, converters = _statement(alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for index, functions, expression in converters:
        for function in functions:
            row[index] = function(row[index], expression, connection)
    objects, start = [], 0
    for model, attnames in shapes:
        values = row[start : start + len(attnames)]
        start += len(attnames)
        present = values[attnames.index(model._meta.pk.attname)] is not None  # not a LEFT JOIN's empty row
        objects.append(model.from_db(alias, attnames, values) if present else None)
    user, membership, unit, parent = objects
    Membership._meta.get_field("user").remote_field.set_cached_value(user, membership)
    if membership is not None:
        Membership._meta.get_field("user").set_cached_value(membership, user)
        Membership._meta.get_field("unit").set_cached_value(membership, unit)
        Unit._meta.get_field("parent").set_cached_value(unit, parent)
    return user


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
