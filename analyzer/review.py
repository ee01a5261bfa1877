"""Review comments (评审意见) a supervisor can sign after light editing.

Structure and register follow ``shared/spec/review.md``. Every sentence is
built from the report's findings, its score reasons or a measured fact; a
report without problems gets a short comment and no invented criticism.
The same report gives the same text, word for word, and the same DOCX bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from analyzer.findings import SEVERITY_ORDER
from analyzer.model import SECTION_KEYS, Finding, ReportResult
from analyzer.rules import label as rule_label
from analyzer.scoring import TABLE_LABELS
from analyzer.sections import part_name, part_number

CLOSING = "请对照上述问题核实修改，并重新发布。"
COMBINED_NAME = "评审意见汇编.docx"
FIXED_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)  # DOCX/XLSX core properties: same bytes on every run

# Problem categories of the suggestions, in the order they are written.
_CATEGORY_ORDER = (
    "sections", "table_completeness", "template", "table_data", "legal_power", "title",
    "overview", "problems", "narrative", "fee", "publication", "other",
)


def category_of(rule: str) -> str:
    """The problem category a rule belongs to, for grouping suggestions."""
    if rule.startswith("tables.missing_") or rule == "tables.non_numeric_cell":
        return "table_completeness"
    if rule == "template.outdated":
        return "template"
    if rule == "active_disclosure.rules_without_power":
        return "legal_power"
    if rule.startswith(("applications.", "review_litigation.", "continuity.", "tables.")) or rule == "narrative.table_mismatch":
        return "table_data"
    if rule.startswith("problems."):
        return "problems"
    if rule.startswith("overview."):
        return "overview"
    if rule.startswith("narrative."):
        return "narrative"
    if rule == "other.missing_fee_statement":
        return "fee"
    if rule.startswith("publication."):
        return "publication"
    return "other"


CATEGORY_LABELS = {
    "sections": "章节结构",
    "table_completeness": "表格完整性",
    "template": "年报格式",
    "table_data": "表格数据",
    "legal_power": "法定权限",
    "title": "报告标题",
    "overview": "总体情况",
    "problems": "存在问题及改进",
    "narrative": "正文表述",
    "fee": "信息处理费说明",
    "publication": "发布时限",
    "other": "其他",
}


@dataclass(frozen=True)
class Item:
    """One numbered problem of the comment."""

    severity: str
    category: str
    text: str
    rule: str | None = None
    uncertain: bool = False


def report_title(result: ReportResult) -> str:
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
    for (rule, uncertain), group in groups.items():
        severity = min((f.severity for f in group), key=lambda s: SEVERITY_ORDER.get(s, 9))
        texts = [_with_place(f) for f in group]
        if len(texts) == 1:
            body = texts[0]
        else:
            body = f"{rule_label(rule)}，共{len(texts)}处：" + "；".join(
                f"（{i}）{t}" for i, t in enumerate(texts, 1)
            )
        if uncertain:
            body = f"经自动核对存疑，请核实：{body}"
        items.append(Item(severity, category_of(rule), _sentence(body), rule, uncertain))
    return items


def _measured_items(result: ReportResult) -> list[Item]:
    """Facts measured by the score that no finding states (a missing section, a title without agency)."""
    items: list[Item] = []
    if result.score is None:
        return items
    finding_rules = {f.rule for f in result.findings}
    missing_sections = [k for k in SECTION_KEYS if k not in result.sections]
    if missing_sections:
        names = "、".join(part_name(k) for k in missing_sections)
        items.append(Item("error", "sections", f"报告未见{names}，与年度报告格式要求不符。"))
    for part in result.score.parts:
        for reason in part.reasons:
            if reason.points <= 0:
                continue
            kind = reason.rule or ""
            if kind == "score.table_missing":
                if "tables.missing_table" in finding_rules:
                    continue  # the finding says it
                items.append(Item("error", "table_completeness", _sentence(f"报告{reason.text[3:]}未见，无法核验相关数据")))
            elif kind == "score.cells_missing":
                if not ({"tables.missing_cell", "tables.missing_row"} & finding_rules):
                    items.append(Item("warning", "table_completeness", _sentence(reason.text)))
            elif kind == "score.title":
                items.append(Item("warning", "title", _sentence(reason.text)))
            elif kind == "score.figures":
                # The score's threshold is for the supervisor, not for the agency's comment.
                text = re.sub(r"（\d+处及以上得满分）", "", reason.text)
                items.append(Item("warning", "overview", _sentence(text + "，工作成效缺少数据支撑")))
            elif kind == "score.boilerplate_share" and "narrative.boilerplate" not in finding_rules:
                items.append(Item("info", "narrative", _sentence(reason.text), kind))
            # score.section_missing is said once above; score.not_judged restates a missing table.
    return items


def collect_items(result: ReportResult) -> list[Item]:
    """Every problem of the report: errors first, then warnings, then notes; doubtful findings last."""
    # A doubtful note (severity info) is about our own reading of the file, such as
    # digits run together by a conversion: it is for the supervisor's page and
    # spreadsheet, not for the comment sent to the agency.
    findings = [f for f in result.findings if not (f.status == "uncertain" and f.severity == "info")]
    items = _finding_items(findings) + _measured_items(result)
    order = {c: i for i, c in enumerate(_CATEGORY_ORDER)}
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
    if tables_ok and comp is not None and not any(("表格" in r.text and r.points > 0) for r in comp.reasons):
        out.append("三张统计表格填报完整")
    acc = score.part("accuracy") if score else None
    if acc is not None and acc.judged and acc.points >= acc.max_points and tables_ok:
        out.append("表格数据经核验未见勾稽关系错误")
    sub = score.part("substance") if score else None
    if sub is not None and "overview" in result.sections and not any(
        r.text.startswith("总体情况中带单位的具体数字") for r in sub.reasons
    ):
        out.append("总体情况以具体数字反映全年工作")
    if "problems" in result.sections and not any(f.rule.startswith("problems.") for f in result.findings):
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
        label = CATEGORY_LABELS[it.category]
        if label not in cats:
            cats.append(label)
    tail = ""
    if counts:
        tail = f"经核查，报告存在{'、'.join(counts)}，主要涉及{'、'.join(cats[:4])}等方面。"
    if len(confirmed) < len(items):
        tail += f"另有{len(items) - len(confirmed)}项情况经自动核对存疑，需核实。"
    return head + good + tail


def _suggestion(category: str, result: ReportResult, items: list[Item]) -> str:
    findings = [f for f in result.findings if f.status != "uncertain"]
    rules = {f.rule for f in findings}
    if category == "sections":
        missing = [k for k in SECTION_KEYS if k not in result.sections]
        names = "、".join(part_number(k) for k in missing)
        return f"按照年度报告格式补齐{names}，各部分标题和顺序与格式保持一致。"
    if category == "table_completeness":
        return "按照年度报告格式补齐表格中缺少的行和单元格，本年度未发生的事项填写“0”，不应留空或删除。"
    if category == "template":
        return "按照《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）重新编制第二、三、四部分表格。"
    if category == "table_data":
        places = []
        if any(r.startswith("applications.") for r in rules):
            places.append("第三部分表格各列、各行的合计及“第一项加第二项之和等于第三项加第四项之和”的勾稽关系")
        if any(r.startswith("review_litigation.") for r in rules):
            places.append("第四部分表格各类行政复议、行政诉讼案件的总计与分项之和")
        carried = [w for r, w in (("continuity.carried_over", "上年结转数"), ("continuity.in_force", "现行有效件数")) if r in rules]
        if carried:
            places.append(f"与上年报告相衔接的{'、'.join(carried)}")
        elif any(r.startswith("continuity.") for r in rules):
            places.append("与上年报告相衔接的数据")
        if "narrative.table_mismatch" in rules:
            places.append("正文所述数字与表格数据")
        what = "、".join(places) or "表格数据"
        return f"对照政府信息公开申请办理台账和相关案件记录，逐项核实{what}，确保数据准确一致。"
    if category == "legal_power":
        return "核实第二部分“规章”一栏的数据：本机关不具有规章制定权，所制发文件如属行政规范性文件，应在相应栏目填报。"
    if category == "title":
        return "在报告标题中写明发布机关全称和报告年度。"
    if category == "overview":
        return "在总体情况中按主动公开、依申请公开、政府信息管理、平台建设、监督保障五个方面分别说明，并以具体数字反映全年工作。"
    if category == "problems":
        asks = []
        if "problems.missing" in rules:
            asks.append("如实列明本年度政府信息公开工作存在的具体问题")
        if "problems.vague" in rules:
            asks.append("问题应指向具体工作环节，并附具体数字或事例")
        if "problems.no_measures" in rules:
            asks.append("针对每项问题提出具体、可检验的改进措施")
        if "problems.repeated" in rules:
            asks.append("对上年报告已列明的问题说明整改进展，避免原样重复")
        return "第五部分" + ("，".join(asks) or "应列明具体问题并提出改进措施") + "。"
    if category == "narrative":
        asks = []
        if "narrative.stale_year" in rules:
            asks.append("核对正文中的年份表述")
        if "narrative.copied" in rules:
            asks.append("结合本年度工作实际撰写正文，避免沿用上年报告")
        if "narrative.boilerplate" in rules or any(it.rule == "score.boilerplate_share" for it in items):
            asks.append("减少通用套话，多写本机关本年度的具体做法和成效")
        return "，".join(asks or ["结合本年度工作实际撰写正文"]) + "。"
    if category == "fee":
        return "在第六部分说明本年度信息处理费的收取情况，未收取的也应写明。"
    if category == "publication":
        return "今后按照《中华人民共和国政府信息公开条例》第四十九条规定的时限公布年度报告。"
    return "对照上述其他问题逐项核实，并作相应修改。"


def suggestions(result: ReportResult, items: list[Item]) -> list[str]:
    """One concrete suggestion per problem category found (doubtful items get one shared request to verify)."""
    cats: list[str] = []
    for it in items:  # in the order of the problems: errors first
        if not it.uncertain and it.category not in cats:
            cats.append(it.category)
    out = [_suggestion(c, result, items) for c in cats]
    if any(it.uncertain for it in items):
        out.append("对上述存疑事项逐项核实，如确有错误一并修改。")
    return out


def has_errors(items: list[Item]) -> bool:
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


# ---------------------------------------------------------------- DOCX

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


def _set_fonts(run_or_style, east_asian: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = LATIN_FONT
    font.size = Pt(size_pt)
    font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


TITLE_STYLE = "评审意见标题"
HEADING_STYLE = "评审意见小标题"


def _style(doc, name: str, font: str, size: float, *, indent: bool, center: bool = False):
    """A paragraph style: fonts and spacing set once, so each paragraph is only its text (fast, and editable in Word)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    style = doc.styles["Normal"] if name == "Normal" else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = doc.styles["Normal"]
    _set_fonts(style, font, size)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)  # 公文: fixed 28-point lines, 22 lines a page
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32) if indent else Pt(0)  # two characters of 三号
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return style


_TEMPLATE: dict[str, bytes] = {}


def _new_document():
    """A blank document with our page setup and styles (built once, then reopened from bytes: faster)."""
    from docx import Document

    if "docx" not in _TEMPLATE:
        buf = io.BytesIO()
        _build_template().save(buf)
        _TEMPLATE["docx"] = buf.getvalue()
    return Document(io.BytesIO(_TEMPLATE["docx"]))


def _build_template():
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    # GB/T 9704-2012: 天头 37 mm, 订口 28 mm; text block 156 × 225 mm.
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    _style(doc, "Normal", BODY_FONT, 16, indent=True)  # body: 仿宋 三号
    _style(doc, TITLE_STYLE, HEADING_FONT, 22, indent=False, center=True)  # title: 二号
    _style(doc, HEADING_STYLE, HEADING_FONT, 16, indent=True)  # 一级标题: 黑体 三号
    props = doc.core_properties
    props.author = "政府信息公开工作年度报告分析器"
    props.last_modified_by = ""
    props.title = "评审意见"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    props.last_printed = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    return doc


def _add(doc, text: str, style_id: str | None = None):
    # Setting paragraph.style by object makes python-docx scan every style per paragraph
    # (quadratic in a batch); the style id is written directly instead. Body text uses
    # the default (Normal) style and needs no id.
    p = doc.add_paragraph(text)
    if style_id:
        p._p.style = style_id
    return p


def _add_comment(doc, comment: Comment):
    """Add one comment; return its last paragraph (where a page break may follow)."""
    title = doc.styles[TITLE_STYLE].style_id
    heading = doc.styles[HEADING_STYLE].style_id
    _add(doc, comment.heading, title)
    _add(doc, "", title)
    _add(doc, "一、总体评价", heading)
    last = _add(doc, comment.overall)
    if comment.problems:
        _add(doc, "二、存在的问题", heading)
        for i, t in enumerate(comment.problems, 1):
            _add(doc, f"{i}. {t}")
        _add(doc, "三、整改建议", heading)
        for i, t in enumerate(comment.suggestions, 1):
            last = _add(doc, f"{i}. {t}")
    if comment.closing:
        last = _add(doc, comment.closing)
    return last


def write_docx(results: list[ReportResult], path: Path) -> Path:
    """One DOCX with the comment of each result; a page break between reports."""
    from docx.enum.text import WD_BREAK

    path = Path(path)
    doc = _new_document()
    # The default template starts with no paragraph; the first comment starts the page.
    last = None
    for result in results:
        if last is not None:
            # Keep the last paragraph at hand: doc.paragraphs rebuilds the whole list (quadratic in a batch).
            last.add_run().add_break(WD_BREAK.PAGE)
        last = _add_comment(doc, build_comment(result))
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    doc.save(buf)
    write_frozen_zip(buf.getvalue(), path)
    return path


_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)([^<]*)(</dcterms:(?:created|modified)>)")
FIXED_STAMP = b"2000-01-01T00:00:00Z"


def write_frozen_zip(data: bytes, path: Path) -> None:
    """Write the zip container ``data`` to ``path`` with fixed timestamps (entries and core properties)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w") as zout:
        for info, content in entries:
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time into the core properties whatever we set.
                content = _CORE_TIMES.sub(rb"\g<1>" + FIXED_STAMP + rb"\g<3>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            zout.writestr(fixed, content, compresslevel=1)  # fast: these files are small and written by the hundred


def review_name(result: ReportResult) -> str:
    return result.report_id


def review_names(results: list[ReportResult]) -> dict[str, str]:
    """File names (without suffix) of the reviews: the report ids of the run's JSON files.

    The seeds come as one stem in four formats, so ids must be made unique the
    same way the JSON files are (``analyzer.outputs.report_ids``).
    """
    try:
        from analyzer.outputs import report_ids
    except ImportError:  # the output module is optional for library use
        report_ids = None
    if report_ids is not None:
        return report_ids(list(results))
    names: dict[str, str] = {}
    used: dict[str, int] = {}
    for r in sorted(results, key=lambda r: r.source):
        name = review_name(r)
        n = used.get(name, 0)
        used[name] = n + 1
        names[r.source] = f"{name}-{n + 1}" if n else name
    return names


def write_reviews(results: list[ReportResult], out_dir: Path) -> list[Path]:
    """One .md and one .docx per report under ``out_dir/reviews/``, plus the combined 评审意见汇编.docx."""
    folder = Path(out_dir) / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(results, key=lambda r: r.source)
    names = review_names(ordered)
    written: list[Path] = []
    for r in ordered:
        name = names[r.source]
        md = folder / f"{name}.评审意见.md"
        md.write_text(render_markdown(r), encoding="utf-8")
        written.append(md)
        written.append(write_docx([r], folder / f"{name}.评审意见.docx"))
    if ordered:
        written.append(write_docx(ordered, folder / COMBINED_NAME))
    return written
