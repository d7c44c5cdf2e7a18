"""Every write on directives: create, edit (revisions once published), publish, withdraw, receipts.

Only provincial staff write directives (`core.access.can_publish`); units only confirm receipt.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_portal.core.access import can_publish, scope_for
from campaign_portal.core.audit import audit_record, diff, snapshot
from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.notifications import notify_unit
from campaign_portal.core.queue import enqueue_on_commit
from campaign_portal.core.text import fold, nfc
from campaign_portal.core.uploads import DOCUMENT_KINDS, sanitise_filename, validate_upload

from . import importing, obligations, selectors
from .models import (
    Campaign,
    Directive,
    DirectiveAttachment,
    DirectiveReference,
    DirectiveRevision,
    DirectiveStatus,
    DocType,
    Milestone,
    Receipt,
    Requirement,
    ResponseMode,
)
from .parsing import parse_document
from .tasks import notify_directive_recipients

DIRECTIVE_FIELDS = [
    "doc_type", "number", "issuer", "issuer_name", "place", "issued_on", "subject", "body",
    "signer_name", "signer_title", "campaign", "addressee_kinds", "addressee_text",
]  # fmt: skip
REQUIREMENT_FIELDS = [
    "ordinal", "position", "kind", "title", "text", "applies_to", "deadline", "quota_min", "quota_max",
    "recurrence", "due_days", "due_next_period", "relative_days", "relative_from", "relative_working_days",
    "lead_unit",
    "response_mode",
]  # fmt: skip
_UNIT_FIELDS = ("lead_unit",)  # set by id: the form posts a unit's pk
REFERENCE_FIELDS = ["doc_type", "number", "issued_on"]
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _require_staff(user) -> None:
    if not can_publish(user):
        raise PermissionDenied


def _clean_text(value):
    """NFC, one kind of line end (a browser's textarea sends CRLF), no outer spaces."""
    return _newlines(nfc(value)).strip() if isinstance(value, str) else value


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _kinds(values) -> list[str]:
    """Unit kinds in one canonical order, so that ticking the same boxes is never a change."""
    values = [str(v) for v in values or []]
    return [k for k in UnitKind.values if k in values] + sorted(v for v in set(values) if v not in UnitKind.values)


def _canonical(state):
    """A state as compared for the revision history: CRLF = LF, kind lists in canonical order."""
    if isinstance(state, dict):
        return {k: _kinds(v) if k in ("addressee_kinds", "applies_to") else _canonical(v) for k, v in state.items()}
    if isinstance(state, list):
        return [_canonical(v) for v in state]
    return _newlines(state).strip() if isinstance(state, str) else state


def _search_text(directive: Directive) -> str:
    parts = [
        directive.number, directive.subject, directive.issuer_name, directive.issuer.name if directive.issuer_id else "",
        directive.place, directive.addressee_text, directive.signer_name, directive.body,
    ]  # fmt: skip
    return fold(" ".join(p for p in parts if p))


def _apply_fields(directive: Directive, fields: dict) -> None:
    for name in DIRECTIVE_FIELDS:
        if name in fields:
            setattr(directive, name, _clean_text(fields[name]))
    directive.addressee_kinds = _kinds(directive.addressee_kinds)
    directive.number = (directive.number or "").replace(" ", "")
    directive.year = directive.issued_on.year if directive.issued_on else None
    directive.search_text = _search_text(directive)


def _requirements_state(directive: Directive) -> list[dict]:
    rows = []
    reqs = directive.requirements.order_by("position", "id").select_related("lead_unit")
    for req in reqs.prefetch_related("target_units", "cooperating_units"):
        row = {"id": req.pk, **snapshot(req, REQUIREMENT_FIELDS)}
        row["target_units"] = sorted(u.pk for u in req.target_units.all())
        row["cooperating_units"] = sorted(u.pk for u in req.cooperating_units.all())
        rows.append(row)
    return rows


def _state(directive: Directive) -> dict:
    state = snapshot(directive, DIRECTIVE_FIELDS)
    state["addressee_units"] = sorted(directive.addressee_units.values_list("pk", flat=True))
    state["requirements"] = _requirements_state(directive)
    state["references"] = [snapshot(ref, REFERENCE_FIELDS) for ref in directive.references.all()]
    return _canonical(state)


def _apply_lead_unit(req: Requirement, row: dict, previous_lead: int | None) -> None:
    """A lead unit ("Giao Sở Tài chính chủ trì") is the one unit owing the ask: it becomes the target.

    Every ownership rule already reads `target_units`, so that the unit page, the matrix, the PDF
    and the engine agree; clearing the lead gives the ask back to the kinds it applies to.
    """
    if "lead_unit" not in row:
        return
    if req.lead_unit_id:
        kind = Unit.objects.values_list("kind", flat=True).get(pk=req.lead_unit_id)
        if kind not in req.applies_to:
            req.applies_to = [*req.applies_to, kind]
            req.save(update_fields=["applies_to"])
        row["target_units"] = [req.lead_unit_id]
    elif previous_lead and row.get("target_units") is None:
        row["target_units"] = []


def _save_requirements(directive: Directive, rows: list[dict], scope=None) -> None:
    """Update rows that carry an existing id, create the others, delete the ones left out.

    Ids matter: units' submissions point at requirements, so an edit must not recreate them.
    With `scope` (the ids of one page of the editor), only rows of that page can be left out.
    """
    existing = {req.pk: req for req in directive.requirements.all()}
    kept = set()
    for index, row in enumerate(sorted(rows, key=lambda r: r.get("position") or 0)):
        row = dict(row)  # _apply_lead_unit adds target_units: the caller's row stays as it was
        req = existing.get(row.get("id")) or Requirement(directive=directive)
        previous_lead = req.lead_unit_id
        for name in REQUIREMENT_FIELDS:
            if name in row and name in _UNIT_FIELDS:
                value = row[name]
                setattr(req, f"{name}_id", value.pk if isinstance(value, Unit) else value)
            elif name in row:
                setattr(req, name, _clean_text(row[name]))
        req.recurrence = req.recurrence or "none"
        if req.relative_days is None:
            req.relative_from, req.relative_working_days = "", False
        req.position = row.get("position") or index + 1
        req.applies_to = _kinds(row.get("applies_to"))
        req.response_mode = req.response_mode or ResponseMode.FILE
        if isinstance(req.deadline, str):
            req.deadline = datetime.date.fromisoformat(req.deadline)
        req.full_clean(exclude=["directive"])
        req.save()
        _apply_lead_unit(req, row, previous_lead)
        if "target_units" in row:
            req.target_units.set(row["target_units"] or [])
        if "cooperating_units" in row:
            req.cooperating_units.set(row["cooperating_units"] or [])
        kept.add(req.pk)
    for pk, req in existing.items():
        if pk not in kept and (scope is None or pk in scope):
            try:
                with transaction.atomic():
                    req.delete()
            except ProtectedError as exc:
                raise ValidationError(
                    _("Không thể xóa yêu cầu mục %(ordinal)s (%(kind)s): đã có đơn vị nộp hồ sơ cho yêu cầu này.")
                    % {"ordinal": req.ordinal, "kind": req.get_kind_display()}
                ) from exc


def _save_references(directive: Directive, rows: list[dict]) -> None:
    directive.references.all().delete()
    seen = set()
    for row in rows:
        number = (row.get("number") or "").replace(" ", "")
        if not number or number in seen:
            continue
        seen.add(number)
        issued_on = row.get("issued_on") or row.get("date")
        if isinstance(issued_on, str):
            issued_on = datetime.date.fromisoformat(issued_on)
        doc_type = row.get("doc_type") or row.get("type") or DocType.OTHER
        DirectiveReference.objects.create(
            directive=directive,
            number=number,
            issued_on=issued_on,
            doc_type=doc_type if doc_type in DocType.values else DocType.OTHER,
        )


def _check_number_free(directive: Directive) -> None:
    """Decree 30, Art. 15: one number per issuing body per year (drafts do not hold a number)."""
    if not directive.number or not directive.year:
        return
    taken = selectors.directive_number_taken(
        issuer_id=directive.issuer_id, year=directive.year, number=directive.number, exclude_pk=directive.pk
    )
    if taken:
        raise ValidationError(_duplicate_message(directive))


def _duplicate_message(directive: Directive) -> str:
    return _(
        "Số %(number)s đã được %(issuer)s dùng cho một văn bản khác năm %(year)s; "
        "mỗi cơ quan chỉ đánh một số cho một văn bản trong năm. Hãy kiểm tra lại số, ký hiệu."
    ) % {"number": directive.number, "issuer": directive.issuer.name, "year": directive.year}


def number_taken_warning(taken: Directive) -> str:
    """Said before publishing (import, preview): publishing the same number again will be refused."""
    return _(
        "Số %(number)s năm %(year)s của %(issuer)s đã có trên cổng (%(status)s ngày %(date)s: %(subject)s). "
        "Nếu đây là văn bản khác, hãy sửa số, ký hiệu; cổng không ban hành hai văn bản trùng số."
    ) % {
        "number": taken.number,
        "year": taken.year,
        "issuer": taken.issuer.name,
        "status": taken.get_status_display().lower(),
        "date": taken.issued_on.strftime("%d/%m/%Y") if taken.issued_on else "—",
        "subject": taken.subject,
    }


def _save_directive(directive: Directive, fields: list[str] | None = None) -> None:
    """Save, turning a lost race on the unique number into the same clear message."""
    try:
        with transaction.atomic():
            directive.save(update_fields=fields) if fields else directive.save()
    except IntegrityError as exc:
        raise ValidationError(_duplicate_message(directive)) from exc


def _check_addressees(directive: Directive, units) -> None:
    """A letter is never addressed to a unit that did not exist on its issue date; name the successors."""
    day = obligations.reference_day(
        directive.issued_on, directive.campaign.starts_on if directive.campaign_id else None
    )
    refused = [check for check in (obligations.addressee_check(unit, day=day) for unit in units) if not check.ok]
    if refused:
        raise ValidationError({"addressee_units": [check.message for check in refused]})


def _notify_new_recipients(directive: Directive, before: set[int]) -> int:
    """After a published letter's recipients changed: tell the units that now receive it."""
    added = [pk for pk in obligations.recipient_ids(directive) if pk not in before]
    if not added:
        return 0
    url = reverse("directives:detail", kwargs={"pk": directive.pk})
    message = _("Văn bản mới: %(directive)s — %(subject)s. Đề nghị xác nhận đã nhận.") % {
        "directive": directive,
        "subject": directive.subject,
    }
    for unit in Unit.objects.filter(pk__in=added):
        notify_unit(unit=unit, message=message, url=url)
    return len(added)


@transaction.atomic
def directive_create(
    *, user, fields: dict, requirements: list[dict] = (), references: list[dict] = (), addressee_units=()
) -> Directive:
    """A new draft (staff only)."""
    _require_staff(user)
    directive = Directive(created_by=user)
    _apply_fields(directive, fields)
    directive.full_clean(validate_constraints=False)
    _check_addressees(directive, list(addressee_units))
    _save_directive(directive)
    directive.addressee_units.set(addressee_units)
    _save_requirements(directive, list(requirements))
    _save_references(directive, list(references))
    audit_record(actor=user, action="directives.directive.created", obj=directive, unit=directive.issuer)
    return directive


@transaction.atomic
def directive_update(
    *,
    user,
    directive: Directive,
    fields: dict,
    requirements=None,
    references=None,
    addressee_units=None,
    note: str = "",
    requirement_scope=None,
) -> Directive:
    """Edit a directive; once published, each edit writes a DirectiveRevision with the changed values."""
    _require_staff(user)
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.status == DirectiveStatus.WITHDRAWN:
        raise ValidationError(_("Văn bản đã thu hồi, không sửa được nữa."))
    before = _state(directive)
    recipients_before = set(obligations.recipient_ids(directive)) if directive.is_published else set()
    _apply_fields(directive, fields)
    directive.full_clean(validate_constraints=False)
    if addressee_units is not None:
        _check_addressees(directive, list(addressee_units))
    if directive.status != DirectiveStatus.DRAFT:
        _check_number_free(directive)
    _save_directive(directive)
    if addressee_units is not None:
        directive.addressee_units.set(addressee_units)
    if requirements is not None:
        _save_requirements(directive, list(requirements), scope=requirement_scope)
    if references is not None:
        _save_references(directive, list(references))
    changes = diff(before, _state(directive))
    if changes and directive.status == DirectiveStatus.PUBLISHED:
        DirectiveRevision.objects.create(directive=directive, by=user, changes=changes, note=nfc(note)[:300])
        _notify_new_recipients(directive, recipients_before)
    if changes:
        audit_record(
            actor=user, action="directives.directive.updated", obj=directive, unit=directive.issuer,
            changes={k: v for k, v in changes.items() if k not in ("requirements", "body")}, comment=note,
        )  # fmt: skip
    return directive


def _validate_for_publish(directive: Directive) -> None:
    errors = []
    if not directive.number:
        errors.append(_("Chưa có số, ký hiệu văn bản."))
    if not directive.issued_on:
        errors.append(_("Chưa có ngày ban hành."))
    if not directive.subject:
        errors.append(_("Chưa có trích yếu."))
    if not (directive.addressee_kinds or directive.addressee_units.exists() or directive.requirements.exists()):
        errors.append(_("Chưa có nơi nhận: chọn loại đơn vị hoặc đơn vị được gửi."))
    for req in directive.requirements.all():
        if not req.applies_to and req.response_mode != ResponseMode.INFORMATION:
            errors.append(_("Yêu cầu mục %(ordinal)s chưa chọn loại đơn vị áp dụng.") % {"ordinal": req.ordinal})
    if errors:
        raise ValidationError(errors)
    _check_number_free(directive)


@transaction.atomic
def directive_publish(*, user, directive: Directive) -> Directive:
    """Draft → published (staff only); the addressed units are notified after commit."""
    _require_staff(user)
    directive = Directive.objects.select_for_update().select_related("issuer").get(pk=directive.pk)
    if directive.status != DirectiveStatus.DRAFT:
        raise ValidationError(_("Chỉ ban hành được văn bản đang ở trạng thái dự thảo."))
    _validate_for_publish(directive)
    directive.status = DirectiveStatus.PUBLISHED
    directive.published_at = timezone.now()
    directive.published_by = user
    _save_directive(directive, ["status", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=user, action="directives.directive.published", obj=directive, unit=directive.issuer,
        changes={"status": [DirectiveStatus.DRAFT, DirectiveStatus.PUBLISHED]},
    )  # fmt: skip
    enqueue_on_commit(notify_directive_recipients, directive.pk)
    return directive


def directive_notify_recipients(*, directive_id: int) -> int:
    """Notify every recipient unit once (in-app; core mirrors it by e-mail). Safe to run twice."""
    with transaction.atomic():
        claimed = Directive.objects.filter(
            pk=directive_id, status=DirectiveStatus.PUBLISHED, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            return 0
        directive = Directive.objects.select_related("issuer", "campaign").get(pk=directive_id)
        url = reverse("directives:detail", kwargs={"pk": directive.pk})
        message = _("Văn bản mới: %(directive)s — %(subject)s. Đề nghị xác nhận đã nhận.") % {
            "directive": directive,
            "subject": directive.subject,
        }
        units = obligations.recipients(directive)
        count = 0
        for unit in units:
            notify_unit(unit=unit, message=message, url=url)
            count += 1
        return count


@transaction.atomic
def directive_withdraw(*, user, directive: Directive, reason: str) -> Directive:
    """Published → withdrawn, with a reason (staff only); recipients are told why."""
    _require_staff(user)
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do thu hồi văn bản.")})
    directive = Directive.objects.select_for_update().select_related("issuer").get(pk=directive.pk)
    if directive.status != DirectiveStatus.PUBLISHED:
        raise ValidationError(_("Chỉ thu hồi được văn bản đã ban hành."))
    directive.status = DirectiveStatus.WITHDRAWN
    directive.withdrawn_at = timezone.now()
    directive.withdrawn_by = user
    directive.withdrawn_reason = reason
    directive.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    audit_record(
        actor=user, action="directives.directive.withdrawn", obj=directive, unit=directive.issuer,
        changes={"status": [DirectiveStatus.PUBLISHED, DirectiveStatus.WITHDRAWN]}, comment=reason,
    )  # fmt: skip
    url = reverse("directives:detail", kwargs={"pk": directive.pk})
    message = _("Văn bản %(directive)s đã bị thu hồi. Lý do: %(reason)s") % {"directive": directive, "reason": reason}
    for unit in obligations.recipients(directive):
        notify_unit(unit=unit, message=message, url=url)
    return directive


@transaction.atomic
def receipt_confirm(*, user, directive: Directive) -> Receipt:
    """The officer's unit confirms receipt; confirming twice keeps the first confirmation."""
    scope = scope_for(user)
    if not scope.is_officer or not selectors.directive_is_addressed_to(directive=directive, unit=scope.unit):
        raise PermissionDenied
    if directive.status != DirectiveStatus.PUBLISHED:
        raise ValidationError(_("Văn bản đã thu hồi, không cần xác nhận."))
    receipt, created = Receipt.objects.get_or_create(
        directive=directive, unit=scope.unit, defaults={"confirmed_by": user}
    )
    if created:
        audit_record(actor=user, action="directives.receipt.confirmed", obj=directive, unit=scope.unit)
    return receipt


@transaction.atomic
def attachment_add(*, user, directive: Directive, uploaded) -> DirectiveAttachment:
    """Attach a PDF, DOCX, XLSX, JPEG or PNG (type sniffed from content, 20 MB at most)."""
    _require_staff(user)
    if directive.status == DirectiveStatus.WITHDRAWN:
        raise ValidationError(_("Văn bản đã thu hồi, không đính kèm thêm được."))
    kind = validate_upload(uploaded, kinds=DOCUMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    attachment = DirectiveAttachment(
        directive=directive, filename=sanitise_filename(uploaded.name), kind=kind, size=uploaded.size, uploaded_by=user
    )
    attachment.file.save(attachment.filename, uploaded, save=False)
    attachment.save()
    audit_record(
        actor=user, action="directives.attachment.added", obj=directive, unit=directive.issuer,
        changes={"attachment": [None, attachment.filename]},
    )  # fmt: skip
    return attachment


# --- import from a letter's text ------------------------------------------------------------


def requirements_from_parsed(parsed) -> list[dict]:
    """See `importing.requirements_from_parsed`: one row per quota of an item, kinds from wording."""
    return importing.requirements_from_parsed(parsed)


def directive_import_text(text: str) -> dict:
    """Initial form data from a letter's text: fields, requirement rows, references and warnings."""
    text = nfc(text or "")
    parsed = parse_document(text)
    data = parsed.as_dict()
    issuer = importing.guess_issuer(data.get("issuer"))
    warnings = list(data.get("warnings") or [])
    if data.get("issuer") and issuer is None:
        warnings.append(
            _("Không tìm thấy đơn vị “%(name)s” trong danh mục: hãy chọn cơ quan ban hành.") % {"name": data["issuer"]}
        )
    doc_type = data.get("doc_type") if data.get("doc_type") in DocType.values else DocType.OTHER
    signer = data.get("signer") or {}
    fields = {
        "signer_name": signer.get("name") or "",
        "signer_title": signer.get("title") or "",
        "doc_type": doc_type,
        "number": data.get("number") or "",
        "issuer": issuer,
        "issuer_name": data.get("issuer") or "",
        "place": data.get("place") or "",
        "issued_on": datetime.date.fromisoformat(data["date"]) if data.get("date") else None,
        "subject": data.get("subject") or "",
        "body": importing.body_from_text(text, parsed),
        "addressee_kinds": importing.addressee_kinds(data.get("addressees") or []),
        "addressee_text": "\n".join(data.get("addressees") or []),
    }
    issued_on = fields["issued_on"]
    taken = selectors.directive_number_taken(
        issuer_id=issuer.pk if issuer else None, year=issued_on.year if issued_on else None, number=fields["number"]
    )
    if taken:
        warnings.insert(0, number_taken_warning(taken))
    references = [
        {
            "number": ref["number"],
            "issued_on": datetime.date.fromisoformat(ref["date"]) if ref.get("date") else None,
            "doc_type": ref.get("type") or DocType.OTHER,
        }
        for ref in data.get("references") or []
    ]
    requirements = requirements_from_parsed(parsed)
    for row in requirements:
        for name in row.get("unmatched_units") or []:
            warnings.append(
                _(
                    "Mục %(ordinal)s: không tìm thấy đơn vị “%(name)s” trong danh mục; hãy chọn đơn vị chủ trì, phối hợp."
                )
                % {"ordinal": row["ordinal"], "name": name}
            )
    return {
        "fields": fields,
        "requirements": requirements,
        "references": references,
        "warnings": warnings,
    }


# --- campaigns ------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, user, fields: dict) -> Campaign:
    _require_staff(user)
    campaign = Campaign(**{k: _clean_text(v) for k, v in fields.items()})
    campaign.full_clean()
    campaign.save()
    audit_record(actor=user, action="directives.campaign.created", obj=campaign, unit=campaign.organiser)
    return campaign


@transaction.atomic
def campaign_update(*, user, campaign: Campaign, fields: dict) -> Campaign:
    _require_staff(user)
    names = ["name", "description", "organiser", "starts_on", "ends_on", "organising_level", "scope", "method"]
    # The stored row, not the caller's instance: a ModelForm has already copied the new values onto that one,
    # and the audit entry would then record no change at all.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = snapshot(campaign, names)
    for name, value in fields.items():
        if name in names:
            setattr(campaign, name, _clean_text(value))
    campaign.full_clean()
    campaign.save()
    changes = diff(before, snapshot(campaign, names))
    if changes:
        audit_record(
            actor=user, action="directives.campaign.updated", obj=campaign, unit=campaign.organiser, changes=changes
        )
    return campaign


@transaction.atomic
def milestone_add(*, user, campaign: Campaign, name: str, date: datetime.date, anniversary_of=None) -> Milestone:
    _require_staff(user)
    name = nfc(name).strip()
    if any(
        fold(other.name) == fold(name) and other.date == date for other in Milestone.objects.filter(campaign=campaign)
    ):  # a double click or the back button: one milestone, not two
        raise ValidationError(
            {"name": _("Phong trào đã có mốc “%(name)s” ngày %(date)s.") % {"name": name, "date": f"{date:%d/%m/%Y}"}}
        )
    milestone = Milestone(campaign=campaign, name=name, date=date, anniversary_of=anniversary_of)
    milestone.full_clean()
    milestone.save()
    audit_record(
        actor=user, action="directives.milestone.added", obj=campaign, unit=campaign.organiser,
        changes={"milestone": [None, str(milestone)]},
    )  # fmt: skip
    return milestone


@transaction.atomic
def milestone_delete(*, user, milestone: Milestone) -> None:
    _require_staff(user)
    campaign = milestone.campaign
    label = str(milestone)
    # Records of other apps point at milestones (key works, with SET_NULL): deleting silently would
    # detach them, and the leader's "ready for 23/11/2020?" would lose them. Refuse, saying why.
    in_use = []
    for relation in Milestone._meta.related_objects:
        count = relation.related_model._default_manager.filter(**{relation.field.name: milestone}).count()
        if count:
            in_use.append(f"{count} {relation.related_model._meta.verbose_name_plural}")
    if in_use:
        raise ValidationError(
            _("Không xóa được mốc “%(milestone)s”: đang có %(what)s gắn với mốc này.")
            % {"milestone": label, "what": ", ".join(in_use)}
        )
    milestone.delete()
    audit_record(
        actor=user, action="directives.milestone.deleted", obj=campaign, unit=campaign.organiser,
        changes={"milestone": [label, None]},
    )  # fmt: skip
