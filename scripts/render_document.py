"""Render a report as the analyzer parsed it, to DOCX and/or HTML (see ``tests/support/render.py``).

Usage::

    .venv/bin/python scripts/render_document.py REPORT [REPORT ...] [--to docx,html] [--out DIR] [--template]

Headings, paragraphs and tables (merged cells restored) are written as the
reader saw them; ``--template`` (automatic when the report has no table
grids, e.g. flattened web text) lays the extracted values out in the national
template's grids instead. Useful to see what the reader made of a file, and
to produce the same report in another format for parity checks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from analyzer.errors import AnalyzerError  # noqa: E402
from analyzer.pipeline import analyze_file  # noqa: E402
from support.render import has_grids, template_document, to_docx, to_html  # noqa: E402

RENDERERS = {"docx": to_docx, "html": to_html}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--to", default="docx,html", help="comma-separated: docx, html")
    parser.add_argument("--out", type=Path, default=Path("rendered"), help="output folder")
    parser.add_argument("--template", action="store_true", help="always render the tables as template grids")
    args = parser.parse_args()
    formats = [f.strip() for f in args.to.split(",") if f.strip()]
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown:
        parser.error(f"unknown format(s) {unknown}; choose from {sorted(RENDERERS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    for report in args.reports:
        try:
            result = analyze_file(report)
        except AnalyzerError as exc:
            print(exc, file=sys.stderr)
            status = 2
            continue
        doc = result.document
        if args.template or not has_grids(doc):
            doc = template_document(result, doc)
        for fmt in formats:
            target = RENDERERS[fmt](doc, args.out / f"{report.stem}.{fmt}")
            print(f"已写入 {target}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
