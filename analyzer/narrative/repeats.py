"""Problems that repeat last year's, found by meaning rather than identical words.

"解读方式不够丰富，主要是文字解读" last year and "政策解读形式比较单一" this
year are the same admitted weakness: their character n-grams overlap a little
(解读, 形式/方式, 单一/丰富), their category is the same. Two problems are the
same when the cosine of their character n-gram TF-IDF vectors (the
classifier's own ``chars`` block, so that generic words such as 进一步 or
有待 weigh little) reaches :data:`SAME_PROBLEM` and their categories agree, or
when they are near-duplicates (:mod:`analyzer.narrative.neardup`).

The threshold was chosen on written pairs (``data/narrative/repeat_pairs.tsv``:
the same problem reworded, or another problem of the same area), never on the
evaluation set: ``python -m analyzer.narrative.train --repeats`` prints the grid.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from analyzer.model import ProblemPair, Statement
from analyzer.narrative import neardup

SAME_PROBLEM = 0.1  # char n-gram TF-IDF cosine at or above which two problems of one category are the same


def _vectors(texts: Sequence[str]) -> list[dict[int, float]]:
    from analyzer.narrative.classify import get_model
    from analyzer.narrative.pairing import _vectors as vectors

    return vectors(list(texts), get_model().featurizer)


def similarity(a: str, b: str) -> float:
    """Cosine of the two texts' character n-gram TF-IDF vectors."""
    from analyzer.narrative.pairing import cosine

    va, vb = _vectors([a, b])
    return cosine(va, vb)


def same_problem(a: Statement, b: Statement, sim: float | None = None, threshold: float = SAME_PROBLEM) -> bool:
    """Whether two problems say the same thing: near-duplicates, or similar enough in the same category."""
    if sim is None:
        sim = similarity(a.text, b.text)
    if neardup.jaccard(neardup.shingles(a.text), neardup.shingles(b.text)) >= neardup.NEAR_DUPLICATE:
        return True
    return sim >= threshold and a.category is not None and a.category == b.category


def mark_repeated(stmts: list[Statement], pairs: tuple[ProblemPair, ...], previous: Sequence[Statement]) -> tuple[tuple[ProblemPair, ...], dict[int, Statement]]:
    """The pairs with ``repeats_previous`` set, and this year's problems that repeat last year's: index → the
    previous problem it repeats (the most similar one), so that a finding can quote both."""
    now = [i for i, s in enumerate(stmts) if s.section == "problems" and s.kind == "problem"]
    before = [s for s in previous if s.section == "problems" and s.kind == "problem"]
    if not now or not before:
        return pairs, {}
    from analyzer.narrative.pairing import cosine

    vecs = _vectors([stmts[i].text for i in now] + [s.text for s in before])
    vn, vb = vecs[: len(now)], vecs[len(now) :]
    repeated: dict[int, Statement] = {}
    for k, i in enumerate(now):
        sims = [cosine(vn[k], v) for v in vb]
        same = [j for j, b in enumerate(before) if same_problem(stmts[i], b, sims[j])]
        if same:
            repeated[i] = before[max(same, key=lambda j: (sims[j], -j))]  # the most similar; the first of a tie
    marked = tuple(replace(p, repeats_previous=p.problem in repeated) for p in pairs)
    return marked, repeated
