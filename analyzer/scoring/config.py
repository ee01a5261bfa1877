"""The score's weights as loaded: ``scoring.toml`` shipped in this package, and a supervisor's file laid over it.

``schema`` says what the file may hold and checks it; this module reads it,
merges a supervisor's numbers over the shipped ones, and answers what a
finding costs in each part.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer import resources, rules
from analyzer.labels import PART_LABELS
from analyzer.model import SECTION_KEYS, Finding
from analyzer.scoring.schema import ScoringConfigError, digest_of, flatten, labelled, refuse, show, validate

CONFIG_NAME = "scoring.toml"
FINDING_PARTS = ("accuracy", "conformity", "substance")  # the parts that charge findings one by one


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
        """The part's table of the configuration file."""
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
    review_unit: str = ""  # who signs the review comments ([review] unit; the CLI's --reviewer overrides it)
    review_date: str = ""  # their date as written, fixed in the settings ([review] date)
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
        return [(key, show(value)) for key, value in sorted(flatten(self.raw))]

    def labelled_weights(self) -> list[tuple[str, str]]:
        """Every weight under its Chinese name, in the file's order, for a supervisor to read."""
        return labelled(self.raw)

    def rule_costs(self) -> list[tuple[str, str]]:
        """For every registered rule: its Chinese name and what a finding of it costs, in Chinese."""
        out = []
        share = rules.MEASURES["score.boilerplate_share"]
        for r in rules.RULES.values():
            part = PART_LABELS[r.part]
            if r.reading_note:
                out.append((r.label, "不扣分：所涉单元格的分值在准确性中列为待核实"))
            elif r.part not in FINDING_PARTS:
                out.append((r.label, f"{part}：按表格显示的单元格比例计分"))
            elif r.name in share.said_by and self.boilerplate_points:
                out.append((r.label, f"{part}：按{share.label}计分"))
            else:
                cost = self.finding_part(r.part).cost(Finding(r.name, r.severity, "", ""))
                out.append((r.label, f"{part}：每处扣{cost:g}分" if cost else f"{part}：不扣分，仅作提示"))
        return out


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
    return _parse(resources.package_path("scoring", CONFIG_NAME).read_bytes(), CONFIG_NAME)


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
        review_unit=str(data.get("review", {}).get("unit", "")),
        review_date=str(data.get("review", {}).get("date", "")),
        raw=data,
    )


def _check_consistency(cfg: ScoreConfig, source: str) -> None:
    total = cfg.completeness_max + cfg.accuracy.max + cfg.conformity.max + cfg.substance.max
    if abs(total - 100) > 1e-6:
        raise refuse(source, f"四部分满分之和应为100，当前为{total:g}。")
    inner = cfg.section_points * len(SECTION_KEYS) + sum(cfg.table_points.values())
    if inner > cfg.completeness_max + 1e-6:
        raise refuse(source, f"完整性各项分值之和（{inner:g}）超过该部分满分（{cfg.completeness_max:g}）。")
    g = cfg.grades
    if not (g["excellent"] >= g["good"] >= g["pass"]):
        raise refuse(source, "等级分数线应满足 优秀 ≥ 良好 ≥ 合格。")
    if not 0 <= cfg.uncertain_factor <= 1:
        raise refuse(source, "uncertain.factor 应在0到1之间。")
    if cfg.boilerplate_high <= cfg.boilerplate_low:
        raise refuse(source, "boilerplate_high 应大于 boilerplate_low。")
    for r in rules.RULES.values():
        if r.weight == "own" and r.name not in cfg.finding_part(r.part).points:
            raise refuse(source, f"缺少规则“{r.name}”（{r.label}）的分值，应在[{r.part}.points]中给出。")


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
