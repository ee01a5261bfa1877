"""Issue 9, class 4: one bad stage never loses a report.

A fault is injected into one stage (monkeypatch); the report survives with what
the other stages found, a Chinese note naming what could not be done, the rules
left unjudged, and a partial mark in the report JSON and summary.csv (not a row
of failures.csv). On the code this started from, each of these faults lost the report.
"""

from __future__ import annotations

import csv
import json

import pytest

from analyzer import pipeline
from analyzer.model import RunResult
from analyzer.output.run import write_run
from conftest import CORPUS

SEED = CORPUS / "001_dc17ca86c1b8bf45.txt"


def _boom(*args, **kwargs):
    raise ValueError("invalid literal for int() with base 10: '1-2'")


def _stages(result) -> list[str]:
    return [f.stage for f in result.failed]


def test_table_extraction_fails_the_rest_is_kept(monkeypatch):
    monkeypatch.setattr(pipeline, "extract_tables", _boom)
    r = pipeline.analyze_file(SEED)
    assert r.partial and _stages(r) == ["tables"]
    assert r.tables is None and r.meta.agency == "殷都区人民政府办公室" and r.narrative is not None
    assert not [f for f in r.findings if f.rule.startswith(("applications.", "tables.", "narrative.table_mismatch"))]
    assert "统计表格未能读取（内部错误），表格数据及相关核查未进行" in r.notes
    assert "applications.balance" in r.failed[0].rules and "ValueError" in r.failed[0].error


def test_one_check_fails_the_other_checks_stand(monkeypatch):
    whole = pipeline.analyze_file(SEED)

    def check_missing_cell(ctx):
        raise KeyError("applications.new_received.total")

    checks = [check_missing_cell if c.__name__ == "check_missing_cell" else c for c in pipeline.CHECKS]
    monkeypatch.setattr(pipeline, "CHECKS", checks)
    r = pipeline.analyze_file(SEED)
    assert _stages(r) == ["check:check_missing_cell"] and r.failed[0].rules == ("tables.missing_cell",)
    assert any("“表格缺少单元格”" in n and "该项未核查" in n for n in r.notes)
    kept = sorted(f.rule for f in whole.findings if f.rule != "tables.missing_cell")
    assert sorted(f.rule for f in r.findings) == kept


@pytest.mark.parametrize("stage", ["check_consistency", "analyze_narrative", "identify"])
def test_narrative_consistency_or_identity_fails(monkeypatch, stage):
    if stage == "identify":
        monkeypatch.setattr(pipeline.identify, "identify", _boom)
    else:
        monkeypatch.setattr(pipeline, stage, _boom)
    r = pipeline.analyze_file(SEED)
    key = {"check_consistency": "consistency", "analyze_narrative": "narrative", "identify": "identify"}[stage]
    assert _stages(r) == [key] and r.tables is not None and r.sections
    assert r.failed[0].note in r.notes


def test_scoring_and_run_stages_fail_the_batch_records_partial_results(monkeypatch, tmp_path):
    results = [pipeline.analyze_file(SEED, keep_document=False)]
    monkeypatch.setattr(pipeline, "score_report", _boom)
    monkeypatch.setattr(pipeline, "cross_report", _boom)
    run = pipeline.finish_run(RunResult(results=results))
    r = run.results[0]
    assert r.score is None and _stages(r) == ["cross_report", "score"]
    assert "评分未能完成（内部错误），本报告未评分" in r.notes
    write_run(run, tmp_path)
    data = json.loads(next(tmp_path.glob("001*.json")).read_text("utf-8"))
    assert data["partial"] is True and [s["stage"] for s in data["failed_stages"]] == ["cross_report", "score"]
    rows = list(csv.DictReader((tmp_path / "summary.csv").read_text("utf-8-sig").splitlines()))
    assert rows[0]["partial"] == "部分完成"
    assert (tmp_path / "failures.csv").read_text("utf-8-sig").strip() == "source,error"


def test_a_whole_report_is_not_partial(tmp_path):
    run = pipeline.finish_run(RunResult(results=[pipeline.analyze_file(SEED, keep_document=False)]))
    assert not run.results[0].partial and "partial" not in run.results[0].to_dict()
