"""The checks a supervisor makes on the three tables, one function per rule.

Each check takes a :class:`Context` and returns findings with a message in
official Chinese that names the cells and the numbers. A check never runs on
a missing number: a sum with a ``None`` in it is not computable and is not a
finding (``tables.missing_cell`` already says the cell is absent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from analyzer.model import Document, Finding, ReportMeta, ReportResult, Section, TableValues
from analyzer.sections import part_number
from analyzer.tables import schema

T_ACTIVE, T_APP, T_REVIEW = "active_disclosure", "applications", "review_litigation"
BALANCE_RULE_TEXT = "“第一项加第二项之和等于第三项加第四项之和”"


@dataclass(frozen=True)
class Context:
    tables: TableValues
    meta: ReportMeta
    sections: dict[str, Section]
    doc: Document | None


def fmt(v) -> str:
    """A number as a report writes it: integers plain, money without float noise."""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def _col_label(table: str, template: str | None, row: str, col: str) -> str:
    c = schema.find_column(table, template, row, col)
    return c.label if c else col


def _row_label(table: str, template: str | None, row: str) -> str:
    r = schema.find_row(table, template, row)
    return r.label if r else row


def _aux_other(t: TableValues) -> tuple | None:
    """The single （六）其他处理 row of a 2021 report that did not split it, if read."""
    return t.aux_rows.get(f"{T_APP}.other_processing")


# ---------------------------------------------------------------- 三: arithmetic


def check_balance(ctx: Context) -> list[Finding]:
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
                  "cells": [f"{T_APP}.{r}.{col.key}" for r in ("new_received", "carried_over", "results_total", "carried_forward")]},
        ))
    return out


def check_results_sum(ctx: Context) -> list[Finding]:
    t, tmpl = ctx.tables, ctx.tables.template
    results = schema.result_rows(tmpl)
    aux = _aux_other(t)
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
                  "cells": [f"{T_APP}.{k}.{col.key}" for k in keys] + [f"{T_APP}.results_total.{col.key}"]},
        ))
    return out


def _parts_against_total(t, table: str, row: str, part_cols) -> tuple[list, int | float, int | float] | None:
    """(parts, their sum, the row's 总计) when every cell is shown and the sum differs; else None.

    A missing cell makes the sum unknowable: that is a missing-cell finding, not a wrong total.
    """
    parts = [t.get(table, row, c) for c in part_cols]
    total = t.get(table, row, "total")
    if total is None or any(v is None for v in parts):
        return None
    s = sum(parts)
    return None if s == total else (parts, s, total)


def check_row_total(ctx: Context) -> list[Finding]:
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    for spec in schema.rows_of(T_APP, tmpl):
        broken = _parts_against_total(t, T_APP, spec.key, schema.APPLICANT_PARTS)
        if broken is None:
            continue
        parts, s, total = broken
        out.append(Finding(
            rule="applications.row_total", severity="error",
            message=(f"第三部分表格中“{spec.label}”一行，自然人及各类法人或其他组织合计{fmt(s)}件"
                     f"（{'、'.join(fmt(v) for v in parts)}），而“总计”填报{fmt(total)}件，两者不一致。"),
            where=schema.where(T_APP, tmpl, spec.key, "total"),
            data={"row": spec.key, "parts": parts, "sum": s, "total": total,
                  "cells": [f"{T_APP}.{spec.key}.{c}" for c in schema.APPLICANT_PARTS + ("total",)]},
        ))
    return out


def check_group_total(ctx: Context) -> list[Finding]:
    t = ctx.tables
    out = []
    for g in schema.REVIEW_GROUPS:
        broken = _parts_against_total(t, T_REVIEW, g.key, schema.OUTCOME_PARTS)
        if broken is None:
            continue
        parts, s, total = broken
        out.append(Finding(
            rule="review_litigation.group_total", severity="error",
            message=(f"第四部分表格中“{g.label}”的结果维持{fmt(parts[0])}件、结果纠正{fmt(parts[1])}件、其他结果{fmt(parts[2])}件、"
                     f"尚未审结{fmt(parts[3])}件，合计{fmt(s)}件，而“总计”填报{fmt(total)}件，两者不一致。"),
            where=schema.where(T_REVIEW, t.template, g.key, "total"),
            data={"group": g.key, "parts": parts, "sum": s, "total": total,
                  "cells": [f"{T_REVIEW}.{g.key}.{c}" for c in schema.OUTCOME_PARTS + ("total",)]},
        ))
    return out


# ---------------------------------------------------------------- 二: legal powers

_GOV_SELF = re.compile(r"人民政府(?:办公厅|办公室)?$")
_STATE_COUNCIL_DEPT = re.compile(r"(部|委员会|总局|总署|银行|署|局|办公室)$")
_LOWER_GOV = re.compile(r"(乡|镇|街道|街道办事处|县|区|旗)(人民政府)?(办公室)?$")


def rule_making_power(meta: ReportMeta) -> bool | None:
    """Whether the reporting agency may make 规章 (《立法法》); None when it cannot be told.

    Only the State Council's departments and the people's governments of
    provinces, 设区的市 and 自治州 may; a government's 办公厅/办公室 reporting for
    it counts as the government.
    """
    agency = (meta.agency or "").strip()
    level = meta.level
    if level in ("county", "township"):
        return False
    if not agency or level is None:
        return None
    if level == "national":
        return True if _STATE_COUNCIL_DEPT.search(agency) or "国务院" in agency else None
    if _GOV_SELF.search(agency):
        return True
    if "管理委员会" in agency or "管委会" in agency:
        return None  # 开发区/实验区 bodies: powers set case by case
    return False  # a department of a provincial or municipal government


def _agency_kind(meta: ReportMeta) -> str:
    agency = meta.agency or ""
    if meta.level == "township":
        return "街道办事处" if "街道" in agency else "乡镇人民政府"
    if meta.level == "county":
        return "县级人民政府" if _GOV_SELF.search(agency) else "县级政府部门"
    return "地方人民政府工作部门"


def check_rules_without_power(ctx: Context) -> list[Finding]:
    t, tmpl = ctx.tables, ctx.tables.template
    if rule_making_power(ctx.meta) is not False:
        return []
    cols = ("new_made",) if tmpl == "2019" else ("issued", "in_force")
    shown = [(c, t.get(T_ACTIVE, "rules", c)) for c in cols]
    positive = [(c, v) for c, v in shown if v is not None and v > 0]
    if not positive:
        return []
    parts = "、".join(f"{_col_label(T_ACTIVE, tmpl, 'rules', c).replace('件数', '').replace('数量', '')}{fmt(v)}件" for c, v in positive)
    return [Finding(
        rule="active_disclosure.rules_without_power", severity="error",
        message=f"{_agency_kind(ctx.meta)}无规章制定权，但第二十条第（一）项填报规章{parts}。",
        where=schema.where(T_ACTIVE, tmpl, "rules", positive[0][0]),
        data={"agency": ctx.meta.agency, "level": ctx.meta.level, **{c: v for c, v in positive},
              "cells": [f"{T_ACTIVE}.rules.{c}" for c, _ in positive]},
    )]


# ---------------------------------------------------------------- completeness


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
    t = ctx.tables
    out = []
    for table, title in schema.TABLE_TITLES.items():
        rows = schema.rows_of(table, t.template)
        if any(_row_present(t, table, r.key) for r in rows):
            continue
        out.append(Finding(
            rule="tables.missing_table", severity="error",
            message=f"报告未列出“{title}”的统计表格（或表格无法识别），该部分数据全部缺失。",
            where=title, status="uncertain" if t.found.get(table) else "confirmed",
            data={"table": table},
        ))
    return out


def check_missing_row(ctx: Context) -> list[Finding]:
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
        if table == T_APP and keys == other_keys and _aux_other(t) is not None:
            message = ("第三部分表格中“（六）其他处理”仅填报一行合计，未按2021年版模板分列“1.申请人无正当理由逾期不补正”"
                       "“2.申请人逾期未按收费通知要求缴纳费用”“3.其他”三项。")
        else:
            labels = "、".join(f"“{r.label}”" for r in absent)
            message = f"{part_number(table)}表格缺少{labels}{'等' if len(absent) > 1 else ''}{len(absent)}行，相应数据未填报。"
        doubtful = bool(t.unplaced_rows.get(table))
        if doubtful:
            message += "（表格中另有若干行数字未能对应到模板行次，可能是原文转换造成的识别问题，请核对原件。）"
        out.append(Finding(
            rule="tables.missing_row", severity="warning", message=message,
            where=f"{title} / {absent[0].label}" if len(absent) == 1 else title,
            status="uncertain" if doubtful else "confirmed",
            data={"table": table, "rows": keys},
        ))
    return out


def check_missing_cell(ctx: Context) -> list[Finding]:
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
        if len(per_row) > 1:
            n = sum(len(b) for _, b in per_row)
            names = "、".join(f"“{r.label}”" for r, _ in per_row[:4])
            out.append(Finding(
                rule="tables.missing_cell", severity="warning",
                message=f"{part_number(table)}表格有{len(per_row)}行共{n}个单元格未填写数字（如{names}等行），应逐项填报，无数据的填0。",
                where=title,
                data={"table": table, "cells": [f"{table}.{r.key}.{c.key}" for r, b in per_row for c in b]},
            ))
            continue
        for r, blank in per_row:
            cols = "、".join(f"“{c.label}”" for c in blank)
            out.append(Finding(
                rule="tables.missing_cell", severity="warning",
                message=f"{part_number(table)}表格中“{r.label}”一行的{cols}未填写数字，应逐项填报，无数据的填0。",
                where=f"{title} / {r.label}",
                data={"table": table, "row": r.key, "cells": [f"{table}.{r.key}.{c.key}" for c in blank]},
            ))
    return out


def check_non_numeric(ctx: Context) -> list[Finding]:
    t, tmpl = ctx.tables, ctx.tables.template
    out = []
    for key, raw in sorted(t.remarks.items()):
        if key in t.ambiguous:
            continue
        table, row, col = key.split(".")
        out.append(Finding(
            rule="tables.non_numeric_cell", severity="info",
            message=f"{part_number(table)}表格中“{_row_label(table, tmpl, row)}”的“{_col_label(table, tmpl, row, col)}”填写为“{raw}”，模板要求填写数字（无数据的填0）。",
            where=schema.where(table, tmpl, row, col), quote=raw, data={"cell": key, "raw": raw},
        ))
    return out


def check_ambiguous(ctx: Context) -> list[Finding]:
    """Cells our reading could not determine: said so, never guessed."""
    t, tmpl = ctx.tables, ctx.tables.template
    by_row: dict[tuple[str, str], list[str]] = {}
    raw_of: dict[tuple[str, str], str] = {}
    for key in sorted(t.ambiguous):
        table, row, col = key.split(".")
        by_row.setdefault((table, row), []).append(col)
        raw_of[(table, row)] = t.remarks[key]
    out = []
    for (table, row), cols in by_row.items():
        names = "、".join(f"“{_col_label(table, tmpl, row, c)}”" for c in cols)
        out.append(Finding(
            rule="tables.ambiguous_cell", severity="info", status="uncertain",
            message=(f"{part_number(table)}表格“{_row_label(table, tmpl, row)}”的数字在原文中连写为“{raw_of[(table, row)]}”，"
                     f"可有多种拆分，{names}无法唯一确定，未予采用，请核对原件。"),
            where=schema.where(table, tmpl, row), quote=raw_of[(table, row)],
            data={"cells": [f"{table}.{row}.{c}" for c in cols], "raw": raw_of[(table, row)]},
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
                message=(f"{part_number(table)}表格中“{_row_label(table, tmpl, row)}”的“总计”为{fmt(total)}件，"
                         f"小于其中“{_col_label(table, tmpl, row, p)}”的{fmt(v)}件，不可能成立。"),
                where=schema.where(table, tmpl, row, total_key),
                data={"cells": [f"{table}.{row}.{p}", f"{table}.{row}.{total_key}"], "part": v, "total": total},
            ))
    return out


def check_template(ctx: Context) -> list[Finding]:
    year, tmpl = ctx.meta.year, ctx.tables.template
    if tmpl != "2019" or year is None or year < 2021:
        return []
    return [Finding(
        rule="template.outdated", severity="error",
        message=(f"本报告为{year}年度报告，但仍使用国办公开办函〔2019〕60号的旧版表格（如“本年新制作数量”“上一年项目数量”"
                 f"“（六）其他处理”单行），应按国办公开办函〔2021〕30号印发的新版格式填报。"),
        where=f"{schema.TABLE_TITLES[T_ACTIVE]}；{schema.TABLE_TITLES[T_APP]}",
        data={"year": year, "template": tmpl},
    )]


def _narrative(ctx: Context) -> list[Finding]:
    from analyzer.tables.statements import check_statements

    return check_statements(ctx.tables, ctx.sections, ctx.doc)


def _publication(ctx: Context) -> list[Finding]:
    from analyzer.tables.publication import check_publication

    return check_publication(ctx.meta, ctx.doc)


CHECKS: list[Callable[[Context], list[Finding]]] = [
    check_balance,
    check_results_sum,
    check_row_total,
    check_group_total,
    check_rules_without_power,
    check_missing_table,
    check_missing_row,
    check_missing_cell,
    check_non_numeric,
    check_ambiguous,
    check_impossible,
    check_template,
    _narrative,
    _publication,
]

# Findings that rest on read numbers get a second, independent reading of those cells.
ARITHMETIC = {
    "applications.balance", "applications.results_sum", "applications.row_total", "review_litigation.group_total",
    "tables.impossible_value", "active_disclosure.rules_without_power", "narrative.table_mismatch",
}


def run_checks(tables: TableValues, meta: ReportMeta, sections: dict[str, Section], doc: Document | None) -> list[Finding]:
    """Every table check on one report; arithmetic findings are re-read a second way."""
    from analyzer.tables.verify import verify_finding

    ctx = Context(tables, meta, sections or {}, doc)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(_with_quote(f, tables) for f in check(ctx))
    return [verify_finding(f, tables, doc) if f.rule in ARITHMETIC and not f.data.get("all_readings") else f for f in findings]


def _with_quote(f: Finding, tables: TableValues) -> Finding:
    """The cells as written, for a finding about cells that has no sentence to quote."""
    if f.quote:
        return f
    cells = f.data.get("cells") or []
    parts = []
    for key in cells[:8]:
        src = tables.sources.get(key)
        if src is not None:
            parts.append(f"{src.col_label}：{src.raw}")
    if not parts:
        return f
    src0 = next(tables.sources[k] for k in cells if k in tables.sources)
    label = src0.row_label.split(" ")[-1]
    return replace(f, quote=f"{label}｜" + "；".join(parts))


# ---------------------------------------------------------------- across years


def check_continuity(previous: ReportResult, current: ReportResult) -> list[Finding]:
    """This year's 上年结转 and 现行有效件数 against the same agency's previous report."""
    prev, cur = previous.tables, current.tables
    if prev is None or cur is None:
        return []
    out = []
    py = previous.meta.year
    for col in schema.APPLICANTS:
        before = prev.get(T_APP, "carried_forward", col.key)
        now = cur.get(T_APP, "carried_over", col.key)
        if before is None or now is None or before == now:
            continue
        out.append(Finding(
            rule="continuity.carried_over", severity="warning",
            message=(f"第三部分表格中“{col.label}”一列，本年度“上年结转政府信息公开申请数量”为{fmt(now)}件，"
                     f"而{py or '上一'}年度报告“结转下年度继续办理”为{fmt(before)}件，前后不衔接。"),
            where=schema.where(T_APP, cur.template, "carried_over", col.key),
            data={"column": col.key, "previous_carried_forward": before, "carried_over": now, "previous_source": previous.source},
        ))
    if prev.template == "2021" and cur.template == "2021":
        for row in ("rules", "normative_documents"):
            last = prev.get(T_ACTIVE, row, "in_force")
            issued, repealed, now = (cur.get(T_ACTIVE, row, c) for c in ("issued", "repealed", "in_force"))
            if None in (last, issued, repealed, now):
                continue
            expected = last + issued - repealed
            if expected == now:
                continue
            label = _row_label(T_ACTIVE, cur.template, row)
            out.append(Finding(
                rule="continuity.in_force", severity="warning",
                message=(f"第二部分表格中“{label}”现行有效件数为{fmt(now)}件，而{py or '上一'}年度报告现行有效{fmt(last)}件，"
                         f"加本年制发{fmt(issued)}件、减本年废止{fmt(repealed)}件应为{fmt(expected)}件，前后不衔接，请说明原因。"),
                where=schema.where(T_ACTIVE, cur.template, row, "in_force"),
                data={"row": row, "previous_in_force": last, "issued": issued, "repealed": repealed,
                      "in_force": now, "expected": expected, "previous_source": previous.source},
            ))
    return out
