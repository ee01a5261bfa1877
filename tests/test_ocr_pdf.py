"""Scanned PDFs through the PDF reader and the checks (issue 11): only the pages without a usable
text layer are OCR'd, their cells keep page, box and confidence, and a finding resting on a cell
OCR read in doubt is uncertain. The OCR engine itself is tested in ``tests/test_ocr.py``.

The scanned files are made here (``scripts/make_scanned.py`` into ``tmp_path``) from the corpus.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from analyzer.config import Settings
from analyzer.ingest import read_document
from analyzer.ingest.pdf import scanned
from analyzer.model import Block, CellReading, CellSource, Document, ReportMeta, Section, TableValues
from analyzer.narrative.consistency import check_consistency
from analyzer.runner import file_limit
from analyzer.tables import extract_tables, run_checks, schema
from conftest import CORPUS
from test_ocr import FONT, _make_scanned, page_image, PROSE
from test_tables_checks import TOWNSHIP, consistent_values

SEED_000 = CORPUS / "000_d1513ee4e846cccb.pdf"
DISTINCT = CORPUS / "900_distinct_values.pdf"
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font to draw test pages")


def _pages_of(source: Path, pages: list[int]) -> bytes:
    """A PDF of some pages (1-based) of ``source``."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(source)
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [p - 1 for p in pages])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _scan(data: bytes, name: str, **options) -> bytes:
    ms = _make_scanned()
    return ms.scan_document(data, name, ms.ScanOptions(**options))


# ---------------------------------------------------------------- which pages


def test_text_pdf_pays_nothing_for_ocr(tmp_path):
    """A text PDF is read without the OCR engine ever being imported."""
    code = (
        "import sys; from analyzer.pipeline import analyze_file;"
        f"r = analyze_file(r'{DISTINCT}');"
        "print(sorted(m for m in ('rapidocr', 'onnxruntime', 'cv2', 'analyzer.ingest.ocr') if m in sys.modules));"
        "print(r.notes)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines()[0] == "[]"
    assert "OCR" not in out.stdout


def test_time_limit_grows_with_the_pages_ocr_must_read(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_scan(_pages_of(SEED_000, [1, 2]), "scan.pdf", dpi=72))
    settings = Settings(per_file_timeout_s=120, ocr_page_timeout_s=30)
    assert file_limit(DISTINCT, settings) == 120
    assert file_limit(scan, settings) == 180
    assert file_limit(scan, replace(settings, per_file_timeout_s=0)) is None


# ---------------------------------------------------------------- reading


@needs_font
def test_image_only_pdf_reads_its_tables(tmp_path):
    """A wholly scanned report (two table pages of seed 000, skewed, 150 dpi) is read, not refused,
    and every value keeps its page, box on the page and confidence."""
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scan(_pages_of(SEED_000, [2, 3]), path.name, dpi=150, max_rotation=1.5))
    doc = read_document(path)
    assert doc.notes[0] == "本报告为扫描件，全部2页经OCR识别"
    meta = ReportMeta("朱家房镇2021年度政府信息公开工作报告", "朱家房镇人民政府", "township", 2021, "2021")
    tables = extract_tables(doc, {}, meta)
    assert tables.get("active_disclosure", "rules", "issued") == 1
    assert tables.get("applications", "new_received", "total") == 0
    src = tables.sources["applications.new_received.total"]
    assert src.method == "ocr" and src.page in (1, 2)
    d = src.to_dict()
    x0, top, x1, bottom = d["box"]
    assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842  # points on the page as it lies
    assert 0.5 <= d["confidence"] <= 1


@needs_font
def test_mixed_pdf_reads_the_scanned_page_by_ocr_and_the_rest_by_text(tmp_path):
    """900_distinct_values with its table page 3 scanned: the text pages keep their text layer,
    page 3 is OCR'd, and every cell of the applications table is read as from the text PDF."""
    import pypdfium2 as pdfium

    scan = pdfium.PdfDocument(_scan(_pages_of(DISTINCT, [3]), "p3.pdf", dpi=200, max_rotation=1.0, stamp=False))
    mixed = pdfium.PdfDocument(DISTINCT)
    mixed.del_page(2)
    mixed.import_pages(scan, [0], index=2)
    path = tmp_path / "mixed.pdf"
    buffer = io.BytesIO()
    mixed.save(buffer)
    path.write_bytes(buffer.getvalue())
    doc = read_document(path)
    assert doc.notes == ("本报告第3页无文字层（扫描件），经OCR识别（共1页）",)
    text = read_document(DISTINCT)
    meta = ReportMeta("某区2021年政府信息公开工作年度报告", "某区人民政府", "county", 2021, "2021")
    got, want = extract_tables(doc, {}, meta), extract_tables(text, {}, meta)
    assert got.values["applications"] == want.values["applications"]
    methods = {s.method for k, s in got.sources.items() if s.page == 3}
    assert methods == {"ocr"}
    assert all(s.method != "ocr" for s in got.sources.values() if s.page != 3)


@needs_font
def test_a_page_fed_sideways_is_turned_and_read(tmp_path):
    ms = _make_scanned()
    img = page_image(PROSE).rotate(-90, expand=True)  # clockwise: fed sideways
    buffer = io.BytesIO()
    img.convert("L").save(buffer, "JPEG", quality=90)
    w, h = img.size
    path = tmp_path / "sideways.pdf"
    path.write_bytes(ms.image_pdf([(buffer.getvalue(), w, h, w * 72 / 150, h * 72 / 150, "L")]))
    doc = read_document(path)
    assert "第1页横置，已转正后识别" in doc.notes
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert headings[:2] == ["一、总体情况", "二、主动公开政府信息情况"]


# ---------------------------------------------------------------- doubt and the second reading


def _ocr_tables(values: dict, doubtful: set[str] = frozenset()) -> TableValues:
    """Tables as a scanned page gives them: every value read by OCR, with its own box."""
    sources = {}
    for t, rows in values.items():
        for r, cols in rows.items():
            for c, v in cols.items():
                if v is None:
                    continue
                key = f"{t}.{r}.{c}"
                box = (float(len(sources)), 100.0, len(sources) + 10.0, 110.0)
                reading = CellReading(page=1, box=box, confidence=0.99, doubtful=key in doubtful)
                sources[key] = CellSource(str(v), r, c, page=1).read_by(reading)
    found = {t: True for t in schema.TABLES}
    return TableValues("2021", values, sources, found, doubtful=frozenset(doubtful))


def _break_balance(values: dict) -> None:
    # 结转下年度: one unit moved between two applicant columns (the row total intact).
    apps = values["applications"]["carried_forward"]
    apps["natural_person"] += 1
    apps["commercial_enterprise"] -= 1


SCAN_DOC = Document(source=Path("scan.pdf"), format="pdf", blocks=(), data=b"%PDF-1.4 a scan")


def _second_reading(monkeypatch, tables: TableValues, wrong: set[str] = frozenset()) -> list[str]:
    """The cells' second readings: the value again, or another number for the keys in ``wrong``."""
    by_box = {s.reading.box: (k, s) for k, s in tables.sources.items()}
    asked: list[str] = []

    def again(data, reading):
        key, src = by_box[reading.box]
        asked.append(key)
        return (str(int(src.raw) + 1) if key in wrong else src.raw), 0.99

    monkeypatch.setattr(scanned, "read_number_again", again)
    return asked


def test_confirmed_finding_on_a_scan_survives_the_second_reading(monkeypatch):
    values = consistent_values()
    _break_balance(values)
    tables = _ocr_tables(values)
    asked = _second_reading(monkeypatch, tables)
    balance = [f for f in run_checks(tables, TOWNSHIP, {}, SCAN_DOC) if f.rule == "applications.balance"]
    assert balance and all(f.status == "confirmed" and f.data["second_reading"] == "agrees" for f in balance)
    assert "applications.carried_forward.natural_person" in asked  # read again from the cell's crop


def test_a_second_reading_that_disagrees_makes_the_finding_uncertain(monkeypatch):
    values = consistent_values()
    _break_balance(values)
    tables = _ocr_tables(values)
    # One cell of the 结转下年度 row reads otherwise from its crop: the finding on its column is
    # uncertain; the one on the other column rests on other cells, read again alike.
    wrong = "applications.carried_forward.natural_person"
    _second_reading(monkeypatch, tables, wrong={wrong})
    balance = {f.data["column"]: f for f in run_checks(tables, TOWNSHIP, {}, SCAN_DOC) if f.rule == "applications.balance"}
    assert set(balance) == {"natural_person", "commercial_enterprise"}
    assert balance["natural_person"].status == "uncertain" and balance["natural_person"].data["second_reading"] == "disagrees"
    assert balance["commercial_enterprise"].status == "confirmed"


def test_the_second_reading_reads_only_the_cells_of_the_finding(monkeypatch):
    # Found on a scan of a real report: a lone "0" of another group of table 四, read again
    # less surely, made the 行政复议 group's sum uncertain although its own cells read the same.
    values = consistent_values()
    values["review_litigation"]["review"]["total"] = 0
    tables = _ocr_tables(values)
    asked = _second_reading(monkeypatch, tables, wrong={"review_litigation.litigation_direct.corrected"})
    group = [f for f in run_checks(tables, TOWNSHIP, {}, SCAN_DOC) if f.rule == "review_litigation.group_total"]
    assert [f.data["group"] for f in group] == ["review"] and group[0].status == "confirmed"
    assert all(k.startswith("review_litigation.review.") for k in asked)


def test_a_doubtful_cell_makes_its_findings_uncertain(monkeypatch):
    values = consistent_values()
    _break_balance(values)
    doubtful = {"applications.carried_forward.natural_person", "applications.new_received.total"}
    tables = _ocr_tables(values, doubtful)
    _second_reading(monkeypatch, tables)
    findings = run_checks(tables, TOWNSHIP, {}, SCAN_DOC)
    for f in findings:
        if f.rule != "applications.balance":
            continue
        rests = "applications.carried_forward.natural_person" in f.data["cells"]
        assert f.status == ("uncertain" if rests else "confirmed")
        if rests:
            assert f.data["doubtful_cells"] == ["applications.carried_forward.natural_person"]
    # The narrative's number against a doubtful total: narrative.table_mismatch, uncertain.
    total = values["applications"]["new_received"]["total"]
    sections = {"overview": Section("overview", "一、总体情况", (Block("paragraph", f"本年共收到政府信息公开申请{total + 5}件。"),))}
    mismatch = [f for f in check_consistency(tables, sections, SCAN_DOC, TOWNSHIP) if f.rule == "narrative.table_mismatch"]
    assert mismatch and all(f.status == "uncertain" for f in mismatch)


def test_ocr_provenance_is_in_the_report_json():
    reading = CellReading(page=3, box=(10.0, 20.0, 30.0, 40.0), confidence=0.72, doubtful=True, second="7", second_confidence=0.81)
    src = CellSource("1", "行政许可", "本年处理决定数量", page=3).read_by(reading)
    d = json.loads(json.dumps(src.to_dict()))
    assert d == {
        "raw": "1", "row_label": "行政许可", "col_label": "本年处理决定数量", "page": 3, "line": None, "method": "ocr",
        "box": [10.0, 20.0, 30.0, 40.0], "confidence": 0.72, "doubtful": True, "second_reading": "7", "second_confidence": 0.81,
    }
    assert "box" not in CellSource("1", "a", "b").to_dict()  # text cells keep their old shape
