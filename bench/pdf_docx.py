"""The Word file a PDF variant is printed from: a report as a government office writes one.

A variant's :class:`bench.variants.Report` is written GB/T 9704-style (A4, the official
margins, a centred 方正小标宋 title, 黑体 headings, 仿宋 text, "— N —" page numbers in the
footer, tables in 宋体 with wide label columns, rows never split over a page); table 三
starts a page. ``bench/pdf_render.py`` turns it into PDF with LibreOffice. The body is
written as WordprocessingML text (python-docx's object model takes a second a table);
python-docx gives the package, the page setup, the footer and the core properties (the
title goes there too, and LibreOffice carries it into the PDF's ``/Title``).

Layouts (``LAYOUTS``)
    ruled       tables drawn with ruling lines (Word's "Table Grid")
    borderless  tables without any ruling line: columns can only be told from the text's positions
    break       ruled, and table 三 cut across a page inside its body (before a row chosen by the
                variant's name): a merged label over the cut is printed above it only, the header
                rows are printed again on the new page or not (chosen by name), and the page's
                footer stands between the two halves
    flat        (flattened variants, which have no tables) web text pasted into Word: every table
                one paragraph of run-together cells, wrapped at the line's end

The same Report, layout and name always give the same bytes (``V._fixed_zip``).
"""

from __future__ import annotations

import html
import io
import re

from bench import truth_schema as ts
from bench import variants as V

LAYOUTS = ("ruled", "borderless", "break")
FLAT = "flat"  # the "layout" of a flattened report: no tables, the cells run together in the text
TEXT_CM = 15.6  # A4 less GB/T 9704 margins (2.8 + 2.6 cm)



_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FACES = {"title": ("方正小标宋简体", 44), "h1": ("黑体", 32), "p": ("仿宋_GB2312", 32), "cell": ("宋体", 18), "cell2": ("宋体", 21)}


def _twips(cm: float) -> int:
    return round(cm / 2.54 * 1440)


def _run(kind: str, text: str) -> str:
    face, half_points = _FACES[kind]
    fonts = f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}"/>'
    return (f'<w:r><w:rPr>{fonts}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
            f'<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r>')


class _Writer:
    """A Word file with the house look of a government report (GB/T 9704: A4, its margins, "— N —" page numbers).

    The body is written as WordprocessingML text (python-docx's object model takes a second a
    table); python-docx gives the package, the page setup, the footer and the core properties.
    """

    def __init__(self, rep: V.Report):
        import docx
        from docx.shared import Cm

        self.doc = docx.Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        self._footer(section)
        self._properties(rep)
        self.body: list[str] = []

    def _footer(self, section) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">— </w:t></w:r>'))
        p._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
        p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))

    def _properties(self, rep: V.Report) -> None:
        import datetime

        m = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", rep.published or "")
        when = datetime.datetime(*map(int, m.groups()), 9, 0, 0) if m else datetime.datetime(2000, 1, 1)
        props = self.doc.core_properties
        props.created = props.modified = props.last_printed = when
        props.author = props.last_modified_by = ""
        props.revision = 1
        if rep.header_title:
            props.title = rep.header_title

    def paragraph(self, text: str, kind: str = "p", *, runs: tuple[tuple[str, str], ...] = (), page_break: bool = False) -> None:
        """A title, heading (``h1``) or text paragraph; ``runs``: (kind, text) pieces on one line."""
        ppr = ("<w:pageBreakBefore/>" if page_break else "") + \
            f'<w:spacing w:before="0" w:after="0" w:line="{720 if kind == "title" else 560}" w:lineRule="exact"/>' + \
            ('<w:jc w:val="center"/>' if kind == "title" else '<w:ind w:firstLine="640"/>')
        self.body.append(f"<w:p><w:pPr>{ppr}</w:pPr>{''.join(_run(k, t) for k, t in runs or ((kind, text),))}</w:p>")

    def save(self) -> bytes:
        from lxml import etree

        frag = etree.fromstring(f'<w:body xmlns:w="{_W}">{"".join(self.body)}</w:body>')
        body = self.doc.element.body
        at = body.index(body.find(f"{{{_W}}}sectPr"))
        for i, el in enumerate(list(frag)):
            body.insert(at + i, el)
        buf = io.BytesIO()
        self.doc.save(buf)
        return V._fixed_zip(buf.getvalue())


def _widths(kind: str, width: int, n_labels: int) -> list[float]:
    """Column widths (cm): label columns wide, number columns sharing the rest of the line."""
    if kind == "applications":
        labels = [0.9, 2.0, 4.6] if n_labels == 3 else [0.9, 0.8, 1.9, 4.0]
        rest = (TEXT_CM - sum(labels)) / max(1, width - n_labels)
        return labels + [rest] * (width - n_labels)
    if kind == "active_disclosure":
        return [TEXT_CM * 0.34] + [TEXT_CM * 0.66 / max(1, width - 1)] * (width - 1)
    return [TEXT_CM / width] * width


def _placed(grid: list[list[V.Cell]]) -> list[tuple[int, int, V.Cell]]:
    """Every cell of a grid with its (row, column) in the full matrix."""
    out = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            taken |= {(r + dr, c + dc) for dr in range(cell.rs) for dc in range(cell.cs)}
            c += cell.cs
    return out


def _table(w: _Writer, grid: list[list[V.Cell]], kind: str, layout: str, n_labels: int = 1,
           new_page: bool = False) -> None:
    """One grid as a Word table: merged cells (gridSpan, vMerge), widths, rows never split,
    ruling lines unless borderless; ``new_page``: the table starts a page."""
    placed = _placed(grid)
    width = max(c + cell.cs for _, c, cell in placed)
    widths = _widths(kind, width, n_labels)
    # what stands at each (row, col) where a cell starts: a cell, or the continuation of one above
    starts: dict[tuple[int, int], tuple[V.Cell, bool]] = {}
    for r, c, cell in placed:
        starts[(r, c)] = (cell, True)
        for dr in range(1, cell.rs):
            starts[(r + dr, c)] = (cell, False)
    lines = "" if layout == "borderless" else '<w:tblStyle w:val="TableGrid"/>'
    none = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    borders = f"<w:tblBorders>{none}</w:tblBorders>" if layout == "borderless" else ""
    xml = [f'<w:tbl><w:tblPr>{lines}<w:tblW w:w="{_twips(sum(widths))}" w:type="dxa"/><w:jc w:val="center"/>{borders}'
           '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
           + "".join(f'<w:gridCol w:w="{_twips(x)}"/>' for x in widths) + "</w:tblGrid>"]
    for r in range(len(grid)):
        xml.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for c in range(width):
            if (r, c) not in starts:
                continue
            cell, first = starts[(r, c)]
            span = f'<w:gridSpan w:val="{cell.cs}"/>' if cell.cs > 1 else ""
            merge = ('<w:vMerge w:val="restart"/>' if first else "<w:vMerge/>") if cell.rs > 1 else ""
            tcw = f'<w:tcW w:w="{_twips(sum(widths[c:c + cell.cs]))}" w:type="dxa"/>'
            jc = "left" if c < n_labels and r >= 1 else "center"
            brk = "<w:pageBreakBefore/>" if new_page and r == 0 and c == 0 else ""
            text = _run("cell2" if kind == "active_disclosure" else "cell", cell.text) if first and cell.text else ""
            xml.append(f'<w:tc><w:tcPr>{tcw}{span}{merge}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>{brk}'
                       f'<w:spacing w:before="0" w:after="0"/><w:jc w:val="{jc}"/></w:pPr>{text}</w:p></w:tc>')
        xml.append("</w:tr>")
    xml.append("</w:tbl>")
    w.body.append("".join(xml))
    w.body.append("<w:p/>")  # a paragraph between adjacent tables, as Word needs


def _break_row(name: str, grid: list[list[V.Cell]], head: int) -> int:
    """The body row of 三 the page breaks before: somewhere in the middle, chosen by the variant's name."""
    n = len(grid)
    lo, hi = head + 5, max(head + 5, n - 4)  # a few result rows above, so 三、本年度办理结果 has room
    return V.rng(f"pdf-break-{name}").randint(lo, hi)


def split_grid(grid: list[list[V.Cell]], at: int) -> tuple[list[list[V.Cell]], list[list[V.Cell]]]:
    """The grid cut before row ``at``, as a page break cuts a table: a merged cell over the cut
    keeps its text above and continues empty below."""
    placed = _placed(grid)
    top: list[list[tuple[int, V.Cell]]] = [[] for _ in range(at)]
    bottom: list[list[tuple[int, V.Cell]]] = [[] for _ in range(len(grid) - at)]
    for r, c, cell in placed:
        if r >= at:
            bottom[r - at].append((c, cell))
        elif r + cell.rs > at:
            top[r].append((c, V.Cell(cell.text, rs=at - r, cs=cell.cs)))
            bottom[0].append((c, V.Cell("", rs=r + cell.rs - at, cs=cell.cs)))
        else:
            top[r].append((c, cell))
    order = lambda rows: [[cell for _, cell in sorted(row, key=lambda x: x[0])] for row in rows]  # noqa: E731
    return order(top), order(bottom)


def docx_bytes(rep: V.Report, layout: str = "ruled", name: str = "") -> bytes:
    """The report as a Word file in one of ``LAYOUTS`` (``name`` seeds the break's place)."""
    if layout not in LAYOUTS + (FLAT,) or (layout == FLAT) != rep.flat:
        raise ValueError(f"PDF layout {layout!r} does not fit this report; choose from {LAYOUTS}, or {FLAT!r} when flattened")
    w = _Writer(rep)
    if rep.flat:
        _flat_body(w, rep)
        return w.save()
    if rep.title:
        w.paragraph(rep.title, "title")
    pre = rep.preamble.strip()
    for key in ts.SECTION_KEYS:
        heading = V._heading(rep, key)
        if key == "overview" and rep.preamble_inline and pre:
            w.paragraph("", runs=(("p", pre.replace("\n", "")), ("h1", heading)))
            heading, pre = "", ""
        for p in pre.split("\n") if pre else ():
            w.paragraph(p)
        pre = ""
        if key in ("overview", "problems", "other"):
            paras = list(getattr(rep, key))
            if heading and key in rep.inline and paras:
                w.paragraph("", runs=(("h1", heading), ("p", paras[0])))
                paras = paras[1:]
            elif heading:
                w.paragraph(heading, "h1")
            for p in paras:
                w.paragraph(p)
            continue
        w.paragraph(heading, "h1", page_break=key == "applications")
        if key == "active_disclosure":
            for g in V._active_grids(rep):
                _table(w, g, key, layout)
        elif key == "applications":
            grid = V._app_grid(rep)
            n_labels = 3 + (1 if rep.layout.get("seq") else 0)
            head = 1 if rep.layout.get("flat_header") else 3
            if layout != "break":
                _table(w, grid, key, layout, n_labels)
                continue
            top, bottom = split_grid(grid, _break_row(name, grid, head))
            if V.rng(f"pdf-repeat-{name}").random() < 0.5:  # the header rows printed again on the new page
                bottom = [list(r) for r in grid[:head]] + bottom
            _table(w, top, key, layout, n_labels)
            _table(w, bottom, key, layout, n_labels, new_page=True)
        else:
            _table(w, V._review_grid(rep), key, layout)
    return w.save()


def _flat_body(w: _Writer, rep: V.Report) -> None:
    """A flattened report (web text pasted into Word): headings and text as paragraphs, each table one run-on paragraph."""
    if rep.title:
        w.paragraph(rep.title, "title")
    if rep.preamble.strip():
        w.paragraph(rep.preamble.replace("\n", ""))
    flat = {"active_disclosure": V._flat_active, "applications": V._flat_applications, "review_litigation": V._flat_review}
    for key in ts.SECTION_KEYS:
        w.paragraph(V._heading(rep, key), "h1")
        if key in flat:
            w.paragraph(flat[key](rep))
        else:
            w.paragraph("".join(getattr(rep, key)))
