"""Turning a parsed letter into form data: requirement rows, issuer guess, body text, uploaded files.

Pure functions over `directives.parsing` output; the services and views call them.
"""

import datetime
import io
import re
from dataclasses import dataclass

import docx
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from campaign_portal.core.models import Unit, UnitKind
from campaign_portal.core.text import cut_at_word, fold, nfc
from campaign_portal.core.uploads import validate_upload

from .models import RequirementKind
from .parsing import extract_deadlines, extract_quotas, normalise_text

IMPORT_KINDS = ("txt", "docx", "pdf", "jpeg", "png", "tiff")
TITLE_MAX = 80
IMPORT_MAX_BYTES = 20 * 1024 * 1024

# Folded wording → requirement kind; the first that matches wins (most specific first).
KIND_WORDING = [
    (RequirementKind.KEY_WORKS, ("cong trinh trong diem",)),
    (RequirementKind.BREAKTHROUGH_THEME, ("chu diem thi dua can dot pha", "can dot pha", "chu diem thi dua")),
    (RequirementKind.DIFFICULT_FIELD, ("phuc tap, kho khan", "kho khan, phuc tap", "phuc tap", "kho khan")),
    (RequirementKind.DISSEMINATION, ("quan triet",)),
    (RequirementKind.EMULATION_PLAN, ("ke hoach phat dong", "xay dung ke hoach")),
    (RequirementKind.REPORT, ("bao cao",)),
]
FIELD_UNITS = [UnitKind.COMMUNE, UnitKind.DEPARTMENT, UnitKind.AGENCY]
KIND_APPLIES_TO = {
    RequirementKind.KEY_WORKS: [UnitKind.DISTRICT],
    RequirementKind.BREAKTHROUGH_THEME: FIELD_UNITS,
    RequirementKind.DIFFICULT_FIELD: FIELD_UNITS,
}
# Folded wording naming unit kinds (in an item or an addressee line) → kinds.
UNIT_WORDING = [
    (re.compile(r"\bso, ban, nganh\b|\bcac so\b|\bsở ban ngành\b"), [UnitKind.DEPARTMENT, UnitKind.AGENCY]),
    (re.compile(r"\bhuyen, thi xa, thanh pho\b|\bcac huyen\b|\bmoi huyen\b"), [UnitKind.DISTRICT]),
    (re.compile(r"\bxa, phuong\b|\bcac xa\b|\bmoi xa\b"), [UnitKind.COMMUNE]),
]
_SENTENCE_SPLIT = re.compile(r"(?<=[.;])\s+(?=[A-ZÀ-Ỹ0-9Đ])")


def kind_of(text: str) -> str:
    folded = fold(text)
    for kind, words in KIND_WORDING:
        if any(word in folded for word in words):
            return kind
    return RequirementKind.OTHER


def unit_kinds_named(text: str) -> list[str]:
    folded = fold(text)
    kinds: list[str] = []
    for pattern, named in UNIT_WORDING:
        if pattern.search(folded):
            kinds.extend(k for k in named if k not in kinds)
    return kinds


def addressee_kinds(addressees: list[str]) -> list[str]:
    kinds: list[str] = []
    for line in addressees or []:
        kinds.extend(k for k in unit_kinds_named(line) if k not in kinds)
    return [str(k) for k in kinds]


@dataclass
class _Segment:
    text: str
    quota: dict | None


def _segments(text: str, quotas: list[dict]) -> list[_Segment]:
    """Split an item at sentence ends so that each quota gets the sentence(s) that ask for it."""
    if len(quotas) <= 1:
        return [_Segment(text, quotas[0] if quotas else None)]
    segments: list[_Segment] = []
    remaining = list(quotas)
    for sentence in (s for s in _SENTENCE_SPLIT.split(text) if s.strip()):
        found = min(len(extract_quotas(sentence)), len(remaining))
        if found:
            segments.extend(_Segment(sentence, remaining.pop(0)) for _ in range(found))
        elif segments:
            segments[-1].text = f"{segments[-1].text} {sentence}"
        else:
            segments.append(_Segment(sentence, None))
    if len(segments) > 1 and segments[0].quota is None:  # a lead-in sentence belongs to the first ask
        lead = segments.pop(0)
        segments[0].text = f"{lead.text} {segments[0].text}"
    segments.extend(_Segment(text, quota) for quota in remaining)  # never lose a quota
    return segments


class UnitMatcher:
    """Unit names as letters write them, matched to today's unit tree (one query, on first use).

    Accents, case and "Ủy ban nhân dân"/"UBND" are folded; "Giám đốc Sở X" is Sở X; a unit no
    longer in force (valid_to passed) is not proposed.
    """

    def __init__(self, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self._names: dict[str, Unit] | None = None

    @staticmethod
    def key(name: str) -> str:
        folded = fold(name).replace("uy ban nhan dan", "ubnd").replace("(", " ").replace(")", " ")
        return " ".join(re.sub(r"[^\w\s]", " ", folded).split())

    def _index(self) -> dict[str, Unit]:
        if self._names is None:
            units = Unit.objects.exclude(kind=UnitKind.PROVINCE).filter(is_active=True)
            units = units.exclude(valid_to__lte=self.today).only("pk", "name", "short_name", "kind", "path", "code")
            self._names = {}
            for unit in units.order_by("-depth", "path"):  # the higher unit wins a shared name
                for label in (unit.name, unit.short_name):
                    if label:
                        self._names[self.key(label)] = unit
        return self._names

    def match(self, name: str | None) -> Unit | None:
        if not name:
            return None
        key = self.key(name)
        names = self._index()
        return names.get(key) or names.get(re.sub(r"\s+(?:tinh|dak lak)$", "", key)) or names.get(f"{key} tinh")


def schedule_fields(item: dict, matcher: UnitMatcher) -> dict:
    """Form initial values for how the item asks: recurrence, due days, relative deadline, units."""
    recurrence = item.get("recurrence") or {}
    relative = item.get("relative_deadline") or {}
    lead = matcher.match(item.get("lead_unit"))
    cooperating = []
    unmatched = []
    for name in item.get("cooperating_units") or []:
        unit = matcher.match(name)
        if unit and unit != lead and unit.pk not in cooperating:
            cooperating.append(unit.pk)
        elif unit is None and not fold(name).startswith(("cac ", "nhung ", "moi ")):  # "các cơ quan liên quan"
            unmatched.append(name)
    return {
        "recurrence": recurrence.get("every") or "none",
        "due_days": "; ".join(recurrence.get("due") or []),
        "due_next_period": bool(recurrence.get("next_period")),
        "relative_days": relative.get("days"),
        "relative_from": relative.get("counted_from") or "",
        "relative_working_days": bool(relative.get("working_days")),
        "lead_unit": lead.pk if lead else None,
        "cooperating_units": cooperating,
        # Not form fields: what the import page warns about.
        "lead_unit_name": item.get("lead_unit") or "",
        "unmatched_units": ([item["lead_unit"]] if item.get("lead_unit") and lead is None else []) + unmatched,
        "source_line": item.get("line"),
    }


def requirements_from_parsed(parsed, matcher: UnitMatcher | None = None) -> list[dict]:
    """Requirement rows from a parse: one per quota of an item (sharing its ordinal), else one per item.

    Each row: ordinal, position, kind, title, text, applies_to, deadline (ISO or None), quota_min,
    quota_max. The kind comes from the wording around each quota; applies_to from the kind
    (key works → districts; themes and difficult fields → communes, departments, agencies),
    else from unit kinds the item names, else from the addressees. Plus the schedule fields of
    `schedule_fields` (recurrence, due days, relative deadline, lead and co-operating units).
    """
    data = parsed.as_dict() if hasattr(parsed, "as_dict") else dict(parsed)
    from_addressees = addressee_kinds(data.get("addressees") or [])
    matcher = matcher or UnitMatcher()
    rows = []
    for item in data.get("requirements") or []:
        item_text = item.get("text") or ""
        item_kind = kind_of(item_text)
        item_deadlines = item.get("deadlines") or []
        asks = schedule_fields(item, matcher)
        for segment in _segments(item_text, list(item.get("quotas") or [])):
            kind = kind_of(segment.text) if segment.quota else item_kind
            if kind == RequirementKind.OTHER:
                kind = item_kind
            own_deadlines, _warnings = extract_deadlines(segment.text)
            applies_to = KIND_APPLIES_TO.get(kind) or unit_kinds_named(segment.text) or from_addressees
            rows.append(
                {
                    "ordinal": item.get("ordinal") or "",
                    "position": len(rows) + 1,
                    "kind": str(kind),
                    "title": "" if kind != RequirementKind.OTHER else short_title(segment.text),
                    "text": segment.text.strip(),
                    "applies_to": [str(k) for k in applies_to],
                    "deadline": _date((own_deadlines or item_deadlines or [None])[0]),
                    "quota_min": segment.quota.get("min") if segment.quota else None,
                    "quota_max": segment.quota.get("max") if segment.quota else None,
                    **asks,
                }
            )
    return rows


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def short_title(text: str, limit: int = TITLE_MAX) -> str:
    """At most `limit` characters, cut at a word (at a comma or semicolon when one is near the end)."""
    return cut_at_word(text, limit)


# --- the rest of the form ------------------------------------------------------------------

_RECIPIENTS = re.compile(r"^\s*(nơi nhận|noi nhan)\s*:?", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(T/?M\.?|TM\.|KT\.|Q\.|TL\.|TUQ\.)\s*[A-ZÀ-ỸĐ ]+$")


def body_from_text(text: str, parsed) -> str:
    """The letter's body: after the addressees (or the date line), up to 'Nơi nhận'."""
    data = parsed.as_dict() if hasattr(parsed, "as_dict") else dict(parsed)
    lines = normalise_text(text or "").split("\n")
    start = 0
    anchors = list(data.get("addressees") or [])[-1:] or ([data["subject"]] if data.get("subject") else [])
    after = next((i for i, line in enumerate(lines[:80]) if fold(line).startswith("kinh gui")), 0)
    for anchor in anchors:
        tail = " ".join(anchor.split())[-15:]
        start = next((i + 1 for i in range(after, min(len(lines), 80)) if tail and tail in lines[i]), start)
    if start == 0:
        start = next((i + 1 for i, line in enumerate(lines[:60]) if re.search(r"ngày\s+\d", line)), 0)
    end = next(
        (i for i in range(start, len(lines)) if _RECIPIENTS.match(lines[i]) or _SIGNATURE.match(lines[i])), len(lines)
    )
    paragraphs = []
    for line in lines[start:end]:
        if line or (paragraphs and paragraphs[-1]):
            paragraphs.append(line)
    return "\n".join(paragraphs).strip()


def guess_issuer(issuer_text: str | None) -> Unit | None:
    """The unit named last in the header (the issuing body comes after its parent), longest name first.

    "UBND TỈNH ĐẮK LẮK / SỞ NỘI VỤ" → Sở Nội vụ; "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" → the province
    (not "Huyện Lắk", whose short name "Lắk" also ends the line but is shorter).
    """
    folded = fold(issuer_text or "").replace("uy ban nhan dan", "ubnd")
    if not folded:
        return None
    best, best_score = None, (-1, -1)
    candidates = Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.DEPARTMENT, UnitKind.DISTRICT])
    for unit in candidates.only("pk", "name", "short_name", "depth", "kind", "path", "code"):
        for label in (unit.name, unit.short_name):
            name = fold(label).replace("uy ban nhan dan", "ubnd")
            found = [m.end() for m in re.finditer(rf"\b{re.escape(name)}\b", folded)] if name else []
            if found:
                score = (found[-1], len(name))
                if score > best_score:
                    best, best_score = unit, score
    return best


def read_uploaded_text(uploaded) -> str:
    """The text of an uploaded .txt, .docx or .pdf for import; ValidationError with a clear message."""
    kind = validate_upload(uploaded, kinds=IMPORT_KINDS, max_bytes=IMPORT_MAX_BYTES)
    uploaded.seek(0)
    data = uploaded.read()
    try:
        if kind == "txt":
            return nfc(data.decode("utf-8-sig", errors="replace"))
        if kind == "docx":
            return _docx_text(data)
        return _pdf_text(data)
    except ValidationError:
        raise
    except Exception as exc:  # a corrupt file must not become a 500
        raise ValidationError(
            _("Không đọc được nội dung tệp “%(name)s”; hãy dán nội dung văn bản vào ô bên dưới.")
            % {"name": uploaded.name}
        ) from exc


def _docx_text(data: bytes) -> str:
    """Paragraphs and table cells in document order (letter headers are often a two-column table)."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag.endswith("}tbl"):
            for row in Table(child, document).rows:
                for cell in row.cells:
                    lines.extend(p.text for p in cell.paragraphs)
    return nfc("\n".join(lines))


def pdf_text_layer(uploaded) -> str:
    """The text layer of an uploaded PDF, "" when it has none (a scan); ValidationError when it is corrupt."""
    uploaded.seek(0)
    try:
        return _pdf_text(uploaded.read())
    except ValidationError as exc:
        if getattr(exc, "code", None) == "no_text_layer":
            return ""
        raise
    except Exception as exc:  # a corrupt file must not become a 500
        raise ValidationError(
            _("Không đọc được nội dung tệp “%(name)s”; hãy dán nội dung văn bản vào ô bên dưới.")
            % {"name": uploaded.name}
        ) from exc


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join((page.extract_text() or "") for page in reader.pages[:50])
    if not text.strip():
        raise ValidationError(
            _("Tệp PDF không có lớp chữ (có thể là bản quét); hãy dán nội dung văn bản."), code="no_text_layer"
        )
    return nfc(text)
