"""One definition of a near-duplicate, for every stage that compares statements.

Statements are compared as sets of character 3-grams after normalisation
(years become one symbol, punctuation and spaces go), so "2021年，我镇…"
and "2022年，我镇…" are the same sentence, while a sentence whose figures were
updated is not: the figures are what the agency reports. Similarity is
Jaccard; two statements are near-duplicates at ``NEAR_DUPLICATE`` or above.
Small runs are compared exactly with a sparse matrix product; large runs go
through datasketch's MinHash LSH and each candidate pair is then confirmed
exactly.

Users: text shared across agencies and carried over from last year
(:mod:`analyzer.narrative.analyze`), boilerplate clusters of the corpus study
(:func:`clusters`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from analyzer.ingest.normalize import drop_punctuation

NEAR_DUPLICATE = 0.6  # Jaccard of 3-gram sets above which two statements say the same thing
EXACT_LIMIT = 5_000  # statements (≈ 200 reports); above this the run index uses MinHash LSH
MINHASH_PERM = 64
SHINGLE = 3
MIN_SHINGLES = 4  # statements shorter than this (in 3-grams) are never matched: too little text to judge

_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*年)")


def normalize(text: str) -> str:
    """"2021年，我镇公开信息21条。" → "0年我镇公开信息21条"."""
    return drop_punctuation(_YEARS.sub("0", text))


def shingles(text: str, k: int = SHINGLE) -> frozenset[str]:
    """The character k-grams of the normalised text (the whole text when shorter than k)."""
    t = normalize(text)
    if len(t) < k:
        return frozenset([t]) if t else frozenset()
    return frozenset(t[i : i + k] for i in range(len(t) - k + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


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
    # Pairs are between groups: a run of one report has none, and need not import scipy (0.3 s) to say so.
    if len(idx) < 2 or len({items[i].group for i in idx}) < 2:
        return []
    if len(idx) <= exact_limit:
        return _pairs_exact(items, sets, idx, threshold)
    return _pairs_lsh(items, sets, idx, threshold)


def _minhashes(shingle_sets: Sequence[frozenset[str]]) -> list:
    """MinHashes of many shingle sets; the permutations are drawn once for all (``MinHash.bulk``)."""
    from datasketch import MinHash

    return MinHash.bulk(([g.encode("utf-8") for g in sorted(s)] for s in shingle_sets), num_perm=MINHASH_PERM, seed=1)


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
    for i, mh in zip(idx, _minhashes([sets[i] for i in idx])):
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
    for i, mh in zip(idx, _minhashes([sets[i] for i in idx])):
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


def clusters(texts: Sequence[str], threshold: float = NEAR_DUPLICATE) -> list[list[int]]:
    """The texts grouped by near-duplication (transitively), as lists of indices in order.

    Each text is compared with every other; a group holds every text reachable
    through near-duplicate pairs, and groups come in the order of their first
    member. Texts too short to compare (``MIN_SHINGLES``) stay alone.

    >>> clusters(["加强政务公开队伍建设工作", "加强政务公开队伍建设", "依申请公开答复规范"])
    [[0, 1], [2]]
    """
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Each text is its own group, so every pair between two texts counts.
    for i, j, _ in near_duplicate_pairs([Item(str(n), t) for n, t in enumerate(texts)], threshold):
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)  # the smallest index as root: deterministic
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
