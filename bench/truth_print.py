"""What ``bench/bench_truth.py`` prints: totals, findings per rule, a table per family and per format,
and what goes wrong in a PDF variant only (against the rendering it was printed from)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from bench import variants as V

if TYPE_CHECKING:
    from bench.bench_truth import Doc, Judged, Tally

FORMATS = ("txt", "html", "docx", "pdf")
RULE_CLASSES = {
    "table rules": tuple(r for r in V.TABLE_RULES if r != "tables.ambiguous_cell"),
    "reading": ("tables.ambiguous_cell",),
    "text vs table": V.TEXT_RULES,
    "continuity": V.CONTINUITY_RULES,
    "missing parts": V.MISSING_RULES + ("overview.missing_part",),
}


def pct(a: int, b: int) -> str:
    return f"{a / b:6.1%}" if b else "     -"


def per_rule(j: Judged) -> dict[str, Counter]:
    out: dict[str, Counter] = defaultdict(Counter)
    for name, rule, locs, f in j.true:
        out[rule]["true"] += 1
    for name, rule, locs, f in j.false:
        out[rule]["false"] += 1
        out[rule]["false_uncertain"] += f.get("status") == "uncertain"
    for name, rule, loc in j.found:
        out[rule]["found"] += 1
    for name, rule, loc in j.missed:
        out[rule]["missed"] += 1
    return out


def print_report(docs, tallies: dict[str, Tally], seconds: float, list_failures: bool) -> None:
    a = tallies["ALL"]
    print(f"\n{a.docs} documents ({sum(1 for d in docs if d.family == 'base')} visible, "
          f"{sum(1 for d in docs if d.family != 'base')} variants) in {len({d.group for d in docs})} runs, {seconds:.0f} s")
    print("\nIDENTITY")
    n = a.docs - a.lost
    print(f"  agency {pct(a.agency, n)}   level {pct(a.level, n)}   year {pct(a.year, n)}   all three {pct(a.identity, n)}   (of {n})")
    print("\nCELLS")
    print(f"  right {a.right}/{a.expected_cells} {pct(a.right, a.expected_cells)}   wrong {a.wrong}   missing {a.missing}   invented {a.invented}")
    print("\nLINKS BETWEEN YEARS")
    print(f"  expected links made {a.links_right}/{a.links_expected}   false links {a.links_false}")
    print(f"\nREPORTS LOST  {a.lost}")
    print("\nFINDINGS (claims judged against rule + canonical location)")
    rules = per_rule(a.judged)
    print(f"  {'rule':<40}{'true':>6}{'false':>7}{'(unc.)':>7}{'prec.':>8}{'found':>7}{'missed':>7}{'recall':>8}")
    for cls, members in RULE_CLASSES.items():
        tot = Counter()
        for rule in members:
            c = rules.get(rule)
            if not c:
                continue
            tot.update(c)
            print(f"  {rule:<40}{c['true']:>6}{c['false']:>7}{c['false_uncertain']:>7}{pct(c['true'], c['true'] + c['false']):>8}"
                  f"{c['found']:>7}{c['missed']:>7}{pct(c['found'], c['found'] + c['missed']):>8}")
        print(f"  {'  = ' + cls:<40}{tot['true']:>6}{tot['false']:>7}{tot['false_uncertain']:>7}"
              f"{pct(tot['true'], tot['true'] + tot['false']):>8}{tot['found']:>7}{tot['missed']:>7}"
              f"{pct(tot['found'], tot['found'] + tot['missed']):>8}")
    print("\nPER FAMILY")
    print(f"  {'family':<16}{'docs':>5}{'lost':>5}{'ident.':>8}{'agency':>8}{'level':>7}{'cells':>8}{'invent':>7}"
          f"{'prec.':>7}{'recall':>7}{'false':>6}{'missed':>7}  {'links':<10}")
    order = ["base"] + list(V.FAMILIES)
    for fam in order:
        if fam not in tallies:
            continue
        t = tallies[fam]
        n = t.docs - t.lost
        tr, fa, fo, mi = len(t.judged.true), len(t.judged.false), len(t.judged.found), len(t.judged.missed)
        links = (f"{t.links_right}/{t.links_expected}" + (f", {t.links_false} false" if t.links_false else "")
                 if (t.links_expected or t.links_false) else "-")
        print(f"  {fam:<16}{t.docs:>5}{t.lost:>5}{pct(t.identity, n):>8}{pct(t.agency, n):>8}{pct(t.level, n):>7}"
              f"{pct(t.right, t.expected_cells):>8}{t.invented:>7}{pct(tr, tr + fa):>7}{pct(fo, fo + mi):>7}{fa:>6}{mi:>7}  {links:<10}")
    print_formats(tallies)
    print_against_source(docs, tallies["ALL"].per_doc, list_failures)
    if list_failures:
        print("\nFAILURES")
        for fam in order:
            if fam not in tallies:
                continue
            t = tallies[fam]
            lines = [f"  {d:<48} {k:<9} {txt}" for d, k, txt in t.failures]
            for d, rule, locs, f in t.judged.false:
                lines.append(f"  {d:<48} {'false':<9} {rule} [{f.get('status')}] at {f.get('where')}: {f.get('message', '')[:150]}")
            for d, rule, loc in t.judged.missed:
                lines.append(f"  {d:<48} {'missed':<9} {rule} at {loc}")
            if lines:
                print(f"\n [{fam}]")
                print("\n".join(sorted(lines)))


def print_formats(tallies: dict[str, Tally]) -> None:
    """One line per format of the documents (visible and variants), PDF also per layout."""
    print("\nPER FORMAT (visible documents and variants; pdf also per layout of its tables)")
    print(f"  {'format':<16}{'docs':>5}{'lost':>5}{'ident.':>8}{'cells':>8}{'right':>8}{'wrong':>6}{'missing':>8}{'invent':>7}"
          f"{'prec.':>7}{'recall':>7}{'false':>6}{'missed':>7}")
    keys = [f"format:{f}" for f in FORMATS] + sorted(k for k in tallies if k.startswith("format:pdf/"))
    keys.sort(key=lambda k: (FORMATS.index(k[7:].split("/")[0]) if k[7:].split("/")[0] in FORMATS else 9, k))
    for key in keys:
        if key not in tallies:
            continue
        t = tallies[key]
        n = t.docs - t.lost
        label = key[7:] if "/" not in key else "  " + key.split("/", 1)[1]
        tr, fa, fo, mi = len(t.judged.true), len(t.judged.false), len(t.judged.found), len(t.judged.missed)
        print(f"  {label:<16}{t.docs:>5}{t.lost:>5}{pct(t.identity, n):>8}{pct(t.right, t.expected_cells):>8}{t.right:>8}"
              f"{t.wrong:>6}{t.missing:>8}{t.invented:>7}{pct(tr, tr + fa):>7}{pct(fo, fo + mi):>7}{fa:>6}{mi:>7}")


def print_against_source(docs: list[Doc], per_doc: dict, list_failures: bool) -> None:
    """What goes wrong in a PDF variant and not in the same variant in the format it was printed from."""
    pairs = [(d, d.expected["source"]) for d in docs if d.expected.get("source") in per_doc and d.name in per_doc]
    if not pairs:
        return
    worse: dict[str, list] = defaultdict(list)  # kind -> [(doc, text)]
    for d, src in pairs:
        mine, theirs = per_doc[d.name], per_doc[src]
        if mine["identity"] and not theirs["identity"]:
            worse["identity"].append((d.name, f"got {mine['identity']} (right from {src})"))
        for key, text in mine["cells"].items():
            if key not in theirs["cells"]:
                worse["cell"].append((d.name, text))
        for (rule, locs), f in mine["false"].items():
            if (rule, locs) not in theirs["false"]:
                worse["false"].append((d.name, f"{rule} [{f.get('status')}] at {f.get('where')}: {f.get('message', '')[:120]}"))
        for rule, loc in mine["missed"] - theirs["missed"]:
            worse["missed"].append((d.name, f"{rule} at {loc}"))
    print(f"\nPDF AGAINST ITS SOURCE ({len(pairs)} PDF variants whose TXT/HTML/DOCX rendering was read in this run: "
          "what goes wrong in the PDF only)")
    for kind in ("identity", "cell", "false", "missed"):
        items = worse.get(kind, [])
        print(f"  {kind:<9}{len(items):>6} in {len({n for n, _ in items}):>3} documents" + (
            "   " + ", ".join(f"{r} {n}" for r, n in Counter(t.split(" ")[0] for _, t in items).most_common(4))
            if kind == "false" and items else ""))
    if list_failures:
        for kind in ("identity", "cell", "false", "missed"):
            for name, text in sorted(worse.get(kind, [])):
                print(f"    {name:<48} {kind:<9} {text}")
