"""The DOCX reader (and the legacy .doc path through LibreOffice) on the generated corpus."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from analyzer.ingest import read_document
from analyzer.ingest.legacy import find_office
from conftest import CORPUS
from test_ingest_pdf import (
    DISTINCT,
    applications_by_label,
    assert_tables_match,
    expected,
    review_values,
    table_with,
)

SEEDS = sorted(p for p in CORPUS.glob("[0-8]*.docx"))


@pytest.fixture(scope="module")
def distinct_docx():
    return read_document(CORPUS / f"{DISTINCT}.docx")


def test_distinct_values_every_cell_in_its_row_and_column(distinct_docx):
    assert distinct_docx.format == "docx"
    assert_tables_match(distinct_docx, expected(DISTINCT))


def test_blocks_in_document_order(distinct_docx):
    blocks = list(distinct_docx.blocks)
    s3_heading = next(i for i, b in enumerate(blocks) if b.text == "三、收到和处理政府信息公开申请情况")
    s3_table = blocks.index(table_with(distinct_docx, "本年新收"))
    s4_heading = next(i for i, b in enumerate(blocks) if b.text.startswith("四、政府信息公开行政复议"))
    assert s3_heading + 1 == s3_table < s4_heading
    assert blocks[0].kind == "heading" and blocks[0].text == "青石镇2021年度政府信息公开工作报告"
    assert all(b.page is None for b in blocks)


def test_merged_cells_repeated_into_a_full_grid(distinct_docx):
    rows = table_with(distinct_docx, "本年新收").rows
    assert {len(r) for r in rows} == {10}
    # Vertical merges: 三、本年度办理结果 covers 22 rows, （三）不予公开 eight.
    assert sum(r[0] == "三、本年度办理结果" for r in rows) == 22
    assert sum(r[1] == "（三）不予公开" for r in rows) == 8
    # Horizontal merges: 申请人情况 over seven columns; the 3x3 勾稽关系 note.
    assert rows[0][3:] == ("申请人情况",) * 7
    assert all(rows[r][c].startswith("（本列数据的勾稽关系") for r in range(3) for c in range(3))
    assert rows[1][3] == rows[2][3] == "自然人"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_seed_docx_has_the_three_tables(path):
    doc = read_document(path)
    number = path.name[:3]
    truth = expected(f"seed{number}")
    apps = applications_by_label(table_with(doc, "本年新收"))
    for key, cols in truth["tables"]["applications"].items():
        assert apps[key] == cols, key  # null stays an empty cell, read back as None
    review = review_values(table_with(doc, "行政复议", "复议后起诉"))
    assert all(truth["tables"]["review_litigation"][g][c] == v for (g, c), v in review.items())


def test_2019_template_kept_for_seed_004():
    doc = read_document(CORPUS / "004_88f21ce372e9fb84.docx")
    s2 = table_with(doc, "第二十条第（一）项")
    assert "本年新制作数量" in s2.text and "第二十条第（九）项" in s2.text
    apps = applications_by_label(table_with(doc, "本年新收"))
    assert "other_processing" in apps and "other_no_correction" not in apps
    assert any("发布总数量" in b.text for b in doc.blocks if b.kind == "paragraph")


@pytest.mark.skipif(find_office() is None or shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_legacy_doc_converted_through_libreoffice(tmp_path):
    source = tmp_path / "report.docx"
    shutil.copy(CORPUS / f"{DISTINCT}.docx", source)
    subprocess.run(
        [find_office(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    doc_path = tmp_path / "doc" / "report.doc"
    assert doc_path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    doc = read_document(doc_path)
    assert doc.format == "docx"
    assert doc.notes[0] == "由 .doc 经 LibreOffice 转换"
    assert_tables_match(doc, expected(DISTINCT))


def _docx_with_body_xml(tmp_path, body_xml: str):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("一、总体情况")
    ns = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    document.element.body.insert(1, parse_xml(body_xml.replace("<w:p>", f"<w:p {ns}>", 1)))
    path = tmp_path / "made.docx"
    document.save(path)
    return path


def test_tracked_insertions_are_text_and_text_boxes_a_note(tmp_path):
    path = _docx_with_body_xml(
        tmp_path,
        "<w:p><w:r><w:t>全年主动公开政府信息</w:t></w:r>"
        '<w:ins w:id="1" w:author="a"><w:r><w:t>52</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>25</w:delText></w:r></w:del>'
        "<w:r><w:t>条。</w:t></w:r>"
        "<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>",
    )
    doc = read_document(path)
    assert [b.text for b in doc.blocks] == ["一、总体情况", "全年主动公开政府信息52条。"]
    assert doc.notes == ("文中有1个文本框，其内容未读取",)


def _cut_table(src, dst, marker: str, at: int) -> None:
    """The table holding ``marker`` cut in two after row ``at``, as a page's continuation: the second
    table opens inside the vertical merges of the first (its cells say vMerge "continue" at the top)."""
    import copy

    docx = pytest.importorskip("docx")
    d = docx.Document(str(src))
    tbl = next(t for t in d.tables if marker in t._tbl.xml)._tbl
    rows = tbl.tr_lst
    second = copy.deepcopy(tbl)
    for r in rows[at:]:
        tbl.remove(r)
    for r in second.tr_lst[:at]:
        second.remove(r)
    tbl.addnext(second)
    d.save(str(dst))


def test_a_table_cut_inside_its_merges_keeps_every_cell(tmp_path):
    """uat4: a Word table split in two inside its row spans (a converter's page break). python-docx
    cannot place a merge continued from no row; the report was lost ("处理时发生意外错误（ValueError:
    no tr above topmost tr in w:tbl）"). Now every cell of 三 is read as from the whole table."""
    from analyzer import analyze_file

    cut = tmp_path / "cut.docx"
    _cut_table(CORPUS / f"{DISTINCT}.docx", cut, "本年新收", 9)
    doc = read_document(cut)
    assert sum(b.kind == "table" for b in doc.blocks) == sum(b.kind == "table" for b in read_document(CORPUS / f"{DISTINCT}.docx").blocks) + 1
    whole, split = analyze_file(CORPUS / f"{DISTINCT}.docx"), analyze_file(cut)
    assert split.tables.values["applications"] == whole.tables.values["applications"]
    assert [f.rule for f in split.findings] == [f.rule for f in whole.findings]


def _boxed(src, dst, marker: str | None) -> None:
    """The body (``marker`` None) or the table holding ``marker`` put inside a 1×1 layout table."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    d = docx.Document(str(src))
    body = d.element.body
    if marker is None:
        inner = [c for c in body.iterchildren() if c.tag in (qn("w:p"), qn("w:tbl"))]
    else:
        inner = [next(t for t in d.tables if marker in t._tbl.xml)._tbl]
    holder = d.add_table(rows=1, cols=1)._tbl
    body.remove(holder)
    inner[0].addprevious(holder)
    cell = holder.find(f"{qn('w:tr')}/{qn('w:tc')}")
    for p in cell.findall(qn("w:p")):
        cell.remove(p)
    for item in inner:
        item.getparent().remove(item)
        cell.append(item)
    cell.append(parse_xml('<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
    d.save(str(dst))


@pytest.mark.parametrize("marker", [None, "本年新收"], ids=["whole body", "table three"])
def test_tables_inside_a_layout_table_are_read(tmp_path, marker):
    """uat4: a report boxed in a layout table (a web page saved as Word). python-docx's cell text leaves
    nested tables out: every table boxed was lost and the check said, confirmed, “报告未列出…统计表格
    （或表格无法识别），该部分数据全部缺失”. Now every cell is read as from the unboxed file."""
    from analyzer import analyze_file

    boxed = tmp_path / "boxed.docx"
    _boxed(CORPUS / f"{DISTINCT}.docx", boxed, marker)
    whole, got = analyze_file(CORPUS / f"{DISTINCT}.docx"), analyze_file(boxed)
    assert got.tables.values == whole.tables.values
    assert sorted(f.rule for f in got.findings) == sorted(f.rule for f in whole.findings)


def test_a_table_in_a_text_box_is_read(tmp_path):
    """uat4: 三 drawn in a text box was not read (text boxes were a note only) and the check said, confirmed,
    “报告未列出…统计表格…该部分数据全部缺失”. A box's table is read after the paragraph holding it; a box
    Word writes twice (DrawingML, VML under mc:Fallback) once; the box's own lines stay unread."""
    from analyzer import analyze_file
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    docx = pytest.importorskip("docx")
    d = docx.Document(str(CORPUS / f"{DISTINCT}.docx"))
    table = next(t for t in d.tables if "本年新收" in t._tbl.xml)._tbl
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"')
    box = parse_xml(f'<w:p {ns}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:pict><v:shape><v:textbox>'
                    '<w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
                    '</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict>'
                    '</mc:Fallback></mc:AlternateContent></w:r></w:p>')
    table.addprevious(box)
    table.getparent().remove(table)
    for inner in box.iter(qn("w:txbxContent")):
        inner.append(parse_xml(table.xml) if len(inner) else table)
    d.save(str(tmp_path / "boxed.docx"))
    doc = read_document(tmp_path / "boxed.docx")
    assert doc.notes == ("文中有1个文本框，框内表格已读取，文字未读取",)
    assert "框内文字" not in doc.text
    whole, got = analyze_file(CORPUS / f"{DISTINCT}.docx"), analyze_file(tmp_path / "boxed.docx")
    assert got.tables.values == whole.tables.values


def test_a_picture_in_a_word_file_is_counted(tmp_path):
    """A picture placed in the body (Document.images; its VML copy under mc:Fallback not twice)."""
    docx = pytest.importorskip("docx")
    from PIL import Image

    Image.new("RGB", (40, 20), "white").save(tmp_path / "t.png")
    d = docx.Document(str(CORPUS / f"{DISTINCT}.docx"))
    d.add_picture(str(tmp_path / "t.png"))
    d.save(str(tmp_path / "pic.docx"))
    assert read_document(tmp_path / "pic.docx").images == 1
    assert read_document(CORPUS / f"{DISTINCT}.docx").images == 0
