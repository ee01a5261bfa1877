"""Format parity: the same report through DOCX, HTML and PDF must read back the same.

Usage::

    .venv/bin/python bench/bench_parity.py [--corpus] [--no-pdf] [--verbose]

Every real report of ``../shared/corpus-real/`` (text conversions and the
original PDFs; with ``--corpus`` also the TXT seeds of ``corpus/``) is parsed,
its Document rendered by ``tests/support/render.py`` to DOCX and HTML, and the DOCX
converted to PDF by LibreOffice (``soffice``, fonts mapped by
``scripts/fonts.conf``) when it is installed. Each rendering is analysed
again and compared with the source: table cells equal / cells expected (all
cells, then the cells holding a number), sections equal, identity (agency,
level, year, template) equal, and the time to render + read (PDF: the
LibreOffice conversion time per document is shown apart).

Renderings go to a temporary folder and are deleted: corpus-real text never
leaves ``../shared``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from analyzer.pipeline import analyze_file  # noqa: E402
from support.render import has_grids, template_document, to_docx, to_html  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus-real"
FONTS_CONF = ROOT / "scripts" / "fonts.conf"
IDENTITY = ("agency", "level", "year", "template")


def flat(result) -> dict[str, object]:
    v = result.tables.values
    return {f"{t}.{r}.{c}": x for t, rows in v.items() for r, cols in rows.items() for c, x in cols.items()}


def sources(with_corpus: bool) -> list[Path]:
    found = []
    if REAL.is_dir():
        found += sorted(REAL.glob("real*.txt")) + sorted(REAL.glob("*.pdf"))
    if with_corpus:
        found += sorted((ROOT / "corpus").glob("*.txt"))
    return found


def to_pdf(docx_paths: list[Path], out_dir: Path) -> float:
    """Convert with one LibreOffice run; returns the seconds it took."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-parity-office-") as home:
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=home)
        profile = (Path(home) / "profile").as_uri()
        command = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out_dir)]
        subprocess.run(command + [str(p) for p in docx_paths], env=env, check=True, capture_output=True, timeout=900)
    return time.perf_counter() - started


def compare(base, path: Path) -> dict:
    started = time.perf_counter()
    try:
        again = analyze_file(path)
    except Exception as exc:  # noqa: BLE001 - a failed read is a figure, not a crash of the bench
        return {"error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - started}
    seconds = time.perf_counter() - started
    expected, got = flat(base), flat(again)
    numbers = [k for k, v in expected.items() if v is not None]
    wrong = {k: (v, got.get(k)) for k, v in expected.items() if got.get(k) != v}
    return {
        "cells": (len(expected) - len(wrong), len(expected)),
        "numbers": (sum(1 for k in numbers if k not in wrong), len(numbers)),
        "sections": list(again.sections) == list(base.sections),
        "identity": all(getattr(again.meta, k) == getattr(base.meta, k) for k in IDENTITY),
        "identity_diff": {k: (getattr(base.meta, k), getattr(again.meta, k)) for k in IDENTITY
                          if getattr(again.meta, k) != getattr(base.meta, k)},
        "section_diff": sorted(set(base.sections) ^ set(again.sections)),
        "wrong": wrong,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="store_true", help="also the TXT seeds of corpus/")
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice round trip")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every differing cell")
    args = parser.parse_args()

    files = sources(args.corpus)
    if not files:
        print("no source documents (../shared/corpus-real is absent; try --corpus)")
        return
    office = None if args.no_pdf else (shutil.which("soffice") or shutil.which("libreoffice"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-parity-") as tmp:
        out = Path(tmp)
        prepared = []
        for src in files:
            base = analyze_file(src)
            doc = base.document
            how = "tables"
            if not has_grids(doc):
                doc, how = template_document(base, doc), "template"
            stem = f"{src.stem}.{src.suffix[1:]}"
            renders = {}
            for fmt, render in (("docx", to_docx), ("html", to_html)):
                t0 = time.perf_counter()
                renders[fmt] = (render(doc, out / f"{stem}.{fmt}"), time.perf_counter() - t0)
            prepared.append((src, base, how, renders))
        convert_each = None
        if office:
            pdf_dir = out / "pdf"
            pdf_dir.mkdir()
            docx_paths = [r["docx"][0] for _, _, _, r in prepared]
            convert_each = to_pdf(docx_paths, pdf_dir) / len(docx_paths)
            for (_, _, _, renders), docx_path in zip(prepared, docx_paths):
                renders["pdf"] = (pdf_dir / (docx_path.stem + ".pdf"), convert_each)
        for src, base, how, renders in prepared:
            for fmt, (path, render_s) in renders.items():
                figures = compare(base, path)
                figures["seconds"] += render_s
                rows.append((src.name, how, fmt, figures))

    print(f"{'document':<22} {'grids':<9} {'fmt':<5} {'cells':>9} {'numbers':>9} {'sections':>8} {'identity':>8} {'seconds':>8}")
    totals: dict[str, list[int]] = {}
    for name, how, fmt, f in rows:
        if "error" in f:
            print(f"{name:<22} {how:<9} {fmt:<5} ERROR {f['error']}")
            continue
        c, n = f["cells"], f["numbers"]
        t = totals.setdefault(fmt, [0, 0, 0, 0, 0, 0, 0, 0])
        t[0] += c[0]; t[1] += c[1]; t[2] += n[0]; t[3] += n[1]  # noqa: E702
        t[4] += f["sections"]; t[5] += f["identity"]; t[6] += 1; t[7] += f["seconds"]  # noqa: E702
        print(f"{name:<22} {how:<9} {fmt:<5} {c[0]:>4}/{c[1]:<4} {n[0]:>4}/{n[1]:<4} {'yes' if f['sections'] else 'NO':>8} "
              f"{'yes' if f['identity'] else 'NO':>8} {f['seconds']:>8.2f}")
        if not f["identity"]:
            print(f"    identity (expected, got): {f['identity_diff']}")
        if f["section_diff"]:
            print(f"    sections differing: {f['section_diff']}")
        if f["wrong"]:
            shown = list(f["wrong"].items()) if args.verbose else list(f["wrong"].items())[:6]
            print(f"    {len(f['wrong'])} cells differ (expected, got): " + "; ".join(f"{k}={v}" for k, v in shown)
                  + ("" if args.verbose or len(f["wrong"]) <= 6 else " …"))
    print()
    for fmt, t in totals.items():
        print(f"{fmt:<5} cells {t[0]}/{t[1]} ({t[0] / max(1, t[1]):.1%}), numbers {t[2]}/{t[3]} "
              f"({t[2] / max(1, t[3]):.1%}), sections {t[4]}/{t[6]}, identity {t[5]}/{t[6]}, "
              f"{t[7] / max(1, t[6]):.2f} s per document")
    if office is None and not args.no_pdf:
        print("pdf   skipped: soffice not found (apt-get install -y libreoffice-writer fonts-noto-cjk)")
    elif convert_each is not None:
        print(f"pdf   LibreOffice conversion {convert_each:.2f} s per document (included in the pdf seconds)")


if __name__ == "__main__":
    main()
