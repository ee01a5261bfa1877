"""Section 五 paired: each problem with the measures that answer it, or none.

Three kinds of evidence, strongest first:

- ``same_sentence``: the measure was split off the problem's own sentence
  ("栏目更新不及时，下一步将明确专人维护");
- ``list_position``: a list of n problems followed by a list of n measures,
  each item with its own marker (一是…四是, then 一要…四要): item k answers item k,
  every sentence of the measure item answering the problem item's first;
- ``names_problem``: the measure names what it answers ("针对栏目更新慢的问题，…"):
  that name is compared with each problem as below;
- ``content``: what the two talk about: the cosine of their character n-gram
  TF-IDF vectors (the classifier's own, so generic words such as 进一步加强
  weigh little) plus the agreement of their category probabilities.

A paired measure takes the category of the problem it answers
(``spec/taxonomy.md`` §2) when paired in the same sentence; otherwise only
where its own category is uncertain (below :data:`WEAK_CATEGORY`) and the
problem's is surer. Real reports often state one broad problem paragraph and
answer its parts with several measures: a confident measure keeps its own
reading. The weights were chosen on the written training sections
(``data/narrative/train_sections.tsv``, whose measures say which problem they
answer), scored with a classifier trained without them:
``python -m analyzer.narrative.train --pairing`` (weight 1.0, threshold 0.3:
precision 0.99, recall 0.90).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from analyzer.narrative.segment import answered_problem

CATEGORY_WEIGHT = 1.0  # weight of category agreement (Σ p_m(c)·p_p(c)) against the text cosine
MIN_CONTENT = 0.3  # content score at or above which a measure answers a problem
WEAK_CATEGORY = 0.6  # below this probability a measure's own category yields to its paired problem's (not in the same sentence)


@dataclass(frozen=True)
class Pairing:
    """One measure answering one problem (indices into the labelled items)."""

    problem: int
    measure: int
    how: str  # "same_sentence" / "list_position" / "names_problem" / "content"; "same_item": a later sentence of the problem item
    score: float = 1.0


def _runs(labelled, idx: list[int]) -> list[tuple[str, list[int]]]:
    """Consecutive problems or measures as (kind, indices); anything else ends a run."""
    runs: list[tuple[str, list[int]]] = []
    for i in idx:
        kind = labelled[i].kind
        if kind not in ("problem", "measure"):
            runs.append(("", []))
            continue
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(i)
        else:
            runs.append((kind, [i]))
    return [r for r in runs if r[0]]


def _sections_of_five(items) -> list[list[int]]:
    """Indices of each consecutive run of items of section 五."""
    out: list[list[int]] = []
    for i, it in enumerate(items):
        if it.section != "problems":
            continue
        if out and out[-1][-1] == i - 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def pair_problems(items, labelled, featurizer=None) -> list[Pairing]:
    """Every measure of 五 paired with the problem it answers, where there is evidence."""
    out: list[Pairing] = []
    for idx in _sections_of_five(items):
        out += _pair_section(items, labelled, idx, featurizer)
    return sorted(out, key=lambda p: p.measure)


def _pair_section(items, labelled, idx: list[int], featurizer) -> list[Pairing]:
    problems = [i for i in idx if labelled[i].kind == "problem"]
    measures = [i for i in idx if labelled[i].kind == "measure"]
    if not problems or not measures:
        return []
    done: dict[int, Pairing] = {}
    extra: list[Pairing] = []
    for m in measures:
        if items[m].split_from_previous and m - 1 in problems:
            done[m] = Pairing(m - 1, m, "same_sentence")
    runs = _runs(labelled, idx)
    for (k1, probs), (k2, meas) in zip(runs, runs[1:]):
        if k1 != "problem" or k2 != "measure":
            continue
        p_items, m_items = _items(items, probs), _items(items, meas)
        if len(p_items) != len(m_items) or len(p_items) < 2 or not (_enumerated(items, p_items) and _enumerated(items, m_items)):
            continue
        for p_item, m_item in zip(p_items, m_items):
            for m in m_item:  # every sentence of measure item k answers problem item k, named by its first sentence
                if done.setdefault(m, Pairing(p_item[0], m, "list_position")).problem == p_item[0]:
                    # the item's later sentences say what its problem is ("信息公开数量少。受地区经济…知晓率低"):
                    # the same measures answer them, so none of them reads as unanswered
                    extra += [Pairing(p, m, "same_item") for p in p_item[1:]]
    rest = [m for m in measures if m not in done]
    if rest:
        named = [answered_problem(items[m].text) for m in rest]
        vectors = _vectors([items[i].text for i in problems] + [n or items[m].text for m, n in zip(rest, named)], featurizer)
        pv, mv = vectors[: len(problems)], vectors[len(problems) :]
        for m, v, name in zip(rest, mv, named):
            scored = [(content_score(v, pv[k], labelled[m].category_probs, labelled[p].category_probs), p) for k, p in enumerate(problems)]
            best, p = max(scored, key=lambda x: (x[0], -abs(x[1] - m)))
            if best >= MIN_CONTENT:
                done[m] = Pairing(p, m, "names_problem" if name else "content", round(best, 4))
    return list(done.values()) + extra


def _items(items, idx: list[int]) -> list[list[int]]:
    """Consecutive statements of one enumerated item (the same sub-part: its sentences, segment.SENTENCE_SECTIONS) as one group."""
    groups: list[list[int]] = []
    for i in idx:
        if groups and items[i].part and items[groups[-1][-1]].part == items[i].part:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _enumerated(items, groups: list[list[int]]) -> bool:
    """Each item carries its own marker (一是, 二是…), so position n means item n."""
    parts = [items[g[0]].part for g in groups]
    return all(parts) and len(set(parts)) == len(parts)


def _vectors(texts: list[str], featurizer) -> list[dict[int, float]]:
    """Unit-length character n-gram TF-IDF vectors (the classifier's ``chars`` block), as {column: value}."""
    if featurizer is not None and "chars" in featurizer.blocks:
        return [dict(zip(c.tolist(), v.tolist())) for c, v in featurizer.rows(texts, ["chars"])]
    from collections import Counter

    from analyzer.narrative.features import char_ngrams

    out = []
    for t in texts:
        c = Counter(g for g in char_ngrams(t, 2, 3))
        norm = math.sqrt(sum(x * x for x in c.values())) or 1.0
        out.append({hash(g): x / norm for g, x in c.items()})
    return out


def cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def content_score(measure_vec, problem_vec, measure_cats: dict[str, float], problem_cats: dict[str, float]) -> float:
    """Text cosine plus :data:`CATEGORY_WEIGHT` times the agreement of the two category distributions."""
    agree = sum(p * problem_cats.get(c, 0.0) for c, p in measure_cats.items())
    return cosine(measure_vec, problem_vec) + CATEGORY_WEIGHT * agree


def inherit_categories(labelled, pairs: list[Pairing]) -> None:
    """Paired measures take their problem's category (in place): always in the same sentence, else where their own is uncertain."""
    for p in pairs:
        if p.how == "same_item":
            continue  # the measure takes the category of its item's first problem sentence only
        prob, meas = labelled[p.problem], labelled[p.measure]
        if not prob.category or prob.category == meas.category:
            continue
        # a measure that took its heading's area is as sure of it as the heading (context._share_heading_area)
        source = labelled[meas.inherited_from] if meas.inherited_from is not None else meas
        own = source.category_probs.get(meas.category or "", 0.0)
        mine = prob.category_probs.get(prob.category, 0.0)
        if p.how not in ("same_sentence", "names_problem") and (own >= WEAK_CATEGORY or mine <= own):
            continue
        meas.category = prob.category
        meas.inherited_from = p.problem


# "问题X未提出改进措施" is a claim of absence, so it rests on every statement of the section, not on the
# pairing alone: the pairing gives each measure one problem, and a real measure often answers a second one in
# a clause of a long list ("进一步加强…规范、体制机制建设、人才培养"), or in other words than the problem's.
# A problem is left unanswered only when nothing else in its 五 touches it: no pairing, no clause of another
# statement that may be a measure in any area the problem may be of (:data:`TOUCHES_AREA`, :data:`MAY_BE`),
# no word of the problem rarer than the stock vocabulary of these sections (:data:`SPECIFIC_IDF`, the
# classifier's own word IDF). And only a problem the classifier is sure is one (:data:`SURE_KIND`) and whose
# area it is sure of (:data:`SURE_AREA`), other than `other`, which names no area.
TOUCHES_AREA = 0.3  # a clause at least this sure of one of the problem's areas touches it
MAY_BE = 0.15  # a category the problem has at least this probability of is one of its areas
SURE_AREA = 0.7  # the problem's own category at least this sure before its absence of answer is claimed
SURE_KIND = 0.8  # the problem's kind at least this sure (a measure read half as a problem is no problem to claim)
MAY_ANSWER = 0.2  # a statement read as a problem but at least this likely a measure may still answer one
SPECIFIC_IDF = 5.5  # a shared word at least this rare (or unseen in training) ties a statement to the problem
_CLAUSE_BREAK = re.compile(r"[，,、；;：:。！？!?]")
MIN_CLAUSE = 4  # characters: shorter pieces ("同时", "一是") say nothing of an area


def clauses(text: str) -> list[str]:
    """The text and its clauses (a long measure lists several steps, each of its own area)."""
    return [text] + [c for c in (c.strip() for c in _CLAUSE_BREAK.split(text)) if len(c) >= MIN_CLAUSE and c != text]


def untouched(items, labelled, pairs: list[Pairing], model) -> list[int]:
    """The problems of 五 that no other statement of their section touches (indices into ``items``), in order.

    Empty where the section states no measure at all (``problems.no_measures`` says that), and where the
    model cannot tell words apart (no word block: nothing is claimed rather than claimed on less evidence).
    """
    featurizer = getattr(model, "featurizer", None)
    words = featurizer.blocks.get("words") if featurizer is not None else None
    if words is None:
        return []
    answered = {p.problem for p in pairs}
    out: list[int] = []
    for idx in _sections_of_five(items):
        if not any(labelled[i].kind == "measure" for i in idx):
            continue
        sure = [i for i in idx if i not in answered and _claimable(labelled[i])]
        if not sure:
            continue
        # what may answer: every statement but the sure problems themselves, a measure read as a problem included
        others = [i for i in idx if i not in sure and (labelled[i].kind != "problem" or labelled[i].kind_probs.get("measure", 0.0) >= MAY_ANSWER)]
        areas = _areas(model, [items[i].text for i in others])
        said = [_specific_words(words, items[i].text) for i in others]
        for p in sure:
            mine = [c for c, v in labelled[p].category_probs.items() if v >= MAY_BE and c != "other"]
            own = _specific_words(words, items[p].text)
            touched = any(a.get(c, 0.0) >= TOUCHES_AREA for a in areas for c in mine) or any(own & w for w in said)
            if not touched:
                out.append(p)
    return out


def _claimable(lab) -> bool:
    cat = lab.category
    return (lab.kind == "problem" and lab.kind_probs.get("problem", 0.0) >= SURE_KIND
            and bool(cat) and cat != "other" and lab.category_probs.get(cat, 0.0) >= SURE_AREA)


def _areas(model, texts: list[str]) -> list[dict[str, float]]:
    """For each text, the highest probability each category reaches over the text and its clauses."""
    pieces = [clauses(t) for t in texts]
    probs = model.predict_category_proba([c for cs in pieces for c in cs])
    cats = [str(c) for c in model.categories_]
    out, at = [], 0
    for cs in pieces:
        block = probs[at : at + len(cs)].max(axis=0)
        out.append(dict(zip(cats, block.tolist())))
        at += len(cs)
    return out


def _specific_words(block, text: str) -> set[str]:
    """The words of ``text`` rarer than the stock vocabulary of these sections (one-word grams of the word block)."""
    vocab = block.vocabulary
    return {
        g for g in block.grams(text)
        if " " not in g and len(g) >= 2 and not g.isdigit()
        and (g not in vocab or block.idf[vocab[g]] >= SPECIFIC_IDF)
    }
