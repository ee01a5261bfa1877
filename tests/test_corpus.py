"""Corpus study: statistics per year and level, findings shares, boilerplate clusters."""

from __future__ import annotations

import csv
from dataclasses import replace

from _reports import clean_result, flawed_result, scored
from analyzer.narrative import neardup
from analyzer.output.corpus import cluster_statements, normalize_statement, stats_rows, write_corpus_study
from analyzer.model import Statement
from analyzer.model import RunResult

SHARED = "进一步加强政务公开工作的组织领导，把政务公开工作摆上重要议事日程，常抓不懈"


def _with_statements(source: str, agency: str, texts: list[str]):
    r = clean_result(source, agency=agency)
    stmts = tuple(Statement(t, "overview") for t in texts)
    return scored(replace(r, narrative=replace(r.narrative, statements=stmts)))


def test_normalize_masks_numbers_and_enumeration():
    assert normalize_statement("一是2021年公开信息312条。") == normalize_statement("二是2022年公开信息45条；")


def test_clusters_count_agencies_not_sentences():
    results = [
        _with_statements("a.txt", "甲县人民政府", [SHARED + "。", "本县独有的一句关于农村土地承包经营权信息公开的说明。"]),
        _with_statements("b.txt", "乙县人民政府", ["二是" + SHARED + "。"]),
        _with_statements("c.txt", "丙县人民政府", [SHARED.replace("常抓不懈", "常抓不懈，久久为功") + "。"]),
        _with_statements("d.txt", "甲县人民政府", [SHARED + "。"]),  # same agency again: not another agency
    ]
    clusters = cluster_statements(results)
    assert len(clusters) == 1
    c = clusters[0]
    assert c.agencies == 3 and c.statements == 4
    assert "常抓不懈" in c.text
    assert "土地承包" not in c.text


def test_corpus_clusters_use_the_one_near_duplicate_definition():
    keys = [normalize_statement(SHARED), normalize_statement(SHARED) + "久久为功", "完全不同的一句话说的是别的事情了"]
    assert neardup.clusters(keys) == [[0, 1], [2]]


def test_stats_by_year_and_level():
    run = RunResult(results=[scored(clean_result("a.txt")), scored(flawed_result("b.txt")), scored(clean_result("c.txt", year=2022))])
    rows = stats_rows(run.results)
    header, total = rows[0], rows[1]
    assert total[:3] == ["全部", "全部", "3"]
    by = {(r[0], r[1]): r for r in rows[2:]}
    assert by[("2021", "县级")][2] == "1" and by[("2021", "乡镇级")][2] == "1" and by[("2022", "县级")][2] == "1"
    assert total[header.index("申请数中位数")] == "8"
    assert total[header.index("实质公开率中位数")] == "1"


def test_write_corpus_study_files_and_determinism(tmp_path):
    run = RunResult(results=[
        _with_statements("a.txt", "甲县人民政府", [SHARED]),
        _with_statements("b.txt", "乙县人民政府", [SHARED]),
        scored(flawed_result("c.txt")),
    ])
    summary = write_corpus_study(run, tmp_path / "one")
    write_corpus_study(run, tmp_path / "two")
    assert "1组" in summary
    for name in ("stats_by_year_level.csv", "findings_by_year_level.csv", "problem_categories.csv", "boilerplate_clusters.csv", "corpus.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    with open(tmp_path / "one" / "findings_by_year_level.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    balance = next(r for r in rows if r["规则"] == "applications.balance" and r["年度"] == "全部")
    assert balance["有该问题的报告数"] == "1" and balance["报告数"] == "3"
    html = (tmp_path / "one" / "corpus.html").read_text(encoding="utf-8")
    assert "<script" not in html and html.count("<svg") == 4 and "常抓不懈" in html
