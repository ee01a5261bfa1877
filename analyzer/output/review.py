"""Review comments (评审意见) a supervisor can sign after light editing: the text.

Structure and register follow ``shared/spec/review.md``. Every sentence is
built from the report's findings, its score reasons or a measured fact; a
report without problems gets a short comment and no invented criticism.
What a rule is called, its category and its 整改建议 come from the rule
registry (``analyzer.rules``); what a measured fact says comes from the
reason's typed fields, never from parsing the score's wording. The same
report gives the same text, word for word. ``review_docx`` lays it out in Word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer import rules
from analyzer.findings import SEVERITY_ORDER
from analyzer.model import SECTION_KEYS, Finding, Reason, ReportResult
from analyzer.scoring import TABLE_LABELS
from analyzer.sections import part_name, part_number

CLOSING = "请对照上述问题核实修改，并重新发布。"


@dataclass(frozen=True)
class Item:
    """One numbered problem of the comment."""

    severity: str
    category: str
    text: str
    rule: str | None = None
    uncertain: bool = False


def report_title(result: ReportResult) -> str:
    """The report's title as the comment's heading quotes it (made up from agency and year when missing)."""
    if result.meta.title:
        return result.meta.title.strip().strip("《》")
    if result.meta.agency and result.meta.year:
        return f"{result.meta.agency}{result.meta.year}年政府信息公开工作年度报告"
    return f"{result.report_id}政府信息公开工作年度报告"


def _sentence(text: str) -> str:
    text = text.strip().rstrip("。；;，,")
    return text + "。"


def _with_place(f: Finding) -> str:
    """The finding's message, with its place added when the message does not already name it."""
    message = f.message.strip().rstrip("。；;，, ")
    parts = [p.strip() for p in re.split(r"\s*/\s*", f.where or "") if p.strip()]
    if parts and not _names_place(message, parts):
        message = f"{message}（位置：{'—'.join(parts)}）"
    return message


def _names_place(message: str, parts: list[str]) -> bool:
    """Whether a message already says where it is: the section (“第三部分”) or a row or column label."""
    if any(p in message for p in parts):
        return True
    # "六、其他需要报告的事项" is named by its title alone as well.
    if re.sub(r"^[一二三四五六七八九十]+、", "", parts[0]) in message and len(parts) == 1:
        return True
    head = parts[0]
    if head[:1] in "一二三四五六" and f"第{head[:1]}部分" in message:
        return len(parts) == 1 or any(p in message for p in parts[1:])
    return False


def _finding_items(findings: list[Finding]) -> list[Item]:
    """One item per rule and status; several findings of one rule become one item."""
    groups: dict[tuple[str, bool], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.status == "uncertain"), []).append(f)
    items = []
    for (name, uncertain), group in groups.items():
        severity = min((f.severity for f in group), key=lambda s: SEVERITY_ORDER.get(s, 9))
        texts = [_with_place(f) for f in group]
        if len(texts) == 1:
            body = texts[0]
        else:
            body = f"{rules.label(name)}，共{len(texts)}处：" + "；".join(
                f"（{i}）{t}" for i, t in enumerate(texts, 1)
            )
        if uncertain:
            body = f"经自动核对存疑，请核实：{body}"
        items.append(Item(severity, rules.rule(name).category, _sentence(body), name, uncertain))
    return items


def _missing_sections(result: ReportResult) -> list[str]:
    return [k for k in SECTION_KEYS if k not in result.sections]


def _measured_items(result: ReportResult) -> list[Item]:
    """Facts measured by the score that no finding states (a missing section, a title without agency)."""
    if result.score is None:
        return []
    items: list[Item] = []
    missing = _missing_sections(result)
    if missing:
        # The report's structure says it, once for all its missing sections.
        names = "、".join(part_name(k) for k in missing)
        items.append(Item("error", "sections", f"报告未见{names}，与年度报告格式要求不符。", "score.section_missing"))
    finding_rules = {f.rule for f in result.findings}
    for part in result.score.parts:
        for reason in part.reasons:
            measure = rules.MEASURES.get(reason.rule or "")
            if measure is None or measure.category is None or reason.points <= 0:
                continue
            if finding_rules.intersection(measure.said_by):
                continue  # the finding says it
            items.append(Item(measure.severity, measure.category, _sentence(_say(measure, reason)), measure.key))
    return items


def _say(measure: rules.Measure, reason: Reason) -> str:
    table = TABLE_LABELS.get(reason.table, "") if reason.table else ""
    return measure.says.format(text=reason.text, fact=reason.fact or reason.text, table=table)


def collect_items(result: ReportResult) -> list[Item]:
    """Every problem of the report: errors first, then warnings, then notes; doubtful findings last."""
    # A doubtful note (severity info) is about our own reading of the file, such as
    # digits run together by a conversion: it is for the supervisor's page and
    # spreadsheet, not for the comment sent to the agency.
    findings = [f for f in result.findings if not (f.status == "uncertain" and f.severity == "info")]
    items = _finding_items(findings) + _measured_items(result)
    order = {c: i for i, c in enumerate(rules.CATEGORIES)}
    # Stable sort keeps the findings' own order (rule, place) inside one severity.
    return sorted(items, key=lambda it: (it.uncertain, SEVERITY_ORDER.get(it.severity, 9), order.get(it.category, 99)))


def _strengths(result: ReportResult) -> list[str]:
    """What the report does well, each backed by the score or the findings."""
    score = result.score
    out: list[str] = []
    if all(k in result.sections for k in SECTION_KEYS):
        out.append("六个部分齐全")
    comp = score.part("completeness") if score else None
    tables_ok = result.tables is not None and all(
        result.tables.found.get(t, False) for t in TABLE_LABELS
    )
    if tables_ok and comp is not None and not any(r.table and r.points > 0 for r in comp.reasons):
        out.append("三张统计表格填报完整")
    acc = score.part("accuracy") if score else None
    if acc is not None and acc.judged and acc.points >= acc.max_points and tables_ok:
        out.append("表格数据经核验未见勾稽关系错误")
    sub = score.part("substance") if score else None
    if sub is not None and "overview" in result.sections and not any(r.rule == "score.figures" for r in sub.reasons):
        out.append("总体情况以具体数字反映全年工作")
    if "problems" in result.sections and not any(rules.rule(f.rule).category == "problems" for f in result.findings):
        kinds = result.narrative.kind_counts if result.narrative else {}
        has_measure = any(s.kind == "measure" for s in result.narrative.statements) if result.narrative else False
        if has_measure or kinds.get("measure"):
            out.append("存在问题部分列明了具体问题并提出改进措施")
    return out


def _overall(result: ReportResult, items: list[Item]) -> str:
    score = result.score
    head = (
        f"该报告评分为{score.total:g}分（满分100分），等级为“{score.grade}”。" if score else "该报告未评分。"
    )
    strengths = _strengths(result)
    good = f"报告{'，'.join(strengths)}。" if strengths else ""
    if not items:
        return head + good + "经核查，未发现需要整改的问题。"
    confirmed = [it for it in items if not it.uncertain]
    n_err = sum(1 for it in confirmed if it.severity == "error")
    n_other = len(confirmed) - n_err
    counts = []
    if n_err:
        counts.append(f"{n_err}项错误")
    if n_other:
        counts.append(f"{n_other}项需改进之处")
    cats = []
    for it in confirmed:
        label = rules.category(it.category).label
        if label not in cats:
            cats.append(label)
    tail = ""
    if counts:
        tail = f"经核查，报告存在{'、'.join(counts)}，主要涉及{'、'.join(cats[:4])}等方面。"
    if len(confirmed) < len(items):
        tail += f"另有{len(items) - len(confirmed)}项情况经自动核对存疑，需核实。"
    return head + good + tail


def fragments(category: str, found: set[str]) -> list[str]:
    """The suggestion fragments of the rules and measured facts found in one category, in registry order.

    Fragments sharing a frame are listed inside it, at the place of the first.
    """
    entries = [(r.name, r.category, r.suggestion, r.frame) for r in rules.RULES.values()]
    entries += [(m.key, m.category, m.suggestion, "") for m in rules.MEASURES.values()]
    slots: list[tuple[str, list[str]]] = []  # (frame or "", fragments)
    for name, cat, fragment, frame in entries:
        if cat != category or name not in found or not fragment:
            continue
        slot = next((s for s in slots if s[0] == frame and (frame or fragment in s[1])), None)
        if slot is None:
            slots.append((frame, [fragment]))
        elif fragment not in slot[1]:
            slot[1].append(fragment)
    return [frame.format("、".join(parts)) if frame else parts[0] for frame, parts in slots]


def suggestions(result: ReportResult, items: list[Item]) -> list[str]:
    """One concrete suggestion per problem category found (doubtful items get one shared request to verify)."""
    cats: list[str] = []
    for it in items:  # in the order of the problems: errors first
        if not it.uncertain and it.category not in cats:
            cats.append(it.category)
    found = {f.rule for f in result.findings if f.status != "uncertain"}
    found |= {it.rule for it in items if it.rule and not it.uncertain}
    out = []
    for key in cats:
        if key == "sections":
            # The sections a report lacks are named by their place in the template.
            parts = [part_number(k) for k in _missing_sections(result)]
        else:
            parts = fragments(key, found)
        out.append(rules.category(key).suggest(parts))
    if any(it.uncertain for it in items):
        out.append("对上述存疑事项逐项核实，如确有错误一并修改。")
    return out


def has_errors(items: list[Item]) -> bool:
    """Whether a confirmed error calls for correction and republication."""
    return any(it.severity == "error" and not it.uncertain for it in items)


@dataclass(frozen=True)
class Comment:
    """The parts of one review comment, shared by the Markdown and DOCX writers."""

    heading: str
    overall: str
    problems: list[str]
    suggestions: list[str]
    closing: str | None


def build_comment(result: ReportResult) -> Comment:
    """The comment's heading, overall judgement, problems, suggestions and closing."""
    items = collect_items(result)
    return Comment(
        heading=f"关于《{report_title(result)}》的评审意见",
        overall=_overall(result, items),
        problems=[it.text for it in items],
        suggestions=suggestions(result, items),
        closing=CLOSING if has_errors(items) else None,
    )


def render_markdown(result: ReportResult) -> str:
    """The review comment as Markdown."""
    c = build_comment(result)
    lines = [f"# {c.heading}", "", "## 一、总体评价", "", c.overall, ""]
    if c.problems:
        lines += ["## 二、存在的问题", ""]
        lines += [f"{i}. {t}" for i, t in enumerate(c.problems, 1)]
        lines.append("")
        lines += ["## 三、整改建议", ""]
        lines += [f"{i}. {t}" for i, t in enumerate(c.suggestions, 1)]
        lines.append("")
    if c.closing:
        lines += [c.closing, ""]
    return "\n".join(lines)
