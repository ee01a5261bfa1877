"""How true are the analyzer's claims about reports it has never seen? (issue 9)

Runs the analyzer as a user would (``analyzer.pipeline.analyze_run`` on a folder,
one run per group of documents that belong together) over

* every visible document with expected values: the seeds in their four formats
  (``corpus/``, expected in ``../shared/corpus-real/expected/seedNNN.json`` and
  ``tests/data/expected/``), the real texts and PDFs of ``../shared/corpus-real/``
  (the year pairs real0051→real0014 and hzq2023→hzq2024 in one run each);
* the variants of ``bench/variants.py`` (header-only titles, preambles, department
  names, pairs of years, flattened tables, HTML table layouts, narrative traps,
  damage, deviating headings), each with its own expected values,

and prints identity accuracy, findings precision and recall per rule, cells right /
wrong / missing / invented, links between years, reports lost, and a table per family.

How a claim is matched to the truth (the rule + canonical location contract)
    A finding is cut into *claims*: ``tables.missing_cell`` and ``tables.ambiguous_cell``
    make one claim per cell they name, ``tables.missing_row`` one per row; every other
    finding is one claim. A claim's *locations* are the canonical keys its data names,
    with every projection of each cell ``t.r.c`` (``t``, ``t.r``, ``t.c``, ``t.r.c``),
    ``column`` → ``applications.<col>``, ``group`` → ``review_litigation.<group>``,
    ``row`` → ``<table>.<row>`` (the table from the data or the rule's prefix),
    ``overview.missing_part`` → ``overview.<part>``, ``template.outdated`` → ``report``.
    Missing sections are claims too (rule ``sections.missing``, location the section key),
    read from the sections the analyzer did not find.

    An expected finding ``(rule, location)`` is *found* when a claim of the same rule
    has that location among its locations. A claim is *true* when it finds some expected
    finding; *allowed* (counted neither way) when it matches an ``optional`` pair
    (e.g. a missing-cell claim on a cell the text leaves unreadable); otherwise *false*
    — for the rules listed in the document's ``scored`` set; claims of other rules are
    not judged. Precision = true / (true + false) claims; recall = found / expected.

Cells
    right: equal to the expected value; wrong: another number; missing: null where a
    number is expected; invented: a number where the expected value is null. A cell
    listed ``unreadable`` is not counted when null; a number there counts as right when
    equal and wrong otherwise.

Options
    ``--family X`` (repeatable; ``base`` is the visible documents), ``--all`` (every
    variant: the default, about 75 s with 2 workers here), ``--sample N`` (at most N
    groups of each family, chosen by name, for a quicker look),
    ``--list-failures`` (every wrong claim, missed finding, wrong identity, wrong cell and
    lost report, with the document's name), ``--write DIR`` (write the variants and their
    ``.expected.json`` to DIR and stop), ``--workers N`` (parallel runs, default 2).

    .venv/bin/python bench/bench_truth.py
    .venv/bin/python bench/bench_truth.py --family pairs --list-failures
    .venv/bin/python bench/bench_truth.py --sample 10
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import truth_schema as ts  # noqa: E402
from bench import variants as V  # noqa: E402

RULE_CLASSES = {
    "table rules": tuple(r for r in V.TABLE_RULES if r != "tables.ambiguous_cell"),
    "reading": ("tables.ambiguous_cell",),
    "text vs table": V.TEXT_RULES,
    "continuity": V.CONTINUITY_RULES,
    "missing parts": V.MISSING_RULES + ("overview.missing_part",),
}
REAL_DOCS = {
    "real0001": "real0001.txt", "real0003": "real0003.txt", "real0005": "real0005.txt", "real0007": "real0007.txt",
    "real0009": "real0009.txt", "real0010": "real0010.txt", "real0011": "real0011.txt", "real0012": "real0012.txt",
    "real0051": "real0051.txt", "real0014": "real0014.txt",
    "pdf_hzq2023": "hzq2023_working.pdf", "pdf_hzq2024": "hzq2024_working.pdf", "pdf_szfgs2024": "szfgs2024.pdf",
}
REAL_PAIRS = (("real0051", "real0014"), ("pdf_hzq2023", "pdf_hzq2024"))


# ================================================================ documents with expected values


@dataclass
class Doc:
    name: str
    family: str
    group: str
    expected: dict
    path: Path | None = None  # an existing file (visible documents)
    data: bytes | None = None  # a generated one
    suffix: str = ""


def base_expected(name: str, exp: dict, family: str = "base") -> dict:
    """A visible document's expected file in the shape of a variant's."""
    rep = exp["report"]
    template = rep.get("template")
    tables = ts.normalised(exp["tables"], template)
    unreadable = set(exp.get("unreadable", []))
    optional = set()
    for key, v in ts.cells(tables):
        t, r, c = key.split(".")
        if key in unreadable:
            optional |= {("tables.ambiguous_cell", key), ("tables.missing_cell", key), ("tables.non_numeric_cell", key)}
        elif v is None:
            # the expected files do not say whether a blank row's label is printed: either claim is allowed
            optional |= {("tables.missing_cell", key), ("tables.missing_row", f"{t}.{r}")}
    req, opt = ts.table_findings(tables, template, rep["agency"], rep["level"], rep["year"])
    optional |= {f for f in opt}
    findings = set(V.base_expected_findings(exp))
    return {
        "name": name, "family": family, "base": name, "format": "",
        "report": {k: rep.get(k) for k in ("agency", "level", "year", "template")},
        "tables": tables, "unreadable": sorted(unreadable),
        "findings": sorted(findings), "optional": sorted(optional), "scored": list(V.SCORED),
        "group": name, "previous": None, "note": "visible document; expected values of ../shared/corpus-real/expected",
    }


def visible_docs() -> list[Doc]:
    out: list[Doc] = []
    for f in sorted((ROOT / "corpus").iterdir()):
        if f.suffix.lower() not in (".txt", ".pdf", ".docx", ".html") or not f.stem[:3].isdigit():
            continue
        n = int(f.stem[:3])
        exp_path = V.EXPECTED / f"seed{f.stem[:3]}.json" if n < 900 else ROOT / "tests" / "data" / "expected" / f"{f.stem}.json"
        if not exp_path.is_file():
            continue
        name = f"seed{f.stem[:3]}-{f.suffix[1:]}"
        e = base_expected(name, json.loads(exp_path.read_text(encoding="utf-8")))
        out.append(Doc(name, "base", name, e, path=f))
    if not V.REAL.is_dir():
        print(f"({V.REAL} absent: the real reports are skipped)")
        return out
    pair_of = {b: (a, b) for a, b in REAL_PAIRS} | {a: (a, b) for a, b in REAL_PAIRS}
    for name, fname in REAL_DOCS.items():
        p, e = V.REAL / fname, V.EXPECTED / f"{name}.json"
        if not (p.is_file() and e.is_file()):
            continue
        exp = base_expected(name, json.loads(e.read_text(encoding="utf-8")))
        group = name
        if name in pair_of:
            a, b = pair_of[name]
            group = f"{a}+{b}"
            if name == b and (V.EXPECTED / f"{a}.json").is_file():
                prev = json.loads((V.EXPECTED / f"{a}.json").read_text(encoding="utf-8"))
                exp["previous"] = a
                exp["findings"] = sorted(set(map(tuple, exp["findings"])) | set(ts.continuity_findings(
                    ts.normalised(prev["tables"], prev["report"]["template"]), exp["tables"],
                    prev["report"]["template"], exp["report"]["template"])))
        exp["group"] = group
        out.append(Doc(name, "base", group, exp, path=p))
    return out


def variant_docs(families=None, per_family: int | None = None) -> list[Doc]:
    """Variants as documents; with ``per_family``, at most that many groups of each family (a stable sample)."""
    fams = [f for f in V.FAMILIES if not families or f in families]
    vs = V.generate(fams)
    by_family: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for v in vs:
        by_family[v.family][v.expected["group"]].append(v)
    out: list[Doc] = []
    for fam, groups in by_family.items():
        names = sorted(groups)
        if per_family is not None and len(names) > per_family:
            names = sorted(names, key=lambda g: V.rng(g).random())[:per_family]
        for g in sorted(names):
            for v in groups[g]:
                out.append(Doc(v.name, fam, g, v.expected, data=v.data, suffix=v.suffix))
    return out


# ================================================================ running the analyzer


def _run_group(args: tuple[str, list[str], list[str]]) -> dict:
    """One ``analyze_run`` over a group (a folder of variants, or visible files) in a worker process.

    Returns a compact, picklable answer keyed by the member files' paths.
    """
    group, inputs, paths = args
    from analyzer.pipeline import analyze_run

    t0 = time.perf_counter()
    answer: dict = {"group": group, "results": {}, "failures": {}, "previous": {}, "error": None}
    try:
        run = analyze_run(inputs, workers=1)
    except Exception as exc:  # noqa: BLE001 - the whole run broke: every file of it is lost
        answer["error"] = f"{type(exc).__name__}: {exc}"
        answer["seconds"] = time.perf_counter() - t0
        return answer
    by_path = {str(Path(p).resolve()): p for p in paths}

    def key(source: str) -> str:
        return by_path.get(str(Path(source).resolve()), source)

    for r in run.results:
        answer["results"][key(r.source)] = {
            "report": {"agency": r.meta.agency, "level": r.meta.level, "year": r.meta.year, "template": r.meta.template},
            "tables": r.tables.values if r.tables else {},
            "findings": [
                {"rule": f.rule, "severity": f.severity, "status": f.status, "where": f.where,
                 "data": _jsonable(f.data), "message": f.message}
                for f in r.findings
            ],
            "sections": sorted(r.sections),
            "notes": list(r.notes),
        }
    for f in run.failures:
        answer["failures"][key(f.source)] = f"{f.kind}: {f.error}"
    answer["previous"] = {key(k): key(v) for k, v in run.previous.items()}
    answer["seconds"] = time.perf_counter() - t0
    return answer


def _jsonable(x):
    return json.loads(json.dumps(x, ensure_ascii=False, default=str))


def run_all(docs: list[Doc], workers: int) -> tuple[dict[str, dict], dict[str, str], dict[str, str | None], float]:
    """(result per doc name, failure per doc name, linked previous per doc name, seconds)."""
    tmp = Path(tempfile.mkdtemp(prefix="bench_truth_"))
    groups: dict[str, list[tuple[Doc, str]]] = defaultdict(list)
    inputs: dict[str, list[str]] = defaultdict(list)
    try:
        for d in docs:
            if d.path is not None:
                groups[d.group].append((d, str(d.path)))
                inputs[d.group].append(str(d.path))
            else:  # a generated group is a folder of its own, analysed as a user would analyse one
                folder = tmp / re.sub(r"[^\w.+-]", "_", d.group)
                folder.mkdir(parents=True, exist_ok=True)
                p = folder / f"{d.name}{d.suffix}"
                p.write_bytes(d.data or b"")
                groups[d.group].append((d, str(p)))
                inputs[d.group] = [str(folder)]
        jobs = [(g, inputs[g], [p for _, p in members]) for g, members in groups.items()]
        # the slow ones (PDF, big groups) first so the pool's last minutes are not one long file
        jobs.sort(key=lambda j: (-sum(p.endswith(".pdf") for p in j[2]), -len(j[2]), j[0]))
        t0 = time.perf_counter()
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                answers = list(pool.map(_run_group, jobs))
        else:
            answers = [_run_group(j) for j in jobs]
        seconds = time.perf_counter() - t0
        results: dict[str, dict] = {}
        failures: dict[str, str] = {}
        previous: dict[str, str | None] = {}
        for ans in answers:
            members = groups[ans["group"]]
            name_of = {p: d.name for d, p in members}
            for d, p in members:
                if ans["error"]:
                    failures[d.name] = "run failed: " + ans["error"]
                elif p in ans["results"]:
                    results[d.name] = ans["results"][p]
                    prev = ans["previous"].get(p)
                    previous[d.name] = name_of.get(prev, prev) if prev else None
                else:
                    failures[d.name] = ans["failures"].get(p, "no result and no failure recorded")
        return results, failures, previous, seconds
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ================================================================ claims and their truth


def projections(cell: str) -> set[str]:
    parts = cell.split(".")
    if len(parts) != 3:
        return {cell}
    t, r, c = parts
    return {t, f"{t}.{r}", f"{t}.{c}", cell}


def _table_of(rule: str, data: dict) -> str:
    """The table a finding's ``row`` belongs to: named in its data, else told by its rule."""
    if data.get("table"):
        return data["table"]
    if rule == "continuity.in_force":
        return "active_disclosure"
    prefix = rule.split(".")[0]
    return {"applications": "applications", "review_litigation": "review_litigation",
            "active_disclosure": "active_disclosure"}.get(prefix, "applications")


def claims_of(f: dict) -> list[set[str]]:
    """The claims one finding makes, each as the set of canonical locations it speaks of."""
    rule, data = f["rule"], f.get("data") or {}
    cells = list(data.get("cells") or []) + ([data["cell"]] if data.get("cell") else [])
    if rule in ("tables.missing_cell", "tables.ambiguous_cell", "tables.non_numeric_cell") and cells:
        return [projections(c) for c in cells]
    if rule == "tables.missing_row":
        t = data.get("table", "applications")
        rows = list(data.get("rows") or []) + ([data["row"]] if data.get("row") else [])
        return [{t, f"{t}.{r}"} for r in rows] or [{t}]
    if rule == "tables.missing_table":
        return [{data.get("table", "report")}]
    if rule == "overview.missing_part":
        return [{"overview", f"overview.{data.get('part', '')}"}]
    if rule.startswith("problems."):
        return [{"problems"}]
    if rule in ("template.outdated", "publication.late"):
        return [{"report"}]
    if rule == "sections.missing":
        return [{data["section"]}]
    locs: set[str] = set()
    for c in cells:
        locs |= projections(c)
    t = _table_of(rule, data)
    if data.get("column"):
        locs |= {"applications", f"applications.{data['column']}"}
    if data.get("group"):
        locs |= {"review_litigation", f"review_litigation.{data['group']}"}
    if data.get("row"):
        locs |= {t, f"{t}.{data['row']}"}
    if data.get("table"):
        locs.add(data["table"])
    return [locs or {"report"}]


def section_claims(result: dict) -> list[dict]:
    """"Section missing" as the analyzer says it: every section it did not find."""
    return [{"rule": "sections.missing", "severity": "warning", "status": "confirmed", "where": s,
             "data": {"section": s}, "message": "未找到章节"} for s in ts.SECTION_KEYS if s not in result["sections"]]


@dataclass
class Judged:
    true: list = field(default_factory=list)  # (doc, rule, claim locs, finding)
    false: list = field(default_factory=list)
    allowed: list = field(default_factory=list)
    found: list = field(default_factory=list)  # (doc, rule, loc)
    missed: list = field(default_factory=list)


def judge_findings(name: str, expected: dict, result: dict, out: Judged) -> None:
    req = [tuple(x) for x in expected["findings"]]
    opt = [tuple(x) for x in expected.get("optional", [])]
    scored = set(expected.get("scored", V.SCORED))
    claims = []
    for f in result["findings"] + section_claims(result):
        for locs in claims_of(f):
            claims.append((f, locs))
    for f, locs in claims:
        rule = f["rule"]
        if rule not in scored:
            continue
        if any(r == rule and loc in locs for r, loc in req):
            out.true.append((name, rule, locs, f))
        elif any(r == rule and loc in locs for r, loc in opt):
            out.allowed.append((name, rule, locs, f))
        else:
            out.false.append((name, rule, locs, f))
    for rule, loc in req:
        if any(f["rule"] == rule and loc in locs for f, locs in claims):
            out.found.append((name, rule, loc))
        else:
            out.missed.append((name, rule, loc))


def agency_key(a: str | None) -> str | None:
    """Agencies compared as written, whitespace removed and 管理委员会 read as 管委会."""
    if not a:
        return None
    return re.sub(r"\s+", "", a).replace("管理委员会", "管委会")


@dataclass
class Tally:
    docs: int = 0
    lost: int = 0
    agency: int = 0
    level: int = 0
    year: int = 0
    identity: int = 0
    right: int = 0
    wrong: int = 0
    missing: int = 0
    invented: int = 0
    expected_cells: int = 0
    links_right: int = 0
    links_expected: int = 0
    links_false: int = 0
    judged: Judged = field(default_factory=Judged)
    failures: list = field(default_factory=list)  # (doc, kind, text)


def judge(docs: list[Doc], results, failures, previous) -> dict[str, Tally]:
    """Tallies per family and in total ("ALL")."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    group_size = Counter(d.group for d in docs)
    for d in docs:
        for t in (tallies[d.family], tallies["ALL"]):
            t.docs += 1
        if d.name not in results:
            for t in (tallies[d.family], tallies["ALL"]):
                t.lost += 1
                t.failures.append((d.name, "lost", failures.get(d.name, "?")))
            continue
        res, exp = results[d.name], d.expected
        want, got = exp["report"], res["report"]
        ok = {
            "agency": agency_key(want["agency"]) == agency_key(got["agency"]),
            "level": want["level"] == got["level"],
            "year": want["year"] == got["year"],
        }
        unreadable = set(exp.get("unreadable", []))
        cell_marks = Counter()
        cell_fail = []
        for key, want_v in ts.cells(exp["tables"]):
            got_v = ts.get(res["tables"], key)
            if isinstance(got_v, float) and want_v is not None and abs(got_v - want_v) < 1e-6:
                got_v = want_v
            if key in unreadable:
                if got_v is None:
                    continue
                if want_v is None or got_v == want_v:
                    cell_marks["right"] += 1
                    cell_marks["expected"] += 1
                else:
                    cell_marks["wrong"] += 1
                    cell_marks["expected"] += 1
                    cell_fail.append(f"{key}: unreadable, expected null or {want_v}, got {got_v}")
                continue
            if want_v is None:
                if got_v is not None:
                    cell_marks["invented"] += 1
                    cell_fail.append(f"{key}: invented {got_v} (expected null)")
                continue
            cell_marks["expected"] += 1
            if got_v is None:
                cell_marks["missing"] += 1
                cell_fail.append(f"{key}: missing (expected {want_v})")
            elif got_v == want_v:
                cell_marks["right"] += 1
            else:
                cell_marks["wrong"] += 1
                cell_fail.append(f"{key}: {got_v} (expected {want_v})")
        link_expected = exp.get("previous")
        link_got = previous.get(d.name)
        in_group = group_size[d.group] > 1
        for t in (tallies[d.family], tallies["ALL"]):
            t.agency += ok["agency"]
            t.level += ok["level"]
            t.year += ok["year"]
            t.identity += all(ok.values())
            t.right += cell_marks["right"]
            t.wrong += cell_marks["wrong"]
            t.missing += cell_marks["missing"]
            t.invented += cell_marks["invented"]
            t.expected_cells += cell_marks["expected"]
            if link_expected:
                t.links_expected += 1
                t.links_right += link_got == link_expected
            if in_group and link_got and link_got != link_expected:
                t.links_false += 1
            judge_findings(d.name, exp, res, t.judged)
        fam = tallies[d.family]
        if not all(ok.values()):
            fam.failures.append((d.name, "identity", f"expected {want['agency']}/{want['level']}/{want['year']}, "
                                                      f"got {got['agency']}/{got['level']}/{got['year']}"))
        for c in cell_fail:
            fam.failures.append((d.name, "cell", c))
        if link_expected and link_got != link_expected:
            fam.failures.append((d.name, "link", f"expected previous {link_expected}, got {link_got}"))
        elif in_group and link_got and link_got != link_expected:
            fam.failures.append((d.name, "link", f"linked to {link_got}, expected no link"))
    return tallies


# ================================================================ printing


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Truth of the analyzer's claims on visible reports and generated variants (issue 9).")
    ap.add_argument("--family", action="append", help="only this family (repeatable); 'base' = the visible documents")
    ap.add_argument("--all", action="store_true", help="every variant (the default; kept for scripts that say so)")
    ap.add_argument("--sample", type=int, metavar="N", help="a quicker look: at most N groups of each family, chosen by name")
    ap.add_argument("--list-failures", action="store_true")
    ap.add_argument("--write", type=Path, help="write the variants and their expected values to this folder, then stop")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    fams = set(args.family or [])
    if args.write:
        vs = V.generate([f for f in V.FAMILIES if not fams or f in fams])
        V.write(vs, args.write)
        print(f"{len(vs)} variants written to {args.write}")
        return 0
    docs: list[Doc] = []
    if not fams or "base" in fams:
        docs += visible_docs()
    var_fams = [f for f in V.FAMILIES if not fams or f in fams]
    if var_fams:
        docs += variant_docs(var_fams, None if args.all or not args.sample else args.sample)
    gen = time.perf_counter() - t0
    results, failures, previous, seconds = run_all(docs, args.workers)
    tallies = judge(docs, results, failures, previous)
    print_report(docs, tallies, time.perf_counter() - t0, args.list_failures)
    print(f"\n(variants generated in {gen:.0f} s, analysed in {seconds:.0f} s with {args.workers} worker(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
