"""The navigation of each role: (URL name, label, icon). Items whose URL does not exist are skipped."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .core.models import Role

OFFICER = [
    ("pledges:owed", _("Việc đơn vị cần làm"), "list-check"),
    ("directives:inbox", _("Văn bản đến"), "inbox"),
    ("pledges:submission_list", _("Hồ sơ đã nộp"), "folder2-open"),
    ("projects:list", _("Công trình trọng điểm"), "building"),
    ("pledges:review_list", _("Duyệt hồ sơ cấp xã"), "check2-square"),
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
