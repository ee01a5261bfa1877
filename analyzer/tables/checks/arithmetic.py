"""The template's own arithmetic in tables 三 and 四 (spec/tables.md).

A check never runs on a missing number: a sum with a ``None`` in it is not
computable and is not a finding (``tables.missing_cell`` already says the cell is absent).
"""

from __future__ import annotations

from analyzer.model import Finding, TableValues
from analyzer.tables import schema
from analyzer.tables.checks.base import T_APP, T_REVIEW, Context, aux_other, fmt

BALANCE_RULE_TEXT = "“第一项加第二项之和等于第三项加第四项之和”"


def every_reading(t: TableValues, name: str) -> dict:
    """``all_readings`` for a sum that every admissible split of the digit runs breaks (no second reading can rescue it)."""
    return {"all_readings": True} if name in t.broken else {}


def check_balance(ctx: Context) -> list[Finding]:
    """applications.balance: per column, 一 + 二 = 三（七）+ 四 (the template's own 勾稽关系)."""
    t = ctx.tables
    out = []
    for col in schema.APPLICANTS:
        nr, co, rt, cf = (t.get(T_APP, r, col.key) for r in ("new_received", "carried_over", "results_total", "carried_forward"))
        if None in (nr, co, rt, cf):
            continue
        if nr + co == rt + cf:
            continue
        out.append(Finding(
            rule="applications.balance", severity="error",
            message=(f"第三部分表格中“{col.label}”一列，本年新收{fmt(nr)}件与上年结转{fmt(co)}件之和为{fmt(nr + co)}件，"
                     f"而办理结果总计{fmt(rt)}件与结转下年度{fmt(cf)}件之和为{fmt(rt + cf)}件，不符合{BALANCE_RULE_TEXT}的勾稽关系。"),
            where=f"{schema.TABLE_TITLES[T_APP]} / {col.label} / 勾稽关系（一+二=三+四）",
            data={"column": col.key, "new_received": nr, "carried_over": co, "results_total": rt, "carried_forward": cf,
                  "cells": [f"{T_APP}.{r}.{col.key}" for r in ("new_received", "carried_over", "results_total", "carried_forward")],
                  **every_reading(t, f"applications.balance.{col.key}")},
        ))
    return out


def check_results_sum(ctx: Context) -> list[Finding]:
    """applications.results_sum: per column, the result rows add up to 三（七）总计."""
    t, tmpl = ctx.tables, ctx.tables.template
    results = schema.result_rows(tmpl)
    aux = aux_other(t)
    other_keys = ("other_no_correction", "other_fee_unpaid", "other_other")
    out = []
    for ci, col in enumerate(schema.APPLICANTS):
        total = t.get(T_APP, "results_total", col.key)
        if total is None:
            continue
        parts: list = []
        keys: list[str] = []
        for r in results:
            v = t.get(T_APP, r, col.key)
            parts.append(v)
            keys.append(r)
        if aux is not None and tmpl != "2019" and all(t.get(T_APP, k, col.key) is None for k in other_keys):
            # One undivided （六） row stands for the three sub-rows it should have had.
            idx = [i for i, k in enumerate(keys) if k in other_keys]
            for i in reversed(idx):
                del parts[i], keys[i]
            parts.append(aux[ci] if ci < len(aux) else None)
            keys.append("other_processing")
        if any(v is None for v in parts):
            continue
        s = sum(parts)
        if s == total:
            continue
        out.append(Finding(
            rule="applications.results_sum", severity="error",
            message=(f"第三部分表格中“{col.label}”一列，各项办理结果（予以公开至其他处理）之和为{fmt(s)}件，"
                     f"而“（七）总计”填报{fmt(total)}件，两者不一致。"),
            where=schema.where(T_APP, tmpl, "results_total", col.key),
            data={"column": col.key, "sum": s, "results_total": total,
                  "cells": [f"{T_APP}.{k}.{col.key}" for k in keys] + [f"{T_APP}.results_total.{col.key}"],
                  **every_reading(t, f"applications.results_sum.{col.key}")},
        ))
    return out


def _broken_totals(t: TableValues, table: str, specs, part_cols: tuple[str, ...]):
    """(row, parts, their sum, the row's 总计) for each row whose parts do not add up to its 总计.

    A missing cell makes the sum unknowable: that is a missing-cell finding, not a wrong total.
    """
    for spec in specs:
        parts = [t.get(table, spec.key, c) for c in part_cols]
        total = t.get(table, spec.key, "total")
        if total is None or any(v is None for v in parts):
            continue
        s = sum(parts)
        if s != total:
            yield spec, parts, s, total


def check_row_total(ctx: Context) -> list[Finding]:
    """applications.row_total: per row of table 三, the six applicant columns add up to 总计."""
    t, tmpl = ctx.tables, ctx.tables.template
    return [
        Finding(
            rule="applications.row_total", severity="error",
            message=(f"第三部分表格中“{spec.label}”一行，自然人及各类法人或其他组织合计{fmt(s)}件"
                     f"（{'、'.join(fmt(v) for v in parts)}），而“总计”填报{fmt(total)}件，两者不一致。"),
            where=schema.where(T_APP, tmpl, spec.key, "total"),
            data={"row": spec.key, "parts": parts, "sum": s, "total": total,
                  "cells": [f"{T_APP}.{spec.key}.{c}" for c in schema.APPLICANT_PARTS + ("total",)],
                  **every_reading(t, f"applications.row_total.{spec.key}")},
        )
        for spec, parts, s, total in _broken_totals(t, T_APP, schema.rows_of(T_APP, tmpl), schema.APPLICANT_PARTS)
    ]


def check_group_total(ctx: Context) -> list[Finding]:
    """review_litigation.group_total: per group of table 四, the four outcomes add up to 总计."""
    t = ctx.tables
    return [
        Finding(
            rule="review_litigation.group_total", severity="error",
            message=(f"第四部分表格中“{g.label}”的结果维持{fmt(parts[0])}件、结果纠正{fmt(parts[1])}件、其他结果{fmt(parts[2])}件、"
                     f"尚未审结{fmt(parts[3])}件，合计{fmt(s)}件，而“总计”填报{fmt(total)}件，两者不一致。"),
            where=schema.where(T_REVIEW, t.template, g.key, "total"),
            data={"group": g.key, "parts": parts, "sum": s, "total": total,
                  "cells": [f"{T_REVIEW}.{g.key}.{c}" for c in schema.OUTCOME_PARTS + ("total",)],
                  **every_reading(t, f"review_litigation.group_total.{g.key}")},
        )
        for g, parts, s, total in _broken_totals(t, T_REVIEW, schema.REVIEW_GROUPS, schema.OUTCOME_PARTS)
    ]
