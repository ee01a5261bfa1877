"""The score's weights: ``scoring.toml``, its schema, and a supervisor's file laid over it.

The file holds numbers only. Which part judges a rule, and whether the rule
costs its own points or the part's points for its severity, is the rule
registry's business (``analyzer.rules``); the file gives the numbers. Every
key of the schema carries its Chinese name, so the weights can be shown to a
supervisor without a dotted key in sight. A bad file is refused with a
one-line Chinese message that names the key.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Union

from analyzer import rules
from analyzer.errors import AnalyzerError
from analyzer.labels import PART_LABELS
from analyzer.model import SECTION_KEYS, Finding

CONFIG_NAME = "scoring.toml"
FINDING_PARTS = ("accuracy", "conformity", "substance")  # the parts that charge findings one by one


class ScoringConfigError(AnalyzerError, ValueError):
    """The score configuration file is missing, malformed or inconsistent."""


# ---------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Number:
    """A number that may not be negative."""

    label: str


@dataclass(frozen=True)
class Text:
    """A non-empty text."""

    label: str


@dataclass(frozen=True)
class Points:
    """A table “rule name = points” for the registered rules of one part."""

    part: str


Schema = dict[str, Union[Number, Text, Points, "Schema"]]


def _finding_part(part: str, **extra: Number) -> Schema:
    name = PART_LABELS[part]
    return {
        "max": Number(f"{name}满分"),
        **extra,
        "error": Number(f"{name}：每个错误扣分"),
        "warning": Number(f"{name}：每个警告扣分"),
        "info": Number(f"{name}：每个提示扣分"),
        "max_per_rule": Number(f"{name}：同一问题扣分上限"),
        "points": Points(part),
    }


SCHEMA: Schema = {
    "name": Text("评分方案名称"),
    "grades": {
        "excellent": Number("“优秀”最低分"),
        "good": Number("“良好”最低分"),
        "pass": Number("“合格”最低分"),
    },
    "uncertain": {"factor": Number("识别存疑的问题按此比例扣分")},
    "completeness": {
        "max": Number("完整性满分"),
        "section": Number("完整性：每个章节"),
        "tables": {
            "active_disclosure": Number("完整性：第二部分表格"),
            "applications": Number("完整性：第三部分表格"),
            "review_litigation": Number("完整性：第四部分表格"),
        },
    },
    "accuracy": _finding_part("accuracy"),
    "conformity": _finding_part("conformity", title=Number("规范性：标题写明机关和年度")),
    "substance": _finding_part(
        "substance",
        figures=Number("内容质量：总体情况具体数字"),
        figures_full=Number("内容质量：具体数字达此处数得满分"),
        boilerplate=Number("内容质量：套话占比"),
        boilerplate_low=Number("内容质量：套话占比超过此值开始扣分"),
        boilerplate_high=Number("内容质量：套话占比达到此值扣完"),
    ),
}

# Keys the file carried before the rule registry: refused with a pointer to it.
_RETIRED = {"rules", "default_part"}

# What the configuration hash covered before the rule-to-part lists moved to
# ``analyzer.rules`` (issue 13). Kept in the hash, as data, so the shipped
# weights keep the label every earlier output recorded; tests/test_rules.py
# checks the registry still assigns every rule to the part these lists did.
V1_ASSIGNMENT = (
    ("accuracy.rules", repr(["applications.", "review_litigation.", "narrative.table_mismatch", "continuity.",
                             "tables.impossible_value"])),
    ("conformity.rules", repr(["template.", "active_disclosure.", "other.", "publication.", "meta.", "title."])),
    ("default_part", repr("conformity")),
    ("substance.rules", repr(["problems.", "overview.", "narrative."])),
)


def _refuse(source: str, what: str) -> ScoringConfigError:
    return ScoringConfigError(f"评分配置 {source} 中{what}")


def validate(data: dict[str, Any], source: str, schema: Schema = SCHEMA, where: str = "") -> None:
    """Refuse unknown keys, wrong types and negative numbers, naming the key in Chinese."""
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key in _RETIRED:
            raise _refuse(source, f"“{path}”已不再使用：规则由哪一部分评判已统一在规则登记表（analyzer/rules.py）中规定，请删除此项。")
        if key not in schema:
            raise _refuse(source, f"有未知项“{path}”（此处可用：{'、'.join(sorted(schema))}）。")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise _refuse(source, f"“{path}”应为一个表（[{path}]）。")
            validate(value, source, expected, path)
        elif isinstance(expected, Points):
            _check_points(value, expected.part, path, source)
        elif isinstance(expected, Text):
            if not isinstance(value, str) or not value.strip():
                raise _refuse(source, f"“{path}”应为非空文字。")
        else:
            _check_number(value, path, source)


def _check_points(value: Any, part: str, path: str, source: str) -> None:
    if not isinstance(value, dict):
        raise _refuse(source, f"“{path}”应为“规则 = 分值”的表。")
    for name, pts in value.items():
        _check_number(pts, f"{path}.{name}", source)
        if name not in rules.RULES:
            raise _refuse(source, f"“{path}”中的“{name}”不是已登记的规则。")
        judged_by = rules.RULES[name].part
        if judged_by != part:
            raise _refuse(source, f"规则“{name}”由{PART_LABELS[judged_by]}部分评判，其分值应写在[{judged_by}.points]中。")


def _check_number(value: Any, path: str, source: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _refuse(source, f"“{path}”应为数字，实为“{value}”。")
    if value < 0:
        raise _refuse(source, f"“{path}”不能为负数（当前为{value}）。")


# ---------------------------------------------------------------- the loaded configuration


@dataclass(frozen=True)
class PartConfig:
    """How one part turns findings into lost points."""

    max: float
    error: float = 0.0
    warning: float = 0.0
    info: float = 0.0
    points: dict[str, float] = field(default_factory=dict)
    max_per_rule: float | None = None

    def cost(self, finding: Finding) -> float:
        """The points one finding costs: its rule's own entry, else the points for its severity."""
        if finding.rule in self.points:
            return self.points[finding.rule]
        return {"error": self.error, "warning": self.warning, "info": self.info}.get(finding.severity, 0.0)

    @classmethod
    def read(cls, d: dict[str, Any]) -> PartConfig:
        return cls(
            max=float(d["max"]),
            error=float(d.get("error", 0)),
            warning=float(d.get("warning", 0)),
            info=float(d.get("info", 0)),
            points={k: float(v) for k, v in d.get("points", {}).items()},
            max_per_rule=float(d["max_per_rule"]) if "max_per_rule" in d else None,
        )


@dataclass(frozen=True)
class ScoreConfig:
    """The weights of one configuration file, with its name and a hash of its content."""

    name: str
    digest: str
    grades: dict[str, float]
    uncertain_factor: float
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

    def finding_part(self, key: str) -> PartConfig:
        """The weights of a part that charges findings (accuracy, conformity, substance)."""
        return {"accuracy": self.accuracy, "conformity": self.conformity, "substance": self.substance}[key]

    def weights(self) -> list[tuple[str, str]]:
        """Flat (dotted key, value) pairs of the configuration, sorted, for scripts."""
        return [(key, _show(value)) for key, value in sorted(_flatten(self.raw))]

    def labelled_weights(self) -> list[tuple[str, str]]:
        """Every weight under its Chinese name, in the file's order, for a supervisor to read."""
        return _labelled(self.raw, SCHEMA)

    def rule_costs(self) -> list[tuple[str, str]]:
        """For every registered rule: its Chinese name and what a finding of it costs, in Chinese."""
        out = []
        share = rules.MEASURES["score.boilerplate_share"]
        for r in rules.RULES.values():
            part = PART_LABELS[r.part]
            if r.part not in FINDING_PARTS:
                out.append((r.label, f"{part}：按表格显示的单元格比例计分"))
            elif r.name in share.said_by and self.boilerplate_points:
                out.append((r.label, f"{part}：按{share.label}计分"))
            else:
                cost = self.finding_part(r.part).cost(Finding(r.name, r.severity, "", ""))
                out.append((r.label, f"{part}：每处扣{cost:g}分" if cost else f"{part}：不扣分，仅作提示"))
        return out


def _show(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.extend(_flatten(v, key))
        else:
            out.append((key, v))
    return out


def _labelled(data: dict[str, Any], schema: Schema) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, expected in schema.items():
        if key not in data:
            continue
        value = data[key]
        if isinstance(expected, dict):
            out.extend(_labelled(value, expected))
        elif isinstance(expected, Points):
            part = PART_LABELS[expected.part]
            out.extend((f"{part}：“{rules.label(name)}”每处扣分", _show(pts)) for name, pts in value.items())
        else:
            out.append((expected.label, _show(value)))
    return out


def digest_of(data: dict[str, Any]) -> str:
    """The hash of the effective weights (not of the file's bytes): two files saying the same thing share it."""
    entries = [(key, repr(value)) for key, value in _flatten(data)] + list(V1_ASSIGNMENT)
    return hashlib.sha256(repr(sorted(entries)).encode("utf-8")).hexdigest()[:8]


# ---------------------------------------------------------------- loading


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


def _parse(data: bytes, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScoringConfigError(f"评分配置文件 {name} 不是 UTF-8 编码的 TOML 文件。") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScoringConfigError(f"评分配置文件 {name} 格式有误（{exc}）。") from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScoringConfigError(f"评分配置文件不存在：{path}") from None
    except OSError as exc:
        raise ScoringConfigError(f"无法读取评分配置文件 {path}（{exc.strerror or exc}）。") from None
    return _parse(data, str(path))


def shipped() -> dict[str, Any]:
    """The weights shipped inside the package (read as package data: wheel and checkout alike)."""
    return _parse(resources.files(__package__).joinpath(CONFIG_NAME).read_bytes(), CONFIG_NAME)


def load_config(path: Path | str | None = None) -> ScoreConfig:
    """Read the shipped weights, or a supervisor's file laid over them.

    A supervisor's file may change only some numbers; the rest keep the
    shipped values. Unknown keys and negative points are refused with a
    one-line Chinese message.
    """
    default = shipped()
    if path is None:
        data, source = default, CONFIG_NAME
    else:
        path = Path(path)
        override = _read_file(path)
        validate(override, path.name)
        data, source = _merge(default, override), path.name
    validate(data, source)
    cfg = _build(data)
    _check_consistency(cfg, source)
    return cfg


def _build(data: dict[str, Any]) -> ScoreConfig:
    comp, sub = data["completeness"], data["substance"]
    return ScoreConfig(
        name=data.get("name", "默认评分方案"),
        digest=digest_of(data),
        grades={k: float(v) for k, v in data["grades"].items()},
        uncertain_factor=float(data["uncertain"]["factor"]),
        section_points=float(comp["section"]),
        table_points={k: float(v) for k, v in comp["tables"].items()},
        completeness_max=float(comp["max"]),
        accuracy=PartConfig.read(data["accuracy"]),
        conformity=PartConfig.read(data["conformity"]),
        substance=PartConfig.read(sub),
        title_points=float(data["conformity"].get("title", 0)),
        figures_points=float(sub.get("figures", 0)),
        figures_full=int(sub.get("figures_full", 1)),
        boilerplate_points=float(sub.get("boilerplate", 0)),
        boilerplate_low=float(sub.get("boilerplate_low", 0.3)),
        boilerplate_high=float(sub.get("boilerplate_high", 0.8)),
        raw=data,
    )


def _check_consistency(cfg: ScoreConfig, source: str) -> None:
    total = cfg.completeness_max + cfg.accuracy.max + cfg.conformity.max + cfg.substance.max
    if abs(total - 100) > 1e-6:
        raise _refuse(source, f"四部分满分之和应为100，当前为{total:g}。")
    inner = cfg.section_points * len(SECTION_KEYS) + sum(cfg.table_points.values())
    if inner > cfg.completeness_max + 1e-6:
        raise _refuse(source, f"完整性各项分值之和（{inner:g}）超过该部分满分（{cfg.completeness_max:g}）。")
    g = cfg.grades
    if not (g["excellent"] >= g["good"] >= g["pass"]):
        raise _refuse(source, "等级分数线应满足 优秀 ≥ 良好 ≥ 合格。")
    if not 0 <= cfg.uncertain_factor <= 1:
        raise _refuse(source, "uncertain.factor 应在0到1之间。")
    if cfg.boilerplate_high <= cfg.boilerplate_low:
        raise _refuse(source, "boilerplate_high 应大于 boilerplate_low。")
    for r in rules.RULES.values():
        if r.weight == "own" and r.name not in cfg.finding_part(r.part).points:
            raise _refuse(source, f"缺少规则“{r.name}”（{r.label}）的分值，应在[{r.part}.points]中给出。")


_DEFAULT: dict[str, ScoreConfig] = {}


def default_config() -> ScoreConfig:
    """The shipped weights, read once."""
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
