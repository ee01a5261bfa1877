"""PDF reader: headings, paragraphs and tables in reading order, page by page.

The stages, each a module:

* :mod:`.textlayer` — pdfium reads every page's characters with their boxes,
  and says whether the text layer can stand for what the pages show;
* :mod:`.ruled` — pdfplumber finds the ruled tables, on the pages with rulings only;
* :mod:`.borderless` — tables drawn without rulings, found from the alignment of the text;
* :mod:`.assemble` — running headers and footers dropped, lines joined into
  paragraphs, tables stitched over page breaks and turned into grids.

They hand each other the objects of :mod:`.objects` (``Line``, ``Table``, ``Page``).
"""

from __future__ import annotations

from pathlib import Path

from analyzer.config import Settings
from analyzer.ingest.pdf import assemble, borderless, ruled, textlayer
from analyzer.ingest.pdf.assemble import tables_to_rows
from analyzer.ingest.pdf.objects import Line, Page, Table
from analyzer.ingest.pdf.ruled import pdfminer_warnings
from analyzer.ingest.pdf.textlayer import check_text_layer, pdf_dates
from analyzer.model import Document

__all__ = ["Line", "Page", "Table", "check_text_layer", "pdf_dates", "pdfminer_warnings", "read", "tables_to_rows"]


def read(path: Path, data: bytes, settings: Settings) -> Document:
    """Read a PDF into a Document; raise when it cannot be read or has no usable text."""
    name = path.name
    scanned, metadata = textlayer.scan(data, name)
    check_text_layer("".join(p.text for p in scanned), name, settings)
    notes = textlayer.page_notes(scanned, settings)
    with_rulings = [p.number for p in scanned if p.ruled and p.text.strip()]
    tables = ruled.read_tables(data, name, with_rulings, notes)
    pages = [assemble.layout_page(p, tables.get(p.number, [])) for p in scanned]
    assemble.drop_running_lines(pages)
    borderless.carry_wrapped_labels(pages)
    textlayer.check_cid_debris(pages, name, notes)
    blocks = assemble.pages_to_blocks(pages)
    return Document(source=path, format="pdf", blocks=tuple(blocks), notes=tuple(notes), metadata=metadata)
