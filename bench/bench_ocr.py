"""Scanned reports through the real pipeline: tables, findings, narrative and score against the original PDFs, and time.

For every PDF with expected values (the corpus seeds ``corpus/00N_*.pdf`` →
``../shared/corpus-real/expected/seed00N.json``, ``corpus/900_*`` →
``tests/data/expected/``, and the real PDFs of ``../shared/corpus-real/`` →
``pdf_*.json`` when that folder is present), a scanned rendering is made with
``scripts/make_scanned.py`` into a cache folder (never the repository). The
folder of scans is then analysed by :func:`analyzer.pipeline.analyze_run`, the
call behind ``analyzer analyze``, once on one worker and once on two, and:

- **cells** against the expected values: right / wrong / missing / invented;
- **findings** (warnings and errors) of the rules every expected file states
  completely (``variants.SCORED``: tables, missing parts, the text-table
  comparison) against the expected ones (less the deliberate departures of
  ``tests/data/expected/departures.json``), and every ``confirmed`` error of
  those rules the expected file does not have (a false confirmed error); the
  other rules (``problems.vague``, ``narrative.stale_year`` …) are not judged
  here, only compared with the original PDF;
- **like the original**: the original PDFs are analysed the same way (their text
  layer) and compared: identity (title, agency, year), the sections' text
  (headings and paragraphs, one rapidfuzz ratio over all of them), every
  finding (and those confirmed there but only uncertain on the scan), score
  and grade;
- **time**: wall and CPU seconds of each run (this process and its workers),
  the load average of the machine, and seconds per page: each document's time
  (from the run's progress: a file starts when a worker frees) over its pages,
  median over the documents, on one worker and on two.

    .venv/bin/python bench/bench_ocr.py                      # corpus + real PDFs, 1 and 2 workers
    .venv/bin/python bench/bench_ocr.py --only 001,szfgs --workers 1 --verbose
    .venv/bin/python bench/bench_ocr.py --hard               # 150 dpi, page 2 upside down, page 3 sideways
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus-real"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "bench"))

from analyzer.model import ReportResult, RunResult  # noqa: E402
from analyzer.pipeline import analyze_run  # noqa: E402
from variants import SCORED, expected_findings  # noqa: E402  (the expected files less the deliberate departures)

REAL = {"pdf_hzq2023": "hzq2023_working.pdf", "pdf_hzq2024": "hzq2024_working.pdf", "pdf_szfgs2024": "szfgs2024.pdf"}


@dataclass
class Case:
    name: str
    path: Path  # the original PDF
    expected: dict
    pages: int = 0


@dataclass
class Cells:
    right: int = 0
    expected: int = 0
    wrong: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    invented: list = field(default_factory=list)

    def add(self, other: "Cells") -> None:
        self.right += other.right
        self.expected += other.expected
        self.wrong += other.wrong
        self.missing += other.missing
        self.invented += other.invented


@dataclass
class Timing:
    workers: int
    wall: float
    cpu: float
    load: tuple[float, float, float]
    per_file: dict[str, float]  # file name -> seconds from its start to its end


def cases(include_real: bool) -> list[Case]:
    import pypdfium2 as pdfium

    out = []
    exp_dir = SHARED / "expected"
    for f in sorted((ROOT / "corpus").glob("*.pdf")):
        stem = f.stem
        e = exp_dir / f"seed{stem[:3]}.json" if stem[:3].isdigit() else None
        local = ROOT / "tests" / "data" / "expected" / f"{stem}.json"
        e = local if local.is_file() else e
        if e is not None and e.is_file():
            out.append(Case(stem[:3] if int(stem[:3]) < 900 else stem, f, json.loads(e.read_text("utf-8"))))
    if include_real:
        for name, fname in REAL.items():
            p, e = SHARED / fname, exp_dir / f"{name}.json"
            if p.is_file() and e.is_file():
                out.append(Case(name, p, json.loads(e.read_text("utf-8"))))
    for c in out:
        c.pages = len(pdfium.PdfDocument(str(c.path)))
    return out


def make_scans(all_cases: list[Case], folder: Path, hard: bool, scan_dpi: int | None) -> list[Path]:
    """The scanned rendering of every case in ``folder`` (made once; byte-identical when remade)."""
    from make_scanned import ScanOptions, scan_file

    folder.mkdir(parents=True, exist_ok=True)
    opts = ScanOptions(dpi=scan_dpi)
    if hard:
        # A poor scan: 150 dpi, up to 2°, page 2 upside down and page 3 fed sideways.
        opts = ScanOptions(dpi=scan_dpi or 150, max_rotation=2.0, turns={2: 180, 3: 90})
    out = []
    for c in all_cases:
        dst = folder / c.path.name
        if not dst.is_file():
            scan_file(c.path, folder, opts)
        out.append(dst)
    return out


def timed_run(files: list[Path], workers: int) -> tuple[RunResult, Timing]:
    """``analyze_run`` on the files, with each file's time: it starts when a worker frees (the
    pool takes files in order), ends when its result comes back."""
    order = [str(f) for f in sorted(files, key=str)]
    starts: dict[str, float] = {}
    ends: dict[str, float] = {}
    queue = list(order)
    t0 = time.perf_counter()
    for _ in range(min(workers, len(queue))):
        starts[queue.pop(0)] = t0

    def progress(path: str) -> None:
        now = time.perf_counter()
        ends[path] = now
        if queue:
            starts[queue.pop(0)] = now

    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = analyze_run(files, workers=workers, progress=progress)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) + (c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)
    per_file = {Path(p).name: ends[p] - starts[p] for p in order if p in ends and p in starts}
    return run, Timing(workers, wall, cpu, os.getloadavg(), per_file)


def by_name(run: RunResult) -> dict[str, ReportResult]:
    return {Path(r.source).name: r for r in run.results}


def compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def compare_cells(case: Case, result: ReportResult | None) -> Cells:
    out = Cells()
    unreadable = set(case.expected.get("unreadable", []))
    for table, rows in case.expected["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                key = f"{table}.{row}.{col}"
                if key in unreadable:
                    continue
                got = result.tables.get(table, row, col) if result is not None and result.tables else None
                if want is None:
                    if got is not None:
                        out.invented.append((key, got))
                    continue
                out.expected += 1
                if got == want:
                    out.right += 1
                elif got is None:
                    out.missing.append((key, want))
                else:
                    out.wrong.append((key, want, got))
    return out


def raised(result: ReportResult | None) -> set[str]:
    return {f.rule for f in result.findings if f.severity != "info"} if result is not None else set()


def weaker(scan: ReportResult, orig: ReportResult | None) -> list[str]:
    """Findings confirmed on the original PDF that the scan raises only as uncertain (or not at all)."""
    if orig is None:
        return []
    on_scan = {(f.rule, f.where): f.status for f in scan.findings}
    return [f"{f.rule} @ {f.where}: {on_scan.get((f.rule, f.where), 'not raised')}" for f in orig.findings
            if f.severity != "info" and f.status == "confirmed" and on_scan.get((f.rule, f.where)) != "confirmed"]


def judged(rules: set[str]) -> set[str]:
    """The rules the expected files state completely; a finding of another rule is not judged."""
    return {r for r in rules if r in SCORED}


def false_confirmed(result: ReportResult | None, wanted: set[str]) -> list[str]:
    """Confirmed errors of a judged rule the expected file does not have."""
    if result is None:
        return []
    return [f"{f.rule} @ {f.where}" for f in result.findings
            if f.severity == "error" and f.status == "confirmed" and f.rule in SCORED and f.rule not in wanted]


def prose_ratio(scan: ReportResult, orig: ReportResult) -> float:
    """How alike the narrative reads: rapidfuzz ratio of the sections' headings and paragraphs
    (tables left out: a grid's merged cells are repeated differently), section after section, the
    scan's against the original's. One ratio over all the text, so a stray table-header fragment
    one reading keeps as a paragraph weighs by its length, not as a whole section."""
    from rapidfuzz import fuzz

    def prose(r: ReportResult) -> str:
        return "".join(compact("".join(b.text for b in r.sections[k].blocks if b.kind != "table"))
                       for k in sorted(r.sections))

    a, b = prose(scan), prose(orig)
    return fuzz.ratio(a, b) / 100 if a or b else 1.0


def median_per_page(timing: Timing, all_cases: list[Case]) -> float:
    rates = [timing.per_file[c.path.name] / c.pages for c in all_cases if c.path.name in timing.per_file]
    return statistics.median(rates) if rates else float("nan")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Scanned renderings through analyze_run, against expected values and the original PDFs")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/analyzer-bench-ocr"), help="folder for the scans")
    ap.add_argument("--hard", action="store_true", help="poor scans: 150 dpi, 2° skew, page 2 upside down, page 3 sideways")
    ap.add_argument("--scan-dpi", type=int, default=None, help="resolution of the scans (default: 150–300 per document)")
    ap.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated (the first is compared)")
    ap.add_argument("--only", default="", help="comma-separated case names or name parts")
    ap.add_argument("--no-real", action="store_true", help="skip ../shared/corpus-real")
    ap.add_argument("--verbose", action="store_true", help="list every wrong, missing and invented cell")
    args = ap.parse_args(argv)
    all_cases = [c for c in cases(not args.no_real) if not args.only or any(o in c.name for o in args.only.split(","))]
    scans = make_scans(all_cases, args.cache / ("scanned-hard" if args.hard else "scanned"), args.hard, args.scan_dpi)
    # Only the cases asked for: a folder of their scans, as `analyzer analyze FOLDER` would see it.
    folder = args.cache / "run"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for s in scans:
        (folder / s.name).symlink_to(s)
    files = sorted(folder.iterdir())
    print(f"{len(all_cases)} documents, {sum(c.pages for c in all_cases)} pages; cpus {os.cpu_count()}; "
          f"load before {os.getloadavg()[0]:.1f}")

    originals = by_name(analyze_run([c.path for c in all_cases], workers=2))
    timings = []
    compared: dict[str, ReportResult] = {}
    failures: dict[str, str] = {}
    for i, w in enumerate(int(x) for x in args.workers.split(",")):
        run, timing = timed_run(files, w)
        timings.append(timing)
        if i == 0:
            compared = by_name(run)
            failures = {Path(f.source).name: f.error for f in run.failures}

    print(f"{'document':<14}{'pages':>6}{'s/page':>8}{'right':>7}{'wrong':>6}{'miss':>6}{'inv':>5}{'acc':>8}"
          f"{'prose':>7}{'score':>14}  findings")
    total = Cells()
    exact = parity = false_total = weak_total = n_wanted = n_got = n_found = 0
    for c in all_cases:
        name = c.path.name
        scan, orig = compared.get(name), originals.get(name)
        cells = compare_cells(c, scan)
        total.add(cells)
        wanted = judged({f["rule"] for f in expected_findings(c.expected)})
        got = judged(raised(scan))
        false = false_confirmed(scan, wanted)
        false_total += len(false)
        exact += got == wanted
        n_wanted, n_got, n_found = n_wanted + len(wanted), n_got + len(got), n_found + len(got & wanted)
        parity += raised(scan) == raised(orig)
        spp = timings[0].per_file.get(name, float("nan")) / c.pages
        acc = cells.right / cells.expected if cells.expected else 1.0
        if scan is None:
            print(f"{c.name:<14}{c.pages:>6}  FAILED: {failures.get(name, '?')}")
            continue
        ratio = prose_ratio(scan, orig) if orig is not None else float("nan")
        score = f"{scan.score.total:.1f}/{orig.score.total:.1f}" if scan.score and orig and orig.score else "-"
        status = "ok" if got == wanted else f"missing {sorted(wanted - got)} extra {sorted(got - wanted)}"
        unjudged = sorted(raised(scan) - got)
        status += f"; not judged {unjudged}" if unjudged else ""
        status += "; = original" if orig is not None and raised(scan) == raised(orig) else f"; original raises {sorted(raised(orig))}"
        same_id = orig is not None and (scan.meta.title, scan.meta.agency, scan.meta.year) == (orig.meta.title, orig.meta.agency, orig.meta.year)
        status += "" if same_id else f"; identity {scan.meta.agency}/{scan.meta.year} vs {orig.meta.agency if orig else '?'}"
        weak = weaker(scan, orig)
        weak_total += len(weak)
        status += f"; not confirmed as on the original {weak}" if weak else ""
        if false:
            status += f"; FALSE CONFIRMED {false}"
        print(f"{c.name:<14}{c.pages:>6}{spp:>8.2f}{cells.right:>7}{len(cells.wrong):>6}{len(cells.missing):>6}"
              f"{len(cells.invented):>5}{acc:>8.1%}{ratio:>7.3f}{score:>14}  {status}")
        if args.verbose:
            for w in cells.wrong:
                print("      wrong:", w)
            for m in cells.missing:
                print("      missing:", m)
            for k in cells.invented:
                print("      invented:", k)
            for f in scan.findings:
                if f.severity != "info":
                    print(f"      {f.status:<9} {f.rule} @ {f.where}")
    acc = total.right / total.expected if total.expected else 1.0
    print(f"{'TOTAL':<14}{sum(c.pages for c in all_cases):>6}{'':>8}{total.right:>7}{len(total.wrong):>6}{len(total.missing):>6}"
          f"{len(total.invented):>5}{acc:>8.1%}  wrong {len(total.wrong) / max(1, total.expected):.2%}")
    print(f"findings of the judged rules (rule per document): expected {n_wanted}, raised {n_got}, "
          f"of them expected {n_found}; as expected on {exact}/{len(all_cases)} documents; "
          f"all findings as on the original PDF on {parity}/{len(all_cases)}; "
          f"false confirmed errors: {false_total}; confirmed on the original, not on the scan: {weak_total}")
    pages = sum(c.pages for c in all_cases)
    for t in timings:
        print(f"workers={t.workers}: wall {t.wall:.1f}s, CPU {t.cpu:.1f}s ({t.cpu / pages:.2f} CPU s/page), "
              f"median {median_per_page(t, all_cases):.2f} s/page per document, {t.wall / pages:.2f} s/page for the run; "
              f"load average after {t.load[0]:.1f}/{t.load[1]:.1f}/{t.load[2]:.1f}")
    longest = max(all_cases, key=lambda c: c.pages)
    if longest.path.name in timings[0].per_file:
        print(f"{longest.name} ({longest.pages} pages) on {timings[0].workers} worker(s): {timings[0].per_file[longest.path.name]:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
