"""Bulk targets: parse pasted tab-separated lines or an XLSX sheet, reporting each bad row by number.

Columns (the downloadable template has them in this order):
Tên chỉ tiêu | Đơn vị tính | Giá trị gốc | Chỉ tiêu | Hạn (dd/mm/yyyy)
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from campaign_portal.core.formatting import format_number
from campaign_portal.core.spreadsheets import workbook_bytes
from campaign_portal.core.text import nfc

HEADERS = ["Tên chỉ tiêu", "Đơn vị tính", "Giá trị gốc", "Chỉ tiêu", "Hạn (dd/mm/yyyy)"]
MAX_ROWS = 500
MAX_NAME = 300
MAX_UNIT = 40
_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(value) -> Decimal | None:
    """Vietnamese or plain numbers: '1.234,5', '95,5', '1.500' (thousands), '95.5', 80 (a cell value)."""
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def format_decimal(value) -> str:
    return "" if value is None else format_number(value, 2)


def parse_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _row(cells: list, number: int) -> tuple[dict | None, list[str]]:
    cells = list(cells) + [None] * (5 - len(cells))
    name = nfc(str(cells[0] or "").strip())
    unit = nfc(str(cells[1] or "").strip())
    errors = []
    if not name:
        errors.append(_("Dòng %(row)s: thiếu tên chỉ tiêu.") % {"row": number})
    elif len(name) > MAX_NAME:
        errors.append(_("Dòng %(row)s: tên chỉ tiêu dài quá %(max)s ký tự.") % {"row": number, "max": MAX_NAME})
    if len(unit) > MAX_UNIT:
        errors.append(_("Dòng %(row)s: đơn vị tính dài quá %(max)s ký tự.") % {"row": number, "max": MAX_UNIT})
    values = {}
    for key, cell, label in (("baseline", cells[2], _("Giá trị gốc")), ("target_value", cells[3], _("Chỉ tiêu"))):
        try:
            values[key] = parse_number(cell)
        except ValueError:
            errors.append(
                _("Dòng %(row)s: %(column)s “%(value)s” không phải là số.")
                % {"row": number, "column": label, "value": cell}
            )
            continue
        if values[key] is not None and abs(values[key]) >= Decimal("1e16"):
            errors.append(_("Dòng %(row)s: %(column)s quá lớn.") % {"row": number, "column": label})
    if "target_value" in values and values["target_value"] is None:
        errors.append(_("Dòng %(row)s: thiếu giá trị chỉ tiêu.") % {"row": number})
    try:
        due = parse_date(cells[4])
    except ValueError:
        errors.append(
            _("Dòng %(row)s: hạn “%(value)s” không đúng dạng dd/mm/yyyy.") % {"row": number, "value": cells[4]}
        )
        due = None
    if errors:
        return None, errors
    return {
        "name": name,
        "unit_of_measure": unit,
        "baseline": values["baseline"],
        "target_value": values["target_value"],
        "due_date": due,
    }, []


def _is_header(cells) -> bool:
    return bool(cells) and nfc(str(cells[0] or "")).strip().lower() == HEADERS[0].lower()


def _is_blank(cells) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def _collect(numbered_rows) -> tuple[list[dict], list[str]]:
    rows, errors = [], []
    for number, cells in numbered_rows:
        if _is_blank(cells) or _is_header(cells):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(_("Tối đa %(max)s chỉ tiêu mỗi lần nhập.") % {"max": MAX_ROWS})
            break
        row, row_errors = _row(cells, number)
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    if not rows and not errors:
        errors.append(_("Không có dòng chỉ tiêu nào để nhập."))
    return rows, errors


def parse_pasted(text: str) -> tuple[list[dict], list[str]]:
    """Lines copied from a spreadsheet (tab-separated); line numbers count from 1."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _collect((number, line.split("\t")) for number, line in enumerate(lines, start=1))


def parse_xlsx(stream) -> tuple[list[dict], list[str]]:
    """The first sheet of a workbook; row numbers are the sheet's own (the header is row 1)."""
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        return [], [_("Không đọc được tệp Excel. Hãy dùng tệp mẫu tải về từ trang này.")]
    try:
        sheet = workbook.worksheets[0]
        numbered = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True, max_col=5), start=1):
            if number > MAX_ROWS + 5:
                break
            numbered.append((number, list(cells)))
        return _collect(numbered)
    finally:
        workbook.close()


def template_xlsx() -> bytes:
    """The template the page offers: headers only on the first sheet, an example on a second sheet.

    An example row on the first sheet would be imported as a real target by anyone who fills in below it.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chi tieu"
    sheet.append(HEADERS)
    help_sheet = workbook.create_sheet("Huong dan")
    help_sheet.append([_("Điền chỉ tiêu ở trang đầu (“Chi tieu”), mỗi dòng một chỉ tiêu, bắt đầu từ dòng 2.")])
    help_sheet.append([_("Số viết kiểu 95,5 hoặc 1.200; hạn theo dạng dd/mm/yyyy. Trang này không được nhập.")])
    help_sheet.append([])
    help_sheet.append([_("Ví dụ:")])
    help_sheet.append(HEADERS)
    help_sheet.append([_("Tỷ lệ hộ dân sử dụng nước sạch"), "%", 85, 95, "31/12/2020"])
    for ws in (sheet, help_sheet):
        for cell in ws[1 if ws is sheet else 5]:
            cell.font = Font(bold=True)
        for column, width in zip("ABCDE", (48, 14, 14, 14, 18), strict=True):
            ws.column_dimensions[column].width = width
    return workbook_bytes(workbook)
