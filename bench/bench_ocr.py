"""OCR on scanned renderings: speed, character accuracy, and table cells against the expected values.

For every PDF with expected values (the corpus seeds ``corpus/00N_*.pdf`` →
``../shared/corpus-real/expected/seed00N.json``, ``corpus/900_*`` →
``tests/data/expected/``, and the real PDFs of ``../shared/corpus-real/`` →
``pdf_*.json`` when that folder is present), a scanned rendering is made with
``scripts/make_scanned.py`` into a cache folder (never the repository), then:

- every page is OCR'd (:func:`analyzer.ingest.ocr.read_page`) at ``--dpi``:
  seconds per page, median, on the threads given (``--threads``);
- character accuracy per page: rapidfuzz ``ratio`` of the OCR text (reading
  order of the laid-out blocks) against the original PDF's text layer,
  whitespace removed and NFKC; and the order-free share of the original's
  characters that OCR found (``bag``), which table reading order cannot spoil;
- cells: the OCR pages become a Document of ordinary Blocks
  (:func:`analyzer.ingest.ocr_rows.layout_pages`), read by the same
  identify / sections / tables / checks stages as any document, and compared
  with the expected values: right / wrong / missing / invented, and the
  findings raised (tables, consistency, narrative) versus expected, and versus
  what the same stages raise on the original PDF's text layer.

    .venv/bin/python bench/bench_ocr.py                    # corpus + real PDFs, default dpi
    .venv/bin/python bench/bench_ocr.py --dpi 150 --only 001,szfgs --verbose
    .venv/bin/python bench/bench_ocr.py --reuse            # re-lay out cached OCR (tuning the rows)
    .venv/bin/python bench/bench_ocr.py --hard --threads 1 # poor scans, turned pages; one thread
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus-real"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from analyzer import identify  # noqa: E402
from analyzer.ingest import ocr  # noqa: E402
from analyzer.ingest.ocr_rows import layout_pages  # noqa: E402
from analyzer.model import Document  # noqa: E402
from analyzer.sections import split_sections  # noqa: E402
from analyzer.tables import extract_tables, run_checks  # noqa: E402

CPU: dict[tuple[str, int], float] = {}  # CPU seconds per page (all threads), for a machine shared with others
REAL = {"pdf_hzq2023": "hzq2023_working.pdf", "pdf_hzq2024": "hzq2024_working.pdf", "pdf_szfgs2024": "szfgs2024.pdf"}


@dataclass
class Case:
    name: str
    path: Path
    expected: dict


@dataclass
class Outcome:
    right: int = 0
    wrong: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    invented: list = field(default_factory=list)
    expected: int = 0
    raised: set = field(default_factory=set)
    wanted: set = field(default_factory=set)
    seconds: list = field(default_factory=list)
    ratio: list = field(default_factory=list)
    bag: list = field(default_factory=list)
    low_conf_cells: int = 0
    reread: int = 0
    raised_text: set = field(default_factory=set)
    cpu: list = field(default_factory=list)
    reread_seconds: float = 0.0
    doubtful: int = 0


def cases(include_real: bool) -> list[Case]:
    out = []
    exp_dir = SHARED / "expected"
    for f in sorted((ROOT / "corpus").glob("*.pdf")):
        stem = f.stem
        e = None
        if stem[:3].isdigit() and (exp_dir / f"seed{stem[:3]}.json").is_file():
            e = exp_dir / f"seed{stem[:3]}.json"
        local = ROOT / "tests" / "data" / "expected" / f"{stem}.json"
        if local.is_file():
            e = local
        if e:
            out.append(Case(stem[:3] if int(stem[:3]) < 900 else stem, f, json.loads(e.read_text())))
    if include_real:
        for name, fname in REAL.items():
            p, e = SHARED / fname, exp_dir / f"{name}.json"
            if p.is_file() and e.is_file():
                out.append(Case(name, p, json.loads(e.read_text())))
    return out


def compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def ocr_document(scanned: Path, dpi: int, cache: Path, reuse: bool) -> list[ocr.OcrPage]:
    import pypdfium2 as pdfium

    key = cache / f"{scanned.parent.name}.{scanned.stem}.dpi{dpi}.ocr.pkl"
    if reuse and key.is_file():
        return pickle.loads(key.read_bytes())
    pages = []
    doc = pdfium.PdfDocument(str(scanned))
    try:
        for i in range(len(doc)):
            page = doc[i]
            t0 = time.perf_counter()
            c0 = time.process_time()
            img = ocr.render(page, dpi)
            p = ocr.read_page(img, page_size=page.get_size(), page=i + 1)
            # Rendering counts: the PDF reader pays it too.
            pages.append(ocr.OcrPage(p.lines, p.width, p.height, p.turned, p.skew, p.scale, time.perf_counter() - t0, p.page, p.rules))
            CPU[(scanned.stem, i + 1)] = time.process_time() - c0
            page.close()
    finally:
        doc.close()
    key.write_bytes(pickle.dumps(pages))
    return pages


def second_readings(scanned: Path, pages: list[ocr.OcrPage], layout) -> int:
    """The second reading of every doubtful value cell, from the page rendered at DIGITS_DPI."""
    import pypdfium2 as pdfium

    from analyzer.ingest.ocr_rows import second_reading

    doc = pdfium.PdfDocument(str(scanned))
    images: dict[int, object] = {}
    by_page = {p.page: p for p in pages}

    def reread(cell):
        if cell.page not in images:
            images[cell.page] = ocr.render(doc[cell.page - 1], ocr.DIGITS_DPI)
        return ocr.reread_cell(images[cell.page], by_page[cell.page], cell.box)

    try:
        return second_reading(layout.tables, reread)
    finally:
        doc.close()


def original_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def run_case(case: Case, args: argparse.Namespace) -> Outcome:
    from make_scanned import ScanOptions, scan_file
    from rapidfuzz import fuzz

    out = Outcome()
    scan_dir = args.cache / ("scanned-hard" if args.hard else "scanned")
    scanned = scan_dir / case.path.name
    if not scanned.is_file():
        opts = ScanOptions(dpi=args.scan_dpi)
        if args.hard:
            # A poor scan: 150 dpi, up to 2°, page 2 upside down and page 3 fed sideways.
            opts = ScanOptions(dpi=args.scan_dpi or 150, max_rotation=2.0, turns={2: 180, 3: 90})
        scan_file(case.path, scan_dir, opts)
    pages = ocr_document(scanned, args.dpi, args.cache, args.reuse)
    out.seconds = [p.seconds for p in pages]
    out.cpu = [CPU[(scanned.stem, p.page)] for p in pages if (scanned.stem, p.page) in CPU]
    layout = layout_pages(pages)
    if not args.no_second:
        t0 = time.perf_counter()
        out.reread = second_readings(scanned, pages, layout)
        out.reread_seconds = time.perf_counter() - t0
        layout = layout.refreshed()
    out.doubtful = sum(1 for t in layout.tables for _, _, c in t.value_cells() if c.doubtful)
    originals = original_texts(case.path)
    for p, ref in zip(pages, originals):
        got = compact("".join(b.text for b in layout.blocks if b.page == p.page))
        want = compact(ref)
        out.ratio.append(fuzz.ratio(want, got) / 100)
        out.bag.append(sum((Counter(want) & Counter(got)).values()) / max(1, len(want)))
    doc = Document(source=case.path, format="pdf", blocks=tuple(layout.blocks), notes=(f"OCR：{len(pages)}页",))
    meta = identify.identify(doc)
    secs = split_sections(doc)
    tables = extract_tables(doc, secs, meta)
    findings = list(run_checks(tables, meta, secs, doc))
    # The other stages that raise findings on one report, as analyzer.pipeline runs them.
    try:
        from analyzer.narrative import analyze_narrative, check_consistency

        findings.extend(check_consistency(tables, secs, doc))
        findings.extend(analyze_narrative(secs, meta, tables)[1])
    except ImportError:  # an older tree without the consistency stage
        from analyzer.narrative import analyze_narrative

        findings.extend(analyze_narrative(secs, meta, tables)[1])
    # The same report read from its text layer: OCR should raise what it raises.
    try:
        from analyzer.pipeline import analyze_file

        original = analyze_file(case.path)
        out.raised_text = {f.rule for f in original.findings if f.severity != "info"}
    except Exception as exc:  # noqa: BLE001 - the comparison is informative only
        out.raised_text = {f"unreadable: {exc}"}
    unreadable = set(case.expected.get("unreadable", []))
    for table, rows in case.expected["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                key = f"{table}.{row}.{col}"
                if key in unreadable:
                    continue
                got = tables.get(table, row, col)
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
    out.wanted = {f["rule"] for f in case.expected.get("expected_findings", [])}
    out.raised = {f.rule for f in findings if f.severity != "info"}
    out.low_conf_cells = sum(
        1 for t in layout.tables for r in t.rows for c in r if c.confidence is not None and c.confidence < 0.9 and c.text.isdigit()
    )
    if args.dump:
        for b in layout.blocks:
            if b.kind == "table":
                print(f"    [table p{b.page}]")
                for r in b.rows or ():
                    print("      " + " | ".join(r))
            else:
                print(f"    [{b.kind} p{b.page}] {b.text[:70]}")
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="OCR benchmark on scanned renderings")
    ap.add_argument("--dpi", type=int, default=ocr.DPI, help="render resolution for OCR")
    ap.add_argument("--scan-dpi", type=int, default=None, help="resolution of the scans (default: 150–300 per document)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/analyzer-bench-ocr"), help="folder for scans and OCR results")
    ap.add_argument("--reuse", action="store_true", help="reuse cached OCR results (to tune the layout)")
    ap.add_argument("--hard", action="store_true", help="poor scans: 150 dpi, 2° skew, page 2 upside down, page 3 sideways")
    ap.add_argument("--threads", type=int, default=None, help="onnxruntime threads (default: the engine's)")
    ap.add_argument("--only", default="", help="comma-separated case names or name parts")
    ap.add_argument("--no-real", action="store_true", help="skip ../shared/corpus-real")
    ap.add_argument("--no-second", action="store_true", help="no second reading of doubtful cells")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--dump", action="store_true", help="print the laid-out blocks")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.threads:
        ocr.set_threads(args.threads)
    t0 = time.perf_counter()
    ocr.engine()
    load = time.perf_counter() - t0
    all_cases = [c for c in cases(not args.no_real) if not args.only or any(o in c.name for o in args.only.split(","))]
    print(f"engine loaded in {load:.2f}s; threads={ocr.engine().threads}; dpi={args.dpi}")
    print(f"{'document':<16}{'pages':>6}{'s/page':>8}{'ratio':>7}{'bag':>7}{'right':>7}{'wrong':>6}{'miss':>6}{'inv':>5}{'acc':>8}  findings")
    total = Outcome()
    exact = parity = 0
    group: dict[str, Outcome] = {"corpus": Outcome(), "real": Outcome()}
    for case in all_cases:
        o = run_case(case, args)
        g = group["real" if case.name.startswith("pdf_") else "corpus"]
        for agg in (total, g):
            agg.right += o.right
            agg.expected += o.expected
            agg.wrong += o.wrong
            agg.missing += o.missing
            agg.invented += o.invented
            agg.seconds += o.seconds
            agg.cpu += o.cpu
            agg.ratio += o.ratio
            agg.bag += o.bag
        acc = o.right / o.expected if o.expected else 1.0
        same = o.raised == o.wanted
        status = "ok" if same else f"missing {sorted(o.wanted - o.raised)} extra {sorted(o.raised - o.wanted)}"
        status += "; = text layer" if o.raised == o.raised_text else f"; text layer raises {sorted(o.raised_text)}"
        exact += same
        parity += o.raised == o.raised_text
        print(f"{case.name:<16}{len(o.seconds):>6}{statistics.median(o.seconds):>8.2f}{statistics.mean(o.ratio):>7.3f}"
              f"{statistics.mean(o.bag):>7.3f}{o.right:>7}{len(o.wrong):>6}{len(o.missing):>6}{len(o.invented):>5}{acc:>8.1%}  {status}"
              f"  (reread {o.reread} in {o.reread_seconds:.1f}s, doubtful {o.doubtful})")
        if args.verbose:
            for w in o.wrong[:30]:
                print("      wrong:", w)
            for m in o.missing[:30]:
                print("      missing:", m)
            for k in o.invented[:30]:
                print("      invented:", k)
    for name, agg in list(group.items()) + [("TOTAL", total)]:
        if not agg.seconds:
            continue
        acc = agg.right / agg.expected if agg.expected else 1.0
        print(f"{name:<16}{len(agg.seconds):>6}{statistics.median(agg.seconds):>8.2f}{statistics.mean(agg.ratio):>7.3f}"
              f"{statistics.mean(agg.bag):>7.3f}{agg.right:>7}{len(agg.wrong):>6}{len(agg.missing):>6}{len(agg.invented):>5}{acc:>8.1%}"
              f"  wrong {len(agg.wrong) / max(1, agg.expected):.2%}"
              + (f"; CPU s/page median {statistics.median(agg.cpu):.2f}" if agg.cpu else ""))
    print(f"findings as expected on {exact}/{len(all_cases)} documents; as from the text layer on {parity}/{len(all_cases)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
