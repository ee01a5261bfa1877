"""The four parts of the score: every lost point with its reason.

Nothing here decides a number on its own: each deduction is a finding of the
checks or a fact measured in the report, and each becomes a
:class:`~analyzer.model.Reason` that a supervisor can quote. Which part judges
a finding comes from the rule registry (``analyzer.rules``); how many points
it costs, from the configuration (``scoring.config``).
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer import rules, sections
from analyzer.labels import PART_LABELS
from analyzer.model import SECTION_KEYS, Finding, Reason, ReportResult, Score, ScorePart
from analyzer.scoring.config import PartConfig, ScoreConfig, resolve_config
from analyzer.tables import schema

TABLE_LABELS = {key: f"{sections.part_name(key)}表格" for key in schema.TABLE_TITLES}

# Canonical cells of the three tables per template, from the tables schema
# (shared/spec/tables.md); used to measure how much of each table a report shows.
TEMPLATE_CELLS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    template: {
        table: {row.key: tuple(c.key for c in row.columns) for row in schema.rows_of(table, template)}
        for table in schema.TABLES
    }
    for template in ("2021", "2019")
}

# Figures with a unit in running text: "公开信息312条", "培训3次", "收费0.5万元".
# Years ("2021年") are not figures of work done.
_FIGURE = re.compile(
    r"(?<![\d.])\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:万|亿)?\s*"
    r"(?:条|件|次|篇|个|期|场|人次|人|项|份|家|批|部|类|种|小时|天|个工作日|工作日|%|％|元|户|版|栏目|期次)"
)
_AGENCY_SUFFIXES = (
    "人民政府办公厅", "人民政府办公室", "政府办公室", "人民政府", "管理委员会办公室", "管理委员会", "管委会办公室",
    "管委会", "办事处", "办公室", "办公厅",
)


# ---------------------------------------------------------------- the parts


def _clean(message: str) -> str:
    return message.strip().rstrip("。；;，, ")


def _finding_reasons(findings: list[Finding], part: PartConfig, cfg: ScoreConfig) -> tuple[list[Reason], float]:
    """One reason per finding, in the findings' order; per-rule caps applied."""
    reasons: list[Reason] = []
    lost = 0.0
    per_rule: dict[str, float] = {}
    for f in findings:
        base = part.cost(f)
        note = ""
        cost = base
        if f.status == "uncertain":
            cost = base * cfg.uncertain_factor
            if base > 0:
                note = "（识别存疑，未扣分）" if cost == 0 else "（识别存疑，减少扣分）"
        if part.max_per_rule is not None and cost > 0:
            room = max(0.0, part.max_per_rule - per_rule.get(f.rule, 0.0))
            if cost > room:
                cost = room
                note += "（同类问题扣分已达上限）"
        per_rule[f.rule] = per_rule.get(f.rule, 0.0) + cost
        lost += cost
        reasons.append(Reason(f"{rules.label(f.rule)}：{_clean(f.message)}{note}", cost, f.rule, f.id or None))
    return reasons, lost


def _judged_findings(result: ReportResult, part: str, has_previous: bool) -> list[Finding]:
    """The findings the registry gives to one part; those needing last year's report only when it is in the run."""
    out = []
    for f in result.findings:
        r = rules.rule(f.rule)
        if r.part == part and (has_previous or not r.needs_previous):
            out.append(f)
    return out


def _part(key: str, max_points: float, lost: float, reasons: list[Reason], judged: bool = True) -> ScorePart:
    points = round(max(0.0, max_points - lost), 2)
    return ScorePart(key, PART_LABELS[key], points, max_points, tuple(reasons), judged)


def _table_found(result: ReportResult, table: str) -> bool:
    tv = result.tables
    if tv is None:
        return False
    if table in tv.found:
        return bool(tv.found[table])
    return any(v is not None for row in tv.values.get(table, {}).values() for v in row.values())


def template_of(result: ReportResult) -> str:
    """The template the tables follow: as extracted, else by report year (2021 on: the 2021 template)."""
    for t in (result.tables.template if result.tables else None, result.meta.template):
        if t in TEMPLATE_CELLS:
            return t
    year = result.meta.year
    return "2019" if year is not None and year < 2021 else "2021"


def table_coverage(result: ReportResult, table: str) -> tuple[int, int]:
    """(cells shown, cells of the template) for one table; a cell with a remark such as “—” counts as shown."""
    cells = TEMPLATE_CELLS[template_of(result)][table]
    expected = sum(len(cols) for cols in cells.values())
    tv = result.tables
    if tv is None:
        return 0, expected
    shown = 0
    for row, cols in cells.items():
        for col in cols:
            if tv.get(table, row, col) is not None or f"{table}.{row}.{col}" in tv.remarks:
                shown += 1
    return shown, expected


def score_completeness(result: ReportResult, cfg: ScoreConfig) -> ScorePart:
    """The six sections and the three tables, pro rata to the template cells shown."""
    reasons: list[Reason] = []
    lost = 0.0
    for key in SECTION_KEYS:
        if key not in result.sections:
            reasons.append(Reason(f"未找到{sections.part_name(key)}", cfg.section_points, "score.section_missing",
                                  section=key))
            lost += cfg.section_points
    missing_findings = [f for f in result.findings if rules.rule(f.rule).part == "completeness"]
    for table, weight in cfg.table_points.items():
        related = [f for f in missing_findings if _finding_in_table(f, table)]
        # When the checks say our own reading of the table is in doubt, the
        # report does not pay for it (beyond the configured share).
        doubtful = any(f.status == "uncertain" and f.rule == "tables.missing_table" for f in related)
        factor = cfg.uncertain_factor if doubtful else 1.0
        note = "（识别存疑，未扣分）" if doubtful and factor == 0 else ("（识别存疑，减少扣分）" if doubtful else "")
        ids = ",".join(f.id for f in related if f.id) or None
        if not _table_found(result, table):
            cost = round(weight * factor, 2)
            reasons.append(Reason(f"未找到{TABLE_LABELS[table]}{note}", cost, "score.table_missing", ids, table=table))
            lost += cost
            continue
        shown, expected = table_coverage(result, table)
        if shown >= expected:
            continue
        cost = round(weight * (expected - shown) / expected * factor, 2)
        reasons.append(
            Reason(
                f"{TABLE_LABELS[table]}缺少{expected - shown}个单元格（模板共{expected}个，显示{shown}个）{note}",
                cost,
                "score.cells_missing",
                ids,
                table=table,
            )
        )
        lost += cost
    return _part("completeness", cfg.completeness_max, min(lost, cfg.completeness_max), reasons)


def _finding_in_table(f: Finding, table: str) -> bool:
    # Every tables.missing_* finding names its table in its data; its ``where`` is for people.
    return f.data.get("table") == table


def score_accuracy(result: ReportResult, cfg: ScoreConfig, has_previous: bool = True) -> ScorePart:
    """The findings about the tables' numbers; not judged when no table could be read."""
    findings = _judged_findings(result, "accuracy", has_previous)
    readable = [t for t in TABLE_LABELS if _table_found(result, t) and table_coverage(result, t)[0] > 0]
    if not readable:
        missing = [f for f in result.findings if f.rule == "tables.missing_table"]
        if missing and all(f.status == "uncertain" for f in missing):
            # The tables are there but our reading failed: the report must not pay for it.
            reason = Reason("统计表格未能可靠读取，数据准确性未核验，本项暂不扣分，请人工核对", 0.0, "score.not_judged",
                            ",".join(f.id for f in missing if f.id) or None)
            return _part("accuracy", cfg.accuracy.max, 0.0, [reason], judged=False)
        reason = Reason("未找到任何统计表格，数据准确性无从核验，本项不得分（如报告确有表格，请人工核对）", cfg.accuracy.max, "score.not_judged")
        return _part("accuracy", cfg.accuracy.max, cfg.accuracy.max, [reason], judged=False)
    reasons, lost = _finding_reasons(findings, cfg.accuracy, cfg)
    unchecked = [TABLE_LABELS[t] for t in TABLE_LABELS if t not in readable]
    if unchecked:
        reasons.append(Reason(f"{'、'.join(unchecked)}未找到或未读出数据，其数据未核验，仅按已读出的表格评分", 0.0, "score.not_judged"))
    return _part("accuracy", cfg.accuracy.max, min(lost, cfg.accuracy.max), reasons)


def _agency_core(agency: str) -> str:
    name = agency.strip()
    for suffix in _AGENCY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" "9")


def title_names(title: str, agency: str | None, year: int | None) -> tuple[bool | None, bool | None]:
    """Whether the title names the agency and the year (None when the fact to compare is unknown)."""
    flat = title.translate(_CN_DIGITS)
    has_year = str(year) in flat if year is not None else (re.search(r"(19|20)\d\d", flat) is not None)
    has_agency = None if not agency else _agency_core(agency) in title
    return has_agency, has_year


def score_conformity(result: ReportResult, cfg: ScoreConfig, has_previous: bool = True) -> ScorePart:
    """The title, then the findings about the template and the law."""
    reasons: list[Reason] = []
    lost = 0.0
    title = (result.meta.title or "").strip()
    if cfg.title_points:
        if not title:
            reasons.append(Reason("未识别到报告标题", cfg.title_points, "score.title"))
            lost += cfg.title_points
        else:
            has_agency, has_year = title_names(title, result.meta.agency, result.meta.year)
            half = cfg.title_points / 2
            if has_agency is None:
                reasons.append(Reason("未识别到发布机关名称，标题是否写明机关未评", 0.0, "score.title"))
            elif not has_agency:
                reasons.append(Reason(f"标题“{title}”未写明发布机关“{result.meta.agency}”", half, "score.title"))
                lost += half
            if not has_year:
                what = f"报告年度“{result.meta.year}年”" if result.meta.year else "报告年度"
                reasons.append(Reason(f"标题“{title}”未写明{what}", half, "score.title"))
                lost += half
    findings = _judged_findings(result, "conformity", has_previous)
    more, more_lost = _finding_reasons(findings, cfg.conformity, cfg)
    return _part("conformity", cfg.conformity.max, min(lost + more_lost, cfg.conformity.max), reasons + more)


def count_figures(text: str) -> int:
    """Figures with a unit in a text (“主动公开信息312条”); years do not count."""
    return len(_FIGURE.findall(text))


def score_substance(result: ReportResult, cfg: ScoreConfig, has_previous: bool) -> ScorePart:
    """The narrative's findings, then its concrete figures and its share of boilerplate."""
    measured_share = rules.MEASURES["score.boilerplate_share"].said_by
    findings = _judged_findings(result, "substance", has_previous)
    if cfg.boilerplate_points:
        # Measured below through the share, with the finding's id: said once.
        findings = [f for f in findings if f.rule not in measured_share]
    reasons, lost = _finding_reasons(findings, cfg.substance, cfg)
    if not has_previous:
        reasons.append(Reason("无上年报告，问题是否与上年重复、正文是否沿用上年报告未评", 0.0, "score.not_judged"))
    measured = _figures_reasons(result, cfg) if cfg.figures_points else []
    if cfg.boilerplate_points:
        measured += _boilerplate_reasons(result, cfg, measured_share)
    for r in measured:
        lost += r.points
    reasons += measured
    return _part("substance", cfg.substance.max, min(lost, cfg.substance.max), reasons)


def _figures_reasons(result: ReportResult, cfg: ScoreConfig) -> list[Reason]:
    overview = result.sections.get("overview")
    if overview is None:
        return [Reason("未找到总体情况部分，无具体数字可计", cfg.figures_points, "score.figures")]
    n = count_figures(overview.text)
    if n >= cfg.figures_full:
        return []
    cost = round(cfg.figures_points * (cfg.figures_full - n) / cfg.figures_full, 2)
    fact = f"总体情况中带单位的具体数字仅{n}处"
    return [Reason(f"{fact}（{cfg.figures_full}处及以上得满分）", cost, "score.figures", fact=fact)]


def _boilerplate_reasons(result: ReportResult, cfg: ScoreConfig, said_by: tuple[str, ...]) -> list[Reason]:
    share = result.narrative.boilerplate_share if result.narrative else None
    if share is None:
        return [Reason("正文套话占比未能计量，本项未评", 0.0, "score.not_judged")]
    if share <= cfg.boilerplate_low:
        return []
    frac = min(1.0, (share - cfg.boilerplate_low) / (cfg.boilerplate_high - cfg.boilerplate_low))
    cost = round(cfg.boilerplate_points * frac, 2)
    fid = next((f.id for f in result.findings if f.rule in said_by and f.id), None)
    text = f"正文中通用套话（各地年报常见的程式化表述）占{share:.0%}（超过{cfg.boilerplate_low:.0%}即扣分）"
    return [Reason(text, cost, "score.boilerplate_share", fid)]


def grade_of(total: float, cfg: ScoreConfig) -> str:
    """优秀, 良好, 合格 or 不合格 by the configuration's lower bounds."""
    g = cfg.grades
    if total >= g["excellent"]:
        return "优秀"
    if total >= g["good"]:
        return "良好"
    if total >= g["pass"]:
        return "合格"
    return "不合格"


def score_report(result: ReportResult, config: ScoreConfig | Path | str | None = None, has_previous: bool = False) -> Score:
    """Score one report on the four parts of the rubric; ``config=None`` uses the shipped weights."""
    cfg = resolve_config(config)
    parts = (
        score_completeness(result, cfg),
        score_accuracy(result, cfg, has_previous),
        score_conformity(result, cfg, has_previous),
        score_substance(result, cfg, has_previous),
    )
    total = round(sum(p.points for p in parts), 2)
    return Score(total=total, grade=grade_of(total, cfg), parts=parts, config=cfg.label)
