"""What the analyzer could verify in a report's tables, and what it could not.

The accuracy part of the score and the 经核验 sentences of a review comment
rest on this, never on the absence of findings alone.

A cell of the template is, for the analyzer, one of:

- **read**: one number;
- **in doubt**: the report shows something there that was not read as one
  number (a digit run that splits several ways, words or a sign such as
  “—”, numbers that could not be placed on a template row, a table located
  but not read), or a number OCR read in doubt (``TableValues.doubtful``);
  a person with the original can settle it (待核实);
- **absent**: the report shows nothing (a blank cell, a missing row or
  table); the completeness part charges it.

A relation of the template (勾稽关系, tables 三 and 四) *holds* when every
cell it needs was read, none in doubt, and the numbers agree, is *broken* when
they were read and disagree, and is *unverified* when a cell it needs was not
read, or agrees only through a number OCR read in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from analyzer.model import Number, ReportResult, TableValues
from analyzer.scoring.base import TEMPLATE_CELLS
from analyzer.tables import schema

T_APP, T_REVIEW = "applications", "review_litigation"
OTHER_SPLIT = ("other_no_correction", "other_fee_unpaid", "other_other")
State = Literal["holds", "broken", "unverified"]
# The rules that check the template's relations, in the order a comment names them.
RELATION_RULES = ("applications.balance", "applications.results_sum", "applications.row_total", "review_litigation.group_total")

# Why a cell is in doubt, as a supervisor reads it.
DOUBT_CAUSES = {
    "ambiguous": "数字连写、无法唯一拆分",
    "text": "填写为文字或符号",
    "damaged": "数字夹有非数字字符",
    "unplaced": "数字未能对应到模板行次",
    "unread": "表格未能读取",
    "ocr": "图像识别存疑",
}


@dataclass(frozen=True)
class Relation:
    """One relation of the template: its rule, where it runs (a column, a row, a group) and its state."""

    rule: str  # the rule that checks it: applications.balance, …
    table: str
    key: str  # the column (balance, results_sum), row (row_total) or group (group_total)
    state: State
    by_sums: bool = False  # a cell of it was read because the table's sums chose its run's reading


def _doubtful_tables(result: ReportResult) -> tuple[set[str], set[str], set[str]]:
    """Tables located but not read, rows ("table.row") left out and blank cells ("table.row.col") shown,
    while numbers could not be placed: the uncertain findings of what a table leaves out."""
    tables, rows, cells = set(), set(), set()
    for f in result.findings:
        if f.status != "uncertain":
            continue
        if f.rule == "tables.missing_table":
            tables.add(f.data.get("table", ""))
        elif f.rule == "tables.missing_row":
            rows.update(f"{f.data.get('table', '')}.{r}" for r in f.data.get("rows", ()))
        elif f.rule == "tables.missing_cell":
            cells.update(f.data.get("cells", ()))
    return tables, rows, cells


def doubtful_cells(result: ReportResult, template: str | None) -> dict[str, str]:
    """Cell key → cause (a key of ``DOUBT_CAUSES``) for every template cell in doubt."""
    tv = result.tables
    unread, unplaced, blank = _doubtful_tables(result)
    out: dict[str, str] = {}
    cells = TEMPLATE_CELLS["2019" if template == "2019" else "2021"]
    for table, row, col in ((t, r, c) for t, rows in cells.items() for r, cols in rows.items() for c in cols):
        key = f"{table}.{row}.{col}"
        if table in unread:
            out[key] = "unread"
        elif tv is not None and key in tv.doubtful:
            out[key] = "ocr"
        elif tv is None or tv.get(table, row, col) is not None:
            continue
        elif key in tv.ambiguous:
            out[key] = "ambiguous"
        elif key in tv.remarks:
            out[key] = "damaged" if tv.unread.get(key) == "damaged" else "text"
        elif f"{table}.{row}" in unplaced or key in blank:
            out[key] = "unplaced"
    return out


def _state(parts: list[Number], total: Number, doubted: bool = False) -> State:
    """``doubted``: a cell of it was read by OCR in doubt; agreeing numbers then verify nothing."""
    if total is None or any(v is None for v in parts):
        return "unverified"
    if sum(parts) != total:  # type: ignore[arg-type]
        return "broken"
    return "unverified" if doubted else "holds"


def _results(t: TableValues, col: str) -> list[Number]:
    """The result rows of one column; a 2021 report's single （六） row stands for its three sub-rows."""
    keys = list(schema.result_rows(t.template))
    aux = t.aux_rows.get(f"{T_APP}.other_processing")
    if aux is not None and t.template != "2019" and all(t.get(T_APP, k, col) is None for k in OTHER_SPLIT):
        i = [c.key for c in schema.APPLICANTS].index(col)
        return [t.get(T_APP, k, col) for k in keys if k not in OTHER_SPLIT] + [aux[i] if i < len(aux) else None]
    return [t.get(T_APP, k, col) for k in keys]


def relations(t: TableValues | None) -> list[Relation]:
    """Every relation of the template's tables 三 and 四, in the order of the rules, with its state."""
    if t is None:
        return []

    def doubted(table: str, rows: list[str], cols: list[str]) -> bool:
        return any(f"{table}.{r}.{c}" in t.doubtful for r in rows for c in cols)

    def chosen(table: str, rows: list[str], cols: list[str]) -> bool:
        return any(f"{table}.{r}.{c}" in t.by_sums for r in rows for c in cols)

    out = []
    for col in schema.APPLICANTS:
        nr, co, rt, cf = (t.get(T_APP, r, col.key) for r in ("new_received", "carried_over", "results_total", "carried_forward"))
        left = None if nr is None or co is None else nr + co
        rows = ["new_received", "carried_over", "results_total", "carried_forward"]
        out.append(Relation("applications.balance", T_APP, col.key, _state([rt, cf], left, doubted(T_APP, rows, [col.key])),
                            chosen(T_APP, rows, [col.key])))
    result_rows = [*schema.result_rows(t.template), "results_total"]
    for col in schema.APPLICANTS:
        out.append(Relation("applications.results_sum", T_APP, col.key,
                            _state(_results(t, col.key), t.get(T_APP, "results_total", col.key),
                                   doubted(T_APP, result_rows, [col.key])), chosen(T_APP, result_rows, [col.key])))
    for row in schema.rows_of(T_APP, t.template):
        parts = [t.get(T_APP, row.key, c) for c in schema.APPLICANT_PARTS]
        cols = [*schema.APPLICANT_PARTS, "total"]
        out.append(Relation("applications.row_total", T_APP, row.key,
                            _state(parts, t.get(T_APP, row.key, "total"), doubted(T_APP, [row.key], cols)),
                            chosen(T_APP, [row.key], cols)))
    for grp in schema.REVIEW_GROUPS:
        parts = [t.get(T_REVIEW, grp.key, c) for c in schema.OUTCOME_PARTS]
        cols = [*schema.OUTCOME_PARTS, "total"]
        out.append(Relation("review_litigation.group_total", T_REVIEW, grp.key,
                            _state(parts, t.get(T_REVIEW, grp.key, "total"), doubted(T_REVIEW, [grp.key], cols)),
                            chosen(T_REVIEW, [grp.key], cols)))
    return out


def verified_rules(result: ReportResult) -> list[str]:
    """The relation rules (in ``RELATION_RULES`` order) whose every relation holds, with no finding raised, even a
    doubtful one, and none through a cell the sums themselves chose (``TableValues.by_sums``): a flattened run cut so
    that the totals add up was said 经核验未见勾稽关系错误 because they did."""
    rels = relations(result.tables)
    raised = {f.rule for f in result.findings}
    out = []
    for name in RELATION_RULES:
        mine = [r for r in rels if r.rule == name]
        if mine and name not in raised and all(r.state == "holds" and not r.by_sums for r in mine):
            out.append(name)
    return out
