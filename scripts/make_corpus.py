"""Generate the test corpus: each seed as DOCX, PDF and HTML, plus 900_distinct_values.

Usage::

    .venv/bin/python scripts/make_corpus.py            # everything
    .venv/bin/python scripts/make_corpus.py --no-pdf   # without LibreOffice

Narrative text comes from the seed files (``corpus/*.txt`` when the seeds have
been copied there, else ``../shared/seeds``). Table values come from the
careful reading in ``tests/data/expected/seedNNN.json`` (``null``
stays an empty cell), laid out in the national template the seed uses: the
2021 template (国办公开办函〔2021〕30号) for seeds 000–003, the 2019 template
(国办公开办函〔2019〕60号) for seed 004, whose outdated template is itself a
finding and is kept.

``900_distinct_values`` is seed 000's narrative with every table number
different and the template's arithmetic intact, so an extractor that shifts a
row or a column cannot pass by reading zeros; it is written in all four
formats with its expected JSON in ``tests/data/expected/``.

Determinism: DOCX core properties and zip entry times are fixed (the
report's publication date), so DOCX and HTML regenerate byte for byte.
LibreOffice stamps each PDF with the conversion time and a random document ID;
both are overwritten in place with fixed values of the same length, which makes
the PDFs reproducible for one LibreOffice/font version (other versions lay
text out differently).

PDF conversion needs ``soffice`` and the Noto CJK fonts
(``apt-get install -y libreoffice-writer fonts-noto-cjk``); ``scripts/fonts.conf``
maps the Chinese font names the DOCX asks for to Noto.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"
EXPECTED_OUT = ROOT / "tests" / "data" / "expected"
FONTS_CONF = Path(__file__).resolve().parent / "fonts.conf"

sys.path.insert(0, str(ROOT))
from analyzer.ingest.normalize import conversion_debris  # noqa: E402

# ---------------------------------------------------------------- template data

APPLICANT_COLS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_interest_org",
    "legal_service_org",
    "other_org",
    "total",
)
RESULT_GROUPS_2021: list[tuple[str | None, list[tuple[str, str]]]] = [
    (None, [("granted", "（一）予以公开")]),
    (None, [("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")]),
    (
        "（三）不予公开",
        [
            ("denied_state_secret", "1.属于国家秘密"),
            ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
            ("denied_security_stability", "3.危及“三安全一稳定”"),
            ("denied_third_party", "4.保护第三方合法权益"),
            ("denied_internal_affairs", "5.属于三类内部事务信息"),
            ("denied_process_info", "6.属于四类过程性信息"),
            ("denied_enforcement_files", "7.属于行政执法案卷"),
            ("denied_query_matters", "8.属于行政查询事项"),
        ],
    ),
    (
        "（四）无法提供",
        [
            ("unable_not_held", "1.本机关不掌握相关政府信息"),
            ("unable_needs_creation", "2.没有现成信息需要另行制作"),
            ("unable_unclear", "3.补正后申请内容仍不明确"),
        ],
    ),
    (
        "（五）不予处理",
        [
            ("not_processed_petition", "1.信访举报投诉类申请"),
            ("not_processed_repeated", "2.重复申请"),
            ("not_processed_publication", "3.要求提供公开出版物"),
            ("not_processed_excessive", "4.无正当理由大量反复申请"),
            ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
        ],
    ),
    (
        "（六）其他处理",
        [
            ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
            ("other_other", "3.其他"),
        ],
    ),
    (None, [("results_total", "（七）总计")]),
]
# The 2019 template has a single （六）其他处理 row.
RESULT_GROUPS_2019 = RESULT_GROUPS_2021[:5] + [(None, [("other_processing", "（六）其他处理")])] + RESULT_GROUPS_2021[6:]
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

CHAPTERS = (
    ("一、", "总体情况"),
    ("二、", "主动公开"),
    ("三、", "收到和处理"),
    ("四、", "行政复议"),
    ("五、", "存在的主要问题"),
    ("六、", "其他需要报告"),
)
PART_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    label: bool = False  # left-aligned label text rather than a centred number or header


Grid = list[list[Cell]]  # HTML-style: each row lists only the cells that start in it


@dataclass
class Item:
    kind: str  # title / h1 / h2 / p / table
    text: str = ""
    grid: Grid | None = None
    width: int = 0
    font_pt: float = 9.0
    col_cm: tuple[float, ...] = ()


@dataclass
class Report:
    stem: str
    title: str
    agency: str
    year: int
    template: str
    tables: dict[str, Any]
    items: list[Item] = field(default_factory=list)

    @property
    def published(self) -> date:
        # Reports are due by 31 January of the following year (《条例》第四十九条).
        return date(self.year + 1, 1, 20)


# ---------------------------------------------------------------- seeds


def seed_paths() -> list[Path]:
    local = sorted(p for p in CORPUS.glob("[0-8]*_*.txt"))
    if local:
        return local
    return sorted((SHARED / "seeds").glob("*.txt"))


def chapter_index(line: str) -> int | None:
    s = line.strip()
    for i, (number, keyword) in enumerate(CHAPTERS):
        if s.startswith(number) and keyword in s[:30] and len(s) <= 40:
            return i
    return None


def clean_paragraph(line: str) -> str:
    text = conversion_debris(line).strip()
    text = re.sub(r"^[-•]\s+", "", text)  # list markers left by a markdown conversion
    return text


def parse_seed(text: str) -> tuple[list[str], dict[int, list[str]], list[str]]:
    """Title lines, prose per chapter (-1 = before 一), and the prose lines inside 二."""
    lines = text.splitlines()
    title: list[str] = []
    prose: dict[int, list[str]] = {-1: []}
    extra_s2: list[str] = []
    chapter = -1
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        idx = chapter_index(line)
        if idx is not None:
            chapter = idx
            prose[chapter] = []
            continue
        if chapter == -1 and not prose[-1] and len(line) <= 40 and not re.search(r"[，。：,:]", line):
            title.append(line)
            continue
        if chapter in (1, 2, 3):
            # Sections 二–四 hold the tables; only a full sentence there is prose
            # (seed 004's 发布总数量 line below its 2019 table).
            if chapter == 1 and len(line) >= 20 and re.search(r"[：:。]", line) and "勾稽" not in line and "单位" not in line:
                extra_s2.append(clean_paragraph(line))
            continue
        cleaned = clean_paragraph(line)
        if cleaned:
            prose[chapter].append(cleaned)
    return title, prose, extra_s2


# ---------------------------------------------------------------- values -> grids


def fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def grid_s2_2021(t: dict[str, Any]) -> Grid:
    def v(row: str, col: str) -> str:
        return fmt(t.get(row, {}).get(col))

    return [
        [Cell("第二十条第（一）项", colspan=4)],
        [Cell("信息内容"), Cell("本年制发件数"), Cell("本年废止件数"), Cell("现行有效件数")],
        [Cell("规章", label=True), Cell(v("rules", "issued")), Cell(v("rules", "repealed")), Cell(v("rules", "in_force"))],
        [
            Cell("行政规范性文件", label=True),
            Cell(v("normative_documents", "issued")),
            Cell(v("normative_documents", "repealed")),
            Cell(v("normative_documents", "in_force")),
        ],
        [Cell("第二十条第（五）项", colspan=4)],
        [Cell("信息内容"), Cell("本年处理决定数量", colspan=3)],
        [Cell("行政许可", label=True), Cell(v("administrative_license", "decisions"), colspan=3)],
        [Cell("第二十条第（六）项", colspan=4)],
        [Cell("信息内容"), Cell("本年处理决定数量", colspan=3)],
        [Cell("行政处罚", label=True), Cell(v("administrative_penalty", "decisions"), colspan=3)],
        [Cell("行政强制", label=True), Cell(v("administrative_coercion", "decisions"), colspan=3)],
        [Cell("第二十条第（八）项", colspan=4)],
        [Cell("信息内容"), Cell("本年收费金额（单位：万元）", colspan=3)],
        [Cell("行政事业性收费", label=True), Cell(v("administrative_fees", "amount_10k_yuan"), colspan=3)],
    ]


def grid_s2_2019(t: dict[str, Any]) -> Grid:
    def v(row: str, col: str) -> str:
        return fmt(t.get(row, {}).get(col))

    def three(row: str, label: str, cols: tuple[str, str, str]) -> list[Cell]:
        return [Cell(label, label=True)] + [Cell(v(row, c)) for c in cols]

    services = ("prev_items", "change", "decisions")
    return [
        [Cell("第二十条第（一）项", colspan=4)],
        [Cell("信息内容"), Cell("本年新制作数量"), Cell("本年新公开数量"), Cell("对外公开总数量")],
        three("rules", "规章", ("new_made", "new_published", "total_published")),
        three("normative_documents", "规范性文件", ("new_made", "new_published", "total_published")),
        [Cell("第二十条第（五）项", colspan=4)],
        [Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减"), Cell("处理决定数量")],
        three("administrative_license", "行政许可", services),
        three("other_external_services", "其他对外管理服务事项", services),
        [Cell("第二十条第（六）项", colspan=4)],
        [Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减"), Cell("处理决定数量")],
        three("administrative_penalty", "行政处罚", services),
        three("administrative_coercion", "行政强制", services),
        [Cell("第二十条第（八）项", colspan=4)],
        [Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减", colspan=2)],
        [
            Cell("行政事业性收费", label=True),
            Cell(v("administrative_fees", "prev_items")),
            Cell(v("administrative_fees", "change"), colspan=2),
        ],
        [Cell("第二十条第（九）项", colspan=4)],
        [Cell("信息内容"), Cell("采购项目数量"), Cell("采购总金额", colspan=2)],
        [
            Cell("政府集中采购", label=True),
            Cell(v("government_procurement", "procurement_items")),
            Cell(v("government_procurement", "procurement_amount"), colspan=2),
        ],
    ]


def grid_s3(t: dict[str, Any], template: str) -> Grid:
    groups = RESULT_GROUPS_2021 if template == "2021" else RESULT_GROUPS_2019

    def values(row: str) -> list[Cell]:
        return [Cell(fmt(t.get(row, {}).get(col))) for col in APPLICANT_COLS]

    grid: Grid = [
        [Cell(BALANCE_NOTE, rowspan=3, colspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell("商业企业"), Cell("科研机构"), Cell("社会公益组织"), Cell("法律服务机构"), Cell("其他")],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3, label=True)] + values("new_received"),
        [Cell("二、上年结转政府信息公开申请数量", colspan=3, label=True)] + values("carried_over"),
    ]
    result_rows = sum(len(rows) for _, rows in groups)
    first = True
    for group, rows in groups:
        for i, (key, label) in enumerate(rows):
            row: list[Cell] = []
            if first:
                row.append(Cell("三、本年度办理结果", rowspan=result_rows))
                first = False
            if group is None:
                row.append(Cell(label, colspan=2, label=True))
            else:
                if i == 0:
                    row.append(Cell(group, rowspan=len(rows), label=True))
                row.append(Cell(label, label=True))
            grid.append(row + values(key))
    grid.append([Cell("四、结转下年度继续办理", colspan=3, label=True)] + values("carried_forward"))
    return grid


def grid_s4(t: dict[str, Any]) -> Grid:
    values = [Cell(fmt(t.get(g, {}).get(c))) for g in REVIEW_GROUPS for c in REVIEW_COLS]
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [Cell(label, rowspan=2) for label in REVIEW_LABELS]
        + [Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(label) for label in REVIEW_LABELS] * 2,
        values,
    ]


def grid_width(grid: Grid) -> int:
    return sum(c.colspan for c in grid[0])


def place(grid: Grid) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) for every cell, resolving rowspans like a browser does."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


# ---------------------------------------------------------------- report assembly


def build_items(title: str, prose: dict[int, list[str]], extra_s2: list[str], tables: dict[str, Any], template: str) -> list[Item]:
    items = [Item("title", title)]
    items += [Item("p", p) for p in prose.get(-1, [])]
    s2 = grid_s2_2021(tables["active_disclosure"]) if template == "2021" else grid_s2_2019(tables["active_disclosure"])
    table_items = {
        1: [Item("table", grid=s2, width=4, font_pt=10.5, col_cm=(4.6, 3.6, 3.6, 3.6))]
        + [Item("p", p) for p in extra_s2],
        2: [
            Item(
                "table",
                grid=grid_s3(tables["applications"], template),
                width=10,
                font_pt=9,
                col_cm=(0.9, 1.9, 3.3) + (1.2,) * 6 + (1.5,),
            )
        ],
        3: [Item("table", grid=grid_s4(tables["review_litigation"]), width=15, font_pt=9, col_cm=(1.03,) * 15)],
    }
    for i, (number, _) in enumerate(CHAPTERS):
        heading = {
            0: "一、总体情况",
            1: "二、主动公开政府信息情况",
            2: "三、收到和处理政府信息公开申请情况",
            3: "四、政府信息公开行政复议、行政诉讼情况",
            4: "五、存在的主要问题及改进情况",
            5: "六、其他需要报告的事项",
        }[i]
        items.append(Item("h1", heading))
        if i in table_items:
            items += table_items[i]
            continue
        for p in prose.get(i, []):
            kind = "h2" if PART_RE.match(p) and len(p) <= 30 and "。" not in p else "p"
            items.append(Item(kind, p))
    return items


def load_seed_report(path: Path) -> Report:
    number = path.name[:3]
    expected = json.loads((EXPECTED_OUT / f"seed{number}.json").read_text("utf-8"))
    title_lines, prose, extra_s2 = parse_seed(path.read_text("utf-8"))
    title = re.sub(r"\s+", "", "".join(title_lines))
    meta = expected["report"]
    report = Report(path.stem, title, meta["agency"], meta["year"], meta["template"], expected["tables"])
    report.items = build_items(title, prose, extra_s2, expected["tables"], meta["template"])
    return report


# ---------------------------------------------------------------- 900_distinct_values

RESULT_KEYS_2021 = [key for _, rows in RESULT_GROUPS_2021 for key, _ in rows if key != "results_total"]


def distinct_tables() -> dict[str, Any]:
    """Every number different, and every sum the template states holds."""
    apps: dict[str, dict[str, int]] = {}
    six = APPLICANT_COLS[:6]
    # Result cells 100..225, row totals 615+, (七)总计 3360+, 四 11..66, 二 70..85:
    # ranges chosen so that no two cells of the table can coincide (asserted below).
    for i, key in enumerate(RESULT_KEYS_2021):
        apps[key] = {col: 100 + 6 * i + j for j, col in enumerate(six)}
    apps["results_total"] = {col: sum(apps[k][col] for k in RESULT_KEYS_2021) for col in six}
    apps["carried_forward"] = {col: 11 * (j + 1) for j, col in enumerate(six)}
    apps["carried_over"] = {col: 70 + 3 * j for j, col in enumerate(six)}
    apps["new_received"] = {
        col: apps["results_total"][col] + apps["carried_forward"][col] - apps["carried_over"][col] for col in six
    }
    for row in apps.values():
        row["total"] = sum(row[c] for c in six)
    order = ["new_received", "carried_over"] + RESULT_KEYS_2021 + ["results_total", "carried_forward"]
    apps = {k: apps[k] for k in order}
    numbers = [v for row in apps.values() for v in row.values()]
    assert len(numbers) == len(set(numbers)), "section 三 numbers must all differ"

    review = {}
    base = [(1, 2, 3, 4), (5, 6, 7, 8), (9, 11, 12, 13)]
    for group, (a, b, c, d) in zip(REVIEW_GROUPS, base):
        review[group] = {"upheld": a, "corrected": b, "other": c, "pending": d, "total": a + b + c + d}
    numbers = [v for row in review.values() for v in row.values()]
    assert len(numbers) == len(set(numbers)), "section 四 numbers must all differ"

    active = {
        # 规章 0: a township has no rule-making power, so no finding is expected.
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": 9, "repealed": 4, "in_force": 68},
        "administrative_license": {"decisions": 2871},
        "administrative_penalty": {"decisions": 352},
        "administrative_coercion": {"decisions": 47},
        "administrative_fees": {"amount_10k_yuan": 12.3456},
    }
    return {"active_disclosure": active, "applications": apps, "review_litigation": review}


# Seed 000's narrative with the agency renamed (a different report must not pose
# as 朱家房镇's) and the sentences that would contradict the new tables rewritten.
DISTINCT_AGENCY = ("朱家房镇", "青石镇")


def distinct_report(seed000: Path) -> Report:
    title_lines, prose, _ = parse_seed(seed000.read_text("utf-8"))
    tables = distinct_tables()
    received = tables["applications"]["new_received"]["total"]
    carried = tables["applications"]["carried_forward"]["total"]

    def rewrite(text: str) -> str:
        text = text.replace(*DISTINCT_AGENCY)
        text = text.replace(
            "2021年无公民、法人和其他组织向我镇提出政府信息公开申请。",
            f"2021年我镇共收到政府信息公开申请{received}件，已按法定程序办理，{carried}件结转下年度继续办理。",
        )
        text = text.replace("近两年无政府信息公开申请。", "政府信息公开申请的办理质量有待提高。")
        # The 2021 template asks section 六 to state the 信息处理费 charged.
        text = text.replace("无其他需要报告事项", "2021年，我镇未收取政府信息公开信息处理费。无其他需要报告事项。")
        return text

    prose = {k: [rewrite(p) for p in v] for k, v in prose.items()}
    title = rewrite(re.sub(r"\s+", "", "".join(title_lines)))
    report = Report("900_distinct_values", title, "青石镇人民政府", 2021, "2021", tables)
    report.items = build_items(title, prose, [], tables, "2021")
    return report


def expected_json(report: Report) -> dict[str, Any]:
    return {
        "id": report.stem,
        "source": f"corpus/{report.stem}.txt",
        "report": {"agency": report.agency, "level": "township", "year": report.year, "template": report.template},
        "tables": report.tables,
        "unreadable": [],
        "expected_findings": [],
        "notes": (
            "Synthetic (scripts/make_corpus.py): seed 000's narrative, agency renamed 青石镇, every table number "
            "different. Section 三: each row's 总计 is the sum of its six applicant columns, the result rows sum "
            "to （七）总计, and 一+二 = （七）+四 in every column; section 四: each group's 总计 is the sum of its "
            "four results; 规章 are 0 (a township makes no 规章), so no finding is expected. The narrative's "
            "application count equals 本年新收 总计."
        ),
    }


# ---------------------------------------------------------------- TXT (seed 000 layout)


def write_txt(report: Report, path: Path) -> None:
    """Tab-prefixed cells one per line, rows separated by a blank line (as seed 000)."""
    out: list[str] = []
    for item in report.items:
        if item.kind == "table":
            assert item.grid is not None
            placed = place(item.grid)
            starts = {(r, c): cell for r, c, cell in placed}
            covered: dict[tuple[int, int], Cell] = {}
            for r, c, cell in placed:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        covered[(r + dr, c + dc)] = cell
            for r in range(len(item.grid)):
                cells = []
                c = 0
                while c < item.width:
                    cell = covered[(r, c)]
                    cells.append(cell.text if (r, c) in starts else "")
                    c += cell.colspan
                out.append("\n".join("\t" + text for text in cells) + "\n")
            out.append("\n")
        else:
            out.append(item.text + "\n\n")
    path.write_text("".join(out), encoding="utf-8")


# ---------------------------------------------------------------- DOCX


def write_docx(report: Report, path: Path) -> None:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    # GB/T 9704 (党政机关公文格式) margins.
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    # Page number in the footer as GB/T 9704 sets it: "— 1 —", centred.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:t xml:space="preserve">— </w:t></w:r>'
        )
    )
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))

    def font(run: Any, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def paragraph(text: str, face: str, size: float, *, align: Any = None, indent: bool = True, bold: bool = False) -> None:
        p = document.add_paragraph()
        fmt_ = p.paragraph_format
        fmt_.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt_.line_spacing = Pt(28)
        fmt_.space_before = fmt_.space_after = Pt(0)
        if indent:
            fmt_.first_line_indent = Pt(2 * size)
        if align is not None:
            p.alignment = align
        font(p.add_run(text), face, size, bold)

    for item in report.items:
        if item.kind == "title":
            paragraph(item.text, "方正小标宋简体", 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        elif item.kind == "h1":
            paragraph(item.text, "黑体", 16)
        elif item.kind == "h2":
            paragraph(item.text, "楷体_GB2312", 16)
        elif item.kind == "p":
            paragraph(item.text, "仿宋_GB2312", 16)
        else:
            assert item.grid is not None
            table = document.add_table(rows=len(item.grid), cols=item.width)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            for r, c, cell in place(item.grid):
                target = table.cell(r, c)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
                target.text = ""
                target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                p = target.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.label else WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                if cell.text:
                    font(p.add_run(cell.text), "宋体", item.font_pt)
            # LibreOffice lays a table out from its grid (w:gridCol), Word from the cells: set both.
            for i, width in enumerate(item.col_cm):
                table.columns[i].width = Cm(width)
            for row in table.rows:
                for i, width in enumerate(item.col_cm):
                    row.cells[i].width = Cm(width)
                # 不允许跨页断行: a row never splits over a page break (tables themselves still do).
                row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            document.add_paragraph()  # Word needs a paragraph between adjacent tables

    when = datetime(report.published.year, report.published.month, report.published.day, 9, 0, 0)
    props = document.core_properties
    props.author = report.agency
    props.last_modified_by = report.agency
    props.title = report.title
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(deterministic_zip(buffer.getvalue(), when.timetuple()[:6]))


def deterministic_zip(data: bytes, when: tuple[int, ...]) -> bytes:
    """The same zip with fixed entry times (python-docx stamps entries with the clock)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- PDF


def convert_pdfs(docx_paths: list[Path], out_dir: Path, published: dict[str, date]) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="make-corpus-") as tmp:
        env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=tmp)
        profile = (Path(tmp) / "profile").as_uri()
        command = [office, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir)]
        subprocess.run(command + [str(p) for p in docx_paths], env=env, check=True, capture_output=True, timeout=600)
    for docx_path in docx_paths:
        pdf_path = out_dir / (docx_path.stem + ".pdf")
        pdf_path.write_bytes(fix_pdf_stamps(pdf_path.read_bytes(), published[docx_path.stem]))


def fix_pdf_stamps(data: bytes, when: date) -> bytes:
    """Overwrite LibreOffice's conversion time, /DocChecksum and random /ID in place
    (same lengths, so the cross-reference offsets stay valid)."""
    stamp = when.strftime("%Y%m%d") + "090000"

    def date_sub(match: re.Match[bytes]) -> bytes:
        old = match.group(2)
        new = (stamp.encode() + old[len(stamp):])[: len(old)]
        new = re.sub(rb"[+-]\d\d'\d\d'?$", lambda m: b"+08'00'"[: len(m.group(0))], new)
        return match.group(1) + new

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)([^)]*)", date_sub, data)
    data = re.sub(rb"/DocChecksum\s*/[0-9A-Fa-f]+", lambda m: m.group(0)[:-32] + b"0" * 32, data)
    digest = hashlib.md5(re.sub(rb"/ID\s*\[[^\]]*\]", b"", data)).hexdigest().upper().encode()

    def id_sub(match: re.Match[bytes]) -> bytes:
        return re.sub(rb"<([0-9A-Fa-f]+)>", lambda m: b"<" + digest[: len(m.group(1))].ljust(len(m.group(1)), b"0") + b">", match.group(0))

    return re.sub(rb"/ID\s*\[[^\]]*\]", id_sub, data)


# ---------------------------------------------------------------- HTML (government CMS shape)

HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{published} 09:00">
<meta name="ContentSource" content="{agency}">
<title>{title}_{agency}</title>
<link rel="stylesheet" href="/images/common.css">
<script type="text/javascript">var _hmt = _hmt || [];</script>
</head>
<body>
<div class="top-bar"><div class="wrap">欢迎访问{agency}门户网站 <a href="/wza/">无障碍</a> <a href="/">长者模式</a></div></div>
<div class="header"><div class="wrap"><img src="/images/logo.png" alt="{agency}"><form class="search" action="/search/"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjxq/">走进{short}</a></li></ul></div>
<div class="wrap main">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/ndbg/">政府信息公开年报</a></div>
<div class="article">
<h1 class="article-title">{title}</h1>
<div class="article-meta">发布时间：{published} 09:00&nbsp;&nbsp;来源：{agency}&nbsp;&nbsp;浏览次数：<span id="views">1024</span>&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="TRS_Editor">
{body}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
</div>
<div class="footer"><div class="wrap"><p>主办单位：{agency}&nbsp;&nbsp;承办单位：{agency}党政办公室</p><p>网站标识码：0000000000&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/">ICP备00000000号</a></p><p>版权所有 © {agency}</p></div></div>
</body>
</html>
"""


def html_body(report: Report) -> str:
    parts = []
    numbers_seen = 0
    for item in report.items:
        if item.kind == "title":
            continue  # the CMS shows the title in its own header above the article
        if item.kind == "h1":
            parts.append(f'<p style="text-indent:2em;"><strong><span style="font-family:黑体;">{html.escape(item.text)}</span></strong></p>')
        elif item.kind == "h2":
            parts.append(f'<p style="text-indent:2em;"><span style="font-family:楷体_GB2312;">{html.escape(item.text)}</span></p>')
        elif item.kind == "p":
            parts.append(f'<p style="text-indent:2em;"><span style="font-family:仿宋_GB2312;font-size:16pt;">{html.escape(item.text)}</span></p>')
        else:
            assert item.grid is not None
            rows = []
            for row in item.grid:
                cells = []
                for cell in row:
                    attrs = ""
                    if cell.rowspan > 1:
                        attrs += f' rowspan="{cell.rowspan}"'
                    if cell.colspan > 1:
                        attrs += f' colspan="{cell.colspan}"'
                    text = html.escape(cell.text)
                    if re.fullmatch(r"-?\d+(\.\d+)?", cell.text or ""):
                        # CMS editors leave non-breaking spaces around numbers.
                        numbers_seen += 1
                        text = ("&nbsp;" + text) if numbers_seen % 3 == 0 else (text + "&nbsp;" if numbers_seen % 3 == 1 else text)
                    elif not cell.text:
                        text = "&nbsp;"
                    align = "left" if cell.label else "center"
                    cells.append(f'<td{attrs} valign="middle"><p style="text-align:{align};"><span style="font-size:12px;">{text}</span></p></td>')
                rows.append("<tr>" + "".join(cells) + "</tr>")
            parts.append('<table border="1" cellspacing="0" cellpadding="0" width="100%" style="border-collapse:collapse;">\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")
    return "\n".join(parts)


def write_html(report: Report, path: Path) -> None:
    agency = report.agency
    short = re.sub(r"人民政府.*$", "", agency)
    page = HTML_PAGE.format(
        title=html.escape(report.title),
        agency=html.escape(agency),
        short=html.escape(short),
        published=report.published.isoformat(),
        body=html_body(report),
    )
    path.write_text(page, encoding="utf-8")


# ---------------------------------------------------------------- test fixtures

TEST_DATA = ROOT / "tests" / "data"
BROKEN_GLYPH = "测"  # what a LibreOffice PDF without CJK fonts maps every CJK glyph to (tech-baselines §1)


def make_test_pdfs(source_pdf: Path) -> None:
    """tests/data/broken_font_map.pdf and encrypted.pdf, made from a generated PDF with qpdf.

    The broken one keeps the drawn page intact but its ToUnicode maps send
    every CJK glyph to one character, the failure a missing font produces.
    """
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        print("qpdf not found: test PDFs not regenerated (apt-get install -y qpdf)", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory(prefix="make-test-pdfs-") as tmp:
        qdf = Path(tmp) / "q.pdf"
        # First page only: a small fixture is enough for the text-layer gate.
        subprocess.run(
            [qpdf, "--qdf", "--object-streams=disable", "--deterministic-id", str(source_pdf), "--pages", ".", "1", "--", str(qdf)],
            check=True,
        )
        data = qdf.read_bytes()
        target = f"{ord(BROKEN_GLYPH):04X}".encode()

        def remap(block: re.Match[bytes]) -> bytes:
            return re.sub(
                rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]{4})>",
                lambda m: m.group(1) + b"<" + (target if 0x3400 <= int(m.group(2), 16) <= 0x9FFF else m.group(2)) + b">",
                block.group(0),
            )

        data = re.sub(rb"beginbfchar.*?endbfchar", remap, data, flags=re.S)
        data = re.sub(rb"beginbfrange.*?endbfrange", remap, data, flags=re.S)
        qdf.write_bytes(data)
        fixed = Path(tmp) / "fixed.pdf"
        with fixed.open("wb") as out:
            subprocess.run(["fix-qdf", str(qdf)], check=True, stdout=out)
        subprocess.run(
            [qpdf, "--deterministic-id", "--compress-streams=y", "--object-streams=generate", str(fixed), str(TEST_DATA / "broken_font_map.pdf")],
            check=True,
        )
    if (TEST_DATA / "encrypted.pdf").exists():
        return  # AES-256 salts are random: regenerating would change the file for nothing
    subprocess.run(
        # --static-id keeps the file reproducible (qpdf refuses --deterministic-id with encryption).
        [qpdf, "--static-id", "--encrypt", "user-pw", "owner-pw", "256", "--", str(source_pdf), "--pages", ".", "1", "--", str(TEST_DATA / "encrypted.pdf")],
        check=True,
    )


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice PDF conversion")
    args = parser.parse_args(argv)

    CORPUS.mkdir(exist_ok=True)
    EXPECTED_OUT.mkdir(parents=True, exist_ok=True)
    seeds = seed_paths()
    reports = [load_seed_report(p) for p in seeds]
    seed000 = next(p for p in seeds if p.name.startswith("000_"))
    distinct = distinct_report(seed000)
    reports.append(distinct)

    write_txt(distinct, CORPUS / f"{distinct.stem}.txt")
    (EXPECTED_OUT / f"{distinct.stem}.json").write_text(
        json.dumps(expected_json(distinct), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    docx_paths = []
    for report in reports:
        docx_path = CORPUS / f"{report.stem}.docx"
        write_docx(report, docx_path)
        write_html(report, CORPUS / f"{report.stem}.html")
        docx_paths.append(docx_path)
        print(f"{report.stem}: docx html", file=sys.stderr)
    if not args.no_pdf:
        convert_pdfs(docx_paths, CORPUS, {r.stem: r.published for r in reports})
        print(f"{len(docx_paths)} PDFs converted", file=sys.stderr)
        make_test_pdfs(CORPUS / f"{distinct.stem}.pdf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
