"""Numbers of 总体情况 against the tables: compared only for the same thing, scope and period.

Issue 9, class 3 ("text against tables compares unlike things"). Each case is a
hand-made sentence over a small table; those marked *fails before* raised a
false ``narrative.table_mismatch`` (or missed a true one) on the code this
mechanism replaced.
"""

from __future__ import annotations

import pytest

from analyzer.model import Block, ReportMeta, Section, TableValues
from analyzer.narrative.claims import read_claims
from analyzer.narrative.consistency import check_statements
from analyzer.tables import schema

DISTRICT = ReportMeta(title="某区2021年政府信息公开工作年度报告", agency="某市某区人民政府", level="district", year=2021, template="2021")
OFFICE = ReportMeta(title="某市人民政府办公厅2021年政府信息公开工作年度报告", agency="某市人民政府办公厅", level="city", year=2021, template="2021")


def tables(**cells: int) -> TableValues:
    """A 2021 table with the given cells ("applications__new_received__total": 95) and the rest 0."""
    values = schema.empty_values("2021")
    for table, rows in values.items():
        for row, cols in rows.items():
            for col in cols:
                cols[col] = 0
    for key, v in cells.items():
        t, r, c = key.split("__")
        values[t][r][c] = v
    return TableValues(template="2021", values=values, found={t: True for t in schema.TABLES}, remarks={}, ambiguous=frozenset())


def overview(text: str) -> dict[str, Section]:
    return {"overview": Section("overview", "一、总体情况", tuple(Block("paragraph", p) for p in text.split("\n")))}


def mismatches(text: str, meta: ReportMeta = DISTRICT, **cells: int) -> list:
    return [f for f in check_statements(tables(**cells), overview(text), meta) if f.rule == "narrative.table_mismatch"]


NEW95 = {"applications__new_received__total": 95, "applications__new_received__natural_person": 95}


def test_documents_sorted_by_disclosure_attribute_are_not_applications() -> None:
    """Fails before: c (documents not to be disclosed) was compared with 不予公开 applications."""
    text = "全年共制发政府信息120条，其中主动公开100条、依申请公开15条、不予公开5条。"
    assert mismatches(text, applications__denied_state_secret__total=2) == []


def test_documents_topic_carries_to_the_next_sentence() -> None:
    """Fails before: a bare "不予公开5条" after a sentence about documents was read as applications."""
    text = "全年主动公开政府信息300条。不予公开5条，均按规定履行审查程序。"
    assert mismatches(text, applications__denied_state_secret__total=2) == []


def test_bare_outcome_after_applications_is_compared() -> None:
    text = "全年共办结政府信息公开申请95件。不予公开5件，无法提供10件。"
    found = mismatches(text, **NEW95, applications__results_total__total=95, applications__denied_state_secret__total=2,
                       applications__unable_not_held__total=10)
    assert [f.data["quantity"] for f in found] == ["applications.denied"]
    assert found[0].data["claim"]["cues"][0] == "不予公开"


def test_office_acting_for_its_government_is_a_share() -> None:
    """Fails before: the office's 17 was compared with the whole district's 95."""
    text = "2021年，区政府办代表区政府受理政府信息公开申请17件，均已在法定期限内予以答复。"
    assert mismatches(text, **NEW95) == []
    (claim,) = read_claims(text, DISTRICT.agency, 2021)
    assert claim.quantity == "applications.received" and claim.scope == "sub" and "政府办代表" in claim.cues


def test_office_acting_for_its_government_is_whole_when_the_office_reports() -> None:
    text = "市政府办公厅代表市政府共受理政府信息公开申请17件。"
    (f,) = mismatches(text, OFFICE, **NEW95)
    assert f.data["claim"]["scope"] == "whole" and "95件" in f.message


@pytest.mark.parametrize("text", [
    "区社会事业局受理政府信息公开申请17件。",
    "各乡镇（街道）共受理政府信息公开申请17件。",
    "区直部门共收到政府信息公开申请17件。",
])
def test_named_sub_units_are_not_compared(text: str) -> None:
    """Fails before: a department's, the townships' or the district departments' count against the whole table."""
    assert mismatches(text, **NEW95) == []


@pytest.mark.parametrize("text", [
    "2020年，本机关共收到政府信息公开申请50件。",
    "本年度新收政府信息公开申请数量较上年的50件有所增加。",
    "自2019年以来，累计受理政府信息公开申请500件。",
    "去年共收到政府信息公开申请50件。",
])
def test_other_periods_are_not_compared(text: str) -> None:
    """Fails before (all but "较上年"): last year's count or a cumulative count against this year's table."""
    assert mismatches(text, **NEW95) == []


def test_received_including_carried_over_is_a_true_contradiction() -> None:
    """受理 for the year, the number being new + carried over: raised, with the arithmetic explained."""
    text = "全县全年共受理政府信息公开申请749件，其中自然人申请741件，法人或其他组织申请8件；共办理718件，结转下一年31件。"
    cells = {"applications__new_received__total": 713, "applications__carried_over__total": 36,
             "applications__results_total__total": 718, "applications__carried_forward__total": 31}
    (f,) = mismatches(text, replace_meta(DISTRICT, agency="某县人民政府"), **cells)
    assert "713" in f.message and "上年结转36件之和" in f.message
    claim = f.data["claim"]
    assert (claim["quantity"], claim["scope"], claim["period"], claim["number"]) == ("applications.received", "whole", "year", 749)


@pytest.mark.parametrize("text, explained", [
    ("2021年共收到政府信息公开申请7件，其中同意公开8件。", True),  # 3 granted + 5 partly granted
    ("2021年共收到政府信息公开申请7件，其中予以公开6件。", False),  # no two rows make 6
])
def test_granted_that_is_granted_plus_partly_granted_says_so(text: str, explained: bool) -> None:
    """Fails before: "同意公开8件" against 予以公开 3 and 部分公开 5 was said to contradict the table without the
    reading a supervisor would see at once (the partly granted counted as granted)."""
    cells = {"applications__new_received__total": 7, "applications__granted__total": 3,
             "applications__partially_granted__total": 5, "applications__results_total__total": 8}
    (f,) = mismatches(text, **cells)
    assert f.data["quantity"] == "applications.granted"
    assert ("恰为予以公开3件与部分公开5件之和，疑将部分公开计入予以公开" in f.message) is explained
    assert f.data["stated"] == (8 if explained else 6)


def test_clean_up_batch_is_not_the_stock_in_force() -> None:
    """Fails before: a one-off clean-up count was compared with 现行有效件数."""
    text = "清理并集中发布现行有效行政规范性文件393件，动态更新本年度制发的规范性文件77件。"
    assert mismatches(text, active_disclosure__normative_documents__in_force=470) == []
    stock = "截至2021年12月31日，现行有效行政规范性文件共393件。"
    (f,) = mismatches(stock, active_disclosure__normative_documents__in_force=470)
    assert f.data["quantity"] == "documents.in_force_normative"


def test_review_results_listed_after_the_total() -> None:
    """Fails before (missed): "其中结果维持72件" against the table's 结果维持."""
    text = "政府信息公开行政复议10件，其中结果维持7件，结果纠正3件。"
    found = mismatches(text, review_litigation__review__total=10, review_litigation__review__upheld=6,
                       review_litigation__review__corrected=3, review_litigation__review__pending=1)
    assert [f.data["quantity"] for f in found] == ["review.upheld"]


def test_cases_of_both_kinds_together_are_not_read_as_one() -> None:
    text = "依法做好相关行政复议、行政诉讼案件的应诉工作，全县共办理相关案件74件。"
    assert mismatches(text, **NEW95, applications__results_total__total=95) == []


def test_without_meta_a_named_year_is_not_compared() -> None:
    text = "2021年共收到政府信息公开申请8件。"
    assert check_statements(tables(**NEW95), overview(text), None) == []
    assert len(mismatches(text, **NEW95)) == 1


def replace_meta(meta: ReportMeta, **kw) -> ReportMeta:
    from dataclasses import replace

    return replace(meta, **kw)


CELLS = {"applications__new_received__total": 95, "applications__results_total__total": 90, "applications__carried_over__total": 3,
         "applications__carried_forward__total": 8, "applications__granted__total": 40, "applications__denied_state_secret__total": 2,
         "review_litigation__review__total": 6, "review_litigation__review__upheld": 4, "review_litigation__review__corrected": 2,
         "review_litigation__litigation_direct__total": 3, "review_litigation__litigation_direct__upheld": 3,
         "active_disclosure__normative_documents__in_force": 50}


@pytest.mark.parametrize("text", [
    "与上年相比，全年受理政府信息公开申请50件，增长15%。",
    "全年共收到政府信息公开申请95件，其中网上申请80件、当面申请15件。",
    "2021年1-11月，共受理政府信息公开申请70件。",
    "全年共受理政府信息公开申请95件，办结90件，2件正在办理中。",
    "我县（含各乡镇、县直部门）共受理政府信息公开申请60件。",
    "全年共收到政府信息公开申请95件，其中区政府办公室受理30件。",
    "全年主动公开政府信息2000条，依申请公开政府信息5条。",
    "行政诉讼败诉0件。",
    "对现行有效的规范性文件进行清理，共清理30件。",
    "区教育局积极做好依申请公开工作。全年受理政府信息公开申请5件，不予公开1件。",
    "（三）区教育局\n全年受理政府信息公开申请5件。",
    "全年累计主动公开政府信息1200条，不予公开信息12条。",
    "全年共受理政府信息公开申请及咨询120件。",
    "2021年上半年共受理政府信息公开申请40件。",
    "我区共受理政府信息公开申请95件（含上年结转3件）。",
    "全年共受理政府信息公开申请98件（其中本年新收95件，上年结转3件）。",
    "申请总量98件，其中新收95件，上年结转3件。",
    "本年度共收到政府信息公开申请95件，上年结转3件，共计98件。",
    "全年收到政府信息公开申请100余件。",
    "12345热线受理群众诉求300件。",
    "办理人大代表建议30件、政协提案20件。",
    "区政府作为复议机关，全年共收到行政复议申请120件。",
    "全年共办理行政诉讼案件45件，均按时出庭应诉。",
    # the agency as the body that takes cases in (复议机关), after a sentence on applications
    "全年共收到政府信息公开申请95件。全年共受理行政复议申请30件、行政诉讼案件10件。",
    # a count of every kind of application, the disclosure applications an item of it
    "全年共收到各类申请120件，其中政府信息公开申请95件。",
])
def test_unlike_things_raise_nothing(text: str) -> None:
    """Sentences that use the tables' words about another thing, scope or period (several fail before)."""
    assert mismatches(text, **CELLS) == []


@pytest.mark.parametrize("text, quantity", [
    ("2021年，本机关共收到政府信息公开申请97件，均按时答复。", "applications.received"),
    ("本年度共办结政府信息公开申请80件。", "applications.handled"),
    ("全年收到政府信息公开申请95件，其中予以公开30件。", "applications.granted"),
    ("全年共发生政府信息公开行政复议案件9件。", "review.total"),
    ("截至2021年底，现行有效规范性文件共60件。", "documents.in_force_normative"),
])
def test_like_things_are_compared(text: str, quantity: str) -> None:
    assert [f.data["quantity"] for f in mismatches(text, **CELLS)][:1] == [quantity]


def test_all_upheld_names_what_the_other_cases_are():
    # "均获维持" against a table with open cases: the finding says they are open, not decided otherwise.
    text = "全年共发生政府信息公开行政复议7件，均获维持。"
    found = mismatches(text, review_litigation__review__total=7, review_litigation__review__upheld=5,
                       review_litigation__review__pending=2)
    assert len(found) == 1 and "结果维持5件（尚未审结2件）" in found[0].message


def test_a_contradiction_with_a_table_the_reader_doubts_is_uncertain(monkeypatch) -> None:
    """The PDF reader could not place some text of table 三 (TableValues.reader_doubts): the number the
    statement is compared with may be our misreading, so the contradiction is not confirmed,
    even when the second reading (the same page read again) agrees."""
    from dataclasses import replace

    from analyzer.narrative import consistency

    monkeypatch.setattr(consistency, "verify_finding", lambda f, t, doc: replace(f, status="confirmed"))
    text = "全区全年共收到政府信息公开申请120件。"
    doubt = "第4页表格中“1”所在行不能确定"
    t = replace(tables(**NEW95), reader_doubts={"applications": (doubt,)})
    (f,) = [f for f in consistency.check_consistency(t, overview(text), None, DISTRICT) if f.rule == "narrative.table_mismatch"]
    assert f.status == "uncertain" and doubt in f.message
    (sure,) = [f for f in consistency.check_consistency(tables(**NEW95), overview(text), None, DISTRICT)
               if f.rule == "narrative.table_mismatch"]
    assert sure.status == "confirmed"


TOWN = ReportMeta(title="某镇2021年政府信息公开工作年度报告", agency="某某县某某镇人民政府", level="township", year=2021, template="2021")


def test_the_count_of_a_larger_place_is_not_the_agencys():
    """全县 in a township's report is the county's count; 全镇 (and 全区 in a district's) is the agency's own."""
    assert mismatches("全县共收到政府信息公开申请120件。", TOWN, **CELLS) == []
    assert [f.data["stated"] for f in mismatches("全镇共收到政府信息公开申请120件。", TOWN, **CELLS)] == [120]
    assert [f.data["stated"] for f in mismatches("全区共收到政府信息公开申请120件。", DISTRICT, **CELLS)] == [120]


# ---- counts said in words to be none ("未收到…申请") ---------------------------------------------------

@pytest.mark.parametrize("text, quantities", [
    ("本年度，我镇未收到政府信息公开申请。", ["applications.received"]),
    ("2021年本机关没有收到公民、法人或其他组织提出的政府信息公开申请。", ["applications.received"]),
    ("全年无政府信息公开申请。", ["applications.received"]),
    ("2021年，我区未发生因政府信息公开引起的行政复议、行政诉讼案件。", ["review.total", "litigation.total"]),
    ("全年未被申请行政复议，未被提起行政诉讼。", ["review.total", "litigation.total"]),
    ("全年未发生政府信息公开行政复议被纠错的情况。", ["review.corrected"]),
])
def test_a_count_said_to_be_none_is_compared(text: str, quantities: list[str]) -> None:
    """Fails before: "未收到政府信息公开申请" against a table of 95 applications raised nothing."""
    found = mismatches(text, **CELLS)
    assert [f.data["quantity"] for f in found] == quantities
    assert all(f.data["stated"] == 0 for f in found)
    assert "两者不一致" in found[0].message and "“" in found[0].message


def test_a_count_said_to_be_none_quotes_what_was_said() -> None:
    (f,) = mismatches("本年度，我镇未收到政府信息公开申请。", **CELLS)
    assert f.message == "总体情况中称“我镇未收到政府信息公开申请”，而表格中本年新收政府信息公开申请总计为95件，两者不一致。"


@pytest.mark.parametrize("text", [
    "截至目前，尚未收到政府信息公开申请。",                  # not yet, at some date
    "上年未收到政府信息公开申请。",                          # another year
    "区教育局未收到政府信息公开申请。",                      # a unit of the agency
    "区教育局积极做好依申请公开工作。全年未收到政府信息公开申请。",  # the paragraph's unit
    "（三）区教育局\n全年未收到政府信息公开申请。",            # the heading's unit
    "2021年第四季度未收到政府信息公开申请。",                # a part of the year
    "全年未收到法人或其他组织提出的政府信息公开申请。",        # one applicant type
    "全年未收到以信函方式提交的政府信息公开申请。",            # one channel
    "未收到网上政府信息公开申请。",
    "确保不发生行政复议案件，力争未发生行政诉讼。",            # a goal
    "区政府作为复议机关，未受理行政复议申请。",                # the agency as the reviewing body
    "全年未发生涉及征收的行政复议。",                        # another matter than disclosure
    "未收到政府信息公开申请人的投诉。",                      # complaints, not applications
    "全年未收到各类信访申请。",
    "全年共收到政府信息公开申请95件，无逾期答复的申请。",      # a state of some, not a count
    "未发生行政诉讼败诉的情况。",                            # a result the table does not hold
])
def test_a_none_that_is_not_the_tables_count_raises_nothing(text: str) -> None:
    assert mismatches(text, **CELLS) == []


def test_a_none_the_table_agrees_with_raises_nothing() -> None:
    text = "本年度我镇未收到政府信息公开申请，未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    assert mismatches(text) == []


# ---- rules and normative documents of the year (2021 table: 本年制发件数, 本年废止件数) -------------------

@pytest.mark.parametrize("text, quantity", [
    ("全年制发行政规范性文件2件，现行有效50件。", "documents.issued_normative"),
    ("本年度新制定规章1件。", "documents.issued_rules"),
    ("全年共印发行政规范性文件4件，均按规定备案。", "documents.issued_normative"),
    ("全年废止规范性文件3件。", "documents.repealed_normative"),
])
def test_documents_of_the_year_are_compared(text: str, quantity: str) -> None:
    """Fails before: "制发行政规范性文件2件" against a table of 0 raised nothing (uat2's miss)."""
    (f,) = mismatches(text, **CELLS)
    assert f.data["quantity"] == quantity and f.data["stated"] >= 1
    assert f.where.startswith(schema.TABLE_TITLES["active_disclosure"])


@pytest.mark.parametrize("text", [
    "动态更新本年度制发的规范性文件77件。",      # the count of another action on them
    "全年共起草规范性文件5件。",                # drafted for another body
    "区司法局审核规范性文件20件。",
    "各部门共制发规范性文件12件。",              # a unit of the agency
    "2020年制发规范性文件6件。",                # another year
    "全年公开行政规范性文件15件。",              # published, possibly older ones
    "全年印发文件120件。",                      # documents, not normative documents
])
def test_documents_not_of_the_year_or_not_made_raise_nothing(text: str) -> None:
    assert mismatches(text, **CELLS) == []


def test_documents_of_the_year_in_the_2019_table_are_not_compared() -> None:
    """The 2019 table counts documents made and published (本年新制作, 本年新公开), not issued and repealed."""
    from analyzer.narrative.consistency import quantity_of

    (claim,) = read_claims("全年制发行政规范性文件2件。", DISTRICT.agency, DISTRICT.year)
    assert quantity_of(claim, "2021").cells == ("active_disclosure.normative_documents.issued",)
    assert quantity_of(claim, "2019") is None


def test_documents_the_table_agrees_with_raise_nothing() -> None:
    assert mismatches("全年制发行政规范性文件2件，废止1件。", active_disclosure__normative_documents__issued=2) == []


def test_a_figure_from_the_shown_cells_of_a_blank_total_names_those_cells() -> None:
    """real0011 (2019): 三（一）予以公开's 总计 is blank, and “予以公开及部分公开258件” was set against 258+12+1+1 and 部分公开's 3
    (“至少为275件”) with the blank 总计 cells as its cells and “/ 总计 /” as its place: the workbench marked two empty
    cells beside it. And “均获维持” marked 复议后起诉, a group the message does not name."""
    t = tables(applications__granted__natural_person=258, applications__granted__commercial_enterprise=12,
               applications__partially_granted__natural_person=3, applications__new_received__total=859)
    for row in ("granted", "partially_granted"):  # real0011's blanks: 总计 and the columns nobody applied in
        for col, v in t.values["applications"][row].items():
            t.values["applications"][row][col] = v or None
    text = "全年共受理政府信息公开申请859件，其中予以公开及部分公开258件。"
    (found,) = [f for f in check_statements(t, overview(text), DISTRICT) if f.data["quantity"] == "applications.granted_and_partial"]
    assert "至少为273件" in found.message
    assert found.data["cells"] == ["applications.granted.natural_person", "applications.granted.commercial_enterprise",
                                   "applications.partially_granted.natural_person"]
    assert found.where == "三、收到和处理政府信息公开申请情况 / 三（一）予以公开、三（二）部分公开"
    (upheld,) = mismatches("全年共发生政府信息公开行政复议7件，均获维持。", review_litigation__review__total=7,
                           review_litigation__review__upheld=5, review_litigation__review__pending=2)
    assert upheld.data["cells"] == ["review_litigation.review.upheld", "review_litigation.review.total"]


def test_a_cause_of_disclosure_names_no_unit() -> None:
    """Fails before: in "因政府信息公开申请被申请行政复议3件" the words 因政府 were read as a unit of the agency (a
    count of a part), so a management committee's 3 cases against its table's 0 went unsaid."""
    meta = replace_meta(DISTRICT, agency="某某综合实验区管委会", level="city")
    (f,) = mismatches("本年度因政府信息公开申请被申请行政复议3件。", meta)
    assert f.data["quantity"] == "review.total" and f.data["claim"]["scope"] == "whole"
    # a unit named after the cause is still a unit
    assert mismatches("本年度区教育局因政府信息公开申请被申请行政复议3件。", meta) == []


@pytest.mark.parametrize("text", [
    "全市科技系统共收到政府信息公开申请300件。",  # fails before: 全…系统 was read as the agency's own count
    "全系统共收到政府信息公开申请300件。",  # fails before
    "本系统全年受理政府信息公开申请300件。",
    "市区两级共收到政府信息公开申请300件。",  # fails before
    "实验区科技系统全年受理政府信息公开申请90件。",  # fails before
    "全年未收到行政复议申请。",  # fails before: the one who receives a review application decides it
    "全年共收到行政复议申请3件，均依法作出复议决定。",
])
def test_a_fields_system_and_the_reviewing_body_are_not_the_agencys_tables(text: str) -> None:
    meta = replace_meta(DISTRICT, agency="某市科学技术委员会", level="city")
    cells = {"applications__new_received__total": 34, "review_litigation__review__total": 1,
             "review_litigation__review__upheld": 1}
    assert mismatches(text, meta, **cells) == []


def test_a_review_the_agency_faced_is_still_compared() -> None:
    meta = replace_meta(DISTRICT, agency="某市科学技术委员会", level="city")
    (f,) = mismatches("全年未被申请行政复议。", meta, review_litigation__review__total=1, review_litigation__review__upheld=1)
    assert f.data["quantity"] == "review.total"


def test_applications_another_body_passed_on_are_a_part() -> None:
    """Fails before: a township's "收到区政府转办的…申请2件" against its table's 0 was an error, though the district
    may have answered them (then the township's table rightly holds none)."""
    town = replace_meta(DISTRICT, agency="某某镇人民政府", level="township")
    assert mismatches("2021年，我镇收到区政府转办的政府信息公开申请2件。", town) == []
    assert mismatches("2021年，我镇收到政府信息公开申请2件。", town)  # its own are still compared


# ---- applicant types (table 三's columns) ----------------------------------------------------------

BY_TYPE = {"applications__new_received__total": 34, "applications__new_received__natural_person": 32,
           "applications__new_received__commercial_enterprise": 2, "applications__results_total__total": 35,
           "applications__granted__total": 10}


@pytest.mark.parametrize("text, stated", [
    ("全年共收到政府信息公开申请34件，其中自然人申请30件，商业企业申请2件。", {"applications.natural_person": 30}),
    ("全年新收政府信息公开申请34件，其中自然人32件、法人或其他组织3件。", {"applications.legal_persons": 3}),
    ("全年共收到政府信息公开申请34件，其中公民提出申请34件。", {"applications.natural_person": 34}),
    ("全年共收到自然人提出的政府信息公开申请20件。", {"applications.natural_person": 20}),
    ("全年共受理自然人、法人或其他组织的政府信息公开申请30件。", {"applications.received": 30}),  # every applicant
])
def test_an_applicant_types_count_is_compared_with_its_column(text: str, stated: dict) -> None:
    """Fails before: an applicant type's count ("其中自然人申请30件") was never compared."""
    assert {f.data["quantity"]: f.data["stated"] for f in mismatches(text, **BY_TYPE)} == stated


def test_legal_persons_are_the_sum_of_five_columns_and_the_finding_says_so() -> None:
    (f,) = mismatches("全年共收到政府信息公开申请34件，其中法人或其他组织申请4件。", **BY_TYPE)
    assert "法人或其他组织（商业企业、科研机构、社会公益组织、法律服务机构、其他五列之和）为2件" in f.message
    assert f.data["cells"] == [f"applications.new_received.{c}" for c in
                               ("commercial_enterprise", "research_institution", "public_interest_org", "legal_service_org", "other_org")]
    assert f.where == "三、收到和处理政府信息公开申请情况 / 法人或其他组织 / 一、本年新收政府信息公开申请数量"


@pytest.mark.parametrize("text", [
    # fails before: one type's count was read as the count of every application (34)
    "全年共收到自然人提出的政府信息公开申请32件。",
    "全年共收到法人或其他组织提出的政府信息公开申请2件。",
    "全年共收到政府信息公开申请34件，其中自然人申请32件，占94.1%；法人或其他组织申请2件。",
])
def test_an_applicant_types_count_the_table_agrees_with_raises_nothing(text: str) -> None:
    assert mismatches(text, **BY_TYPE) == []


@pytest.mark.parametrize("text", [
    "全年共收到政府信息公开申请34件，其中网上申请30件、信函申请4件。",    # a channel: no column
    "全年共收到政府信息公开申请34件，其中自然人通过网上提交申请20件。",
    "全年共收到政府信息公开申请34件，其中自然人申请30件已办结。",         # a part that was handled
    "全年共办结政府信息公开申请35件，其中自然人申请30件。",               # of the handled, not the new
    "全年共收到政府信息公开申请34件，其中自然人申请中予以公开9件。",  # fails before: read as every 予以公开
    "全年自然人申请予以公开9件。",  # fails before
    "全年共收到政府信息公开申请34件，其中自然人申请的有20件涉及科技项目。",  # a matter
    "全年共收到政府信息公开申请34件，其中委机关收到自然人申请20件。",      # a unit
    "全年共收到政府信息公开申请36件（含上年结转2件），其中自然人申请34件。",  # its count mixes in last year's
    "2023年共收到政府信息公开申请40件，其中自然人申请38件。",
    "全年共收到政府信息公开申请34件，其中自然人申请较上年增加5件。",
    "全市科技系统共收到政府信息公开申请300件，其中自然人申请280件。",
    "全年共收到政府信息公开申请34件，其中个人申请30件、企业申请4件。",    # not the template's words
    "截至9月底，共收到自然人提出的政府信息公开申请20件。",
])
def test_an_applicant_count_that_is_not_the_years_new_ones_raises_nothing(text: str) -> None:
    assert mismatches(text, **BY_TYPE) == []


def test_an_applicant_column_not_shown_is_not_zero() -> None:
    """real0011 (2019) leaves 科研机构 and 社会公益组织 blank: the five columns' sum is not known."""
    cells = {**BY_TYPE, "applications__new_received__research_institution": None}
    assert mismatches("全年共收到政府信息公开申请34件，其中法人或其他组织申请5件。", **cells) == []
    assert mismatches("全年共收到政府信息公开申请34件，其中科研机构申请1件。", **cells) == []


# ---- review applications an agency that cannot decide reviews received --------------------------------

@pytest.mark.parametrize("agency, level", [("某某县某某镇人民政府", "township"), ("某某区某某街道办事处", "township"),
                                           ("某市教育局办公室", "city")])
def test_a_review_application_received_where_the_agency_cannot_decide_reviews_is_against_it(agency: str, level: str) -> None:
    """Fails before: "收到…行政复议申请" was never compared (the agency may be the reviewing body); a township, a
    街道 or a department's office never is, so the application was one against it."""
    meta = replace_meta(DISTRICT, agency=agency, level=level)
    (f,) = mismatches("2021年，收到因政府信息公开引起的行政复议申请2件。", meta)
    assert f.data["quantity"] == "review.total" and f.data["stated"] == 2
    # a copy the reviewing body sent it is of a case against it
    assert mismatches("全年收到政府信息公开行政复议申请1件，系区政府转交的申请书副本。", meta)
    assert mismatches("2021年未收到政府信息公开行政复议申请。", meta) == []
    (none,) = mismatches("2021年未收到政府信息公开行政复议申请。", meta, review_litigation__review__total=1,
                         review_litigation__review__pending=1)
    assert none.data["stated"] == 0


@pytest.mark.parametrize("agency, level", [("某市科学技术委员会", "city"), ("某市某区人民政府办公室", "county"),
                                           ("某某县人民政府", "county"), ("某某综合实验区管委会", None)])
def test_a_review_application_received_where_the_agency_may_decide_reviews_raises_nothing(agency: str, level) -> None:
    meta = replace_meta(DISTRICT, agency=agency, level=level)
    assert mismatches("2021年，收到因政府信息公开引起的行政复议申请2件。", meta) == []
    assert mismatches("2021年未收到政府信息公开行政复议申请。", meta, review_litigation__review__total=1,
                      review_litigation__review__pending=1) == []


@pytest.mark.parametrize("text", [
    "全年受理政府信息公开行政复议申请1件。",      # 受理 is the reviewing body's word, whoever writes it
    "全年收到行政复议申请2件。",                  # not said to concern disclosure
    "全县共收到政府信息公开行政复议申请5件。",
    "2020年，我镇收到政府信息公开行政复议申请2件。",
    "截至目前，尚未收到政府信息公开行政复议申请。",
    "2021年，我镇收到政府信息公开行政复议申请1件，已转送区政府办理。",  # passed on: whose case is not said
    "2021年，我镇收到政府信息公开行政复议申请1件，已告知申请人向区政府提出。",
])
def test_a_townships_review_applications_of_another_kind_raise_nothing(text: str) -> None:
    assert mismatches(text, TOWN) == []


def test_a_sentence_opening_on_its_items_divides_the_count_before() -> None:
    """Fails before: "共收到申请34件。其中，自然人申请30件…" read the items without their count (nothing compared);
    now they are its parts, and share what is known of it (a count that mixes in 上年结转, a count found wrong)."""
    found = mismatches("全年共收到政府信息公开申请34件。其中，自然人申请30件，法人或其他组织申请4件。", **BY_TYPE)
    assert sorted(f.data["quantity"] for f in found) == ["applications.legal_persons", "applications.natural_person"]
    assert mismatches("全年共收到政府信息公开申请34件（含上年结转2件）。其中，自然人申请34件。", **BY_TYPE) == []
    (head,) = mismatches("全年共收到政府信息公开申请36件。其中，自然人申请34件，法人或其他组织申请2件。", **BY_TYPE)
    assert head.data["quantity"] == "applications.received"
