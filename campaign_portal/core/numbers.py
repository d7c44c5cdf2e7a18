"""Domain rules for the numbers units type: one place that forms and services both call.

Percentages stay within 0–100 unless the user confirms a target that may exceed it (a growth rate);
baselines and values are never negative; counts and money have sane upper bounds; a progress value ten
times the previous one looks like a typo and needs a confirmation. Errors that a confirmation lifts carry
the code "confirm" (forms then show the "Xác nhận số liệu đúng" box).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .formatting import format_number

PERCENT_UNITS = {"%", "phần trăm", "percent"}
MONEY_UNITS = {"đồng", "đ", "vnđ", "vnd", "triệu đồng", "tỷ đồng", "nghìn đồng"}
COUNT_MAX = Decimal(10**12)
MONEY_MAX = Decimal(10**15)
JUMP_FACTOR = 10


def is_percent(unit_of_measure: str | None) -> bool:
    return (unit_of_measure or "").strip().lower() in PERCENT_UNITS


def _upper_bound(unit_of_measure):
    return MONEY_MAX if (unit_of_measure or "").strip().lower() in MONEY_UNITS else COUNT_MAX


def _confirm(message):
    return ValidationError(message, code="confirm")


def _too_large(value, unit_of_measure):
    return value is not None and abs(value) > _upper_bound(unit_of_measure)


def target_errors(*, unit_of_measure, baseline, target_value, confirmed: bool = False) -> dict:
    """Errors of a target's numbers, by field name (empty when they are sane)."""
    errors = {}
    if baseline is not None and baseline < 0:
        errors["baseline"] = ValidationError(_("Giá trị gốc không được là số âm."), code="min_value")
    elif _too_large(baseline, unit_of_measure):
        errors["baseline"] = ValidationError(_("Số quá lớn; hãy kiểm tra lại số chữ số."), code="max_value")
    elif baseline is not None and is_percent(unit_of_measure) and baseline > 100:
        errors["baseline"] = ValidationError(_("Giá trị gốc tính theo % phải từ 0 đến 100."), code="max_value")
    if target_value is None:
        return errors
    if target_value < 0:
        errors["target_value"] = ValidationError(_("Chỉ tiêu không được là số âm."), code="min_value")
    elif _too_large(target_value, unit_of_measure) or (is_percent(unit_of_measure) and target_value > 1000):
        errors["target_value"] = ValidationError(_("Số quá lớn; hãy kiểm tra lại số chữ số."), code="max_value")
    elif is_percent(unit_of_measure) and target_value > 100 and not confirmed:
        errors["target_value"] = _confirm(
            _(
                "Chỉ tiêu %(value)s %% vượt 100 %%. Nếu chỉ tiêu này được phép vượt 100 %% (ví dụ tốc độ tăng "
                "so với năm trước), đánh dấu “Xác nhận số liệu đúng” rồi lưu lại."
            )
            % {"value": format_number(target_value, 2)}
        )
    return errors


def progress_errors(*, unit_of_measure, target_value, previous, actual, confirmed: bool = False) -> dict:
    """Errors of a progress value against its target and the previous value, by field name."""
    if actual is None:
        return {}
    if actual < 0:
        return {"actual_value": ValidationError(_("Giá trị đạt được không được là số âm."), code="min_value")}
    if _too_large(actual, unit_of_measure):
        return {"actual_value": ValidationError(_("Số quá lớn; hãy kiểm tra lại số chữ số."), code="max_value")}
    if is_percent(unit_of_measure) and actual > max(Decimal(100), target_value or 0):
        return {
            "actual_value": ValidationError(
                _("Giá trị tính theo %% phải từ 0 đến %(max)s.")
                % {"max": format_number(max(100, target_value or 0), 2)},
                code="max_value",
            )
        }
    if not confirmed and previous and previous > 0 and actual >= previous * JUMP_FACTOR:
        return {
            "actual_value": _confirm(
                _(
                    "Giá trị %(new)s gấp %(times)s lần lần cập nhật trước (%(old)s): có thể gõ thừa chữ số. "
                    "Nếu đúng, đánh dấu “Xác nhận số liệu đúng” rồi lưu lại."
                )
                % {
                    "new": format_number(actual, 2),
                    "old": format_number(previous, 2),
                    "times": format_number((actual / previous).quantize(Decimal("1")), 2),
                }
            )
        }
    return {}
