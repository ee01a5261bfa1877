"""Every rule defined once: what a finding means, who judges it, how a review says it.

A check raises a :class:`~analyzer.model.Finding` under a stable dotted name
(``shared/spec/contract.md``, ``taxonomy.md`` §3). This module is the one
place that says what that name means to the rest of the analyzer:

- ``RULES``: each rule with its Chinese label, its severity, the score part
  that judges it and where its weight sits in ``scoring.toml``, its review
  category and the fragment of 整改建议 it adds, whether its cells are read a
  second way before it is confirmed, and whether it needs last year's report;
- ``MEASURES``: the facts the score measures without a finding (a missing
  table, too few figures), under the ``score.*`` names of ``Reason.rule``;
- ``CATEGORIES``: the review's problem categories in the order a comment
  lists them, each composing its suggestion from the fragments of its rules.

Scoring, the review, the site and the ranking read these tables and the typed
findings and reasons; none of them parses another's wording. The weights
themselves stay numbers in ``scoring.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from analyzer.model import Severity

Part = Literal["completeness", "accuracy", "conformity", "substance"]
# How a finding costs points: by its severity (the part's error/warning/info
# points) or by its own entry under [<part>.points] in scoring.toml.
Weight = Literal["severity", "own"]

DEFAULT_PART: Part = "conformity"  # where a finding of an unregistered rule is judged, by severity
UNKNOWN_LABEL = "其他问题"  # an unregistered rule is never shown by its key


@dataclass(frozen=True)
class Rule:
    """One rule a check can raise.

    ``suggestion`` is this rule's fragment of its category's 整改建议 ("" adds
    none). Fragments sharing a ``frame`` (a text with ``{}``) are listed
    together inside it: "与上年报告相衔接的{}" → "与上年报告相衔接的上年结转数、现行有效件数".
    A fragment with ``{data}`` names what its findings found: the values of
    their ``data[suggestion_key]`` (“主动公开”、“监督保障”).

    ``says`` is how a review comment states one finding when its message
    carries figures meant for the score (“约63%”): ``{message}`` is the
    message, ``{example}`` “（如“…”）” from its quote; "" states the message.
    ``verified`` is how a comment names the relation this rule checks once
    every instance of it was computed and holds (``scoring.verify``).
    """

    name: str
    label: str
    severity: Severity
    part: Part
    category: str
    weight: Weight = "severity"
    suggestion: str = ""
    frame: str = ""
    reread: bool = False  # its cells are read a second way (tables' second reading) before it is confirmed
    needs_previous: bool = False  # judged only when the same agency's previous report is in the run
    # A note on the analyzer's own reading of the file, not on the report: it costs no point (the
    # accuracy part holds the points of the cells concerned) and a review comment never states it.
    reading_note: bool = False
    says: str = ""
    verified: str = ""
    suggestion_key: str = ""


@dataclass(frozen=True)
class Measure:
    """A fact the score measures itself (``Reason.rule`` = its key), and how a review comment says it.

    ``says`` words it for the agency: ``{text}`` is the reason as the score
    wrote it, ``{fact}`` the measured fact without the score's threshold,
    ``{table}`` the table it is about. ``category`` None: the comment never
    says it on its own. ``said_by``: finding rules stating the same fact; the
    comment then says it once, through the finding. ``{data}`` in the
    suggestion stands for the reasons' facts (what the title lacks).
    """

    key: str
    label: str
    category: str | None = None
    severity: Severity = "warning"
    says: str = "{text}"
    said_by: tuple[str, ...] = ()
    suggestion: str = ""


@dataclass(frozen=True)
class Category:
    """A problem category of a review comment and its 整改建议.

    The suggestion is ``head`` + the fragments of the category's rules found,
    joined by ``sep``, + ``tail``; ``advice`` stands in when no rule adds one.
    Only the rules found speak: a comment never advises what the report has.
    """

    key: str
    label: str
    advice: str
    head: str = ""
    sep: str = "、"
    tail: str = ""

    def suggest(self, fragments: Iterable[str]) -> str:
        """The suggestion for the fragments of the rules found (in registry order)."""
        return self.head + (self.sep.join(fragments) or self.advice) + self.tail


def _categories(*items: Category) -> dict[str, Category]:
    return {c.key: c for c in items}


# In the order a comment lists its problems within one severity.
CATEGORIES = _categories(
    Category("sections", "章节结构", "", head="按照年度报告格式补齐", tail="，各部分标题和顺序与格式保持一致。"),
    Category("table_completeness", "表格完整性",
             "按照年度报告格式补齐表格中缺少的行和单元格，本年度未发生的事项填写“0”，不应留空或删除。"),
    Category("template", "年报格式",
             "按照《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）重新编制第二、三、四部分表格。"),
    # One head for every table's data: the application ledger alone is not where a 现行有效件数
    # (continuity.in_force) or a 行政处罚 count is checked.
    Category("table_data", "表格数据", "表格数据",
             head="对照政府信息公开工作台账和相关案件记录，逐项核实", tail="，确保数据准确一致。"),
    Category("legal_power", "法定权限",
             "核实第二部分“规章”一栏的数据：本机关不具有规章制定权，所制发文件如属行政规范性文件，应在相应栏目填报。"),
    Category("title", "报告标题", "在报告标题中写明发布机关全称和报告年度", head="在报告标题中写明", sep="和", tail="。"),
    Category("overview", "总体情况", "充实总体情况的内容", head="在总体情况中", sep="，", tail="。"),
    Category("problems", "存在问题及改进", "应列明具体问题并提出改进措施", head="第五部分", sep="，", tail="。"),
    Category("narrative", "正文表述", "结合本年度工作实际撰写正文", sep="，", tail="。"),
    Category("fee", "信息处理费说明", "在第六部分说明本年度信息处理费的收取情况，未收取的也应写明。"),
    Category("publication", "发布时限", "今后按照《中华人民共和国政府信息公开条例》第四十九条规定的时限公布年度报告。"),
    Category("other", "其他", "对照上述其他问题逐项核实，并作相应修改。"),
)

_APPLICATIONS = "第三部分表格各列、各行的合计及“第一项加第二项之和等于第三项加第四项之和”的勾稽关系"
_CONTINUITY = "与上年报告相衔接的{}"
_BOILERPLATE = "减少程式化表述，多写本机关本年度的具体做法和成效"


def _rules(*items: Rule) -> dict[str, Rule]:
    return {r.name: r for r in items}


# Within a category, the order here is the order of the fragments in its suggestion.
RULES = _rules(
    # Table arithmetic and data (accuracy).
    Rule("applications.balance", "申请情况表勾稽关系不符", "error", "accuracy", "table_data",
         suggestion=_APPLICATIONS, reread=True, verified="各列“第一项加第二项之和等于第三项加第四项之和”的勾稽关系"),
    Rule("applications.results_sum", "办理结果总计与分项之和不符", "error", "accuracy", "table_data",
         suggestion=_APPLICATIONS, reread=True, verified="各列办理结果之和与总计"),
    Rule("applications.row_total", "申请情况表总计列与各类申请人之和不符", "error", "accuracy", "table_data",
         suggestion=_APPLICATIONS, reread=True, verified="各行各类申请人之和与总计"),
    Rule("review_litigation.group_total", "行政复议、行政诉讼总计与分项之和不符", "error", "accuracy", "table_data",
         suggestion="第四部分表格各类行政复议、行政诉讼案件的总计与分项之和", reread=True,
         verified="行政复议、行政诉讼各项结果之和与总计"),
    Rule("continuity.carried_over", "上年结转数与上年报告结转下年度数不一致", "warning", "accuracy", "table_data",
         suggestion="上年结转数", frame=_CONTINUITY, needs_previous=True),
    Rule("continuity.in_force", "现行有效件数与上年数据不衔接", "warning", "accuracy", "table_data",
         suggestion="现行有效件数", frame=_CONTINUITY, needs_previous=True),
    Rule("narrative.table_mismatch", "正文数字与表格不一致", "error", "accuracy", "table_data",
         suggestion="正文所述数字与表格数据", reread=True),
    Rule("tables.impossible_value", "表格数值不可能成立", "error", "accuracy", "table_data", reread=True),
    # How we read the tables: a note on our own reading, judged (by severity) in conformity.
    Rule("tables.ambiguous_cell", "表格数字无法唯一识别", "info", "conformity", "table_data", reading_note=True),
    # Completeness of the tables: measured cell by cell in completeness, not charged per finding.
    Rule("tables.missing_table", "未列出统计表格", "error", "completeness", "table_completeness"),
    Rule("tables.missing_row", "表格缺少行", "warning", "completeness", "table_completeness"),
    Rule("tables.missing_cell", "表格缺少单元格", "warning", "completeness", "table_completeness"),
    Rule("tables.non_numeric_cell", "表格填写了非数字内容", "info", "conformity", "table_completeness"),
    # Conformity with the template and the law.
    Rule("template.outdated", "沿用旧版年度报告格式", "error", "conformity", "template", weight="own"),
    Rule("active_disclosure.rules_without_power", "填报了无权制定的规章", "error", "conformity", "legal_power",
         weight="own", reread=True),
    Rule("other.missing_fee_statement", "未说明信息处理费收取情况", "info", "conformity", "fee", weight="own"),
    Rule("publication.late", "未按期发布年度报告", "warning", "conformity", "publication", weight="own"),
    # Substance of the narrative.
    Rule("overview.missing_part", "总体情况缺少规定内容", "warning", "substance", "overview", weight="own",
         suggestion="补充{data}方面的工作情况", suggestion_key="part"),
    Rule("problems.missing", "未列明存在的主要问题", "error", "substance", "problems", weight="own",
         suggestion="如实列明本年度政府信息公开工作存在的具体问题"),
    Rule("problems.vague", "问题表述笼统", "warning", "substance", "problems", weight="own",
         suggestion="问题应指向具体工作环节，并附具体数字或事例"),
    Rule("problems.no_measures", "问题缺少对应改进措施", "warning", "substance", "problems", weight="own",
         suggestion="针对每项问题提出具体、可检验的改进措施"),
    Rule("problems.unanswered", "部分问题未见对应改进措施", "warning", "substance", "problems", weight="own",
         suggestion="针对每项问题提出具体、可检验的改进措施"),
    Rule("problems.repeated", "问题与上年报告重复", "warning", "substance", "problems", weight="own",
         suggestion="对上年报告已列明的问题说明整改进展，避免原样重复", needs_previous=True),
    Rule("narrative.stale_year", "正文年份表述有误", "warning", "substance", "narrative", weight="own",
         suggestion="核对正文中的年份和提法，删除沿用往年报告的表述"),
    Rule("narrative.copied", "正文大量沿用上年报告", "warning", "substance", "narrative", weight="own",
         suggestion="结合本年度工作实际撰写正文，避免沿用上年报告", needs_previous=True,
         says="总体情况和存在问题部分的文字大量沿用上年报告{example}，未能反映本年度工作情况"),
    Rule("narrative.boilerplate", "正文套话比例较高", "info", "substance", "narrative", weight="own",
         suggestion=_BOILERPLATE,
         says="总体情况和存在问题部分程式化表述较多{example}，反映本机关本年度具体工作的内容偏少"),
)


def _measures(*items: Measure) -> dict[str, Measure]:
    return {m.key: m for m in items}


MEASURES = _measures(
    # A missing section is said from the report's structure, once for all sections.
    Measure("score.section_missing", "缺少章节"),
    Measure("score.table_missing", "缺少表格", "table_completeness", "error",
            says="报告{table}未见，无法核验相关数据", said_by=("tables.missing_table",)),
    Measure("score.cells_missing", "表格单元格不全", "table_completeness", "warning",
            said_by=("tables.missing_cell", "tables.missing_row")),
    # ``{data}``: what the title lacks, from the reasons' facts (发布机关全称, 报告年度).
    Measure("score.title", "标题要素", "title", "warning", suggestion="{data}"),
    # The score's threshold is for the supervisor (the ranking's 说明), not for the agency's comment.
    Measure("score.figures", "总体情况具体数字", "overview", "warning", says="{fact}",
            suggestion="以具体数字反映各方面工作成效"),
    # The share and its threshold are the score's mechanics: a comment speaks of stock phrasing only
    # through the narrative.boilerplate finding, when the narrative analysis raises it.
    Measure("score.boilerplate_share", "套话占比", None, "info",
            said_by=("narrative.boilerplate",), suggestion=_BOILERPLATE),
    Measure("score.not_judged", "未评事项"),
    # Cells the analyzer could not read with certainty: their points are held (待核实); a comment
    # says which tables await checking, never that they were checked.
    Measure("score.unverified", "待核实数据"),
)


def rule(name: str) -> Rule:
    """The registered rule, or a neutral stand-in (judged by severity, category 其他) for an unknown name."""
    found = RULES.get(name)
    if found is not None:
        return found
    return Rule(name, UNKNOWN_LABEL, "warning", DEFAULT_PART, "other")


def label(name: str) -> str:
    """The Chinese name of a rule or a measured fact; never its key."""
    if name in MEASURES:
        return MEASURES[name].label
    return rule(name).label


def rereads(name: str) -> bool:
    """Whether a finding of this rule is read a second way before it is confirmed."""
    return rule(name).reread


def category(key: str) -> Category:
    """A review category by key (unknown keys fall back to 其他)."""
    return CATEGORIES.get(key, CATEGORIES["other"])


def is_registered(name: str) -> bool:
    """Whether a name is a registered rule or measured fact."""
    return name in RULES or name in MEASURES
