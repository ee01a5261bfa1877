"""The four parts of the score: every lost point with its reason.

Nothing here decides a number on its own: each deduction is a finding of the
checks or a fact measured in the report, and each becomes a
:class:`~analyzer.model.Reason` that a supervisor can quote. Which part judges
a finding comes from the rule registry (``analyzer.rules``); how many points
it costs, from the configuration (``scoring.config``). What the analyzer could
not read is held (待核实), never given and never lost (``base``, ``accuracy``).
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer import rules, sections
from analyzer.model import SECTION_KEYS, Reason, ReportResult, Score, ScorePart
from analyzer.scoring.accuracy import score_accuracy
from analyzer.scoring.base import (
    TABLE_LABELS,
    TEMPLATE_CELLS,
    doubt_split,
    finding_reasons,
    judged_findings,
    make_part,
    table_coverage,
    table_found,
    template_of,
)
from analyzer.scoring.config import ScoreConfig, resolve_config
from analyzer.scoring.stages import SECTION_STAGES, TABLE_STAGES, failed_stages, hold_unjudged
from analyzer.scoring.verify import doubtful_cells

__all__ = [
    "TABLE_LABELS", "TEMPLATE_CELLS", "count_figures", "grade_of", "score_accuracy", "score_completeness",
    "score_conformity", "score_report", "score_substance", "table_coverage", "template_of", "title_names",
]

# Figures with a unit in running text: "公开信息312条", "培训3次", "收费0.5万元", "公开栏12块",
# "参训干部50名", "审核稿件三十二篇". Years ("2021年") are not figures of work done. A number in
# Chinese counts only when it holds 十/百/千/万 ("三十二篇", "十余次"), and not after 第 ("第二十条"):
# a lone 一/两/三 before a unit is mostly a set phrase ("一件事", "两个维护", "三项制度").
_UNIT = (r"(?:条|件|次|篇|个|期|场|人次|人|名|项|份|家|批|部|类|种|小时|天|个工作日|工作日|%|％|元|户|版|栏目|期次|"
         r"轮|块|处|张|册|起|字|台|套|本|幅)")
_FIGURE = re.compile(
    r"(?:(?<![\d.])\d+(?:\.\d+)?"
    r"|(?<![第〇零一二三四五六七八九十百千万两])[一二三四五六七八九两]?[十百千万][〇零一二三四五六七八九十百千万两]*)"
    rf"\s*(?:余|多)?\s*(?:万|亿)?\s*{_UNIT}"
)
_AGENCY_SUFFIXES = (
    "人民政府办公厅", "人民政府办公室", "政府办公室", "人民政府", "管理委员会办公室", "管理委员会", "管委会办公室",
    "管委会", "办事处", "办公室", "办公厅",
)


def score_completeness(result: ReportResult, cfg: ScoreConfig) -> ScorePart:
    """The six sections and the three tables, pro rata to the template cells shown.

    Cells of a table located but not read, or of rows whose numbers could not
    be placed, are held (待核实) rather than charged.
    """
    reasons: list[Reason] = []
    lost = 0.0
    failed = failed_stages(result)
    if failed & set(SECTION_STAGES):
        # The split into sections failed (ours): nothing is known of the sections, nothing charged.
        held = cfg.section_points * len(SECTION_KEYS)
        reasons.append(Reason("章节划分未能完成（内部错误），章节是否齐全未评，相应分值待核实", 0.0, "score.not_judged", held=held))
    for key in SECTION_KEYS if not failed & set(SECTION_STAGES) else ():
        if key not in result.sections:
            reasons.append(Reason(f"未找到{sections.part_name(key)}", cfg.section_points, "score.section_missing",
                                  section=key))
            lost += cfg.section_points
    doubt = doubtful_cells(result, template_of(result))
    for table, weight in cfg.table_points.items():
        related = [f for f in result.findings if rules.rule(f.rule).part == "completeness" and f.data.get("table") == table]
        ids = ",".join(f.id for f in related if f.id) or None
        if failed & set(TABLE_STAGES):
            reasons.append(Reason(f"{TABLE_LABELS[table]}未能读取（内部错误），是否完整未评，相应分值待核实", 0.0,
                                  "score.not_judged", table=table, held=weight))
            continue
        if not table_found(result, table):
            doubtful = any(f.status == "uncertain" and f.rule == "tables.missing_table" for f in related)
            cost, held, note = doubt_split(weight, doubtful, cfg)
            reasons.append(Reason(f"未找到{TABLE_LABELS[table]}{note}", cost, "score.table_missing", ids, table=table, held=held))
            lost += cost
            continue
        shown, expected = table_coverage(result, table)
        if shown >= expected:
            continue
        unread = sum(1 for k, cause in doubt.items() if k.startswith(table + ".") and cause in ("unread", "unplaced"))
        blank = expected - shown - unread
        cost, held, note = doubt_split(weight * unread / expected, True, cfg) if unread else (0.0, 0.0, "")
        cost = round(cost + weight * blank / expected, 2)
        reasons.append(Reason(
            f"{TABLE_LABELS[table]}缺少{expected - shown}个单元格（模板共{expected}个，显示{shown}个）{note}",
            cost, "score.cells_missing", ids, table=table, held=held,
        ))
        lost += cost
    return make_part("completeness", cfg.completeness_max, lost, reasons, judged=not failed & set(TABLE_STAGES + SECTION_STAGES))


def _agency_core(agency: str) -> str:
    name = agency.strip()
    for suffix in _AGENCY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" "9")
# What a title says besides the agency: the year and the name of the report.
_TITLE_FRAME = re.compile(r"(?:19|20)\d\d\s*年度?|政府信息公开(?:工作)?(?:年度)?报告|年度报告|[（(][^）)]*[）)]|\s")
# An agency named in a title, in any of its forms (上海市科委, 洪泽区政府, 某某局).
_AGENCY_WORD = re.compile(r"[\u4e00-\u9fff]{2,}(?:政府|办公厅|办公室|委员会|管委会|委|局|厅|署|办|院|中心|街道|镇|乡|处|所|站|队)")
# A sentence taken for a title (a preamble, a citation): its elements are not judged.
_NOT_A_TITLE = re.compile(r"^(?:根据|依据|按照|为|本报告)|《|，|。")


def title_names(title: str, agency: str | None, year: int | None) -> tuple[bool | None, bool | None]:
    """Whether the title names the agency and the year (None when the fact to compare is unknown).

    The agency counts as named when its name is there or when the title names
    an agency in another form (an abbreviation such as 上海市科委): a title is
    said to lack the agency only when it names none.
    """
    flat = title.translate(_CN_DIGITS)
    has_year = str(year) in flat if year is not None else (re.search(r"(19|20)\d\d", flat) is not None)
    if not agency:
        return None, has_year
    named = _agency_core(agency) in title or bool(_AGENCY_WORD.search(_TITLE_FRAME.sub("", flat)))
    return named, has_year


def _title_reasons(result: ReportResult, cfg: ScoreConfig) -> tuple[list[Reason], float]:
    title = (result.meta.title or "").strip()
    if not title:
        return [Reason("未识别到报告标题", cfg.title_points, "score.title")], cfg.title_points
    if _NOT_A_TITLE.search(title) or len(title) > 60:
        return [Reason(f"识别到的标题“{title[:30]}…”不像报告标题，标题要素未评", 0.0, "score.not_judged")], 0.0
    has_agency, has_year = title_names(title, result.meta.agency, result.meta.year)
    half = cfg.title_points / 2
    reasons, lost = [], 0.0
    if has_agency is None:
        reasons.append(Reason("未识别到发布机关名称，标题是否写明机关未评", 0.0, "score.not_judged"))
    elif not has_agency:
        reasons.append(Reason(f"标题“{title}”未写明发布机关“{result.meta.agency}”", half, "score.title", fact="发布机关全称"))
        lost += half
    if not has_year:
        what = f"报告年度“{result.meta.year}年”" if result.meta.year else "报告年度"
        reasons.append(Reason(f"标题“{title}”未写明{what}", half, "score.title", fact="报告年度"))
        lost += half
    return reasons, lost


def score_conformity(result: ReportResult, cfg: ScoreConfig, has_previous: bool = True) -> ScorePart:
    """The title, then the findings about the template and the law."""
    reasons, lost = _title_reasons(result, cfg) if cfg.title_points else ([], 0.0)
    more, more_lost = finding_reasons(judged_findings(result, "conformity", has_previous), cfg.conformity, cfg)
    return make_part("conformity", cfg.conformity.max, lost + more_lost, reasons + more)


def count_figures(text: str) -> int:
    """Figures with a unit in a text (“主动公开信息312条”); years do not count."""
    return len(_FIGURE.findall(text))


def score_substance(result: ReportResult, cfg: ScoreConfig, has_previous: bool) -> ScorePart:
    """The narrative's findings, then its concrete figures and its share of boilerplate."""
    measured_share = rules.MEASURES["score.boilerplate_share"].said_by
    findings = judged_findings(result, "substance", has_previous)
    if cfg.boilerplate_points:
        # Measured below through the share, with the finding's id: said once.
        findings = [f for f in findings if f.rule not in measured_share]
    reasons, lost = finding_reasons(findings, cfg.substance, cfg)
    if not has_previous:
        reasons.append(Reason("无上年报告，问题是否与上年重复、正文是否沿用上年报告未评", 0.0, "score.not_judged"))
    # Counted whatever the figures are worth: the letter's 以具体数字反映全年工作 rests on the count
    # (with figures = 0 in a configuration it was said of an overview holding none).
    measured = _figures_reasons(result, cfg)
    if cfg.boilerplate_points:
        measured += _boilerplate_reasons(result, cfg, measured_share)
    for r in measured:
        lost += r.points
    reasons += measured
    return make_part("substance", cfg.substance.max, lost, reasons)


def _figures_reasons(result: ReportResult, cfg: ScoreConfig) -> list[Reason]:
    overview = result.sections.get("overview")
    if overview is None:
        return [Reason("未找到总体情况部分，无具体数字可计", cfg.figures_points, "score.figures")]
    n = count_figures(overview.text)
    if n >= cfg.figures_full:
        return []
    cost = round(cfg.figures_points * (cfg.figures_full - n) / cfg.figures_full, 2)
    fact = figures_fact(overview)
    rule = f"{cfg.figures_full}处及以上得满分" if cfg.figures_points else "本项不计分"
    return [Reason(f"{fact}（总体情况中带单位的具体数字{n}处，{rule}）", cost, "score.figures", fact=fact)]


# "无…申请", "未发生…复议": a part that says nothing happened has given its number (zero), also when it
# names who did not apply ("无公民、法人和其他组织向我镇提出政府信息公开申请", seed 000).
_NOTHING_HAPPENED = re.compile(r"(?:无|没有|未收到|未受理|未发生|未出现)[^，。；]{0,30}?(?:申请|案件|复议|诉讼|情况|事项)")


def figures_fact(overview) -> str:
    """What a review says of an overview with few figures: the sub-parts that give none, else the whole."""
    bare = [p for p in overview.parts
            if p.title and not count_figures(p.text) and not _NOTHING_HAPPENED.search(p.text)]
    if bare and len(bare) < len(overview.parts):
        names = "、".join(f"“{p.number}{p.title}”" for p in bare)
        return f"总体情况中{names}{'等部分' if len(bare) > 1 else '部分'}未以具体数字反映工作情况"
    return "总体情况以定性描述为主，较少以具体数字反映全年工作"


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
    parts = tuple(hold_unjudged(p, result, cfg) for p in (
        score_completeness(result, cfg),
        score_accuracy(result, cfg, has_previous),
        score_conformity(result, cfg, has_previous),
        score_substance(result, cfg, has_previous),
    ))
    total = round(sum(p.points for p in parts), 2)
    grade = grade_of(total, cfg)
    pending = sum(p.pending for p in parts)
    # The grade stands on the points given; when the points held could change it, it is provisional.
    provisional = pending > 0 and grade_of(total + pending, cfg) != grade
    return Score(total=total, grade=grade, parts=parts, config=cfg.label, provisional=provisional)
