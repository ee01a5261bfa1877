"""Rank the scored reports of a run, with the indicators supervisors watch.

Sort order (shared/spec/rubric.md): total, then accuracy, then substance;
reports equal on all three share a rank (1, 1, 3). Unreadable files are
listed with their reason and never ranked.

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

import csv
import io
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.labels import SEVERITY_LABELS as SEVERITY_CN
from analyzer.model import Finding, ReportResult
from analyzer.labels import PART_LABELS
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
STATUS_CN = {"confirmed": "确认", "uncertain": "存疑"}


@dataclass(frozen=True)
class Indicator:
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
        return self.n >= MIN_COMPARABLE


@dataclass(frozen=True)
class RankingRow:
    rank: int | None
    source: str
    report_id: str
    agency: str | None
    year: int | None
    level: str | None
    title: str | None
    total: float | None
    grade: str
    parts: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # findings by severity
    previous_source: str | None = None
    previous_total: float | None = None
    change: float | None = None
    indicators: dict[str, Indicator] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why an unreadable file was not scored


@dataclass(frozen=True)
class Ranking:
    rows: tuple[RankingRow, ...]  # ranked rows first, then unreadable files
    config_label: str
    weights: tuple[tuple[str, str], ...]
    stats: dict[str, IndicatorStats]

    @property
    def ranked(self) -> tuple[RankingRow, ...]:
        return tuple(r for r in self.rows if r.rank is not None)

    @property
    def unreadable(self) -> tuple[RankingRow, ...]:
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
    if not values:
        return IndicatorStats(key, 0)
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values)
    band = max(ROBUST_Z * MAD_SCALE * mad, MIN_DEVIATION)
    # Rates live in [0, 1]; the band is clipped so that it reads sensibly.
    return IndicatorStats(key, len(values), med, mad, max(0.0, med - band), min(1.0, med + band))


def judge(value: float | None, stats: IndicatorStats) -> Indicator:
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


def rank_results(run, config: ScoreConfig | Path | str | None = None) -> Ranking:
    """Rank the scored reports of a ``pipeline.RunResult``; unreadable files follow, unranked."""
    cfg = resolve_config(config)
    results = sorted(run.results, key=lambda r: (_sort_key(r), r.source))
    by_source = {r.source: r for r in run.results}
    rates = {key: {r.source: fn(r) for r in results} for key, fn in _RATES.items()}
    stats = {key: indicator_stats(key, [v for v in vals.values() if v is not None]) for key, vals in rates.items()}

    rows: list[RankingRow] = []
    rank = 0
    previous_key = None
    for i, r in enumerate(results, 1):
        key = _sort_key(r)
        if key != previous_key:
            rank = i  # competition ranking: ties share a rank, the next rank skips
            previous_key = key
        prev_src = run.previous.get(r.source) if run.previous else None
        prev = by_source.get(prev_src) if prev_src else None
        prev_total = prev.score.total if prev is not None and prev.score else None
        total = r.score.total if r.score else None
        counts = {sev: sum(1 for f in r.findings if f.severity == sev) for sev in ("error", "warning", "info")}
        rows.append(
            RankingRow(
                rank=rank,
                source=r.source,
                report_id=r.report_id,
                agency=r.meta.agency,
                year=r.meta.year,
                level=r.meta.level,
                title=r.meta.title,
                total=total,
                grade=r.score.grade if r.score else "未评分",
                parts={p.key: p.points for p in r.score.parts} if r.score else {},
                counts=counts,
                previous_source=prev_src,
                previous_total=prev_total,
                change=round(total - prev_total, 2) if total is not None and prev_total is not None else None,
                indicators={k: judge(rates[k][r.source], stats[k]) for k in _RATES},
                findings=tuple(r.findings),
            )
        )
    for f in sorted(run.failures, key=lambda f: f.source):
        rows.append(
            RankingRow(rank=None, source=f.source, report_id=Path(f.source).stem, agency=None, year=None,
                       level=None, title=None, total=None, grade=UNREADABLE, reason=f.error)
        )
    return Ranking(tuple(rows), cfg.label, tuple(cfg.weights()), stats)


# ---------------------------------------------------------------- output


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _rate(x: float | None) -> str:
    return "" if x is None else f"{x:.4f}"


def _change(x: float | None) -> str:
    return "" if x is None else f"{x:+g}"


HEADERS = [
    "名次", "机关", "年度", "报告文件", "总分", "等级",
    *[PART_LABELS[k] for k in PART_KEYS],
    "错误", "警告", "提示", "上年报告", "较上年",
    "实质公开率", "实质公开率说明", "复议纠错率", "复议纠错率说明", "备注", "评分方案",
]


def table_rows(ranking: Ranking) -> list[list[Any]]:
    """The ranking as rows of plain values (the CSV and the 得分 sheet share them)."""
    out = []
    for r in ranking.rows:
        if r.rank is None:
            out.append([None, r.agency, r.year, r.source, None, r.grade, None, None, None, None, None, None, None,
                        None, None, None, None, None, None, r.reason, ranking.config_label])
            continue
        dr, cr = r.indicators["disclosure_rate"], r.indicators["correction_rate"]
        out.append([
            r.rank, r.agency, r.year, r.source, r.total, r.grade,
            *[r.parts.get(k) for k in PART_KEYS],
            r.counts.get("error", 0), r.counts.get("warning", 0), r.counts.get("info", 0),
            r.previous_source, r.change,
            None if dr.value is None else round(dr.value, 4), dr.note,
            None if cr.value is None else round(cr.value, 4), cr.note,
            "", ranking.config_label,
        ])
    return out


def ranking_csv(ranking: Ranking) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADERS)
    for row in table_rows(ranking):
        w.writerow(["" if v is None else (f"{v:g}" if isinstance(v, float) else v) for v in row])
    return buf.getvalue()


GRADE_FILLS = {"优秀": "C6EFCE", "良好": "DDEBF7", "合格": "FFEB9C", "不合格": "FFC7CE", UNREADABLE: "D9D9D9"}
FINDING_HEADERS = ["报告文件", "机关", "年度", "问题编号", "规则", "级别", "状态", "位置", "问题说明", "处理意见", "整改情况"]


def write_ranking(ranking: Ranking, path: Path) -> Path:
    """Write the ranking as .csv (UTF-8 with BOM, for Excel) or .xlsx, chosen by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        path.write_text(ranking_csv(ranking), encoding="utf-8-sig")
    elif suffix == ".xlsx":
        _write_xlsx(ranking, path)
    else:
        raise ValueError(f"排名表只能保存为 .csv 或 .xlsx 文件（当前为“{path.name}”）。")
    return path


def _write_xlsx(ranking: Ranking, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from analyzer.review import FIXED_TIME, write_frozen_zip

    wb = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F2F2F2")

    def sheet(ws, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        ws.append(headers)
        for c in ws[1]:
            c.font, c.fill = bold, head_fill
            c.alignment = Alignment(vertical="center", wrap_text=True)
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        # Printed for a meeting: landscape A4, all columns on one page width, header repeated.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = "1:1"

    ws = wb.active
    ws.title = "得分"
    rows = table_rows(ranking)
    sheet(ws, HEADERS, rows, [6, 28, 7, 36, 8, 8, 8, 8, 8, 9, 6, 6, 6, 30, 8, 11, 26, 11, 26, 40, 28])
    grade_col = HEADERS.index("等级") + 1
    for col_name in ("实质公开率", "复议纠错率"):
        col = HEADERS.index(col_name) + 1
        for r in range(2, len(rows) + 2):
            ws.cell(r, col).number_format = "0.0%"
    for r in range(2, len(rows) + 2):
        cell = ws.cell(r, grade_col)
        fill = GRADE_FILLS.get(cell.value)
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        for col_name in ("实质公开率说明", "复议纠错率说明"):
            note = ws.cell(r, HEADERS.index(col_name) + 1)
            if note.value and note.value.startswith("明显"):
                note.font = Font(color="C00000", bold=True)

    wf = wb.create_sheet("问题清单")
    frows = []
    for r in ranking.ranked:
        for f in r.findings:
            frows.append([r.source, r.agency, r.year, f.id, f.rule, SEVERITY_CN.get(f.severity, f.severity),
                          STATUS_CN.get(f.status, f.status), f.where, f.message, "", ""])
    sheet(wf, FINDING_HEADERS, frows, [36, 28, 7, 14, 30, 6, 6, 40, 80, 24, 24])
    for row in wf.iter_rows(min_row=2, min_col=9, max_col=9):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")

    wn = wb.create_sheet("说明")
    wn.append(["项目", "内容"])
    for c in wn[1]:
        c.font = bold
    wn.append(["评分方案", ranking.config_label])
    wn.append(["排序规则", "按总分、准确性、内容质量依次从高到低排序；三项均相同者名次并列"])
    wn.append(["实质公开率", "（予以公开＋部分公开）÷办理结果总计，取“总计”列"])
    wn.append(["复议纠错率", "行政复议结果纠正÷（行政复议总计－尚未审结）"])
    wn.append(["偏离标记", f"与本批中位数之差同时超过3×1.4826×MAD和10个百分点时标记；有该比率的报告不足{MIN_COMPARABLE}份时不作比较"])
    for key, st in sorted(ranking.stats.items()):
        label = INDICATORS[key]
        if st.n:
            wn.append([f"{label}分布", f"{st.n}份报告，中位数{st.median:.1%}，MAD {st.mad:.1%}，正常范围{st.low:.1%}至{st.high:.1%}"])
        else:
            wn.append([f"{label}分布", "无可计算的报告"])
    wn.append(["无法读取的文件", str(len(ranking.unreadable))])
    wn.append([])
    wn.append(["权重项", "取值"])
    for k, v in ranking.weights:
        wn.append([k, v])
    wn.column_dimensions["A"].width = 36
    wn.column_dimensions["B"].width = 90

    props = wb.properties
    props.creator = "政府信息公开工作年度报告分析器"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    write_frozen_zip(buf.getvalue(), path)


def print_ranking(ranking: Ranking, console=None) -> None:
    """The ranking as a rich table on the terminal."""
    from rich.console import Console
    from rich.table import Table

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=180)  # piped output: do not squeeze the table to 80 columns
    grade_style = {"优秀": "green", "良好": "cyan", "合格": "yellow", "不合格": "red", UNREADABLE: "dim"}
    t = Table(title=f"年度报告评分排名（评分方案：{ranking.config_label}）", show_lines=False)
    for h in ("名次", "机关", "年度", "总分", "等级", *[PART_LABELS[k] for k in PART_KEYS], "错误/警告", "较上年",
              "实质公开率", "复议纠错率"):
        t.add_column(h, justify="right" if h not in ("机关", "等级") else "left", no_wrap=True,
                     min_width=len(h) * 2)
    for r in ranking.ranked:
        dr, cr = r.indicators["disclosure_rate"], r.indicators["correction_rate"]
        t.add_row(
            str(r.rank), r.agency or r.report_id, _num(r.year), _num(r.total),
            f"[{grade_style.get(r.grade, '')}]{r.grade}[/]",
            *[_num(r.parts.get(k)) for k in PART_KEYS],
            f"{r.counts.get('error', 0)}/{r.counts.get('warning', 0)}", _change(r.change),
            _fmt_indicator(dr), _fmt_indicator(cr),
        )
    console.print(t)
    for r in ranking.unreadable:
        console.print(f"[dim]无法读取：{r.source}（{r.reason}）[/]")
    notes = [f"{INDICATORS[k]}：{TOO_FEW}" for k, st in sorted(ranking.stats.items()) if 0 < st.n < MIN_COMPARABLE]
    for n in notes:
        console.print(f"[dim]{n}[/]")


def _fmt_indicator(ind: Indicator) -> str:
    if ind.value is None:
        return "—"
    text = f"{ind.value:.1%}"
    return f"[bold red]{text}*[/]" if ind.flagged else text
