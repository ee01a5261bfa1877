"""Review comments (评审意见) a supervising office can sign after light editing: the text.

Structure and register follow ``shared/spec/review.md``: heading, 主送 line,
总体评价, 存在的问题, 整改建议, closing, 落款 (unit and date from the
settings, a visible placeholder when unset: never the clock). Every sentence
rests on a confirmed finding or a measured fact; what the analyzer could not
settle (doubtful findings, cells it could not read) is not put to the agency:
the letter says which parts await checking, and an appendix after the 落款
lists those items for the reviewer (附：待核实事项), who checks the original
before anything of it goes out. Scores, thresholds and rule names stay in the
ranking's 说明; the letter gives the grade only.

What a rule is called, its category, its wording for a letter and its
整改建议 come from the rule registry (``analyzer.rules``); what a measured
fact says comes from the reason's typed fields. ``review_overall`` writes the
总体评价; ``review_docx`` lays the comment out in Word. The same report and
settings give the same text, word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer import rules
from analyzer.findings import SEVERITY_ORDER
from analyzer.model import SECTION_KEYS, Finding, Reason, ReportResult
from analyzer.output.ids import plausible_name
from analyzer.output.review_overall import overall, pending_places
from analyzer.scoring import TABLE_LABELS
from analyzer.sections import part_name, part_number

CLOSING = "请对照上述问题核实修改，并重新发布。"
UNIT_PLACEHOLDER = "（评审单位）"
DATE_PLACEHOLDER = "　　年　　月　　日"
ADDRESSEE_PLACEHOLDER = "（主送单位）"
APPENDIX_TITLE = "附：待核实事项（供评审人员核对原件，核实前不列入意见）"


@dataclass(frozen=True)
class Letterhead:
    """Who signs the comment and on which date: settings only, so that outputs stay deterministic."""

    unit: str = ""
    date: str = ""

    @classmethod
    def of(cls, config=None, reviewer: str | None = None) -> Letterhead:
        """From a score configuration's ``[review]`` table, the unit overridden by ``--reviewer``."""
        unit = getattr(config, "review_unit", "") or ""
        date = getattr(config, "review_date", "") or ""
        return cls((reviewer or unit).strip(), date.strip())

    def signature(self) -> tuple[str, str]:
        """The 落款 lines: the unit, then the date (placeholders when not set)."""
        return self.unit or UNIT_PLACEHOLDER, self.date or DATE_PLACEHOLDER


@dataclass(frozen=True)
class Item:
    """One numbered problem of the comment (or, when ``uncertain``, one item to verify)."""

    severity: str
    category: str
    text: str
    rule: str | None = None
    uncertain: bool = False


def report_title(result: ReportResult) -> str:
    """The report's title as the heading quotes it; made up from agency and year when no plausible title was read."""
    title = (result.meta.title or "").strip().strip("《》")
    if title and plausible_name(title, 60):
        return title
    agency = result.meta.agency if plausible_name(result.meta.agency or "", 30) else None
    if agency and result.meta.year:
        return f"{agency}{result.meta.year}年政府信息公开工作年度报告"
    if result.meta.year:
        return f"{result.meta.year}年政府信息公开工作年度报告"
    return f"{result.report_id}政府信息公开工作年度报告"


def heading(result: ReportResult) -> str:
    """关于《title》的评审意见; a title made up from the year alone is not quoted as the report's own."""
    title = report_title(result)
    read = plausible_name((result.meta.title or "").strip().strip("《》"), 60)
    named = read or plausible_name(result.meta.agency or "", 30)
    return f"关于《{title}》的评审意见" if named else f"关于{title.replace('年政府', '年度政府', 1)}的评审意见"


def addressee(result: ReportResult) -> str:
    """The 主送 line: the agency that published the report, or a placeholder when it was not identified."""
    agency = (result.meta.agency or "").strip()
    return f"{agency if plausible_name(agency, 30) else ADDRESSEE_PLACEHOLDER}："


def _sentence(text: str) -> str:
    text = text.strip().rstrip("。；;，,")
    # A closing parenthesis after a full stop ("…请核对原件。）") already ends the sentence.
    return text if text.endswith(("。）", "。)")) else text + "。"


_SENTENCE_PLACE = re.compile(r"^第\d+句$")


def _with_place(f: Finding) -> str:
    """The finding as a letter states it, with its place added when the wording does not already name it."""
    r = rules.rule(f.rule)
    message = f.message.strip().rstrip("。；;，, ")
    if r.says:
        example = f"（如“{f.quote}”）" if f.quote else ""
        message = r.says.format(message=message, example=example)
    parts = [p.strip() for p in re.split(r"\s*/\s*", f.where or "") if p.strip() and not _SENTENCE_PLACE.match(p.strip())]
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


def _finding_items(findings: list[Finding], uncertain: bool) -> list[Item]:
    """One item per rule; several findings of one rule become one item."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.rule, []).append(f)
    items = []
    for name, group in groups.items():
        severity = min((f.severity for f in group), key=lambda s: SEVERITY_ORDER.get(s, 9))
        texts = [_with_place(f) for f in group]
        if len(texts) == 1:
            body = texts[0]
        else:
            body = f"{rules.label(name)}，共{len(texts)}处：" + "；".join(f"（{i}）{t}" for i, t in enumerate(texts, 1))
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
    finding_rules = {f.rule for f in result.findings if f.status != "uncertain"}
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


def _ordered(items: list[Item]) -> list[Item]:
    order = {c: i for i, c in enumerate(rules.CATEGORIES)}
    # Stable sort keeps the findings' own order (rule, place) inside one severity.
    return sorted(items, key=lambda it: (SEVERITY_ORDER.get(it.severity, 9), order.get(it.category, 99)))


def collect_items(result: ReportResult) -> list[Item]:
    """The problems that stand: confirmed findings and measured facts, errors first, then warnings, then notes."""
    confirmed = [f for f in result.findings if f.status != "uncertain" and not rules.rule(f.rule).reading_note]
    return _ordered(_finding_items(confirmed, False) + _measured_items(result))


def pending_items(result: ReportResult) -> list[Item]:
    """What awaits a person with the original: every doubtful finding, notes on our own reading included."""
    doubtful = [f for f in result.findings if f.status == "uncertain"]
    return _ordered(_finding_items(doubtful, True))


def _data_values(key: str, found_findings: list[Finding], reasons: list[Reason], name: str) -> list[str]:
    values: list[str] = []
    for f in found_findings:
        if f.rule == name and key:
            v = f.data.get(key)
            values += [str(x) for x in (v if isinstance(v, (list, tuple)) else [v]) if x]
    values += [r.fact for r in reasons if r.rule == name and r.fact]
    return list(dict.fromkeys(values))


def fragments(category: str, found: set[str], findings: list[Finding] = (), reasons: list[Reason] = ()) -> list[str]:
    """The suggestion fragments of the rules and measured facts found in one category, in registry order.

    Fragments sharing a frame are listed inside it, at the place of the first;
    ``{data}`` names what the findings (``Rule.suggestion_key``) or reasons (their facts) found.
    """
    entries = [(r.name, r.category, r.suggestion, r.frame, r.suggestion_key) for r in rules.RULES.values()]
    entries += [(m.key, m.category, m.suggestion, "", "") for m in rules.MEASURES.values()]
    slots: list[tuple[str, list[str]]] = []  # (frame or "", fragments)
    for name, cat, fragment, frame, key in entries:
        if cat != category or name not in found or not fragment:
            continue
        if "{data}" in fragment:
            values = _data_values(key, list(findings), list(reasons), name)
            quoted = [v if rules.MEASURES.get(name) else f"“{v}”" for v in values]
            fragment = fragment.format(data="、".join(quoted)) if values else ""
            if not fragment:
                continue
        slot = next((s for s in slots if s[0] == frame and (frame or fragment in s[1])), None)
        if slot is None:
            slots.append((frame, [fragment]))
        elif fragment not in slot[1]:
            slot[1].append(fragment)
    return [frame.format("、".join(parts)) if frame else parts[0] for frame, parts in slots]


def suggestions(result: ReportResult, items: list[Item]) -> list[str]:
    """One concrete suggestion per category of the problems that stand, in the order of the problems."""
    cats: list[str] = []
    for it in items:  # in the order of the problems: errors first
        if not it.uncertain and it.category not in cats:
            cats.append(it.category)
    confirmed = [f for f in result.findings if f.status != "uncertain"]
    found = {f.rule for f in confirmed} | {it.rule for it in items if it.rule and not it.uncertain}
    reasons = [r for p in (result.score.parts if result.score else ()) for r in p.reasons if r.points > 0]
    out = []
    for key in cats:
        if key == "sections":
            # The sections a report lacks are named by their place in the template.
            parts = [part_number(k) for k in _missing_sections(result)]
        else:
            parts = fragments(key, found, confirmed, reasons)
        out.append(rules.category(key).suggest(parts))
    return out


def has_errors(items: list[Item]) -> bool:
    """Whether a confirmed error calls for correction and republication."""
    return any(it.severity == "error" and not it.uncertain for it in items)


@dataclass(frozen=True)
class Comment:
    """The parts of one review comment, shared by the Markdown and DOCX writers."""

    heading: str
    addressee: str
    overall: str
    problems: list[str]
    suggestions: list[str]
    closing: str | None
    signature: tuple[str, str]
    pending: list[str]  # for the reviewer, after the 落款: not part of the letter


def build_comment(result: ReportResult, letterhead: Letterhead | None = None) -> Comment:
    """The comment's heading, 主送, overall judgement, problems, suggestions, closing, 落款 and items to verify."""
    items = collect_items(result)
    pending = pending_items(result)
    return Comment(
        heading=heading(result),
        addressee=addressee(result),
        overall=overall(result, items, pending_places(result)),
        problems=[it.text for it in items],
        suggestions=suggestions(result, items),
        closing=CLOSING if has_errors(items) else None,
        signature=(letterhead or Letterhead()).signature(),
        pending=[it.text for it in pending],
    )


def render_markdown(result: ReportResult, letterhead: Letterhead | None = None) -> str:
    """The review comment as Markdown."""
    c = build_comment(result, letterhead)
    lines = [f"# {c.heading}", "", c.addressee, "", "## 一、总体评价", "", c.overall, ""]
    if c.problems:
        lines += ["## 二、存在的问题", ""]
        lines += [f"{i}. {t}" for i, t in enumerate(c.problems, 1)]
        lines.append("")
        lines += ["## 三、整改建议", ""]
        lines += [f"{i}. {t}" for i, t in enumerate(c.suggestions, 1)]
        lines.append("")
    if c.closing:
        lines += [c.closing, ""]
    lines += [c.signature[0], "", c.signature[1], ""]
    if c.pending:
        lines += ["---", "", f"## {APPENDIX_TITLE}", ""]
        lines += [f"{i}. {t}" for i, t in enumerate(c.pending, 1)]
        lines.append("")
    return "\n".join(lines)
