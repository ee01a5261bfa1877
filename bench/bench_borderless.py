"""Tables drawn without ruling lines: cell accuracy of PDFs whose tables have no borders.

Usage::

    .venv/bin/python bench/bench_borderless.py [--ruled] [--keep DIR] [--verbose]

Every document with expected values (the seeds and ``900_distinct_values`` of
``corpus/``, the real reports of ``../shared/corpus-real/``) is parsed, its
Document rendered to DOCX by ``to_docx`` of ``tests/support/render.py`` with
``borders=False`` (a document whose tables were flattened into running text is
first rebuilt as template grids), converted to PDF by LibreOffice with the
fonts of ``scripts/fonts.conf``, and read back. Printed per document: cells
right / expected (non-null expected cells, ``unreadable`` ones excluded),
cells invented (non-null where null is expected), findings raised versus
expected. ``--ruled`` measures the same renderings with borders alongside.

Renderings go to a temporary folder and are deleted (``--keep`` copies the
PDFs elsewhere for a look): corpus-real text never leaves ``../shared``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_parity import to_pdf  # noqa: E402
from bench_tables import REAL, Case, run_case  # noqa: E402

from analyzer.pipeline import analyze_file  # noqa: E402
from support.render import has_grids, template_document, to_docx  # noqa: E402

SHARED = ROOT.parent / "shared"
EXPECTED = SHARED / "corpus-real" / "expected"


def sources() -> list[tuple[str, Path, Path]]:
    """(name, source document, expected values) for every document we can score."""
    found = []
    for txt in sorted((ROOT / "corpus").glob("*.txt")):
        local = ROOT / "tests" / "data" / "expected" / f"{txt.stem}.json"
        seed = EXPECTED / f"seed{txt.stem[:3]}.json"
        exp = local if local.is_file() else seed if seed.is_file() else None
        if exp:
            found.append((txt.stem[:3] if txt.stem[:3] != "900" else txt.stem, txt, exp))
    for name, fname in REAL.items():
        src, exp = SHARED / "corpus-real" / fname, EXPECTED / f"{name}.json"
        if src.is_file() and exp.is_file():
            found.append((name, src, exp))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ruled", action="store_true", help="also measure the renderings with borders")
    parser.add_argument("--keep", type=Path, help="copy the PDFs into this folder")
    parser.add_argument("--verbose", "-v", action="store_true", help="list wrong and invented cells")
    args = parser.parse_args()
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        print("soffice not found (apt-get install -y libreoffice-writer fonts-noto-cjk)")
        return 1
    styles = ["borderless"] + (["ruled"] if args.ruled else [])
    docs = sources()
    with tempfile.TemporaryDirectory(prefix="bench-borderless-") as tmp:
        out = Path(tmp)
        docx_paths = []
        for name, src, _ in docs:
            base = analyze_file(src)
            doc = base.document if has_grids(base.document) else template_document(base, base.document)
            for style in styles:
                docx_paths.append(to_docx(doc, out / f"{name}.{style}.docx", borders=style == "ruled"))
        pdf_dir = out / "pdf"
        pdf_dir.mkdir()
        seconds = to_pdf(docx_paths, pdf_dir)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for p in pdf_dir.glob("*.pdf"):
                shutil.copy(p, args.keep / p.name)
        print(f"{'document':<26}{'style':<12}{'cells':>11}{'acc':>8}{'invented':>9}  findings (raised vs expected)")
        totals = {s: [0, 0, 0, 0] for s in styles}
        for name, _, exp in docs:
            for style in styles:
                pdf = pdf_dir / f"{name}.{style}.pdf"
                o = run_case(Case(name, pdf, json.loads(exp.read_text())))
                o.raised.discard("publication.late"); o.wanted.discard("publication.late")  # the rendering is dated today
                same = o.raised == o.wanted
                t = totals[style]
                t[0] += o.correct; t[1] += o.expected; t[2] += len(o.invented); t[3] += same  # noqa: E702
                status = "ok" if same else f"missing {sorted(o.wanted - o.raised)} extra {sorted(o.raised - o.wanted)}"
                acc = o.correct / o.expected if o.expected else 1.0
                print(f"{name:<26}{style:<12}{o.correct:>5}/{o.expected:<5}{acc:>8.1%}{len(o.invented):>9}  "
                      f"{sorted(o.raised) or '-'} {status}")
                if args.verbose:
                    for w in o.wrong[:15]:
                        print("      wrong:", w)
                    for k in o.invented[:15]:
                        print("      invented:", k)
    print()
    for style, (right, expected, invented, exact) in totals.items():
        print(f"{style:<11} cells {right}/{expected} ({right / max(1, expected):.1%}), invented {invented}, "
              f"findings exact on {exact}/{len(docs)} documents")
    print(f"LibreOffice conversion {seconds / max(1, len(docx_paths)):.2f} s per document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
