"""A supervisor's decisions on findings, applied to a report: the score and the review follow.

A dismissed finding leaves the report (it costs nothing and the comment no
longer says it); a confirmed one stays and, if our own reading had marked it
``uncertain``, counts as certain from then on. The score is then computed
again by :func:`analyzer.scoring.score_report`, and the review comment by
:func:`analyzer.output.review.build_comment` from the result this returns:
nothing of either is rewritten here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping

from analyzer.model import Finding, ReportResult
from analyzer.scoring import score_report

CELL_KEY = re.compile(r"^[a-z_]+\.[a-z0-9_]+\.[a-z0-9_]+$")  # table.row.col of spec/tables.md


def apply_decisions(result: ReportResult, decisions: Mapping[str, object], *, score_config=None,
                    has_previous: bool = False) -> ReportResult:
    """The report as the supervisor decided it, scored again.

    ``decisions`` maps a finding id to an object with a ``decision`` attribute
    (``"confirmed"`` or ``"dismissed"``); findings without one stay as they are.
    """
    kept: list[Finding] = []
    changed = False
    for f in result.findings:
        d = decisions.get(f.id)
        verdict = getattr(d, "decision", None)
        if verdict == "dismissed":
            changed = True
            continue
        if verdict == "confirmed" and f.status == "uncertain":
            f = replace(f, status="confirmed")
            changed = True
        kept.append(f)
    if not changed and result.score is not None:
        return result
    decided = replace(result, findings=tuple(kept))
    return replace(decided, score=score_report(decided, score_config, has_previous=has_previous))


def cells_of(finding: Finding) -> list[str]:
    """The table cells (``table.row.col``) a finding is about, from its typed data."""
    data = finding.data or {}
    cells = list(data.get("cells") or ())
    if data.get("cell"):
        cells.append(data["cell"])
    if not cells and finding.rule == "continuity.carried_over" and data.get("column"):
        cells.append(f"applications.carried_over.{data['column']}")
    if not cells and finding.rule == "continuity.in_force" and data.get("row"):
        cells.append(f"active_disclosure.{data['row']}.in_force")
    return [c for c in cells if isinstance(c, str) and CELL_KEY.match(c)]
