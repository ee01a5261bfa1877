"""The typed objects passed between stages.

Every stage is a plain function from one of these to another; nothing else
imports sideways to get types. Objects are frozen: a stage returns a new
object (``dataclasses.replace``) instead of mutating its input.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "table"]
Format = Literal["pdf", "docx", "html", "txt"]
Severity = Literal["error", "warning", "info"]
Level = Literal["national", "province", "city", "county", "township"]

SECTION_KEYS = (
    "overview",
    "active_disclosure",
    "applications",
    "review_litigation",
    "problems",
    "other",
)


@dataclass(frozen=True)
class Block:
    """A heading, paragraph or table as the reader saw it.

    ``rows`` holds raw cell text for tables, row by row, with merged cells
    repeated into every grid position they cover (so every row of one table
    has the same width where the format allows). ``page`` is 1-based for
    formats with pages; ``line`` is the 1-based source line for text formats.
    """

    kind: BlockKind
    text: str
    rows: tuple[tuple[str, ...], ...] | None = None
    page: int | None = None
    line: int | None = None
    # What the reader could not place for sure in a table ("第4页表格中“（六）其他处理”所在行不能确定"):
    # its rows as read may miss or misplace it.
    doubts: tuple[str, ...] = ()
    # Per cell of ``rows`` (same shape), how a reader that recognised the page's image read it
    # (OCR): None for a table read from text, and for a cell that holds no value.
    readings: tuple[tuple[CellReading | None, ...], ...] | None = None


@dataclass(frozen=True)
class Document:
    """What every reader returns; later stages never ask about the file format."""

    source: Path
    format: Format
    blocks: tuple[Block, ...]
    notes: tuple[str, ...] = ()
    # Facts the container carries outside the body: a web page's 发布时间,
    # PDF metadata dates, the title line of a crawler dump.
    metadata: dict[str, str] = field(default_factory=dict)
    # Pictures in the body the reader saw and could not read (a web page's or Word file's <img>): a table
    # shown as one is not "not listed" (tables.missing_table is then uncertain).
    images: int = 0
    # Pages whose text came from OCR (a scan, a page exported as a picture): what is not found on them may be
    # what OCR did not see, so tables.missing_table is then uncertain.
    ocr_pages: int = 0
    # The file's bytes as read, for the stages that look at the file as written
    # (line numbers of a TXT, the second reading of a failed check); never re-read from disk.
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass(frozen=True)
class SubPart:
    """A numbered sub-part of a section, e.g. 总体情况's （一）主动公开."""

    number: str  # as written: "（一）", "1.", "一是"
    title: str  # heading text without the number ("" when run into the text)
    text: str  # body text including the title line


@dataclass(frozen=True)
class Section:
    key: str  # one of SECTION_KEYS
    title: str  # the heading as written
    blocks: tuple[Block, ...]
    parts: tuple[SubPart, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    @property
    def chars(self) -> int:
        """Characters of body text, whitespace excluded (tables count their cell text)."""
        return sum(1 for ch in self.text if not ch.isspace())

    @property
    def tables(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == "table")


# ReportMeta.year_from when no title, statistical period or 落款 says the year: the text's most spoken.
YEAR_INFERRED = "正文推断"


@dataclass(frozen=True)
class ReportMeta:
    title: str | None
    agency: str | None
    level: Level | None
    year: int | None
    template: Literal["2021", "2019"] | None
    published: str | None = None  # ISO date "YYYY-MM-DD" when the document carries one
    published_from: str | None = None  # where the date was found ("发布时间", "落款", "PDF元数据")
    # Where the year was read (identify.YEAR_SOURCES): a title, the statistical period, the 落款's date,
    # or, when none says it, the year the text speaks of most (YEAR_INFERRED), which a finding may not rest on.
    year_from: str | None = None

    @property
    def year_inferred(self) -> bool:
        """No title, statistical period or 落款 states the year: a finding resting on it is uncertain."""
        return self.year_from == YEAR_INFERRED

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "agency": self.agency,
            "level": self.level,
            "year": self.year,
            "template": self.template,
            "published": self.published,
        }


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, y growing downwards


@dataclass(frozen=True)
class CellReading:
    """How OCR read one table cell from the page's image: where, how sure, and what a second look said."""

    page: int
    box: Box  # on the page as it lies in the PDF (what a viewer shows), in points from the top left
    confidence: float  # the recogniser's, 0–1 (the lowest of the cell's text lines)
    # The value is in doubt: read with low confidence and not confirmed by the second reading,
    # read differently by it, or damaged beyond repair. Findings resting on it are uncertain.
    doubtful: bool = False
    second: str | None = None  # the second reading (the cell's crop, digits only, at a higher resolution)
    second_confidence: float | None = None
    # How the page image was put upright before reading (degrees counter-clockwise; a small skew),
    # so that the cell can be cut out and read again the same way.
    turned: int = 0
    skew: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"box": [round(v, 1) for v in self.box], "confidence": round(self.confidence, 4)}
        if self.doubtful:
            d["doubtful"] = True
        if self.second is not None:
            d["second_reading"] = self.second
            d["second_confidence"] = None if self.second_confidence is None else round(self.second_confidence, 4)
        return d


@dataclass(frozen=True)
class CellSource:
    """Where one extracted number came from (camelot's parsing_report idea)."""

    raw: str  # the cell text as written
    row_label: str  # the row label as written
    col_label: str  # the column label as written (or the template's when not shown)
    page: int | None = None
    line: int | None = None
    method: str = "grid"  # "grid" (table cell), "text" (read from running text) or "ocr" (a scanned page)
    reading: CellReading | None = None  # for "ocr": the box, the confidence and the doubt

    def read_by(self, reading: CellReading | None) -> CellSource:
        """This source of a cell that OCR read as ``reading`` (unchanged when None)."""
        return self if reading is None else replace(self, method="ocr", reading=reading)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "raw": self.raw,
            "row_label": self.row_label,
            "col_label": self.col_label,
            "page": self.page,
            "line": self.line,
            "method": self.method,
        }
        if self.reading is not None:
            d.update(self.reading.to_dict())
        return d


Number = int | float | None

# How the record marks the remark of an ambiguous cell.
AMBIGUOUS_REMARK = "无法唯一拆分："


@dataclass(frozen=True)
class TableValues:
    """The three standard tables in the canonical keys of spec/tables.md.

    ``values[table][row][col]`` is an int (a float only for money), or None
    when the report does not show the cell: a missing cell is never 0.
    Keys below are written like the cells: ``"table.row.col"`` or ``"table.row"``.
    """

    template: Literal["2021", "2019"] | None
    values: dict[str, dict[str, dict[str, Number]]]
    # Where every read number came from.
    sources: dict[str, CellSource] = field(default_factory=dict)
    # Per table: whether it was located at all.
    found: dict[str, bool] = field(default_factory=dict)
    # What a cell shows when no number was read from it, as written: a
    # placeholder ("无", "—", "/"), words, or the digit run of a cell in ``ambiguous``.
    remarks: dict[str, str] = field(default_factory=dict)
    # Cells whose digit run splits several consistent ways: left None, never guessed.
    ambiguous: frozenset[str] = frozenset()
    # Rows ("table.row") located by their label, even when every cell is blank.
    rows_found: frozenset[str] = frozenset()
    # Rows read but outside the template ("applications.other_processing": the single
    # （六）其他处理 row of a 2021 report), their values in column order.
    aux_rows: dict[str, tuple[Number, ...]] = field(default_factory=dict)
    # Per table: rows of numbers (their cells as written) that could not be placed on a template row.
    unplaced_rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Per table: what the file's reader could not place for sure in the table blocks it was read from (Block.doubts).
    reader_doubts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Why a cell with a remark was not read, when not as written: "damaged" (a number with a stray
    # character: "1-", "3O", a digit run with "—" inside), "columns" (a grid whose columns could not
    # be told apart). Cells of ``ambiguous`` split several ways.
    unread: dict[str, str] = field(default_factory=dict)
    # Checks every admissible reading of the digit runs breaks ("applications.balance.total",
    # "applications.row_total.granted", …): no reading can rescue them (tables.splits).
    broken: frozenset[str] = frozenset()
    # Cells OCR read in doubt (``CellReading.doubtful``), with or without a value: findings resting
    # on one are uncertain.
    doubtful: frozenset[str] = frozenset()
    # Cells of a digit run that splits several ways alone, read because the table's sums (its row total,
    # 一+二=三+四, the group totals) leave one reading: a relation through them holds by construction, so
    # it verifies nothing (经核验 is never said of it).
    by_sums: frozenset[str] = frozenset()

    def get(self, table: str, row: str, col: str) -> Number:
        return self.values.get(table, {}).get(row, {}).get(col)

    def remark(self, key: str) -> str:
        """A cell's remark for the record (the exports' remark column); "" when there is none."""
        raw = self.remarks.get(key, "")
        return AMBIGUOUS_REMARK + raw if key in self.ambiguous else raw

    def to_dict(self) -> dict[str, Any]:
        return self.values


@dataclass(frozen=True)
class Finding:
    rule: str  # stable dotted name, e.g. "applications.balance"
    severity: Severity
    message: str  # pasteable into a review, Chinese
    where: str  # "三、收到和处理政府信息公开申请情况 / 自然人 / 一、本年新收…"
    id: str = ""  # stable across runs: hash of rule + where + report identity
    status: Literal["confirmed", "uncertain"] = "confirmed"
    quote: str = ""  # the sentence or raw cells concerned, shortened
    data: dict[str, Any] = field(default_factory=dict)  # numbers involved, for reviews

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "status": self.status,
        }
        if self.quote:
            d["quote"] = self.quote
        if self.data:
            d["data"] = self.data
        return d


@dataclass(frozen=True)
class Statement:
    """One sentence or enumerated clause of 总体情况 or 五 with its labels."""

    text: str
    section: str  # section key
    part: str = ""  # sub-part number as written, e.g. "（一）"
    kind: str = "statement"  # problem / measure / achievement / statement / other (not about disclosure work)
    kind_score: float = 0.0  # calibrated probability of the kind
    category: str | None = None  # problem category for problems and measures
    category_score: float = 0.0
    runner_up: str | None = None  # second category when close
    boilerplate: bool = False
    carried_over: bool = False  # near-duplicate of the same agency's previous report
    boilerplate_evidence: str | None = None  # the stock phrase matched, or "与至少3个其他机关的报告基本相同" (run level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "section": self.section,
            "part": self.part,
            "kind": self.kind,
            "kind_score": round(self.kind_score, 4),
            "category": self.category,
            "category_score": round(self.category_score, 4),
            "runner_up": self.runner_up,
            "boilerplate": self.boilerplate,
            "boilerplate_evidence": self.boilerplate_evidence,
            "carried_over": self.carried_over,
        }


@dataclass(frozen=True)
class ProblemPair:
    """A problem of section 五 and the measures that answer it; none answers it when ``measures`` is empty.

    Indices point into ``NarrativeResult.statements``. ``how`` says what paired
    them: ``same_sentence`` (the measure was split off the problem's sentence),
    ``list_position`` (item n of a measure list answers item n of a problem list
    of the same length), ``names_problem`` ("针对…问题，…"), ``content`` (shared
    words and category).
    """

    problem: int
    measures: tuple[int, ...] = ()
    how: tuple[str, ...] = ()  # one per measure
    repeats_previous: bool = False  # the same agency's previous report states the same problem (by meaning)
    specific: bool = False  # it names something concrete (narrative.problems.is_vague is false): a review may praise it
    # No other statement of its 五 touches it: no pairing, no clause of its area, no rare word of it
    # (narrative.pairing.untouched). Stronger than an empty ``measures``, which only says the pairing chose none.
    untouched: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"problem": self.problem, "measures": list(self.measures), "how": list(self.how),
                "repeats_previous": self.repeats_previous, "specific": self.specific, "untouched": self.untouched}


@dataclass(frozen=True)
class NarrativeResult:
    statements: tuple[Statement, ...]
    category_counts: dict[str, int] = field(default_factory=dict)
    boilerplate_share: float | None = None
    copied_share: float | None = None  # None when no previous report of the agency is in the run
    kind_counts: dict[str, int] = field(default_factory=dict)
    pairs: tuple[ProblemPair, ...] = ()  # each problem of 五 with the measures answering it
    copied_by_section: dict[str, float] = field(default_factory=dict)  # share of each section's statements carried over

    def to_dict(self) -> dict[str, Any]:
        return {
            "statements": [s.to_dict() for s in self.statements],
            "kind_counts": self.kind_counts,
            "category_counts": self.category_counts,
            "boilerplate_share": None if self.boilerplate_share is None else round(self.boilerplate_share, 4),
            "copied_share": None if self.copied_share is None else round(self.copied_share, 4),
            "copied_by_section": {k: round(v, 4) for k, v in sorted(self.copied_by_section.items())},
            "pairs": [p.to_dict() for p in self.pairs],
        }


@dataclass(frozen=True)
class Reason:
    """One reason a score part lost (or could not judge) points."""

    text: str  # Chinese, quotable
    points: float  # points lost (0 for a note such as "无上年报告，未评")
    rule: str | None = None  # the finding's rule, or the measured fact's key (analyzer.rules.MEASURES)
    finding_id: str | None = None
    # Typed facts of a measured reason, so that reviews and pages say it
    # without parsing ``text`` (in memory only; the JSON keeps the four above).
    section: str | None = None  # the section it is about (score.section_missing)
    table: str | None = None  # the table it is about (score.table_missing, score.cells_missing)
    fact: str = ""  # the measured fact alone, without the score's threshold ("" = the text)
    held: float = 0.0  # points neither given nor lost: held back until a person checks (待核实)

    def to_dict(self) -> dict[str, Any]:
        d = {"text": self.text, "points": round(self.points, 2), "rule": self.rule, "finding_id": self.finding_id}
        if self.held:
            d["held"] = round(self.held, 2)
        return d


@dataclass(frozen=True)
class ScorePart:
    key: str  # completeness / accuracy / conformity / substance
    label: str  # 完整性 …
    points: float
    max_points: float
    reasons: tuple[Reason, ...] = ()
    judged: bool = True

    @property
    def pending(self) -> float:
        """Points held back until a person checks what the analyzer could not (待核实)."""
        return round(float(sum(r.held for r in self.reasons)), 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "points": round(self.points, 2),
            "max_points": self.max_points,
            "pending": self.pending,
            "judged": self.judged,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Score:
    total: float
    grade: str  # 优秀 / 良好 / 合格 / 不合格
    parts: tuple[ScorePart, ...]
    config: str = "default"  # name or hash of the weights configuration
    provisional: bool = False  # the points held (待核实) could change the grade

    def part(self, key: str) -> ScorePart | None:
        return next((p for p in self.parts if p.key == key), None)

    @property
    def pending(self) -> float:
        """Points held back in all parts (待核实): not in ``total``, not lost either."""
        return round(float(sum(p.pending for p in self.parts)), 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 2),
            "pending": self.pending,
            "grade": self.grade,
            "provisional": self.provisional,
            "config": self.config,
            "parts": {p.key: p.to_dict() for p in self.parts},
        }


@dataclass(frozen=True)
class StageFailure:
    """A stage that failed on one report, which is kept, partial; ``rules`` are those it left unjudged
    (the score treats them as not judged, never as "no problem")."""

    stage: str  # "identify", "sections", "tables", "check:<function>", "consistency", "narrative", …
    note: str  # Chinese, for the reader: what could not be done
    rules: tuple[str, ...] = ()
    error: str = ""  # the exception, for whoever fixes it

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "note": self.note, "rules": list(self.rules), "error": self.error}


@dataclass(frozen=True)
class ReportResult:
    """Everything the analyzer knows about one report."""

    source: str  # path as given (relative where possible)
    format: Format
    meta: ReportMeta
    sections: dict[str, Section]
    tables: TableValues | None = None
    findings: tuple[Finding, ...] = ()
    narrative: NarrativeResult | None = None
    score: Score | None = None
    notes: tuple[str, ...] = ()
    document: Document | None = None  # kept in memory for later stages, never serialised
    failed: tuple[StageFailure, ...] = ()  # stages that failed: the result is partial

    @property
    def partial(self) -> bool:
        return bool(self.failed)

    @property
    def report_id(self) -> str:
        return Path(self.source).stem

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source": self.source,
            "format": self.format,
            "report": self.meta.to_dict(),
            "sections": {
                key: {
                    "present": key in self.sections,
                    "chars": self.sections[key].chars if key in self.sections else 0,
                    "title": self.sections[key].title if key in self.sections else None,
                }
                for key in SECTION_KEYS
            },
            "tables": self.tables.to_dict() if self.tables else {},
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.tables and self.tables.sources:
            d["provenance"] = {k: v.to_dict() for k, v in sorted(self.tables.sources.items())}
        if self.notes:
            d["notes"] = list(self.notes)
        if self.narrative is not None:
            d["narrative"] = self.narrative.to_dict()
        if self.score is not None:
            d["score"] = self.score.to_dict()
        if self.failed:
            d["partial"] = True
            d["failed_stages"] = [f.to_dict() for f in self.failed]
        return d


FailureKind = Literal["unreadable", "unexpected", "timeout", "crash"]


@dataclass(frozen=True)
class Failure:
    """A file that could not be processed, with the one-line reason (one row of ``failures.csv``)."""

    source: str
    error: str
    kind: FailureKind = "unreadable"  # crash: the worker process died on it (segfault, memory)


@dataclass
class RunResult:
    """The reports of one run and the files that failed, each list sorted by source."""

    results: list[ReportResult] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)  # source -> source of last year's report
    # source -> sources of last year's reports that could each be its agency's: none was linked
    competing: dict[str, tuple[str, ...]] = field(default_factory=dict)
