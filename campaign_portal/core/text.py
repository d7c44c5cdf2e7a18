"""Vietnamese text helpers: NFC normalisation and accent-insensitive folding for search."""

import html
import re
import unicodedata

from django.utils.safestring import SafeString

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    """Text pasted from PDFs or macOS often arrives in NFD; store everything as NFC."""
    return unicodedata.normalize("NFC", value or "")


def fold(value: str) -> str:
    """Lower-case, accents dropped, đ→d: 'Đắk Lắk' and 'dak lak' fold to the same text."""
    decomposed = unicodedata.normalize("NFD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters (the "…" included), cut at a word and never mid-phrase when a comma or
    semicolon is near the end: titles, breadcrumbs and list lines are cut this way, never mid-word."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    head = head.rstrip(",;:.-– ")
    pause = max(head.rfind(", "), head.rfind("; "))
    if pause >= limit * 2 // 3:
        head = head[:pause]
    return head + "…"


def escape_text(value) -> str:
    """django.utils.html.escape's output (html.escape of the text) without its lazy-text wrapper, which cost
    more than the escaping in tables of thousands of values drawn in Python."""
    return html.escape(str(value))


def as_template_text(value) -> str:
    """What `{{ value }}` writes in a template (localised, escaped unless already safe): for rows of a long
    table drawn in a view rather than by a template loop, with the same HTML."""
    if type(value) is str:  # most cells: localize() returns a plain string as it is, escaping is all
        return SafeString(html.escape(value))  # django.utils.html.escape, without its lazy-text wrapper
    from django.utils.formats import localize
    from django.utils.html import conditional_escape

    return conditional_escape(localize(value))
