"""The ranking as files and on the terminal: CSV (UTF-8 with BOM), XLSX, a rich table; one ranking per year.

The CSV lists the years one after the other (ranks restart with each year);
the XLSX has one 得分 sheet per year (``得分`` alone when the run has one year),
then 问题清单 and 说明; the terminal prints one table per year. Results
counted once (the same report twice, one agency twice in a year) are listed
with the reason. The XLSX is printed for meetings: every sheet on A4
landscape, fit to the page width at a readable size, header row repeated; its
说明 sheet records the configuration with every weight under its Chinese
name, and how points held for checking (待核实) work.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from analyzer.labels import PART_LABELS, SEVERITY_LABELS
from analyzer.output import xlsx
from analyzer.output.ranking import (
    INDICATORS,
    MIN_COMPARABLE,
    PART_KEYS,
    TOO_FEW,
    UNREADABLE,
    Indicator,
    Ranking,
    RankingRow,
)

STATUS_LABELS = {"confirmed": "确认", "uncertain": "存疑"}
DUPLICATE = "重复，未排名"
PENDING_NOTE = ("识别存疑或无法读取的数据，其分值既不计入总分也不扣除，列为“待核实”；"
                "评审人员核对原件后，确属无误的可补回，确有错误的按规则扣分。等级按已计入的总分评定，"
                "待核实分值可能改变等级时注明“初评”。")

HEADERS = [
    "名次", "机关", "年度", "报告文件", "总分", "等级",
    *[PART_LABELS[k] for k in PART_KEYS],
    "待核实", "错误", "警告", "提示", "上年报告", "较上年",
    "实质公开率", "实质公开率说明", "复议纠错率", "复议纠错率说明", "备注", "评分方案",
]
# Widths in characters: the printed columns (all but 评分方案, which every row
# repeats and the page header says once) fit A4 landscape at about 80 %, so
# the text prints at about 9 points; long text wraps.
SCORE_WIDTHS = [4.5, 13, 5, 14, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 4.5, 4, 4, 4, 12, 5.5, 6.5, 12, 6.5, 12, 9, 24]
WRAPPED = {"机关", "报告文件", "上年报告", "实质公开率说明", "复议纠错率说明", "备注", "评分方案"}

FINDING_HEADERS = ["报告文件", "机关", "年度", "问题编号", "规则", "级别", "状态", "位置", "问题说明", "处理意见", "整改情况"]
FINDING_WIDTHS = [13, 10, 5, 11.5, 14, 4.5, 4.5, 16, 36, 10, 10]

GRADE_FILLS = {"优秀": "C6EFCE", "良好": "DDEBF7", "合格": "FFEB9C", "不合格": "FFC7CE", UNREADABLE: "D9D9D9",
               DUPLICATE: "D9D9D9"}


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _change(x: float | None) -> str:
    return "" if x is None else f"{x:+g}"


def _blank_row(agency, year, source, grade, note, config) -> list[Any]:
    row: list[Any] = [None] * len(HEADERS)
    row[0:6] = [None, agency, year, source, None, grade]
    row[-2:] = [note, config]
    return row


def _ranked_row(r: RankingRow, config: str) -> list[Any]:
    dr, cr = r.indicators["disclosure_rate"], r.indicators["correction_rate"]
    note = f"另计入：{'、'.join(r.duplicates)}" if r.duplicates else ""
    return [
        r.rank, r.agency, r.year, r.source, r.total, r.grade,
        *[r.parts.get(k) for k in PART_KEYS],
        r.pending or None,
        r.counts.get("error", 0), r.counts.get("warning", 0), r.counts.get("info", 0),
        r.previous_source, r.change,
        None if dr.value is None else round(dr.value, 4), dr.note,
        None if cr.value is None else round(cr.value, 4), cr.note,
        note, config,
    ]


def table_rows(ranking: Ranking, year: int | None | bool = False) -> list[list[Any]]:
    """The ranking as rows of plain values: ranked rows year by year, then duplicates, then unreadable files.

    ``year`` (an int or None) keeps one year's ranking and its duplicates only; False keeps every year.
    """
    wanted = [(y, rows) for y, rows in ranking.by_year() if year is False or y == year]
    out = [_ranked_row(r, ranking.config_label) for _, rows in wanted for r in rows]
    kept = {r.source: r for _, rows in wanted for r in rows}
    for d in ranking.duplicates:
        if d.kept in kept:
            k = kept[d.kept]
            out.append(_blank_row(k.agency, k.year, d.source, DUPLICATE, d.note, ranking.config_label))
    if year is False:
        for r in ranking.unreadable:
            out.append(_blank_row(r.agency, r.year, r.source, r.grade, r.reason, ranking.config_label))
    return out


def ranking_csv(ranking: Ranking) -> str:
    """The ranking as CSV text (header row first)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADERS)
    for row in table_rows(ranking):
        w.writerow(["" if v is None else (f"{v:g}" if isinstance(v, float) else v) for v in row])
    return buf.getvalue()


def write_ranking(ranking: Ranking, path: Path) -> Path:
    """Write the ranking as .csv (UTF-8 with BOM, for Excel) or .xlsx, chosen by suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        path.write_text(ranking_csv(ranking), encoding="utf-8-sig")
    elif suffix == ".xlsx":
        write_xlsx(ranking, path)
    else:
        raise ValueError(f"排名表只能保存为 .csv 或 .xlsx 文件（当前为“{path.name}”）。")
    return path


# ---------------------------------------------------------------- XLSX


def sheet_title(year: int | None, several: bool) -> str:
    """The 得分 sheet of one year: “得分” when the ranking has one year, else “2024年度得分”."""
    if not several:
        return "得分"
    return f"{year}年度得分" if year is not None else "年度未识别"


def write_xlsx(ranking: Ranking, path: Path) -> Path:
    """One 得分 sheet per year (the ranking), 无法读取 (if any), 问题清单 (every finding, with columns to fill in), 说明."""
    from openpyxl import Workbook

    wb = Workbook()
    years = ranking.by_year() or [(None, ())]
    for i, (year, rows) in enumerate(years):
        ws = wb.active if i == 0 else wb.create_sheet()
        _score_sheet(ws, ranking, year, rows, several=len(years) > 1)
    if ranking.unreadable:
        # A sheet of their own: appended to the first year's ranking they read as that year's files.
        _table(wb.create_sheet(UNREADABLE), ["报告文件", "原因"], [[r.source, r.reason] for r in ranking.unreadable],
               [40, 80], {"报告文件", "原因"})
    _findings_sheet(wb.create_sheet("问题清单"), ranking)
    _notes_sheet(wb.create_sheet("说明"), ranking)
    return xlsx.save(wb, path)


def _table(ws, headers: list[str], rows: list[list[Any]], widths: list[float], wrapped: set[str]) -> None:
    """A sheet of one table: styled header, filter, frozen header, wrapped text columns, print setup."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(headers)
    head_fill = PatternFill("solid", fgColor="F2F2F2")
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), head_fill
        c.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    # The text columns wrap; every cell starts at the top, so a tall row reads level.
    columns = [i for i, name in enumerate(headers, 1) if name in wrapped]
    for i in range(1, len(headers) + 1):
        align = Alignment(wrap_text=True, vertical="top") if i in columns else Alignment(vertical="top")
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.alignment = align
    xlsx.fit_heights(ws, columns)
    xlsx.fit_heights(ws, range(1, len(headers) + 1), max_row=1)  # the header wraps in every column
    xlsx.print_setup(ws)
    ws.oddFooter.center.text = f"{ws.title}　第 &P 页，共 &N 页"


def _score_sheet(ws, ranking: Ranking, year: int | None, ranked: tuple[RankingRow, ...], *, several: bool) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.title = sheet_title(year, several)
    rows = table_rows(ranking, year)
    _table(ws, HEADERS, rows, SCORE_WIDTHS, WRAPPED)
    last = get_column_letter(HEADERS.index("评分方案"))
    ws.print_area = f"A1:{last}{len(rows) + 1}"
    scope = "".join(v for _, v in ranking.filters if not v.endswith("年度"))
    title = f"{year}年度" if year is not None else ""
    # "&" starts a code in a page header ("&P" is the page number): doubled, it prints as itself.
    ws.oddHeader.center.text = f"{title}{scope}政府信息公开工作年度报告评分排名（评分方案：{ranking.config_label}）".replace("&", "&&")
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
    notes = {"disclosure_rate": HEADERS.index("实质公开率说明") + 1, "correction_rate": HEADERS.index("复议纠错率说明") + 1}
    for r, row in enumerate(ranked, 2):
        for key, col in notes.items():
            indicator = row.indicators.get(key)
            if indicator is not None and indicator.flagged:
                ws.cell(r, col).font = Font(color="C00000", bold=True)


def _findings_sheet(ws, ranking: Ranking) -> None:
    rows = []
    for r in ranking.ranked:
        for f in r.findings:
            rows.append([r.source, r.agency, r.year, f.id, f.rule, SEVERITY_LABELS.get(f.severity, f.severity),
                         STATUS_LABELS.get(f.status, f.status), f.where, f.message, "", ""])
    _table(ws, FINDING_HEADERS, rows, FINDING_WIDTHS, {"报告文件", "机关", "规则", "位置", "问题说明", "处理意见", "整改情况"})


def _notes_sheet(ws, ranking: Ranking) -> None:
    from openpyxl.styles import Alignment, Font

    rows: list[list[str]] = [
        ["评分方案", ranking.config_label],
        *[[f"排名范围（{name}）", value] for name, value in ranking.filters],
        ["排序规则", "每个统计年度单独排名；同一年度内按总分、准确性、内容质量依次从高到低排序，三项均相同者名次并列"],
        ["待核实", PENDING_NOTE],
        ["重复报告", "同一报告的不同格式或重复文件（内容指纹相同），以及同一机关同一年度的多份报告，只计一次；"
                     "机关名称的不同写法视为同一机关"],
        ["实质公开率", "（予以公开＋部分公开）÷办理结果总计，取“总计”列"],
        ["复议纠错率", "行政复议结果纠正÷（行政复议总计－尚未审结）"],
        ["偏离标记", f"与本批中位数之差同时超过3×1.4826×MAD和10个百分点时标记；有该比率的报告不足{MIN_COMPARABLE}份时不作比较"],
    ]
    for key, st in sorted(ranking.stats.items()):
        label = INDICATORS[key]
        if st.n:
            rows.append([f"{label}分布", f"{st.n}份报告，中位数{st.median:.1%}，MAD {st.mad:.1%}，正常范围{st.low:.1%}至{st.high:.1%}"])
        else:
            rows.append([f"{label}分布", "无可计算的报告"])
    rows.append(["无法读取的文件", str(len(ranking.unreadable))])
    rows += [[f"重复（{d.source}）", d.note] for d in ranking.duplicates]
    blocks = [(["项目", "内容"], rows), (["权重项", "取值"], ranking.weights), (["问题", "评分归属与扣分"], ranking.rule_costs)]
    bold, wrap, top = Font(bold=True), Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    n = 0
    for i, (header, body) in enumerate(blocks):
        if i:
            ws.append([])
            n += 1
        ws.append(header)
        n += 1
        ws.cell(n, 1).font = ws.cell(n, 2).font = bold
        for row in body:
            ws.append(row)
            n += 1
            ws.cell(n, 1).alignment = top
            ws.cell(n, 2).alignment = wrap
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 90
    xlsx.fit_heights(ws, [2])
    xlsx.print_setup(ws, title_rows=None)


# ---------------------------------------------------------------- terminal


def print_ranking(ranking: Ranking, console=None) -> None:
    """The ranking as rich tables on the terminal, one per year; every text from a report or a file name is escaped."""
    from rich.console import Console
    from rich.markup import escape

    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=180)  # piped output: do not squeeze the table to 80 columns
    scope = "".join(v for _, v in ranking.filters if not v.endswith("年度"))
    for year, rows in ranking.by_year():
        when = f"{year}年度" if year is not None else "年度未识别的"
        console.print(_year_table(f"{when}{scope}政府信息公开工作年度报告评分排名（评分方案：{ranking.config_label}）", rows))
    for d in ranking.duplicates:
        console.print(f"[dim]未重复排名：{escape(d.source)}（{escape(d.note)}）[/]")
    for r in ranking.unreadable:
        console.print(f"[dim]无法读取：{escape(r.source)}（{escape(r.reason)}）[/]")
    notes = [f"{INDICATORS[k]}：{TOO_FEW}" for k, st in sorted(ranking.stats.items()) if 0 < st.n < MIN_COMPARABLE]
    if any(r.pending for r in ranking.ranked):
        notes.append("待核实：识别存疑的数据，其分值未计入总分，也未扣除，核对原件后确定。")
    for n in notes:
        console.print(f"[dim]{n}[/]")


def _year_table(title: str, rows: tuple[RankingRow, ...]):
    from rich.markup import escape
    from rich.table import Table

    grade_style = {"优秀": "green", "良好": "cyan", "合格": "yellow", "不合格": "red", UNREADABLE: "dim"}
    t = Table(title=escape(title), show_lines=False)
    for h in ("名次", "机关", "年度", "总分", "等级", *[PART_LABELS[k] for k in PART_KEYS], "待核实", "错误/警告", "较上年",
              "实质公开率", "复议纠错率"):
        t.add_column(h, justify="right" if h not in ("机关", "等级") else "left", no_wrap=True,
                     min_width=len(h) * 2)
    for r in rows:
        dr, cr = r.indicators["disclosure_rate"], r.indicators["correction_rate"]
        t.add_row(
            str(r.rank), escape(r.agency or r.report_id), _num(r.year), _num(r.total),
            f"[{grade_style.get(r.grade, '')}]{escape(r.grade)}[/]",
            *[_num(r.parts.get(k)) for k in PART_KEYS], _num(r.pending or None),
            f"{r.counts.get('error', 0)}/{r.counts.get('warning', 0)}", _change(r.change),
            _fmt_indicator(dr), _fmt_indicator(cr),
        )
    return t


def _fmt_indicator(ind: Indicator) -> str:
    if ind.value is None:
        return "—"
    text = f"{ind.value:.1%}"
    return f"[bold red]{text}*[/]" if ind.flagged else text
