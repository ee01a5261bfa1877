"""The checks a supervisor makes on the three tables, one function per rule.

Each check takes a :class:`Context` and returns findings with a message in
official Chinese that names the cells and the numbers. The checks are grouped
by family: :mod:`.arithmetic` (the template's sums), :mod:`.powers` (who may
make 规章), :mod:`.completeness` (missing tables, rows, cells), :mod:`.cells`
(non-numeric, ambiguous and impossible cells), :mod:`.readings` (sums every
reading of the digit runs breaks), :mod:`.template` (the right
template for the year), :mod:`.continuity` (across years, run level).
Numbers stated in the narrative are compared with the tables by
:mod:`analyzer.narrative.consistency`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from analyzer import rules
from analyzer.model import Document, Finding, ReportMeta, Section, TableValues
from analyzer.tables.checks.arithmetic import check_balance, check_group_total, check_results_sum, check_row_total
from analyzer.tables.checks.base import Context, reader_doubted
from analyzer.tables.checks.cells import check_ambiguous, check_impossible, check_non_numeric
from analyzer.tables.checks.completeness import check_missing_cell, check_missing_row, check_missing_table
from analyzer.tables.checks.continuity import check_continuity
from analyzer.tables.checks.powers import check_rules_without_power
from analyzer.tables.checks.readings import check_unrescuable
from analyzer.tables.checks.template import check_template
from analyzer.tables.publication import check_publication
from analyzer.tables.reread import held_in_doubt, verify_finding

__all__ = ["CHECKS", "Context", "check_continuity", "run_checks"]


def check_publication_date(ctx: Context) -> list[Finding]:
    """publication.late (《条例》第四十九条), from the date identify found."""
    return check_publication(ctx.meta, ctx.doc)


CHECKS: list[Callable[[Context], list[Finding]]] = [
    check_balance,
    check_results_sum,
    check_row_total,
    check_group_total,
    check_unrescuable,
    check_rules_without_power,
    check_missing_table,
    check_missing_row,
    check_missing_cell,
    check_non_numeric,
    check_ambiguous,
    check_impossible,
    check_template,
    check_publication_date,
]

def run_checks(tables: TableValues, meta: ReportMeta, sections: dict[str, Section], doc: Document | None,
               checks: list[Callable[[Context], list[Finding]]] | None = None) -> list[Finding]:
    """Every table check (or those given) on one report; findings of rules marked ``reread`` are read a second way."""
    ctx = Context(tables, meta, sections or {}, doc)
    findings: list[Finding] = []
    for check in CHECKS if checks is None else checks:
        findings.extend(_with_quote(f, tables) for f in check(ctx))
    findings = [
        verify_finding(f, tables, doc) if rules.rereads(f.rule) and not f.data.get("all_readings") else held_in_doubt(f, tables)
        for f in findings
    ]
    return [reader_doubted(f, tables) for f in findings]


def _with_quote(f: Finding, tables: TableValues) -> Finding:
    """The cells as written, for a finding about cells that has no sentence to quote."""
    if f.quote:
        return f
    cells = f.data.get("cells") or []
    parts = []
    for key in cells[:8]:
        src = tables.sources.get(key)
        if src is not None:
            parts.append(f"{src.col_label}：{src.raw}")
    if not parts:
        return f
    src0 = next(tables.sources[k] for k in cells if k in tables.sources)
    label = src0.row_label.split(" ")[-1]
    return replace(f, quote=f"{label}｜" + "；".join(parts))
