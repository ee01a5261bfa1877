"""Cells that hold something other than a usable count: words, ambiguous runs, impossible values."""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.model import Finding
from analyzer.sections import part_number
from analyzer.tables import schema
from analyzer.tables.checks.base import T_APP, T_REVIEW, Context, col_label, fmt, row_label


def check_non_numeric(ctx: Context) -> list[Finding]:
    """tables.non_numeric_cell: a placeholder or words where the template asks for a number, or a number
    damaged by a stray character (uncertain: that it could not be read rests on our reading).

    Placeholders are said by table as ``tables.missing_cell`` says blanks: one finding for a table whose
    placeholders fill several rows, else one for the row, so a table written with “—” in two columns is one
    point of the letter naming its rows, not fifty (and its conformity points are not lost fifty times)."""
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    placeholders: dict[str, list[tuple[str, list[str]]]] = {}  # table -> [(row, cell keys)], the template's order
    for (table, row), cols in _by_row(k for k in t.remarks if k not in t.ambiguous and t.unread.get(k) != "columns").items():
        keys = [f"{table}.{row}.{c}" for c in cols]
        damaged = [k for k in keys if t.unread.get(k) == "damaged"]
        where_row = row_label(table, tmpl, row)
        if len(damaged) > 1 and len({t.remarks[k] for k in damaged}) == 1:
            raw = t.remarks[damaged[0]]
            out.append(Finding(
                rule="tables.non_numeric_cell", severity="info", status="uncertain",
                message=(f"{part_number(table)}表格“{where_row}”一行的数字在原文中写作“{raw}”，其中夹有非数字字符，"
                         f"无法可靠识别，该行{len(damaged)}个单元格未予采用，请核对原件。"),
                where=schema.where(table, tmpl, row), quote=raw,
                data={"cells": damaged, "raw": raw, "reason": "damaged"},
            ))
            keys = [k for k in keys if k not in damaged]
        for key in keys:
            if t.unread.get(key) == "damaged":
                col, raw = key.split(".")[2], t.remarks[key]
                name = f"{part_number(table)}表格中“{where_row}”的“{col_label(table, tmpl, row, col)}”"
                out.append(Finding(
                    rule="tables.non_numeric_cell", severity="info", status="uncertain",
                    message=f"{name}填写为“{raw}”，无法识别为数字（可能是录入或转换错误），未予采用，请核对原件。",
                    where=schema.where(table, tmpl, row, col), quote=raw,
                    data={"cell": key, "raw": raw, "reason": "damaged"},
                ))
        placed = [k for k in keys if t.unread.get(k) != "damaged"]
        if placed:
            placeholders.setdefault(table, []).append((row, placed))
    for table, rows in placeholders.items():
        out += _placeholders(t, table, rows)
    return out


def _placeholders(t, table: str, rows: list[tuple[str, list[str]]]) -> list[Finding]:
    """The findings of one table's placeholders (“—”, “/”, “无”…): one cell, one row, or the table's rows."""
    tmpl = t.template
    raws = list(dict.fromkeys(t.remarks[k] for _, keys in rows for k in keys))
    written = "、".join(f"“{r}”" for r in raws[:3]) + ("等" if len(raws) > 3 else "")
    cells = [k for _, keys in rows for k in keys]
    if len(rows) > 1:
        names = "、".join(f"“{row_label(table, tmpl, row)}”" for row, _ in rows[:4])
        columns = {tuple(k.split(".")[2] for k in keys) for _, keys in rows}
        # the same columns in every row (a table with “—” in two applicant columns): named, as the agency sees them
        where_cols = ("、".join(f"“{col_label(table, tmpl, rows[0][0], c)}”" for c in next(iter(columns))) + "列"
                      if len(columns) == 1 else "")
        return [Finding(
            rule="tables.non_numeric_cell", severity="info", status="confirmed",
            message=(f"{part_number(table)}表格{where_cols}有{len(rows)}行共{len(cells)}个单元格填写为{written}"
                     f"（{'如' if len(rows) > 4 else ''}{names}{'等' if len(rows) > 4 else ''}行），"
                     f"模板要求填写数字（无数据的填0）。"),
            where=schema.TABLE_TITLES[table], quote=raws[0], data={"table": table, "cells": cells, "raw": raws[0]},
        )]
    ((row, keys),) = rows
    where_row = row_label(table, tmpl, row)
    if len(keys) == 1:
        key, raw = keys[0], t.remarks[keys[0]]
        return [Finding(
            rule="tables.non_numeric_cell", severity="info", status="confirmed",
            message=(f"{part_number(table)}表格中“{where_row}”的“{col_label(table, tmpl, row, key.split('.')[2])}”"
                     f"填写为“{raw}”，模板要求填写数字（无数据的填0）。"),
            where=schema.where(table, tmpl, row, key.split(".")[2]), quote=raw, data={"cell": key, "raw": raw},
        )]
    cols = "、".join(f"“{col_label(table, tmpl, row, k.split('.')[2])}”" for k in keys)
    return [Finding(
        rule="tables.non_numeric_cell", severity="info", status="confirmed",
        message=f"{part_number(table)}表格中“{where_row}”一行的{cols}填写为{written}，模板要求填写数字（无数据的填0）。",
        where=schema.where(table, tmpl, row), quote=raws[0], data={"table": table, "row": row, "cells": keys, "raw": raws[0]},
    )]


@lru_cache(maxsize=1)
def _template_order() -> dict[str, int]:
    """Every cell key of both templates, numbered in the templates' order of tables, rows and columns."""
    order: dict[str, int] = {}
    for table in schema.TABLES:
        for template in ("2021", "2019"):
            for r in schema.rows_of(table, template):
                for c in r.columns:
                    order.setdefault(f"{table}.{r.key}.{c.key}", len(order))
    return order


def _by_row(keys) -> dict[tuple[str, str], list[str]]:
    """Cell keys grouped by (table, row), in the template's order of tables, rows and columns (a key the
    template does not have after those it has)."""
    order = _template_order()
    out: dict[tuple[str, str], list[str]] = {}
    for key in sorted(keys, key=lambda k: (order.get(k, len(order)), k)):
        table, row, col = key.split(".")
        out.setdefault((table, row), []).append(col)
    return out


def check_ambiguous(ctx: Context) -> list[Finding]:
    """Cells our reading could not determine (a run that splits several ways, a grid whose columns
    cannot be told apart): said so, never guessed."""
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    unplaced = [k for k, why in t.unread.items() if why == "columns"]
    for (table, row), cols in _by_row(list(t.ambiguous) + unplaced).items():
        raw = t.remarks.get(f"{table}.{row}.{cols[0]}", "")
        names = "、".join(f"“{col_label(table, tmpl, row, c)}”" for c in cols)
        if t.unread.get(f"{table}.{row}.{cols[0]}") == "columns":
            message = (f"{part_number(table)}表格“{row_label(table, tmpl, row)}”一行的数字“{raw}”无法确定各自所属的列"
                       f"（按表头或按列位置读取，均与“总计”不符），{names}未予采用，请核对原件。")
        else:
            # "连写" only of one digit run; separate numbers fewer than the columns are "为", not run together.
            written = "连写为" if re.fullmatch(r"\d+", raw.strip()) else "为"
            message = (f"{part_number(table)}表格“{row_label(table, tmpl, row)}”的数字在原文中{written}“{raw}”，"
                       f"对应到各列可有多种读法，{names}无法唯一确定，未予采用，请核对原件。")
        out.append(Finding(
            rule="tables.ambiguous_cell", severity="info", status="uncertain", message=message,
            where=schema.where(table, tmpl, row), quote=raw,
            data={"cells": [f"{table}.{row}.{c}" for c in cols], "raw": raw},
        ))
    return out


def check_impossible(ctx: Context) -> list[Finding]:
    """Negative counts, fractions where counts are due, and a total below one of its parts."""
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    for table in schema.TABLES:
        for r in schema.rows_of(table, tmpl):
            for c in r.columns:
                v = t.get(table, r.key, c.key)
                if v is None:
                    continue
                problem = None
                if v < 0 and not c.signed:
                    problem = f"填报为负数{fmt(v)}"
                elif not c.money and isinstance(v, float) and not v.is_integer():
                    problem = f"填报为非整数{fmt(v)}，而此处应为件数"
                if problem:
                    out.append(Finding(
                        rule="tables.impossible_value", severity="error",
                        message=f"{part_number(table)}表格中“{r.label}”的“{c.label}”{problem}，不可能成立。",
                        where=schema.where(table, tmpl, r.key, c.key),
                        data={"cell": f"{table}.{r.key}.{c.key}", "value": v},
                    ))
    # A total below a part is only reported here when the sum check cannot run
    # (a part is missing); otherwise the sum check already names the numbers.
    groups = [(T_APP, r.key, schema.APPLICANT_PARTS, "total") for r in schema.rows_of(T_APP, tmpl)]
    groups += [(T_REVIEW, g.key, schema.OUTCOME_PARTS, "total") for g in schema.REVIEW_GROUPS]
    for table, row, parts, total_key in groups:
        total = t.get(table, row, total_key)
        vals = [(p, t.get(table, row, p)) for p in parts]
        if total is None or all(v is not None for _, v in vals):
            continue
        big = [(p, v) for p, v in vals if v is not None and v > total]
        if big:
            p, v = big[0]
            out.append(Finding(
                rule="tables.impossible_value", severity="error",
                message=(f"{part_number(table)}表格中“{row_label(table, tmpl, row)}”的“总计”为{fmt(total)}件，"
                         f"小于其中“{col_label(table, tmpl, row, p)}”的{fmt(v)}件，不可能成立。"),
                where=schema.where(table, tmpl, row, total_key),
                data={"cells": [f"{table}.{row}.{p}", f"{table}.{row}.{total_key}"], "part": v, "total": total},
            ))
    return out
