"""The order of the stages. Only this module knows it.

``analyze_file`` runs everything that concerns one report alone;
``analyze_run`` runs it on many files through :mod:`analyzer.runner` (worker
processes, the per-file limit, crashes and hangs become failures), then
``finish_run`` runs the stages that need the whole run (year-over-year links,
near-duplicates across agencies), then scores.

One bad stage never loses a report. Reading is the only stage whose failure
loses the file (a ``Failure``); every stage after it runs under a guard: when
it raises, the report keeps what the other stages found, gains a Chinese note
naming what could not be done and a :class:`~analyzer.model.StageFailure`
listing the rules left unjudged, and counts as partial (``ReportResult.partial``).
A failed stage's findings are never replaced by "no problem": the score reads
``ReportResult.failed``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Collection, Iterable

from analyzer import errors, identify, rules, runner
from analyzer import sections as sections_mod
from analyzer.config import Settings, resolve
from analyzer.findings import with_ids
from analyzer.ingest import read_document
from analyzer.linking import YearLinks, link_years
from analyzer.model import Document, ReportMeta, ReportResult, RunResult, StageFailure
from analyzer.narrative import analyze_narrative, check_consistency, cross_report
from analyzer.runner import display_path
from analyzer.scoring import score_report
from analyzer.tables import check_continuity, extract_tables, run_checks
from analyzer.tables.checks import CHECKS

_TABLE_PREFIXES = ("applications.", "review_litigation.", "active_disclosure.", "tables.", "template.", "continuity.")
_NARRATIVE_PREFIXES = ("overview.", "problems.", "narrative.", "other.")
_CROSS = ("narrative.copied", "problems.repeated", "narrative.boilerplate")
_CONTINUITY = ("continuity.carried_over", "continuity.in_force")


def _rules_starting(prefixes: tuple[str, ...], *extra: str, but: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(n for n in rules.RULES if n.startswith(prefixes) and n not in but) + extra


# What a failed stage leaves undone: the note a reader sees and the rules left unjudged.
STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "identify": ("报告的机关、年度和格式未能识别（内部错误），相关核查未进行",
                 ("active_disclosure.rules_without_power", "template.outdated", "publication.late")),
    "sections": ("报告章节未能划分（内部错误），章节完整性、正文及正文与表格的核查未进行",
                 _rules_starting(_NARRATIVE_PREFIXES)),
    "tables": ("统计表格未能读取（内部错误），表格数据及相关核查未进行",
               _rules_starting(_TABLE_PREFIXES, "narrative.table_mismatch")),
    "check": ("表格核查“{label}”未能完成（内部错误），该项未核查", ()),
    "consistency": ("正文数字与表格的比对未能完成（内部错误），该项未核查", ("narrative.table_mismatch",)),
    "narrative": ("正文分析（总体情况、存在的主要问题等）未能完成（内部错误），相关核查未进行",
                  _rules_starting(_NARRATIVE_PREFIXES, but=("narrative.table_mismatch",))),
    "linking": ("与上年报告的关联未能完成（内部错误），跨年度核查未进行", _CONTINUITY + _CROSS),
    "cross_report": ("与其他报告的正文比对未能完成（内部错误），沿用上年报告、套话等核查未进行", _CROSS),
    "continuity": ("与上年报告的数据衔接核查未能完成（内部错误），该项未核查", _CONTINUITY),
    "score": ("评分未能完成（内部错误），本报告未评分", ()),
}
# The rules each table check raises (its note names the first).
CHECK_RULES = {
    "check_balance": ("applications.balance",),
    "check_results_sum": ("applications.results_sum",),
    "check_row_total": ("applications.row_total",),
    "check_group_total": ("review_litigation.group_total",),
    "check_rules_without_power": ("active_disclosure.rules_without_power",),
    "check_missing_table": ("tables.missing_table",),
    "check_missing_row": ("tables.missing_row",),
    "check_missing_cell": ("tables.missing_cell",),
    "check_non_numeric": ("tables.non_numeric_cell",),
    "check_ambiguous": ("tables.ambiguous_cell",),
    "check_impossible": ("tables.impossible_value",),
    "check_template": ("template.outdated",),
    "check_publication_date": ("publication.late",),
}
COMPETING = "上一年度有{n}份报告都可能是本机关的报告（{names}），无法确定哪一份是其上年报告，未作跨年度比对。"
UNKNOWN_META = ReportMeta(title=None, agency=None, level=None, year=None, template=None)


def stage_failure(stage: str, exc: BaseException) -> StageFailure:
    """What a failed stage leaves undone, for the report and the score."""
    key, _, name = stage.partition(":")
    note, unjudged = STAGES[key]
    if key == "check":
        unjudged = CHECK_RULES.get(name, ())
        note = note.format(label=rules.label(unjudged[0]) if unjudged else "表格数据")
    return StageFailure(stage, note, tuple(unjudged), f"{type(exc).__name__}: {exc}")


class StageGuard:
    """Runs the stages of one report; a stage that raises is recorded and its fallback used."""

    def __init__(self) -> None:
        self.failed: list[StageFailure] = []

    def __call__(self, stage: str, fallback: Any, fn: Callable, *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001 - one stage never loses the report
            self.failed.append(stage_failure(stage, exc))
            return fallback

    def ok(self, stage: str) -> bool:
        return not any(f.stage == stage for f in self.failed)


def analyze_file(path: str | Path, settings: Settings | dict | None = None, *, keep_document: bool = True) -> ReportResult:
    """Read, identify, split, extract, check and analyse one report (no cross-report stages, no score).

    Runs in the calling process without a time limit; ``analyze_run`` and
    ``analyze_single`` put the limit around it from outside.
    """
    settings = resolve(settings)
    path = Path(path)
    doc = read_document(path, settings)
    # A review letter or results page (this tool's own output in an input folder) would be ranked as a report:
    # refused before any stage reads it.
    if (heading := identify.about_reports(doc)) is not None:
        raise errors.NotAnnualReport(
            errors.NOT_REPORT.format(name=path.name, reason=f"“{heading}”是评审或研究材料，不是年度报告本身")
        )
    guard = StageGuard()
    meta = guard("identify", UNKNOWN_META, identify.identify, doc)
    secs = guard("sections", {}, sections_mod.split_sections, doc)
    # Whether it is a report at all is asked only of stages that worked.
    if guard.ok("sections") and not identify.looks_like_report(doc, meta, secs):
        raise errors.NotAnnualReport(
            errors.NOT_REPORT.format(name=path.name, reason="未找到年度报告的标题或任何标准章节")
        )
    tables = guard("tables", None, extract_tables, doc, secs, meta)
    findings = _table_findings(guard, tables, meta, secs, doc)
    narrative = None
    if guard.ok("sections"):
        narrative, narrative_findings = guard("narrative", (None, []), analyze_narrative, secs, meta, tables)
        findings.extend(narrative_findings)
    notes = list(doc.notes) + [f.note for f in guard.failed]
    missing = [k for k in sections_mod.SECTION_TITLES if k not in secs]
    if missing and guard.ok("sections"):
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
        failed=tuple(guard.failed),
    )


def _table_findings(guard: StageGuard, tables, meta: ReportMeta, secs: dict, doc: Document) -> list:
    """Each table check on its own, then the narrative's numbers against the tables; none when no tables."""
    if tables is None:
        return []
    findings = []
    for check in CHECKS:
        findings.extend(guard(f"check:{check.__name__}", [], run_checks, tables, meta, secs, doc, [check]))
    if guard.ok("sections"):
        findings.extend(guard("consistency", [], check_consistency, tables, secs, doc, meta))
    return findings


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
    runner.warm_up(readers=len(files) > 1)
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


def finish_run(run: RunResult, score_config=None, links: YearLinks | None = None,
               only: Collection[str] | None = None) -> RunResult:
    """The stages that need the whole run, then the score of every report; a failing stage costs only itself.

    ``links``: the year links when they were found over a larger run than
    ``run`` (``scale.finish_one`` finishes one report with its previous one);
    ``only``: the sources of the reports to finish and return (the others are
    read, as the run's context, and left out).
    """
    results = sorted(run.results, key=lambda r: r.source)
    run_guard = StageGuard()
    if links is None:
        links = run_guard("linking", YearLinks(), link_years, results)
    cross = run_guard("cross_report", {}, cross_report, results, links.previous)  # source -> (NarrativeResult, [Finding])
    finished = [_finish_report(r, links, cross, run_guard.failed, score_config) for r in results
                if only is None or r.source in only]
    return RunResult(
        results=finished,
        failures=sorted(run.failures, key=lambda f: f.source),
        previous={src: p.source for src, p in links.previous.items()},
        competing={src: tuple(c.source for c in cands) for src, cands in links.competing.items()},
    )


def _finish_report(r: ReportResult, links: YearLinks, cross: dict, run_failed: list[StageFailure],
                   score_config) -> ReportResult:
    guard = StageGuard()
    guard.failed.extend(run_failed)
    findings = list(r.findings)
    narrative = r.narrative
    notes = list(r.notes)
    prev = links.previous.get(r.source)
    if prev is not None:
        findings.extend(guard("continuity", [], check_continuity, prev, r))
    if r.source in links.competing:
        cands = links.competing[r.source]
        names = "、".join(f"{c.meta.agency}（{Path(c.source).name}）" for c in cands)
        notes.append(COMPETING.format(n=len(cands), names=names))
    if r.source in cross:
        narrative, extra = cross[r.source]
        findings.extend(extra)
    notes.extend(f.note for f in guard.failed)
    r = replace(r, findings=with_ids(findings, report_key(r.meta, r.source)), narrative=narrative,
                notes=tuple(notes), failed=r.failed + tuple(guard.failed))
    before = len(guard.failed)
    score = guard("score", None, lambda: score_report(r, score_config, has_previous=prev is not None))
    failed = tuple(guard.failed[before:])
    return replace(r, score=score, notes=r.notes + tuple(f.note for f in failed), failed=r.failed + failed)
