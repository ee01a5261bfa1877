"""PDF reader: headings, paragraphs and tables in reading order, page by page.

The stages, each a module:

* :mod:`.textlayer` — pdfium reads every page's characters with their boxes,
  and says whether the text layer can stand for what the pages show;
* :mod:`.scanned` — the pages whose text layer cannot (a scan, a picture, a
  broken font map) are read by OCR, and only those;
* :mod:`.ruled` — pdfplumber finds the ruled tables in pdfium's drawing, on the pages with rulings only;
* :mod:`.borderless` — tables drawn without rulings, found from the alignment of the text;
* :mod:`.assemble` — running headers and footers dropped, lines joined into
  paragraphs, tables stitched over page breaks and turned into grids.

They hand each other the objects of :mod:`.objects` (``Line``, ``Table``, ``Page``).
"""

from __future__ import annotations

from pathlib import Path

from analyzer import errors
from analyzer.config import Settings
from analyzer.ingest.pdf import assemble, borderless, ruled, textlayer
from analyzer.ingest.pdf import scanned as ocr_pages
from analyzer.ingest.pdf.assemble import tables_to_rows
from analyzer.ingest.pdf.objects import Line, Page, Table
from analyzer.ingest.pdf.ruled import pdfminer_warnings
from analyzer.ingest.pdf.textlayer import check_text_layer, pdf_dates
from analyzer.model import Document

__all__ = ["Line", "Page", "Table", "check_text_layer", "pdf_dates", "pdfminer_warnings", "read", "tables_to_rows"]


def read(path: Path, data: bytes, settings: Settings) -> Document:
    """Read a PDF into a Document, pages without a usable text layer by OCR; raise when it
    cannot be read, or when neither its text layer nor OCR gives any text."""
    name = path.name
    scanned, metadata = textlayer.scan(data, name)
    need = ocr_pages.pages_to_ocr(scanned, name, settings)
    read_by_ocr: dict[int, Page] = {}
    notes: list[str] = []
    if need and ocr_pages.ocr_available():
        read_by_ocr, run = ocr_pages.read_pages(data, list(need), settings)
        notes += ocr_pages.ocr_notes(run, need, len(scanned))
        text_pages = [p for p in scanned if p.number not in need]
        if not any(pg.items for pg in read_by_ocr.values()) and not any(p.text.strip() for p in text_pages):
            raise errors.NoTextLayer(errors.PDF_OCR_EMPTY.format(name=name))
    else:
        text_pages = scanned
        check_text_layer("".join(p.text for p in scanned), name, settings)
    notes[:0] = textlayer.page_notes(text_pages, settings)
    with_rulings = [p for p in text_pages if p.ruled and p.text.strip()]
    tables = ruled.read_tables(data, name, with_rulings, notes)
    kept = {p.number for p in text_pages}
    pages = [
        assemble.layout_page(p, tables.get(p.number, [])) if p.number in kept
        else read_by_ocr.get(p.number) or Page(p.number, p.width, p.height, [])  # OCR could not read it
        for p in scanned
    ]
    assemble.drop_running_lines(pages)
    borderless.carry_wrapped_labels(pages)
    textlayer.check_cid_debris(pages, name, notes)
    blocks = assemble.pages_to_blocks(pages)
    return Document(source=path, format="pdf", blocks=tuple(blocks), notes=tuple(notes), metadata=metadata,
                    ocr_pages=len(read_by_ocr))
