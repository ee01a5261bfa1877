"""The narrative as a spaCy ``Doc``: statements as spans with their labels, counts with units, stock phrases.

``spacy.blank("zh")`` with a tokenizer that segments with the private jieba
tokenizer and the domain dictionary (``models/userdict.txt``), then four
components, in order:

- ``narrative_statements``: statement boundaries (enumerations 一是/二是,
  （一）, 1., ①; ；-lists; a problem running into its measure; lead-ins), as
  ``doc.spans["statements"]``, each token's ``is_sent_start`` set at the
  start of a statement, or of its item marker (the sentence is "二是解读形式单一，",
  the span "解读形式单一"). The boundaries are those of
  :func:`analyzer.narrative.segment.segment_text`, aligned to the text;
- ``narrative_counts``: a ``Matcher`` for figures with their unit (…件、…条、
  …次、…%、1,234条、一百二十余人次、两万余条; not ranks such as 第3次) as ``doc.spans["counts"]``;
  :func:`find_counts` returns them typed (:class:`Count`) for other stages.
  The text-vs-table check reads its numbers with :mod:`analyzer.narrative.claims`'s
  regex instead: on the 37 visible reports both find the same 272 counts in the
  tables' units; the Matcher adds only Chinese numerals of prose ("五个试点区",
  "三项任务"), misses two digit counts ("2个子栏目", jieba's 个子), and costs
  13 times as much plus 0.55 s of spaCy per process (``bench/bench_counts.py``);
- ``narrative_stock_phrases``: a ``PhraseMatcher`` over the shipped stock
  phrases (:mod:`analyzer.narrative.boilerplate`), as ``doc.spans["stock_phrases"]``;
- ``narrative_labels``: each statement span's ``._.kind``, ``._.category``,
  ``._.probability``, ``._.boilerplate`` and ``._.evidence``
  (:mod:`analyzer.narrative.context`, :mod:`analyzer.narrative.boilerplate`),
  given the section in ``doc._.section``.

The tokens of a statement span are the words the classifier reads
(:func:`analyzer.narrative.features.remember_words`), so a section is
segmented by jieba once for every stage.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from analyzer.ingest.normalize import CN_NUMBER_CHARS, chinese_number
from analyzer.narrative import features
from analyzer.narrative.segment import Segment, clean_text, jieba_words, segment_text

_LOCK = threading.Lock()

SPAN_EXTENSIONS = {
    "kind": None,  # problem / measure / achievement / statement / other
    "category": None,  # taxonomy §2 key, for problems and measures
    "probability": None,  # calibrated probability of the kind
    "category_probability": None,
    "boilerplate": None,
    "evidence": None,  # the stock phrase (or the shared text) that makes it boilerplate
    "segment": None,  # the Segment behind the span (part, lead-in, context)
}
for _name, _default in SPAN_EXTENSIONS.items():
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
if not Doc.has_extension("section"):
    Doc.set_extension("section", default=None)
if not Doc.has_extension("source"):
    Doc.set_extension("source", default=None)  # the text as given to the tokenizer (Doc.text rebuilds it token by token)


def doc_text(doc: Doc) -> str:
    return doc._.source if doc._.source is not None else doc.text


# --- the tokenizer --------------------------------------------------------------------------------

class JiebaTokenizer:
    """Words of the private jieba tokenizer (no HMM: the domain dictionary decides), decimals kept whole."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = jieba_words(text)
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        doc._.source = text
        return doc

    def to_bytes(self, **kwargs) -> bytes:  # nothing to save: the dictionary ships in models/
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "JiebaTokenizer":
        return self


# --- statements --------------------------------------------------------------------------------------


@Language.component("narrative_statements")
def statements_component(doc: Doc) -> Doc:
    """Statement spans from the segmenter's boundaries; ``is_sent_start`` at each statement's first token."""
    spans = []
    text = doc_text(doc)
    for seg, (start, end) in zip(*align(text, segment_text(text, doc._.section))):
        span = doc.char_span(start, end, alignment_mode="expand") if start is not None else None
        if span is None or not len(span):
            continue
        span._.segment = seg
        spans.append(span)
    doc.spans["statements"] = spans
    if len(doc):
        # Sentence starts as one array: setting token.is_sent_start one by one re-checks the whole Doc each time.
        starts = numpy.full((len(doc), 1), -1, dtype="int64")
        starts[[0] + [_sentence_start(s, text) for s in spans], 0] = 1
        doc.from_array([SENT_START], starts.view("uint64"))  # spaCy reads the two's complement back: -1 = not a start
    return doc


_AFTER_MARKER = "、，,：:．. \t"


def _sentence_start(span: Span, text: str) -> int:
    """The token where the statement's sentence begins: at its item marker (二是, （二）, 2.) when the marker stands right before it.

    The span holds the statement without its marker; the sentence holds both,
    so "二是" never ends the sentence before.
    """
    part = span._.segment.part if span._.segment is not None else ""
    if not part:
        return span.start
    end = span.start_char
    while text[end - len(part) : end] != part and end > 0 and text[end - 1] in _AFTER_MARKER:
        end -= 1  # "四是、信息公开…"
    at = end - len(part)
    if at >= 0 and text[at:end] == part:
        marker = span.doc.char_span(at, span.start_char, alignment_mode="expand")
        if marker is not None and len(marker):
            return marker.start
    return span.start


def align(text: str, segments: list[Segment]) -> tuple[list[Segment], list[tuple[int | None, int | None]]]:
    """Each segment's (start, end) in ``text``, found in order; (None, None) where its words cannot be found.

    Segments are the text with markers and separators cut away, and an
    enumerated item may have absorbed the sentences after it: its first and
    last few characters locate it.
    """
    out, cursor = [], 0
    for seg in segments:
        t = seg.text.rstrip("。")
        head, tail = t[:6], t[-6:]
        start = text.find(head, cursor)
        end = text.find(tail, start) + len(tail) if start >= 0 else -1
        if start < 0 or end < len(tail) or end - start > 2 * len(t) + 20:
            out.append((None, None))
            continue
        out.append((start, end))
        cursor = end
    return segments, out


# --- counts with units ----------------------------------------------------------------------------------

UNITS = (
    "件", "条", "次", "个", "篇", "期", "场", "项", "份", "家", "批", "部", "名", "人", "人次", "户", "套", "类", "本",
    "册", "幅", "张", "%", "％", "元", "万元", "亿元", "篇次", "期次", "宗", "起", "处", "轮", "天", "小时", "个工作日", "工作日",
    "个百分点",
)
_CN_NUMBER = CN_NUMBER_CHARS
_UNIT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
# A whole count as written, once its tokens are joined: 312条, 1,234件, 1.2万条, 120余人次, 两万余条, 3个百分点.
_COUNT_TEXT = re.compile(
    rf"^(?:(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<scale>万|亿)?|(?P<cn>[{_CN_NUMBER}]+))"
    rf"(?P<approx>余|多)?(?P<unit>{_UNIT})$"
)
# jieba glues Chinese numerals to what follows ("三件", "十余件", "两万余"+"条", "三"+"百余条") and
# a unit to its scale and 余 ("12"+"万余条"), so the patterns match token shapes and
# :data:`_COUNT_TEXT` reads the joined text.
_DIGITS = {"TEXT": {"REGEX": r"^\d+(?:\.\d+)?$"}}
_UNIT_TAIL = {"TEXT": {"REGEX": rf"^(?:万|亿)?(?:余|多)?(?:{_UNIT})$"}}
_APPROX_TOKEN = {"TEXT": {"IN": ["余", "多"]}, "OP": "?"}
COUNT_PATTERNS = [
    [_DIGITS, _APPROX_TOKEN, _UNIT_TAIL],  # 312 条, 12 万余条, 5000 多条
    # thousands separated by an ASCII comma (1,234 件); a full-width "，" separates clauses
    [{"TEXT": {"REGEX": r"^\d{1,3}$"}}, {"TEXT": ","}, {"TEXT": {"REGEX": r"^\d{3}(?:\.\d+)?$"}}, _APPROX_TOKEN, _UNIT_TAIL],
    [{"TEXT": {"REGEX": r"^\d{1,3}$"}}, {"TEXT": ","}, {"TEXT": {"REGEX": r"^\d{3}$"}}, {"TEXT": ","}, {"TEXT": {"REGEX": r"^\d{3}(?:\.\d+)?$"}}, _APPROX_TOKEN, _UNIT_TAIL],
    [{"TEXT": {"REGEX": r"^\d+(?:\.\d+)?$"}}, {"TEXT": "个"}, {"TEXT": {"IN": ["百分点", "工作日"]}}],  # 3 个 百分点
    [{"TEXT": {"REGEX": rf"^[{_CN_NUMBER}]+(?:余|多)?(?:{_UNIT})$"}}],  # 三件, 十余件, 二十多条, 两次
    [{"TEXT": {"REGEX": rf"^[{_CN_NUMBER}]+(?:余|多)?$"}}, {"TEXT": {"REGEX": rf"^[{_CN_NUMBER}]*(?:余|多)?(?:{_UNIT})$"}}],  # 两万余 条, 三 百余条
]


@dataclass(frozen=True)
class Count:
    """A figure with its unit, where it stands and the words around it (for the text-vs-table check)."""

    value: float
    unit: str  # 件, 条, 次, % (also for ％), 个百分点…
    text: str  # as written: "120余人次"
    start: int  # character offsets in the text given
    end: int
    approximate: bool = False  # 余/多: "more than"
    before: tuple[str, ...] = ()  # up to four words before it ("收到", "政府信息公开", "申请")
    after: tuple[str, ...] = ()  # up to two words after it

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@Language.factory("narrative_counts")
def make_counts(nlp: Language, name: str):
    matcher = Matcher(nlp.vocab)
    matcher.add("COUNT", COUNT_PATTERNS)

    def counts_component(doc: Doc) -> Doc:
        found = [doc[s:e] for _, s, e in matcher(doc)]
        doc.spans["counts"] = [span for span in filter_spans(found) if _COUNT_TEXT.match(span.text) and not _ordinal(span)]
        return doc

    return counts_component


def _ordinal(span: Span) -> bool:
    """第3次, 第二批: a rank, not a count."""
    return span.start > 0 and span.doc[span.start - 1].text.endswith("第")


def count_of(span: Span, words_before: int = 4, words_after: int = 2) -> Count:
    """The typed reading of a ``counts`` span."""
    m = _COUNT_TEXT.match(span.text)
    if m.group("digits"):
        value = float(m.group("digits").replace(",", "")) * {"万": 1e4, "亿": 1e8}.get(m.group("scale") or "", 1.0)
    else:
        value = float(chinese_number(m.group("cn")))
    doc = span.doc
    before = []
    for t in reversed(doc[max(0, span.start - words_before) : span.start]):
        if t.is_punct:
            break  # the clause ends: what stands before it is about something else
        before.insert(0, t.text)
    after = []
    for t in doc[span.end : span.end + words_after]:
        if t.is_punct:
            break
        after.append(t.text)
    unit = "%" if m.group("unit") == "％" else m.group("unit")
    return Count(value, unit, span.text, span.start_char, span.end_char, bool(m.group("approx")), tuple(before), tuple(after))


def find_counts(text: str) -> list[Count]:
    """Every figure with a unit in ``text``: value, unit, offsets and the words around it.

    >>> [(c.value, c.unit) for c in find_counts("全年受理申请二十件，发布信息1.2万条，参训120余人次")]
    [(20.0, '件'), (12000.0, '条'), (120.0, '人次')]
    """
    nlp = counts_pipeline()
    with _LOCK:
        doc = nlp(text)
    return [count_of(s) for s in doc.spans["counts"]]


# --- stock phrases ----------------------------------------------------------------------------------------


@Language.factory("narrative_stock_phrases")
def make_stock_phrases(nlp: Language, name: str):
    from analyzer.narrative.boilerplate import reference

    matcher = PhraseMatcher(nlp.vocab)
    phrases = reference().phrases
    matcher.add("STOCK", [nlp.make_doc(p) for p in phrases])

    def stock_phrases_component(doc: Doc) -> Doc:
        doc.spans["stock_phrases"] = filter_spans([doc[s:e] for _, s, e in matcher(doc)])
        return doc

    return stock_phrases_component


# --- labels ------------------------------------------------------------------------------------------------


@Language.component("narrative_labels")
def labels_component(doc: Doc) -> Doc:
    """Kind, category, probabilities and boilerplate of each statement span, for the section ``doc._.section``."""
    from analyzer.narrative.boilerplate import judge_all
    from analyzer.narrative.classify import get_model
    from analyzer.narrative.context import Item, label_items

    spans = list(doc.spans.get("statements", []))
    if not spans:
        return doc
    text = doc_text(doc)
    for span in spans:
        if same_words(span, text):
            features.remember_words(span._.segment.text, [t.text for t in span])
    segs = [s._.segment for s in spans]
    items = [Item(s.text, doc._.section, s.part, s.context, s.lead_in, s.split_from_previous) for s in segs]
    labelled, _ = label_items(items, get_model())
    for span, lab, judged in zip(spans, labelled, judge_all([s.text for s in segs])):
        span._.kind = lab.kind
        span._.probability = round(lab.kind_probs[lab.kind], 4)
        span._.category = lab.category if lab.kind in ("problem", "measure") else None
        # A measure that took its problem's category has the problem's confidence in it (as in analyze._statements).
        source = labelled[lab.inherited_from] if lab.inherited_from is not None else lab
        span._.category_probability = round(source.category_probs.get(lab.category, 0.0), 4) if span._.category else None
        span._.boilerplate = judged.boilerplate
        span._.evidence = judged.evidence
    return doc


_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")


def same_words(span: Span, text: str | None = None) -> bool:
    """Whether the span's tokens are exactly what segmenting its text alone gives.

    jieba segments each maximal run of Han characters, letters and digits on
    its own, so a span that is the statement's whole text and does not cut
    into such a run at either end has the same words either way: handing them
    over changes nothing but the time it takes.
    """
    seg = span._.segment
    text = doc_text(span.doc) if text is None else text
    # A statement's closing punctuation gives no word.
    if seg is None or seg.text.rstrip("。；;，,！？!?") != span.text or features.LEAD_MARKER.match(seg.text):
        return False
    before = text[span.start_char - 1] if span.start_char else ""
    after = text[span.end_char] if span.end_char < len(text) else ""
    return not (before and _JIEBA_BLOCK.match(before)) and not (after and _JIEBA_BLOCK.match(after))


# --- pipelines ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def counts_pipeline() -> Language:
    """Tokenizer and the counts matcher only (for :func:`find_counts`)."""
    import spacy

    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)
    nlp.add_pipe("narrative_counts")
    return nlp


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """The whole narrative pipeline (built once per process)."""
    import spacy

    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)
    for name in ("narrative_statements", "narrative_counts", "narrative_stock_phrases", "narrative_labels"):
        nlp.add_pipe(name)
    return nlp


def read_section(text: str, section: str | None, components: tuple[str, ...] | None = None) -> Doc:
    """A section's running text as a ``Doc`` (cleaned first: wrapped lines joined, artefacts dropped).

    ``components`` names the components to run (all by default), in pipeline order.
    """
    nlp = get_pipeline()
    with _LOCK:
        doc = nlp.make_doc(clean_text(text))
        doc._.section = section
        for name, proc in nlp.pipeline:
            if components is None or name in components:
                doc = proc(doc)
    return doc
