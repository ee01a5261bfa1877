"""Pages into blocks: reading order, running headers and footers, paragraphs, tables over page breaks.

Wrapped lines are joined into paragraphs by indentation and punctuation. A
table's parts on consecutive pages are stitched into one grid when nothing
stands between them and their frames line up. Merged cells: pdfplumber
reports the area a merged cell covers as ``None``; the grid is rebuilt from
the cell rectangles and a merged cell's text *repeated* into every grid
position it covers, as python-docx does for DOCX and as
:class:`~analyzer.model.Block` documents. Positions no cell covers become "".
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import median

from analyzer.ingest.layout import ITEM_START_RE, NUMBER_RE, PAGE_NUMBER_RE, ends_paragraph, is_heading, starts_new_paragraph
from analyzer.ingest.normalize import clean_prose
from analyzer.ingest.pdf.borderless import unruled_tables
from analyzer.ingest.pdf.objects import Char, Item, Line, Page, Table, cluster
from analyzer.ingest.pdf.textlayer import Scanned, chars_to_lines
from analyzer.model import Block

MARGIN_SHARE = 0.1  # top/bottom share of the page where page furniture lives
JOIN_TOLERANCE = 6.0  # points: same left/right edge for a table continued on the next page

Cut = tuple[int, int, int]  # an empty cell touching a part's top: (end row, first column, end column)


# ---------------------------------------------------------------- one page


def layout_page(scanned: Scanned, tables: list[Table]) -> Page:
    """The page's text lines outside its ruled tables, and all its tables, top to bottom."""
    boxes = [t.bbox for t in tables]

    def outside(char: Char) -> bool:
        cx, cy = (char[1] + char[3]) / 2, (char[2] + char[4]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    lines = []
    for line in chars_to_lines([c for c in scanned.chars if outside(c)], scanned.number):
        if _in_margin(line, scanned.height) and PAGE_NUMBER_RE.match(line.text):
            continue
        lines.append(line)
    lines, unruled = unruled_tables(lines, scanned.number)
    items: list[Item] = sorted(lines + tables + unruled, key=lambda it: it.top if isinstance(it, Line) else it.bbox[1])
    return Page(scanned.number, scanned.width, scanned.height, items)


def _in_margin(line: Line, height: float) -> bool:
    return line.bottom < height * MARGIN_SHARE or line.top > height * (1 - MARGIN_SHARE)


def drop_running_lines(pages: list[Page]) -> None:
    """Remove running headers and footers: margin lines repeated on most pages.

    Digits are masked so that "淮安市人民政府 第2页" matches on every page. Done
    before tables are joined over page breaks: a footer under a table would
    otherwise hide that the table runs on.
    """
    texted = [p for p in pages if p.items]
    if len(texted) >= 3:
        counts: Counter[str] = Counter()
        for page in texted:
            counts.update({re.sub(r"\d+", "#", it.text) for it in page.items if isinstance(it, Line) and _in_margin(it, page.height)})
        running = {text for text, n in counts.items() if n >= max(3, (len(texted) + 1) // 2)}
        for page in texted:
            page.items = [
                it for it in page.items
                if not (isinstance(it, Line) and _in_margin(it, page.height) and re.sub(r"\d+", "#", it.text) in running)
            ]
    for page in pages:
        if page.items and isinstance(page.items[0], Table):
            page.items[0].first_on_page = True
        if page.items and isinstance(page.items[-1], Table):
            page.items[-1].last_on_page = True


# ---------------------------------------------------------------- tables to grids


def tables_to_rows(parts: list[Table]) -> tuple[tuple[str, ...], ...]:
    """One grid for a table (possibly continued over pages), merged cells repeated."""
    if len(parts) == 1 and parts[0].rows is not None:
        return parts[0].rows  # laid out by OCR already
    xs = cluster(v for t in parts for bbox, _ in t.cells for v in (bbox[0], bbox[2]))
    width = len(xs) - 1
    rows: list[list[str]] = []
    header: list[list[str]] = []
    for part in parts:
        grid, cut = _part_grid(part, xs, width)
        if not rows:
            header = [list(r) for r in grid]
        elif grid:
            rows[-1], grid = _continue_grid(rows[-1], header, grid, cut, width)
        rows.extend(grid)
    rows = [r for r in rows if any(r)]
    keep = [c for c in range(width) if any(r[c] for r in rows)]
    return tuple(tuple(r[c] for c in keep) for r in rows)


def _part_grid(part: Table, xs: list[float], width: int) -> tuple[list[list[str]], list[Cut]]:
    """One part's cells on the table's columns ``xs``, and its empty cells touching its top."""
    ys = cluster(v for bbox, _ in part.cells for v in (bbox[1], bbox[3]))
    grid = [[""] * width for _ in range(len(ys) - 1)]
    cut: list[Cut] = []
    for (x0, top, x1, bottom), text in part.cells:
        c0 = _nearest(xs, x0)
        c1 = max(_nearest(xs, x1), c0 + 1)
        r0 = _nearest(ys, top)
        r1 = max(_nearest(ys, bottom), r0 + 1)
        if not text and r0 == 0:
            cut.append((r1, c0, c1))
        for r in range(r0, min(r1, len(grid))):
            for c in range(c0, min(c1, width)):
                grid[r][c] = text
    return grid, cut


def _continue_grid(
    last: list[str], header: list[list[str]], grid: list[list[str]], cut: list[Cut], width: int
) -> tuple[list[str], list[list[str]]]:
    """A part after a page break read on from the row ``last`` above the break.

    Returns that row (with the rest of its label when the break cut it) and the
    part's rows still to add.
    """
    # Header rows repeated on the new page (Word's 重复标题行) are not data.
    repeated = 0
    while repeated < min(len(grid) - 1, len(header)) and grid[repeated] == header[repeated]:
        repeated += 1
    grid = grid[repeated:]
    cut = [(r1 - repeated, c0, c1) for r1, c0, c1 in cut] if repeated else cut
    split = _is_split_row(last, grid[0])
    if split:
        last = [a if not b or b == a else a + b for a, b in zip(last, grid[0])]
    # A merged cell cut by the page break: its text was written above the break.
    start = 1 if split else 0
    for r1, c0, c1 in cut:
        if start < len(grid) and any(NUMBER_RE.match(cell) for cell in grid[start][:c0]):
            # Labels stand left of the numbers: an empty cell after a number is a
            # blank value, not the rest of a merged label (nor of a header above).
            continue
        for r in range(start, min(r1, len(grid))):
            for c in range(c0, min(c1, width)):
                grid[r][c] = last[c]
    return last, grid[1:] if split else grid


def _nearest(grid: list[float], v: float) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - v))


def _is_split_row(last: list[str], first: list[str]) -> bool:
    """Say whether the first row after a page break is the rest of the row before it.

    A row cut by the break leaves its numbers on the first page and only the
    overflow of a long label below; a genuinely new row has numbers of its own.
    """
    if any(NUMBER_RE.match(cell) for cell in first):
        return False
    label = next((cell for cell in first if cell), "")
    if ITEM_START_RE.match(label):
        return False  # a new numbered item ("第二十条第（五）项", "（三）…", "2.…") is not overflow
    return any(NUMBER_RE.match(a) and not b for a, b in zip(last, first))


# ---------------------------------------------------------------- blocks


def pages_to_blocks(pages: list[Page]) -> list[Block]:
    """Headings, paragraphs and tables in reading order, over all pages."""
    lines = [it for p in pages for it in p.items if isinstance(it, Line)]
    if not lines:
        return _tables_only(pages)
    left, right, size = _text_frame(lines)

    blocks: list[Block] = []
    para: list[Line] = []
    group: list[Table] = []

    def flush_para() -> None:
        if para:
            text = clean_prose(_join_lines([l.text for l in para]))
            if text:
                centred = all(_is_centred(l, left, right, size) for l in para)
                kind = "heading" if centred or is_heading(text) else "paragraph"
                blocks.append(Block(kind=kind, text=text, page=para[0].page))
            para.clear()

    def flush_group() -> None:
        if group:
            rows = tables_to_rows(group)
            if rows:
                text = "\n".join("\t".join(r) for r in rows)
                doubts = tuple(d for t in group for d in t.doubts)
                blocks.append(Block(kind="table", text=text, rows=rows, page=group[0].page, doubts=doubts,
                                    readings=group[0].readings))
            group.clear()

    for page in pages:
        for item in page.items:
            if isinstance(item, Table):
                flush_para()
                if group and not _continues(group[-1], item):
                    flush_group()
                if group and item.columns:
                    # A table without rulings shows on each page only the columns that page
                    # fills: the next page is matched against all the columns seen so far.
                    item.columns = tuple(cluster(group[-1].columns + item.columns))
                group.append(item)
                continue
            flush_group()
            if para and not _breaks(para[-1], item, left, right, size):
                para.append(item)
            else:
                flush_para()
                para.append(item)
    flush_para()
    flush_group()
    return blocks


def _text_frame(lines: list[Line]) -> tuple[float, float, float]:
    """The body text's left and right edges (the most common line ends) and its type size."""
    left = Counter(round(l.x0) for l in lines).most_common(1)[0][0]
    right = Counter(round(l.x1) for l in lines).most_common(1)[0][0]
    right = max(right, max(round(l.x1) for l in lines if l.x1 <= right + 40))
    return left, right, median(l.size for l in lines)


def _tables_only(pages: list[Page]) -> list[Block]:
    blocks = []
    for page in pages:
        for item in page.items:
            rows = tables_to_rows([item])  # type: ignore[list-item]  # without lines every item is a table
            if rows:
                blocks.append(Block(kind="table", text="\n".join("\t".join(r) for r in rows), rows=rows, page=item.page,
                                    readings=item.readings))  # type: ignore[union-attr]
    return blocks


def _continues(prev: Table, nxt: Table) -> bool:
    """A table at the top of a page continues the one that ended the previous page
    when nothing stands between them and their frames line up."""
    if nxt.page != prev.page + 1 or not (prev.last_on_page and nxt.first_on_page):
        return False
    if prev.rows is not None or nxt.rows is not None:
        return False  # OCR's tables stay per page: the table reader matches their rows by label
    if prev.columns or nxt.columns:
        # Without rulings the frame is only as wide as the text: the number columns line up
        # (the part on the new page may leave some of them blank).
        return bool(prev.columns and nxt.columns) and not nxt.titled and all(
            any(abs(a - b) <= JOIN_TOLERANCE for b in prev.columns) for a in nxt.columns
        )
    return abs(prev.bbox[0] - nxt.bbox[0]) <= JOIN_TOLERANCE and abs(prev.bbox[2] - nxt.bbox[2]) <= JOIN_TOLERANCE


def _is_centred(line: Line, left: float, right: float, size: float) -> bool:
    middle = (left + right) / 2
    if abs((line.x0 + line.x1) / 2 - middle) >= 1.5 * size:
        return False
    # A title set larger than the body needs less room either side to count as centred;
    # a body-size line must stand well clear of both margins (not a short indented paragraph).
    room = size if line.size > 1.15 * size else 2 * size
    return line.x0 - left > room and right - line.x1 > room


def _breaks(prev: Line, line: Line, left: float, right: float, size: float) -> bool:
    """Say whether ``line`` starts a new paragraph after ``prev``."""
    if _is_centred(prev, left, right, size) and _is_centred(line, left, right, size):
        # A wrapped title ("洪泽区人民政府 / 2023年政府信息公开工作年度报告").
        return line.page != prev.page or line.top - prev.bottom > 2.5 * size
    if starts_new_paragraph(line.text) or ends_paragraph(prev.text) or is_heading(prev.text):
        return True
    if line.x0 - left >= 1.2 * size:  # first-line indent
        return True
    if prev.x1 < right - 2 * size and not _pushed_down(line, right - prev.x1, size):
        return True  # the previous line stopped short: its paragraph ended
    if line.page == prev.page and line.top - prev.bottom > 1.2 * max(size, line.size):
        return True
    return False


# The first unit a line cannot be broken in: a run of Latin letters or digits, with a bracketed
# item number right after it ("0000000（七）": no break between a number and its bracket), or a
# character with an opening mark and the character it opens ("及“三": a line never ends on "“").
FIRST_UNIT_RE = re.compile(r"^(?:[\x21-\x7e]+(?:[（(][^）)]{0,3}[）)])?|.[“‘（《〈「『【(].)")
LATIN_WIDTH = 0.55  # share of the body's type size a digit or Latin letter takes (仿宋, 宋体: about half)


def _pushed_down(line: Line, room: float, size: float) -> bool:
    """The line opens with a run that did not fit in the ``room`` left at the end of the line before:
    a wrap forced by a long number or an opening mark, not a paragraph's end (flattened table text
    printed to PDF, "…3.危及“三安全一稳定”00000004.保护第三方合法权益" / "0300213275.属于…")."""
    unit = FIRST_UNIT_RE.match(line.text)
    if not unit:
        return False
    width = sum(LATIN_WIDTH * size if ch.isascii() else size for ch in unit.group(0))
    return width > room - 0.5 * size  # the estimate within half a character: a line's end is not measured exactly


def _join_lines(texts: list[str]) -> str:
    """Wrapped lines of one paragraph joined; a space only between two Latin words."""
    out = texts[0]
    for text in texts[1:]:
        if out and text and out[-1].isascii() and out[-1].isalpha() and text[0].isascii() and text[0].isalpha():
            out += " "
        out += text
    return out
