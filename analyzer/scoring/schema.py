"""What ``scoring.toml`` may hold: its schema, with a Chinese name for every number.

The file holds numbers only. Which part judges a rule, and whether the rule
costs its own points or the part's points for its severity, is the rule
registry's business (``analyzer.rules``); ``[<part>.points]`` may name only the
registered rules of that part. A bad file is refused with a one-line Chinese
message that names the key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Union

from analyzer import rules
from analyzer.errors import AnalyzerError
from analyzer.labels import PART_LABELS


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
    # Not a weight: who signs the review comments, and their date (outputs never read the clock).
    "review": {
        "unit": Text("评审意见落款单位"),
        "date": Text("评审意见落款日期"),
    },
}
# Tables of the file that are settings, not weights: outside the configuration's hash.
NOT_WEIGHTS = ("review",)

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


def refuse(source: str, what: str) -> ScoringConfigError:
    """The one-line error for a configuration file (``what`` completes “评分配置 <file> 中…”)."""
    return ScoringConfigError(f"评分配置 {source} 中{what}")


def validate(data: dict[str, Any], source: str, schema: Schema = SCHEMA, where: str = "") -> None:
    """Refuse unknown keys, wrong types and negative numbers, naming the key in Chinese."""
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key in _RETIRED:
            raise refuse(source, f"“{path}”已不再使用：规则由哪一部分评判已统一在规则登记表（analyzer/rules.py）中规定，请删除此项。")
        if key not in schema:
            raise refuse(source, f"有未知项“{path}”（此处可用：{'、'.join(sorted(schema))}）。")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise refuse(source, f"“{path}”应为一个表（[{path}]）。")
            validate(value, source, expected, path)
        elif isinstance(expected, Points):
            _check_points(value, expected.part, path, source)
        elif isinstance(expected, Text):
            if not isinstance(value, str) or not value.strip():
                raise refuse(source, f"“{path}”应为非空文字。")
        else:
            _check_number(value, path, source)


def _check_points(value: Any, part: str, path: str, source: str) -> None:
    if not isinstance(value, dict):
        raise refuse(source, f"“{path}”应为“规则 = 分值”的表。")
    for name, pts in value.items():
        _check_number(pts, f"{path}.{name}", source)
        if name not in rules.RULES:
            raise refuse(source, f"“{path}”中的“{name}”不是已登记的规则。")
        judged_by = rules.RULES[name].part
        if judged_by != part:
            raise refuse(source, f"规则“{name}”由{PART_LABELS[judged_by]}部分评判，其分值应写在[{judged_by}.points]中。")


def _check_number(value: Any, path: str, source: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise refuse(source, f"“{path}”应为数字，实为“{value}”。")
    if value < 0:
        raise refuse(source, f"“{path}”不能为负数（当前为{value}）。")


# ---------------------------------------------------------------- flat views


def show(value: Any) -> str:
    """A configuration value as the outputs print it."""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, value) for every number or text of a configuration."""
    out: list[tuple[str, Any]] = []
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.extend(flatten(v, key))
        else:
            out.append((key, v))
    return out


def labelled(data: dict[str, Any], schema: Schema = SCHEMA) -> list[tuple[str, str]]:
    """(Chinese name, value) for every number or text of a configuration, in the schema's order."""
    out: list[tuple[str, str]] = []
    for key, expected in schema.items():
        if key not in data:
            continue
        value = data[key]
        if isinstance(expected, dict):
            out.extend(labelled(value, expected))
        elif isinstance(expected, Points):
            part = PART_LABELS[expected.part]
            out.extend((f"{part}：“{rules.label(name)}”每处扣分", show(pts)) for name, pts in value.items())
        else:
            out.append((expected.label, show(value)))
    return out


def digest_of(data: dict[str, Any]) -> str:
    """The hash of the effective weights (not of the file's bytes): two files saying the same thing share it."""
    weights = {k: v for k, v in data.items() if k not in NOT_WEIGHTS}
    entries = [(key, repr(value)) for key, value in flatten(weights)] + list(V1_ASSIGNMENT)
    return hashlib.sha256(repr(sorted(entries)).encode("utf-8")).hexdigest()[:8]
