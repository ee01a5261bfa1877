"""The spaCy pipeline of the narrative: statement spans, counts with units, stock phrases, labels as extensions."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")

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
    assert [s._.segment for s in spans] == segment_text(clean_text(text))
    for span in spans:
        assert span.text.startswith(span._.segment.text[:4])
        assert span[0].is_sent_start  # a statement starts a sentence
    assert [s._.kind for s in spans].count("problem") == 4 and [s._.kind for s in spans].count("measure") == 4
    assert all(0.0 < s._.probability <= 1.0 for s in spans)
    assert all(s._.category for s in spans if s._.kind in ("problem", "measure"))
    assert any(s._.boilerplate and s._.evidence for s in spans)


def test_enumerations_of_every_shape_become_spans():
    text = "一是公开内容不全面；二是解读形式单一。（三）网站更新慢。4.工作人员不足。针对网站更新慢的问题，下一步将明确专人负责。"
    doc = nlp.read_section(text, "problems", ("narrative_statements",))
    assert [s.text for s in doc.spans["statements"]] == ["公开内容不全面", "解读形式单一", "网站更新慢", "工作人员不足", "针对网站更新慢的问题，下一步将明确专人负责"]
    assert [s.start for s in doc.sents] == [0] + [s.start for s in list(doc.spans["statements"])[1:]] or len(list(doc.sents)) >= 5


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全年共收到政府信息公开申请8件", [(8.0, "件", False, ("共", "收到", "政府信息公开", "申请"))]),
        ("发布信息1.2万条，参训120余人次", [(12000.0, "条", False, ("发布", "信息")), (120.0, "人次", True, ("参", "训"))]),
        ("受理申请二十件", [(20.0, "件", False, ("受理", "申请"))]),
        ("占比45.6%，同比增长3个百分点", [(45.6, "%", False, ("占", "比")), (3.0, "个百分点", False, ("同比", "增长"))]),
        ("2021年12月31日，召开会议", []),  # dates are not counts
    ],
)
def test_find_counts(text, expected):
    got = nlp.find_counts(text)
    assert [(c.value, c.unit, c.approximate, c.before) for c in got] == expected
    for c in got:
        assert text[c.start : c.end] == c.text


def test_chinese_numbers():
    assert [nlp.chinese_number(t) for t in ("十二", "二十", "一百二十", "三千五百", "两万", "九")] == [12, 20, 120, 3500, 20000, 9]


def test_stock_phrases_are_found_word_for_word():
    doc = nlp.read_section("我镇坚持先审查后公开的原则，全年发布信息12条。", "overview", ("narrative_statements", "narrative_stock_phrases"))
    assert "坚持先审查后公开" in [s.text for s in doc.spans["stock_phrases"]]


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
