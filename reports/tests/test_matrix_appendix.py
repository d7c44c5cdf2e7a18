"""Phụ lục I of the province report stays readable at any size: the full grid when it fits the page, the grid
in column groups with the glossary's codes for letters with many requirements, one row per unit above a
size whose layout would take WeasyPrint over 10 s (the full grid then goes to the XLSX)."""

import io
import re

import pytest
from openpyxl import load_workbook

from directives.obligations import CellState
from directives.state_glossary import MEANINGS, ORDER, SHORT, colours
from reports import snapshot
from reports.documents import build_document, render_xlsx
from reports.documents.builder import GRID_ASKS_MAX, GRID_CELLS_MAX, PAGE_WIDTH_MM, WORDS_CELLS_MAX
from reports.documents.model import StateValue
from reports.documents.pdf import render_html

from .test_documents import CUTOFF, pdftotext

STATES = [s.value for s in CellState]


def _data(province, letter, *, units: int, asks: int) -> dict:
    """The fixture letter's real snapshot with its compliance grid replaced by units × asks synthetic cells."""
    directive, _requirement = letter
    data = snapshot.build(
        kind="province_compliance", parameters={"directive": directive.pk}, scope_unit=province.province, cutoff=CUTOFF
    )
    compliance = data["compliance"]
    requirement, unit = compliance["requirements"][0], compliance["units"][0]
    compliance["requirements"] = [
        {
            **requirement,
            "id": 10_000 + i,
            "label": f"Nhiệm vụ thử {i}",
            "ordinal": str(i),
            "position": i,
            "quota_min": None,
            "quota_max": None,
        }
        for i in range(1, asks + 1)
    ]
    compliance["units"] = [
        {**unit, "id": 20_000 + j, "code": f"X{j}", "name": f"Xã Ea Thử {j:03d}", "kind": "commune"}
        for j in range(1, units + 1)
    ]
    compliance["cells"] = [
        [10_000 + i, 20_000 + j, STATES[(i + j) % len(STATES)], 0, 0, [], None]
        for i in range(1, asks + 1)
        for j in range(1, units + 1)
    ]
    return data


def _document(data):
    return build_document("province_compliance", data, sha="0" * 64)


def _printed_tables(html: str) -> list[list[float]]:
    """Column widths (mm) of every table of Phụ lục I as printed."""
    appendix = html[html.index('<section class="appendix') :].split("</section>", 1)[0]
    return [
        [float(w) for w in re.findall(r'<col style="width: ([\d.]+)mm">', colgroup)]
        for colgroup in re.findall(r"<colgroup>(.*?)</colgroup>", appendix, re.S)
    ]


@pytest.mark.django_db
def test_a_small_letter_keeps_the_full_grid_in_words(province, letter):
    document = _document(_data(province, letter, units=40, asks=8))
    appendix = document.appendices[0]
    assert [t.key for t in appendix.tables] == ["ma-tran"] and not appendix.paragraphs
    grid = appendix.table
    assert len(grid.columns) == 2 + 8 + 1 and len(grid.rows) == 40 and grid.width <= PAGE_WIDTH_MM
    cells = [v for row in grid.rows for v in row if isinstance(v, StateValue)]
    assert len(cells) == 40 * 8
    # States in words, the glossary's words.
    assert {c.text for c in cells} == {str(CellState(s).label) for s in STATES}
    assert _printed_tables(render_html(document)) == [pytest.approx([c.width for c in grid.columns], abs=0.06)]
    # The XLSX carries the same grid once.
    sheets = load_workbook(io.BytesIO(render_xlsx(document)), read_only=True).sheetnames
    assert sheets.count("Ma trận thực hiện") == 1


@pytest.mark.django_db
def test_many_requirements_print_in_column_groups_with_the_glossarys_codes(province, letter):
    asks = 23
    units = GRID_CELLS_MAX // asks
    document = _document(_data(province, letter, units=units, asks=asks))
    appendix = document.appendices[0]
    legend, *groups = appendix.tables
    assert len(groups) == 3  # 10 + 10 + 3 requirements
    for number, group in enumerate(groups):
        assert len(group.columns) - 2 - (number == 2) <= GRID_ASKS_MAX
        assert group.width <= PAGE_WIDTH_MM
        assert len(group.rows) == units and group.print_only
        assert group.new_page == (number > 0)
    # Every requirement printed once, numbered as in section I's table.
    headers = [c.label for g in groups for c in g.columns[2:] if c.label.split(".")[0].isdigit()]
    assert [h.split(".")[0] for h in headers] == [str(i) for i in range(1, asks + 1)]
    # Codes, words, meanings and colours: all from the one glossary.
    codes = {v.text: v.state for g in groups for row in g.rows for v in row if isinstance(v, StateValue)}
    assert codes == {str(SHORT[CellState(s)]): s for s in STATES}
    assert [str(row[0].text) for row in legend.rows[: len(ORDER)]] == [str(SHORT[s]) for s in ORDER]
    assert [str(row[1]) for row in legend.rows[: len(ORDER)]] == [str(s.label) for s in ORDER]
    assert [str(row[2]) for row in legend.rows[: len(ORDER)]] == [str(MEANINGS[s]) for s in ORDER]
    assert all((row[0].background, row[0].colour) == colours(row[0].state) for row in legend.rows)
    # As printed: no table wider than the page, no group wider than GRID_ASKS_MAX requirements.
    printed = _printed_tables(render_html(document))
    assert len(printed) == 4 and all(sum(widths) <= PAGE_WIDTH_MM for widths in printed)
    assert max(len(widths) for widths in printed) <= 2 + GRID_ASKS_MAX + 1
    # The XLSX has the full grid, in words, once; not the printed groups nor the legend.
    workbook = load_workbook(io.BytesIO(render_xlsx(document)), read_only=True)
    assert workbook.sheetnames.count("Ma trận thực hiện") == 1
    grid = list(workbook["Ma trận thực hiện"].iter_rows(values_only=True))
    assert len(grid) == 1 + units and len(grid[0]) == 2 + asks + 1
    assert "Ký hiệu tình trạng" not in workbook.sheetnames


@pytest.mark.django_db
@pytest.mark.parametrize("units,asks", [(300, 50), (GRID_CELLS_MAX // 10 + 1, 10)])
def test_a_national_size_letter_prints_one_row_per_unit_and_points_to_the_xlsx(province, letter, units, asks):
    document = _document(_data(province, letter, units=units, asks=asks))
    appendix = document.appendices[0]
    assert [t.key for t in appendix.tables] == ["tong-hop-don-vi"]
    summary = appendix.table
    assert len(summary.rows) == units and summary.width <= PAGE_WIDTH_MM
    labels = [c.label for c in summary.columns]
    assert [str(s.label) for s in ORDER if s != CellState.NOT_APPLICABLE] == labels[3:9]
    # Counts per state add up to the requirements the unit owes.
    for row in summary.rows:
        assert sum(row[3:9]) == row[2]
    assert sum(row[3 + labels[3:9].index(str(CellState.LATE.label))] for row in summary.rows) == sum(
        1 for j in range(1, units + 1) for i in range(1, asks + 1) if STATES[(i + j) % len(STATES)] == "late"
    )
    assert "tệp Excel" in appendix.paragraphs[0] and "Ma trận thực hiện" in appendix.paragraphs[0]
    printed = _printed_tables(render_html(document))
    assert len(printed) == 1 and sum(printed[0]) <= PAGE_WIDTH_MM
    workbook = load_workbook(io.BytesIO(render_xlsx(document)), read_only=True)
    grid = list(workbook["Ma trận thực hiện"].iter_rows(values_only=True))
    assert len(grid) == 1 + units and len(grid[0]) == 2 + asks + 1
    assert str(CellState.LATE.label) in {v for row in grid[1:] for v in row}


@pytest.mark.django_db
def test_a_bench_size_letter_keeps_words_a_little_bigger_one_prints_codes(province, letter):
    """250 × 10 (the province bench) keeps the grid in words; 280 × 10 prints one table of codes."""
    assert WORDS_CELLS_MAX >= 250 * 10
    words = _document(_data(province, letter, units=250, asks=10)).appendices[0]
    assert [t.key for t in words.tables] == ["ma-tran"] and not words.table.print_only
    codes = _document(_data(province, letter, units=WORDS_CELLS_MAX // 10 + 1, asks=10)).appendices[0]
    assert [t.key for t in codes.tables] == ["ky-hieu", "ma-tran"] and codes.tables[1].width <= PAGE_WIDTH_MM


@pytest.mark.django_db
def test_the_printed_column_groups_carry_the_legend_in_vietnamese(province, letter):
    from reports.documents import render

    data = _data(province, letter, units=6, asks=GRID_ASKS_MAX + 2)
    text = pdftotext(render("province_compliance", data, "pdf", sha="0" * 64))
    for expected in ["Phụ lục I", "Ký hiệu tình trạng", "Nhiệm vụ 1–10", "Nhiệm vụ 11–12", "Xã Ea Thử 006"]:
        assert expected in text, expected
    for state in ORDER:
        assert str(SHORT[state]) in text and str(state.label) in text
