"""DOCX reader (python-docx): paragraphs and tables in document order.

The zip is checked with :mod:`zipfile` before python-docx opens it: a file
that is not a zip, a zip that is no Word document, and a zip whose declared
uncompressed size exceeds ``settings.max_unzipped_mb`` are refused with a
one-line message.

Tables come back as full grids: python-docx repeats a horizontally merged cell
(``gridSpan``) in every column it spans and a vertically merged one
(``vMerge``) in every row, which is the grid :class:`~analyzer.model.Block`
asks for. Headers and footers are not read (they hold page numbers and
letterheads, never the report). Text boxes are skipped, with a note.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Iterator

from analyzer import errors
from analyzer.config import Settings
from analyzer.ingest.layout import is_heading
from analyzer.ingest.normalize import clean_cell, clean_prose
from analyzer.model import Block, Document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MB = 1024 * 1024
HEADING_STYLE_RE = re.compile(r"^(heading|标题|title|subtitle|副标题)", re.I)


# What python-docx's exceptions mean for a user (the message stays Chinese).
OPEN_FAILURES = {
    "PackageNotFoundError": "不是有效的 Word 文档包",
    "KeyError": "缺少必需的文档部件",
    "ValueError": "文档部件内容不合规范",
    "XMLSyntaxError": "文档的 XML 内容损坏",
    "BadZipFile": "压缩包中的部件损坏",
}


def check_zip(data: bytes, name: str, settings: Settings) -> None:
    """Refuse what python-docx should never open: not a zip, not Word, or a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise errors.UnreadableInput(errors.DOCX_BROKEN.format(name=name, reason="不是有效的 zip 压缩包")) from exc
    with archive:
        infos = archive.infolist()
        # Declared sizes suffice: zipfile never returns more than a member declares
        # (a lying member fails its CRC check instead), and python-docx reads through zipfile.
        total = sum(info.file_size for info in infos)
        if total > settings.max_unzipped_mb * MB:
            raise errors.UnreadableInput(errors.ZIP_BOMB.format(name=name, size=total // MB))
        names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        kind = "压缩包中没有 word/document.xml，不是 Word 文档"
        if "xl/workbook.xml" in names:
            kind = "这是 Excel 表格，不是 Word 文档"
        elif "ppt/presentation.xml" in names:
            kind = "这是 PowerPoint 演示文稿，不是 Word 文档"
        elif "content.xml" in names:
            kind = "这是 OpenDocument 文件，请另存为 DOCX"
        raise errors.UnreadableInput(errors.DOCX_BROKEN.format(name=name, reason=kind))


def read(path: Path, data: bytes, settings: Settings) -> Document:
    """Read a DOCX into a Document of headings, paragraphs and tables."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    name = path.name
    check_zip(data, name, settings)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile) as exc:
        reason = OPEN_FAILURES.get(type(exc).__name__, "无法解析")
        raise errors.UnreadableInput(errors.DOCX_BROKEN.format(name=name, reason=reason)) from exc
    except (zlib.error, EOFError) as exc:
        # A member whose compressed bytes are damaged: zipfile surfaces zlib's own
        # error (or EOFError for a cut stream) rather than BadZipFile.
        raise errors.UnreadableInput(errors.DOCX_BROKEN.format(name=name, reason="压缩数据损坏")) from exc

    blocks: list[Block] = []
    notes: list[str] = []
    text_boxes = boxed_tables = 0
    styles = _paragraph_styles(document)
    for element in _body_items(document.element.body):
        boxed: list[Any] = []
        if element.tag == f"{W}p":
            boxes = _text_boxes(element)
            text_boxes += len(boxes)
            # A table drawn in a text box is the report's data (a 三 laid out on a page of its own): it is
            # read after the paragraph holding the box. The boxes' own lines stay unread (seals, notes).
            boxed = [t for box in boxes for t in box.iter(f"{W}tbl") if t.getparent() is box]
            boxed_tables += len(boxed)
            block = _paragraph_block(element, styles)
        else:
            block = _table_block(element, document)
        for b in [block, *(_table_block(t, document) for t in boxed)]:
            if b is not None:
                blocks.append(b)
    if text_boxes:
        notes.append(f"文中有{text_boxes}个文本框，" + ("框内表格已读取，文字未读取" if boxed_tables else "其内容未读取"))
    # Pictures placed in the body (a table pasted as a screenshot); a picture's VML copy under mc:Fallback once.
    images = sum(1 for pic in document.element.body.iter(f"{PIC}pic", "{urn:schemas-microsoft-com:vml}imagedata")
                 if not any(a.tag == f"{MC}Fallback" for a in pic.iterancestors()))
    return Document(
        source=path, format="docx", blocks=tuple(blocks), notes=tuple(notes), metadata=_core_dates(document),
        images=images,
    )


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"


def _text_boxes(paragraph: Any) -> list[Any]:
    """The paragraph's text boxes, each once: Word writes a box twice (DrawingML, and VML under mc:Fallback)."""
    return [box for box in paragraph.iter(f"{W}txbxContent")
            if not any(a.tag == f"{MC}Fallback" for a in box.iterancestors())]


def _body_items(parent: Any) -> Iterator[Any]:
    """Top-level paragraphs and tables in order, looking through content controls (w:sdt) and layout tables."""
    for child in parent.iterchildren():
        if child.tag == f"{W}tbl" and child.find(f"{W}tr/{W}tc/{W}tbl") is not None:
            # A table holding a table is a page's layout (a web page saved as Word, a report boxed in a
            # frame), not data: its cells are read in order as the body, and their tables as tables.
            # Read as one table, python-docx's cell text leaves the inner tables out: 二、三、四 were lost.
            for cell in child.iterfind(f"{W}tr/{W}tc"):
                yield from _body_items(cell)
        elif child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _body_items(content)


def _paragraph_block(element: Any, styles: dict[str | None, tuple[str, bool]]) -> Block | None:
    text = clean_prose(paragraph_text(element))
    if not text:
        return None
    style_name, style_centred = styles.get(element.style, styles[None])
    heading = bool(HEADING_STYLE_RE.match(style_name)) and len(text) <= 60
    # A centred short line without a sentence in it is a title (reports rarely use heading styles).
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # python-docx costs 0.05 s to import: only when a DOCX is read

    jc = element.pPr.jc_val if element.pPr is not None else None
    centred = (jc == WD_ALIGN_PARAGRAPH.CENTER) if jc is not None else style_centred
    heading = heading or (centred and len(text) <= 60 and "。" not in text.rstrip("。"))
    return Block(kind="heading" if heading or is_heading(text) else "paragraph", text=text)


def paragraph_text(element: Any) -> str:
    """The paragraph's text including tracked insertions, fields and content controls.

    python-docx's ``Paragraph.text`` reads only direct runs and hyperlinks, so a
    report left with tracked changes (w:ins) would lose words. Runs inside a
    text box (w:txbxContent) belong to the box, not to this paragraph.
    """
    parts = []
    for run in element.iter(f"{W}r"):
        ancestor = run.getparent()
        skip = False
        while ancestor is not None and ancestor is not element:
            if ancestor.tag in (f"{W}txbxContent", f"{W}del"):
                skip = True
                break
            ancestor = ancestor.getparent()
        if not skip:
            parts.append(run.text)
    return "".join(parts)


def _paragraph_styles(document: Any) -> dict[str | None, tuple[str, bool]]:
    """Paragraph style id -> (name, centred), read once: python-docx's ``paragraph.style``
    scans every style for each unstyled paragraph."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    styles: dict[str | None, tuple[str, bool]] = {}
    default = None
    try:
        for style in document.styles.element.style_lst:
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                continue
            jc = style.pPr.jc_val if style.pPr is not None else None
            styles[style.styleId] = (style.name_val or style.styleId or "", jc == WD_ALIGN_PARAGRAPH.CENTER)
            if style.default:
                default = style.styleId
    except (AttributeError, KeyError, ValueError):
        pass  # a broken styles part: every paragraph counts as body text
    styles[None] = styles.get(default, ("", False))
    return styles


def _table_block(element: Any, document: Any) -> Block | None:
    from docx.table import Table

    table = Table(element, document._body)
    rows = table_rows(table)
    if not rows:
        return None
    return Block(kind="table", text="\n".join("\t".join(r) for r in rows), rows=rows)


def table_rows(table: Any) -> tuple[tuple[str, ...], ...]:
    """The table as a full grid of cleaned cell text, merged cells repeated."""
    try:
        grid = _grid(table)
    except ValueError:
        # A vertical merge continued from nothing: the first row of a table cut in two (a page's
        # continuation, as converters write it) or a row too short above it. python-docx cannot place
        # the cell; Word shows it as a cell of its own, so it is read as one.
        _restart_orphan_merges(table._tbl)
        grid = _grid(table)
    grid = _drop_sliver_columns(table, grid)
    texts: dict[int, str] = {}
    rows = []
    for row in grid:
        out = []
        for cell in row:
            key = id(cell._tc)
            if key not in texts:
                texts[key] = clean_cell(cell.text)
            out.append(texts[key])
        rows.append(out)
    rows = [r for r in rows if any(r)]
    if not rows:
        return ()
    width = max(len(r) for r in rows)
    return tuple(tuple(r + [""] * (width - len(r))) for r in rows)


def _grid(table: Any) -> list[list[Any]]:
    try:
        # ``_cells`` computes the grid once (gridSpan and vMerge resolved);
        # ``row.cells`` would recompute it for every row.
        cells = table._cells
        width = len(table.columns)
        return [cells[i : i + width] for i in range(0, len(cells), width)] if width else []
    except (AttributeError, IndexError, ValueError):
        return [list(row.cells) for row in table.rows]


def _restart_orphan_merges(tbl: Any) -> None:
    """Each cell that continues a vertical merge with no cell above it starts one instead."""
    from docx.oxml.ns import qn
    from docx.oxml.simpletypes import ST_Merge

    for tc in tbl.iter(qn("w:tc")):
        if tc.vMerge == ST_Merge.CONTINUE:
            try:
                tc._tc_above
            except ValueError:
                tc.vMerge = ST_Merge.RESTART


SLIVER_EMU = 72000  # 2 mm: narrower grid columns come from rounding, not from the author


def _drop_sliver_columns(table: Any, grid: list[list[Any]]) -> list[list[Any]]:
    """Drop grid columns a few twips wide that no cell occupies alone.

    Two rows whose boundaries almost line up (行政诉讼 over 未经复议直接起诉)
    make Word and LibreOffice insert a sliver column, which would print the
    spanning cell's value twice (seen after a .doc round trip through LibreOffice).
    """
    try:
        widths = [col.w for col in table._tbl.tblGrid.gridCol_lst]
    except AttributeError:
        return grid
    width = min((len(r) for r in grid), default=0)
    if len(widths) != width:
        return grid
    sliver = set()
    for c, w in enumerate(widths):
        if w is None or w >= SLIVER_EMU:
            continue
        if all(
            (c > 0 and row[c]._tc is row[c - 1]._tc) or (c + 1 < width and row[c]._tc is row[c + 1]._tc)
            for row in grid
        ):
            sliver.add(c)
    if not sliver:
        return grid
    return [[cell for c, cell in enumerate(row) if c not in sliver] for row in grid]


def _core_dates(document: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        props = document.core_properties
        for attr, key in (("created", "docx_created"), ("modified", "docx_modified")):
            value = getattr(props, attr)
            if value is not None:
                out[key] = value.date().isoformat()
        if (props.title or "").strip():  # the report's title may be kept only here (identify weighs it)
            out["docx_title"] = props.title.strip()
    except (ValueError, AttributeError, TypeError):
        pass  # malformed core properties are no reason to refuse the report
    return out
