"""Project-level views: the role-aware home page and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from .core.access import scope_for
from .core.health import readiness
from .core.models import Role

# Each role lands on the page that answers its first question of the day.
HOME_BY_ROLE = {
    Role.OFFICER: "pledges:owed",  # what my unit owes
    Role.STAFF: "reports:review_queue",  # what awaits my review
    Role.ADMIN: "reports:review_queue",
    Role.LEADER: "reports:dashboard",  # headline figures
}


@login_required
def home(request):
    scope = scope_for(request.user)
    target = HOME_BY_ROLE.get(scope.role)
    if target:
        try:
            return redirect(reverse(target))
        except NoReverseMatch:
            pass
    return render(request, "core/no_role.html", {"scope": scope}, status=200 if scope.role else 403)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


@never_cache
def healthz(request):
    """Liveness for load balancers and the benchmark's framework floor: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness for load balancers: 200 when the database (migrated), broker and storage answer, else 503."""
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def favicon(request):
    """Browsers and bookmarks ask for /favicon.ico whatever the page links: send them to the hashed static file."""
    return redirect(static("img/favicon.ico"))
