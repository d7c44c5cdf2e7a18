"""``python manage.py parse_directive PATH``: print a directive's parsed fields as one JSON object.

Reads .txt (UTF-8, with or without BOM), .docx (python-docx, paragraphs and table cells in
document order: the two-column header is usually a table) and .pdf (pypdf text). The
document libraries are imported only when such a file is given.
"""

import json
import zipfile
from pathlib import Path

import docx
from django.core.management.base import BaseCommand, CommandError
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from directives.parsing import parse_document


class DocumentReadError(Exception):
    """The file exists but its text cannot be read; the message says why."""


def read_document_text(path: Path) -> str:
    """The text of a .docx, .pdf or UTF-8 text file; raises DocumentReadError when unreadable."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix == ".pdf":
        return _read_pdf(path)
    try:
        return path.read_bytes().decode("utf-8-sig")  # "-sig" drops a BOM if there is one
    except UnicodeDecodeError as exc:
        raise DocumentReadError(
            f"{path} không phải văn bản UTF-8 (byte {exc.start}): hãy lưu lại dưới dạng UTF-8"
        ) from exc


def _read_docx(path: Path) -> str:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentReadError(f"{path} không phải tệp .docx hợp lệ: {exc}") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    """Cell by cell, a blank line after each, so header columns read as separate blocks."""
    lines: list[str] = []
    for row in table.rows:
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                continue
            seen.add(id(cell._tc))
            lines.extend(paragraph.text for paragraph in cell.paragraphs)
            lines.append("")
    return lines


def _read_pdf(path: Path) -> str:
    try:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError) as exc:
        raise DocumentReadError(f"{path} không đọc được như tệp PDF: {exc}") from exc


class Command(BaseCommand):
    help = "Phân tích một văn bản chỉ đạo (.txt, .docx, .pdf) và in các trường dưới dạng JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Đường dẫn tới tệp văn bản (.txt UTF-8, .docx hoặc .pdf)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        if not path.is_file():
            raise CommandError(f"Không phải là tệp: {path}")
        try:
            text = read_document_text(path)
        except (DocumentReadError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(parse_document(text).as_dict(), ensure_ascii=False, indent=2))
