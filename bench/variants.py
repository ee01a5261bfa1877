"""Variants of the visible reports, each with the values a careful reader would find in it.

Issue 9 asks how *true* the analyzer's claims are on reports it has never seen.
This module makes such reports from the visible ones, changing one thing at a
time in a way whose effect on the truth is known, and writes that truth next
to each one. ``bench/bench_truth.py`` runs the analyzer over them and scores.

Bases
    The seeds (``corpus/00*.txt`` with ``../shared/corpus-real/expected/seed00*.json``,
    and ``corpus/900_distinct_values.txt`` with ``tests/data/expected/``) and the
    real texts of ``../shared/corpus-real/`` whose six sections a plain heading
    search finds. Real reports are read from there at run time and never copied
    into the repository; when the folder is absent they are skipped.

    A base is split into its title, preamble, narrative (总体情况, 五, 六) and its
    expected tables. Variants are *rendered* from that: the narrative is the
    report's own, the tables are printed from the expected values (so a cell that
    was unreadable in the original is printed plainly and is expected as such),
    and the expected findings are computed from the printed tables by
    ``truth_schema.table_findings`` (the arithmetic of ``spec/tables.md``), plus
    the base's own text-vs-table findings while its narrative and tables are kept.

Families (``FAMILIES``), each a function ``base -> [Variant]``
    control         the base re-rendered with nothing changed (TXT, HTML): how well the
                    renderings themselves are read, so a family's failures can be told apart
    header_title    the title only in a crawler header (``标题:``), an HTML ``<title>``,
                    an HTML ``<h1>`` or DOCX core properties — not in the body
    preamble        the body opens with a long sentence about the 条例 and the 年度报告格式
                    (some naming another office), the title in the header only
    department      the agency replaced by a department of a city / district / county /
                    special area, or written with an abbreviation; expected agency = the
                    full name, level = the parent government's (tables.md "Who reports")
    pairs           a base and a made next-year report of the same agency (sometimes under
                    another name form) that continues it or breaks it in a known cell;
                    and same-named districts of different cities, which must not be linked
    flattened       tables 二/三/四 printed as digit runs without separators, with made
                    values whose rows split several ways alone but one way with all totals
                    (or, for ``ambiguous``, several ways even then: null + tables.ambiguous_cell)
    html_tables     HTML tables with their own header rows, rowspan/colspan, an extra 序号
                    column, a missing column, or columns in another order
    narrative_traps sentences that use the table's words about other things (documents by
                    disclosure attribute, another office's scope, last year), and true
                    contradictions
    damage          a "-", "—" or stray letter inside a digit run or a cell
    headings        section titles with a wrong character, shortened, run into their text,
                    row labels apart from their cells, 总体情况 sub-headings under other names
    errors          the report's own arithmetic errors: one cell of 三 or 四 printed off by 1 to 3, to be
                    read as printed and each broken relation said

Expected values (``Variant.expected``)
    ``report``: agency, level, year, template. ``tables``: every cell (null where the
    document shows none, or where it cannot be told). ``unreadable``: cells whose value
    the text does not determine (null there is not wrong). ``findings``: required
    (rule, location) pairs; ``optional``: pairs that may be raised without being false;
    ``scored``: the rules whose findings are completely known for this document (any
    other claim of these rules is false). ``group``: documents analysed in one run;
    ``previous``: the document the analyzer should link as last year's report (None:
    none). Locations are canonical keys, see ``bench/truth_schema.py``.

PDF
    ``bench/pdf_render.py`` prints a sample of the variants as PDF (LibreOffice, from a
    Word file): ``Variant.report`` keeps the :class:`Report` each variant was rendered
    from, so a PDF shows what the TXT/HTML/DOCX rendering shows and keeps its expected values.

Everything is deterministic: a variant's random choices come from ``rng(name)``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import random
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpus-real"
EXPECTED = REAL / "expected"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import truth_schema as ts  # noqa: E402

# Rules whose findings every expected file states completely.
TABLE_RULES = ("applications.balance", "applications.results_sum", "applications.row_total",
               "review_litigation.group_total", "active_disclosure.rules_without_power", "template.outdated",
               "tables.impossible_value", "tables.ambiguous_cell")
TEXT_RULES = ("narrative.table_mismatch",)
CONTINUITY_RULES = ("continuity.carried_over", "continuity.in_force")
MISSING_RULES = ("tables.missing_table", "tables.missing_row", "tables.missing_cell", "sections.missing", "problems.missing")
SCORED = TABLE_RULES + TEXT_RULES + CONTINUITY_RULES + MISSING_RULES


def rng(name: str) -> random.Random:
    """The random source of one variant: seeded by its name, so every run makes the same file."""
    return random.Random(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


# ================================================================ bases


@dataclass(frozen=True)
class Base:
    name: str  # seed000, real0051, …
    agency: str
    level: str | None
    year: int
    template: str
    title: str  # as the report prints it
    preamble: str  # what stands between the title and 一、总体情况
    overview: tuple[str, ...]  # paragraphs
    problems: tuple[str, ...]
    other: tuple[str, ...]
    tables: dict
    unreadable: frozenset[str]
    text_findings: tuple[tuple[str, str], ...]  # narrative.table_mismatch the base's own text warrants
    absent_rows: frozenset[str]  # rows (table.row) the base does not print at all
    published: str  # 发布时间 for headers

    @property
    def place(self) -> str:
        """The agency without the government's own name forms (朱家房镇人民政府 → 朱家房镇)."""
        return re.sub(r"(人民政府办公厅|人民政府办公室|人民政府|管委会|管理委员会)$", "", self.agency)


_HEADINGS = {
    "overview": r"一\s*[、.．]\s*总\s*体\s*情\s*况",
    "active_disclosure": r"二\s*[、.．]\s*主\s*动\s*公\s*开\s*政\s*府\s*信\s*息\s*(?:情\s*况)?",
    "applications": r"三\s*[、.．]\s*收\s*到\s*和\s*处\s*理\s*政\s*府\s*信\s*息\s*公\s*开\s*申\s*请\s*(?:情\s*况)?",
    "review_litigation": r"四\s*[、.．]\s*(?:政\s*府\s*信\s*息\s*公\s*开\s*)?行\s*政\s*复\s*议\s*[、和]?\s*行\s*政\s*诉\s*讼\s*(?:情\s*况)?",
    "problems": r"五\s*[、.．]\s*(?:政\s*府\s*信\s*息\s*公\s*开\s*工\s*作\s*)?存\s*在\s*的\s*主\s*要\s*问\s*题\s*(?:及\s*改\s*进\s*情\s*况)?",
    "other": r"六\s*[、.．]\s*其\s*他\s*需\s*要\s*报\s*告\s*的\s*事\s*项",
}


def _seed_files() -> list[tuple[str, Path, Path]]:
    out = []
    for f in sorted((ROOT / "corpus").glob("*.txt")):
        stem = f.stem
        if stem[:3].isdigit() and int(stem[:3]) < 900:
            out.append((f"seed{stem[:3]}", f, EXPECTED / f"seed{stem[:3]}.json"))
        else:
            out.append((f"seed{stem[:3]}", f, ROOT / "tests" / "data" / "expected" / f"{stem}.json"))
    return [(n, f, e) for n, f, e in out if e.is_file()]


def _real_files() -> list[tuple[str, Path, Path]]:
    if not REAL.is_dir():
        return []
    return [(f.stem, f, EXPECTED / f"{f.stem}.json") for f in sorted(REAL.glob("real*.txt")) if (EXPECTED / f"{f.stem}.json").is_file()]


def loc_from_where(rule: str, where: str | None) -> list[str]:
    """Canonical locations of a finding as the expected files write it ("overview/依申请公开 vs applications/new_received/total")."""
    if rule in ("template.outdated", "publication.late") or not where:
        return ["report"]
    path = where.split(" vs ")[-1].split(" + ")[0].strip()
    parts = [p.strip() for p in path.split("/") if p.strip()]
    if parts and "," in parts[-1]:
        head = ".".join(parts[:-1])
        return [f"{head}.{p.strip()}" for p in parts[-1].split(",")]
    return [".".join(parts)]


DEPARTURES = {
    stem: {d["rule"] for d in items}
    for stem, items in json.loads((Path(__file__).resolve().parents[1] / "tests" / "data" / "expected" / "departures.json").read_text("utf-8")).items()
    if not stem.startswith("_")
}


def expected_findings(exp: dict) -> list[dict]:
    """The expected file's findings, less those the analyzer deliberately departs from (tests/data/expected/departures.json)."""
    skip = DEPARTURES.get(str(exp.get("id") or ""), set())
    return [f for f in exp.get("expected_findings", []) if f["rule"] not in skip]


def base_expected_findings(exp: dict) -> list[tuple[str, str]]:
    out = []
    for f in expected_findings(exp):
        for loc in loc_from_where(f["rule"], f.get("where")):
            out.append((f["rule"], loc))
    return out


def _clean_lines(text: str) -> list[str]:
    """Paragraphs of a narrative stretch: markdown marks, table rows and page footers dropped."""
    out = []
    for line in text.split("\n"):
        s = line.strip().lstrip("#").strip()
        if not s or s.startswith("|") or re.fullmatch(r"[-—–\s\d]+", s) or s.startswith("[image"):
            continue
        out.append(s)
    return out


def split_base(text: str) -> tuple[str, dict[str, tuple[int, int]]] | None:
    """The body and where each of the six sections' headings start and end; None if one is not found."""
    if "正文 ====" in text:
        body = text.split("正文 ====", 1)[1].split("\n", 1)[1]
    elif text.startswith("# source:"):
        body = text.split("\n", 1)[1]
        if body.startswith("正文\n"):
            body = body[3:]
    else:
        body = text
    spans: dict[str, tuple[int, int]] = {}
    pos = 0
    for key, pat in _HEADINGS.items():
        m = re.compile(pat).search(body, pos)
        if not m:
            return None
        spans[key] = (m.start(), m.end())
        pos = m.end()
    return body, spans


def _title_and_preamble(text: str, prefix: str) -> tuple[str, str]:
    header = re.search(r"^标题:\s*(.+)$", text, re.M)
    lines = [s for s in _clean_lines(prefix)]
    if header:
        title = header.group(1).strip()
        rest = prefix
        if title in rest:
            rest = rest.split(title)[-1]
        return title, "\n".join(_clean_lines(rest))
    title_lines: list[str] = []
    for i, s in enumerate(lines[:4]):
        title_lines.append(s)
        if "报告" in s:
            return re.sub(r"\s+", "", "".join(title_lines)), "\n".join(lines[i + 1:])
    return re.sub(r"\s+", "", lines[0]) if lines else "", "\n".join(lines[1:])


def _looks_like_title(line: str) -> bool:
    s = re.sub(r"\s+", "", line)
    return len(s) <= 60 and bool(re.search(r"(?:19|20)\d{2}年.*报告$|报告$", s)) and "根据" not in s


def load_base(name: str, path: Path, exp_path: Path) -> Base | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    exp = json.loads(exp_path.read_text(encoding="utf-8"))
    split = split_base(text)
    if split is None:
        return None
    body, spans = split
    title, preamble = _title_and_preamble(text, body[: spans["overview"][0]])
    if "报告" not in title:
        return None  # not a report's text as such (an HTML page inside a script)
    # a second printing of the title (web pages repeat it above the text) is part of the title, not the preamble
    preamble = "\n".join(p for p in preamble.split("\n") if not _looks_like_title(p))
    keys = list(spans)
    stretch = {}
    for i, key in enumerate(keys):
        end = spans[keys[i + 1]][0] if i + 1 < len(keys) else len(body)
        stretch[key] = body[spans[key][1]:end]
    other = _clean_lines(stretch["other"].replace("附件下载", ""))
    rep = exp["report"]
    template = rep.get("template") or "2021"
    tables = ts.normalised(exp["tables"], template)
    absent = frozenset(
        f"{t}.{r}" for t, rows in tables.items() for r, cols in rows.items()
        if all(v is None for v in cols.values())
    )
    published = re.search(r"^发布时间:\s*(\S+)", text, re.M)
    return Base(
        name=name, agency=rep["agency"], level=rep["level"], year=rep["year"], template=template,
        title=title, preamble=preamble,
        overview=tuple(_clean_lines(stretch["overview"])), problems=tuple(_clean_lines(stretch["problems"])),
        other=tuple(other), tables=tables, unreadable=frozenset(exp.get("unreadable", [])),
        text_findings=tuple(f for f in base_expected_findings(exp) if f[0] in TEXT_RULES),
        absent_rows=absent,
        published=published.group(1) if published else f"{rep['year'] + 1}-01-20",
    )


def load_bases() -> list[Base]:
    """Every base whose six sections are found, seeds first; real texts only when ../shared is present."""
    out = []
    for name, path, exp in _seed_files() + _real_files():
        b = load_base(name, path, exp)
        if b is not None:
            out.append(b)
    return out


# ================================================================ the document to render


@dataclass(frozen=True)
class Report:
    """One document to render; every field is a fact the expected values follow from."""

    title: str | None  # title line in the body (None: the body has none)
    header_title: str | None  # crawler 标题: / HTML <title> / DOCX core title
    h1: str | None = None  # HTML <h1>
    site: str = "政府门户网站"
    published: str = ""
    crawler: bool = False  # TXT: a crawler header block before the body
    preamble: str = ""
    preamble_inline: bool = False  # preamble and the first heading on one line
    headings: dict = field(default_factory=dict)  # section key -> heading as printed
    inline: frozenset = frozenset()  # sections whose heading runs into their first paragraph
    overview: tuple = ()
    problems: tuple = ()
    other: tuple = ()
    tables: dict = field(default_factory=dict)
    template: str = "2021"
    absent_rows: frozenset = frozenset()
    flat: bool = False  # TXT: the body on one line, table cells run together
    layout: dict = field(default_factory=dict)  # table layout options (see _app_grid, _review_grid, _active_grids)
    damage: dict = field(default_factory=dict)  # "table.row" -> run text (flat) or "table.row.col" -> cell text
    label_gap: str = ""  # TXT grid: "line" = row labels on their own line, cells on the next; "spaces" = spaces, no tabs


def report_of(base: Base, **changes) -> Report:
    r = Report(
        title=base.title, header_title=base.title, published=base.published, preamble=base.preamble,
        headings=dict(ts.SECTION_TITLES), overview=base.overview, problems=base.problems, other=base.other,
        tables=ts.deepcopy(base.tables), template=base.template, absent_rows=base.absent_rows,
    )
    return replace(r, **changes)


# ---------------------------------------------------------------- table grids


@dataclass
class Cell:
    text: str
    rs: int = 1
    cs: int = 1


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".") if not v.is_integer() else str(int(v))
    return str(v)


def _val(rep: Report, table: str, row: str, col: str) -> str:
    key = f"{table}.{row}.{col}"
    if key in rep.damage:
        return rep.damage[key]
    return fmt(ts.get(rep.tables, key))


def _active_grids(rep: Report) -> list[list[list[Cell]]]:
    grids = []
    order = rep.layout.get("active_order")  # permutation of column positions for multi-column blocks
    for block, labels, rows, cols in ts.active_blocks(rep.template):
        idx = list(range(len(cols)))
        if order and len(cols) == len(order):
            idx = list(order)
        printed = [(k, lab) for k, lab in rows if f"active_disclosure.{k}" not in rep.absent_rows]
        if not printed:
            continue
        grid = [[Cell(block, cs=1 + len(cols))], [Cell("信息内容")] + [Cell(labels[i]) for i in idx]]
        for key, label in printed:
            grid.append([Cell(label)] + [Cell(_val(rep, "active_disclosure", key, cols[i])) for i in idx])
        grids.append(grid)
    return grids


def _app_columns(rep: Report) -> list[str]:
    cols = list(rep.layout.get("app_order") or ts.APPLICANTS)
    drop = rep.layout.get("app_drop")
    return [c for c in cols if c != drop]


def _app_grid(rep: Report) -> list[list[Cell]]:
    """三 as the template draws it: three header rows, three label columns with row spans.

    Layout options: ``app_order`` (applicant columns in another order; the header says
    which is which), ``app_drop`` (a column not printed), ``seq`` (a 序号 column first),
    ``flat_header`` (one header row of plain column names).
    """
    cols = _app_columns(rep)
    seq = rep.layout.get("seq", False)
    rows = [(k, parts) for k, parts in ts.app_rows(rep.template) if f"applications.{k}" not in rep.absent_rows]
    head: list[list[Cell]] = []
    if rep.layout.get("flat_header"):
        head.append(([Cell("序号")] if seq else []) + [Cell("申请人情况", cs=3)] + [Cell(ts.APPLICANT_LABELS[c]) for c in cols])
    else:
        orgs = [c for c in cols if c not in ("natural_person", "total")]
        top = ([Cell("序号", rs=3)] if seq else []) + [Cell(ts.NOTE, rs=3, cs=3), Cell("申请人情况", cs=len(cols))]
        mid: list[Cell] = []
        placed_orgs = False
        for c in cols:
            if c in ("natural_person", "total"):
                mid.append(Cell(ts.APPLICANT_LABELS[c], rs=2))
            elif not placed_orgs:
                mid.append(Cell("法人或其他组织", cs=len(orgs)))
                placed_orgs = True
        low = [Cell(ts.APPLICANT_LABELS[c]) for c in cols if c in orgs]
        head += [top, mid, low]
    body: list[list[Cell]] = []
    # row spans of the label columns
    in_results = [k for k, p in rows if len(p) > 1]
    sub_count: dict[str, int] = {}
    for k, p in rows:
        if len(p) == 3:
            sub_count[p[1]] = sub_count.get(p[1], 0) + 1
    seen_results = False
    seen_sub: set[str] = set()
    for n, (k, parts) in enumerate(rows, 1):
        line: list[Cell] = [Cell(str(n))] if seq else []
        if len(parts) == 1:
            line.append(Cell(parts[0], cs=3))
        else:
            if not seen_results:
                line.append(Cell(parts[0], rs=len(in_results)))
                seen_results = True
            if len(parts) == 2:
                line.append(Cell(parts[1], cs=2))
            else:
                if parts[1] not in seen_sub:
                    line.append(Cell(parts[1], rs=sub_count[parts[1]]))
                    seen_sub.add(parts[1])
                line.append(Cell(parts[2]))
        line += [Cell(_val(rep, "applications", k, c)) for c in cols]
        body.append(line)
    return head + body


def _review_grid(rep: Report) -> list[list[Cell]]:
    """四: 行政复议 (5) | 行政诉讼 (未经复议直接起诉 5, 复议后起诉 5); ``review_order`` puts the groups in another order."""
    groups = list(rep.layout.get("review_order") or ts.GROUPS)
    outcomes = list(rep.layout.get("outcome_order") or ts.OUTCOMES)
    top, mid, low = [], [], []
    litig_done = False
    for g in groups:
        if g == "review":
            top.append(Cell("行政复议", cs=5))
            mid += [Cell(ts.OUTCOME_LABELS[o], rs=2) for o in outcomes]
        elif not litig_done:
            n = sum(1 for x in groups if x != "review")
            top.append(Cell("行政诉讼", cs=5 * n))
            litig_done = True
        if g != "review":
            mid.append(Cell(ts.GROUP_LABELS[g], cs=5))
            low += [Cell(ts.OUTCOME_LABELS[o]) for o in outcomes]
    values = [Cell(_val(rep, "review_litigation", g, o)) for g in groups for o in outcomes]
    return [top, mid, low, values]


def expand(grid: list[list[Cell]]) -> list[list[str]]:
    """The grid as a full matrix; a spanned cell's text stands in its top-left position only."""
    width = max(sum(c.cs for c in row) for row in grid[:1]) if grid else 0
    width = max(width, max(sum(c.cs for c in row) for row in grid))
    taken: dict[tuple[int, int], str] = {}
    out: list[list[str]] = []
    for r, row in enumerate(grid):
        line = [None] * max(width, 1)
        col = 0
        for cell in row:
            while (r, col) in taken:
                line[col] = ""
                col += 1
            if col >= len(line):
                line += [None] * (col - len(line) + cell.cs)
            line[col] = cell.text
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    if dr or dc:
                        taken[(r + dr, col + dc)] = ""
            col += cell.cs
        out.append(["" if x is None else x for x in line])
    return out


# ---------------------------------------------------------------- TXT


def _flat_active(rep: Report) -> str:
    out = []
    for block, labels, rows, cols in ts.active_blocks(rep.template):
        out.append(block + "信息内容" + "".join(labels))
        for key, label in rows:
            if f"active_disclosure.{key}" in rep.absent_rows:
                continue
            run = rep.damage.get(f"active_disclosure.{key}") or "".join(_val(rep, "active_disclosure", key, c) for c in cols)
            out.append(label + run)
    return "".join(out)


def _flat_applications(rep: Report) -> str:
    out = [ts.NOTE + "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    last_top = last_sub = None
    for key, parts in ts.app_rows(rep.template):
        if f"applications.{key}" in rep.absent_rows:
            continue
        label = ""
        if parts[0] != last_top or len(parts) == 1:
            label += parts[0]
        if len(parts) == 3 and parts[1] != last_sub:
            label += parts[1]
        label += parts[-1] if len(parts) > 1 else ""
        last_top, last_sub = parts[0], (parts[1] if len(parts) == 3 else None)
        run = rep.damage.get(f"applications.{key}") or "".join(_val(rep, "applications", key, c) for c in ts.APPLICANTS)
        out.append(label + run)
    return "".join(out)


def _flat_review(rep: Report) -> str:
    head = ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
            "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")
    run = rep.damage.get("review_litigation") or "".join(_val(rep, "review_litigation", g, o) for g in ts.GROUPS for o in ts.OUTCOMES)
    return head + run


def _grid_lines(grid: list[list[Cell]], label_gap: str = "", n_labels: int = 0) -> list[str]:
    lines = []
    for row in expand(grid):
        labels, values = row[:n_labels], row[n_labels:]
        is_data = n_labels and any(x.strip() for x in labels) and any(x.strip() for x in values) \
            and all(re.fullmatch(r"[\d.]*", x.strip()) for x in values)
        if label_gap == "line" and is_data:
            lines.append("".join(labels))
            lines.append("   ".join(values))
            continue
        if label_gap == "spaces":
            if is_data:
                lines.append("".join(labels) + " " * 12 + "   ".join(values))
            else:
                lines.append("   ".join(x for x in row if x))
            continue
        lines.append("\t".join(row).rstrip("\t") if not all(not x for x in row) else "")
    return lines


def _heading(rep: Report, key: str) -> str:
    return rep.headings.get(key, ts.SECTION_TITLES[key])


def to_txt(rep: Report) -> str:
    head: list[str] = []
    if rep.crawler:
        head = [
            f"标题: {rep.header_title or ''}",
            f"发布时间: {rep.published}",
            "文号: ",
            "发布机构: ",
            "栏目: 政府信息公开年报",
            "原文链接: https://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/t_000000.htm",
            "==================== 正文 ====================",
        ]
    if rep.flat:
        parts = []
        if rep.title:
            parts.append(rep.title)
        parts.append(rep.preamble.replace("\n", ""))
        for key in ts.SECTION_KEYS:
            parts.append(_heading(rep, key))
            if key == "active_disclosure":
                parts.append(_flat_active(rep))
            elif key == "applications":
                parts.append(_flat_applications(rep))
            elif key == "review_litigation":
                parts.append(_flat_review(rep))
            else:
                parts.append("".join(getattr(rep, key)))
        return "\n".join(head + ["".join(parts)]) + "\n"
    lines = list(head)
    if rep.title:
        lines += [rep.title, ""]
    pre = rep.preamble.strip()
    for key in ts.SECTION_KEYS:
        heading = _heading(rep, key)
        if key == "overview" and rep.preamble_inline and pre:
            heading = pre.replace("\n", "") + heading
            pre = ""
        if pre:
            lines += [pre, ""]
            pre = ""
        if key in ("overview", "problems", "other"):
            paras = list(getattr(rep, key))
            if key in rep.inline and paras:
                lines.append(heading + paras[0])
                paras = paras[1:]
            else:
                lines.append(heading)
            for p in paras:
                lines.append(p)
            lines.append("")
            continue
        lines.append(heading)
        if key == "active_disclosure":
            for g in _active_grids(rep):
                lines += _grid_lines(g, rep.label_gap, 1)
        elif key == "applications":
            lines += _grid_lines(_app_grid(rep), rep.label_gap, 3 + (1 if rep.layout.get("seq") else 0))
        else:
            lines += _grid_lines(_review_grid(rep), rep.label_gap)
        lines.append("")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML


def _html_table(grid: list[list[Cell]]) -> str:
    rows = []
    for row in grid:
        tds = []
        for c in row:
            attrs = (f' rowspan="{c.rs}"' if c.rs > 1 else "") + (f' colspan="{c.cs}"' if c.cs > 1 else "")
            tds.append(f"<td{attrs}>{html.escape(c.text)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0">\n' + "\n".join(rows) + "\n</table>"


def to_html(rep: Report) -> str:
    esc = html.escape
    body: list[str] = ['<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>']
    if rep.h1:
        body.append(f"<h1>{esc(rep.h1)}</h1>")
    body.append(f'<div class="info">发布时间：{esc(rep.published)}</div>')
    body.append('<div class="article-content">')
    if rep.title:
        body.append(f'<p style="text-align:center"><strong>{esc(rep.title)}</strong></p>')
    pre = rep.preamble.strip()
    for key in ts.SECTION_KEYS:
        heading = _heading(rep, key)
        if key == "overview" and rep.preamble_inline and pre:
            body.append(f"<p>{esc(pre.replace(chr(10), ''))}<strong>{esc(heading)}</strong></p>")
            heading = ""
            pre = ""
        if pre:
            body += [f"<p>{esc(p)}</p>" for p in pre.split("\n")]
            pre = ""
        if key in ("overview", "problems", "other"):
            paras = list(getattr(rep, key))
            if heading and key in rep.inline and paras:
                body.append(f"<p><strong>{esc(heading)}</strong>{esc(paras[0])}</p>")
                paras = paras[1:]
            elif heading:
                body.append(f"<p><strong>{esc(heading)}</strong></p>")
            body += [f"<p>{esc(p)}</p>" for p in paras]
            continue
        body.append(f"<p><strong>{esc(heading)}</strong></p>")
        if key == "active_disclosure":
            body += [_html_table(g) for g in _active_grids(rep)]
        elif key == "applications":
            body.append(_html_table(_app_grid(rep)))
        else:
            body.append(_html_table(_review_grid(rep)))
    body.append("</div>")
    title = rep.header_title if rep.header_title is not None else rep.site
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="PubDate" content="{esc(rep.published)}">'
        f"<title>{esc(title)}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


# ---------------------------------------------------------------- DOCX (optional)


def to_docx(rep: Report) -> bytes | None:
    """A Word file: title (when in the body) and paragraphs, tables with merged cells; None without python-docx.

    Written with python-docx directly, not with the package's ``render.to_docx``
    (which is moving to ``tests/support``, and prints a title kept only in the core
    properties into the body, which the header_title family must not have).
    """
    try:
        import docx
    except ImportError:
        return None
    out = docx.Document()
    import datetime

    fixed = datetime.datetime(2000, 1, 1)
    out.core_properties.created = out.core_properties.modified = out.core_properties.last_printed = fixed
    if rep.header_title:
        out.core_properties.title = rep.header_title
    if rep.title:
        out.add_paragraph(rep.title)
    if rep.preamble:
        for p in rep.preamble.split("\n"):
            out.add_paragraph(p)
    for key in ts.SECTION_KEYS:
        out.add_paragraph(_heading(rep, key))
        if key in ("overview", "problems", "other"):
            for p in getattr(rep, key):
                out.add_paragraph(p)
            continue
        grids = _active_grids(rep) if key == "active_disclosure" else [_app_grid(rep) if key == "applications" else _review_grid(rep)]
        for grid in grids:
            matrix = expand(grid)
            width = max(len(r) for r in matrix)
            table = out.add_table(rows=len(matrix), cols=width)
            table.style = "Table Grid"
            # python-docx's table.cell() walks the whole table: take every cell once, then merge
            at = {(r, c): cell for r, row in enumerate(table.rows) for c, cell in enumerate(row.cells)}
            taken = set()
            merges = []
            for r, row in enumerate(grid):
                c = 0
                for cell in row:
                    while (r, c) in taken:
                        c += 1
                    at[(r, c)].text = cell.text
                    if cell.rs > 1 or cell.cs > 1:
                        merges.append(((r, c), (r + cell.rs - 1, c + cell.cs - 1)))
                    for dr in range(cell.rs):
                        for dc in range(cell.cs):
                            taken.add((r + dr, c + dc))
                    c += cell.cs
            for a, b in merges:
                at[a].merge(at[b])
    buf = io.BytesIO()
    out.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every member dated 1980-01-01, so a variant's bytes do not depend on the clock."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# ================================================================ variants and their expected values


@dataclass
class Variant:
    name: str
    family: str
    suffix: str  # ".txt", ".html", ".docx", ".pdf"
    data: bytes
    expected: dict
    report: Report | None = field(default=None, repr=False, compare=False)  # what was rendered (bench/pdf_render.py)

    @property
    def filename(self) -> str:
        return self.name + self.suffix


def expected_for(rep: Report, base: Base, *, name: str, family: str, agency: str | None = None,
                 level: str | None = "same", year: int | None = None, tables: dict | None = None,
                 unreadable=(), findings=(), optional=(), text_findings: bool = True, scored=(),
                 group: str | None = None, previous: str | None = None, note: str = "") -> dict:
    """The truth of one rendered document: identity, cells and the findings its printed tables warrant."""
    agency = agency or base.agency
    level = base.level if level == "same" else level
    year = year or base.year
    tables = tables if tables is not None else rep.tables
    req, opt = ts.table_findings(tables, rep.template, agency, level, year, rep.absent_rows)
    req = list(req) + list(findings)
    if text_findings:
        req += list(base.text_findings)
    return {
        "name": name,
        "family": family,
        "base": base.name,
        "report": {"agency": agency, "level": level, "year": year, "template": rep.template},
        "tables": tables,
        "unreadable": sorted(set(unreadable)),
        "findings": sorted(set(req)),
        "optional": sorted(set(opt) | set(optional)),
        "scored": sorted(set(SCORED) | set(scored)),
        "group": group or name,
        "previous": previous,
        "note": note,
    }


def _variant(name: str, family: str, suffix: str, text_or_bytes, expected: dict, rep: Report | None = None) -> Variant:
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    expected = dict(expected, name=name, format=suffix.lstrip("."))
    return Variant(name, family, suffix, data, expected, rep)


def _renderings(rep: Report, formats=("txt", "html")):
    for fmt_ in formats:
        if fmt_ == "txt":
            yield ".txt", to_txt(rep)
        elif fmt_ == "html":
            yield ".html", to_html(rep)
        elif fmt_ == "docx":
            data = to_docx(rep)
            if data is not None:
                yield ".docx", data


def _simple(family: str, base: Base, kind: str, rep: Report, formats=("txt", "html"), **exp) -> list[Variant]:
    out = []
    for suffix, data in _renderings(rep, formats):
        name = f"{family}-{base.name}-{kind}-{suffix[1:]}"
        e = expected_for(rep, base, name=name, family=family, **exp)
        out.append(_variant(name, family, suffix, data, e, rep))
    return out


# ---------------------------------------------------------------- narrative helpers

_SENTENCE = re.compile(r"[^。；！？]*[。；！？]?")
_DIGIT = re.compile(r"[0-9０-９]")


_TABLE_WORDS = re.compile(r"申请|复议|诉讼|规范性文件|规章|处罚|许可|强制|收费|予以公开|不予公开|部分公开|无法提供|不予处理|"
                          r"其他处理|结转|办结|答复|受理|新收|维持|纠正|审结")


def without_numbers(paras) -> tuple[str, ...]:
    """Paragraphs without the sentences that state a number of a table's kind (for tables made up anew)."""
    out = []
    for p in paras:
        kept = "".join(s for s in _SENTENCE.findall(p) if s and not (_DIGIT.search(s) and _TABLE_WORDS.search(s)))
        if kept.strip():
            out.append(kept)
    return tuple(out) or ("本年度政府信息公开工作有序推进。",)


def shift_years(paras, by: int) -> tuple[str, ...]:
    return tuple(re.sub(r"((?:19|20)\d{2})(\s*年)", lambda m: f"{int(m.group(1)) + by}{m.group(2)}", p) for p in paras)


def rename(paras, old: list[str], new: str) -> tuple[str, ...]:
    out = []
    for p in paras:
        for o in old:
            if o:
                p = p.replace(o, new)
        out.append(p)
    return tuple(out)


def title_for(agency_as_written: str, year: int, form: int = 0) -> str:
    forms = (
        f"{agency_as_written}{year}年政府信息公开工作年度报告",
        f"{agency_as_written}{year}年度政府信息公开工作年度报告",
        f"{year}年{agency_as_written}政府信息公开工作年度报告",
        f"{agency_as_written}关于{year}年度政府信息公开工作的报告",
    )
    return forms[form % len(forms)]


# ================================================================ families


def family_control(base: Base) -> list[Variant]:
    rep = report_of(base)
    return _simple("control", base, "plain", rep, ("txt", "html", "docx"),
                   note="the base re-rendered: its narrative, its expected tables printed plainly")


def family_header_title(base: Base) -> list[Variant]:
    out = []
    rep = report_of(base, title=None, crawler=True)
    out += _simple("header_title", base, "crawler", rep, ("txt",), note="title only in the crawler header 标题:")
    rep = report_of(base, title=None, header_title=base.title)
    out += _simple("header_title", base, "title-tag", rep, ("html",), note="title only in <title>")
    rep = report_of(base, title=None, header_title=f"{base.place}门户网站", h1=base.title)
    out += _simple("header_title", base, "h1", rep, ("html",), note="title only in <h1>; <title> names the site")
    rep = report_of(base, title=None, header_title=base.title)
    out += _simple("header_title", base, "core-title", rep, ("docx",), note="title only in DOCX core properties")
    # The title names no agency; 六 says only "无", and the 落款 under it names the signer (its lines
    # unpunctuated, as "无" is: a reader that joins wrapped lines must not make "无" part of the name).
    rep = report_of(base, title=f"{base.year}年政府信息公开工作年度报告",
                    other=("无", base.agency, f"{base.year + 1}年1月20日"))
    out += _simple("header_title", base, "signed", rep, ("txt", "html", "docx"),
                   note="title without the agency; 六 is \"无\"; the agency only in the 落款 below it")
    # The 落款 as reports write it: a month for a date, Chinese numerals, a seal mark, no date at all.
    y = base.year + 1
    forms = ((base.agency, f"{y}年1月"), (base.agency, f"二〇{'〇一二三四五六七八九'[y // 10 % 10]}{'〇一二三四五六七八九'[y % 10]}年一月二十日"),
             (f"{base.agency}（盖章）", f"{y}年1月20日"), (base.agency,))
    form = forms[rng(f"signed-form-{base.name}").randrange(len(forms))]
    rep = report_of(base, title=f"{base.year}年政府信息公开工作年度报告", other=("无。", *form))
    out += _simple("header_title", base, "signed-form", rep, ("txt", "docx"),
                   note=f"title without the agency; the 落款 as {' / '.join(form)}")
    rep = report_of(base, title=f"“{base.title}”")
    out += _simple("header_title", base, "quoted", rep, ("txt",), note="the title in quotation marks")
    rep = report_of(base, title=f"政府信息公开工作年度报告\n（{base.year}年度）\n{base.agency}")
    out += _simple("header_title", base, "byline", rep, ("txt",),
                   note="a title naming neither agency nor year; the year and the agency on lines of their own under it")
    return out


PREAMBLES = (
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅政府信息与政务公开办公室关于明确政府信息公开工作年度报告格式的要求，现公布{agency}{year}年政府信息公开工作年度报告。",
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、国务院办公厅政府信息与政务公开办公室关于明确政府信息公开工作年度报告格式的要求，以及省政府、市政府办公室关于政务公开工作的要求，特编制此报告：",
    "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "根据市人民政府办公室《关于做好{year}年度政府信息公开工作年度报告编制和发布工作的通知》要求，现将本机关{year}年度政府信息公开工作情况报告如下：",
)


def family_preamble(base: Base) -> list[Variant]:
    out = []
    for i, text in enumerate(PREAMBLES):
        pre = text.format(agency=base.agency, year=base.year)
        r = rng(f"preamble-{base.name}-{i}")
        inline = r.random() < 0.5
        rep = report_of(base, title=None, crawler=True, preamble=pre, preamble_inline=inline)
        out += _simple("preamble", base, f"p{i}{'-inline' if inline else ''}", rep, ("txt",),
                       note=f"preamble {i} before the text{' on the heading line' if inline else ''}; title in the header only")
        if i in (0, 3):
            rep = report_of(base, title=None, header_title=base.title, preamble=pre)
            out += _simple("preamble", base, f"p{i}", rep, ("html",), note=f"preamble {i}; title only in <title>")
    return out


# (as written in the title, expected agency, expected level)
DEPARTMENTS = (
    ("淮安市教育局", "淮安市教育局", "city"),
    ("南京市鼓楼区财政局", "南京市鼓楼区财政局", "county"),
    ("平潭综合实验区公安局", "平潭综合实验区公安局", "city"),
    ("沭阳县自然资源局", "沭阳县自然资源局", "county"),
    ("苏州市人民政府办公室", "苏州市人民政府办公室", "city"),
    ("合肥市发展和改革委员会", "合肥市发展和改革委员会", "city"),
    ("上海市科委", "上海市科学技术委员会", "province"),
    ("杭州市西湖区教育局", "杭州市西湖区教育局", "county"),
    ("广州市天河区卫健委", "广州市天河区卫生健康委员会", "county"),
    ("成都市发改委", "成都市发展和改革委员会", "city"),
    ("北京市朝阳区人民政府办公室", "北京市朝阳区人民政府办公室", "county"),
    ("江苏省教育厅", "江苏省教育厅", "province"),
    ("淮安市洪泽区人民政府办公室", "淮安市洪泽区人民政府办公室", "county"),
    ("平潭综合实验区金井片区管理局", "平潭综合实验区金井片区管理局", "county"),
    ("上海市浦东新区发展和改革委员会", "上海市浦东新区发展和改革委员会", "county"),
    ("深圳市南山区教育局", "深圳市南山区教育局", "county"),
    ("重庆市渝中区商务委员会", "重庆市渝中区商务委员会", "county"),
    ("昆山市市场监督管理局", "昆山市市场监督管理局", "county"),  # a county-level city: needs knowledge of places
    ("宿迁市宿城区民政局", "宿迁市宿城区民政局", "county"),
    ("福建省人民政府办公厅", "福建省人民政府办公厅", "province"),
)


def family_department(base: Base) -> list[Variant]:
    """Two departments per base (chosen by name), each in the body title (TXT, HTML) and header-only (TXT)."""
    r = rng(f"department-{base.name}")
    picks = r.sample(range(len(DEPARTMENTS)), 2)
    out = []
    for n, i in enumerate(picks):
        written, full, level = DEPARTMENTS[i]
        year = base.year
        title = title_for(written, year, r.randrange(4))
        old = [base.agency, base.title, base.place] if len(base.place) >= 2 else [base.agency]
        rep = report_of(
            base, title=title, header_title=title,
            preamble=rename((base.preamble,), old, written)[0],
            overview=rename(base.overview, old, written), problems=rename(base.problems, old, written),
            other=rename(base.other, old, written),
        )
        kind = f"d{i:02d}"
        out += _simple("department", base, kind, rep, ("txt", "html"), agency=full, level=level,
                       note=f"agency {written} (expected {full}, {level})")
        if n == 0:
            rep2 = replace(rep, title=None, crawler=True)
            out += _simple("department", base, kind + "-header", rep2, ("txt",), agency=full, level=level,
                           note=f"agency {written} named in the crawler header only")
    return out


# ---------------------------------------------------------------- pairs of years

# Name forms of one agency: (as written this year, expected agency) for bases whose parent is known.
NAME_FORMS = {
    "seed001": ("安阳市殷都区人民政府办公室", "安阳市殷都区人民政府办公室"),
    "real0012": ("宿迁市沐阳县人民政府", "宿迁市沐阳县人民政府"),
    "real0051": ("福建省平潭综合实验区公安局", "福建省平潭综合实验区公安局"),
    "real0014": ("福建省平潭综合实验区公安局", "福建省平潭综合实验区公安局"),
    "real0003": ("平潭综合实验区管理委员会", "平潭综合实验区管理委员会"),
    "real0005": ("平潭综合实验区管理委员会", "平潭综合实验区管理委员会"),
    "real0007": ("平潭综合实验区管理委员会", "平潭综合实验区管理委员会"),
}


def _pair_ready(base: Base) -> bool:
    if base.template != "2021":
        return False
    keys = [f"applications.carried_forward.{c}" for c in ts.APPLICANTS]
    keys += [f"applications.{r}.{c}" for r in ("new_received", "results_total") for c in ts.APPLICANTS]
    keys += [f"active_disclosure.{r}.{c}" for r in ("rules", "normative_documents") for c in ("issued", "repealed", "in_force")]
    return all(ts.get(base.tables, k) is not None for k in keys)


def next_year_tables(base: Base, r: random.Random) -> dict:
    """Tables of a made next-year report that continue the base's exactly."""
    t = ts.deepcopy(base.tables)
    prev = base.tables
    for c in ts.APPLICANTS:
        ts.put(t, f"applications.carried_over.{c}", ts.get(prev, f"applications.carried_forward.{c}"))
    for c in ts.APPLICANTS:
        nr = ts.get(t, f"applications.new_received.{c}")
        co = ts.get(t, f"applications.carried_over.{c}")
        rt = ts.get(t, f"applications.results_total.{c}")
        ts.put(t, f"applications.carried_forward.{c}", nr + co - rt)
    # a negative 结转 means the made year handled more than it had: add the difference to 新收
    for c in ts.APPLICANT_PARTS:
        cf = ts.get(t, f"applications.carried_forward.{c}")
        if cf < 0:
            for row in ("new_received",):
                ts.put(t, f"applications.{row}.{c}", ts.get(t, f"applications.{row}.{c}") - cf)
                ts.put(t, f"applications.{row}.total", ts.get(t, f"applications.{row}.total") - cf)
            ts.put(t, f"applications.carried_forward.{c}", 0)
    total_cf = sum(ts.get(t, f"applications.carried_forward.{c}") for c in ts.APPLICANT_PARTS)
    ts.put(t, "applications.carried_forward.total", total_cf)
    for row in ("rules", "normative_documents"):
        last = ts.get(prev, f"active_disclosure.{row}.in_force")
        if row == "rules" and not (ts.get(prev, "active_disclosure.rules.issued") or last):
            issued = repealed = 0
        else:
            issued = r.randint(0, 6)
            repealed = r.randint(0, min(3, last))
        ts.put(t, f"active_disclosure.{row}.issued", issued)
        ts.put(t, f"active_disclosure.{row}.repealed", repealed)
        ts.put(t, f"active_disclosure.{row}.in_force", last + issued - repealed)
    return t


def _next_report(base: Base, tables: dict, written: str, year: int, old_names: list[str], form: int) -> Report:
    title = title_for(written, year, form)
    strip = lambda paras: shift_years(rename(without_numbers(paras), old_names, written), year - base.year)  # noqa: E731
    return report_of(
        base, title=title, header_title=title, published=f"{year + 1}-01-25",
        preamble=strip((base.preamble,))[0] if base.preamble.strip() else "",
        overview=strip(base.overview), problems=strip(base.problems), other=strip(base.other), tables=tables,
    )


def family_pairs(base: Base) -> list[Variant]:
    """Continue / break 上年结转 / break 现行有效, each a run of two; and two same-named districts."""
    if not _pair_ready(base):
        return []
    out: list[Variant] = []
    y = base.year
    old = [base.agency, base.place] if len(base.place) >= 2 else [base.agency]
    for kind in ("continue", "break-carried", "break-in-force"):
        group = f"pairs-{base.name}-{kind}"
        r = rng(group)
        tables = next_year_tables(base, r)
        findings: list[tuple[str, str]] = []
        note = "next year continues the base"
        if kind == "break-carried":
            col = r.choice(ts.APPLICANT_PARTS)
            d = r.randint(1, 3)
            for c in (col, "total"):
                for row in ("carried_over", "carried_forward"):
                    ts.put(tables, f"applications.{row}.{c}", ts.get(tables, f"applications.{row}.{c}") + d)
            findings = ts.continuity_findings(base.tables, tables, "2021", "2021")
            note = f"上年结转 of {col} (and 总计) +{d} against last year's 结转下年度"
        elif kind == "break-in-force":
            d = r.choice((-2, -1, 1, 2, 3))
            v = ts.get(tables, "active_disclosure.normative_documents.in_force")
            if v + d < 0:
                d = abs(d)
            ts.put(tables, "active_disclosure.normative_documents.in_force", v + d)
            findings = ts.continuity_findings(base.tables, tables, "2021", "2021")
            note = f"现行有效 of 行政规范性文件 off by {d:+d}"
        written, agency = base.agency, base.agency
        if base.name in NAME_FORMS and r.random() < 0.6:
            written, agency = NAME_FORMS[base.name]
            note += f"; next year named {written}"
        fmt_ = r.choice(("txt", "html"))
        first = f"pairs-{base.name}-{kind}-a"
        second = f"pairs-{base.name}-{kind}-b"
        rep_a = report_of(base)
        out += _one(first, "pairs", base, rep_a, fmt_, group=group, note=f"last year of pair ({kind})")
        rep_b = _next_report(base, tables, written, y + 1, old, r.randrange(3))  # "关于…的报告" is the department family's
        out += _one(second, "pairs", base, rep_b, fmt_, group=group, previous=first, agency=agency, year=y + 1,
                    findings=findings, text_findings=False, note=note)
    # one agency under two name forms (a parent's prefix, an abbreviation), broken in 现行有效
    forms = (("洪泽区人民政府", "洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区人民政府", "county"),
             ("上海市科委", "上海市科学技术委员会", "上海市科学技术委员会", "上海市科学技术委员会", "province"),
             ("殷都区政府办", "殷都区人民政府办公室", "安阳市殷都区人民政府办公室", "安阳市殷都区人民政府办公室", "county"),
             ("平潭综合实验区管委会", "平潭综合实验区管委会", "平潭综合实验区管理委员会", "平潭综合实验区管理委员会", "city"))
    group = f"pairs-{base.name}-names"
    r = rng(group)
    w_a, ag_a, w_b, ag_b, level = forms[r.randrange(len(forms))]
    if r.random() < 0.5:
        w_a, ag_a, w_b, ag_b = w_b, ag_b, w_a, ag_a
    tables = next_year_tables(base, r)
    v = ts.get(tables, "active_disclosure.normative_documents.in_force")
    ts.put(tables, "active_disclosure.normative_documents.in_force", v + 1)
    findings = ts.continuity_findings(base.tables, tables, "2021", "2021")
    fmt_ = r.choice(("txt", "html"))
    rep_a = _next_report(base, ts.deepcopy(base.tables), w_a, y, old, 0)
    out += _one(f"{group}-a", "pairs", base, rep_a, fmt_, group=group, agency=ag_a, level=level, text_findings=False,
                note=f"{w_a} {y}")
    rep_b = _next_report(base, tables, w_b, y + 1, old, r.randrange(3))
    out += _one(f"{group}-b", "pairs", base, rep_b, fmt_, group=group, agency=ag_b, level=level, year=y + 1,
                previous=f"{group}-a", findings=findings, text_findings=False,
                note=f"{w_b} {y + 1}: the same agency as {w_a}; 现行有效 of 行政规范性文件 +1")
    # the title only in a crawler header, the body opening with one boilerplate preamble (as real0051/real0014):
    # the same department in two years is one agency; two departments with the same preamble are not
    pre = PREAMBLES[1]
    dept_a, dept_b = "平潭综合实验区公安局", "平潭综合实验区教育局"
    for kind, (agency_b, prev) in {"header-same": (dept_a, True), "header-other": (dept_b, False)}.items():
        group = f"pairs-{base.name}-{kind}"
        r = rng(group)
        tables = next_year_tables(base, r)
        v = ts.get(tables, "active_disclosure.normative_documents.in_force")
        ts.put(tables, "active_disclosure.normative_documents.in_force", v + 2)
        fmt_ = r.choice(("txt", "html"))
        rep_a = replace(_next_report(base, ts.deepcopy(base.tables), dept_a, y, old, 0), title=None, crawler=True, preamble=pre)
        rep_b = replace(_next_report(base, tables, agency_b, y + 1, old, 0), title=None, crawler=True, preamble=pre)
        out += _one(f"{group}-a", "pairs", base, rep_a, fmt_, group=group, agency=dept_a, level="city", text_findings=False,
                    note=f"{dept_a} {y}, title in the header only, body opens with a preamble")
        findings = ts.continuity_findings(base.tables, tables, "2021", "2021") if prev else []
        out += _one(f"{group}-b", "pairs", base, rep_b, fmt_, group=group, agency=agency_b, level="city", year=y + 1,
                    previous=f"{group}-a" if prev else None, findings=findings, text_findings=False,
                    note=(f"{agency_b} {y + 1}, same preamble; " + ("the same department: linked, 现行有效 +2"
                                                                    if prev else "another department: must not be linked")))
    # two districts of one name in different cities: never one agency
    r = rng(f"pairs-{base.name}-districts")
    tables = next_year_tables(base, r)
    for c in ("natural_person", "total"):
        for row in ("carried_over", "carried_forward"):
            ts.put(tables, f"applications.{row}.{c}", ts.get(tables, f"applications.{row}.{c}") + 2)
    group = f"pairs-{base.name}-districts"
    a, b = "南京市鼓楼区人民政府", "福州市鼓楼区人民政府"
    fmt_ = r.choice(("txt", "html"))
    rep_a = _next_report(base, ts.deepcopy(base.tables), a, y, old, 0)
    out += _one(f"{group}-nanjing", "pairs", base, rep_a, fmt_, group=group, agency=a, level="county", text_findings=False,
                note=f"{a} {y}")
    rep_b = _next_report(base, tables, b, y + 1, old, 0)
    out += _one(f"{group}-fuzhou", "pairs", base, rep_b, fmt_, group=group, agency=b, level="county", year=y + 1,
                text_findings=False, previous=None, note=f"{b} {y + 1}: another city's 鼓楼区, must not be linked")
    group = f"pairs-{base.name}-competing"
    rep_c = _next_report(base, ts.deepcopy(base.tables), b, y, old, 1)
    rep_d = _next_report(base, tables, "鼓楼区人民政府", y + 1, old, 2)
    out += _one(f"{group}-nanjing", "pairs", base, rep_a, fmt_, group=group, agency=a, level="county", text_findings=False,
                note=f"{a} {y}")
    out += _one(f"{group}-fuzhou", "pairs", base, rep_c, fmt_, group=group, agency=b, level="county", text_findings=False,
                note=f"{b} {y}")
    out += _one(f"{group}-bare", "pairs", base, rep_d, fmt_, group=group, agency="鼓楼区人民政府", level="county",
                year=y + 1, text_findings=False, previous=None,
                note="鼓楼区人民政府 next year: two 鼓楼区 last year compete, link none")
    return out


def _one(name: str, family: str, base: Base, rep: Report, fmt_: str, **exp) -> list[Variant]:
    for suffix, data in _renderings(rep, (fmt_,)):
        e = expected_for(rep, base, name=name, family=family, **exp)
        return [_variant(name, family, suffix, data, e, rep)]
    return []


# ---------------------------------------------------------------- made tables with digit runs

_POOL = (0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 10, 11, 12, 13, 21, 22, 31, 101, 111, 112, 121)


def made_applications(r: random.Random, template: str = "2021") -> dict:
    """A consistent table 三 (every row total, 三（七） and 一+二=三+四 hold) with small, digit-repeating values."""
    t = ts.empty_tables(template)["applications"]
    res = ts.result_rows(template)
    active = ["natural_person"] + [c for c in ts.APPLICANT_PARTS[1:] if r.random() < 0.45]
    busy = r.sample(res, r.randint(3, 6))
    for c in ts.APPLICANT_PARTS:
        for row in res:
            t[row][c] = r.choice(_POOL) if (c in active and row in busy and r.random() < 0.8) else 0
        rt = sum(t[row][c] for row in res)
        co = r.choice((0, 0, 1, 2, 11)) if c in active else 0
        cf = r.choice((0, 0, 1, 2, 12)) if c in active else 0
        nr = rt + cf - co
        if nr < 0:
            co, nr = 0, rt + cf
        t["results_total"][c], t["carried_over"][c], t["carried_forward"][c], t["new_received"][c] = rt, co, cf, nr
    for row in t:
        t[row]["total"] = sum(t[row][c] for c in ts.APPLICANT_PARTS)
    return t


def made_review(r: random.Random, ambiguous: bool) -> dict:
    out = {}
    for g in ts.GROUPS:
        if ambiguous and g == "review":
            vals = [1, 12, 0, 0] if r.random() < 0.5 else [2, 23, 0, 1]
        else:
            vals = [r.choice((0, 0, 1, 2, 3, 10, 12)), r.choice((0, 0, 1)), r.choice((0, 1, 2)), r.choice((0, 0, 1))]
        out[g] = dict(zip(ts.OUTCOMES, vals + [sum(vals)]))
    return out


def made_active(r: random.Random, ambiguous: bool) -> dict:
    """二 with runs that split one way (single digits) or, for ``ambiguous``, a 行政规范性文件 run that does not."""
    t = ts.empty_tables("2021")["active_disclosure"]
    t["rules"] = {"issued": 0, "repealed": 0, "in_force": 0}
    issued, repealed = r.randint(1, 9), r.randint(0, 3)
    in_force = r.randint(repealed + 1, 9)
    if ambiguous:
        issued, repealed, in_force = r.choice(((12, 3, 45), (7, 13, 64), (21, 1, 150)))
    t["normative_documents"] = {"issued": issued, "repealed": repealed, "in_force": in_force}
    t["administrative_license"] = {"decisions": r.randint(0, 3000)}
    t["administrative_penalty"] = {"decisions": r.randint(0, 500)}
    t["administrative_coercion"] = {"decisions": r.randint(0, 20)}
    t["administrative_fees"] = {"amount_10k_yuan": r.choice((0, 0, 12.5, 3))}
    return t


def runs_of(app: dict, template: str = "2021") -> dict[str, str]:
    return {k: ts.run_of(app[k][c] for c in ts.APPLICANTS) for k, _ in ts.app_rows(template)}


@functools.lru_cache(maxsize=None)
def _flattened_tables(name: str, want: str) -> str:
    return json.dumps(_search_flattened(name, want))


def flattened_tables(name: str, want: str) -> tuple[dict, list[str], dict]:
    """See ``_search_flattened``; cached (the damage family starts from the same tables), a fresh copy each call."""
    tables, unknown, facts = json.loads(_flattened_tables(name, want))
    return tables, unknown, facts


def _search_flattened(name: str, want: str) -> tuple[dict, list[str], dict]:
    """(tables, ambiguous cells, facts) for a flattened report.

    ``want`` is ``unique`` (some row splits several ways alone, the whole table one
    way) or ``ambiguous`` (the whole of 三 still splits several ways: the cells where
    the complete readings differ are null, each with tables.ambiguous_cell; 二 and 四
    hold an ambiguous run too).
    """
    r = rng(name)
    for _ in range(4000):
        app = made_applications(r)
        runs = runs_of(app)
        per_row = {k: len(ts.row_candidates([app[k][c] for c in ts.APPLICANTS])) for k in runs}
        multi = [k for k, n in per_row.items() if n > 1]
        if len(multi) < 2:
            continue
        sols = ts.solve_applications(runs, "2021", limit=50_000)
        if not sols:
            continue
        if (want == "unique") != (len(sols) == 1):
            continue
        review = made_review(r, want == "ambiguous")
        rev_sols = ts.solve_review(ts.run_of(review[g][o] for g in ts.GROUPS for o in ts.OUTCOMES))
        if (want == "unique") != (len(rev_sols) == 1):
            continue
        break
    else:
        raise RuntimeError(f"no {want} table found for {name}")
    ambiguous = want == "ambiguous"
    tables = {"active_disclosure": made_active(r, ambiguous), "applications": app, "review_litigation": review}
    unknown: list[str] = []
    for k in runs:
        for i, c in enumerate(ts.APPLICANTS):
            if len({s[k][i] for s in sols}) > 1:
                unknown.append(f"applications.{k}.{c}")
    for i, (g, o) in enumerate((g, o) for g in ts.GROUPS for o in ts.OUTCOMES):
        if len({s[i] for s in rev_sols}) > 1:
            unknown.append(f"review_litigation.{g}.{o}")
    nd = tables["active_disclosure"]["normative_documents"]
    if len(ts.splits(ts.run_of(nd[c] for c in ("issued", "repealed", "in_force")), 3)) > 1:
        unknown += [f"active_disclosure.normative_documents.{c}" for c in ("issued", "repealed", "in_force")]
    facts = {"rows_with_several_splits": multi, "complete_readings": len(sols), "review_readings": len(rev_sols)}
    return tables, unknown, facts


def family_flattened(base: Base) -> list[Variant]:
    out = []
    for want in ("unique", "unique2", "ambiguous"):
        name = f"flattened-{base.name}-{want}"
        tables, unknown, facts = flattened_tables(name, want.rstrip("2"))
        expected_tables = ts.deepcopy(tables)
        for key in unknown:
            ts.put(expected_tables, key, None)
        rep = report_of(base, crawler=True, flat=True, tables=tables, template="2021", absent_rows=frozenset(),
                        overview=without_numbers(base.overview), problems=without_numbers(base.problems),
                        other=without_numbers(base.other), preamble=without_numbers((base.preamble,))[0] if base.preamble else "")
        amb = [("tables.ambiguous_cell", k) for k in unknown]
        e = expected_for(rep, base, name=name, family="flattened", tables=expected_tables, findings=amb,
                         text_findings=False, note=f"flattened runs, {want}: {facts}")
        # cells the text leaves open are null in the truth; the arithmetic findings follow the true table
        req, _ = ts.table_findings(tables, "2021", base.agency, base.level, base.year, frozenset())
        e["findings"] = sorted(set(req) | set(amb))
        e["unknown_true_values"] = {k: ts.get(tables, k) for k in unknown}
        out.append(_variant(name, "flattened", ".txt", to_txt(rep), e, rep))
    return out


# ---------------------------------------------------------------- HTML tables of their own shape

HTML_LAYOUTS = {
    "spans": {},
    "seq": {"seq": True},
    "flat-header": {"flat_header": True},
    "order-total-first": {"app_order": ("total", "natural_person", "commercial_enterprise", "research_institution",
                                        "public_interest_org", "legal_service_org", "other_org")},
    "order-orgs": {"app_order": ("natural_person", "research_institution", "commercial_enterprise", "legal_service_org",
                                 "public_interest_org", "other_org", "total")},
    "drop-other": {"app_drop": "other_org"},
    "drop-total": {"app_drop": "total"},
    "active-order": {"active_order": (2, 0, 1)},
    "review-order": {"review_order": ("litigation_direct", "litigation_after_review", "review")},
    "outcome-order": {"outcome_order": ("total", "upheld", "corrected", "other", "pending")},
}


def family_html_tables(base: Base) -> list[Variant]:
    """The base's narrative (numbers removed) over made tables of distinct values in HTML layouts of their own."""
    out = []
    r = rng(f"html_tables-{base.name}")
    layouts = sorted(HTML_LAYOUTS)
    for kind in r.sample(layouts, 5):
        name = f"html_tables-{base.name}-{kind}"
        rr = rng(name)
        app = made_applications(rr)
        tables = {"active_disclosure": made_active(rr, True), "applications": app,
                  "review_litigation": made_review(rr, False)}
        layout = HTML_LAYOUTS[kind]
        expected_tables = ts.deepcopy(tables)
        if "app_drop" in layout:
            for row in expected_tables["applications"]:
                expected_tables["applications"][row][layout["app_drop"]] = None
        rep = report_of(base, tables=tables, template="2021", absent_rows=frozenset(), layout=layout,
                        overview=without_numbers(base.overview), problems=without_numbers(base.problems),
                        other=without_numbers(base.other))
        e = expected_for(rep, base, name=name, family="html_tables", tables=expected_tables, text_findings=False,
                         note=f"HTML layout {kind}: {layout}")
        out.append(_variant(name, "html_tables", ".html", to_html(rep), e, rep))
    return out


# ---------------------------------------------------------------- text against tables


def _is_government(agency: str) -> bool:
    return bool(re.search(r"(人民政府|管委会|管理委员会)$", agency))


def _unit_word(agency: str) -> str:
    for w in ("区", "县", "镇", "乡", "市", "街道"):
        if re.search(w + r"(人民政府|管委会|办事处)?$", agency):
            return w
    return "区"


def family_narrative_traps(base: Base) -> list[Variant]:
    t = base.tables
    nr = t["applications"]["new_received"]["total"]
    denied = [t["applications"][k]["total"] for k in t["applications"] if k.startswith("denied_")]
    review_total = t["review_litigation"]["review"]["total"]
    if nr is None:
        return []
    r = rng(f"narrative_traps-{base.name}")
    y = base.year
    out = []

    def far(*avoid) -> int:
        avoid_set = {a for a in avoid if a is not None} | {0}
        n = r.randint(3, 400)
        while n in avoid_set or any(abs(n - a) < 2 for a in avoid_set):
            n += 7
        return n

    deny_sum = sum(d for d in denied if d is not None)
    co = t["applications"]["carried_over"]["total"] or 0
    a, b = far(), far()
    c = far(deny_sum, nr)
    traps = {
        "documents": (f"全年共制发政府信息{a + b + c}条，其中主动公开{a}条、依申请公开{b}条、不予公开{c}条。", []),
        "last-year": (f"{y - 1}年，本机关共收到政府信息公开申请{far(nr)}件。", []),
        "compared": (f"本年度新收政府信息公开申请数量较上年的{far(nr)}件有所变化。", []),
        "contradiction": (r.choice((f"{y}年，本机关共新收政府信息公开申请{{}}件。", "全年共收到政府信息公开申请{}件。",
                                     "本年共受理政府信息公开申请{}件。")).format(far(nr, nr + co)),
                          [("narrative.table_mismatch", "applications.new_received.total")]),
        "agrees": (f"{y}年，本机关共新收政府信息公开申请{nr}件。", []),
    }
    if _is_government(base.agency):
        w = _unit_word(base.agency)
        traps["scope"] = (f"{w}政府办公室代表{w}政府受理政府信息公开申请{far(nr)}件，均已按时答复。", [])
    if review_total is not None:
        traps["review-contradiction"] = (f"全年共发生政府信息公开行政复议案件{far(review_total)}件。",
                                         [("narrative.table_mismatch", "review_litigation.review")])
    for kind, (sentence, findings) in traps.items():
        paras = list(base.overview)
        at = r.randint(1, max(1, len(paras)))
        paras.insert(at, sentence)
        rep = report_of(base, overview=tuple(paras))
        fmt_ = ("txt", "html")[rng(kind + base.name).randrange(2)]
        out += _simple("narrative_traps", base, kind, rep, (fmt_,), findings=findings,
                       note=f"inserted: {sentence}")
    return out


# ---------------------------------------------------------------- damage


def family_damage(base: Base) -> list[Variant]:
    if base.template != "2021":
        return []
    out = []
    name = f"damage-{base.name}-flat"
    tables, unknown, facts = flattened_tables(f"flattened-{base.name}-unique", "unique")
    r = rng(name)
    rows = [k for k in tables["applications"] if tables["applications"][k]["total"] and k not in ("results_total",)]
    for i, mark in enumerate(("-", "—", "l", "O")):
        row = rows[(i + r.randrange(len(rows))) % len(rows)]
        run = ts.run_of(tables["applications"][row][c] for c in ts.APPLICANTS)
        at = r.randint(1, len(run) - 1)
        damaged = run[:at] + mark + run[at:] if mark in "-—" else run[:at] + mark + run[at + 1:]
        rep = report_of(base, crawler=True, flat=True, tables=tables, template="2021", absent_rows=frozenset(),
                        damage={f"applications.{row}": damaged},
                        overview=without_numbers(base.overview), problems=without_numbers(base.problems),
                        other=without_numbers(base.other), preamble="")
        lost = [f"applications.{row}.{c}" for c in ts.APPLICANTS]
        vname = f"{name}-{['dash', 'emdash', 'letter-l', 'letter-O'][i]}"
        opt = [(rule, k) for k in lost for rule in ("tables.missing_cell", "tables.ambiguous_cell", "tables.impossible_value")]
        opt += [("tables.missing_row", f"applications.{row}")]
        e = expected_for(rep, base, name=vname, family="damage", tables=tables, unreadable=lost, optional=opt,
                         text_findings=False, note=f"row {row} run {run} printed as {damaged}")
        out.append(_variant(vname, "damage", ".txt", to_txt(rep), e, rep))
    # a broken cell in a table grid (TXT and HTML)
    for fmt_, mark in (("txt", "1-"), ("html", "—"), ("txt", "3O"), ("html", "2l")):
        vname = f"damage-{base.name}-cell-{fmt_}-{'dash' if '-' in mark or '—' in mark else 'letter'}"
        rr = rng(vname)
        row = rr.choice(["granted", "new_received", "unable_not_held", "carried_forward"])
        col = rr.choice(ts.APPLICANT_PARTS[:3])
        key = f"applications.{row}.{col}"
        rep = report_of(base, damage={key: mark})
        opt = [(rule, key) for rule in ("tables.missing_cell", "tables.ambiguous_cell", "tables.impossible_value")]
        # sums through the broken cell cannot be checked; a finding about them is not required, nor false
        opt += [("applications.row_total", f"applications.{row}"), ("applications.balance", f"applications.{col}"),
                ("applications.results_sum", f"applications.{col}")]
        out += _simple("damage", base, f"cell-{mark}", rep, (fmt_,), unreadable=[key], optional=opt,
                       note=f"cell {key} printed as {mark!r}")
    return out


# ---------------------------------------------------------------- headings

HEADING_DEVIATIONS = {
    "typo": {"overview": "一、总体倩况", "applications": "三、收到和处理政府信息公开申情况",
             "problems": "五、存在的主要问题及改近情况", "review_litigation": "四、政府信息公开行政复议、行政诉讼情況"},
    "typo2": {"active_disclosure": "二、主动公开政府信息倩况", "other": "六、其它需要报告的事项",
              "problems": "五、存在的主要问题和改进情况"},
    "short": {"other": "六、其他需报告的事项", "problems": "五、存在的问题及改进措施",
              "review_litigation": "四、行政复议、行政诉讼情况", "active_disclosure": "二、主动公开情况"},
    "spaced": {"overview": "一、 总 体 情 况", "other": "六、 其他需要报告的事项", "applications": "三、收到和处理政府信息公开申请情况 "},
}

OVERVIEW_PARTS = {
    "主动公开": ("（一）{h}。全年通过政府门户网站主动公开政府信息，及时发布政策文件、财政预决算和重点领域信息，"
               "做好政策解读和回应关切。", ("主动公开情况", "主动公开工作", "主动公开")),
    "依申请公开": ("（二）{h}。严格按照《条例》规定受理和办理政府信息公开申请，规范答复文书格式，按时答复申请人，"
                "依法保障申请人合法权益。", ("依申请公开办理", "依申请公开工作", "依申请办理")),
    "政府信息管理": ("（三）{h}。开展行政规范性文件清理，动态更新政府信息公开指南和公开目录，落实公文公开属性源头认定和"
                 "发布前保密审查。", ("信息管理", "政府信息管理", "加强政府信息管理")),
    "平台建设": ("（四）{h}。加强政府网站和政务新媒体建设管理，优化政府信息公开专栏设置，提升平台检索和无障碍服务水平。",
             ("公开平台建没", "网站和新媒体建设", "平台建设")),
    "监督保障": ("（五）{h}。将政务公开纳入年度绩效考核，组织业务培训，开展社会评议，落实工作责任追究制度。",
             ("强化监督考核", "监督保障", "工作保障")),
}


def family_headings(base: Base) -> list[Variant]:
    out = []
    for kind, heads in HEADING_DEVIATIONS.items():
        rep = report_of(base, headings={**ts.SECTION_TITLES, **heads})
        fmt_ = ("txt", "html")[rng(f"headings-{base.name}-{kind}").randrange(2)]
        out += _simple("headings", base, kind, rep, (fmt_,), note=f"section headings {heads}")
    rep = report_of(base, inline=frozenset({"overview", "problems", "other"}))
    out += _simple("headings", base, "run-together", rep, ("txt",), note="headings run into their first paragraph")
    req, _ = ts.table_findings(base.tables, base.template, base.agency, base.level, base.year, base.absent_rows)
    if not any(rule == "tables.missing_cell" for rule, _ in req):  # without tabs a blank cell loses its column
        rep = report_of(base, label_gap="spaces")
        out += _simple("headings", base, "label-spaces", rep, ("txt",),
                       note="table rows as label, a wide gap of spaces, cells separated by spaces (no tabs)")
        rep = report_of(base, label_gap="line")
        out += _simple("headings", base, "label-own-line", rep, ("txt",),
                       note="table row labels on their own line, cells on the next")
    # 总体情况 with all five parts, under sub-headings of other names (and one without 平台建设 at all)
    r = rng(f"headings-{base.name}-parts")
    paras = list(without_numbers(base.overview[:1])) if base.overview else []
    for part, (text, names) in OVERVIEW_PARTS.items():
        paras.append(text.format(h=r.choice(names)))
    rep = report_of(base, overview=tuple(paras))
    out += _simple("headings", base, "overview-parts", rep, (r.choice(("txt", "html")),), scored=("overview.missing_part",),
                   text_findings=False, note="总体情况 covers all five parts under sub-headings of other names")
    paras = [text.format(h=names[0]) for part, (text, names) in OVERVIEW_PARTS.items() if part != "平台建设"]
    paras = [p.replace("政府门户网站", "多种渠道") for p in paras]
    rep = report_of(base, overview=tuple(paras))
    out += _simple("headings", base, "overview-no-platform", rep, ("txt",), scored=("overview.missing_part",),
                   text_findings=False, findings=[("overview.missing_part", "overview.平台建设")],
                   note="总体情况 says nothing of 平台建设 (no heading, no website/new-media vocabulary)")
    return out


# ---------------------------------------------------------------- the report's own errors

# Which cell is printed off, and what it breaks: a part of a row (its 总计 and the column's balance), a row's
# 总计 (the row and the 总计 column), a cell of 三（七）总计 (the column's results and balance), a result of a
# case group of 四 (the group's 总计).
ERROR_CELLS = (
    ("applications", ("new_received", "granted", "partially_granted", "unable_not_held"), ts.APPLICANT_PARTS[:2]),
    ("applications", ("granted", "new_received", "carried_over"), ("total",)),
    ("applications", ("results_total",), ts.APPLICANT_PARTS[:1]),
    ("review_litigation", ts.GROUPS[:2], ("upheld", "pending")),
)


def family_errors(base: Base) -> list[Variant]:
    """The report's own arithmetic errors: one printed cell off by 1 to 3 (TXT, HTML, DOCX). Read as printed, never
    put right by the sums, and each broken relation said (the expected findings follow the printed tables)."""
    out = []
    for i, (table, rows, cols) in enumerate(ERROR_CELLS):
        vname = f"errors-{base.name}-{i}"
        r = rng(vname)
        picks = [(row, col) for row in rows for col in cols
                 if base.tables.get(table, {}).get(row, {}).get(col) is not None]
        if not picks:
            continue
        row, col = r.choice(picks)
        tables = ts.deepcopy(base.tables)
        old = tables[table][row][col]
        tables[table][row][col] = old + r.randint(1, 3)
        rep = report_of(base, tables=tables, overview=without_numbers(base.overview),
                        problems=without_numbers(base.problems), other=without_numbers(base.other))
        fmt_ = ("txt", "html", "docx")[i % 3]
        out += _simple("errors", base, f"{row}-{col}", rep, (fmt_,), text_findings=False,
                       note=f"{table}.{row}.{col} printed {tables[table][row][col]} instead of {old}")
    return out


FAMILIES = {
    "control": family_control,
    "header_title": family_header_title,
    "preamble": family_preamble,
    "department": family_department,
    "pairs": family_pairs,
    "flattened": family_flattened,
    "html_tables": family_html_tables,
    "narrative_traps": family_narrative_traps,
    "damage": family_damage,
    "headings": family_headings,
    "errors": family_errors,
}


def generate(families=None, bases: list[Base] | None = None) -> list[Variant]:
    """Every variant of the chosen families (all by default), in a stable order."""
    bases = load_bases() if bases is None else bases
    out: list[Variant] = []
    for fam, fn in FAMILIES.items():
        if families and fam not in families:
            continue
        for base in bases:
            out += fn(base)
    return out


def write(variants: list[Variant], folder: Path) -> None:
    """Each variant as a file, with its expected values as ``<name>.expected.json`` beside it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for v in variants:
        (folder / v.filename).write_bytes(v.data)
        (folder / f"{v.name}.expected.json").write_text(json.dumps(v.expected, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--family", action="append")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args()
    vs = generate(args.family)
    from collections import Counter

    for fam, n in Counter(v.family for v in vs).items():
        print(f"{fam:<16}{n:>5}")
    if args.write:
        write(vs, args.write)
        print("written to", args.write)
