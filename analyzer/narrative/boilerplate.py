"""Near-duplicate statements: stock phrasing of the genre, text shared across agencies, text carried over from last year.

A report judged alone is read against the shipped stock phrases
(``models/boilerplate_reference.txt``, see "the shipped reference" below):
phrase containment inside the statement, coverage of the statement by the
phrases found, and the share of its words that are stock vocabulary.
``python -m analyzer.narrative.boilerplate --evaluate`` scores this on
``data/narrative/boilerplate_eval.tsv``.

Between statements of a run, statements are compared as sets of character 3-grams after normalisation
(years become one symbol, punctuation and spaces go), so "2021年，我镇…"
and "2022年，我镇…" are the same sentence, while a sentence whose figures were
updated is not: the figures are what the agency reports. Similarity is Jaccard. Small runs
are compared exactly with a sparse matrix product; large runs go through
datasketch's MinHash LSH and each candidate pair is then confirmed exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from analyzer import resources
from analyzer.narrative.segment import MODELS_DIR

REFERENCE_PATH = MODELS_DIR / "boilerplate_reference.txt"

NEAR_DUPLICATE = 0.6  # Jaccard of 3-gram sets above which two statements say the same thing
EXACT_LIMIT = 5_000  # statements (≈ 200 reports); above this the run index uses MinHash LSH
MINHASH_PERM = 64
SHINGLE = 3
MIN_SHINGLES = 4  # statements shorter than this (in 3-grams) are never matched: too little text to judge

_DROP = re.compile(r"[\s\u3000\xa0，。、；：！？,.;:!?“”\"'‘’（）()《》〈〉【】\[\]—\-…·]+")
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*年)")


def normalize(text: str) -> str:
    """"2021年，我镇公开信息21条。" → "0年我镇公开信息21条"."""
    return _DROP.sub("", _YEARS.sub("0", text))


def shingles(text: str, k: int = SHINGLE) -> frozenset[str]:
    t = normalize(text)
    if len(t) < k:
        return frozenset([t]) if t else frozenset()
    return frozenset(t[i : i + k] for i in range(len(t) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


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
    return _DROP.sub("", t)


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
    path = path or resources.model_file(REFERENCE_PATH.name)
    if not path.is_file():
        return ()
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(line)
    return tuple(rows)


def build_index(phrases: Sequence[str]) -> PhraseIndex:
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
    vocabulary = frozenset(w for p in kept for w in _words(phrase_normalize(p)))
    return PhraseIndex(tuple(kept), tuple(len(g) for g in grams), tuple(grams), {k: tuple(v) for k, v in index.items()}, vocabulary)


def _words(normalized: str) -> list[str]:
    """Words of two or more characters: single characters (的, 和, 将) carry no stock-or-not signal."""
    from analyzer.narrative.segment import get_tokenizer

    return [w for w in get_tokenizer().lcut(normalized) if len(w) >= 2]


@lru_cache(maxsize=1)
def reference() -> PhraseIndex:
    """The shipped stock phrases (``models/boilerplate_reference.txt``), indexed once per process."""
    return build_index(load_phrases())


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
    index = index or reference()
    t = phrase_normalize(text)
    has_figure = bool(_FIGURE.search(t))
    grams = _grams(t)
    if not grams or not index.phrases:
        return Coverage(0.0, (), has_figure, len(t))
    words = _words(t)
    word_chars = sum(len(w) for w in words)
    stock_chars = sum(len(w) for w in words if w in index.vocabulary)
    word_share = stock_chars / word_chars if word_chars else 0.0
    own = tuple(dict.fromkeys(w for w in words if w not in index.vocabulary))
    hits = _phrase_hits(grams, index)
    covered = [False] * len(t)
    gains = []
    for pid, n in hits.items():
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
    (``python -m analyzer.narrative.boilerplate --evaluate``).
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


# --- near-duplicates within a set of statements -----------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One statement in a run: which report (group) it belongs to and its text."""

    group: str
    text: str


def near_duplicate_pairs(items: Sequence[Item], threshold: float = NEAR_DUPLICATE, exact_limit: int = EXACT_LIMIT) -> list[tuple[int, int, float]]:
    """Pairs (i, j, similarity), i < j, of items of *different* groups with Jaccard ≥ threshold."""
    sets, idx = _shingled(items)
    return _pairs(items, sets, idx, threshold, exact_limit)


def _shingled(items: Sequence[Item]) -> tuple[list[frozenset[str]], list[int]]:
    """Each item's shingles, and the indices of the items long enough to compare."""
    sets = [shingles(it.text) for it in items]
    return sets, [i for i, s in enumerate(sets) if len(s) >= MIN_SHINGLES]


def _pairs(items, sets, idx, threshold, exact_limit) -> list[tuple[int, int, float]]:
    if len(idx) < 2:
        return []
    if len(idx) <= exact_limit:
        return _pairs_exact(items, sets, idx, threshold)
    return _pairs_lsh(items, sets, idx, threshold)


def _minhash(shingle_set: frozenset[str]):
    from datasketch import MinHash

    mh = MinHash(num_perm=MINHASH_PERM, seed=1)
    mh.update_batch([g.encode("utf-8") for g in sorted(shingle_set)])
    return mh


def _pairs_exact(items, sets, idx, threshold) -> list[tuple[int, int, float]]:
    import numpy as np
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, i in enumerate(idx):
        for g in sets[i]:
            rows.append(r)
            cols.append(vocab.setdefault(g, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(idx), len(vocab)))
    sizes = np.asarray(m.sum(axis=1)).ravel()
    group_names = sorted({items[i].group for i in idx})
    gid = _group_ids(items, idx, group_names)
    order = np.asarray(idx)
    out: list[tuple[int, int, float]] = []
    block = 1000  # rows per block keeps the product's memory bounded
    mt = m.T.tocsr()
    for start in range(0, len(idx), block):
        inter = (m[start : start + block] @ mt).tocoo()
        a = inter.row + start
        b = inter.col
        v = inter.data
        keep = b > a
        a, b, v = a[keep], b[keep], v[keep]
        sim = v / (sizes[a] + sizes[b] - v)
        keep = (sim >= threshold) & (gid[a] != gid[b])
        out.extend(zip(order[a[keep]].tolist(), order[b[keep]].tolist(), sim[keep].astype(float).tolist()))
    return sorted(out)


def _group_ids(items, idx, group_names):
    import numpy as np

    lookup = {g: n for n, g in enumerate(group_names)}
    return np.array([lookup[items[i].group] for i in idx])


def _pairs_lsh(items, sets, idx, threshold) -> list[tuple[int, int, float]]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold * 0.85, num_perm=MINHASH_PERM)  # looser: candidates are confirmed exactly
    out = set()
    for i in idx:
        mh = _minhash(sets[i])
        for j in lsh.query(mh):
            if items[j].group != items[i].group:
                sim = jaccard(sets[i], sets[j])
                if sim >= threshold:
                    out.add((min(i, j), max(i, j), sim))
        lsh.insert(i, mh)
    return sorted(out)


def shared_groups(items: Sequence[Item], threshold: float = NEAR_DUPLICATE, cap: int | None = None, exact_limit: int = EXACT_LIMIT) -> list[set[str]]:
    """For each item, the other groups holding a near-duplicate of it (at most ``cap`` of them).

    With a cap, the MinHash path stops confirming candidates for an item once
    ``cap`` groups are found: a sentence shared by hundreds of reports costs
    no more than one shared by a few.
    """
    out: list[set[str]] = [set() for _ in items]
    sets, idx = _shingled(items)
    if len(idx) <= exact_limit:
        for a, b, _ in _pairs(items, sets, idx, threshold, exact_limit):
            out[a].add(items[b].group)
            out[b].add(items[a].group)
        return out
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold * 0.85, num_perm=MINHASH_PERM)  # looser: candidates are confirmed exactly
    hashes = {}
    for i in idx:
        mh = _minhash(sets[i])
        lsh.insert(i, mh, check_duplication=False)
        hashes[i] = mh
    for i in idx:
        found = out[i]
        for j in sorted(lsh.query(hashes[i])):
            if cap is not None and len(found) >= cap:
                break
            g = items[j].group
            if j == i or g == items[i].group or g in found:
                continue
            if jaccard(sets[i], sets[j]) >= threshold:
                found.add(g)
    return out


def best_matches(current: Sequence[str], previous: Sequence[str], threshold: float = NEAR_DUPLICATE) -> list[tuple[int, float] | None]:
    """For each current statement, the index and similarity of its closest previous statement at or above threshold."""
    prev_sets = [shingles(t) for t in previous]
    out: list[tuple[int, float] | None] = []
    for text in current:
        s = shingles(text)
        best: tuple[int, float] | None = None
        if len(s) >= MIN_SHINGLES:
            for j, p in enumerate(prev_sets):
                sim = jaccard(s, p)
                if sim >= threshold and (best is None or sim > best[1]):
                    best = (j, sim)
        out.append(best)
    return out


def share_of_chars(texts: Iterable[str], flags: Iterable[bool]) -> float | None:
    """Share of characters (normalised) in the flagged texts; None when there is no text."""
    total = marked = 0
    for t, f in zip(texts, flags):
        n = len(normalize(t))
        total += n
        marked += n if f else 0
    return marked / total if total else None


# --- evaluation on hand-labelled statements -------------------------------------------------------

EVAL_PATH = MODELS_DIR.parent / "data" / "narrative" / "boilerplate_eval.tsv"


@dataclass(frozen=True)
class Labelled:
    source: str
    text: str
    boilerplate: bool
    held_out: bool = False  # labelled after the thresholds were frozen


def load_eval(path=None) -> tuple[list[Labelled], int]:
    """The labelled statements; returns (rows, rows skipped because their file is absent or changed)."""
    import hashlib

    from analyzer.narrative.train import referenced_text  # same frame as the classifier's evaluation

    path = path or EVAL_PATH
    flats: dict = {}
    out, skipped = [], 0
    held_out = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# --- held out"):
            held_out = True
        if not line.strip() or line.startswith("#"):
            continue
        source, _section, offset, length, sha, label, *rest = line.split("\t")
        text = rest[0] if rest and rest[0] else None
        if text is None:
            text = referenced_text(source, int(offset), int(length), sha, flats)
        elif hashlib.sha1(text.encode()).hexdigest()[:12] != sha:
            text = None
        if text is None:
            skipped += 1
            continue
        out.append(Labelled(source, text, label == "yes", held_out))
    return out, skipped


def scores(rows: Sequence[Labelled], predicted: Sequence[bool]) -> dict:
    tp = sum(1 for r, p in zip(rows, predicted) if p and r.boilerplate)
    fp = sum(1 for r, p in zip(rows, predicted) if p and not r.boilerplate)
    fn = sum(1 for r, p in zip(rows, predicted) if not p and r.boilerplate)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(rows), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def evaluate(threshold: float = REFERENCE_COVERAGE, containment: float = PHRASE_CONTAINMENT, word_threshold: float = WORD_COVERAGE) -> tuple[dict[str, dict], int]:
    """Scores on the seeds, corpus-real, both (the rows the thresholds were chosen on) and the held-out rows.

    corpus-real rows are skipped when the folder is absent.
    """
    rows, skipped = load_eval()
    index = reference()
    pred = [coverage(r.text, index, containment).is_boilerplate(threshold, word_threshold) for r in rows]
    real = lambda r: r.source.startswith("corpus-real/")  # noqa: E731
    parts = {
        "seeds": lambda r: not real(r),
        "corpus-real": lambda r: real(r) and not r.held_out,
        "tuning (all)": lambda r: not r.held_out,
        "held-out": lambda r: r.held_out,
    }
    out = {}
    for name, keep in parts.items():
        sel = [(r, p) for r, p in zip(rows, pred) if keep(r)]
        if sel:
            out[name] = scores([r for r, _ in sel], [p for _, p in sel])
    return out, skipped


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m analyzer.narrative.boilerplate", description="Boilerplate detection against the shipped stock phrases.")
    ap.add_argument("--evaluate", action="store_true", help="precision, recall, F1 on data/narrative/boilerplate_eval.tsv")
    ap.add_argument("--sweep", action="store_true", help="the same over a grid of thresholds (how the defaults were chosen)")
    ap.add_argument("--show", metavar="TEXT", help="coverage of one statement and the stock phrases found in it")
    args = ap.parse_args(argv)
    if args.show:
        cov = coverage(args.show)
        print(f"套话短语覆盖 {cov.share:.2f}  套话词汇占比 {cov.word_share:.2f}  含数字 {cov.has_figure}  判为套话 {cov.is_boilerplate()}")
        print("  自有词语：", "、".join(cov.own_words))
        for p in cov.phrases:
            print("  ", p)
        return 0
    if args.sweep:
        for c in (0.6, 0.7, 0.8):
            for t in (0.4, 0.5, 0.6):
                for w in (0.7, 0.75, 0.8, 0.85, 1.01):
                    res, _ = evaluate(t, c, w)
                    a, r = res["tuning (all)"], res.get("corpus-real", {"precision": 0, "recall": 0, "f1": 0})
                    print(f"containment {c:.2f} phrases {t:.2f} words {w:.2f}: all P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f}"
                          f" | corpus-real P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}")
        return 0
    if args.evaluate:
        res, skipped = evaluate()
        print(f"phrases {len(reference().phrases)}, containment ≥ {PHRASE_CONTAINMENT}, phrase coverage ≥ {REFERENCE_COVERAGE}, word coverage ≥ {WORD_COVERAGE}")
        for name, s in res.items():
            print(f"{name:13s} n={s['n']:4d} boilerplate={s['positives']:4d}  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']} fp {s['fp']} fn {s['fn']})")
        if skipped:
            print(f"skipped {skipped} rows whose file is absent or changed (../shared/corpus-real/)")
        return 0
    ap.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
