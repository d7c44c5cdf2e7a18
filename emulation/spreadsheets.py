"""A criteria table as XLSX: export, and import checked row by row (nothing imported until clean)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from campaign_portal.core.spreadsheets import workbook_bytes
from directives.models import Requirement

from . import evidence
from .models import CriteriaTable, Criterion, CriterionKind

HEADERS = [
    ("section", "Phần"),
    ("code", "Mã"),
    ("title", "Tiêu chí"),
    ("kind", "Loại (score/bonus/penalty)"),
    ("max_points", "Điểm tối đa"),
    ("guidance", "Hướng dẫn chấm"),
    ("evidence_required", "Minh chứng cần có"),
    ("evidence_kind", "Liên kết minh chứng"),
    ("requirement", "Mã nhiệm vụ liên kết"),
]


def export_table(table: CriteriaTable) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tieu chi"
    for col, (_key, label) in enumerate(HEADERS, 1):
        cell = sheet.cell(row=1, column=col, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    criteria = Criterion.objects.filter(section__table=table).select_related("section")
    for row, criterion in enumerate(criteria, 2):
        values = [
            criterion.section.title,
            criterion.code,
            criterion.title,
            criterion.kind,
            float(criterion.max_points),
            criterion.guidance,
            criterion.evidence_required,
            criterion.evidence_kind,
            criterion.requirement_id,
        ]
        for col, value in enumerate(values, 1):
            sheet.cell(row=row, column=col, value=value)
    for letter, width in zip("ABCDEFGHI", (30, 8, 50, 12, 10, 40, 30, 24, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)


class ImportErrors(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def parse_table(stream) -> list[dict]:
    """Sections with their criteria, in file order; ImportErrors lists every bad row by its number."""
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportErrors([_("Không đọc được tệp XLSX.")]) from exc
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or _text(rows[0][0]) != HEADERS[0][1]:
        raise ImportErrors([_("Dòng 1 phải là tiêu đề cột như tệp mẫu tải về (Phần, Mã, Tiêu chí, …).")])
    sections: dict[str, list] = {}
    errors = []
    requirement_ids = set(Requirement.objects.values_list("pk", flat=True))
    kinds = set(CriterionKind.values)
    for number, raw in enumerate(rows[1:], 2):
        values = {key: raw[i] if i < len(raw) else None for i, (key, _label) in enumerate(HEADERS)}
        if not any(_text(v) for v in values.values()):
            continue
        item, problem = _criterion(values, kinds, requirement_ids)
        if problem:
            errors.append(_("Dòng %(row)s: %(problem)s") % {"row": number, "problem": problem})
            continue
        sections.setdefault(_text(values["section"]), []).append(item)
    if errors:
        raise ImportErrors(errors)
    if not sections:
        raise ImportErrors([_("Tệp không có tiêu chí nào.")])
    return [{"title": title, "criteria": items} for title, items in sections.items()]


def _criterion(values: dict, kinds, requirement_ids) -> tuple[dict, str]:
    title, section = _text(values["title"]), _text(values["section"])
    if not section or not title:
        return {}, _("cần có tên phần và tên tiêu chí.")
    kind = _text(values["kind"]) or CriterionKind.SCORE
    if kind not in kinds:
        return {}, _("loại “%(kind)s” không hợp lệ (score, bonus hoặc penalty).") % {"kind": kind}
    try:
        max_points = Decimal(str(values["max_points"]).replace(",", "."))
    except (InvalidOperation, TypeError):
        return {}, _("điểm tối đa “%(value)s” không phải là số.") % {"value": _text(values["max_points"])}
    if max_points < 0 or max_points >= 10000:
        return {}, _("điểm tối đa phải từ 0 đến 9999.")
    link = _text(values["evidence_kind"])
    if link and evidence.get_kind(link) is None:
        return {}, _("liên kết minh chứng “%(link)s” không có (%(known)s).") % {
            "link": link,
            "known": ", ".join(evidence.EVIDENCE_KINDS),
        }
    requirement = _text(values["requirement"])
    requirement_id = None
    if requirement:
        try:
            requirement_id = int(float(requirement))
        except ValueError:
            requirement_id = -1
        if requirement_id not in requirement_ids:
            return {}, _("không có nhiệm vụ mã %(id)s.") % {"id": requirement}
    if link and requirement_id is None:
        return {}, _("tiêu chí liên kết minh chứng cần mã nhiệm vụ.")
    return {
        "code": _text(values["code"])[:20],
        "title": title[:500],
        "kind": kind,
        "max_points": max_points.quantize(Decimal("0.01")),
        "guidance": _text(values["guidance"]),
        "evidence_required": _text(values["evidence_required"])[:500],
        "evidence_kind": link,
        "requirement_id": requirement_id,
    }, ""
