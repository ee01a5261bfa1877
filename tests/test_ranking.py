"""Ranking: order, ties, year-over-year change, indicators, unreadable files, CSV/XLSX."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from _reports import clean_result, flawed_result, full_tables, scored
from analyzer.model import Failure, RunResult
from analyzer.output.ranking import TOO_FEW, correction_rate, disclosure_rate, rank_results
from analyzer.output.ranking_io import print_ranking, ranking_csv, write_ranking


def run_of(*results, failures=(), previous=None) -> RunResult:
    return RunResult(results=list(results), failures=list(failures), previous=dict(previous or {}))


def test_order_ties_and_unreadable():
    run = run_of(
        scored(flawed_result("b/flawed.txt")),
        scored(clean_result("b/clean1.txt", agency="某某市甲区人民政府")),
        scored(clean_result("a/clean2.txt", agency="某某市乙区人民政府")),
        failures=[Failure("x/broken.pdf", "broken.pdf：PDF 文件已加密，无法读取，请提供未加密的版本。")],
    )
    ranking = rank_results(run, None)
    assert [(r.rank, r.source) for r in ranking.ranked] == [(1, "a/clean2.txt"), (1, "b/clean1.txt"), (3, "b/flawed.txt")]
    (bad,) = ranking.unreadable
    assert bad.rank is None and bad.total is None and "加密" in bad.reason


def test_same_total_then_accuracy_then_substance():
    a = scored(clean_result("a.txt", agency="某某市甲区人民政府"))
    b = scored(clean_result("b.txt", agency="某某市乙区人民政府"))
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
    r = clean_result(source, agency=f"某某市{source.split('.')[0]}区人民政府")
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
    assert notes["准确性：每个错误扣分"] == "5"
    assert notes["规范性：“沿用旧版年度报告格式”每处扣分"] == "5"
    assert notes["申请情况表勾稽关系不符"] == "准确性：每处扣5分"
    keys = [row[0].value for row in wb["说明"].iter_rows() if row[0].value]
    assert not [k for k in keys if re.search(r"[A-Za-z]", k)], "the 说明 sheet names every weight in Chinese"


def test_bad_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match="csv"):
        write_ranking(rank_results(run_of(scored(clean_result())), None), tmp_path / "r.pdf")


def test_print_ranking_runs(capsys):
    print_ranking(rank_results(run_of(scored(clean_result()), failures=[Failure("bad.txt", "坏文件")]), None))
    out = capsys.readouterr().out
    assert "某某市某某区人民政府" in out and "无法读取" in out


def test_xlsx_writes_report_text_as_text_never_a_formula(tmp_path):
    """Text from a report or a file name beginning with = + - @ stays text in every sheet (issue 13)."""
    odd = replace(
        flawed_result("=cmd|'/c calc'!A1.txt"),
        meta=replace(flawed_result().meta, agency="@SUM(1+1)"),
    )
    bad = replace(odd.findings[0], message="=HYPERLINK(\"http://x\")", where="+3 / -2")
    odd = scored(replace(odd, findings=(bad, *odd.findings[1:])))
    path = write_ranking(rank_results(run_of(odd), None), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {"@SUM(1+1)", "=HYPERLINK(\"http://x\")", "+3 / -2", "=cmd|'/c calc'!A1.txt"} <= {c.value for c in texts}
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_xlsx_prints_on_a4_landscape_readably(tmp_path):
    """Fit to the page width with the header repeated, and few enough columns to print at about 9 points."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    wb = load_workbook(write_ranking(rank_results(run_of(scored(clean_result())), None), tmp_path / "r.xlsx"))
    for ws in wb:
        setup = ws.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        last = ws.max_column
        if ws.print_area:  # "'得分'!$A$1:$T$2"
            last = column_index_from_string(re.search(r"([A-Z]+)\$?\d+$", ws.print_area).group(1))
        printed = sum(ws.column_dimensions[get_column_letter(i)].width or 8.43 for i in range(1, last + 1))
        # About 0.1 inch per width unit: 150 units on 11 inches print at 75 % or more (11 pt → 8 pt and up).
        assert printed <= 150, (ws.title, printed)
    assert wb["得分"].print_title_rows == wb["问题清单"].print_title_rows == "$1:$1"
    assert "默认评分方案" in wb["得分"].oddHeader.center.text


def test_print_ranking_escapes_markup_in_names(capsys):
    """A path with “[/b]” in it (folder “x[”, file “b].txt”) must not crash ``rank``: rich markup is escaped."""
    named = scored(replace(clean_result("corpus/a.txt"), meta=replace(clean_result().meta, agency="某局[/b]")))
    unnamed = scored(replace(clean_result("corpus/[b]x.txt"), meta=replace(clean_result().meta, agency=None)))
    failure = Failure("corpus/x[/b].pdf", "b].pdf：[bold]无法读取[/bold]")
    print_ranking(rank_results(run_of(named, unnamed, failures=[failure]), None))
    out = capsys.readouterr().out
    assert "某局[/b]" in out and "[b]x" in out
    assert "corpus/x[/b].pdf" in out and "[bold]无法读取[/bold]" in out


def test_xlsx_marks_flagged_rates_in_red(tmp_path):
    many = [_with_rate(f"r{i:02d}.txt", 7 + i % 3) for i in range(30)] + [_with_rate("odd.txt", 1)]
    ws = load_workbook(write_ranking(rank_results(run_of(*many), None), tmp_path / "r.xlsx"))["得分"]
    col = [c.value for c in ws[1]].index("实质公开率说明") + 1
    colours = {ws.cell(r, 4).value: getattr(ws.cell(r, col).font.color, "rgb", None) for r in range(2, ws.max_row + 1)}
    red = {source for source, rgb in colours.items() if isinstance(rgb, str) and rgb.endswith("C00000")}
    assert red == {"odd.txt"}


def test_xlsx_lists_unreadable_files_on_a_sheet_of_their_own(tmp_path):
    """Fails before: the files that could not be read were appended to the first (latest) year's ranking
    sheet, as if they were that year's reports."""
    run = run_of(scored(clean_result(year=2022)), scored(clean_result("corpus/b.txt", agency="某某县人民政府", year=2021)),
                 failures=[Failure("x/readme.md", "readme.md：未识别为政府信息公开工作年度报告。")])
    wb = load_workbook(write_ranking(rank_results(run, None), tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["2022年度得分", "2021年度得分", "无法读取", "问题清单", "说明"]
    for year_sheet in ("2022年度得分", "2021年度得分"):
        assert all(row[2].value != "x/readme.md" for row in wb[year_sheet].iter_rows(min_row=2))
    ws = wb["无法读取"]
    assert [c.value for c in ws[1]] == ["报告文件", "原因"]
    assert [c.value for c in ws[2]] == ["x/readme.md", "readme.md：未识别为政府信息公开工作年度报告。"]
