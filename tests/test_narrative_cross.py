"""Run-level narrative checks: boilerplate across agencies, carry-over from last year."""

from __future__ import annotations

from dataclasses import replace

from analyzer.model import Block, ReportMeta, ReportResult, Section
from analyzer.narrative import analyze, analyze_narrative, cross_report
from analyzer.narrative import boilerplate as bp
from analyzer.narrative import neardup

TITLES = {"overview": "一、总体情况", "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项"}
# Own content by the single-report judgement (a named platform, figures), shared word for word by
# many agencies: only the run can tell it is boilerplate.
SHARED_SENTENCE = "严格执行信息发布三级审核制度，所有稿件经科室负责人、分管领导和主要领导逐级审签后，统一在“阳光政务”平台发布"
OWN_PROBLEMS = [
    "一是政务新媒体账号更新不及时，全年仅更新9次。下一步将建立更新台账，每周检查2次。",
    "一是依申请答复文书引用条款不准确，被复议纠错1件。下一步将请法律顾问逐件审核，3月底前完成。",
    "一是村务公开栏内容陈旧，12个村中有5个仍为上年信息。下一步将按月更新公开栏，每月5日前完成。",
    "一是网站站内搜索结果不准确，收到群众反映7次。下一步将在6月前升级检索系统。",
    "一是兼职信息员流动频繁，全年调整4人。下一步将建立岗位交接清单，交接时间不少于3天。",
]


def report(source: str, agency: str, year: int, overview: str, problems: str) -> ReportResult:
    texts = {"overview": overview, "problems": problems, "other": "本年度未收取信息处理费。"}
    secs = {k: Section(k, TITLES[k], (Block("heading", TITLES[k]), Block("paragraph", v))) for k, v in texts.items()}
    meta = ReportMeta(f"{agency}{year}年政府信息公开工作年度报告", agency, "county", year, "2021")
    narrative, findings = analyze_narrative(secs, meta, None)
    return ReportResult(source=source, format="txt", meta=meta, sections=secs, findings=tuple(findings), narrative=narrative)


def test_sentence_shared_by_many_agencies_becomes_boilerplate():
    results = [
        report(
            f"r{i}.txt",
            f"第{i}区人民政府",
            2021,
            f"全年主动公开政府信息{100 + i * 7}条，发布政策解读{i + 3}篇。{SHARED_SENTENCE}。",
            OWN_PROBLEMS[i],
        )
        for i in range(5)
    ]
    assert not any(s.boilerplate for r in results for s in r.narrative.statements)
    out = cross_report(results, {})
    assert sorted(out) == [r.source for r in results]
    for r in results:
        narrative, findings = out[r.source]
        flagged = [s for s in narrative.statements if s.boilerplate]
        assert [s.text.rstrip("。") for s in flagged] == [SHARED_SENTENCE]
        # the evidence names the threshold (4 others share it here): the run index stops counting at
        # MIN_AGENCIES, and a streamed run (analyzer.scale) knows only that it was reached
        assert flagged[0].boilerplate_evidence == "与至少3个其他机关的报告基本相同"
        assert 0 < narrative.boilerplate_share < 0.8
        assert findings == [] or all(f.rule == "narrative.boilerplate" for f in findings)


def test_two_agencies_sharing_text_is_not_boilerplate():
    results = [report(f"r{i}.txt", f"第{i}区人民政府", 2021, f"{SHARED_SENTENCE}。全年公开信息{i}条。", "一是网站检索不便。下一步将优化检索。") for i in range(2)]
    out = cross_report(results, {})
    assert all(not s.boilerplate for r in results for s in out.get(r.source, (r.narrative, []))[0].statements if s.text == SHARED_SENTENCE)


def test_copied_from_last_year_and_repeated_problems():
    overview = "{y}年，本县认真贯彻条例，全面推进政务公开。受理政府信息公开申请8件，均按期答复。严格落实保密审查制度，坚持先审查后公开。"
    problems = "主要问题：一是政策解读形式单一，图解解读仅2篇；二是政务新媒体更新不及时。改进措施：一是丰富解读形式；二是建立新媒体更新台账。"
    last = report("a2020.txt", "甲县人民政府", 2020, overview.format(y=2020), problems)
    this = report("a2021.txt", "甲县人民政府", 2021, overview.format(y=2021), problems)
    other = report("b2021.txt", "乙县人民政府", 2021, "全年公开信息50条，组织培训2次。", "一是村务公开栏更新慢。下一步将按月更新。")
    out = cross_report([last, this, other], {"a2021.txt": last})
    narrative, findings = out["a2021.txt"]
    assert narrative.copied_share > 0.9
    assert all(s.carried_over for s in narrative.statements)
    rules = sorted(f.rule for f in findings)
    assert rules == ["narrative.copied", "problems.repeated"]
    repeated = next(f for f in findings if f.rule == "problems.repeated")
    assert repeated.data["problems"] == 2 and repeated.data["measures"] == 2
    assert "2020年报告" in repeated.message and repeated.where.startswith("五、存在的主要问题及改进情况 / 第")
    assert "与2020年报告原文相同" in repeated.message  # word for word: no need to quote it twice
    assert "b2021.txt" not in out and "a2020.txt" not in out  # nothing changed for them


def test_rewritten_report_is_not_copied():
    last = report("a2020.txt", "甲县人民政府", 2020, "全年公开信息280条。", "一是政策解读形式单一。下一步将丰富解读形式。")
    this = report("a2021.txt", "甲县人民政府", 2021, "全年通过网站和公众号发布信息1024条，其中政策文件36件。", "一是依申请答复文书引用条款不准确，被复议纠错1件。下一步将由法律顾问审核全部答复文书。")
    out = cross_report([last, this], {"a2021.txt": last})
    narrative, findings = out["a2021.txt"]
    assert narrative.copied_share == 0.0 and findings == []


def test_lsh_agrees_with_exact_pairs():
    base = ["严格执行信息发布审核制度确保信息安全准确", "加强政务新媒体管理及时关停僵尸账号", "全年主动公开政府信息三百余条涵盖各个领域"]
    items = [neardup.Item(f"g{g}", t + ("" if g % 2 else "。")) for g in range(6) for t in base]
    items += [neardup.Item("gx", "依申请公开答复文书规范化建设有待加强")]
    exact = neardup.near_duplicate_pairs(items)
    approx = neardup.near_duplicate_pairs(items, exact_limit=0)
    assert exact and {(i, j) for i, j, _ in approx} == {(i, j) for i, j, _ in exact}


def test_reference_matches_paraphrased_template_sentences():
    assert bp.match_reference("政府信息公开工作人员业务水平有待进一步提高") is not None
    assert bp.match_reference("依申请公开答复文书引用条款不准确，被复议纠错1件") is None
    assert neardup.normalize("2021年，我镇公开信息21条。") == "0年我镇公开信息21条"


def test_unknown_agencies_never_merge():
    r1 = report("x1.txt", "", 2021, f"{SHARED_SENTENCE}。", "一是网站检索不便。下一步将优化检索。")
    r1 = replace(r1, meta=replace(r1.meta, agency=None))
    assert cross_report([r1], {}) == {}


def test_shared_groups_same_with_and_without_lsh():
    items = [neardup.Item(f"g{g}", SHARED_SENTENCE + ("。" if g % 2 else "")) for g in range(6)] + [neardup.Item("h", OWN_PROBLEMS[0])]
    exact = neardup.shared_groups(items)
    approx = neardup.shared_groups(items, exact_limit=0)
    assert exact == approx and len(exact[0]) == 5 and exact[-1] == set()
    capped = neardup.shared_groups(items, cap=3, exact_limit=0)
    assert all(len(g) == 3 for g in capped[:6])


def test_copying_is_measured_per_section():
    """宿迁's rule deducts when more than half is carried over: here 总体情况 is, 五 is not."""
    overview = "{y}年，本县认真贯彻条例，全面推进政务公开。受理政府信息公开申请8件，均按期答复。严格落实保密审查制度，坚持先审查后公开。"
    last = report("a2020.txt", "甲县人民政府", 2020, overview.format(y=2020), "一是政策解读形式单一。下一步将丰富解读形式。")
    this = report(
        "a2021.txt", "甲县人民政府", 2021, overview.format(y=2021),
        "一是依申请答复文书引用条款不准确，被复议纠错1件。下一步将请法律顾问逐件审核。二是村务公开栏12个村中有5个仍为上年信息。下一步将按月更新。",
    )
    narrative, findings = cross_report([last, this], {"a2021.txt": last})["a2021.txt"]
    assert narrative.copied_by_section["overview"] == 1.0 and narrative.copied_by_section["problems"] == 0.0
    copied = next(f for f in findings if f.rule == "narrative.copied")
    assert copied.where == "一、总体情况" and "一、总体情况约100%" in copied.message
    assert copied.data["copied_by_section"] == {"overview": 1.0, "problems": 0.0}


def test_a_problem_repeated_in_other_words_is_found():
    last = report("a2020.txt", "甲县人民政府", 2020, "全年公开信息280条。", "一是解读方式不够丰富，主要是文字解读，图解、视频等形式运用不多。下一步将丰富解读形式。")
    this = report("a2021.txt", "甲县人民政府", 2021, "全年通过网站发布信息1024条。", "一是政策解读形式比较单一，图解和视频解读偏少。下一步将制作图解和短视频。")
    narrative, findings = cross_report([last, this], {"a2021.txt": last})["a2021.txt"]
    assert not any(s.carried_over for s in narrative.statements)  # no sentence is a near-duplicate…
    repeated = next(f for f in findings if f.rule == "problems.repeated")  # …but the problem is the same
    assert repeated.data["problems"] == 1 and repeated.data["measures"] == 0
    assert [p.repeats_previous for p in narrative.pairs] == [True]
    # worded otherwise: the finding quotes last year's words beside this year's, so that the match can be checked
    assert "政策解读形式比较单一" in repeated.message and "2020年报告为“解读方式不够丰富" in repeated.message
    assert repeated.data["previous_quote"].startswith("解读方式不够丰富")


def test_a_different_problem_of_the_same_area_is_not_a_repeat():
    last = report("a2020.txt", "甲县人民政府", 2020, "全年公开信息280条。", "一是网站栏目设置与部门职能不匹配。下一步将调整栏目设置。")
    this = report("a2021.txt", "甲县人民政府", 2021, "全年通过网站发布信息1024条。", "一是网站部分栏目更新不及时。下一步将实行栏目责任制。")
    out = cross_report([last, this], {"a2021.txt": last})
    narrative, findings = out.get("a2021.txt", (this.narrative, []))
    assert not any(f.rule == "problems.repeated" for f in findings)


def test_the_template_s_headings_are_neither_copied_nor_boilerplate():
    """Every agency heads the parts of 总体情况 alike every year ("（一）主动公开情况。"): a heading read as a
    statement of its own is the template's structure, so it is never carried over nor boilerplate, and counts
    in no share (hzq2024 was told it copied last year's report, on the strength of its headings)."""
    heads = ["主动公开情况", "依申请公开情况", "政府信息管理情况", "政府信息公开平台建设情况", "监督保障情况"]

    def overview(year: int, n: int) -> str:
        return "".join(f"（{'一二三四五'[i]}）{h}。{year}年第{i + 1}项工作新做法{n + i}种，发布专题{n * (i + 2)}期。" for i, h in enumerate(heads))

    problems = "一是政策解读形式单一，图解解读仅2篇。下一步将丰富解读形式。"
    results = []
    for i in range(5):  # five agencies share the headings word for word
        last = report(f"a{i}2020.txt", f"第{i}县人民政府", 2020, overview(2020, 3 + i), problems)
        this = report(f"a{i}2021.txt", f"第{i}县人民政府", 2021, overview(2021, 40 + 9 * i), OWN_PROBLEMS[i])
        results += [last, this]
    headings = [s for s in results[1].narrative.statements if analyze.is_heading(s)]
    assert [s.text.rstrip("。") for s in headings] == heads
    out = cross_report(results, {f"a{i}2021.txt": results[2 * i] for i in range(5)})
    narrative, findings = out.get("a02021.txt", (results[1].narrative, []))
    assert not any(s.carried_over or s.boilerplate for s in narrative.statements if analyze.is_heading(s))
    assert not narrative.copied_share and not narrative.copied_by_section.get("overview")
    assert "narrative.copied" not in [f.rule for f in findings]


def test_same_words_is_said_only_of_the_same_text():
    """A problem repeated with another figure after the same first 40 characters: both quotes shorten to the same
    words, but the texts differ, so the finding must not say 原文相同; it quotes both around where they differ."""
    lead = "一是政务公开栏目更新不及时，部分栏目长期未更新，信息发布时效性不强，群众查阅不便，"
    last = report("a2020.txt", "甲县人民政府", 2020, "全年公开信息280条。", lead + "全年仅更新3次。下一步将建立更新台账。")
    this = report("a2021.txt", "甲县人民政府", 2021, "全年通过网站发布信息1024条。", lead + "全年仅更新8次。下一步将实行栏目责任制。")
    _, findings = cross_report([last, this], {"a2021.txt": last})["a2021.txt"]
    repeated = next(f for f in findings if f.rule == "problems.repeated")
    assert "原文相同" not in repeated.message
    assert "8次" in repeated.quote and "3次" in repeated.data["previous_quote"]


def test_what_was_repeated_is_said_and_copied_as_is_only_of_the_same_words():
    """Fails before: every repeat ended “问题未见改进或措施原样照搬”, though a problem repeated alone has no measure to
    speak of, and a measure that shares most of last year's words (a near-duplicate) was not copied as is."""
    overview = "全年公开信息280条。"
    problem = "一是政策解读形式比较单一，图解和视频解读偏少。"
    last = report("a2020.txt", "甲县人民政府", 2020, overview,
                  problem + "下一步将每季度制作图解和短视频解读，全年不少于12期，并在政府网站解读专栏集中发布。")
    near = report("a2021.txt", "甲县人民政府", 2021, overview,
                  problem + "下一步将每季度制作图解和短视频解读，全年不少于15期，并在政府网站解读专栏集中发布。")
    _, findings = cross_report([last, near], {"a2021.txt": last})["a2021.txt"]
    repeated = next(f for f in findings if f.rule == "problems.repeated")
    assert repeated.data["measures"] == 1
    assert repeated.message.endswith("问题未见改进，措施沿用上年表述。")
    same = report("a2021.txt", "甲县人民政府", 2021, overview,
                  problem + "下一步将每季度制作图解和短视频解读，全年不少于12期，并在政府网站解读专栏集中发布。")
    _, findings = cross_report([last, same], {"a2021.txt": last})["a2021.txt"]
    assert next(f for f in findings if f.rule == "problems.repeated").message.endswith("问题未见改进，措施原样照搬。")
    alone = report("a2021.txt", "甲县人民政府", 2021, overview, problem + "下一步将开通政务短视频账号，邀请业务科室负责人出镜解读。")
    _, findings = cross_report([last, alone], {"a2021.txt": last})["a2021.txt"]
    repeated = next(f for f in findings if f.rule == "problems.repeated")
    assert repeated.data["measures"] == 0 and repeated.message.endswith("问题未见改进。")
