"""Review comments as Word files: 公文 styles and page setup, one file per report and a combined one.

The text comes from :mod:`analyzer.output.review`; this module only lays it
out (仿宋 body, 黑体 headings, A4, GB/T 9704 margins) and writes the files.
The same results give the same bytes.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from analyzer.model import ReportResult
from analyzer.output._zip import FIXED_TIME, frozen_entries, write_entries, write_frozen_zip
from analyzer.output.ids import report_ids
from analyzer.output.review import APPENDIX_TITLE, Comment, Letterhead, build_comment, render_markdown

COMBINED_NAME = "评审意见汇编.docx"


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
PLAIN_STYLE = "评审意见顶格"  # 主送 line: flush left
SIGNATURE_STYLE = "评审意见落款"  # unit and date: flush right


def _style(doc, name: str, font: str, size: float, *, indent: bool, center: bool = False, right: bool = False):
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
    if right:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(64)  # 公文: the 落款 ends four characters from the right margin
    return style


_TEMPLATE: dict[str, bytes] = {}
_DOCUMENT_PART = "word/document.xml"


def _new_document():
    """A blank document with our page setup and styles (built once, then reopened from bytes: faster)."""
    from docx import Document

    if "docx" not in _TEMPLATE:
        buf = io.BytesIO()
        _build_template().save(buf)
        _TEMPLATE["docx"] = buf.getvalue()
    return Document(io.BytesIO(_TEMPLATE["docx"]))


class _Reused:
    """One blank document per process, its body emptied for each file, and the saved bytes of
    its other parts: a review writes only its own ``word/document.xml``.

    Opening the template (every part parsed) and saving it (every part serialised and
    compressed twice) took two thirds of the time of each report's review DOCX. Comments
    only add paragraphs to the body, so every other part stays the template's.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()  # the workbench writes from several threads
        self.doc = None
        self.entries: list[tuple[str, bytes]] = []
        self.blank: list = []
        self.ids: dict[str, str] = {}

    def write(self, comments: list[Comment], path: Path) -> None:
        from docx.opc.oxml import serialize_part_xml

        with self.lock:
            if self.doc is None:
                self.doc = _new_document()
                buf = io.BytesIO()
                self.doc.save(buf)
                self.entries = frozen_entries(buf.getvalue())
                self.blank = list(self.doc.element.body)
                self.ids = _style_ids(self.doc)
            try:
                _add_comments(self.doc, comments, None, self.ids)
                document = serialize_part_xml(self.doc.element)
            finally:  # the body back to the template's, whatever happened: nothing of one file reaches the next
                body = self.doc.element.body
                for child in list(body):
                    if not any(child is kept for kept in self.blank):
                        body.remove(child)
            entries = [(name, document if name == _DOCUMENT_PART else content) for name, content in self.entries]
        write_entries(entries, path)


_REUSED = _Reused()


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
    _style(doc, PLAIN_STYLE, BODY_FONT, 16, indent=False)
    _style(doc, SIGNATURE_STYLE, BODY_FONT, 16, indent=False, right=True)
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


def _style_ids(doc) -> dict[str, str]:
    """Our paragraph styles' ids (python-docx finds each by scanning every style: once per file)."""
    return {name: doc.styles[name].style_id for name in (TITLE_STYLE, HEADING_STYLE, PLAIN_STYLE, SIGNATURE_STYLE)}


def _add_comment(doc, comment: Comment, ids: dict[str, str]):
    """Add one comment; return its last paragraph (where a page break may follow)."""
    _add(doc, comment.heading, ids[TITLE_STYLE])
    _add(doc, "", ids[TITLE_STYLE])
    _add(doc, comment.addressee, ids[PLAIN_STYLE])
    _add(doc, "一、总体评价", ids[HEADING_STYLE])
    _add(doc, comment.overall)
    if comment.problems:
        _add(doc, "二、存在的问题", ids[HEADING_STYLE])
        for i, t in enumerate(comment.problems, 1):
            _add(doc, f"{i}. {t}")
        _add(doc, "三、整改建议", ids[HEADING_STYLE])
        for i, t in enumerate(comment.suggestions, 1):
            _add(doc, f"{i}. {t}")
    if comment.closing:
        _add(doc, comment.closing)
    _add(doc, "")
    _add(doc, comment.signature[0], ids[SIGNATURE_STYLE])
    last = _add(doc, comment.signature[1], ids[SIGNATURE_STYLE])
    if comment.pending:
        from docx.enum.text import WD_BREAK

        # For the reviewer only: on a page of its own, so the letter prints without it.
        last.add_run().add_break(WD_BREAK.PAGE)
        _add(doc, APPENDIX_TITLE, ids[HEADING_STYLE])
        for i, t in enumerate(comment.pending, 1):
            last = _add(doc, f"{i}. {t}")
    return last


def write_docx(results: list[ReportResult], path: Path, letterhead: Letterhead | None = None) -> Path:
    """One DOCX with the comment of each result; a page break between reports."""
    return write_comments([build_comment(r, letterhead) for r in results], path)


def write_comments(comments: list[Comment], path: Path, front=None) -> Path:
    """One DOCX with the given comments (edited ones too); a page break between them.

    ``front(doc)``, when given, adds pages before the first comment (a cover,
    a table) and returns the paragraph after which the comments start on a new page.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if front is None:
        _REUSED.write(comments, path)
        return path
    doc = _new_document()  # a front page may add parts (a table's style): the whole document is saved
    _add_comments(doc, comments, front(doc))
    buf = io.BytesIO()
    doc.save(buf)
    write_frozen_zip(buf.getvalue(), path)
    return path


def _add_comments(doc, comments: list[Comment], last, ids: dict[str, str] | None = None) -> None:
    """The comments after paragraph ``last`` (None: from the start), each from a new page."""
    from docx.enum.text import WD_BREAK

    ids = ids or _style_ids(doc)
    for comment in comments:
        if last is not None:
            # Keep the last paragraph at hand: doc.paragraphs rebuilds the whole list (quadratic in a batch).
            last.add_run().add_break(WD_BREAK.PAGE)
        last = _add_comment(doc, comment, ids)


def write_reviews(results: list[ReportResult], out_dir: Path, letterhead: Letterhead | None = None) -> list[Path]:
    """One .md and one .docx per report under ``out_dir/reviews/``, plus the combined 评审意见汇编.docx.

    Files are named by the report ids of the run's JSON files (``output.ids``):
    the seeds come as one stem in four formats.
    """
    jobs = review_jobs(results, out_dir, letterhead)
    return [path for job in jobs[1:] + jobs[:1] for path in job()]  # the combined file last


def review_jobs(results: list[ReportResult], out_dir: Path, letterhead: Letterhead | None = None) -> list:
    """:func:`write_reviews` as independent jobs, each returning the paths it wrote:
    the combined 汇编 first (the largest), then one per report."""
    folder = Path(out_dir) / "reviews"
    folder.mkdir(parents=True, exist_ok=True)
    ordered = sorted(results, key=lambda r: r.source)
    names = report_ids(ordered)

    def one(r: ReportResult) -> list[Path]:
        name = names[r.source]
        md = folder / f"{name}.评审意见.md"
        md.write_text(render_markdown(r, letterhead), encoding="utf-8")
        return [md, write_docx([r], folder / f"{name}.评审意见.docx", letterhead)]

    jobs = [lambda: [write_docx(ordered, folder / COMBINED_NAME, letterhead)]] if ordered else []
    return jobs + [lambda r=r: one(r) for r in ordered]
