"""A stage that failed on a report (``ReportResult.failed``) leaves its rules unjudged: the
score holds their points (待核实) instead of giving full marks or charging the report.

Issue 9 §4 with §8: before this, a report whose table stage failed lost every table and all
accuracy points (as if it had no tables), and one whose narrative stage failed kept full
marks for the problems it was never checked for.
"""

from __future__ import annotations

from analyzer import pipeline
from analyzer.scoring import score_report
from conftest import CORPUS

SEED = CORPUS / "001_dc17ca86c1b8bf45.txt"


def _boom(*args, **kwargs):
    raise ValueError("boom")


def test_failed_table_stage_holds_the_table_points(monkeypatch):
    whole = score_report(pipeline.analyze_file(SEED))
    monkeypatch.setattr(pipeline, "extract_tables", _boom)
    r = pipeline.analyze_file(SEED)
    score = score_report(r)
    comp, acc = score.part("completeness"), score.part("accuracy")
    assert acc.points == 0 and acc.pending == acc.max_points and not acc.judged
    assert not any(x.rule == "score.table_missing" for x in comp.reasons)  # never charged as absent
    assert comp.pending >= 13 and not comp.judged
    # What is held can only be given back: the whole report's score is within reach.
    assert score.total + sum(p.pending for p in score.parts) >= whole.total - 1e-6
    assert not [x for x in comp.reasons if x.rule == "score.not_judged" and x.held == 0]


def test_failed_narrative_stage_holds_the_problem_points(monkeypatch):
    monkeypatch.setattr(pipeline, "analyze_narrative", _boom)
    r = pipeline.analyze_file(SEED)
    sub = score_report(r).part("substance")
    held = [x for x in sub.reasons if x.rule == "score.not_judged" and x.held > 0]
    assert held and "待核实" in held[0].text and not sub.judged
    assert sub.points < sub.max_points  # never full marks for what was not checked


def test_whole_report_unchanged():
    r = pipeline.analyze_file(SEED)
    assert not r.failed
    assert all(p.judged or p.key == "accuracy" for p in score_report(r).parts)
