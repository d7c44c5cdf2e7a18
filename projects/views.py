"""Pages of key works: thin views (access helper → form → service → redirect)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign_portal.core import access, review
from campaign_portal.core.audit import audit_entries_for
from campaign_portal.core.formatting import format_date, format_vnd
from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.paging import first_page_counted
from campaign_portal.core.templatetags.portal import status_badge
from campaign_portal.core.text import as_template_text
from campaign_portal.core.uploads import serve_private_file, serve_upload
from directives import freshness, obligations
from directives.models import DirectiveStatus, Requirement

from . import forms, rules, selectors, services, spreadsheets
from .models import KeyWork, Risk, ThumbnailStatus, WorkKind, WorkStatus
from .templatetags.projects_tags import risk_badge

PAGE_SIZE = 50


def _filters(request, user, *, read_units=False):
    """`read_units`: the bar shows the districts; they are read now (under the caller's pinned version)."""
    choices = selectors.filter_choices(user=user)
    if read_units:
        choices["units"]()  # kept by filter_choices: the bar's select reuses it
    form = forms.TableFilterForm(request.GET or None, **choices)
    filters = selectors.TableFilters()
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        filters = selectors.TableFilters(**data)
    return form, filters


def _querystring(request, *, drop=("page",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


@login_required
@require_GET
def key_work_list(request):
    """Officers: their unit's works and what they may still register. Staff/leaders: the province table."""
    scope = access.scope_for(request.user)
    if scope.role is None:
        raise PermissionDenied
    with freshness.pinned():  # the kept filter choices and owed requirements: one read of the data version
        form, filters = _filters(request, request.user, read_units=not scope.is_officer)
        requirements = selectors.key_work_requirements_for(user=request.user)
    works = selectors.key_work_page_rows(user=request.user, filters=filters)  # its SQL kept per scope and filters
    page = first_page_counted(works, request.GET.get("page"), PAGE_SIZE)
    if page.number == 1 and not page.has_next() and _unfiltered(filters):
        summary = selectors.key_work_summary_of_rows(page.object_list)  # the rows are the whole list
    else:
        summary = selectors.key_work_summary(user=request.user)
    works = _table_rows(page.object_list)
    show_unit = not scope.is_officer or scope.unit.kind != UnitKind.DISTRICT
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "works": works,
        "works_html": _table_html(works, show_unit=show_unit),
        "show_unit": show_unit,
        "querystring": _querystring(request),
        "sort_querystring": _querystring(request, drop=("page", "sort")),
        "requirements": requirements,
        "summary": summary,
        "scope": scope,
        "Risk": Risk,
        "can_import": scope.is_officer,
    }
    return render(request, "projects/list.html", context)


def _unfiltered(filters) -> bool:
    """No filter narrows the table (its order does not count): its rows are every visible work."""
    return filters == selectors.TableFilters(sort=filters.sort)


def _table_html(works: list[dict], *, show_unit: bool):
    """The table's body rows drawn here rather than by the template's loop (the same HTML as the loop
    drew): labels translated once, every value localized and escaped as `{{ }}` does."""
    if not works:
        return ""
    labels = (
        _("Tên công trình"),
        pgettext("key works", "Đơn vị"),
        pgettext("key works", "Hình thức"),
        pgettext("key works", "Ngày dự kiến"),
        _("Tổng mức đầu tư"),
        _("Tiến độ"),
        _("Hồ sơ đăng ký"),
        _("Thi công"),
        _("Cảnh báo"),
    )
    l_name, l_unit, l_kind, l_planned, l_investment, l_progress, l_status, l_work_status, l_risk = map(escape, labels)

    cell = as_template_text
    lines = []
    for work in works:
        milestone = f'<div class="small text-muted">{cell(work["milestone"])}</div>' if work["milestone"] else ""
        unit = f'<td data-label="{l_unit}">{cell(work["unit"])}</td>' if show_unit else ""
        progress = cell(work["progress"])
        lines.append(
            "\n      <tr>\n"
            f'        <td data-label="{l_name}" class="kw-name"><a class="fw-semibold" href="{cell(work["url"])}">'
            f"{cell(work['name'])}</a>\n"
            f"          {milestone}</td>\n"
            f"        {unit}\n"
            f'        <td data-label="{l_kind}">{cell(work["kind"])}</td>\n'
            f'        <td data-label="{l_planned}">{cell(work["planned_date"])}</td>\n'
            f'        <td data-label="{l_investment}" class="text-md-end text-nowrap">{cell(work["investment"])}</td>\n'
            f'        <td data-label="{l_progress}" class="text-md-end">\n'
            f'          <progress class="d-none d-md-inline-block kw-progress" max="100" value="{progress}"'
            ' aria-hidden="true"></progress>\n'
            f"          {progress} %</td>\n"
            f'        <td data-label="{l_status}">{cell(work["status"])}</td>\n'
            f'        <td data-label="{l_work_status}">{cell(work["work_status"])}</td>\n'
            f'        <td data-label="{l_risk}">{cell(work["risk"])}</td>\n'
            "      </tr>\n      "
        )
    return mark_safe("".join(lines))  # every value above is escaped


def _table_rows(rows) -> list[dict]:
    """The page's rows with their words, badges and links worked out here, once per distinct value,
    rather than by template filters and tags in every cell."""
    detail = reverse("projects:detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    kinds = {value: str(label) for value, label in WorkKind.choices}
    work_statuses = {value: str(label) for value, label in WorkStatus.choices}
    statuses = {value: status_badge(value, label) for value, label in ReviewStatus.choices}
    risks = {value: risk_badge(value) for value in Risk.values}
    result = []
    for row in rows:
        milestone_date = row["milestone__date"]
        result.append(
            {
                "url": detail.format(row["pk"]),
                "name": row["name"],
                "milestone": f"{row['milestone__name']} ({milestone_date:%d/%m/%Y})" if milestone_date else "",
                "unit": row["unit__short_name"] or row["unit__name"],
                "kind": kinds.get(row["kind"], row["kind"]),
                "planned_date": format_date(row["planned_date"]),
                "investment": format_vnd(row["total_investment"]),
                "progress": row["latest_progress"],
                "status": statuses.get(row["status"], ""),
                "work_status": work_statuses.get(row["work_status"], row["work_status"]),
                "risk": risks.get(row["risk"], ""),
            }
        )
    return result


@login_required
@require_GET
def key_work_export(request):
    """The table, as filtered on screen, as an XLSX file."""
    if access.scope_for(request.user).role is None:
        raise PermissionDenied
    _form, filters = _filters(request, request.user)
    data = spreadsheets.export_xlsx(selectors.key_work_table(user=request.user, filters=filters))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="cong-trinh-trong-diem-{stamp}.xlsx"'
    return response


def _requirement_for_officer(user, requirement_pk):
    if not access.scope_for(user).is_officer:
        raise PermissionDenied
    visible = [r for r in selectors.key_work_requirements_for(user=user) if r.pk == int(requirement_pk)]
    if not visible:
        raise Http404
    return get_object_or_404(Requirement.objects.select_related("directive__campaign"), pk=requirement_pk)


def _refusal_page(request, requirement_pk):
    """A published letter's requirement the unit cannot file under: a page saying why (the engine's reason)."""
    requirement = (
        Requirement.objects.select_related("directive__campaign")
        .filter(pk=requirement_pk, directive__status__in=[DirectiveStatus.PUBLISHED, DirectiveStatus.WITHDRAWN])
        .first()
    )
    scope = access.scope_for(request.user)
    if requirement is None or not scope.is_officer:
        return None
    reason = obligations.refusal(requirement, scope.unit, model=KeyWork) or obligations.Refusal.NOT_APPLICABLE
    context = {"requirement": requirement, "reason": reason, "unit": scope.unit, "right_url": ""}
    return render(request, "pledges/cannot_file.html", context, status=403)


def _render_form(request, *, form, formset, requirement, work=None, status=200):
    used = selectors.quota_used(requirement_id=requirement.pk, unit_id=access.scope_for(request.user).unit.pk)
    context = {"form": form, "formset": formset, "requirement": requirement, "work": work, "used": used}
    return render(request, "projects/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_work_create(request, requirement_pk):
    try:
        requirement = _requirement_for_officer(request.user, requirement_pk)
    except Http404:
        refused = _refusal_page(request, requirement_pk)
        if refused is None:
            raise
        return refused
    unit = access.scope_for(request.user).unit
    form = forms.KeyWorkForm(request.POST or None, unit=unit, requirement=requirement)
    formset = forms.FundingFormSet(request.POST or None, prefix="funding", initial=forms.funding_initial())
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            work = services.key_work_create(
                user=request.user,
                requirement=requirement,
                data=form.service_data(),
                funding=forms.funding_rows(formset),
            )
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã lưu công trình “%(name)s” (bản nháp). Kiểm tra rồi bấm “Gửi duyệt”.") % {"name": work.name},
            )
            return redirect("projects:detail", pk=work.pk)
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form=form, formset=formset, requirement=requirement, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def key_work_edit(request, pk):
    work = selectors.get_key_work_for_user(user=request.user, pk=pk, write=True)
    if not work.is_editable:
        messages.warning(request, _("Hồ sơ đã gửi hoặc đã được duyệt nên không sửa được."))
        return redirect("projects:detail", pk=work.pk)
    form = forms.KeyWorkForm(request.POST or None, instance=work, unit=work.unit, requirement=work.requirement)
    formset = forms.FundingFormSet(request.POST or None, prefix="funding", initial=forms.funding_initial(work))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            expected = int(request.POST.get("expected_version", work.version))
            services.key_work_update(
                user=request.user,
                work=work,
                data=form.service_data(),
                funding=forms.funding_rows(formset),
                expected_version=expected,
            )
        except review.ConflictError:
            form.add_error(
                None,
                _(
                    "Người khác vừa lưu công trình này. Nội dung bạn nhập vẫn còn; hãy tải lại trang để xem bản mới rồi sửa lại."
                ),
            )
        except (ValidationError, ValueError) as exc:
            forms.apply_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect("projects:detail", pk=work.pk)
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form=form, formset=formset, requirement=work.requirement, work=work, status=status)


@login_required
@require_GET
def key_work_detail(request, pk):
    work = selectors.get_key_work_for_user(user=request.user, pk=pk)
    user = request.user
    can_write = access.can_write_unit(user, work.unit)
    moves = rules.status_moves_for(work) if can_write else []
    context = {
        "work": work,
        "funding": list(work.funding_sources.all()),
        "updates": selectors.progress_timeline(work=work),
        "events": list(review.events_for(work)),
        "audit_entries": list(audit_entries_for(work)[:50]),
        "transitions": review.allowed_transitions(work, user),
        "can_write": can_write,
        "can_report": can_write and work.status != ReviewStatus.WITHDRAWN and work.work_status != WorkStatus.CANCELLED,
        "status_form": forms.WorkStatusForm(moves=moves) if moves else None,
        "Risk": Risk,
        "thumb_ready": ThumbnailStatus.READY,
    }
    return render(request, "projects/detail.html", context)


@login_required
@require_POST
def key_work_transition(request, pk):
    work = selectors.get_key_work_for_user(user=request.user, pk=pk)
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Yêu cầu không hợp lệ."))
        return redirect("projects:detail", pk=work.pk)
    target = form.cleaned_data["target"]
    if target not in review.allowed_transitions(work, request.user):
        raise PermissionDenied
    try:
        services.key_work_transition(
            user=request.user,
            work=work,
            target=target,
            comment=form.cleaned_data["comment"],
            url=reverse("projects:detail", kwargs={"pk": work.pk}),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật trạng thái hồ sơ."))
    return redirect("projects:detail", pk=work.pk)


@login_required
@require_POST
def key_work_set_status(request, pk):
    work = selectors.get_key_work_for_user(user=request.user, pk=pk, write=True)
    form = forms.WorkStatusForm(request.POST, moves=rules.status_moves_for(work))
    if not form.is_valid():
        messages.error(request, _("Tình trạng mới không hợp lệ."))
        return redirect("projects:detail", pk=work.pk)
    try:
        services.key_work_set_status(user=request.user, work=work, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật tình trạng công trình."))
    return redirect("projects:detail", pk=work.pk)


@login_required
@require_http_methods(["GET", "POST"])
def progress_create(request, pk):
    work = selectors.get_key_work_for_user(user=request.user, pk=pk, write=True)
    try:
        rules.check_progress_allowed(request.user, work)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("projects:detail", pk=work.pk)
    form = forms.ProgressForm(
        request.POST or None,
        request.FILES or None,
        work=work,
        previous=work.latest_progress if work.latest_progress_on else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            update = services.progress_update_create(
                user=request.user,
                work=work,
                reported_on=form.cleaned_data["reported_on"],
                physical_progress=form.cleaned_data["physical_progress"],
                capital_disbursed=form.cleaned_data.get("capital_disbursed") or 0,
                note=form.cleaned_data.get("note", ""),
                photos=form.cleaned_data.get("photos") or [],
            )
        except ValidationError as exc:
            forms.apply_service_errors(form, exc)
        else:
            if getattr(update, "already_saved", False):
                messages.info(request, _("Báo cáo tiến độ này đã được lưu trước đó; không lưu thêm bản trùng."))
            else:
                messages.success(request, _("Đã cập nhật tiến độ."))
            return redirect("projects:detail", pk=work.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/progress_form.html", {"form": form, "work": work}, status=status)


@login_required
@require_GET
def photo_original(request, pk):
    photo = selectors.get_photo_for_user(user=request.user, pk=pk)
    return serve_upload(photo)


@login_required
@require_GET
def photo_thumbnail(request, pk):
    photo = selectors.get_photo_for_user(user=request.user, pk=pk)
    if photo.thumbnail_status != ThumbnailStatus.READY or not photo.thumbnail:
        raise Http404
    response = serve_private_file(photo.thumbnail, filename=f"thumb-{photo.pk}.jpg", inline=True)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def progress_import(request):
    """Upload the exported table with the "new progress" columns filled in."""
    if not access.scope_for(request.user).is_officer:
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = spreadsheets.import_progress(user=request.user, uploaded=form.cleaned_data["file"])
        except spreadsheets.ImportFailed as exc:
            errors = exc.errors
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Đã nhập tiến độ của %(n)s công trình.") % {"n": result.saved})
            if result.skipped:
                messages.info(
                    request,
                    _("Bỏ qua dòng %(rows)s: tiến độ này đã được nhập trước đó.")
                    % {"rows": ", ".join(str(row) for row in result.skipped)},
                )
            return redirect("projects:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/import.html", {"form": form, "errors": errors}, status=status)
