"""Ranking: order, ties, year-over-year change, indicators, unreadable files, CSV/XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from _reports import clean_result, flawed_result, full_tables, scored
from analyzer.model import Failure, RunResult
from analyzer.ranking import (
    TOO_FEW,
    correction_rate,
    disclosure_rate,
    print_ranking,
    rank_results,
    ranking_csv,
    write_ranking,
)


def run_of(*results, failures=(), previous=None) -> RunResult:
    return RunResult(results=list(results), failures=list(failures), previous=dict(previous or {}))


def test_order_ties_and_unreadable():
    run = run_of(
        scored(flawed_result("b/flawed.txt")),
        scored(clean_result("b/clean1.txt")),
        scored(clean_result("a/clean2.txt")),
        failures=[Failure("x/broken.pdf", "broken.pdf：PDF 文件已加密，无法读取，请提供未加密的版本。")],
    )
    ranking = rank_results(run, None)
    assert [(r.rank, r.source) for r in ranking.ranked] == [(1, "a/clean2.txt"), (1, "b/clean1.txt"), (3, "b/flawed.txt")]
    (bad,) = ranking.unreadable
    assert bad.rank is None and bad.total is None and "加密" in bad.reason


def test_same_total_then_accuracy_then_substance():
    a = scored(clean_result("a.txt"))
    b = scored(clean_result("b.txt"))
    # Rewrite parts directly so that totals tie but accuracy differs.
    pa = tuple(replace(p, points=p.points - (5 if p.key == "accuracy" else 0)) for p in a.score.parts)
    pb = tuple(replace(p, points=p.points - (5 if p.key == "substance" else 0)) for p in b.score.parts)
    a = replace(a, score=replace(a.score, parts=pa, total=95))
    b = replace(b, score=replace(b.score, parts=pb, total=95))
    ranking = rank_results(run_of(a, b), None)
    assert [r.source for r in ranking.ranked] == ["b.txt", "a.txt"]
    assert [r.rank for r in ranking.ranked] == [1, 2]


def test_change_from_previous_year():
    prev = scored(flawed_result("2020.txt"))
    cur = scored(clean_result("2021.txt"))
    ranking = rank_results(run_of(prev, cur, previous={"2021.txt": "2020.txt"}), None)
    row = next(r for r in ranking.ranked if r.source == "2021.txt")
    assert row.change == round(cur.score.total - prev.score.total, 2)
    assert next(r for r in ranking.ranked if r.source == "2020.txt").change is None


def test_rates_and_missing_denominators():
    r = clean_result()
    assert disclosure_rate(r) == 1.0  # 6 granted + 2 partial of 8
    assert correction_rate(r) == 0.5  # 1 corrected of 2 closed
    values = {t: {k: dict(c) for k, c in rows.items()} for t, rows in r.tables.values.items()}
    values["applications"]["results_total"]["total"] = 0
    values["review_litigation"]["review"]["pending"] = None
    r2 = replace(r, tables=replace(r.tables, values=values))
    assert disclosure_rate(r2) is None and correction_rate(r2) is None


def _with_rate(source: str, granted: int, total: int = 10):
    r = clean_result(source)
    values = {t: {k: dict(c) for k, c in rows.items()} for t, rows in full_tables().values.items()}
    app = values["applications"]
    app["granted"]["total"], app["partially_granted"]["total"], app["results_total"]["total"] = granted, 0, total
    return scored(replace(r, tables=replace(r.tables, values=values)))


def test_rate_flagged_far_from_median_only_with_30_reports():
    few = [_with_rate(f"r{i:02d}.txt", 8) for i in range(5)] + [_with_rate("odd.txt", 1)]
    ranking = rank_results(run_of(*few), None)
    odd = next(r for r in ranking.ranked if r.source == "odd.txt")
    assert not odd.indicators["disclosure_rate"].flagged
    assert odd.indicators["disclosure_rate"].note == TOO_FEW

    many = [_with_rate(f"r{i:02d}.txt", 7 + i % 3) for i in range(30)] + [_with_rate("odd.txt", 1)]
    ranking = rank_results(run_of(*many), None)
    odd = next(r for r in ranking.ranked if r.source == "odd.txt")
    assert odd.indicators["disclosure_rate"].flagged and "低于中位数" in odd.indicators["disclosure_rate"].note
    normal = next(r for r in ranking.ranked if r.source == "r00.txt")
    assert not normal.indicators["disclosure_rate"].flagged


def test_csv_records_configuration_and_has_every_row():
    run = run_of(scored(clean_result()), scored(flawed_result()), failures=[Failure("bad.txt", "bad.txt：文件为空，无法读取。")])
    text = ranking_csv(rank_results(run, None))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "名次" and "评分方案" in rows[0]
    assert len(rows) == 4
    assert all("默认评分方案" in row[-1] for row in rows[1:])
    assert rows[3][5] == "无法读取"


def test_xlsx_sheets_header_filter_colours_and_determinism(tmp_path):
    run = run_of(scored(clean_result()), scored(flawed_result()))
    ranking = rank_results(run, None)
    a = write_ranking(ranking, tmp_path / "a.xlsx")
    b = write_ranking(ranking, tmp_path / "b.xlsx")
    assert a.read_bytes() == b.read_bytes()
    wb = load_workbook(a)
    assert wb.sheetnames == ["得分", "问题清单", "说明"]
    ws = wb["得分"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    grade_cell = ws.cell(2, 6)
    assert grade_cell.value == "优秀" and grade_cell.fill.fgColor.rgb.endswith("C6EFCE")
    wf = wb["问题清单"]
    header = [c.value for c in wf[1]]
    assert header[-2:] == ["处理意见", "整改情况"]
    assert wf.max_row == 1 + len(flawed_result().findings)
    assert all(wf.cell(r, header.index("问题编号") + 1).value for r in range(2, wf.max_row + 1))
    notes = {row[0].value: row[1].value for row in wb["说明"].iter_rows() if row[0].value}
    assert "默认评分方案" in notes["评分方案"]
    assert notes["accuracy.error"] == "5"


def test_bad_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match="csv"):
        write_ranking(rank_results(run_of(scored(clean_result())), None), tmp_path / "r.pdf")


def test_print_ranking_runs(capsys):
    print_ranking(rank_results(run_of(scored(clean_result()), failures=[Failure("bad.txt", "坏文件")]), None))
    out = capsys.readouterr().out
    assert "某某市某某区人民政府" in out and "无法读取" in out
