"""Legal powers (《立法法》): who may make 规章."""

from __future__ import annotations

import re

from analyzer.agency import is_subordinate_of_national
from analyzer.model import Finding, ReportMeta
from analyzer.tables import schema
from analyzer.tables.checks.base import T_ACTIVE, Context, col_label, fmt

_GOV_SELF = re.compile(r"人民政府(?:办公厅|办公室)?$")
_STATE_COUNCIL_DEPT = re.compile(r"(部|委员会|总局|总署|银行|署|局|办公室)$")


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


# A department's own office (某局办公室): a unit inside a department, never a reviewing body. A government's
# 办公厅/办公室 is not one: it may report for the government itself, which decides reviews.
_DEPARTMENT_OFFICE = re.compile(r"(?:局|委员会|委|厅|署|中心)办公室$")


def may_decide_reviews(meta: ReportMeta | None) -> bool:
    """Whether the reporting agency may be a reviewing body (复议机关, 《行政复议法》); True when it cannot be told.

    People's governments at the county level and above decide reviews, and (until 2024) their departments
    did; a 乡镇 or 街道 (level ``township``) and a department's own office never do.
    """
    if meta is None:
        return True
    return not (meta.level == "township" or _DEPARTMENT_OFFICE.search((meta.agency or "").strip()))


def _agency_kind(meta: ReportMeta) -> str:
    agency = meta.agency or ""
    if is_subordinate_of_national(agency):
        # 国家税务总局郑州市税务局 has a place's level but is no department of its government (was 地方人民政府工作部门).
        return "国务院部门的下属机构"
    if meta.level == "township":
        return "街道办事处" if "街道" in agency else "乡镇人民政府"
    if meta.level == "county":
        return "县级人民政府" if _GOV_SELF.search(agency) else "县级政府部门"
    return "地方人民政府工作部门"


def check_rules_without_power(ctx: Context) -> list[Finding]:
    """active_disclosure.rules_without_power: 规章 reported by an agency that may not make them."""
    t, tmpl = ctx.tables, ctx.tables.template
    if rule_making_power(ctx.meta) is not False:
        return []
    cols = ("new_made",) if tmpl == "2019" else ("issued", "in_force")
    shown = [(c, t.get(T_ACTIVE, "rules", c)) for c in cols]
    positive = [(c, v) for c, v in shown if v is not None and v > 0]
    if not positive:
        return []
    parts = "、".join(f"{col_label(T_ACTIVE, tmpl, 'rules', c).replace('件数', '').replace('数量', '')}{fmt(v)}件" for c, v in positive)
    return [Finding(
        rule="active_disclosure.rules_without_power", severity="error",
        message=f"{_agency_kind(ctx.meta)}无规章制定权，但第二十条第（一）项填报规章{parts}。",
        where=schema.where(T_ACTIVE, tmpl, "rules", positive[0][0]),
        data={"agency": ctx.meta.agency, "level": ctx.meta.level, **{c: v for c, v in positive},
              "cells": [f"{T_ACTIVE}.rules.{c}" for c, _ in positive]},
    )]
