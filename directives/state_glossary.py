"""What each obligation state means, in one sentence a unit officer understands (the legend on every
page that shows states). The states themselves are `directives.obligations.CellState`; a state added
there without a meaning here fails `directives/tests/test_state_glossary.py`."""

from django.utils.translation import gettext_lazy as _

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


def glossary() -> list[tuple[str, str, str]]:
    """(value, label, meaning) for every state, in the enum's order."""
    return [(state.value, state.label, MEANINGS[state]) for state in CellState]
