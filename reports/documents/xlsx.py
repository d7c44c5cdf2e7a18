"""XLSX through openpyxl: a summary sheet, then one sheet per table, frozen headers, real numbers and dates."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from campaign_portal.core.spreadsheets import workbook_bytes

from .model import Document, Percent, StateValue, Table

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", title).strip() or "Sheet"
    if len(base) > 31:  # Excel's limit: cut at a word boundary
        base = base[:31].rsplit(" ", 1)[0].rstrip(",;") or base[:31]
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _write_table(sheet, table: Table, start_row: int = 1) -> None:
    for col, column in enumerate(table.columns, 1):
        cell = sheet.cell(row=start_row, column=col, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = max(8, column.width * 0.6)
    for r, values in enumerate(table.rows, start_row + 1):
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=r, column=col)
            cell.border = BORDER
            if isinstance(value, StateValue):
                cell.value = value.text
                cell.fill = PatternFill("solid", fgColor=value.background.lstrip("#").upper())
                cell.font = Font(color=value.colour.lstrip("#").upper())
                cell.alignment = Alignment(horizontal="center")
            elif isinstance(value, Percent):
                cell.value = None if value.value is None else round(value.value / 100, 4)
                cell.number_format = "0.0%"
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            elif value is None or isinstance(value, int | float):
                cell.value = value
            else:
                cell.value = str(value)  # lazy translations and anything else print as text
    sheet.freeze_panes = sheet.cell(row=start_row + 1, column=3 if len(table.columns) > 4 else 1)
    if table.rows:
        sheet.auto_filter.ref = f"A{start_row}:{get_column_letter(len(table.columns))}{start_row + len(table.rows)}"


def render_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    used = set()
    summary.title = _sheet_name(_("Tổng hợp"), used)
    lines = [
        (document.doc_type_name, True),
        (document.subject, True),
        (document.number_line, False),
        (document.place_date, False),
        ("", False),
    ]
    lines += [(text, False) for text in document.intro]
    for section in document.sections:
        lines.append((section.heading, True))
        lines += [(text, False) for text in section.paragraphs]
    lines += [("", False), (f"{document.snapshot_note} · SHA-256: {document.sha256}", False)]
    for row, (text, bold) in enumerate(lines, 1):
        cell = summary.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    summary.column_dimensions["A"].width = 120
    if document.issued_on:
        summary.cell(row=4, column=2, value=document.issued_on).number_format = "dd/mm/yyyy"
    for table in document.all_tables():
        if table.print_only:
            continue
        sheet = workbook.create_sheet(_sheet_name(table.title or table.key, used))
        _write_table(sheet, table)
    workbook.properties.title = document.title
    return workbook_bytes(workbook)
