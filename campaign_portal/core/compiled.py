"""SQL compiled once per key and reused: for list pages whose queryset (scope, filters, annotations) costs
the ORM more to build and compile than the database spends answering it.

The SQL must be a function of the key alone (no data in it): then it never goes stale and only the rows are
read afresh. Kept per process, the 256 most recently used statements.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.core.exceptions import EmptyResultSet

MAX_STATEMENTS = 256

_statements: OrderedDict = OrderedDict()
_lock = threading.Lock()


def compiled(key, make, *, empty):
    """`make()`'s answer (a statement and what goes with it) kept for `key`; `empty` when the ORM found that
    the query matches nothing (EmptyResultSet: no statement to run)."""
    with _lock:
        found = _statements.get(key)
        if found is not None:
            _statements.move_to_end(key)
            return found
    try:
        found = make()
    except EmptyResultSet:
        found = empty
    with _lock:
        _statements[key] = found
        while len(_statements) > MAX_STATEMENTS:
            _statements.popitem(last=False)
    return found


def clear() -> None:
    with _lock:
        _statements.clear()
