"""Importing a letter: the draft directive is saved first, then filled from its text or its scan.

Kept apart from `services` (publishing, editing) because the import flow has its own steps: typed text and
files with a text layer are read at once; scans and photos are read by OCR in a Celery task that reports
its progress page by page. Either way the draft exists before anything is read, so no form size, failed
OCR or closed browser loses the letter, and a scan stays attached to its directive.
"""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_portal.core.access import can_publish, scope_for
from campaign_portal.core.audit import audit_record
from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.queue import enqueue_on_commit, send_now
from campaign_portal.core.text import nfc
from campaign_portal.core.uploads import sanitise_filename, validate_upload

from . import importing, ocr, ocr_repair, provenance, services
from .models import (
    Directive,
    DirectiveAttachment,
    DirectiveImport,
    DirectiveImportPage,
    DirectiveStatus,
    DocType,
    ImportSource,
    ImportStatus,
)
from .parsing import normalise_text
from .tasks import read_directive_scan

# A letter with more asks than this is refused (Letter 7019 has 5; the largest seen, 417).
IMPORT_MAX_REQUIREMENTS = 999
# Lines Tesseract is less sure of than this (mean word confidence, 0–100) mark their fields for checking.
LOW_CONFIDENCE = 80
SCAN_KINDS = ("pdf", "jpeg", "png", "tiff")
# A queued scan not started after this is sent again (broker down); a reading silent this long has lost its worker.
RESEND_AFTER = datetime.timedelta(minutes=1)
STALE_AFTER = datetime.timedelta(seconds=3 * ocr.PAGE_TIMEOUT)
logger = logging.getLogger(__name__)


def _require_staff(user) -> None:
    if not can_publish(user):
        raise PermissionDenied


def _fallback_issuer(user) -> Unit:
    """The issuer of a draft whose header was not read yet: the province, else the staff member's unit."""
    province = Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("depth", "path").first()
    return province or scope_for(user).unit


def _too_many(count: int) -> ValidationError:
    return ValidationError(
        _(
            "Văn bản có %(count)s yêu cầu, vượt giới hạn %(limit)s yêu cầu của một lần nhập. "
            "Hãy tách văn bản thành nhiều phần (mỗi phần một lần nhập) hoặc kiểm tra lại nội dung đã dán."
        )
        % {"count": f"{count:,}".replace(",", "."), "limit": f"{IMPORT_MAX_REQUIREMENTS:,}".replace(",", ".")}
    )


@transaction.atomic
def directive_import_start(*, user, text: str = "", uploaded=None) -> DirectiveImport:
    """Save a draft from pasted text or an uploaded file; a scan is attached and queued for OCR."""
    _require_staff(user)
    if uploaded is None:
        return _draft_from_text(user=user, text=nfc(text), source=ImportSource.TEXT)
    kind = validate_upload(uploaded, kinds=importing.IMPORT_KINDS, max_bytes=importing.IMPORT_MAX_BYTES)
    if kind in SCAN_KINDS:
        typed = importing.pdf_text_layer(uploaded) if kind == "pdf" else ""
        if not typed.strip():
            return _draft_from_scan(user=user, uploaded=uploaded, kind=kind)
        text = typed
    else:
        text = importing.read_uploaded_text(uploaded)
    record = _draft_from_text(user=user, text=text, source=ImportSource.FILE)
    _attach(user=user, directive=record.directive, uploaded=uploaded, kind=kind)
    return record


def _attach(*, user, directive: Directive, uploaded, kind: str) -> DirectiveAttachment:
    uploaded.seek(0)
    attachment = DirectiveAttachment(
        directive=directive, filename=sanitise_filename(uploaded.name), kind=kind, size=uploaded.size, uploaded_by=user
    )
    attachment.file.save(attachment.filename, uploaded, save=False)
    attachment.save()
    return attachment


def _parsed(text: str, user) -> dict:
    """The import's form data from a text, with the issuer defaulted (and said) when not found."""
    data = services.directive_import_text(text)
    if len(data["requirements"]) > IMPORT_MAX_REQUIREMENTS:
        raise _too_many(len(data["requirements"]))
    for row in data["requirements"]:
        row["title"] = importing.short_title(row.get("title") or "")
    data["issuer_read"] = data["fields"]["issuer"] is not None
    if not data["issuer_read"]:
        data["fields"]["issuer"] = _fallback_issuer(user)
    return data


def _fill(directive: Directive, data: dict) -> None:
    """Write the parsed fields, requirements and references on a draft (no revision: nobody has seen it)."""
    services._apply_fields(directive, data["fields"])
    directive.full_clean(exclude=["subject"], validate_constraints=False)
    directive.save()
    services._save_requirements(directive, data["requirements"])
    services._save_references(directive, data["references"])


def _sources(record: DirectiveImport, text: str, data: dict, directive: Directive) -> dict:
    lines = normalise_text(text).split("\n")
    parsed = services.parse_document(text).as_dict()
    found = provenance.field_sources(lines, parsed, data["fields"])
    if not data["issuer_read"]:
        found.pop("issuer", None)
    requirement_ids = list(directive.requirements.order_by("position", "id").values_list("pk", flat=True))
    for pk, index in zip(requirement_ids, provenance.requirement_sources(lines, data["requirements"]), strict=False):
        if index is not None:
            found[f"req:{pk}"] = index
    for number, index in enumerate(provenance.reference_sources(lines, data["references"])):
        if index is not None:
            found[f"ref:{number}"] = index
    return found


def _draft_from_text(*, user, text: str, source: str) -> DirectiveImport:
    data = _parsed(text, user)
    directive = Directive(created_by=user, status=DirectiveStatus.DRAFT)
    _fill(directive, data)
    record = DirectiveImport.objects.create(
        directive=directive,
        source=source,
        status=ImportStatus.DONE,
        text=normalise_text(text),
        warnings=data["warnings"],
        created_by=user,
        finished_at=timezone.now(),
    )
    record.sources = _sources(record, text, data, directive)
    record.save(update_fields=["sources"])
    audit_record(actor=user, action="directives.directive.imported", obj=directive, unit=directive.issuer)
    return record


def _draft_from_scan(*, user, uploaded, kind: str) -> DirectiveImport:
    uploaded.seek(0)
    try:
        pages = ocr.page_count(kind, uploaded.read())
    except ocr.NotReadable as exc:
        raise ValidationError(
            _("Không mở được tệp “%(name)s” (tệp hỏng hoặc không phải ảnh, PDF).")
            % {"name": sanitise_filename(uploaded.name)}
        ) from exc
    if pages > ocr.MAX_PAGES:
        raise ValidationError(
            _("Bản quét có %(pages)s trang; mỗi lần chỉ đọc được tối đa %(limit)s trang.")
            % {"pages": pages, "limit": ocr.MAX_PAGES}
        )
    directive = Directive(
        created_by=user,
        status=DirectiveStatus.DRAFT,
        doc_type=DocType.OTHER,
        issuer=_fallback_issuer(user),
        subject="",
    )
    directive.save()
    attachment = _attach(user=user, directive=directive, uploaded=uploaded, kind=kind)
    record = DirectiveImport.objects.create(
        directive=directive,
        source=ImportSource.SCAN,
        status=ImportStatus.QUEUED,
        pages_total=pages,
        scan=attachment,
        created_by=user,
        heartbeat=timezone.now(),
    )
    audit_record(actor=user, action="directives.directive.imported", obj=directive, unit=directive.issuer)
    problems = ocr.ocr_problems()
    if problems:
        _fail(record, _("Máy chủ chưa cài phần mềm đọc bản quét (OCR), nên chưa đọc được tệp này.") + " " + problems[0])
        return record
    enqueue_on_commit(read_directive_scan, record.pk)
    return record


def _fail(record: DirectiveImport, message: str) -> None:
    record.status = ImportStatus.FAILED
    record.error = message
    record.finished_at = timezone.now()
    record.save(update_fields=["status", "error", "finished_at"])


# --- the OCR task ------------------------------------------------------------------------------


def directive_import_read_scan(*, import_id: int) -> bool:
    """Read a queued scan page by page (progress saved after each), then fill its draft. Safe to run twice."""
    now = timezone.now()
    claimable = Q(status=ImportStatus.QUEUED) | Q(status=ImportStatus.RUNNING, heartbeat__lt=now - STALE_AFTER)
    claimed = DirectiveImport.objects.filter(claimable, pk=import_id).update(
        status=ImportStatus.RUNNING, pages_done=0, heartbeat=now
    )
    if not claimed:
        return False
    record = DirectiveImport.objects.select_related("directive", "scan", "created_by").get(pk=import_id)
    try:
        lines = _ocr_pages(record)
    except (ocr.NotReadable, OSError) as exc:
        logger.warning("scan of import %s not readable: %s", import_id, exc)
        _fail(record, _("Không đọc được tệp bản quét (tệp hỏng hoặc định dạng lạ). Bản quét vẫn được giữ kèm dự thảo."))
        return True
    names = Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT])
    phrases = {name for pair in names.values_list("name", "short_name") for name in pair if name and len(name) > 3}
    repaired = ocr_repair.repair(lines, extra_phrases=phrases)
    text = ocr_repair.repaired_text(repaired)
    if not _looks_like_letter(text, repaired):
        _fail(
            record,
            _(
                "Không tìm thấy chữ của một văn bản trong tệp “%(name)s” (có thể là ảnh chụp cảnh vật, hoặc ảnh "
                "quá mờ, bị nghiêng nhiều). Tệp vẫn được giữ kèm dự thảo này; hãy chụp hoặc quét lại rõ, thẳng "
                "trang, rồi nhập lại, hoặc nhập các trường bằng tay."
            )
            % {"name": record.scan.filename if record.scan else ""},
        )
        return True
    _fill_from_scan(record, text, repaired)
    return True


def _ocr_pages(record: DirectiveImport) -> list[ocr_repair.Line]:
    with record.scan.file.open("rb") as handle:
        data = handle.read()
    kind = record.scan.kind
    lines: list[ocr_repair.Line] = []
    for number in range(1, record.pages_total + 1):
        image = ocr.render_page(kind, data, number)
        page_lines = ocr.read_page(image, page=number)
        shown = ocr.display_image(image)
        page, _created = DirectiveImportPage.objects.get_or_create(record=record, number=number)
        page.image.save(f"page-{number}.jpg", ContentFile(shown), save=False)
        page.width, page.height = image.width, image.height
        page.save()
        lines += [ocr_repair.Line(t.text, t.page, t.box, t.conf, block=t.block) for t in page_lines]
        DirectiveImport.objects.filter(pk=record.pk).update(pages_done=number, heartbeat=timezone.now())
    return lines


def _looks_like_letter(text: str, lines) -> bool:
    """Enough confident words, and the parser finds what every letter has (a number, a date or a subject)."""
    confident_words = sum(len(line.text.split()) for line in lines if (line.conf or 0) >= 60)
    if confident_words < 15:
        return False
    parsed = services.parse_document(text).as_dict()
    found = [bool(parsed.get(k)) for k in ("number", "date", "subject", "issuer")]
    return sum(found) >= 2 or (sum(found) >= 1 and bool(parsed.get("requirements")))


@transaction.atomic
def _fill_from_scan(record: DirectiveImport, text: str, lines) -> None:
    directive = Directive.objects.select_for_update().get(pk=record.directive_id)
    if directive.status != DirectiveStatus.DRAFT:  # someone published it meanwhile: leave it alone
        _fail(record, _("Dự thảo đã được ban hành trong lúc đọc bản quét; kết quả đọc không được ghi đè."))
        return
    data = _parsed(text, record.created_by)
    _fill(directive, data)
    record.text = normalise_text(text)
    record.lines = [line.as_meta() for line in lines]
    record.warnings = data["warnings"]
    record.sources = _sources(record, text, data, directive)
    record.status = ImportStatus.DONE
    record.pages_done = record.pages_total
    record.finished_at = timezone.now()
    record.save()


def directive_import_resend_if_stuck(record: DirectiveImport) -> bool:
    """Called by the polled status view: a scan waiting too long (broker down) or whose worker died is sent again."""
    if record.is_done or record.heartbeat is None:
        return False
    now = timezone.now()
    waited = record.status == ImportStatus.QUEUED and record.heartbeat < now - RESEND_AFTER
    stale = record.status == ImportStatus.RUNNING and record.heartbeat < now - STALE_AFTER
    if not (waited or stale):
        return False
    # Only one poller re-sends: moving the heartbeat is the claim (the task's own claim makes a double harmless).
    status_filter = Q(status=record.status, heartbeat=record.heartbeat)
    if record.status == ImportStatus.RUNNING:  # taken back as queued, so that the redelivered task can claim it
        if not DirectiveImport.objects.filter(status_filter, pk=record.pk).update(
            status=ImportStatus.QUEUED, heartbeat=now
        ):
            return False
    elif not DirectiveImport.objects.filter(status_filter, pk=record.pk).update(heartbeat=now):
        return False
    return send_now(read_directive_scan, record.pk)


# --- what the import page shows ----------------------------------------------------------------


def source_of(record: DirectiveImport | None, key: str) -> dict | None:
    """{"line", "text", "page", "box", "unsure", "fixed"} for a field key, or None when the reader did not fill it."""
    if record is None or key not in (record.sources or {}):
        return None
    index = record.sources[key]
    lines = record.text.split("\n")
    meta = record.lines[index] if index < len(record.lines or []) else {}
    conf = meta.get("conf")
    return {
        "line": index,
        "text": lines[index] if index < len(lines) else "",
        "page": meta.get("page"),
        "box": meta.get("box"),
        "conf": conf,
        "unsure": conf is not None and conf < LOW_CONFIDENCE,
        "fixed": bool(meta.get("fixed")),
    }
