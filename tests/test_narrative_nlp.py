"""The spaCy pipeline of the narrative: statement spans, counts with units, stock phrases, labels as extensions."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("spacy")

from spacy.tokens import Span  # noqa: E402

from analyzer.ingest import read_document  # noqa: E402
from analyzer.narrative import analyze, features, nlp  # noqa: E402
from analyzer.narrative.analyze import section_body  # noqa: E402
from analyzer.narrative.segment import clean_text, get_tokenizer, jieba_words, segment_text  # noqa: E402
from analyzer.sections import split_sections  # noqa: E402

from conftest import CORPUS  # noqa: E402

SEED000 = CORPUS / "000_d1513ee4e846cccb.txt"


@pytest.fixture(scope="module")
def seed_sections():
    return split_sections(read_document(SEED000))


def test_statement_spans_are_the_segmenter_s_statements(seed_sections):
    text = section_body(seed_sections["problems"])
    doc = nlp.read_section(text, "problems")
    spans = list(doc.spans["statements"])
    assert [s._.segment for s in spans] == segment_text(clean_text(text), "problems")
    for span in spans:
        assert span.text.startswith(span._.segment.text[:4])
        # a statement starts a sentence, or its item marker (一是, （二）) does
        # (a later sentence of an item carries the item's sub-part, and starts its own sentence)
        assert re.match(re.escape(span._.segment.part) + r"[、，：.]?" + re.escape(span.text[:4]), span.sent.text) or span.sent.text.startswith(span.text[:4])
    assert [s._.kind for s in spans].count("problem") == 5 and [s._.kind for s in spans].count("measure") == 6
    assert all(0.0 < s._.probability <= 1.0 for s in spans)
    assert all(s._.category for s in spans if s._.kind in ("problem", "measure"))
    assert any(s._.boilerplate and s._.evidence for s in spans)


@pytest.mark.parametrize(
    "text, statements, sentences",
    [
        (  # 一是/二是 inside one sentence: the marker opens the item's sentence, never closes the one before
            "一是公开内容不全面，二是解读形式单一，三是网站更新慢。",
            ["公开内容不全面", "解读形式单一", "网站更新慢"],
            ["一是公开内容不全面，", "二是解读形式单一，", "三是网站更新慢。"],
        ),
        (  # a lead-in before the list is its own sentence, not a statement
            "存在的问题主要有：一是公开内容不全面；二是解读形式单一。",
            ["公开内容不全面", "解读形式单一"],
            ["存在的问题主要有：", "一是公开内容不全面；", "二是解读形式单一。"],
        ),
        (
            "（一）网站栏目更新不及时。（二）政策解读形式单一。",
            ["网站栏目更新不及时", "政策解读形式单一"],
            ["（一）网站栏目更新不及时。", "（二）政策解读形式单一。"],
        ),
        (
            "1.网站栏目更新不及时。2.政策解读形式单一。3、工作人员不足。",
            ["网站栏目更新不及时", "政策解读形式单一", "工作人员不足"],
            ["1.网站栏目更新不及时。", "2.政策解读形式单一。", "3、工作人员不足。"],
        ),
        (
            "①网站栏目更新不及时；②政策解读形式单一。",
            ["网站栏目更新不及时", "政策解读形式单一"],
            ["①网站栏目更新不及时；", "②政策解读形式单一。"],
        ),
        (  # a ；-list without markers: one statement per item
            "网站栏目更新不及时；政策解读形式单一；工作人员业务能力不足。",
            ["网站栏目更新不及时", "政策解读形式单一", "工作人员业务能力不足"],
            ["网站栏目更新不及时；", "政策解读形式单一；", "工作人员业务能力不足。"],
        ),
        (  # a problem running into its measure: split where the measure begins (taxonomy §1)
            "网站栏目更新不及时，下一步将明确专人负责栏目维护。",
            ["网站栏目更新不及时", "下一步将明确专人负责栏目维护"],
            ["网站栏目更新不及时，", "下一步将明确专人负责栏目维护。"],
        ),
        (  # "针对…问题，…": the measure names its problem and stays whole
            "针对网站栏目更新不及时的问题，下一步将明确专人负责栏目维护。",
            ["针对网站栏目更新不及时的问题，下一步将明确专人负责栏目维护"],
            ["针对网站栏目更新不及时的问题，下一步将明确专人负责栏目维护。"],
        ),
    ],
)
def test_statement_and_sentence_boundaries(text, statements, sentences):
    doc = nlp.read_section(text, "problems", ("narrative_statements",))
    assert [s.text for s in doc.spans["statements"]] == statements
    assert [s.text for s in doc.sents] == sentences
    for span in doc.spans["statements"]:
        assert span.sent.text.startswith(span._.segment.part + span.text)  # one sentence: the marker, then the statement


def test_a_problem_and_its_measure_in_one_sentence_are_marked_as_split():
    doc = nlp.read_section("网站栏目更新不及时，下一步将明确专人负责栏目维护。", "problems", ("narrative_statements",))
    assert [s._.segment.split_from_previous for s in doc.spans["statements"]] == [False, True]


def test_a_measure_naming_its_problem_is_paired_with_it(monkeypatch):
    """The spaCy reader keeps "针对…问题，…" whole, and the measure answers the problem it names."""
    from analyzer.model import Block, ReportMeta, Section
    from analyzer.narrative import analyze_narrative
    from analyzer.narrative.segment import answered_problem

    text = "一是政策解读形式单一，图解解读仅2篇。二是网站栏目更新慢，群众反映较多。针对网站栏目更新慢的问题，下一步将明确专人每周检查更新。"
    assert answered_problem("针对网站栏目更新慢的问题，下一步将明确专人每周检查更新") == "网站栏目更新慢"
    title = "五、存在的主要问题及改进情况"
    secs = {"problems": Section("problems", title, (Block("heading", title), Block("paragraph", text)))}
    meta = ReportMeta("某某区2021年政府信息公开工作年度报告", "某某区人民政府", "county", 2021, "2021")
    monkeypatch.setattr(analyze, "READER", "spacy")
    result, _ = analyze_narrative(secs, meta, None)
    assert [s.kind for s in result.statements] == ["problem", "problem", "measure"]
    assert [(p.problem, p.measures, p.how) for p in result.pairs] == [(0, (), ()), (1, (2,), ("names_problem",))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全年共收到政府信息公开申请8件", [(8.0, "件", False, ("共", "收到", "政府信息公开", "申请"))]),
        ("发布信息1.2万条，参训120余人次", [(12000.0, "条", False, ("发布", "信息")), (120.0, "人次", True, ("参", "训"))]),
        ("受理申请二十件", [(20.0, "件", False, ("受理", "申请"))]),
        ("占比45.6%，同比增长3个百分点", [(45.6, "%", False, ("占", "比")), (3.0, "个百分点", False, ("同比", "增长"))]),
        ("2021年12月31日，召开会议", []),  # dates are not counts
        ("开展专题培训3次", [(3.0, "次", False, ("开展", "专题", "培训"))]),
        ("召开第3次会议，公布第二批名单", []),  # ranks are not counts
        ("发布信息1,234条，办结率98％", [(1234.0, "条", False, ("发布", "信息")), (98.0, "%", False, ("办结", "率"))]),
        ("收到申请1，234件", [(234.0, "件", False, ())]),  # a full-width comma separates clauses, never thousands
        # jieba glues Chinese numerals to their unit and 余: 三件, 十余件, 两万余+条, 三+百余条
        ("收到三件申请，受理十余件", [(3.0, "件", False, ("收到",)), (10.0, "件", True, ("受理",))]),
        ("公开信息两万余条，解读三百余条", [(20000.0, "条", True, ("公开", "信息")), (300.0, "条", True, ("解读",))]),
        ("答复时限15个工作日", [(15.0, "个工作日", False, ("答复", "时限"))]),
    ],
)
def test_find_counts(text, expected):
    got = nlp.find_counts(text)
    assert [(c.value, c.unit, c.approximate, c.before) for c in got] == expected
    for c in got:
        assert text[c.start : c.end] == c.text


def test_chinese_numbers():
    got = [nlp.chinese_number(t) for t in ("十二", "二十", "一百二十", "三千五百", "两万", "九", "三万五千", "一亿两千万", "万")]
    assert got == [12, 20, 120, 3500, 20000, 9, 35000, 120000000, 10000]


def test_the_pipeline_s_count_spans_are_find_counts():
    text = "全年主动公开信息312条，收到政府信息公开申请8件，开展培训3次，参训率98%。"
    doc = nlp.read_section(text, "overview", ("narrative_statements", "narrative_counts"))
    assert [s.text for s in doc.spans["counts"]] == [c.text for c in nlp.find_counts(text)] == ["312条", "8件", "3次", "98%"]


def test_stock_phrases_are_found_word_for_word():
    from analyzer.narrative.boilerplate import reference

    doc = nlp.read_section("我镇坚持先审查后公开的原则，全年发布信息12条。网站栏目设置清晰。", "overview", ("narrative_statements", "narrative_stock_phrases"))
    found = [s.text for s in doc.spans["stock_phrases"]]
    assert found == ["坚持先审查后公开"]
    assert set(found) <= set(reference().phrases)


def test_the_stock_phrase_found_is_the_evidence(monkeypatch):
    """Read by the spaCy pipeline, a boilerplate statement quotes the longest stock phrase it holds word for word."""
    from analyzer.model import Block, ReportMeta, Section
    from analyzer.narrative import analyze_narrative

    text = "进一步加强组织领导，健全工作机制。我局始终坚持先审查后公开，严格落实保密审查制度。"
    title = "一、总体情况"
    secs = {"overview": Section("overview", title, (Block("heading", title), Block("paragraph", text)))}
    meta = ReportMeta("某某区2021年政府信息公开工作年度报告", "某某区人民政府", "county", 2021, "2021")
    monkeypatch.setattr(analyze, "READER", "spacy")
    result, _ = analyze_narrative(secs, meta, None)
    assert [(s.boilerplate, s.boilerplate_evidence) for s in result.statements] == [(True, "健全工作机制"), (True, "严格落实保密审查制度")]


def test_span_extensions():
    assert set(nlp.SPAN_EXTENSIONS) <= {name for name in ("kind", "category", "probability", "category_probability", "boilerplate", "evidence", "segment") if Span.has_extension(name)}
    bare = nlp.read_section("网站栏目更新不及时。", "problems", ("narrative_statements",))
    assert [(s._.kind, s._.probability, s._.boilerplate) for s in bare.spans["statements"]] == [(None, None, None)]  # set only by narrative_labels

    # the measure reads staff_capacity on its own ("明确专人负责栏目维护" reads timeliness itself since r14c,
    # which would not test the inheritance)
    doc = nlp.read_section("网站栏目更新不及时，下一步将加强人员培训。全年共收到申请8件。", "problems")
    assert doc._.section == "problems"
    problem, measure, count = doc.spans["statements"]
    assert (problem._.kind, measure._.kind) == ("problem", "measure")
    assert count._.kind != "problem" and count._.category is None and count._.category_probability is None
    assert all(0.5 < s._.probability <= 1.0 for s in (problem, measure))
    # the measure split off its problem's sentence takes the problem's category and the problem's confidence in it
    assert measure._.category == problem._.category
    assert measure._.category_probability == problem._.category_probability > 0.5
    assert all(isinstance(s._.boilerplate, bool) for s in doc.spans["statements"])
    assert all((s._.evidence is not None) == s._.boilerplate for s in doc.spans["statements"])


def test_jieba_block_cache_gives_jieba_s_own_tokens():
    text = section_body(split_sections(read_document(SEED000))["overview"]) + " 占比45.6%\n第二行 abc-12"
    assert jieba_words(text) == nlp.JiebaTokenizer(None).__class__.__call__.__globals__["jieba_words"](text)
    raw = get_tokenizer().lcut(text, HMM=False)
    assert "".join(jieba_words(text)) == "".join(raw)
    assert [t for t in jieba_words(text) if "." not in t] == [t for t in raw if t not in (".",) and not (t.isdigit() and t in ("45", "6"))]


def test_handed_over_words_are_what_the_classifier_would_compute(seed_sections):
    """Tokens of a span are handed to the classifier only where they equal segmenting the statement alone."""
    for key in ("overview", "problems"):
        doc = nlp.read_section(section_body(seed_sections[key]), key, ("narrative_statements",))
        text = nlp.doc_text(doc)
        for span in doc.spans["statements"]:
            if nlp.same_words(span, text):
                alone = features.words_of_tokens(jieba_words(features.LEAD_MARKER.sub("", span._.segment.text)))
                assert features.words_of_tokens([t.text for t in span]) == alone


@pytest.mark.parametrize("seed", ["000_d1513ee4e846cccb", "002_1d3bd799e56a65c1", "004_88f21ce372e9fb84"])
def test_both_readers_give_the_same_statements(seed, monkeypatch):
    from analyzer import identify
    from analyzer.narrative import analyze_narrative

    doc = read_document(CORPUS / f"{seed}.txt")
    secs, meta = split_sections(doc), identify.identify(doc)
    monkeypatch.setattr(analyze, "READER", "segmenter")
    plain, _ = analyze_narrative(secs, meta, None)
    monkeypatch.setattr(analyze, "READER", "spacy")
    spacy_read, _ = analyze_narrative(secs, meta, None)
    strip = lambda s: (s.text, s.kind, s.category, s.boilerplate)  # noqa: E731 - evidence may differ: word for word vs closest
    assert [strip(s) for s in plain.statements] == [strip(s) for s in spacy_read.statements]
