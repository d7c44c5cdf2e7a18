"""Pages of the pledges app: access helper → form → service → redirect."""

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign_portal.core import access, review
from campaign_portal.core.audit import audit_entries_for
from campaign_portal.core.errors import apply_validation_error
from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.templatetags.portal import status_badge
from campaign_portal.core.text import as_template_text as _cell
from campaign_portal.core.text import cut_at_word
from campaign_portal.core.uploads import serve_upload, serve_upload_of
from directives import freshness, obligations, registry
from directives.models import DirectiveStatus, Requirement, RequirementKind

from . import importing, selectors, services
from .forms import (
    TARGET_PREFIX,
    AttachmentForm,
    ProgressForm,
    TargetImportForm,
    TransitionForm,
    target_formset,
)
from .models import Commitment, Dissemination, EmulationPlan, ResultReport, TargetEvidence

GET_POST = require_http_methods(["GET", "POST"])


def _entry(model) -> registry.SubmissionKind:
    """The kind's descriptor (kinds sharing a model share its URLs, forms and services)."""
    return registry.kind_for_model(model)[0]


def _detail_url(obj) -> str:
    return _entry(type(obj)).detail_url_for(obj.pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _model_for_slug(slug: str):
    model = selectors.model_for_slug(slug=slug)
    if model is None:
        raise Http404
    return model


# --- Home: what my unit owes --------------------------------------------------------------------


def _owed_unit(request):
    """The officer's unit; readers (staff, leaders, a district for its communes) may pick a unit they read."""
    scope = access.scope_for(request.user)
    wanted = request.GET.get("unit", "")
    if wanted.isdigit():
        unit = access.readable_units(request.user).filter(pk=int(wanted)).first()
        if unit is None:
            raise Http404
        return unit
    return scope.unit


@login_required
@require_GET
def owed(request):
    unit = _owed_unit(request)
    rows = selectors.owed_rows(unit=unit)
    missing = sum(1 for row in rows if row.actionable)  # "N việc cần xử lý": what the unit itself can do now
    return render(
        request,
        "pledges/owed.html",
        {
            "unit": unit,
            "rows": rows,
            "missing": missing,
            "is_own": access.can_write_unit(request.user, unit) if unit else False,
        },
    )


# --- Lists --------------------------------------------------------------------------------------


def _list_filters(request) -> dict:
    kinds = set(selectors.kind_labels())
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    unit = request.GET.get("unit", "")
    directive = request.GET.get("directive", "")
    return {
        "kind": kind if kind in kinds else "",
        "status": status if status in ReviewStatus.values else "",
        "unit_id": int(unit) if unit.isdigit() else None,
        "directive_id": int(directive) if directive.isdigit() else None,
        "query": request.GET.get("q", "").strip()[:100],
    }


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_page(listing, number, size: int = 50) -> Page:
    """The requested page of a `selectors.Listing`. The first page reads one row more than it shows: when
    that is the whole list it tells the count, and the UNION's COUNT query is not needed (the usual case)."""
    paginator = Paginator(listing, size)
    with freshness.pinned():  # the kept names and count: one read of the data version
        if number not in (None, "", "1"):
            return paginator.get_page(number)
        first = listing[: size + 1]  # a Listing reads when sliced: build the page from these rows
        if len(first) <= size:
            paginator.count = len(first)  # a cached property: set, it is not asked of the database
        page = Page(first[:size], 1, paginator)
        page.has_next()  # the count, if the database must tell it, under the same version
        return page


def _submission_rows_html(rows: list[dict]):
    """The submission list's body rows drawn here rather than by the template's loop (the same HTML as the
    loop drew): labels translated once, a status's badge made once, every value escaped as `{{ }}` does."""
    if not rows:
        return ""
    l_record, l_kind, l_unit, l_letter, l_status, l_sent, l_late = map(
        escape, (_("Hồ sơ"), _("Loại"), _("Đơn vị"), _("Văn bản"), _("Trạng thái"), _("Gửi lúc"), _("trễ hạn"))
    )
    late = f' <span class="badge state-badge state-late-note">{l_late}</span>'
    badges = {}
    lines = []
    for row in rows:
        status = row["obj_status"]
        if status not in badges:
            badges[status] = status_badge(status, row["status_label"])
        period = f'<div class="small text-muted">{_cell(row["period_text"])}</div>' if row["period_label"] else ""
        lines.append(
            "\n  <tr>\n"
            f'    <td data-label="{l_record}"><a href="{_cell(row["url"])}">{_cell(row["title_text"])}</a>{period}</td>\n'
            f'    <td data-label="{l_kind}">{_cell(row["kind_label"])}</td>\n'
            f'    <td data-label="{l_unit}">{_cell(row["unit_name"])}</td>\n'
            f'    <td data-label="{l_letter}" class="text-nowrap">{_cell(row["directive_number"] or "—")}</td>\n'
            f'    <td data-label="{l_status}">{badges[status]}{late if row["obj_on_time"] is False else ""}</td>\n'
            f'    <td data-label="{l_sent}" class="text-nowrap">{_cell(row["sent_text"] or "—")}</td>\n'
            "  </tr>\n  "
        )
    return mark_safe("".join(lines))  # every value above is escaped


@login_required
@require_GET
def submission_list(request):
    scope = access.scope_for(request.user)
    if scope.role is None:
        raise PermissionDenied
    filters = _list_filters(request)
    page = _list_page(selectors.submission_list_for(user=request.user, **filters), request.GET.get("page"))
    rows = selectors.decorate_rows(rows=page.object_list)
    return render(
        request,
        "pledges/submission_list.html",
        {
            "page": page,
            "rows": rows,
            "rows_html": _submission_rows_html(rows),
            "filters": filters,
            "kinds": list(selectors.kind_labels().items()),
            "statuses": ReviewStatus.choices,
            "querystring": _querystring(request),
            "scope": scope,
        },
    )


@login_required
@require_GET
def review_list(request):
    scope = access.scope_for(request.user)
    if scope.role is None or scope.is_leader:
        raise PermissionDenied
    filters = _list_filters(request)
    page = _list_page(selectors.review_queue_for(user=request.user, **filters), request.GET.get("page"))
    rows = selectors.decorate_rows(rows=page.object_list)
    for row in rows:
        row.update(_review_extras(row))
    labels = _review_labels()
    next_url = request.get_full_path()
    return render(
        request,
        "pledges/review_list.html",
        {
            "page": page,
            "rows": rows,
            "rows_html": _review_rows_html(rows, labels=labels, next_url=next_url, csrf_token=get_token(request)),
            "labels": labels,
            "next_url": next_url,
            "filters": filters,
            "kinds": list(selectors.kind_labels().items()),
            "querystring": _querystring(request),
            "reviews_anything": scope.is_staff or access.reviewable_units(request.user).exists(),
        },
    )


# --- Create and edit ----------------------------------------------------------------------------


def _requirement_for_filing(request, requirement_pk, entry):
    """(requirement, None) when the officer's unit may file this kind under it, else (requirement, page).

    404 only when the requirement does not exist or its letter is not visible; any other refusal
    is a page that says why (not applicable, dissolved, for information only, another kind).
    """
    scope = access.scope_for(request.user)
    requirement = Requirement.objects.select_related("directive__campaign").filter(pk=requirement_pk).first()
    if requirement is None or requirement.directive.status not in (
        DirectiveStatus.PUBLISHED,
        DirectiveStatus.WITHDRAWN,
    ):
        raise Http404
    if not scope.is_officer:
        raise PermissionDenied
    reason = obligations.refusal(requirement, scope.unit, model=entry.model)
    if reason is None and registry.kind_for_requirement(requirement) is not entry:
        reason = obligations.Refusal.WRONG_KIND
    if reason is None:
        return requirement, None
    right = registry.kind_for_requirement(requirement)
    page = render(
        request,
        "pledges/cannot_file.html",
        {
            "requirement": requirement,
            "reason": reason,
            "unit": scope.unit,
            "right_url": right.create_url_for(requirement.pk)
            if reason == obligations.Refusal.WRONG_KIND and right
            else "",
        },
        status=403,
    )
    return requirement, page


def _formset_for_add_row(request):
    """Plain-POST fallback of "add a target row": the same data with one more empty row, no errors shown."""
    data = request.POST.copy()
    key = f"{TARGET_PREFIX}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


def _silence(form):
    """A bound form shown again without error messages (the user only asked for one more row)."""
    form.is_valid()
    form._errors = ErrorDict()
    if hasattr(form, "forms"):
        form._non_form_errors = ErrorList()
        for sub in form.forms:
            sub.is_valid()
            sub._errors = ErrorDict()
    return form


def _save(request, *, model, form, formset, requirement, obj):
    """Call the kind's create or update service; the record, or None after adding the errors to the form."""
    entry = _entry(model)
    skip = {"version", *entry.extra_form_fields, *getattr(form, "not_for_service", ())}
    data = {key: value for key, value in form.cleaned_data.items() if key not in skip}
    extra = {name: list(form.cleaned_data.get(name) or []) for name in entry.extra_form_fields}
    if formset is not None:
        extra["targets"] = formset.rows()
    try:
        if obj is None:
            return entry.load("create_service")(user=request.user, requirement=requirement, data=data, **extra)
        version = form.cleaned_data.get("version") or obj.version
        update = entry.load("update_service")
        return update(user=request.user, expected_version=version, data=data, **{entry.update_argument: obj}, **extra)
    except review.ConflictError:
        return _conflict(request, form, obj)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def _conflict(request, form, obj):
    """Someone saved first: keep the user's text, say so, and let a second save knowingly replace theirs."""
    current = type(obj).objects.select_related("created_by").get(pk=obj.pk)
    form.conflict = {"at": current.updated_at, "version": current.version}
    form.data = form.data.copy()
    form.data["version"] = str(current.version)
    form.add_error(
        None,
        _(
            "Hồ sơ vừa được người khác lưu (lúc %(time)s) sau khi bạn mở trang. Nội dung bạn nhập vẫn còn nguyên bên dưới. "
            "Hãy mở bản mới nhất trong thẻ khác để đối chiếu; nếu vẫn muốn dùng nội dung của bạn, bấm “Lưu” lần nữa."
        )
        % {"time": timezone.localtime(current.updated_at).strftime("%H:%M %d/%m/%Y")},
    )
    return None


def _edit_page(request, *, model, requirement=None, obj=None):
    requirement = requirement or obj.requirement
    entry = _entry(model)
    with_targets = entry.has_targets
    unit = access.scope_for(request.user).unit
    quota = services.quota_for(unit=unit, requirement=requirement)
    maximum = quota.maximum
    # A recurring ask's quota is per period: the period field says when a period is already filed.
    recurring = obligations.recurs(requirement)
    quota_error = services.quota_message(requirement, maximum) if obj is None and quota.full and not recurring else ""
    form_kwargs = {"instance": obj, "quota_error": quota_error, "requirement": requirement, "unit": unit}
    if recurring:
        form_kwargs["period"] = request.GET.get("period", "")[:10]  # from the owed page's link for a period
    form_class = entry.load("form")
    form_token = _form_token(request) if obj is None else ""
    if form_token and form_token in request.session.get(CREATED_KEY, {}):
        # The same new-record form posted again (back button, second click): show what was saved, make no copy.
        messages.info(request, _("Hồ sơ này đã được lưu trước đó; không tạo thêm bản trùng."))
        return redirect(request.session[CREATED_KEY][form_token])
    if request.method == "POST":
        adding_row = "add_target" in request.POST and with_targets
        data = _formset_for_add_row(request) if adding_row else request.POST
        form = form_class(data, **form_kwargs)
        formset = target_formset(owner=obj, data=data) if with_targets else None
        if adding_row:
            _silence(form)
            _silence(formset)
        elif form.is_valid() and (formset is None or formset.is_valid()):
            saved = _save(request, model=model, form=form, formset=formset, requirement=requirement, obj=obj)
            if saved is not None:
                if form_token:
                    _remember_created(request, form_token, _detail_url(saved))
                messages.success(request, _("Đã lưu “%(title)s”. Khi hoàn chỉnh, bấm “Gửi duyệt”.") % {"title": saved})
                return redirect(_detail_url(saved))
    else:
        form = form_class(**form_kwargs)
        extra = 0 if obj is not None else (3 if entry.kind == RequirementKind.EMULATION_PLAN else 1)
        formset = target_formset(owner=obj, extra=extra) if with_targets else None
    kind_label = requirement.get_kind_display()
    if obj is None:
        page_title = _("Nộp hồ sơ: %(kind)s") % {"kind": kind_label}
    else:
        page_title = _("Sửa: %(title)s") % {"title": obj.title}
    return render(
        request,
        entry.form_template,
        {
            "form": form,
            "formset": formset,
            "requirement": requirement,
            "obj": obj,
            "quota": quota,
            "quota_max": maximum,
            "quota_error": quota_error,
            "page_title": page_title,
            "obj_url": _detail_url(obj) if obj else "",
            "slug": selectors.slug_for_model(model=model),
            "form_token": form_token,
        },
    )


CREATED_KEY = "pledges_created"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _form_token(request) -> str:
    """One token per opened new-record form, so that posting it twice creates one record."""
    token = request.POST.get("form_token", "") if request.method == "POST" else ""
    return token if _TOKEN.match(token) else uuid.uuid4().hex


def _remember_created(request, token: str, url: str) -> None:
    created = dict(list(request.session.get(CREATED_KEY, {}).items())[-19:])
    created[token] = url
    request.session[CREATED_KEY] = created


def _create_view(kind: str):
    @login_required
    @GET_POST
    def view(request, requirement_pk):
        entry = registry.get_kind(kind)
        requirement, refused = _requirement_for_filing(request, requirement_pk, entry)
        if refused is not None:
            return refused
        return _edit_page(request, model=entry.model, requirement=requirement)

    return view


def _edit_view(model):
    @login_required
    @GET_POST
    def view(request, pk):
        obj = selectors.get_submission_for_user(model=model, user=request.user, pk=pk, write=True)
        if not obj.is_editable:
            messages.warning(
                request,
                _(
                    "Hồ sơ đang chờ duyệt hoặc đã được chấp nhận nên không sửa được. "
                    "Nếu cần sửa, hãy rút hồ sơ và lập hồ sơ mới."
                ),
            )
            return redirect(_detail_url(obj))
        return _edit_page(request, model=model, obj=obj)

    return view


dissemination_create = _create_view("dissemination")
plan_create = _create_view("emulation_plan")
theme_create = _create_view("breakthrough_theme")
difficult_field_create = _create_view("difficult_field")
result_report_create = _create_view("result_report")
dissemination_edit = _edit_view(Dissemination)
plan_edit = _edit_view(EmulationPlan)
commitment_edit = _edit_view(Commitment)
result_report_edit = _edit_view(ResultReport)


@login_required
@require_POST
def target_row(request):
    """HTMX: one more empty target row, and the formset's new TOTAL_FORMS (out of band)."""
    if not access.scope_for(request.user).is_officer:
        raise PermissionDenied
    raw = request.POST.get(f"{TARGET_PREFIX}-TOTAL_FORMS", "0")
    index = int(raw) if raw.isdigit() and int(raw) < importing.MAX_ROWS else 0
    formset = target_formset(extra=index + 1)
    return render(
        request,
        "pledges/_target_row_htmx.html",
        {
            "form": formset.forms[index],
            "index": index,
            "total": index + 1,
            "prefix": TARGET_PREFIX,
        },
    )


# --- Detail pages -------------------------------------------------------------------------------


def _detail_context(request, obj) -> dict:
    user = request.user
    can_write = access.can_write_unit(user, obj.unit)
    slug = selectors.slug_for_model(model=type(obj))
    transitions = [(target, ReviewStatus(target).label) for target in review.allowed_transitions(obj, user)]
    return {
        "obj": obj,
        "slug": slug,
        "can_edit": can_write and obj.is_editable,
        "can_delete": can_write and obj.status == ReviewStatus.DRAFT,
        "transitions": transitions,
        "events": list(review.events_for(obj)),
        "audit_entries": list(audit_entries_for(obj)),
        "attachments": list(obj.attachments.all()),
        "attachment_form": AttachmentForm() if can_write and obj.is_editable else None,
        "edit_url": _entry(type(obj)).update_url_for(obj.pk),
        "kind_label": _entry(type(obj)).label,
        "can_report_progress": can_write
        and obj.status in (ReviewStatus.SUBMITTED, ReviewStatus.ACCEPTED, ReviewStatus.RETURNED),
    }


def _render_detail(request, obj, *, attachment_form=None, status=200):
    entry = _entry(type(obj))
    context = _detail_context(request, obj)
    if attachment_form is not None:
        context["attachment_form"] = attachment_form
    if entry.has_targets:
        context["targets"] = selectors.targets_with_progress(owner=obj)
    if "directives" in entry.extra_form_fields:
        context["directives"] = list(obj.directives.all())
    return render(request, entry.detail_template, context, status=status)


def _detail_view(model):
    @login_required
    @require_GET
    def view(request, pk):
        return _render_detail(request, selectors.get_submission_for_user(model=model, user=request.user, pk=pk))

    return view


dissemination_detail = _detail_view(Dissemination)
plan_detail = _detail_view(EmulationPlan)
commitment_detail = _detail_view(Commitment)
result_report_detail = _detail_view(ResultReport)


# --- Workflow, deletion -------------------------------------------------------------------------


@login_required
@require_POST
def transition(request, slug, pk):
    model = _model_for_slug(slug)
    obj = selectors.get_submission_for_user(model=model, user=request.user, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    target = form.cleaned_data["target"]
    error = ""
    if target not in review.allowed_transitions(obj, request.user):
        if not (access.can_write_unit(request.user, obj.unit) or access.can_review_unit(request.user, obj.unit)):
            raise PermissionDenied
        error = _("Hồ sơ đã đổi trạng thái (“%(status)s”); thao tác không còn phù hợp.") % {
            "status": obj.get_status_display()
        }
    else:
        try:
            services.submission_transition(
                user=request.user,
                submission=obj,
                target=target,
                comment=form.cleaned_data["comment"],
                url=_detail_url(obj),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if _is_htmx(request):
        obj.refresh_from_db()
        if error and obj.status == ReviewStatus.SUBMITTED:
            row = _review_row(obj, slug)
            html = _review_rows_html(
                [row],
                labels=_review_labels(),
                next_url=request.get_full_path(),
                csrf_token=get_token(request),
                error=error,
            )
            return HttpResponse(html)
        return render(request, "pledges/_review_row_done.html", {"obj": obj, "url": _detail_url(obj), "slug": slug})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("“%(title)s”: %(status)s.") % {"title": obj, "status": obj.get_status_display()})
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(back if back and safe else _detail_url(obj))


def _review_labels() -> dict:
    """The words of a review row, translated once per page rather than once per row."""
    return {
        "record": _("Hồ sơ"),
        "unit": _("Đơn vị"),
        "sent": _("Gửi lúc"),
        "review": _("Duyệt"),
        "late": _("trễ hạn"),
        "comment": _("Ý kiến"),
        "comment_hint": _("Ý kiến (bắt buộc khi trả lại)"),
        "accept": _("Chấp nhận"),
        "return": _("Trả lại"),
    }


def _review_rows_html(rows: list[dict], *, labels: dict, next_url: str, csrf_token: str, error: str = ""):
    """The review queue's rows, drawn here rather than by a template loop: the page's rows and the HTMX
    answer of one row (with the refusal above its form, `error`). Every value is escaped as `{{ }}` does."""
    if not rows:
        return ""
    alert = f'<div class="text-danger small mb-1" role="alert">{_cell(error)}</div>' if error else ""
    w = {key: escape(value) for key, value in labels.items()}
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    late = f' <span class="badge text-bg-warning text-dark">{w["late"]}</span>'
    next_url = _cell(next_url)
    lines = []
    for row in rows:
        dom_id, action = _cell(row["dom_id"]), _cell(row["transition_url"])
        period = f" · {_cell(row['period_text'])}" if row["period_label"] else ""
        lines.append(
            f'\n<tr id="review-{dom_id}">\n'
            f'  <td data-label="{w["record"]}"><a href="{_cell(row["url"])}">{_cell(row["title_text"])}</a>'
            f'<div class="small text-muted">{_cell(row["kind_label"])} · {_cell(row["directive_text"])}{period}</div></td>\n'
            f'  <td data-label="{w["unit"]}">{_cell(row["unit_name"])}</td>\n'
            f'  <td data-label="{w["sent"]}" class="text-nowrap">{_cell(row["sent_text"])}'
            f"{late if row['obj_on_time'] is False else ''}</td>\n"
            f'  <td data-label="{w["review"]}">{alert}\n'
            f'    <form method="post" action="{action}" class="review-inline"\n'
            f'          hx-post="{action}" hx-target="closest tr" hx-swap="outerHTML">\n'
            f'      {csrf}<input type="hidden" name="next" value="{next_url}">\n'
            f'      <label class="visually-hidden" for="c-{dom_id}">{w["comment"]}</label>\n'
            f'      <input class="form-control form-control-sm mb-1" id="c-{dom_id}" name="comment"'
            f' placeholder="{w["comment_hint"]}">\n'
            '      <div class="d-flex gap-1 flex-wrap">\n'
            '        <button class="btn btn-sm btn-success" type="submit" name="target" value="accepted">'
            f'<i class="bi bi-check-lg" aria-hidden="true"></i> {w["accept"]}</button>\n'
            '        <button class="btn btn-sm btn-outline-warning text-dark" type="submit" name="target"'
            ' value="returned"><i class="bi bi-arrow-return-left" aria-hidden="true"></i>'
            f" {w['return']}</button>\n"
            "      </div>\n"
            "    </form>\n"
            "  </td>\n"
            "</tr>\n"
        )
    return mark_safe("".join(lines))  # every value above is escaped


def _review_extras(row) -> dict:
    """What a review row shows, worked out here: its template makes no {% url %} and applies no filter."""
    return {
        "transition_url": registry.url_with_id("pledges:transition", row["obj_id"], slug=row["slug"]),
        "dom_id": f"{row['slug']}-{row['obj_id']}",
        "directive_text": row["directive_number"] or "",
    }


def _review_row(obj, slug) -> dict:
    row = {
        "slug": slug,
        "obj_id": obj.pk,
        "obj_title": obj.title,
        "unit_name": obj.unit.name,
        "kind_label": selectors.kind_label(obj=obj),
        "directive_number": obj.requirement.directive.number,
        "sent_at": obj.submitted_at,
        "obj_on_time": obj.on_time,
        "period_label": obj.period_label,
        "period_text": _("kỳ %(p)s") % {"p": obj.period_label} if obj.period_label else "",
        "title_text": cut_at_word(obj.title, 80),
        "sent_text": selectors.when(obj.submitted_at),
        "url": _detail_url(obj),
    }
    row.update(_review_extras(row))
    return row


@login_required
@GET_POST
def delete(request, slug, pk):
    model = _model_for_slug(slug)
    obj = selectors.get_submission_for_user(model=model, user=request.user, pk=pk, write=True)
    if obj.status != ReviewStatus.DRAFT:
        messages.error(request, _("Chỉ xóa được bản nháp. Hồ sơ đã gửi chỉ có thể rút lại."))
        return redirect(_detail_url(obj))
    if request.method == "POST":
        services.submission_delete(user=request.user, submission=obj)
        messages.success(request, _("Đã xóa bản nháp “%(title)s”.") % {"title": obj})
        return redirect("pledges:owed")
    return render(request, "pledges/delete_confirm.html", {"obj": obj, "detail_url": _detail_url(obj)})


# --- Attachments --------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request, slug, pk):
    model = _model_for_slug(slug)
    obj = selectors.get_submission_for_user(model=model, user=request.user, pk=pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(user=request.user, owner=obj, uploaded=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã đính kèm tệp."))
            return redirect(_detail_url(obj))
    # The refusal is said at the file field, on the record's own page (not as a banner after a redirect).
    return _render_detail(request, obj, attachment_form=form, status=400)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = selectors.get_attachment_for_user(user=request.user, pk=pk)
    return serve_upload(attachment)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = selectors.get_attachment_for_user(user=request.user, pk=pk)
    owner = attachment.owner
    if not access.can_write_unit(request.user, owner.unit):
        raise PermissionDenied
    try:
        services.attachment_delete(user=request.user, attachment=attachment)
        messages.success(request, _("Đã xóa tệp đính kèm."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_detail_url(owner))


# --- Targets: bulk import and progress ----------------------------------------------------------


@login_required
@GET_POST
def targets_import(request, slug, pk):
    model = _model_for_slug(slug)
    if not _entry(model).has_targets:
        raise Http404
    obj = selectors.get_submission_for_user(model=model, user=request.user, pk=pk, write=True)
    if not obj.is_editable:
        messages.warning(request, _("Hồ sơ đã gửi: không thêm chỉ tiêu được."))
        return redirect(_detail_url(obj))
    form = TargetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.targets_import(user=request.user, owner=obj, rows=form.cleaned_data["rows"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Đã nhập %(count)s chỉ tiêu.") % {"count": count})
            return redirect(_detail_url(obj))
    return render(
        request,
        "pledges/targets_import.html",
        {"form": form, "obj": obj, "detail_url": _detail_url(obj), "headers": importing.HEADERS},
    )


@login_required
@require_GET
def targets_template(request):
    response = HttpResponse(
        importing.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-chi-tieu.xlsx"'
    return response


@login_required
@GET_POST
def progress_add(request, pk):
    target = selectors.get_target_for_user(user=request.user, pk=pk, write=True)
    owner = target.owner
    form = ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                progress = services.progress_add(
                    user=request.user,
                    target=target,
                    reported_on=form.cleaned_data["reported_on"],
                    actual_value=form.cleaned_data["actual_value"],
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data.get("evidence"),
                    confirmed=form.cleaned_data.get("confirm", False),
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if progress.is_late:
                messages.warning(request, _("Đã ghi nhận tiến độ (cập nhật trễ)."))
            else:
                messages.success(request, _("Đã ghi nhận tiến độ."))
            return redirect(_detail_url(owner) + f"#target-{target.pk}")
    return render(
        request,
        "pledges/progress_form.html",
        {
            "form": form,
            "target": target,
            "obj": owner,
            "detail_url": _detail_url(owner),
            "grace_days": services.PROGRESS_GRACE_DAYS,
        },
    )


@login_required
@require_GET
def evidence_download(request, pk):
    def check(evidence):
        selectors.get_target_for_user(user=request.user, pk=evidence.progress.target_id)

    return serve_upload_of(TargetEvidence.objects.select_related("progress"), progress_id=pk, check=check)
