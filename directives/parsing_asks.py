"""How an item asks: recurring periods, relative deadlines, lead and co-operating units, the signer.

Companion of :mod:`directives.parsing` (which calls it on each item's text and on the lines
after the body). Real letters phrase asks as "định kỳ hằng tháng báo cáo ... trước ngày 20
hằng tháng", "trong thời hạn 15 ngày làm việc kể từ ngày nhận được văn bản này" or "Giao Sở
Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh ...": each reader below returns ``None``
when the text does not say it, never a guess.

Standard library only: this module must not import Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RECURRENCES = ("monthly", "quarterly", "half_yearly", "yearly")
RELATIVE_FROM = ("signature", "publication", "receipt")

# --- recurrence ------------------------------------------------------------------------------

_EVERY = r"(?:hằng|hàng|mỗi)"
# Most specific first: "6 tháng" must not read as "tháng", "hằng năm" after "15/6 và 15/12" is
# sorted out by the number of dates (see _recurrence_kind).
_RECURRENCE_RES = (
    (
        "half_yearly",
        re.compile(
            r"(?<!\w)(?:sơ\s+kết|báo\s+cáo|định\s+kỳ|hằng|hàng|mỗi)\s+(?:0?6|sáu)\s+tháng(?!\s*(?:/|năm\s)\s*\d)"
            r"|(?<!\w)(?:0?6|sáu)\s+tháng\s*(?:/|một)\s*lần"
            r"|(?<!\w)nửa\s+năm(?:\s+một\s+lần)?",
            re.IGNORECASE,
        ),
    ),
    (
        "quarterly",
        re.compile(
            rf"(?<!\w)(?:{_EVERY}|theo|định\s+kỳ(?:\s+{_EVERY})?)\s+quý(?!\w)"
            r"|(?<!\w)báo\s+cáo\s+quý(?!\s+[IV\d])|(?<!\w)quý\s*(?:/|một)\s*lần"
            r"|(?<!\w)(?:0?3|ba)\s+tháng\s*(?:/|một)\s*lần",
            re.IGNORECASE,
        ),
    ),
    (
        "monthly",
        re.compile(
            rf"(?<!\w)(?:{_EVERY}|theo|định\s+kỳ(?:\s+{_EVERY})?)\s+tháng(?!\s*\d)"
            r"|(?<!\w)(?:0?1\s+|một\s+)?tháng\s*(?:/|một)\s*lần"
            r"|(?<!\w)báo\s+cáo\s+tháng(?!\s*\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "yearly",
        re.compile(
            rf"(?<!\w)(?:{_EVERY}|theo|định\s+kỳ(?:\s+{_EVERY})?)\s+năm(?!\s*\d)|(?<!\w)năm\s*(?:/|một)\s*lần",
            re.IGNORECASE,
        ),
    ),
)
# "trước ngày 20 hằng tháng", "chậm nhất ngày 05 của tháng cuối quý", "vào ngày 25 hàng tháng".
_DUE_DAY_RE = re.compile(
    r"(?<!\w)(?:trước|chậm\s+nhất|hạn\s+chót|vào|trong|không\s+muộn\s+hơn)(?:\s+(?:là|vào))*\s+ngày\s+"
    r"(?P<day>\d{1,2})(?![\d/])(?!\s+tháng\s+\d)(?!\s*[-–]\s*\d)",
    re.IGNORECASE,
)
# The due date of an annual ask: "15/6", "15 tháng 6" with no year after it.
_DAY_MONTH_RE = re.compile(
    r"(?<![\d/])(?P<day>\d{1,2})(?:/|\s+tháng\s+)(?P<month>\d{1,2})(?![\d/])(?!\s+năm\s+\d)", re.IGNORECASE
)
_NEXT_PERIOD_RE = re.compile(
    r"(?<!\w)(?:tháng|quý|năm)\s+(?:sau|kế\s+tiếp|tiếp\s+theo)(?!\w)|(?<!\w)tháng\s+đầu\s+(?:của\s+)?quý\s+(?:sau|tiếp\s+theo)",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.;\n]+(?:[.;]|$)")


@dataclass
class Recurrence:
    every: str  # one of RECURRENCES
    due: list[str] = field(default_factory=list)  # "20" (day of the period's last month) or "15/6"
    next_period: bool = False  # "trước ngày 05 của tháng sau": due in the month after the period
    text: str = ""


def _sentence_at(text: str, position: int) -> str:
    for match in _SENTENCE_RE.finditer(text):
        if match.start() <= position < match.end():
            return match.group(0)
    return text


def _first_recurrence(text: str) -> tuple[str, re.Match] | None:
    found = [(match.start(), every, match) for every, pattern in _RECURRENCE_RES if (match := pattern.search(text))]
    if not found:
        return None
    _start, every, match = min(found, key=lambda item: item[0])
    return every, match


def extract_recurrence(text: str) -> Recurrence | None:
    """'định kỳ hằng tháng ... trước ngày 20 hằng tháng' -> monthly, due ['20']; None if not recurring."""
    first = _first_recurrence(text)
    if first is None:
        return None
    every, match = first
    sentence = _sentence_at(text, match.start())
    day_months = []
    for found in _DAY_MONTH_RE.finditer(sentence):
        day, month = int(found["day"]), int(found["month"])
        if 1 <= day <= 31 and 1 <= month <= 12 and f"{day}/{month}" not in day_months:
            day_months.append(f"{day}/{month}")
    if day_months and every in ("yearly", "half_yearly", "quarterly"):
        # "trước ngày 15/6 và 15/12 hằng năm": two reports a year is a half-yearly ask.
        every = {1: every, 2: "half_yearly", 4: "quarterly"}.get(len(day_months), every)
        due = day_months
    else:
        days = [str(int(m["day"])) for m in _DUE_DAY_RE.finditer(sentence) if 1 <= int(m["day"]) <= 31]
        due = days[:1]
    return Recurrence(
        every=every,
        due=due,
        next_period=bool(due) and "/" not in due[0] and bool(_NEXT_PERIOD_RE.search(sentence)),
        text=" ".join(match.group(0).split()),
    )


# --- relative deadlines ----------------------------------------------------------------------

_RELATIVE_RE = re.compile(
    r"(?<!\w)(?:trong\s+(?:thời\s+hạn|vòng|thời\s+gian|phạm\s+vi)|chậm\s+nhất(?:\s+(?:là|sau))?|sau|không\s+quá)\s+"
    r"(?:[^\W\d_]+\s+){0,3}?\(?(?P<days>\d{1,3})\)?\s+ngày(?P<working>\s+làm\s+việc)?\s*,?\s*"
    r"(?:kể\s+)?(?:từ|tính\s+từ)\s+(?:ngày|khi|thời\s+điểm)?\s*"
    r"(?P<from>ký|nhận(?:\s+được)?|ban\s+hành|phát\s+hành|văn\s+bản\s+(?:này\s+)?có\s+hiệu\s+lực|có\s+hiệu\s+lực)",
    re.IGNORECASE,
)
_FROM = {"ký": "signature", "nhận": "receipt", "ban": "publication", "phát": "publication"}


@dataclass
class RelativeDeadline:
    days: int
    counted_from: str  # one of RELATIVE_FROM
    working_days: bool
    text: str = ""


def extract_relative_deadline(text: str) -> RelativeDeadline | None:
    """'trong thời hạn 15 ngày làm việc kể từ ngày nhận được văn bản' -> 15, receipt, working days."""
    match = _RELATIVE_RE.search(text)
    if not match or int(match["days"]) == 0:
        return None
    word = match["from"].split()[0].lower()
    return RelativeDeadline(
        days=int(match["days"]),
        counted_from=_FROM.get(word, "publication"),
        working_days=bool(match["working"]),
        text=" ".join(match.group(0).split()),
    )


# --- lead and co-operating units -------------------------------------------------------------

# Words a unit's name starts with. Case-sensitive: a unit is named with a capital.
UNIT_START = (
    r"(?:Sở|Ban|Văn\s+phòng|UBND|Ủy\s+ban|Uỷ\s+ban|Công\s+an|Bộ\s+Chỉ\s+huy|Bộ\s+đội|Đài|Báo|Hội|Liên\s+đoàn"
    r"|Liên\s+minh|Tỉnh\s+đoàn|Tỉnh\s+ủy|Tỉnh\s+uỷ|Đoàn|Mặt\s+trận|Cục|Chi\s+cục|Kho\s+bạc|Ngân\s+hàng|Trường"
    r"|Bệnh\s+viện|Trung\s+tâm|Thanh\s+tra|Đảng\s+ủy|Đảng\s+uỷ|Quỹ|Viện|Hội\s+đồng|Thường\s+trực|Bảo\s+hiểm"
    r"|Thủ\s+trưởng|Giám\s+đốc|Chủ\s+tịch|Chánh\s+Văn\s+phòng)(?!\w)"
)
_HEADS_RE = re.compile(r"^(?:Thủ\s+trưởng|Giám\s+đốc|Chủ\s+tịch|Chánh)\s+(?=\S)")  # "Giám đốc Sở X" is Sở X
# "các xã, phường", "mỗi huyện", "cấp xã": every unit of a kind, not one named unit.
_PLURAL_RE = re.compile(
    r"(?<!\w)(?:các|mỗi|những|cấp|toàn\s+thể|tất\s+cả)\s+(?:xã|phường|huyện|sở|cơ\s+quan|đơn\s+vị|địa\s+phương"
    r"|thị\s+trấn|thị\s+xã|thành\s+phố|quận|ban|ngành|trường|phòng|tỉnh)(?!\w)|^(?:Sở|Ban),\s*(?:ban|ngành)"
)
_LEAD_VERB = r"(?:chủ\s+trì|làm\s+đầu\s+mối|là\s+(?:cơ\s+quan|đơn\s+vị)\s+(?:chủ\s+trì|đầu\s+mối|thường\s+trực))"
_GIAO_RE = re.compile(
    rf"(?<!\w)(?i:giao)\s+(?:cho\s+)?(?P<lead>{UNIT_START}[^.;:]{{0,100}}?)\s*,?\s*"
    rf"(?:{_LEAD_VERB}|(?i:tham\s+mưu|theo\s+dõi|đôn\s+đốc|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|thực\s+hiện))"
)
_SUBJECT_LEAD_RE = re.compile(
    rf"(?:^|(?<=[.;:]\s)|(?<=^-\s))(?P<lead>{UNIT_START}[^.;:]{{0,100}}?)\s*,?\s*"
    rf"(?:(?:có|chịu)\s+trách\s+nhiệm\s+)?(?:{_LEAD_VERB}|tham\s+mưu|theo\s+dõi,\s+đôn\s+đốc|là\s+cơ\s+quan\s+thường\s+trực)"
)
# "1. Sở Nội vụ:" then the tasks: the heading names the unit that owes them.
_HEADING_LEAD_RE = re.compile(rf"^(?P<lead>{UNIT_START}[^.;:]{{0,100}}?)\s*:\s*(?:\n|$)")
_COOPERATE_RE = re.compile(
    r"(?<!\w)(?i:phối\s+hợp)(?:\s+(?i:chặt\s+chẽ))?(?:\s+(?i:với|cùng))?\s+(?P<units>.+?)"
    r"\s*,?\s*(?=(?:để|tham\s+mưu|xây\s+dựng|tổ\s+chức|triển\s+khai|thực\s+hiện|hướng\s+dẫn|kiểm\s+tra|theo\s+dõi"
    r"|đôn\s+đốc|tổng\s+hợp|báo\s+cáo|rà\s+soát|đề\s+xuất|nghiên\s+cứu|trình|ban\s+hành|lập|hoàn\s+thành|chuẩn\s+bị"
    r"|cung\s+cấp|thẩm\s+định|đánh\s+giá|xét|tuyên\s+truyền|giúp|in|phát\s+hành|biên\s+soạn)(?!\w)|[.;:\n]|$)"
)
_SPLIT_UNITS_RE = re.compile(rf"\s*(?:,|\s+và)\s*(?={UNIT_START}|các\s|(?i:các)\s)")
_PARENTHESES_RE = re.compile(r"\s*\([^)]*\)")


def _clean_unit(name: str) -> str:
    name = _PARENTHESES_RE.sub("", name)
    name = _HEADS_RE.sub("", " ".join(name.split()))
    return name.strip(" ,;-–")


@dataclass
class Assignment:
    lead: str | None
    cooperating: list[str] = field(default_factory=list)


def extract_assignment(text: str) -> Assignment:
    """'Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và Văn phòng UBND tỉnh ...' -> lead, helpers.

    A plural addressee ("UBND các xã, phường chủ trì") is not a lead: the item stays owed by
    every unit of that kind.
    """
    match = _GIAO_RE.search(text) or _SUBJECT_LEAD_RE.search(text) or _HEADING_LEAD_RE.search(text)
    lead = None
    if match:
        names = [_clean_unit(n) for n in _SPLIT_UNITS_RE.split(match["lead"])]
        if names and names[0] and not _PLURAL_RE.search(names[0]):
            lead = names[0]
    cooperating: list[str] = []
    if lead:
        sentence = _sentence_at(text, match.start())
        co = _COOPERATE_RE.search(sentence)
        if co:
            for name in _SPLIT_UNITS_RE.split(co["units"]):
                name = _clean_unit(name)
                if name and name != lead and name not in cooperating:
                    cooperating.append(name)
    return Assignment(lead=lead, cooperating=cooperating)


# A paragraph after the items that gives the follow-up to one unit: its own ask.
FOLLOW_UP_RE = re.compile(
    rf"^(?:(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+tỉnh\s+)?(?i:giao)\s+(?:cho\s+)?{UNIT_START}"
    r"[^.;]{0,160}?(?i:theo\s+dõi|đôn\s+đốc|kiểm\s+tra|tổng\s+hợp)"
    rf"|^{UNIT_START}[^.;:]{{0,100}}?\s(?:(?i:có|chịu)\s+trách\s+nhiệm\s+)?(?i:theo\s+dõi|đôn\s+đốc)"
)

# --- PDF page furniture ----------------------------------------------------------------------

_PAGE_NUMBER_RE = re.compile(
    r"^(?:[-–—]\s*)?\d{1,3}(?:\s*[-–—])?$|^(?:Trang|Page)\s+\d{1,3}(?:\s*/\s*\d{1,3})?$|^\d{1,3}\s*/\s*\d{1,3}$"
)


def _may_be_running_header(line: str) -> bool:
    """Short, and neither an item, a point, a bullet nor a heading ending with ':'."""
    return (
        bool(line)
        and len(line) <= 120
        and not line.endswith(":")
        and not line[0].isdigit()
        and not (line.startswith(("-", "+", "•", "a)", "b)", "c)")))
    )


def page_furniture(lines: list[str], start: int, end: int) -> set[int]:
    """Indexes of page numbers ("1", "- 2 -", "Trang 3/5") and running headers in lines[start:end].

    A running header is a short line repeated on several pages: it recurs, and at least one copy
    sits next to a page number (or it recurs three times or more).
    """
    numbers = {i for i in range(start, end) if _PAGE_NUMBER_RE.match(lines[i])}
    seen: dict[str, list[int]] = {}
    for index in range(start, end):
        line = lines[index]
        if index not in numbers and _may_be_running_header(line):
            seen.setdefault(line, []).append(index)
    dropped = set(numbers)
    for _line, where in seen.items():
        if len(where) < 2:
            continue
        near_number = any(i - 1 in numbers or i + 1 in numbers or i - 2 in numbers for i in where)
        if near_number or len(where) >= 3:
            dropped.update(where)
    return dropped


# --- the signer ------------------------------------------------------------------------------

_AUTHORITY_RE = re.compile(r"(?:^|(?<=\s))(?:TM\.|T/M|KT\.|K/T|TL\.|T/L|TUQ\.|Q\.)\s*[A-ZÀ-ỸĐ]")
_TITLE_RE = re.compile(
    r"(?:^|(?<=\s))(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BÍ\s+THƯ(?:\s+THƯỜNG\s+TRỰC)?|CHÁNH\s+VĂN\s+PHÒNG"
    r"|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|CHÁNH\s+THANH\s+TRA|VIỆN\s+TRƯỞNG|HIỆU\s+TRƯỞNG|THỦ\s+TRƯỞNG|CỤC\s+TRƯỞNG"
    r"|TỔNG\s+BIÊN\s+TẬP|TRƯỞNG\s+ĐOÀN)$"
)
_SIGNED_RE = re.compile(r"^\(?\s*(?:đã\s+ký|ký|ký\s+tên|đóng\s+dấu|ký,?\s+ghi\s+rõ\s+họ\s+tên)[^)]*\)?$", re.IGNORECASE)
# A person's name: two to six capitalised words ("Nguyễn Văn An", "H' Yim Kđoh", "Y Giang Gry Niê Knơng").
_NAME_RE = re.compile(r"(?:^|(?<=[.;,:)]\s)|(?<=\s{2}))(?P<name>(?:[A-ZÀ-ỸĐ][\w'’]*\s+){1,5}[A-ZÀ-ỸĐ][\w'’]*)$")
_RECIPIENT_LINE_RE = re.compile(r"^(?:Nơi\s+nhận|[-–+•])", re.IGNORECASE)


@dataclass
class Signer:
    name: str | None
    title: str | None
    line: int | None = None


def _right_column(raw: str) -> str:
    """The signature column of a two-column line: what follows the last wide gap, or the authority."""
    columns = [part.strip() for part in re.split(r"\t+|\s{3,}", raw) if part.strip()]
    if len(columns) > 1:
        return columns[-1]
    line = columns[0] if columns else ""
    found = _AUTHORITY_RE.search(line)
    if found:
        return line[found.start() :].strip()
    upper_tail = re.search(r"(?:^|(?<=[.;,:]\s))([A-ZÀ-ỸĐ][A-ZÀ-ỸĐ\s]+)$", line)
    if upper_tail and _TITLE_RE.search(upper_tail.group(1).strip()):
        return upper_tail.group(1).strip()
    return line


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(word[0].isupper() for word in words)


def read_signer(raw_lines: list[str], start: int) -> Signer:
    """Title ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") and name below it, from lines[start:].

    ``raw_lines`` keep their inner spacing (one per normalised line), so that the two columns of
    "Nơi nhận:        KT. CHỦ TỊCH" can be told apart.
    """
    title: list[str] = []
    line_at = None
    after_gap = False
    for index in range(start, len(raw_lines)):
        raw = raw_lines[index].strip()
        column = _right_column(raw) if raw else ""
        if not column or _SIGNED_RE.match(column):
            after_gap = bool(title)
            continue
        is_upper = any(ch.isalpha() for ch in column) and column == column.upper()
        is_title = bool(_AUTHORITY_RE.match(column) or _TITLE_RE.search(column))
        if is_upper and (is_title or (title and not after_gap and len(column) < 60)):
            title.append(" ".join(column.split()))
            line_at = index if line_at is None else line_at
            continue
        if not title:
            continue
        if is_upper and after_gap and _is_name(column):  # a name printed in capitals
            return Signer(name=" ".join(w.capitalize() for w in column.split()), title="\n".join(title), line=line_at)
        found = _NAME_RE.search(" ".join(column.split()))
        if found and _is_name(found["name"]):
            return Signer(name=found["name"], title="\n".join(title), line=line_at)
    return Signer(name=None, title="\n".join(title) or None, line=line_at)
