"""The order of the stages. Only this module knows it.

``analyze_file`` runs everything that concerns one report alone;
``analyze_run`` runs many (in parallel processes if asked), then the stages
that need the whole run (year-over-year links, near-duplicates across
agencies), then scores.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from analyzer import errors
from analyzer.config import Settings, resolve
from analyzer.findings import with_ids
from analyzer.model import ReportResult

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".txt", ".md", ".shtml", ".js", ".rtf"}


@dataclass(frozen=True)
class Failure:
    """A file that could not be processed, with the one-line reason."""

    source: str
    error: str
    kind: str = "unreadable"  # unreadable / unexpected / timeout


@dataclass
class RunResult:
    results: list[ReportResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)  # source -> source of last year's report


def display_path(path: Path) -> str:
    """The path as a user would recognise it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def analyze_file(path: str | Path, settings: Settings | dict | None = None, *, keep_document: bool = True) -> ReportResult:
    """Read, identify, split, extract, check and analyse one report (no cross-report stages, no score).

    Raises :class:`~analyzer.errors.ProcessingTimeout` past ``settings.per_file_timeout_s``.
    """
    from analyzer.deadline import time_limit

    settings = resolve(settings)
    with time_limit(settings.per_file_timeout_s, Path(path).name):
        return _analyze_file(path, settings, keep_document=keep_document)


def _analyze_file(path: str | Path, settings: Settings, *, keep_document: bool) -> ReportResult:
    from analyzer import identify, sections as sections_mod
    from analyzer.ingest import read_document
    from analyzer.narrative import analyze_narrative, check_consistency
    from analyzer.tables import extract_tables, run_checks

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


def _analyze_safely(args: tuple[str, Settings]) -> ReportResult | Failure:
    path, settings = args
    try:
        # Documents are dropped in worker processes: they are large to pickle and
        # the run-level stages need only sections, tables and narrative.
        return analyze_file(path, settings, keep_document=False)
    except errors.ProcessingTimeout as exc:
        return Failure(display_path(Path(path)), str(exc), "timeout")
    except errors.AnalyzerError as exc:
        return Failure(display_path(Path(path)), str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken file never stops a batch
        if settings.debug:
            raise
        return Failure(display_path(Path(path)), f"{Path(path).name}：处理时发生意外错误（{type(exc).__name__}: {exc}）", "unexpected")


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files under the given paths, sorted, so that input order never changes the output."""
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in p.rglob("*"):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith("."):
                    found.add(f)
        else:
            found.add(p)  # a named file is tried whatever its suffix: the content decides
    return sorted(found, key=lambda f: str(f))


def analyze_run(
    paths: Iterable[str | Path],
    settings: Settings | dict | None = None,
    *,
    workers: int = 1,
    score_config=None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Analyse every report under ``paths``; one unreadable file never stops the run."""
    settings = resolve(settings)
    files = collect_paths(paths)
    run = RunResult()
    jobs = [(str(f), settings) for f in files]
    outcomes: Iterator[ReportResult | Failure]
    if workers > 1 and len(jobs) > 1:
        pool = ProcessPoolExecutor(max_workers=workers)
        outcomes = pool.map(_analyze_safely, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
    else:
        pool = None
        outcomes = map(_analyze_safely, jobs)
    try:
        for (path, _), outcome in zip(jobs, outcomes):
            if isinstance(outcome, Failure):
                run.failures.append(outcome)
            else:
                run.results.append(outcome)
            if progress:
                progress(path)
    finally:
        if pool:
            pool.shutdown()
    return finish_run(run, score_config)


def finish_run(run: RunResult, score_config=None) -> RunResult:
    """The stages that need the whole run, then the score of every report."""
    from analyzer.linking import link_previous
    from analyzer.narrative import cross_report
    from analyzer.scoring import score_report
    from analyzer.tables import check_continuity

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


def analyze_single(path: str | Path, settings: Settings | dict | None = None, score_config=None) -> ReportResult:
    """One report through every stage, scored as if it were a run of one."""
    result = analyze_file(path, settings)
    run = finish_run(RunResult(results=[result]), score_config)
    return run.results[0]
