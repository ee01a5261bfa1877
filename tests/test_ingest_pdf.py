"""The PDF reader on the generated corpus and on the three real PDFs.

Cells are checked by locating each template row by its label text, never by
position, so a reader that shifts rows or columns fails here.
"""

from __future__ import annotations

import doctest
import io
import json
import re

import pytest

from analyzer import errors
from analyzer.ingest import read_document
from analyzer.model import Block, Document
from conftest import CORPUS, DATA, EXPECTED, SEED_EXPECTED, real_report

DISTINCT = "900_distinct_values"
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")

# The most specific label cell of each section 三 row, as a pattern (real reports
# write "1、" for "1." and drop characters: 洪泽区 2023 has "2.其他法律行政止公开").
ROW_PATTERNS = {
    "new_received": r"本年新收",
    "carried_over": r"上年结转",
    "granted": r"予以公开",
    "partially_granted": r"部分公开",
    "denied_state_secret": r"国家秘密",
    "denied_prohibited_by_law": r"其他法律行政",
    "denied_security_stability": r"三安全一稳定",
    "denied_third_party": r"第三方",
    "denied_internal_affairs": r"内部事务",
    "denied_process_info": r"过程性信息",
    "denied_enforcement_files": r"行政执法案卷",
    "denied_query_matters": r"行政查询",
    "unable_not_held": r"不掌握",
    "unable_needs_creation": r"另行制作",
    "unable_unclear": r"仍不明确",
    "not_processed_petition": r"信访举报",
    "not_processed_repeated": r"重复申请",
    "not_processed_publication": r"公开出版物",
    "not_processed_excessive": r"大量反复",
    "not_processed_confirmation": r"重新出具",
    "other_no_correction": r"逾期不补正",
    "other_fee_unpaid": r"缴纳费用",
    "other_other": r"^3[.、．]其他$",
    "other_processing": r"^（六）其他处理$",
    "results_total": r"^（七）总计$",
    "carried_forward": r"结转下年度",
}
APPLICANT_COLS = (
    "natural_person", "commercial_enterprise", "research_institution",
    "public_interest_org", "legal_service_org", "other_org", "total",
)
REVIEW = [(g, c) for g in ("review", "litigation_direct", "litigation_after_review")
          for c in ("upheld", "corrected", "other", "pending", "total")]


def number(cell: str) -> int | float | None:
    if not cell:
        return None
    return float(cell) if "." in cell else int(cell)


def table_with(doc: Document, *words: str) -> Block:
    """The one table block whose text holds all the words."""
    found = [b for b in doc.blocks if b.kind == "table" and all(w in b.text for w in words)]
    assert len(found) == 1, f"{len(found)} tables hold {words}"
    return found[0]


def applications_by_label(table: Block) -> dict[str, dict[str, int | float | None]]:
    """Section 三 read back: row key -> the seven values right of its label."""
    out: dict[str, dict[str, int | float | None]] = {}
    for row in table.rows or ():
        labels = [c for c in row if c and not NUMBER.match(c)]
        if not labels or len(row) < 8:
            continue
        label = labels[-1]
        for key, pattern in ROW_PATTERNS.items():
            if re.search(pattern, label):
                assert key not in out, f"two rows match {key}: {label}"
                out[key] = dict(zip(APPLICANT_COLS, (number(c) for c in row[-7:])))
                break
    return out


def review_values(table: Block) -> dict[tuple[str, str], int | None]:
    values = table.rows[-1]
    assert len(values) == 15 and all(NUMBER.match(v) or not v for v in values)
    return dict(zip(REVIEW, (number(v) for v in values)))


def expected(name: str) -> dict:
    if name == DISTINCT or name.startswith("seed"):  # our own corpus: the file must be there
        return json.loads((SEED_EXPECTED / f"{name}.json").read_text(encoding="utf-8"))
    path = EXPECTED / f"{name}.json"
    if not path.exists():
        pytest.skip(f"{path} not available")
    return json.loads(path.read_text(encoding="utf-8"))


def assert_tables_match(doc: Document, truth: dict) -> None:
    apps = applications_by_label(table_with(doc, "本年新收"))
    checked = 0
    for key, cols in truth["tables"]["applications"].items():
        if all(v is None for v in cols.values()) and key not in apps:
            continue  # a row the report does not have
        assert key in apps, f"row {key} not found"
        assert apps[key] == cols, key
        checked += 1
    assert checked >= 22  # 23 rows in the 2019 layout, of which （六） may be absent from the truth
    review = review_values(table_with(doc, "行政复议", "复议后起诉"))
    for (group, col), value in review.items():
        assert truth["tables"]["review_litigation"][group][col] == value, (group, col)


@pytest.fixture(scope="module")
def distinct_pdf() -> Document:
    return read_document(CORPUS / f"{DISTINCT}.pdf")


def test_distinct_values_every_cell_in_its_row_and_column(distinct_pdf):
    assert distinct_pdf.format == "pdf"
    assert_tables_match(distinct_pdf, expected(DISTINCT))


def test_distinct_values_section_two(distinct_pdf):
    table = table_with(distinct_pdf, "第二十条第（一）项")
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["规章"] == ("0", "0", "0")
    assert rows["行政规范性文件"] == ("9", "4", "68")
    assert set(rows["行政许可"]) == {"2871"}  # one value spanning three columns, repeated
    assert set(rows["行政事业性收费"]) == {"12.3456"}


def test_table_shapes_on_every_generated_pdf():
    for path in sorted(CORPUS.glob("*.pdf")):
        doc = read_document(path)
        s2 = table_with(doc, "第二十条第（一）项")
        s3 = table_with(doc, "本年新收", "结转下年度")
        s4 = table_with(doc, "行政复议", "复议后起诉")
        template_2019 = "本年新制作数量" in s2.text
        assert len(s2.rows[0]) == 4 and len(s2.rows) == (18 if template_2019 else 14), path.name
        assert len(s3.rows) == (26 if template_2019 else 28) and {len(r) for r in s3.rows} == {10}, path.name
        assert [len(r) for r in s4.rows] == [15] * 4, path.name


def test_table_split_across_pages_is_one_block():
    # In seed 001 the section 三 table starts on page 3 and ends on page 4.
    doc = read_document(CORPUS / "001_dc17ca86c1b8bf45.pdf")
    table = table_with(doc, "本年新收")
    assert "结转下年度" in table.text and len(table.rows) == 28
    assert table.page == 3
    after = doc.blocks[doc.blocks.index(table) + 1]
    assert after.text.startswith("四、") and after.page == 4


def test_page_numbers_kept_in_reading_order(distinct_pdf):
    pages = [b.page for b in distinct_pdf.blocks]
    assert None not in pages and pages == sorted(pages)
    assert pages[0] == 1 and pages[-1] == 4
    headings = [b.text for b in distinct_pdf.blocks if b.kind == "heading"]
    assert headings[0] == "青石镇2021年度政府信息公开工作报告"
    assert [h[:2] for h in headings if re.match(r"^[一二三四五六]、", h)] == ["一、", "二、", "三、", "四、", "五、", "六、"]


def test_wrapped_lines_joined_into_paragraphs(distinct_pdf):
    texts = [b.text for b in distinct_pdf.blocks if b.kind == "paragraph"]
    assert "2021年我镇共收到政府信息公开申请20241件，已按法定程序办理，231件结转下年度继续办理。" in texts
    # No paragraph ends mid-sentence on a soft wrap; none keeps a line break.
    assert all("\n" not in t for t in texts)
    assert not any(t in ("231件结转下年度继续办理。",) for t in texts)


def test_metadata_dates(distinct_pdf):
    assert distinct_pdf.metadata["pdf_created"] == "2022-01-20"


@pytest.mark.parametrize(
    "name, pages",
    [("szfgs2024", 6), ("hzq2023_working", 5), ("hzq2024_working", 5)],
)
def test_real_pdfs_read_with_their_tables(name, pages):
    doc = read_document(real_report(f"{name}.pdf"))
    assert not doc.notes
    assert max(b.page for b in doc.blocks) == pages
    truth = expected("pdf_" + name.replace("_working", ""))
    assert_tables_match(doc, truth)
    # WPS paints white boxes behind paragraphs: none of them may become a table.
    assert len([b for b in doc.blocks if b.kind == "table"]) == 3
    assert re.match(r"\d{4}-\d{2}-\d{2}$", doc.metadata["pdf_created"])


def test_real_pdf_table_split_without_closing_ruling():
    # 洪泽区 2023: the row "2.没有现成信息需要另行制作" ends page 3 with no bottom border.
    doc = read_document(real_report("hzq2023_working.pdf"))
    apps = applications_by_label(table_with(doc, "本年新收"))
    assert apps["unable_needs_creation"]["natural_person"] == 3
    assert not any(b.kind == "paragraph" and "另行制作" in b.text for b in doc.blocks)


def _with_scanned_page(source, at: int) -> bytes:
    """The PDF with an image-only page (a scan) inserted at 0-based position ``at``."""
    pdfium = pytest.importorskip("pypdfium2")
    from PIL import Image

    pdf = pdfium.PdfDocument(source)
    width, height = pdf[0].get_size()
    page = pdf.new_page(width, height, index=at)
    image = pdfium.PdfImage.new(pdf)
    bitmap = pdfium.PdfBitmap.from_pil(Image.new("RGB", (200, 280), (235, 235, 235)))
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_one_scanned_page_is_a_note(tmp_path):
    path = tmp_path / "with_scan.pdf"
    path.write_bytes(_with_scanned_page(CORPUS / f"{DISTINCT}.pdf", 2))
    doc = read_document(path)
    assert doc.notes == ("本报告第3页无文字层（扫描件），经OCR识别未读出文字",)
    assert_tables_match(doc, expected(DISTINCT))


def test_broken_font_map_is_read_by_ocr():
    doc = read_document(DATA / "broken_font_map.pdf")
    assert doc.notes == ("本报告第1页文字层字体映射损坏，经OCR识别（共1页）",)
    assert doc.blocks[0].text == "青石镇2021年度政府信息公开工作报告"
    assert "测测测" not in doc.text


def test_broken_font_map_without_ocr_is_no_text_layer(monkeypatch):
    from analyzer.ingest.pdf import scanned

    monkeypatch.setattr(scanned, "ocr_available", lambda: False)
    with pytest.raises(errors.NoTextLayer, match="“测”占全部中文字符"):
        read_document(DATA / "broken_font_map.pdf")


def test_page_number_footers_are_not_text(distinct_pdf):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(CORPUS / f"{DISTINCT}.pdf")
    raw = pdf[1].get_textpage().get_text_range()
    assert re.search(r"—\s*2\s*—", raw)  # the footer is on the page...
    assert not any(re.search(r"—\s*\d+\s*—", b.text) for b in distinct_pdf.blocks)  # ...but not in the text


def _part(page: int, rows: list[list[tuple[str, int]]]):
    """A table fragment from rows of (text, rowspan) cells on a 60-pt column grid."""
    from analyzer.ingest.pdf import Table

    cells, covered = [], set()
    for r, row in enumerate(rows):
        c = 0
        for text, span in row:
            while (r, c) in covered:
                c += 1
            cells.append(((c * 60.0, r * 20.0, (c + 1) * 60.0, (r + span) * 20.0), text))
            covered |= {(r + i, c) for i in range(span)}
            c += 1
    return Table(page, (0.0, 0.0, 60.0 * 3, 20.0 * len(rows)), cells)


def test_row_cut_by_a_page_break_is_one_row():
    from analyzer.ingest.pdf import tables_to_rows

    first = _part(1, [[("（四）无法提供", 2), ("1.本机关不掌握", 1), ("10", 1)], [("2.没有现成信", 1), ("3", 1)]])
    second = _part(2, [[("", 2), ("息需要另行制作", 1), ("", 1)], [("3.补正后申请内容仍不明确", 1), ("0", 1)]])
    assert tables_to_rows([first, second]) == (
        ("（四）无法提供", "1.本机关不掌握", "10"),
        ("（四）无法提供", "2.没有现成信息需要另行制作", "3"),
        ("（四）无法提供", "3.补正后申请内容仍不明确", "0"),
    )


def test_header_rows_repeated_after_a_page_break_are_dropped():
    from analyzer.ingest.pdf import tables_to_rows

    header = [("信息内容", 1), ("本年", 1), ("累计", 1)]
    first = _part(1, [header, [("规章", 1), ("1", 1), ("2", 1)]])
    second = _part(2, [header, [("行政规范性文件", 1), ("3", 1), ("4", 1)]])
    assert tables_to_rows([first, second]) == (
        ("信息内容", "本年", "累计"), ("规章", "1", "2"), ("行政规范性文件", "3", "4"),
    )


def test_pdf_objects_doctests():
    from analyzer.ingest.pdf import objects

    assert doctest.testmod(objects).failed == 0


def _text_line(page: int, top: float, text: str, x0: float = 80.0, x1: float = 512.0):
    from analyzer.ingest.pdf.objects import Line

    return Line(text, page, x0, x1, top, top + 16, 16.0, [(x0, x1, text)])


def test_a_line_pushed_down_by_a_long_number_stays_in_its_paragraph():
    """Flattened table text printed to PDF (issue 9 class 5): a run of digits too long for the end of
    the line goes to the next one, leaving the line short. That is a wrap, not the paragraph's end."""
    from analyzer.ingest.pdf.assemble import pages_to_blocks
    from analyzer.ingest.pdf.objects import Page

    body = [_text_line(1, 100 + 28 * i, "政府信息公开工作年度报告正文" * 2) for i in range(4)]
    short = _text_line(1, 212, "及“三安全一稳定”00000004.保护第三方合法权益", x1=444.0)
    pushed = _text_line(2, 100, "0300213275.属于三类内部事务信息00000006.属于四类过程")
    # "0000000（七）" is one unit: no break between a number and the bracket after it.
    short2 = _text_line(2, 128, "关不再处理其政府信息公开申请00000003.其他", x1=411.6)
    bracketed = _text_line(2, 156, "0000000（七）总计341080022327392四、结转下年度继续办")
    pages = [Page(1, 595, 842, body + [short]), Page(2, 595, 842, [pushed, short2, bracketed])]
    (para,) = pages_to_blocks(pages)
    assert "保护第三方合法权益0300213275.属于三类" in para.text and "3.其他0000000（七）总计" in para.text


def test_a_short_line_before_a_number_that_fits_ends_its_paragraph():
    from analyzer.ingest.pdf.assemble import pages_to_blocks
    from analyzer.ingest.pdf.objects import Page

    body = [_text_line(1, 100 + 28 * i, "政府信息公开工作年度报告正文" * 2) for i in range(4)]
    short = _text_line(1, 212, "特此报告", x1=144.0)
    dated = _text_line(1, 240, "2024年1月20日起施行的规定全文如下所述内容")
    blocks = pages_to_blocks([Page(1, 595, 842, body + [short, dated])])
    assert [b.text for b in blocks][-1] == dated.text


def test_a_glyph_with_its_own_short_box_stays_on_its_line():
    """Some fonts give "一" its glyph's box (7 points high, sitting high in a line of 15): by its centre
    alone it made a line of its own, and "第一项" read "第项" with "一" above."""
    from analyzer.ingest.pdf.textlayer import chars_to_lines

    chars = [("第", 100.0, 337.8, 116.0, 352.5), ("一", 116.0, 337.9, 132.0, 344.9), ("项", 132.0, 337.9, 148.0, 353.0),
             ("二", 148.0, 337.9, 164.0, 350.2), ("下", 100.0, 365.7, 116.0, 381.3)]
    assert [l.text for l in chars_to_lines(chars, 1)] == ["第一项二", "下"]


def test_a_line_ending_before_an_opening_mark_that_did_not_fit_is_a_wrap():
    from analyzer.ingest.pdf.assemble import pages_to_blocks
    from analyzer.ingest.pdf.objects import Page

    body = [_text_line(1, 100 + 28 * i, "政府信息公开工作年度报告正文" * 2) for i in range(4)]
    short = _text_line(1, 212, "00000002.其他法律行政法规禁止公开040010O01053.危", x1=470.0)
    opened = _text_line(1, 240, "及“三安全一稳定”00000004.保护第三方合法权益")
    (para,) = pages_to_blocks([Page(1, 595, 842, body + [short, opened])])
    assert "3.危及“三安全一稳定”" in para.text


def test_a_comma_with_its_own_low_box_stays_on_its_line():
    from analyzer.ingest.pdf.textlayer import chars_to_lines

    chars = [("和", 431.5, 141.7, 447.5, 157.0), ("，", 447.5, 152.5, 463.5, 158.4), ("等", 463.5, 141.7, 479.5, 157.0),
             ("下", 100.0, 169.7, 116.0, 185.3)]
    assert [l.text for l in chars_to_lines(chars, 1)] == ["和，等", "下"]
