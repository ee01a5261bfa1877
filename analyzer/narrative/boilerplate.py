"""Stock phrasing of the genre: a statement read against the shipped stock phrases.

A report judged alone is read against ``models/boilerplate_reference.txt``
(see "the shipped reference" below): phrase containment inside the statement,
coverage of the statement by the phrases found, and the share of its words that
are stock vocabulary. ``bench/boilerplate_eval.py`` scores this on
``data/narrative/boilerplate_eval.tsv``.

Text shared across agencies or carried over from last year is a near-duplicate
between statements: :mod:`analyzer.narrative.neardup`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from analyzer import resources
from analyzer.ingest.normalize import drop_punctuation
from analyzer.narrative.segment import MODELS_DIR

REFERENCE_PATH = MODELS_DIR / "boilerplate_reference.txt"
INDEX_PATH = MODELS_DIR / "boilerplate_index.json"


# --- the shipped reference of stock phrases ------------------------------------------------------
#
# A report judged alone has nothing to be compared with but the genre itself:
# ``models/boilerplate_reference.txt`` holds several hundred short stock phrases
# ("坚持先审查后公开", "工作人员业务能力有待提高"). Whole-statement similarity
# misses a long statement stitched together from such phrases, so each phrase is
# looked for *inside* the statement: a phrase is present when most of its
# character trigrams are (containment), and the statement is boilerplate when
# the present phrases cover most of its characters and it reports no figure.
# "全年主动公开政府信息312条" opens with stock words but reports a count: the
# count is the agency's own content, so it is never boilerplate.
#
# Real reports paraphrase the stock phrases more than they repeat them, so a
# second, looser reading counts words: the reference's words (jieba, with the
# narrative's domain dictionary) are the genre's stock vocabulary, and a
# statement whose words are almost all stock vocabulary ("强化政务公开队伍建设，
# 多渠道加强业务指导和培训") is boilerplate too. A statement that names its own
# objects ("开设“张江高新区”专栏") brings words the reference does not have.

PHRASE_GRAM = 3  # trigrams: bigrams such as "公开" occur in every phrase and would match anything
PHRASE_CONTAINMENT = 0.7  # share of a phrase's trigrams present in the statement for the phrase to count as present
MIN_RUN = 2  # a present phrase covers only runs of ≥ 2 consecutive shared trigrams (≥ 4 characters), not stray trigrams
REFERENCE_COVERAGE = 0.5  # share of the statement's characters covered by present phrases at or above which it is boilerplate
WORD_COVERAGE = 0.75  # share of the statement's words (≥ 2 characters, by length) that are stock vocabulary, at or above which it is boilerplate
MIN_CHARS = 6  # shorter statements are too little text to judge by phrases
MIN_WORD_CHARS = 10  # …and by words: a heading ("常态化开展监督管理") is all common words yet says nothing either way
MIN_WORDS = 4  # a short measure ("下一步将按月更新公开栏") has too few words for their being common to mean anything

_AGENCY_SELF = re.compile(r"我(?:镇|乡|街道|县|区|市|省|局|委|办|厅|单位|部门|们)|本(?:机关|单位|部门|镇|乡|县|区|市|局)")
_LEVEL = re.compile(r"[省市县区镇乡](?=委|政府|人民政府|党委)")
_YEAR_WORD = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:\s*年度?)|(?:今|本|上|去|明)年度?|全年|一年来")
_FIGURE = re.compile(r"\d")


def phrase_normalize(text: str) -> str:
    """Normalise for phrase matching: punctuation goes, years and self-references become one symbol.

    "2021年，我镇认真落实…" and "今年，我县认真落实…" read the same, and so
    do "县委县政府" and "区委区政府"; any digit left afterwards is a figure.
    """
    t = _YEAR_WORD.sub("年", text)
    t = _AGENCY_SELF.sub("我", t)
    t = _LEVEL.sub("某", t)
    return drop_punctuation(t)


def _grams(t: str) -> list[str]:
    return [t[i : i + PHRASE_GRAM] for i in range(len(t) - PHRASE_GRAM + 1)]


@dataclass(frozen=True)
class PhraseIndex:
    """The reference phrases with their trigram sets and an inverted index trigram → phrase ids."""

    phrases: tuple[str, ...]
    sizes: tuple[int, ...]
    grams: tuple[frozenset[str], ...]
    index: dict[str, tuple[int, ...]]
    vocabulary: frozenset[str] = frozenset()  # words of ≥ 2 characters in the phrases


def load_phrases(path=None) -> tuple[str, ...]:
    """The stock phrases of a reference file (comments and blank lines skipped); the shipped one must exist."""
    path = path or resources.model_file(REFERENCE_PATH.name)
    if not path.is_file():
        return ()
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(line)
    return tuple(rows)


def build_index(phrases: Sequence[str], vocabulary: frozenset[str] | None = None) -> PhraseIndex:
    """Index phrases by their trigrams, with the vocabulary of their words (computed with jieba unless given)."""
    grams = []
    index: dict[str, list[int]] = {}
    kept = []
    for p in phrases:
        g = frozenset(_grams(phrase_normalize(p)))
        if not g:
            continue
        pid = len(kept)
        kept.append(p)
        grams.append(g)
        for x in g:
            index.setdefault(x, []).append(pid)
    if vocabulary is None:
        vocabulary = frozenset(w for p in kept for w in stock_words(p))
    return PhraseIndex(tuple(kept), tuple(len(g) for g in grams), tuple(grams), {k: tuple(v) for k, v in index.items()}, vocabulary)


def stock_words(text: str) -> list[str]:
    """Words of two or more characters, years and self-references normalised (:func:`phrase_normalize`).

    The classifier's jieba words (:func:`analyzer.narrative.features.words`,
    cached), so a statement is segmented once for both. Single characters
    (的, 和, 将) carry no stock-or-not signal.
    """
    from analyzer.narrative.features import words

    return [w for w in map(_normalized_word, words(text)) if len(w) >= 2]


# Words repeat across statements and reports: each is normalised once (a third of the phrase matching's time).
_normalized_word = lru_cache(maxsize=1 << 16)(phrase_normalize)


def save_index(index: PhraseIndex, path=None) -> None:
    """Write what :func:`reference` loads: the phrases, their stock vocabulary and the source file's hash.

    Done at training time (``python -m analyzer.narrative.train``): the
    vocabulary needs jieba over every phrase, about a second that no report
    should pay.
    """
    import hashlib
    import json

    path = path or INDEX_PATH
    source = resources.model_file(REFERENCE_PATH.name).read_bytes()
    data = {
        "source": REFERENCE_PATH.name,
        "source_sha256": hashlib.sha256(source).hexdigest(),
        "phrases": list(index.phrases),
        "vocabulary": sorted(index.vocabulary),
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")


def load_index(path=None) -> PhraseIndex:
    """The index saved at training time: phrases and vocabulary read, trigram sets rebuilt (no jieba)."""
    import json

    data = json.loads((path or resources.model_file(INDEX_PATH.name)).read_text(encoding="utf-8"))
    return build_index(data["phrases"], frozenset(data["vocabulary"]))


@lru_cache(maxsize=1)
def reference() -> PhraseIndex:
    """The shipped stock phrases, indexed at training time (``models/boilerplate_index.json``), loaded once per process."""
    return load_index()


@dataclass(frozen=True)
class Coverage:
    """How much of a statement is stock phrasing."""

    share: float  # covered characters / characters of the normalised statement
    phrases: tuple[str, ...]  # the present phrases, the one covering most first
    has_figure: bool
    length: int
    word_share: float = 0.0  # characters in stock-vocabulary words / characters in all words of ≥ 2 characters
    own_words: tuple[str, ...] = ()  # the words that are not stock vocabulary: what the statement says of its own
    words: int = 0  # words of ≥ 2 characters

    def is_boilerplate(self, threshold: float = REFERENCE_COVERAGE, word_threshold: float = WORD_COVERAGE) -> bool:
        if self.has_figure:
            return False
        by_phrases = self.length >= MIN_CHARS and self.share >= threshold
        by_words = self.length >= MIN_WORD_CHARS and self.words >= MIN_WORDS and self.word_share >= word_threshold
        return by_phrases or by_words


def coverage(text: str, index: PhraseIndex | None = None, containment: float = PHRASE_CONTAINMENT) -> Coverage:
    """The share of the statement covered by reference phrases present in it."""
    if index is None and containment == PHRASE_CONTAINMENT:
        return _shipped_coverage(text)
    return _coverage(text, index or reference(), containment)


@lru_cache(maxsize=4096)
def _shipped_coverage(text: str) -> Coverage:
    """Against the shipped phrases (cached: the judgement and its evidence read the same coverage)."""
    return _coverage(text, reference(), PHRASE_CONTAINMENT)


def _coverage(text: str, index: PhraseIndex, containment: float) -> Coverage:
    t = phrase_normalize(text)
    has_figure = bool(_FIGURE.search(t))
    grams = _grams(t)
    if not grams or not index.phrases:
        return Coverage(0.0, (), has_figure, len(t))
    words = stock_words(text)
    word_chars = sum(len(w) for w in words)
    stock_chars = sum(len(w) for w in words if w in index.vocabulary)
    word_share = stock_chars / word_chars if word_chars else 0.0
    own = tuple(dict.fromkeys(w for w in words if w not in index.vocabulary))
    hits = _phrase_hits(grams, index)
    covered = [False] * len(t)
    gains = []
    # Longest phrases first, then by position in the reference: the order decides which phrase gets
    # the characters two of them share, so it must not depend on set iteration (hash seeds).
    for pid, n in sorted(hits.items(), key=lambda x: (-index.sizes[x[0]], x[0])):
        if n / index.sizes[pid] < containment:
            continue
        pg = index.grams[pid]
        gain = 0
        run_start = None
        for i in range(len(grams) + 1):
            inside = i < len(grams) and grams[i] in pg
            if inside and run_start is None:
                run_start = i
            elif not inside and run_start is not None:
                if i - run_start >= MIN_RUN:
                    for c in range(run_start, i - 1 + PHRASE_GRAM):
                        if not covered[c]:
                            covered[c] = True
                            gain += 1
                run_start = None
        if gain:
            gains.append((gain, index.phrases[pid]))
    gains.sort(key=lambda x: (-x[0], x[1]))
    return Coverage(sum(covered) / len(t), tuple(p for _, p in gains), has_figure, len(t), word_share, own, len(words))


def _phrase_hits(grams: Sequence[str], index: PhraseIndex) -> dict[int, int]:
    """Phrase id -> how many of the statement's distinct trigrams the phrase holds."""
    hits: dict[int, int] = {}
    for g in set(grams):
        for pid in index.index.get(g, ()):
            hits[pid] = hits.get(pid, 0) + 1
    return hits


def match_reference(text: str, threshold: float = REFERENCE_COVERAGE) -> str | None:
    """The main stock phrase of a statement that is mostly stock phrasing, or None.

    A statement judged by its words alone may contain no whole phrase; its
    closest phrase is then the one sharing most of its trigrams. The
    thresholds were chosen on ``data/narrative/boilerplate_eval.tsv``
    (``python bench/boilerplate_eval.py --evaluate``).
    """
    cov = coverage(text)
    if not cov.is_boilerplate(threshold):
        return None
    return cov.phrases[0] if cov.phrases else closest_phrase(text)


def closest_phrase(text: str, index: PhraseIndex | None = None) -> str | None:
    """The reference phrase sharing most trigrams with the statement (ties: the shorter phrase)."""
    index = index or reference()
    hits = _phrase_hits(_grams(phrase_normalize(text)), index)
    if not hits:
        return None
    pid = max(hits, key=lambda i: (hits[i] / index.sizes[i], -index.sizes[i], -i))
    return index.phrases[pid]


# --- the judgement a supervisor believes -----------------------------------------------------------
#
# "Boilerplate" as the evaluation's labellers read it (data/narrative/boilerplate_eval.tsv):
# a statement that says nothing particular to this agency and year, so that it could stand
# unchanged in another agency's report. Phrase coverage finds the stock phrases; what makes a
# statement the agency's own is a figure, a named document, platform, place or event, or a
# particular procedure. A logistic regression weighs these signals (the columns below) together
# with the statement's character n-grams; it is trained on our own training statements labelled
# by the same rule (data/narrative/boilerplate_train.tsv) and shipped with the classifier
# (``models/narrative_classifier.npz``, model "boilerplate").

_NAMED = re.compile(r"[“\"《〈「]([^”\"》〉」]{2,30})[”\"》〉」]")
_GENERIC_NAME = re.compile(r"^(?:中华人民共和国)?政府信息公开条例$|^条例$|^公开为常态、不公开为例外$|^五公开$")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:省|市|县|区|镇|乡|街道|村|社区|管委会)(?![委政])")
_DATE = re.compile(r"\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日")
_CN_COUNT = re.compile(r"[一二两三四五六七八九十百千万]+(?:个|条|件|次|篇|家|项|名|人|场|期|份|批|轮|处)")
_PART_HEADING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]?\s*)?(?:第[一二三四五六七八九十]部分\s*)?(?:总体情况|主动公开|依申请公开|政府信息管理|平台建设|监督保障|其他|改进情况|存在的?(?:主要)?问题|上年度[^。，]{0,10}整改情况|[^。，]{0,8}工作(?:打算|计划))(?:政府信息)?(?:工作)?(?:情况|方面|方面工作)?[：:]?$")
FEATURE_NAMES = (
    "phrase_coverage", "stock_word_share", "own_words", "figure", "named", "place", "date", "cn_count",
    "part_heading", "heading_shape", "length",
)


def features(text: str) -> list[float]:
    """The columns of the boilerplate judgement (:data:`FEATURE_NAMES`)."""
    cov = coverage(text)
    t = phrase_normalize(text)
    named = [n for n in _NAMED.findall(text) if not _GENERIC_NAME.match(n)]
    core = re.sub(r"^[\s（(]*[一二三四五六七八九十\d]{1,2}[）)、.．是]\s*", "", text).strip().rstrip("。；;：:")
    places = [p for p in _PLACE.findall(text) if not re.match(r"^(?:全|各|本|我|该|所在|辖|下|上|省市|市县|县区|区县|乡镇|村级|社区)", p)]
    return [
        cov.share,
        cov.word_share,
        math.log1p(len(cov.own_words)),
        float(cov.has_figure),
        float(bool(named)),
        float(bool(places)),
        float(bool(_DATE.search(text))),
        float(bool(_CN_COUNT.search(t))),
        float(bool(_PART_HEADING.match(core))),
        float(2 <= len(core) <= 22 and not re.search(r"[，,；;。\d]", core)),
        math.log1p(len(t)) / 5.0,
    ]


@dataclass(frozen=True)
class Judgement:
    """Whether a statement is boilerplate, how likely, and the evidence: the stock phrase or the shared text."""

    boilerplate: bool
    probability: float
    evidence: str | None = None  # the stock phrase matched, or analyze.SHARED_EVIDENCE (set at run level)


GENERIC_EVIDENCE = "通用表述（无数字、无具体对象）"


def judge(text: str, section: str | None = None) -> Judgement:
    """A statement judged on its own: the shipped boilerplate model, the stock phrase found as evidence.

    ``section`` is accepted for symmetry with the classifier and not used: the
    judgement reads the statement alone (the evaluation scores it both ways).
    """
    return judge_all([text])[0]


def judge_all(texts: Sequence[str]) -> list[Judgement]:
    """:func:`judge` for many statements at once (one pass of the model)."""
    from analyzer.narrative.classify import get_model

    out = []
    for text, p in zip(texts, get_model().boilerplate_proba(list(texts))):
        if p < 0.5:
            out.append(Judgement(False, round(float(p), 4)))
            continue
        cov = coverage(text)
        phrase = cov.phrases[0] if cov.phrases else closest_phrase(text)
        out.append(Judgement(True, round(float(p), 4), phrase or GENERIC_EVIDENCE))
    return out
