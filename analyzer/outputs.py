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
import re
from pathlib import Path

from analyzer.model import ReportResult
from analyzer.pipeline import RunResult

SUMMARY_COLUMNS = [
    "report_id", "source", "format", "title", "agency", "level", "year", "template", "published",
    "sections_present", "errors", "warnings", "infos", "score", "grade",
]


def report_ids(results: list[ReportResult]) -> dict[str, str]:
    """A file-name-safe id per report: the file stem, or the whole file name when
    several files share a stem (the same report in several formats)."""
    def safe(name: str) -> str:
        return re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", name) or "report"

    stems: dict[str, int] = {}
    for r in results:
        stem = safe(Path(r.source).stem)
        stems[stem] = stems.get(stem, 0) + 1
    ids: dict[str, str] = {}
    used: set[str] = set()
    for r in sorted(results, key=lambda r: r.source):
        stem = safe(Path(r.source).stem)
        rid = stem if stems[stem] == 1 else safe(Path(r.source).name)
        base, n = rid, 2
        while rid in used:  # same file name in two folders
            rid = f"{base}-{n}"
            n += 1
        used.add(rid)
        ids[r.source] = rid
    return ids


def summary_rows(run: RunResult, ids: dict[str, str]) -> list[dict]:
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
        })
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly.
    path.write_text("\ufeff" + buf.getvalue(), encoding="utf-8")


def write_run(run: RunResult, out_dir: Path, score_config=None) -> str:
    """Write every output of a run; return a short description of what was written."""
    from analyzer.ranking import rank_results, write_ranking
    from analyzer.review import write_reviews
    from analyzer.site import write_index

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = report_ids(run.results)
    for r in run.results:
        data = r.to_dict()
        data["report_id"] = ids[r.source]
        if r.source in run.previous:
            data["previous_report"] = run.previous[r.source]
        (out_dir / f"{ids[r.source]}.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    write_csv(out_dir / "summary.csv", SUMMARY_COLUMNS, summary_rows(run, ids))
    write_csv(
        out_dir / "failures.csv", ["source", "error"],
        [{"source": f.source, "error": f.error} for f in run.failures],
    )
    ranking = rank_results(run, score_config)
    write_ranking(ranking, out_dir / "ranking.csv")
    write_ranking(ranking, out_dir / "ranking.xlsx")
    reviews = write_reviews(run.results, out_dir)
    write_index(run, ranking, out_dir)
    return f"{len(run.results)} 份报告 JSON、summary.csv、failures.csv、ranking.csv/xlsx、{len(reviews)} 份评审意见、index.html"
