"""The corpus study: what a store of analysed reports says, as HTML, DOCX and CSV.

``write_study(path, out_dir)`` reads the store of an ``analyze`` output folder
(``docs/STORE.md``) and writes

- ``study.html``: one self-contained page with SVG charts;
- ``study.docx``: the same, with PNG charts, to cite and to edit;
- ``tables/<name>.csv``: every table whole (UTF-8 with BOM, for Excel).

Sections: coverage, table statistics (applications, outcomes, 实质公开率 and
复议纠错率 with sample-size guards), the findings landscape (rule × level ×
year), problem categories, boilerplate clusters, copy networks and
year-over-year change per agency (:mod:`.data`); boilerplate comes from the
persisted near-duplicate index (:mod:`.clusters`), charts from matplotlib
(:mod:`.charts`).
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

__all__ = ["write_study"]


def write_study(path: Path, out_dir: Path, timings: dict[str, float] | None = None) -> str:
    """Write the study of the store under ``path`` into ``out_dir``; returns what was written."""
    from analyzer.output.store import connect, store_dir_of
    from analyzer.output.study import charts
    from analyzer.output.study.clusters import find_clusters
    from analyzer.output.study.data import build
    from analyzer.output.study.render import render_html, write_docx

    timings = {} if timings is None else timings
    started = time.perf_counter()
    store = store_dir_of(Path(path))
    con = connect(store)
    try:
        clusters = find_clusters(con, store)
        timings["clusters_s"] = time.perf_counter() - started
        study = build(con, clusters)
    finally:
        con.close()  # DuckDB's threads end with it: nothing of it is left for a later fork to copy
    timings["statistics_s"] = time.perf_counter() - started - timings["clusters_s"]
    out = Path(out_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    mark = time.perf_counter()
    svgs, pngs = {}, {}
    for sec in study.sections:
        for fig in sec.figures:
            svgs[fig.name], pngs[fig.name] = charts.render(fig.draw())
    timings["charts_s"] = time.perf_counter() - mark
    timings["figures"] = len(svgs)
    (out / "study.html").write_text(render_html(study, svgs), encoding="utf-8")
    write_docx(study, pngs, out / "study.docx")
    tables = [t for sec in study.sections for t in sec.tables]
    for table in tables:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(table.header)
        writer.writerows(table.rows)
        (out / "tables" / f"{table.name}.csv").write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    timings["total_s"] = time.perf_counter() - started
    n = dict(study.facts).get("报告（可读）", "0")
    return f"{n}份报告的研究：study.html、study.docx（{len(svgs)}幅图）、tables/ 下{len(tables)}张表"
