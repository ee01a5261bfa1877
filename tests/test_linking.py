import random

from analyzer.linking import agency_key, link_previous
from analyzer.model import ReportMeta, ReportResult


def _result(source, agency, year):
    return ReportResult(source=source, format="txt", meta=ReportMeta(None, agency, None, year, "2021"), sections={})


def test_government_name_forms_meet():
    assert agency_key("殷都区人民政府办公室") == agency_key("殷都区人民政府") == "殷都区"
    assert agency_key("平潭综合实验区管委会") == agency_key("平潭综合实验区管理委员会")


def test_previous_year_linked_whatever_the_order():
    a = _result("b/2022.txt", "某县人民政府", 2022)
    b = _result("a/2021.txt", "某县人民政府办公室", 2021)
    c = _result("c/2020.txt", "某县人民政府", 2020)
    for order in ([a, b, c], [c, b, a]):
        links = link_previous(order)
        assert links["b/2022.txt"].source == "a/2021.txt"
        assert links["a/2021.txt"].source == "c/2020.txt"
        assert "c/2020.txt" not in links


def test_city_prefix_variant_links():
    links = link_previous([_result("x", "洪泽区人民政府", 2023), _result("y", "淮安市洪泽区人民政府", 2024)])
    assert links["y"].source == "x"


def test_same_district_name_in_two_cities_does_not_link():
    links = link_previous([_result("x", "南京市鼓楼区人民政府", 2023), _result("y", "福州市鼓楼区人民政府", 2024)])
    assert links == {}


def test_departments_are_not_their_government():
    links = link_previous([_result("x", "某县人民政府", 2023), _result("y", "某县教育局", 2024)])
    assert links == {}


# ---- issue 9, class 2: year-over-year follows identity -------------------------------------------

import json  # noqa: E402
import re  # noqa: E402

from analyzer.linking import link_years  # noqa: E402
from analyzer.output.run import write_run  # noqa: E402
from analyzer.pipeline import analyze_file, finish_run  # noqa: E402
from analyzer.model import RunResult  # noqa: E402
from conftest import CORPUS, real_report  # noqa: E402

SEED = CORPUS / "000_d1513ee4e846cccb.txt"
PREAMBLE = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、国务院办公厅政府信息与政务公开办公室"
            "关于明确政府信息公开工作年度报告格式的要求，特编制此报告：")


def _department_report(folder, name, department, year, in_force_shift=0):
    """The seed's text under a crawler header naming a department, its body opening with a preamble."""
    body = SEED.read_text(encoding="utf-8").split("\n", 1)[1].replace("2021", str(year))
    body = body.replace("朱家房镇", "我局")
    if in_force_shift:  # 现行有效件数 of 行政规范性文件, the third cell under its label
        body = re.sub(r"(行政规范性文件\n[^\n]*\n[^\n]*\n[^\n]*?)0\n", rf"\g<1>{in_force_shift}\n", body, count=1)
    header = f"标题: {department}{year}年政府信息公开工作年度报告\n发布时间: {year + 1}-01-15\n" + "=" * 20 + " 正文 " + "=" * 20
    path = folder / name
    path.write_text(header + "\n" + PREAMBLE + "\n" + body, encoding="utf-8")
    return path


def test_abbreviated_and_full_names_link():
    """上海市科委 (2023) and 上海市科学技术委员会 (2024) are one agency (old key: 上海市科委 ≠ …委员会)."""
    links = link_previous([_result("x", "上海市科委", 2023), _result("y", "上海市科学技术委员会", 2024)])
    assert links["y"].source == "x"


def test_province_prefix_links_a_department():
    links = link_previous([_result("x", "平潭综合实验区公安局", 2021), _result("y", "福建省平潭综合实验区公安局", 2022)])
    assert links["y"].source == "x"


def test_two_candidates_compete_and_none_is_linked():
    """鼓楼区 next year, a 南京市鼓楼区 and a 福州市鼓楼区 the year before: link none, say which competed."""
    results = [_result("a", "南京市鼓楼区人民政府", 2023), _result("b", "福州市鼓楼区人民政府", 2023),
               _result("c", "鼓楼区人民政府", 2024)]
    links = link_years(results)
    assert links.previous == {}
    assert [r.source for r in links.competing["c"]] == ["a", "b"]


def test_a_name_without_place_never_links():
    """Two reports titled only 教育局 may be any two counties' bureaus (old code linked them)."""
    assert link_previous([_result("x", "教育局", 2023), _result("y", "教育局", 2024)]) == {}


def test_departments_with_the_same_preamble_are_not_linked(tmp_path):
    """Two departments whose bodies open with one preamble (the bench's 9 false links) stay apart;
    the same department in the next year is linked, and the JSON says which report was linked."""
    a = analyze_file(_department_report(tmp_path, "a.txt", "平潭综合实验区公安局", 2021))
    b = analyze_file(_department_report(tmp_path, "b.txt", "平潭综合实验区教育局", 2022, in_force_shift=5))
    c = analyze_file(_department_report(tmp_path, "c.txt", "平潭综合实验区公安局", 2022, in_force_shift=5))
    assert (a.meta.agency, b.meta.agency, c.meta.level) == ("平潭综合实验区公安局", "平潭综合实验区教育局", "city")
    assert b.tables.get("active_disclosure", "normative_documents", "in_force") == 5
    run = finish_run(RunResult(results=[a, b, c]))
    assert run.previous == {c.source: a.source}
    by_source = {r.source: r for r in run.results}
    assert not [f for f in by_source[b.source].findings if f.rule.startswith("continuity.")]
    assert [f for f in by_source[c.source].findings if f.rule == "continuity.in_force"]
    write_run(run, tmp_path / "out")
    data = {json.loads(p.read_text("utf-8"))["source"]: json.loads(p.read_text("utf-8"))
            for p in (tmp_path / "out").glob("*.json")}
    linked = data[c.source]["previous_report"]
    assert (linked["source"], linked["agency"], linked["year"]) == (a.source, "平潭综合实验区公安局", 2021)
    assert "previous_report" not in data[b.source]


def test_competing_candidates_are_noted_in_the_report_json(tmp_path):
    a = analyze_file(_department_report(tmp_path, "a.txt", "南京市鼓楼区人民政府", 2021))
    b = analyze_file(_department_report(tmp_path, "b.txt", "福州市鼓楼区人民政府", 2021, in_force_shift=3))
    c = analyze_file(_department_report(tmp_path, "c.txt", "鼓楼区人民政府", 2022, in_force_shift=5))
    run = finish_run(RunResult(results=[a, b, c]))
    assert run.previous == {} and run.competing == {c.source: (a.source, b.source)}
    write_run(run, tmp_path / "out")
    data = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "out").glob("*.json")]
    mine = next(d for d in data if d["source"] == c.source)
    assert mine["previous_report"] is None
    assert [x["agency"] for x in mine["previous_candidates"]] == ["南京市鼓楼区人民政府", "福州市鼓楼区人民政府"]
    assert any("无法确定哪一份是其上年报告" in n for n in mine["notes"])


def test_the_same_report_twice_is_one_candidate(tmp_path):
    """One report in two files (same agency, same cells, same text) is not a competition."""
    a = analyze_file(_department_report(tmp_path, "a.txt", "沭阳县教育局", 2021))
    a2 = analyze_file(_department_report(tmp_path, "a2.txt", "沭阳县教育局", 2021))
    b = analyze_file(_department_report(tmp_path, "b.txt", "沭阳县教育局", 2022))
    assert link_previous([a, a2, b])[b.source].source == a.source


def test_real_department_pair_links_and_breaks_in_force():
    """real0051 (2021) → real0014 (2022): 行政规范性文件 2 in force + 4 issued − 1 repealed = 5, but 7 reported."""
    a = analyze_file(real_report("real0051.txt"))
    b = analyze_file(real_report("real0014.txt"))
    run = finish_run(RunResult(results=[a, b]))
    assert run.previous == {b.source: a.source}
    found = [f for r in run.results if r.source == b.source for f in r.findings if f.rule == "continuity.in_force"]
    assert found and "行政规范性文件" in found[0].where


def test_candidates_by_index_are_every_pair_of_the_same_agency():
    # year_candidates looks keys up by their endings; it must find exactly what comparing every pair finds.
    from analyzer.linking import linkable, same_agency, year_candidates

    names = ["洪泽区人民政府", "淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府", "南京市鼓楼区人民政府", "福州市鼓楼区人民政府",
             "鼓楼区人民政府", "某县教育局", "平潭综合实验区公安局", "福建省平潭综合实验区公安局", "昆山市人民政府",
             "苏州市昆山市人民政府", "江苏昆山市人民政府", "上海市科学技术委员会", "国务院办公厅", "公安局"]
    rng = random.Random(7)
    entries = [(f"s{i:03d}", agency_key(rng.choice(names)), rng.choice([2021, 2022, 2023])) for i in range(120)]
    want = {}
    for src, key, year in sorted(entries):
        if not (key and linkable(key)):
            continue
        found = sorted(s for s, k, y in entries if y == year - 1 and k and linkable(k) and same_agency(key, k))
        if found:
            want[src] = found
    assert year_candidates(entries) == want and len(want) > 30
