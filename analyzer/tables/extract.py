"""The three standard tables of a Document, in the canonical keys of tables.md.

The document's row stream (:mod:`analyzer.tables.textread`) is put on the
template's rows by their labels (:mod:`analyzer.tables.match`,
:mod:`analyzer.tables.assign`). Numbers are read in template column order;
digit runs of flattened text are split under the table's own arithmetic
(:mod:`analyzer.tables.splits`).

Every value keeps its provenance (``TableValues.sources``); what could not
be read is ``None``, what the cell showed instead is kept in
``TableValues.remarks`` (and ``ambiguous`` says when it was a digit run that
splits several ways).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.ingest.normalize import drop_thousands_separators, nfkc
from analyzer.model import CellReading, CellSource, Document, ReportMeta, Section, TableValues
from analyzer.tables import schema
from analyzer.tables.assign import assign_active, assign_rows
from analyzer.tables.match import norm_label, template_by_rows
from analyzer.tables.numbers import parse_cell
from analyzer.tables.schema import Row as Spec
from analyzer.tables.splits import agreed, choose_consistent, split_pieces, split_summed_groups, sums_ok
from analyzer.tables.textread import Cell, TableRow, build_rows, document_lines


# ---------------------------------------------------------------- reading values


@dataclass
class RowRead:
    """The candidate readings of one template row from one document row."""

    spec: Spec
    row: TableRow
    candidates: list[tuple]  # complete readings (values or None)
    ambiguous: bool = False
    markers: dict[int, str] = field(default_factory=dict)  # column index -> "无"/"—"
    unplaced: list[str] = field(default_factory=list)  # cells of a narrow grid whose column is unknown


def read_row(row: TableRow, spec: Spec) -> RowRead:
    """The candidate readings of one template row from one document row (several when a digit run splits several ways)."""
    n = len(spec.columns)
    money = [c.money for c in spec.columns]
    cells = row.values
    if any(c.run for c in cells):
        pieces: list[str] = []
        for c in cells:
            if not c.empty and not c.marker:
                pieces.extend(_norm_run(c.raw).split())
        cands: list[tuple] = []
        if spec.columns == schema.APPLICANTS:
            # The row's own total prunes the search (and reaches long runs).
            cands = split_summed_groups(pieces, [6])
        if not cands:
            cands = split_pieces(pieces, n, money)
        return RowRead(spec, row, cands, ambiguous=len(cands) != 1)
    header = row.header
    if header:
        cells = _merge_by_header(cells, header)
    if len(row.cells) < n and len(cells) > 1 and not any(c.empty for c in row.cells):
        # A grid narrower than the template (markdown "| 规章 | 22 | 235 |"): the
        # cell next to the label is the first column; where the others belong
        # cannot be told, so they are not read.
        first = _fit_grid(cells[:1], n)
        read = _values_of(first, money)
        return RowRead(spec, row, [tuple(read[0])], markers=read[1], unplaced=[c.raw for c in cells[1:]])
    values, markers = _values_of(_fit_grid(cells, n), money)
    return RowRead(spec, row, [tuple(values)], markers=markers)


def _values_of(cells: list[Cell | None], money: list[bool]) -> tuple[list, dict[int, str]]:
    values: list = []
    markers: dict[int, str] = {}
    for i, cell in enumerate(cells):
        if cell is None or cell.empty:
            values.append(None)
            continue
        v, kind = parse_cell(cell.raw, money=money[i])
        if kind == "marker" or kind == "text":
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


def _norm_run(raw: str) -> str:
    """A digit run ready to split at its spaces (NFKC also turns U+3000 into a space)."""
    return drop_thousands_separators(nfkc(raw))


def _fit_grid(cells: list[Cell], n: int) -> list[Cell | None]:
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


# ---------------------------------------------------------------- the tables


@dataclass
class Builder:
    """The tables being filled: values, their provenance, and what cells showed instead of a number."""

    template: str | None
    values: dict = field(default_factory=dict)
    sources: dict[str, CellSource] = field(default_factory=dict)
    remarks: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    found: dict[str, bool] = field(default_factory=dict)
    rows_found: set[str] = field(default_factory=set)
    aux_rows: dict[str, tuple] = field(default_factory=dict)
    unplaced_rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    doubtful: set[str] = field(default_factory=set)

    def mark_ambiguous(self, key: str, raw: str) -> None:
        """A cell left None because its digit run splits several ways: the run is its remark."""
        self.remarks[key] = raw
        self.ambiguous.add(key)

    def tables(self) -> TableValues:
        return TableValues(
            template=self.template, values=self.values, sources=self.sources, found=self.found,
            remarks=self.remarks, ambiguous=frozenset(self.ambiguous), rows_found=frozenset(self.rows_found),
            aux_rows=self.aux_rows, unplaced_rows=self.unplaced_rows, doubtful=frozenset(self.doubtful),
        )

    def put(self, table: str, read: RowRead, chosen: list) -> None:
        spec = read.spec
        row = read.row
        raw_cells = _raw_cells(row, len(spec.columns))
        readings = _readings(row.values, len(spec.columns))
        for i, col in enumerate(spec.columns):
            key = f"{table}.{spec.key}.{col.key}"
            v = chosen[i] if i < len(chosen) else None
            if table not in self.values or spec.key not in self.values[table]:
                continue
            if readings[i] is not None and readings[i].doubtful:
                self.doubtful.add(key)
            if i in read.markers:
                self.remarks[key] = read.markers[i]
            if v is None:
                if read.unplaced and i > 0 and key not in self.remarks:
                    self.mark_ambiguous(key, " ".join(c.raw for c in row.values))
                    continue
                if read.ambiguous and any(c.run for c in row.values) and key not in self.remarks:
                    self.mark_ambiguous(key, " ".join(c.raw for c in row.values if not c.empty))
                continue
            self.values[table][spec.key][col.key] = v
            self.sources[key] = CellSource(
                raw=raw_cells[i] if raw_cells[i] is not None else str(v),
                row_label=row.label or row.hint or "（无行标签，按顺序定位）",
                col_label=col.label,
                page=row.page,
                line=row.line,
                method="grid" if row.grid else "text",
            ).read_by(readings[i])


def _readings(cells: list[Cell], n: int) -> list[CellReading | None]:
    """How OCR read the cells that give the template's n columns (all None for text)."""
    if any(c.run for c in cells):
        return [None] * n
    return [c.reading if c is not None else None for c in _fit_grid(cells, n)]


def _raw_cells(row: TableRow, n: int) -> list[str | None]:
    if any(c.run for c in row.values):
        run = " ".join(c.raw for c in row.values)
        return [run] * n
    fitted = _fit_grid(row.values, n)
    return [c.raw if c is not None and not c.empty else None for c in fitted]


def extract_tables(doc: Document, sections: dict[str, Section], meta: ReportMeta) -> TableValues:
    """The three standard tables of one report; a cell the report does not show is None."""
    rows = build_rows(document_lines(doc))
    template = meta.template or schema.detect_template(doc.text) or template_by_rows(rows)
    b = Builder(template, schema.empty_values(template))
    _extract_active(rows, b)
    app_end = _extract_applications(rows, b)
    _extract_review(rows, b, app_end)
    return b.tables()


def _extract_active(rows: list[TableRow], b: Builder) -> None:
    specs = schema.rows_of("active_disclosure", b.template)
    taken = assign_active(rows, specs)
    b.found["active_disclosure"] = bool(taken)
    for key, r in taken.items():
        b.rows_found.add(f"active_disclosure.{key}")
        spec = next(s for s in specs if s.key == key)
        read = read_row(r, spec)
        b.put("active_disclosure", read, agreed(read.candidates, len(spec.columns)))


def _extract_applications(rows: list[TableRow], b: Builder) -> int:
    """Fill table 三; returns the position after its last row (where table 四 may start)."""
    specs = schema.rows_of("applications", b.template)
    extra = () if b.template == "2019" else (schema.OTHER_PROCESSING,)
    unplaced: list[TableRow] = []
    taken = assign_rows(rows, specs, extra, unplaced)
    b.found["applications"] = any(k in {s.key for s in specs} for k in taken)
    if unplaced:
        # Read by the checks: a row reported missing may be one of these.
        b.unplaced_rows["applications"] = tuple(" ".join(c.raw for c in r.values) for r in unplaced)
    if not taken:
        return 0
    reads: dict[str, RowRead] = {}
    for key, r in taken.items():
        b.rows_found.add(f"applications.{key}")
        spec = schema.find_row("applications", b.template, key)
        if spec is None:
            continue
        read = read_row(r, spec)
        # A row's own total keeps only the readings that add up.
        fitting = [c for c in read.candidates if sums_ok(c[:6], c[6])]
        if read.ambiguous and fitting:
            read.candidates = fitting
            read.ambiguous = len(fitting) != 1
        reads[key] = read
    _resolve_columns(reads, b.template)
    for key, read in reads.items():
        if key in b.values["applications"]:
            b.put("applications", read, agreed(read.candidates, 7))
        else:
            # Outside the template: kept for the checks and the record, not as a cell.
            vals = agreed(read.candidates, 7)
            if any(v is not None for v in vals):
                b.aux_rows[f"applications.{key}"] = tuple(vals)
    return max(r.order for r in taken.values()) + 1


def _resolve_columns(reads: dict[str, RowRead], template: str | None) -> None:
    """Narrow ambiguous rows with the column sums and 一+二=三(七)+四, where a unique answer exists."""
    ambiguous = {k: r.candidates for k, r in reads.items() if r.ambiguous and len(r.candidates) > 1}
    if not ambiguous:
        return
    fixed = {k: r.candidates[0] for k, r in reads.items() if k not in ambiguous and r.candidates}
    results = [k for k in schema.result_rows(template) if k in reads or k == "other_processing"]

    def consistent(choice: dict) -> bool:
        get = {**fixed, **choice}
        for c in range(7):
            parts = [get[k][c] if k in get else None for k in results if k in get]
            total = get.get("results_total")
            if total is not None and len(parts) == len([k for k in results if k in reads]):
                if not sums_ok(parts, total[c]):
                    return False
            nr, co, rt, cf = (get.get(k) for k in ("new_received", "carried_over", "results_total", "carried_forward"))
            if all(x is not None for x in (nr, co, rt, cf)):
                if not sums_ok([nr[c], co[c]], rt[c] + cf[c] if rt[c] is not None and cf[c] is not None else None):
                    return False
        return True

    combos = choose_consistent(ambiguous, consistent)
    if not combos:
        return  # none or too many: each row keeps only what it determines alone
    for k in ambiguous:
        options = sorted({c[k] for c in combos})
        reads[k].candidates = options
        reads[k].ambiguous = len(options) != 1


_REVIEW_WORDS = re.compile(r"行政复议|行政诉讼|维持|纠正|审结|总计|起诉|其他结果|结果")


def _extract_review(rows: list[TableRow], b: Builder, start: int) -> None:
    """Table 四: fifteen numbers in template order after its header (one row, or three tables)."""
    picked = _review_rows(rows, start)
    b.found["review_litigation"] = bool(picked)
    if not picked:
        return
    cells = [c for r in picked for c in r.values]
    raw_all = " ".join(c.raw for c in cells if not c.empty)
    chosen, raws, ambiguous = _review_numbers(cells, raw_all)
    readings = _readings(cells, 15)
    first = picked[0]
    for gi, group in enumerate(schema.REVIEW_GROUPS):
        if gi * 5 < sum(len(r.cells) for r in picked):
            b.rows_found.add(f"review_litigation.{group.key}")
        for ci, col in enumerate(group.columns):
            i = gi * 5 + ci
            key = f"review_litigation.{group.key}.{col.key}"
            v = chosen[i]
            if readings[i] is not None and readings[i].doubtful:
                b.doubtful.add(key)
            if raws[i] is not None and v is None and not ambiguous:
                b.remarks[key] = raws[i]
            if v is None:
                if ambiguous:
                    b.mark_ambiguous(key, raw_all)
                continue
            b.values["review_litigation"][group.key][col.key] = v
            b.sources[key] = CellSource(
                raw=raws[i] or str(v), row_label=group.label, col_label=col.label,
                page=first.page, line=first.line, method="grid" if first.grid else "text",
            ).read_by(readings[i])


def _review_rows(rows: list[TableRow], start: int) -> list[TableRow]:
    """The rows of table 四: from its first header words (or, right after table 三, its first wordless grid row)."""
    picked: list[TableRow] = []
    for r in rows[start:]:
        label = norm_label(r.label)
        hint = norm_label(r.hint + r.context)
        if picked:
            if label and not _REVIEW_WORDS.search(label):
                break
        else:
            # A row without words opens table 四 only right after table 三 was read.
            wide = r.grid and start > 0 and len(r.values) >= 10  # fifteen numbers in a row: table 四
            if not (_REVIEW_WORDS.search(label) or _REVIEW_WORDS.search(hint) or (not label and r.grid and start > 0) or wide):
                continue
            if label and not _REVIEW_WORDS.search(label) and not wide:
                continue
        picked.append(r)
        if sum(len(x.values) for x in picked) >= 15 and not any(c.run for x in picked for c in x.values):
            break
    return picked


def _review_numbers(cells: list[Cell], raw_all: str) -> tuple[list, list[str | None], bool]:
    """The fifteen values (None where unread), the raw text behind each, and whether a digit run was ambiguous."""
    if any(c.run for c in cells):
        pieces = [p for c in cells if not c.empty for p in _norm_run(c.raw).split()]
        cands = split_summed_groups(pieces, [4, 4, 4])
        if not cands:
            # The report's own totals do not add up: read what the digits alone determine.
            cands = split_pieces(pieces, 15, [False] * 15)
        return agreed(cands, 15), [raw_all] * 15, len(cands) != 1
    chosen: list = []
    raws: list[str | None] = []
    for c in _fit_grid(cells, 15):
        empty = c is None or c.empty
        chosen.append(None if empty else parse_cell(c.raw)[0])
        raws.append(None if empty else c.raw)
    return chosen, raws, False
