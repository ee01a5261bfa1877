"""Table rows from whatever the reader produced: grids, tab lines, markdown, running text.

Every format is turned into one stream of *rows*: the label text written
before a row's numbers and the cells after it, with provenance. A grid row
gives its cells as they are (empty cells kept, so positions still count); a
line of running text where numbers run into the labels ("行政许可2293第二十条…",
"一、本年新收政府信息公开申请数量230 000023") gives *runs*: digit strings that may
hold several cells, split later by :mod:`analyzer.tables.splits` under the
table's own arithmetic.

Numbers that are part of the words are not cells: "2021年", "保留4位小数",
"（其中修订16件）", the "2." that numbers the next label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from analyzer.errors import AnalyzerError
from analyzer.ingest.normalize import compact, nfkc
from analyzer.ingest.sniff import decode_bytes
from analyzer.model import CellReading, Document
from analyzer.tables.numbers import MARKERS, parse_cell

_NUM_RUN = re.compile(r"[+\-－−]?\d[\d.,，]*(?:[ \u00a0\u3000]+\d[\d.,，]*)*")
# A number followed by one of these is part of the words ("2021年", "4位小数", "3条").
_WORD_UNIT = re.compile(r"^\s*(?:年|月|日|号|位|项|个|件|条|次|名|家|人|户|天|批|期|%|％|余|多|万|亿|小时|分钟|周|类|起|宗|篇|份|场|本|期)")
_LABEL_NUMBER = re.compile(r"^\s*[.．、]\s*(?=\D)")


@dataclass(frozen=True)
class Cell:
    """One cell as written after a row's label (or a digit run that may hold several)."""

    raw: str
    run: bool = False  # a digit run from running text: may hold several cells
    empty: bool = False
    marker: bool = False
    col: int | None = None  # grid column, to read merged header cells
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
    hint: str = ""  # loose words near a row without words of its own (never its label)
    context: str = ""  # the words before a run of running text (its last label parts)

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


def chunk_field(text: str) -> list[tuple[str, str]]:
    """Split a mixed field into ("label", text) and ("num", run) chunks.

    >>> chunk_field("规章000行政规范性文件693665")
    [('label', '规章'), ('num', '000'), ('label', '行政规范性文件'), ('num', '693665')]
    >>> chunk_field("00000002.其他法律行政法规禁止公开0000000")
    [('num', '0000000'), ('label', '2.其他法律行政法规禁止公开'), ('num', '0000000')]
    """
    s = nfkc(text)
    out: list[tuple[str, str]] = []
    label = ""
    pos = 0
    for m in _NUM_RUN.finditer(s):
        start, end = m.span()
        run = m.group(0)
        before = s[pos:start]
        after = s[end:]
        prev_char = s[start - 1] if start else ""
        # "第3" / "（6" / letters: part of the words.
        if (prev_char and prev_char in "第（(〔[【") or re.match(r"[A-Za-z]", prev_char or " ") or _WORD_UNIT.match(after):
            label += before + run
            pos = end
            continue
        if run.endswith((".", "．")) and after[:1] and not after[:1].isdigit():
            # "…00000002.其他法律": the run swallowed the label's own "2.".
            after = run[-1] + after
            run = run[:-1]
            end -= 1
        if _LABEL_NUMBER.match(after) and not after.lstrip().startswith(("..", "．．")):
            # The next label's own number ("…00000002.其他法律"): 1–2 digits
            # written just before "." or "、" belong to the label.
            stripped = run.rstrip(".,，")
            # Template sub-items are numbered 1–8: one digit is the label's.
            tail = re.search(r"(\d)$", stripped)
            body = stripped[: tail.start()] if tail else ""
            label += before
            if body.strip():
                if label.strip():
                    out.append(("label", label.strip()))
                out.append(("num", body.strip()))
                label = ""
            label += (tail.group(1) if tail else stripped)
            pos = end
            continue
        label += before
        if label.strip():
            out.append(("label", label.strip()))
        label = ""
        out.append(("num", run.strip().rstrip(".,，")))
        pos = end
    label += s[pos:]
    if label.strip():
        out.append(("label", label.strip()))
    return out


def _field_kind(text: str) -> str:
    """'empty', 'number', 'marker' or 'mixed' for one grid field."""
    s = text.strip()
    if not s:
        return "empty"
    value, kind = parse_cell(s, money=True)
    if kind == "number":
        return "number"
    if kind == "marker" or nfkc(s).replace(" ", "") in MARKERS:
        return "marker"
    if re.fullmatch(r"[\d\s.,，]+", nfkc(s)):
        return "numbers"  # "0 0 0" in one field
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

    def close(self) -> None:
        if self.open_row is not None and self.open_row.has_numbers:
            self.rows.append(self.open_row)
        self.open_row = None

    def add(self, ln: Line) -> None:
        kinds = [_field_kind(f) for f in ln.fields]
        nonempty = [k for k in kinds if k != "empty"]
        if not nonempty:
            # A blank line ends a row and the pending label (seed 000 layout).
            if not ln.grid or len(ln.fields) <= 1:
                self.close()
                self.pending = []
            return
        multi = ln.grid and len(nonempty) >= 2
        numeric_only = all(k in ("number", "marker", "numbers") for k in nonempty)
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
            self.grid_line(ln, kinds, single_value=len(nonempty) == 1 and not multi)
        else:
            self.running_text(ln)

    def grid_line(self, ln: Line, kinds: list[str], single_value: bool) -> None:
        segments = _grid_segments(ln.fields, kinds)
        if ln.readings:
            segments = [(lp, [replace(c, reading=ln.readings[c.col]) if c.col is not None else c for c in cs]) for lp, cs in segments]
        raw_line = "\t".join(ln.fields)
        if not any(not c.empty for _, cs in segments for c in cs):
            self.close()
            labels = [p for lp, _ in segments for p in lp if p]
            if labels and any(c.empty for _, cs in segments for c in cs) and len(segments) == 1:
                # A row left blank in a grid (real0011): present, every cell missing.
                self.rows.append(TableRow(labels, list(segments[0][1]), ln.line, ln.page, True, True, raw_line, ln.block))
                self.pending = []
            else:
                self.pending.extend(labels)  # label-only line: accumulate (one cell per line layout)
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
                self.rows.append(row)
            elif single_value:
                # First value of a one-cell-per-line row.
                self.open_row = TableRow(list(self.pending), cells, ln.line, ln.page, False, True, raw_line, ln.block)
            else:
                # A row of values without words of its own (markdown from PDF):
                # placed by order later; nearby loose words are only a hint.
                self.rows.append(TableRow([], cells, ln.line, ln.page, False, True, raw_line, ln.block, hint=" ".join(self.pending)))
            self.pending = []

    def running_text(self, ln: Line) -> None:
        """Every label chunk followed by digits makes a row."""
        text = ln.fields[0] if len(ln.fields) == 1 else " ".join(ln.fields)
        chunks = chunk_field(text)
        self.close()
        if not any(c[0] == "num" for c in chunks):
            if len(text) <= 60:
                self.pending.append(text.strip())
            else:
                self.pending = []
            return
        # Numbers opening a line have no words of their own: the loose words of
        # the lines before are only a hint (real0009's stray "1").
        hint = " ".join(self.pending) if chunks[0][0] == "num" else ""
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
                current.cells.extend(_run_cells(piece))
        if current is not None:
            self.rows.append(current)
        self.pending = [p for p in label_parts if len(p) <= 60][-3:]


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
                    cells.extend(Cell(c.raw, c.run, c.empty, c.marker, fi) for c in _run_cells(text))
        elif k == "empty":
            if labels or cells:
                cells.append(Cell("", empty=True, col=fi))
        else:
            cells.extend(_cells_of_field(f, fi))
    segments.append((labels, cells))
    return segments


def _cells_of_field(f: str, col: int | None = None) -> list[Cell]:
    s = f.strip()
    value, kind = parse_cell(s, money=True)
    if kind == "number":
        return [Cell(s, col=col)]
    if kind == "marker":
        return [Cell(s, marker=True, col=col)]
    if re.fullmatch(r"[\d\s.,，]+", nfkc(s)):
        return [Cell(p) for p in s.split()]
    return [Cell(s)]


def _run_cells(run: str) -> list[Cell]:
    """A digit run from running text; a single short number stays one fixed cell."""
    return [Cell(run.strip(), run=True)]
