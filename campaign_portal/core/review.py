"""The shared review workflow: draft → submitted → returned → resubmitted → accepted (or withdrawn).

Used by every filing app (pledges, projects) so that there is one workflow, one set of rules
for who may move a record, one event log and one notification path.
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access
from .audit import audit_entries_for, audit_record
from .models import AuditEntry, ReviewStatus
from .notifications import notify_unit, notify_user

S = ReviewStatus

# (from, to) → who may make the move: "unit" (an officer of the record's unit) or "reviewer".
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): "unit",
    (S.RETURNED, S.SUBMITTED): "unit",
    (S.SUBMITTED, S.RETURNED): "reviewer",
    (S.SUBMITTED, S.ACCEPTED): "reviewer",
    (S.SUBMITTED, S.WITHDRAWN): "unit",
    (S.RETURNED, S.WITHDRAWN): "unit",
    (S.ACCEPTED, S.WITHDRAWN): "reviewer",
}


class ConflictError(Exception):
    """Someone else saved the record since this user opened it."""


def allowed_transitions(submission, user, *, may_review=None) -> list[str]:
    """Target statuses this user may move the submission to (for buttons; services re-check)."""
    result = []
    for (source, target), who in TRANSITIONS.items():
        if source == submission.status and _may(user, submission, who, may_review):
            result.append(target)
    return result


def _may(user, submission, who: str, may_review=None) -> bool:
    """`may_review(user, submission)` replaces the tree rule for records reviewed by someone else
    (an emulation cluster's head reviews its members, whatever the tree says)."""
    if who == "unit":
        return access.can_write_unit(user, submission.unit)
    if may_review is not None:
        return may_review(user, submission)
    return access.can_review_unit(user, submission.unit)


def is_on_time(submitted_at: datetime.datetime, deadline: datetime.date | None) -> bool:
    """On time when submitted on or before the deadline day, in the portal's time zone."""
    if deadline is None:
        return True
    return timezone.localdate(submitted_at) <= deadline


def _action_code(submission, target: str) -> str:
    meta = submission._meta
    return f"{meta.app_label}.{meta.model_name}.{target}"


@transaction.atomic
def submission_transition(*, submission, user, target: str, comment: str = "", url: str = "", may_review=None):
    """Move a submission to `target`, checking state and permission; audit, log and notify."""
    locked = type(submission).objects.select_for_update().get(pk=submission.pk)
    source = locked.status
    who = TRANSITIONS.get((source, target))
    if who is None:
        raise ValidationError(
            _("Không thể chuyển từ “%(source)s” sang “%(target)s”.")
            % {"source": S(source).label, "target": S(target).label}
        )
    if not _may(user, locked, who, may_review):
        raise PermissionDenied
    if target in (S.RETURNED, S.WITHDRAWN) and not comment.strip():
        raise ValidationError(_("Vui lòng nhập lý do hoặc ý kiến."))
    if target == S.SUBMITTED and hasattr(locked, "validate_for_submit"):
        locked.validate_for_submit()
    now = timezone.now()
    fields = {"status": target, "version": locked.version + 1}
    if target == S.SUBMITTED:
        fields.update(submitted_at=now, submitted_by=user, on_time=is_on_time(now, locked.get_deadline()))
    if who == "reviewer":
        fields.update(reviewed_at=now, reviewed_by=user, review_comment=comment)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    # The one record of the move: the review timeline (events_for) reads this entry back.
    audit_record(
        actor=user,
        action=_action_code(locked, target),
        obj=locked,
        unit=locked.unit,
        changes={"status": [source, target]},
        comment=comment,
    )
    if target == S.SUBMITTED:
        _notify_reviewers(locked, url=url)
    if who == "reviewer":
        notify_unit(
            unit=locked.unit,
            url=url,
            message=_("%(record)s: %(status)s.") % {"record": str(locked), "status": S(target).label}
            + (f" {comment}" if comment else ""),
        )
    submission.refresh_from_db()
    return submission


def _notify_reviewers(submission, *, url: str) -> None:
    """A commune's submission goes to its district's officers; everything else to provincial staff."""
    from .models import Membership, Role, UnitKind

    message = _("%(unit)s đã gửi “%(record)s”, chờ duyệt.") % {"unit": submission.unit, "record": submission}
    parent = submission.unit.parent
    if submission.unit.kind == UnitKind.COMMUNE and parent is not None and parent.kind == UnitKind.DISTRICT:
        notify_unit(unit=parent, message=message, url=url)
        return
    for membership in Membership.objects.filter(role=Role.STAFF).select_related("user"):
        notify_user(user=membership.user, message=message, url=url)


TIMELINE_TARGETS = sorted({target for _source, target in TRANSITIONS})


@dataclasses.dataclass(frozen=True)
class ReviewStep:
    """One move of a submission in its review timeline: a thin view over the AuditEntry that recorded it."""

    at: datetime.datetime
    actor: object  # the user, or None when the account is gone
    unit_id: int | None
    from_status: str
    to_status: str
    comment: str

    @classmethod
    def of(cls, entry: AuditEntry) -> "ReviewStep":
        source, target = entry.changes["status"]
        return cls(entry.at, entry.actor, entry.unit_id, source, target, entry.comment)

    def get_from_status_display(self) -> str:
        return str(S(self.from_status).label) if self.from_status in S.values else self.from_status

    def get_to_status_display(self) -> str:
        return str(S(self.to_status).label) if self.to_status in S.values else self.to_status


def events_for(submission) -> list[ReviewStep]:
    """The review timeline, oldest first: the submission's audit entries that moved its review status (one query)."""
    codes = [_action_code(submission, target) for target in TIMELINE_TARGETS]
    entries = audit_entries_for(submission).filter(action__in=codes, changes__has_key="status").order_by("at", "id")
    return [ReviewStep.of(entry) for entry in entries]


def save_with_version(*, instance, expected_version: int, fields: list[str]) -> None:
    """Optimistic lock: write `fields` only if nobody saved since `expected_version` was read.

    Call inside transaction.atomic; the row lock makes check-and-write one step.
    """
    current = type(instance).objects.select_for_update().values_list("version", flat=True).get(pk=instance.pk)
    if current != expected_version:
        raise ConflictError
    instance.version = current + 1
    instance.save(update_fields=[*fields, "version", "updated_at"])
