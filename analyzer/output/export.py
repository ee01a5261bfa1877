"""Output shapes of one report: the contract JSON, the tables as CSV and XLSX, a finding as one line.

The XLSX lays the three tables out as the national template does (merged
header cells, the template's labels), because that is how supervisors read
them; a cell the report does not show stays empty, never 0.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from analyzer.labels import SEVERITY_LABELS as SEVERITY_ZH
from analyzer.model import Finding, ReportResult
from analyzer.output import xlsx
from analyzer.tables import schema

CSV_COLUMNS = ["table", "row", "row_label", "column", "column_label", "value", "raw", "page", "line", "method", "remark"]


def report_json(result: ReportResult) -> str:
    """The contract JSON of one report."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2, sort_keys=True)


def finding_line(finding: Finding) -> str:
    """One line: severity, rule, where, message, and 「待核实」 when our reading may be wrong."""
    sev = SEVERITY_ZH.get(finding.severity, finding.severity)
    tail = " 「待核实」" if finding.status == "uncertain" else ""
    return f"[{sev}] {finding.rule} | {finding.where} | {finding.message}{tail}"


def _cells(result: ReportResult):
    """Every canonical cell of the report's template, in template order."""
    tv = result.tables
    template = tv.template if tv else result.meta.template
    for table in schema.TABLES:
        for row in schema.rows_of(table, template):
            for col in row.columns:
                key = f"{table}.{row.key}.{col.key}"
                value = tv.get(table, row.key, col.key) if tv else None
                src = tv.sources.get(key) if tv else None
                remark = tv.remark(key) if tv else ""
                yield table, row, col, value, src, remark


def tables_csv(result: ReportResult) -> str:
    """One row per canonical cell: table, row key and label, column key and label, value, raw, page/line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for table, row, col, value, src, remark in _cells(result):
        w.writerow([
            table, row.key, src.row_label if src else row.label, col.key, col.label,
            "" if value is None else value,
            src.raw if src else "", src.page if src and src.page is not None else "",
            src.line if src and src.line is not None else "", src.method if src else "", remark,
        ])
    return buf.getvalue()


def tables_xlsx(result: ReportResult, path: str | Path) -> Path:
    """The three tables laid out like the national template, one sheet each."""
    from openpyxl import Workbook

    tv = result.tables
    template = tv.template if tv else result.meta.template
    wb = Workbook()
    ws = wb.active
    ws.title = "二、主动公开"
    _sheet_active(ws, result, template)
    _sheet_applications(wb.create_sheet("三、依申请公开"), result, template)
    _sheet_review(wb.create_sheet("四、复议诉讼"), result)
    _sheet_cells(wb.create_sheet("单元格来源"), result)
    for sheet in wb.worksheets:
        # The template sheets are one page each; the list of cells repeats its header row.
        xlsx.print_setup(sheet, title_rows="1:1" if sheet.title == "单元格来源" else None)
    return xlsx.save(wb, path)


# ---------------------------------------------------------------- sheets

def _style(ws, first_row: int, last_row: int, last_col: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    for r in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=last_col):
        for c in r:
            c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.cell(1, 1).font = Font(bold=True, size=13)


def _value(result: ReportResult, table: str, row: str, col: str):
    return result.tables.get(table, row, col) if result.tables else None


def _title(ws, text: str, width: int) -> None:
    ws.cell(1, 1, text)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _sheet_active(ws, result: ReportResult, template: str | None) -> None:
    rows = schema.rows_of("active_disclosure", template)
    width = 1 + max(len(r.columns) for r in rows)
    _title(ws, schema.TABLE_TITLES["active_disclosure"], width)
    r = 2
    block = None
    for spec in rows:
        if spec.block != block:
            block = spec.block
            ws.cell(r, 1, block)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            r += 1
            ws.cell(r, 1, "信息内容")
            for i, col in enumerate(spec.columns):
                ws.cell(r, 2 + i, col.label)
            r += 1
        ws.cell(r, 1, spec.label)
        for i, col in enumerate(spec.columns):
            ws.cell(r, 2 + i, _value(result, "active_disclosure", spec.key, col.key))
        r += 1
    _style(ws, 2, r - 1, width)
    ws.column_dimensions["A"].width = 22
    for letter in "BCD":
        ws.column_dimensions[letter].width = 16


def _sheet_applications(ws, result: ReportResult, template: str | None) -> None:
    rows = schema.rows_of("applications", template)
    # Columns: A-C labels (三 / group / item), D-J the seven applicant columns.
    _title(ws, schema.TABLE_TITLES["applications"], 10)
    ws.cell(2, 1, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    ws.merge_cells("A2:C4")
    ws.cell(2, 4, "申请人情况")
    ws.merge_cells("D2:J2")
    ws.cell(3, 4, "自然人")
    ws.merge_cells("D3:D4")
    ws.cell(3, 5, "法人或其他组织")
    ws.merge_cells("E3:I3")
    ws.cell(3, 10, "总计")
    ws.merge_cells("J3:J4")
    for i, col in enumerate(schema.APPLICANTS[1:6]):
        ws.cell(4, 5 + i, col.label)
    r = 5
    first_result = None
    groups: dict[str, list[tuple[int, str]]] = {}
    for spec in rows:
        if spec.key in ("new_received", "carried_over", "carried_forward"):
            ws.cell(r, 1, spec.label)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=3)
        else:
            first_result = first_result or r
            # "三（三）1.属于国家秘密" under the group "（三）不予公开" -> item "1.属于国家秘密".
            number = spec.block[:3]
            item = spec.label[len("三" + number):] if spec.label.startswith("三" + number) else spec.label
            groups.setdefault(spec.block, []).append((r, item))
        for i, col in enumerate(schema.APPLICANTS):
            ws.cell(r, 4 + i, _value(result, "applications", spec.key, col.key))
        r += 1
    if first_result:
        ws.cell(first_result, 1, "三、本年度办理结果")
        ws.merge_cells(start_row=first_result, start_column=1, end_row=r - 2, end_column=1)
        for group, items in groups.items():
            if len(items) == 1:
                ws.cell(items[0][0], 2, group)
                ws.merge_cells(start_row=items[0][0], start_column=2, end_row=items[0][0], end_column=3)
                continue
            ws.cell(items[0][0], 2, group)
            ws.merge_cells(start_row=items[0][0], start_column=2, end_row=items[-1][0], end_column=2)
            for row_no, item in items:
                ws.cell(row_no, 3, item)
    _style(ws, 2, r - 1, 10)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 34


def _sheet_review(ws, result: ReportResult) -> None:
    _title(ws, schema.TABLE_TITLES["review_litigation"], 15)
    ws.cell(2, 1, "行政复议")
    ws.merge_cells("A2:E3")
    ws.cell(2, 6, "行政诉讼")
    ws.merge_cells("F2:O2")
    ws.cell(3, 6, "未经复议直接起诉")
    ws.merge_cells("F3:J3")
    ws.cell(3, 11, "复议后起诉")
    ws.merge_cells("K3:O3")
    c = 1
    for g in schema.REVIEW_GROUPS:
        for col in g.columns:
            ws.cell(4, c, col.label)
            ws.cell(5, c, _value(result, "review_litigation", g.key, col.key))
            c += 1
    _style(ws, 2, 5, 15)


def _sheet_cells(ws, result: ReportResult) -> None:
    for line in csv.reader(io.StringIO(tables_csv(result))):
        ws.append(line)
