"""Django's database sessions, read with a statement written once instead of a queryset compiled per request.

Every signed-in page loads its session first; the ORM spent more building and compiling
`Session.objects.get(session_key=…, expire_date__gt=now)` than the database spends answering it. Writing,
expiry, cycling a key on login and clearing expired sessions are Django's own (`db.SessionStore`), and so is
what an unknown, expired or malformed key gives: an empty session under a new key.
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@functools.cache
def _statement(using: str, model) -> str:
    quote = connections[using].ops.quote_name
    data, key, expires = (
        quote(model._meta.get_field(name).column) for name in ("session_data", "session_key", "expire_date")
    )
    return f"SELECT {data} FROM {quote(model._meta.db_table)} WHERE {key} = %s AND {expires} > %s"  # noqa: S608


class SessionStore(db.SessionStore):
    def load(self):
        key = self.session_key
        if key:
            using = router.db_for_read(self.model)
            connection = connections[using]
            with connection.cursor() as cursor:
                now = connection.ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(_statement(using, self.model), [key, now])
                row = cursor.fetchone()
            if row is not None:
                return self.decode(row[0])
        self._session_key = None
        return {}
