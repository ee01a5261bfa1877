"""Write a parsed :class:`~analyzer.model.Document` back out as DOCX or HTML.

Used to check format parity (the same report read from TXT, DOCX, HTML and
PDF must give the same identity, sections and table values: see
``tests/test_parity_real.py`` and ``bench/bench_parity.py``), and handy for
turning a damaged text conversion into a file a person can open.

Tables become real tables: Word tables (python-docx) and HTML ``<table>``s.
A label repeated over a rectangle of the grid (the reader repeats a merged
cell into every position it covers) is merged back: ``gridSpan``/``vMerge``
in Word, ``colspan``/``rowspan`` in HTML. Numbers are never merged: two equal
neighbouring counts are two cells.

A document whose tables were flattened into running text (web-page text) has
no table grids to render (see :func:`has_grids`); :func:`template_document` rebuilds it with the
extracted values laid out in the national template's grids instead.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from analyzer.model import Block, Document, ReportResult

_NUMBERISH = re.compile(r"[\s\d.,，%％+\-－—–/]*")


def _is_label(text: str) -> bool:
    """Cells worth merging: words, not numbers or blanks."""
    return bool(text.strip()) and not _NUMBERISH.fullmatch(text)


def spans(rows: tuple[tuple[str, ...], ...]) -> list[tuple[int, int, int, int]]:
    """Rectangles ``(row, col, height, width)`` covering the grid, merged where a label repeats.

    Greedy from the top left: a run of equal labels to the right gives the
    width, then equal runs below give the height.
    """
    width = max((len(r) for r in rows), default=0)
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    taken = [[False] * width for _ in grid]
    out = []
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if taken[r][c]:
                continue
            w = h = 1
            if _is_label(text):
                while c + w < width and not taken[r][c + w] and row[c + w] == text:
                    w += 1
                while r + h < len(grid) and all(
                    not taken[r + h][k] and grid[r + h][k] == text for k in range(c, c + w)
                ):
                    h += 1
            for i in range(r, r + h):
                for k in range(c, c + w):
                    taken[i][k] = True
            out.append((r, c, h, w))
    return out


# ---- DOCX --------------------------------------------------------------------


def to_docx(doc: Document, path: str | Path, borders: bool = True) -> Path:
    """Headings as Word headings, paragraphs as paragraphs, tables as merged Word tables.

    ``borders=False`` draws the tables without ruling lines (Word's "no borders"), as
    many reports are exported: the PDF reader must then find them from the text alone.
    """
    import docx

    path = Path(path)
    out = docx.Document()
    title = doc.metadata.get("标题", "")
    if title:
        out.core_properties.title = title[:200]
        if title not in doc.text[:1000]:
            # A web page can keep its title in <title> only; a Word report always
            # prints it at the top, and readers take identity from the body.
            out.add_heading(title, level=0)
    for block in doc.blocks:
        if block.kind == "heading":
            out.add_heading(block.text, level=1)
        elif block.kind == "table" and block.rows:
            _docx_table(out, block.rows, borders)
        else:
            for line in block.text.split("\n"):
                out.add_paragraph(line)
    out.save(path)
    return path


def _docx_table(out, rows: tuple[tuple[str, ...], ...], borders: bool = True) -> None:
    width = max(len(r) for r in rows)
    table = out.add_table(rows=len(rows), cols=width)
    if borders:
        table.style = "Table Grid"  # the default style ("Normal Table") draws no lines
    for r, c, h, w in spans(rows):
        text = rows[r][c] if c < len(rows[r]) else ""
        cell = table.cell(r, c)
        if h > 1 or w > 1:
            cell = cell.merge(table.cell(r + h - 1, c + w - 1))
        cell.text = text


# ---- HTML --------------------------------------------------------------------


def to_html(doc: Document, path: str | Path) -> Path:
    """A plain UTF-8 page: ``<h2>`` headings, ``<p>`` paragraphs, tables with rowspan/colspan."""
    path = Path(path)
    meta = []
    title = doc.metadata.get("标题", "")
    if doc.metadata.get("发布时间"):
        meta.append(f'<meta name="PubDate" content="{html.escape(doc.metadata["发布时间"])}">')
    parts = []
    for block in doc.blocks:
        if block.kind == "heading":
            parts.append(f"<h2>{html.escape(block.text)}</h2>")
        elif block.kind == "table" and block.rows:
            parts.append(_html_table(block.rows))
        else:
            parts.extend(f"<p>{html.escape(line)}</p>" for line in block.text.split("\n"))
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        + "".join(meta)
        + f"<title>{html.escape(title)}</title></head>\n"
        + '<body><div class="article-content">\n'
        + "\n".join(parts)
        + "\n</div></body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path


def _html_table(rows: tuple[tuple[str, ...], ...]) -> str:
    by_row: dict[int, list[str]] = {}
    for r, c, h, w in spans(rows):
        text = rows[r][c] if c < len(rows[r]) else ""
        attrs = (f' rowspan="{h}"' if h > 1 else "") + (f' colspan="{w}"' if w > 1 else "")
        by_row.setdefault(r, []).append(f"<td{attrs}>{html.escape(text)}</td>")
    body = "".join(f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(len(rows)))
    return f'<table border="1">{body}</table>'


# ---- Template-shaped grids from extracted values -------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(int(value))


def template_grids(result: ReportResult) -> dict[str, list[tuple[tuple[str, ...], ...]]]:
    """The three tables laid out as the national template draws them, filled with extracted values.

    Cells the report does not show stay blank (never 0). Returns table key ->
    list of grids (二 is one small grid per 第二十条 item, as many reports print it).
    """
    from analyzer.tables.schema import OUTCOMES, rows_of

    template = result.tables.template or result.meta.template
    values = result.tables.values
    grids: dict[str, list[tuple[tuple[str, ...], ...]]] = {}

    active = []
    rows = rows_of("active_disclosure", template)
    for block in dict.fromkeys(r.block for r in rows):
        members = [r for r in rows if r.block == block]
        cols = members[0].columns
        width = 1 + max(len(m.columns) for m in members)
        grid = [(block,) * width, ("信息内容",) + tuple(c.label for c in cols) + ("",) * (width - 1 - len(cols))]
        for m in members:
            got = values.get("active_disclosure", {}).get(m.key, {})
            cells = tuple(_cell(got.get(c.key)) for c in m.columns)
            grid.append((m.label,) + cells + ("",) * (width - 1 - len(cells)))
        active.append(tuple(grid))
    grids["active_disclosure"] = active

    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    head = [
        (note,) * 3 + ("申请人情况",) * 7,
        (note,) * 3 + ("自然人",) + ("法人或其他组织",) * 5 + ("总计",),
        (note,) * 3 + ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
    ]
    body = []
    for row in rows_of("applications", template):
        got = values.get("applications", {}).get(row.key, {})
        cells = tuple(_cell(got.get(c.key)) for c in row.columns)
        body.append(_application_labels(row.label, row.block) + cells)
    grids["applications"] = [tuple(head + body)]

    names = [c.label for c in OUTCOMES]
    review = values.get("review_litigation", {})
    grids["review_litigation"] = [(
        ("行政复议",) * 5 + ("行政诉讼",) * 10,
        ("行政复议",) * 5 + ("未经复议直接起诉",) * 5 + ("复议后起诉",) * 5,
        tuple(names) * 3,
        tuple(
            _cell(review.get(group, {}).get(c.key))
            for group in ("review", "litigation_direct", "litigation_after_review")
            for c in OUTCOMES
        ),
    )]
    return grids


def _application_labels(label: str, block: str) -> tuple[str, str, str]:
    """The three label columns of a 三 row: result group, sub-group, item."""
    m = re.match(r"^三(（[一二三四五六七]）)(.*)$", label)
    if not m:
        return (label,) * 3  # 一、本年新收…, 二、上年结转…, 四、结转下年度…
    sub, item = m.groups()
    group = "三、本年度办理结果"
    if item:
        return (group, block or sub, item)
    return (group, block or sub, block or sub)


def has_grids(doc: Document) -> bool:
    """Whether the document holds real table grids (two rows or more).

    A text conversion that lists one cell per line without row breaks reads
    as a single row of hundreds of cells: rendering that row gives a table
    no one could read, so such a document is rendered as template grids.
    """
    return any(b.kind == "table" and b.rows and len(b.rows) > 1 for b in doc.blocks)


def template_document(result: ReportResult, doc: Document) -> Document:
    """The report rebuilt section by section, its tables as template grids with the extracted values.

    For documents whose tables were flattened into running text: the text
    before the first section, every section heading, the narrative sections'
    text, and for the three table sections the grids instead of the
    flattened cells.
    """
    grids = template_grids(result)
    blocks: list[Block] = []
    first = next(iter(result.sections.values()), None)
    if first is not None:
        at = doc.text.find(first.title)
        if at > 0:
            blocks.append(Block("paragraph", doc.text[:at].strip()))
    for key, section in result.sections.items():
        blocks.append(Block("heading", section.title))
        if key in grids:
            for grid in grids[key]:
                blocks.append(Block("table", "\n".join("\t".join(r) for r in grid), rows=grid))
            continue
        body = section.text
        if body.startswith(section.title):
            body = body[len(section.title):]
        if body.strip():
            blocks.append(Block("paragraph", body.strip()))
    return Document(source=doc.source, format=doc.format, blocks=tuple(blocks), metadata=dict(doc.metadata))
