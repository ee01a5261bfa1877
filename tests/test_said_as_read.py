"""uat5: text shown on a page stays text, and a page says "未发现问题" only of what was checked.

Each test fails on the code before the sweep: the narrative cleaner dropped anything between < and > (a page
showing "<script>alert(1)</script>" as text lost it); the results page and the workbench said 未发现问题 of
a report whose table was read by OCR in doubt; a national body's office that reported 规章 was called a
地方人民政府工作部门.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _reports import clean_result, full_tables, scored  # noqa: E402

from analyzer.model import Block, Document  # noqa: E402
from analyzer.output.ranking import rank_results  # noqa: E402
from analyzer.output.site import render_index  # noqa: E402
from analyzer.pipeline import RunResult, analyze_file  # noqa: E402
from analyzer.scoring import load_config  # noqa: E402
from analyzer.tables import run_checks  # noqa: E402

SHOWN = "网站拦截了<script>alert(1)</script>攻击代码，另有x < y > z及<b>字样"


def test_text_a_page_shows_is_kept_as_text(tmp_path):
    page = tmp_path / "r.html"
    escaped = SHOWN.replace("<", "&lt;").replace(">", "&gt;")
    page.write_text(
        "<html><body><div class='article'><h1>殷都区人民政府办公室2021年政府信息公开工作年度报告</h1>"
        f"<p>一、总体情况</p><p>2021年，{escaped}。全年主动公开信息312条。</p><p>六、其他需要报告的事项</p><p>无。</p>"
        "</div></body></html>", encoding="utf-8")
    result = analyze_file(page)
    said = " ".join(s.text for s in result.narrative.statements)
    assert SHOWN in said


def test_a_text_file_s_conversion_markup_still_goes(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("殷都区人民政府办公室2021年政府信息公开工作年度报告\n一、总体情况\n"
                    "2021年，主动公开<span style=\"x\">信息312条</span>。<br>收到申请8件。&nbsp;\n"
                    "六、其他需要报告的事项\n无。\n", encoding="utf-8")
    said = " ".join(s.text for s in analyze_file(path).narrative.statements)
    assert "主动公开信息312条" in said and "<" not in said and "&nbsp;" not in said


def _doubtful_run():
    tables = replace(full_tables("2021"), doubtful=frozenset({"applications.granted.total"}))
    result = scored(replace(clean_result(), tables=tables))
    assert not result.findings  # nothing raised: the table only awaits checking
    return result


def test_the_results_page_says_what_awaits_checking():
    result = _doubtful_run()
    run = RunResult(results=[result], failures=[])
    html = render_index(run, rank_results(run, load_config(None)))
    assert '<p class="note">未发现问题。</p>' not in html
    assert "已核对的内容未发现问题，第三部分表格中部分数据尚待核实。" in html
    clean = scored(clean_result())
    run = RunResult(results=[clean], failures=[])
    assert '<p class="note">未发现问题。</p>' in render_index(run, rank_results(run, load_config(None)))


def test_the_workbench_table_in_doubt_is_not_said_clean():
    pytest.importorskip("fastapi")
    from analyzer.serve.views import _quiet_tables

    said = _quiet_tables(_doubtful_run())
    assert said["applications"] == "本表已核对的内容未发现问题，部分数据尚待核实。"
    assert said["review_litigation"] == said["active_disclosure"] == "本表未发现问题。"


@pytest.mark.parametrize("agency, level", [("国家税务总局郑州市税务局", "city"), ("国家税务总局新郑市税务局", "county")])
def test_a_national_body_s_office_is_not_called_a_local_department(agency, level):
    t = full_tables("2021")
    values = {tb: {r: dict(c) for r, c in rows.items()} for tb, rows in t.values.items()}
    values["active_disclosure"]["rules"]["issued"] = 1
    meta = replace(clean_result().meta, agency=agency, level=level)
    doc = Document(source="x.txt", format="txt", blocks=(Block("paragraph", "x"),))
    (f,) = [f for f in run_checks(replace(t, values=values), meta, {}, doc)
            if f.rule == "active_disclosure.rules_without_power"]
    assert f.message.startswith("国务院部门的下属机构无规章制定权")


def test_figures_said_only_when_counted_whatever_they_are_worth(tmp_path):
    """A configuration giving the overview's figures no points left them uncounted, and the letter praised an
    overview holding none: 总体情况以具体数字反映全年工作."""
    from analyzer.output.review import render_markdown

    (tmp_path / "c.toml").write_text("[substance]\nfigures = 0\n", encoding="utf-8")
    config = load_config(tmp_path / "c.toml")
    bare = clean_result()
    title = bare.sections["overview"].title
    sections = {**bare.sections, "overview": replace(bare.sections["overview"], blocks=(
        Block("heading", title), Block("paragraph", "本机关认真贯彻落实条例，政务公开工作取得成效。")))}
    letter = render_markdown(scored(replace(bare, sections=sections), config=config))
    assert "以具体数字反映全年工作" not in letter
    assert "以具体数字反映全年工作" in render_markdown(scored(clean_result(), config=config))


def test_tables_complete_said_of_the_cells_not_of_the_points(tmp_path):
    """A configuration giving the tables no completeness points lost none for a blank cell, and the letter
    called the tables 填报完整 above an item saying that cell was not filled."""
    from analyzer.output.review import render_markdown

    (tmp_path / "c.toml").write_text("[completeness.tables]\nactive_disclosure = 0\napplications = 0\n"
                                     "review_litigation = 0\n", encoding="utf-8")
    config = load_config(tmp_path / "c.toml")
    t = full_tables("2021")
    values = {tb: {r: dict(c) for r, c in rows.items()} for tb, rows in t.values.items()}
    values["applications"]["granted"]["commercial_enterprise"] = None
    blank = replace(clean_result(), tables=replace(t, values=values))
    assert "三张统计表格填报完整" not in render_markdown(scored(blank, config=config))
    assert "三张统计表格填报完整" in render_markdown(scored(clean_result(), config=config))


def test_a_check_that_failed_is_not_said_to_find_nothing():
    """A stage of ours that failed left its rules unjudged; the letter said 未发现需要整改的问题 all the same,
    the results page 未发现问题 and the workbench 本表未发现问题 / 未发现其他问题."""
    from analyzer.model import StageFailure
    from analyzer.output.review import render_markdown

    failed = (StageFailure("narrative", "正文分析未能完成（内部错误）", rules=("problems.vague",)),
              StageFailure("check:check_missing_cell", "表格核查未能完成（内部错误）", rules=("tables.missing_cell",)))
    result = scored(replace(clean_result(), failed=failed))
    letter = render_markdown(result)
    assert "。未发现需要整改的问题。" not in letter
    assert "已核对的内容未发现需要整改的问题，“问题表述笼统”、“表格缺少单元格”核查未能完成（内部错误）。" in letter
    run = RunResult(results=[result], failures=[])
    assert '<p class="note">未发现问题。</p>' not in render_index(run, rank_results(run, load_config(None)))
    pytest.importorskip("fastapi")
    from analyzer.serve.views import _quiet_tables

    said = _quiet_tables(result)
    assert said["applications"] == "本表已核对的内容未发现问题，“表格缺少单元格”核查未能完成（内部错误）。"
    assert said["others"] == "已核对的内容未发现其他问题，“问题表述笼统”核查未能完成（内部错误）。"
