"""The same report in every format: real reports rendered to DOCX and HTML read back the same.

Each real text report of ``../shared/corpus-real/`` is parsed, its Document
rendered (``tests/support/render.py``) to a Word file with real tables and to a web
page with rowspan/colspan tables in ``tmp_path`` (renderings of corpus-real
never enter the repository), and read back. Identity, sections and every
extracted table cell must equal the TXT's. Reports whose tables were
flattened into running text have no table blocks; they are rebuilt with the
extracted values in the template's grids, which tests the grid extractor on
real numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.model import Block, Document
from analyzer.pipeline import analyze_file
from support.render import has_grids, spans, template_document, to_docx, to_html
from conftest import CORPUS, REAL

# The text conversions, and the original PDFs (their parsed Document rendered the same way).
REAL_TEXTS = sorted(p.name for p in [*REAL.glob("real*.txt"), *REAL.glob("*.pdf")]) if REAL.is_dir() else []
RENDERERS = {"docx": to_docx, "html": to_html}
IDENTITY = ("agency", "level", "year", "template")


def flat_values(result) -> dict[str, object]:
    values = result.tables.values
    return {f"{t}.{r}.{c}": v for t, rows in values.items() for r, cols in rows.items() for c, v in cols.items()}


def renderable(result) -> tuple[Document, str]:
    """The document to render, and how it was made."""
    doc = result.document
    if has_grids(doc):
        return doc, "tables"
    return template_document(result, doc), "template grids"


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = analyze_file(REAL / name)
        return cache[name]

    return get


@pytest.mark.skipif(not REAL_TEXTS, reason="../shared/corpus-real is absent")
@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("name", REAL_TEXTS)
def test_rendered_report_reads_back_the_same(name, fmt, parsed, tmp_path):
    base = parsed(name)
    doc, how = renderable(base)
    path = RENDERERS[fmt](doc, tmp_path / f"{Path(name).stem}.{fmt}")
    again = analyze_file(path)

    assert again.format == fmt
    for key in IDENTITY:
        assert getattr(again.meta, key) == getattr(base.meta, key), f"{name} as {fmt} ({how}): {key}"
    assert list(again.sections) == list(base.sections), f"{name} as {fmt} ({how}): sections"
    expected, got = flat_values(base), flat_values(again)
    assert any(v is not None for v in expected.values()), f"{name}: no table value extracted from the TXT"
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    assert not wrong, f"{name} as {fmt} ({how}): {len(wrong)} cells differ (expected, got): {wrong}"


def test_spans_merge_repeated_labels_never_numbers():
    rows = (
        ("行政复议", "行政复议", "行政诉讼", "行政诉讼"),
        ("行政复议", "行政复议", "直接起诉", "复议后起诉"),
        ("0", "0", "0", "3"),
    )
    got = spans(rows)
    assert (0, 0, 2, 2) in got  # a 2x2 label block
    assert (0, 2, 1, 2) in got  # a label repeated to the right
    assert [(r, c) for r, c, h, w in got if r == 2] == [(2, 0), (2, 1), (2, 2), (2, 3)]  # equal counts stay apart
    covered = sorted((r + i, c + k) for r, c, h, w in got for i in range(h) for k in range(w))
    assert covered == [(r, c) for r in range(3) for c in range(4)]  # every position exactly once


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_merged_cells_read_back_as_repeated_grid(fmt, tmp_path):
    """The readers repeat a merged cell into every position: rendering merged must give the grid back."""
    rows = (
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("规章", "0", "0", "3"),
        ("行政规范性文件", "2", "2", "15"),
        ("第二十条第（五）项", "第二十条第（五）项", "第二十条第（五）项", "第二十条第（五）项"),
    )
    doc = Document(
        source=CORPUS / "x.txt",
        format="txt",
        blocks=(Block("heading", "二、主动公开政府信息情况"), Block("table", "", rows=rows), Block("paragraph", "以上为本年数据。")),
    )
    path = RENDERERS[fmt](doc, tmp_path / f"grid.{fmt}")
    from analyzer.ingest import read_document

    tables = [b for b in read_document(path).blocks if b.kind == "table"]
    assert len(tables) == 1
    assert tables[0].rows == rows


@pytest.mark.skipif(not REAL_TEXTS, reason="../shared/corpus-real is absent")
def test_blank_template_cell_reads_back_as_missing(parsed, tmp_path):
    """A cell the report does not show is rendered blank and must come back None, never 0."""
    from dataclasses import replace

    base = parsed("real0001.txt")
    values = {t: {r: dict(c) for r, c in rows.items()} for t, rows in base.tables.values.items()}
    values["applications"]["granted"]["natural_person"] = None
    altered = replace(base, tables=replace(base.tables, values=values))
    doc = template_document(altered, base.document)
    again = analyze_file(to_docx(doc, tmp_path / "blank.docx"))
    assert again.tables.values["applications"]["granted"]["natural_person"] is None


# ---- PDF reader fixes found by the PDF round trip (bench/bench_parity.py) -----


def _part(page: int, rows: list[list[str]]):
    """A table fragment on a 60 x 20 pt grid, one cell per text."""
    from analyzer.ingest.pdf import Table

    cells = [((c * 60.0, r * 20.0, (c + 1) * 60.0, (r + 1) * 20.0), text) for r, row in enumerate(rows) for c, text in enumerate(row)]
    return Table(page, (0.0, 0.0, 60.0 * len(rows[0]), 20.0 * len(rows)), cells)


def test_numbered_item_after_a_page_break_is_a_new_row():
    """Seeds 000/004 as PDF: "第二十条第（五）项" at the top of page 2 was glued to the row above."""
    from analyzer.ingest.pdf import tables_to_rows

    first = _part(1, [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "1"], ["行政规范性文件", "0", "0", "0"]])
    second = _part(2, [["第二十条第（五）项", "", "", ""], ["行政许可", "0", "", ""]])
    rows = tables_to_rows([first, second])
    assert ("行政规范性文件", "0", "0", "0") in rows
    assert rows[3][0] == "第二十条第（五）项"


def test_blank_value_at_the_top_of_a_page_is_not_filled_from_above():
    """Seed 001 and real0011 as PDF: a blank count after the break took the number or header above it."""
    from analyzer.ingest.pdf import tables_to_rows

    first = _part(1, [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"]])
    second = _part(2, [["行政规范性文件", "3", "3", ""], ["行政许可", "5", "", ""]])
    assert tables_to_rows([first, second])[2] == ("行政规范性文件", "3", "3", "")

    header = _part(1, [["申请人情况", "自然人", "商业企业", "科研机构", "总计"]])
    body = _part(2, [["一、本年新收", "821", "35", "", "859"]])
    assert tables_to_rows([header, body])[1] == ("一、本年新收", "821", "35", "", "859")
