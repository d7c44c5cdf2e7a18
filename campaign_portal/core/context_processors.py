from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .access import scope_for


def _navigation(scope, path):
    items = []
    for name, label, icon in import_string(settings.PORTAL_NAVIGATION).get(scope.role, []):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "icon": icon, "active": False})
    # Only the longest matching prefix is the current item (/bao-cao/ must not light up with /bao-cao/ma-tran/).
    matches = [item for item in items if item["url"] != "/" and path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items


def portal(request):
    """The user's scope, navigation and unread notifications for the page shell."""
    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    context = {
        "portal_scope": scope,
        "portal_unread": 0,
        "portal_nav": [],
        "portal_province": settings.PORTAL_PROVINCE_NAME,
    }
    if scope is not None and scope.role:
        from .notifications import unread_for

        context["portal_unread"] = unread_for(user).count()
        context["portal_nav"] = _navigation(scope, request.path)
    return context
