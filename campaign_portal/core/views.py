"""Core pages: notifications, the activity log (staff), the unit directory."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import selectors
from .access import scope_for
from .models import UnitKind


@login_required
def notification_list(request):
    page = Paginator(selectors.notification_list_for(user=request.user), 30).get_page(request.GET.get("page"))
    unread = set(
        selectors.notification_list_for(user=request.user).exclude(read_by=request.user).values_list("pk", flat=True)
    )
    return render(request, "core/notification_list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_read_all(request):
    for notification in selectors.notification_list_for(user=request.user).exclude(read_by=request.user):
        notification.read_by.add(request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "core:notifications"
    return redirect(target)


AUDIT_SECTIONS = [
    ("directives.", _("Văn bản chỉ đạo, phong trào")),
    ("pledges.", _("Quán triệt, kế hoạch, chủ điểm, lĩnh vực")),
    ("projects.", _("Công trình trọng điểm")),
    ("reports.", _("Báo cáo")),
    ("core.", _("Đơn vị, người dùng")),
]


@login_required
def audit_log(request):
    if not scope_for(request.user).is_staff:
        raise PermissionDenied
    qs = selectors.audit_list_visible_to(user=request.user, action=request.GET.get("action", "").strip())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "action": request.GET.get("action", ""), "sections": AUDIT_SECTIONS}
    return render(request, "core/audit_log.html", context)


@login_required
def unit_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    query = request.GET.get("q", "").strip()[:100]
    units = selectors.unit_list_visible_to(user=request.user, kind=kind, query=query)
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    return render(request, "core/unit_list.html", {"page": page, "kind": kind, "q": query, "kinds": UnitKind.choices})
