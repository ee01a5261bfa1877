"""Reading throughput per format on corpus/ (and the real PDFs when present).

Usage::

    .venv/bin/python bench/bench_read.py [--repeat 5] [--format pdf]

Each format runs in its own child process so that its import time and peak
RSS (``resource.getrusage``) are its own. Documents are read ``--repeat``
times after one warm-up read; the table gives the median per document.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REAL = ROOT.parent / "shared" / "corpus-real"
FORMATS = ("pdf", "docx", "html", "txt", "real-pdf")


def files_for(fmt: str) -> list[Path]:
    if fmt == "real-pdf":
        return sorted(REAL.glob("*.pdf")) if REAL.exists() else []
    return sorted(CORPUS.glob(f"*.{fmt}"))


def measure(fmt: str, repeat: int) -> dict:
    """Runs inside the child process."""
    import resource

    sys.path.insert(0, str(ROOT))
    start = time.perf_counter()
    from analyzer.ingest import read_document  # noqa: F401 - import time is part of the figure

    paths = files_for(fmt)
    per_doc: list[float] = []
    pages = 0
    first = None
    for path in paths:
        doc = read_document(path)  # warm-up: lazy imports of the reader
        if first is None:
            first = time.perf_counter() - start
        pages += max((b.page or 0 for b in doc.blocks), default=0)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            read_document(path)
            times.append(time.perf_counter() - t0)
        per_doc.append(median(times))
    total = sum(per_doc)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": fmt,
        "documents": len(paths),
        "pages": pages,
        "seconds": total,
        "docs_per_s": len(paths) / total if total else 0.0,
        "pages_per_s": pages / total if total and pages else None,
        "ms_per_doc": 1000 * total / len(paths) if paths else 0.0,
        "max_ms_per_doc": 1000 * max(per_doc) if per_doc else 0.0,
        "first_read_s": first or 0.0,
        "peak_rss_mb": peak_kb / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Reading throughput per format.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--format", choices=FORMATS, action="append")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.repeat)))
        return 0

    rows = []
    for fmt in args.format or FORMATS:
        if not files_for(fmt):
            continue
        out = subprocess.run(
            [sys.executable, __file__, "--child", fmt, "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))

    header = f"{'format':<9}{'docs':>5}{'pages':>6}{'docs/s':>9}{'pages/s':>9}{'ms/doc':>9}{'max ms':>9}{'1st read s':>11}{'peak RSS MB':>12}"
    print(f"median of {args.repeat} reads per document after one warm-up; one process per format")
    print(header)
    print("-" * len(header))
    for r in rows:
        pages_per_s = f"{r['pages_per_s']:.1f}" if r["pages_per_s"] else "-"
        pages = str(r["pages"]) if r["pages"] else "-"
        print(
            f"{r['format']:<9}{r['documents']:>5}{pages:>6}{r['docs_per_s']:>9.1f}{pages_per_s:>9}"
            f"{r['ms_per_doc']:>9.1f}{r['max_ms_per_doc']:>9.1f}{r['first_read_s']:>11.2f}{r['peak_rss_mb']:>12.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
