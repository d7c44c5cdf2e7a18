"""A format-neutral document: the PDF, DOCX and XLSX renderers all draw the same structure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from campaign_portal.core.formatting import format_date


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # millimetres on paper; XLSX uses it for column widths
    align: str = "left"  # left, center, right


@dataclass(frozen=True)
class StateValue:
    """A compliance cell: a state code (colour) plus words (never colour alone)."""

    state: str
    text: str
    background: str
    colour: str


@dataclass(frozen=True)
class Percent:
    """A percentage 0–100 (None: nothing to count); XLSX stores it as a number, print as '85,5 %'."""

    value: float | None

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " %"


@dataclass
class Table:
    key: str  # sheet name root in XLSX
    title: str
    columns: list[Column]
    rows: list[list]  # str, int, datetime.date, Percent, StateValue or None
    note: str = ""
    print_only: bool = False  # a printed view of data another table carries whole (XLSX skips it)
    new_page: bool = False  # printed from the top of a page (the column groups of a wide grid)

    @property
    def width(self) -> float:
        return sum(c.width for c in self.columns)


@dataclass
class Section:
    heading: str  # "I. TÌNH HÌNH CHUNG"
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart_svg: str = ""
    chart_title: str = ""  # printed as text in the body's typeface, not inside the SVG


@dataclass
class Appendix:
    title: str  # "Phụ lục I"
    subject: str
    attached_to: str  # "(Kèm theo Báo cáo số      /BC-UBND ngày 05/01/2020)"
    table: Table
    landscape: bool = True
    paragraphs: list[str] = field(default_factory=list)  # printed between the heading and the tables
    more_tables: list[Table] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [self.table, *self.more_tables]


@dataclass
class Document:
    parent_body: str  # may be empty
    issuer_lines: list[str]
    number_line: str  # "Số: 15/BC-UBND" or "Số:      /BC-UBND"
    place_date: str
    doc_type_name: str  # "BÁO CÁO"
    subject: str
    intro: list[str]
    sections: list[Section]
    closing: list[str]
    recipients: list[str]
    signature: list[str]  # authority lines, capitals
    signer_name: str
    snapshot_note: str
    appendices: list[Appendix] = field(default_factory=list)
    data_tables: list[Table] = field(default_factory=list)  # long lists: XLSX only
    remarks_html: str = ""  # sanitised with nh3 (see documents.richtext)
    title: str = ""  # file metadata
    issued_on: datetime.date | None = None
    sha256: str = ""  # the snapshot's hash: document properties and a small footer code, never the body

    def all_tables(self) -> list[Table]:
        tables = [t for s in self.sections for t in s.tables]
        return tables + [t for a in self.appendices for t in a.tables] + self.data_tables


def no_orphan(text: str) -> str:
    """Bind the last two words of a title with a no-break space so no line holds a single word ("Thuột")."""
    words = (text or "").split(" ")
    if len(words) < 3:
        return text
    return " ".join(words[:-2]) + " " + words[-2] + "\u00a0" + words[-1]


def cell_text(value) -> str:
    """A table value as printed: dd/mm/yyyy dates, dot thousands, '85,5 %'."""
    if value is None:
        return ""
    if isinstance(value, StateValue):
        return value.text
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return str(value)
