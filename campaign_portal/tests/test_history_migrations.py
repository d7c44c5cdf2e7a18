"""The data migrations that folded ReviewEvent, DirectiveRevision and django-simple-history into AuditEntry.

The test builds records today, goes back to the migrations before the fold, writes old-style history rows
with the models of that time, migrates forward and reads the history the pages read.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from campaign_portal.core import review
from campaign_portal.core.audit import audit_entries_for
from campaign_portal.core.models import AuditEntry, ReviewStatus
from directives import selectors as directive_selectors
from pledges.tests.factories import CommitmentFactory
from projects.tests.factories import KeyWorkFactory

BEFORE_FOLD = [
    ("core", "0003_user_preferences"),
    ("directives", "0005_import_records"),
    ("pledges", "0005_filing_period"),
    ("projects", "0003_alter_keywork_created_by"),
]
T0 = timezone.make_aware(datetime.datetime(2019, 9, 10, 9, 0))


def _at(minutes: int, seconds: float = 0) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _twin(*, at, **fields) -> AuditEntry:
    """An entry a service wrote in the same transaction as the old row (auto_now_add set after the fact)."""
    entry = AuditEntry.objects.create(**fields)
    AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


def _history_row(apps, app_label, name, pk, *, at, kind, user, **overrides):
    """A simple-history row: the record's fields as they were, plus who and when."""
    values = apps.get_model(app_label, name).objects.values().get(pk=pk)
    return apps.get_model(app_label, f"Historical{name}").objects.create(
        **{**values, **overrides}, history_date=at, history_type=kind, history_user_id=user.pk
    )


def _write_old_rows(apps, *, commitment, work, directive, staff, officer):
    ContentType = apps.get_model("contenttypes", "ContentType")
    commitment_type = ContentType.objects.get(app_label="pledges", model="commitment")
    ReviewEvent = apps.get_model("core", "ReviewEvent")
    for minutes, source, target, actor, comment in [
        (10, "draft", "submitted", officer, ""),  # has its twin entry: not copied twice
        (20, "submitted", "returned", staff, "Bổ sung số liệu"),  # no twin: copied
    ]:
        event = ReviewEvent.objects.create(
            content_type=commitment_type,
            object_id=commitment.pk,
            unit_id=commitment.unit_id,
            from_status=source,
            to_status=target,
            actor_id=actor.pk,
            comment=comment,
        )
        ReviewEvent.objects.filter(pk=event.pk).update(at=_at(minutes))
    DirectiveRevision = apps.get_model("directives", "DirectiveRevision")
    for minutes, changes, note in [
        (30, {"subject": ["Cũ", "Mới"], "requirements": [[{"id": 1, "text": "A"}], [{"id": 1, "text": "B"}]]}, "Sửa"),
        (40, {"body": ["Một", "Hai"]}, "Bổ sung thời hạn"),
    ]:
        revision = DirectiveRevision.objects.create(
            directive_id=directive.pk, by_id=staff.pk, changes=changes, note=note
        )
        DirectiveRevision.objects.filter(pk=revision.pk).update(at=_at(minutes))
    _history_row(apps, "pledges", "Commitment", commitment.pk, at=_at(0), kind="+", user=officer, status="draft")
    _history_row(apps, "pledges", "Commitment", commitment.pk, at=_at(10), kind="~", user=officer, title="Tên mới")
    _history_row(apps, "projects", "KeyWork", work.pk, at=_at(5), kind="+", user=officer)


@pytest.mark.django_db(transaction=True)
def test_old_history_rows_are_carried_into_audit_entries(province, staff, officer_kp):
    commitment = CommitmentFactory(unit=province.ea_kly, status=ReviewStatus.RETURNED, title="Tên cũ")
    work = KeyWorkFactory()
    directive = commitment.requirement.directive
    _twin(
        at=_at(10, 0.2), actor=officer_kp, action="pledges.commitment.submitted", unit=commitment.unit,
        content_type_id=_content_type_id(commitment), object_id=str(commitment.pk), changes={"status": ["draft", "submitted"]},
    )  # fmt: skip
    directive_edit = _twin(
        at=_at(30, 0.3), actor=staff, action="directives.directive.updated", unit=directive.issuer,
        content_type_id=_content_type_id(directive), object_id=str(directive.pk), changes={"subject": ["Cũ", "Mới"]},
        comment="Sửa",
    )  # fmt: skip
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()

    old_apps = _migrate(BEFORE_FOLD)
    _write_old_rows(old_apps, commitment=commitment, work=work, directive=directive, staff=staff, officer=officer_kp)
    _migrate(leaves)

    # The review timeline: both moves, once each, with who, when and why.
    steps = review.events_for(commitment)
    assert [(s.from_status, s.to_status, s.actor, s.comment) for s in steps] == [
        ("draft", "submitted", officer_kp, ""),
        ("submitted", "returned", staff, "Bổ sung số liệu"),
    ]
    assert steps[1].at == _at(20) and steps[1].unit_id == commitment.unit_id
    assert AuditEntry.objects.filter(action="pledges.commitment.submitted").count() == 1

    # The directive's revisions: the twin entry now holds the whole diff; the other one is new.
    revisions = directive_selectors.directive_revisions(directive=directive)
    assert [(r.note, r.by, r.at) for r in revisions] == [
        ("Bổ sung thời hạn", staff, _at(40)),
        ("Sửa", staff, _at(30, 0.3)),
    ]
    assert revisions[1].entry.pk == directive_edit.pk and "requirements" in revisions[1].changes
    assert revisions[0].changes == {"body": ["Một", "Hai"]}

    # simple-history rows: the fields that changed between consecutive versions, by whom and when.
    created, changed = AuditEntry.objects.filter(action__startswith="pledges.commitment.history_").order_by("at")
    assert created.action == "pledges.commitment.history_created" and created.actor == officer_kp
    assert created.changes["title"] == [None, "Tên cũ"] and created.at == _at(0)
    assert changed.changes == {"title": ["Tên cũ", "Tên mới"], "status": ["draft", "returned"]}
    assert changed.unit_id == commitment.unit_id
    work_entry = AuditEntry.objects.get(action="projects.keywork.history_created")
    assert work_entry.object_id == str(work.pk) and work_entry.changes["name"] == [None, work.name]
    # A record's own page lists what the services recorded, not these field-level copies.
    assert not [e for e in audit_entries_for(commitment) if ".history_" in e.action]


def _content_type_id(obj) -> int:
    return ContentType.objects.get_for_model(obj).pk
