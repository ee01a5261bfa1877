"""The files a supervisor downloads: each built by the analyzer's own writers, as bytes.

- one review comment (DOCX), with the supervisor's edits: ``output.review_docx.write_comments``;
- the year's 汇编 (DOCX): a cover, the contents, the ranking table, then every
  comment in rank order — the same writer, with the front pages added here;
- the year's ranking (XLSX): ``output.ranking_io.write_ranking``;
- one report's 问题清单 with its 整改 columns (XLSX), through ``output.xlsx.save``
  (cells beginning with = + - @ stay text).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from analyzer.labels import SEVERITY_LABELS
from analyzer.output import xlsx
from analyzer.output.ranking import Ranking
from analyzer.output.ranking_io import write_ranking
from analyzer.output.review import Comment
from analyzer.output.review_docx import HEADING_STYLE, TITLE_STYLE, write_comments

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

RECTIFICATION_HEADERS = ["序号", "问题编号", "问题类别", "级别", "问题说明", "位置", "处理意见",
                         "责任单位", "整改措施", "整改状态", "整改时限", "完成日期"]
RECTIFICATION_WIDTHS = [5, 12, 14, 6, 48, 24, 14, 14, 30, 9, 11, 11]


def _bytes_of(write: Callable[[Path], object], suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="analyzer-serve-") as tmp:
        path = Path(tmp) / f"out{suffix}"
        write(path)
        return path.read_bytes()


def attachment(name: str) -> str:
    """A Content-Disposition header for a Chinese file name (RFC 6266 / 5987), with an ASCII fallback."""
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def review_docx(comment: Comment) -> bytes:
    """One review comment as Word."""
    return _bytes_of(lambda p: write_comments([comment], p), ".docx")


def ranking_xlsx(ranking: Ranking, names: dict[str, str]) -> bytes:
    """The ranking workbook of ``analyzer rank`` for one year; ``names``: report id → the uploaded file's name.

    The workbench's readings carry the report id as their source; a supervisor knows the file by its name.
    """
    def named(source: str | None) -> str | None:
        return names.get(source, source) if source else source

    shown = replace(ranking, rows=tuple(
        replace(r, source=named(r.source), previous_source=named(r.previous_source),
                duplicates=tuple(named(d) for d in r.duplicates))
        for r in ranking.rows))
    return _bytes_of(lambda p: write_ranking(shown, p), ".xlsx")


def compilation_docx(year: int, ranking: Ranking, comments: list[Comment], *, levels: dict[str, str]) -> bytes:
    """The year's 汇编: cover, contents, ranking table, then each comment in rank order."""

    def front(doc):
        from docx.enum.text import WD_BREAK
        from docx.shared import Pt

        title = doc.styles[TITLE_STYLE].style_id
        heading = doc.styles[HEADING_STYLE].style_id

        def para(text: str, style: str | None = None):
            p = doc.add_paragraph(text)
            if style:
                p._p.style = style
            return p

        for _ in range(4):
            para("", title)
        para(f"{year}年度政府信息公开工作年度报告", title)
        para("评审意见汇编", title)
        for _ in range(6):
            para("", title)
        last = para(f"共{len(comments)}份报告", title)
        last.add_run().add_break(WD_BREAK.PAGE)

        para("目录", title)
        para("一、评审排名表", heading)
        para("二、各报告评审意见", heading)
        for i, row in enumerate(ranking.ranked, 1):
            para(f"{i}. 第{row.rank}名　{row.agency or row.title or '未识别机关'}（{row.total:g}分，{row.grade}）")
        last = doc.paragraphs[-1]
        last.add_run().add_break(WD_BREAK.PAGE)

        para("一、评审排名表", heading)
        table = doc.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("名次", "机关", "层级", "总分", "等级", "问题数")):
            cell.text = text
        for row in ranking.ranked:
            cells = table.add_row().cells
            values = (str(row.rank), row.agency or row.title or "", levels.get(row.source, ""),
                      f"{row.total:g}", row.grade, str(sum(row.counts.values())))
            for cell, text in zip(cells, values):
                cell.text = text
        for r in table.rows:
            for cell in r.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.first_line_indent = Pt(0)
                    p.paragraph_format.line_spacing = Pt(20)
                    for run in p.runs:
                        run.font.size = Pt(11)
        return doc.add_paragraph("")

    return _bytes_of(lambda p: write_comments(comments, p, front=front), ".docx")


def rectification_xlsx(title: str, items: list[dict]) -> bytes:
    """One report's 问题清单 with 责任单位, 整改措施, 状态 and dates (every text cell kept as text)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append([title])
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RECTIFICATION_HEADERS))
    ws.append(RECTIFICATION_HEADERS)
    for c in ws[2]:
        c.font, c.fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
        c.alignment = Alignment(vertical="center", wrap_text=True)
    for i, it in enumerate(items, 1):
        ws.append([
            i, it["id"], it["category"], SEVERITY_LABELS.get(it["severity"], it["severity"]), it["message"],
            it["where"], it["decision"], it["unit"], it["measure"], it["state"], it["due"], it["done"],
        ])
    for i, w in enumerate(RECTIFICATION_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A3"
    xlsx.fit_heights(ws, [5, 6, 8, 9], line_pt=16)
    xlsx.print_setup(ws, title_rows="2:2")
    return _bytes_of(lambda p: xlsx.save(wb, p), ".xlsx")
