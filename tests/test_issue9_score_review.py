"""Issue 9, classes 8–10: the score and the letter say only what was verified; a letter from a supervising
office; a ranking per year that counts each report and each agency once.

Every case is hand-made from the model objects (tests/_reports.py), so it does not depend on the reading stages.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

from openpyxl import load_workbook

from _reports import BALANCE, VAGUE, clean_result, finding, flawed_result, full_tables, scored
from analyzer.findings import with_ids
from analyzer.output.ranking import rank_results
from analyzer.output.ranking_io import DUPLICATE, ranking_csv, write_ranking
from analyzer.output.review import DATE_PLACEHOLDER, UNIT_PLACEHOLDER, Letterhead, build_comment, render_markdown
from analyzer.output.site import render_index
from analyzer.pipeline import RunResult
from analyzer.scoring import load_config, score_report

ALL_VERIFIED = "第三、四部分表格数据经核验未见勾稽关系错误"


def _tables_with(cells: dict[str, int | None], ambiguous: dict[str, str] | None = None, template: str = "2021"):
    """The full, consistent tables with some cells changed; ``ambiguous`` cells are left None with their digit run."""
    t = full_tables(template)
    values = {tb: {r: dict(c) for r, c in rows.items()} for tb, rows in t.values.items()}
    for key, v in {**cells, **{k: None for k in (ambiguous or {})}}.items():
        tb, row, col = key.split(".")
        values[tb][row][col] = v
    return replace(t, values=values, ambiguous=frozenset(ambiguous or {}), remarks=dict(ambiguous or {}))


def _ambiguous_finding(keys: list[str], raw: str):
    return finding("tables.ambiguous_cell", "info", f"数字在原文中连写为“{raw}”，无法唯一确定，请核对原件。",
                   "二、主动公开政府信息情况 / 行政规范性文件", status="uncertain", data={"cells": keys, "raw": raw})


# ---------------------------------------------------------------- class 8: the score says only what was verified

NORMATIVE = [f"active_disclosure.normative_documents.{c}" for c in ("issued", "repealed", "in_force")]


def test_cells_that_could_not_be_read_hold_their_points_instead_of_full_marks():
    """Class 8: three ambiguous cells of table 二 are neither full marks nor a deduction: 30 × 3 / 200 held."""
    tables = _tables_with({}, {k: "693665" for k in NORMATIVE})
    result = replace(clean_result(), tables=tables, findings=with_ids([_ambiguous_finding(NORMATIVE, "693665")], "k"))
    score = score_report(result, None)
    acc = score.part("accuracy")
    assert acc.points == 29.55 and acc.pending == 0.45 and score.total == 99.55 and score.pending == 0.45
    (held,) = [r for r in acc.reasons if r.held]
    assert "“行政规范性文件”" in held.text and "待核实" in held.text and held.finding_id
    assert not any(r.rule == "tables.ambiguous_cell" for p in score.parts for r in p.reasons)  # said once, in accuracy


def test_verified_is_said_only_of_relations_computed_in_full():
    """Class 8: one unread cell of table 三 withdraws “经核验未见勾稽关系错误”; the letter names what was checked."""
    tables = _tables_with({}, {"applications.carried_forward.total": "10"})
    md = render_markdown(scored(replace(clean_result(), tables=tables)))
    assert ALL_VERIFIED not in md and "表格数据经核验未见勾稽关系错误" not in md
    assert "第四部分表格行政复议、行政诉讼各项结果之和与总计" in md and "经核验无误" in md
    assert "“第一项加第二项之和等于第三项加第四项之和”的勾稽关系" not in md.split("## 二")[0]
    assert "第三部分表格中部分数据尚待核实" in md


def test_a_number_read_in_doubt_by_ocr_verifies_nothing():
    """A scanned page's cell OCR read in doubt agrees with its total: the letter does not call the relations through it
    verified (经核验) nor the tables complete, names the table as awaiting checking, and the score holds its points."""
    tables = replace(_tables_with({}), doubtful=frozenset({"applications.granted.total"}))
    result = scored(replace(clean_result(), tables=tables))
    md = render_markdown(result)
    letter = md.split("附：待核实事项")[0]
    assert ALL_VERIFIED not in letter and "三张统计表格填报完整" not in letter
    assert "各列办理结果之和与总计" not in letter and "各行各类申请人之和与总计" not in letter  # the two relations through it
    assert "第四部分表格行政复议、行政诉讼各项结果之和与总计" in letter  # what was checked without it
    assert "第三部分表格中部分数据尚待核实" in letter
    acc = result.score.part("accuracy")
    assert acc.pending > 0 and any("图像识别存疑" in r.text for r in acc.reasons if r.held)


def test_a_doubtful_break_is_never_said_alongside_verified_relations():
    """Class 8: a letter listed 勾稽 errors after saying none were found; a doubtful break withdraws the claim."""
    doubtful = replace(BALANCE, status="uncertain")
    md = render_markdown(scored(replace(clean_result(), findings=with_ids([doubtful], "k"))))
    letter = md.split("附：待核实事项")[0]
    assert ALL_VERIFIED not in letter and "第一项加第二项之和等于第三项加第四项之和" not in letter
    assert "本年新收5件" in md.split("附：待核实事项")[1]


def test_title_with_an_abbreviated_agency_is_not_said_to_lack_it():
    """Class 9: “上海市科委” names 上海市科学技术委员会; only a title naming no agency lacks one."""
    meta = replace(clean_result().meta, title="2024年上海市科委政府信息公开工作年度报告", agency="上海市科学技术委员会", year=2024)
    score = score_report(replace(clean_result(), meta=meta), None)
    assert not [r for r in score.part("conformity").reasons if r.rule == "score.title"]
    bare = replace(meta, title="2024年政府信息公开工作年度报告")
    lost = [r for r in score_report(replace(clean_result(), meta=bare), None).part("conformity").reasons if r.points]
    assert lost and "发布机关" in lost[0].text


def test_a_sentence_taken_for_the_title_is_not_judged_nor_quoted():
    """Class 9: a preamble taken for the title: no claim about the title, no preamble in the heading or 主送."""
    preamble = "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、国务院办公厅关于明确政府信息公开工作年度报告"
    meta = replace(clean_result().meta, title=preamble, agency=preamble[:40])
    result = scored(replace(clean_result(), meta=meta))
    assert not any(r.points for r in result.score.part("conformity").reasons)
    c = build_comment(result)
    assert "根据" not in c.heading and c.heading == "关于2021年度政府信息公开工作年度报告的评审意见"  # not quoted: not its title
    assert c.addressee == "（主送单位）："


# ---------------------------------------------------------------- class 9: a letter from a supervising office

JARGON = re.compile(r"\d+(?:\.\d+)?分|扣分|满分|\d+%|超过\d|套话占|带单位的具体数字|自动核对")


def test_letter_carries_no_score_mechanics_or_tool_language():
    """Class 9: no points, no thresholds, no percentages of stock phrasing, no “自动核对”."""
    overview = replace(clean_result().sections["overview"], blocks=(clean_result().sections["overview"].blocks[0],))
    share = finding("narrative.boilerplate", "info", "总体情况和存在问题部分约63%的文字为多数报告通用的套话（如“坚持以习近平…”），内容偏少。",
                    "一、总体情况", quote="坚持以习近平…", data={"boilerplate_share": 0.63})
    result = flawed_result()
    result = replace(result, sections={**result.sections, "overview": overview},
                     findings=with_ids([*result.findings, share, replace(BALANCE, status="uncertain", where="三 / 法人")], "k"))
    result = replace(result, narrative=replace(result.narrative, boilerplate_share=0.63))
    md = render_markdown(scored(result))
    letter = md.split("附：待核实事项")[0]
    assert not JARGON.search(letter), JARGON.search(letter)
    assert "程式化表述较多（如“坚持以习近平…”）" in letter


def test_letter_has_addressee_and_signature_from_settings(tmp_path):
    """Class 9: 主送 is the agency; 落款 unit and date come from the settings or stay visible placeholders."""
    result = scored(clean_result())
    c = build_comment(result)
    assert c.addressee == "某某市某某区人民政府："
    assert c.signature == (UNIT_PLACEHOLDER, DATE_PLACEHOLDER)
    cfg_file = tmp_path / "review.toml"
    cfg_file.write_text('[review]\nunit = "某某市人民政府办公室"\ndate = "2026年3月1日"\n', encoding="utf-8")
    cfg = load_config(cfg_file)
    assert cfg.label == load_config(None).label  # who signs is not a weight
    assert build_comment(result, Letterhead.of(cfg)).signature == ("某某市人民政府办公室", "2026年3月1日")
    md = render_markdown(result, Letterhead.of(cfg, reviewer="某某市政务公开办公室"))
    assert md.rstrip().endswith("某某市政务公开办公室\n\n2026年3月1日")


def test_advice_names_only_what_the_report_lacks():
    """Class 9: a missing 监督保障 part asks for it alone, never for the five parts the overview already has."""
    missing = finding("overview.missing_part", "warning", "总体情况未涉及“监督保障”方面的工作。", "一、总体情况 / 监督保障",
                      data={"part": "监督保障"})
    c = build_comment(scored(replace(clean_result(), findings=with_ids([missing], "k"))))
    assert c.suggestions == ["在总体情况中补充“监督保障”方面的工作情况。"]


def test_counts_and_advice_follow_the_findings_that_stand():
    """Class 9: a doubtful error is neither counted, nor advised on, nor a reason to republish."""
    doubtful = replace(BALANCE, status="uncertain")
    c = build_comment(scored(replace(clean_result(), findings=with_ids([doubtful, VAGUE], "k"))))
    assert "1项需改进之处" in c.overall and "错误" not in c.overall
    assert len(c.suggestions) == 1 and "第五部分" in c.suggestions[0]
    assert c.closing is None and len(c.pending) == 1


# ---------------------------------------------------------------- class 10: ranking as a supervisor ranks


def _run(*results, previous=None) -> RunResult:
    return RunResult(results=list(results), failures=[], previous=dict(previous or {}))


def _report(source: str, agency: str, year: int, level: str = "county", flawed: bool = False):
    base = flawed_result(source) if flawed else clean_result(source)
    return scored(replace(base, meta=replace(base.meta, agency=agency, year=year, level=level)))


def test_one_ranking_per_year_and_a_level_filter(tmp_path):
    """Class 10: two years give two rankings, ranks restart; --level and --year narrow the ranking."""
    run = _run(
        _report("a21.txt", "甲县人民政府", 2021), _report("b21.txt", "乙县人民政府", 2021, flawed=True),
        _report("a22.txt", "甲县人民政府", 2022, flawed=True), _report("c22.txt", "丙镇人民政府", 2022, "township"),
    )
    ranking = rank_results(run, None)
    assert [(y, [r.rank for r in rows]) for y, rows in ranking.by_year()] == [(2022, [1, 2]), (2021, [1, 2])]
    wb = load_workbook(write_ranking(ranking, tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["2022年度得分", "2021年度得分", "问题清单", "说明"]
    rows = list(csv.reader(io.StringIO(ranking_csv(ranking))))[1:]
    assert [(r[0], r[2]) for r in rows] == [("1", "2022"), ("2", "2022"), ("1", "2021"), ("2", "2021")]
    county = rank_results(run, None, level="county", year=2022)
    assert [r.source for r in county.ranked] == ["a22.txt"] and ("级别", "县级") in county.filters
    html = render_index(run, ranking)
    assert "2022年度排名" in html and "2021年度排名" in html and 'id="f-lv-township"' in html and "<script" not in html


def test_the_same_report_twice_is_counted_once_with_a_note(tmp_path):
    """Class 10: the same content under two file names (two formats) is ranked once; the other is listed."""
    pdf, txt = _report("x.pdf", "甲县人民政府", 2021), _report("x.txt", "甲县人民政府", 2021)
    ranking = rank_results(_run(pdf, txt, _report("y.txt", "乙县人民政府", 2021, flawed=True)), None)
    assert [r.source for r in ranking.ranked] == ["x.pdf", "y.txt"]
    assert ranking.ranked[0].duplicates == ("x.txt",)
    (dup,) = ranking.duplicates
    assert dup.source == "x.txt" and dup.same_content and "内容相同" in dup.note
    rows = list(csv.reader(io.StringIO(ranking_csv(ranking))))
    assert any(r[3] == "x.txt" and r[5] == DUPLICATE and "x.pdf" in r[-2] for r in rows)


def test_one_agency_under_two_name_forms_is_one_agency():
    """Class 10: 管委会 and 管理委员会 are one agency (linking.agency_key): once per year, one name in every year."""
    a = _report("p21.txt", "平潭综合实验区管委会", 2021)
    b = _report("p21b.txt", "平潭综合实验区管理委员会", 2021, flawed=True)
    b = replace(b, tables=_tables_with({"active_disclosure.administrative_license.decisions": 12}))  # other content
    c = _report("p22.txt", "平潭综合实验区管理委员会", 2022)
    ranking = rank_results(_run(a, b, c), None)
    assert len(ranking.ranked) == 2 and len(ranking.duplicates) == 1 and not ranking.duplicates[0].same_content
    assert len({r.agency for r in ranking.ranked}) == 1


# ---------------------------------------------------------------- the command line


def test_cli_reviewer_signs_and_rank_filters(tmp_path):
    """Classes 9 and 10 through the CLI: --reviewer signs the letter; rank --level/--year narrow the ranking."""
    from typer.testing import CliRunner

    from analyzer.cli import app
    from conftest import CORPUS

    seed = CORPUS / "000_d1513ee4e846cccb.txt"
    runner = CliRunner()
    out = runner.invoke(app, ["review", str(seed), "--reviewer", "某某区政务公开办公室"])
    assert out.exit_code == 0 and "某某区政务公开办公室" in out.stdout and "朱家房镇人民政府：" in out.stdout
    ranked = runner.invoke(app, ["rank", str(seed), str(CORPUS / "001_dc17ca86c1b8bf45.txt"), "--level", "township"])
    assert ranked.exit_code == 0 and "朱家房镇" in ranked.stdout and "殷都区" not in ranked.stdout
    none = runner.invoke(app, ["rank", str(seed), "--year", "2019"])
    assert none.exit_code == 0 and "朱家房镇" not in none.stdout


def test_a_placeholder_is_not_said_misread():
    """Seed 000 with “—” in two columns of table 三: the score said the cells' 数字未能准确读取（填写为文字或符号）, but the
    “—” was read exactly as written; it says they hold no number. A number with a stray character (“3O”) is misread."""
    keys = ["applications.granted.research_institution", "applications.granted.public_interest_org"]
    t = _tables_with({k: None for k in keys})
    dash = replace(t, remarks={k: "—" for k in keys})
    held = [r for p in score_report(replace(clean_result(), tables=dash), None, False).parts for r in p.reasons
            if r.rule == "score.unverified"]
    assert len(held) == 1 and "2个单元格填写为文字或符号，不是数字" in held[0].text and "未能准确读取" not in held[0].text
    damaged = replace(t, remarks={keys[0]: "3O", keys[1]: "—"}, unread={keys[0]: "damaged"})
    (held,) = [r for p in score_report(replace(clean_result(), tables=damaged), None, False).parts for r in p.reasons
               if r.rule == "score.unverified"]
    assert "的数字未能准确读取（数字夹有非数字字符、填写为文字或符号）" in held.text
