"""When an ask is due: its periods and deadlines, from a requirement's fields and a campaign's period.

Pure: no database. The caller passes the requirement's fields (:func:`ask_of` reads them off a
model instance or a dict), the campaign's span, the dates that count (signature, publication,
the unit's receipt) and a :class:`WorkCalendar` (Vietnam's public holidays from the ``holidays``
package plus the days staff entered, see ``selectors.work_calendar``).

* A one-time ask has one period (key ``"once"``): its fixed deadline, or its relative one.
* A recurring ask has one period per calendar month / quarter / half-year / year that meets
  the campaign's span; each period is its own obligation with its own deadline.
* A relative deadline ("trong thời hạn 15 ngày làm việc kể từ ngày nhận được văn bản") counts
  from the date given; in calendar days, a deadline on a day off moves to the next working day
  (Civil Code 2015, art. 148); in working days, weekends and holidays are not counted.
"""

from __future__ import annotations

import calendar as _calendar
import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils.translation import gettext as _

ONCE = "once"
_MONTHS_PER_PERIOD = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_DUE_TOKEN_RE = re.compile(r"^(?P<day>\d{1,2})(?:/(?P<month>\d{1,2}))?$")
_KEY_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$")


@dataclass(frozen=True)
class Ask:
    """The scheduling fields of a requirement."""

    recurrence: str = "none"
    due_days: str = ""
    due_next_period: bool = False
    deadline: datetime.date | None = None
    relative_days: int | None = None
    relative_from: str = ""
    relative_working_days: bool = False

    @property
    def recurring(self) -> bool:
        return self.recurrence in _MONTHS_PER_PERIOD

    @property
    def relative(self) -> bool:
        return bool(self.relative_days and self.relative_from)


def ask_of(requirement) -> Ask:
    """The Ask of a Requirement instance or of a dict of its fields."""
    get = (
        requirement.get
        if isinstance(requirement, dict)
        else lambda name, default=None: getattr(requirement, name, default)
    )
    return Ask(
        recurrence=get("recurrence") or "none",
        due_days=get("due_days") or "",
        due_next_period=bool(get("due_next_period")),
        deadline=get("deadline"),
        relative_days=get("relative_days"),
        relative_from=get("relative_from") or "",
        relative_working_days=bool(get("relative_working_days")),
    )


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11", "2026-Q4", "2026-H2", "2026" or "once"
    start: datetime.date | None
    end: datetime.date | None
    label: str
    deadline: datetime.date | None


# --- due days ----------------------------------------------------------------------------------


def parse_due_days(text: str) -> list[tuple[int, int | None]]:
    """'20' -> [(20, None)]; '15/6; 15/12' -> [(15, 6), (15, 12)]; ValueError on anything else."""
    tokens = [token.strip() for token in re.split(r"[;,]|\s+và\s+|\s+", text or "") if token.strip()]
    result = []
    for token in tokens:
        match = _DUE_TOKEN_RE.match(token)
        if not match:
            raise ValueError(token)
        day, month = int(match["day"]), int(match["month"]) if match["month"] else None
        if not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
            raise ValueError(token)
        if month is not None and day > _calendar.monthrange(2024, month)[1]:  # 31/4 never exists
            raise ValueError(token)
        result.append((day, month))
    return result


def _clamped(year: int, month: int, day: int) -> datetime.date:
    """Day `day` of the month, or its last day ("ngày 31 hằng tháng" in April is 30/4)."""
    return datetime.date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


# --- working days --------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.VN(years=year))


class WorkCalendar:
    """Working days in Vietnam: Monday to Friday, minus public holidays and staff's extra days off,
    plus the weekend days worked in exchange (``working``)."""

    def __init__(self, extra_holidays=(), working=()):
        self.extra_holidays = frozenset(extra_holidays)
        self.working = frozenset(working)

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.working:
            return True
        if day in self.extra_holidays or day in _public_holidays(day.year):
            return False
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (start itself not counted)."""
        day = start
        for _step in range(days):
            day += datetime.timedelta(days=1)
            while not self.is_working_day(day):
                day += datetime.timedelta(days=1)
        return day

    def next_working_day(self, day: datetime.date) -> datetime.date:
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day


def relative_deadline(ask: Ask, base: datetime.date | None, calendar: WorkCalendar) -> datetime.date | None:
    """N days from `base` (None while the base date is unknown, e.g. the unit has not confirmed receipt)."""
    if base is None or not ask.relative:
        return None
    if ask.relative_working_days:
        return calendar.add_working_days(base, ask.relative_days)
    return calendar.next_working_day(base + datetime.timedelta(days=ask.relative_days))


# --- periods ---------------------------------------------------------------------------------


def _label(recurrence: str, year: int, month: int) -> str:
    if recurrence == "monthly":
        return _("Tháng %(month)s/%(year)s") % {"month": month, "year": year}
    if recurrence == "quarterly":
        return _("Quý %(quarter)s/%(year)s") % {"quarter": _ROMAN[(month - 1) // 3 + 1], "year": year}
    if recurrence == "half_yearly":
        if month <= 6:
            return _("6 tháng đầu năm %(year)s") % {"year": year}
        return _("6 tháng cuối năm %(year)s") % {"year": year}
    return _("Năm %(year)s") % {"year": year}


def is_period_key(key: str) -> bool:
    """ "2026-11", "2026-Q4", "2026-H2", "2026": a key :func:`periods` makes."""
    return bool(_KEY_RE.match(key or ""))


def period_label(key: str) -> str:
    """The words for a period key: "2026-11" → "Tháng 11/2026", "2026-Q4" → "Quý IV/2026" ("" stays "")."""
    match = _KEY_RE.match(key or "")
    if not match:
        return key or ""
    year = int(match["year"])
    if match["month"]:
        return _label("monthly", year, int(match["month"]))
    if match["quarter"]:
        return _label("quarterly", year, (int(match["quarter"]) - 1) * 3 + 1)
    if match["half"]:
        return _label("half_yearly", year, 1 if match["half"] == "1" else 7)
    return _label("yearly", year, 1)


def _key(recurrence: str, year: int, month: int) -> str:
    if recurrence == "monthly":
        return f"{year}-{month:02d}"
    if recurrence == "quarterly":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if recurrence == "half_yearly":
        return f"{year}-H{1 if month <= 6 else 2}"
    return str(year)


def _period_deadline(ask: Ask, start: tuple[int, int], months: int) -> datetime.date:
    """The due date of the period that starts at month `start` and lasts `months` months."""
    last_year, last_month = _add_months(*start, months - 1)
    try:
        tokens = parse_due_days(ask.due_days)
    except ValueError:
        tokens = []
    dated = [(day, month) for day, month in tokens if month is not None]
    if dated:
        inside = [_add_months(*start, offset) for offset in range(months)]
        for day, month in dated:
            for year, in_month in inside:
                if in_month == month:
                    return _clamped(year, month, day)
        end = _clamped(last_year, last_month, 31)
        upcoming = sorted(_clamped(year, month, day) for day, month in dated for year in (last_year, last_year + 1))
        return next(candidate for candidate in upcoming if candidate > end)
    year, month = _add_months(last_year, last_month, 1) if ask.due_next_period else (last_year, last_month)
    if tokens:
        return _clamped(year, month, tokens[0][0])
    return _clamped(last_year, last_month, 31)


def periods(
    ask: Ask,
    *,
    span_start: datetime.date | None,
    span_end: datetime.date | None,
    signed_on: datetime.date | None = None,
    published_on: datetime.date | None = None,
    received_on: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
) -> list[Period]:
    """The periods a unit owes for this ask, in order, each with its deadline.

    `span_start`/`span_end` are the campaign's period; a recurring ask without one runs from its
    signature to the end of that year. `received_on` is the unit's own receipt date.
    """
    calendar = calendar or WorkCalendar()
    if not ask.recurring:
        if ask.relative:
            base = {"signature": signed_on, "publication": published_on or signed_on, "receipt": received_on}
            deadline = relative_deadline(ask, base.get(ask.relative_from), calendar)
        else:
            deadline = ask.deadline
        return [Period(ONCE, span_start, span_end, "", deadline)]
    start = span_start or signed_on
    if start is None:
        return []
    end = span_end or datetime.date(start.year, 12, 31)
    months = _MONTHS_PER_PERIOD[ask.recurrence]
    year, month = start.year, ((start.month - 1) // months) * months + 1  # the period holding `start`
    result = []
    while datetime.date(year, month, 1) <= end:
        last_year, last_month = _add_months(year, month, months - 1)
        period_end = _clamped(last_year, last_month, 31)
        result.append(
            Period(
                key=_key(ask.recurrence, year, month),
                start=max(datetime.date(year, month, 1), start),
                end=min(period_end, end),
                label=_label(ask.recurrence, year, month),
                deadline=_period_deadline(ask, (year, month), months),
            )
        )
        year, month = _add_months(year, month, months)
    return result


def current_period(found: list[Period], today: datetime.date) -> Period | None:
    """The period holding `today`; before the first, the first; after the last, the last."""
    if not found:
        return None
    for period in found:
        if period.start and period.end and period.start <= today <= period.end:
            return period
    return found[0] if found[0].start and today < found[0].start else found[-1]
