"""The narrative stage: statements of 总体情况 and 五 with their labels, and the findings on them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from analyzer.model import Finding, NarrativeResult, ReportMeta, ReportResult, Section, Statement, TableValues
from analyzer.narrative import boilerplate as bp
from analyzer.narrative import neardup, problems, rules
from analyzer.narrative.classify import apply_priors, classify, describe, get_model
from analyzer.narrative.segment import Segment, segment_text, split_problem_measure

NARRATIVE_SECTIONS = ("overview", "problems")
MIN_AGENCIES = 3  # a statement near-duplicated in at least this many other agencies' reports is boilerplate


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


def label_segments(segments: list[tuple[str, Segment]], pair: bool = True) -> list[Statement]:
    """Classify segments of all sections in one batch, applying section and lead-in priors.

    With ``pair``, measures paired with a problem then take its category (``inherit_categories``).
    """
    if not segments:
        return []
    model = get_model()
    texts = [seg.text for _, seg in segments]
    kind_p = model.predict_proba(texts)
    kinds = []
    for i, (key, seg) in enumerate(segments):
        probs = apply_priors({str(k): float(p) for k, p in zip(model.classes_, kind_p[i])}, key, seg.context)
        if seg.lead_in:
            # A lead-in ("下一步，重点做好以下工作：") introduces the list; the items carry the content.
            probs = {k: (1.0 if k == "statement" else 0.0) for k in probs}
        kinds.append(probs)
    # Categories only for what is a problem or a measure: half the work on a typical report.
    need = [i for i, probs in enumerate(kinds) if max(sorted(probs), key=probs.get) in ("problem", "measure")]
    cat_rows = dict(zip(need, model.predict_category_proba([texts[i] for i in need]))) if need else {}
    out = []
    cat_probs = {}
    for i, (key, seg) in enumerate(segments):
        cats = {str(c): float(p) for c, p in zip(model.categories_, cat_rows[i])} if i in cat_rows else {}
        cat_probs[i] = cats
        row = describe(seg.text, kinds[i], cats)
        out.append(
            Statement(
                text=seg.text,
                section=key,
                part=seg.part,
                kind=row["kind"],
                kind_score=row["kind_score"],
                category=row["category"],
                category_score=row["score"] if row["category"] else 0.0,
                runner_up=row["runner_up"],
                boilerplate=bp.match_reference(seg.text) is not None,
            )
        )
    return inherit_categories(segments, out, cat_probs) if pair else out


# --- measures take the category of the problem they answer (taxonomy §2) -------------------------

WEAK_CATEGORY = 0.5  # below this, a measure's own category guess yields to its paired problem's


def _answers_problem(problem: Segment, measure: Segment) -> bool:
    """Whether the measure was split off the same sentence as the problem ("…不够及时，下一步将…").

    The segmenter splits such sentences with ``split_problem_measure``; joining
    the two halves back and splitting again must give the same two halves.
    """
    if measure.part != problem.part or problem.lead_in or measure.lead_in:
        return False
    head = problem.text.rstrip("。")
    for sep in ("，", "；"):
        parts = [p.strip().rstrip("，,：:；;") for p in split_problem_measure(head + sep + measure.text)]
        if len(parts) == 2 and parts[0].rstrip("。") == head and parts[1] == measure.text:
            return True
    return False


def _runs(statements: list[Statement], idx: list[int]) -> list[tuple[str, list[int]]]:
    """Consecutive problems or measures of section 五 as (kind, indices); anything else ends a run."""
    runs: list[tuple[str, list[int]]] = []
    for i in idx:
        kind = statements[i].kind
        if kind not in ("problem", "measure"):
            runs.append(("", []))
            continue
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(i)
        else:
            runs.append((kind, [i]))
    return [r for r in runs if r[0]]


def pair_measures(segments: list[tuple[str, Segment]], statements: list[Statement]) -> dict[int, tuple[int, bool]]:
    """Measure index → (index of the problem it answers, paired explicitly?).

    Two shapes say which problem a measure answers:
    - a problem and its measure split out of one sentence (explicit);
    - an enumerated problem list followed by an enumerated measure list of
      the same length, each item with its own marker (一是…四是…, 一要…四要…):
      item n answers item n (positional, so weaker: used where the measure's
      own category is uncertain).
    """
    idx = [i for i, (key, _) in enumerate(segments) if key == "problems"]
    pairs: dict[int, tuple[int, bool]] = {}
    for a, b in zip(idx, idx[1:]):
        if b == a + 1 and statements[a].kind == "problem" and statements[b].kind == "measure" and _answers_problem(segments[a][1], segments[b][1]):
            pairs[b] = (a, True)
    runs = _runs(statements, idx)
    for (k1, probs), (k2, meas) in zip(runs, runs[1:]):
        if k1 != "problem" or k2 != "measure" or len(probs) != len(meas) or len(probs) < 2:
            continue
        if not all(_enumerated([segments[i][1] for i in group]) for group in (probs, meas)):
            continue
        for p, m in zip(probs, meas):
            pairs.setdefault(m, (p, False))
    return pairs


def _enumerated(segs: list[Segment]) -> bool:
    """Each item carries its own marker (一是, 二是…), so position n means item n."""
    parts = [s.part for s in segs]
    return all(parts) and len(set(parts)) == len(parts)


def inherit_categories(segments: list[tuple[str, Segment]], statements: list[Statement], cat_probs: dict[int, dict[str, float]]) -> list[Statement]:
    """Give paired measures their problem's category; the measure's own guess becomes ``runner_up`` when it differs."""
    out = list(statements)
    for m, (p, explicit) in sorted(pair_measures(segments, statements).items()):
        prob, meas = statements[p], statements[m]
        if not prob.category or prob.category == meas.category:
            continue
        # Position alone is weaker evidence: it decides only when the measure's own
        # guess is uncertain and the problem's label is surer than that guess.
        if not explicit and (meas.category_score >= WEAK_CATEGORY or prob.category_score <= meas.category_score):
            continue
        own = cat_probs.get(m, {})
        out[m] = replace(
            meas,
            category=prob.category,
            # How sure we are of the inherited label: the problem's own confidence.
            category_score=prob.category_score,
            runner_up=meas.category if meas.category else max(own, key=own.get, default=None),
        )
    return out


def summarize(statements: tuple[Statement, ...], copied_share: float | None = None) -> NarrativeResult:
    """Counts and shares of a set of statements. ``category_counts`` counts problems per category."""
    kinds = Counter(s.kind for s in statements)
    cats = Counter(s.category for s in statements if s.kind == "problem" and s.category)
    return NarrativeResult(
        statements=statements,
        category_counts={k: cats[k] for k in sorted(cats)},
        boilerplate_share=neardup.share_of_chars([s.text for s in statements], [s.boilerplate for s in statements]),
        copied_share=copied_share,
        kind_counts={k: kinds[k] for k in sorted(kinds)},
    )


def analyze_narrative(sections: dict[str, Section], meta: ReportMeta, tables: TableValues | None) -> tuple[NarrativeResult, list[Finding]]:
    """Statements of 总体情况 and 五 with kind, category and boilerplate flag, and the narrative findings."""
    segments = [(key, seg) for key in NARRATIVE_SECTIONS if key in sections for seg in segment_text(section_body(sections[key]))]
    statements = label_segments(segments)
    result = summarize(tuple(statements))
    other_text = sections["other"].text if "other" in sections else ""
    findings: list[Finding] = []
    findings += problems.check_problems(statements, sections)
    findings += rules.check_overview_parts(sections, meta)
    findings += rules.check_fee_statement(sections, meta)
    findings += rules.check_stale_years(statements, sections, meta, other_text)
    findings += rules.check_boilerplate(statements, result.boilerplate_share, sections)
    return result, findings


def classify_texts(lines: list[str], section: str | None = None) -> list[dict]:
    """One dict per line: text, kind, kind_score, category (problems and measures), score, runner_up.

    ``section`` ("overview" / "problems") says where the sentences come from, when known.
    """
    return classify(list(lines), section=section)


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
        stmts = [
            replace(s, boilerplate=True) if not s.boilerplate and len(shared_with.get((ri, si), ())) >= MIN_AGENCIES else s
            for si, s in enumerate(old.statements)
        ]
        findings: list[Finding] = []
        copied_share = old.copied_share
        prev = previous.get(r.source)
        if prev is not None and prev.narrative is not None and prev.narrative.statements:
            stmts, copied_share, carried = _mark_carried_over(stmts, prev.narrative.statements)
            findings += _carry_over_findings(r, prev, stmts, carried, copied_share)
        new = summarize(tuple(stmts), copied_share)
        before = old.boilerplate_share or 0.0
        if (new.boilerplate_share or 0.0) > rules.BOILERPLATE_SHARE >= before:
            findings += rules.check_boilerplate(stmts, new.boilerplate_share, r.sections)
        if new != old or findings:
            out[r.source] = (new, findings)
    return out


def _mark_carried_over(stmts: list[Statement], prev_stmts: tuple[Statement, ...]) -> tuple[list[Statement], float | None, list[tuple[int, Statement, Statement]]]:
    matches = neardup.best_matches([s.text for s in stmts], [s.text for s in prev_stmts])
    marked, carried = [], []
    for i, (s, m) in enumerate(zip(stmts, matches)):
        if m is not None:
            marked.append(replace(s, carried_over=True))
            carried.append((i, s, prev_stmts[m[0]]))
        else:
            marked.append(replace(s, carried_over=False))
    share = neardup.share_of_chars([s.text for s in marked], [s.carried_over for s in marked])
    return marked, share, carried


def _carry_over_findings(r: ReportResult, prev: ReportResult, stmts, carried, copied_share) -> list[Finding]:
    out = []
    prev_year = prev.meta.year or "上一年度"
    index_in_section = {}
    counters: Counter = Counter()
    for i, s in enumerate(stmts):
        counters[s.section] += 1
        index_in_section[i] = counters[s.section]
    repeated = [(i, s, p) for i, s, p in carried if s.section == "problems" and s.kind in ("problem", "measure") and p.section == "problems"]
    if repeated:
        probs = [x for x in repeated if x[1].kind == "problem"]
        meas = [x for x in repeated if x[1].kind == "measure"]
        i, s, _ = (probs or meas)[0]
        parts = []
        if probs:
            parts.append(f"{len(probs)}个问题")
        if meas:
            parts.append(f"{len(meas)}条改进措施")
        out.append(
            Finding(
                "problems.repeated",
                "warning",
                f"存在问题部分有{'、'.join(parts)}与{prev_year}年报告基本相同（如“{rules.shorten(s.text)}”），问题未见改进或措施原样照搬。",
                rules.where_of(s, index_in_section[i], r.sections),
                quote=rules.shorten(s.text),
                data={"problems": len(probs), "measures": len(meas), "previous": prev.source},
            )
        )
    if copied_share is not None and copied_share > rules.COPIED_SHARE:
        first = carried[0][1] if carried else None
        out.append(
            Finding(
                "narrative.copied",
                "warning",
                f"总体情况和存在问题部分约{copied_share:.0%}的文字与{prev_year}年报告相同或基本相同"
                + (f"（如“{rules.shorten(first.text)}”）" if first else "")
                + "，超过一半，按评估要求应扣分。",
                f"{rules.section_name('overview', r.sections)}；{rules.section_name('problems', r.sections)}",
                quote=rules.shorten(first.text) if first else "",
                data={"copied_share": round(copied_share, 4), "previous": prev.source},
            )
        )
    return out
