"""What ``analyzer analyze`` writes into its output folder.

Per report ``<report id>.json`` (the contract JSON with narrative and score),
``summary.csv``, ``failures.csv``, the ranking (CSV, XLSX), the review
comments and ``index.html``. Output bytes depend only on the inputs: files
are written in sorted order and carry no timestamps.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Callable, Sequence

from analyzer.output.ids import report_ids
from analyzer.output.ranking import rank_results
from analyzer.output.ranking_io import write_ranking
from analyzer.output.review import Letterhead
from analyzer.output.review_docx import review_jobs
from analyzer.output.site import write_index
from analyzer.output.store import write_store

__all__ = ["SUMMARY_COLUMNS", "report_ids", "summary_rows", "write_csv", "write_run"]

SUMMARY_COLUMNS = [
    "report_id", "source", "format", "title", "agency", "level", "year", "template", "published",
    "sections_present", "errors", "warnings", "infos", "score", "grade", "partial",
]


def summary_rows(run, ids: dict[str, str]) -> list[dict]:
    """One row of summary.csv per report of a run (a ``RunResult``)."""
    rows = []
    for r in run.results:
        sev = [f.severity for f in r.findings]
        rows.append({
            "report_id": ids[r.source],
            "source": r.source,
            "format": r.format,
            "title": r.meta.title or "",
            "agency": r.meta.agency or "",
            "level": r.meta.level or "",
            "year": r.meta.year or "",
            "template": r.meta.template or "",
            "published": r.meta.published or "",
            "sections_present": len(r.sections),
            "errors": sev.count("error"),
            "warnings": sev.count("warning"),
            "infos": sev.count("info"),
            "score": f"{r.score.total:.1f}" if r.score else "",
            "grade": r.score.grade if r.score else "",
            "partial": "部分完成" if r.partial else "",
        })
    return rows


def linked_report(run, source: str, ids: dict[str, str], by_source: dict) -> dict:
    """The report linked as last year's (source, id, agency, year), or the candidates that competed for it."""

    def describe(src: str) -> dict:
        r = by_source.get(src)
        return {"source": src, "report_id": ids.get(src), "agency": r.meta.agency if r else None,
                "year": r.meta.year if r else None}

    if source in run.previous:
        return {"previous_report": describe(run.previous[source])}
    if source in run.competing:
        return {"previous_report": None, "previous_candidates": [describe(s) for s in run.competing[source]]}
    return {}


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    """A CSV with a header row, UTF-8 with BOM."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly.
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")


Jobs = Callable[[Sequence[Callable[[], object]]], list]


def _in_turn(jobs: Sequence[Callable[[], object]]) -> list:
    return [job() for job in jobs]


def write_run(run, out_dir: Path, score_config=None, reviewer: str | None = None, each: Jobs | None = None) -> str:
    """Write every output of a run (a ``RunResult``); return a short description of what was written.

    ``reviewer`` (the CLI's ``--reviewer``) signs the review comments, over the configuration's ``[review] unit``.
    ``each`` runs independent writing jobs and returns their results in order
    (``runner.run_in_forks`` spreads them over the run's worker processes);
    by default they run here, one after the other. Every file is written by
    one job from the run alone, so the bytes do not depend on how they are run.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = report_ids(run.results)
    by_source = {r.source: r for r in run.results}
    from analyzer.scoring import resolve_config

    ranking = rank_results(run, score_config)
    letterhead = Letterhead.of(resolve_config(score_config), reviewer)
    # The largest jobs first, so that the workers finish together.
    jobs: list[Callable[[], object]] = [
        lambda: write_ranking(ranking, out_dir / "ranking.xlsx"),
        lambda: write_index(run, ranking, out_dir),
    ]
    reviews = review_jobs(run.results, out_dir, letterhead)
    jobs += reviews
    jobs += [lambda r=r: _write_report_json(run, r, out_dir, ids, by_source) for r in run.results]
    done = (each or _in_turn)(jobs)
    # Letters, not files: each report has one letter written twice (.md, .docx), and the 汇编 is none.
    n_reviews = sum(p.suffix == ".md" for paths in done[2 : 2 + len(reviews)] for p in paths)
    write_csv(out_dir / "summary.csv", SUMMARY_COLUMNS, summary_rows(run, ids))
    write_csv(
        out_dir / "failures.csv", ["source", "error"],
        [{"source": f.source, "error": f.error} for f in run.failures],
    )
    write_ranking(ranking, out_dir / "ranking.csv")
    # Here, not in a job: pyarrow's threads are not to be forked.
    write_store(run, out_dir, ids)
    return f"{len(run.results)} 份报告 JSON、summary.csv、failures.csv、ranking.csv/xlsx、{n_reviews} 份评审意见（Markdown 与 Word 各一份，另有评审意见汇编）、index.html、store/"


def _write_report_json(run, r, out_dir: Path, ids: dict[str, str], by_source: dict) -> None:
    data = r.to_dict()
    data["report_id"] = ids[r.source]
    data.update(linked_report(run, r.source, ids, by_source))
    (out_dir / f"{ids[r.source]}.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
