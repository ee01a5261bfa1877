"""The 总体评价 of a review comment: the grade, what was verified, what stands, what awaits checking.

A strength is said only when it was measured: the sections found, every
template cell shown and read, a relation of the template computed in every
column, row or group and found to hold (``scoring.verify``), figures counted,
problems and measures classified. 经核验 is said of what was checked, and of
nothing else. When the analyzer could not settle something, the paragraph
names the parts that await checking instead of concluding on them.
"""

from __future__ import annotations

import re

from analyzer import rules
from analyzer.model import SECTION_KEYS, ReportResult
from analyzer.scoring import (
    RELATION_RULES,
    doubtful_cells,
    relations,
    table_coverage,
    table_found,
    template_of,
    verified_rules,
)
from analyzer.scoring.stages import TABLE_STAGES, failed_stages
from analyzer.sections import part_name, part_number

TABLE_KEYS = ("active_disclosure", "applications", "review_litigation")
TABLE_CATEGORIES = ("table_data", "table_completeness")  # the rules that check the tables (rules.CATEGORIES)

_NUMERAL_PLACE = re.compile(r"^([一二三四五六])、")


def _tables_complete(result: ReportResult) -> bool:
    """Every table found, every template cell shown and read, no reading of a table in doubt.

    Measured on the cells, not on the points the completeness part lost: a configuration giving the tables
    no points lost none, and the letter called tables with blank cells 填报完整.
    """
    tv = result.tables
    if tv is None or failed_stages(result) & set(TABLE_STAGES) or not all(tv.found.get(t, False) for t in TABLE_KEYS):
        return False
    for table in TABLE_KEYS:
        shown, expected = table_coverage(result, table)
        if not table_found(result, table) or shown < expected:
            return False
    return not doubtful_cells(result, template_of(result))


def _verified_relations(result: ReportResult) -> str:
    """The template's relations checked in full and found to hold, by table ("" when none)."""
    verified = verified_rules(result)
    if not verified:
        return ""
    if set(verified) == set(RELATION_RULES):
        return "第三、四部分表格数据经核验未见勾稽关系错误"
    table_of = {r.rule: r.table for r in relations(result.tables)}
    by_table: dict[str, list[str]] = {}
    for name in verified:
        by_table.setdefault(table_of[name], []).append(rules.rule(name).verified)
    said = "，".join(f"{part_number(t)}表格{'、'.join(texts)}" for t, texts in by_table.items())
    return f"{said}经核验无误"


def strengths(result: ReportResult) -> list[str]:
    """What the report does well, each backed by a measured fact."""
    score = result.score
    out: list[str] = []
    if all(k in result.sections for k in SECTION_KEYS):
        out.append("六个部分齐全")
    if _tables_complete(result):
        out.append("三张统计表格填报完整")
    verified = _verified_relations(result)
    if verified:
        out.append(verified)
    sub = score.part("substance") if score else None
    if sub is not None and "overview" in result.sections and not any(r.rule == "score.figures" for r in sub.reasons):
        out.append("总体情况以具体数字反映全年工作")
    if "problems" in result.sections and not any(rules.rule(f.rule).category == "problems" for f in result.findings):
        # Praise only what was read: a problem that names something concrete, and measures in the section.
        narrative = result.narrative
        specific = narrative is not None and any(p.specific for p in narrative.pairs)
        measures = narrative is not None and any(s.kind == "measure" and s.section == "problems" for s in narrative.statements)
        if specific and measures:
            out.append("存在问题部分列明了具体问题并提出改进措施")
    return out


def _place_of(f) -> str:
    """The part of the report a doubtful finding is about: "第二部分表格", "第五部分"…"""
    table = f.data.get("table") or next((c.split(".")[0] for c in f.data.get("cells") or ()), None)
    if not table and "cell" in f.data:
        table = f.data["cell"].split(".")[0]
    if table in TABLE_KEYS:
        return f"{part_number(table)}表格"
    m = _NUMERAL_PLACE.match((f.where or "").strip())
    if not m:
        return "报告"
    key = SECTION_KEYS["一二三四五六".index(m.group(1))]
    in_table = rules.rule(f.rule).category in TABLE_CATEGORIES and key in TABLE_KEYS
    return f"{part_number(key)}表格" if in_table else part_name(key)


def pending_places(result: ReportResult) -> list[str]:
    """The parts of the report with something the analyzer could not settle, in the template's order."""
    places = [_place_of(f) for f in result.findings if f.status == "uncertain"]
    for key in doubtful_cells(result, template_of(result)):
        places.append(f"{part_number(key.split('.')[0])}表格")
    order = "一二三四五六"
    unique = list(dict.fromkeys(places))
    return sorted(unique, key=lambda p: (order.find(p[1:2]) if p.startswith("第") else 9, not p.endswith("表格")))


def _waiting(places: list[str]) -> str:
    """“第二部分表格中部分数据、第一部分“总体情况”中部分表述尚待核实” ("" when nothing awaits)."""
    said = [f"{p}中部分数据" if p.endswith("表格") else f"{p}中部分表述" for p in places]
    return f"{'、'.join(said)}尚待核实" if said else ""



def undone(result: ReportResult, tables: bool | None = None) -> str:
    """The checks a failed stage of ours left undone ("" when none): nothing is said to be found clean by them.

    ``tables`` True: only the checks of the tables; False: only the others; None: all.
    """
    names = [n for n in dict.fromkeys(r for f in result.failed for r in f.rules)
             if tables is None or (rules.rule(n).category in TABLE_CATEGORIES) == tables]
    if not names:
        return ""
    said = "、".join(f"“{rules.label(n)}”" for n in names[:3])
    return f"{said}{f'等{len(names)}项' if len(names) > 3 else ''}核查未能完成（内部错误）"


def _unsettled(result: ReportResult, places: list[str]) -> str:
    """What awaits a person and what was left unchecked, in one clause ("" when nothing)."""
    return "，".join(x for x in (_waiting(places), undone(result)) if x)


def nothing_found(result: ReportResult) -> str:
    """What a page says of a report with no finding: no problem among what was checked, and what was not.

    "未发现问题" alone said of a table read by OCR in doubt, or of a report whose checks failed, claimed what
    no check had settled.
    """
    rest = _unsettled(result, pending_places(result))
    return f"已核对的内容未发现问题，{rest}。" if rest else "未发现问题。"


def tables_in_doubt(result: ReportResult) -> set[str]:
    """The tables with a cell in doubt (:func:`analyzer.scoring.doubtful_cells`): no finding there settles them."""
    return {key.split(".")[0] for key in doubtful_cells(result, template_of(result))}


def _grade(result: ReportResult) -> str:
    score = result.score
    if score is None:
        return "该报告未评定等级。"
    # The grade only: scores and thresholds belong to the ranking's 说明, not to the letter (issue 9, class 9).
    if score.provisional:
        return f"经评审，该报告等级初步评定为“{score.grade}”，部分内容核实后等级可能调整。"
    return f"经评审，该报告等级为“{score.grade}”。"


def overall(result: ReportResult, items, places: list[str]) -> str:
    """The paragraph: grade, strengths, the problems that stand, and the parts awaiting checking."""
    text = _grade(result)
    good = strengths(result)
    if good:
        text += f"报告{'，'.join(good)}。"
    waiting = _unsettled(result, places)
    if not items:
        if waiting:
            return text + f"已核对的内容未发现需要整改的问题，{waiting}。"
        return text + "未发现需要整改的问题。"
    n_err = sum(1 for it in items if it.severity == "error")
    counts = [f"{n_err}项错误"] if n_err else []
    if len(items) > n_err:
        counts.append(f"{len(items) - n_err}项需改进之处")
    cats = list(dict.fromkeys(rules.category(it.category).label for it in items))
    text += f"报告存在{'、'.join(counts)}，主要涉及{'、'.join(cats[:4])}等方面。"
    if waiting:
        text += f"另有{waiting}。"
    return text
