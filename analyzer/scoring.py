"""The score of one report: four named parts, every lost point with its reason.

The weights live in ``scoring.toml`` shipped with the package (see
``shared/spec/rubric.md``); a supervisor may pass another file. Nothing here
decides a number on its own: each deduction is a finding of the checks or a
fact measured in the report, and each becomes a :class:`~analyzer.model.Reason`
that a supervisor can quote.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer import labels, sections
from analyzer.errors import AnalyzerError
from analyzer.model import SECTION_KEYS, Finding, Reason, ReportResult, Score, ScorePart
from analyzer.tables import schema

DEFAULT_CONFIG = Path(__file__).with_name("scoring.toml")

PART_LABELS = {
    "completeness": "完整性",
    "accuracy": "准确性",
    "conformity": "规范性",
    "substance": "内容质量",
}

SECTION_TITLES = sections.SECTION_TITLES

TABLE_LABELS = {key: f"{sections.part_name(key)}表格" for key in schema.TABLE_TITLES}

SEVERITY_LABELS = labels.SEVERITY_LABELS

# Chinese names of the rules, so that no rule key ever reaches a reader.
RULE_LABELS = {
    "applications.balance": "申请情况表勾稽关系不符",
    "applications.results_sum": "办理结果总计与分项之和不符",
    "applications.row_total": "申请情况表总计列与各类申请人之和不符",
    "review_litigation.group_total": "行政复议、行政诉讼总计与分项之和不符",
    "active_disclosure.rules_without_power": "填报了无权制定的规章",
    "tables.missing_cell": "表格缺少单元格",
    "tables.missing_row": "表格缺少行",
    "tables.missing_table": "未列出统计表格",
    "tables.impossible_value": "表格数值不可能成立",
    "tables.non_numeric_cell": "表格填写了非数字内容",
    "tables.ambiguous_cell": "表格数字无法唯一识别",
    "template.outdated": "沿用旧版年度报告格式",
    "narrative.table_mismatch": "正文数字与表格不一致",
    "continuity.carried_over": "上年结转数与上年报告结转下年度数不一致",
    "continuity.in_force": "现行有效件数与上年数据不衔接",
    "publication.late": "未按期发布年度报告",
    "problems.missing": "未列明存在的主要问题",
    "problems.no_measures": "问题缺少对应改进措施",
    "problems.vague": "问题表述笼统",
    "problems.repeated": "问题与上年报告重复",
    "narrative.copied": "正文大量沿用上年报告",
    "narrative.boilerplate": "正文套话比例较高",
    "narrative.stale_year": "正文年份表述有误",
    "overview.missing_part": "总体情况缺少规定内容",
    "other.missing_fee_statement": "未说明信息处理费收取情况",
}

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


# Reasons that are measured facts rather than findings carry these keys in
# ``Reason.rule`` so that reviews and pages can say them without parsing text.
MEASURED = {
    "score.section_missing": "缺少章节",
    "score.table_missing": "缺少表格",
    "score.cells_missing": "表格单元格不全",
    "score.title": "标题要素",
    "score.figures": "总体情况具体数字",
    "score.boilerplate_share": "套话占比",
    "score.not_judged": "未评事项",
}


class ScoringConfigError(AnalyzerError, ValueError):
    """The score configuration file is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class PartConfig:
    """How one part turns findings into lost points."""

    max: float
    error: float = 0.0
    warning: float = 0.0
    info: float = 0.0
    rules: tuple[str, ...] = ()
    points: dict[str, float] = field(default_factory=dict)
    max_per_rule: float | None = None

    def cost(self, finding: Finding) -> float:
        if finding.rule in self.points:
            return self.points[finding.rule]
        return {"error": self.error, "warning": self.warning, "info": self.info}.get(finding.severity, 0.0)


@dataclass(frozen=True)
class ScoreConfig:
    """The weights of one configuration file, with its name and a hash of its content."""

    name: str
    digest: str
    grades: dict[str, float]
    uncertain_factor: float
    default_part: str
    section_points: float
    table_points: dict[str, float]
    completeness_max: float
    accuracy: PartConfig
    conformity: PartConfig
    substance: PartConfig
    title_points: float
    figures_points: float
    figures_full: int
    boilerplate_points: float
    boilerplate_low: float
    boilerplate_high: float
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        """What outputs record: the name and the first digits of the file hash."""
        return f"{self.name}（{self.digest}）"

    def part_of(self, rule: str) -> str:
        """The part that judges a rule: by prefix, else the default part."""
        if rule.startswith("tables.missing_"):
            return "completeness"
        for key in ("accuracy", "conformity", "substance"):
            part: PartConfig = getattr(self, key)
            if rule in part.points or any(rule.startswith(p) for p in part.rules):
                return key
        return self.default_part

    def weights(self) -> list[tuple[str, str]]:
        """Flat (key, value) pairs of the configuration, for the record in outputs."""
        out: list[tuple[str, str]] = []

        def walk(prefix: str, value: Any) -> None:
            if isinstance(value, dict):
                for k in sorted(value):
                    walk(f"{prefix}.{k}" if prefix else k, value[k])
            else:
                out.append((prefix, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))

        walk("", self.raw)
        return out


# What a configuration file may contain: key -> type, nested dicts for tables;
# "*" means free keys (rule names) with numeric values.
_NUM = (int, float)
_SCHEMA: dict[str, Any] = {
    "name": str,
    "default_part": str,
    "grades": {"excellent": _NUM, "good": _NUM, "pass": _NUM},
    "uncertain": {"factor": _NUM},
    "completeness": {
        "max": _NUM, "section": _NUM,
        "tables": {"active_disclosure": _NUM, "applications": _NUM, "review_litigation": _NUM},
    },
    "accuracy": {"max": _NUM, "error": _NUM, "warning": _NUM, "info": _NUM, "max_per_rule": _NUM, "rules": list, "points": "*"},
    "conformity": {
        "max": _NUM, "title": _NUM, "error": _NUM, "warning": _NUM, "info": _NUM, "max_per_rule": _NUM,
        "rules": list, "points": "*",
    },
    "substance": {
        "max": _NUM, "error": _NUM, "warning": _NUM, "info": _NUM, "max_per_rule": _NUM, "rules": list, "points": "*",
        "figures": _NUM, "figures_full": _NUM, "boilerplate": _NUM, "boilerplate_low": _NUM, "boilerplate_high": _NUM,
    },
}


def _validate(data: dict[str, Any], schema: dict[str, Any], where: str, source: str) -> None:
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key not in schema:
            allowed = "、".join(sorted(schema))
            raise ScoringConfigError(f"评分配置 {source} 中有未知项“{path}”（此处可用：{allowed}）。")
        expected = schema[key]
        if expected == "*":
            if not isinstance(value, dict):
                raise ScoringConfigError(f"评分配置 {source} 中“{path}”应为“规则 = 分值”的表。")
            for rule, pts in value.items():
                _check_number(pts, f"{path}.{rule}", source)
        elif isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ScoringConfigError(f"评分配置 {source} 中“{path}”应为一个表（[{path}]）。")
            _validate(value, expected, path, source)
        elif expected is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ScoringConfigError(f"评分配置 {source} 中“{path}”应为规则名前缀的列表。")
        elif expected is str:
            if not isinstance(value, str) or not value.strip():
                raise ScoringConfigError(f"评分配置 {source} 中“{path}”应为非空文字。")
        else:
            _check_number(value, path, source)


def _check_number(value: Any, path: str, source: str) -> None:
    if isinstance(value, bool) or not isinstance(value, _NUM):
        raise ScoringConfigError(f"评分配置 {source} 中“{path}”应为数字，实为“{value}”。")
    if value < 0:
        raise ScoringConfigError(f"评分配置 {source} 中“{path}”不能为负数（当前为{value}）。")


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "points":
            out[key] = _merge(out[key], value)
        elif key == "points" and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScoringConfigError(f"评分配置文件不存在：{path}") from None
    except OSError as exc:
        raise ScoringConfigError(f"无法读取评分配置文件 {path}（{exc.strerror or exc}）。") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScoringConfigError(f"评分配置文件 {path} 不是 UTF-8 编码的 TOML 文件。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScoringConfigError(f"评分配置文件 {path} 格式有误（{exc}）。") from None


def load_config(path: Path | str | None = None) -> ScoreConfig:
    """Read the shipped weights, or a supervisor's file laid over them.

    A supervisor's file may change only some numbers; the rest keep the
    shipped values. Unknown keys and negative points are refused with a
    one-line Chinese message.
    """
    default = _read_toml(DEFAULT_CONFIG)
    if path is None:
        data, source = default, DEFAULT_CONFIG.name
    else:
        path = Path(path)
        override = _read_toml(path)
        _validate(override, _SCHEMA, "", path.name)
        data, source = _merge(default, override), path.name
    _validate(data, _SCHEMA, "", source)

    def part(key: str) -> PartConfig:
        d = data[key]
        return PartConfig(
            max=float(d["max"]),
            error=float(d.get("error", 0)),
            warning=float(d.get("warning", 0)),
            info=float(d.get("info", 0)),
            rules=tuple(d.get("rules", ())),
            points={k: float(v) for k, v in d.get("points", {}).items()},
            max_per_rule=float(d["max_per_rule"]) if "max_per_rule" in d else None,
        )

    comp = data["completeness"]
    sub = data["substance"]
    grades = {k: float(v) for k, v in data["grades"].items()}
    cfg = ScoreConfig(
        name=data.get("name", "默认评分方案"),
        # The hash of the effective weights (not of the file's bytes), so two
        # files saying the same thing in different words carry the same hash.
        digest=hashlib.sha256(repr(sorted(_flatten(data))).encode("utf-8")).hexdigest()[:8],
        grades=grades,
        uncertain_factor=float(data["uncertain"]["factor"]),
        default_part=data.get("default_part", "conformity"),
        section_points=float(comp["section"]),
        table_points={k: float(v) for k, v in comp["tables"].items()},
        completeness_max=float(comp["max"]),
        accuracy=part("accuracy"),
        conformity=part("conformity"),
        substance=part("substance"),
        title_points=float(data["conformity"].get("title", 0)),
        figures_points=float(sub.get("figures", 0)),
        figures_full=int(sub.get("figures_full", 1)),
        boilerplate_points=float(sub.get("boilerplate", 0)),
        boilerplate_low=float(sub.get("boilerplate_low", 0.3)),
        boilerplate_high=float(sub.get("boilerplate_high", 0.8)),
        raw=data,
    )
    _check_consistency(cfg, source)
    return cfg


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.extend(_flatten(v, key))
        else:
            out.append((key, repr(v)))
    return out


def _check_consistency(cfg: ScoreConfig, source: str) -> None:
    total = cfg.completeness_max + cfg.accuracy.max + cfg.conformity.max + cfg.substance.max
    if abs(total - 100) > 1e-6:
        raise ScoringConfigError(f"评分配置 {source} 中四部分满分之和应为100，当前为{total:g}。")
    inner = cfg.section_points * len(SECTION_KEYS) + sum(cfg.table_points.values())
    if inner > cfg.completeness_max + 1e-6:
        raise ScoringConfigError(
            f"评分配置 {source} 中完整性各项分值之和（{inner:g}）超过该部分满分（{cfg.completeness_max:g}）。"
        )
    g = cfg.grades
    if not (g["excellent"] >= g["good"] >= g["pass"]):
        raise ScoringConfigError(f"评分配置 {source} 中等级分数线应满足 优秀 ≥ 良好 ≥ 合格。")
    if cfg.default_part not in ("accuracy", "conformity", "substance"):
        raise ScoringConfigError(
            f"评分配置 {source} 中 default_part 应为 accuracy、conformity 或 substance 之一（当前为“{cfg.default_part}”）。"
        )
    if not 0 <= cfg.uncertain_factor <= 1:
        raise ScoringConfigError(f"评分配置 {source} 中 uncertain.factor 应在0到1之间。")
    if cfg.boilerplate_high <= cfg.boilerplate_low:
        raise ScoringConfigError(f"评分配置 {source} 中 boilerplate_high 应大于 boilerplate_low。")


_DEFAULT: dict[str, ScoreConfig] = {}


def default_config() -> ScoreConfig:
    if "cfg" not in _DEFAULT:
        _DEFAULT["cfg"] = load_config(None)
    return _DEFAULT["cfg"]


def resolve_config(config: ScoreConfig | Path | str | None) -> ScoreConfig:
    """Accept None (the shipped weights), a path or a loaded configuration."""
    if config is None:
        return default_config()
    if isinstance(config, ScoreConfig):
        return config
    return load_config(config)


# ---------------------------------------------------------------- the parts


def rule_label(rule: str) -> str:
    """The Chinese name of a rule; unknown rules get a neutral name, never their key."""
    return RULE_LABELS.get(rule, "其他问题")


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
        reasons.append(Reason(f"{rule_label(f.rule)}：{_clean(f.message)}{note}", cost, f.rule, f.id or None))
    return reasons, lost


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
    reasons: list[Reason] = []
    lost = 0.0
    for key in SECTION_KEYS:
        if key not in result.sections:
            reasons.append(Reason(f"未找到{sections.part_name(key)}", cfg.section_points, "score.section_missing"))
            lost += cfg.section_points
    missing_findings = [f for f in result.findings if f.rule.startswith("tables.missing_")]
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
            reasons.append(Reason(f"未找到{TABLE_LABELS[table]}{note}", cost, "score.table_missing", ids))
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
            )
        )
        lost += cost
    return _part("completeness", cfg.completeness_max, min(lost, cfg.completeness_max), reasons)


def _finding_in_table(f: Finding, table: str) -> bool:
    # Every tables.missing_* finding names its table in its data; its ``where`` is for people.
    return f.data.get("table") == table


def score_accuracy(result: ReportResult, cfg: ScoreConfig) -> ScorePart:
    findings = [f for f in result.findings if cfg.part_of(f.rule) == "accuracy"]
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


def score_conformity(result: ReportResult, cfg: ScoreConfig) -> ScorePart:
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
    findings = [f for f in result.findings if cfg.part_of(f.rule) == "conformity"]
    more, more_lost = _finding_reasons(findings, cfg.conformity, cfg)
    return _part("conformity", cfg.conformity.max, min(lost + more_lost, cfg.conformity.max), reasons + more)


def count_figures(text: str) -> int:
    """Figures with a unit in a text (“主动公开信息312条”); years do not count."""
    return len(_FIGURE.findall(text))


def score_substance(result: ReportResult, cfg: ScoreConfig, has_previous: bool) -> ScorePart:
    reasons: list[Reason] = []
    lost = 0.0
    findings = [f for f in result.findings if cfg.part_of(f.rule) == "substance"]
    needs_previous = ("problems.repeated", "narrative.copied")
    if not has_previous:
        findings = [f for f in findings if f.rule not in needs_previous]
    if cfg.boilerplate_points:
        # Measured below through the share, with the finding's id: said once.
        findings = [f for f in findings if f.rule != "narrative.boilerplate"]
    more, more_lost = _finding_reasons(findings, cfg.substance, cfg)
    reasons.extend(more)
    lost += more_lost
    if not has_previous:
        reasons.append(Reason("无上年报告，问题是否与上年重复、正文是否沿用上年报告未评", 0.0, "score.not_judged"))

    if cfg.figures_points:
        overview = result.sections.get("overview")
        if overview is None:
            reasons.append(Reason("未找到总体情况部分，无具体数字可计", cfg.figures_points, "score.figures"))
            lost += cfg.figures_points
        else:
            n = count_figures(overview.text)
            if n < cfg.figures_full:
                cost = round(cfg.figures_points * (cfg.figures_full - n) / cfg.figures_full, 2)
                reasons.append(Reason(f"总体情况中带单位的具体数字仅{n}处（{cfg.figures_full}处及以上得满分）", cost, "score.figures"))
                lost += cost

    if cfg.boilerplate_points:
        share = result.narrative.boilerplate_share if result.narrative else None
        if share is None:
            reasons.append(Reason("正文套话占比未能计量，本项未评", 0.0, "score.not_judged"))
        elif share > cfg.boilerplate_low:
            frac = min(1.0, (share - cfg.boilerplate_low) / (cfg.boilerplate_high - cfg.boilerplate_low))
            cost = round(cfg.boilerplate_points * frac, 2)
            fid = next((f.id for f in result.findings if f.rule == "narrative.boilerplate" and f.id), None)
            reasons.append(
                Reason(f"正文中通用套话（各地年报常见的程式化表述）占{share:.0%}（超过{cfg.boilerplate_low:.0%}即扣分）", cost,
                       "score.boilerplate_share", fid)
            )
            lost += cost
    return _part("substance", cfg.substance.max, min(lost, cfg.substance.max), reasons)


def grade_of(total: float, cfg: ScoreConfig) -> str:
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
        score_accuracy(result, cfg),
        score_conformity(result, cfg),
        score_substance(result, cfg, has_previous),
    )
    total = round(sum(p.points for p in parts), 2)
    return Score(total=total, grade=grade_of(total, cfg), parts=parts, config=cfg.label)
