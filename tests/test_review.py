"""Review comments: structure, register, grouping, determinism, DOCX fonts and page setup."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from _reports import BALANCE, FEE, VAGUE, clean_result, flawed_result, scored
from analyzer.findings import with_ids
from analyzer.output.review import CLOSING, build_comment, render_markdown
from analyzer.output.review_docx import COMBINED_NAME, write_docx, write_reviews

EXCLAMATION = re.compile(r"[!！]")
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def assert_official_register(text: str) -> None:
    assert not EXCLAMATION.search(text)
    assert not EMOJI.search(text)
    assert not re.search(r"[A-Za-z]", text), "no English, no rule keys"
    assert "我" not in text.replace("我镇", "").replace("我区", "").replace("我市", "").replace("我县", "")


def test_clean_report_gets_short_comment_without_criticism():
    md = render_markdown(scored(clean_result()))
    assert md.startswith("# 关于《某某市某某区2021年政府信息公开工作年度报告》的评审意见")
    assert "总体评价" in md and "优秀" in md and "分" not in md.split("总体评价")[1].replace("部分", "")
    assert "存在的问题" not in md and "整改建议" not in md
    assert CLOSING not in md
    assert "未发现需要整改的问题" in md
    assert_official_register(md)


def test_flawed_report_lists_errors_first_grouped_by_rule():
    md = render_markdown(scored(flawed_result()))
    assert_official_register(md)
    problems = md.split("## 二、存在的问题")[1].split("## 三、整改建议")[0]
    items = [line for line in problems.splitlines() if re.match(r"\d+\. ", line)]
    assert len(items) == 4  # two balance findings grouped into one item
    assert "共2处" in items[0] and "本年新收5件" in items[0] and "本年新收9件" in items[0]
    assert "规章" in items[1]  # the other error
    assert "笼统" in items[2]  # then the warning
    assert "信息处理费" in items[3]  # then the note
    suggestions = md.split("## 三、整改建议")[1]
    assert len([line for line in suggestions.splitlines() if re.match(r"\d+\. ", line)]) == 4
    assert md.rstrip().endswith("（评审单位）\n\n　　年　　月　　日") and CLOSING in suggestions


def test_closing_only_when_errors_exist():
    result = scored(replace(clean_result(), findings=with_ids([VAGUE, FEE], "k")))
    md = render_markdown(result)
    assert "存在的问题" in md and CLOSING not in md


def test_uncertain_findings_are_left_to_the_reviewer_not_put_to_the_agency():
    """Issue 9 class 9: a doubtful finding is neither a problem nor counted; it is listed after the 落款 to verify."""
    result = scored(replace(clean_result(), findings=with_ids([replace(BALANCE, status="uncertain")], "k")))
    c = build_comment(result)
    assert not c.problems and not c.suggestions
    assert c.closing is None  # no confirmed error: no demand to republish
    assert c.pending and "本年新收5件" in c.pending[0]
    assert "第三部分表格中部分数据尚待核实" in c.overall and "未发现需要整改的问题" in c.overall
    assert "经核验" not in c.overall.split("第四部分")[0] or "第三、四部分" not in c.overall


def test_place_is_added_when_the_message_does_not_name_it():
    odd = replace(BALANCE, message="合计数不符。", where="三、收到和处理政府信息公开申请情况 / 商业企业")
    c = build_comment(scored(replace(clean_result(), findings=with_ids([odd], "k"))))
    assert "商业企业" in c.problems[0]


def test_missing_section_is_said_from_measured_fact():
    base = clean_result()
    sections = {k: v for k, v in base.sections.items() if k != "review_litigation"}
    md = render_markdown(scored(replace(base, sections=sections)))
    assert "第四部分" in md and "六个部分齐全" not in md
    assert CLOSING in md


def test_same_input_same_text():
    assert render_markdown(scored(flawed_result())) == render_markdown(scored(flawed_result()))


def _docx_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_docx_fonts_page_and_determinism(tmp_path):
    a = write_docx([scored(flawed_result())], tmp_path / "a.docx")
    b = write_docx([scored(flawed_result())], tmp_path / "b.docx")
    assert a.read_bytes() == b.read_bytes()
    xml = _docx_xml(a)
    with zipfile.ZipFile(a) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋"' in styles and 'w:eastAsia="黑体"' in styles
    assert 'w:w="11906"' in xml and 'w:h="16838"' in xml  # A4 in twips
    doc = __import__("docx").Document(str(a))
    assert doc.paragraphs[0].style.name == "评审意见标题"
    assert doc.paragraphs[2].style.name == "评审意见顶格" and doc.paragraphs[2].text == "某某镇人民政府："
    assert doc.paragraphs[3].style.name == "评审意见小标题" and doc.paragraphs[4].style.name == "Normal"
    from docx import Document

    text = "\n".join(p.text for p in Document(str(a)).paragraphs)
    assert "关于《某某镇2021年政府信息公开工作年度报告》的评审意见" in text
    assert CLOSING in text


def _whole_save(comments, path) -> bytes:
    """The bytes of the way every review was written before the reused template: open, add, save it all."""
    import io

    from analyzer.output import review_docx
    from analyzer.output._zip import write_frozen_zip

    doc = review_docx._new_document()
    review_docx._add_comments(doc, comments, None)
    buf = io.BytesIO()
    doc.save(buf)
    write_frozen_zip(buf.getvalue(), path)
    return path.read_bytes()


def test_reused_template_writes_the_bytes_of_a_whole_save(tmp_path):
    """A review DOCX writes only its word/document.xml into the template's other parts:
    the bytes are those of opening the template, adding the comments and saving it all,
    and nothing of one file is left in the next."""
    from analyzer.output import review_docx

    for results in ([scored(flawed_result())], [scored(clean_result()), scored(flawed_result())], [scored(clean_result())]):
        comments = [build_comment(r) for r in results]
        fast = review_docx.write_comments(comments, tmp_path / "fast.docx")
        assert fast.read_bytes() == _whole_save(comments, tmp_path / "whole.docx")


def test_a_failed_review_leaves_nothing_in_the_next(tmp_path, monkeypatch):
    """A comment that fails half-way (paragraphs already added) leaves the reused template blank."""
    from analyzer.output import review_docx

    real = review_docx._add_comment

    def half(doc, comment, ids):
        review_docx._add(doc, "写到一半")
        raise ValueError("half-way")

    monkeypatch.setattr(review_docx, "_add_comment", half)
    with pytest.raises(ValueError):
        review_docx.write_comments([build_comment(scored(flawed_result()))], tmp_path / "failed.docx")
    monkeypatch.setattr(review_docx, "_add_comment", real)
    comments = [build_comment(scored(clean_result()))]
    fast = review_docx.write_comments(comments, tmp_path / "next.docx")
    assert fast.read_bytes() == _whole_save(comments, tmp_path / "whole.docx")


def test_combined_docx_has_page_break_between_reports(tmp_path):
    path = write_docx([scored(clean_result()), scored(flawed_result())], tmp_path / "all.docx")
    xml = _docx_xml(path)
    assert xml.count('w:type="page"') == 1
    assert xml.count("的评审意见") == 2


def test_write_reviews_one_pair_per_report_and_combined(tmp_path):
    results = [scored(flawed_result()), scored(clean_result())]
    paths = write_reviews(results, tmp_path)
    names = sorted(p.name for p in paths)
    assert names == sorted(["clean.评审意见.md", "clean.评审意见.docx", "flawed.评审意见.md", "flawed.评审意见.docx", COMBINED_NAME])
    assert all(p.parent == tmp_path / "reviews" for p in paths)
    assert (tmp_path / "reviews" / "flawed.评审意见.md").read_text(encoding="utf-8") == render_markdown(results[0])


@pytest.mark.parametrize("severity", ["error", "warning", "info"])
def test_unknown_rule_never_leaks_its_key(severity):
    odd = replace(FEE, rule="layout.strange_thing", severity=severity, message="版式与格式不一致。")
    md = render_markdown(scored(replace(clean_result(), findings=with_ids([odd], "k"))))
    assert "layout" not in md and "版式与格式不一致" in md


def test_same_stem_in_two_formats_gets_two_reviews(tmp_path):
    results = [scored(clean_result("corpus/x.txt")), scored(clean_result("corpus/x.pdf"))]
    mds = [p for p in write_reviews(results, tmp_path) if p.suffix == ".md"]
    assert len(set(mds)) == 2


# ---------------------------------------------------------------- golden files of the seeds

from conftest import CORPUS, DATA, check_golden  # noqa: E402

GOLDEN = DATA / "golden"
SEEDS = sorted(p.name for p in CORPUS.glob("00[0-9]_*.txt"))


@pytest.fixture(scope="module")
def seed_run():
    from analyzer.pipeline import analyze_run

    run = analyze_run([CORPUS / name for name in SEEDS])
    assert not run.failures, run.failures
    return {r.report_id: r for r in run.results}


@pytest.mark.parametrize("seed", [Path(s).stem for s in SEEDS])
def test_seed_score_and_review_golden(seed, seed_run, update_golden):
    result = seed_run[seed]
    score = json.dumps(result.score.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    review = render_markdown(result)
    assert_official_register(review.replace(result.meta.title or "", ""))
    check_golden(GOLDEN / f"{seed}.score.json", score, update_golden)
    check_golden(GOLDEN / f"{seed}.review.md", review, update_golden)


def test_doubtful_notes_about_our_reading_stay_out_of_the_comment():
    """Issue 9 class 9: a note on our own reading goes to the reviewer's list after the 落款, never into the letter."""
    note = replace(FEE, rule="tables.ambiguous_cell", status="uncertain", message="第二部分表格“行政许可”的数字在原文中连写为“3960181”。",
                   where="二、主动公开政府信息情况 / 行政许可", data={"cells": ["active_disclosure.administrative_license.decisions"]})
    md = render_markdown(scored(replace(clean_result(), findings=with_ids([note], "k"))))
    letter, appendix = md.split("附：待核实事项")
    assert "3960181" not in letter and "存在的问题" not in letter and "3960181" in appendix
    assert "第二部分表格中部分数据尚待核实" in letter


def test_a_parenthesis_after_a_full_stop_ends_the_item():
    """Fails before: "…请核对原件。）" became "…请核对原件。）。" in the letter."""
    note = replace(BALANCE, status="uncertain", message=BALANCE.message.rstrip("。") + "。（表格中另有若干行数字未能对应到模板行次，请核对原件。）")
    c = build_comment(scored(replace(clean_result(), findings=with_ids([note], "k"))))
    assert c.pending and c.pending[0].endswith("请核对原件。）") and "。）。" not in c.pending[0]


def test_the_table_data_suggestion_names_no_ledger_the_finding_is_not_kept_in():
    """A 现行有效件数 of 行政规范性文件 is not in the application ledger: the suggestion must not send the agency there."""
    from analyzer.model import Finding

    in_force = Finding("continuity.in_force", "warning", "第二部分表格中“行政规范性文件”现行有效件数为7件，而2021年度报告现行有效2件，"
                       "加本年制发4件、减本年废止1件应为5件，前后不衔接，请说明原因。", "二、主动公开政府信息情况")
    md = render_markdown(scored(replace(clean_result(), findings=with_ids([in_force], "k"))))
    advice = md.split("## 三、整改建议")[1]
    assert "现行有效件数" in advice and "申请办理台账" not in advice
