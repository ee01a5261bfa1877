"""The rule registry: every rule the analyzer emits is defined once, and one entry is enough for every output."""

from __future__ import annotations

import ast
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from _reports import clean_result, finding, scored
from analyzer import rules
from analyzer.findings import with_ids
from analyzer.model import Finding, ReportMeta, TableValues
from analyzer.labels import PART_LABELS, SEVERITY_LABELS
from analyzer.output.ranking import rank_results
from analyzer.output.ranking_io import write_ranking
from analyzer.output.review import build_comment, render_markdown
from analyzer.output.site import render_index
from analyzer.model import RunResult
from analyzer.scoring import ScoringConfigError, load_config, score_report
from analyzer.scoring.schema import V1_ASSIGNMENT

# shared/spec/contract.md "Rule names that are fixed" and taxonomy.md §3: outside checks rely on them.
CONTRACT_RULES = (
    "applications.balance", "applications.results_sum", "applications.row_total", "review_litigation.group_total",
    "active_disclosure.rules_without_power", "tables.missing_cell", "tables.missing_row", "template.outdated",
    "narrative.table_mismatch", "continuity.carried_over", "continuity.in_force", "publication.late",
)
TAXONOMY_RULES = (
    "narrative.table_mismatch", "problems.missing", "problems.no_measures", "problems.vague", "problems.repeated",
    "narrative.copied", "narrative.boilerplate", "narrative.stale_year", "overview.missing_part",
    "other.missing_fee_statement",
)


@pytest.mark.parametrize("name", sorted(set(CONTRACT_RULES + TAXONOMY_RULES)))
def test_every_rule_of_the_specs_is_registered(name):
    assert name in rules.RULES


@pytest.fixture(scope="module")
def corpus_run():
    from conftest import CORPUS

    from analyzer.pipeline import analyze_run

    return analyze_run([CORPUS], workers=2)


def test_every_rule_the_corpus_emits_is_registered_with_its_severity(corpus_run):
    seen = {(f.rule, f.severity) for r in corpus_run.results for f in r.findings}
    assert seen, "the corpus raises findings"
    for name, severity in sorted(seen):
        assert name in rules.RULES, f"{name} is emitted but not registered in analyzer/rules.py"
        assert rules.RULES[name].severity == severity, name


def test_every_score_reason_names_a_registered_rule_or_measure(corpus_run):
    named = {reason.rule for r in corpus_run.results for p in r.score.parts for reason in p.reasons if reason.rule}
    assert any(n.startswith("score.") for n in named)
    assert all(rules.is_registered(n) for n in named), sorted(n for n in named if not rules.is_registered(n))


def test_registry_is_consistent():
    for r in rules.RULES.values():
        assert r.category in rules.CATEGORIES, r.name
        assert r.part in PART_LABELS, r.name
        assert r.severity in SEVERITY_LABELS, r.name
        assert "{}" in r.frame or not r.frame, r.name
        assert r.label and r.label != rules.UNKNOWN_LABEL, r.name
    for m in rules.MEASURES.values():
        assert m.category is None or m.category in rules.CATEGORIES, m.key
        assert all(name in rules.RULES for name in m.said_by), m.key
    load_config(None)  # every rule costing its own points has them in scoring.toml


def test_second_reading_follows_the_registry(monkeypatch):
    """The checks re-read exactly the rules the registry marks ``reread`` (no list of their own)."""
    from analyzer.tables import checks

    registered = {name for name in rules.RULES if rules.rereads(name)}
    assert not hasattr(checks, "ARITHMETIC")
    assert {"applications.balance", "applications.row_total", "narrative.table_mismatch"} <= registered
    assert "tables.missing_cell" not in registered
    reread = []
    monkeypatch.setattr(checks, "verify_finding", lambda f, tables, doc: reread.append(f.rule) or f)
    monkeypatch.setattr(checks, "CHECKS", [lambda ctx: [
        Finding("applications.balance", "error", "m", "w"), Finding("tables.missing_cell", "warning", "m", "w"),
    ]])
    checks.run_checks(TableValues(template="2021", values={}), ReportMeta(None, None, None, None, None), {}, None)
    assert reread == ["applications.balance"]


def test_registry_keeps_the_rule_parts_the_configuration_hash_records():
    """The hash of the shipped weights still covers the former prefix lists: the registry must agree with them."""
    lists = {key.split(".")[0]: ast.literal_eval(value) for key, value in V1_ASSIGNMENT if key.endswith(".rules")}
    points = {part: load_config(None).raw[part].get("points", {}) for part in lists}

    def v1_part(name: str) -> str:
        if name.startswith("tables.missing_"):
            return "completeness"
        for part in ("accuracy", "conformity", "substance"):
            if name in points[part] or any(name.startswith(p) for p in lists[part]):
                return part
        return ast.literal_eval(dict(V1_ASSIGNMENT)["default_part"])

    assert {n: v1_part(n) for n in rules.RULES} == {n: r.part for n, r in rules.RULES.items()}
    assert load_config(None).label == "默认评分方案2026（c3d4f705）"


def test_unregistered_rule_is_never_shown_by_its_key():
    assert rules.label("layout.strange_thing") == rules.UNKNOWN_LABEL
    assert rules.rule("layout.strange_thing").category == "other"


# ---------------------------------------------------------------- one entry is enough

NEW = rules.Rule(
    "tables.odd_total", "主动公开表合计不符", "error", "accuracy", "table_data",
    suggestion="第二部分表格各栏目的合计",
)


def _odd_result():
    odd = [
        finding(NEW.name, "error", f"第二部分表格“{label}”一栏合计不符。", f"二、主动公开政府信息情况 / {label}")
        for label in ("规章", "规范性文件")
    ]
    return replace(clean_result(), findings=with_ids(odd, "k"))


@pytest.fixture()
def new_rule(monkeypatch):
    monkeypatch.setitem(rules.RULES, NEW.name, NEW)
    return NEW


def test_a_rule_added_to_the_registry_alone_is_scored(new_rule):
    score = score_report(_odd_result(), None)
    acc = score.part("accuracy")
    assert acc.points == acc.max_points - 10  # two errors at the accuracy part's error points
    assert all(r.text.startswith("主动公开表合计不符：") for r in acc.reasons)


def test_a_rule_added_to_the_registry_alone_is_reviewed(new_rule):
    result = scored(_odd_result())
    comment = build_comment(result)
    assert comment.problems[0].startswith("主动公开表合计不符，共2处")
    assert "逐项核实第二部分表格各栏目的合计" in comment.suggestions[0]
    assert "表格数据" in comment.overall
    assert "tables.odd_total" not in render_markdown(result)


def test_a_rule_added_to_the_registry_alone_is_on_the_page_and_in_the_ranking(new_rule, tmp_path):
    run = RunResult(results=[scored(_odd_result())])
    ranking = rank_results(run, None)
    html = render_index(run, ranking)
    assert "主动公开表合计不符" in html and "tables.odd_total" not in html
    wb = load_workbook(write_ranking(ranking, tmp_path / "r.xlsx"))
    issues = [[c.value for c in row] for row in wb["问题清单"].iter_rows(min_row=2)]
    assert len(issues) == 2 and all(row[4] == NEW.name and row[5] == "错误" for row in issues)
    notes = {row[0].value: row[1].value for row in wb["说明"].iter_rows() if row[0].value}
    assert notes["主动公开表合计不符"] == "准确性：每处扣5分"
    assert wb["得分"].cell(2, 8).value == 20  # 准确性


def test_a_rule_costing_its_own_points_needs_them_in_the_configuration(monkeypatch):
    monkeypatch.setitem(rules.RULES, "tables.odd_total", replace(NEW, weight="own"))
    with pytest.raises(ScoringConfigError, match="缺少规则“tables.odd_total”"):
        load_config(None)
