"""Ruled tables from pdfium's drawing (analyzer.ingest.pdf.ruled): the same tables as
pdfplumber finds on pdfminer's parse of the page, at a fifth of the cost."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.ingest.pdf import ruled, textlayer
from conftest import CORPUS, REAL
from test_robustness import variants_of

PDFS = sorted(CORPUS.glob("*.pdf")) + (sorted(REAL.glob("*.pdf")) if REAL.is_dir() else [])


def _canon(tables: dict) -> dict:
    """Tables as cell texts on a 2-point grid: pdfium keeps coordinates as 32-bit floats."""
    return {
        page: [(tuple(round(v / 2) for v in t.bbox), [(tuple(round(v / 2) for v in box), text) for box, text in t.cells]) for t in found]
        for page, found in tables.items()
    }


def _ruled_pages(data: bytes) -> list[textlayer.Scanned]:
    pages, _ = textlayer.scan(data, "x.pdf")
    return [p for p in pages if p.ruled and p.text.strip()]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pdfium_drawing_gives_pdfminers_tables(path: Path):
    data = path.read_bytes()
    pages = _ruled_pages(data)
    assert pages and not any(p.text_unread for p in pages)
    by_pdfium = ruled.read_tables(data, path.name, pages, [])
    by_pdfminer = ruled.read_tables_by_pdfminer(data, path.name, [p.number for p in pages], [])
    assert sum(len(t) for t in by_pdfium.values()) >= 2
    assert _canon(by_pdfium) == _canon(by_pdfminer)


def test_vertical_label_lands_in_its_cell():
    """pdfium's loose box of a vertical font's character is 199 points wide (the font's
    unscaled size): the glyph box, squared, is used instead, so "三、本年度办理结果"
    stays in its narrow cell rather than opening the next one's label."""
    path = REAL / "hzq2023_working.pdf"
    if not path.exists():
        pytest.skip("../shared/corpus-real is absent")
    data = path.read_bytes()
    tables = ruled.read_tables(data, path.name, _ruled_pages(data), [])
    texts = [text for found in tables.values() for t in found for _, text in t.cells]
    assert "三、本年度办理结果" in texts
    assert "（一）予以公开" in texts and "1.属于国家秘密" in texts


def test_a_page_whose_text_pdfium_lost_is_read_by_pdfminer(monkeypatch):
    """A flipped byte in a font stream: pdfium reads nothing of many pieces of text, so the
    page's tables are parsed by pdfminer, which salvages the stream."""
    source = CORPUS / "001_dc17ca86c1b8bf45.pdf"
    variant = next(v for v in variants_of(source) if ".flip8." in v.name)
    pages = _ruled_pages(variant.data)
    lost = [p for p in pages if p.text_unread]
    assert lost, "the damage no longer reaches a font: pick another variant"
    calls: list[list[int]] = []
    real = ruled.read_tables_by_pdfminer

    def spy(data, name, numbers, notes):
        calls.append(list(numbers))
        return real(data, name, numbers, notes)

    monkeypatch.setattr(ruled, "read_tables_by_pdfminer", spy)
    ruled.read_tables(variant.data, variant.name, pages, [])
    assert calls == [[p.number for p in lost]]


@pytest.mark.parametrize(
    ("shape", "points", "kind"),
    [
        ("ml", [(0, 0), (100, 0)], "line"),
        ("mlh", [(0, 0), (0, 50), (0, 0)], "line"),
        # pdfium closes a rectangle drawn by "re" with a line back to its start and a close flag
        ("mllllh", [(0, 0), (0, 10), (50, 10), (50, 0), (0, 0), (0, 0)], "rect"),
        ("mlllh", [(0, 0), (50, 0), (50, 10), (0, 10), (0, 0)], "rect"),
        ("mlllh", [(0, 0), (50, 5), (50, 10), (0, 10), (0, 0)], "curve"),  # not axis-parallel
        ("mlll", [(0, 0), (50, 0), (50, 10), (0, 10)], "curve"),  # open: three sides
    ],
)
def test_subpaths_are_read_as_pdfminer_reads_them(shape, points, kind):
    got = ruled._subpath(shape, [(float(x), float(y)) for x, y in points])
    assert got is not None and got[0] == kind


def test_a_drawing_that_breaks_the_grid_goes_to_pdfminer(monkeypatch):
    """Whatever pdfplumber raises on pdfium's drawing of a page costs that page a second
    parse, never the document."""
    path = CORPUS / "000_d1513ee4e846cccb.pdf"
    data = path.read_bytes()
    pages = _ruled_pages(data)
    real = ruled._page_tables

    def broken(page, number):
        if isinstance(page, ruled._Drawing):
            raise ValueError("bad geometry")
        return real(page, number)

    monkeypatch.setattr(ruled, "_page_tables", broken)
    by_fallback = ruled.read_tables(data, path.name, pages, [])
    monkeypatch.setattr(ruled, "_page_tables", real)
    assert _canon(by_fallback) == _canon(ruled.read_tables(data, path.name, pages, []))


def test_a_page_turned_by_rotate_reads_its_tables(tmp_path):
    """/Rotate turns the page on screen, not its drawing: rulings and characters are both
    read in the page's own space, so the tables are those of the unturned file."""
    import io

    import pypdfium2 as pdfium

    from analyzer.pipeline import analyze_file

    source = CORPUS / "000_d1513ee4e846cccb.pdf"
    pdf = pdfium.PdfDocument(source.read_bytes())
    for i in range(len(pdf)):
        pdf[i].set_rotation(90)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    turned = tmp_path / "turned.pdf"
    turned.write_bytes(buf.getvalue())
    assert analyze_file(turned).tables.values == analyze_file(source).tables.values


def test_a_pdf_printed_by_chromium(tmp_path):
    """Another producer (Skia): every table as pdfminer reads it, whichever way each page is
    parsed (Chromium writes empty pieces of text, which send a page to pdfminer), and no
    note that claims damage."""
    import shutil
    import subprocess

    import analyzer.ingest

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    source = CORPUS / "000_d1513ee4e846cccb.html"
    printed = tmp_path / "printed.pdf"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={printed}", source.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    data = printed.read_bytes()
    pages = _ruled_pages(data)
    by_reader = ruled.read_tables(data, printed.name, pages, [])
    by_pdfminer = ruled.read_tables_by_pdfminer(data, printed.name, [p.number for p in pages], [])
    assert sum(len(t) for t in by_reader.values()) >= 3
    assert _canon(by_reader) == _canon(by_pdfminer)
    doc = analyzer.ingest.read_document(printed)
    assert not any("损坏" in note or "不完整" in note for note in doc.notes), doc.notes
