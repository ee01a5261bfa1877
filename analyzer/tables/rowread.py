"""One template row read from one document row: its candidate readings and what its cells showed instead.

A grid row is read by the labels of its table's header rows when they name its
columns (:mod:`analyzer.tables.columns`), checked by the row's own 总计 against
the left-to-right reading; a digit run of running text gives every admissible
split (:mod:`analyzer.tables.splits`), pruned by the row's total where it has
one; a run with a stray character inside is not read (its readings are only
hints for the table-wide search, :mod:`analyzer.tables.solve`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from analyzer.ingest.normalize import drop_thousands_separators, nfkc
from analyzer.model import CellReading
from analyzer.tables import columns, schema
from analyzer.tables.match import norm_label
from analyzer.tables.numbers import parse_cell
from analyzer.tables.schema import Row as Spec
from analyzer.tables.splits import out_of_time, split_pieces, split_summed_groups, sums_ok
from analyzer.tables.textread import Cell, TableRow


@dataclass
class RowRead:
    """The candidate readings of one template row from one document row."""

    spec: Spec
    row: TableRow
    candidates: list[tuple]  # complete readings (values or None)
    ambiguous: bool = False
    markers: dict[int, str] = field(default_factory=dict)  # column index -> "无"/"—"
    unplaced: list[str] = field(default_factory=list)  # cells of a narrow grid whose column is unknown
    raws: list[str | None] | None = None  # each column's cell as written, when placed by the header
    readings: list[CellReading | None] | None = None  # how OCR read each column's cell, when placed by the header
    reason: str = ""  # why the row's blank values were not read ("columns", "damaged"): TableValues.unread
    hints: list[tuple] = field(default_factory=list)  # readings a damaged run may have had: they only constrain other rows
    from_text: bool = False  # cut from a digit run of running text (no second reading of its cells)
    by_position: bool = False  # a grid row read left to right, no header label naming its columns
    # Read left to right although the header named its columns (some cells under none of them) and the reading
    # held its 总计 (``left_to_right``), or failed it (``unconfirmed``: kept only if such a row confirms the order).
    left_to_right: bool = False
    unconfirmed: bool = False


def read_row(row: TableRow, spec: Spec) -> RowRead:
    """The candidate readings of one template row from one document row (several when a digit run splits several ways)."""
    n = len(spec.columns)
    money = [c.money for c in spec.columns]
    cells = row.values
    if any(c.run and c.damaged for c in cells):
        # A stray character inside a digit run: where its cells begin cannot be told.
        hints = damaged_hints([c.raw for c in cells if not c.empty], n) if spec.columns == schema.APPLICANTS else []
        return RowRead(spec, row, [(None,) * n], reason="damaged", hints=hints, from_text=True)
    if any(c.run for c in cells):
        pieces = run_pieces(cells)
        cands: list[tuple] = []
        if spec.columns == schema.APPLICANTS:
            # The row's own total prunes the search (and reaches long runs).
            cands = split_summed_groups(pieces, [6])
        if not cands:
            cands = split_pieces(pieces, n, money)
        return RowRead(spec, row, cands, ambiguous=len(cands) != 1, from_text=True)
    mapped = _read_by_header(row, spec)
    positional = _read_by_position(row, spec)
    if mapped is None:
        positional.by_position = True  # no label named its columns: the table's totals must confirm them
        return positional
    return _verified(mapped, positional)


def confirm_positions(reads: dict[str, RowRead]) -> None:
    """Table 三's grid rows read by position alone, accepted only when the row totals confirm the order.

    When no complete, non-zero row adds up in template order but each does with
    总计 written first, that order is taken; when neither holds for two or more
    such rows, the columns could not be told apart and none of those rows is read.
    A row whose header left cells under no column and whose left-to-right reading
    fails its 总计 (``unconfirmed``) is the report's own arithmetic when another row
    of the table, read left to right, is complete, not all zero and adds up: the
    order is the template's, and the checks say the row does not add up. Without
    such a row its columns could not be told apart, and it is not read.
    """
    _confirm_unplaced(reads)
    pos = {k: r for k, r in reads.items() if r.by_position and len(r.candidates) == 1}
    full = [r.candidates[0] for r in pos.values() if None not in r.candidates[0] and any(r.candidates[0])]
    if len(full) < 2 or any(sums_ok(c[:6], c[6]) for c in full):
        return
    if all(sums_ok(c[1:7], c[0]) for c in full):
        for r in pos.values():
            c = r.candidates[0]
            r.candidates = [tuple(c[1:]) + (c[0],)]
            raws = r.raws or raw_cells(r.row, 7)
            r.raws = raws[1:] + raws[:1]
            readings = r.readings or cell_readings(r.row, 7)
            r.readings = readings[1:] + readings[:1]
            r.markers = {(i - 1) % 7: m for i, m in r.markers.items()}
        return
    for r in pos.values():
        _unread_columns(r)


def _unread_columns(r: RowRead) -> None:
    """The row not read: its columns could not be told apart (``tables.ambiguous_cell`` says so)."""
    n = len(r.spec.columns)
    r.candidates, r.raws, r.reason, r.markers = [(None,) * n], [None] * n, "columns", {}


def _confirm_unplaced(reads: dict[str, RowRead]) -> None:
    confirmed = any(
        (r.left_to_right or r.by_position) and not r.unconfirmed and len(r.candidates) == 1
        and None not in (c := r.candidates[0]) and any(c) and sums_ok(c[:6], c[6])
        for r in reads.values()
    )
    for r in reads.values():
        if r.unconfirmed:
            r.unconfirmed = False
            if not confirmed:
                _unread_columns(r)


MAX_HINTS = 5000  # readings of a damaged run beyond which it constrains nothing


def damaged_hints(raws: list[str], n: int) -> list[tuple]:
    """What a table-三 row's damaged run may have read (each reading adding up to its 总计): never its value.

    A stray character was either put in (the run without it) or took a digit's
    place (each digit there); a run of more than two strays gives no hint. The
    readings only narrow the *other* rows in the table-wide search; the damaged
    row itself stays unread.
    """
    run = "".join(norm_run(r).replace(" ", "") for r in raws)
    strays = [i for i, ch in enumerate(run) if not ch.isdigit()]
    if not strays or len(strays) > 2:
        return []
    variants = {"".join(ch for ch in run if ch.isdigit())}
    for digits in product("0123456789", repeat=len(strays)):
        chars = list(run)
        for i, d in zip(strays, digits):
            chars[i] = d
        variants.add("".join(chars))
    out: set[tuple] = set()
    for v in sorted(variants):
        out.update(split_summed_groups([v], [n - 1]))
        if len(out) > MAX_HINTS or out_of_time():
            return []
    return sorted(out)


def _verified(mapped: RowRead, positional: RowRead) -> RowRead:
    """The header's reading, checked by the row's own 总计 (tables with one); never position alone.

    The labels win when every value stands under a named column and the row's
    total holds or cannot be checked (a column left out). A clean label reading
    whose total fails gives way only to a position reading whose total holds
    (values shifted against the header); otherwise it stands (the report's own
    error, for the checks to say). When values stand under no named column, the
    position reading is taken unless its total contradicts it; if it does, the
    table's other rows decide (:func:`confirm_positions`).
    """
    if mapped.spec.columns != schema.APPLICANTS:
        return mapped if not mapped.unplaced else positional
    clean = not mapped.unplaced
    if clean and _total_holds(mapped.candidates[0]) is not False:
        return mapped
    if clean:
        return mapped if _total_holds(positional.candidates[0]) is not True else positional
    if not positional.unplaced:
        # the table's other rows decide (confirm_positions) when the total fails
        positional.left_to_right = True
        positional.unconfirmed = _total_holds(positional.candidates[0]) is False
        return positional
    n = len(mapped.spec.columns)
    return RowRead(mapped.spec, mapped.row, [(None,) * n], raws=[None] * n, reason="columns")


def _total_holds(values: tuple) -> bool | None:
    """Whether the six applicant columns add up to 总计; None when that cannot be told (False when
    the known ones already exceed it)."""
    parts, total = values[:6], values[6]
    if total is None:
        return None
    known = [v for v in parts if v is not None]
    if len(known) < len(parts):
        return False if sum(known) > total else None
    return sums_ok(parts, total)


def _read_by_position(row: TableRow, spec: Spec) -> RowRead:
    """A grid row read left to right in template column order."""
    n = len(spec.columns)
    money = [c.money for c in spec.columns]
    cells = row.values
    header = row.header
    if header:
        cells = _merge_by_header(cells, header)
    if len(row.cells) < n and len(cells) > 1 and not any(c.empty for c in row.cells):
        # A grid narrower than the template (markdown "| 规章 | 22 | 235 |"): the
        # cell next to the label is the first column; where the others belong
        # cannot be told, so they are not read.
        first = fit_grid(cells[:1], n)
        read = _values_of(first, money)
        return RowRead(spec, row, [tuple(read[0])], markers=read[1], unplaced=[c.raw for c in cells[1:]])
    values, markers = _values_of(fit_grid(cells, n), money)
    return RowRead(spec, row, [tuple(values)], markers=markers)


def _read_by_header(row: TableRow, spec: Spec) -> RowRead | None:
    """A grid row read by the labels of its table's header rows (:mod:`analyzer.tables.columns`), when they name its columns."""
    if not row.grid or not row.header_rows:
        return None
    n = len(spec.columns)
    width = max(len(h) for h in row.header_rows)
    mapping = columns.map_columns(row.header_rows, width, spec.columns)
    placed = columns.place_cells(row.cells, mapping, n, columns.numbering_columns(row.header_rows, width)) if mapping else None
    if placed is None:
        return None
    cells, unplaced = placed
    values, markers = _values_of(cells, [c.money for c in spec.columns])
    raws = [c.raw if c is not None and not c.empty else None for c in cells]
    readings = [c.reading if c is not None else None for c in cells]
    return RowRead(spec, row, [tuple(values)], markers=markers, unplaced=unplaced, raws=raws, readings=readings)


def _values_of(cells: list[Cell | None], money: list[bool]) -> tuple[list, dict[int, str]]:
    values: list = []
    markers: dict[int, str] = {}
    for i, cell in enumerate(cells):
        if cell is None or cell.empty:
            values.append(None)
            continue
        v, kind = parse_cell(cell.raw, money=money[i])
        if kind in ("marker", "approximate", "text"):
            markers[i] = cell.raw
        values.append(v)
    return values, markers


def _merge_by_header(cells: list[Cell], header: tuple[str, ...]) -> list[Cell]:
    """One value per merged header cell: HTML/PDF grids repeat a colspan cell
    ("本年新公开数量" over two columns) and its value in every column it covers."""
    out: list[Cell] = []
    for c in cells:
        if out and c.col is not None and out[-1].col is not None and c.col > 0:
            prev = out[-1]
            head = norm_label(header[c.col])
            same_head = bool(head) and head == norm_label(header[prev.col]) and c.col == prev.col + 1
            if same_head and c.raw.strip() == prev.raw.strip():
                out[-1] = Cell(c.raw, c.run, c.empty, c.marker, c.col)
                continue
        out.append(c)
    return out


def run_pieces(cells: list[Cell]) -> list[str]:
    """The whitespace-separated pieces of a row's digit runs, as they are split."""
    return [p for c in cells if not c.empty and not c.marker for p in norm_run(c.raw).split()]


def norm_run(raw: str) -> str:
    """A digit run ready to split at its spaces (NFKC also turns U+3000 into a space)."""
    return drop_thousands_separators(nfkc(raw))


def fit_grid(cells: list[Cell], n: int) -> list[Cell | None]:
    """Grid cells to the template's n columns.

    Merged cells repeated by the reader collapse ("447228 447228 447228" for one
    column); extra leading empties of a shifted row are dropped (seed 001's
    结转 row); a short row is read left to right and its end stays missing.
    """
    cells = list(cells)
    while len(cells) > n and cells[0].empty:
        cells.pop(0)
    if len(cells) > n:
        collapsed: list[Cell] = []
        for c in cells:
            if collapsed and not c.empty and collapsed[-1].raw.strip() == c.raw.strip():
                continue
            collapsed.append(c)
        while collapsed and collapsed[-1].empty:
            collapsed.pop()
        if len(collapsed) == n and not any(c.empty for c in collapsed):
            cells = collapsed
    if len(cells) > n:
        cells = cells[:n]
    return cells + [None] * (n - len(cells))  # type: ignore[operator]


def raw_cells(row: TableRow, n: int) -> list[str | None]:
    if any(c.run for c in row.values):
        run = " ".join(c.raw for c in row.values)
        return [run] * n
    fitted = fit_grid(row.values, n)
    return [c.raw if c is not None and not c.empty else None for c in fitted]


def cell_readings(row: TableRow, n: int) -> list[CellReading | None]:
    """How OCR read the cells ``raw_cells`` gives (all None for a table read from text)."""
    if any(c.run for c in row.values):
        return [None] * n
    return [c.reading if c is not None else None for c in fit_grid(row.values, n)]
