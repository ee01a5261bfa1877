"""Issue 9, the tables part: hand-made cases that failed on the code before the fix.

Classes: #4 one bad cell never loses a report; #5 digit runs split with every
total at once; #6 a table row whose label and cells stand apart; #7 web pages'
tables read by their header labels, verified by the totals.
"""

from __future__ import annotations

import html as htmlmod
from pathlib import Path

from analyzer.config import Settings
from analyzer.ingest import html as html_reader
from analyzer.model import Block, Document, ReportMeta
from analyzer.tables import extract_tables, run_checks, schema

META = ReportMeta(title="青石镇2021年度政府信息公开工作报告", agency="青石镇人民政府", level="township", year=2021, template="2021")

# The template's rows as a page labels them.
APP_LABELS = [(r.key, r.label) for r in schema.rows_of("applications", "2021")]
APPLICANTS = ["natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org", "total"]
APPLICANT_LABELS = {"natural_person": "自然人", "commercial_enterprise": "商业企业", "research_institution": "科研机构",
                    "public_interest_org": "社会公益组织", "legal_service_org": "法律服务机构", "other_org": "其他", "total": "总计"}
# A consistent table: every row total, 三（七） and 一+二=三+四 hold; distinct values so a column
# read in the wrong place shows.
TABLE = {
    "new_received": [30, 5, 1, 2, 3, 0, 41], "carried_over": [2, 1, 0, 0, 0, 0, 3],
    "granted": [20, 3, 1, 1, 2, 0, 27], "partially_granted": [4, 1, 0, 0, 0, 0, 5],
    "unable_not_held": [5, 1, 0, 1, 0, 0, 7], "results_total": [29, 5, 1, 2, 2, 0, 39],
    "carried_forward": [3, 1, 0, 0, 1, 0, 5],
}


def app_values(row: str) -> list[int]:
    return TABLE.get(row, [0] * 7)


def html_doc(body: str) -> Document:
    page = f"<html><head><title>t</title></head><body><div class='article-content'>{body}</div></body></html>"
    return html_reader.read(Path("hand.html"), page.encode("utf-8"), Settings())


def app_table_html(order: list[str], seq: bool = False) -> str:
    """Table 三 with its three header rows (申请人情况 / 自然人 · 法人或其他组织 · 总计 / the organisations) in ``order``."""
    orgs = [c for c in order if c not in ("natural_person", "total")]
    top = ("<td rowspan='3'>序号</td>" if seq else "") + f"<td rowspan='3' colspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan='{len(order)}'>申请人情况</td>"
    mid, placed = "", False
    for c in order:
        if c in ("natural_person", "total"):
            mid += f"<td rowspan='2'>{APPLICANT_LABELS[c]}</td>"
        elif not placed:
            mid += f"<td colspan='{len(orgs)}'>法人或其他组织</td>"
            placed = True
    low = "".join(f"<td>{APPLICANT_LABELS[c]}</td>" for c in orgs)
    rows = [f"<tr>{top}</tr>", f"<tr>{mid}</tr>", f"<tr>{low}</tr>"]
    for n, (key, label) in enumerate(APP_LABELS, 1):
        vals = dict(zip(APPLICANTS, app_values(key)))
        cells = "".join(f"<td>{vals[c]}</td>" for c in order)
        rows.append(f"<tr>{f'<td>{n}</td>' if seq else ''}<td colspan='3'>{htmlmod.escape(label)}</td>{cells}</tr>")
    return "<p>三、收到和处理政府信息公开申请情况</p><table>" + "".join(rows) + "</table>"


def test_html_columns_in_another_order_are_read_by_their_labels() -> None:
    """#7: 总计 first and the organisations reordered; the header says which column is which."""
    order = ["total", "natural_person", "legal_service_org", "commercial_enterprise", "other_org",
             "research_institution", "public_interest_org"]
    t = extract_tables(html_doc(app_table_html(order)), {}, META)
    for row in TABLE:
        assert [t.get("applications", row, c) for c in APPLICANTS] == TABLE[row], row
    findings = run_checks(t, META, {}, None)
    assert not [f for f in findings if f.rule.startswith("applications.")]


def test_html_column_left_out_stays_null_and_is_said_missing() -> None:
    """#7: a page without the 其他 column: that column is null (never 0), the others read by label."""
    order = [c for c in APPLICANTS if c != "other_org"]
    t = extract_tables(html_doc(app_table_html(order)), {}, META)
    assert [t.get("applications", "granted", c) for c in APPLICANTS] == [20, 3, 1, 1, 2, None, 27]
    assert t.get("applications", "new_received", "total") == 41
    findings = run_checks(t, META, {}, None)
    missing = [f for f in findings if f.rule == "tables.missing_cell"]
    assert missing and all(c.endswith(".other_org") for f in missing for c in f.data["cells"])
    assert not [f for f in findings if f.rule.startswith("applications.") or f.rule == "tables.ambiguous_cell"]


def test_html_total_left_out_leaves_no_false_claim() -> None:
    """#7: without a 总计 column the six others are still read by their labels; no ambiguity is claimed."""
    order = [c for c in APPLICANTS if c != "total"]
    t = extract_tables(html_doc(app_table_html(order)), {}, META)
    assert [t.get("applications", "new_received", c) for c in APPLICANTS] == [30, 5, 1, 2, 3, 0, None]
    assert not [f for f in run_checks(t, META, {}, None) if f.rule == "tables.ambiguous_cell"]


def test_html_review_groups_in_another_order() -> None:
    """#7: table 四 with 行政诉讼 first and the outcomes in another order, read by the labels above each column."""
    groups = [("litigation_direct", "未经复议直接起诉"), ("litigation_after_review", "复议后起诉"), ("review", None)]
    outcomes = [("total", "总计"), ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结")]
    values = {"review": {"upheld": 3, "corrected": 1, "other": 0, "pending": 2, "total": 6},
              "litigation_direct": {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2},
              "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 0, "pending": 4, "total": 4}}
    top = "<td colspan='10'>行政诉讼</td><td colspan='5'>行政复议</td>"
    mid = "".join(f"<td colspan='5'>{lab}</td>" for g, lab in groups if lab) + "".join(f"<td rowspan='2'>{o}</td>" for _, o in outcomes)
    low = "".join(f"<td>{o}</td>" for _ in range(2) for _, o in outcomes)
    data = "".join(f"<td>{values[g][o]}</td>" for g, _ in groups for o, _ in outcomes)
    body = (app_table_html(APPLICANTS) + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
            f"<table><tr>{top}</tr><tr>{mid}</tr><tr>{low}</tr><tr>{data}</tr></table>")
    t = extract_tables(html_doc(body), {}, META)
    for g in values:
        assert t.values["review_litigation"][g] == values[g], g
    assert not [f for f in run_checks(t, META, {}, None) if f.rule == "review_litigation.group_total"]


def test_html_row_shifted_against_its_header_is_read_where_its_total_holds() -> None:
    """#7: a row drawn one cell narrower (label colspan 2): its values stand one column left of the header's
    labels (41 under 法律服务机构, nothing under 总计); the reading whose row total holds is taken."""
    page = app_table_html(APPLICANTS).replace(
        "<td colspan='3'>一、本年新收政府信息公开申请数量</td>", "<td colspan='2'>一、本年新收政府信息公开申请数量</td>")
    t = extract_tables(html_doc(page), {}, META)
    assert [t.get("applications", "new_received", c) for c in APPLICANTS] == TABLE["new_received"]
    assert not [f for f in run_checks(t, META, {}, None) if f.rule.startswith("applications.")]


# ---------------------------------------------------------------- flattened text (#4, #5)

FLAT_HEAD = ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
             "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
TXT_LABELS = [(k, lab.replace("三（", "（") if k != "granted" else "三、本年度办理结果（一）予以公开") for k, lab in APP_LABELS]


def flat_doc(runs: dict[str, str]) -> Document:
    """Table 三 as crawler text: each row's label and its cells run together; rows not given are all zeros."""
    text = FLAT_HEAD + "".join(label + runs.get(key, "0000000") for key, label in TXT_LABELS) + "五、存在的主要问题及改进情况"
    return Document(source=Path("flat.txt"), format="txt", blocks=(Block("paragraph", text, line=1),))


def test_flattened_run_with_a_dash_loses_one_row_not_the_report() -> None:
    """#4: "…数量640-020470" stopped the report with ValueError; now that row is unread, the rest is read."""
    doc = flat_doc({"new_received": "13-0000013", "granted": "130000013", "results_total": "130000013"})
    t = extract_tables(doc, {}, META)
    assert all(v is None for v in t.values["applications"]["new_received"].values())
    assert t.remarks["applications.new_received.natural_person"] == "13-0000013"
    assert t.unread["applications.new_received.total"] == "damaged"
    assert t.values["applications"]["granted"]["total"] == 13
    findings = run_checks(t, META, {}, None)
    said = [f for f in findings if f.rule == "tables.non_numeric_cell"]
    assert len(said) == 1 and said[0].status == "uncertain" and "非数字字符" in said[0].message
    # no sum through the unread row is claimed, no row is said missing
    assert not [f for f in findings if f.rule in ("applications.balance", "applications.row_total", "tables.missing_row")]


def test_damaged_run_still_narrows_the_other_rows() -> None:
    """#4/#5: 四、结转 printed "0O00001" is not read, but what it may have been (a stray letter put in, or in a
    digit's place) still tells the other rows' split: 三（七） "11100000111" is 111 natural persons."""
    doc = flat_doc({"new_received": "11200000112", "granted": "11100000111", "results_total": "11100000111",
                    "carried_forward": "1O00001"})
    t = extract_tables(doc, {}, META)
    assert t.values["applications"]["carried_forward"]["total"] is None
    assert t.values["applications"]["results_total"]["natural_person"] == 111
    assert t.values["applications"]["granted"]["commercial_enterprise"] == 0


def test_sum_broken_in_every_reading_is_confirmed() -> None:
    """#5: 三（七） and 一 each split two ways ("11100000111": 1+110 or 111+0); whatever they are, 一 ≠ 三（七）+四
    in the 自然人 column (四 has 1): confirmed, no reading can rescue it; the cells stay unread."""
    doc = flat_doc({"new_received": "11100000111", "granted": "11100000111", "results_total": "11100000111",
                    "carried_forward": "1000001"})
    t = extract_tables(doc, {}, META)
    assert t.values["applications"]["results_total"]["natural_person"] is None
    assert "applications.results_total.natural_person" in t.ambiguous
    findings = run_checks(t, META, {}, None)
    balance = {f.data["column"]: f for f in findings if f.rule == "applications.balance"}
    assert set(balance) == {"natural_person", "total"}
    assert all(f.status == "confirmed" and f.data["all_readings"] for f in balance.values())
    assert "无论如何拆分" in balance["natural_person"].message


def test_grid_cell_with_a_stray_character_keeps_its_row() -> None:
    """#4: a tab table whose cell reads "1-" lost its whole row (a false tables.missing_row); now only that cell."""
    lines = ["三、收到和处理政府信息公开申请情况"]
    for key, label in TXT_LABELS:
        vals = [str(v) for v in app_values(key)]
        if key == "granted":
            vals[1] = "3O"
        lines.append(label + "\t" + "\t".join(vals))
    rows = tuple(tuple(x.split("\t")) for x in lines[1:])
    doc = Document(source=Path("t.txt"), format="txt", blocks=(Block("paragraph", lines[0], line=1),
                                                                 Block("table", "\n".join(lines[1:]), rows=rows, line=2)))
    t = extract_tables(doc, {}, META)
    assert [t.get("applications", "granted", c) for c in APPLICANTS] == [20, None, 1, 1, 2, 0, 27]
    findings = run_checks(t, META, {}, None)
    cell = [f for f in findings if f.rule == "tables.non_numeric_cell"]
    assert len(cell) == 1 and cell[0].status == "uncertain" and cell[0].data["raw"] == "3O"
    assert not [f for f in findings if f.rule in ("tables.missing_row", "applications.row_total", "applications.results_sum")]
    assert [f.data["column"] for f in findings if f.rule == "applications.balance"] == []


def test_pathological_runs_are_bounded_and_never_guessed() -> None:
    """#5: long runs, rows of repeated digits and damaged long runs: what the bounded search could not
    settle stays null (ambiguous), never a guess. (Its speed is measured by bench/bench_solve.py, not here:
    a timed assert fails on a loaded machine.)"""
    cases = [
        {k: "1" * 14 for k in ("new_received", "granted", "partially_granted", "denied_state_secret", "denied_third_party",
                               "unable_not_held", "results_total", "carried_forward", "carried_over")},
        {"new_received": "4" * 15 + "-" + "7" * 15, "granted": "3" * 20 + "l" + "5" * 3 + "O" + "2" * 5,
         "results_total": "918273645" * 3},
    ]
    for runs in cases:
        t = extract_tables(flat_doc(runs), {}, META)
        run_checks(t, META, {}, None)
        app = t.values["applications"]
        for key in runs:
            assert app[key]["natural_person"] is None


# ---------------------------------------------------------------- rows whose label stands apart (#6)


def test_label_on_its_own_line_and_cells_on_the_next() -> None:
    """#6: "规章" on one line, "0   0   0" on the next (a tab table and running text alike): one row, not a row
    said missing plus loose numbers (and "89   89   89" is three cells, never the number 898989)."""
    from analyzer.ingest import txt

    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
             "规章\t\t\t", "0   0   0\t\t\t", "行政规范性文件\t\t\t", "89   12   640\t\t\t",
             "", "三、收到和处理政府信息公开申请情况"]
    for key, label in TXT_LABELS:
        lines += [label, "   ".join(str(v) for v in app_values(key))]
    doc = txt.read(Path("own-line.txt"), "\n".join(lines).encode("utf-8"), Settings())
    t = extract_tables(doc, {}, META)
    assert t.values["active_disclosure"]["normative_documents"] == {"issued": 89, "repealed": 12, "in_force": 640}
    assert t.values["active_disclosure"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    for row in TABLE:
        assert [t.get("applications", row, c) for c in APPLICANTS] == TABLE[row], row
    findings = run_checks(t, META, {}, None)
    assert not [f for f in findings if f.rule == "applications.balance"]
    assert not [f for f in findings if f.rule == "tables.missing_row" and f.data["table"] == "applications"]


def test_row_label_with_a_wrong_character_is_still_its_row() -> None:
    """#6: "（一）予以公幵" and "2.重夏申请" (one wrong character), "3.其它": matched, not said missing."""
    from analyzer.tables import schema as sc
    from analyzer.tables.match import match_label

    specs = sc.rows_of("applications", "2021")
    for label, key in (("三、本年度办理结果（一）予以公幵", "granted"), ("2.重夏申请", "not_processed_repeated"),
                       ("3.其它", "other_other")):
        m = match_label([label], specs, running_text=False)
        assert m is not None and specs[m.spec_index].key == key, label


def test_missing_row_says_what_was_searched_for() -> None:
    """#6: a row said missing names the words it was looked for by, in the message and the data."""
    doc = flat_doc({"granted": "130000013", "results_total": "130000013", "new_received": "130000013"})
    text = doc.blocks[0].text
    start = text.index("2.重复申请")
    doc = Document(source=Path("flat.txt"), format="txt",
                   blocks=(Block("paragraph", text[:start] + text[start + len("2.重复申请0000000"):], line=1),))
    findings = [f for f in run_checks(extract_tables(doc, {}, META), META, {}, None) if f.rule == "tables.missing_row"]
    assert len(findings) == 1 and findings[0].data["rows"] == ["not_processed_repeated"]
    assert "重复申请" in findings[0].data["searched"]["not_processed_repeated"]
    assert "检索" in findings[0].message and "“重复申请”" in findings[0].message


def test_a_defect_in_one_table_keeps_the_others(monkeypatch) -> None:
    """#4: an unexpected error while reading table 三 keeps tables 二 and 四; 三 is said unreadable, uncertain."""
    from analyzer.tables import extract as ext

    def broken(rows, b):
        raise ValueError("invalid literal for int() with base 10: '-'")

    monkeypatch.setattr(ext, "_extract_applications", broken)
    body = ("<p>二、主动公开政府信息情况</p><table><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
            "<tr><td>行政许可</td><td>12</td></tr></table>" + app_table_html(APPLICANTS))
    t = extract_tables(html_doc(body), {}, META)
    assert t.values["active_disclosure"]["administrative_license"]["decisions"] == 12
    assert all(v is None for row in t.values["applications"].values() for v in row.values())
    said = [f for f in run_checks(t, META, {}, None) if f.rule == "tables.missing_table" and f.data["table"] == "applications"]
    assert len(said) == 1 and said[0].status == "uncertain"


def tab_table(order: list[int]) -> Document:
    """Table 三 as tab lines without any header row, each row's seven numbers in ``order`` (template positions)."""
    lines = [label + "\t" + "\t".join(str(app_values(key)[i]) for i in order) for key, label in TXT_LABELS]
    rows = tuple(tuple(x.split("\t")) for x in lines)
    return Document(source=Path("t.txt"), format="txt", blocks=(
        Block("paragraph", "三、收到和处理政府信息公开申请情况", line=1), Block("table", "\n".join(lines), rows=rows, line=2)))


def test_columns_by_position_alone_only_when_the_totals_confirm_them() -> None:
    """#7: without header labels, 总计 written first is taken because every row adds up that way; columns in an
    order no total confirms are not read, and a finding says the columns could not be told apart."""
    t = extract_tables(tab_table([6, 0, 1, 2, 3, 4, 5]), {}, META)
    for row in TABLE:
        assert [t.get("applications", row, c) for c in APPLICANTS] == TABLE[row], row
    t = extract_tables(tab_table([1, 0, 6, 2, 3, 4, 5]), {}, META)
    assert all(v is None for row in t.values["applications"].values() for v in row.values())
    findings = run_checks(t, META, {}, None)
    said = [f for f in findings if f.rule == "tables.ambiguous_cell"]
    assert said and "无法确定各自所属的列" in said[0].message
    assert not [f for f in findings if f.rule.startswith("applications.") or f.rule == "tables.missing_cell"]


def test_a_lone_number_left_between_placed_rows_makes_a_blank_uncertain() -> None:
    """Fails before: a "1" under a wrapped label was dropped when the label-less rows around it were placed by
    order, and the blank 总计 it probably belongs to was confirmed as 未填写 (a markdown conversion, real0009)."""
    from analyzer.tables.assign import assign_rows
    from analyzer.tables.textread import Cell, TableRow

    def row(labels, values, order):
        return TableRow(labels, [Cell(v) for v in values], order, None, True, True, order=order)

    specs = schema.rows_of("applications", "2021")
    keys = [s.key for s in specs]
    first, last = keys.index("other_no_correction"), keys.index("other_other")
    rows = [row([specs[first - 1].label], ["0"] * 7, 0),
            row([], ["8", "2", "0", "0", "0", "0", "10"], 1),
            # the label's text with the lone number after it: a run of running text, too short for a row
            TableRow(["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"], [Cell("1", run=True)],
                     2, None, True, False, order=2),
            row([], ["0"] * 7, 3),
            row([specs[last].label], ["4", "0", "0", "0", "0", "0", "4"], 4)]
    unplaced: list = []
    taken = assign_rows(rows, specs, (), unplaced)
    assert [c.raw for c in taken["other_fee_unpaid"].values] == ["0"] * 7
    assert [[c.raw for c in r.values] for r in unplaced] == [["1"]]


def test_relations_through_a_run_the_sums_cut_are_never_said_verified() -> None:
    """real0003's crawler text runs 一 together as “640020470” (9 digits, 7 cells): cut so that the row total, 三（七）
    and 一+二=三+四 add up, the relations then held by construction and the letter said “第三、四部分表格数据经核验未见
    勾稽关系错误”. Cells read because the sums chose the cut are TableValues.by_sums and verify nothing; a run of one
    digit a cell (“0000000”) is read by itself and still does."""
    from dataclasses import replace

    from _reports import clean_result
    from analyzer.scoring import verified_rules

    doc = flat_doc({"new_received": "640020470", "granted": "630020469", "results_total": "630020469",
                    "carried_forward": "1000001"})
    t = extract_tables(doc, {}, META)
    assert [t.get("applications", "new_received", c) for c in APPLICANTS] == [64, 0, 0, 2, 0, 4, 70]
    assert "applications.new_received.natural_person" in t.by_sums
    assert "applications.carried_forward.natural_person" not in t.by_sums  # one digit a cell
    assert "applications.carried_over.total" not in t.by_sums
    said = verified_rules(replace(clean_result(), tables=t, findings=[]))
    assert "applications.balance" not in said and "applications.row_total" not in said
    plain = extract_tables(flat_doc({}), {}, META)  # every row “0000000”: read without any sum
    assert not plain.by_sums and "applications.balance" in verified_rules(replace(clean_result(), tables=plain, findings=[]))
