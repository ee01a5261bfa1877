"""What every part of the score shares: the template's cells, and findings turned into reasons.

A finding costs the points the configuration gives it. A finding the
analyzer marks ``uncertain`` (its own reading may be wrong) costs only the
configured share (``[uncertain] factor``); the rest of its points are *held*:
neither given nor lost, shown as 待核实 until a person checks the original.
"""

from __future__ import annotations

from dataclasses import replace

from analyzer import rules, sections
from analyzer.labels import PART_LABELS
from analyzer.model import Finding, Reason, ReportResult, ScorePart
from analyzer.scoring.config import PartConfig, ScoreConfig
from analyzer.tables import schema

TABLE_LABELS = {key: f"{sections.part_name(key)}表格" for key in schema.TABLE_TITLES}

# Canonical cells of the three tables per template, from the tables schema
# (shared/spec/tables.md); used to measure how much of each table a report shows.
TEMPLATE_CELLS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    template: {
        table: {row.key: tuple(c.key for c in row.columns) for row in schema.rows_of(table, template)}
        for table in schema.TABLES
    }
    for template in ("2021", "2019")
}

DOUBT_NOTE = "（识别存疑，分值待核实）"
PART_DOUBT_NOTE = "（识别存疑，部分分值待核实）"


def clean(message: str) -> str:
    """A message without its final punctuation, to be followed by a note."""
    return message.strip().rstrip("。；;，, ")


def doubt_split(base: float, uncertain: bool, cfg: ScoreConfig) -> tuple[float, float, str]:
    """(points lost, points held, note) for a deduction of ``base`` points, certain or not."""
    if not uncertain or base <= 0:
        return base, 0.0, ""
    cost = round(base * cfg.uncertain_factor, 2)
    return cost, round(base - cost, 2), DOUBT_NOTE if cost == 0 else PART_DOUBT_NOTE


def finding_reasons(findings: list[Finding], part: PartConfig, cfg: ScoreConfig) -> tuple[list[Reason], float]:
    """One reason per finding, in the findings' order, with the per-rule cap; returns (reasons, points lost).

    A note on our own reading (``Rule.reading_note``) is not a reason: the
    accuracy part holds the points of the cells it names.
    """
    reasons: list[Reason] = []
    lost = 0.0
    per_rule: dict[str, float] = {}
    for f in findings:
        if rules.rule(f.rule).reading_note:
            continue
        cost, held, note = doubt_split(part.cost(f), f.status == "uncertain", cfg)
        if part.max_per_rule is not None and cost + held > 0:
            room = max(0.0, part.max_per_rule - per_rule.get(f.rule, 0.0))
            if cost + held > room:
                cost = min(cost, room)
                held = min(held, room - cost)
                note += "（同类问题扣分已达上限）"
        per_rule[f.rule] = per_rule.get(f.rule, 0.0) + cost + held
        lost += cost
        reasons.append(Reason(f"{rules.label(f.rule)}：{clean(f.message)}{note}", cost, f.rule, f.id or None, held=held))
    return reasons, lost


def judged_findings(result: ReportResult, part: str, has_previous: bool) -> list[Finding]:
    """The findings the registry gives to one part; those needing last year's report only when it is in the run."""
    out = []
    for f in result.findings:
        r = rules.rule(f.rule)
        if r.part == part and (has_previous or not r.needs_previous):
            out.append(f)
    return out


def make_part(key: str, max_points: float, lost: float, reasons: list[Reason], judged: bool = True) -> ScorePart:
    """A part's points: the maximum less the points lost and the points held (held never beyond what is left)."""
    lost = min(max(0.0, lost), max_points)
    room = max_points - lost
    kept: list[Reason] = []
    for r in reasons:
        held = min(r.held, max(0.0, room))
        room -= held
        kept.append(r if held == r.held else replace(r, held=round(held, 2)))
    held_total = sum(r.held for r in kept)
    points = round(max(0.0, max_points - lost - held_total), 2)
    return ScorePart(key, PART_LABELS[key], points, max_points, tuple(kept), judged)


def table_found(result: ReportResult, table: str) -> bool:
    """Whether the table was located (or, without that fact, holds a number)."""
    tv = result.tables
    if tv is None:
        return False
    if table in tv.found:
        return bool(tv.found[table])
    return any(v is not None for row in tv.values.get(table, {}).values() for v in row.values())


def template_of(result: ReportResult) -> str:
    """The template the tables follow: as extracted, else by report year (2021 on: the 2021 template)."""
    for t in (result.tables.template if result.tables else None, result.meta.template):
        if t in TEMPLATE_CELLS:
            return t
    year = result.meta.year
    return "2019" if year is not None and year < 2021 else "2021"


def table_coverage(result: ReportResult, table: str) -> tuple[int, int]:
    """(cells shown, cells of the template) for one table; a cell with a remark such as “—” counts as shown."""
    cells = TEMPLATE_CELLS[template_of(result)][table]
    expected = sum(len(cols) for cols in cells.values())
    tv = result.tables
    if tv is None:
        return 0, expected
    shown = 0
    for row, cols in cells.items():
        for col in cols:
            if tv.get(table, row, col) is not None or f"{table}.{row}.{col}" in tv.remarks:
                shown += 1
    return shown, expected
