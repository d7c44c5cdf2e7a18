"""The one glossary of obligation states: label, meaning and colour of each state, for every page,
chart and document that shows one (the officer's page, the matrix, the dashboard, the PDF/DOCX/XLSX).

The states themselves are `directives.obligations.CellState`; a state added there without a meaning
and a colour here fails `directives/tests/test_state_glossary.py`. Whether an accepted record came in
late is not a state of its own: it is shown beside the state ("trễ hạn"), as review and timeliness
are two different questions.
"""

from django.utils.translation import gettext_lazy as _

from campaign_portal.core.models import ReviewStatus

from .obligations import CellState

MEANINGS = {
    CellState.NOT_STARTED: _("Đơn vị chưa có hồ sơ nào cho yêu cầu này và vẫn còn hạn."),
    CellState.DRAFT: _("Đơn vị đã lưu bản nháp nhưng chưa gửi; chỉ đơn vị thấy bản nháp."),
    CellState.SENT: _("Đơn vị đã gửi đủ hồ sơ; đang chờ người duyệt xem xét."),
    CellState.RETURNED: _("Người duyệt đã trả lại kèm lý do; đơn vị sửa rồi gửi lại."),
    CellState.ACCEPTED: _("Hồ sơ đã được chấp nhận: yêu cầu đã hoàn thành."),
    CellState.LATE: _("Đã qua hạn mà đơn vị chưa gửi đủ hồ sơ."),
    CellState.NOT_APPLICABLE: _("Yêu cầu không giao cho đơn vị này, hoặc chỉ để biết."),
}

# Background and text colour of each state (WCAG AA contrast); colour is never the only signal.
COLOURS = {
    CellState.ACCEPTED: ("#d1e7dd", "#0a3622"),
    CellState.SENT: ("#cfe2ff", "#052c65"),
    CellState.RETURNED: ("#fff3cd", "#664d03"),
    CellState.DRAFT: ("#e9ecef", "#343a40"),
    CellState.NOT_STARTED: ("#f8d7da", "#58151c"),
    CellState.LATE: ("#b02a37", "#ffffff"),
    CellState.NOT_APPLICABLE: ("#ffffff", "#6c757d"),
}

# A record's review status wears the colour of the state of the same name ("Đã chấp nhận" is one colour).
REVIEW_STATES = {
    ReviewStatus.DRAFT: CellState.DRAFT,
    ReviewStatus.SUBMITTED: CellState.SENT,
    ReviewStatus.RETURNED: CellState.RETURNED,
    ReviewStatus.ACCEPTED: CellState.ACCEPTED,
    ReviewStatus.WITHDRAWN: CellState.NOT_APPLICABLE,
}

# The order of legends, filters, tallies and charts: done first, then what waits, then what is owed.
ORDER = [
    CellState.ACCEPTED,
    CellState.SENT,
    CellState.RETURNED,
    CellState.DRAFT,
    CellState.NOT_STARTED,
    CellState.LATE,
    CellState.NOT_APPLICABLE,
]

# Beside "accepted" when the accepted records came in after the deadline (not a state of its own).
ACCEPTED_LATE = _("trễ hạn")

# Short codes for grids too narrow for the words (the printed appendix of a letter with many requirements);
# every printout that uses them carries the legend (code, label, meaning) from this glossary.
SHORT = {
    CellState.ACCEPTED: _("CN"),
    CellState.SENT: _("CD"),
    CellState.RETURNED: _("TL"),
    CellState.DRAFT: _("ĐS"),
    CellState.NOT_STARTED: _("CTH"),
    CellState.LATE: _("QH"),
    CellState.NOT_APPLICABLE: "—",
}
# After the code of an accepted state whose records came in late ("CN*"; the legend says "* trễ hạn").
SHORT_LATE_MARK = "*"


def label(state) -> str:
    return CellState(state).label


def short(state, *, accepted_late: bool = False) -> str:
    """The state's short code ("CN"), with the late mark when accepted after the deadline ("CN*")."""
    code = str(SHORT[CellState(state)])
    return code + SHORT_LATE_MARK if accepted_late else code


def short_legend() -> list[tuple[str, str, str, str]]:
    """(value, code, label, meaning) for every state, in the legend's order."""
    return [(state.value, str(SHORT[state]), state.label, MEANINGS[state]) for state in ORDER]


def colours(state) -> tuple[str, str]:
    return COLOURS[CellState(state)]


def glossary() -> list[tuple[str, str, str]]:
    """(value, label, meaning) for every state, in the legend's order."""
    return [(state.value, state.label, MEANINGS[state]) for state in ORDER]


CSS_HEADER = "/* Generated from directives/state_glossary.py (css()); test_state_glossary checks it. Do not edit. */\n"


def css() -> str:
    """The badges' colours for static/css/states.css: states, and review statuses in their state's colour."""
    rules = [f".badge.state-{s.value} {{ background: {bg}; color: {fg}; }}" for s, (bg, fg) in COLOURS.items()]
    rules += [
        f".badge.review-{status.value} {{ background: {COLOURS[state][0]}; color: {COLOURS[state][1]}; }}"
        for status, state in REVIEW_STATES.items()
    ]
    return CSS_HEADER + "\n".join(rules) + "\n"
