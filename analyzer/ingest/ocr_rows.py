"""Tables and paragraphs from OCR lines with boxes.

:mod:`analyzer.ingest.ocr` gives the text lines of a page with their boxes in
points. This module lays them out the way the PDF reader lays out a text
layer, so that the stages after reading never know a page was scanned:

- **table rows**: the lines that are numbers (after repairing OCR's digit
  damage: 〇/O → 0, l/I → 1, full-width digits, stray dots) group into rows by
  the vertical overlap of their boxes; the **columns** are the x-bands those
  numbers share across rows (left-aligned or centred alike), widened by the
  header words above them. Label lines left of the first number column go to
  the row they stand beside (a wrapped label to the row its lines surround; a
  tall merged label, such as a vertical 本年度办理结果, into every row it
  covers, as merged cells are repeated in :class:`~analyzer.model.Block`). Every
  row of one table has the same width; a column a row leaves blank is "".
- **provenance**: each cell keeps its page, box and the lowest recognition
  confidence of the lines it holds (:class:`OcrCell`), so a value read with
  doubt can be read a second time (:func:`analyzer.ingest.ocr.ocr_digits`) and
  a finding resting on it marked ``uncertain``.
- **narrative**: the other lines, in reading order, joined into paragraphs by
  indentation, line ends and gaps, and headings told as the PDF reader tells
  them (:mod:`analyzer.ingest.layout`).

Nothing here is guessed: a number that cannot be placed in a column is left
out of the row (and kept in :attr:`OcrTable.unplaced`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Callable, Iterable, Sequence

from analyzer.ingest.layout import CHAPTER_RE, ends_paragraph, is_heading, merge_bands, starts_new_paragraph
from analyzer.ingest.normalize import CJK, cjk_parentheses, clean_prose
from analyzer.ingest.ocr import Box, OcrLine, OcrPage
from analyzer.model import Block

Rule = tuple[float, float, float]  # y, x0, x1 of a horizontal table rule

# OCR's usual confusions inside a number, and the characters a number may carry.
_DIGIT_LOOKALIKES = str.maketrans(
    {
        "〇": "0", "○": "0", "◯": "0", "O": "0", "o": "0", "D": "0", "Q": "0", "θ": "0", "Ο": "0", "о": "0",
        "l": "1", "I": "1", "|": "1", "丨": "1", "ǀ": "1", "í": "1", "ì": "1",
        "Z": "2", "z": "2",
        "S": "5", "s": "5",
        "B": "8",
        "g": "9",
        "，": ",", "。": ".", "·": ".", "．": ".", "、": ".",
    }
)
# Cell markers kept as written: the table reader tells them from numbers.
MARKERS = {"无", "—", "－", "-", "–", "―", "─", "/", "／", "——", "--", "\\"}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_CJK = re.compile(f"[{CJK}]")
# Page furniture in the top or bottom margin: "- 2 -", "—3—", "第 2 页", "2/6".
PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–一\s]*\d{1,4}[-—–一\s]*|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)
MARGIN_SHARE = 0.08
DOUBT_BELOW = 0.9  # recognition confidence under which a value is read a second time
SURE = 0.95  # a second reading this sure settles a damaged or disputed value
REPAIR = 0.8  # a second reading this sure fills a cell the first reading could not read (still in doubt)
WRAP_GAP = 0.5  # line heights between two lines of one wrapped cell
TITLE_DISTANCE = 1.5  # line heights: a label-only line farther than this from every row of numbers is a row of its own


def normalize_number(text: str) -> str | None:
    """The number an OCR'd cell holds, repaired ("1O" → "10", "２３" → "23", "7." → "7",
    "1,234" → "1234"); None when it is not a number (a marker or words).

    >>> normalize_number("l2"), normalize_number("〇"), normalize_number("４５６"), normalize_number("3.")
    ('12', '0', '456', '3')
    >>> normalize_number("25.60"), normalize_number("1,234"), normalize_number("无"), normalize_number("规章")
    ('25.60', '1234', None, None)
    """
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"\s+", "", s)
    if not s or _CJK.search(s.replace("〇", "")):
        return None
    if not any(ch.isdigit() for ch in s) and s not in ("O", "o", "〇", "○", "D", "Q", "l", "I", "|"):
        return None
    if sum(ch.isalpha() and ch.isascii() for ch in s) > max(1, len(s) // 2):
        return None  # a word, not a damaged number
    s = s.translate(_DIGIT_LOOKALIKES)
    s = re.sub(r"(?<=\d),(?=\d{3}(?:\D|$))", "", s)  # thousands separators
    s = s.strip(".,:;'\"`")  # stray dots and specks at either end
    s = re.sub(r"\.{2,}", ".", s)
    if s.count(".") > 1:
        return None
    return s if _NUMBER.match(s) else None


def cell_kind(text: str) -> str:
    """'number', 'numbers' (several numbers in one line: "0 0 0"), 'marker' or 'text'."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return "empty"
    if t in MARKERS or re.fullmatch(r"[—\-－–―─/／]+", t):
        return "marker"
    parts = t.split()
    if len(parts) > 1 and all(normalize_number(p) is not None or p in MARKERS for p in parts):
        return "numbers"  # cells read as one line ("0 0 0"): the recogniser writes a space for a wide gap
    if normalize_number(t) is not None:
        return "number"
    return "text"


@dataclass(frozen=True)
class OcrCell:
    """One cell of an OCR'd table: its text (numbers repaired), what OCR read, where, how sure."""

    text: str
    raw: str = ""
    box: Box | None = None
    confidence: float | None = None  # the lowest of its lines; None for an empty cell
    page: int | None = None
    # A value cell whose reading is in doubt: damaged beyond repair (then text is ""), read with
    # low confidence, or read differently the second time. Findings resting on it are uncertain.
    doubtful: bool = False
    second: tuple[str, float] | None = None  # the second reading (digits only, higher resolution)


EMPTY = OcrCell("")


@dataclass
class OcrTable:
    page: int | None
    bbox: Box
    rows: list[list[OcrCell]]
    header_rows: int = 0
    columns: list[tuple[float, float]] = field(default_factory=list)  # x-bands of the number columns
    unplaced: list[OcrLine] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # per row: "header", "title" or "value"

    @property
    def n_labels(self) -> int:
        return len(self.rows[0]) - len(self.columns) if self.rows else 0

    def value_cells(self) -> Iterable[tuple[int, int, OcrCell]]:
        """(row, column, cell) of every cell of a value row that stands in a number column."""
        for r, (kind, row) in enumerate(zip(self.kinds, self.rows)):
            if kind == "value":
                for c in range(self.n_labels, len(row)):
                    yield r, c, row[c]

    @property
    def texts(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(c.text for c in r) for r in self.rows)

    def to_block(self) -> Block:
        rows = self.texts
        return Block(kind="table", text="\n".join("\t".join(r) for r in rows), rows=rows, page=self.page)


@dataclass
class OcrLayout:
    """A page laid out: blocks in reading order, and the tables with their cells' provenance."""

    blocks: list[Block]
    tables: list[OcrTable]  # in the order of the table blocks

    def refreshed(self) -> "OcrLayout":
        """The layout with its table blocks made again from the tables (after a second reading)."""
        tables = iter(self.tables)
        blocks = [next(tables).to_block() if b.kind == "table" else b for b in self.blocks]
        return OcrLayout(blocks, self.tables)


# ---------------------------------------------------------------- tokens


@dataclass
class _Tok:
    """A piece of a line: a whole line, or one number of a line of several ("0 0 0")."""

    text: str
    raw: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float
    kind: str  # number / marker / text
    line: OcrLine

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def h(self) -> float:
        return self.bottom - self.top


def _tokens(lines: Iterable[OcrLine]) -> list[_Tok]:
    out: list[_Tok] = []
    for ln in lines:
        x0, top, x1, bottom = ln.box
        kind = cell_kind(ln.text)
        if kind == "numbers":
            # Several cells read as one line: share the box out by character count.
            raw = unicodedata.normalize("NFKC", ln.text).strip()
            parts = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", raw)]
            width = (x1 - x0) / max(1, len(raw))
            for s, e, p in parts:
                n = normalize_number(p)
                out.append(_Tok(n if n is not None else p, p, x0 + s * width, top, x0 + e * width, bottom,
                                ln.confidence, "number" if n is not None else "marker", ln))
            continue
        text = normalize_number(ln.text) if kind == "number" else ln.text.strip()
        out.append(_Tok(text or "", ln.text, x0, top, x1, bottom, ln.confidence, kind, ln))
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


# ---------------------------------------------------------------- rows


@dataclass
class _Row:
    toks: list[_Tok]

    @property
    def top(self) -> float:
        return min(t.top for t in self.toks)

    @property
    def bottom(self) -> float:
        return max(t.bottom for t in self.toks)

    @property
    def cy(self) -> float:
        return median(t.cy for t in self.toks)


def group_rows(toks: Sequence[_Tok], overlap: float = 0.5) -> list[_Row]:
    """Tokens into rows: a token joins the row whose vertical extent it overlaps by at least
    ``overlap`` of the smaller height (rows compared by their median centre line)."""
    rows: list[_Row] = []
    # Numbers first, then words: a label wrapped round its numbers must not pull the first of
    # them into its own line (on a skewed scan a number may overlap both).
    values = sorted((t for t in toks if _is_value(t)), key=lambda t: (t.cy, t.x0))
    words = sorted((t for t in toks if not _is_value(t)), key=lambda t: (t.cy, t.x0))
    for n, t in enumerate(values + words):
        best = None
        fits = []
        window = rows[-4:] if n < len(values) else rows
        for r in window:
            med_h = median(x.h for x in r.toks)
            ov = _overlap(t.top, t.bottom, r.cy - med_h / 2, r.cy + med_h / 2)
            if ov >= overlap * min(t.h, med_h):
                fits.append(r)
        for r in fits:
            if best is None or abs(r.cy - t.cy) < abs(best.cy - t.cy):
                best = r
        if best is None:
            rows.append(_Row([t]))
        else:
            best.toks.append(t)
    for r in rows:
        r.toks.sort(key=lambda t: t.x0)
    rows.sort(key=lambda r: r.cy)
    return rows


# ---------------------------------------------------------------- tables


def _is_value(t: _Tok) -> bool:
    return t.kind in ("number", "marker")


def _value_rows(rows: list[_Row], line_h: float, text_width: float) -> list[int]:
    """Indexes of rows that hold table values: numbers standing apart, in a row without prose."""
    out = []
    for i, r in enumerate(rows):
        if not any(t.kind == "number" for t in r.toks):
            continue
        if any(_is_prose(t, text_width) for t in r.toks):
            continue
        out.append(i)
    return out


def _table_spans(rows: list[_Row], value_idx: list[int], line_h: float, text_width: float) -> list[tuple[int, int]]:
    """Runs of value rows close together: each run is one table's body (first, last row index)."""
    spans: list[tuple[int, int]] = []
    for i in value_idx:
        if spans:
            first, last = spans[-1]
            gap = rows[i].top - rows[last].bottom
            between = [r for r in rows[last + 1 : i] if _prose_row(r, text_width)]
            if gap <= 6 * line_h and not between:
                spans[-1] = (first, i)
                continue
        spans.append((i, i))
    return spans


def _is_prose(t: _Tok, text_width: float) -> bool:
    """A line of running text: long, or a run of words over half the page's text width."""
    return t.kind == "text" and (len(t.text) > 30 or (len(t.text) >= 15 and t.x1 - t.x0 > 0.5 * text_width))


def _prose_row(r: _Row, text_width: float = 1e9) -> bool:
    """A row of running text or a chapter title ("三、收到和处理…"): never inside a table.
    Part titles such as "（四）无法提供" are table labels and do not count."""
    text = "".join(t.text for t in r.toks if t.kind == "text")
    if any(_is_prose(t, text_width) for t in r.toks):
        return True
    return bool(CHAPTER_RE.match(text)) and len(text) >= 8 and not any(_is_value(t) for t in r.toks)


def _columns(body: list[_Row], line_h: float) -> list[tuple[float, float]]:
    """The number columns: x-bands shared by the value tokens of the body rows."""
    vals = [t for r in body for t in r.toks if _is_value(t)]
    bands = merge_bands([(t.x0, t.x1) for t in vals], gap=-0.15 * line_h)
    # A band that holds two values of one row is two columns pressed together: split it
    # at the widest gap between the rows' values.
    out: list[tuple[float, float]] = []
    for lo, hi in bands:
        members = [t for t in vals if t.x0 >= lo - 0.01 and t.x1 <= hi + 0.01]
        crowded = any(sum(1 for t in r.toks if _is_value(t) and t in members) > 1 for r in body)
        if crowded:
            centres = sorted({round(t.cx, 1) for t in members})
            sub = merge_bands([(c - line_h * 0.6, c + line_h * 0.6) for c in centres])
            for s_lo, s_hi in sub:
                inside = [t for t in members if s_lo <= t.cx <= s_hi]
                out.append((min(t.x0 for t in inside), max(t.x1 for t in inside)))
        else:
            out.append((lo, hi))
    return sorted(out)


def _label_columns(labels: list[_Tok], line_h: float) -> list[tuple[float, float]]:
    """The label columns (a table's labels may stand in up to three), as x-bands: narrow
    labels first make the bands; a label over several bands is a merged cell of the first."""
    bands: list[tuple[float, float]] = []
    for t in sorted(labels, key=lambda t: t.x1 - t.x0):
        if not any(_overlap(t.x0, t.x1, lo, hi) > 0.2 * line_h for lo, hi in bands):
            bands.append((t.x0, t.x1))
    return sorted(bands)


def _label_column(t: _Tok, bands: list[tuple[float, float]], line_h: float) -> int:
    for k, (lo, hi) in enumerate(bands):
        if _overlap(t.x0, t.x1, lo, hi) > 0.2 * line_h:
            return k
    return 0


def _assign_to_rows(tok: _Tok, body: list[_Row], rules: Sequence[Rule] = ()) -> list[int]:
    """The body rows a label token belongs to: every row whose centre it covers (a merged
    label), else the row nearest to its centre line that no table rule parts it from."""
    covered = [i for i, r in enumerate(body) if tok.top <= r.cy <= tok.bottom]
    if covered:
        return covered
    candidates = [i for i, r in enumerate(body) if not _separated(tok, r, tok.x0, tok.x1, rules)] or list(range(len(body)))
    return [min(candidates, key=lambda i: abs(body[i].cy - tok.cy))]


def _place(tok: _Tok, columns: list[tuple[float, float]]) -> int | None:
    """The number column a value token stands in (most overlap; its centre within the band)."""
    best, best_ov = None, 0.0
    for i, (lo, hi) in enumerate(columns):
        ov = _overlap(tok.x0, tok.x1, lo, hi)
        if ov > best_ov:
            best, best_ov = i, ov
    if best is None:
        return None
    lo, hi = columns[best]
    return best if lo - 2 <= tok.cx <= hi + 2 else None


def _reading_order(toks: list[_Tok]) -> list[_Tok]:
    """Tokens of one cell line by line (a line: centres within half a height), left to right."""
    lines: list[list[_Tok]] = []
    for t in sorted(toks, key=lambda t: t.cy):
        if lines and abs(t.cy - median(x.cy for x in lines[-1])) < 0.5 * max(t.h, 1.0) and t.h < 3 * lines[-1][0].h:
            lines[-1].append(t)
        else:
            lines.append([t])
    return [t for ln in lines for t in sorted(ln, key=lambda t: t.x0)]


def _merge_cell(toks: list[_Tok], page: int | None) -> OcrCell:
    if not toks:
        return EMPTY
    toks = _reading_order(list({id(t): t for t in toks}.values()))
    text = "".join(t.text for t in toks)
    raw = "".join(t.raw for t in toks)
    box = (min(t.x0 for t in toks), min(t.top for t in toks), max(t.x1 for t in toks), max(t.bottom for t in toks))
    return OcrCell(text, raw, tuple(round(v, 2) for v in box), min(t.conf for t in toks), page)  # type: ignore[arg-type]


def _wrapped(rows: list[_Row], i: int, span: list[int], line_h: float) -> bool:
    """Row i continues a label of the row above or below: one of its lines stands right under
    or over a line of the same column (gap under half a line), as the lines of a wrapped cell do."""
    for t in rows[i].toks:
        for j in (i - 1, i + 1):
            if j not in span:
                continue
            for u in rows[j].toks:
                if u.kind != "text" or _overlap(t.x0, t.x1, u.x0, u.x1) <= 0:
                    continue
                gap = max(u.top - t.bottom, t.top - u.bottom)
                if gap < WRAP_GAP * line_h:
                    return True
    return False


def _spread(t: _Tok, columns: list[tuple[float, float]], n_label: int, line_h: float) -> list[int]:
    """The grid columns a word of a title row covers: its number column, every column a wide
    title spans (申请人情况 over seven), or the label column left of the numbers."""
    c = _place(t, columns)
    if c is not None:
        return [n_label + c]
    if t.x1 <= columns[0][0] + line_h:
        return [0]
    spanned = [n_label + k for k, (lo, hi) in enumerate(columns) if _overlap(t.x0, t.x1, lo, hi) > 0]
    return spanned or [n_label + min(range(len(columns)), key=lambda k: abs((columns[k][0] + columns[k][1]) / 2 - t.cx))]


def _separated(a: _Tok | _Row, b: _Row, x0: float, x1: float, rules: Sequence[Rule]) -> bool:
    """A horizontal rule runs between a and b (between their centre lines) under most of [x0, x1]."""
    lo, hi = sorted((a.cy, b.cy))
    width = max(1.0, x1 - x0)
    return any(lo < y < hi and _overlap(x0, x1, rx0, rx1) > 0.5 * width for y, rx0, rx1 in rules)


def _build_table(rows: list[_Row], first: int, last: int, value_set: set[int], line_h: float,
                 page: int | None, used: set[int], rules: Sequence[Rule] = ()) -> OcrTable:
    span = list(range(first, last + 1))
    body_idx = [i for i in span if i in value_set]
    body = [rows[i] for i in body_idx]
    columns = _columns(body, line_h)
    left = columns[0][0]
    # Rows without values inside the table: wrapped label lines (all left of the numbers) go
    # to the value rows beside them; title rows across the columns (第二十条第（五）项,
    # 信息内容 | 本年处理决定数量) stay rows of their own.
    ruled = [r for r in rules if rows[first].top - line_h <= r[0] <= rows[last].bottom + line_h and r[2] - r[1] > 3 * line_h]

    def is_title(i: int) -> bool:
        if any(t.x1 > left + line_h for t in rows[i].toks):
            return True
        if any(t.h > 2 * line_h for t in rows[i].toks):
            return False  # a tall merged label: repeated into the rows it covers
        if ruled:
            # A ruled table: the line is its own row when a rule parts it from every row of numbers.
            r = rows[i]
            x0, x1 = min(t.x0 for t in r.toks), max(t.x1 for t in r.toks)
            return all(_separated(r, rows[j], x0, x1, ruled) for j in body_idx)
        # A wrapped label's line stands under or over a label of the rows beside it: a line
        # that overlaps none of them (a title centred over the table) is a row of its own.
        r = rows[i]
        beside = [u for j in span if j != i and abs(rows[j].cy - r.cy) < 3 * line_h for u in rows[j].toks
                  if u.kind == "text" and u.x1 <= left + 0.5 * line_h]
        if not any(_overlap(t.x0, t.x1, u.x0, u.x1) > 0 for t in r.toks for u in beside):
            return True
        # A label line far from every row of numbers is a row of its own (第二十条第（五）项);
        # a wrapped label's lines stand within a line or so of the numbers they label, or
        # close under or over another line of the same label.
        if min(abs(rows[i].cy - rows[j].cy) for j in body_idx) <= TITLE_DISTANCE * line_h:
            return False
        return not _wrapped(rows, i, span, line_h)


    titles = [i for i in span if i not in value_set and is_title(i)]
    labels: list[_Tok] = []
    for i in span:
        if i in value_set or i not in titles:
            labels.extend(t for t in rows[i].toks if t.x1 <= left + 0.5 * line_h and not (i in value_set and _is_value(t) and t.x0 >= left - line_h))
    label_cols = _label_columns(labels, line_h) or [(left - 10 * line_h, left - line_h)]
    n_label = len(label_cols)
    width = n_label + len(columns)
    cells: dict[int, dict[int, list[_Tok]]] = {i: {} for i in body_idx + titles}
    unplaced: list[OcrLine] = []
    for t in labels:
        col = _label_column(t, label_cols, line_h)
        for k in _assign_to_rows(t, body, ruled):
            cells[body_idx[k]].setdefault(col, []).append(t)
    for i in body_idx:
        for t in rows[i].toks:
            if t.x1 <= left + 0.5 * line_h:
                continue  # a label, placed above
            c = _place(t, columns)
            if c is None:
                unplaced.append(t.line)
                continue
            cells[i].setdefault(n_label + c, []).append(t)
    for i in titles:
        for t in rows[i].toks:
            for c in _spread(t, columns, n_label, line_h):
                cells[i].setdefault(c, []).append(t)
    order = sorted(body_idx + titles)
    out_rows = [[_merge_cell(cells[i].get(c, []), page) for c in range(width)] for i in order]
    kinds = ["value" if i in value_set else "title" for i in order]
    for row, kind in zip(out_rows, kinds):
        if kind != "value":
            continue
        for c in range(n_label, width):
            cell = row[c]
            if cell.text and cell_kind(cell.text) not in ("number", "marker"):
                # Words where a number belongs ("一" for 1 or for a dash): not read, kept for the
                # second reading; never passed on, so no value is made up and no column shifts.
                row[c] = OcrCell("", cell.raw, cell.box, cell.confidence, page, doubtful=True)
            elif cell.confidence is not None and cell.confidence < DOUBT_BELOW:
                row[c] = replace(cell, doubtful=True)
    used.update(span)
    toks = [t for i in span for t in rows[i].toks]
    bbox = (min(t.x0 for t in toks), min(t.top for t in toks), max(t.x1 for t in toks), max(t.bottom for t in toks))
    return OcrTable(page, bbox, out_rows, 0, columns, unplaced, kinds)


def _header(rows: list[_Row], first: int, table: OcrTable, line_h: float, used: set[int]) -> None:
    """Column titles above a table's body: rows of short words within its frame, placed by column."""
    columns = table.columns
    if not columns:
        return
    n_label = len(table.rows[0]) - len(columns)
    header_rows: list[list[OcrCell]] = []
    i = first - 1
    top = table.bbox[1]
    while i >= 0 and i not in used:
        r = rows[i]
        if top - r.bottom > 2.5 * line_h:
            break
        text = "".join(t.text for t in r.toks)
        across = [t for t in r.toks if t.x0 < columns[0][0] - line_h and t.x1 > columns[0][1]]
        if CHAPTER_RE.match(text) and not any(_is_value(t) for t in r.toks):
            break  # the section title above the table
        if any(len(t.text) >= 15 for t in across):
            break  # a line of prose across the page
        cells: dict[int, list[_Tok]] = {}
        for t in r.toks:
            for c in _spread(t, columns, n_label, line_h):
                cells.setdefault(c, []).append(t)
        header_rows.insert(0, [_merge_cell(cells.get(c, []), table.page) for c in range(len(table.rows[0]))])
        used.add(i)
        top = r.top
        i -= 1
    if header_rows:
        table.rows[:0] = header_rows
        table.kinds[:0] = ["header"] * len(header_rows)
        table.header_rows = len(header_rows)
        table.bbox = (table.bbox[0], top, table.bbox[2], table.bbox[3])


def _extend_down(rows: list[_Row], first: int, last: int, values: set[int], line_h: float, text_width: float,
                 rules: Sequence[Rule]) -> int:
    """The last row of a table whose last label wraps below its numbers ("5.要求行政机关确认 /
    或重新出具已获取信 / 息"): label lines right under it, left of the numbers, not parted
    from it by a rule (or, without rules, closer than half a line)."""
    edge = min(t.x0 for i in range(first, last + 1) if i in values for t in rows[i].toks if t.kind == "number")
    i = last + 1
    while i < len(rows) and i not in values:
        r = rows[i]
        if _prose_row(r, text_width) or any(t.x1 > edge - 0.5 * line_h for t in r.toks):
            break
        x0, x1 = min(t.x0 for t in r.toks), max(t.x1 for t in r.toks)
        near = [t for k in (i - 1, i - 2) if k >= first for t in rows[k].toks
                if t.kind == "text" and _overlap(t.x0, t.x1, x0, x1) > 0]
        if not near:
            break
        if rules:
            if _separated(r, rows[last], x0, x1, rules):
                break
        elif min(r.top - t.bottom for t in near) > WRAP_GAP * line_h:
            break
        i += 1
    return i - 1


def _extend_up(rows: list[_Row], first: int, last: int, values: set[int], line_h: float, text_width: float,
               rules: Sequence[Rule]) -> int:
    """The first row of a table whose first label starts above its numbers (a table continued
    from the last page opens with "1.申请人无正当理由 / 逾期不补正、行政机 / 关不再处理…"):
    label lines right over it, left of the numbers, not parted from it by a rule (or, without
    rules, closer than half a line to the label line under them)."""
    edge = min(t.x0 for i in range(first, last + 1) if i in values for t in rows[i].toks if t.kind == "number")
    i = first - 1
    while i >= 0 and i not in values:
        r = rows[i]
        if _prose_row(r, text_width) or any(t.x1 > edge - 0.5 * line_h for t in r.toks):
            break
        text = "".join(t.text for t in r.toks)
        if CHAPTER_RE.match(text) and len(text) >= 8:
            break
        x0, x1 = min(t.x0 for t in r.toks), max(t.x1 for t in r.toks)
        near = [t for k in (i + 1, i + 2) if k <= last for t in rows[k].toks
                if t.kind == "text" and _overlap(t.x0, t.x1, x0, x1) > 0]
        if not near:
            break
        if rules:
            if _separated(r, rows[first], x0, x1, rules):
                break
        elif min(t.top - r.bottom for t in near) > WRAP_GAP * line_h:
            break
        i -= 1
    return i + 1


def _sub_tables(rows: list[_Row], first: int, last: int, values: set[int], line_h: float) -> list[tuple[int, int]]:
    """A table body cut before each row of column titles inside it (信息内容 | 本年处理决定数量):
    the sub-tables of table 2 each have their own columns."""
    edge = min(t.x0 for i in range(first, last + 1) if i in values for t in rows[i].toks if t.kind == "number")
    cuts = [
        i for i in range(first + 1, last + 1)
        if i not in values and any(t.kind == "text" and t.x0 >= edge - line_h for t in rows[i].toks)
    ]
    out = []
    start = first
    for c in cuts:
        if any(k in values for k in range(start, c)):
            out.append((start, c - 1))
            start = c
    out.append((start, last))
    return out


def _lone_cell(rows: list[_Row], numbers: list[_Tok], line_h: float) -> bool:
    """One number that is a table cell all the same: its label stands well apart to its left
    (行政事业性收费 … 0 in a table of one row)."""
    if len(numbers) != 1:
        return False
    n = numbers[0]
    labels = [t for r in rows for t in r.toks if t.kind == "text" and abs(t.cy - n.cy) < line_h and t.x1 < n.x0]
    return bool(labels) and n.x0 - max(t.x1 for t in labels) > 3 * line_h


def tables_from_lines(
    lines: Sequence[OcrLine], page: int | None = None, rules: Sequence[Rule] = ()
) -> tuple[list[OcrTable], list[OcrLine]]:
    """The tables of one page's OCR lines, and the lines left for the narrative.

    ``rules`` are the horizontal table rules seen in the image (:attr:`OcrPage.rules`):
    where a table has them, they decide which row a wrapped label line belongs to."""
    toks = _tokens(lines)
    if not toks:
        return [], []
    line_h = median(t.h for t in toks)
    text_width = max(t.x1 for t in toks) - min(t.x0 for t in toks)
    rows = group_rows(toks)
    value_idx = _value_rows(rows, line_h, text_width)
    spans = _table_spans(rows, value_idx, line_h, text_width)
    rules = [r for r in rules if r[2] - r[1] > 3 * line_h]
    used: set[int] = set()
    tables: list[OcrTable] = []
    values = set(value_idx)
    spans = [(_extend_up(rows, f, l, values, line_h, text_width, rules), _extend_down(rows, f, l, values, line_h, text_width, rules))
             for f, l in spans]
    for span_first, span_last in spans:
        for first, last in _sub_tables(rows, span_first, span_last, values, line_h):
            body = rows[first : last + 1]
            numbers = [t for r in body for t in r.toks if t.kind == "number"]
            if len(numbers) < 2 and not _lone_cell(rows, numbers, line_h):
                continue  # one number alone is a line of prose or a page number, not a table
            table = _build_table(rows, first, last, values, line_h, page, used, rules)
            _header(rows, first, table, line_h, used)
            tables.append(table)
    rest = [t.line for i, r in enumerate(rows) if i not in used for t in r.toks]
    seen: set[int] = set()
    narrative = []
    for ln in rest:
        if id(ln) not in seen:
            seen.add(id(ln))
            narrative.append(ln)
    return tables, narrative


# ---------------------------------------------------------------- the second reading


Reread = Callable[[OcrCell], tuple[str, float]]


def second_reading(tables: Sequence[OcrTable], reread: Reread) -> int:
    """Read the doubtful value cells again with ``reread`` (for a cell: its crop at a higher
    resolution, digits only — :func:`analyzer.ingest.ocr.reread_cell`), and settle them.

    - both readings give the same number: the value stands, no longer in doubt;
    - the first reading was damaged (text "") and the second reads a number with some
      confidence (:data:`REPAIR`): the second is taken, still in doubt unless it is sure;
    - they differ: the surer one is taken only when it is sure and the other is not;
      otherwise the first stands and the cell stays in doubt (its findings are uncertain);
    - a second reading of a dash alone ("-") turns a damaged cell into the marker "—".

    Returns the number of cells read again.
    """
    n = 0
    for t in tables:
        for r, c, cell in list(t.value_cells()):
            if not cell.doubtful or cell.box is None:
                continue
            n += 1
            text2, conf2 = reread(cell)
            num2 = normalize_number(text2) if text2 and set(text2) - {"-", "."} else None
            second = (text2, conf2)
            conf1 = cell.confidence or 0.0
            if num2 is not None and num2 == cell.text:
                new = replace(cell, doubtful=False, second=second)
            elif not cell.text:
                if num2 is not None and conf2 >= REPAIR:
                    # Damaged the first time, a digit the second: taken, in doubt unless sure.
                    new = replace(cell, text=num2, doubtful=conf2 < SURE, second=second)
                elif text2.strip("-") == "" and text2 and conf2 >= SURE:
                    new = replace(cell, text="—", doubtful=False, second=second)
                else:
                    new = replace(cell, second=second)
            elif num2 is not None and conf2 >= SURE and conf1 < DOUBT_BELOW - 0.1:
                new = replace(cell, text=num2, doubtful=True, second=second)
            else:
                new = replace(cell, doubtful=True, second=second)
            t.rows[r][c] = new
    return n


# ---------------------------------------------------------------- narrative


def visual_lines(lines: Sequence[OcrLine]) -> list[list[OcrLine]]:
    """OCR lines side by side (the detector split one printed line) joined, top to bottom."""
    toks = [_Tok(l.text, l.text, *l.box, l.confidence, "text", l) for l in lines]
    return [[t.line for t in r.toks] for r in group_rows(toks, overlap=0.5)]


def paragraphs(lines: Sequence[OcrLine], page: int | None = None, page_height: float | None = None) -> list[Block]:
    """OCR lines (outside tables) as headings and paragraphs in reading order."""
    vis = visual_lines(lines)
    items = []
    for group in vis:
        text = "".join(l.text for l in group).strip()
        x0 = min(l.box[0] for l in group)
        x1 = max(l.box[2] for l in group)
        top = min(l.box[1] for l in group)
        bottom = max(l.box[3] for l in group)
        if page_height and (top < page_height * MARGIN_SHARE or bottom > page_height * (1 - MARGIN_SHARE)):
            if PAGE_NUMBER_RE.match(unicodedata.normalize("NFKC", text)):
                continue
        items.append((text, x0, x1, top, bottom))
    if not items:
        return []
    size = median(b - t for _, _, _, t, b in items)
    left = median(sorted(x0 for _, x0, _, _, _ in items)[: max(1, len(items) // 2)])
    right = max(x1 for _, _, x1, _, _ in items)
    blocks: list[Block] = []
    para: list[tuple[str, float, float, float, float]] = []

    def centred(it: tuple[str, float, float, float, float]) -> bool:
        _, x0, x1, _, _ = it
        return abs((x0 + x1) / 2 - (left + right) / 2) < 1.5 * size and x0 - left > 2 * size and right - x1 > 2 * size

    def flush() -> None:
        if para:
            text = cjk_parentheses(clean_prose("".join(p[0] for p in para)))
            if text:
                kind = "heading" if all(centred(p) for p in para) or is_heading(text) else "paragraph"
                blocks.append(Block(kind=kind, text=text, page=page))
            para.clear()

    for it in items:
        if para:
            prev = para[-1]
            brk = (
                starts_new_paragraph(it[0])
                or ends_paragraph(prev[0])
                or is_heading(prev[0])
                or it[1] - left >= 1.2 * size
                or prev[2] < right - 2.5 * size
                or it[3] - prev[4] > 1.2 * size
                or centred(prev) != centred(it)
            )
            if brk:
                flush()
        para.append(it)
    flush()
    return blocks


# ---------------------------------------------------------------- pages


def drop_page_furniture(lines: Sequence[OcrLine], page_height: float) -> list[OcrLine]:
    """The lines without page numbers in the top and bottom margins ("- 4 -" read as "-4" and "-")."""
    drop: set[int] = set()
    for group in visual_lines(lines):
        top = min(l.box[1] for l in group)
        bottom = max(l.box[3] for l in group)
        if top < page_height * MARGIN_SHARE or bottom > page_height * (1 - MARGIN_SHARE):
            text = unicodedata.normalize("NFKC", " ".join(l.text for l in group)).strip()
            if PAGE_NUMBER_RE.match(text):
                drop.update(id(l) for l in group)
    return [l for l in lines if id(l) not in drop]


def layout_page(ocr_page: OcrPage) -> OcrLayout:
    """One OCR'd page as Blocks in reading order: paragraphs, headings and tables."""
    lines = drop_page_furniture(ocr_page.lines, ocr_page.height)
    tables, rest = tables_from_lines(lines, ocr_page.page, ocr_page.rules)
    prose = paragraphs(rest, ocr_page.page, ocr_page.height)
    # Reading order: blocks by their top; prose lines keep their own order.
    tops: list[tuple[float, int, Block, OcrTable | None]] = []
    prose_tops = _block_tops(rest, prose, ocr_page.height)
    for k, (b, top) in enumerate(zip(prose, prose_tops)):
        tops.append((top, k, b, None))
    for k, t in enumerate(tables):
        tops.append((t.bbox[1], len(prose) + k, t.to_block(), t))
    tops.sort(key=lambda x: (x[0], x[1]))
    return OcrLayout([b for _, _, b, _ in tops], [t for _, _, _, t in tops if t is not None])


def _block_tops(lines: Sequence[OcrLine], blocks: list[Block], page_height: float) -> list[float]:
    """The top of each paragraph block, found from the first line whose text opens it."""
    vis = visual_lines(lines)
    starts = [(min(l.box[1] for l in g), cjk_parentheses(clean_prose("".join(l.text for l in g).strip()))) for g in vis]
    out = []
    j = 0
    for b in blocks:
        top = starts[j][0] if j < len(starts) else page_height
        for k in range(j, len(starts)):
            if starts[k][1] and b.text.startswith(starts[k][1][:6]):
                top, j = starts[k][0], k + 1
                break
        out.append(top)
    return out


def layout_pages(pages: Sequence[OcrPage]) -> OcrLayout:
    """Every OCR'd page laid out, blocks concatenated in page order."""
    blocks: list[Block] = []
    tables: list[OcrTable] = []
    for p in pages:
        lay = layout_page(p)
        blocks.extend(lay.blocks)
        tables.extend(lay.tables)
    return OcrLayout(blocks, tables)
