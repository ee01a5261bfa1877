"""OCR layer (analyzer.ingest.ocr), OCR rows (analyzer.ingest.ocr_rows) and scripts/make_scanned.py.

The engine's models ship inside the rapidocr wheel: these tests load and run
it with every socket refused, and once more under ``unshare -n`` (no network
namespace at all) where the machine allows it.
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyzer.ingest import ocr
from analyzer.ingest.ocr import OcrLine
from analyzer.ingest.ocr_rows import cell_kind, group_rows, layout_page, normalize_number, tables_from_lines, _tokens

ROOT = Path(__file__).resolve().parents[1]
FONTS = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
]
FONT = next((f for f in FONTS if f.is_file()), None)
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font to draw test pages")


def _make_scanned():
    spec = importlib.util.spec_from_file_location("make_scanned", ROOT / "scripts" / "make_scanned.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["make_scanned"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def offline_engine():
    """The engine, loaded while every attempt to open a connection fails."""

    real_connect = socket.socket.connect

    def refuse(self, *a, **k):  # noqa: ANN001
        raise OSError("network use during OCR")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        yield ocr.engine()
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]


def page_image(lines: list[str], size=(1240, 1754), font_px=34, top=120, left=110, gap=70):
    """A white A4 page at 150 dpi with the lines drawn in black."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), font_px)
    for i, text in enumerate(lines):
        draw.text((left, top + i * gap), text, fill=0, font=font)
    return img


PROSE = [
    "一、总体情况",
    "本机关认真贯彻落实政府信息公开条例的各项要求，",
    "全年主动公开政府信息一千二百条，受理申请二十三件。",
    "二、主动公开政府信息情况",
    "本年新收政府信息公开申请数量为二十三件。",
    "三、收到和处理政府信息公开申请情况",
]


# ---------------------------------------------------------------- the engine


def test_engine_loads_once_and_offline(offline_engine):
    assert ocr.engine() is offline_engine
    assert len(offline_engine.chars) > 5000  # the Chinese dictionary ships with the model
    assert set("0123456789") <= {offline_engine.chars[i] for i in offline_engine.digit_ids}


def test_engine_loads_from_threads_once():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        engines = list(pool.map(lambda _: ocr.engine(), range(8)))
    assert all(e is engines[0] for e in engines)


@needs_font
@pytest.mark.skipif(shutil.which("unshare") is None, reason="unshare not available")
def test_reads_a_page_without_a_network_namespace(tmp_path):
    img = page_image(["本年新收政府信息公开申请数量 230"])
    img.save(tmp_path / "line.png")
    code = (
        "from PIL import Image; from analyzer.ingest import ocr;"
        f"print('|'.join(l.text for l in ocr.ocr_page(Image.open(r'{tmp_path / 'line.png'}'), dpi=150)))"
    )
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -n not permitted here")
    out = subprocess.run(["unshare", "-n", sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "申请数量" in out.stdout and "230" in out.stdout


@needs_font
def test_a_rendered_line_is_read_with_its_box_in_points(offline_engine):
    img = page_image(["本年新收政府信息公开申请数量", "行政许可     447228"], top=300, left=150)
    lines = ocr.ocr_page(img, dpi=150)
    texts = [l.text for l in lines]
    assert any("本年新收政府信息公开申请数量" in t for t in texts), texts
    assert "447228" in "".join(texts)
    first = next(l for l in lines if "申请数量" in l.text)
    # Drawn at (150, 300) px at 150 dpi: (72, 144) points.
    assert abs(first.box[0] - 72) < 8 and abs(first.box[1] - 144) < 10
    assert first.confidence > 0.9
    assert first.box[2] > first.box[0] and first.box[3] > first.box[1]


# ---------------------------------------------------------------- orientation and skew


@needs_font
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_turned_page_is_put_upright(offline_engine, turn):
    img = page_image(PROSE)
    turned = img.rotate(-turn, expand=True)  # clockwise, as a sheet fed sideways
    page = ocr.read_page(turned, dpi=150)
    assert page.turned == turn, page.turned  # turned back counter-clockwise by as much
    text = "".join(l.text for l in page.lines)
    assert "收到和处理政府信息公开申请情况" in text
    assert page.width < page.height  # upright A4, in points
    # Lines come out top to bottom in the upright page.
    order = [next(i for i, l in enumerate(page.lines) if key in l.text) for key in ("总体情况", "主动公开政府信息情况", "收到和处理")]
    assert order == sorted(order)


@needs_font
def test_small_rotation_is_measured_and_taken_out():
    img = page_image(PROSE + PROSE)
    for angle in (1.5, -2.0):
        skewed = img.rotate(angle, resample=3, fillcolor=255)
        est = ocr.estimate_skew(np.asarray(skewed))
        # cv2 counts angles counter-clockwise as PIL does: straightening turns back by -angle.
        assert abs(est + angle) < 0.3, (angle, est)


@needs_font
def test_rows_line_up_on_a_skewed_page(offline_engine):
    img = page_image(["行政许可" + " " * 30 + "12", "行政处罚" + " " * 30 + "34", "行政强制" + " " * 30 + "56"], gap=60)
    page = ocr.read_page(img.rotate(2.0, resample=3, fillcolor=255), dpi=150)
    tables, _ = tables_from_lines(page.lines, 1)
    assert tables, [l.text for l in page.lines]
    rows = [r for r in tables[0].texts]
    assert [r[-1] for r in rows] == ["12", "34", "56"]
    assert rows[0][0] == "行政许可"


def test_to_original_undoes_the_turn():
    page = ocr.OcrPage(lines=(), width=595.0, height=842.0, turned=90, skew=0.0)
    # The top-left corner of the upright page lies at the top right of the page turned sideways.
    x0, top, x1, bottom = page.to_original((0, 0, 10, 10))
    assert x0 >= 842 - 11 and top <= 1
    page180 = ocr.OcrPage(lines=(), width=595.0, height=842.0, turned=180, skew=0.0)
    assert page180.to_original((0, 0, 10, 10)) == pytest.approx((585, 832, 595, 842))


# ---------------------------------------------------------------- the second reading


@needs_font
def test_ocr_digits_reads_a_ruled_cell(offline_engine):
    from PIL import Image, ImageDraw, ImageFont

    cell = Image.new("L", (220, 90), 255)
    d = ImageDraw.Draw(cell)
    d.rectangle((0, 0, 219, 89), outline=0, width=3)  # the table's rules around the cell
    d.text((60, 18), "2093", fill=0, font=ImageFont.truetype(str(FONT), 48))
    text, conf = ocr.ocr_digits(cell)
    assert text == "2093"
    assert conf > 0.8
    assert ocr.ocr_digits(Image.new("L", (120, 60), 255)) == ("", 0.0)


def test_seals_fade_but_black_text_stays():
    rgb = np.full((400, 400, 3), 240, np.uint8)
    yy, xx = np.mgrid[:400, :400]
    ring = np.abs(np.hypot(yy - 200, xx - 200) - 150) < 8
    rgb[ring] = (214, 40, 40)
    rgb[195:205, 100:300] = (20, 20, 20)  # black text under the seal
    grey = ocr.remove_seals(rgb)
    assert grey[ring].mean() > 180  # the seal turned to paper
    assert grey[200, 150] < 60  # the text did not


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "raw,want",
    [
        ("0", "0"), ("〇", "0"), ("O", "0"), ("1O", "10"), ("l2", "12"), ("I", "1"), ("２３", "23"),
        ("７.５", "7.5"), ("3.", "3"), (".5", "5"), ("1,234", "1234"), ("25.60", "25.60"), (" 447228 ", "447228"),
        ("无", None), ("规章", None), ("—", None), ("第二十条", None), ("2021年", None), ("1.2.3", None),
    ],
)
def test_digit_damage_is_repaired(raw, want):
    assert normalize_number(raw) == want


def test_cell_kinds():
    assert cell_kind("0 0 0") == "numbers"
    assert cell_kind("—") == "marker"
    assert cell_kind("无") == "marker"
    assert cell_kind("12") == "number"
    assert cell_kind("行政许可") == "text"


# ---------------------------------------------------------------- rows from boxes


def L(text, x0, top, x1=None, bottom=None, conf=0.99):
    x1 = x1 if x1 is not None else x0 + 10 * len(text)
    bottom = bottom if bottom is not None else top + 10
    return OcrLine(text, (x0, top, x1, bottom), conf, 3)


def synthetic_table() -> list[OcrLine]:
    """The top of a 2021 table 3: a header, labels in two columns (one wrapped, one tall
    merged label over several rows), a blank cell, damaged digits, a line of two numbers."""
    return [
        L("三、收到和处理政府信息公开申请情况", 60, 40),
        L("申请人情况", 330, 70),
        L("自然人", 300, 85), L("商业企业", 345, 85), L("总计", 420, 85),
        L("一、本年新收政府信息公开申请数量", 60, 100.5, 250),
        L("7", 305, 101), L("O", 350, 100), L("7", 425, 100.8),
        L("二、上年结转政府信息公开申请数量", 60, 115, 250),
        L("1", 305, 115.5), L("0", 350, 115), L("l", 425, 114.6, conf=0.62),
        L("本年度办理结果", 60, 128, 80, 168),  # a tall merged label over the rows beside it
        L("（一）予以公开", 90, 131),
        L("３", 305, 131), L("0 3", 350, 130.7, 435),  # two cells read as one line
        L("（二）部分公开（区分处理的，只", 90, 143),
        L("计这一情形，不计其他情形）", 90, 155),
        L("5", 305, 149), L("5", 425, 149),  # 商业企业 left blank
    ]


def test_rows_are_grouped_by_vertical_overlap():
    rows = group_rows(_tokens(synthetic_table()))
    texts = [[t.text for t in r.toks] for r in rows]
    assert ["一、本年新收政府信息公开申请数量", "7", "0", "7"] in texts
    assert ["自然人", "商业企业", "总计"] in texts


def test_table_rows_with_columns_labels_and_provenance():
    tables, rest = tables_from_lines(synthetic_table(), page=3)
    assert len(tables) == 1
    t = tables[0]
    body = t.texts[t.header_rows :]
    assert [r[-3:] for r in body] == [("7", "0", "7"), ("1", "0", "1"), ("3", "0", "3"), ("5", "", "5")]
    assert body[0][0] == "一、本年新收政府信息公开申请数量"
    # The wrapped label is one label, in reading order; the tall label is repeated into the rows it covers.
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in body[3]
    assert body[2][0] == body[3][0] == "本年度办理结果"
    # Every row of a table has the same width.
    assert len({len(r) for r in t.texts}) == 1
    # Header words stand over their columns.
    header = t.texts[: t.header_rows]
    assert any(r[-3:] == ("自然人", "商业企业", "总计") for r in header)
    # Provenance: page, box, the recogniser's confidence of the damaged "l".
    cell = t.rows[t.header_rows + 1][-1]
    assert cell.text == "1" and cell.raw == "l" and cell.page == 3 and cell.confidence == pytest.approx(0.62)
    assert cell.box == (425, 114.6, 435, 124.6)
    # The section title is not part of the table.
    assert [l.text for l in rest] == ["三、收到和处理政府信息公开申请情况"]


def test_ocr_rows_feed_the_table_reader():
    """OCR rows as an ordinary table Block: the table reader matches them to the template by label."""
    from analyzer.model import Document, ReportMeta
    from analyzer.tables import extract_tables

    xs = [300, 330, 360, 390, 420, 450, 480]
    lines = [L("三、收到和处理政府信息公开申请情况", 60, 40)]
    lines += [L(h, x - 5, 70) for h, x in zip(["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"], xs)]
    data = [
        ("一、本年新收政府信息公开申请数量", [7, 0, 0, 0, 0, 0, 7]),
        ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1]),
        ("（一）予以公开", [3, 0, 0, 0, 0, 0, 3]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [5, 0, 0, 0, 0, 0, 5]),
    ]
    for k, (label, values) in enumerate(data):
        y = 90 + 16 * k
        lines.append(L(label, 60, y, 250))
        lines += [L(str(v) if v != 0 or k % 2 else "O", x, y + 0.5) for v, x in zip(values, xs)]
    page = ocr.OcrPage(lines=tuple(lines), width=595, height=842, page=3)
    layout = layout_page(page)
    assert [b.kind for b in layout.blocks] == ["heading", "table"]
    doc = Document(source=Path("scan.pdf"), format="pdf", blocks=tuple(layout.blocks))
    meta = ReportMeta("某区2021年政府信息公开工作年度报告", "某区人民政府", "county", 2021, "2021")
    tables = extract_tables(doc, {}, meta)
    assert tables.get("applications", "new_received", "natural_person") == 7
    assert tables.get("applications", "new_received", "total") == 7
    assert tables.get("applications", "carried_over", "total") == 1
    assert tables.get("applications", "granted", "total") == 3
    assert tables.get("applications", "partially_granted", "total") == 5


def test_prose_lines_become_paragraphs_in_reading_order():
    lines = [
        L("一、总体情况", 60, 40),
        L("本机关认真贯彻落实条例要求，全年主动公开", 84, 60, 520),  # first-line indent
        L("政府信息1200条。", 60, 75, 200),  # the paragraph ends short
        L("(一)主动公开", 84, 95),  # OCR gives ASCII parentheses; the printed ones were full-width
        L("全年公开文件12件，", 84, 110, 300), L("解读3篇。", 310, 110.5, 380),  # one line split in two
        L("- 2 -", 280, 820, 310, 830),  # page number in the margin
    ]
    page = ocr.OcrPage(lines=tuple(lines), width=595, height=842, page=2)
    blocks = layout_page(page).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "一、总体情况"),
        ("paragraph", "本机关认真贯彻落实条例要求，全年主动公开政府信息1200条。"),
        ("heading", "（一）主动公开"),
        ("paragraph", "全年公开文件12件，解读3篇。"),
    ]
    assert all(b.page == 2 for b in blocks)


# ---------------------------------------------------------------- make_scanned


def test_make_scanned_is_deterministic_and_image_only(tmp_path):
    import pypdfium2 as pdfium

    ms = _make_scanned()
    src = ROOT / "corpus" / "000_d1513ee4e846cccb.pdf"
    opts = ms.ScanOptions(dpi=90, jpeg_quality=50)
    a = ms.scan_document(src.read_bytes(), src.name, opts)
    b = ms.scan_document(src.read_bytes(), src.name, opts)
    assert a == b
    assert ms.scan_document(src.read_bytes(), "other.pdf", opts) != a  # the seed is the file name
    out = ms.scan_file(src, tmp_path, opts)
    assert out.read_bytes() == a and out.parent == tmp_path
    orig, scan = pdfium.PdfDocument(str(src)), pdfium.PdfDocument(a)
    assert len(scan) == len(orig)
    for i in range(len(orig)):
        assert scan[i].get_textpage().get_text_range().strip() == ""  # no text layer
        assert scan[i].get_size() == pytest.approx(orig[i].get_size(), abs=0.01)


def test_make_scanned_turns_pages(tmp_path):
    import pypdfium2 as pdfium

    ms = _make_scanned()
    src = ROOT / "corpus" / "000_d1513ee4e846cccb.pdf"
    data = ms.scan_document(src.read_bytes(), src.name, ms.ScanOptions(dpi=72, turns={1: 90, 2: 180}, stamp=False))
    scan = pdfium.PdfDocument(data)
    w, h = scan[0].get_size()
    assert w > h  # the page turned sideways is landscape
    w2, h2 = scan[1].get_size()
    assert w2 < h2


def test_make_scanned_stamps_the_last_page_red():
    import pypdfium2 as pdfium

    ms = _make_scanned()
    src = ROOT / "corpus" / "000_d1513ee4e846cccb.pdf"
    data = ms.scan_document(src.read_bytes(), src.name, ms.ScanOptions(dpi=72))
    scan = pdfium.PdfDocument(data)
    last = np.asarray(scan[len(scan) - 1].render(scale=1).to_pil().convert("RGB")).astype(int)
    red = (last[:, :, 0] - np.maximum(last[:, :, 1], last[:, :, 2])) > 60
    assert red.sum() > 200
    first = np.asarray(scan[0].render(scale=1).to_pil().convert("RGB")).astype(int)
    assert ((first[:, :, 0] - np.maximum(first[:, :, 1], first[:, :, 2])) > 60).sum() == 0


@needs_font
def test_a_scanned_corpus_page_reads_back(offline_engine, tmp_path):
    """End to end on one real page: scan (150 dpi, skewed, stamped), OCR, lay out, read the table."""
    import pypdfium2 as pdfium

    from analyzer.model import Document, ReportMeta
    from analyzer.tables import extract_tables

    ms = _make_scanned()
    src = ROOT / "corpus" / "000_d1513ee4e846cccb.pdf"
    data = ms.scan_document(src.read_bytes(), src.name, ms.ScanOptions(dpi=150, max_rotation=1.5))
    scan = pdfium.PdfDocument(data)
    pages = [ocr.read_page(ocr.render(scan[i]), page_size=scan[i].get_size(), page=i + 1) for i in (1, 2)]
    from analyzer.ingest.ocr_rows import layout_pages

    layout = layout_pages(pages)
    doc = Document(source=src, format="pdf", blocks=tuple(layout.blocks))
    meta = ReportMeta("朱家房镇2021年度政府信息公开工作报告", "朱家房镇人民政府", "township", 2021, "2021")
    tables = extract_tables(doc, {}, meta)
    assert tables.get("active_disclosure", "rules", "issued") == 1
    assert tables.get("applications", "new_received", "total") == 0
    assert pages[0].seconds > 0  # timing is recorded


def _seven(label: str, y: float, values: list[str], conf: float = 0.99) -> list[OcrLine]:
    xs = [300, 330, 360, 390, 420, 450, 480]
    return [L(label, 60, y, 250)] + [L(v, x, y + 0.3, conf=conf) for v, x in zip(values, xs) if v]


def test_damaged_value_is_left_blank_then_read_again():
    from analyzer.ingest.ocr_rows import second_reading

    lines = _seven("1.信访举报投诉类申请", 100, ["56", "6", "0", "0", "0", "0", "62"])
    lines += _seven("5.要求行政机关确认或重新出具已获取信息", 116, ["一", "0", "0", "0", "0", "0", "1"])
    lines += _seven("2.重复申请", 132, ["25", "0", "0", "0", "0", "0", "25"], conf=0.7)
    tables, _ = tables_from_lines(lines, page=5)
    t = tables[0]
    damaged = t.rows[1][-7]
    # Not passed on as words (the table reader would shift the row left), nor guessed.
    assert damaged.text == "" and damaged.raw == "一" and damaged.doubtful
    assert t.texts[1][-7:] == ("", "0", "0", "0", "0", "0", "1")
    assert all(c.doubtful for c in t.rows[2][-7:])  # read with low confidence
    calls = []

    def reread(cell):
        calls.append(cell.raw)
        return {"一": ("1", 0.86), "25": ("25", 0.99)}.get(cell.raw, ("0", 0.99))

    n = second_reading(tables, reread)
    assert n == 8 and calls.count("一") == 1
    fixed = t.rows[1][-7]
    assert fixed.text == "1" and fixed.doubtful and fixed.second == ("1", 0.86)  # repaired, still in doubt
    assert not any(c.doubtful for c in t.rows[2][-7:])  # confirmed by the second reading
    assert t.to_block().rows[1][-7] == "1"


def test_second_reading_that_disagrees_keeps_the_doubt():
    from analyzer.ingest.ocr_rows import second_reading

    lines = _seven("1.信访举报投诉类申请", 100, ["56", "6", "0", "0", "0", "0", "62"])
    lines += _seven("2.重复申请", 116, ["28", "0", "0", "0", "0", "0", "28"], conf=0.85)
    tables, _ = tables_from_lines(lines, page=5)
    second_reading(tables, lambda cell: ("26", 0.9) if cell.text == "28" else (cell.text, 0.99))
    cell = tables[0].rows[1][-7]
    assert cell.text == "28" and cell.doubtful and cell.second == ("26", 0.9)


def test_table_rules_tell_a_title_row_from_a_wrapped_label():
    # A title centred over a ruled sub-table, tight above the row under it.
    lines = [
        L("规章", 85, 100), L("1", 300, 100), L("0", 400, 100), L("11", 480, 100),
        L("第二十条第（五）项", 120, 113, 250),
        L("信息内容", 85, 126), L("本年处理决定数量", 300, 126, 400),
        L("行政许可", 85, 139), L("2871", 300, 139, 330),
    ]
    rules = [(98.0, 80.0, 520.0), (111.5, 80.0, 520.0), (124.5, 80.0, 520.0), (137.5, 80.0, 520.0), (150.0, 80.0, 520.0)]
    page = ocr.OcrPage(lines=tuple(lines), width=595, height=842, page=2, rules=tuple(rules))
    rows = [r for b in layout_page(page).blocks if b.kind == "table" for r in b.rows]
    assert ("行政许可", "2871") in [tuple(c for c in r if c) for r in rows]
    assert any("第二十条第（五）项" in r and "2871" not in r for r in rows)
