"""The order of the stages. Only this module knows it.

``analyze_file`` runs everything that concerns one report alone;
``analyze_run`` runs it on many files through :mod:`analyzer.runner` (worker
processes, the per-file limit, crashes and hangs become failures), then
``finish_run`` runs the stages that need the whole run (year-over-year links,
near-duplicates across agencies), then scores.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from analyzer import errors, identify, runner
from analyzer import sections as sections_mod
from analyzer.config import Settings, resolve
from analyzer.findings import with_ids
from analyzer.ingest import read_document
from analyzer.linking import link_previous
from analyzer.model import ReportResult, RunResult
from analyzer.narrative import analyze_narrative, check_consistency, cross_report
from analyzer.runner import display_path
from analyzer.scoring import score_report
from analyzer.tables import check_continuity, extract_tables, run_checks


def analyze_file(path: str | Path, settings: Settings | dict | None = None, *, keep_document: bool = True) -> ReportResult:
    """Read, identify, split, extract, check and analyse one report (no cross-report stages, no score).

    Runs in the calling process without a time limit; ``analyze_run`` and
    ``analyze_single`` put the limit around it from outside.
    """
    settings = resolve(settings)
    path = Path(path)
    doc = read_document(path, settings)
    meta = identify.identify(doc)
    secs = sections_mod.split_sections(doc)
    if not identify.looks_like_report(doc, meta, secs):
        raise errors.NotAnnualReport(
            errors.NOT_REPORT.format(name=path.name, reason="未找到年度报告的标题或任何标准章节")
        )
    tables = extract_tables(doc, secs, meta)
    findings = list(run_checks(tables, meta, secs, doc))
    findings.extend(check_consistency(tables, secs, doc, meta))
    narrative, narrative_findings = analyze_narrative(secs, meta, tables)
    findings.extend(narrative_findings)
    notes = list(doc.notes)
    missing = [k for k in sections_mod.SECTION_TITLES if k not in secs]
    if missing:
        notes.append("未找到章节：" + "、".join(sections_mod.SECTION_TITLES[k] for k in missing))
    return ReportResult(
        source=display_path(path),
        format=doc.format,
        meta=meta,
        sections=secs,
        tables=tables,
        findings=with_ids(findings, report_key(meta, path)),
        narrative=narrative,
        notes=tuple(notes),
        document=doc if keep_document else None,
    )


def report_key(meta, path: Path | str) -> str:
    """What identifies a report for finding ids: agency and year when known, else the file stem."""
    if meta.agency and meta.year:
        return f"{meta.agency}|{meta.year}"
    return Path(path).stem


def _analyze_in_worker(path: str, settings: Settings) -> ReportResult:
    # Documents are dropped in worker processes: they are large to pickle and
    # the run-level stages need only sections, tables and narrative.
    return analyze_file(path, settings, keep_document=False)


def analyze_run(
    paths: Iterable[str | Path],
    settings: Settings | dict | None = None,
    *,
    workers: int = 1,
    score_config=None,
    progress: Callable[[str], None] | None = None,
    engine: runner.Engine | None = None,
) -> RunResult:
    """Analyse every report under ``paths``; a file that fails, crashes or hangs never stops the run.

    ``engine`` runs the per-file stages (default: a local pool of ``workers``; ``runner.make_engine``).
    """
    settings = resolve(settings)
    files = runner.collect_paths(paths)
    runner.warm_up()
    outcomes = runner.run_files(_analyze_in_worker, files, settings, workers=workers, progress=progress, engine=engine)
    run = RunResult(
        results=[o for o in outcomes if isinstance(o, ReportResult)],
        failures=[o for o in outcomes if not isinstance(o, ReportResult)],
    )
    return finish_run(run, score_config)


def analyze_single(path: str | Path, settings: Settings | dict | None = None, score_config=None) -> ReportResult:
    """One report through every stage, under the per-file limit, scored as if it were a run of one."""
    settings = resolve(settings)
    runner.warm_up()
    result = runner.run_one(_analyze_in_worker, Path(path), settings)
    return finish_run(RunResult(results=[result]), score_config).results[0]


def finish_run(run: RunResult, score_config=None) -> RunResult:
    """The stages that need the whole run, then the score of every report."""
    results = sorted(run.results, key=lambda r: r.source)
    previous = link_previous(results)  # source -> previous year's ReportResult
    cross = cross_report(results, previous)  # source -> (NarrativeResult, [Finding])
    finished: list[ReportResult] = []
    for r in results:
        findings = list(r.findings)
        narrative = r.narrative
        prev = previous.get(r.source)
        if prev is not None:
            findings.extend(check_continuity(prev, r))
        if r.source in cross:
            narrative, extra = cross[r.source]
            findings.extend(extra)
        r = replace(r, findings=with_ids(findings, report_key(r.meta, r.source)), narrative=narrative)
        r = replace(r, score=score_report(r, score_config, has_previous=prev is not None))
        finished.append(r)
    return RunResult(
        results=finished,
        failures=sorted(run.failures, key=lambda f: f.source),
        previous={src: p.source for src, p in previous.items()},
    )
