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
