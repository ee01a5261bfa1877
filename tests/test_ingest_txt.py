import codecs

import pytest

from analyzer import errors
from analyzer.ingest import read_document, sniff_format
from conftest import CORPUS, real_report

SEED000 = CORPUS / "000_d1513ee4e846cccb.txt"
SEED001 = CORPUS / "001_dc17ca86c1b8bf45.txt"
TEXT = SEED000.read_text(encoding="utf-8")


def _tables(doc):
    return [b for b in doc.blocks if b.kind == "table"]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk", errors="replace"),
        lambda t: t.encode("utf-16"),  # with BOM
        lambda t: t.encode("utf-16-le"),  # without BOM
        lambda t: t.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-bom", "utf16le", "utf16be"],
)
def test_encodings_give_the_same_document(tmp_path, encode):
    path = tmp_path / "report.txt"
    path.write_bytes(encode(TEXT))
    doc = read_document(path)
    assert doc.format == "txt"
    assert doc.blocks[0].text == "朱家房镇2021年度政府信息公开工作报告"
    assert [len(t.rows) for t in _tables(doc)] == [len(t.rows) for t in _tables(read_document(SEED000))]


def test_cell_per_line_layout_becomes_rows():
    doc = read_document(SEED000)
    apps = next(t for t in _tables(doc) if any("本年新收" in c for r in t.rows for c in r))
    row = next(r for r in apps.rows if r[0].startswith("一、本年新收"))
    assert row[:8] == ("一、本年新收政府信息公开申请数量",) + ("0",) * 7
    assert not any(row[8:])  # padding to the table's width only
    # A header cell wrapped over two lines ("商业\n企业") stays one cell.
    assert any("商业企业" in r for r in apps.rows)
    assert apps.line is not None


def test_tab_separated_rows_keep_positions():
    doc = read_document(SEED001)
    apps = next(t for t in _tables(doc) if any("本年新收" in c for r in t.rows for c in r))
    row = next(r for r in apps.rows if r[0].startswith("一、本年新收"))
    assert row[:8] == ("一、本年新收政府信息公开申请数量", "7", "0", "0", "0", "0", "0", "7")
    total = next(r for r in apps.rows if any(c == "(七) 总计" or c == "(七)总计" for c in r))
    assert "8" in total


def test_markdown_tables():
    doc = read_document(real_report("real0010.txt"))
    rows = [r for t in _tables(doc) for r in t.rows]
    new = next(r for r in rows if r[0] == "一、本年新收政府信息公开申请数量")
    assert new[1:8] == ("1259", "36", "0", "0", "0", "0", "1295")


def test_crawler_header_is_metadata():
    doc = read_document(real_report("real0001.txt"))
    assert doc.metadata["发布时间"] == "2020-01-20 15:22"
    assert doc.metadata["标题"].startswith("平潭综合实验区2019")
    assert not any(b.text.startswith(("标题:", "# source")) for b in doc.blocks)


def test_script_with_html_is_read_as_html():
    doc = read_document(real_report("real0011.txt"))
    assert doc.format == "html"
    assert doc.metadata["发布时间"] == "2020-01-31"
    assert len(_tables(doc)) == 3


def test_control_characters_removed_with_a_note(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("\x01\x02" + TEXT.replace("一、总体情况", "一、总体\x07情况"), encoding="utf-8")
    doc = read_document(path)
    assert any("控制字符" in n for n in doc.notes)
    assert "一、总体情况" in [b.text for b in doc.blocks]


def test_conversion_debris_removed():
    doc = read_document(CORPUS / "004_88f21ce372e9fb84.txt")
    assert not any("[bookmark" in b.text or "[image" in b.text for b in doc.blocks)


def test_sniffing_ignores_the_suffix(tmp_path):
    path = tmp_path / "report.pdf"  # a text file with a misleading name
    path.write_bytes(TEXT.encode("utf-8"))
    assert read_document(path).format == "txt"
    assert sniff_format(b"%PDF-1.7\n...") == "pdf"
    assert sniff_format(b"PK\x03\x04rest") == "docx"
    assert sniff_format("<html><body><p>年度报告</p></body></html>".encode()) == "html"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "文件为空"),
        (bytes(range(256)) * 40, "二进制"),
        ("\n\n  \n".encode(), "文件为空"),
    ],
    ids=["empty", "binary", "blank"],
)
def test_bad_text_input_is_one_clear_error(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(errors.AnalyzerError, match=message):
        read_document(path)


def test_the_signature_is_not_joined_to_the_line_above(tmp_path):
    """Fails before: "六、其他需要报告的事项 / 无 / 殷都区人民政府办公室 / 2022年1月20日", lines without
    end marks, were joined as wrapped text, and the report was signed by "无殷都区人民政府办公室"."""
    from analyzer.ingest import read_document
    from analyzer.pipeline import analyze_file

    body = ("2021年政府信息公开工作年度报告\n\n一、总体情况\n\n本年度主动公开政府信息312条。\n\n"
            "六、其他需要报告的事项\n\n无\n\n殷都区人民政府办公室\n2022年1月20日\n")
    path = tmp_path / "r.txt"
    path.write_text(body, encoding="utf-8")
    texts = [b.text for b in read_document(path).blocks]
    assert texts[-3:] == ["无", "殷都区人民政府办公室", "2022年1月20日"]
    assert analyze_file(path).meta.agency == "殷都区人民政府办公室"


@pytest.mark.parametrize("line, date", [
    ("2022年1月20日", True), ("（2026年1月23日）", True), ("2022-01-20", True), ("2022年1月", True),
    ("二〇二二年一月二十日", True),
    ("殷都区人民政府办公室", False), ("统计期限为2021年1月1日至", False), ("得懂、用得上、易监督", False),
])
def test_date_lines(line, date):
    from analyzer.dates import is_date_only

    assert is_date_only(line) is date
