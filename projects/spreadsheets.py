"""The key-works table as XLSX, and progress read back from that same file.

A district downloads its table, fills in the "new progress" columns and uploads it: every row
is checked first, each bad row is reported by its row number, and nothing is saved unless
every row is good.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from campaign_portal.core import access
from campaign_portal.core.spreadsheets import workbook_bytes
from campaign_portal.core.uploads import validate_upload

from . import rules, selectors, services
from .models import MONEY_MAX, KeyWork, Risk
from .selectors import key_works_visible_to

VND_FORMAT = "#,##0"
DATE_FORMAT = "DD/MM/YYYY"
MAX_IMPORT_ROWS = 2000


def _columns():
    """(key, header, width, number format): the import finds its columns by these header texts.

    A context keeps the headers from taking another app's translation of the same words.
    """
    return [
        ("id", pgettext("key works spreadsheet", "Mã công trình"), 10, "0"),
        ("unit", pgettext("key works spreadsheet", "Đơn vị"), 24, None),
        ("name", pgettext("key works spreadsheet", "Tên công trình"), 42, None),
        ("kind", pgettext("key works spreadsheet", "Hình thức"), 16, None),
        ("sector", pgettext("key works spreadsheet", "Lĩnh vực"), 14, None),
        ("milestone", pgettext("key works spreadsheet", "Mốc kỷ niệm"), 28, None),
        ("planned_date", pgettext("key works spreadsheet", "Ngày dự kiến"), 13, DATE_FORMAT),
        ("actual_date", pgettext("key works spreadsheet", "Ngày thực tế"), 13, DATE_FORMAT),
        ("total_investment", pgettext("key works spreadsheet", "Tổng mức đầu tư (đồng)"), 20, VND_FORMAT),
        ("work_status", pgettext("key works spreadsheet", "Tình trạng"), 18, None),
        ("status", pgettext("key works spreadsheet", "Trạng thái duyệt"), 18, None),
        ("latest_progress", pgettext("key works spreadsheet", "Tiến độ (%)"), 11, "0"),
        ("latest_progress_on", pgettext("key works spreadsheet", "Cập nhật ngày"), 13, DATE_FORMAT),
        ("risk", pgettext("key works spreadsheet", "Cảnh báo"), 16, None),
        ("new_reported_on", pgettext("key works spreadsheet", "Ngày báo cáo mới"), 15, DATE_FORMAT),
        ("new_progress", pgettext("key works spreadsheet", "Tiến độ mới (%)"), 13, "0"),
        ("new_disbursed", pgettext("key works spreadsheet", "Vốn giải ngân mới (đồng)"), 20, VND_FORMAT),
        ("new_note", pgettext("key works spreadsheet", "Ghi chú"), 30, None),
    ]


IMPORT_KEYS = ("id", "new_reported_on", "new_progress", "new_disbursed", "new_note")


def export_xlsx(works) -> bytes:
    """The table as a workbook: real numbers and dates, frozen header, VND format."""
    columns = _columns()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Công trình trọng điểm")[:31]
    sheet.append([header for _key, header, _w, _f in columns])
    fill = PatternFill("solid", fgColor="DDE7F3")
    input_fill = PatternFill("solid", fgColor="FFF4CC")
    for index, (key, _header, width, _fmt) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = input_fill if key.startswith("new_") else fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    risk_labels = dict(Risk.choices)
    for work in works:
        values = {
            "id": work.pk,
            "unit": work.unit.display_name,
            "name": work.name,
            "kind": work.get_kind_display(),
            "sector": work.get_sector_display(),
            "milestone": str(work.milestone) if work.milestone_id else "",
            "planned_date": work.planned_date,
            "actual_date": work.actual_date,
            "total_investment": work.total_investment,
            "work_status": work.get_work_status_display(),
            "status": work.get_status_display(),
            "latest_progress": work.latest_progress,
            "latest_progress_on": work.latest_progress_on,
            "risk": str(risk_labels.get(getattr(work, "risk", ""), "")),
        }
        sheet.append([values.get(key) for key, *_rest in columns])
        row = sheet.max_row
        for index, (_key, _header, _width, fmt) in enumerate(columns, start=1):
            if fmt:
                sheet.cell(row=row, column=index).number_format = fmt
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    return workbook_bytes(book)


@dataclass
class ImportRow:
    row: int
    work: KeyWork
    reported_on: datetime.date
    progress: int
    disbursed: int
    note: str


@dataclass
class ImportResult:
    saved: int
    skipped: list[int]  # row numbers already imported before (the same file uploaded twice)


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _as_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def _as_int(value, *, maximum):
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        value = int(value)
    if isinstance(value, str):
        value = int(value.replace(".", "").replace(" ", "").replace("đ", "").strip())
    if value < 0 or value > maximum:
        raise ValueError
    return int(value)


def _row_id(cells) -> int | None:
    try:
        return int(cells["id"])
    except (TypeError, ValueError):
        return None


def _header_map(header_row) -> dict:
    # A file exported in English is read back in a Vietnamese session (and the other way round).
    wanted = {}
    for language in ("vi", "en", None):
        with translation.override(language) if language else contextlib.nullcontext():
            wanted.update({header: key for key, header, _w, _f in _columns() if key in IMPORT_KEYS})
    found = {}
    for index, value in enumerate(header_row):
        key = wanted.get(str(value or "").strip())
        if key:
            found[key] = index
    labels = {key: header for key, header, _w, _f in _columns()}
    missing = sorted({labels[key] for key in IMPORT_KEYS if key not in found})
    if missing:
        raise ImportFailed(
            [_("Tệp thiếu cột: %(cols)s. Hãy dùng tệp tải về từ trang này.") % {"cols": ", ".join(missing)}]
        )
    return found


def read_progress_rows(*, user, uploaded, today=None) -> list[ImportRow]:
    """Parse and check every row; raise ImportFailed listing each bad row by its number."""
    validate_upload(uploaded, kinds=("xlsx",))
    today = today or timezone.localdate()
    stream = uploaded.file if hasattr(uploaded, "file") else uploaded
    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportFailed([_("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng.")]) from exc
    rows = book.active.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFailed([_("Tệp trống.")])
    columns = _header_map(header)
    raw = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_IMPORT_ROWS + 1:
            raise ImportFailed([_("Tệp có quá nhiều dòng (tối đa %(n)s).") % {"n": MAX_IMPORT_ROWS}])
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if all(cells[key] in (None, "") for key in ("new_reported_on", "new_progress", "new_disbursed", "new_note")):
            continue
        raw.append((number, cells))
    book.close()
    ids = [_row_id(cells) for _number, cells in raw]
    # One query for every row's work, in the user's read scope; writability is checked per row.
    works = {work.pk: work for work in key_works_visible_to(user=user).filter(pk__in=ids)}
    return _check_rows(user, raw, works, today)


def _check_rows(user, raw, works, today) -> list[ImportRow]:
    errors, result, seen = [], [], set()
    for number, cells in raw:
        work = works.get(_row_id(cells))
        if work is None:
            errors.append(
                _(
                    "Dòng %(row)s: không có công trình mã này trong số công trình đơn vị bạn được xem "
                    "(cột “Mã công trình”); dòng của đơn vị khác không được nhập."
                )
                % {"row": number}
            )
            continue
        if not access.can_write_unit(user, work.unit):
            errors.append(
                _("Dòng %(row)s: công trình “%(name)s” thuộc %(unit)s, không phải đơn vị của bạn.")
                % {"row": number, "name": work.name, "unit": work.unit}
            )
            continue
        if work.pk in seen:
            errors.append(
                _("Dòng %(row)s: công trình “%(name)s” xuất hiện hai lần.") % {"row": number, "name": work.name}
            )
            continue
        seen.add(work.pk)
        try:
            reported_on = _as_date(cells["new_reported_on"]) or today
        except ValueError:
            errors.append(_("Dòng %(row)s: ngày báo cáo phải có dạng dd/mm/yyyy.") % {"row": number})
            continue
        try:
            progress = _as_int(cells["new_progress"], maximum=100)
            disbursed = _as_int(cells["new_disbursed"], maximum=MONEY_MAX) or 0
        except (TypeError, ValueError):
            errors.append(
                _("Dòng %(row)s: tiến độ phải là số nguyên từ 0 đến 100, vốn giải ngân là số tiền không âm, hợp lý.")
                % {"row": number}
            )
            continue
        if progress is None:
            errors.append(_("Dòng %(row)s: thiếu tiến độ mới (%%).") % {"row": number})
            continue
        note = str(cells["new_note"] or "").strip()
        try:
            rules.check_progress_allowed(user, work)
            rules.validate_progress(
                work,
                reported_on=reported_on,
                physical_progress=progress,
                capital_disbursed=disbursed,
                note=note,
                today=today,
            )
        except ValidationError as exc:
            errors.append(_("Dòng %(row)s: %(msg)s") % {"row": number, "msg": " ".join(exc.messages)})
            continue
        except PermissionDenied:
            errors.append(_("Dòng %(row)s: bạn không được cập nhật công trình này.") % {"row": number})
            continue
        result.append(ImportRow(number, work, reported_on, progress, disbursed, note))
    if errors:
        raise ImportFailed(errors)
    if not result:
        raise ImportFailed([_("Không có dòng nào điền tiến độ mới.")])
    return result


def _already_imported(row: ImportRow) -> bool:
    return (
        selectors.progress_update_same_as(
            work=row.work,
            reported_on=row.reported_on,
            physical_progress=row.progress,
            capital_disbursed=row.disbursed,
            note=row.note,
        )
        is not None
    )


@transaction.atomic
def import_progress(*, user, uploaded, today=None) -> ImportResult:
    """Check every row, then save all of them or none; rows imported before are skipped, not doubled."""
    rows = read_progress_rows(user=user, uploaded=uploaded, today=today)
    skipped = [row.row for row in rows if _already_imported(row)]
    rows = [row for row in rows if row.row not in skipped]
    if not rows:
        raise ImportFailed(
            [
                _("Mọi dòng trong tệp đã được nhập trước đó (dòng %(rows)s); không có tiến độ mới nào để lưu.")
                % {"rows": ", ".join(str(n) for n in skipped)}
            ]
        )
    for row in rows:
        try:
            services.progress_update_create(
                user=user,
                work=row.work,
                reported_on=row.reported_on,
                physical_progress=row.progress,
                capital_disbursed=row.disbursed,
                note=row.note,
                today=today,
            )
        except ValidationError as exc:
            raise ImportFailed([_("Dòng %(row)s: %(msg)s") % {"row": row.row, "msg": " ".join(exc.messages)}]) from exc
    return ImportResult(saved=len(rows), skipped=skipped)
