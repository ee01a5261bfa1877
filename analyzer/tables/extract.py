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

import logging
import re
from dataclasses import dataclass, field

from analyzer.model import CellReading, CellSource, Document, ReportMeta, Section, TableValues
from analyzer.tables import columns, schema
from analyzer.tables.assign import assign_active, assign_rows
from analyzer.tables.match import match_label, norm_label, template_by_rows
from analyzer.tables.numbers import is_damaged, parse_cell
from analyzer.tables.rowread import (RowRead, cell_readings, confirm_positions, fit_grid, norm_run, raw_cells, read_row,
                                     run_pieces)
from analyzer.tables.solve import Problem, applications_sums, solve
from analyzer.tables.splits import agreed, several_ways, split_pieces, summed_groups, sums_ok, time_budget
from analyzer.tables.textread import Cell, TableRow, build_rows, document_lines


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
    unread: dict[str, str] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    reader_doubts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    doubtful: set[str] = field(default_factory=set)
    by_sums: set[str] = field(default_factory=set)

    def note_doubts(self, table: str, rows, doc: Document) -> None:
        """What the reader could not place for sure in the table blocks ``rows`` were read from (Block.doubts)."""
        blocks = sorted({r.block for r in rows if r.block is not None})
        found = tuple(dict.fromkeys(d for i in blocks for d in doc.blocks[i].doubts))
        if found:
            self.reader_doubts[table] = found

    def mark_ambiguous(self, key: str, raw: str) -> None:
        """A cell left None because its digit run splits several ways: the run is its remark."""
        self.remarks[key] = raw
        self.ambiguous.add(key)

    def tables(self) -> TableValues:
        return TableValues(
            template=self.template, values=self.values, sources=self.sources, found=self.found,
            remarks=self.remarks, ambiguous=frozenset(self.ambiguous), rows_found=frozenset(self.rows_found),
            aux_rows=self.aux_rows, unplaced_rows=self.unplaced_rows, unread=self.unread, broken=frozenset(self.broken),
            reader_doubts=self.reader_doubts,
            doubtful=frozenset(self.doubtful), by_sums=frozenset(self.by_sums),
        )

    def put(self, table: str, read: RowRead, chosen: list) -> None:
        spec = read.spec
        row = read.row
        raws = read.raws if read.raws is not None else raw_cells(row, len(spec.columns))
        readings = read.readings if read.readings is not None else cell_readings(row, len(spec.columns))
        for i, col in enumerate(spec.columns):
            key = f"{table}.{spec.key}.{col.key}"
            v = chosen[i] if i < len(chosen) else None
            if table not in self.values or spec.key not in self.values[table]:
                continue
            if readings[i] is not None and readings[i].doubtful:
                self.doubtful.add(key)
            if i in read.markers:
                self.remarks[key] = read.markers[i]
                if is_damaged(read.markers[i]):
                    self.unread[key] = "damaged"
            if v is None and read.reason:
                self.remarks[key] = " ".join(c.raw for c in row.values if not c.empty)
                self.unread[key] = read.reason
                continue
            if v is None:
                if read.unplaced and (i > 0 or read.raws is not None) and key not in self.remarks:
                    self.mark_ambiguous(key, " ".join(c.raw for c in row.values))
                    continue
                if read.ambiguous and any(c.run for c in row.values) and key not in self.remarks:
                    self.mark_ambiguous(key, " ".join(c.raw for c in row.values if not c.empty))
                continue
            self.values[table][spec.key][col.key] = v
            self.sources[key] = CellSource(
                raw=raws[i] if raws[i] is not None else str(v),
                row_label=row.label or row.hint or "（无行标签，按顺序定位）",
                col_label=col.label,
                page=row.page,
                line=row.line,
                method="grid" if row.grid else "text",
            ).read_by(readings[i])


log = logging.getLogger(__name__)

TABLE_SECONDS = 0.8  # tables 二 and 三: splitting their runs and the table-wide search together
REVIEW_SECONDS = 0.2  # table 四's fifteen numbers


def extract_tables(doc: Document, sections: dict[str, Section], meta: ReportMeta) -> TableValues:
    """The three standard tables of one report; a cell the report does not show is None."""
    rows = build_rows(document_lines(doc))
    template = meta.template or schema.detect_template(doc.text) or template_by_rows(rows)
    b = Builder(template, schema.empty_values(template))
    # Digit runs of a pathological text are left unread past these bounds, never guessed.
    with time_budget(TABLE_SECONDS):
        _isolated("active_disclosure", b, lambda: _extract_active(rows, b, doc))
        app_end = _isolated("applications", b, lambda: _extract_applications(rows, b, doc)) or 0
    with time_budget(REVIEW_SECONDS):
        _isolated("review_litigation", b, lambda: _extract_review(rows, b, app_end, doc))
    return b.tables()


def _isolated(table: str, b: Builder, extract):
    """One table's extraction; an unexpected error there keeps the other tables (issue 9 #4).

    The table's cells stay None and it counts as found, so tables.missing_table says
    it could not be read (uncertain), never that the report left it out.
    """
    try:
        return extract()
    except Exception:  # noqa: BLE001 - a defect in one table must not lose the report
        log.exception("table %s could not be read", table)
        b.values[table] = schema.empty_values(b.template)[table]
        for key in [k for k in (*b.sources, *b.remarks, *b.unread) if k.startswith(table + ".")]:
            b.sources.pop(key, None), b.remarks.pop(key, None), b.unread.pop(key, None)
        for kept in (b.ambiguous, b.broken, b.rows_found):
            kept -= {k for k in kept if k.startswith(table + ".")}
        b.found[table] = True
        return None


def _extract_active(rows: list[TableRow], b: Builder, doc: Document) -> None:
    specs = schema.rows_of("active_disclosure", b.template)
    taken = assign_active(rows, specs)
    b.found["active_disclosure"] = bool(taken)
    _unplaced_active(rows, taken, specs, b)
    b.note_doubts("active_disclosure", taken.values(), doc)
    for key, r in taken.items():
        b.rows_found.add(f"active_disclosure.{key}")
        spec = next(s for s in specs if s.key == key)
        read = read_row(r, spec)
        b.put("active_disclosure", read, agreed(read.candidates, len(spec.columns)))


def _unplaced_active(rows: list[TableRow], taken: dict[str, TableRow], specs, b: Builder) -> None:
    """Rows of numbers among table 二's rows whose words name no row of it (nor of table 三): a label the
    reader ran into a heading ("行政强制第二十条第（八）项"), so a row reported missing may be one of them."""
    if len(taken) < 2:
        return
    placed = {id(r) for r in taken.values()}
    first, last = min(r.order for r in taken.values()), max(r.order for r in taken.values())
    others = schema.rows_of("applications", b.template)
    left = [r for r in rows[first + 1:last] if id(r) not in placed and r.has_numbers
            and match_label(r.labels, specs, running_text=not r.grid) is None
            and match_label(r.labels, others, running_text=not r.grid) is None]
    if left:
        b.unplaced_rows["active_disclosure"] = tuple(" ".join(c.raw for c in r.values) for r in left)


def _extract_applications(rows: list[TableRow], b: Builder, doc: Document) -> int:
    """Fill table 三; returns the position after its last row (where table 四 may start)."""
    specs = schema.rows_of("applications", b.template)
    extra = () if b.template == "2019" else (schema.OTHER_PROCESSING,)
    unplaced: list[TableRow] = []
    taken = assign_rows(rows, specs, extra, unplaced, before=schema.rows_of("active_disclosure", b.template))
    b.found["applications"] = any(k in {s.key for s in specs} for k in taken)
    if unplaced:
        # Read by the checks: a row reported missing may be one of these.
        b.unplaced_rows["applications"] = tuple(" ".join(c.raw for c in r.values) for r in unplaced)
    b.note_doubts("applications", list(taken.values()) + unplaced, doc)
    if not taken:
        return 0
    reads: dict[str, RowRead] = {}
    for key, r in taken.items():
        b.rows_found.add(f"applications.{key}")
        spec = schema.find_row("applications", b.template, key)
        if spec is not None:
            reads[key] = read_row(r, spec)
    confirm_positions(reads)
    _solve_applications(reads, b)
    for key, read in reads.items():
        if key in b.values["applications"]:
            b.put("applications", read, agreed(read.candidates, 7))
        else:
            # Outside the template: kept for the checks and the record, not as a cell.
            vals = agreed(read.candidates, 7)
            if any(v is not None for v in vals):
                b.aux_rows[f"applications.{key}"] = tuple(vals)
    return max(r.order for r in taken.values()) + 1


def _solve_applications(reads: dict[str, RowRead], b: Builder) -> None:
    """Every row's readings narrowed at once by the row totals, 三（七） and 一+二=三（七）+四 (:mod:`analyzer.tables.solve`)."""
    domains: dict[str, list[tuple]] = {}
    for key, read in reads.items():
        if read.reason == "damaged":
            domains[key] = read.hints or [(None,) * 7]
            continue
        # A row's own total keeps only the readings that add up; when none does, every reading breaks it.
        fitting = [c for c in read.candidates if sums_ok(c[:6], c[6])]
        if fitting:
            domains[key] = fitting
        elif read.candidates:
            domains[key] = read.candidates
            if read.from_text:
                b.broken.add(f"applications.row_total.{key}")
    problem = Problem(domains, applications_sums(b.template, set(reads)),
                      hints={k for k, r in reads.items() if r.reason == "damaged"},
                      text_rows={k for k, r in reads.items() if r.from_text})
    solution = solve(problem)
    b.broken |= solution.broken
    money = [c.money for c in schema.APPLICANTS]
    for key, read in reads.items():
        if read.reason != "damaged" and read.candidates:
            read.candidates = solution.domains[key]
            read.ambiguous = len(read.candidates) != 1
            if read.from_text and len(read.candidates) == 1 and several_ways(run_pieces(read.row.values), 7, money):
                b.by_sums |= {f"applications.{key}.{c.key}" for c, v in zip(schema.APPLICANTS, read.candidates[0])
                              if v is not None}


_REVIEW_HEAD = re.compile(r"行政复议.*行政诉讼|行政诉讼.*行政复议")
_REVIEW_WORDS = re.compile(r"行政复议|行政诉讼|维持|纠正|审结|总计|起诉|其他结果|结果")


def _extract_review(rows: list[TableRow], b: Builder, start: int, doc: Document) -> None:
    """Table 四: fifteen numbers in template order after its header (one row, or three tables)."""
    picked = _review_rows(rows, start)
    b.found["review_litigation"] = bool(picked)
    b.note_doubts("review_litigation", picked, doc)
    if not picked:
        # Numbers without words after table 三 may be table 四 cut from its titles: a table reported
        # missing may then be our misreading.
        bare = [r for r in rows[start:] if not r.label and _digits(r) >= 5]
        if bare:
            b.unplaced_rows["review_litigation"] = tuple(" ".join(c.raw for c in r.values) for r in bare)
        return
    cells = [c for r in picked for c in r.values]
    raw_all = " ".join(c.raw for c in cells if not c.empty)
    chosen, raws, ambiguous = _review_numbers(picked, cells, raw_all, b.broken)
    # a run of fifteen that the group totals cut (one reading of several): its cells are read by the sums
    by_sums = (not ambiguous and any(c.run for c in cells) and not any(c.run and c.damaged for c in cells)
               and several_ways(run_pieces(cells), 15, [False] * 15))
    readings = [None] * 15 if any(c.run for c in cells) else [
        c.reading if c is not None else None for c in _review_by_header(picked, cells) or fit_grid(cells, 15)
    ]
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
                if is_damaged(raws[i]):
                    b.unread[key] = "damaged"
            if v is None:
                if ambiguous:
                    b.mark_ambiguous(key, raw_all)
                continue
            b.values["review_litigation"][group.key][col.key] = v
            if by_sums:
                b.by_sums.add(key)
            b.sources[key] = CellSource(
                raw=raws[i] or str(v), row_label=group.label, col_label=col.label,
                page=first.page, line=first.line, method="grid" if first.grid else "text",
            ).read_by(readings[i])


def _digits(r: TableRow) -> int:
    return sum(len(re.sub(r"\D", "", c.raw)) for c in r.values if not c.empty and not c.marker)


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
            # A row without words opens table 四 only right after table 三 was read, or under a header of
            # 四's own (行政复议 · 行政诉讼 above its columns: found so when 三 is missing or a picture).
            headed = r.grid and not label and any(_REVIEW_HEAD.search("".join(h)) for h in r.header_rows)
            wide = r.grid and (start > 0 or headed) and len(r.values) >= 10  # fifteen numbers in a row: table 四
            if not (_REVIEW_WORDS.search(label) or _REVIEW_WORDS.search(hint) or (not label and r.grid and start > 0)
                    or wide or headed):
                continue
            if label and not _REVIEW_WORDS.search(label) and not wide:
                continue
        picked.append(r)
        if sum(len(x.values) for x in picked) >= 15 and not any(c.run for x in picked for c in x.values):
            break
    return picked


def _review_by_header(rows: list[TableRow], cells: list[Cell]) -> list[Cell | None] | None:
    """Table 四's cells on its fifteen positions by the group and outcome labels above them; None without such labels."""
    heads = rows[0].header_rows if len(rows) == 1 and rows[0].grid else ()
    if not heads:
        return None
    mapping = columns.map_review(heads, max(len(h) for h in heads))
    placed = columns.place_cells(rows[0].cells, mapping, 15) if mapping else None
    if placed is None or placed[1]:
        return None
    return placed[0]


def _review_numbers(rows: list[TableRow], cells: list[Cell], raw_all: str, broken: set[str]) -> tuple[list, list[str | None], bool]:
    """The fifteen values (None where unread), the raw text behind each, and whether a digit run was ambiguous;
    ``broken`` gains the groups whose total every split of a run breaks."""
    if any(c.run and c.damaged for c in cells):
        return [None] * 15, [raw_all] * 15, False  # a stray character inside the run: not split
    if any(c.run for c in cells):
        pieces = [p for c in cells if not c.empty for p in norm_run(c.raw).split()]
        cands, complete = summed_groups(pieces, [4, 4, 4])
        if not cands:
            # The report's own totals do not add up: read what the digits alone determine,
            # and say which group no reading can make add up.
            cands = split_pieces(pieces, 15, [False] * 15)
            if complete and cands:
                broken |= {f"review_litigation.group_total.{g.key}" for gi, g in enumerate(schema.REVIEW_GROUPS)
                           if not any(sums_ok(c[gi * 5:gi * 5 + 4], c[gi * 5 + 4]) for c in cands)}
        return agreed(cands, 15), [raw_all] * 15, len(cands) != 1
    chosen: list = []
    raws: list[str | None] = []
    for c in _review_by_header(rows, cells) or fit_grid(cells, 15):
        empty = c is None or c.empty
        chosen.append(None if empty else parse_cell(c.raw)[0])
        raws.append(None if empty else c.raw)
    return chosen, raws, False
