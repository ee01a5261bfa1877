"""Sentences, enumerated items and lead-ins of 总体情况 and 五 (analyzer.narrative.segment)."""

from __future__ import annotations

import pytest

from analyzer.ingest import read_document
from analyzer.narrative.analyze import section_body
from analyzer.narrative.segment import lead_in_context, segment_text, split_problem_measure, tokenize
from analyzer.sections import split_sections

from conftest import CORPUS


def _problems(name: str):
    secs = split_sections(read_document(CORPUS / name))
    return segment_text(section_body(secs["problems"]))


def test_seed000_problems_split_into_four_items_each():
    segs = _problems("000_d1513ee4e846cccb.txt")
    problems = [s for s in segs if s.context == "problem"]
    measures = [s for s in segs if s.context == "measure" and not s.lead_in]
    assert [s.part for s in problems] == ["一是", "二是", "三是", "四是"]
    assert [s.part for s in measures] == ["一要", "二要", "三要", "四要"]
    # The explanation after "四是、信息公开数量少。" belongs to item four.
    assert problems[3].text.startswith("信息公开数量少") and "近两年无政府信息公开申请" in problems[3].text
    lead = [s for s in segs if s.lead_in]
    assert len(lead) == 1 and lead[0].text.startswith("在接下来的工作中")


def test_enumerations_of_every_shape():
    text = "（一）主要问题\n一是解读形式单一；二是网站检索不便。\n（二）改进措施\n1.丰富解读形式。2.优化检索功能。\n①加强培训；②完善考核。"
    segs = segment_text(text)
    assert [s.text.rstrip("。；") for s in segs] == ["解读形式单一", "网站检索不便", "丰富解读形式", "优化检索功能", "加强培训", "完善考核"]
    assert [s.context for s in segs] == ["problem", "problem", "measure", "measure", "measure", "measure"]


def test_last_years_problems_fixed_are_work_done_then_problems_then_measures():
    text = (
        "（一）上一年度存在问题及改进情况\n针对栏目更新慢的问题，已明确专人每周更新。\n"
        "（二）存在的主要问题\n一是解读形式单一；二是网站检索不便。\n（三）改进措施\n1.丰富解读形式。2.优化检索功能。"
    )
    assert [s.context for s in segment_text(text)] == ["achievement", "problem", "problem", "measure", "measure"]


def test_problem_and_measure_in_one_sentence_are_split_where_the_measure_begins():
    assert split_problem_measure("政策解读形式较为单一，下一步将丰富解读形式") == ["政策解读形式较为单一。", "下一步将丰富解读形式"]
    # No problem cue before: a plain measure stays whole.
    assert split_problem_measure("加强业务培训，将培训纳入年度计划") == ["加强业务培训，将培训纳入年度计划"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("主要问题：", "problem"),
        ("存在的问题主要有以下几个方面：", "problem"),
        ("下一步，我们将重点做好以下工作：", "measure"),
        ("针对2024年工作中存在的主要问题，重点采取如下改进措施。", "measure"),
        ("全年公开信息312条。", None),
        # last year's problems and how they were fixed: work done follows (r14e)
        ("上年度问题整改情况：", "achievement"),
        ("关于上年度存在问题的整改情况", "achievement"),
        ("上一年度存在问题及改进情况：", "achievement"),
        ("2023年度问题整改情况", "achievement"),
        ("存在的主要问题及改进情况", "measure"),  # the title of 五, no past year
        ("本年度存在的问题：", "problem"),
    ],
)
def test_lead_in_context(text, expected):
    assert lead_in_context(text) == expected


def test_flattened_web_page_heading_runs_into_text():
    segs = segment_text("存在的主要问题及改进情况（一）存在的主要问题:政策解读形式不够丰富。政务公开渠道有限。（二）改进措施：一是丰富解读形式。")
    assert [s.context for s in segs if "解读" in s.text or "渠道" in s.text] == ["problem", "problem", "measure"]


def test_template_citations_are_not_items():
    segs = segment_text("按照第二十条第（一）项的规定公开规章0件。")
    assert len(segs) == 1


def test_tokens_use_the_domain_dictionary():
    assert "依申请公开" in tokenize("依申请公开答复不规范")
    assert "政府信息公开指南" in tokenize("政府信息公开指南未及时更新")


@pytest.mark.parametrize("text, parts", [
    # Fail before (one statement): three or more problems listed in one sentence, each with its shortcoming.
    ("如依申请公开工作规范性还有待提高、政务公开内容的深度和广度还有待提升、政务公开队伍建设有待加强等。", 3),
    ("个别部门研判能力不足，答复文书规范性有待提升，协调处理机制尚需完善，政策解读的形式还不够丰富。", 4),
    # A clause without a shortcoming: one problem explained.
    ("受人员编制限制，各单位信息公开多由办公室人员兼职经办，流动性较大，导致规范程度不高。", 1),
    # Two clauses: the second is as often the first one's detail.
    ("政策解读质量仍需提升，个别单位政策解读内容简单、形式单一。", 1),
    # Several sentences, or a measure: not a list of problems.
    ("公开机制建设不够全面。虽然制定了制度，但仍然有待完善，执行还不够到位。", 1),
    ("政策解读形式不够丰富，下一步将加强图解解读，提升解读质量。", 1),
])
def test_problems_listed_in_one_sentence_are_statements_of_their_own(text, parts):
    from analyzer.narrative.segment import split_problem_list

    got = split_problem_list(text)
    assert len(got) == parts
    if parts > 1:
        assert all(p.endswith("。") for p in got) and "有待提升" in "".join(got)


OVERVIEW_ITEMS = (
    "（一）健全组织领导。及时调整政府信息公开工作领导小组成员，分管副镇长任组长。领导小组下设办公室，负责日常工作。"
    "（二）稳妥推进依申请公开。全年受理政府信息公开申请12件，均按期答复。"
)


def test_the_heading_sentence_of_an_overview_item_is_a_statement_of_its_own():
    """spec/taxonomy.md §1 counts every sentence: the heading sentence of an item of 总体情况 is not the work done.
    The work done after it stays one statement: read one by one, its sentences look like promises."""
    segs = segment_text(OVERVIEW_ITEMS, "overview")
    assert [(s.part, s.text) for s in segs] == [
        ("（一）", "健全组织领导。"),
        ("（一）", "及时调整政府信息公开工作领导小组成员，分管副镇长任组长。领导小组下设办公室，负责日常工作。"),
        ("（二）", "稳妥推进依申请公开。"),
        ("（二）", "全年受理政府信息公开申请12件，均按期答复。"),
    ]
    assert not any(s.lead_in for s in segs)  # what follows a heading never introduces the next item
    # An item that opens with work done keeps its sentences together, even a short second one.
    assert [s.text for s in segment_text("（三）全年发布信息120条。按时更新栏目。", "overview")] == ["全年发布信息120条。按时更新栏目。"]
    # In 五 every sentence of an item is a statement, with the item's sub-part (pairing.py pairs item by item);
    # with no section given an item keeps its sentences together.
    assert [(s.part, s.text[:6]) for s in segment_text(OVERVIEW_ITEMS, "problems")] == [
        ("（一）", "健全组织领导"), ("（一）", "及时调整政府"), ("（一）", "领导小组下设"), ("（二）", "稳妥推进依申"), ("（二）", "全年受理政府"),
    ]
    assert [s.part for s in segment_text(OVERVIEW_ITEMS)] == ["（一）", "（二）"]


def test_the_heading_sentence_of_an_overview_item_is_read_as_a_statement():
    from analyzer.narrative import analyze
    from analyzer.narrative.analyze import label_segments

    statements = label_segments([("overview", s) for s in segment_text(OVERVIEW_ITEMS, "overview")])
    kinds = {s.text: s.kind for s in statements}
    assert kinds["健全组织领导。"] == "statement" and kinds["稳妥推进依申请公开。"] == "statement"
    assert kinds["全年受理政府信息公开申请12件，均按期答复。"] == "achievement"
    assert not any(analyze.is_heading(s) for s in statements if s.kind != "statement")
