"""Across years: this report's tables against the same agency's previous report."""

from __future__ import annotations

from dataclasses import replace

from analyzer.model import Finding, ReportResult
from analyzer.tables import schema
from analyzer.tables.checks.base import T_ACTIVE, T_APP, fmt, row_label


def _in_doubt(finding: Finding, prev_cells: list[str], cur_cells: list[str], previous, current) -> Finding:
    """The finding ``uncertain`` when a number it compares was read by OCR in doubt, in either report
    (``TableValues.doubtful``): it then awaits checking against the originals (待核实)."""
    doubted = [f"{previous.source}:{c}" for c in prev_cells if c in previous.tables.doubtful]
    doubted += [c for c in cur_cells if c in current.tables.doubtful]
    data = {**finding.data, "cells": cur_cells}
    if doubted:
        return replace(finding, status="uncertain", data={**data, "doubtful_cells": doubted})
    return replace(finding, data=data)


# What continuity compares, as a supervisor names it (the workbench's 历年对比 says which were compared).
COMPARED_LABELS = {"carried_over": "上年结转", "in_force": "现行有效件数"}


def _carried_pairs(prev, cur):
    """(column, last year's 结转下年度, this year's 上年结转) for the columns both reports show."""
    for col in schema.APPLICANTS:
        before = prev.get(T_APP, "carried_forward", col.key)
        now = cur.get(T_APP, "carried_over", col.key)
        if before is not None and now is not None:
            yield col, before, now


def _in_force_rows(prev, cur):
    """(row, last year's 现行有效, 本年制发, 本年废止, this year's 现行有效) for the rows both reports show in
    full on the 2021 template (the 2019 template has no 现行有效件数)."""
    if prev.template != "2021" or cur.template != "2021":
        return
    for row in ("rules", "normative_documents"):
        last = prev.get(T_ACTIVE, row, "in_force")
        issued, repealed, now = (cur.get(T_ACTIVE, row, c) for c in ("issued", "repealed", "in_force"))
        if None not in (last, issued, repealed, now):
            yield row, last, issued, repealed, now


def compared(previous: ReportResult, current: ReportResult) -> tuple[str, ...]:
    """What :func:`check_continuity` could compare for this pair, on cells none of which OCR read in doubt
    (keys of ``COMPARED_LABELS``): that nothing broke says they agree, and of these only."""
    prev, cur = previous.tables, current.tables
    if prev is None or cur is None:
        return ()
    doubtful = prev.doubtful | cur.doubtful
    out = []
    # the 总计 column compared (a column nobody applied in may be blank in one year)
    if any(c.key == "total" and not {f"{T_APP}.carried_forward.total", f"{T_APP}.carried_over.total"} & doubtful
           for c, _, _ in _carried_pairs(prev, cur)):
        out.append("carried_over")
    # both rows, 规章 and 行政规范性文件: 规章's 0/0/0 alone says nothing of the documents
    rows = [row for row, *_ in _in_force_rows(prev, cur)
            if not {f"{T_ACTIVE}.{row}.{c}" for c in ("issued", "repealed", "in_force")} & doubtful]
    if set(rows) == {"rules", "normative_documents"}:
        out.append("in_force")
    return tuple(out)


def check_continuity(previous: ReportResult, current: ReportResult) -> list[Finding]:
    """This year's 上年结转 and 现行有效件数 against the same agency's previous report."""
    prev, cur = previous.tables, current.tables
    if prev is None or cur is None:
        return []
    out = []
    py = previous.meta.year
    for col, before, now in _carried_pairs(prev, cur):
        if before == now:
            continue
        out.append(_in_doubt(Finding(
            rule="continuity.carried_over", severity="warning",
            message=(f"第三部分表格中“{col.label}”一列，本年度“上年结转政府信息公开申请数量”为{fmt(now)}件，"
                     f"而{py or '上一'}年度报告“结转下年度继续办理”为{fmt(before)}件，前后不衔接。"),
            where=schema.where(T_APP, cur.template, "carried_over", col.key),
            data={"column": col.key, "previous_carried_forward": before, "carried_over": now, "previous_source": previous.source},
        ), [f"{T_APP}.carried_forward.{col.key}"], [f"{T_APP}.carried_over.{col.key}"], previous, current))
    for row, last, issued, repealed, now in _in_force_rows(prev, cur):
        expected = last + issued - repealed
        if expected == now:
            continue
        label = row_label(T_ACTIVE, cur.template, row)
        if expected >= 0:
            why = f"加本年制发{fmt(issued)}件、减本年废止{fmt(repealed)}件应为{fmt(expected)}件"
        else:
            # no count "应为-55件": more were repealed than last year's in force and this year's issued together
            why = f"加本年制发{fmt(issued)}件共{fmt(last + issued)}件，少于本年废止的{fmt(repealed)}件"
        out.append(_in_doubt(Finding(
            rule="continuity.in_force", severity="warning",
            message=(f"第二部分表格中“{label}”现行有效件数为{fmt(now)}件，而{py or '上一'}年度报告现行有效{fmt(last)}件，"
                     f"{why}，前后不衔接，请说明原因。"),
            where=schema.where(T_ACTIVE, cur.template, row, "in_force"),
            data={"row": row, "previous_in_force": last, "issued": issued, "repealed": repealed,
                  "in_force": now, "expected": expected, "previous_source": previous.source},
        ), [f"{T_ACTIVE}.{row}.in_force"], [f"{T_ACTIVE}.{row}.{c}" for c in ("issued", "repealed", "in_force")],
            previous, current))
    return out
