"""The text layer, by pdfium: characters with their boxes, and whether they can be trusted.

pypdfium2 opens the file first: it is fast, says clearly when a file is
encrypted or damaged, and gives the plain text used to judge whether the
text layer is usable at all (tech-baselines §2.3).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

from analyzer import errors
from analyzer.config import Settings
from analyzer.dates import parse_date
from analyzer.ingest.normalize import CJK_RE
from analyzer.ingest.pdf.objects import Char, Line, Page, Table

# Characters a broken font map produces instead of text.
BAD_CHAR_RE = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")
CID_RE = re.compile(r"\(cid:\d+\)")
MIN_CJK_FOR_GLYPH_TEST = 50  # too few characters say nothing about a font map
BAD_CHAR_SHARE = 0.02  # above this share of undecodable characters the layer is unusable
# A page with fewer visible characters than this may be a picture with a page number on it.
FEW_CHARS = 40
# A gap wider than this share of a character ends a run of text: table cells keep at
# least their padding (Word: 0.19 cm either side) between them, words in prose do not.
SEGMENT_GAP = 0.6
# A loose box wider or taller than this many times the type's size is not the character's
# (a full stop's is 1.3 times, from the font's ascent to its descent).
LOOSE_BOX_MAX = 2.5

PDFIUM_REASONS = {
    "data format error": "文件结构损坏或内容不完整",
    "file access error": "无法读取文件内容",
    "unknown error": "无法解析",
    "page not found": "页面缺失",
    "failed to load page": "页面无法加载",
    "unsupported security scheme": "不支持的加密方式",
}


@dataclass
class Scanned:
    """What pdfium tells about one page, cheaply."""

    number: int
    width: float
    height: float
    text: str
    has_images: bool  # looked for only on a page with few characters (FEW_CHARS)
    ruled: bool  # visible vector paths: the page may hold a ruled table (or, without text, drawn letters)
    chars: list[Char]
    image_share: float = 0.0  # the largest image's share of the page (on a page with few characters)
    # Pieces of text the page draws that pdfium read no character of: a font it cannot map (a damaged font or
    # stream; pdfminer may still read them) or an empty piece (Chromium writes many). Which
    # of the two cannot be told apart, so no note claims damage; the tables of such a page
    # are parsed by pdfminer (:mod:`.ruled`).
    text_unread: int = 0


def scan(data: bytes, name: str) -> tuple[list[Scanned], dict[str, str]]:
    """Open with pdfium: per-page text and character boxes, images, rulings, metadata dates."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise errors.UnreadableInput(errors.PDF_ENCRYPTED.format(name=name)) from exc
        raise errors.UnreadableInput(errors.PDF_BROKEN.format(name=name, reason=_pdfium_reason(exc))) from exc
    try:
        if len(pdf) == 0:
            raise errors.UnreadableInput(errors.PDF_BROKEN.format(name=name, reason="没有页面"))
        pages = [_scan_page(pdf[i], i + 1) for i in range(len(pdf))]
        info = pdf.get_metadata_dict()
        metadata = pdf_dates(info)
        if (info.get("Title") or "").strip():  # identify weighs it against the body's title
            metadata["pdf_title"] = info["Title"].strip()
    except pdfium.PdfiumError as exc:
        raise errors.UnreadableInput(errors.PDF_BROKEN.format(name=name, reason=_pdfium_reason(exc))) from exc
    finally:
        pdf.close()
    return pages, metadata


def _scan_page(page: Any, number: int) -> Scanned:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    # Page space has its origin at the bottom left of the media box; pdfplumber's "top"
    # is measured down from the box's top edge.
    box_top = page.get_mediabox()[3]
    textpage = page.get_textpage()
    chars: list[Char] = []
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
        if not code or chr(code).isspace():
            continue
        # Loose boxes come from the font's ascent and descent: every character of a
        # line shares them, so lines cluster cleanly whatever the glyph.
        left, bottom, right, top = _char_box(textpage, i)
        chars.append((chr(code), left, box_top - top, right, box_top - bottom))
    text = "".join(ch for ch, *_ in chars)
    text_unread = _unread_text_objects(page, textpage)
    textpage.close()
    has_images = False
    image_share = 0.0
    if len(chars) < FEW_CHARS:
        # A scan, perhaps with a page number or a watermark written over it as text.
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
        has_images = bool(images)
        # (left, bottom, right, top): get_bounds in pypdfium2 5, get_pos before
        bounds = [(o.get_bounds() if hasattr(o, "get_bounds") else o.get_pos()) for o in images]
        areas = [(r - l) * (t - b) for l, b, r, t in bounds]
        image_share = min(1.0, max(areas, default=0.0) / max(1.0, float(width * height)))
    ruled = False
    if text or not has_images:
        ruled = any(_visible_path(obj) for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2))
    page.close()
    return Scanned(number, float(width), float(height), text, has_images, ruled, chars, image_share, text_unread)


def _char_box(textpage: Any, i: int) -> tuple[float, float, float, float]:
    """A character's loose box (left, bottom, right, top in page space); its glyph's box,
    squared about its centre, where the loose box is not the size of the type.

    pdfium sizes the loose box of a character of a vertical font (Identity-V)
    by the font's size before the text matrix scales it: 199 points for a
    10-point character of a table's vertical label (洪泽区 2023, p. 3), which
    then lands in the neighbouring cell.
    """
    import ctypes

    import pypdfium2.raw as pdfium_c

    loose = textpage.get_charbox(i, loose=True)
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(textpage.raw, i, ctypes.byref(matrix)):
        return loose
    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, i) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    if size <= 0 or max(loose[2] - loose[0], loose[3] - loose[1]) <= LOOSE_BOX_MAX * size:
        return loose
    glyph = textpage.get_charbox(i)
    cx, cy = (glyph[0] + glyph[2]) / 2, (glyph[1] + glyph[3]) / 2
    half = max(glyph[2] - glyph[0], glyph[3] - glyph[1]) / 2
    return (cx - half, cy - half, cx + half, cy + half)


def _unread_text_objects(page: Any, textpage: Any) -> int:
    """How many of the page's text objects pdfium read no character of."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    buffer = (ctypes.c_ushort * 2)()  # the length is all that is asked: 2 bytes is the empty string's NUL
    unread = 0
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, k)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_TEXT:
            unread += pdfium_c.FPDFTextObj_GetText(obj, textpage.raw, buffer, 0) <= 2
    return unread


def _visible_path(obj: Any) -> bool:
    """A path drawn in a colour other than white: a ruling, a border or a shaded cell."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return True  # unknown: let pdfplumber look
    rgba = [ctypes.c_uint() for _ in range(4)]
    refs = [ctypes.byref(v) for v in rgba]

    def inked(getter: Any) -> bool:
        if not getter(obj.raw, *refs):
            return True
        r, g, b, a = (v.value for v in rgba)
        return a > 0 and not (r >= 250 and g >= 250 and b >= 250)

    return bool((stroke.value and inked(pdfium_c.FPDFPageObj_GetStrokeColor)) or (fill_mode.value and inked(pdfium_c.FPDFPageObj_GetFillColor)))


def chars_to_lines(chars: list[Char], number: int) -> list[Line]:
    """Characters clustered into visual lines by their vertical centre, read left to right.

    A character whose box lies mostly within the line's height (or holds it) is on that
    line, however far its centre: some fonts give a glyph's own box instead of the font's
    ascent and descent ("一" 7 points high in a line of 15, its centre high; "，" low).
    """
    lines: list[Line] = []
    ordered = sorted(chars, key=lambda c: (c[2] + c[4]) / 2)
    cluster: list[Char] = []
    anchor = top = bottom = 0.0
    for char in ordered + [("", 0.0, 1e9, 0.0, 1e9)]:  # sentinel flushes the last line
        centre = (char[2] + char[4]) / 2
        height = char[4] - char[2]
        if cluster and abs(centre - anchor) <= 0.45 * max(min(height, cluster[0][4] - cluster[0][2]), 2.0):
            cluster.append(char)
            top, bottom = min(top, char[2]), max(bottom, char[4])
            continue
        if cluster and min(bottom, char[4]) - max(top, char[2]) >= 0.6 * min(height, bottom - top):
            cluster.append(char)  # on the line, but its box does not widen the line's
            continue
        if cluster:
            lines.append(_make_line(sorted(cluster, key=lambda c: c[1]), number))
        cluster, anchor, top, bottom = [char], centre, char[2], char[4]
    return lines


def _make_line(chars: list[Char], number: int) -> Line:
    cjk_widths = [c[3] - c[1] for c in chars if CJK_RE.match(c[0])]
    size = median(cjk_widths) if cjk_widths else median(c[4] - c[2] for c in chars) * 0.85
    parts = [chars[0][0]]
    segs = [[chars[0][1], chars[0][3], chars[0][0]]]
    for prev, char in zip(chars, chars[1:]):
        gap = char[1] - prev[3]
        latin = prev[0].isascii() and char[0].isascii() and prev[0].isalnum() and char[0].isalnum()
        if gap > 1.5 * size or (latin and gap > 0.2 * size):
            parts.append(" ")  # a word space, or a visible gap between two runs
        parts.append(char[0])
        if gap > SEGMENT_GAP * size:
            segs.append([char[1], char[3], char[0]])
        else:
            segs[-1][1] = char[3]
            segs[-1][2] += (" " if latin and gap > 0.2 * size else "") + char[0]
    return Line(
        "".join(parts),
        number,
        min(c[1] for c in chars),
        max(c[3] for c in chars),
        min(c[2] for c in chars),
        max(c[4] for c in chars),
        float(size),
        [(float(a), float(b), t) for a, b, t in segs],
    )


def _pdfium_reason(exc: Exception) -> str:
    match = re.search(r"PDFium: ([^)]+)", str(exc))
    reason = (match.group(1) if match else str(exc)).strip().rstrip(".")
    return PDFIUM_REASONS.get(reason.lower(), "无法解析")  # never an English phrase in a Chinese message


def pdf_dates(meta: dict[str, str]) -> dict[str, str]:
    """CreationDate/ModDate ("D:20250225100250+08'00'") as ISO dates under our own keys."""
    out: dict[str, str] = {}
    for key, target in (("CreationDate", "pdf_created"), ("ModDate", "pdf_modified")):
        # A malformed date in metadata is no reason to refuse the file: it is left out.
        if day := parse_date(meta.get(key) or ""):
            out[target] = day
    return out


def check_text_layer(text: str, name: str, settings: Settings) -> None:
    """Raise NoTextLayer when the PDF's text cannot stand for what the pages show."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        raise errors.NoTextLayer(errors.PDF_NO_TEXT.format(name=name, reason="全部页面都没有文字，疑似扫描件"))
    bad = len(BAD_CHAR_RE.findall(text))
    if bad > BAD_CHAR_SHARE * len(chars):
        raise errors.NoTextLayer(
            errors.PDF_NO_TEXT.format(name=name, reason=f"{bad}个字符无法解码，字体缺少编码映射")
        )
    cjk = [ch for ch in chars if CJK_RE.match(ch)]
    if len(cjk) < settings.pdf_min_cjk_ratio * len(chars):
        raise errors.NoTextLayer(
            errors.PDF_NO_TEXT.format(name=name, reason=f"中文字符仅占{len(cjk) * 100 // len(chars)}%，文字层不可用")
        )
    glyph = dominant_glyph(text, settings)
    if glyph:
        share = cjk.count(glyph) / len(cjk)
        raise errors.NoTextLayer(
            errors.PDF_NO_TEXT.format(name=name, reason=f"“{glyph}”占全部中文字符的{share:.0%}，字体映射已损坏")
        )


def dominant_glyph(text: str, settings: Settings) -> str | None:
    """The one CJK character that stands for too many others (a broken font map), if any."""
    cjk = CJK_RE.findall(text)
    if len(cjk) < MIN_CJK_FOR_GLYPH_TEST:
        return None
    glyph, count = Counter(cjk).most_common(1)[0]
    return glyph if count / len(cjk) > settings.pdf_max_single_char_ratio else None


def page_notes(scanned: list[Scanned], settings: Settings) -> list[str]:
    """Notes on pages whose text is missing (scanned) or untrustworthy (a broken font map)."""
    notes = [f"第{p.number}页无文字层（扫描件）" for p in scanned if not p.text.strip() and p.has_images]
    for page in scanned:
        glyph = dominant_glyph(page.text, settings)
        if glyph:
            notes.append(f"第{page.number}页文字层字体映射损坏（“{glyph}”占该页中文字符的大多数），该页文字不可信")
    return notes


def check_cid_debris(pages: list[Page], name: str, notes: list[str]) -> None:
    """pdfminer writes "(cid:123)" for glyphs it cannot map: many mean an unusable layer."""
    texts = [it.text for p in pages for it in p.items if isinstance(it, Line)]
    texts += [t for p in pages for it in p.items if isinstance(it, Table) for _, t in it.cells]
    joined = "".join(texts)
    debris = len(CID_RE.findall(joined))
    if not debris:
        return
    chars = sum(1 for ch in CID_RE.sub("", joined) if not ch.isspace()) + debris
    if debris > BAD_CHAR_SHARE * chars:
        raise errors.NoTextLayer(errors.PDF_NO_TEXT.format(name=name, reason=f"{debris}处字符无法解码（cid）"))
    notes.append(f"有{debris}处字符无法解码（cid），已原样保留")
