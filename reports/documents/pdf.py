"""PDF through HTML templates and WeasyPrint, with a URL fetcher that only reads our static files."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from directives.state_glossary import COLOURS

from .model import Document


class FetchRefused(ValueError):
    """WeasyPrint asked for something outside the project's static files."""


def static_roots() -> list[Path]:
    roots = [Path(p).resolve() for p in settings.STATICFILES_DIRS]
    return roots


def static_base_url() -> str:
    return static_roots()[0].as_uri() + "/"


def _make_fetcher_class():
    # local import: WeasyPrint takes ~0.7 s to import; only the report worker renders PDFs
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves `data:` URLs and files under STATICFILES_DIRS; refuses network, other files and hosts.

        WeasyPrint ≥ 68 routes redirects through `fetch` too, so nothing bypasses this check.
        """

        def __init__(self):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise FetchRefused(f"refused URL: {url[:200]}")
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"refused host: {parts.netloc[:100]}")
            path = Path(os.path.realpath(unquote(parts.path)))
            if not any(path.is_relative_to(root) for root in static_roots()) or not path.is_file():
                raise FetchRefused(f"refused file: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


_FETCHER_CLASS = None


def safe_fetcher():
    """A new fetcher instance (the class is built lazily: importing WeasyPrint costs ~0.7 s)."""
    global _FETCHER_CLASS
    if _FETCHER_CLASS is None:
        _FETCHER_CLASS = _make_fetcher_class()
    return _FETCHER_CLASS()


def state_css() -> str:
    return "\n".join(f"td.st-{state} {{ background: {bg}; color: {fg}; }}" for state, (bg, fg) in COLOURS.items())


def render_html(document: Document) -> str:
    return render_to_string("reports/pdf/document.html", {"doc": document, "state_css": state_css()})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # local import: see _make_fetcher_class

    return HTML(string=html, base_url=static_base_url(), url_fetcher=safe_fetcher()).write_pdf(attachments=[])


def render_pdf(document: Document) -> bytes:
    return html_to_pdf(render_html(document))
