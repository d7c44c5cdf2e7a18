"""Where each field the reader filled came from: the index of its line in the letter's text.

The parser returns values, not positions, so the values are found back in the lines (accent- and
case-insensitive, spaces ignored), in the part of the letter where that field lives. Pure functions.
"""

import re

from campaign_portal.core.text import fold

HEADER_LINES = 60
_KEY = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return _KEY.sub("", fold(text or ""))


def find_line(lines: list[str], value: str, *, start: int = 0, stop: int | None = None, prefix: int = 24):
    """The first line from `start` that holds the beginning of `value` (or that `value` begins with)."""
    wanted = _key(value)[:prefix]
    if len(wanted) < 2:
        return None
    keys = [_key(line) for line in lines]
    stop = len(lines) if stop is None else min(stop, len(lines))
    for index in range(start, stop):
        key = keys[index]
        if key and (wanted in key or (len(key) >= 6 and wanted.startswith(key))):
            return index
        # a value cut by a line end: it starts on this line and runs into the next
        joined = key + (keys[index + 1] if index + 1 < len(keys) else "")
        at = joined.find(wanted)
        if 0 <= at < len(key) < at + len(wanted):
            return index
    return None


def _date_line(lines: list[str], iso: str | None):
    if not iso:
        return None
    year, month, day = iso.split("-")
    pattern = re.compile(rf"\b0?{int(day)}\b.*\b0?{int(month)}\b.*\b{year}\b")
    return next(
        (i for i, line in enumerate(lines[:HEADER_LINES]) if "thang" in fold(line) and pattern.search(fold(line))),
        None,
    )


def field_sources(lines: list[str], data: dict, fields: dict) -> dict:
    """{field name: line index} for the directive's own fields, from the parse `data` and form `fields`."""
    found = {
        "number": find_line(lines, data.get("number") or "", stop=HEADER_LINES),
        "issuer_name": find_line(lines, data.get("issuer") or "", stop=HEADER_LINES),
        "issued_on": _date_line(lines, data.get("date")),
        "place": None,
        "subject": find_line(lines, data.get("subject") or "", stop=HEADER_LINES),
        "addressee_text": next(
            (i for i, line in enumerate(lines[:HEADER_LINES]) if fold(line).startswith("kinh gui")), None
        ),
        "body": find_line(lines, (fields.get("body") or "").split("\n")[0]),
        "signer_name": find_line(lines, fields.get("signer_name") or "", start=HEADER_LINES // 2),
        "signer_title": find_line(lines, (fields.get("signer_title") or "").split("\n")[0], start=HEADER_LINES // 2),
    }
    if data.get("place"):
        found["place"] = found["issued_on"]
    if found["issuer_name"] is not None:
        found["issuer"] = found["issuer_name"]
    if found["addressee_text"] is not None and data.get("addressees"):
        found["addressee_kinds"] = found["addressee_text"]
    if data.get("doc_type") and found["number"] is not None:
        found["doc_type"] = found["number"]
    return {name: index for name, index in found.items() if index is not None}


def requirement_sources(lines: list[str], rows: list[dict]) -> list[int | None]:
    """The line each requirement row starts at (rows in letter order; a later row never points earlier)."""
    out: list[int | None] = []
    start = 0
    for row in rows:
        ordinal = str(row.get("ordinal") or "")
        text = row.get("text") or ""
        index = find_line(
            lines, f"{ordinal}{text}" if ordinal and not ordinal.startswith("Điều") else text, start=start
        )
        if index is None:
            index = find_line(lines, text, start=start)
        out.append(index)
        if index is not None:
            start = index
    return out


def reference_sources(lines: list[str], references: list[dict]) -> list[int | None]:
    return [find_line(lines, ref.get("number") or "") for ref in references]
