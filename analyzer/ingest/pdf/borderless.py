"""Tables drawn without rulings (Word's "no borders", white lines), found from the text itself.

Lines become regions, regions become tables: a row is a line of separate
runs holding bare numbers, the columns are the x-bands those numbers share,
and cell text wrapped in narrow columns is joined to its row: line by line
below the numbers when cells are top-aligned, by the row a label is centred on
when they are centred vertically (:func:`centre_rows`). A value that cannot
be placed is left out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.ingest.layout import ITEM_START_RE, NUMBER_RE, is_heading, merge_bands
from analyzer.ingest.normalize import CN_NUMERALS, clean_cell
from analyzer.ingest.pdf.objects import GRID_TOLERANCE, Bbox, Line, Page, Segment, Table, cluster

TOP_HEADING_RE = re.compile(f"^[{CN_NUMERALS}]+、")


def _is_number(text: str) -> bool:
    return bool(NUMBER_RE.match(text.replace(",", "")))


def _numbers(line: Line) -> list[Segment]:
    return [s for s in line.segs if _is_number(s[2])]


def _is_row_line(line: Line) -> bool:
    """A line that reads as a table row: separate runs of text, at least one a bare number."""
    return len(line.segs) >= 2 and bool(_numbers(line))


@dataclass
class Region:
    """The lines of one table without rulings: its column titles and its rows."""

    header: list[Line]
    rows: list[list[Line]]  # each row: its first line, then the lines wrapped under it
    doubts: list[str] = field(default_factory=list)  # text whose row could not be told (Table.doubts)

    def columns(self) -> list[list[float]]:
        return merge_bands((s[0], s[1]) for row in self.rows for s in _numbers(row[0]))

    def all_columns(self) -> list[list[float]]:
        """Number columns, and the header's column titles that stand over none of them:
        a column left blank in every row still counts, or the cells right of it would
        shift into it."""
        bands = self.columns()
        first = bands[0][0]
        titles = [
            (s[0], s[1]) for l in self.header for s in l.segs
            if s[0] > first - l.size and not any(a - 1 <= s[1] and s[0] <= b + 1 for a, b in bands)
        ]
        return merge_bands([(a, b) for a, b in bands] + titles)

    def fits(self, line: Line) -> bool:
        """The row's numbers stand in this table's number columns (or right of its labels)."""
        cols = self.columns()
        return all(any(a - 1 <= s[1] and s[0] <= b + 1 for a, b in cols) or s[0] > cols[-1][1] for s in _numbers(line)) \
            and min(s[0] for s in _numbers(line)) >= cols[0][0] - 2 * line.size


def _crosses(line: Line, first_column: float, labels_end: float = float("inf")) -> bool:
    """A run that starts among the labels and runs on over the numbers: prose or a title, not a cell.

    With ``labels_end`` (where the row labels end), a run starting right of it is a column
    title wider than the numbers under it ("现行有效件数" over "13"), not prose.
    """
    return any(s[0] < min(first_column - line.size, labels_end) and s[1] > first_column + line.size for s in line.segs)


def unruled_tables(lines: list[Line], page: int) -> tuple[list[Line], list[Table]]:
    """Tables drawn without rulings, and the lines left over, from the alignment of the text.

    :func:`group_regions` finds the lines of each table, :func:`_region_table`
    lays a region out as cell rectangles; a region too small to be a table
    leaves its lines as text.
    """
    tables, used = [], set()
    for region in group_regions(lines):
        lines_of_region = region.header + [l for row in region.rows for l in row]
        if centred(region):
            region = centre_rows(region)
        table = _region_table(region, page)
        if table is not None:
            tables.append(table)
            used.update(id(l) for l in lines_of_region)
    return [l for l in lines if id(l) not in used], tables


def group_regions(lines: list[Line]) -> list[Region]:
    """The lines of a page grouped into tables without rulings.

    A row is a line of separate runs holding at least one bare number; rows
    whose numbers fall in the same column bands make one table. Cell text
    wrapped onto further lines (narrow columns) follows its row's first line
    closely, top-aligned as Word and WPS draw cells by default: such lines are
    joined to the row, each run to the column it stands in. The lines just
    above the first row, up to a title or a line running over the number
    columns, are the header. A number wrapped in its cell ("2024" / "1") is the
    digits of one cell, read on in the same column.
    """
    regions: list[Region] = []
    current: Region | None = None
    pending: list[Line] = []
    for line in lines:
        prev = current.rows[-1][-1] if current else None
        # Lines of digits alone measure smaller than text: the table's text sets the scale.
        size = max([line.size] + ([l.size for l in current.header + current.rows[-1]] if current else []))
        close = prev is not None and line.top - prev.bottom <= 0.5 * size
        if _is_row_line(line):
            if current and close and wrapped_digits(current, line):
                current.rows[-1].append(line)
            elif current and current.fits(line) and not _crosses(line, current.columns()[0][0]):
                # Lines standing apart between two rows are rows of their own (a sub-title
                # such as "第二十条第（六）项", or a label row without numbers).
                current.rows.extend(_chains(pending))
                pending = []
                current.rows.append([line])
            else:
                current = Region(_header(pending, line), [[line]])
                regions.append(current)
                pending = []
            continue
        if current and not pending and close and not _crosses(line, current.columns()[0][0]) and not _title(line, current):
            current.rows[-1].append(line)
            continue
        if current and (pending and line.top - pending[-1].bottom > 1.5 * line.size or _title(line, current)):
            current = None
        pending.append(line)
        if current and _crosses(line, current.columns()[0][0]):
            current = None
    if current and pending:
        # Rows without numbers at the foot of the page ("2.其他法律行政法规禁止公开"
        # left blank) still belong to the table: without them the table would not
        # reach the page break, and its part on the next page would stand alone,
        # without the columns this part shows.
        current.rows.extend(_chains(pending))
    return regions


def _title(line: Line, region: Region) -> bool:
    """A heading that ends the table. Numbered labels inside the label columns ("2.其他…",
    "（三）不予公开") look like headings but are cells; a section title runs over the
    number columns or opens with a top-level number."""
    return title_at(line, region.columns()[0][0])


def title_at(line: Line, first_column: float) -> bool:
    """:func:`_title` for a table whose first number column starts at ``first_column``."""
    if not is_heading(line.text):
        return False
    return line.x1 >= first_column - line.size or bool(TOP_HEADING_RE.match(line.text))


def _chains(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped where each follows the one before closely (one cell's wrapped text)."""
    out: list[list[Line]] = []
    for line in lines:
        if out and line.top - out[-1][-1].bottom <= 0.5 * line.size:
            out[-1].append(line)
        else:
            out.append([line])
    return out


def wrapped_digits(region: Region, line: Line) -> bool:
    """Digits under a number that filled its cell, the line holding no new item: the rest of
    that number wrapped in a narrow column ("2024" / "1"), not a new row.

    Only a number as wide as its column's widest, that could not have taken these
    digits on its own line, counts: a short number above ("258") with a digit
    below ("3") is two rows.
    """
    row, cols = region.rows[-1], region.columns()
    nums = _numbers(line)
    if len(nums) * 2 >= max(len(cols), 2):
        return False
    if any(ITEM_START_RE.match(s[2]) for s in line.segs if not _is_number(s[2])):
        return False
    above = [s for s in _numbers(row[-1])]
    starts = sorted(c[0] for c in cols)
    for seg in nums:
        over = next((a for a in above if abs(a[0] - seg[0]) <= line.size), None)
        if over is None:
            return False
        band = next(c for c in cols if c[0] - 1 <= over[1] and over[0] <= c[1] + 1)
        if over[1] < band[1] - 0.3 * line.size:
            return False  # a narrower number than others in its column: its cell had room
        limit = next((x for x in starts if x > over[1]), None)
        if limit is not None and over[1] + (seg[1] - seg[0]) <= limit - line.size:
            return False  # the digits would have fitted beside the number above
    return True


def _header(pending: list[Line], first: Line) -> list[Line]:
    """The lines closely above a table's first row that belong to it (column titles)."""
    first_column = min(s[0] for s in _numbers(first))
    labels_end = max((s[1] for s in first.segs if not _is_number(s[2])), default=first_column)
    header: list[Line] = []
    below = first
    for line in reversed(pending):
        if below.top - line.bottom > 1.5 * line.size or _crosses(line, first_column, labels_end) \
                or title_at(line, first_column):
            break
        if len(line.segs) == 1 and line.x0 < first_column - line.size < line.x1:
            break  # a line of prose, reaching from the labels into the numbers
        header.insert(0, line)
        below = line
    return header


def _centre(line: Line) -> float:
    return (line.top + line.bottom) / 2


def _in_numbers(seg: Segment, first_column: float, size: float) -> bool:
    return seg[0] >= first_column - size


def centred(region: Region) -> bool:
    """Say whether the table's cells are centred vertically rather than top-aligned: a line of
    words in the label columns stands half a line off a row's numbers, overlapping them (a label
    of two lines, one above its numbers and one below). Top-aligned cells keep every line of a
    row on the numbers' line or a whole line below it."""
    first = region.columns()[0][0]
    body = [l for row in region.rows for l in row]
    rows = [l for l in body if _is_row_line(l)]
    for line in body:
        if _numbers(line) or line.x1 > first - line.size:
            continue
        for row in rows:
            overlap = min(line.bottom, row.bottom) - max(line.top, row.top)
            if overlap > 0.1 * line.size and 0.3 * line.size <= abs(_centre(line) - _centre(row)) <= 1.1 * line.size:
                return True
    return False


@dataclass
class _Block:
    """The words of one label cell: runs of one label column on lines following each other."""

    column: int
    segs: list[tuple[Segment, Line]]
    anchor: Line | None = None  # the row line one of its runs stands on

    @property
    def top(self) -> float:
        return self.segs[0][1].top

    @property
    def bottom(self) -> float:
        return self.segs[-1][1].bottom

    def piece(self, top: float, bottom: float) -> Line:
        """The block as one run of text at its column's left edge."""
        text = "".join(seg[2] for seg, _ in self.segs)
        line = self.segs[0][1]
        seg = (self.segs[0][0][0], max(s[1] for s, _ in self.segs), text)
        return Line(text, line.page, seg[0], seg[1], top, bottom, line.size, [seg])


def centre_rows(region: Region) -> Region:
    """The rows of a table whose cells are centred vertically, rebuilt around their numbers.

    A line holding a row's numbers (an anchor) is a row. Read line by line, a label wrapped
    over two lines would put its first line above the numbers, as if it were the rest of the row
    before ("（二）部分公开（区分处理的，只计这一情" / numbers / "形，不计其他情形）"). So the
    words of each label column are read in blocks (:func:`_label_blocks`), and a block goes to
    the anchor it stands on, or else to the anchor nearest its middle: the row it is centred
    on. A block of the row labels' own column standing apart from every anchor is a row of its
    own (a label whose cells are blank). Digits alone on a line (a number wrapped in a narrow
    column: "2024" above the row, "1" below) are the rest of the nearest anchor's number in
    their column.
    """
    first = region.columns()[0][0]
    header = list(region.header)
    body = sorted((l for row in region.rows for l in row), key=lambda l: l.top)
    # Digits wrapped above the first row were taken for the end of the column titles.
    while header and all(_is_number(s[2]) and _in_numbers(s, first, header[-1].size) for s in header[-1].segs):
        body.insert(0, header.pop())
    anchors = [l for l in body if len(l.segs) >= 2 and any(_in_numbers(s, first, l.size) for s in l.segs)]
    if not anchors:
        return region
    size = max(l.size for l in anchors)
    label_x = cluster([s[0] for l in body for s in l.segs if not _in_numbers(s, first, l.size)], 0.5 * size)

    def column(seg: Segment) -> int:
        return max(i for i, x in enumerate(label_x) if x <= seg[0] + 0.5 * size)

    doubts: list[str] = []

    def nearest(y: float, text: str | None = None) -> Line:
        """The anchor centred nearest ``y``. With ``text``, a tie between two is a row that cannot be told: a doubt."""
        a, *rest = sorted(anchors, key=lambda a: abs(_centre(a) - y))
        if text is not None and rest and abs(_centre(rest[0]) - y) - abs(_centre(a) - y) < 0.25 * size:
            doubts.append(f"第{a.page}页表格中“{text}”所在行不能确定")
        return a

    numbers: dict[int, list[tuple[Segment, float]]] = {id(a): [] for a in anchors}
    for line in body:
        for seg in line.segs:
            if _in_numbers(seg, first, line.size):
                numbers[id(line) if id(line) in numbers else id(nearest(_centre(line), seg[2]))].append((seg, line.top))
    rows: dict[int, list[Line]] = {
        id(a): [Line(a.text, a.page, a.x0, a.x1, a.top, a.bottom, a.size, _join_columns(numbers[id(a)], region.columns()))]
        for a in anchors
    }
    alone: list[list[Line]] = []
    for block in _label_blocks(body, {id(a) for a in anchors}, first, column, size):
        if block.anchor is not None:
            rows[id(block.anchor)].append(block.piece(block.top, block.bottom))
            continue
        middle = (block.top + block.bottom) / 2
        a = nearest(middle)
        own = max((column(s) for s in a.segs if not _in_numbers(s, first, a.size)), default=len(label_x) - 1)
        if abs(_centre(a) - middle) > size and block.column >= own:
            alone.append([block.piece(block.top, block.bottom)])
        elif block.column >= own:
            # The row's own label, not one merged over several rows: its row must be told.
            a = nearest(middle, "".join(seg[2] for seg, _ in block.segs))
            rows[id(a)].append(block.piece(block.top, block.bottom))
        else:
            # A label merged over several rows: the row it is centred on holds it, at that row's height.
            rows[id(a)].append(block.piece(a.top, a.bottom))
    groups = [[g[0]] + sorted(g[1:], key=lambda l: l.top) for g in list(rows.values()) + alone]
    return Region(header, sorted(groups, key=lambda g: g[0].top), doubts)


def _label_blocks(body: list[Line], anchors: set[int], first: float, column, size: float) -> list[_Block]:
    """The label words of each column in blocks: lines following each other at the line pitch,
    a numbered item ("（二）…", "1.…") opening a new block, and a block holding the words of
    one anchor at most."""
    blocks: list[_Block] = []
    segs = [(s, l) for l in body for s in l.segs if not _in_numbers(s, first, l.size)]
    for c in sorted({column(s) for s, _ in segs}):
        current: _Block | None = None
        for seg, line in sorted(((s, l) for s, l in segs if column(s) == c), key=lambda item: item[1].top):
            on_anchor = id(line) in anchors
            if current is None or line.top - current.bottom > size or ITEM_START_RE.match(seg[2]) \
                    or (on_anchor and current.anchor is not None):
                current = _Block(c, [])
                blocks.append(current)
            current.segs.append((seg, line))
            if on_anchor:
                current.anchor = line
    return blocks


def _join_columns(pieces: list[tuple[Segment, float]], bands: list[list[float]]) -> list[Segment]:
    """A row's number runs, those in one column joined top to bottom ("2024" + "1")."""
    by_band: dict[int, list[tuple[Segment, float]]] = {}
    for seg, top in pieces:
        # A run in no column stays apart (its own negative key).
        band = next((i for i, (a, b) in enumerate(bands) if a - 1 <= seg[1] and seg[0] <= b + 1), -1 - len(by_band))
        by_band.setdefault(band, []).append((seg, top))
    out = []
    for runs in by_band.values():
        runs.sort(key=lambda r: r[1])
        out.append((min(s[0] for s, _ in runs), max(s[1] for s, _ in runs), "".join(s[2] for s, _ in runs)))
    return sorted(out)


def _region_table(region: Region, page: int) -> Table | None:
    """The region as cell rectangles, one per row and column (see :func:`.assemble.tables_to_rows`)."""
    rows = region.rows
    if len(rows) < 2 and len(_numbers(rows[0][0])) < 3:
        return None  # a lone "label  number" line is prose with a tab, not a table
    cols = region.all_columns()
    lines = region.header + [l for row in rows for l in row]
    size = rows[0][0].size
    left = min(l.x0 for l in lines)
    right = max(l.x1 for l in lines)
    # Label columns: runs left of the first number column, by their left edges.
    label_x = cluster([s[0] for l in lines for s in l.segs if s[1] <= cols[0][0]], 0.5 * size)
    starts = sorted({left, *label_x[1:], *(c[0] for c in cols)})
    # The last edge from the last column's start, not from the text's reach: a table
    # continued on the next page must give the same grid lines there.
    edges = starts + [starts[-1] + 10 * GRID_TOLERANCE]
    labels = sum(1 for x in starts if x < cols[0][0] - 1)
    heads = _title_levels(region.header, cols) if region.header else []
    groups = heads + rows
    tops = [g[0].top for g in groups] + [max(l.bottom for l in lines) + 1]
    cells: list[tuple[Bbox, str]] = []
    for g, group in enumerate(groups):
        titles = g < len(heads)
        texts = _row_texts(group, starts, size, titles, cols)
        if not titles:
            _repeat_merged_labels(texts, labels)
        for c, text in enumerate(texts):
            # One grid column per cell, however the part on another page is laid out:
            # a rectangle reaching to the next column here could span columns left
            # blank on this page and repeat its number into them.
            right_edge = edges[c + 1] if c + 1 == len(starts) else edges[c] + 1
            cells.append(((edges[c], tops[g], right_edge, tops[g + 1]), clean_cell(text)))
    titled = any(s[0] >= cols[0][0] - l.size for l in region.header for s in l.segs)
    return Table(page, (left, tops[0], right + 1, tops[-1]), cells, columns=tuple(c[0] for c in cols), titled=titled,
                 doubts=list(region.doubts))


def _title_levels(header: list[Line], bands: list[list[float]]) -> list[list[Line]]:
    """The column titles as one grid row, or as two when titles are stacked: the titles over
    several columns ("申请人情况", "法人或其他组织"), then each column's own title, the lines
    standing in that column alone at the foot of the titles, joined ("法律" / "服务" / "机构").

    Read as one row, a column's titles run together ("申请人情况法人或其他组织法律服务机构"),
    name no template column, and the columns fall back to their order (issue 9 #3).
    """
    if len(bands) < 2:
        return [header]
    pitch = min(b[0] - a[0] for a, b in zip(bands, bands[1:]))
    own: set[tuple[int, int]] = set()  # (line, run) of the columns' own titles
    alone: set[tuple[int, int]] = set()  # those of columns with no title over them: in both rows, as a merged cell
    for a, b in bands:
        stack = sorted(((i, k) for i, l in enumerate(header) for k, seg in enumerate(l.segs) if a - 1 <= seg[1] and seg[0] <= b + 1),
                       key=lambda ik: header[ik[0]].top)
        foot: list[tuple[int, int]] = []
        for i, k in reversed(stack):
            seg = header[i].segs[k]
            if seg[1] - seg[0] > pitch or (foot and header[foot[-1][0]].top - header[i].bottom > header[i].size):
                break  # a title over several columns, or one standing apart above
            foot.append((i, k))
        own.update(foot)
        if len(foot) == len(stack):
            alone.update(foot)
    if own == alone:
        return [header]
    upper = [Line(l.text, l.page, l.x0, l.x1, l.top, l.bottom, l.size,
                  [s for k, s in enumerate(l.segs) if (i, k) not in own or (i, k) in alone])
             for i, l in enumerate(header)]
    lower = [Line(l.text, l.page, l.x0, l.x1, l.top, l.bottom, l.size, [s for k, s in enumerate(l.segs) if (i, k) in own])
             for i, l in enumerate(header)]
    upper, lower = [l for l in upper if l.segs], [l for l in lower if l.segs]
    if not upper or lower[0].top - upper[0].top <= GRID_TOLERANCE:
        return [header]
    return [upper, lower]


def _row_texts(group: list[Line], starts: list[float], size: float, titles: bool,
               bands: list[list[float]] = ()) -> list[str]:
    """The text of each grid column in one row (its lines' runs, each in the column it starts in).

    A column title over the numbers goes to the number columns it stands over (``bands``): a
    title wider than its numbers starts left of them, often over the column before.
    """
    texts = [""] * len(starts)
    numbers_from = bands[0][0] - size if bands else float("inf")
    for line in group:
        for seg in line.segs:
            over = [starts.index(a) for a, b in bands if a <= seg[1] and seg[0] <= b and a in starts] \
                if titles and (seg[0] + seg[1]) / 2 >= numbers_from else []
            if over:
                for c in over:
                    texts[c] += seg[2]
                continue
            first = max(i for i, x in enumerate(starts) if x <= seg[0] + 0.5 * size) if seg[0] >= starts[0] else 0
            texts[first] += seg[2]
            if titles:
                # A column title centred over several columns is one merged cell:
                # repeated into each column it covers, as the ruled reader does.
                for c in range(first + 1, len(starts)):
                    if starts[c] < seg[1] - size and not texts[c].endswith(seg[2]):
                        texts[c] += seg[2]
    return texts


def _repeat_merged_labels(texts: list[str], labels: int) -> None:
    """A label written once across the ``labels`` label columns (a merged cell): repeated
    into the blank ones, or they would read as blank number cells."""
    for c in range(1, labels):
        if not texts[c] and texts[c - 1]:
            texts[c] = texts[c - 1]


def carry_wrapped_labels(pages: list[Page]) -> None:
    """A row label cut by a page break, its rest standing alone atop the next page
    ("本年新" / "收政府信息公开申请数量"): joined to the row, so the label reads whole.

    Only for a table without rulings that ends its page, and only lines that
    follow each other closely within its label columns. A line opening a numbered
    item ("第二十条第（八）项", "（三）…", "2.…") is a heading or a new row, never the
    rest of a label.
    """
    for before, page in zip(pages, pages[1:]):
        if not before.items or not isinstance(before.items[-1], Table) or not before.items[-1].columns:
            continue
        table = before.items[-1]
        first_column = table.columns[0]
        carried: list[Line] = []
        for item in page.items:
            if not isinstance(item, Line) or item.x1 > first_column - item.size or title_at(item, first_column) \
                    or ITEM_START_RE.match(item.text):
                break
            if carried and item.top - carried[-1].bottom > 0.5 * item.size:
                break
            carried.append(item)
        if not carried:
            continue
        last_top = max(bbox[1] for bbox, _ in table.cells)
        row = [i for i, (bbox, _) in enumerate(table.cells) if bbox[1] == last_top]
        for line in carried:
            for seg in line.segs:
                at = max((i for i in row if table.cells[i][0][0] <= seg[0] + 0.5 * line.size), default=row[0],
                         key=lambda i: table.cells[i][0][0])
                bbox, text = table.cells[at]
                table.cells[at] = (bbox, text + seg[2])
        page.items = page.items[len(carried):]
        if page.items and isinstance(page.items[0], Table):
            page.items[0].first_on_page = True
