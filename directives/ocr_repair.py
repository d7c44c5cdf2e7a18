"""Repairing OCR'd lines before the letter parser reads them (which then runs unchanged).

What Tesseract gets wrong on Vietnamese letters (measured here, see TECH-NOTES): accents on capitals
("UY BAN NHAN DAN"), numbers and symbols broken at a line end ("126-KH/" + "TU"), and noise: the red
stamp and the signature become short lines of symbols, and later pages carry running headers and page
numbers. Each fix keeps track of the lines it came from, so the import page can still point at them.

Standard library only, like `parsing`: no Django here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# The fixed phrases of the administrative header and the addressee line (Decree 30/2020, Appendix I),
# written as they must read. Matching ignores case and accents; a match that lost accents is restored.
FIXED_PHRASES = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Đảng Cộng sản Việt Nam",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Ban Chấp hành",
    "Ban Thường vụ",
    "Tỉnh ủy",
    "Huyện ủy",
    "Thành ủy",
    "Văn phòng",
    "Kính gửi",
    "Nơi nhận",
    "Chủ tịch",
    "Phó Chủ tịch",
    "Thay mặt",
    "Ký thay",
    "Sở Nội vụ",
    "Ban Thi đua - Khen thưởng",
    "Các sở, ban, ngành",
    "Công văn",
    "Kế hoạch",
    "Quyết định",
    "Thông báo",
    "Chỉ thị",
    "Hướng dẫn",
)
# Words of an issuer line (capitals, top of page 1) that are only safe to restore there.
HEADER_WORDS = (
    "Tỉnh",
    "Huyện",
    "Thành phố",
    "Thị xã",
    "Xã",
    "Phường",
    "Thị trấn",
    "Sở",
    "Ban",
    "Phòng",
)
_DASH = r"\s*[-–—]\s*"
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?\s*$", re.I)
# "…126-KH/" + "TU …", "7019/UBND-" + "TH": a symbol cut after its separator.
_CUT_SYMBOL = re.compile(r"(?<![\s])(?:\d+|[A-ZĐ]+)[-/]$")
_SYMBOL_HEAD = re.compile(r"^([A-ZĐ][A-ZĐ0-9]*(?:[-/.][A-ZĐ0-9]+)*)(?=[\s,.;:)]|$)")
# "126-KH/ TU" on one line: a space inside a symbol.
_SPACE_IN_SYMBOL = re.compile(r"(\b\d+[-/](?:[A-ZĐ]+[-/])*)\s+([A-ZĐ][A-ZĐ0-9]{0,7}\b)")
_DATE_WORDS = re.compile(r"\bngay(\s+\d{1,2}\s+)thang(\s+\d{1,2}\s+)nam(\s+\d{4})\b")
_SO_LINE = re.compile(r"^(\s*)so(\s*[:.]?\s*\d)")


@dataclass
class Line:
    """A line of the repaired text and where it came from."""

    text: str
    page: int | None = None
    box: tuple | None = None
    conf: float | None = None
    fixed: bool = False
    boxes: list = field(default_factory=list)  # more boxes when lines were joined
    block: int = 0  # the OCR's block: a new block starts a new paragraph

    def as_meta(self) -> dict:
        return {"page": self.page, "box": list(self.box) if self.box else None, "conf": self.conf, "fixed": self.fixed}


def fold_chars(text: str) -> str:
    """Lower case, accents dropped, đ → d, one character for each character of NFC `text`."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0]
        out.append("d" if base in "đĐ" else base.lower())
    return "".join(out)


def _phrase_pattern(phrase: str) -> re.Pattern:
    words = [re.escape(w) for w in fold_chars(phrase).replace("-", " - ").split()]
    body = r"\s+".join(words).replace(r"\s+\-\s+", _DASH)
    return re.compile(rf"(?<!\w){body}(?!\w)")


# Old and new placement of the tone mark ("hoà"/"hòa", "uỷ"/"ủy"): both are right, neither is changed.
_OLD_PAIRS = re.compile(r"o[àáảãạ]|u[ỳýỷỹỵ]", re.IGNORECASE)


def _new_style(text: str) -> str:
    def swap(match):
        vowel, toned = match.group(0)
        decomposed = unicodedata.normalize("NFD", toned)  # the letter, then its tone mark
        return unicodedata.normalize("NFC", vowel + decomposed[1:]) + decomposed[0]

    return _OLD_PAIRS.sub(swap, text)


def _cased(phrase: str, original: str) -> str:
    letters = [c for c in original if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return phrase.upper()
    if letters and letters[0].islower():
        return phrase[0].lower() + phrase[1:]
    return phrase


def restore_phrases(text: str, phrases) -> str:
    """Put the accents back on every listed phrase that lost some (case kept: capitals stay capitals)."""
    for phrase in phrases:
        pattern = _phrase_pattern(phrase)
        folded = fold_chars(text)
        pieces, last = [], 0
        for match in pattern.finditer(folded):
            original = text[match.start() : match.end()]
            if _new_style(original) != _new_style(_cased(phrase, original)):
                pieces += [text[last : match.start()], _cased(phrase, original)]
                last = match.end()
        if pieces:
            text = "".join(pieces) + text[last:]
    return text


def _restore_dates(text: str) -> str:
    folded = fold_chars(text)
    for match in reversed(list(_DATE_WORDS.finditer(folded))):
        fixed = f"ngày{match.group(1)}tháng{match.group(2)}năm{match.group(3)}"
        text = text[: match.start()] + fixed + text[match.end() :]
    match = _SO_LINE.match(fold_chars(text))
    start = match.end(1) if match else 0
    if match and text[start : start + 2] not in ("Số", "SỐ"):
        text = text[:start] + ("SỐ" if text[start + 1].isupper() else "Số") + text[start + 2 :]
    return text


def _is_noise(line: Line) -> bool:
    """Stamp rings and signatures read as symbols, or words Tesseract itself doubts."""
    text = line.text.strip()
    letters = sum(ch.isalnum() for ch in text)
    if not text or letters == 0:
        return True
    if letters / len(text.replace(" ", "")) < 0.6:
        return True
    if line.conf is not None and line.conf < 40 and len(text) < 40:
        return True
    return len(text) <= 2 and not text.isdigit() and (line.conf or 0) < 60


def _drop_page_furniture(lines: list[Line]) -> list[Line]:
    """Page numbers at the top or foot of a page, and running headers repeated on later pages."""
    tops: dict[int, str] = {}
    for line in lines:
        if line.page and line.page not in tops and line.box and line.box[1] < 0.1:
            tops[line.page] = fold_chars(line.text).strip()
    repeated = {t for t in tops.values() if t and list(tops.values()).count(t) > 1}
    kept = []
    for line in lines:
        edge = line.box is not None and (line.box[1] < 0.1 or line.box[3] > 0.9)
        if edge and _PAGE_NUMBER.match(line.text):
            continue
        if line.page and line.page > 1 and line.box and line.box[1] < 0.1 and fold_chars(line.text).strip() in repeated:
            continue
        kept.append(line)
    return kept


def _join_cut_symbols(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        line.text = _SPACE_IN_SYMBOL.sub(r"\1\2", line.text) if _SPACE_IN_SYMBOL.search(line.text) else line.text
        previous = out[-1] if out else None
        head = _SYMBOL_HEAD.match(line.text.lstrip())
        if previous and head and _CUT_SYMBOL.search(previous.text.rstrip()):
            previous.text = previous.text.rstrip() + head.group(1)
            previous.fixed = True
            if line.box:
                previous.boxes.append(line.box)
            rest = line.text.lstrip()[head.end() :].strip()
            if not rest:
                continue
            line.text, line.fixed = rest, True
        out.append(line)
    return out


_ROMAN_HEADING = re.compile(r"^(?P<roman>[IVX]{1,6})\s*(?P<dot>[.)]?)\s+(?P<rest>\S.*)$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_value(roman: str) -> int:
    total = 0
    for ch, nxt in zip(roman, roman[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt != " " and _ROMAN_VALUES[nxt] > value else value
    return total


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out, value = out + letters, value - number
    return out


def _number_sections(lines: list[Line]) -> None:
    """Section headings "I. … II. … III." in capitals: a dropped dot is put back, and a numeral read one
    stroke short ("II." for "III.", a common OCR slip) is set to follow the previous section."""
    previous = 0
    for line in lines:
        match = _ROMAN_HEADING.match(line.text)
        letters = [c for c in match["rest"] if c.isalpha()] if match else []
        if not match or not letters or not all(c.isupper() for c in letters):
            continue
        value = _roman_value(match["roman"])
        wanted = value if value == previous + 1 or previous == 0 else previous + 1
        text = f"{_roman(wanted)}. {match['rest']}"
        if text != line.text and (wanted != value or not match["dot"]):
            line.text, line.fixed = text, True
        previous = wanted


def _paragraphs(lines: list[Line]) -> list[Line]:
    """Blank lines where the page leaves a gap or the OCR starts a new block: the parser ends subjects,
    addressee lists and items at blank lines, as in typed text."""
    heights = sorted(line.box[3] - line.box[1] for line in lines if line.box)
    median = heights[len(heights) // 2] if heights else 0
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if previous and previous.box and line.box and previous.page == line.page and previous.text:
            gap = line.box[1] - previous.box[3]
            if line.block != previous.block or (median and gap > 0.8 * median):
                out.append(Line("", line.page))
        out.append(line)
    return out


def repair(lines: list[Line], *, extra_phrases=()) -> list[Line]:
    """The lines of an OCR'd letter, cleaned for the parser; `extra_phrases`: e.g. the portal's unit names."""
    lines = _join_cut_symbols([line for line in _drop_page_furniture(lines) if line.text.strip()])
    lines = _paragraphs([line for line in lines if not _is_noise(line)])
    _number_sections(lines)
    phrases = sorted({*FIXED_PHRASES, *extra_phrases}, key=len, reverse=True)
    first_page = min((line.page for line in lines if line.page), default=None)
    for index, line in enumerate(lines):
        if not line.text:
            continue
        before = unicodedata.normalize("NFC", line.text)
        text = restore_phrases(_restore_dates(before), phrases)
        letters = [c for c in text if c.isalpha()]
        if index < 20 and line.page == first_page and letters and all(c.isupper() for c in letters):
            text = restore_phrases(text, sorted(HEADER_WORDS, key=len, reverse=True))
        if text != before:
            line.text, line.fixed = text, True
    return lines


def repaired_text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines)
