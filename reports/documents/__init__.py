"""Rendering a report's snapshot into PDF, DOCX or XLSX (all three from the same Document)."""

import nh3

from .builder import build_document
from .docx import render_docx
from .pdf import render_pdf
from .xlsx import render_xlsx

RICH_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li"}


def sanitise_rich_text(html: str) -> str:
    """User rich text for documents: a few formatting tags only, no images, links or attributes."""
    return nh3.clean(html or "", tags=RICH_TAGS, attributes={}, url_schemes=set(), link_rel=None)


def plain_text(html: str) -> str:
    return nh3.clean(html or "", tags=set()).strip()


def render(kind: str, data: dict, fmt: str, *, sha: str, number: str = "", parameters=None) -> bytes:
    parameters = parameters or {}
    document = build_document(kind, data, sha=sha, number=number, parameters=parameters)
    remarks = parameters.get("remarks", "")
    if fmt == "pdf":
        document.remarks_html = sanitise_rich_text(remarks)
        return render_pdf(document)
    if fmt == "docx":
        return render_docx(document, remarks_text=plain_text(remarks))
    if fmt == "xlsx":
        return render_xlsx(document)
    raise ValueError(f"unknown format {fmt!r}")
