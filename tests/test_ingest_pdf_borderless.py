"""Tables drawn without ruling lines in PDFs: found from the alignment of their text.

The fixture is ``corpus/900_distinct_values`` rendered to DOCX with
``support.render.to_docx(..., borders=False)`` (tests/support/render.py) and converted to PDF by
LibreOffice (see ``bench/bench_borderless.py``): narrow columns wrap labels
over several lines, one total wraps its last digit ("2024" / "1"), and the
table of 第二十条 and the 三 table run over page breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.ingest import read_document
from analyzer.ingest.pdf.assemble import tables_to_rows
from analyzer.ingest.pdf.borderless import Region, carry_wrapped_labels, unruled_tables, wrapped_digits
from analyzer.ingest.pdf.objects import Line, Page
from analyzer.pipeline import analyze_file

DATA = Path(__file__).resolve().parent / "data"
PDF = DATA / "borderless" / "900_distinct_values_borderless.pdf"
EXPECTED = json.loads((DATA / "expected" / "900_distinct_values.json").read_text())


def _tables():
    return [b for b in read_document(PDF).blocks if b.kind == "table"]


def test_borderless_tables_become_table_blocks():
    rows = [r for t in _tables() for r in t.rows]
    new = next(r for r in rows if r[0].startswith("一、本年新收"))
    # The label wrapped over two lines is whole, the total wrapped over two lines is one cell.
    assert new[0] == "一、本年新收政府信息公开申请数量"
    assert [c for c in new if c.isdigit()] == ["3301", "3330", "3359", "3388", "3417", "3446", "20241"]
    # Written once across the three label columns, the label fills them (a merged cell).
    assert set(new[:3]) == {"一、本年新收政府信息公开申请数量"}
    # A row cut by the page break is joined back: its label continues on the next page.
    assert any("1.属于国家秘密" in c for r in rows for c in r)
    review = next(r for r in rows if len([c for c in r if c]) == 15 and all(c.isdigit() for c in r))
    assert review[-1] == "45"


def test_borderless_pdf_cells_match_expected():
    result = analyze_file(PDF)
    right = invented = expected = 0
    for table, rows in EXPECTED["tables"].items():
        for row, cols in rows.items():
            for col, want in cols.items():
                got = result.tables.get(table, row, col)
                if want is None:
                    invented += got is not None
                    continue
                expected += 1
                right += got == want
    assert invented == 0
    assert right == expected == 200


def _line(top: float, *segs: tuple[float, str]) -> Line:
    size = 10.0
    parts = [(x, x + size * len(t) * (0.5 if t.isdigit() else 1.0), t) for x, t in segs]
    return Line("".join(t for _, t in segs), 1, parts[0][0], parts[-1][1], top, top + size, size, parts)


def test_a_short_number_and_a_digit_below_are_two_rows():
    first = _line(0, (50, "（一）予以公开"), (200, "258"), (250, "12"), (300, "859"))
    other = _line(0, (50, "（一）予以公开"), (200, "821"), (250, "35"), (300, "859"))
    below = _line(12, (50, "（二）部分公开"), (200, "3"))
    region = Region([], [[other], [first]])
    assert not wrapped_digits(region, below)


def test_a_digit_under_a_full_cell_is_the_rest_of_the_number():
    first = _line(0, (50, "一、本年新收"), (170, "70"), (200, "3301"), (230, "2024"))
    below = _line(12, (50, "公开申请数量"), (230, "1"))
    region = Region([], [[first]])
    assert wrapped_digits(region, below)


def test_prose_and_a_lone_label_number_line_are_not_tables():
    prose = _line(0, (50, "2021年我镇共收到政府信息公开申请20241件"))
    lone = _line(30, (50, "行政许可"), (300, "2871"))
    lines, tables = unruled_tables([prose, lone], 1)
    assert tables == [] and lines == [prose, lone]


def test_digits_alone_under_full_cells_complete_their_numbers():
    # Table 四 in narrow columns: "17"/"8" and "35"/"1" wrapped, the next line holds digits only.
    row = _line(0, *[(100 + 20 * i, t) for i, t in enumerate(["72", "64", "17", "37", "35", "13", "4", "8"])])
    below = _line(12, (140, "8"), (180, "1"))
    region = Region([], [[row]])
    assert wrapped_digits(region, below)
    lines, tables = unruled_tables([row, below, _line(40, *[(100 + 20 * i, "1") for i in range(8)])], 1)
    cells = [text for _, text in tables[0].cells]
    assert "178" in cells and "351" in cells and "4" in cells


def test_a_label_cut_by_the_page_break_is_joined_to_its_row():
    row = _line(700, (50, "本年新"), (200, "705"), (240, "3"), (280, "713"))
    _, tables = unruled_tables([_line(660, (50, "类别"), (200, "数据1"), (240, "数据2"), (280, "总计")), row], 1)
    rest = [_line(70, (50, "收政府")), _line(82, (50, "信息公开申请数量"))]
    title = _line(120, (50, "二、上年结转政府信息公开申请数量"))
    title.page = rest[0].page = rest[1].page = 2
    pages = [Page(1, 600, 800, list(tables)), Page(2, 600, 800, rest + [title])]
    carry_wrapped_labels(pages)
    assert "本年新收政府信息公开申请数量" in [text for _, text in tables[0].cells]
    assert pages[1].items == [title]


def test_a_heading_atop_the_next_page_is_not_the_rest_of_the_last_label():
    """第二十条's tables split by a page break: "第二十条第（八）项" opens the next page, inside the
    label columns' reach. A numbered item is never the rest of "行政强制"."""
    rows = [_line(660, (50, "行政处罚"), (200, "3")), _line(675, (50, "行政强制"), (200, "0"))]
    _, tables = unruled_tables([_line(645, (50, "信息内容"), (200, "本年处理决定数量")), *rows], 1)
    heading = _line(70, (90, "第二十条第（八）项"))
    heading.page = 2
    pages = [Page(1, 600, 800, list(tables)), Page(2, 600, 800, [heading])]
    carry_wrapped_labels(pages)
    assert "行政强制" in [text for _, text in tables[0].cells]
    assert pages[1].items == [heading]


def _centred_table() -> list[Line]:
    """Table 三 with its cells centred vertically (as most reports set it): a label of two lines
    stands half a line above and below its numbers, a total wrapped in its narrow column
    ("2024" / "1") above and below its row."""
    return [
        _line(0, (50, "信息内容"), (300, "自然人"), (340, "其他"), (380, "总计")),
        _line(9, (380, "2024")),
        _line(16, (50, "一、本年新收申请数量"), (300, "3301"), (340, "3330")),
        _line(21, (382, "1")),
        _line(32, (50, "二、上年结转"), (300, "70"), (340, "73"), (380, "465")),
        _line(48, (50, "（二）部分公开（区分处理的，只计这一情")),
        _line(55, (300, "2"), (340, "0"), (380, "2")),
        _line(62, (50, "形，不计其他情形）")),
        _line(78, (50, "（三）不予公开"), (300, "0"), (340, "0"), (380, "0")),
        _line(94, (50, "（四）无法提供")),
        _line(110, (50, "（五）不予处理"), (300, "1"), (340, "0"), (380, "1")),
    ]


def test_a_label_centred_on_its_numbers_is_read_whole_on_their_row():
    """Issue 9 class 1: read line by line, the label's first line was the rest of the row above
    and 部分公开 lost its numbers (a false missing_cell in every table 三 so set)."""
    lines, tables = unruled_tables(_centred_table(), 1)
    assert lines == []
    rows = tables_to_rows(tables)
    assert ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2", "0", "2") in rows
    assert ("（三）不予公开", "0", "0", "0") in rows
    # A label standing apart from every row's numbers is a row of its own, its cells blank.
    assert ("（四）无法提供", "", "", "") in rows


def test_a_total_wrapped_around_its_centred_row_is_one_number():
    """Issue 9 class 2: "2024" above the row went to the column titles and "1" stood for the total."""
    rows = tables_to_rows(unruled_tables(_centred_table(), 1)[1])
    assert rows[0] == ("信息内容", "自然人", "其他", "总计")
    assert rows[1] == ("一、本年新收申请数量", "3301", "3330", "20241")


def test_digits_midway_between_two_centred_rows_are_a_doubt_of_the_table():
    """Which row digits half-way between two rows were wrapped from cannot be told: the table says so
    (Table.doubts, then Block.doubts), so findings resting on its cells are not confirmed."""
    lines = [
        _line(0, (50, "信息内容"), (300, "自然人"), (340, "其他"), (380, "总计")),
        _line(16, (50, "（一）予以公开"), (300, "1"), (340, "0")),
        _line(32, (382, "7")),
        _line(48, (50, "（三）不予公开"), (300, "0"), (340, "0")),
        _line(64, (50, "（四）无法提供（本机关")),
        _line(71, (300, "0"), (340, "0"), (380, "0")),
        _line(78, (50, "不掌握）")),
    ]
    (table,) = unruled_tables(lines, 1)[1]
    assert table.doubts == ["第1页表格中“7”所在行不能确定"]
    assert unruled_tables(_centred_table(), 1)[1][0].doubts == []


def test_titles_stacked_under_a_title_over_several_columns_name_their_own_columns():
    """Issue 9 class 3: "法人或其他组织" over "商业/企业" and "法律/服务/机构" ran into one title per
    column, which named no template column: with the organisations in another order, cells were
    read by position and swapped. Read as two title rows, each column's own title names it."""
    from analyzer.tables import columns, schema

    lines = [
        _line(0, (360, "法人或其他组织")),
        _line(12, (298, "自然"), (338, "科研"), (378, "商业"), (418, "法律"), (458, "总计")),
        _line(24, (300, "人"), (338, "机构"), (378, "企业"), (418, "服务")),
        _line(36, (418, "机构")),
        _line(52, (50, "一、本年新收"), (300, "1"), (340, "2"), (380, "3"), (420, "4"), (460, "10")),
        _line(67, (50, "二、上年结转"), (300, "0"), (340, "0"), (380, "0"), (420, "0"), (460, "0")),
    ]
    rows = tables_to_rows(unruled_tables(lines, 1)[1])
    assert rows[1] == ("", "自然人", "科研机构", "商业企业", "法律服务机构", "总计")
    mapping = columns.map_columns(rows[:2], 6, schema.APPLICANTS)
    assert [schema.APPLICANTS[mapping[j]].key for j in range(1, 6)] == [
        "natural_person", "research_institution", "commercial_enterprise", "legal_service_org", "total"]


def test_column_titles_wider_than_their_numbers_name_the_columns_they_stand_over():
    # 第二十条第（一）项 with its columns in another order: each title is centred over its
    # numbers, wider than them, so it starts left of them (over the column before).
    titles = _line(0, (50, "信息内容"), (237, "现行有效件数"), (337, "本年制发件数"), (437, "本年废止件数"))
    rows = [_line(15, (50, "规章"), (265, "0"), (365, "0"), (465, "0")),
            _line(30, (50, "行政规范性文件"), (262, "64"), (362, "7"), (462, "13"))]
    lines, tables = unruled_tables([titles, *rows], 1)
    assert lines == [] and len(tables) == 1
    assert tables_to_rows(tables) == (("信息内容", "现行有效件数", "本年制发件数", "本年废止件数"),
                                      ("规章", "0", "0", "0"), ("行政规范性文件", "64", "7", "13"))
