"""Importing the unit tree from CSV or XLSX: every row checked first, then all written or nothing."""

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from openpyxl import load_workbook

from .models import Unit, UnitKind
from .services import unit_set_successors, unit_upsert
from .text import nfc

COLUMNS = ["code", "name", "short_name", "kind", "parent_code", "valid_from", "valid_to", "successor_codes", "email"]
REQUIRED = ["code", "name", "kind"]


class UnitImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    kind: str
    short_name: str = ""
    parent_code: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    successor_codes: list[str] = field(default_factory=list)
    email: str = ""


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, {column: text}) for each data row of a CSV (UTF-8) or XLSX file."""
    if path.suffix.lower() == ".xlsx":
        sheet = load_workbook(path, read_only=True, data_only=True).active
        values = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        text = path.read_text(encoding="utf-8-sig")
        values = list(csv.reader(io.StringIO(text)))
    if not values:
        raise UnitImportError(["Tệp không có dữ liệu."])
    header = [str(h).strip().lower() for h in values[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UnitImportError([f"Dòng 1: thiếu cột {', '.join(missing)} (các cột: {', '.join(COLUMNS)})."])
    rows = []
    for number, raw in enumerate(values[1:], start=2):
        if not any(str(v).strip() for v in raw):
            continue
        rows.append((number, {h: raw[i] if i < len(raw) else "" for i, h in enumerate(header)}))
    return rows


def _date(value, line: int, column: str, errors: list[str]) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors.append(f"Dòng {line}: {column} “{text}” không phải ngày dd/mm/yyyy.")
    return None


def parse_rows(raw_rows: list[tuple[int, dict]]) -> list[UnitRow]:
    """Check every row; raise UnitImportError listing each bad row by its line number."""
    errors: list[str] = []
    parsed: list[UnitRow] = []
    seen: dict[str, int] = {}
    for line, raw in raw_rows:
        get = lambda key, raw=raw: nfc(str(raw.get(key, "") or "")).strip()  # noqa: E731
        row = UnitRow(
            line=line,
            code=get("code").upper(),
            name=get("name"),
            kind=get("kind").lower(),
            short_name=get("short_name"),
            parent_code=get("parent_code").upper(),
            email=get("email"),
            valid_from=_date(raw.get("valid_from"), line, "valid_from", errors),
            valid_to=_date(raw.get("valid_to"), line, "valid_to", errors),
            successor_codes=[
                c.strip().upper() for c in get("successor_codes").replace(";", ",").split(",") if c.strip()
            ],
        )
        if not row.code:
            errors.append(f"Dòng {line}: thiếu mã đơn vị (code).")
        elif row.code in seen:
            errors.append(f"Dòng {line}: mã {row.code} trùng với dòng {seen[row.code]}.")
        else:
            seen[row.code] = line
        if not row.name:
            errors.append(f"Dòng {line}: thiếu tên đơn vị (name).")
        if row.kind not in UnitKind.values:
            errors.append(f"Dòng {line}: loại “{row.kind}” không hợp lệ (một trong: {', '.join(UnitKind.values)}).")
        if row.valid_from and row.valid_to and row.valid_to <= row.valid_from:
            errors.append(f"Dòng {line}: valid_to phải sau valid_from.")
        parsed.append(row)
    existing = set(
        Unit.objects.filter(
            code__in=[r.parent_code for r in parsed] + [c for r in parsed for c in r.successor_codes]
        ).values_list("code", flat=True)
    )
    known = existing | set(seen)
    for row in parsed:
        if row.parent_code and row.parent_code not in known:
            errors.append(f"Dòng {row.line}: đơn vị cấp trên {row.parent_code} không có trong tệp hay trong hệ thống.")
        if row.parent_code and row.parent_code == row.code:
            errors.append(f"Dòng {row.line}: đơn vị không thể là cấp trên của chính nó.")
        for code in row.successor_codes:
            if code not in known:
                errors.append(f"Dòng {row.line}: đơn vị kế thừa {code} không có trong tệp hay trong hệ thống.")
    if errors:
        raise UnitImportError(sorted(errors, key=_line_of))
    return parsed


def _line_of(message: str) -> int:
    digits = message.split(":", 1)[0].removeprefix("Dòng ").strip()
    return int(digits) if digits.isdigit() else 0


def _parents_first(rows: list[UnitRow]) -> list[UnitRow]:
    by_code = {r.code: r for r in rows}
    ordered, placed = [], set()

    def place(row, trail=()):
        if row.code in placed:
            return
        if row.code in trail:
            raise UnitImportError([f"Dòng {row.line}: vòng lặp cấp trên ({' → '.join(trail)})."])
        parent = by_code.get(row.parent_code)
        if parent is not None:
            place(parent, (*trail, row.code))
        placed.add(row.code)
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


@transaction.atomic
def import_units(path: Path, *, actor=None) -> tuple[int, int]:
    """Import a unit file; returns (created, updated). Nothing is written if any row is bad."""
    rows = _parents_first(parse_rows(read_rows(Path(path))))
    created = updated = 0
    units: dict[str, Unit] = {}
    for row in rows:
        parent = units.get(row.parent_code) or (Unit.objects.get(code=row.parent_code) if row.parent_code else None)
        unit, was_created = unit_upsert(
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=parent,
            short_name=row.short_name,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            email=row.email,
            sort_order=row.line,
            actor=actor,
        )
        units[row.code] = unit
        created += was_created
        updated += not was_created
    for row in rows:
        if row.successor_codes:
            successors = [units.get(c) or Unit.objects.get(code=c) for c in row.successor_codes]
            unit_set_successors(unit=units[row.code], successors=successors)
    return created, updated
