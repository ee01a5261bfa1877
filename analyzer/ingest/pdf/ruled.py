"""Ruled tables, by pdfplumber: ``find_tables`` on the pages whose rulings pdfium saw.

Default settings scored 175/175 cells on the generated corpus. Merged cells
come back as cell rectangles; :func:`~analyzer.ingest.pdf.assemble.tables_to_rows`
repeats a merged cell's text into every grid position it covers.
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from typing import Any, Iterator

from analyzer import errors
from analyzer.ingest.normalize import clean_cell
from analyzer.ingest.pdf.objects import GRID_TOLERANCE, Bbox, Table, cluster


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def pdfminer_warnings() -> Iterator[_CountWarnings]:
    """Count pdfminer's warnings instead of letting them reach the terminal.

    A damaged content stream makes pdfminer log a warning per bad operator
    (hundreds of English lines on a user's terminal); callers turn the count
    into one Chinese note.
    """
    logger = logging.getLogger("pdfminer")
    counter, propagate = _CountWarnings(), logger.propagate
    logger.addHandler(counter)
    logger.propagate = False
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.propagate = propagate


def read_tables(data: bytes, name: str, numbers: list[int], notes: list[str]) -> dict[int, list[Table]]:
    """:func:`_parse_tables`, with pdfminer's warnings summed up in one note."""
    with pdfminer_warnings() as warned:
        tables = _parse_tables(data, name, numbers, notes)
    if warned.count:
        notes.append(f"PDF 内容流有{warned.count}处损坏（压缩数据或绘图指令无法解析），表格可能不完整")
    return tables


def _parse_tables(data: bytes, name: str, numbers: list[int], notes: list[str]) -> dict[int, list[Table]]:
    """Ruled tables of the given pages (1-based), by pdfplumber; other pages are never parsed.

    pdfium has already read the text, so a page whose tables pdfminer cannot
    parse costs its tables (with a note), not the whole document.
    """
    if not numbers:
        return {}
    import pdfplumber
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    damaged = (PSException, PDFException, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError, ZeroDivisionError)
    tables: dict[int, list[Table]] = {}
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if "password" in type(cause).__name__.lower() or "encrypt" in str(cause).lower():
            raise errors.UnreadableInput(errors.PDF_ENCRYPTED.format(name=name)) from exc
        notes.append(f"表格结构无法解析（{type(cause).__name__}），仅读取了文字")
        return {}
    with pdf:
        for number in numbers:
            try:
                page = pdf.pages[number - 1]
                tables[number] = _page_tables(page, number)
                page.close()  # frees the parsed layout: memory stays flat on long files
            except (PdfminerException, *damaged) as exc:
                notes.append(f"第{number}页表格无法解析（{type(exc).__name__}），仅读取了文字")
    return tables


def _is_white(color: Any) -> bool:
    if color is None:
        return False
    values = color if isinstance(color, (tuple, list)) else (color,)
    try:
        values = [float(v) for v in values]
    except (TypeError, ValueError):
        return False
    if len(values) == 4:  # CMYK: no ink is white
        return all(v <= 0.02 for v in values)
    return bool(values) and all(v >= 0.98 for v in values)


def _visible(obj: dict[str, Any]) -> bool:
    """Drop rectangles nobody can see: WPS exports paint a white, unstroked box behind
    every paragraph, and pdfplumber would take their edges for table rulings
    (the real 洪泽区 2023 PDF shows its prose as one-column "tables" otherwise)."""
    if obj.get("object_type") != "rect":
        return True
    filled = obj.get("fill") and not _is_white(obj.get("non_stroking_color"))
    stroked = obj.get("stroke") and not _is_white(obj.get("stroking_color"))
    return bool(filled or stroked)


def _page_tables(page: Any, number: int) -> list[Table]:
    visible = page.filter(_visible)
    found = visible.find_tables()
    closing = _open_ends(visible.edges, found)
    if closing:
        found = visible.find_tables({"explicit_horizontal_lines": closing})
    tables = [_table_cells(table, number) for table in found]
    return [t for t in tables if t is not None]


def _open_ends(edges: list[dict[str, Any]], tables: list[Any]) -> list[float]:
    """Where a table split by a page break lacks its outer ruling, close it.

    Word and WPS draw no bottom border on the last row before a page break
    (nor a top border after it); the vertical rulings still run to the row's
    end. Without a closing line pdfplumber drops that row, whose numbers
    would then read as prose (洪泽区 2023, p. 3).
    """
    closing: list[float] = []
    for table in tables:
        x0, top, x1, bottom = table.bbox
        verticals = [
            e for e in edges
            if e.get("orientation") == "v" and x0 - 2 <= e["x0"] <= x1 + 2 and e["bottom"] >= top - 1 and e["top"] <= bottom + 1
        ]
        low = max((e["bottom"] for e in verticals), default=bottom)
        high = min((e["top"] for e in verticals), default=top)
        if low > bottom + GRID_TOLERANCE:
            closing.append(float(low))
        if high < top - GRID_TOLERANCE:
            closing.append(float(high))
    return closing


def _table_cells(table: Any, page: int) -> Table | None:
    """Cell rectangles and their cleaned text; None for a box that is no table."""
    texts = table.extract()
    cells: list[tuple[Bbox, str]] = []
    for row, row_texts in zip(table.rows, texts):
        for bbox, text in zip(row.cells, row_texts):
            if bbox is not None:
                cells.append((tuple(float(v) for v in bbox), clean_cell(text)))  # type: ignore[misc]
    xs = cluster([c[0][0] for c in cells] + [c[0][2] for c in cells])
    # One column is a framed paragraph (a text box), not a table: keep its text as prose.
    if len(xs) < 3 or not any(text for _, text in cells):
        return None
    return Table(page, tuple(float(v) for v in table.bbox), cells)  # type: ignore[arg-type]
