"""Pages of directives: list, import → edit → preview → publish, detail, inbox and receipts, campaigns."""

import copy

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import MultipleChoiceField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign_portal.core.access import can_publish, scope_for
from campaign_portal.core.errors import apply_validation_error
from campaign_portal.core.formatting import format_date
from campaign_portal.core.models import UnitKind
from campaign_portal.core.paging import first_page_counted
from campaign_portal.core.text import as_template_text as _cell
from campaign_portal.core.text import cut_at_word
from campaign_portal.core.uploads import serve_private_file, serve_upload

from . import freshness, import_services, selectors, services
from .forms import (
    REFERENCE_PREFIX,
    REQUIREMENT_PREFIX,
    AttachmentForm,
    CampaignForm,
    DirectiveForm,
    ImportForm,
    MilestoneForm,
    ReferenceFormSet,
    RequirementForm,
    RequirementFormSet,
    WithdrawForm,
)
from .models import (
    DirectiveAttachment,
    DirectiveImport,
    DirectiveImportPage,
    DirectiveStatus,
    DocType,
    ImportSource,
    ImportStatus,
    Milestone,
)

PAGE_SIZE = 30


def _require_staff(request) -> None:
    if not can_publish(request.user):
        raise PermissionDenied


def _int(value):
    """An id or a year from the query string; None when it is not a number a database column can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -(2**31) < number < 2**31 else None


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: field errors where they belong, the rest on top."""
    apply_validation_error(form, exc)


# --- list ------------------------------------------------------------------------------------


@login_required
@require_GET
def directive_list(request):
    filters = {
        "doc_type": request.GET.get("doc_type", "") if request.GET.get("doc_type") in DocType.values else "",
        "year": _int(request.GET.get("year")),
        "status": request.GET.get("status", "") if request.GET.get("status") in DirectiveStatus.values else "",
        "issuer_id": _int(request.GET.get("issuer")),
        "campaign_id": _int(request.GET.get("campaign")),
        "query": request.GET.get("q", "").strip()[:200],
    }
    qs = selectors.directive_list_visible_to(user=request.user, **filters)
    page = first_page_counted(qs, request.GET.get("page"), PAGE_SIZE)
    querystring = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(
        request,
        "directives/directive_list.html",
        {
            "page": page,
            "filters": filters,
            "querystring": querystring,
            "filtered": any(filters.values()),
            "doc_types": DocType.choices,
            "statuses": DirectiveStatus.choices,
            **selectors.directive_list_filter_choices(user=request.user),
            "can_write": can_publish(request.user),
        },
    )


# --- create / import / edit ------------------------------------------------------------------


def _formsets(data=None, *, requirements=None, references=None):
    ref_formset = ReferenceFormSet(data, initial=references, prefix=REFERENCE_PREFIX)
    if references:  # one blank row only when the letter cited nothing (no empty extra rows to skip)
        ref_formset.extra = 0
    return RequirementFormSet(data, initial=requirements, prefix=REQUIREMENT_PREFIX), ref_formset


def requirement_page_size() -> int:
    """Rows per page of the requirement editor, so that one page's POST stays far below Django's field limit.

    Each row posts one value per field and one per ticked box; half the limit is left to the rest of the form.
    """
    per_row = 1 + sum(
        len(field.choices) if isinstance(field, MultipleChoiceField) else 1
        for field in RequirementForm().fields.values()
    )
    budget = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 1000
    return max(5, min(25, budget // 2 // per_row))


def _with_added_row(post):
    """The plain-POST fallback of 'Thêm dòng': the same data with one more blank requirement row."""
    data = post.copy()
    key = f"{REQUIREMENT_PREFIX}-TOTAL_FORMS"
    data[key] = str((_int(data.get(key)) or 0) + 1)
    return data


def _render_form(request, form, req_formset, ref_formset, *, directive=None, warnings=(), status=200, extra=None):
    reading = (extra or {}).get("reading")
    if reading and not warnings and not form.is_bound:
        warnings = reading.warnings
    return render(
        request,
        "directives/directive_form.html",
        {
            "form": form,
            "req_formset": req_formset,
            "ref_formset": ref_formset,
            "directive": directive,
            "warnings": warnings,
            **(extra or {}),
        },
        status=status,
    )


def _save_from_post(request, *, directive=None, offset=0):
    """Bind the form and formsets, call the service; returns (directive or None, form, formsets).

    Editing a saved directive posts one page of its requirements: only the rows on that page
    (their ids) may be changed or deleted, the others stay as they are.
    """
    if request.POST.get("add_row"):
        data = _with_added_row(request.POST)
        form = DirectiveForm(data, instance=directive)
        req_formset, ref_formset = _formsets(data)
        return None, form, req_formset, ref_formset
    # A copy: a bound ModelForm writes the posted values onto its instance, and the page title shows `directive`.
    form = DirectiveForm(request.POST, instance=copy.copy(directive) if directive else None)
    req_formset, ref_formset = _formsets(request.POST)
    if not (form.is_valid() and req_formset.is_valid() and ref_formset.is_valid()):
        return None, form, req_formset, ref_formset
    fields = {k: v for k, v in form.cleaned_data.items() if k not in ("addressee_units", "note")}
    kwargs = {
        "user": request.user,
        "fields": fields,
        "requirements": req_formset.rows(offset=offset),
        "references": ref_formset.rows(),
        "addressee_units": list(form.cleaned_data.get("addressee_units") or []),
    }
    try:
        if directive is None:
            saved = services.directive_create(**kwargs)
        else:
            scope = [row.cleaned_data["id"] for row in req_formset.forms if row.cleaned_data.get("id")]
            saved = services.directive_update(
                directive=directive, note=form.cleaned_data.get("note", ""), requirement_scope=scope, **kwargs
            )
    except ValidationError as exc:
        _add_errors(form, exc)
        return None, form, req_formset, ref_formset
    return saved, form, req_formset, ref_formset


@login_required
@require_http_methods(["GET", "POST"])
def directive_create(request):
    _require_staff(request)
    if request.method == "POST":
        saved, form, req_formset, ref_formset = _save_from_post(request)
        if saved:
            messages.success(request, _("Đã lưu dự thảo. Kiểm tra bản xem trước rồi ban hành."))
            return redirect("directives:preview", pk=saved.pk)
        return _render_form(request, form, req_formset, ref_formset)
    form = DirectiveForm()
    req_formset, ref_formset = _formsets()
    return _render_form(request, form, req_formset, ref_formset)


@login_required
@require_http_methods(["GET", "POST"])
def directive_import(request):
    """Paste text or upload a file → a draft saved at once → its edit page (a scan: its reading progress)."""
    _require_staff(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data.get("file")
        try:
            record = import_services.directive_import_start(
                user=request.user, text=form.cleaned_data.get("text") or "", uploaded=uploaded
            )
        except ValidationError as exc:
            form.add_error("file" if uploaded else "text", exc)
        else:
            if record.source == ImportSource.SCAN:
                return redirect("directives:import_progress", pk=record.directive_id)
            messages.success(request, _("Đã đọc văn bản và lưu thành dự thảo. Kiểm tra các trường rồi lưu."))
            return redirect("directives:edit", pk=record.directive_id)
    return render(request, "directives/directive_import.html", {"form": form})


def _import_record_for(request, pk) -> DirectiveImport:
    directive = selectors.get_directive_for_user(user=request.user, pk=pk, write=True)
    record = DirectiveImport.objects.select_related("scan").filter(directive=directive).first()
    if record is None:
        raise Http404
    return record


@login_required
@require_GET
def import_progress(request, pk):
    """A scan being read: progress polled by HTMX; when done, its draft's edit page."""
    record = _import_record_for(request, pk)
    if record.status == ImportStatus.DONE:
        return redirect("directives:edit", pk=pk)
    return render(request, "directives/import_progress.html", {"record": record, "directive": record.directive})


@login_required
@require_GET
def import_status(request, pk):
    """HTMX: the progress block; once the scan is read, the browser is sent to the draft."""
    record = _import_record_for(request, pk)
    if import_services.directive_import_resend_if_stuck(record):
        record.refresh_from_db()
    response = render(request, "directives/_import_status.html", {"record": record})
    if record.status == ImportStatus.DONE:
        response["HX-Redirect"] = reverse("directives:edit", kwargs={"pk": pk})
    return response


@login_required
@require_GET
def import_page_image(request, pk, number):
    record = _import_record_for(request, pk)
    page = get_object_or_404(DirectiveImportPage, record=record, number=number)
    return serve_private_file(page.image, filename=f"trang-{number}.jpg", inline=True)


def _reading_context(directive, form, req_formset, ref_formset) -> dict:
    """Where each field came from (while the imported letter is a draft), for the form and the page image."""
    if directive is None or directive.status != DirectiveStatus.DRAFT:
        return {}
    record = DirectiveImport.objects.filter(directive=directive).prefetch_related("pages").first()
    if record is None or record.status != ImportStatus.DONE:
        return {}
    sources = {name: import_services.source_of(record, name) for name in form.fields}
    for row in req_formset.forms:
        row.source = import_services.source_of(record, f"req:{row['id'].value()}")
    for index, row in enumerate(ref_formset.forms):
        row.source = None if ref_formset.is_bound else import_services.source_of(record, f"ref:{index}")
    used = {src["line"] for src in sources.values() if src} | {
        row.source["line"] for row in req_formset.forms if row.source
    }
    lines = record.text.split("\n")
    boxes = [
        {
            "line": i,
            "page": meta.get("page"),
            "box": _percent_box(meta["box"]),
            "unsure": (meta.get("conf") or 100) < 80,
        }
        for i, meta in enumerate(record.lines or [])
        if i in used and meta.get("box")
    ]
    return {
        "reading": record,
        "sources": sources,
        "source_lines": [{"n": i, "text": line, "used": i in used} for i, line in enumerate(lines)],
        "pages": [
            {"page": page, "boxes": [b for b in boxes if b["page"] == page.number]} for page in record.pages.all()
        ],
        "unsure_count": sum(1 for src in sources.values() if src and src["unsure"])
        + sum(1 for row in req_formset.forms if row.source and row.source["unsure"]),
    }


def _percent_box(box) -> dict:
    """A line's box (fractions: left, top, right, bottom) as CSS percentages, a little padded."""
    left, top, right, bottom = box
    pad = 0.004
    return {
        "left": round(max(0, left - pad) * 100, 2),
        "top": round(max(0, top - pad) * 100, 2),
        "width": round((right - left + 2 * pad) * 100, 2),
        "height": round((bottom - top + 2 * pad) * 100, 2),
    }


def _requirement_rows(requirements) -> list[dict]:
    return [
        {
            "id": r.pk,
            "position": r.position,
            "ordinal": r.ordinal,
            "kind": r.kind,
            "title": r.title,
            "text": r.text,
            "applies_to": r.applies_to,
            "deadline": r.deadline,
            "quota_min": r.quota_min,
            "quota_max": r.quota_max,
            "recurrence": r.recurrence,
            "due_days": r.due_days,
            "due_next_period": r.due_next_period,
            "relative_days": r.relative_days,
            "relative_from": r.relative_from,
            "relative_working_days": r.relative_working_days,
            "lead_unit": r.lead_unit_id,
            "cooperating_units": [u.pk for u in r.cooperating_units.all()],
            "response_mode": r.response_mode,
        }  # fmt: skip
        for r in requirements
    ]


@login_required
@require_http_methods(["GET", "POST"])
def directive_edit(request, pk):
    """The directive's fields and one page of its requirements (a letter may hold hundreds of them)."""
    directive = selectors.get_directive_for_user(user=request.user, pk=pk, write=True)
    if directive.status == DirectiveStatus.WITHDRAWN:
        messages.error(request, _("Văn bản đã thu hồi, không sửa được nữa."))
        return redirect("directives:detail", pk=directive.pk)
    if DirectiveImport.objects.filter(directive=directive, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]):
        # What the reader writes when it finishes would replace what was typed meanwhile.
        messages.info(request, _("Bản quét đang được đọc; khi đọc xong bạn sẽ sửa được dự thảo."))
        return redirect("directives:import_progress", pk=directive.pk)
    related = selectors.directive_detail_related(directive=directive)
    size = requirement_page_size()
    pages = Paginator(related["requirements"], size)
    number = _int(request.POST.get("req_page") if request.method == "POST" else request.GET.get("trang")) or 1
    req_page = pages.get_page(number)
    if request.method == "POST":
        offset = (req_page.number - 1) * size
        saved, form, req_formset, ref_formset = _save_from_post(request, directive=directive, offset=offset)
        if saved:
            goto = _int(request.POST.get("goto_page"))
            if goto:
                messages.success(request, _("Đã lưu trang %(page)s của danh sách yêu cầu.") % {"page": req_page.number})
                return redirect(reverse("directives:edit", kwargs={"pk": saved.pk}) + f"?trang={goto}#req-title")
            messages.success(request, _("Đã lưu thay đổi."))
            target = "directives:preview" if saved.status == DirectiveStatus.DRAFT else "directives:detail"
            return redirect(target, pk=saved.pk)
    else:
        references = [
            {"doc_type": r.doc_type, "number": r.number, "issued_on": r.issued_on} for r in related["references"]
        ]
        form = DirectiveForm(instance=directive)
        req_formset, ref_formset = _formsets(requirements=_requirement_rows(req_page), references=references)
    context = _reading_context(directive, form, req_formset, ref_formset)
    context["req_page"] = req_page if pages.num_pages > 1 else None
    return _render_form(request, form, req_formset, ref_formset, directive=directive, extra=context)


@login_required
@require_GET
def requirement_row(request):
    """HTMX: one blank requirement row, and the formset's TOTAL_FORMS bumped out of band."""
    _require_staff(request)
    index = max(0, min(_int(request.GET.get(f"{REQUIREMENT_PREFIX}-TOTAL_FORMS")) or 0, 199))
    formset = RequirementFormSet(prefix=REQUIREMENT_PREFIX)
    form = RequirementForm(prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False)
    formset.add_fields(form, index)  # the "remove this row" checkbox
    return render(
        request, "directives/_requirement_row.html", {"row": form, "total": index + 1, "prefix": REQUIREMENT_PREFIX}
    )


# --- preview, publish, withdraw ---------------------------------------------------------------


@login_required
@require_GET
def directive_preview(request, pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk, write=True)
    context = {
        "directive": directive,
        **selectors.directive_detail_related(directive=directive),
        "recipients": selectors.recipient_tree(directive=directive),
    }
    if directive.status == DirectiveStatus.DRAFT:
        taken = selectors.directive_number_taken(
            issuer_id=directive.issuer_id, year=directive.year, number=directive.number, exclude_pk=directive.pk
        )
        context["number_taken"] = services.number_taken_warning(taken) if taken else ""
        context["taken_directive"] = taken
    return render(request, "directives/directive_preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def directive_publish(request, pk):
    """GET: the confirmation, listing exactly who will receive the letter; POST: publish."""
    directive = selectors.get_directive_for_user(user=request.user, pk=pk, write=True)
    if request.method == "GET":
        if directive.status != DirectiveStatus.DRAFT:
            return redirect("directives:detail", pk=directive.pk)
        context = {"directive": directive, "recipients": selectors.recipient_tree(directive=directive)}
        return render(request, "directives/directive_publish_confirm.html", context)
    try:
        services.directive_publish(user=request.user, directive=directive)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("directives:preview", pk=directive.pk)
    messages.success(request, _("Đã ban hành văn bản; các đơn vị được gửi đã nhận thông báo."))
    return redirect("directives:detail", pk=directive.pk)


@login_required
@require_http_methods(["GET", "POST"])
def directive_withdraw(request, pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk, write=True)
    if directive.status != DirectiveStatus.PUBLISHED:  # e.g. the back button after withdrawing
        if directive.status == DirectiveStatus.WITHDRAWN:
            messages.info(request, _("Văn bản này đã được thu hồi."))
        else:
            messages.error(request, _("Chỉ thu hồi được văn bản đã ban hành."))
        return redirect("directives:detail", pk=directive.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_withdraw(user=request.user, directive=directive, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã thu hồi văn bản."))
            return redirect("directives:detail", pk=directive.pk)
    return render(request, "directives/directive_withdraw.html", {"directive": directive, "form": form})


# --- detail, attachments, revisions -------------------------------------------------------------


def _requirement_rows_html(rows, *, with_compliance: bool):
    """The directive page's requirement rows drawn here rather than by the template's loop (the same HTML
    as the loop drew): labels translated once, every value escaped as `{{ }}` and its filters did."""
    if not rows:
        return ""
    l_item, l_req, l_applies, l_quota, l_deadline, l_filed = map(
        escape, (_("Mục"), _("Yêu cầu"), _("Áp dụng cho"), _("Số lượng"), _("Thời hạn"), _("Đã nộp"))
    )
    only = escape(_("Chỉ:"))
    kinds = {value: str(label) for value, label in UnitKind.choices}
    lines = []
    for req, compliance in rows:
        applies = "; ".join(kinds.get(kind, kind) for kind in req.applies_to or [])
        targets = ", ".join(_cell(unit.display_name) for unit in req.target_units.all())
        filed = ""
        if with_compliance:
            counts = f"{_cell(compliance['filed'])}/{_cell(compliance['owed'])}" if compliance else "—"
            filed = f'<td data-label="{l_filed}" class="text-nowrap">{counts}</td>'
        lines.append(
            "\n    <tr>\n"
            f'      <td data-label="{l_item}">{_cell(req.ordinal)}</td>\n'
            f'      <td data-label="{l_req}"><strong>{_cell(req.label)}</strong>'
            f'<div class="small text-muted">{_cell(cut_at_word(req.text, 260))}</div></td>\n'
            f'      <td data-label="{l_applies}" class="small">{_cell(applies or "—")}'
            f"{f'<br>{only} {targets}' if targets else ''}</td>\n"
            f'      <td data-label="{l_quota}" class="text-nowrap">{_cell(req.quota_text or "—")}</td>\n'
            f'      <td data-label="{l_deadline}" class="text-nowrap">{_cell(format_date(req.deadline) or "—")}</td>\n'
            f"      {filed}\n"
            "    </tr>\n    "
        )
    return mark_safe("".join(lines))  # every value above is escaped


@login_required
@require_GET
def directive_detail(request, pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk)
    scope = scope_for(request.user)
    with freshness.pinned():  # what is kept (the letter's items, recipients, counts): one read of the data version
        related = selectors.directive_page_related(directive=directive)
        context = {"directive": directive, "can_write": scope.is_staff, **related}
        compliance = {}
        if scope.is_staff or scope.is_leader:
            context["receipt_rows"] = selectors.directive_receipt_table(directive=directive)
            context["received_count"] = sum(1 for row in context["receipt_rows"] if row["received"])
            compliance = selectors.requirement_compliance(requirements=related["requirements"])
    # The kept requirements are shared by every page load: this load's counts go beside them.
    context["requirement_rows"] = [(req, compliance.get(req.pk)) for req in related["requirements"]]
    context["requirement_rows_html"] = _requirement_rows_html(
        context["requirement_rows"], with_compliance=context.get("receipt_rows") is not None
    )
    if scope.is_officer and directive.status == DirectiveStatus.PUBLISHED:
        context["addressed"] = selectors.directive_is_addressed_to(directive=directive, unit=scope.unit)
        context["my_receipt"] = directive.receipts.filter(unit=scope.unit).select_related("confirmed_by").first()
    if scope.is_staff:
        context["attachment_form"] = AttachmentForm()
        context["attachment_form_html"] = _empty_attachment_form_html()
    return render(request, "directives/directive_detail.html", context)


_ATTACHMENT_FORM_HTML: dict = {}  # language → the empty upload form as `|crispy` draws it (no data in it)


def _empty_attachment_form_html():
    """The empty AttachmentForm drawn by crispy once per language (it rendered a dozen templates per page)."""
    language = get_language()
    found = _ATTACHMENT_FORM_HTML.get(language)
    if found is None:
        found = _ATTACHMENT_FORM_HTML[language] = as_crispy_form(AttachmentForm())
    return found


@login_required
@require_POST
def attachment_add(request, pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(
                user=request.user, directive=directive, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Đã đính kèm tệp “%(name)s”.") % {"name": attachment.filename})
            return redirect(reverse("directives:detail", kwargs={"pk": directive.pk}) + "#attachments")
    for error in form.errors.get("file", []) + form.non_field_errors():
        messages.error(request, error)
    return redirect(reverse("directives:detail", kwargs={"pk": directive.pk}) + "#attachments")


@login_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(DirectiveAttachment, pk=attachment_pk, directive=directive)
    return serve_upload(attachment)


@login_required
@require_GET
def directive_revisions(request, pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk)
    revisions = selectors.directive_revisions(directive=directive)
    return render(
        request,
        "directives/directive_revisions.html",
        {"directive": directive, "revisions": revisions, "entries": [revision.entry for revision in revisions]},
    )


# --- inbox and receipts ----------------------------------------------------------------------


@login_required
@require_GET
def inbox(request):
    scope = scope_for(request.user)
    if not scope.is_officer:
        raise PermissionDenied
    page = first_page_counted(selectors.directive_inbox_for(user=request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "directives/inbox.html", {"page": page, "unit": scope.unit})


@login_required
@require_POST
def receipt_confirm(request, pk):
    directive = selectors.get_directive_for_user(user=request.user, pk=pk)
    error = ""
    receipt = None
    try:
        receipt = services.receipt_confirm(user=request.user, directive=directive)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if request.headers.get("HX-Request"):
        context = {"directive": directive, "receipt": receipt, "error": error}
        if request.POST.get("next") == "inbox":  # a cell of the inbox table, not the banner of the detail page
            return render(request, "directives/_receipt_cell.html", context)
        return render(request, "directives/_receipt_status.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Đã xác nhận đơn vị đã nhận văn bản."))
    target = request.POST.get("next")
    return redirect("directives:inbox" if target == "inbox" else reverse("directives:detail", kwargs={"pk": pk}))


# --- campaigns ---------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    campaigns = selectors.campaign_list_visible_to(user=request.user).prefetch_related("milestones")
    return render(
        request, "directives/campaign_list.html", {"campaigns": campaigns, "can_write": can_publish(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    _require_staff(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=request.user, fields=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo phong trào. Thêm các mốc kỷ niệm bên dưới."))
            return redirect("directives:campaign_detail", pk=campaign.pk)
    return render(request, "directives/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = selectors.get_campaign_for_user(user=request.user, pk=pk, write=True)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(user=request.user, campaign=campaign, fields=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu phong trào."))
            return redirect("directives:campaign_detail", pk=campaign.pk)
    return render(request, "directives/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request, pk):
    campaign = selectors.get_campaign_for_user(user=request.user, pk=pk, write=request.method == "POST")
    milestone_form = MilestoneForm(request.POST or None)
    if request.method == "POST" and milestone_form.is_valid():
        try:
            services.milestone_add(user=request.user, campaign=campaign, **milestone_form.cleaned_data)
        except ValidationError as exc:
            _add_errors(milestone_form, exc)
        else:
            messages.success(request, _("Đã thêm mốc kỷ niệm."))
            return redirect("directives:campaign_detail", pk=campaign.pk)
    directives = selectors.campaign_directives(user=request.user, campaign=campaign)
    return render(
        request,
        "directives/campaign_detail.html",
        {
            "campaign": campaign,
            "directives": directives,
            "milestone_form": milestone_form,
            "can_write": can_publish(request.user),
        },
    )


@login_required
@require_POST
def milestone_delete(request, pk, milestone_pk):
    campaign = selectors.get_campaign_for_user(user=request.user, pk=pk, write=True)
    milestone = get_object_or_404(Milestone, pk=milestone_pk, campaign=campaign)
    try:
        services.milestone_delete(user=request.user, milestone=milestone)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã xóa mốc kỷ niệm."))
    return redirect("directives:campaign_detail", pk=campaign.pk)
