"""Points a failed stage leaves unjudged (``ReportResult.failed``).

When a stage after reading failed on a report (a defect of ours, not of the
report), the report is kept, partial. Its score must not read the silence of
that stage as "no problem" (full marks) nor its missing output as the report's
fault (a deduction): the points of every rule the stage left unjudged are held
(待核实) in the part that judges the rule, with the stage's note as the reason.
"""

from __future__ import annotations

from dataclasses import replace

from analyzer import rules
from analyzer.model import Reason, ReportResult, ScorePart
from analyzer.scoring.base import make_part
from analyzer.scoring.config import ScoreConfig

# A failed stage whose output the completeness part reads: its points are held, never charged.
TABLE_STAGES = ("tables",)
SECTION_STAGES = ("sections",)


def failed_stages(result: ReportResult) -> set[str]:
    """The stages that failed on this report."""
    return {f.stage for f in result.failed}


def rule_points(name: str, cfg: ScoreConfig) -> float:
    """What one finding of a rule would cost in its part (its own points, else its severity's)."""
    r = rules.rule(name)
    part = getattr(cfg, r.part, None)
    if part is None or not hasattr(part, "points"):
        return 0.0
    if name in part.points:
        return part.points[name]
    return {"error": part.error, "warning": part.warning, "info": part.info}.get(r.severity, 0.0)


def hold_unjudged(part: ScorePart, result: ReportResult, cfg: ScoreConfig) -> ScorePart:
    """The part with one held reason per failed stage whose unjudged rules it judges."""
    extra: list[Reason] = []
    if part.pending >= part.max_points:
        return part  # already wholly held (the tables could not be read at all)
    for failure in result.failed:
        if part.key == "completeness" and failure.stage in TABLE_STAGES + SECTION_STAGES:
            continue  # the completeness part holds those points itself, table by table
        names = [n for n in failure.rules if rules.rule(n).part == part.key]
        if not names:
            continue
        held = sum(rule_points(n, cfg) for n in dict.fromkeys(names))
        note = failure.note.rstrip("。；;，, ")
        extra.append(Reason(f"{note}，相应分值待核实", 0.0, "score.not_judged", held=round(held, 2)))
    if not extra:
        return part
    lost = sum(r.points for r in part.reasons)
    rebuilt = make_part(part.key, part.max_points, lost, list(part.reasons) + extra, judged=False)
    return replace(rebuilt, judged=False)
