"""Every spreadsheet the portal writes goes through here, so that no text a user typed becomes a formula.

openpyxl stores any string that starts with "=" as a formula; Excel and LibreOffice also evaluate
CSV fields that start with "=", "+", "-", "@", a tab or a carriage return (OWASP "CSV injection").
The portal never writes a formula on purpose, so:

- XLSX: `workbook_bytes` turns every formula cell back into a plain text cell (`t="inlineStr"`) before
  saving: the reader sees exactly what was typed, and reading the file back gives the same text;
- CSV: `csv_value` prefixes a dangerous leading character with an apostrophe, the convention
  spreadsheet programs understand as "this is text".

Imports read cell values only (`load_workbook(..., data_only=True)`), never formulas, and keep text as
text, so a value written here comes back unchanged and is written as text again.
"""

import io

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise_formulas(workbook) -> int:
    """Make every formula cell of every sheet a text cell; returns how many were changed."""
    changed = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"  # written as an inline string, shown as typed
                    changed += 1
    return changed


def workbook_bytes(workbook) -> bytes:
    """The workbook as .xlsx bytes, with no formula in it (see the module docstring)."""
    neutralise_formulas(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_value(value) -> str:
    """One CSV field: text that a spreadsheet would evaluate gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_row(values) -> list[str]:
    return [csv_value(value) for value in values]
