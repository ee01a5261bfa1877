"""What the narrative findings say about 五 and 总体情况 is what the report says (issue 9, classes 6 and 9).

Hand-made sections. The cases marked *fails before* raised a false or misquoted
finding on the code this change started from.
"""

from __future__ import annotations

import pytest

from dataclasses import replace

from analyzer.model import Block, Section, Statement
from analyzer.narrative import analyze_narrative

from test_narrative_rules import FULL_OVERVIEW as OVERVIEW
from test_narrative_rules import META_2021 as META
from test_narrative_rules import TITLES


def sections(**texts: str) -> dict[str, Section]:
    texts = {"overview": OVERVIEW, "other": "本年度未收取信息处理费。", **texts}
    return {k: Section(k, TITLES[k], tuple(Block("paragraph", p) for p in v.split("\n"))) for k, v in texts.items()}


def findings_of(rule: str, **texts: str) -> list:
    return [f for f in analyze_narrative(sections(**texts), META, None)[1] if f.rule == rule]


# --- problems.vague: a concrete, self-critical problem is not 泛泛而谈 ---------------------------------


@pytest.mark.parametrize("problem", [
    "部分公开文件中存在错别字。",
    "个别单位公开信息时未对申请人身份证号码进行脱敏处理。",
    "个别依申请答复超过法定期限。",
    # named states of the work (audit of the review letters, real reports and seeds):
    "政务公开队伍建设还需进一步加强，个别单位存在人员配备不足、兼职多、流动性过快的问题。",
    "部分专栏信息更新具有滞后性，部分应事前公开的内容变成了事后公开。",
])
def test_a_named_mistake_is_not_vague(problem: str) -> None:
    """Fails before (the first two): a named kind of mistake, a named lapse with personal data were called 泛泛而谈."""
    assert findings_of("problems.vague", problems=f"{problem}下一步将加强发布前审核，每月开展一次检查。") == []


def test_stock_problems_are_vague_and_quoted_without_the_opening() -> None:
    """Fails before: the section's opening sentence was quoted as a problem, and the problems were counted
    by sentences ("所列2个问题") although one sentence listed three."""
    five = ("2021年，本区政府信息公开工作取得一定的成效，但对照上级要求，仍存在一定差距。"
            "如依申请公开工作规范性还有待提高、政务公开内容的深度和广度还有待提升、政务公开队伍建设有待加强等。"
            "下一步，将切实抓好以下工作：一是加强业务培训。二是优化工作流程。")
    (f,) = findings_of("problems.vague", problems=five)
    assert "取得一定的成效" not in f.message and "取得一定的成效" not in f.quote
    assert f.quote.startswith("依申请公开工作规范性")
    assert "个问题" not in f.message


@pytest.mark.parametrize("problem", [
    "新《条例》实施后，专业领域的理论学习仍需加强，决策公开仍需进一步加强。",
    "公开的长效工作机制建设不够“全”，政策解读形式不够丰富。",
])
def test_the_regulation_or_a_slogan_in_quotes_names_nothing(problem: str) -> None:
    """Fails before: any 《》 or “” made a problem concrete, so stock problems escaped problems.vague."""
    assert len(findings_of("problems.vague", problems=f"{problem}下一步将加强培训。")) == 1


def test_praise_of_section_five_rests_on_a_specific_problem_with_its_measure() -> None:
    """Fails before: "列明了具体问题并提出改进措施" was said whenever no finding on 五 was raised."""
    from analyzer.model import ReportMeta, ReportResult
    from analyzer.output.review_overall import strengths

    def praised(five: str) -> bool:
        secs = sections(problems=five)
        narrative, findings = analyze_narrative(secs, META, None)
        result = ReportResult(source="x.txt", format="txt", meta=META, sections=secs, narrative=narrative,
                              findings=tuple(f for f in findings if f.rule != "problems.vague"))
        return "存在问题部分列明了具体问题并提出改进措施" in strengths(result)

    assert praised("部分公开文件中存在错别字。下一步将加强发布前审核，每月开展一次检查。")
    assert not praised("政策解读形式不够丰富，工作机制有待完善。下一步将加强培训。")


# --- problems.missing: a section that states a problem is not "未写明任何具体问题" -------------------------


def test_a_problem_the_classifier_did_not_label_still_counts() -> None:
    five = "对照上级新要求和公众新期待，我区在政策解读的形式上仍显单一，图解、视频解读偏少。下一步将丰富解读形式。"
    assert findings_of("problems.missing", problems=five) == []


@pytest.mark.parametrize("text", ["原有栏目结构无法满足机构调整后的发布需要。", "公开方式与群众的新期待还不相适应。"])
def test_falling_short_of_a_need_states_a_problem(text: str) -> None:
    from analyzer.narrative.problems import states_problem

    assert states_problem(text)


@pytest.mark.parametrize("five", [
    "针对依申请公开答复中有2件超过法定期限的问题，我镇已建立答复时限台账，逐件跟踪。",
    "针对政务新媒体“朱阳关发布”更新频率偏低等问题，我镇已明确专人负责，每周更新。",
])
def test_a_measure_that_names_the_problem_it_answers_states_it(five: str) -> None:
    """Fails before: “未写明任何具体问题” of a 五 whose one sentence names its problem after 针对; the same
    sentence says what was done about it, so it is not a problem without a measure either."""
    assert findings_of("problems.missing", problems=five) == []
    assert findings_of("problems.no_measures", problems=five) == []


def test_a_turn_that_names_no_problem_states_none() -> None:
    five = "针对上述问题，我镇已建立工作台账，逐项整改。"
    assert [f.rule for f in findings_of("problems.missing", problems=five)] == ["problems.missing"]


def test_ritual_only_section_states_no_problem() -> None:
    five = "2021年，我局政务公开工作取得一定成效，但仍存在一些不足。下一步，我局将继续加强政务公开工作，不断提升公开质量。"
    (f,) = findings_of("problems.missing", problems=five)
    assert "笼统" in f.message and "取得一定成效" in f.quote


def test_no_measures_message_counts_nothing() -> None:
    (f,) = findings_of("problems.no_measures", problems="主要问题：政策解读形式单一、图解解读仅2篇、政务新媒体更新不及时。")
    assert "个问题" not in f.message and "政策解读形式单一" in f.message


# --- overview.missing_part: every part looked for by its vocabulary, in the whole section ---------------


def test_parts_under_sub_headings_of_other_names_are_found() -> None:
    """Fails before: 监督保障 under "工作机制保障" (a coordination group) and 主动公开 written as
    "公开公安政府信息184条" were said missing."""
    overview = ("（一）责任落实更严格。全年累计公开公安政府信息184条，全文电子化达100%。\n"
                "（二）工作机制保障。设立政务公开工作协调小组，统筹协调各处室共同推进。\n"
                "（三）依申请办理。收到政府信息公开申请1件，已按时答复。\n"
                "（四）规范管理。严格落实发布前保密审查。\n"
                "（五）公开载体。在门户网站开设户籍管理子栏目。")
    assert findings_of("overview.missing_part", overview=overview) == []


def test_a_part_nothing_speaks_of_says_what_was_searched() -> None:
    overview = ("（一）主动公开情况。全年通过多种渠道主动公开政府信息，及时发布政策文件。\n"
                "（二）依申请公开办理。按时答复申请人。\n"
                "（三）信息管理。落实发布前保密审查。\n"
                "（五）强化监督考核。将政务公开纳入年度绩效考核。")
    (f,) = findings_of("overview.missing_part", overview=overview)
    assert f.data["part"] == "平台建设" and "网站" in f.message and "未见" in f.message


def test_a_problem_labelled_a_measure_is_not_its_own_measure() -> None:
    five = "对照上级新要求和公众新期待，我区在政策解读的形式上仍显单一，图解、视频解读偏少。"
    assert findings_of("problems.missing", problems=five) == []
    (f,) = findings_of("problems.no_measures", problems=five)
    assert "政策解读的形式上仍显单一" in f.message


# --- problems.missing claims an absence: only what was read with confidence confirms it ------------------


def test_what_the_report_calls_its_problems_is_a_problem() -> None:
    """Fails before: a problem written without a shortcoming word ("…无法满足…需要") and read as work done,
    followed by "根据上述问题，…采取以下措施", was said to be no problem at all (an error finding; 市科委 2024)."""
    from analyzer.narrative.problems import check_problems

    five = [_statement("本局机构改革后职能调整较大，原有网站栏目和信息公开目录结构无法满足新的发布需要。", "achievement", 0.8),
            _statement("根据上述问题，本局采取以下措施", "statement", 0.99),
            _statement("调整政府信息公开目录。", "measure", 0.9)]
    assert [f.rule for f in check_problems(five, sections(problems="x"))] == []
    # the same sentences in a section that written text confirms: the report's own words are used
    assert findings_of("problems.missing", problems="（一）主要问题\n" + five[0].text + "\n（二）改进情况\n"
                       "根据上述问题，本局采取以下措施：一是调整政府信息公开目录。二是重新设计网站政务公开栏目。") == []


def test_a_back_reference_does_not_make_the_ritual_a_problem() -> None:
    five = ("2022年，我局政务公开工作取得一定成效，但仍存在一些不足。"
            "针对上述问题，我局将继续加强政务公开工作，不断提升公开质量。")
    (f,) = findings_of("problems.missing", problems=five)
    assert f.status == "confirmed" and "笼统" in f.message


def _statement(text: str, kind: str, score: float) -> Statement:
    return Statement(text=text, section="problems", kind=kind, kind_score=score)


def test_an_absence_resting_on_an_unsure_reading_is_left_to_verify() -> None:
    """A sentence of 五 the classifier could not place may be the problem the report states: "未写明任何
    具体问题" is then 待核实, never confirmed."""
    from analyzer.narrative.classify import UNCERTAIN
    from analyzer.narrative.problems import check_problems

    secs = sections(problems="x")
    unsure = [_statement("本局各科室对公开要求的理解存在差别，做法各异。", "achievement", UNCERTAIN - 0.2),
              _statement("下一步将统一标准。", "measure", 0.9)]
    (f,) = check_problems(unsure, secs)
    assert f.rule == "problems.missing" and f.status == "uncertain" and "请核对原件" in f.message
    sure = [replace(unsure[0], kind_score=UNCERTAIN + 0.2), unsure[1]]
    (f,) = check_problems(sure, secs)
    assert f.rule == "problems.missing" and f.status == "confirmed"


# --- problems.unanswered: a problem no other statement of 五 touches, left to be verified ----------------

_MEASURES_ON_APPLICATIONS = (
    "下一步，我们将重点做好以下工作：一是优化依申请公开办理流程，严格按照法定期限答复申请人。"
    "二是定期组织业务培训，提升工作人员依法答复能力。"
    "三是编制答复文书模板，统一答复格式和法律依据。"  # three measures for two problems: no pairing by position
)


# two problems, the second of an area (政务新媒体) none of the three measures touches
_ONE_UNANSWERED = ("2023年，我县政府信息公开工作取得一定成效，但仍存在一些不足：一是依申请公开答复文书不够规范。"
                   "二是政务新媒体账号更新不及时，运维管理薄弱。" + _MEASURES_ON_APPLICATIONS)


def test_a_problem_whose_area_no_measure_touches_is_to_be_verified_not_stated() -> None:
    (f,) = findings_of("problems.unanswered", problems=_ONE_UNANSWERED)
    assert f.status == "uncertain"  # it rests on what the measures mean: a person checks it before it is said
    assert "政务新媒体账号更新不及时" in f.message and "答复文书" not in f.message
    assert f.data["problems"] == [f.quote]


def _two_and_two(problem: str, measure: str) -> str:
    """A 五 of two problems and two measures, the first of each about 依申请 answers, the second given."""
    return ("2023年，我区政府信息公开工作取得一定成效，但仍存在一些不足：一是依申请公开答复文书不够规范。" + problem
            + "下一步，我们将重点做好以下工作：一是优化依申请公开办理流程，严格按照法定期限答复申请人。" + measure)


def test_a_problem_answered_in_one_clause_of_a_long_measure_is_not_unanswered() -> None:
    five = _two_and_two("二是工作人员专业水平不高。", "二是完善工作制度，健全协调机制，加强人才培养，提升政务公开工作质效。")
    assert findings_of("problems.unanswered", problems=five) == []


def test_a_problem_whose_own_rare_word_a_measure_repeats_is_not_unanswered() -> None:
    five = _two_and_two("二是部分栏目存在信息噪音。", "二是对历史文件全面排查，消除噪音。")
    assert findings_of("problems.unanswered", problems=five) == []


def test_no_measure_at_all_is_no_measures_not_unanswered() -> None:
    five = "2023年，我镇政府信息公开工作存在以下不足：一是政务新媒体更新不及时。二是依申请公开答复文书不够规范。"
    assert findings_of("problems.unanswered", problems=five) == []
    assert findings_of("problems.no_measures", problems=five)


def test_an_unanswered_problem_is_in_the_review_only_among_the_points_to_verify() -> None:
    from analyzer.model import ReportResult
    from analyzer.output.review import collect_items, pending_items

    result = analyze_narrative(sections(problems=_ONE_UNANSWERED), META, None)
    assert [p.untouched for p in result[0].pairs] == [False, True]
    report = ReportResult(source="x.txt", format="txt", meta=META, sections=sections(problems=_ONE_UNANSWERED),
                          findings=tuple(result[1]), narrative=result[0])
    assert "problems.unanswered" not in {it.rule for it in collect_items(report)}
    assert "problems.unanswered" in {it.rule for it in pending_items(report)}


def test_the_unanswered_evaluation_counts_a_claim_on_an_answered_problem_as_wrong(tmp_path) -> None:
    from analyzer.narrative.train import unanswered_scores

    rows = [
        ("statement", "-", "-", "2023年，我县政府信息公开工作取得一定成效，但仍存在一些不足："),
        ("problem", "application_handling", "-", "一是依申请公开答复文书不够规范。"),
        ("problem", "platform", "-", "二是政务新媒体账号更新不及时，运维管理薄弱。"),
        ("statement", "-", "-", "下一步，我们将重点做好以下工作："),
        ("measure", "application_handling", "1", "一是优化依申请公开办理流程，严格按照法定期限答复申请人。"),
        ("measure", "staff_capacity", "-", "二是定期组织业务培训，提升工作人员依法答复能力。"),
        ("measure", "application_handling", "1", "三是编制答复文书模板，统一答复格式和法律依据。"),
    ]
    path = tmp_path / "eval.tsv"

    def write() -> None:
        path.write_text("# columns\n" + "".join("e01\tproblems\t" + "\t".join(r) + "\n" for r in rows), encoding="utf-8")

    write()
    assert unanswered_scores(path) | {"wrong": []} == {"sections": 1, "gold_unanswered": 1, "claims": 1, "true": 1,
                                                        "precision": 1.0, "recall": 1.0, "wrong": []}
    # the same section where the training measure is said to answer the platform problem: the claim is wrong
    rows[5] = ("measure", "platform", "2", rows[5][3])
    write()
    got = unanswered_scores(path)
    assert (got["claims"], got["true"], got["precision"], got["recall"]) == (1, 0, 0.0, None)
    assert got["wrong"] == [("e01", "政务新媒体账号更新不及时，运维管理薄弱")]
