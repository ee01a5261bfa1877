"""Pages without a usable text layer, read by OCR (:mod:`analyzer.ingest.ocr`).

A page is read by OCR when its text layer cannot stand for what it shows
(:func:`ocr_reason`):

* no text at all over an image or a drawing (a scan, a page exported as a picture);
* a few characters only (a page number, a watermark added later) over an
  image that covers most of the page;
* text that does not decode (private-use glyphs, U+FFFD) or one glyph that
  stands for most characters (a broken font map);

and, with those pages set aside, every remaining page when their text taken
together still fails :func:`~analyzer.ingest.pdf.textlayer.check_text_layer`.
Other pages keep their text layer, so a mixed PDF (text pages and one scanned
table) is read both ways, and a text PDF never imports the OCR engine.

An OCR'd page becomes an ordinary :class:`~analyzer.ingest.pdf.objects.Page`
of Lines and Tables, so that :mod:`.assemble` joins paragraphs over page
breaks and drops running headers and page numbers as for text pages. Its
tables are laid out from the recognised lines (:mod:`analyzer.ingest.ocr_rows`)
and every value cell keeps a :class:`~analyzer.model.CellReading` (page, box on
the page as it lies, confidence, doubt). A value read with low confidence is
read a second time before the page is handed on (:func:`read_cell_again`: the
cell's crop rendered at :data:`~analyzer.ingest.ocr.DIGITS_DPI`, digits only);
the table checks use the same function as their second reading.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

from analyzer import errors
from analyzer.config import Settings
from analyzer.ingest.normalize import CJK_RE
from analyzer.ingest.pdf.objects import Line, Page, Table
from analyzer.ingest.pdf.textlayer import BAD_CHAR_RE, BAD_CHAR_SHARE, FEW_CHARS, Scanned, check_text_layer, dominant_glyph
from analyzer.model import CellReading

if TYPE_CHECKING:  # the OCR modules are imported only when a page needs them
    from analyzer.ingest.ocr import OcrPage
    from analyzer.ingest.ocr_rows import OcrTable

OCR_MODULES = ("rapidocr", "onnxruntime", "cv2")
IMAGE_PAGE_SHARE = 0.5  # an image over this share of a page with few characters: a scan
GAP_SPACE = 1.5  # characters of gap between two recognised pieces of one line: a space between them
# Why a page is read by OCR, as the notes say it.
REASON_PHRASES = {
    "no_text": "无文字层（扫描件）",
    "picture": "为图片（扫描件）",
    "undecodable": "文字层无法解码",
    "font_map": "文字层字体映射损坏",
    "unusable": "文字层不可用",
}
SCAN_REASONS = ("no_text", "picture")


@dataclass
class OcrRun:
    """What OCR did on one document, for its notes."""

    pages: list[int] = field(default_factory=list)  # pages read by OCR
    failed: dict[int, str] = field(default_factory=dict)  # page -> why OCR could not read it
    empty: list[int] = field(default_factory=list)  # pages OCR read no text on
    turned: dict[int, int] = field(default_factory=dict)  # page -> degrees it was turned to stand upright
    reread: int = 0  # value cells read a second time
    doubtful: int = 0  # value cells still in doubt after it


# ---------------------------------------------------------------- which pages


def ocr_reason(page: Scanned, settings: Settings) -> str | None:
    """Why this page's text layer cannot stand for the page (so OCR reads it), or None."""
    visible = [ch for ch in page.text if not ch.isspace()]
    if not visible:
        return "no_text" if page.has_images or page.ruled else None  # a blank page needs nothing
    if page.has_images and page.image_share >= IMAGE_PAGE_SHARE:
        return "picture"
    if len(BAD_CHAR_RE.findall(page.text)) > BAD_CHAR_SHARE * len(visible):
        return "undecodable"
    if dominant_glyph(page.text, settings):
        return "font_map"
    return None


def pages_to_ocr(scanned: list[Scanned], name: str, settings: Settings) -> dict[int, str]:
    """The pages OCR must read, each with why: pages unusable alone, then the rest if
    their text together still cannot stand for the document."""
    need = {p.number: why for p in scanned if (why := ocr_reason(p, settings))}
    rest = [p for p in scanned if p.number not in need and p.text.strip()]
    if rest:
        try:
            check_text_layer("".join(p.text for p in rest), name, settings)
        except errors.NoTextLayer:
            need.update({p.number: "unusable" for p in rest})
    return dict(sorted(need.items()))


def ocr_available() -> bool:
    """The OCR engine and its runtime are installed (looked up, not imported)."""
    return all(importlib.util.find_spec(m) is not None for m in OCR_MODULES)


def estimate_ocr_pages(path: Path) -> int:
    """How many pages of a PDF hold (almost) no text, cheaply (no page is rendered): what the
    per-file time limit must allow OCR for (:mod:`analyzer.runner`). 0 for anything else."""
    import pypdfium2 as pdfium

    try:
        with open(path, "rb") as fh:
            if not fh.read(1024).lstrip().startswith(b"%PDF"):
                return 0
        pdf = pdfium.PdfDocument(str(path))
    except Exception:  # noqa: BLE001 - the reader will say what is wrong with the file
        return 0
    try:
        n = 0
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            n += textpage.count_chars() < FEW_CHARS
            textpage.close()
            page.close()
        return n
    except Exception:  # noqa: BLE001
        return 0
    finally:
        pdf.close()


# ---------------------------------------------------------------- reading pages


def read_pages(data: bytes, numbers: list[int], settings: Settings) -> tuple[dict[int, Page], OcrRun]:
    """The pages ``numbers`` of the PDF ``data`` read by OCR, as Pages for :mod:`.assemble`."""
    import pypdfium2 as pdfium

    from analyzer.ingest import ocr

    run = OcrRun()
    pages: dict[int, Page] = {}
    pdf = pdfium.PdfDocument(data)
    try:
        for number in numbers:
            pdf_page = pdf[number - 1]
            try:
                read = ocr.read_page(ocr.render(pdf_page), page_size=pdf_page.get_size(), page=number)
                pages[number] = _page(read, pdf_page, run)
            except Exception as exc:  # noqa: BLE001 - one unreadable page never loses the report
                if settings.debug:
                    raise
                run.failed[number] = type(exc).__name__
                continue
            finally:
                pdf_page.close()
            run.pages.append(number)
            if not read.lines:
                run.empty.append(number)
            if read.turned:
                run.turned[number] = read.turned
    finally:
        pdf.close()
    return pages, run


def _page(read: OcrPage, pdf_page: Any, run: OcrRun) -> Page:
    """One OCR'd page as Lines and Tables; doubtful values read a second time."""
    from analyzer.ingest.ocr_rows import drop_page_furniture, second_reading, tables_from_lines, visual_lines

    number = read.page or 0
    lines = drop_page_furniture(read.lines, read.height)
    tables, rest = tables_from_lines(lines, number, read.rules)

    def again(cell: Any) -> tuple[str, float]:
        return _read_box(pdf_page, read.to_original(cell.box), read.turned, read.skew)

    run.reread += second_reading(tables, again)
    groups = visual_lines(rest)
    size = _type_size(rest)
    items: list[Line | Table] = [_line(g, number, size) for g in groups]
    for t in tables:
        table = _table(t, read)
        run.doubtful += sum(1 for row in table.readings or () for r in row if r is not None and r.doubtful)
        items.append(table)
    items.sort(key=lambda it: it.top if isinstance(it, Line) else it.bbox[1])
    return Page(number, read.width, read.height, items)


def _type_size(lines: list[Any]) -> float:
    """The body text's type size in points: the width of a Chinese character in the longer lines."""
    widths = [_char_width(l.text, l.box) for l in lines if len(CJK_RE.findall(l.text)) >= 4]
    return median(widths) if widths else (median(l.box[3] - l.box[1] for l in lines) * 0.85 if lines else 12.0)


def _char_width(text: str, box: tuple[float, float, float, float]) -> float:
    cjk = len(CJK_RE.findall(text))
    return (box[2] - box[0]) / max(1.0, cjk + 0.5 * (len(text) - cjk))


def _line(group: list[Any], number: int, size: float) -> Line:
    """The recognised pieces of one printed line as a Line, a space where a wide gap parted them."""
    group = sorted(group, key=lambda l: l.box[0])
    text = group[0].text
    for prev, cur in zip(group, group[1:]):
        text += (" " if cur.box[0] - prev.box[2] > GAP_SPACE * size else "") + cur.text
    x0 = min(l.box[0] for l in group)
    x1 = max(l.box[2] for l in group)
    own = [_char_width(l.text, l.box) for l in group if len(CJK_RE.findall(l.text)) >= 2]
    line_size = median(own) if own else size
    segs = [(l.box[0], l.box[2], l.text) for l in group]
    return Line(text, number, x0, x1, min(l.box[1] for l in group), max(l.box[3] for l in group), line_size, segs)


def _table(t: OcrTable, read: OcrPage) -> Table:
    """An OCR'd table with its grid and, for every value cell, how it was read."""
    readings: list[tuple[CellReading | None, ...]] = []
    values = {(r, c) for r, c, _ in t.value_cells()}
    for r, row in enumerate(t.rows):
        readings.append(tuple(
            _reading(cell, read) if (r, c) in values and cell.box is not None else None for c, cell in enumerate(row)
        ))
    return Table(read.page or 0, t.bbox, [], rows=t.texts, readings=tuple(readings))


def _reading(cell: Any, read: OcrPage) -> CellReading:
    second, second_conf = cell.second if cell.second else (None, None)
    return CellReading(
        page=read.page or 0,
        box=tuple(round(v, 2) for v in read.to_original(cell.box)),  # type: ignore[arg-type]
        confidence=round(cell.confidence or 0.0, 4),
        doubtful=cell.doubtful,
        second=second,
        second_confidence=second_conf,
        turned=read.turned,
        skew=read.skew,
    )


# ---------------------------------------------------------------- the second reading


def _read_box(pdf_page: Any, box: tuple[float, float, float, float], turned: int, skew: float,
              pad: float = 2.0) -> tuple[str, float]:
    """A box of the page as it lies, rendered alone at DIGITS_DPI, put upright and read as digits."""
    from analyzer.ingest import ocr

    width, height = pdf_page.get_size()
    x0, top, x1, bottom = max(0.0, box[0] - pad), max(0.0, box[1] - pad), min(width, box[2] + pad), min(height, box[3] + pad)
    if x1 - x0 < 1 or bottom - top < 1:
        return "", 0.0
    crop = pdf_page.render(scale=ocr.DIGITS_DPI / 72, crop=(x0, height - bottom, width - x1, top)).to_pil()
    return ocr.ocr_digits(ocr.upright(crop, turned, skew))


@lru_cache(maxsize=2)
def _document(data: bytes) -> Any:
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def read_cell_again(data: bytes, reading: CellReading) -> tuple[str, float]:
    """The second reading of a cell OCR read: what the reader's own second reading found, or
    (when the first reading was sure enough not to need one) the cell's crop read again."""
    if reading.second is not None:
        return reading.second, reading.second_confidence or 0.0
    pdf = _document(data)
    if not 1 <= reading.page <= len(pdf):
        return "", 0.0
    page = pdf[reading.page - 1]
    try:
        return _read_box(page, reading.box, reading.turned, reading.skew)
    finally:
        page.close()


# ---------------------------------------------------------------- notes


def ocr_notes(run: OcrRun, reasons: dict[int, str], total: int) -> list[str]:
    """What the document's notes say about OCR, in the words a reviewer uses."""
    notes: list[str] = []
    read = [p for p in run.pages if p not in run.empty]
    if read and len(read) == total and all(reasons.get(p) in SCAN_REASONS for p in read):
        notes.append(f"本报告为扫描件，全部{total}页经OCR识别")
    else:
        by_reason: dict[str, list[int]] = {}
        for p in read:
            by_reason.setdefault(REASON_PHRASES.get(reasons.get(p, ""), "无可用文字层"), []).append(p)
        for phrase, pages in by_reason.items():
            notes.append(f"本报告第{_pages(pages)}页{phrase}，经OCR识别（共{len(pages)}页）")
    if run.empty:
        notes.append(f"本报告第{_pages(run.empty)}页无文字层（扫描件），经OCR识别未读出文字")
    for degrees in sorted(set(run.turned.values())):
        pages = [p for p, d in run.turned.items() if d == degrees]
        notes.append(f"第{_pages(pages)}页{'倒置' if degrees == 180 else '横置'}，已转正后识别")
    if run.doubtful:
        notes.append(f"OCR识别的表格数值中有{run.doubtful}处存疑，涉及这些数值的结论标为待核实")
    if run.failed:
        notes.append(f"第{_pages(sorted(run.failed))}页OCR识别失败，未能读取")
    return notes


def _pages(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers)


def read_number_again(data: bytes, reading: CellReading) -> tuple[str | None, float]:
    """The number a second reading of an OCR'd cell gives (repaired as the first), and its confidence."""
    from analyzer.ingest.ocr_rows import normalize_number

    text, confidence = read_cell_again(data, reading)
    return (normalize_number(text) if text else None), confidence
