"""Export shapes: the contract JSON, one CSV row per canonical cell, the template-shaped XLSX, finding lines."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analyzer.output.export import finding_line, report_json, tables_csv, tables_xlsx
from analyzer.model import CellSource, Finding, ReportMeta, ReportResult, TableValues
from analyzer.tables import schema


def result(template: str = "2021") -> ReportResult:
    values = schema.empty_values(template)
    values["applications"]["new_received"]["natural_person"] = 5
    values["active_disclosure"]["administrative_fees"]["amount_10k_yuan" if template == "2021" else "prev_items"] = 1.25
    sources = {"applications.new_received.natural_person": CellSource("５", "一、本年新收政府信息公开申请数量", "自然人", page=3)}
    tables = TableValues(template=template, values=values, sources=sources, remarks={"applications.granted.total": "无"})
    meta = ReportMeta("青石镇2021年度政府信息公开工作报告", "青石镇人民政府", "township", 2021, template)
    return ReportResult(source="corpus/x.txt", format="txt", meta=meta, sections={}, tables=tables)


def test_csv_one_row_per_canonical_cell() -> None:
    rows = list(csv.DictReader(io.StringIO(tables_csv(result()))))
    cells = sum(len(r.columns) for t in schema.TABLES for r in schema.rows_of(t, "2021"))
    assert len(rows) == cells == 200
    nr = next(r for r in rows if r["row"] == "new_received" and r["column"] == "natural_person")
    assert (nr["value"], nr["raw"], nr["page"], nr["column_label"]) == ("5", "５", "3", "自然人")
    empty = next(r for r in rows if r["row"] == "carried_over" and r["column"] == "total")
    assert empty["value"] == ""  # null stays empty, never 0
    granted = next(r for r in rows if r["row"] == "granted" and r["column"] == "total")
    assert granted["remark"] == "无"


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_xlsx_is_laid_out_like_the_template(tmp_path: Path, template: str) -> None:
    path = tables_xlsx(result(template), tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:3] == ["二、主动公开", "三、依申请公开", "四、复议诉讼"]
    app = wb["三、依申请公开"]
    assert app["D2"].value == "申请人情况" and "D2:J2" in {str(r) for r in app.merged_cells.ranges}
    assert app["A5"].value == "一、本年新收政府信息公开申请数量" and app["D5"].value == 5
    assert app["E5"].value is None
    labels = [app.cell(r, 3).value for r in range(5, 40)]
    assert "1.属于国家秘密" in labels
    review = wb["四、复议诉讼"]
    assert review["F3"].value == "未经复议直接起诉" and review["A4"].value == "结果维持"


def test_report_json_is_sorted_and_keeps_chinese() -> None:
    text = report_json(result())
    assert "青石镇" in text
    d = json.loads(text)
    assert list(d) == sorted(d)
    assert d["tables"]["applications"]["carried_over"]["total"] is None


def test_finding_line() -> None:
    f = Finding("applications.balance", "error", "勾稽关系不符。", "三、… / 自然人", status="uncertain")
    line = finding_line(f)
    assert line.startswith("[错误] applications.balance") and "三、… / 自然人" in line and line.endswith("「待核实」")
    assert "待核实" not in finding_line(Finding("tables.missing_cell", "warning", "缺。", "二、…"))


def test_xlsx_keeps_report_text_as_text_and_fixed_bytes(tmp_path: Path) -> None:
    """A cell as written “=1+2” is data, not a formula (issue 13); the same result gives the same bytes."""
    base = result()
    sources = {"applications.new_received.natural_person": CellSource("=1+2", "@本年新收", "自然人", page=3)}
    r = replace(base, tables=replace(base.tables, sources=sources, remarks={"applications.granted.total": "-见附注"}))
    a = tables_xlsx(r, tmp_path / "a.xlsx")
    assert a.read_bytes() == tables_xlsx(r, tmp_path / "b.xlsx").read_bytes()
    ws = load_workbook(a)["单元格来源"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=@-"]
    assert {c.value for c in cells} >= {"=1+2", "@本年新收", "-见附注"}
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(a) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
