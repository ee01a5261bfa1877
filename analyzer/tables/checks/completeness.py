"""Tables, rows and cells the report does not show."""

from __future__ import annotations

from analyzer.model import Finding, TableValues
from analyzer.sections import part_number
from analyzer.tables import schema
from analyzer.tables.checks.base import T_APP, T_REVIEW, Context, aux_other, reading_doubt


def _has_content(t: TableValues, table: str, row: str) -> bool:
    vals = t.values.get(table, {}).get(row, {})
    prefix = f"{table}.{row}."
    return any(v is not None for v in vals.values()) or any(k.startswith(prefix) for k in t.remarks)


def _row_present(t: TableValues, table: str, row: str) -> bool:
    """The row is in the report: it holds content, or it is located by its label
    (``rows_found``) before the table's last filled row.

    Blank rows *inside* a table are cells left empty (tables.missing_cell, as in
    real0011); blank rows from some point to the end mean the table stops there
    (tables.missing_row, as in seed 002), whether or not the labels were printed.
    """
    if _has_content(t, table, row):
        return True
    if f"{table}.{row}" not in t.rows_found:
        return False
    if table == T_REVIEW:
        return True  # its groups share one printed row: blank cells there are cells, not rows
    keys = [r.key for r in schema.rows_of(table, t.template)]
    filled = [i for i, k in enumerate(keys) if _has_content(t, table, k)]
    return bool(filled) and keys.index(row) < filled[-1] if row in keys else False


def check_missing_table(ctx: Context) -> list[Finding]:
    """tables.missing_table: a standard table with no row in the report (uncertain when it was located, or
    numbers that may be it could not be placed)."""
    t = ctx.tables
    out = []
    for table, title in schema.TABLE_TITLES.items():
        rows = schema.rows_of(table, t.template)
        if any(_row_present(t, table, r.key) for r in rows):
            continue
        doubt = reading_doubt(t, table)
        if not doubt and ctx.doc is not None and ctx.doc.images:
            # The report's pictures were not read: the table may be one of them (a screenshot pasted in).
            doubt = f"（文中有{ctx.doc.images}幅图片未能读取，该表格可能以图片形式列出，请核对原件。）"
        if not doubt and ctx.doc is not None and ctx.doc.ocr_pages:
            # Read from page images, a table OCR did not see is no table the report left out.
            doubt = f"（本报告有{ctx.doc.ocr_pages}页经OCR识别，该表格可能未能识别，请核对原件。）"
        out.append(Finding(
            rule="tables.missing_table", severity="error",
            message=f"报告未列出“{title}”的统计表格（或表格无法识别），该部分数据全部缺失。{doubt}",
            where=title, status="uncertain" if t.found.get(table) or doubt else "confirmed",
            data={"table": table},
        ))
    return out


def check_missing_row(ctx: Context) -> list[Finding]:
    """tables.missing_row: template rows the report leaves out (uncertain when numbers could not be placed)."""
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    for table, title in schema.TABLE_TITLES.items():
        rows = schema.rows_of(table, tmpl)
        present = [r for r in rows if _row_present(t, table, r.key)]
        if not present:
            continue  # the whole table: tables.missing_table
        absent = [r for r in rows if r not in present]
        if not absent:
            continue
        keys = [r.key for r in absent]
        other_keys = ["other_no_correction", "other_fee_unpaid", "other_other"]
        if table == T_APP and keys == other_keys and aux_other(t) is not None:
            message = ("第三部分表格中“（六）其他处理”仅填报一行合计，未按2021年版模板分列“1.申请人无正当理由逾期不补正”"
                       "“2.申请人逾期未按收费通知要求缴纳费用”“3.其他”三项。")
        else:
            labels = "、".join(f"“{r.label}”" for r in absent)
            message = (f"{part_number(table)}表格缺少{labels}{'等' if len(absent) > 1 else ''}{len(absent)}行，"
                       f"相应数据未填报{_searched_for(absent)}。")
        searched = {r.key: list(dict.fromkeys((r.label,) + r.cues)) for r in absent}
        doubt = reading_doubt(t, table)
        out.append(Finding(
            rule="tables.missing_row", severity="warning", message=message + doubt,
            where=f"{title} / {absent[0].label}" if len(absent) == 1 else title,
            status="uncertain" if doubt else "confirmed",
            data={"table": table, "rows": keys, "searched": searched},
        ))
    return out


def _searched_for(absent: list[schema.Row]) -> str:
    """What was looked for, in words a reader can check: the row names and their key words (a few rows at most)."""
    if len(absent) > 3:
        return ""  # many rows: the words searched stay in the finding's data, the letter names the rows
    words = "、".join(f"“{c}”" for r in absent for c in dict.fromkeys(r.cues[:2]))
    return f"（已按行名及关键词{words}检索表格，未找到相应行）"


def check_missing_cell(ctx: Context) -> list[Finding]:
    """tables.missing_cell: cells of present rows that show nothing (uncertain when numbers could not be placed)."""
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    for table, title in schema.TABLE_TITLES.items():
        per_row: list[tuple[schema.Row, list[schema.Column]]] = []
        for r in schema.rows_of(table, tmpl):
            if not _row_present(t, table, r.key):
                continue
            blank = [c for c in r.columns
                     if t.get(table, r.key, c.key) is None and f"{table}.{r.key}.{c.key}" not in t.remarks]
            if blank:
                per_row.append((r, blank))
        if not per_row:
            continue
        doubt = reading_doubt(t, table)
        status = "uncertain" if doubt else "confirmed"
        if len(per_row) > 1:
            n = sum(len(b) for _, b in per_row)
            names = "、".join(f"“{r.label}”" for r, _ in per_row[:4])
            out.append(Finding(
                rule="tables.missing_cell", severity="warning",
                message=f"{part_number(table)}表格有{len(per_row)}行共{n}个单元格未填写数字（如{names}等行），应逐项填报，无数据的填0。{doubt}",
                where=title, status=status,
                data={"table": table, "cells": [f"{table}.{r.key}.{c.key}" for r, b in per_row for c in b]},
            ))
            continue
        for r, blank in per_row:
            cols = "、".join(f"“{c.label}”" for c in blank)
            out.append(Finding(
                rule="tables.missing_cell", severity="warning",
                message=f"{part_number(table)}表格中“{r.label}”一行的{cols}未填写数字，应逐项填报，无数据的填0。{doubt}",
                where=f"{title} / {r.label}", status=status,
                data={"table": table, "row": r.key, "cells": [f"{table}.{r.key}.{c.key}" for c in blank]},
            ))
    return out
