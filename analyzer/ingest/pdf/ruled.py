"""Ruled tables, by pdfplumber's ``TableFinder`` on the rulings pdfium drew, on the pages that have them.

Default settings scored 175/175 cells on the generated corpus. Merged cells
come back as cell rectangles; :func:`~analyzer.ingest.pdf.assemble.tables_to_rows`
repeats a merged cell's text into every grid position it covers.
"""

from __future__ import annotations

import io
import re
import logging
from contextlib import contextmanager
from typing import Any, Iterator

from analyzer import errors
from analyzer.ingest.normalize import clean_cell
from analyzer.ingest.pdf.objects import GRID_TOLERANCE, Bbox, Char, Table, cluster
from analyzer.ingest.pdf.textlayer import Scanned, chars_to_lines


# pdfminer's loggers whose warnings mean a damaged content stream: data that does not
# decompress, operators whose operands do not parse. Others are silenced, not counted: a
# font descriptor without its FontBBox (Chromium writes 135 in a clean six-page report)
# is no damage to the page, and the note must not say so.
STREAM_LOGGERS = ("pdfminer.pdftypes", "pdfminer.pdfinterp", "pdfminer.pdfdevice", "pdfminer.psparser")


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.name in STREAM_LOGGERS


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


def read_tables(data: bytes, name: str, pages: list[Scanned], notes: list[str]) -> dict[int, list[Table]]:
    """Ruled tables of the given pages (those pdfium saw rulings on); other pages are never parsed.

    A page's rulings are pdfium's path objects, made into the lines, rectangles
    and curves pdfminer would make of them (:func:`_drawn`); pdfplumber's
    ``TableFinder`` builds the grid from their edges, and the characters pdfium
    read go into the cells (:meth:`_Drawing.cell_texts`). Parsing the page a second
    time with pdfminer cost two thirds of the reading of a PDF. The characters
    and the rulings are both in the page's own space, so a page turned by
    /Rotate reads as it was drawn (pdfminer's turned rulings missed pdfium's
    unturned characters). A page with a media box away from the origin, or
    with a piece of text pdfium read no character of
    (``Scanned.text_unread``: a damaged font or stream, of which pdfminer
    salvages more; no ruled page of 143 undamaged PDFs had one), is still
    parsed by pdfplumber (:func:`read_tables_by_pdfminer`).
    """
    if not pages:
        return {}
    import pypdfium2 as pdfium

    tables: dict[int, list[Table]] = {}
    elsewhere: list[int] = []
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:  # scan() opened these bytes a moment ago; should it fail now, pdfminer tries
        return read_tables_by_pdfminer(data, name, [p.number for p in pages], notes)
    try:
        for scanned in pages:
            page = pdf[scanned.number - 1]
            try:
                left, bottom, right, top = page.get_mediabox()
                if left or bottom or scanned.text_unread:
                    elsewhere.append(scanned.number)
                    continue
                drawn = _drawn(page.raw, top)
            finally:
                page.close()
            # The media box in our frame (x as drawn, y down from its top), not the page's size,
            # which /Rotate swaps.
            drawing = _Drawing(drawn, scanned.chars, (left, 0.0, right, top - bottom), scanned.number)
            try:
                tables[scanned.number] = _page_tables(drawing, scanned.number)
            except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError):
                elsewhere.append(scanned.number)  # a drawing pdfplumber cannot make a grid of: pdfminer's parse may
    finally:
        pdf.close()
    if elsewhere:
        tables.update(read_tables_by_pdfminer(data, name, elsewhere, notes))
    return tables


def read_tables_by_pdfminer(data: bytes, name: str, numbers: list[int], notes: list[str]) -> dict[int, list[Table]]:
    """:func:`_parse_tables`, with pdfminer's warnings summed up in one note."""
    with pdfminer_warnings() as warned:
        tables = _parse_tables(data, name, numbers, notes)
    if warned.count:
        notes.append(f"PDF 内容流有{warned.count}处损坏（压缩数据或绘图指令无法解析），表格可能不完整")
    return tables


def _parse_tables(data: bytes, name: str, numbers: list[int], notes: list[str]) -> dict[int, list[Table]]:
    """Ruled tables of the given pages (1-based), by pdfplumber on pdfminer's parse of the page.

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
    extract = page.cell_texts if isinstance(page, _Drawing) else (lambda table: table.extract())
    tables = [_table_cells(table, extract(table), number) for table in found]
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


def _table_cells(table: Any, texts: list[list[str | None]], page: int) -> Table | None:
    """Cell rectangles and their cleaned text; None for a box that is no table."""
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


class _Drawing:
    """A page as pdfplumber's ``TableFinder`` reads it (the edges of its drawn objects, its
    box), here from pdfium rather than pdfminer; and the characters pdfium read on it."""

    def __init__(self, objects: list[dict[str, Any]], chars: list[Char], bbox: Bbox, number: int):
        self.objects, self.chars, self.bbox, self.number = objects, chars, bbox, number

    def filter(self, keep: Any) -> "_Drawing":
        return _Drawing([o for o in self.objects if keep(o)], self.chars, self.bbox, self.number)

    def cell_texts(self, table: Any) -> list[list[str | None]]:
        """Each cell's characters (their centre inside it, as ``Table.extract`` places them)
        made into lines by :func:`~.textlayer.chars_to_lines`, which knows pdfium's boxes:
        a "一" whose box is its stroke alone stays on its line."""
        def inside(char: Char, box: Bbox) -> bool:
            x, y = (char[1] + char[3]) / 2, (char[2] + char[4]) / 2
            return box[0] <= x < box[2] and box[1] <= y < box[3]

        texts: list[list[str | None]] = []
        for row in table.rows:
            in_row = [c for c in self.chars if inside(c, row.bbox)]
            texts.append([
                None if cell is None
                else "\n".join(line.text for line in chars_to_lines([c for c in in_row if inside(c, cell)], self.number))
                for cell in row.cells
            ])
        return texts

    @property
    def edges(self) -> list[dict[str, Any]]:
        from pdfplumber.utils import obj_to_edges

        # pdfplumber's order: the lines' edges, then the rectangles', then the curves'.
        order = {"line": 0, "rect": 1, "curve": 2}
        ordered = sorted(self.objects, key=lambda o: order[o["object_type"]])
        return [edge for obj in ordered for edge in obj_to_edges(obj)]

    def find_tables(self, table_settings: dict[str, Any] | None = None) -> list[Any]:
        from pdfplumber.table import TableFinder, TableSettings

        return TableFinder(self, TableSettings.resolve(table_settings)).tables  # type: ignore[arg-type]


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FORM_DEPTH = 2  # forms within forms, as deep as textlayer.scan looks for rulings


def _times(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer``: an object's matrix inside a form, then the form's."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _drawn(page: Any, box_top: float) -> list[dict[str, Any]]:
    """The page's painted paths as pdfminer's lines, rectangles and curves (pdfplumber's dicts).

    pdfminer splits a path at each ``m``, calls a closed four-sided axis-parallel
    subpath a rectangle, a single segment a line, anything else a curve
    (``PDFLayoutAnalyzer.paint_path``); the same rules are applied here to the
    segments pdfium keeps, in page space and measured down from the top.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    out: list[dict[str, Any]] = []
    matrix = pdfium_c.FS_MATRIX()

    def walk(count: int, get: Any, outer: Matrix, depth: int) -> None:
        for i in range(count):
            obj = get(i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            own = _IDENTITY
            if pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
                own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            m = _times(own, outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if depth < _FORM_DEPTH:
                    walk(pdfium_c.FPDFFormObj_CountObjects(obj), lambda k, o=obj: pdfium_c.FPDFFormObj_GetObject(o, k), m, depth + 1)
                continue
            out.extend(_path_objects(obj, m, box_top))

    walk(pdfium_c.FPDFPage_CountObjects(page), lambda k: pdfium_c.FPDFPage_GetObject(page, k), _IDENTITY, 0)
    return out


def _path_objects(obj: Any, m: Matrix, box_top: float) -> list[dict[str, Any]]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return []
    paint = {
        "stroke": bool(stroke.value), "fill": bool(fill_mode.value),
        "stroking_color": _colour(obj, pdfium_c.FPDFPageObj_GetStrokeColor),
        "non_stroking_color": _colour(obj, pdfium_c.FPDFPageObj_GetFillColor),
    }
    if not (paint["stroke"] or paint["fill"]):
        return []  # a clipping path: pdfminer paints nothing for it either
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    shape: list[str] = []
    points: list[tuple[float, float]] = []
    start = (0.0, 0.0)
    bezier = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1  # pdfium keeps a curve's two control points and its end as three segments
            if bezier % 3:
                continue
            op = "c"
        else:
            bezier = 0
            op = "m" if kind == pdfium_c.FPDF_SEGMENT_MOVETO else "l"
        if op == "m":
            start = point
        shape.append(op)
        points.append(point)
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            shape.append("h")
            points.append(start)
    out: list[dict[str, Any]] = []
    ops = "".join(shape)
    for sub in re.finditer(r"m[^m]+", ops):
        made = _subpath(ops[sub.start():sub.end()], points[sub.start():sub.end()])
        if made:
            kind, pts = made
            out.append(_plumber_object(kind, pts, paint, box_top))
    return out


def _subpath(shape: str, pts: list[tuple[float, float]]) -> tuple[str, list[tuple[float, float]]] | None:
    """pdfminer's reading of one subpath: ("line"|"rect"|"curve", its points)."""
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape, pts = shape[:-2] + "h", pts[:-1]  # a redundant "l" back to the start before "h"
    if shape in ("mlh", "ml"):
        return "line", pts[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            return "rect", [pts[0], pts[2]]
    return "curve", pts


def _plumber_object(kind: str, pts: list[tuple[float, float]], paint: dict[str, Any], box_top: float) -> dict[str, Any]:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    top, bottom = box_top - y1, box_top - y0
    obj = {
        "object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top, "bottom": bottom,
        "doctop": top, "width": x1 - x0, "height": bottom - top, **paint,
    }
    if kind == "curve":
        obj["pts"] = [(px, box_top - py) for px, py in pts]
    return obj


def _colour(obj: Any, getter: Any) -> tuple[float, ...] | None:
    """A paint colour as pdfplumber's fractions (pdfium gives RGB whatever the colour space)."""
    import ctypes

    rgba = [ctypes.c_uint() for _ in range(4)]
    if not getter(obj, *[ctypes.byref(v) for v in rgba]):
        return None
    return tuple(v.value / 255 for v in rgba[:3])
