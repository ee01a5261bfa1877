"""A PDF page as a PNG, for the provenance of a number (pypdfium2, cached in the workspace)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

SCALE = 1.5  # 108 dpi: the table's digits readable, a page about 900 × 1260 pixels
_LOCK = threading.Lock()  # pdfium is not thread-safe


def render_page(pdf: Path, number: int, *, cache: Path) -> bytes | None:
    """Page ``number`` (1-based) of a stored PDF as PNG bytes; None when there is no such page."""
    target = cache / f"{pdf.stem}-{number}.png"
    if target.exists():
        return target.read_bytes()
    import pypdfium2 as pdfium

    with _LOCK:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            if not 1 <= number <= len(doc):
                return None
            page = doc[number - 1]
            image = page.render(scale=SCALE).to_pil()
            page.close()
        finally:
            doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(target)
    return buf.getvalue()


def page_size(pdf: Path, number: int) -> tuple[float, float] | None:
    """(width, height) of a page in PDF points, for drawing a cell's box over its image."""
    import pypdfium2 as pdfium

    with _LOCK:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            if not 1 <= number <= len(doc):
                return None
            return tuple(doc[number - 1].get_size())
        finally:
            doc.close()
