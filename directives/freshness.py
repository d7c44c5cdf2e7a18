"""Reusing what the obligations engine computed while nothing it reads has changed.

Every write the engine reads (a filing saved or reviewed, a receipt, a requirement, a directive, its
addressees or targets, a campaign, a unit, a calendar day) adds a row to `EngineVersion`: the newest
id is the data's version. `memo(key, compute)` keeps answers per version in this process, so a burst
of page loads computes the matrix once; the next write changes the version and the next page load
computes afresh. One query (the newest id) per lookup, whatever the size of the answer.

The row is added inside the writer's transaction (its own later reads see the change) and again
after the commit (other processes reading between the two saw the old data under the old version;
after the commit the version is new). Process-local: every worker keeps its own answers, the version
in the database makes them agree. A bump in this process also drops its answers outright.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

MAX_ENTRIES = 64  # the engine's answers (ledgers, worlds, maps) of this version
MAX_CELLS = 200_000  # answers bigger than this are not kept (memory)
TOTAL_CELLS = 600_000  # the ledgers kept at once, counted by their cells
MAX_SMALL = 1024  # small answers (an officer's owed rows, a page's filter choices, one letter's parts) apart

_lock = threading.Lock()
_answers: OrderedDict = OrderedDict()  # (version, key) → answer, least recently used first
_small: OrderedDict = OrderedDict()  # so that many of them never push the engine's big answers out
_sizes: dict = {}  # (version, key) → cells, for the answers that have a size
_newest_seen = [0]  # answers of older versions are never asked again: they go when a newer one is seen
_enabled = True
_within = threading.local()  # the version read by the outermost memo() under way in this thread
_request = threading.local()  # inside `per_request()`: the version read by this request (None: not yet read)


def version() -> int:
    """The data's version: the newest EngineVersion id (0 when there is none). One query; inside
    `per_request()`, one query per request (the menu and the page each asked it)."""
    if getattr(_request, "active", False):
        if _request.version is None:
            _request.version = _read_version()
        return _request.version
    return _read_version()


def _read_version() -> int:
    from .models import EngineVersion

    return EngineVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@contextmanager
def per_request():
    """Around one request (directives.middleware): the version is read once, when first asked, and read again after
    a write of this request (`bump`). Another process's write during the request is seen by the next one,
    as if the request had read everything at its start."""
    _request.active, _request.version = True, None
    try:
        yield
    finally:
        _request.active, _request.version = False, None


def _add_row() -> None:
    from .models import EngineVersion

    EngineVersion.objects.create()


def bump() -> None:
    """Something the engine reads changed: a new version now and after the commit."""
    _request.version = None
    clear()
    _add_row()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_after_commit)


def _after_commit() -> None:
    _request.version = None
    clear()
    _add_row()
    from .models import EngineVersion

    # Keep the table short: the newest rows are all that is read.
    newest = version()
    if newest % 500 == 0:
        EngineVersion.objects.filter(pk__lt=newest - 100).delete()


def clear() -> None:
    with _lock:
        _answers.clear()
        _small.clear()
        _sizes.clear()
        _newest_seen[0] = 0


def _evict() -> None:
    """The least recently used big answer; over the cell budget, the least recently used one with cells."""
    if len(_answers) > MAX_ENTRIES:
        key, _ = _answers.popitem(last=False)
    else:
        key = next(k for k in _answers if k in _sizes)
        del _answers[key]
    _sizes.pop(key, None)


@contextmanager
def pinned():
    """Lookups inside the block read the data's version once (one query for several answers)."""
    outer = getattr(_within, "version", None)
    if outer is not None or not _enabled:
        yield
        return
    _within.version = version()
    try:
        yield
    finally:
        _within.version = None


def memo(key, compute, *, size=None, small=False):
    """compute(), or its answer kept for this `key` at the data's current version. `small=True` for a
    small answer of which there may be many (one per letter, per reader): kept in a store of its own."""
    if not _enabled:
        return compute()
    store = _small if small else _answers
    outer = getattr(_within, "version", None)
    current = outer if outer is not None else version()  # nested lookups read the version once
    full_key = (current, key)
    with _lock:
        if current > _newest_seen[0]:
            _newest_seen[0] = current
            _answers.clear()
            _small.clear()
            _sizes.clear()
        found = store.get(full_key)
        if found is not None:
            store.move_to_end(full_key)
            return found
    _within.version = current
    try:
        answer = compute()
    finally:
        _within.version = outer
    cells = size(answer) if size is not None else 0
    if cells > MAX_CELLS or current < _newest_seen[0]:
        return answer
    with _lock:
        store[full_key] = answer
        if small:
            while len(_small) > MAX_SMALL:
                _small.popitem(last=False)
        else:
            if cells:
                _sizes[full_key] = cells
            while len(_answers) > MAX_ENTRIES or sum(_sizes.values()) > TOTAL_CELLS:
                _evict()
    return answer


# --- what bumps -------------------------------------------------------------------------------------


_verdicts: dict = {}


def _watched(sender) -> bool:
    found = _verdicts.get(sender)
    if found is None:
        from campaign_portal.core.models import ReviewableSubmission, Unit

        from .models import (
            CalendarDay,
            Campaign,
            Directive,
            DirectiveAttachment,
            DirectiveReference,
            Milestone,
            Receipt,
            Requirement,
        )

        found = sender in (
            Unit,
            Requirement,
            Directive,
            Receipt,
            Campaign,
            CalendarDay,
            DirectiveReference,  # the directive page's kept references and attachments
            DirectiveAttachment,
            Milestone,  # the key works list's kept filter choices
            Requirement.target_units.through,
            Requirement.cooperating_units.through,
            Directive.addressee_units.through,
        ) or (isinstance(sender, type) and issubclass(sender, ReviewableSubmission))
        _verdicts[sender] = found
    return found


def _on_write(sender, **kwargs):
    if _watched(sender):
        bump()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and _watched(sender):
        bump()


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="directives.freshness.save")
    post_delete.connect(_on_write, dispatch_uid="directives.freshness.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="directives.freshness.m2m")
