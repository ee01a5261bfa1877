"""The study as a self-contained HTML page (SVG charts) and a DOCX (PNG charts) a researcher can cite.

Both are laid out from the same :class:`~analyzer.output.study.data.Study`:
numbered figures and tables, the same captions. Long tables show their first
``SHOWN_ROWS`` rows; every table is written whole as CSV beside them.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

from analyzer.output.study.data import Study

SHOWN_ROWS = 30
CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;
color:#1f2328;background:#f6f8fa;font-size:14px;line-height:1.65}
main{max-width:980px;margin:0 auto;padding:28px 24px;background:#fff}
h1{font-size:26px;margin:0 0 6px}h2{font-size:20px;margin:36px 0 10px;border-bottom:2px solid #d0d7de;padding-bottom:4px}
.facts{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}.fact{border:1px solid #d0d7de;border-radius:6px;padding:6px 14px}
.fact b{display:block;font-size:18px}.fact span{color:#57606a;font-size:12px}
figure{margin:18px 0}figure svg{max-width:100%;height:auto}figcaption,caption{color:#57606a;font-size:13px;text-align:left;margin:4px 0}
table{border-collapse:collapse;width:100%;margin:10px 0 4px;font-size:12.5px}
th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}th{background:#f0f3f6}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note{color:#57606a;font-size:12px}.cite{background:#f6f8fa;border-left:3px solid #0969da;padding:8px 12px}
"""


def _is_number(v) -> bool:
    """A cell to right-align: a number, a percentage, or a small group's count ("1/2", "2/5条", "294件")."""
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and v.rstrip("件条").translate(_NUMERIC).isdigit()


_NUMERIC = str.maketrans("", "", ",.%-+/")


def render_html(study: Study, svgs: dict[str, str]) -> str:
    """The page; ``svgs`` maps a figure's name to its SVG."""
    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{escape(study.title)}</title><style>{CSS}</style></head><body><main>",
           f"<h1>{escape(study.title)}</h1>", '<div class="facts">']
    out += [f'<div class="fact"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in study.facts if k != "分析运行"]
    out.append("</div>")
    fig_no = tab_no = 0
    for sec in study.sections:
        out.append(f'<section id="{sec.key}"><h2>{escape(sec.title)}</h2>')
        out += [f"<p>{escape(t)}</p>" for t in sec.text]
        for fig in sec.figures:
            fig_no += 1
            out.append(f"<figure>{svgs[fig.name]}<figcaption>图{fig_no}　{escape(fig.title)}</figcaption></figure>")
        for table in sec.tables:
            tab_no += 1
            out.append(_html_table(table, tab_no))
        out.append("</section>")
    out.append(f'<p class="cite">引用：{escape(study.citation)}</p>')
    out.append("</main></body></html>\n")
    return "\n".join(out)


def _html_table(table, number: int) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in table.header)
    body = []
    for row in table.rows[:SHOWN_ROWS]:
        cells = "".join(
            f'<td class="n">{escape(str(v))}</td>' if _is_number(v) else f"<td>{escape(str(v))}</td>" for v in row
        )
        body.append(f"<tr>{cells}</tr>")
    if not table.rows:
        body.append(f'<tr><td colspan="{len(table.header)}" class="note">（无）</td></tr>')
    more = f"共{len(table.rows)}行，此处列出前{SHOWN_ROWS}行；全部见 tables/{table.name}.csv。" if len(table.rows) > SHOWN_ROWS else ""
    note = " ".join(x for x in (table.note, more) if x)
    return (f"<table><caption>表{number}　{escape(table.title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>" + (f'<p class="note">{escape(note)}</p>' if note else ""))


FONT = "Noto Sans CJK SC"


def _column_widths(header, rows, total_cm: float) -> list[float]:
    """Column widths in cm, by the longest text of each column (short columns at least 1.2 cm)."""
    longest = [max([len(str(h))] + [min(len(str(r[j])), 60) for r in rows if j < len(r)]) for j, h in enumerate(header)]
    weights = [max(2, n) for n in longest]
    widths = [total_cm * w / sum(weights) for w in weights]
    return [max(1.2, w) for w in widths]


def write_docx(study: Study, pngs: dict[str, bytes], path: Path) -> Path:
    """The study as a Word document: title, key figures, numbered figures and tables, the citation."""
    from docx import Document
    from docx.enum.section import WD_ORIENT  # noqa: F401 - portrait A4 below
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from analyzer.output._zip import FIXED_TIME, write_frozen_zip

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    for name in ("Normal", "Title", "Heading 1", "Caption"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), FONT)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = study.title
    doc.core_properties.author = "analyzer"
    doc.core_properties.created = doc.core_properties.modified = FIXED_TIME
    doc.add_heading(study.title, level=0)
    facts = doc.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for k, v in study.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = k, v
    fig_no = tab_no = 0
    for sec in study.sections:
        doc.add_heading(sec.title, level=1)
        for t in sec.text:
            doc.add_paragraph(t)
        for fig in sec.figures:
            fig_no += 1
            doc.add_picture(io.BytesIO(pngs[fig.name]), width=Cm(16))
            doc.add_paragraph(f"图{fig_no}　{fig.title}", style="Caption")
        for table in sec.tables:
            tab_no += 1
            doc.add_paragraph(f"表{tab_no}　{table.title}", style="Caption")
            rows = table.rows[:SHOWN_ROWS] or [["（无）"] + [""] * (len(table.header) - 1)]
            grid = doc.add_table(rows=1 + len(rows), cols=len(table.header))
            grid.style = "Table Grid"
            grid.autofit = False
            widths = [Cm(w) for w in _column_widths(table.header, rows, total_cm=16.0)]
            for column, width in zip(grid.columns, widths):
                column.width = width  # the grid LibreOffice reads; Word reads the cells'
            # row by row: python-docx's table.cell(i, j) walks the whole table each time
            for row, values in zip(grid.rows, [table.header] + rows):
                for cell, value, width in zip(row.cells, values, widths):
                    cell.width = width
                    cell.text = str(value)
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
            if len(table.rows) > SHOWN_ROWS:
                doc.add_paragraph(f"共{len(table.rows)}行，此处列出前{SHOWN_ROWS}行；全部见 tables/{table.name}.csv。")
            if table.note:
                doc.add_paragraph(table.note)
    doc.add_heading("引用", level=1)
    doc.add_paragraph(study.citation)
    buf = io.BytesIO()
    doc.save(buf)
    write_frozen_zip(buf.getvalue(), path)
    return path
