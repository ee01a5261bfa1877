"""Labelling statements where they stand: section, lead-in, neighbours.

The classifier reads one text at a time (:mod:`analyzer.narrative.classify`).
Here a whole section's statements are labelled together, the way a reader
does: the section's kind prior ("加强组织领导" is a heading in 总体情况 and a
promise in 五), the lead-in before a list ("主要问题：" makes what follows
problems, "下一步，重点做好以下工作：" measures, and is itself a statement),
then the problems of 五 paired with the measures that answer them
(:mod:`analyzer.narrative.pairing`), so a measure takes the category of its
problem (``spec/taxonomy.md`` §2).

The analyzer feeds this with the segmenter's statements
(:mod:`analyzer.narrative.analyze`); the evaluation feeds it the labelled
statements of a real report in reading order (:func:`read_rows`), so both are
scored the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzer.narrative import pairing
from analyzer.narrative.classify import CONTEXT_BOOST, apply_priors, top
from analyzer.narrative.features import aspect
from analyzer.narrative.segment import heading_line, lead_in_context

_LIST_ANNOUNCED = re.compile(r"以下|如下|几个方面|下列|几点")
# In 总体情况 a heading line followed by a statement that is not one ("强化组织保障" then
# "镇党委会专题研究政务公开工作2次…") is the heading of what follows: its statement probability is
# multiplied by this. Chosen on the written sections of the training data (train_sections.tsv,
# classifier trained without them): kinds macro-F1 0.890 → 0.905 (×2), 0.927 (×4), 0.929 (×8) before
# r14c's edges; after them, with the lead-ins read as the evaluation reads them, 0.958 (×4), 0.964 (×8),
# 0.966 (×16), 0.966 (×32): the edges read "^加大…" as a sure promise, and ×4 no longer outweighed it (r14d).
# Not in 五, where such a heading is the measure itself ("深化公众参与").
HEADING_BOOST = 16.0


@dataclass(frozen=True)
class Item:
    """A statement to label, with what its place in the section says."""

    text: str
    section: str | None  # "overview", "problems" or None (unknown)
    part: str = ""  # enumeration marker as written ("一是", "（二）")
    context: str | None = None  # "problem" / "measure": the lead-in before it announced this
    lead_in: bool = False  # it announces a list ("下一步，重点做好以下工作：")
    split_from_previous: bool = False  # a measure split off the previous problem's sentence


@dataclass
class Labelled:
    """An item's labels: kind and category with their probabilities."""

    kind: str
    kind_probs: dict[str, float]
    category: str | None = None
    category_probs: dict[str, float] = field(default_factory=dict)
    inherited_from: int | None = None  # the problem whose category a measure took


def read_rows(texts: list[str]) -> list[tuple[str | None, bool]]:
    """(context, lead_in) of plain sentences in reading order, as the segmenter's reader sets them.

    A sentence that announces problems or measures sets the context of what
    follows; it is a lead-in when it ends with a colon or announces a list.
    """
    out, context = [], None
    for text in texts:
        t = text.strip()
        ctx = lead_in_context(t)
        lead = False
        if ctx:
            context = ctx
            lead = bool(re.search(r"[：:]\s*$", t) or _LIST_ANNOUNCED.search(t))
        out.append((context, lead))
    return out


# A clause that only says when ("下一步", "2023年", "新的一年里"): not a promise of its own.
_WHEN_ONLY = re.compile(r"^\s*(?:下一步|下一阶段|今后|明年|来年|新的一年里?|(?:19|20)\d{2}\s*年度?)(?:工作中|中|里)?\s*$")


def promises_itself(text: str) -> bool:
    """A lead-in that is itself a promise (the labelling guide, data/narrative/labels/GUIDE.md: a measure): besides
    the clause that announces the list, a clause says what the agency will do ("2023年，我局将继续严格落实政府信息公开
    责任制，…，重点做好三个方面工作："). "下一步，我们将重点做好以下工作：" announces only, and stays a statement."""
    clauses = [c for c in re.split(r"[，,；;。：:]", text) if c.strip()]
    own = [c for c in clauses[:-1] if not _LIST_ANNOUNCED.search(c) and not _WHEN_ONLY.match(c)]
    return bool(own) and aspect("，".join(own)) == "future"


def _heads_a_measure(items: list[Item], i: int) -> bool:
    """In 五, under measures, a heading line followed by a statement that is not one ("政策解读力求“新”。" then how):
    the heading of a measure item is the measure itself (GUIDE.md). A heading that announces by itself
    ("下一步工作打算") is not one."""
    it = items[i]
    if it.section != "problems" or it.context != "measure" or it.lead_in or i + 1 >= len(items):
        return False
    nxt = items[i + 1]
    return (nxt.section == it.section and heading_line(it.text) and not heading_line(nxt.text)
            and lead_in_context(it.text) is None)


def _share_heading_area(items: list[Item], labelled: list[Labelled]) -> None:
    """In 五, the sentences of one enumerated measure item that opens on a heading ("二是政策解读力求“新”。" then how)
    take the heading's area (in place; GUIDE.md: "a sentence under a measure heading takes the heading's area"),
    as a measure takes its problem's: ``inherited_from`` names the heading. The pairing may still give them a problem's."""
    i = 0
    while i < len(items):
        it, j = items[i], i + 1
        if it.section == "problems" and it.part and labelled[i].kind == "measure" and labelled[i].category and heading_line(it.text):
            while j < len(items) and (items[j].section, items[j].part) == (it.section, it.part) and labelled[j].kind == "measure":
                if labelled[j].category != labelled[i].category:
                    labelled[j].category, labelled[j].inherited_from = labelled[i].category, i
                j += 1
        i = j


def _heads_what_follows(items: list[Item], i: int) -> bool:
    """A heading line of 总体情况 followed, in the same section, by a statement that is not a heading line."""
    it = items[i]
    if it.section != "overview" or i + 1 >= len(items) or items[i + 1].section != it.section:
        return False
    return heading_line(it.text) and not heading_line(items[i + 1].text)


def label_items(items: list[Item], model, pair: bool = True) -> tuple[list[Labelled], list[pairing.Pairing]]:
    """Kinds (with section and lead-in priors) and categories of items, and the problem–measure pairs of 五.

    ``model`` is the classifier (:class:`analyzer.narrative.classify.NarrativeModel`
    or the scikit-learn estimator: both have ``predict_proba`` and
    ``predict_category_proba``). Items of different sections may be mixed;
    pairs are made within each run of 五.
    """
    if not items:
        return [], []
    texts = [it.text for it in items]
    kind_p = model.predict_proba(texts)
    # The saved model's calibration of text read alone; the scikit-learn estimator of the cross-validation has
    # none (the temperature is fitted on top of what it gives), nor a model made before r14g.
    unknown_t = getattr(model, "unknown_section_temperature", 1.0)
    kinds = []
    for i, (it, row) in enumerate(zip(items, kind_p)):
        probs = apply_priors({str(k): float(p) for k, p in zip(model.classes_, row)}, it.section, it.context, it.text, unknown_t)
        # a heading of 总体情况 is a statement, one of 五 under measures the measure (read by the model as a heading)
        headed = "statement" if _heads_what_follows(items, i) else (
            "measure" if _heads_a_measure(items, i) and top(probs) == "statement" else None)
        if headed:
            probs[headed] *= HEADING_BOOST
            total = sum(probs.values())
            probs = {k: p / total for k, p in probs.items()}
        if it.lead_in:
            # A lead-in introduces the list; the items carry the content, unless it promises something itself.
            # (its own announcement says measures: a file of lines read by `classify --section` sets no context)
            kind = "measure" if promises_itself(it.text) and lead_in_context(it.text) == "measure" else "statement"
            probs = {k: (1.0 if k == kind else 0.0) for k in probs}
        kinds.append(probs)
    labelled = [Labelled(top(p), p) for p in kinds]
    need = [i for i, lab in enumerate(labelled) if lab.kind in ("problem", "measure")]
    if need:
        for i, row in zip(need, model.predict_category_proba([texts[i] for i in need])):
            probs = {str(c): float(p) for c, p in zip(model.categories_, row)}
            labelled[i].category_probs = probs
            labelled[i].category = top(probs)
    _share_heading_area(items, labelled)
    pairs: list[pairing.Pairing] = []
    if pair:
        pairs = pairing.pair_problems(items, labelled, getattr(model, "featurizer", None))
        pairing.inherit_categories(labelled, pairs)
    return labelled, pairs
