"""The three standard tables of both national templates, as data.

Transcribed from ``shared/spec/tables.md`` (国办公开办函〔2021〕30号 and
〔2019〕60号). Every extractor, check and export reads its keys and labels
from here; nothing else spells a template label, and :func:`detect_template`
is the one place that tells the two templates apart.

``cues`` are the distinctive words that identify a row in damaged text
(OCR noise, labels split over lines, shortened labels); the longest cue that
matches wins, so "2.其他法律行政法规禁止公开" is never taken for "3.其他".
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.sections import SECTION_TITLES

# Which template a report uses is told by analyzer.templates, below identify (which needs it too).
from analyzer.templates import CUES_2019, CUES_2021, detect_template  # noqa: F401 - part of the schema's interface

# The tables stand under the sections of the same name (one spelling of each title).
TABLE_TITLES = {key: SECTION_TITLES[key] for key in ("active_disclosure", "applications", "review_litigation")}
TABLES = tuple(TABLE_TITLES)


@dataclass(frozen=True)
class Column:
    """One column of a template row."""

    key: str
    label: str
    money: bool = False  # fee and procurement amounts keep decimals
    signed: bool = False  # 本年增/减 may be negative


@dataclass(frozen=True)
class Row:
    """One row of a template: its canonical key, label, cue words and columns."""

    key: str
    label: str  # the template's label, used in messages and exports
    cues: tuple[str, ...]
    columns: tuple[Column, ...]
    block: str = ""  # 第二十条 item for 二; result group for 三
    exact: bool = False  # match the whole label (short labels such as "3.其他")


# ---- 二、主动公开政府信息情况 -------------------------------------------------

_ISSUED = (Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"), Column("in_force", "现行有效件数"))
_DECISIONS = (Column("decisions", "本年处理决定数量"),)
_FEES = (Column("amount_10k_yuan", "本年收费金额（单位：万元）", money=True),)

_MADE = (Column("new_made", "本年新制作数量"), Column("new_published", "本年新公开数量"), Column("total_published", "对外公开总数量"))
_ITEMS = (Column("prev_items", "上一年项目数量"), Column("change", "本年增/减", signed=True), Column("decisions", "处理决定数量"))
_ITEMS2 = _ITEMS[:2]
_PROCUREMENT = (Column("procurement_items", "采购项目数量"), Column("procurement_amount", "采购总金额", money=True))

ACTIVE_2021 = (
    Row("rules", "规章", ("规章",), _ISSUED, "第二十条第（一）项", exact=True),
    Row("normative_documents", "行政规范性文件", ("行政规范性文件", "规范性文件"), _ISSUED, "第二十条第（一）项", exact=True),
    Row("administrative_license", "行政许可", ("行政许可",), _DECISIONS, "第二十条第（五）项", exact=True),
    Row("administrative_penalty", "行政处罚", ("行政处罚",), _DECISIONS, "第二十条第（六）项", exact=True),
    Row("administrative_coercion", "行政强制", ("行政强制",), _DECISIONS, "第二十条第（六）项", exact=True),
    Row("administrative_fees", "行政事业性收费", ("行政事业性收费",), _FEES, "第二十条第（八）项", exact=True),
)
ACTIVE_2019 = (
    Row("rules", "规章", ("规章",), _MADE, "第二十条第（一）项", exact=True),
    Row("normative_documents", "规范性文件", ("规范性文件", "行政规范性文件"), _MADE, "第二十条第（一）项", exact=True),
    Row("administrative_license", "行政许可", ("行政许可",), _ITEMS, "第二十条第（五）项", exact=True),
    Row("other_external_services", "其他对外管理服务事项", ("其他对外管理服务事项",), _ITEMS, "第二十条第（五）项", exact=True),
    Row("administrative_penalty", "行政处罚", ("行政处罚",), _ITEMS, "第二十条第（六）项", exact=True),
    Row("administrative_coercion", "行政强制", ("行政强制",), _ITEMS, "第二十条第（六）项", exact=True),
    Row("administrative_fees", "行政事业性收费", ("行政事业性收费",), _ITEMS2, "第二十条第（八）项", exact=True),
    Row("government_procurement", "政府集中采购", ("政府集中采购",), _PROCUREMENT, "第二十条第（九）项", exact=True),
)

# ---- 三、收到和处理政府信息公开申请情况 ---------------------------------------

APPLICANTS = (
    Column("natural_person", "自然人"),
    Column("commercial_enterprise", "商业企业"),
    Column("research_institution", "科研机构"),
    Column("public_interest_org", "社会公益组织"),
    Column("legal_service_org", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
APPLICANT_PARTS = tuple(c.key for c in APPLICANTS[:6])


def _a(key: str, label: str, *cues: str, block: str = "", exact: bool = False) -> Row:
    return Row(key, label, cues, APPLICANTS, block, exact)


_HEAD = (
    _a("new_received", "一、本年新收政府信息公开申请数量", "本年新收政府信息公开申请数量", "本年新收"),
    _a("carried_over", "二、上年结转政府信息公开申请数量", "上年结转政府信息公开申请数量", "上年结转"),
    _a("granted", "三（一）予以公开", "予以公开", block="（一）予以公开"),
    _a("partially_granted", "三（二）部分公开", "部分公开", "区分处理的", block="（二）部分公开"),
    _a("denied_state_secret", "三（三）1.属于国家秘密", "属于国家秘密", "国家秘密", block="（三）不予公开"),
    _a("denied_prohibited_by_law", "三（三）2.其他法律行政法规禁止公开", "其他法律行政法规禁止公开", "法律行政法规禁止", "行政法规禁止公开", "其他法律行政", block="（三）不予公开"),
    _a("denied_security_stability", "三（三）3.危及“三安全一稳定”", "危及三安全一稳定", "三安全一稳定", block="（三）不予公开"),
    _a("denied_third_party", "三（三）4.保护第三方合法权益", "保护第三方合法权益", "第三方合法权益", block="（三）不予公开"),
    _a("denied_internal_affairs", "三（三）5.属于三类内部事务信息", "属于三类内部事务信息", "内部事务信息", block="（三）不予公开"),
    _a("denied_process_info", "三（三）6.属于四类过程性信息", "属于四类过程性信息", "过程性信息", block="（三）不予公开"),
    _a("denied_enforcement_files", "三（三）7.属于行政执法案卷", "属于行政执法案卷", "行政执法案卷", block="（三）不予公开"),
    _a("denied_query_matters", "三（三）8.属于行政查询事项", "属于行政查询事项", "行政查询事项", block="（三）不予公开"),
    _a("unable_not_held", "三（四）1.本机关不掌握相关政府信息", "本机关不掌握相关政府信息", "不掌握相关政府信息", block="（四）无法提供"),
    _a("unable_needs_creation", "三（四）2.没有现成信息需要另行制作", "没有现成信息需要另行制作", "需要另行制作", block="（四）无法提供"),
    _a("unable_unclear", "三（四）3.补正后申请内容仍不明确", "补正后申请内容仍不明确", "申请内容仍不明确", block="（四）无法提供"),
    _a("not_processed_petition", "三（五）1.信访举报投诉类申请", "信访举报投诉类申请", "信访举报投诉", block="（五）不予处理"),
    _a("not_processed_repeated", "三（五）2.重复申请", "重复申请", block="（五）不予处理"),
    _a("not_processed_publication", "三（五）3.要求提供公开出版物", "要求提供公开出版物", "公开出版物", block="（五）不予处理"),
    _a("not_processed_excessive", "三（五）4.无正当理由大量反复申请", "无正当理由大量反复申请", "大量反复申请", block="（五）不予处理"),
    _a("not_processed_confirmation", "三（五）5.要求行政机关确认或重新出具已获取信息", "要求行政机关确认或重新出具已获取信息", "重新出具已获取信息", "确认或重新出具", block="（五）不予处理"),
)
_TAIL = (
    _a("results_total", "三（七）总计", "(七)总计", "七)总计", block="（七）总计"),
    _a("carried_forward", "四、结转下年度继续办理", "结转下年度继续办理", "结转下年度"),
)
_OTHER_2021 = (
    _a("other_no_correction", "三（六）1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "无正当理由逾期不补正", "逾期不补正", block="（六）其他处理"),
    _a("other_fee_unpaid", "三（六）2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "逾期未按收费通知要求缴纳费用", "收费通知要求缴纳费用", "缴纳费用", block="（六）其他处理"),
    _a("other_other", "三（六）3.其他", "3.其他", "3、其他", "3.其它", "3、其它", block="（六）其他处理", exact=True),
)
# The 2019 template has one undivided （六）其他处理 row; some 2021 reports keep it.
OTHER_PROCESSING = _a("other_processing", "三（六）其他处理", "(六)其他处理", "其他处理", block="（六）其他处理")

APPLICATIONS_2021 = _HEAD + _OTHER_2021 + _TAIL
APPLICATIONS_2019 = _HEAD + (OTHER_PROCESSING,) + _TAIL

RESULT_ROWS_2021 = tuple(r.key for r in APPLICATIONS_2021 if r.key not in ("new_received", "carried_over", "results_total", "carried_forward"))
RESULT_ROWS_2019 = tuple(r.key for r in APPLICATIONS_2019 if r.key not in ("new_received", "carried_over", "results_total", "carried_forward"))

# ---- 四、政府信息公开行政复议、行政诉讼情况 -----------------------------------

OUTCOMES = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
OUTCOME_PARTS = tuple(c.key for c in OUTCOMES[:4])
REVIEW_GROUPS = (
    Row("review", "行政复议", ("行政复议",), OUTCOMES),
    Row("litigation_direct", "行政诉讼·未经复议直接起诉", ("未经复议直接起诉",), OUTCOMES),
    Row("litigation_after_review", "行政诉讼·复议后起诉", ("复议后起诉",), OUTCOMES),
)


def rows_of(table: str, template: str | None) -> tuple[Row, ...]:
    """The rows of one table in template order (2021 when the template is unknown)."""
    old = template == "2019"
    if table == "active_disclosure":
        return ACTIVE_2019 if old else ACTIVE_2021
    if table == "applications":
        return APPLICATIONS_2019 if old else APPLICATIONS_2021
    if table == "review_litigation":
        return REVIEW_GROUPS
    raise KeyError(table)


def result_rows(template: str | None) -> tuple[str, ...]:
    """The keys of table 三's result rows (三（一）… 三（六）) of the template."""
    return RESULT_ROWS_2019 if template == "2019" else RESULT_ROWS_2021


def find_row(table: str, template: str | None, key: str) -> Row | None:
    """The template row of that key (the single （六）其他处理 row too), or None."""
    for r in rows_of(table, template):
        if r.key == key:
            return r
    if table == "applications" and key == OTHER_PROCESSING.key:
        return OTHER_PROCESSING
    return None


def find_column(table: str, template: str | None, row: str, col: str) -> Column | None:
    """The column of that key in that template row, or None."""
    spec = find_row(table, template, row)
    if spec is None:
        return None
    return next((c for c in spec.columns if c.key == col), None)


def empty_values(template: str | None) -> dict[str, dict[str, dict[str, None]]]:
    """Every canonical cell of the template, all None."""
    return {
        table: {r.key: {c.key: None for c in r.columns} for r in rows_of(table, template)}
        for table in TABLES
    }


def where(table: str, template: str | None, row: str, col: str | None = None) -> str:
    """A finding's location in template labels: "三、… / 自然人 / 四、结转下年度继续办理".

    Tables 三 and 四 read column first (the supervisor's column, then the row),
    as in the review examples; table 二 reads row then column.
    """
    title = TABLE_TITLES[table]
    spec = find_row(table, template, row)
    row_label = spec.label if spec else row
    if col is None:
        return f"{title} / {row_label}"
    column = find_column(table, template, row, col)
    col_label = column.label if column else col
    if table == "applications":
        return f"{title} / {col_label} / {row_label}"
    return f"{title} / {row_label} / {col_label}"
