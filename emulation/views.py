"""Pages of the emulation app: access helper → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign_portal.core import access
from campaign_portal.core.models import ReviewStatus
from campaign_portal.core.review import allowed_transitions, events_for
from campaign_portal.core.uploads import serve_private_file

from . import evidence, scoring, selectors, services, spreadsheets
from .forms import AdjustForm, ClusterForm, CovenantForm, DocumentForm, ImportForm, ReviewForm, TableSettingsForm
from .models import ClusterDocument, CriteriaTable, MemberRole, ScoreEvidence, ScoreLine

S = ReviewStatus


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def _require_staff(user):
    if not access.can_manage_groups(user):
        raise PermissionDenied


@login_required
@require_GET
def cluster_list(request):
    scope = access.scope_for(request.user)
    if scope.role is None:
        raise PermissionDenied
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    clusters = list(selectors.cluster_list_visible_to(user=request.user, year=year))
    heads = selectors.head_names(clusters=clusters)
    for cluster in clusters:
        cluster.head_name = heads.get(cluster.pk, "")
    return render(
        request,
        "emulation/cluster_list.html",
        {
            "clusters": clusters,
            "years": selectors.cluster_years(),
            "year": year,
            "can_manage": access.can_manage_groups(request.user),
        },
    )


def _cluster_form_initial(cluster):
    members = selectors.active_members(cluster=cluster)
    role = {m.role: m.unit for m in members}
    return {
        "name": cluster.name,
        "kind": cluster.kind,
        "year": cluster.year,
        "description": cluster.description,
        "units": [m.unit for m in members],
        "head": role.get(MemberRole.HEAD),
        "deputy": role.get(MemberRole.DEPUTY),
    }


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request, pk=None):
    _require_staff(request.user)
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk) if pk else None
    initial = _cluster_form_initial(cluster) if cluster else {"year": timezone.localdate().year}
    form = ClusterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cluster = services.cluster_save(
                user=request.user,
                cluster=cluster,
                name=data["name"],
                kind=data["kind"],
                year=data["year"],
                description=data["description"],
                units=list(data["units"]),
                head=data["head"],
                deputy=data["deputy"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lưu cụm, khối thi đua."))
            return redirect("emulation:cluster_detail", pk=cluster.pk)
    return render(request, "emulation/cluster_form.html", {"form": form, "cluster": cluster})


@login_required
@require_GET
def cluster_detail(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    group = selectors.peer_group(cluster=cluster)
    scope = access.scope_for(request.user)
    members = selectors.active_members(cluster=cluster)
    confirmations = selectors.confirmations(cluster=cluster)
    cards = selectors.cluster_scorecards(cluster=cluster)
    own = scope.unit.pk if scope.is_officer else None
    rows = []
    for member in members:
        card = cards.get(member.unit_id)
        rows.append(
            {
                "member": member,
                "confirmed": confirmations.get(member.unit_id),
                "card": card,
                "can_open": card is not None
                and (card.status != S.DRAFT or member.unit_id == own)
                and access.can_read_group_scores(request.user, group, member.unit_id),
            }
        )
    covenant = getattr(cluster, "covenant", None)
    context = {
        "cluster": cluster,
        "group": group,
        "rows": rows,
        "covenant": covenant,
        "documents": cluster.documents.all(),
        "is_member": own in group.member_ids,
        "is_head": access.is_group_head(request.user, group),
        "can_manage": access.can_manage_groups(request.user),
        "needs_confirm": covenant is not None and own in group.member_ids and own not in confirmations,
        "own_card": cards.get(own),
        "timeline": selectors.timeline(cluster=cluster),
        "can_rank": selectors.can_see_ranking(user=request.user, cluster=cluster),
        "all_accepted": bool(members)
        and all(getattr(cards.get(m.unit_id), "status", "") == S.ACCEPTED for m in members),
        "document_form": DocumentForm(),
    }
    return render(request, "emulation/cluster_detail.html", context)


@login_required
@require_POST
def document_add(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.cluster_document_add(
                user=request.user, cluster=cluster, title=form.cleaned_data["title"], uploaded=form.cleaned_data["file"]
            )
            messages.success(request, _("Đã thêm văn bản của cụm."))
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    else:
        messages.error(request, _("Cần tên văn bản và tệp."))
    return redirect("emulation:cluster_detail", pk=cluster.pk)


@login_required
@require_GET
def document_download(request, pk):
    document = ClusterDocument.objects.select_related("cluster").filter(pk=pk).first()
    if document is None:
        raise Http404
    selectors.get_cluster_for_user(user=request.user, pk=document.cluster_id)
    return serve_private_file(document.file, filename=document.filename)


@login_required
@require_http_methods(["GET", "POST"])
def covenant_create(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    group = selectors.peer_group(cluster=cluster)
    if not (access.can_manage_groups(request.user) or access.is_group_head(request.user, group)):
        raise PermissionDenied
    if hasattr(cluster, "covenant"):
        return redirect("emulation:cluster_detail", pk=cluster.pk)
    form = CovenantForm(request.POST or None, request.FILES or None, member_ids=group.member_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.covenant_file(
                user=request.user,
                cluster=cluster,
                text=data["text"],
                signed_on=data["signed_on"],
                scan=data["scan"],
                signing_units=list(data["signing_units"]),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("scan" if "tệp" in " ".join(exc.messages).lower() else None, exc)
        else:
            messages.success(request, _("Đã nộp giao ước thi đua; các thành viên sẽ được báo để xác nhận."))
            return redirect("emulation:cluster_detail", pk=cluster.pk)
    return render(request, "emulation/covenant_form.html", {"form": form, "cluster": cluster})


@login_required
@require_POST
def covenant_confirm(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    try:
        services.covenant_confirm(user=request.user, cluster=cluster)
        messages.success(request, _("Đơn vị đã xác nhận giao ước thi đua."))
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("emulation:cluster_detail", pk=cluster.pk)


@login_required
@require_GET
def covenant_scan(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    covenant = getattr(cluster, "covenant", None)
    if covenant is None:
        raise Http404
    return serve_private_file(covenant.scan, filename=covenant.scan_name)


# --- criteria table ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    table, _created = CriteriaTable.objects.get_or_create(cluster=cluster)
    can_manage = access.can_manage_groups(request.user)
    settings_form = TableSettingsForm(instance=table, prefix="t")
    import_form = ImportForm(prefix="i")
    import_errors = []
    if request.method == "POST":
        _require_staff(request.user)
        if "t-tie_break" in request.POST:
            settings_form = TableSettingsForm(request.POST, instance=CriteriaTable.objects.get(pk=table.pk), prefix="t")
            if settings_form.is_valid():
                try:
                    services.criteria_table_update(
                        user=request.user,
                        table=table,
                        **{name: settings_form.cleaned_data[name] for name in settings_form.Meta.fields},
                    )
                    messages.success(request, _("Đã lưu cách tính điểm và xếp hạng."))
                    return redirect("emulation:criteria", pk=cluster.pk)
                except ValidationError as exc:
                    settings_form.add_error(None, exc)
        else:
            import_form = ImportForm(request.POST, request.FILES, prefix="i")
            if import_form.is_valid():
                try:
                    sections = spreadsheets.parse_table(import_form.cleaned_data["file"])
                    count = services.criteria_replace(user=request.user, table=table, sections=sections)
                    messages.success(request, _("Đã nhập %(n)s tiêu chí.") % {"n": count})
                    return redirect("emulation:criteria", pk=cluster.pk)
                except spreadsheets.ImportErrors as exc:
                    import_errors = exc.errors
                except ValidationError as exc:
                    import_errors = exc.messages
    sections = [(s, list(s.criteria.select_related("requirement"))) for s in table.sections.all()]
    return render(
        request,
        "emulation/criteria.html",
        {
            "cluster": cluster,
            "table": table,
            "sections": sections,
            "can_manage": can_manage,
            "settings_form": settings_form,
            "import_form": import_form,
            "import_errors": import_errors,
            "evidence_labels": {k: v.label for k, v in evidence.EVIDENCE_KINDS.items()},
            "tie_break": scoring.TIE_BREAKS.get(table.tie_break),
        },
    )


@login_required
@require_GET
def criteria_export(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    table, _created = CriteriaTable.objects.get_or_create(cluster=cluster)
    response = HttpResponse(
        spreadsheets.export_table(table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bang-tieu-chi-{cluster.pk}-{cluster.year}.xlsx"'
    return response


# --- scoring -------------------------------------------------------------------------------------


@login_required
@require_POST
def scorecard_open(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    try:
        card = services.scorecard_open(user=request.user, cluster=cluster)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("emulation:cluster_detail", pk=cluster.pk)
    return redirect("emulation:scorecard", pk=card.pk)


def _card_context(request, card, errors=None, typed=None):
    group = selectors.peer_group(cluster=card.cluster)
    lines = selectors.lines_of(scorecard=card)
    can_edit = access.can_write_unit(request.user, card.unit) and card.is_editable and not card.cluster.is_final
    can_review = access.can_review_in_group(request.user, group, card.unit_id) and card.status == S.SUBMITTED
    table = CriteriaTable.objects.get(cluster=card.cluster)
    total = scoring.total_for(
        unit_id=card.unit_id,
        unit_name=card.unit.name,
        lines=[scoring.LinePoints(line.criterion.kind, line.criterion.max_points, line.points) for line in lines],
        bonus_cap=table.bonus_cap,
        penalty_cap=table.penalty_cap,
    )
    typed = typed or {}
    errors = errors or {}
    sections = []
    for line in lines:
        line.error = errors.get(line.criterion_id, "")
        line.typed_points = typed.get(line.criterion_id, (None, None))[0]
        line.typed_note = typed.get(line.criterion_id, (None, None))[1]
        if not sections or sections[-1][0] != line.criterion.section:
            sections.append((line.criterion.section, []))
        sections[-1][1].append(line)
    return {
        "card": card,
        "cluster": card.cluster,
        "sections": sections,
        "can_edit": can_edit,
        "can_review": can_review,
        "can_submit": can_edit and card.status in (S.DRAFT, S.RETURNED),
        "transitions": allowed_transitions(card, request.user, may_review=services._may_review),
        "total": total,
        "table": table,
        "events": events_for(card),
        "review_form": ReviewForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def scorecard(request, pk):
    card = selectors.get_scorecard_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        values = {}
        for line in card.lines.all():
            key = f"points-{line.criterion_id}"
            if key in request.POST:
                values[line.criterion_id] = (
                    request.POST.get(key, ""),
                    request.POST.get(f"note-{line.criterion_id}", ""),
                )
        try:
            errors = services.scorecard_save(user=request.user, scorecard=card, values=values)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
            return redirect("emulation:scorecard", pk=card.pk)
        if errors:
            context = _card_context(request, card, errors=errors, typed=values)
            messages.error(request, _("Chưa lưu: hãy sửa các ô được đánh dấu đỏ. Những gì bạn đã nhập vẫn còn nguyên."))
            return render(request, "emulation/scorecard.html", context, status=400)
        messages.success(request, _("Đã lưu điểm tự chấm."))
        if request.POST.get("then") == "submit":
            return _submit(request, card)
        return redirect("emulation:scorecard", pk=card.pk)
    return render(request, "emulation/scorecard.html", _card_context(request, card))


def _submit(request, card):
    try:
        services.scorecard_submit(
            user=request.user, scorecard=card, url=reverse("emulation:scorecard", kwargs={"pk": card.pk})
        )
        messages.success(request, _("Đã gửi bảng tự chấm điểm tới trưởng cụm."))
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("emulation:scorecard", pk=card.pk)


@login_required
@require_POST
def scorecard_submit(request, pk):
    card = selectors.get_scorecard_for_user(user=request.user, pk=pk)
    return _submit(request, card)


@login_required
@require_POST
def scorecard_review(request, pk):
    card = selectors.get_scorecard_for_user(user=request.user, pk=pk)
    target = request.POST.get("target", "")
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.scorecard_review(
            user=request.user,
            scorecard=card,
            target=target,
            comment=form.cleaned_data.get("comment", ""),
            url=reverse("emulation:scorecard", kwargs={"pk": card.pk}),
        )
        messages.success(request, _("Đã ghi ý kiến của trưởng cụm."))
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("emulation:scorecard", pk=card.pk)


@login_required
@require_POST
def scorecard_adjust(request, pk, criterion_pk):
    card = selectors.get_scorecard_for_user(user=request.user, pk=pk)
    form = AdjustForm(request.POST)
    form.is_valid()
    try:
        services.scorecard_adjust(
            user=request.user,
            scorecard=card,
            criterion_id=criterion_pk,
            points=form.cleaned_data.get("points", ""),
            reason=form.cleaned_data.get("reason", ""),
        )
        messages.success(request, _("Đã điều chỉnh điểm."))
    except ScoreLine.DoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        context = _card_context(request, card, errors={criterion_pk: " ".join(_errors(exc))})
        context["adjust_typed"] = {criterion_pk: form.cleaned_data}
        return render(request, "emulation/scorecard.html", context, status=400)
    return redirect("emulation:scorecard", pk=card.pk)


@login_required
@require_POST
def evidence_add(request, pk):
    card = selectors.get_scorecard_for_user(user=request.user, pk=pk)
    criterion = request.POST.get("criterion", "")
    line = card.lines.filter(criterion_id=int(criterion)).first() if criterion.isdigit() else None
    upload = request.FILES.get("file")
    if line is None:
        raise Http404
    if upload is None:
        messages.error(request, _("Chọn tệp minh chứng."))
    else:
        try:
            services.evidence_add(user=request.user, line=line, uploaded=upload)
            messages.success(request, _("Đã thêm minh chứng."))
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
    return redirect("emulation:scorecard", pk=card.pk)


@login_required
@require_GET
def evidence_download(request, pk):
    item = ScoreEvidence.objects.select_related("line__scorecard").filter(pk=pk).first()
    if item is None:
        raise Http404
    selectors.get_scorecard_for_user(user=request.user, pk=item.line.scorecard_id)
    return serve_private_file(item.file, filename=item.filename)


@login_required
@require_POST
def cluster_finalise(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    try:
        services.cluster_finalise(user=request.user, cluster=cluster)
        messages.success(request, _("Đã chốt kết quả chấm điểm của cụm."))
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    return redirect("emulation:ranking", pk=cluster.pk)


# --- ranking -------------------------------------------------------------------------------------


@login_required
@require_GET
def ranking(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    if not selectors.can_see_ranking(user=request.user, cluster=cluster):
        raise Http404
    table, ranked = selectors.ranking(cluster=cluster)
    return render(
        request,
        "emulation/ranking.html",
        {
            "cluster": cluster,
            "table": table,
            "ranked": ranked,
            "rule": scoring.TIE_BREAKS.get(table.tie_break if table else ""),
            "labels": scoring.NOMINATION_LABELS,
            "can_manage": access.can_manage_groups(request.user),
            "can_report": access.scope_for(request.user).reads_all,
        },
    )


@login_required
@require_GET
def council(request, year):
    if not access.scope_for(request.user).reads_all:
        raise PermissionDenied
    items = selectors.council_list(year=year)
    return render(
        request,
        "emulation/council.html",
        {"year": year, "items": items, "labels": scoring.NOMINATION_LABELS, "years": selectors.cluster_years()},
    )
