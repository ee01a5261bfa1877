"""Hand-made ReportResults for the scoring, review, ranking and site tests.

They are built from the model objects directly, so those tests do not depend
on the reading stages; each helper documents what kind of report it makes.
"""

from __future__ import annotations

from dataclasses import replace

from analyzer.findings import with_ids
from analyzer.model import Block, Finding, NarrativeResult, ReportMeta, ReportResult, Section, Statement, TableValues
from analyzer.scoring import TEMPLATE_CELLS, score_report
from analyzer.sections import SECTION_TITLES

OVERVIEW = (
    "2021年，本机关通过门户网站主动公开政府信息312条，发布政策解读12篇，"
    "组织业务培训3次，回复网民留言45条，受理政府信息公开申请8件，全部按期答复。"
    "（一）主动公开 （二）依申请公开 （三）政府信息管理 （四）平台建设 （五）监督保障"
)
PROBLEMS = "一是政策解读形式较为单一，图解类解读仅2篇。下一步将丰富解读形式，全年制作图解解读不少于10篇。"


def full_tables(template: str = "2021") -> TableValues:
    """Every template cell filled, arithmetic consistent: 8 applications, all granted."""
    values: dict = {}
    for table, rows in TEMPLATE_CELLS[template].items():
        values[table] = {row: {col: 0 for col in cols} for row, cols in rows.items()}
    app = values["applications"]
    for row, n in (("new_received", 8), ("granted", 6), ("partially_granted", 2), ("results_total", 8)):
        app[row]["natural_person"] = n
        app[row]["total"] = n
    rl = values["review_litigation"]
    rl["review"].update({"upheld": 1, "corrected": 1, "total": 2})
    return TableValues(template=template, values=values, found={t: True for t in values})


def clean_result(source: str = "corpus/clean.txt", agency: str = "某某市某某区人民政府", year: int = 2021, **kw) -> ReportResult:
    """A report with every section, full tables, concrete figures and no finding."""
    sections = {}
    for key, title in SECTION_TITLES.items():
        body = {"overview": OVERVIEW, "problems": PROBLEMS}.get(key, "本部分内容。")
        sections[key] = Section(key, title, (Block("heading", title), Block("paragraph", body)))
    narrative = NarrativeResult(
        statements=(
            Statement("政策解读形式较为单一，图解类解读仅2篇", "problems", kind="problem", category="interpretation_response"),
            Statement("全年制作图解解读不少于10篇", "problems", kind="measure", category="interpretation_response"),
        ),
        boilerplate_share=0.1,
        copied_share=None,
    )
    short = agency.replace("人民政府", "")
    result = ReportResult(
        source=source,
        format="txt",
        meta=ReportMeta(f"{short}{year}年政府信息公开工作年度报告", agency, "county", year, "2021"),
        sections=sections,
        tables=full_tables("2021"),
        narrative=narrative,
    )
    return replace(result, **kw) if kw else result


def finding(rule: str, severity: str = "error", message: str = "", where: str = "", **kw) -> Finding:
    return Finding(rule, severity, message or f"{rule}的说明。", where or "三、收到和处理政府信息公开申请情况 / 自然人", **kw)


BALANCE = Finding(
    "applications.balance", "error",
    "第三部分表格中“自然人”一列，本年新收5件与上年结转1件之和为6件，而办理结果总计4件与结转下年度1件之和为5件，"
    "不符合“第一项加第二项之和等于第三项加第四项之和”的勾稽关系。",
    "三、收到和处理政府信息公开申请情况 / 自然人",
    data={"column": "natural_person", "left": 6, "right": 5},
)
BALANCE_2 = Finding(
    "applications.balance", "error",
    "第三部分表格中“总计”一列，本年新收9件与上年结转1件之和为10件，而办理结果总计8件与结转下年度1件之和为9件，"
    "不符合“第一项加第二项之和等于第三项加第四项之和”的勾稽关系。",
    "三、收到和处理政府信息公开申请情况 / 总计",
)
RULES_POWER = Finding(
    "active_disclosure.rules_without_power", "error",
    "乡镇人民政府无规章制定权，但第二十条第（一）项填报规章本年制发1件。",
    "二、主动公开政府信息情况 / 规章 / 本年制发件数",
)
VAGUE = Finding("problems.vague", "warning", "第五部分所列问题均为笼统表述，未指出具体对象或数字。", "五、存在的主要问题及改进情况")
FEE = Finding("other.missing_fee_statement", "info", "第六部分未说明信息处理费的收取情况。", "六、其他需要报告的事项")


def flawed_result(source: str = "corpus/flawed.txt", **kw) -> ReportResult:
    """A township report with arithmetic errors, impossible 规章 and vague problems."""
    base = clean_result(source, agency="某某镇人民政府")
    findings = with_ids([BALANCE, BALANCE_2, RULES_POWER, VAGUE, FEE], "某某镇人民政府|2021")
    result = replace(base, findings=findings, meta=replace(base.meta, level="township"))
    return replace(result, **kw) if kw else result


def scored(result: ReportResult, has_previous: bool = False, config=None) -> ReportResult:
    return replace(result, score=score_report(result, config, has_previous))
