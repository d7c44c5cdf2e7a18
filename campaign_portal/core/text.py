"""Vietnamese text helpers: NFC normalisation and accent-insensitive folding for search."""

import re
import unicodedata

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
