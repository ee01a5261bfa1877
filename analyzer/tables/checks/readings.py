"""Sums that no reading of the digit runs can satisfy, where the runs themselves split several ways.

A flattened run whose split cannot be told leaves its cells ``None``, and the
arithmetic checks skip a sum with an unknown in it. But when *every* admissible
split breaks a sum (:attr:`TableValues.broken`, :mod:`analyzer.tables.solve`),
the report is wrong whatever it meant: that is said, as confirmed, without
naming numbers that were never read. A sum resting on a cell that could not be
read (a damaged run) is never in ``broken``.
"""

from __future__ import annotations

from analyzer.model import Finding
from analyzer.tables import schema
from analyzer.tables.checks.arithmetic import BALANCE_RULE_TEXT
from analyzer.tables.checks.base import T_APP, T_REVIEW, Context

_APP_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")


def check_unrescuable(ctx: Context) -> list[Finding]:
    """applications.balance / results_sum / row_total and review_litigation.group_total broken in every reading."""
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    for name in sorted(t.broken):
        rule, key = name.rsplit(".", 1)
        cells = _cells(rule, key, tmpl)
        if not cells or all(t.get(*c.split(".")) is not None for c in cells):
            continue  # every cell read: the check of the rule itself says it, with the numbers
        raws = sorted({t.remarks[c] for c in cells if c in t.remarks})
        shown = "、".join(f"“{r}”" for r in raws[:4])
        data = {"cells": cells, "all_readings": True, "raw": raws}
        if rule == "applications.balance":
            label = _col_label(key)
            message = (f"第三部分表格中“{label}”一列所涉各行的数字在原文中连写（{shown}），无论如何拆分，本年新收与上年结转之和"
                       f"均不等于办理结果总计与结转下年度之和，不符合{BALANCE_RULE_TEXT}的勾稽关系。")
            where, data["column"] = f"{schema.TABLE_TITLES[T_APP]} / {label} / 勾稽关系（一+二=三+四）", key
        elif rule == "applications.results_sum":
            label = _col_label(key)
            message = (f"第三部分表格中“{label}”一列所涉各行的数字在原文中连写（{shown}），无论如何拆分，各项办理结果之和"
                       f"均不等于“（七）总计”。")
            where, data["column"] = schema.where(T_APP, tmpl, "results_total", key), key
        elif rule == "applications.row_total":
            spec = schema.find_row(T_APP, tmpl, key)
            message = (f"第三部分表格中“{spec.label if spec else key}”一行的数字在原文中连写为{shown}，无论如何拆分，"
                       f"自然人及各类法人或其他组织之和均不等于“总计”。")
            where, data["row"] = schema.where(T_APP, tmpl, key, "total"), key
        else:
            group = next(g for g in schema.REVIEW_GROUPS if g.key == key)
            message = (f"第四部分表格的数字在原文中连写为{shown}，无论如何拆分，“{group.label}”的结果维持、结果纠正、"
                       f"其他结果、尚未审结之和均不等于其“总计”。")
            where, data["group"] = schema.where(T_REVIEW, tmpl, key, "total"), key
        out.append(Finding(rule=rule, severity="error", status="confirmed", message=message, where=where, data=data))
    return out


def _col_label(key: str) -> str:
    return next(c.label for c in schema.APPLICANTS if c.key == key)


def _cells(rule: str, key: str, tmpl: str | None) -> list[str]:
    if rule == "applications.balance":
        return [f"{T_APP}.{r}.{key}" for r in _APP_ROWS]
    if rule == "applications.results_sum":
        return [f"{T_APP}.{r}.{key}" for r in schema.result_rows(tmpl)] + [f"{T_APP}.results_total.{key}"]
    if rule == "applications.row_total":
        return [f"{T_APP}.{key}.{c.key}" for c in schema.APPLICANTS]
    if rule == "review_litigation.group_total":
        return [f"{T_REVIEW}.{key}.{c.key}" for c in schema.OUTCOMES]
    return []
