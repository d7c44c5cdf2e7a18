"""Pages of the reports app: leaders' dashboard, compliance matrix, review queue, reports."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign_portal.core import access
from campaign_portal.core.formatting import format_number
from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.paging import first_page_counted
from campaign_portal.core.services import user_preference_set
from campaign_portal.core.text import fold
from campaign_portal.core.uploads import serve_private_file
from directives import freshness, registry, schedule
from directives.obligations import CellState

from . import charts, selectors, services
from .compliance import LEGACY_STATES, STATE_ORDER
from .forms import ReportRequestForm, plain_form_html
from .models import ReportKind, ReportStatus
from .templatetags.reports_tags import matrix_cell

OVERDUE_SHOWN = 5
REVIEW_PAGE_SIZE = 50  # the most overdue; the rest through the matrix filtered on "overdue"
MATRIX_PAGE_CELLS = 5_000  # a bigger matrix is shown a page of units at a time
MATRIX_MIN_PAGE = 50


def _require_reader(user):
    """The dashboard and the matrix are for those who read the whole province (leaders, staff)."""
    if not access.scope_for(user).reads_all:
        raise PermissionDenied


REMEMBERED = ("campaign", "directive", "district", "province")
REMEMBERED_KEY = "reports.focus"


def _remembered(request) -> dict:
    """The campaign, directive and area in focus: from the query (then remembered for this user, on any
    device), else the user's last choice."""
    if any(key in request.GET for key in REMEMBERED):
        chosen = {key: request.GET.get(key, "")[:20] for key in REMEMBERED}
        user_preference_set(user=request.user, key=REMEMBERED_KEY, value=chosen)
        return chosen
    return (request.user.preferences or {}).get(REMEMBERED_KEY, {})


def _source(request, choices=None):
    chosen = _remembered(request) if request.resolver_match.url_name in ("dashboard", "matrix") else request.GET
    return selectors.resolve_source(
        campaign_id=chosen.get("campaign"),
        directive_id=chosen.get("directive"),
        choices=choices,
        as_of=request.GET.get("as_of"),
        period=request.GET.get("period"),
        province_id=chosen.get("province"),
    )


def _national(request, source, choices, *, page: str):
    """A campaign of every province without one chosen: one line per province (its units' cells
    counted in the database), each opening that province's dashboard or matrix. None otherwise."""
    provinces = selectors.campaign_provinces(source=source, choices=choices)
    if not provinces or source.province is not None:
        return None, provinces
    summary = selectors.national_summary(source=source, provinces=provinces)
    context = {
        "source": source,
        "choices": choices,
        "provinces": provinces,
        "page": page,
        "today": source.as_of or timezone.localdate(),
        "total": summary["total"],
        "sent": summary["total"].count(CellState.SENT),
        "lines": summary["provinces"],
        "states": STATE_ORDER[:-1],
        "chart": charts.percent_bars(
            [(line.tally.label, line.tally.compliant_percent) for line in summary["provinces"]],
            title=_("Tỷ lệ đơn vị hoàn thành theo tỉnh, thành phố"),
        ),
    }
    return render(request, "reports/national.html", context), provinces


def _district(request, result) -> int:
    chosen = _remembered(request)
    try:
        district = int(chosen.get("district") or 0)
    except ValueError:
        return 0
    return district if district in dict(result.districts()) else 0


@login_required
@require_GET
def dashboard(request):
    _require_reader(request.user)
    choices = selectors.source_choices()
    source = _source(request, choices)
    national, provinces = _national(request, source, choices, page="dashboard")
    if national is not None:
        return national
    context = {"source": source, "choices": choices, "provinces": provinces}
    if source:
        today = source.as_of or timezone.localdate()
        result, last_week = _with_last_week(source, today)
        district = _district(request, result)
        context.update(districts=result.districts(), district=district)
        if district:
            unit_ids = [u.id for u in result.filter_units(district_id=district)]
            result, last_week = _with_last_week(source, today, unit_ids=unit_ids)
        context["focus"] = selectors.leader_focus(result=result, today=today, last_week=last_week)
        total = result.total()
        by_requirement = result.by_requirement()
        by_district = result.by_district()
        # The most overdue first (earliest deadline), then by task and unit name, as a reader scans it.
        late = result.overdue()
        names = {uid: fold(result.unit(uid).name) for uid in {c.unit_id for c in late}}  # once per unit
        overdue = sorted(late, key=lambda c: (c.requirement.deadline, c.requirement.position, names[c.unit_id]))
        context.update(
            result=result,
            total=total,
            today=today,
            by_kind=result.by_kind(),
            by_district=by_district,
            plans=selectors.plans_accepted(result=result),
            key_works=selectors.key_work_figures(
                user=request.user, requirement_ids=[r.id for r in result.requirements], today=today
            ),
            milestones=selectors.milestones_for(source=source, today=today),
            overdue=[
                (result.unit(c.unit_id), c, (today - c.requirement.deadline).days) for c in overdue[:OVERDUE_SHOWN]
            ],
            overdue_count=len(overdue),
            requirement_chart=charts.state_bars(by_requirement, title=_("Tình trạng theo nhiệm vụ")),
            district_chart=charts.percent_bars(
                [(t.label, t.compliant_percent) for t in by_district],
                title=_("Tỷ lệ đơn vị hoàn thành theo địa bàn (gồm các xã)"),
            )
            if by_district
            else "",
        )
    return render(request, "reports/dashboard.html", context)


def _with_last_week(source, today, *, unit_ids=None):
    """The matrix today and a week ago (the trend): one pass of the engine. A week ago shows the
    period holding that day (not a period chosen for today)."""
    week_ago = today - datetime.timedelta(days=7)
    if not source.period:
        return selectors.compliance_for_source_at(source=source, days=[today, week_ago], unit_ids=unit_ids)
    last_week = selectors.Source(campaign=source.campaign, directive=source.directive, as_of=week_ago)
    return (
        selectors.compliance_for_source(source=source, unit_ids=unit_ids),
        selectors.compliance_for_source(source=last_week, unit_ids=unit_ids),
    )


_PLACEHOLDER = 987654321


def _detail_url_makers() -> dict:
    """kind → pk → detail URL, reversing once per kind instead of once per cell (thousands of cells)."""
    makers = {}
    for entry in registry.registered_kinds():
        pattern = entry.detail_url_for(_PLACEHOLDER)
        makers[entry.kind] = lambda pk, pattern=pattern: pattern.replace(str(_PLACEHOLDER), str(pk))
    return makers


def _cell_link(cell, unit_url, makers):
    filing = cell.link_filing
    if filing is not None and filing.kind in makers:
        return makers[filing.kind](filing.pk)
    return unit_url if cell.applies else ""


@login_required
@require_GET
def matrix(request):
    _require_reader(request.user)
    choices = selectors.source_choices()
    source = _source(request, choices)
    national, provinces = _national(request, source, choices, page="matrix")
    if national is not None:
        return national
    context = {
        "source": source,
        "choices": choices,
        "kinds": UnitKind.choices,
        "states": STATE_ORDER,
        "provinces": provinces,
    }
    if source:
        with freshness.pinned():  # one read of the data's version for the matrix and its rows
            context.update(_matrix_context(request, source))
    return render(request, "reports/matrix.html", context)


def _matrix_context(request, source) -> dict:
    result = selectors.compliance_for_source(source=source)
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    district = _district(request, result)
    state = request.GET.get("state", "")
    state = LEGACY_STATES.get(state, (state,))[0]  # links saved before the one glossary
    state = state if state in STATE_ORDER else ""
    base = f"?{source.querystring}" if source.querystring else ""
    units = result.filter_units(kind=kind, district_id=district, state=state)
    # A letter of many asks (50 × 300 units: 15,000 cells) is shown a page of units at a time;
    # the 250 × 10 province matrix stays whole.
    page = None
    if len(units) * len(result.requirements) > MATRIX_PAGE_CELLS:
        per_page = max(MATRIX_MIN_PAGE, MATRIX_PAGE_CELLS // len(result.requirements))
        page = Paginator(units, per_page).get_page(request.GET.get("page"))
        units = page.object_list
    # The rows with each row's cells as one piece of HTML (thousands of cells: one template tag
    # per cell cost most of the page), kept with the matrix until the next write.
    key = (base, result.as_of, kind, district, state, page.number if page else 0, translation.get_language())
    rows = freshness.memo(("matrix-rows", *key), lambda: _matrix_rows(result, units, base))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "result": result,
        "rows": rows,
        "page": page,
        "page_query": query.urlencode(),
        "unit_count": page.paginator.count if page else len(rows),
        "kind": kind,
        "district": district,
        "state": state,
        "districts": result.districts(),
        # On a phone: a summary by area first, the matrix of one area on demand (not 76 cards).
        "by_district": result.by_district() if not district else [],
        # A map without districts (since 2025): the phone's summary is by kind of unit.
        "by_kind": result.by_kind() if not (district or kind or state) else [],
        "phone_all": request.GET.get("all") == "1",
        "unit_kinds": [(k, label) for k, label in UnitKind.choices if k != UnitKind.PROVINCE],
    }


def _matrix_rows(result, units, base: str) -> list[tuple]:
    """(unit, its page, its cells as HTML, compliant?) for each unit of the matrix."""
    rows, makers = [], _detail_url_makers()
    unit_pattern = _unit_url(_PLACEHOLDER)  # reversed once, not once per row
    for unit, cells in result.rows(units):
        unit_url = unit_pattern.replace(str(_PLACEHOLDER), str(unit.id)) + base
        html = "".join(matrix_cell(c, _cell_link(c, unit_url, makers), unit.name) for c in cells)
        rows.append((unit, unit_url, mark_safe(html), result.unit_is_compliant(unit.id)))
    return rows


def _unit_url(unit_id: int) -> str:
    return reverse("reports:unit", kwargs={"pk": unit_id})


@login_required
@require_GET
def unit_detail(request, pk):
    """One unit against the campaign or directive: each requirement, its state and the filings."""
    unit = access.get_object_for_user(access.readable_units(request.user), pk, user=request.user)
    choices = selectors.source_choices()
    source = _source(request, choices)
    context = {
        "unit": unit,
        "source": source,
        "choices": choices,
        "can_request": selectors.can_request_report(user=request.user, kind=ReportKind.UNIT_REPORT, scope_unit=unit),
    }
    if source:
        result = selectors.compliance_for_source(source=source, unit_ids=[unit.pk])
        rows = []
        own = access.can_write_unit(request.user, unit)
        for cell in result.row(unit.pk):
            if not cell.applies:
                continue
            links = []
            for filing in cell.filings:
                entry = registry.get_kind(filing.kind)
                visible = filing.status != ReviewStatus.DRAFT or own  # drafts belong to their unit
                url = entry.detail_url_for(filing.pk) if entry and visible else ""
                links.append((filing, ReviewStatus(filing.status).label, url, schedule.period_label(filing.period)))
            rows.append((cell, links))
        context.update(result=result, rows=rows, compliant=result.unit_is_compliant(unit.pk))
    return render(request, "reports/unit_detail.html", context)


@login_required
@require_GET
def review_queue(request):
    scope = access.scope_for(request.user)
    if scope.role is None:
        raise PermissionDenied
    # Oldest first, a page at a time: on deadline day hundreds wait, and a reviewer takes the oldest.
    items = selectors.review_queue_for(user=request.user)
    page = Paginator(items, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    items = page.object_list
    context = {"items": items, "page": page, "rows": _review_queue_rows(items)}
    return render(request, "reports/review_queue.html", context)


def _review_queue_rows(items) -> str:
    """The queue's rows drawn once in Python (labels translated once, today read once): the same HTML
    as a template loop over the rows, without a filter, a translation and a lookup per cell."""
    if not items:
        return ""
    today = timezone.localdate()
    sent_label = escape(_("Gửi lúc"))
    unit_label = escape(pgettext("column", "Đơn vị"))
    kind_label = escape(_("Loại hồ sơ"))
    record_label = escape(_("Hồ sơ"))
    requirement_label = escape(_("Nhiệm vụ"))
    today_text = _("hôm nay")
    parts = []
    for item in items:
        at = item.submitted_at
        if at is None:
            sent = ""
        else:
            local = timezone.localtime(at)
            days = (today - local.date()).days
            style = "text-danger fw-semibold" if days > 7 else "text-muted"
            waiting = (
                today_text
                if days == 0
                else ngettext("chờ %(n)s ngày", "chờ %(n)s ngày", days) % {"n": format_number(days)}
            )
            sent = f'{local:%d/%m/%Y %H:%M}<br><small class="{style}">{escape(waiting)}</small>'
        parts.append(
            f"""
      <tr>
        <td data-label="{sent_label}">{sent}</td>
        <td data-label="{unit_label}">{escape(item.unit_name)}</td>
        <td data-label="{kind_label}">{escape(item.kind_label)}</td>
        <td data-label="{record_label}"><a href="{escape(item.url)}">{escape(item.title or item.pk)}</a></td>
        <td data-label="{requirement_label}">{escape(item.requirement_label)}<br><small class="text-muted">{escape(item.directive_label)}</small></td>
      </tr>
    """
        )
    return mark_safe("".join(parts))  # every value above is escaped


# --- reports ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    """History of the reports the user may read, and the form to request a new one."""
    scope = access.scope_for(request.user)
    if scope.role is None:
        raise PermissionDenied
    if request.method == "GET":
        with freshness.pinned():  # the kept sources, unit list and menu: one read of the data version
            return _report_list_page(request)
    return _report_list_page(request)


def _report_list_page(request):
    choices = selectors.source_choices()
    # The dashboard's "compile a report" link names its campaign or directive and its day.
    # The unit page's link also names the kind and the unit.
    initial = {
        "source": request.GET.get("source", ""),
        "cutoff": selectors.parse_day(value=request.GET.get("cutoff")),
        "kind": request.GET.get("kind", ""),
        "unit": request.GET.get("unit", ""),
    }
    initial = {key: value for key, value in initial.items() if value}  # else the fields' own initial values
    form = ReportRequestForm(request.POST or None, user=request.user, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        report = _request_report(request.user, form)
        if report is not None:
            messages.success(request, _("Đã ghi nhận yêu cầu; báo cáo đang được lập."))
            return redirect("reports:detail", pk=report.pk)
    page = first_page_counted(selectors.report_list_visible_to(user=request.user), request.GET.get("page"), 25)
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "form_html": plain_form_html(form),  # crispy's HTML for an unbound form, without its templates
            "page": page,
            "has_sources": bool(choices["campaigns"] or choices["directives"]),
        },
    )


def _request_report(user, form):
    """Call the service with the form's data; its refusals become form errors (None returned)."""
    data = form.cleaned_data
    scope_unit = data["unit"] if data["kind"] == ReportKind.UNIT_REPORT else selectors.province_root()
    parameters = dict(data["parameters"])
    if data["remarks"]:
        parameters["remarks"] = data["remarks"]
    for key in ("signer_title", "signer_name"):
        if data.get(key):
            parameters[key] = data[key]
    try:
        return services.report_request(
            user=user,
            kind=data["kind"],
            fmt=data["format"],
            scope_unit=scope_unit,
            parameters=parameters,
            cutoff=data["cutoff"],
            document_number=data["document_number"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
    return None


@login_required
@require_GET
def report_detail(request, pk):
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    can_rerun = selectors.can_rerun_report(user=request.user, report=report)
    return render(request, "reports/report_detail.html", {"report": report, "can_rerun": can_rerun})


@login_required
@require_GET
def report_status(request, pk):
    """The status block, polled by HTMX every 2 s until the report is done."""
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    can_rerun = selectors.can_rerun_report(user=request.user, report=report)
    return render(request, "reports/_report_status.html", {"report": report, "can_rerun": can_rerun})


@login_required
@require_POST
def report_rerun(request, pk):
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    try:
        services.report_rerun(user=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã đưa báo cáo vào hàng đợi để lập lại."))
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_GET
def report_download(request, pk):
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    if report.status != ReportStatus.SUCCEEDED or not report.file:
        raise Http404
    return serve_private_file(report.file, filename=report.filename or f"bao-cao-{report.pk}.{report.format}")
