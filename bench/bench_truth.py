"""How true are the analyzer's claims about reports it has never seen? (issue 9)

Runs the analyzer as a user would (``analyzer.pipeline.analyze_run`` on a folder,
one run per group of documents that belong together) over

* every visible document with expected values: the seeds in their four formats
  (``corpus/``, expected in ``../shared/corpus-real/expected/seedNNN.json`` and
  ``tests/data/expected/``), the real texts and PDFs of ``../shared/corpus-real/``
  (the year pairs real0051→real0014 and hzq2023→hzq2024 in one run each);
* the variants of ``bench/variants.py`` (header-only titles, preambles, department
  names, pairs of years, flattened tables, HTML table layouts, narrative traps,
  damage, deviating headings), each with its own expected values, and a sample of
  them printed as PDF (``bench/pdf_render.py``),

and prints identity accuracy, findings precision and recall per rule, cells right /
wrong / missing / invented, links between years, reports lost, a table per family and
one per format; and, for each PDF variant whose source rendering was read in the same
run, what goes wrong in the PDF only (PDF AGAINST ITS SOURCE).

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

Formats
    Variants are rendered as TXT, HTML and DOCX, and a sample of them as PDF
    (``bench/pdf_render.py``: each family, every other base, one kind of variant; ``control``
    in every layout) printed by LibreOffice from a Word file in three layouts (ruled tables,
    tables without ruling lines, table 三 broken across a page) — kept by content in a temporary
    folder of the run, or under ``$ANALYZER_BENCH_PDF_CACHE`` when set (then only the first run
    pays for the conversion; the PDFs hold ../shared/corpus-real text, keep them in a folder
    you delete). Results are
    printed per family and per format (PDF also per layout).

Options
    ``--family X`` (repeatable; ``base`` is the visible documents), ``--formats LIST``
    (of txt, html, docx, pdf; default all four, pdf only when LibreOffice is installed),
    ``--pdf-every-base`` (PDF variants of every base, not every other one), ``--all`` (every
    variant: the default), ``--sample N`` (at most N groups of each family, chosen by name, for
    a quicker look; PDF variants apart, those printed from a sampled variant first),
    ``--list-failures`` (every wrong claim, missed finding, wrong identity, wrong cell and
    lost report, with the document's name), ``--write DIR`` (write the variants and their
    ``.expected.json`` to DIR and stop), ``--workers N`` (parallel runs, default 2).

    .venv/bin/python bench/bench_truth.py
    .venv/bin/python bench/bench_truth.py --family pairs --list-failures
    .venv/bin/python bench/bench_truth.py --sample 10
    .venv/bin/python bench/bench_truth.py --formats pdf --list-failures
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

from bench import pdf_render as P  # noqa: E402
from bench import truth_schema as ts  # noqa: E402
from bench import variants as V  # noqa: E402
from bench.truth_print import FORMATS, print_report  # noqa: E402

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

    @property
    def format(self) -> str:
        return (self.suffix or (self.path.suffix if self.path else "")).lstrip(".").lower()

    @property
    def layout(self) -> str | None:
        """How a PDF variant's tables are printed (bench/pdf_render.py LAYOUTS); None for the rest."""
        return self.expected.get("layout")


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


def _sampled(items: list, per_family: int | None, family_of, group_of, first=lambda group: False) -> list:
    """At most ``per_family`` groups of each family (a stable sample by name, the groups ``first``
    holds for taken first); all without a limit."""
    by_family: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for x in items:
        by_family[family_of(x)][group_of(x)].append(x)
    out = []
    for fam, groups in by_family.items():
        names = sorted(groups)
        if per_family is not None and len(names) > per_family:
            names = sorted(names, key=lambda g: (not first(g), V.rng(g).random()))[:per_family]
        for g in sorted(names):
            out += groups[g]
    return out


def variant_docs(families=None, per_family: int | None = None, formats=FORMATS, pdf_every_base: bool = False) -> list[Doc]:
    """Variants as documents in the chosen formats; with ``per_family``, a stable sample of each family.

    PDF variants are printed from a sample of the others (``bench/pdf_render.py``) and sampled
    apart, those printed from a variant of the sample first, so that PDF AGAINST ITS SOURCE has pairs.
    """
    fams = [f for f in V.FAMILIES if not families or f in families]
    vs = V.generate(fams)
    chosen = [v for v in vs if v.suffix.lstrip(".") in formats]
    chosen = _sampled(chosen, per_family, lambda v: v.family, lambda v: v.expected["group"])
    if "pdf" in formats:
        sampled = {v.name for v in chosen}
        picks = P.choose(vs, pdf_every_base)
        source_read = {P.pdf_name_of(pick): pick[0][0].name in sampled for pick in picks}
        picks = _sampled(picks, per_family, lambda pick: pick[0][0].family, P.pdf_name_of, source_read.get)
        pdfs, cost = P.render(picks)
        print(f"(PDF: {len(pdfs)} variants of {sum(len(m) for m, _ in picks)} chosen; {cost['converted']} converted by "
              f"LibreOffice in {cost['seconds']:.0f} s, the rest from {P.cache_dir()}"
              + (f"; {cost['missing']} could not be made" if cost["missing"] else "") + ")")
        chosen += pdfs
    return [Doc(v.name, v.family, v.expected["group"], v.expected, data=v.data, suffix=v.suffix) for v in chosen]


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

    def extend(self, other: "Judged") -> None:
        for name in ("true", "false", "allowed", "found", "missed"):
            getattr(self, name).extend(getattr(other, name))


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
    per_doc: dict = field(default_factory=dict)  # ("ALL" only) doc -> what went wrong in it, to set formats side by side


def judge(docs: list[Doc], results, failures, previous) -> dict[str, Tally]:
    """Tallies per family, per format ("format:pdf", and "format:pdf/<layout>") and in total ("ALL")."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    group_size = Counter(d.group for d in docs)
    for d in docs:
        mine = [tallies[k] for k in (d.family, "ALL", f"format:{d.format}")
                + ((f"format:{d.format}/{d.layout}",) if d.layout else ())]
        for t in mine:
            t.docs += 1
        if d.name not in results:
            for t in mine:
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
        own = Judged()
        judge_findings(d.name, exp, res, own)
        tallies["ALL"].per_doc[d.name] = {
            "identity": None if all(ok.values()) else f"{got['agency']}/{got['level']}/{got['year']}",
            "cells": {c.split(":")[0]: c for c in cell_fail},
            "false": {(rule, tuple(sorted(locs))): f for _, rule, locs, f in own.false},
            "missed": {(rule, loc) for _, rule, loc in own.missed},
        }
        for t in mine:
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
            t.judged.extend(own)
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


def write_docs(docs: list[Doc], folder: Path) -> None:
    """Each generated document as a file, with its expected values as ``<name>.expected.json`` beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for d in docs:
        if d.data is None:
            continue
        (folder / f"{d.name}{d.suffix}").write_bytes(d.data)
        (folder / f"{d.name}.expected.json").write_text(json.dumps(d.expected, ensure_ascii=False, indent=1), encoding="utf-8")


def chosen_formats(arg: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(formats of the visible documents, formats of the variants): as asked, or all four.

    By default PDF variants are made only when LibreOffice is installed (the visible PDFs are read
    anyway); asked for explicitly without it, they come from the cache where they are there.
    """
    if arg:
        formats = tuple(f.strip().lower().lstrip(".") for f in arg.split(",") if f.strip())
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise SystemExit(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
        if "pdf" in formats and not P.office():
            print("(LibreOffice (soffice) not found: PDF variants come from the cache only)")
        return formats, formats
    if P.office():
        return FORMATS, FORMATS
    print("(LibreOffice (soffice) not found: PDF variants skipped — apt-get install -y libreoffice-writer-nogui "
          "fonts-noto-cjk; the visible PDFs are still read)")
    return FORMATS, FORMATS[:3]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Truth of the analyzer's claims on visible reports and generated variants (issue 9).")
    ap.add_argument("--family", action="append", help="only this family (repeatable); 'base' = the visible documents")
    ap.add_argument("--formats", metavar="LIST", help="comma-separated, of txt,html,docx,pdf (default: all; pdf when LibreOffice is installed)")
    ap.add_argument("--all", action="store_true", help="every variant (the default; kept for scripts that say so)")
    ap.add_argument("--pdf-every-base", action="store_true",
                    help="print a variant of every family for every base as PDF, not every other base (twice the PDF time)")
    ap.add_argument("--sample", type=int, metavar="N", help="a quicker look: at most N groups of each family, chosen by name")
    ap.add_argument("--list-failures", action="store_true")
    ap.add_argument("--write", type=Path, help="write the variants and their expected values to this folder, then stop")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    fams = set(args.family or [])
    visible_formats, formats = chosen_formats(args.formats)
    per_family = None if args.all or not args.sample else args.sample
    var_fams = [f for f in V.FAMILIES if not fams or f in fams]
    if args.write:
        docs = variant_docs(var_fams, per_family, formats, args.pdf_every_base) if var_fams else []
        write_docs(docs, args.write)
        print(f"{len(docs)} variants written to {args.write}")
        return 0
    docs: list[Doc] = []
    if not fams or "base" in fams:
        docs += [d for d in visible_docs() if d.format in visible_formats]
    if var_fams:
        docs += variant_docs(var_fams, per_family, formats, args.pdf_every_base)
    gen = time.perf_counter() - t0
    results, failures, previous, seconds = run_all(docs, args.workers)
    tallies = judge(docs, results, failures, previous)
    print_report(docs, tallies, time.perf_counter() - t0, args.list_failures)
    print(f"\n(variants generated in {gen:.0f} s, analysed in {seconds:.0f} s with {args.workers} worker(s))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
