"""Snapshot → Document: the words and tables of each report kind, in the active language."""

from __future__ import annotations

import datetime
import re
from collections import Counter

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from campaign_portal.core.formatting import format_date, place_date_line
from campaign_portal.core.models import ReviewStatus, UnitKind
from campaign_portal.core.text import nfc
from directives import state_glossary
from directives.models import DocType, RequirementKind
from directives.obligations import DONE_STATES, CellState
from directives.state_glossary import ORDER as STATE_ORDER
from projects.models import Risk

from .. import charts
from ..compliance import Compliance
from .model import Appendix, Column, Document, Percent, Section, StateValue, Table

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _percent(value) -> str:
    return str(Percent(value))


def number_line(number: str, symbol: str) -> str:
    """'Số: 15/BC-UBND'; a draft leaves the number blank: 'Số:      /BC-UBND' (numbers < 10 padded)."""
    if number:
        text = number.strip()
        if text.isdigit() and int(text) < 10:
            text = f"{int(text):02d}"
        return _("Số: %(number)s/%(symbol)s") % {"number": text, "symbol": symbol}
    return _("Số: %(number)s/%(symbol)s") % {"number": "\u00a0" * 6, "symbol": symbol}


# Words that keep their capital inside a sentence (Vietnamese capitalisation of bodies' names).
PROPER_WORDS = ("Tỉnh ủy", "Huyện ủy", "Thành ủy", "Thị ủy", "Đảng ủy", "Ban Thường vụ", "Ban Chấp hành", "Trung ương")


def prose_name(name: str, proper_names=()) -> str:
    """A body's name as written inside a sentence: a header in capitals ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK")
    becomes "Ủy ban nhân dân tỉnh Đắk Lắk"; a name already in mixed case is kept."""
    name = nfc(" ".join(name.split()))
    if not name or name != name.upper():
        return name
    text = name.lower()
    text = text[0].upper() + text[1:]
    # "Sở Nội vụ", "Ban Dân tộc": the word after the kind of body keeps its capital.
    text = re.sub(r"^(Sở|Ban|Bộ|Cục) (\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", text)
    for proper in (*PROPER_WORDS, *proper_names):
        proper = nfc(proper)
        start = text.lower().find(proper.lower())
        while proper and start >= 0:
            text = text[:start] + (proper if start else proper[0].upper() + proper[1:]) + text[start + len(proper) :]
            start = text.lower().find(proper.lower(), start + len(proper))
    return text


def _cite(ref: dict, proper_names=()) -> str:
    """'Công văn số 7019/UBND-TH ngày 05/11/2019 của Ủy ban nhân dân tỉnh về …' (first, full citation)."""
    label = DocType(ref["doc_type"]).label if ref["doc_type"] in DocType.values else _("Văn bản")
    text = _("%(type)s số %(number)s") % {"type": label, "number": ref["number"] or "…"}
    if ref["issued_on"]:
        text += " " + _("ngày %(date)s") % {"date": format_date(_date(ref["issued_on"]))}
    if ref["issuer_name"]:
        text += " " + _("của %(issuer)s") % {"issuer": prose_name(ref["issuer_name"], proper_names)}
    subject = ref["subject"].strip()
    if subject.lower().startswith("v/v "):
        subject = subject[4:]
    return _("%(reference)s về %(subject)s") % {"reference": text, "subject": subject} if subject else text


def _state_value(cell) -> StateValue:
    background, colour = cell.colours
    text = cell.text
    if cell.applies and cell.requirement.quota_text:
        text = f"{text} ({cell.quota_label})"
    return StateValue(state=str(cell.state), text=text, background=background, colour=colour)


def _requirement_table(result: Compliance) -> Table:
    columns = [
        Column(_("TT"), 10, "center"),
        Column(_("Nhiệm vụ"), 50),
        Column(_("Thời hạn"), 23, "center"),
        Column(_("Số đơn vị"), 15, "right"),
        Column(_("Đạt"), 14, "right"),
        Column(_("Chờ duyệt"), 18, "right"),
        Column(_("Quá hạn"), 17, "right"),
        Column(_("Tỷ lệ đạt"), 17, "right"),
    ]
    rows = []
    for index, (requirement, tally) in enumerate(zip(result.requirements, result.by_requirement(), strict=True), 1):
        rows.append(
            [
                index,
                requirement.short_label,
                requirement.deadline,
                tally.applicable,
                tally.done,
                tally.count(CellState.SENT),
                tally.count(CellState.LATE),
                Percent(tally.percent),
            ]
        )
    return Table("nhiem-vu", _("Kết quả theo nhiệm vụ"), columns, rows)


def _group_table(key: str, title: str, first: str, tallies) -> Table:
    columns = [
        Column(_("TT"), 10, "center"),
        Column(first, 60),
        Column(_("Số đơn vị"), 18, "right"),
        Column(_("Hoàn thành đầy đủ"), 24, "right"),
        Column(_("Tỷ lệ đơn vị"), 20, "right"),
        Column(_("Tỷ lệ nhiệm vụ đạt"), 25, "right"),
    ]
    rows = [
        [i, t.label, t.units, t.compliant_units, Percent(t.compliant_percent), Percent(t.percent)]
        for i, t in enumerate(tallies, 1)
    ]
    return Table(key, title, columns, rows)


def _overdue_table(result: Compliance) -> Table:
    columns = [
        Column(_("TT"), 10, "center"),
        Column(pgettext("column", "Đơn vị"), 55),
        Column(_("Nhiệm vụ"), 60),
        Column(_("Thời hạn"), 23, "center"),
        Column(_("Đã có"), 17, "center"),
    ]
    rows = []
    for index, cell in enumerate(result.overdue(), 1):
        unit = result.unit(cell.unit_id)
        rows.append(
            [
                index,
                unit.name if unit else "",
                cell.requirement.short_label,
                cell.requirement.deadline,
                cell.quota_label,
            ]
        )
    return Table("qua-han", _("Đơn vị quá hạn"), columns, rows)


AT_RISK = (Risk.AT_RISK, Risk.LATE)
KEY_WORKS_IN_PDF_MAX = 150  # above this, the full list of key works goes to the XLSX only


def _risk_label(code: str) -> str:
    return str(Risk(code).label) if code in Risk.values else code


def _key_works_table(works: list[dict]) -> Table:
    columns = [
        Column(_("TT"), 10, "center"),
        Column(_("Tên công trình"), 58),
        Column(pgettext("column", "Đơn vị"), 35),
        Column(_("Ngày dự kiến"), 23, "center"),
        Column(_("Tiến độ"), 18, "right"),
        Column(_("Tình trạng"), 21),
    ]
    rows = [
        [i, w["name"], w["unit_name"], _date(w["planned_date"]), Percent(w["progress"]), _risk_label(w["risk"])]
        for i, w in enumerate(works, 1)
    ]
    return Table("cong-trinh", _("Công trình trọng điểm"), columns, rows)


def _themes_table(themes: list[dict]) -> Table:
    columns = [
        Column(_("TT"), 10, "center"),
        Column(pgettext("column", "Đơn vị"), 45),
        Column(_("Loại"), 40),
        Column(_("Nội dung"), 70),
    ]
    rows = [
        [
            i,
            t["unit_name"],
            RequirementKind(t["kind"]).label if t["kind"] in RequirementKind.values else t["kind"],
            t["title"],
        ]
        for i, t in enumerate(themes, 1)
    ]
    return Table("chu-diem", _("Chủ điểm đột phá, lĩnh vực khó khăn"), columns, rows)


OVERDUE_NAMES_MAX = 12


def _overdue_paragraphs(result: Compliance) -> list[str]:
    """Per requirement, the overdue units: by name when few, else counted per district (prose, not a table)."""
    by_requirement = {}
    for cell in result.overdue():
        by_requirement.setdefault(cell.requirement.id, []).append(result.unit(cell.unit_id))
    paragraphs = []
    for requirement in result.requirements:
        units = [u for u in by_requirement.get(requirement.id, []) if u is not None]
        if not units:
            continue
        if len(units) <= OVERDUE_NAMES_MAX:
            detail = ", ".join(u.name for u in units)
        else:
            # Departments and agencies counted by kind first, then each district in the order of section II.
            kinds = list(UnitKind.values)
            districts = {pk: i for i, (pk, _name) in enumerate(result.districts())}
            groups = {}
            for unit in units:
                if unit.district_id:
                    key, label = (1, districts.get(unit.district_id, len(districts))), unit.district_name
                else:
                    key, label = (0, kinds.index(unit.kind)), str(UnitKind(unit.kind).label)
                groups.setdefault(key, [label, 0])[1] += 1
            detail = "; ".join(f"{label} {n}" for _key, (label, n) in sorted(groups.items()))
            detail += " " + _("(chi tiết tại Phụ lục I)")
        paragraphs.append(
            _("%(task)s (hạn %(deadline)s): %(n)s đơn vị quá hạn: %(detail)s.")
            % {
                "task": requirement.short_label,
                "deadline": format_date(requirement.deadline),
                "n": len(units),
                "detail": detail,
            }
        )
    return paragraphs


def _key_works_by_area(result: Compliance, works: list[dict]) -> Table:
    """Key works per district (with its communes) or unit: count, kind and risk."""
    groups = {}
    for work in works:
        unit = result.unit(work["unit_id"])
        area = (unit.district_name or unit.display_name) if unit else work["unit_name"]
        row = groups.setdefault(
            area, {"n": 0, "groundbreaking": 0, "inauguration": 0, "done": 0, "risk": 0, "investment": 0}
        )
        row["n"] += 1
        row[work["kind"]] = row.get(work["kind"], 0) + 1
        row["done"] += work["risk"] == Risk.DONE
        row["risk"] += work["risk"] in AT_RISK
        row["investment"] += work["total_investment"]
    columns = [
        Column(_("TT"), 10, "center"),
        Column(_("Địa bàn, đơn vị"), 37),
        Column(_("Số công trình"), 18, "right"),
        Column(pgettext("key works table", "Khởi công"), 20, "right"),
        Column(pgettext("key works table", "Khánh thành"), 20, "right"),
        Column(_("Đã tổ chức lễ"), 20, "right"),
        Column(_("Nguy cơ, quá hạn"), 18, "right"),
        Column(_("Tổng mức đầu tư (triệu đồng)"), 22, "right"),
    ]
    rows = [
        [i, area, g["n"], g["groundbreaking"], g["inauguration"], g["done"], g["risk"], g["investment"] // 10**6]
        for i, (area, g) in enumerate(groups.items(), 1)
    ]
    return Table("cong-trinh-dia-ban", _("Công trình trọng điểm theo địa bàn"), columns, rows)


def _themes_summary(themes: list[dict]) -> Table:
    counts = {}
    units = {}
    for theme in themes:
        counts[theme["kind"]] = counts.get(theme["kind"], 0) + 1
        units.setdefault(theme["kind"], set()).add(theme["unit_id"])
    columns = [
        Column(_("TT"), 10, "center"),
        Column(_("Loại đăng ký"), 95),
        Column(_("Số đơn vị"), 30, "right"),
        Column(_("Số chủ điểm, lĩnh vực"), 30, "right"),
    ]
    rows = [
        [i, RequirementKind(kind).label if kind in RequirementKind.values else kind, len(units[kind]), n]
        for i, (kind, n) in enumerate(sorted(counts.items()), 1)
    ]
    return Table(
        "chu-diem-tong-hop",
        _("Đăng ký chủ điểm, lĩnh vực"),
        columns,
        rows,
        note=_("Danh sách chi tiết trong tệp Excel của báo cáo."),
    )


# The printed appendix (A4 landscape: 267 mm between the margins), readable and ≤ 10 s to lay out at any size:
# - up to GRID_ASKS_MAX requirements and WORDS_CELLS_MAX cells the grid fits one table width with the states
#   in words (as before);
# - more requirements (or cells): the grid in column groups of GRID_ASKS_MAX, the unit column repeated, the
#   glossary's short codes and their legend, up to GRID_CELLS_MAX cells;
# - above GRID_CELLS_MAX cells (units × requirements), whichever the number of requirements: one row per
#   unit (counts per state, share accepted), and the full grid in the XLSX of the same report.
# WeasyPrint lays a grid cell out in ~1–2 ms on these 2 cores: 250 × 10 (2,500 cells) ≈ 7 s with the first
# part of the report; 298 × 50 (14,900 cells) took 190 s (under load); one row per unit for it, ~7–8 s.
PAGE_WIDTH_MM = 267.0
GRID_ASKS_MAX = 10
WORDS_CELLS_MAX = 2500  # states in words wrap to 3 lines a row: 250 × 10 ≈ 6 s, 297 × 10 ≈ 8.8 s to lay out
GRID_CELLS_MAX = 3000  # codes keep a row on one line: 100 × 30 or 150 × 20 ≈ 7 s (with the first part)
_UNIT_COLUMNS_MM = 10 + 62
_COMPLIANT_MM = 20


def _matrix_table(result: Compliance, units=None) -> Table:
    """Units × requirements with the states in words: the first column is wide, the others share the rest."""
    units = result.units if units is None else units
    count = max(1, len(result.requirements))
    width = max(12.0, min(40.0, 170.0 / count))
    columns = (
        [Column(_("TT"), 10, "center"), Column(pgettext("column", "Đơn vị"), 62)]
        + [Column(r.short_label, width, "center") for r in result.requirements]
        + [Column(pgettext("compliant", "Hoàn thành"), 20, "center")]
    )
    rows = []
    for index, unit in enumerate(units, 1):
        cells = result.row(unit.id)
        done = _("Có") if result.unit_is_compliant(unit.id) else _("Chưa")
        rows.append([index, unit.name] + [_state_value(c) for c in cells] + [done])
    note = " · ".join(str(s.label) for s in STATE_ORDER if s != CellState.NOT_APPLICABLE)
    return Table("ma-tran", _("Ma trận thực hiện"), columns, rows, note=note)


def _code_value(cell) -> StateValue:
    """A cell of the column-group grid: the glossary's short code ("CN*"), the count or quota beside it."""
    background, colour = cell.colours
    text = state_glossary.short(cell.state, accepted_late=cell.accepted_late)
    if cell.applies and cell.requirement.quota_text:
        text = f"{text} {cell.quota_label}"
    return StateValue(state=str(cell.state), text=text, background=background, colour=colour)


def _legend_table() -> Table:
    """Codes, words and meanings of the states, all from the one glossary (directives/state_glossary.py)."""
    rows = [
        [StateValue(value, code, *state_glossary.colours(value)), label, meaning]
        for value, code, label, meaning in state_glossary.short_legend()
    ]
    accepted = CellState.ACCEPTED
    rows.append(
        [
            StateValue(
                accepted.value, state_glossary.short(accepted, accepted_late=True), *state_glossary.colours(accepted)
            ),
            f"{accepted.label} ({state_glossary.ACCEPTED_LATE})",
            _("Hồ sơ được chấp nhận nhưng nộp sau thời hạn."),
        ]
    )
    columns = [Column(_("Ký hiệu"), 22, "center"), Column(_("Tình trạng"), 55), Column(_("Ý nghĩa"), 160)]
    return Table("ky-hieu", _("Ký hiệu tình trạng"), columns, rows, print_only=True)


def _grid_groups(result: Compliance) -> list[Table]:
    """The grid in groups of GRID_ASKS_MAX requirements, the unit repeated; numbered as in section I's table."""
    requirements = result.requirements
    rows_of = {unit.id: result.row(unit.id) for unit in result.units}
    tables = []
    for start in range(0, len(requirements), GRID_ASKS_MAX):
        group = requirements[start : start + GRID_ASKS_MAX]
        last = start + GRID_ASKS_MAX >= len(requirements)
        width = (PAGE_WIDTH_MM - _UNIT_COLUMNS_MM - _COMPLIANT_MM) / GRID_ASKS_MAX
        columns = [Column(_("TT"), 10, "center"), Column(pgettext("column", "Đơn vị"), 62)] + [
            Column(f"{start + i}. {r.short_label}", width, "center") for i, r in enumerate(group, 1)
        ]
        if last:
            columns.append(Column(pgettext("compliant", "Hoàn thành"), _COMPLIANT_MM, "center"))
        rows = []
        for index, unit in enumerate(result.units, 1):
            row = [index, unit.name] + [_code_value(c) for c in rows_of[unit.id][start : start + len(group)]]
            if last:
                row.append(_("Có") if result.unit_is_compliant(unit.id) else _("Chưa"))
            rows.append(row)
        title = _("Nhiệm vụ %(first)s–%(last)s") % {"first": start + 1, "last": start + len(group)}
        tables.append(Table("ma-tran", title, columns, rows, print_only=True, new_page=bool(start)))
    return tables


def _unit_summary_table(result: Compliance) -> Table:
    """One row per unit: requirements owed, count per state, share accepted, all done or not."""
    states = [s for s in STATE_ORDER if s != CellState.NOT_APPLICABLE]
    columns = (
        [Column(_("TT"), 10, "center"), Column(pgettext("column", "Đơn vị"), 62), Column(_("Số nhiệm vụ"), 18, "right")]
        + [Column(str(s.label), 21, "right") for s in states]
        + [Column(_("Tỷ lệ đạt"), 18, "right"), Column(pgettext("compliant", "Hoàn thành"), 20, "center")]
    )
    rows = []
    for index, unit in enumerate(result.units, 1):
        counts = Counter(c.state for c in result.row(unit.id) if c.applies)
        owed = sum(counts.values())
        done = sum(counts[s] for s in DONE_STATES)
        rows.append(
            [index, unit.name, owed]
            + [counts.get(s, 0) for s in states]
            + [
                Percent(round(100 * done / owed, 1) if owed else None),
                _("Có") if result.unit_is_compliant(unit.id) else _("Chưa"),
            ]
        )
    return Table("tong-hop-don-vi", _("Kết quả theo đơn vị"), columns, rows)


def _matrix_appendix(result: Compliance, appendix_ref: str) -> tuple[Appendix, list[Table]]:
    """Phụ lục I, readable at any size (see GRID_ASKS_MAX, GRID_CELLS_MAX), and the tables for the XLSX only."""
    title, subject = _("Phụ lục I"), _("KẾT QUẢ THỰC HIỆN CỦA TỪNG ĐƠN VỊ")
    asks = len(result.requirements)
    cells = len(result.units) * asks
    if asks <= GRID_ASKS_MAX and cells <= WORDS_CELLS_MAX:
        return Appendix(title, subject, appendix_ref, _matrix_table(result)), []
    full = _matrix_table(result)
    if cells <= GRID_CELLS_MAX:
        groups = _grid_groups(result)
        paragraphs = [
            _(
                "Kết quả của %(units)s đơn vị đối với %(asks)s nhiệm vụ, in thành %(tables)s bảng, mỗi bảng "
                "%(per)s nhiệm vụ; số thứ tự nhiệm vụ theo bảng Kết quả theo nhiệm vụ. Ký hiệu:"
            )
            % {"units": len(result.units), "asks": asks, "tables": len(groups), "per": GRID_ASKS_MAX}
        ]
        appendix = Appendix(title, subject, appendix_ref, _legend_table(), paragraphs=paragraphs, more_tables=groups)
        return appendix, [full]
    paragraphs = [
        _(
            "Với %(units)s đơn vị và %(asks)s nhiệm vụ, phụ lục tổng hợp kết quả theo từng đơn vị (số nhiệm vụ "
            "theo từng tình trạng). Kết quả chi tiết từng nhiệm vụ của từng đơn vị có trong tệp Excel của "
            "báo cáo này (trang “%(sheet)s”)."
        )
        % {"units": len(result.units), "asks": asks, "sheet": full.title}
    ]
    return Appendix(title, subject, appendix_ref, _unit_summary_table(result), paragraphs=paragraphs), [full]


def _header(data: dict, *, number: str, symbol: str, issuer_lines=None, parent_body="", place="") -> dict:
    cutoff = _date(data["cutoff"])
    province = data["province"]
    return {
        "parent_body": parent_body,
        "issuer_lines": issuer_lines or [_("ỦY BAN NHÂN DÂN"), _("TỈNH %(province)s") % {"province": province.upper()}],
        "number_line": number_line(number, symbol),
        "place_date": _place_date(place or province, cutoff),
        "issued_on": cutoff,
    }


def _place_date(place: str, day: datetime.date) -> str:
    """The Decree 30 line in Vietnamese; a translation of the document dates it the translated way."""
    if (get_language() or "vi").startswith("vi"):
        return place_date_line(place, day)
    return f"{place}, {date_format(day, 'j F Y')}"


def _snapshot_note(sha: str, cutoff: datetime.date) -> str:
    """The small footer line: the cut-off and a short check code (the full hash is in the file's properties)."""
    return _("Số liệu chốt đến hết ngày %(date)s · mã kiểm tra %(code)s") % {
        "date": format_date(cutoff),
        "code": sha[:16],
    }


def _signature(authority: list[str], parameters: dict, *, province: bool) -> tuple[list[str], str]:
    """The signer's title and name from the report form, else (for the province's own reports) from settings;
    "CHỦ TỊCH" signs without "KT."."""
    default_title = settings.PORTAL_REPORT_SIGNER_TITLE if province else ""
    default_name = settings.PORTAL_REPORT_SIGNER_NAME if province else ""
    title = (parameters.get("signer_title") or default_title or "").strip().upper()
    name = (parameters.get("signer_name") or default_name or "").strip()
    if title and len(authority) >= 2:
        head = authority[0]
        authority = [head, title] if title == _("CHỦ TỊCH") else [head, _("KT. CHỦ TỊCH"), title]
    elif title:
        authority = [*authority[:-1], title] if len(authority) > 1 else [title]
    return authority, name


def _signature_fields(authority: list[str], parameters: dict, *, province: bool = True) -> dict:
    signature, name = _signature(authority, parameters or {}, province=province)
    return {"signature": signature, "signer_name": name}


def _intro(data: dict, reporter: str = "") -> list[str]:
    """'Thực hiện <citations>, <reporter> báo cáo …'; the reporter is the issuing body (the province's
    People's Committee unless said otherwise)."""
    cutoff = format_date(_date(data["cutoff"]))
    reporter = reporter or _("Ủy ban nhân dân tỉnh")
    refs = data["references"]
    if refs:
        cited = "; ".join(_cite(r, proper_names=[data["province"]]) for r in refs)
        return [
            _("Thực hiện %(refs)s, %(reporter)s báo cáo kết quả thực hiện tính đến ngày %(date)s như sau:")
            % {"refs": cited, "reporter": reporter, "date": cutoff}
        ]
    return [
        _("%(reporter)s báo cáo kết quả thực hiện tính đến ngày %(date)s như sau:")
        % {"reporter": reporter[:1].upper() + reporter[1:], "date": cutoff}
    ]


def _milestone_paragraphs(data: dict) -> list[str]:
    cutoff = _date(data["cutoff"])
    result = []
    for milestone in data["milestones"]:
        day = _date(milestone["date"])
        days = (day - cutoff).days
        if days >= 0:
            result.append(
                _("%(name)s (%(date)s): còn %(days)s ngày.")
                % {"name": milestone["name"], "date": format_date(day), "days": days}
            )
        else:
            result.append(_("%(name)s (%(date)s): đã qua.") % {"name": milestone["name"], "date": format_date(day)})
    return result


def _numbered(sections: list[Section]) -> list[Section]:
    for index, section in enumerate(sections):
        section.heading = f"{ROMAN[index]}. {section.heading.upper()}"
    return sections


def _recipients(extra=()) -> list[str]:
    items = [
        _("Thường trực Tỉnh ủy (b/c)"),
        _("Thường trực HĐND tỉnh (b/c)"),
        _("Chủ tịch, các PCT UBND tỉnh"),
        *extra,
        _("Sở Nội vụ (Ban Thi đua - Khen thưởng)"),
    ]
    return [f"- {item};" for item in items] + [_("- Lưu: VT, TH.")]


def province_document(data: dict, *, sha: str, number: str = "", parameters=None) -> Document:
    parameters = parameters or {}
    result = Compliance.from_snapshot(data["compliance"])
    cutoff = _date(data["cutoff"])
    total = result.total()
    subject_name = (
        data["campaign"]["name"] if data["campaign"] else (data["references"] or [{"subject": ""}])[0]["subject"]
    )
    general = Section(_("Tình hình chung"))
    general.paragraphs.append(
        _(
            "Tổng số đơn vị phải thực hiện: %(units)s; số đơn vị đã hoàn thành đầy đủ các nhiệm vụ: %(done)s "
            "(%(percent)s). Tổng số nhiệm vụ phải thực hiện (theo đơn vị): %(cells)s, đã đạt: %(ok)s (%(cells_percent)s)."
        )
        % {
            "units": total.units,
            "done": total.compliant_units,
            "percent": _percent(total.compliant_percent),
            "cells": total.applicable,
            "ok": total.done,
            "cells_percent": _percent(total.percent),
        }
    )
    general.paragraphs.extend(_milestone_paragraphs(data))
    by_requirement = result.by_requirement()
    general.chart_svg = str(
        charts.percent_bars(
            [(r.short_label[:38], t.percent) for r, t in zip(result.requirements, by_requirement, strict=True)],
            width=560,
            bar=20,
            label_width=250,
            font_size=13,
        )
    )
    general.chart_title = _("Tỷ lệ đơn vị đạt theo nhiệm vụ")
    general.tables.append(_requirement_table(result))
    groups = Section(_("Kết quả theo loại đơn vị và địa bàn"))
    groups.tables.append(_group_table("loai-don-vi", _("Theo loại đơn vị"), _("Loại đơn vị"), result.by_kind()))
    districts = result.by_district()
    if districts:
        groups.paragraphs.append(
            _("Số liệu của mỗi huyện, thị xã, thành phố gồm cả các xã, phường, thị trấn trực thuộc.")
        )
        groups.tables.append(_group_table("dia-ban", _("Theo địa bàn"), _("Huyện, thị xã, thành phố"), districts))
    overdue = Section(_("Đơn vị chưa thực hiện, quá hạn"))
    overdue.paragraphs.extend(_overdue_paragraphs(result) or [_("Không có đơn vị quá hạn.")])
    works = Section(_("Công trình trọng điểm"))
    appendices_extra = []
    data_tables = [_overdue_table(result)] if result.overdue() else []
    if data["key_works"]:
        at_risk = [w for w in data["key_works"] if w["risk"] in AT_RISK]
        works.paragraphs.append(
            _("Tổng số công trình đăng ký: %(n)s; có nguy cơ chậm tiến độ hoặc quá hạn: %(risk)s.")
            % {"n": len(data["key_works"]), "risk": len(at_risk)}
        )
        works.tables.append(_key_works_by_area(result, data["key_works"]))
        if at_risk:
            risky = _key_works_table(at_risk)
            risky.title = _("Công trình có nguy cơ chậm tiến độ, quá hạn")
            works.tables.append(risky)
        if len(data["key_works"]) <= KEY_WORKS_IN_PDF_MAX:
            works.paragraphs.append(_("Danh sách đầy đủ và tiến độ từng công trình tại Phụ lục II."))
            appendices_extra.append(_key_works_table(data["key_works"]))
        else:
            # Hundreds of table rows would double the PDF's build time; the list stays in the XLSX.
            works.paragraphs.append(
                _("Danh sách đầy đủ và tiến độ từng công trình trong tệp Excel và Báo cáo công trình trọng điểm.")
            )
            data_tables.append(_key_works_table(data["key_works"]))
    else:
        works.paragraphs.append(_("Chưa có công trình trọng điểm được đăng ký."))
    themes = Section(_("Chủ điểm thi đua cần đột phá, lĩnh vực khó khăn"))
    if data["themes"]:
        themes.tables.append(_themes_summary(data["themes"]))
        data_tables.append(_themes_table(data["themes"]))
    else:
        themes.paragraphs.append(_("Chưa có đăng ký."))
    header = _header(data, number=number, symbol="BC-UBND")
    appendix_ref = _("(Kèm theo Báo cáo số %(number)s/BC-UBND ngày %(date)s của Ủy ban nhân dân tỉnh)") % {
        "number": number or "\u00a0" * 6,
        "date": format_date(cutoff),
    }
    matrix_appendix, matrix_data = _matrix_appendix(result, appendix_ref)
    return Document(
        **header,
        doc_type_name=_("BÁO CÁO"),
        subject=_("Kết quả thực hiện %(subject)s") % {"subject": subject_name},
        intro=_intro(data),
        sections=_numbered([general, groups, overdue, works, themes]),
        closing=[
            _(
                "Ủy ban nhân dân tỉnh báo cáo để Thường trực Tỉnh ủy, Thường trực Hội đồng nhân dân tỉnh "
                "biết, chỉ đạo./."
            )
        ],
        recipients=_recipients(),
        **_signature_fields([_("TM. ỦY BAN NHÂN DÂN"), _("KT. CHỦ TỊCH"), _("PHÓ CHỦ TỊCH")], parameters),
        snapshot_note=_snapshot_note(sha, cutoff),
        appendices=[matrix_appendix]
        + [
            Appendix(_("Phụ lục II"), _("DANH SÁCH CÔNG TRÌNH TRỌNG ĐIỂM"), appendix_ref, table, landscape=False)
            for table in appendices_extra
        ],
        data_tables=matrix_data + data_tables,
        title=_("Báo cáo kết quả thực hiện %(subject)s") % {"subject": subject_name},
    )


def unit_document(data: dict, *, sha: str, number: str = "", parameters=None) -> Document:
    parameters = parameters or {}
    result = Compliance.from_snapshot(data["compliance"])
    cutoff = _date(data["cutoff"])
    scope = data["scope"]
    rows = []
    for index, cell in enumerate(result.row(scope["id"]), 1):
        if not cell.applies:
            continue
        titles = "; ".join(
            f.title for f in cell.filings if f.title and f.status != ReviewStatus.DRAFT
        )  # drafts stay private
        rows.append([index, cell.requirement.short_label, cell.requirement.deadline, _state_value(cell), titles])
    table = Table(
        "nhiem-vu",
        _("Kết quả theo nhiệm vụ"),
        [
            Column(_("TT"), 10, "center"),
            Column(_("Nhiệm vụ"), 46),
            Column(_("Thời hạn"), 23, "center"),
            Column(_("Kết quả"), 38, "center"),
            Column(_("Hồ sơ đã nộp"), 48),
        ],
        rows,
    )
    done = sum(1 for r in rows if r[3].state == CellState.ACCEPTED)
    general = Section(
        _("Kết quả thực hiện các nhiệm vụ"),
        paragraphs=[_("Đơn vị phải thực hiện %(n)s nhiệm vụ, đã đạt %(done)s.") % {"n": len(rows), "done": done}],
        tables=[table],
    )
    sections = [general]
    if data["key_works"]:
        sections.append(Section(_("Công trình trọng điểm"), tables=[_key_works_table(data["key_works"])]))
    if data["themes"]:
        sections.append(
            Section(_("Chủ điểm thi đua cần đột phá, lĩnh vực khó khăn"), tables=[_themes_table(data["themes"])])
        )
    parent = ""
    local = scope["kind"] in (UnitKind.DISTRICT, UnitKind.COMMUNE)
    # "Huyện Krông Pắc" inside a sentence: "huyện Krông Pắc".
    place_name = scope["name"][:1].lower() + scope["name"][1:]
    if local:
        # A district's or commune's report is issued by its People's Committee, dated at that place.
        issuer_lines = [_("ỦY BAN NHÂN DÂN"), scope["name"].upper()]
        symbol, place = "BC-UBND", scope.get("short_name") or data["province"]
        reporter = _("Ủy ban nhân dân %(unit)s") % {"unit": place_name}
        about = _("trên địa bàn %(unit)s") % {"unit": place_name}
        signature = [_("TM. ỦY BAN NHÂN DÂN"), _("CHỦ TỊCH")]
    else:
        reporter = scope["name"]
        about = _("của %(unit)s") % {"unit": scope["name"]}
        signature = [_("THỦ TRƯỞNG ĐƠN VỊ")]
        parent = _("ỦY BAN NHÂN DÂN TỈNH %(province)s") % {"province": data["province"].upper()}
        issuer_lines = [scope["name"].upper()]
        # A department's symbol is type + its abbreviation, e.g. "BC-STC" for the Department of Finance.
        symbol, place = f"BC-{scope['code'].split('-')[-1]}", data["province"]
    header = _header(
        data,
        number=number,
        symbol=parameters.get("symbol") or symbol,
        issuer_lines=issuer_lines,
        parent_body=parent,
        place=place,
    )
    subject_name = data["campaign"]["name"] if data["campaign"] else data["references"][0]["subject"]
    return Document(
        **header,
        doc_type_name=_("BÁO CÁO"),
        subject=_("Kết quả thực hiện %(subject)s %(about)s") % {"subject": subject_name, "about": about},
        intro=_intro(data, reporter=reporter)[:1],
        sections=_numbered(sections),
        closing=[_("Trên đây là báo cáo kết quả thực hiện của đơn vị./.")],
        recipients=[_("- UBND tỉnh (b/c);"), _("- Sở Nội vụ (Ban Thi đua - Khen thưởng);"), _("- Lưu: VT.")],
        **_signature_fields(signature, parameters, province=False),
        snapshot_note=_snapshot_note(sha, cutoff),
        title=_("Báo cáo của %(unit)s") % {"unit": scope["name"]},
    )


def key_works_document(data: dict, *, sha: str, number: str = "", parameters=None) -> Document:
    parameters = parameters or {}
    cutoff = _date(data["cutoff"])
    works = data["key_works"]
    at_risk = [w for w in works if w["risk"] in AT_RISK]
    summary = Section(
        _("Tình hình chung"),
        paragraphs=[
            _("Tổng số công trình đăng ký: %(n)s; có nguy cơ chậm tiến độ: %(risk)s.")
            % {"n": len(works), "risk": len(at_risk)},
            *_milestone_paragraphs(data),
        ],
    )
    risks = {}
    for work in works:
        risks[work["risk"]] = risks.get(work["risk"], 0) + 1
    summary.tables.append(
        Table(
            "tinh-trang",
            _("Theo tình trạng"),
            [Column(_("Tình trạng"), 80), Column(_("Số công trình"), 30, "right")],
            [[_risk_label(code), n] for code, n in sorted(risks.items())],
        )
    )
    detail = Section(_("Danh sách công trình"))
    if works:
        detail.tables.append(_key_works_table(works))
    else:
        detail.paragraphs.append(_("Chưa có công trình trọng điểm được đăng ký."))
    risk = Section(_("Công trình có nguy cơ chậm tiến độ"))
    if at_risk:
        risk.tables.append(_key_works_table(at_risk))
    else:
        risk.paragraphs.append(_("Không có công trình nào có nguy cơ chậm tiến độ."))
    header = _header(data, number=number, symbol="BC-UBND")
    subject_name = data["campaign"]["name"] if data["campaign"] else data["references"][0]["subject"]
    return Document(
        **header,
        doc_type_name=_("BÁO CÁO"),
        subject=_("Tình hình các công trình trọng điểm thuộc %(subject)s") % {"subject": subject_name},
        intro=_intro(data),
        sections=_numbered([summary, detail, risk]),
        closing=[_("Ủy ban nhân dân tỉnh báo cáo để Thường trực Tỉnh ủy biết, chỉ đạo./.")],
        recipients=_recipients(),
        **_signature_fields([_("TM. ỦY BAN NHÂN DÂN"), _("KT. CHỦ TỊCH"), _("PHÓ CHỦ TỊCH")], parameters),
        snapshot_note=_snapshot_note(sha, cutoff),
        title=_("Báo cáo công trình trọng điểm"),
    )


def _emulation_memo(data: dict, **kwargs) -> Document:
    from ..emulation_memo import memo_document  # local import: emulation_memo imports this module

    return memo_document(data, **kwargs)


BUILDERS = {
    "province_compliance": province_document,
    "unit_report": unit_document,
    "key_works": key_works_document,
    "emulation_memo": _emulation_memo,
}


def build_document(kind: str, data: dict, *, sha: str, number: str = "", parameters=None) -> Document:
    document = BUILDERS[kind](data, sha=sha, number=number, parameters=parameters)
    document.subject = nfc(document.subject)
    document.sha256 = sha
    return document
