"""The narrative stage: statements of 总体情况 and 五 with their labels, and the findings on them.

Per report (:func:`analyze_narrative`): the sections become statements
(:mod:`analyzer.narrative.segment`), labelled where they stand
(:mod:`analyzer.narrative.context`: kind with section and lead-in priors,
category, problems of 五 paired with their measures), each judged against the
stock phrases (:mod:`analyzer.narrative.boilerplate`, the phrase kept as
evidence). Per run (:func:`cross_report`): text that many agencies share
becomes boilerplate too (MinHash over the run, :mod:`analyzer.narrative.neardup`),
and each report is compared with the same agency's previous one: the share of
each section's statements carried over (``narrative.copied`` above half) and
the problems it repeats, found by meaning (:mod:`analyzer.narrative.repeats`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import groupby
from pathlib import Path

from analyzer.ingest.normalize import compact
from analyzer.model import Finding, NarrativeResult, ProblemPair, ReportMeta, ReportResult, Section, Statement, TableValues
from analyzer.narrative import boilerplate as bp
from analyzer.narrative import features, neardup, pairing, problems, repeats, rules
from analyzer.narrative.classify import UNCERTAIN, check_section, classify, describe, get_model
from analyzer.narrative.context import Item, Labelled, label_items, read_rows
from analyzer.narrative.pairing import Pairing
from analyzer.narrative.segment import Segment, heading_line, segment_text

NARRATIVE_SECTIONS = ("overview", "problems")
# How statements are read: "segmenter" (segment_text alone) or "spacy" (the pipeline of analyzer.narrative.nlp,
# same statements, plus word-for-word stock phrases as evidence). Measured with bench/bench_narrative.py
# --reader (300 reports, same machine, back to back): segmenter 24–27 reports/s, spacy 17–19; the
# segmenter is kept.
READER = "segmenter"
READ_COMPONENTS = ("narrative_statements", "narrative_stock_phrases")  # what the analysis needs of the spaCy pipeline
MIN_AGENCIES = 3  # a statement near-duplicated in at least this many other agencies' reports is boilerplate
# The evidence of boilerplate found by corpus frequency. It names the threshold, not the count found: the
# MinHash search stops at MIN_AGENCIES agencies, and a streamed run (analyzer.scale) knows only that it was reached.
SHARED_EVIDENCE = f"与至少{MIN_AGENCIES}个其他机关的报告基本相同"


def is_heading(s: Statement) -> bool:
    """A sub-part heading of 总体情况 read as a statement of its own ("主动公开情况。", "健全组织领导。").

    It is the template's structure, not the agency's prose: every agency writes the same headings every
    year. So it is never boilerplate nor carried over, and counts in no share of the narrative.
    """
    return s.section == "overview" and s.kind == "statement" and heading_line(s.text)


def _prose(statements) -> list[Statement]:
    return [s for s in statements if not is_heading(s)]


def _share_of_prose(statements, flag: str) -> float | None:
    """Share of the characters of the prose (headings left out) in statements whose ``flag`` is set."""
    prose = _prose(statements)
    return neardup.share_of_chars([s.text for s in prose], [getattr(s, flag) for s in prose])


def section_body(section: Section) -> str:
    """The section's running text, one block per line, without tables and without its own title."""
    lines = []
    title = section.title.strip()
    for b in section.blocks:
        if b.kind == "table":
            continue
        text = b.text.strip()
        if not text:
            continue
        if title and text.startswith(title) and not lines:
            text = text[len(title) :].strip()  # title run into the first paragraph (flattened pages)
            if not text:
                continue
        lines.append(text)
    return "\n".join(lines)


def segments_of(sections: dict[str, Section]) -> list[tuple[str, Segment]]:
    """The statements of 总体情况 and 五, in order, with their section key (the segmenter alone)."""
    return [(key, seg) for key in NARRATIVE_SECTIONS if key in sections for seg in segment_text(section_body(sections[key]), key)]


def read_statements(sections: dict[str, Section]) -> tuple[list[tuple[str, Segment]], list[tuple[str, ...]]]:
    """The statements through the spaCy pipeline (:mod:`analyzer.narrative.nlp`): segments and the stock phrases found in each.

    The same segments as :func:`segments_of`; on the way, each section is
    segmented by jieba once for the classifier's words, and the stock phrases
    found word for word (``PhraseMatcher``) become the boilerplate evidence.
    """
    from analyzer.narrative import nlp

    segments, phrases = [], []
    for key in NARRATIVE_SECTIONS:
        if key not in sections:
            continue
        doc = nlp.read_section(section_body(sections[key]), key, READ_COMPONENTS)
        stock = list(doc.spans.get("stock_phrases", []))
        text = nlp.doc_text(doc)
        for span in doc.spans["statements"]:
            seg = span._.segment
            if nlp.same_words(span, text):
                features.remember_words(seg.text, [t.text for t in span])
            inside = sorted((p.text for p in stock if p.start >= span.start and p.end <= span.end), key=lambda t: (-len(t), t))
            segments.append((key, seg))
            phrases.append(tuple(inside))
    return segments, phrases


def items_of(segments: list[tuple[str, Segment]]) -> list[Item]:
    return [Item(seg.text, key, seg.part, seg.context, seg.lead_in, seg.split_from_previous) for key, seg in segments]


def label_segments(segments: list[tuple[str, Segment]], pair: bool = True) -> list[Statement]:
    """Statements with kind, category and boilerplate judgement (measures paired with their problems when ``pair``)."""
    return _statements(segments, *label_items(items_of(segments), get_model(), pair=pair))


def labelled_row(text: str, lab: Labelled, labelled: list[Labelled]) -> dict:
    """:func:`~analyzer.narrative.classify.describe`'s row for a statement labelled in its section.

    A measure that took its problem's category keeps its own reading as the runner-up,
    and the confidence is the problem's.
    """
    row = describe(text, lab.kind_probs, lab.category_probs)
    if lab.inherited_from is not None:
        own = row["category"]
        row["category"] = lab.category
        row["score"] = round(labelled[lab.inherited_from].category_probs.get(lab.category, 0.0), 4)
        row["runner_up"] = own if own != lab.category else row["runner_up"]
        row["uncertain"] = bool(min(row["probability"], row["score"]) < UNCERTAIN)
    return row


def _statements(segments, labelled: list[Labelled], pairs: list[Pairing], exact: list[tuple[str, ...]] | None = None) -> list[Statement]:
    out = []
    judged_all = bp.judge_all([seg.text for _, seg in segments])
    for n, ((key, seg), lab, judged) in enumerate(zip(segments, labelled, judged_all)):
        if judged.boilerplate and exact and exact[n]:
            judged = replace(judged, evidence=exact[n][0])  # a stock phrase found word for word is the better evidence
        row = labelled_row(seg.text, lab, labelled)
        category, score, runner_up = row["category"], row["score"] if row["category"] else 0.0, row["runner_up"]
        st = Statement(
            text=seg.text,
            section=key,
            part=seg.part,
            kind=row["kind"],
            kind_score=row["kind_score"],
            category=category,
            category_score=score,
            runner_up=runner_up,
            boilerplate=judged.boilerplate,
            boilerplate_evidence=judged.evidence,
        )
        out.append(replace(st, boilerplate=False, boilerplate_evidence=None) if is_heading(st) else st)
    return out


def problem_pairs(statements: list[Statement] | tuple[Statement, ...], pairs: list[Pairing], untouched: list[int] = ()) -> tuple[ProblemPair, ...]:
    """Every problem of 五 with the measures answering it (none when unanswered), as typed data;
    ``untouched``: the problems nothing else in their section touches (:func:`pairing.untouched`)."""
    by_problem: dict[int, list[Pairing]] = {}
    for p in pairs:
        by_problem.setdefault(p.problem, []).append(p)
    out = []
    for i, s in enumerate(statements):
        if s.section == "problems" and s.kind == "problem":
            got = sorted(by_problem.get(i, []), key=lambda p: p.measure)
            out.append(ProblemPair(i, tuple(p.measure for p in got), tuple(p.how for p in got),
                                   specific=not problems.is_vague(s), untouched=i in untouched))
    return tuple(out)


def unanswered(result: NarrativeResult) -> list[Statement]:
    """The problems the pairing gave no measure. Not yet "问题X未提出改进措施": a measure often answers a second
    problem, or in other words; that claim rests on ``ProblemPair.untouched`` (``problems.unanswered``)."""
    return [result.statements[p.problem] for p in result.pairs if not p.measures]


def summarize(statements: tuple[Statement, ...], copied_share: float | None = None, pairs: tuple[ProblemPair, ...] = (), copied_by_section: dict[str, float] | None = None) -> NarrativeResult:
    """Counts and shares of a set of statements. ``category_counts`` counts problems per category."""
    kinds = Counter(s.kind for s in statements)
    cats = Counter(s.category for s in statements if s.kind == "problem" and s.category)
    return NarrativeResult(
        statements=statements,
        category_counts={k: cats[k] for k in sorted(cats)},
        boilerplate_share=_share_of_prose(statements, "boilerplate"),
        copied_share=copied_share,
        kind_counts={k: kinds[k] for k in sorted(kinds)},
        pairs=pairs,
        copied_by_section=dict(copied_by_section or {}),
    )


def analyze_narrative(sections: dict[str, Section], meta: ReportMeta, tables: TableValues | None) -> tuple[NarrativeResult, list[Finding]]:
    """Statements of 总体情况 and 五 with kind, category and boilerplate flag, the problem–measure pairs, and the narrative findings."""
    if READER == "spacy":
        segments, exact = read_statements(sections)
    else:
        segments, exact = segments_of(sections), None
    items, model = items_of(segments), get_model()
    labelled, pairs = label_items(items, model)
    statements = _statements(segments, labelled, pairs, exact)
    result = summarize(tuple(statements), pairs=problem_pairs(statements, pairs, pairing.untouched(items, labelled, pairs, model)))
    other_text = sections["other"].text if "other" in sections else ""
    findings: list[Finding] = []
    findings += problems.check_problems(statements, sections, result.pairs)
    findings += rules.check_overview_parts(sections, meta)
    findings += rules.check_fee_statement(sections, meta)
    findings += rules.check_stale_years(statements, sections, meta, other_text)
    findings += rules.check_boilerplate(statements, result.boilerplate_share, sections)
    return result, findings


def label_lines(lines: list[str], section: str, model) -> list[Labelled]:
    """Lines of one section labelled in order as far as a line and the next can tell (:func:`classify_texts`)."""
    items = [Item(text, section, lead_in=lead) for text, (_, lead) in zip(lines, read_rows(lines))]
    return label_items(items, model, pair=False)[0]


def classify_texts(lines: list[str], section: str | None = None) -> list[dict]:
    """One dict per line: text, kind, its probability, category (problems and measures), score, runner_up,
    uncertain, and the section it was read in.

    ``section`` ("overview" / "problems") says where the sentences come from, when known. The lines
    are then read in order as ``analyze`` reads a section's statements, as far as a line and the next
    can tell: a heading line of 总体情况 before its content is a heading, a line announcing a list
    ("下一步，重点做好以下工作：") is a statement. What depends on the whole section is left out, since
    the lines may come from many reports one after the other: the context a lead-in sets for all that
    follows, and the pairing of problems with measures (on the evaluation's statements of 13 reports
    piped as one file, kinds macro-F1 0.917 and categories 0.638 this way, 0.916 and 0.606 with them).
    Without ``section``, the lines under a heading of 总体情况 or of 五 (a report's text given whole) are
    read as that section's (:func:`sections_of_lines`); any other line alone.
    """
    lines = list(lines)
    check_section(section)
    if not lines:
        return []
    where = [section] * len(lines) if section else sections_of_lines(lines)
    model = get_model()
    rows: list[dict] = []
    for key, group in groupby(zip(where, lines), key=lambda x: x[0]):  # each run of lines of one section
        run = [text for _, text in group]
        if key is None:
            rows += [row | {"section": None} for row in classify(run)]
        else:
            labelled = label_lines(run, key, model)
            rows += [labelled_row(text, lab, labelled) | {"section": key} for text, lab in zip(run, labelled)]
    return rows


def sections_of_lines(lines: list[str]) -> list[str | None]:
    """For each line, the narrative section it stands in when the lines are a report's text with its headings
    ("一、总体情况", "五、存在的主要问题及改进情况", found as ``analyze`` finds them); None for a heading line,
    a line of another section or before the first heading, and for every line when no such heading is there."""
    from analyzer.model import Block, Document
    from analyzer.sections import split_sections

    doc = Document(source=Path("-"), format="txt", blocks=tuple(Block("paragraph", t, line=n) for n, t in enumerate(lines)))
    where: list[str | None] = [None] * len(lines)
    for key, sec in split_sections(doc).items():
        if key in NARRATIVE_SECTIONS:
            for b in sec.blocks:
                if b.line is not None and b.text.strip() == lines[b.line].strip():  # a line whole, not a heading's tail
                    where[b.line] = key
    return where


# --- run level ------------------------------------------------------------------------------------


def _group(r: ReportResult) -> str:
    """Who wrote a report: its agency when known, else the file (so unknown agencies never merge)."""
    return r.meta.agency or r.source


def cross_report(results: list[ReportResult], previous: dict[str, ReportResult]) -> dict[str, tuple[NarrativeResult, list[Finding]]]:
    """Run-level boilerplate (text shared by many agencies) and carry-over from the same agency's previous report.

    Returns only the reports whose narrative changed or that gain findings;
    the findings returned are the new ones only.
    """
    results = sorted((r for r in results if r.narrative is not None), key=lambda r: r.source)
    items: list[neardup.Item] = []
    owner: list[tuple[int, int]] = []  # (result index, statement index)
    for ri, r in enumerate(results):
        for si, s in enumerate(r.narrative.statements):
            items.append(neardup.Item(_group(r), s.text))
            owner.append((ri, si))
    shared_with = dict(zip(owner, neardup.shared_groups(items, cap=MIN_AGENCIES)))

    out: dict[str, tuple[NarrativeResult, list[Finding]]] = {}
    for ri, r in enumerate(results):
        old = r.narrative
        stmts = []
        for si, s in enumerate(old.statements):
            if not s.boilerplate and not is_heading(s) and len(shared_with.get((ri, si), ())) >= MIN_AGENCIES:
                s = replace(s, boilerplate=True, boilerplate_evidence=SHARED_EVIDENCE)
            stmts.append(s)
        findings: list[Finding] = []
        copied_share, by_section, pairs = old.copied_share, dict(old.copied_by_section), old.pairs
        prev = previous.get(r.source)
        if prev is not None and prev.narrative is not None and prev.narrative.statements:
            stmts, copied_share, by_section, carried = _mark_carried_over(stmts, prev.narrative.statements)
            pairs, repeated = repeats.mark_repeated(stmts, pairs, prev.narrative.statements)
            findings += _carry_over_findings(r, prev, stmts, carried, repeated, copied_share, by_section)
        new = summarize(tuple(stmts), copied_share, pairs, by_section)
        before = old.boilerplate_share or 0.0
        if (new.boilerplate_share or 0.0) > rules.BOILERPLATE_SHARE >= before:
            findings += rules.check_boilerplate(stmts, new.boilerplate_share, r.sections)
        if new != old or findings:
            out[r.source] = (new, findings)
    return out


def _mark_carried_over(stmts: list[Statement], prev_stmts: tuple[Statement, ...]):
    """Statements near-duplicating last year's; the overall share of characters and each section's share of statements."""
    matches = neardup.best_matches([s.text for s in stmts], [s.text for s in prev_stmts])
    marked, carried = [], []
    for i, (s, m) in enumerate(zip(stmts, matches)):
        m = None if is_heading(s) else m
        marked.append(replace(s, carried_over=m is not None))
        if m is not None:
            carried.append((i, s, prev_stmts[m[0]]))
    share = _share_of_prose(marked, "carried_over")
    prose = _prose(marked)
    by_section = {}
    for key in NARRATIVE_SECTIONS:
        here = [s for s in prose if s.section == key]
        if here:
            by_section[key] = sum(s.carried_over for s in here) / len(here)
    return marked, share, by_section, carried


def _quotes_of_two(text: str, before: str) -> tuple[str, str]:
    """This year's sentence and last year's as quoted: where they begin alike beyond a quote's length, both
    quotes are cut around the first words that differ, so two quotes that look the same are never shown for
    two texts that are not (and “原文相同” is said only of equal texts)."""
    a, b = compact(text).rstrip("。；;"), compact(before).rstrip("。；;")
    k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if a == b or k < rules.QUOTE_CHARS:
        return rules.shorten(text), rules.shorten(before)
    return rules.shorten_around(text, a[k : k + 6]), rules.shorten_around(before, b[k : k + 6])


def _same_words(text: str, before: str) -> bool:
    return compact(text).rstrip("。；;") == compact(before).rstrip("。；;")


def _carry_over_findings(r: ReportResult, prev: ReportResult, stmts, carried, repeated, copied_share, by_section) -> list[Finding]:
    out = []
    prev_report = f"{prev.meta.year}年报告" if prev.meta.year else "上年报告"
    index_in_section = {}
    counters: Counter = Counter()
    for i, s in enumerate(stmts):
        counters[s.section] += 1
        index_in_section[i] = counters[s.section]
    # Problems repeated by meaning (repeats.mark_repeated), measures promised again word for word.
    # (index, this year's statement, last year's it repeats)
    probs = [(i, stmts[i], repeated[i]) for i in sorted(repeated)]
    meas = [(i, s, p) for i, s, p in carried if s.section == "problems" and s.kind == "measure" and p.section == "problems"]
    if probs or meas:
        # the example quoted with last year's words beside it: a problem repeated by meaning is worded otherwise
        i, s, before = (probs or meas)[0]
        parts = []
        if probs:
            parts.append(f"{len(probs)}个问题")
        if meas:
            parts.append(f"{len(meas)}条改进措施")
        quote, previous_quote = _quotes_of_two(s.text, before.text)
        same = _same_words(s.text, before.text)
        example = f"“{quote}”" + (f"，与{prev_report}原文相同" if same else f"，{prev_report}为“{previous_quote}”")
        # Say of each only what was measured: a problem listed again is not yet put right; a measure copied as is
        # only when its words are last year's (near-duplicates share most of their words, not all).
        said = (["问题未见改进"] if probs else []) + (
            ["措施原样照搬" if all(_same_words(m.text, b.text) for _, m, b in meas) else "措施沿用上年表述"] if meas else [])
        out.append(
            Finding(
                "problems.repeated",
                "warning",
                f"存在问题部分有{'、'.join(parts)}与{prev_report}相同或相近（如{example}），{'，'.join(said)}。",
                rules.where_of(s, index_in_section[i], r.sections),
                quote=quote,
                data={"problems": len(probs), "measures": len(meas), "previous": prev.source, "problem_statements": [i for i, _, _ in probs],
                      "previous_quote": previous_quote},
            )
        )
    over = {k: v for k, v in by_section.items() if v > rules.COPIED_SHARE}
    if over:
        first = next((s for i, s, _ in carried if s.section in over), None)
        names = "、".join(f"{rules.section_name(k, r.sections)}约{v:.0%}" for k, v in over.items())
        out.append(
            Finding(
                "narrative.copied",
                "warning",
                f"{names}的语句与{prev_report}相同或基本相同"
                + (f"（如“{rules.shorten(first.text)}”）" if first else "")
                + "，超过一半，按评估要求应扣分。",
                "；".join(rules.section_name(k, r.sections) for k in over),
                quote=rules.shorten(first.text) if first else "",
                data={"copied_share": round(copied_share or 0.0, 4), "copied_by_section": {k: round(v, 4) for k, v in by_section.items()}, "previous": prev.source},
            )
        )
    return out
