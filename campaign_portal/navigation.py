"""The navigation of each role: (URL name, label, icon[, shown when]). Items whose URL does not exist are skipped.

The optional fourth element is a predicate `(user, scope) -> bool`: a menu shows only what the user's unit
can do (a commune that owes no key works sees no "Công trình trọng điểm"). The first `PRIMARY` items sit
in the top bar; the rest collapse into a "Thêm" menu so the bar never overflows from 1280 px up.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directives import freshness, obligations
from directives.models import RequirementKind
from projects.models import KeyWork

from .core import access
from .core.models import Role

PRIMARY = 4


def reviews_units_below(user, scope) -> bool:
    """Only units with units under them (province, and districts while they existed) review others' records."""
    return _conditions(user, scope)[0]


def files_key_works(user, scope) -> bool:
    """A unit files key works when it filed some before (its history), or a published ask addresses it (the engine)."""
    return _conditions(user, scope)[1]


def _conditions(user, scope) -> tuple[bool, bool]:
    """Both menu conditions of an officer's scope, kept per data version (units, key works and the engine's
    inputs are watched, directives.freshness): every page's menu asked two queries for them."""
    found = getattr(user, "_portal_menu_conditions", None)  # once per request (the user is loaded per request)
    if found is None:
        found = freshness.memo(("navigation", access.scope_key(user)), lambda: _computed(user, scope), small=True)
        user._portal_menu_conditions = found
    return found


def _computed(user, scope) -> tuple[bool, bool]:
    reviews = access.reviewable_units(user).exists()
    files = scope.unit is not None and (
        KeyWork.objects.filter(unit=scope.unit).exists()
        or obligations.owes_any(scope.unit, kind=RequirementKind.KEY_WORKS)
    )
    return reviews, files


OFFICER = [
    ("pledges:owed", _("Việc đơn vị cần làm"), "list-check"),
    ("directives:inbox", _("Văn bản đến"), "inbox"),
    ("pledges:submission_list", _("Hồ sơ đã nộp"), "folder2-open"),
    ("projects:list", _("Công trình trọng điểm"), "building", files_key_works),
    ("pledges:review_list", _("Duyệt hồ sơ cấp xã"), "check2-square", reviews_units_below),
    ("emulation:cluster_list", _("Cụm, khối"), "people"),
    ("reports:list", pgettext_lazy("navigation", "Báo cáo"), "file-earmark-pdf"),
]
STAFF = [
    ("reports:review_queue", _("Chờ duyệt"), "inboxes"),
    ("directives:list", _("Văn bản chỉ đạo"), "file-earmark-text"),
    ("reports:dashboard", _("Tổng hợp"), "speedometer2"),
    ("projects:list", _("Công trình trọng điểm"), "building"),
    ("emulation:cluster_list", _("Cụm, khối"), "people"),
    ("reports:list", pgettext_lazy("navigation", "Báo cáo"), "file-earmark-pdf"),
    ("core:unit_list", pgettext_lazy("navigation", "Đơn vị"), "diagram-3"),
    ("core:audit_log", _("Nhật ký"), "clock-history"),
]
LEADER = [
    ("reports:dashboard", _("Tổng quan"), "speedometer2"),
    ("reports:matrix", _("Ma trận thực hiện"), "grid-3x3"),
    ("emulation:cluster_list", _("Cụm, khối"), "people"),
    ("projects:list", _("Công trình trọng điểm"), "building"),
    ("reports:list", pgettext_lazy("navigation", "Báo cáo"), "file-earmark-pdf"),
    ("directives:list", _("Văn bản chỉ đạo"), "file-earmark-text"),
]
NAVIGATION = {Role.OFFICER: OFFICER, Role.STAFF: STAFF, Role.ADMIN: STAFF, Role.LEADER: LEADER}
