"""Pure rules of key works: risk, status moves, and the data-quality checks that forms and services both apply.

No queries of their own (they read only the objects they are given), so forms (for early,
field-level messages), spreadsheet imports and services (the real guard) share exactly one
definition of each rule.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from campaign_portal.core import access
from campaign_portal.core.models import ReviewStatus, UnitKind

from .models import MONEY_MAX, FundingSourceKind, Risk, WorkStatus


def risk_days() -> int:
    return settings.PORTAL_KEY_WORK_RISK_DAYS


def risk_progress() -> int:
    return settings.PORTAL_KEY_WORK_RISK_PROGRESS


def key_work_risk(work, today: datetime.date) -> str:
    """The work's risk on `today`.

    Cancelled and held ceremonies end the question; past the planned date without the ceremony
    it is late (the day after the planned date, not the day itself); within RISK_DAYS days
    (inclusive) of the planned date with progress strictly under RISK_PROGRESS it is at risk.
    """
    if work.work_status == WorkStatus.CANCELLED:
        return Risk.CANCELLED
    if work.work_status == WorkStatus.CEREMONY_HELD or work.actual_date is not None:
        return Risk.DONE
    if work.planned_date is None:
        return Risk.ON_TRACK
    if today > work.planned_date:
        return Risk.LATE
    if (work.planned_date - today).days <= risk_days() and work.latest_progress < risk_progress():
        return Risk.AT_RISK
    return Risk.ON_TRACK


def risk_expression(today: datetime.date) -> Case:
    """The same rule as key_work_risk, as SQL, so lists filter and sort on it without a loop."""
    return Case(
        When(work_status=WorkStatus.CANCELLED, then=Value(Risk.CANCELLED)),
        When(Q(work_status=WorkStatus.CEREMONY_HELD) | Q(actual_date__isnull=False), then=Value(Risk.DONE)),
        When(planned_date__isnull=True, then=Value(Risk.ON_TRACK)),
        When(planned_date__lt=today, then=Value(Risk.LATE)),
        When(
            planned_date__lte=today + datetime.timedelta(days=risk_days()),
            latest_progress__lt=risk_progress(),
            then=Value(Risk.AT_RISK),
        ),
        default=Value(Risk.ON_TRACK),
        output_field=CharField(),
    )


def check_money(value, *, label: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError(_("%(label)s không được là số âm.") % {"label": label})
    if value > MONEY_MAX:
        raise ValidationError(
            _("%(label)s quá lớn (trên 1.000.000 tỷ đồng): vui lòng kiểm tra lại số chữ số.") % {"label": label}
        )


def check_disbursed(disbursed, total_investment) -> str:
    """The message when the capital disbursed exceeds the work's total investment, else ""."""
    if total_investment and (disbursed or 0) > total_investment:
        return _("Vốn đã giải ngân (%(disbursed)s đ) không thể lớn hơn tổng mức đầu tư (%(total)s đ).") % {
            "disbursed": f"{disbursed:,}".replace(",", "."),
            "total": f"{total_investment:,}".replace(",", "."),
        }
    return ""


def check_work_dates(*, registered_on, planned_date, actual_date) -> dict:
    """Field → message for dates that run backwards (empty when all is well)."""
    errors = {}
    if registered_on and actual_date and actual_date < registered_on:
        errors["actual_date"] = _("Ngày tổ chức lễ thực tế (%(actual)s) không thể trước ngày đăng ký (%(reg)s).") % {
            "actual": f"{actual_date:%d/%m/%Y}",
            "reg": f"{registered_on:%d/%m/%Y}",
        }
    if registered_on and planned_date and planned_date < registered_on:
        errors["planned_date"] = _("Ngày dự kiến (%(planned)s) không thể trước ngày đăng ký (%(reg)s).") % {
            "planned": f"{planned_date:%d/%m/%Y}",
            "reg": f"{registered_on:%d/%m/%Y}",
        }
    return errors


def check_progress(*, progress, previous, note: str, reported_on, registered_on, today, last_reported_on=None) -> dict:
    """Field → message for a progress report that cannot be right.

    Reports run forwards: none before the registration, none before the latest report (the same
    day is allowed, to correct it), none in the future; progress within 0–100 % and never lower
    than the latest report unless the note says why.
    """
    errors = {}
    if progress is not None and not 0 <= progress <= 100:
        errors["physical_progress"] = _("Tiến độ phải từ 0 đến 100 %.")
    elif progress is not None and previous is not None and progress < previous and not (note or "").strip():
        errors["note"] = _(
            "Tiến độ giảm từ %(previous)s %% xuống %(progress)s %%: vui lòng ghi rõ lý do trong phần ghi chú."
        ) % {"previous": previous, "progress": progress}
    if reported_on and registered_on and reported_on < registered_on:
        errors["reported_on"] = _("Ngày báo cáo không thể trước ngày đăng ký công trình (%(reg)s).") % {
            "reg": f"{registered_on:%d/%m/%Y}"
        }
    elif reported_on and last_reported_on and reported_on < last_reported_on:
        errors["reported_on"] = _(
            "Đã có báo cáo tiến độ ngày %(last)s; báo cáo mới không thể lùi về trước ngày đó."
        ) % {"last": f"{last_reported_on:%d/%m/%Y}"}
    elif reported_on and today and reported_on > today:
        errors["reported_on"] = _("Ngày báo cáo không thể ở tương lai.")
    return errors


# Most urgent first when a list is sorted by risk.
RISK_ORDER = [Risk.LATE, Risk.AT_RISK, Risk.ON_TRACK, Risk.DONE, Risk.CANCELLED]


def risk_rank_expression() -> Case:
    """Sort key over an annotated `risk`: late, at risk, on track, done, cancelled."""
    return Case(
        *(When(risk=Value(risk), then=Value(rank)) for rank, risk in enumerate(RISK_ORDER)),
        default=Value(len(RISK_ORDER)),
        output_field=IntegerField(),
    )


def check_work(work, unit, funding: list[dict]) -> dict:
    """Field errors of a key work being registered or edited by `unit`: dates, money, commune, milestone, funding."""
    errors = check_work_dates(
        registered_on=work.registered_on, planned_date=work.planned_date, actual_date=work.actual_date
    )
    try:
        check_money(work.total_investment, label=_("Tổng mức đầu tư"))
    except ValidationError as exc:
        errors["total_investment"] = exc.messages[0]
    if work.commune_id and not (work.commune.kind == UnitKind.COMMUNE and work.commune.path.startswith(unit.path)):
        errors["commune"] = _("Xã, phường, thị trấn phải thuộc %(unit)s.") % {"unit": unit}
    campaign_id = work.requirement.directive.campaign_id
    if work.milestone_id and campaign_id and work.milestone.campaign_id != campaign_id:
        errors["milestone"] = _("Mốc kỷ niệm không thuộc phong trào của văn bản này.")
    for row in funding:
        try:
            check_money(row.get("amount"), label=_("Số tiền của nguồn vốn"))
        except ValidationError as exc:
            errors.setdefault("__all__", exc.messages[0])
        if row.get("source") not in FundingSourceKind.values:
            errors.setdefault("__all__", _("Nguồn vốn không hợp lệ."))
    funded = sum(row.get("amount") or 0 for row in funding)
    if work.total_investment and funded > work.total_investment:
        errors.setdefault(
            "__all__",
            _("Tổng các nguồn vốn (%(funded)s đ) vượt tổng mức đầu tư (%(total)s đ).")
            % {"funded": f"{funded:,}".replace(",", "."), "total": f"{work.total_investment:,}".replace(",", ".")},
        )
    return errors


# Moves the district may report once the registration is accepted (terminal states have none).
STATUS_MOVES = {
    WorkStatus.APPROVED: {
        WorkStatus.UNDER_CONSTRUCTION,
        WorkStatus.DELAYED,
        WorkStatus.CEREMONY_HELD,
        WorkStatus.CANCELLED,
    },
    WorkStatus.UNDER_CONSTRUCTION: {WorkStatus.DELAYED, WorkStatus.CEREMONY_HELD, WorkStatus.CANCELLED},
    WorkStatus.DELAYED: {WorkStatus.UNDER_CONSTRUCTION, WorkStatus.CEREMONY_HELD, WorkStatus.CANCELLED},
}

MAX_PHOTOS_PER_UPDATE = 10


def status_moves_for(work) -> list[str]:
    if work.status != ReviewStatus.ACCEPTED:
        return []
    return sorted(STATUS_MOVES.get(work.work_status, ()), key=WorkStatus.values.index)


def check_status_report(work, *, work_status: str, actual_date, cancel_reason: str, today: datetime.date) -> dict:
    """Field errors of a reported status: a ceremony needs its date (not in the future), a cancellation its reason."""
    errors = {}
    if work_status == WorkStatus.CEREMONY_HELD:
        if actual_date is None:
            errors["actual_date"] = _("Nhập ngày đã tổ chức lễ.")
        elif actual_date > today:
            errors["actual_date"] = _("Ngày tổ chức lễ không thể ở tương lai.")
        else:
            errors.update(
                check_work_dates(registered_on=work.registered_on, planned_date=None, actual_date=actual_date)
            )
    if work_status == WorkStatus.CANCELLED and not cancel_reason:
        errors["cancel_reason"] = _("Vui lòng nêu lý do hủy công trình.")
    return errors


def check_progress_allowed(user, work) -> None:
    if not access.can_write_unit(user, work.unit):
        raise PermissionDenied
    if work.status == ReviewStatus.WITHDRAWN or work.work_status == WorkStatus.CANCELLED:
        raise ValidationError(_("Công trình đã rút hoặc đã hủy nên không cập nhật tiến độ."))


def validate_progress(work, *, reported_on, physical_progress, capital_disbursed, note, today) -> None:
    errors = check_progress(
        progress=physical_progress,
        previous=work.latest_progress if work.latest_progress_on else None,
        last_reported_on=work.latest_progress_on,
        note=note,
        reported_on=reported_on,
        registered_on=work.registered_on,
        today=today,
    )
    try:
        check_money(capital_disbursed, label=_("Vốn đã giải ngân"))
    except ValidationError as exc:
        errors["capital_disbursed"] = exc.messages[0]
    else:
        if message := check_disbursed(capital_disbursed, work.total_investment):
            errors["capital_disbursed"] = message
    if errors:
        raise ValidationError(errors)
