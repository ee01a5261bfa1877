"""Section headings as real reports print them (issue 9, class 6: parts said missing that are there).

Hand-made documents: a heading with a wrong character, a shortened title, a heading
run into its text, a heading nothing recognises above the table that stands for its
section, and sentences that must never be taken for headings. The cases marked
*fails before* lost or mis-cut a section on the code this change started from.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.model import Block, Document
from analyzer.sections import split_sections

BODY = {
    "overview": "2021年，本机关主动公开政府信息120条。",
    "active_disclosure": "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0",
    "applications": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n申请人情况\n一、本年新收政府信息公开申请数量\t8\t0\t0\t0\t0\t0\t8",
    "review_litigation": "行政复议\t行政诉讼\n未经复议直接起诉\t复议后起诉\n0\t0\t0\t0\t0",
    "problems": "一是政策解读形式单一。下一步将丰富解读形式。",
    "other": "本年度未收取信息处理费。",
}
HEADINGS = {
    "overview": "一、总体情况", "active_disclosure": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况", "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项",
}


def document(headings: dict[str, str] | None = None, run_together: bool = False, body: dict[str, str] | None = None) -> Document:
    heads = {**HEADINGS, **(headings or {})}
    texts = {**BODY, **(body or {})}
    blocks = [Block("heading", "某区人民政府2021年政府信息公开工作年度报告")]
    for key, head in heads.items():
        lines = texts[key].split("\n")
        if run_together:
            blocks.append(Block("paragraph", head + lines[0]))
        else:
            blocks.append(Block("paragraph", head))
            blocks.append(Block("paragraph", lines[0]))
        blocks.extend(Block("paragraph", line) for line in lines[1:])
    return Document(Path("x.txt"), "txt", tuple(blocks))


def test_a_wrong_character_in_a_short_title() -> None:
    """Fails before: "一、总体倩况" (75 % like the title) was no heading, and 总体情况 was said missing."""
    sections = split_sections(document({"overview": "一、总体倩况"}))
    assert set(sections) == set(HEADINGS)
    assert sections["overview"].text.startswith("2021年")


def test_a_wrong_character_in_a_title_run_into_its_text() -> None:
    """Fails before: the heading with a typo, run into its first sentence, was not found."""
    sections = split_sections(document({"overview": "一、总体倩况"}, run_together=True))
    assert "overview" in sections
    assert sections["overview"].title == "一、总体倩况" and sections["overview"].text.startswith("2021年")


def test_a_shortened_title_is_the_whole_heading_line() -> None:
    """Fails before: "五、存在的问题及改进措施" kept "及改进措施" as the section's first paragraph."""
    sections = split_sections(document({"problems": "五、存在的问题及改进措施", "other": "六、其他需报告的事项"}))
    assert sections["problems"].title == "五、存在的问题及改进措施"
    assert sections["problems"].text.startswith("一是政策解读")
    assert sections["other"].text.startswith("本年度未收取")


def test_a_heading_nothing_recognises_is_found_by_its_table() -> None:
    """Fails before: with its heading unrecognisable, section 三 was said missing although its table is there."""
    sections = split_sections(document({"applications": "三、依申请办理数据统计"}))
    assert "applications" in sections
    assert "本年新收政府信息公开申请数量" in sections["applications"].text
    assert "依申请办理数据统计" in sections["active_disclosure"].text  # the lost heading stays in the text before


def test_sentences_are_never_headings() -> None:
    overview = "2021年，本机关主动公开政府信息120条。\n一、总体上看，全年工作平稳有序。\n本年度新收政府信息公开申请数量较上年有所增加。"
    sections = split_sections(document(body={"overview": overview}))
    assert list(sections) == list(HEADINGS)
    assert "总体上看" in sections["overview"].text and "较上年有所增加" in sections["overview"].text


def test_a_numbered_sub_item_of_another_name_is_not_a_section() -> None:
    overview = "2021年，本机关主动公开政府信息120条。\n六、政府信息公开平台建设\n优化政府网站栏目。"
    sections = split_sections(document(body={"overview": overview}))
    assert "政府网站" in sections["overview"].text
