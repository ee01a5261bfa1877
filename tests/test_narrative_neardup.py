"""The one near-duplicate definition: shingles, Jaccard, pairs and clusters."""

from __future__ import annotations

from analyzer.narrative import neardup

A = "进一步加强政府信息公开队伍建设，定期组织业务培训"


def test_years_and_punctuation_do_not_count_but_figures_do():
    assert neardup.shingles("2021年，" + A) == neardup.shingles("2022年" + A + "。")
    assert neardup.jaccard(neardup.shingles(A + "3次"), neardup.shingles(A + "3次")) == 1.0
    assert neardup.shingles("公开信息21条") != neardup.shingles("公开信息12条")


def test_clusters_are_transitive_and_ordered_by_first_member():
    b = A + "，提升业务水平"  # near A
    c = b + "和服务意识，做到应公开尽公开"  # near b, not near A
    other = "依申请公开答复文书引用条款不准确，被复议纠错"
    texts = [other, c, A, b, "短句"]
    assert neardup.jaccard(neardup.shingles(A), neardup.shingles(c)) < neardup.NEAR_DUPLICATE
    assert neardup.clusters(texts) == [[0], [1, 2, 3], [4]]


def test_clusters_match_the_pairs():
    texts = [A, A + "。", "依申请公开答复文书引用条款不准确"]
    pairs = neardup.near_duplicate_pairs([neardup.Item(str(i), t) for i, t in enumerate(texts)])
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert neardup.clusters(texts) == [[0, 1], [2]]
