"""Table rows from whatever the reader produced: grids, tab lines, markdown, running text.

Every format is turned into one stream of *rows*: the label text written
before a row's numbers and the cells after it, with provenance. A grid row
gives its cells as they are (empty cells kept, so positions still count); a
line of running text where numbers run into the labels ("行政许可2293第二十条…",
"一、本年新收政府信息公开申请数量230 000023") gives *runs*: digit strings that may
hold several cells, split later by :mod:`analyzer.tables.splits` under the
table's own arithmetic.

Numbers that are part of the words are not cells: "2021年", "保留4位小数",
"（其中修订16件）", the "2." that numbers the next label (:mod:`analyzer.tables.chunks`).

A row whose label stands alone on its line and whose cells fill the next line
("规章" / "0   0   0") is one row: the label line is the row's label
(``TableRow.label_above``), not a loose hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from analyzer.errors import AnalyzerError
from analyzer.ingest.normalize import compact, nfkc
from analyzer.ingest.sniff import decode_bytes
from analyzer.model import CellReading, Document
from analyzer.tables.chunks import chunk_field
from analyzer.tables.numbers import MARKERS, is_damaged, parse_cell

__all__ = ["Cell", "Line", "TableRow", "build_rows", "chunk_field", "document_lines"]


@dataclass(frozen=True)
class Cell:
    """One cell as written after a row's label (or a digit run that may hold several)."""

    raw: str
    run: bool = False  # a digit run from running text: may hold several cells
    empty: bool = False
    marker: bool = False
    col: int | None = None  # grid column, to read merged header cells
    damaged: bool = False  # a number with a stray character ("1-", a run with "—" inside): not read
    reading: CellReading | None = None  # how OCR read the cell (a scanned page)


@dataclass
class TableRow:
    """One row as written: label parts before the numbers, cells after them."""

    labels: list[str]
    cells: list[Cell]
    line: int | None
    page: int | None
    own_label: bool  # the label was written on the same line/grid row as the cells
    grid: bool  # cells come from separate fields (a grid or a tab/pipe line)
    raw_line: str = ""
    block: int | None = None  # index of the table block in Document.blocks
    order: int = 0  # position in the document's row stream
    header: tuple[str, ...] | None = None  # the grid's header line, to read merged header cells
    header_rows: tuple[tuple[str, ...], ...] = ()  # the word-only grid lines above this row's block of rows
    hint: str = ""  # loose words near a row without words of its own (never its label)
    context: str = ""  # the words before a run of running text (its last label parts)
    label_above: bool = False  # the label stood alone on the line just before the cells
    above: tuple[str, ...] = ()  # loose lines of words just above a row of numbers only (the last one next to it)

    @property
    def label(self) -> str:
        return " ".join(p for p in self.labels if p)

    @property
    def values(self) -> list[Cell]:
        """Cells without trailing empties."""
        cells = list(self.cells)
        while cells and cells[-1].empty:
            cells.pop()
        return cells

    @property
    def has_numbers(self) -> bool:
        return any(not c.empty and not c.marker for c in self.cells)


@dataclass(frozen=True)
class Line:
    """One line of the document: a table row's fields, or one line of prose as a single field."""

    fields: tuple[str, ...]
    line: int | None
    page: int | None
    grid: bool
    block: int | None = None
    readings: tuple[CellReading | None, ...] | None = None  # per field, for a table OCR read


def document_lines(doc: Document) -> list[Line]:
    """Every line of the document, table rows as fields, prose lines as one field.

    For text files the line number is looked up in the file itself, so that a
    cell's provenance points at the line a supervisor will find it on (the
    reader's blocks skip blank lines and join wrapped ones).
    """
    locate = _line_locator(doc)
    out: list[Line] = []
    for bi, b in enumerate(doc.blocks):
        if b.kind == "table" and b.rows:
            for ri, row in enumerate(b.rows):
                first = next((f for f in row if f.strip()), "")
                readings = b.readings[ri] if b.readings else None
                out.append(Line(tuple(row), locate(first, b.line, ri), b.page, True, bi, readings))
        else:
            for li, text in enumerate(b.text.split("\n")):
                out.append(Line((text,), locate(text, b.line, li), b.page, False, None))
    return out


@lru_cache(maxsize=8)
def decoded_source(data: bytes, name: str) -> str | None:
    """A text file's bytes (``Document.data``) decoded as its reader decodes them; None when they do not decode."""
    try:
        return decode_bytes(data, name)
    except AnalyzerError:
        return None


def _line_locator(doc: Document):
    """A function (text, block line, offset) -> 1-based source line, searching forward in a TXT file."""
    text = decoded_source(doc.data, doc.source.name) if doc.format == "txt" and doc.data else None
    # Provenance is best effort: without the file's text, the block's own line number remains.
    lines = [compact(nfkc(x)) for x in text.split("\n")] if text is not None else None
    cursor = [0]

    def locate(text: str, block_line: int | None, offset: int) -> int | None:
        if lines is None:
            return (block_line + offset) if block_line else None
        key = compact(nfkc(text))[:12]
        start = max(cursor[0], (block_line or 1) - 1)
        if key:
            for i in range(start, min(len(lines), start + 400)):
                if key in lines[i]:
                    cursor[0] = i
                    return i + 1
        return (block_line + offset) if block_line else None

    return locate


def _field_kinds(fields: tuple[str, ...]) -> list[str]:
    """The kind of each field of a line (:func:`_field_kind`). A cell written in words ("三", "十二", "约3", "*") is
    one only after another field with content on its line: opening a line, "三" may number the row ("三" and
    "（一）予以公开" in two fields of a PDF's grid)."""
    kinds = [_field_kind(f) for f in fields]
    first = next((i for i, k in enumerate(kinds) if k != "empty"), None)
    if first is not None and kinds[first] in ("number", "marker") and _in_words(fields[first]):
        kinds[first] = "mixed"
    return kinds


def _in_words(text: str) -> bool:
    """A number written in Chinese numerals, or an approximation or note mark: no plain number."""
    value, kind = parse_cell(text)
    return kind == "approximate" or (kind == "number" and not re.search(r"\d", nfkc(text)))


def _field_kind(text: str) -> str:
    """'empty', 'number', 'marker' or 'mixed' for one grid field."""
    s = text.strip()
    if not s:
        return "empty"
    if _several_numbers(s):
        return "numbers"  # "0   0   0" in one field: three cells, never the number 000
    value, kind = parse_cell(s, money=True)
    if kind == "number":
        return "number"
    if kind in ("marker", "approximate") or nfkc(s).replace(" ", "") in MARKERS:
        # an approximation ("约3", "*") is no count: kept as written, like a placeholder, never made one
        return "marker"
    if re.fullmatch(r"[\d\s.,，]+", nfkc(s)):
        return "numbers"  # "0 0 0" in one field
    if is_damaged(s):
        return "damaged"  # "1-", "3O": a cell that could not be read, not words
    return "mixed"


def build_rows(lines: list[Line]) -> list[TableRow]:
    """The row stream of a document.

    A grid line (or tab/pipe line) with numbers is one row, its label being
    the label fields of the same line. Label-only lines accumulate into a
    pending label for layouts that write one cell per line (seed 000); a
    blank line or a grid header line resets it. Running text is chunked:
    every label chunk followed by a digit run makes a row.
    """
    stream = _RowStream()
    for ln in lines:
        stream.add(ln)
    stream.close()
    for i, r in enumerate(stream.rows):
        r.order = i
    return stream.rows


class _RowStream:
    """:func:`build_rows` line by line: the rows so far and what the next line may continue."""

    def __init__(self) -> None:
        self.rows: list[TableRow] = []
        self.pending: list[str] = []  # words of the lines before, waiting for their numbers
        self.open_row: TableRow | None = None  # a one-cell-per-line row still collecting
        self.header: tuple[int | None, tuple[str, ...]] | None = None  # (block, fields) of the last grid header
        # Word-only grid lines of the current block (a header of 2–3 rows with spans), and whether
        # the last line was one of them: a data row between two of them starts a new header.
        self.heads: list[tuple[int | None, tuple[str, ...]]] = []
        self.last_was_head = False
        # The label of the line just before, when it stood alone: (label, the blank grid row it made, its block).
        self.label_line: tuple[str, TableRow | None, int | None] | None = None
        self.prev_label: tuple[str, TableRow | None, int | None] | None = None

    def close(self) -> None:
        if self.open_row is not None and self.open_row.has_numbers:
            self.rows.append(self.open_row)
        self.open_row = None

    def add(self, ln: Line) -> None:
        kinds = _field_kinds(ln.fields)
        nonempty = [k for k in kinds if k != "empty"]
        self.note_header(ln, kinds)
        self.prev_label, self.label_line = self.label_line, None
        if not nonempty:
            # A blank line ends a row and the pending label (seed 000 layout).
            if not ln.grid or len(ln.fields) <= 1:
                self.close()
                self.pending = []
            return
        multi = ln.grid and len(nonempty) >= 2
        numeric_only = all(k in ("number", "marker", "numbers", "damaged") for k in nonempty)
        if numeric_only and len(nonempty) == 1 and self.open_row is not None and not self.open_row.own_label and not multi:
            # One cell per line: the value continues the open row.
            f = next(f for f in ln.fields if f.strip())
            self.open_row.cells.extend(_cells_of_field(f))
            return
        blank_cells = any(k == "empty" for k in kinds[kinds.index("mixed"):]) if "mixed" in kinds else False
        if ln.grid and all(k in ("mixed",) for k in nonempty) and multi and not blank_cells:
            # A header row of a grid: its words never label the next row, but
            # its repeated cells show which grid columns one merged cell covers.
            self.close()
            self.pending = []
            self.header = (ln.block, ln.fields)
        elif ln.grid and not (len(ln.fields) == 1 and kinds[0] == "mixed"):
            self.grid_line(ln, kinds, single_value=len(nonempty) == 1 and nonempty[0] != "numbers" and not multi)
        else:
            self.running_text(ln)

    def note_header(self, ln: Line, kinds: list[str]) -> None:
        """Keep the word-only lines of a grid (two or more fields of words, no number) as its header rows."""
        if not ln.grid:
            return
        head = sum(1 for k in kinds if k == "mixed") >= 2 and all(k in ("mixed", "empty") for k in kinds)
        if head:
            if not self.last_was_head or (self.heads and self.heads[-1][0] != ln.block):
                self.heads = []
            self.heads.append((ln.block, ln.fields))
        self.last_was_head = head

    def header_rows(self, ln: Line) -> tuple[tuple[str, ...], ...]:
        return tuple(f for b, f in self.heads if b == ln.block)

    def grid_line(self, ln: Line, kinds: list[str], single_value: bool) -> None:
        segments = _grid_segments(ln.fields, kinds)
        if ln.readings:
            segments = [(lp, [replace(c, reading=ln.readings[c.col]) if c.col is not None else c for c in cs]) for lp, cs in segments]
        raw_line = "\t".join(ln.fields)
        if not any(not c.empty for _, cs in segments for c in cs):
            self.close()
            labels = [p for lp, _ in segments for p in lp if p]
            blank = None
            if labels and any(c.empty for _, cs in segments for c in cs) and len(segments) == 1:
                # A row left blank in a grid (real0011): present, every cell missing.
                blank = TableRow(labels, list(segments[0][1]), ln.line, ln.page, True, True, raw_line, ln.block)
                self.rows.append(blank)
                self.pending = []
            else:
                self.pending.extend(labels)  # label-only line: accumulate (one cell per line layout)
            if len(labels) == 1 and len(labels[0]) <= 60 and blank is not None:
                self.label_line = (labels[0], blank, ln.block)
            return
        self.close()
        for label_parts, cells in segments:
            if not any(not c.empty for c in cells):
                # Words after the last numbers of the line: they label what follows.
                self.pending = [p for p in label_parts if p]
                continue
            if label_parts:
                row = TableRow(label_parts, cells, ln.line, ln.page, True, True, raw_line, ln.block)
                header = self.header
                if header is not None and header[0] == ln.block and len(header[1]) == len(ln.fields) and len(segments) == 1:
                    row.header = header[1]
                if len(segments) == 1:
                    row.header_rows = self.header_rows(ln)
                self.rows.append(row)
            elif single_value:
                # First value of a one-cell-per-line row.
                self.open_row = TableRow(list(self.pending), cells, ln.line, ln.page, False, True, raw_line, ln.block)
                if not self.pending:
                    self.open_row = self.labelled_from_above(self.open_row, len(segments) == 1)
            else:
                # A row of values without words of its own (markdown from PDF):
                # placed by order later; nearby loose words are only a hint,
                # unless its label stood alone on the line just before.
                row = TableRow([], cells, ln.line, ln.page, False, True, raw_line, ln.block, hint=" ".join(self.pending),
                               header_rows=self.header_rows(ln))
                self.rows.append(self.labelled_from_above(row, len(segments) == 1))
            self.pending = []

    def running_text(self, ln: Line) -> None:
        """Every label chunk followed by digits makes a row."""
        text = ln.fields[0] if len(ln.fields) == 1 else " ".join(ln.fields)
        chunks = chunk_field(text)
        self.close()
        if not any(c[0] in ("num", "bad") for c in chunks):
            if len(text) <= 60:
                self.pending.append(text.strip())
                self.label_line = (text.strip(), None, None) if text.strip() else None
            else:
                self.pending = []
            return
        # Numbers opening a line have no words of their own: the loose words of
        # the lines before are only a hint (real0009's stray "1").
        hint = " ".join(self.pending) if chunks[0][0] in ("num", "bad") else ""
        label_parts: list[str] = []
        current: TableRow | None = None
        for kind_, piece in chunks:
            if kind_ == "label":
                if current is not None:
                    self.rows.append(current)
                    current = None
                label_parts.append(piece)
            else:
                if current is None:
                    current = TableRow(label_parts[-1:] if label_parts else [], [], ln.line, ln.page, bool(label_parts), False, text, None,
                                       context=" ".join(label_parts[-3:]), hint="" if label_parts else hint)
                    label_parts = []
                current.cells.extend(_run_cells(piece, damaged=kind_ == "bad"))
        if current is not None:
            self.rows.append(self.labelled_from_above(current, all(k != "label" for k, _ in chunks)))
        self.pending = [p for p in label_parts if len(p) <= 60][-3:]

    def labelled_from_above(self, row: TableRow, whole_line: bool) -> TableRow:
        """A row of numbers only, the whole line, right under a label standing alone: that label is its own.

        Only within one kind of line: a grid row under a grid row of the same table
        whose cells are all blank, or running text under the one loose line of words
        since the last row. Labels a PDF conversion pulled out of its table (several
        wrapped lines, then a markdown row) stay hints.
        """
        if not whole_line or self.prev_label is None or row.labels:
            return row
        label, blank, block = self.prev_label
        if row.grid:
            if blank is None or block != row.block or not self.rows or self.rows[-1] is not blank:
                return row
            self.rows.pop()  # the label's line was no blank row: its cells are on this line
        elif blank is not None or not self.pending or self.pending[-1] != label:
            return row
        elif self.pending != [label]:
            row.above = tuple(self.pending[-3:])  # other loose words above: assign decides (by the template's labels)
            return row
        row.labels, row.hint, row.label_above = [label], "", True
        return row


def _grid_segments(fields: tuple[str, ...], kinds: list[str]) -> list[tuple[list[str], list[Cell]]]:
    """A grid line as (label parts, cells) segments.

    Usually one segment; a reader that ran a whole table into one line
    ("规章 0 0 0 行政规范性文件 9 4 68 …") gives one segment per row: words
    after numbers start the next row.
    """
    segments: list[tuple[list[str], list[Cell]]] = []
    labels: list[str] = []
    cells: list[Cell] = []
    for fi, (f, k) in enumerate(zip(fields, kinds)):
        if k == "mixed":
            for kind_, text in chunk_field(f):
                if kind_ == "label":
                    if any(not c.empty for c in cells):
                        segments.append((labels, cells))
                        labels, cells = [], []
                    else:
                        cells = []  # empties before words are merged-cell placeholders
                    labels.append(text)
                else:
                    cells.extend(Cell(c.raw, c.run, c.empty, c.marker, fi, c.damaged) for c in _run_cells(text, kind_ == "bad"))
        elif k == "empty":
            if labels or cells:
                cells.append(Cell("", empty=True, col=fi))
        else:
            cells.extend(_cells_of_field(f, fi))
    segments.append((labels, cells))
    return segments


def _several_numbers(s: str) -> bool:
    """Numbers separated by spaces in one field ("89   89   89", "396 0 181")."""
    parts = nfkc(s).split()
    return len(parts) >= 2 and all(re.fullmatch(r"\d+(?:\.\d+)?", p) for p in parts)


def _cells_of_field(f: str, col: int | None = None) -> list[Cell]:
    s = f.strip()
    if _several_numbers(s):
        # Several cells, or one number with spaced thousands ("1 234"): read as a run whose
        # spaces are cell boundaries, so a row with fewer columns than parts is not read.
        return [Cell(" ".join(nfkc(s).split()), run=True, col=col)]
    value, kind = parse_cell(s, money=True)
    if kind == "number":
        return [Cell(s, col=col)]
    if kind in ("marker", "approximate"):
        return [Cell(s, marker=True, col=col)]
    if re.fullmatch(r"[\d\s.,，]+", nfkc(s)):
        return [Cell(p) for p in s.split()]
    return [Cell(s, col=col, damaged=is_damaged(s))]


def _run_cells(run: str, damaged: bool = False) -> list[Cell]:
    """A digit run from running text (damaged: with a stray character inside, never split)."""
    return [Cell(run.strip(), run=True, damaged=damaged)]
