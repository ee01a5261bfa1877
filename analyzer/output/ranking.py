"""Rank the scored reports of a run, with the indicators supervisors watch.

A supervisor ranks the reports of one statistical year among themselves: a
run with several years gives one ranking per year (``Ranking.by_year``), and
may be narrowed to one level or one year. The same report twice in a run (two
formats, two file names) and two reports of one agency for one year are
counted once, with a note (``dedupe``); name forms of one agency show as one.

Sort order (shared/spec/rubric.md): total, then accuracy, then substance;
reports of one year equal on all three share a rank (1, 1, 3). Unreadable
files are listed with their reason and never ranked.

Indicators, from the 总计 column of the applications table and the 行政复议
group of the review table:

- 实质公开率 = (予以公开 + 部分公开) / 办理结果总计
- 复议纠错率 = 结果纠正 / (复议总计 − 尚未审结)

Either is ``None`` when a number is missing or the denominator is 0. A rate is
flagged when it lies far from the run's median: |rate − median| greater than
both 3 × 1.4826 × MAD (a robust z-score above 3) and 10 percentage points
(so that a run where most rates are equal does not flag every small
difference). With fewer than 30 reports having the rate, nothing is flagged
and the rate is marked as too few to compare.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from pathlib import Path

from analyzer.labels import LEVEL_LABELS, PART_LABELS
from analyzer.linking import agency_key
from analyzer.model import Finding, ReportResult
from analyzer.output.dedupe import Duplicate, agency_names, split_duplicates
from analyzer.output.ids import plausible_name
from analyzer.scoring import ScoreConfig, resolve_config

PART_KEYS = tuple(PART_LABELS)
MIN_COMPARABLE = 30
ROBUST_Z = 3.0
MAD_SCALE = 1.4826  # makes the MAD comparable to a standard deviation for normal data
MIN_DEVIATION = 0.10
TOO_FEW = f"参与比较的报告不足{MIN_COMPARABLE}份，不作比较"
UNREADABLE = "无法读取"

INDICATORS = {
    "disclosure_rate": "实质公开率",
    "correction_rate": "复议纠错率",
}


@dataclass(frozen=True)
class Indicator:
    """One rate of one report, and whether it lies far from the run's median."""

    value: float | None
    flagged: bool = False
    note: str = ""


@dataclass(frozen=True)
class IndicatorStats:
    """How one indicator is distributed over the run, and the band outside which it is flagged."""

    key: str
    n: int
    median: float | None = None
    mad: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def comparable(self) -> bool:
        """Whether enough reports have the rate to flag outliers."""
        return self.n >= MIN_COMPARABLE


@dataclass(frozen=True)
class RankingRow:
    """One report of the ranking (``rank`` None: an unreadable file, listed with its reason)."""

    rank: int | None
    source: str
    report_id: str
    agency: str | None
    year: int | None
    level: str | None
    title: str | None
    total: float | None
    grade: str
    pending: float = 0.0  # points held until a person checks what the analyzer could not read (待核实)
    parts: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # findings by severity
    previous_source: str | None = None
    previous_total: float | None = None
    change: float | None = None
    indicators: dict[str, Indicator] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why an unreadable file was not scored
    duplicates: tuple[str, ...] = ()  # sources counted in this row (the same report, or the same agency and year)


@dataclass(frozen=True)
class Ranking:
    """The ranked rows of a run, one ranking per statistical year, with the configuration that scored them."""

    rows: tuple[RankingRow, ...]  # ranked rows, latest year first, then unreadable files
    config_label: str
    weights: tuple[tuple[str, str], ...]  # (Chinese name, value) of every weight
    stats: dict[str, IndicatorStats]
    rule_costs: tuple[tuple[str, str], ...] = ()  # (rule label, what a finding of it costs)
    duplicates: tuple[Duplicate, ...] = ()  # results counted once, under another row
    filters: tuple[tuple[str, str], ...] = ()  # (Chinese name, value) of the level or year asked for

    @property
    def ranked(self) -> tuple[RankingRow, ...]:
        """The scored reports, year by year (latest first), in rank order within a year."""
        return tuple(r for r in self.rows if r.rank is not None)

    def by_year(self) -> list[tuple[int | None, tuple[RankingRow, ...]]]:
        """One ranking per statistical year, latest first; reports without a year last."""
        years = list(dict.fromkeys(r.year for r in self.ranked))
        return [(y, tuple(r for r in self.ranked if r.year == y)) for y in years]

    @property
    def unreadable(self) -> tuple[RankingRow, ...]:
        """The files that could not be read, with their reasons."""
        return tuple(r for r in self.rows if r.rank is None)


def _cell(result: ReportResult, table: str, row: str, col: str):
    return result.tables.get(table, row, col) if result.tables else None


def disclosure_rate(result: ReportResult) -> float | None:
    """(予以公开 + 部分公开) / 办理结果总计, column 总计; None when a number is missing or the total is 0."""
    granted = _cell(result, "applications", "granted", "total")
    partial = _cell(result, "applications", "partially_granted", "total")
    total = _cell(result, "applications", "results_total", "total")
    if granted is None or partial is None or not total:
        return None
    return (granted + partial) / total


def correction_rate(result: ReportResult) -> float | None:
    """结果纠正 / (复议总计 − 尚未审结); None when a number is missing or no review was closed."""
    corrected = _cell(result, "review_litigation", "review", "corrected")
    total = _cell(result, "review_litigation", "review", "total")
    pending = _cell(result, "review_litigation", "review", "pending")
    if corrected is None or total is None or pending is None:
        return None
    closed = total - pending
    if closed <= 0:
        return None
    return corrected / closed


_RATES = {"disclosure_rate": disclosure_rate, "correction_rate": correction_rate}


def indicator_stats(key: str, values: list[float]) -> IndicatorStats:
    """Median, MAD and the band outside which a rate is flagged."""
    if not values:
        return IndicatorStats(key, 0)
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    band = max(ROBUST_Z * MAD_SCALE * mad, MIN_DEVIATION)
    # Rates live in [0, 1]; the band is clipped so that it reads sensibly.
    return IndicatorStats(key, len(values), med, mad, max(0.0, med - band), min(1.0, med + band))


def judge(value: float | None, stats: IndicatorStats) -> Indicator:
    """Flag a rate outside the run's band (only when enough reports have it)."""
    if value is None:
        return Indicator(None, False, "无法计算")
    if not stats.comparable:
        return Indicator(value, False, TOO_FEW)
    if value > stats.high + 1e-12:
        return Indicator(value, True, f"明显高于中位数{stats.median:.1%}")
    if value < stats.low - 1e-12:
        return Indicator(value, True, f"明显低于中位数{stats.median:.1%}")
    return Indicator(value, False, "")


def _sort_key(r: ReportResult) -> tuple:
    s = r.score
    acc = s.part("accuracy").points if s and s.part("accuracy") else 0.0
    sub = s.part("substance").points if s and s.part("substance") else 0.0
    total = s.total if s else 0.0
    return (-round(total, 2), -round(acc, 2), -round(sub, 2))


def _year_order(r: ReportResult) -> tuple:
    return (r.meta.year is None, -(r.meta.year or 0))


def rank_results(run, config: ScoreConfig | Path | str | None = None, *, level: str | None = None,
                 year: int | None = None) -> Ranking:
    """Rank the scored reports of a ``RunResult``, one ranking per year; unreadable files follow, unranked.

    ``level`` (a ``ReportMeta.level`` key) and ``year`` narrow the ranking to one level or one year.
    """
    cfg = resolve_config(config)
    chosen = [r for r in run.results
              if (level is None or r.meta.level == level) and (year is None or r.meta.year == year)]
    kept, dups = split_duplicates(chosen)
    names = agency_names(kept)
    counted: dict[str, list[str]] = {}
    for d in dups:
        counted.setdefault(d.kept, []).append(d.source)
    results = sorted(kept, key=lambda r: (_year_order(r), _sort_key(r), r.source))
    by_source = {r.source: r for r in run.results}
    rates = {key: {r.source: fn(r) for r in results} for key, fn in _RATES.items()}
    stats = {key: indicator_stats(key, [v for v in vals.values() if v is not None]) for key, vals in rates.items()}
    rows: list[RankingRow] = []
    rank, previous_key, position = 0, None, 0
    for r in results:
        position = 1 if rows and rows[-1].year != r.meta.year else position + 1
        key = (r.meta.year, _sort_key(r))
        if key != previous_key:
            rank = position  # competition ranking within a year: ties share a rank, the next rank skips
            previous_key = key
        prev_src = run.previous.get(r.source) if run.previous else None
        indicators = {k: judge(rates[k][r.source], stats[k]) for k in _RATES}
        row = _row(r, rank, prev_src, by_source.get(prev_src) if prev_src else None, indicators)
        shown = names.get(agency_key(r.meta.agency) or "", r.meta.agency)
        rows.append(replace(row, agency=shown if plausible_name(shown or "", 40) else None,
                            duplicates=tuple(counted.get(r.source, ()))))
    for f in sorted(run.failures, key=lambda f: f.source):
        rows.append(
            RankingRow(rank=None, source=f.source, report_id=Path(f.source).stem, agency=None, year=None,
                       level=None, title=None, total=None, grade=UNREADABLE, reason=f.error)
        )
    filters = tuple(x for x in (("级别", LEVEL_LABELS.get(level, level)) if level else None,
                                ("年度", f"{year}年度") if year else None) if x)
    return Ranking(tuple(rows), cfg.label, tuple(cfg.labelled_weights()), stats, tuple(cfg.rule_costs()),
                   tuple(dups), filters)


def _row(r: ReportResult, rank: int, prev_src: str | None, prev: ReportResult | None,
         indicators: dict[str, Indicator]) -> RankingRow:
    prev_total = prev.score.total if prev is not None and prev.score else None
    total = r.score.total if r.score else None
    return RankingRow(
        rank=rank,
        source=r.source,
        report_id=r.report_id,
        agency=r.meta.agency,
        year=r.meta.year,
        level=r.meta.level,
        title=r.meta.title,
        total=total,
        grade=r.score.grade if r.score else "未评分",
        pending=r.score.pending if r.score else 0.0,
        parts={p.key: p.points for p in r.score.parts} if r.score else {},
        counts={sev: sum(1 for f in r.findings if f.severity == sev) for sev in ("error", "warning", "info")},
        previous_source=prev_src,
        previous_total=prev_total,
        change=round(total - prev_total, 2) if total is not None and prev_total is not None else None,
        indicators=indicators,
        findings=tuple(r.findings),
    )
