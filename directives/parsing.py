"""Read a Vietnamese administrative document's text into structured fields.

Two layouts are understood (see ``/work/shared/domain/DOCUMENT-FORMAT.md``):

* State documents (Decree 30/2020/NĐ-CP): ``Số: 15/BC-UBND``, header
  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" on the right;
* Party documents (Guidance 36-HD/VPTW): ``Số 126-KH/TU`` without a colon,
  "ĐẢNG CỘNG SẢN VIỆT NAM" on the right.

The text usually comes from a .docx/.pdf/.txt export, so it is noisy: markdown
emphasis (``**7019**``), NFD accents, CRLF, non-breaking spaces, the two header
columns as separate paragraphs or interleaved on one line. Everything is
normalised first (:func:`normalise_text`), then the header, references and the
numbered requirements are read line by line.

The parser never raises on any text: what it cannot find is ``None``/``[]`` and
explained in ``warnings`` (Vietnamese, meant for the person importing).

Decisions (QUYẾT ĐỊNH) are enacted by articles: ``Điều 1.``, ``Điều 2.`` become
requirements with ordinals "Điều 1", "Điều 2", and the clauses ``1.``, ``2.``
inside an article stay in that article's text (article > clause > point).

Standard library only: this module must not import Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date as _date

from .parsing_asks import (
    FOLLOW_UP_RE,
    Recurrence,
    RelativeDeadline,
    Signer,
    extract_assignment,
    extract_recurrence,
    extract_relative_deadline,
    page_furniture,
    read_signer,
)

DOC_TYPES = (
    "cong_van",
    "ke_hoach",
    "chi_thi",
    "thong_bao",
    "quyet_dinh",
    "huong_dan",
    "bao_cao",
    "nghi_quyet",
    "to_trinh",
    "other",
)

# The keys of ParsedDocument.as_dict(), i.e. of the parse_directive command's JSON, in order.
OUTPUT_KEYS = (
    "issuer",
    "number",
    "doc_type",
    "place",
    "date",
    "subject",
    "addressees",
    "references",
    "requirements",
    "signer",
    "source_lines",
    "warnings",
)

# Type abbreviations of Appendix I (plus the Party's "CV", "KL", "QĐi").  The
# ones without their own doc_type are still listed so that they map to "other"
# rather than being mistaken for an issuer code (which would make a công văn).
_TYPE_CODES = {
    "NQ": "nghi_quyet",
    "QĐ": "quyet_dinh",
    "QD": "quyet_dinh",
    "CT": "chi_thi",
    "TB": "thong_bao",
    "HD": "huong_dan",
    "KH": "ke_hoach",
    "BC": "bao_cao",
    "TTR": "to_trinh",
    "CV": "cong_van",
    **dict.fromkeys(
        ("QC", "QĐI", "QY", "CTR", "PA", "ĐA", "DA", "BB", "CĐ", "CD", "GM", "TT", "NĐ", "ND", "KL", "GXN", "GUQ"),
        "other",
    ),
}

# The type name printed as the title of a typed document (capitals, own line).
_TITLE_TYPES = {
    "KẾ HOẠCH": "ke_hoach",
    "CHỈ THỊ": "chi_thi",
    "THÔNG BÁO": "thong_bao",
    "QUYẾT ĐỊNH": "quyet_dinh",
    "HƯỚNG DẪN": "huong_dan",
    "BÁO CÁO": "bao_cao",
    "NGHỊ QUYẾT": "nghi_quyet",
    "TỜ TRÌNH": "to_trinh",
    "CÔNG VĂN": "cong_van",
    **dict.fromkeys(
        ("CHƯƠNG TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "ĐỀ ÁN", "PHƯƠNG ÁN", "BIÊN BẢN", "GIẤY MỜI", "CÔNG ĐIỆN", "KẾT LUẬN"),
        "other",
    ),
}

# The word in front of "số" when a document is cited ("Kế hoạch số 126-KH/TU").
_REFERENCE_KINDS = {
    "kế hoạch": "ke_hoach",
    "chỉ thị": "chi_thi",
    "công văn": "cong_van",
    "tờ trình": "to_trinh",
    "nghị quyết": "nghi_quyet",
    "thông báo": "thong_bao",
    "quyết định": "quyet_dinh",
    "hướng dẫn": "huong_dan",
    "báo cáo": "bao_cao",
    **dict.fromkeys(
        ("chương trình", "nghị định", "thông tư", "quy chế", "quy định", "kết luận", "đề án", "công điện"),
        "other",
    ),
}

# Lines beyond this are never header lines; it bounds every header search.
_HEADER_WINDOW = 60

# --- normalisation ---------------------------------------------------------------------------

# Every kind of line separator a .txt/.pdf export may carry becomes "\n".
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\n"))
# Control (Cc), format (Cf: BOM, zero-width, soft hyphen) and lone surrogate (Cs) code points
# carry no text and would break regexes or JSON output.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# Legacy TCVN3/VNI conversions write Icelandic eth (Ð, U+00D0) for Đ; NFC does not fix it.
_CONFUSABLES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ"})
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")  # pandoc writes "1\." and "\-"
_MD_HEADING_RE = re.compile(r"^[^\S\n]*#{1,6}[^\S\n]+", re.MULTILINE)
_MD_BULLET_RE = re.compile(r"^([^\S\n]*)[*•●▪◦][^\S\n]+", re.MULTILINE)
_MD_EMPHASIS_RE = re.compile(r"\*+|_{2,}")
# A single "_" is italic markup unless it joins two letters/digits (snake_case).
_MD_UNDERSCORE_RE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_SPACES_RE = re.compile(r"[^\S\n]+")  # tabs, nbsp, thin spaces ... but not newlines
# Horizontal rules under the issuer / subject ("-----", "___"): layout, not text.
_RULE_LINE_RE = re.compile(r"^[-–—_=~.·]{3,}$")

# --- header ----------------------------------------------------------------------------------

_MOTTO_RE = re.compile(
    r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc"
    r"|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|ĐOÀN\s+TNCS\s+HỒ\s+CHÍ\s+MINH",
    re.IGNORECASE,
)
# Markings that can sit above the header but are not the issuing body.
_NOT_ISSUER_RE = re.compile(r"^(?:DỰ\s+THẢO|MẬT|TỐI\s+MẬT|TUYỆT\s+MẬT|KHẨN|THƯỢNG\s+KHẨN|HỎA\s+TỐC|HOẢ\s+TỐC)\b")
_LEVEL = r"(?:TỈNH|THÀNH\s+PHỐ|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN|ĐẶC\s+KHU)"
_HAS_LEVEL_RE = re.compile(rf"(?<!\w){_LEVEL}(?!\w)")
_ENDS_WITH_LEVEL_RE = re.compile(rf"(?<!\w){_LEVEL}$")
# "TỈNH ĐẮK LẮK" names a place; "TỈNH ỦY" (Party committee) and "TỈNH ĐOÀN" (Youth Union) name bodies.
_STARTS_WITH_PLACE_RE = re.compile(rf"^{_LEVEL}\s+(?!(?:ỦY|UỶ|ĐOÀN)(?!\w))\S")

# "Số: 7019 /UBND-TH", "Số 126-KH/TU", "Số:      /BC-UBND" (draft), "Số: 07/2020/TT-BNV".
_NUMBER_LINE_RE = re.compile(
    r"^(?:Số|SỐ)\s*:?\s*(?P<digits>\d*)(?P<year>\s*/\s*\d{4}(?=\s*/))?\s*(?P<sep>[/-])\s*"
    r"(?P<symbol>[^\W\d_]\w*(?:\s*[-/]\s*[^\W_]+)*)"
)
# Party numbers put the type first: "126-KH/TU" -> KH.
_PARTY_SYMBOL_RE = re.compile(r"^\d*-(?P<code>[^\W\d_]+)/")
_PLACE_DATE_RE = re.compile(
    r"(?:(?P<place>[^\W\d_][^\d,;:()/]{0,48}?)\s*,\s*)?"
    r"ngày(?:\s+(?P<day>\d{1,2}))?\s+tháng(?:\s+(?P<month>\d{1,2}))?\s+năm(?:\s+(?P<year>\d{4}))?"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)
_VV_RE = re.compile(r"^V/[vV]\b\s*[.:]?\s*(?P<rest>.*)$")
_SUBJECT_PREFIX_RE = re.compile(r"^(?:V/v|Về\s+việc)\b\s*[.:]?\s*", re.IGNORECASE)
_KINH_GUI_RE = re.compile(r"^Kính\s+g[ửở]i\b\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
# Lines that end a subject or are obviously not an addressee.
_SUBJECT_STOP_RE = re.compile(r"^(?:Kính\s+g[ửở]i|Căn\s+cứ|Xét\s+đề\s+nghị|Nơi\s+nhận|Điều\s+\d)", re.IGNORECASE)

# --- body ------------------------------------------------------------------------------------

_RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\b", re.IGNORECASE)
_SIGNATURE_RE = re.compile(
    r"^(?:TM\.|T/M|KT\.|K/T|TL\.|T/L|TUQ\.|Q\.)\s*\S"
    r"|^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BÍ\s+THƯ(?:\s+THƯỜNG\s+TRỰC)?|CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN)$"
)
_ROMAN_RE = re.compile(r"^(?P<roman>[IVX]{1,6})\s*[.)]\s*(?P<title>.*)$")
# "1." / "1)" followed by a space, a letter or nothing: "1.1." (sub-clause) and "1.5 tỷ" are not items.
_ITEM_RE = re.compile(r"^(?P<num>\d{1,2})\s*[.)](?=\s|[^\W\d_]|$)\s*(?P<text>.*)$")
_ARTICLE_RE = re.compile(r"^Điều\s+(?P<num>\d{1,3})\s*[.:]\s*(?P<text>.*)$")
# Lettered points "a)", numbered sub-clauses "1.1." and bullets all belong to the open item.
_SUB_ITEM_RE = re.compile(r"^(?:[a-zđ]\s*[).]\s|\d{1,2}\.\d{1,2}\.?\s|[-–—+•]\s*\S)")
_BULLET_RE = re.compile(r"^[-–—+•]\s*")
_SENTENCE_END = (".", ";", ":", "!", "?")
# The paragraph after the last item that closes the document; it asks nothing new.
_CLOSING_RE = re.compile(
    r"\./\.\s*$"  # "./." is the conventional end-of-text mark
    r"|^(?:Trên\s+đây|Trong\s+quá\s+trình|Quá\s+trình\s+(?:triển\s+khai|thực\s+hiện)|Nhận\s+được"
    r"|(?:Kế\s+hoạch|Thông\s+báo|Công\s+văn|Văn\s+bản|Quyết\s+định)\s+này)(?!\w)"
    r"|^(?:[^.;:]{0,80}\s)?(?:yêu\s+cầu|đề\s+nghị)\s[^.;:]{0,200}\s(?:triển\s+khai\s+)?thực\s+hiện"
    r"(?:\s+(?:nghiêm\s+túc|có\s+hiệu\s+quả|kịp\s+thời|tốt))?\s*\.$",
    re.IGNORECASE,
)

# --- dates, deadlines, quotas, references ----------------------------------------------------

_DATE_NUMERIC = r"\d{1,2}/\d{1,2}(?:/\d{4})?"
_DATE_LONG = r"\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
_DATE_PARTS_RE = re.compile(
    r"(?P<day>\d{1,2})(?:/|\s+tháng\s+)(?P<month>\d{1,2})(?:(?:/|\s+năm\s+)(?P<year>\d{4}))?", re.IGNORECASE
)
# Only a date introduced by a deadline phrase is a deadline: the cited documents' dates and the
# anniversaries' ranges ("10/3/1975 - 10/3/2020") are not.
_DEADLINE_RE = re.compile(
    r"(?<!\w)(?:trước|chậm\s+nhất|hạn\s+chót|hạn\s+cuối|không\s+muộn\s+hơn|thời\s+hạn(?:\s+[^\W\d_]+){0,3}?\s*:)"
    r"(?:\s+(?:là|vào|trong))*(?:\s+ngày)?\s*:?\s*"
    rf"(?P<date>{_DATE_LONG}|{_DATE_NUMERIC})"
    r"(?![\d/])(?!\s+năm)(?!\s*[-–]\s*\d)",
    re.IGNORECASE,
)
# Counts a unit must register. Percentages are targets, not counts, and a number followed by
# "/" or ".5" is a date or a decimal.
_QUOTA_RE = re.compile(
    r"(?<!\w)(?:từ\s+(?P<low>\d{1,3})\s*(?:đến|tới|-|–)\s*(?P<high>\d{1,3})"
    r"|(?:ít\s+nhất|tối\s+thiểu)(?:\s+là)?\s+(?P<min>\d{1,3})"
    r"|(?:không\s+quá|tối\s+đa)(?:\s+là)?\s+(?P<max>\d{1,3}))"
    r"(?![\d/%]|[.,]\d|\s*%)",
    re.IGNORECASE,
)
_REFERENCE_NUMBER = r"\d+(?:/\d{4})?\s?[/-]\s?[^\W\d_]\w*(?:[-/][^\W_]+)*"
_REFERENCE_RE = re.compile(
    r"(?:(?<!\w)(?P<kind>"
    + "|".join(kind.replace(" ", r"\s+") for kind in _REFERENCE_KINDS)
    + r"|văn\s+bản)\s+)?(?<!\w)số\s*:?\s*"
    rf"(?P<number>{_REFERENCE_NUMBER})"
    rf"(?:\s*,?\s*(?:ban\s+hành\s+)?ngày\s+(?P<date>{_DATE_LONG}|{_DATE_NUMERIC}))?",
    re.IGNORECASE,
)


# --- results ---------------------------------------------------------------------------------


@dataclass
class Quota:
    min: int | None
    max: int | None
    text: str


@dataclass
class Requirement:
    ordinal: str
    text: str
    deadlines: list[str] = field(default_factory=list)
    quotas: list[Quota] = field(default_factory=list)
    # How the item asks (see parsing_asks): None / [] when the text does not say.
    recurrence: Recurrence | None = None
    relative_deadline: RelativeDeadline | None = None
    lead_unit: str | None = None
    cooperating_units: list[str] = field(default_factory=list)
    follow_up: bool = False  # the closing "Giao Sở Nội vụ theo dõi, đôn đốc ..." paragraph
    line: int | None = None  # index of the item's first line in normalise_text(text).split("\n")


@dataclass
class Reference:
    number: str
    date: str | None
    type: str


@dataclass
class ParsedDocument:
    issuer: str | None = None
    number: str | None = None
    doc_type: str = "other"
    place: str | None = None
    date: str | None = None
    subject: str | None = None
    addressees: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    signer: Signer | None = None  # parsing_asks.Signer: name, title, line
    # Line index (in normalise_text(text).split("\n")) each header field was read from.
    source_lines: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # The parent body above the issuer ("UBND TỈNH ĐẮK LẮK" over "SỞ NỘI VỤ"); not in as_dict().
    issuer_parent: str | None = None

    def as_dict(self) -> dict:
        """The JSON-ready fields, in a fixed order; issuer_parent is deliberately left out."""
        data = asdict(self)
        return {key: data[key] for key in OUTPUT_KEYS}


@dataclass
class _Layout:
    """Where the header parts were found, so the body can start after the last of them."""

    number_at: int | None = None
    date_at: int | None = None
    title_at: int | None = None
    subject_end: int | None = None
    addressees_end: int | None = None
    has_vv: bool = False
    symbol_code: str = ""  # type abbreviation of the number's symbol, "" when it names none

    def found(self) -> list[int]:
        marks = (self.number_at, self.date_at, self.title_at, self.subject_end, self.addressees_end)
        return [mark for mark in marks if mark is not None]

    def body_start(self) -> int:
        found = self.found()
        return max(found) + 1 if found else 0


# --- normalisation ---------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """NFC text without markup, control characters or odd spaces; one stripped line per line."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text).translate(_CONFUSABLES)
    text = _strip_markdown(text)
    text = _SPACES_RE.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join("" if _RULE_LINE_RE.match(line) else line for line in lines)


def _strip_markdown(text: str) -> str:
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    text = _MD_HEADING_RE.sub("", text)
    text = _MD_BULLET_RE.sub(r"\1- ", text)  # "* item" is a bullet; keep it as one
    text = _MD_EMPHASIS_RE.sub("", text)
    return _MD_UNDERSCORE_RE.sub("", text)


# --- small helpers ---------------------------------------------------------------------------


def _iso_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """ISO date, or None when a part is missing or the date does not exist (31/02)."""
    try:
        return _date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _parse_vn_date(text: str) -> str | None:
    """'31/7/2019' or '02 tháng 3 năm 2020' -> ISO; None without a year or when invalid."""
    match = _DATE_PARTS_RE.search(text)
    return _iso_date(match["day"], match["month"], match["year"]) if match else None


def _is_upper_line(line: str) -> bool:
    return any(ch.isalpha() for ch in line) and line == line.upper()


def _symbol_type_code(number: str) -> str:
    """The type abbreviation inside a number: 'KH' of '126-KH/TU', 'BC' of '15/BC-UBND'."""
    party = _PARTY_SYMBOL_RE.match(number)
    if party:
        return party["code"]
    tail = number.rsplit("/", 1)[-1]
    return tail.split("-", 1)[0] if "-" in tail else ""


def symbol_doc_type(number: str) -> str | None:
    """doc_type named by a number's symbol; None when the symbol has no type (a công văn's)."""
    return _TYPE_CODES.get(_symbol_type_code(number).upper())


def _clean_entry(line: str) -> str:
    """An addressee without its bullet and final punctuation."""
    return _BULLET_RE.sub("", line).strip().rstrip(";.,: ").strip()


# --- header ----------------------------------------------------------------------------------


def _read_number(lines: list[str], doc: ParsedDocument, layout: _Layout) -> None:
    for index, line in enumerate(lines[:_HEADER_WINDOW]):
        match = _NUMBER_LINE_RE.match(line)
        if not match:
            continue
        layout.number_at = index
        year = re.sub(r"\s", "", match["year"] or "")
        symbol = re.sub(r"\s", "", match["symbol"])
        number = f"{match['digits']}{year}{match['sep']}{symbol}"
        if match["digits"]:
            doc.number = number
        else:
            doc.warnings.append(f"Văn bản chưa có số (dự thảo?): '{line}'")
        layout.symbol_code = _symbol_type_code(number)
        _read_same_line_date(line[match.end() :], index, doc, layout)
        return
    doc.warnings.append("Không tìm thấy số, ký hiệu văn bản (dòng 'Số: ...')")


def _read_same_line_date(rest: str, index: int, doc: ParsedDocument, layout: _Layout) -> None:
    """A two-column header flattened to one line: 'Số: 15/BC-UBND  Đắk Lắk, ngày ...'."""
    match = _PLACE_DATE_RE.match(rest.strip())
    if match:
        _apply_place_date(match, index, doc, layout)


def _read_place_date(lines: list[str], doc: ParsedDocument, layout: _Layout) -> None:
    if layout.date_at is not None:
        return
    for index, line in enumerate(lines[:_HEADER_WINDOW]):
        match = _PLACE_DATE_RE.match(line)
        if match:
            _apply_place_date(match, index, doc, layout)
            return
    doc.warnings.append("Không tìm thấy địa danh, ngày tháng ban hành")


def _apply_place_date(match: re.Match, index: int, doc: ParsedDocument, layout: _Layout) -> None:
    layout.date_at = index
    doc.place = match["place"].strip() if match["place"] else None
    doc.date = _iso_date(match["day"], match["month"], match["year"])
    if doc.date is None:
        doc.warnings.append(f"Ngày ban hành chưa đầy đủ hoặc không hợp lệ (dự thảo?): '{match.group(0).strip()}'")


def _read_issuer(lines: list[str], doc: ParsedDocument, layout: _Layout) -> None:
    """The left header block: capitals above the number line, mottos removed."""
    stop = layout.number_at if layout.number_at is not None else layout.date_at
    block: list[str] = []
    for line in lines[: stop or 0]:
        line = _MOTTO_RE.sub("", line).strip(" -–—")
        if line and _is_upper_line(line) and line not in _TITLE_TYPES and not _NOT_ISSUER_RE.match(line):
            block.append(line)
        elif block:
            break
    if not block:
        doc.warnings.append("Không xác định được cơ quan ban hành")
        return
    names = _merge_wrapped_names(block)
    doc.issuer = names[-1]
    doc.issuer_parent = " ".join(names[:-1]) or None


def _merge_wrapped_names(block: list[str]) -> list[str]:
    """Join a body's name wrapped over two lines; keep parent and issuer apart.

    "ỦY BAN NHÂN DÂN" + "TỈNH ĐẮK LẮK" is one name (the first line has no place);
    "UBND TỈNH ĐẮK LẮK" + "SỞ NỘI VỤ" and "ĐẢNG BỘ TỈNH ĐẮK LẮK" + "TỈNH ỦY" are two.
    """
    names: list[str] = []
    for line in block:
        if names and _continues_name(names[-1], line):
            names[-1] = f"{names[-1]} {line}"
        else:
            names.append(line)
    return names


def _continues_name(previous: str, line: str) -> bool:
    if _ENDS_WITH_LEVEL_RE.search(previous) or previous.endswith(" VÀ") or line.startswith("VÀ "):
        return True
    return not _HAS_LEVEL_RE.search(previous) and bool(_STARTS_WITH_PLACE_RE.match(line))


def _read_title(lines: list[str], layout: _Layout) -> str | None:
    start = layout.number_at + 1 if layout.number_at is not None else 0
    for index in range(start, min(len(lines), start + _HEADER_WINDOW)):
        if lines[index] in _TITLE_TYPES:
            layout.title_at = index
            return _TITLE_TYPES[lines[index]]
    return None


def _continues_subject(line: str) -> bool:
    """A subject goes on until a blank line or a line that starts another header part."""
    return bool(
        line
        and not _SUBJECT_STOP_RE.match(line)
        and not _NUMBER_LINE_RE.match(line)
        and not _PLACE_DATE_RE.match(line)
        and not _ROMAN_RE.match(line)
        and not _ITEM_RE.match(line)
        and not _is_upper_line(line)
    )


def _collect_subject(lines: list[str], index: int, first: str) -> tuple[str | None, int]:
    parts = [first] if first else []
    while index + 1 < len(lines) and _continues_subject(lines[index + 1]):
        index += 1
        parts.append(lines[index])
    subject = _SUBJECT_PREFIX_RE.sub("", " ".join(parts)).strip()
    return subject or None, index


def _read_subject(lines: list[str], doc: ParsedDocument, layout: _Layout) -> None:
    """'V/v ...' under a letter's number, else the line(s) under a typed document's title."""
    for index, line in enumerate(lines[:_HEADER_WINDOW]):
        match = _VV_RE.match(line)
        if match:
            layout.has_vv = True
            doc.subject, layout.subject_end = _collect_subject(lines, index, match["rest"])
            return
    title_at = layout.title_at
    if title_at is not None and title_at + 1 < len(lines) and _continues_subject(lines[title_at + 1]):
        doc.subject, layout.subject_end = _collect_subject(lines, title_at + 1, lines[title_at + 1])
    if doc.subject is None:
        doc.warnings.append("Không tìm thấy trích yếu (V/v hoặc dòng dưới tên loại văn bản)")


def _read_addressees(lines: list[str], doc: ParsedDocument, layout: _Layout) -> None:
    """'Kính gửi: X.' on one line, or a '- X;' list under it ending with '.'."""
    start = next((i for i, line in enumerate(lines[:_HEADER_WINDOW]) if _KINH_GUI_RE.match(line)), None)
    if start is None:
        return
    inline = _KINH_GUI_RE.match(lines[start])["rest"]
    entries = [_clean_entry(part) for part in inline.split(";")] if inline else []
    layout.addressees_end = start
    if not inline or inline.endswith((";", ",")):  # the list goes on below
        layout.addressees_end = _collect_addressee_lines(lines, start + 1, entries)
    doc.addressees = [entry for entry in entries if entry]


def _collect_addressee_lines(lines: list[str], index: int, entries: list[str]) -> int:
    last = index - 1
    while index < len(lines):
        line = lines[index]
        listed = _BULLET_RE.match(line) or (len(line) <= 150 and line.endswith((";", ".")))
        if not line and not entries:
            index += 1
            continue
        if not line or not listed or _ITEM_RE.match(line) or _SUBJECT_STOP_RE.match(line):
            break
        entries.append(_clean_entry(line))
        last = index
        if line.endswith("."):  # the last addressee ends with a full stop
            break
        index += 1
    return last


def _resolve_doc_type(doc: ParsedDocument, layout: _Layout, title_type: str | None) -> None:
    """Symbol first (it is the register's truth), then the title, then 'V/v' for a letter."""
    symbol_type = _TYPE_CODES.get(layout.symbol_code.upper())
    if symbol_type:
        doc.doc_type = symbol_type
        if symbol_type == "other":
            doc.warnings.append(f"Loại văn bản '{layout.symbol_code}' chưa được phân loại riêng; xếp vào 'other'")
    elif title_type:
        doc.doc_type = title_type
    elif layout.has_vv:
        doc.doc_type = "cong_van"  # a letter's symbol is issuer + office, it names no type
    else:
        doc.doc_type = "other"
        doc.warnings.append("Không xác định được loại văn bản; xếp vào 'other'")


def _read_header(lines: list[str], doc: ParsedDocument) -> _Layout:
    layout = _Layout()
    _read_number(lines, doc, layout)
    _read_place_date(lines, doc, layout)
    _read_issuer(lines, doc, layout)
    title_type = _read_title(lines, layout)
    _read_subject(lines, doc, layout)
    _read_addressees(lines, doc, layout)
    _resolve_doc_type(doc, layout, title_type)
    return layout


# --- references ------------------------------------------------------------------------------


def extract_references(text: str, own_number: str | None = None) -> list[Reference]:
    """Documents cited by number ("Kế hoạch số 126-KH/TU ngày 31/7/2019"), each number once.

    Order is that of first appearance; a date missing at the first mention is taken from a
    later one. The document's own number is not a reference.
    """
    found: dict[str, Reference] = {}
    for match in _REFERENCE_RE.finditer(text):
        number = re.sub(r"\s", "", match["number"])
        if number == own_number:
            continue
        cited = _parse_vn_date(match["date"]) if match["date"] else None
        if number in found:
            found[number].date = found[number].date or cited
            continue
        found[number] = Reference(number=number, date=cited, type=_reference_type(match["kind"], number))
    return list(found.values())


def _reference_type(kind: str | None, number: str) -> str:
    word = " ".join(kind.lower().split()) if kind else ""
    if word in _REFERENCE_KINDS:
        return _REFERENCE_KINDS[word]
    # "văn bản số 88/UBND-TH": a symbol without a type abbreviation is a công văn's.
    return symbol_doc_type(number) or "cong_van"


# --- deadlines and quotas --------------------------------------------------------------------


def extract_deadlines(text: str) -> tuple[list[str], list[str]]:
    """ISO deadlines in order of appearance, and warnings for those that cannot be dated."""
    deadlines: list[str] = []
    warnings: list[str] = []
    for match in _DEADLINE_RE.finditer(text):
        parts = _DATE_PARTS_RE.search(match["date"])
        iso = _iso_date(parts["day"], parts["month"], parts["year"])
        phrase = " ".join(match.group(0).split())
        if iso is None:
            reason = "không có năm" if parts["year"] is None else "ngày không hợp lệ"
            warnings.append(f"Thời hạn '{phrase}' {reason}, bỏ qua")
        elif iso not in deadlines:
            deadlines.append(iso)
    return deadlines, warnings


def extract_quotas(text: str) -> list[Quota]:
    """'từ 01 đến 02' -> (1, 2); 'ít nhất 01' -> (1, None); 'không quá 03' -> (None, 3)."""
    quotas = []
    for match in _QUOTA_RE.finditer(text):
        low = match["low"] or match["min"]
        high = match["high"] or match["max"]
        quotas.append(
            Quota(
                min=int(low) if low else None,
                max=int(high) if high else None,
                text=" ".join(match.group(0).split()),
            )
        )
    return quotas


# --- requirements ----------------------------------------------------------------------------


@dataclass
class _Item:
    ordinal: str
    parts: list[str]
    line: int | None = None
    follow_up: bool = False


def _append(parts: list[str], line: str) -> None:
    """A line that does not start a point and follows an unfinished sentence was hard-wrapped."""
    if parts and parts[-1] and not parts[-1].endswith(_SENTENCE_END) and not _SUB_ITEM_RE.match(line):
        parts[-1] = f"{parts[-1]} {line}"
    else:
        parts.append(line)


class _RequirementCollector:
    """One pass over the body lines; items are stored in order as they open."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.current: _Item | None = None
        self.section: str | None = None
        self.section_text: list[str] = []
        self.section_line: int | None = None
        self.section_has_items = False
        self.uses_articles = False
        self.new_paragraph = True
        self.index: int | None = None
        self.follow_ups = 0

    def feed(self, line: str, index: int | None = None) -> None:
        self.index = index
        if not line:
            self.new_paragraph = True
            return
        roman = _ROMAN_RE.match(line)
        article = _ARTICLE_RE.match(line)
        item = _ITEM_RE.match(line)
        if roman:
            self._open_section(roman["roman"])
        elif article:
            self.uses_articles = True
            self._open_item(f"Điều {int(article['num'])}", article["text"])
        elif item and not self.uses_articles:  # inside an article, "1." is a clause of it
            ordinal = str(int(item["num"]))
            self._open_item(f"{self.section}.{ordinal}" if self.section else ordinal, item["text"])
        else:
            self._add_text(line)
        self.new_paragraph = line.endswith(_SENTENCE_END)

    def _add_text(self, line: str) -> None:
        if self.items and self.new_paragraph and FOLLOW_UP_RE.match(line):
            self.follow_ups += 1
            ordinal = "Theo dõi" if self.follow_ups == 1 else f"Theo dõi {self.follow_ups}"
            self._open_item(ordinal, line)
            self.current.follow_up = True
            return
        closing = self.new_paragraph and not _SUB_ITEM_RE.match(line) and _CLOSING_RE.search(line)
        if self.current and not closing:
            _append(self.current.parts, line)
        elif self.current:
            self.current = None  # the closing paragraph belongs to no item; drop it
        elif self.section and not self.section_has_items and not closing:
            _append(self.section_text, line)

    def _open_item(self, ordinal: str, text: str) -> None:
        self.current = _Item(ordinal, [text] if text else [], line=self.index)
        self.items.append(self.current)
        self.section_has_items = True

    def _open_section(self, roman: str) -> None:
        self.finish()
        self.section, self.section_text, self.section_has_items = roman, [], False
        self.section_line = self.index

    def finish(self) -> list[_Item]:
        """A Roman section with text but no numbered items is one requirement of its own."""
        if self.section and not self.section_has_items and self.section_text:
            self.items.append(_Item(self.section, self.section_text, line=self.section_line))
        self.current, self.section_text, self.section_has_items = None, [], True
        return self.items


def _body_end(lines: list[str], start: int) -> int:
    """The body stops at 'Nơi nhận:' or at the signature block, whichever comes first."""
    for index in range(start, len(lines)):
        line = lines[index]
        if _RECIPIENTS_RE.match(line) or (_is_upper_line(line) and _SIGNATURE_RE.match(line)):
            return index
    return len(lines)


def extract_requirements(body: list[str], warnings: list[str], first_line: int = 0, skip=()) -> list[Requirement]:
    """Numbered items of the body lines (header, addressees and signature already cut off).

    ``first_line`` is the index of body[0] in the document's lines (so that each item can say
    where it starts); lines whose index is in ``skip`` (page numbers, running headers) are dropped.
    """
    collector = _RequirementCollector()
    for offset, line in enumerate(body):
        if first_line + offset not in skip:
            collector.feed(line, first_line + offset)
    return [_requirement(item, warnings) for item in collector.finish()]


def _requirement(item: _Item, warnings: list[str]) -> Requirement:
    text = "\n".join(part for part in item.parts if part).strip()
    deadlines, problems = extract_deadlines(text)
    recurrence = extract_recurrence(text)
    if recurrence and recurrence.due:  # "trước ngày 15/6 hằng năm" has no year on purpose
        problems = [problem for problem in problems if "không có năm" not in problem]
    warnings.extend(f"Mục {item.ordinal}: {problem}" for problem in problems)
    assignment = extract_assignment(text)
    return Requirement(
        item.ordinal,
        text,
        deadlines,
        extract_quotas(text),
        recurrence=recurrence,
        relative_deadline=extract_relative_deadline(text),
        lead_unit=assignment.lead,
        cooperating_units=assignment.cooperating,
        follow_up=item.follow_up,
        line=item.line,
    )


# --- entry point -----------------------------------------------------------------------------


def _column_lines(text: str) -> list[str]:
    """The lines of normalise_text(text) with their inner spacing kept (two-column signature blocks)."""
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text).translate(_CONFUSABLES)
    return [_MD_EMPHASIS_RE.sub("", line).replace("\xa0", " ") for line in text.split("\n")]


def _source_lines(layout: _Layout) -> dict[str, int]:
    marks = {"number": layout.number_at, "date": layout.date_at, "subject": layout.subject_end}
    marks["addressees"] = layout.addressees_end
    return {name: index for name, index in marks.items() if index is not None}


def parse_document(text: str) -> ParsedDocument:
    """Read one document's text into fields; never raises on any str input."""
    lines = normalise_text(text).split("\n")
    doc = ParsedDocument()
    if not any(lines):
        doc.warnings.append("Văn bản rỗng: không có nội dung để phân tích")
        return doc
    layout = _read_header(lines, doc)
    if not layout.found():
        # Without a number, a date, a subject, addressees or a title this is not an administrative
        # document: numbered lines of, say, a recipe must not become requirements.
        return ParsedDocument(warnings=[*doc.warnings, "Không nhận dạng được văn bản hành chính"])
    doc.references = extract_references("\n".join(lines), own_number=doc.number)
    start = layout.body_start()
    end = _body_end(lines, start)
    furniture = page_furniture(lines, start, end)
    doc.requirements = extract_requirements(lines[start:end], doc.warnings, first_line=start, skip=furniture)
    doc.source_lines = _source_lines(layout)
    columns = _column_lines(text)
    if len(columns) == len(lines) and end < len(lines):
        doc.signer = read_signer(columns, end)
        if doc.signer.name is None:
            doc.warnings.append("Không đọc được tên người ký ở khối chữ ký")
    if end == len(lines):
        doc.warnings.append("Không thấy 'Nơi nhận' hay chữ ký: văn bản có thể bị cắt cụt")
    _warn_missing(doc)
    return doc


def _warn_missing(doc: ParsedDocument) -> None:
    if doc.doc_type == "cong_van" and not doc.addressees:
        doc.warnings.append("Công văn không có mục 'Kính gửi'")
    if not doc.requirements:
        doc.warnings.append("Không tìm thấy nội dung yêu cầu được đánh số")
