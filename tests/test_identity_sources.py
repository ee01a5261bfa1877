"""Issue 9, class 1 (identity): every source of the title is weighed, a sentence is never a title.

Hand-made documents: a body that opens with a preamble while the page header, the
HTML <h1>, the DOCX core title or the 落款 names the report; department names and
the level of their parent government; the county-level cities of models/places.txt.
"""

from __future__ import annotations

import pytest

from analyzer.agency import full_name, level_of, link_key, looks_like_agency, places
from analyzer.identify import identify, is_title
from analyzer.ingest import read_document
from analyzer.model import Block, Document

PREAMBLE = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）、国务院办公厅政府信息与政务公开办公室"
            "关于明确政府信息公开工作年度报告格式的要求，以及省政府、区管委会办公室关于政务公开工作的要求，特编制此报告：")
BODY = ["一、总体情况", "2022年，我局政府信息公开工作有序推进。", "二、主动公开政府信息情况", "六、其他需要报告的事项", "无。"]


def _doc(lines: list[str], metadata: dict | None = None, fmt: str = "txt") -> Document:
    return Document(source="x.txt", format=fmt, blocks=tuple(Block("paragraph", s) for s in lines),
                    metadata=metadata or {})


def test_preamble_is_not_the_title_the_crawler_header_is():
    """The old code took the preamble sentence for the title (agency = the sentence, level None)."""
    doc = _doc([PREAMBLE + "一、总体情况", *BODY[1:]], {"标题": "平潭综合实验区公安局2022年政府信息公开工作年度报告"})
    meta = identify(doc)
    assert (meta.agency, meta.level, meta.year) == ("平潭综合实验区公安局", "city", 2022)
    assert meta.title == "平潭综合实验区公安局2022年政府信息公开工作年度报告"


@pytest.mark.parametrize("key", ["h1", "docx_title", "pdf_title"])
def test_title_kept_only_in_a_container(key):
    """A title kept only in the HTML <h1>, the DOCX core properties or the PDF's Info (old code: none read)."""
    doc = _doc([PREAMBLE, *BODY], {"标题": "某某门户网站", key: "上海市科委关于2025年度政府信息公开工作的报告"})
    meta = identify(doc)
    assert (meta.agency, meta.level, meta.year) == ("上海市科学技术委员会", "province", 2025)


def test_page_title_with_site_name_and_office_file_title():
    doc = _doc(BODY, {"标题": "淮安市教育局2023年政府信息公开工作年度报告_淮安市人民政府"})
    assert identify(doc).agency == "淮安市教育局"
    doc = _doc(BODY, {"pdf_title": "Microsoft Word - 昆山市市场监督管理局2023年政府信息公开工作年度报告.doc"})
    assert (identify(doc).agency, identify(doc).level) == ("昆山市市场监督管理局", "county")


def test_signature_names_the_agency_when_no_title_does():
    """No title anywhere but the 落款 (signing body above the date)."""
    doc = _doc([PREAMBLE, *BODY, "平潭综合实验区公安局", "2022年1月7日"])
    meta = identify(doc)
    assert (meta.agency, meta.level, meta.title) == ("平潭综合实验区公安局", "city", None)
    flat = _doc([PREAMBLE + "".join(BODY) + " 平潭综合实验区公安局2022年1月7日"])
    assert identify(flat).agency == "平潭综合实验区公安局"


@pytest.mark.parametrize("sentence", [
    "根据《中华人民共和国政府信息公开条例》要求，现公布某某县2021年政府信息公开工作年度报告。",
    "根据市人民政府办公室《关于做好2021年度政府信息公开工作年度报告编制和发布工作的通知》要求",
    "按照上级关于政府信息公开工作年度报告的要求编制本报告",
    "本报告根据《条例》编制，现将政府信息公开工作年度报告如下",
])
def test_a_sentence_is_never_a_title(sentence):
    assert not is_title(sentence)
    meta = identify(_doc([sentence, *BODY]))
    assert meta.title is None and meta.agency is None and meta.level is None


def test_title_split_over_lines_and_title_run_into_text():
    meta = identify(_doc(["沭阳县住房和城乡建设局", "2021年政府信息公开工作年度报告", *BODY]))
    assert (meta.agency, meta.level) == ("沭阳县住房和城乡建设局", "county")
    meta = identify(_doc(["宿迁市宿城区民政局2021年度政府信息公开工作年度报告" + PREAMBLE, *BODY]))
    assert (meta.agency, meta.level) == ("宿迁市宿城区民政局", "county")


def test_year_in_chinese_numerals():
    meta = identify(_doc(["某某县二〇二一年政府信息公开工作年度报告", *BODY]))
    assert (meta.agency, meta.year) == ("某某县人民政府", 2021)


@pytest.mark.parametrize(("agency", "level"), [
    ("平潭综合实验区公安局", "city"),
    ("福建省平潭综合实验区公安局", "city"),
    ("平潭综合实验区金井片区管理局", "county"),
    ("平潭综合实验区管委会", "city"),
    ("上海市科学技术委员会", "province"),
    ("南京市鼓楼区财政局", "county"),
    ("淮安市教育局", "city"),
    ("江苏省教育厅", "province"),
    ("上海市浦东新区发展和改革委员会", "county"),
    ("昆山市市场监督管理局", "county"),  # a county-level city named alone: the lexicon tells
    ("江苏省昆山市人民政府", "county"),
    ("苏州市昆山市周市镇人民政府", "township"),
    ("津市市人民政府", "county"),
    ("沭阳县住房和城乡建设局", "county"),  # 城乡 is no 乡
    ("韩城市城市管理执法局", "county"),  # 城市 is no 市
    ("阿克苏地区行政公署", "city"),
    ("延边州延吉市人民政府", "county"),
    ("中共徐州市委办公室", "city"),
    ("广西南宁市人民政府", "city"),  # a region written without 壮族自治区
    ("江苏昆山市人民政府", "county"),
    ("国家税务总局江苏省税务局", "province"),
    ("国家统计局", "national"),
    ("苏州工业园区管委会", None),  # a development zone: its level is set case by case
    ("某某市人民政府", None),  # a 市 in neither list: not guessed
    ("教育局", None),
])
def test_level_of_departments_and_governments(agency, level):
    assert level_of(agency) == level


def test_abbreviations_and_name_forms_meet():
    assert link_key("上海市科委") == link_key("上海市科学技术委员会")
    assert link_key("殷都区政府办") == link_key("殷都区人民政府办公室") == link_key("殷都区人民政府")
    assert link_key("成都市发改委") == "成都市发展和改革委员会"
    assert not looks_like_agency("根据《条例》要求现将我局")


def test_place_lists_are_consistent():
    """models/places.txt: 34 provinces, 333 prefecture-level divisions, the 县级市; no name in two lists."""
    p = places()
    assert len(p.provinces) == 34 and len(p.prefectures) == 333
    assert 380 <= len(p.county_cities) <= 410
    assert not (p.prefectures & p.county_cities) and not (p.provinces & p.prefectures)
    assert all(n.endswith("市") for n in p.county_cities)
    assert all(n.endswith(("市", "地区", "自治州", "盟")) for n in p.prefectures)
    assert {"昆山市", "津市市", "仙桃市", "芒市"} <= p.county_cities and "苏州市" in p.prefectures


def test_readers_keep_the_titles_of_their_containers(tmp_path):
    """HTML <h1> outside the article and the DOCX core title reach Document.metadata (added for identity)."""
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>某某门户网站</title></head><body><h1>淮安市教育局2023年政府信息公开工作年度报告</h1>"
        "<div class='article-content'>" + "".join(f"<p>{s}</p>" for s in [PREAMBLE, *BODY]) + "</div></body></html>",
        encoding="utf-8")
    meta = identify(read_document(page))
    assert (meta.agency, meta.level, meta.year) == ("淮安市教育局", "city", 2023)
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.core_properties.title = "杭州市西湖区教育局2023年政府信息公开工作年度报告"
    for s in [PREAMBLE, *BODY]:
        d.add_paragraph(s)
    d.save(tmp_path / "r.docx")
    meta = identify(read_document(tmp_path / "r.docx"))
    assert (meta.agency, meta.level) == ("杭州市西湖区教育局", "county")


def test_publisher_of_the_crawler_header_is_the_last_resort():
    doc = _doc([PREAMBLE, *BODY], {"标题": "政府信息公开工作年度报告", "发布机构": "沭阳县人民政府办公室"})
    assert (identify(doc).agency, identify(doc).level) == ("沭阳县人民政府办公室", "county")
    doc = _doc(["沭阳县教育局2021年政府信息公开工作年度报告", *BODY], {"发布机构": "沭阳县人民政府办公室"})
    assert identify(doc).agency == "沭阳县教育局"


@pytest.mark.parametrize("written, full", [
    ("殷都区政府办公室", "殷都区人民政府办公室"),
    ("江苏省政府办公厅", "江苏省人民政府办公厅"),
    ("朱家房镇政府", "朱家房镇人民政府"),
    ("殷都区人民政府办公室", "殷都区人民政府办公室"),
    ("淮安市政务服务管理办公室", "淮安市政务服务管理办公室"),
])
def test_the_short_form_of_a_government_is_written_out(written, full):
    """Fails before for the first two: 政府 before its office was left short, unlike 殷都区政府 alone."""
    assert full_name(written) == full


_BODY = ["一、总体情况", "本年度主动公开政府信息312条，收到政府信息公开申请8件。", "六、其他需要报告的事项", "无。"]


@pytest.mark.parametrize("head, agency, level", [
    # Fail before: a title in quotes was no title; a byline under an agency-less title was not read;
    # a development zone named for what it develops (技术, 产业) was no place.
    (["“殷都区人民政府办公室2021年政府信息公开工作年度报告”"], "殷都区人民政府办公室", "county"),
    (["政府信息公开工作年度报告", "（2021年度）", "殷都区人民政府办公室"], "殷都区人民政府办公室", "county"),
    (["安阳高新技术产业开发区管委会2021年政府信息公开工作年度报告"], "安阳高新技术产业开发区管委会", None),
    (["殷都区政府办公室2021年政府信息公开工作年度报告"], "殷都区人民政府办公室", "county"),
])
def test_who_wrote_it_from_the_head(head, agency, level):
    meta = identify(_doc(head + _BODY))
    assert (meta.agency, meta.level, meta.year) == (agency, level, 2021)


@pytest.mark.parametrize("tail, published", [
    # Fail before (agency None): a month for a date, a date in Chinese numerals, a seal mark, no date.
    (["殷都区人民政府办公室", "2022年1月"], None),
    (["殷都区人民政府办公室", "二〇二二年一月二十日"], "2022-01-20"),
    (["殷都区人民政府办公室（盖章）", "2022年1月20日"], "2022-01-20"),
    (["无。", "殷都区人民政府办公室"], None),
    (["殷都区人民政府办公室 2022年1月20日"], "2022-01-20"),
])
def test_who_signed_it(tail, published):
    meta = identify(_doc(["2021年政府信息公开工作年度报告", *_BODY, *tail]))
    assert (meta.agency, meta.level, meta.published) == ("殷都区人民政府办公室", "county", published)


def test_a_web_page_s_last_line_is_not_its_signer():
    """A page's footer may name the site's owner: on a web page a name alone without a date signs nothing."""
    meta = identify(_doc(["2021年政府信息公开工作年度报告", *_BODY, "殷都区人民政府"], fmt="html"))
    assert meta.agency is None


# uat4: identity of reports not seen, each a shape the earlier tests did not hold.

@pytest.mark.parametrize("agency, level", [
    # Fail before (county): a 街道 named for its road was no place, so the 区 above it gave the level.
    ("郑州市金水区文化路街道办事处", "township"),
    ("郑州市中原区建设路街道办事处", "township"),
    ("郑州市金水区人民路街道办事处", "township"),
    # Fail before (city): a department's 分局 serving an area has the area's level, not the department's.
    ("郑州市公安局金水区分局", "county"),
    ("郑州市公安局郑东新区分局", "county"),
    # ... and when its name does not say the area is a place, the level is not told (was city).
    ("郑州市公安局金水分局", None),
    ("郑州市公安局轨道交通分局", None),
    ("国家金融监督管理总局苏州监管分局", "city"),
    ("国家税务总局郑州市税务局", "city"),
    # Fail before: a 新区 governed by a 管委会 is no district (was county); an area named under 中国 is
    # no national body (was national).
    ("南京市江北新区管理委员会", None),
    ("中国（江苏）自由贸易试验区南京片区管理委员会", None),
    ("天津市滨海新区人民政府", "county"),
    ("长阳土家族自治县财政局", "county"),
    ("恩施土家族苗族自治州财政局", "city"),
])
def test_level_of_streets_and_branches(agency, level):
    assert level_of(agency) == level


@pytest.mark.parametrize("preamble, agency", [
    # Fail before (agency None): the body that made the report named only in the preamble.
    ("本报告由安阳市殷都区人民政府办公室根据《中华人民共和国政府信息公开条例》编制。", "安阳市殷都区人民政府办公室"),
    ("本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由北京市朝阳区人民政府办公室编制。",
     "北京市朝阳区人民政府办公室"),
    ("郑州市金水区财政局根据《中华人民共和国政府信息公开条例》要求，编制2021年度政府信息公开工作年度报告。", "郑州市金水区财政局"),
    ("根据《中华人民共和国政府信息公开条例》要求，郑州市金水区财政局编制了本报告。", "郑州市金水区财政局"),
    # A place alone is no maker: never 安阳市 → 安阳市人民政府 (the lazy name of a first try).
    ("本报告由安阳市根据《条例》编制。", None),
    (PREAMBLE, None),
])
def test_who_made_it_from_the_preamble(preamble, agency):
    meta = identify(_doc(["2021年政府信息公开工作年度报告", preamble, *_BODY]))
    assert (meta.agency, meta.year) == (agency, 2021)


def test_a_seal_on_the_date_line_signs():
    """Fail before (agency None): "（盖章）" before the date on one line ended the name as a sentence's ）."""
    meta = identify(_doc(["2021年政府信息公开工作年度报告", *_BODY, "殷都区人民政府办公室（盖章）  2022年1月20日"]))
    assert (meta.agency, meta.published) == ("殷都区人民政府办公室", "2022-01-20")


@pytest.mark.parametrize("date, year", [("2022年1月20日", 2021), ("2022年3月", 2021), ("2022年9月1日", None)])
def test_the_year_signed_is_the_year_after(date, year):
    """Fail before (2022): a report naming no year but its 落款 date took that date's year, one too late.
    Signed in the first half of a year it is the year before; later, the date does not tell."""
    body = ["殷都区人民政府办公室政府信息公开工作年度报告", "一、总体情况", "本年度主动公开政府信息312条。",
            "六、其他需要报告的事项", "无。", "殷都区人民政府办公室"]
    meta = identify(_doc([*body, date]))
    assert meta.year == year


@pytest.mark.parametrize("head, agency", [
    # Fail before (None): a PDF joins the byline centred under the title to the title's line
    # (LibreOffice's rendering of a DOCX whose title and byline are two centred paragraphs).
    (["2021年度政府信息公开工作年度报告殷都区人民政府办公室"], "殷都区人民政府办公室"),
    (["2021年度政府信息公开工作年度报告（殷都区人民政府办公室）"], "殷都区人民政府办公室"),
    (["2021年度政府信息公开工作年度报告根据《条例》要求编制"], None),
])
def test_a_byline_run_into_the_title(head, agency):
    meta = identify(_doc(head + _BODY))
    assert (meta.agency, meta.year) == (agency, 2021)


def test_a_bracket_inside_an_agency_s_name_is_kept():
    """Fail before: every bracket was dropped from the title's agency (中国自由贸易试验区…), not only a trailing note."""
    meta = identify(_doc(["中国（江苏）自由贸易试验区南京片区管理委员会2021年政府信息公开工作年度报告", *_BODY]))
    assert (meta.agency, meta.level) == ("中国（江苏）自由贸易试验区南京片区管理委员会", None)
    meta = identify(_doc(["某某县人民政府（县政府办公室）2021年政府信息公开工作年度报告", *_BODY]))
    assert meta.agency == "某某县人民政府"


def test_a_year_compared_with_is_not_the_report_s():
    """Fail before (2022): no year in the title nor a 落款, and the year compared with said more often
    than the report's own ("较2022年", "2022年同期", "上年（2022年）")."""
    body = ["殷都区人民政府办公室政府信息公开工作年度报告", "一、总体情况",
            "2023年，我办主动公开政府信息312条，较2022年增加20条，比2022年同期多5条。",
            "全年收到政府信息公开申请8件，上年（2022年）为6件，与2022年相比有所增加。",
            "2023年，我办组织培训3次。", "六、其他需要报告的事项", "无。"]
    assert identify(_doc(body)).year == 2023


def test_where_the_year_was_read():
    """ReportMeta.year_from: the title, the statistical period, the 落款's date, else the text (inferred)."""
    assert identify(_doc(["殷都区人民政府办公室2021年政府信息公开工作年度报告", *_BODY])).year_from == "标题"
    period = ["本报告中所列数据的统计期限自2021年1月1日起至2021年12月31日止。"]
    assert identify(_doc(["殷都区人民政府办公室政府信息公开工作年度报告", *period, *_BODY])).year_from == "统计期限"
    signed = ["殷都区人民政府办公室", "2022年1月20日"]
    meta = identify(_doc(["殷都区人民政府办公室政府信息公开工作年度报告", *_BODY, *signed]))
    assert (meta.year, meta.year_from, meta.year_inferred) == (2021, "落款日期", False)
    # Said once, or about as often as another year: a guess (year_inferred); said clearly most: the text's.
    meta = identify(_doc(["殷都区人民政府办公室政府信息公开工作年度报告", "一、总体情况", "2021年，我办主动公开信息312条。"]))
    assert (meta.year, meta.year_inferred) == (2021, True)
    twice = ["一、总体情况", "2021年，我办主动公开信息312条。", "2021年，我办收到申请8件。"]
    meta = identify(_doc(["殷都区人民政府办公室政府信息公开工作年度报告", *twice]))
    assert (meta.year, meta.year_from, meta.year_inferred) == (2021, "正文", False)
    plans = [*twice, "2022年，我办将继续推进公开。", "2022年，我办将加强培训。"]
    meta = identify(_doc(["殷都区人民政府办公室政府信息公开工作年度报告", *plans]))
    assert meta.year_inferred


def test_a_publication_line_is_no_signature():
    """Fail before: "发布时间：2024-01-20" at the head was taken for a 落款 date (依据：落款)."""
    meta = identify(_doc(["发布时间：2024-01-20", "殷都区人民政府办公室2023年政府信息公开工作年度报告", *_BODY]))
    assert (meta.published, meta.published_from) == ("2024-01-20", "发布时间")


# uat5: identity left over by uat4. Variants of one base (a seed's body under another head or 落款).

@pytest.mark.parametrize("agency, level", [
    # Fail before (agency None): a customs house is named for its seat, without 市 or 局; its level is not told
    # (南京海关 serves 江苏, not 南京市), also under 中华人民共和国 (was national).
    ("南京海关", None),
    ("中华人民共和国上海海关", None),
    ("青岛海关隶属黄岛海关", None),
    # Fail before (agency None): 新疆生产建设兵团 and its 师 and 团, which the spec gives no level.
    ("新疆生产建设兵团第八师", None),
    ("新疆生产建设兵团第八师一四七团", None),
])
@pytest.mark.parametrize("shape", ["title", "signed", "preamble"])
def test_bodies_named_without_a_place_s_unit(agency, level, shape):
    heads = {"title": [agency + "2021年政府信息公开工作年度报告"], "signed": ["2021年政府信息公开工作年度报告"],
             "preamble": ["2021年政府信息公开工作年度报告", f"本报告由{agency}根据《中华人民共和国政府信息公开条例》编制。"]}
    tail = [agency, "2022年1月20日"] if shape == "signed" else []
    meta = identify(_doc(heads[shape] + _BODY + tail))
    assert (meta.agency, meta.level, meta.year) == (agency, level, 2021)


@pytest.mark.parametrize("agency, level", [
    # Fail before (national): a national body's office named after it is no national body.
    ("中国证券监督管理委员会上海监管局", None),
    ("中国人民银行南京分行", None),
    # Fail before (national): its place, written with its unit, tells the level, as for 国家税务总局江苏省税务局.
    ("国家外汇管理局江苏省分局", "province"),
    ("国家税务总局上海市税务局", "province"),
    ("中华人民共和国海关总署", "national"),
    ("国家外汇管理局", "national"),
])
def test_an_office_of_a_national_body_is_not_national(agency, level):
    assert level_of(agency) == level


def test_a_sentence_naming_customs_is_no_agency():
    assert not looks_like_agency("配合海关") and not looks_like_agency("根据海关")
    assert link_key("青岛海关隶属黄岛海关") == link_key("中华人民共和国黄岛海关")


@pytest.mark.parametrize("lines, agency", [
    # Fail before (None): a page's number, kept by a PDF's conversion, between the parts of a title,
    # or joined by the text reader to the line before it.
    (["安阳市殷都区人民政府办", "- 1 -", "公室2021年政府信息公开工作年度报告"], "安阳市殷都区人民政府办公室"),
    (["安阳市殷都区人民政府办公室", "第 1 页", "2021年政府信息公开工作年度报告"], "安阳市殷都区人民政府办公室"),
    # Fail before (上海市税务局): the office's name cut after its national body.
    (["国家税务总", "- 1 -", "局上海市税务局2021年政府信息公开工作年度报告"], "国家税务总局上海市税务局"),
    (["国家税务总局", "上海市税务局2021年政府信息公开工作年度报告"], "国家税务总局上海市税务局"),
    # Not a site's name above the title: 淮安市人民政府 is no national body.
    (["淮安市人民政府", "淮安市教育局2021年政府信息公开工作年度报告"], "淮安市教育局"),
])
def test_a_title_cut_by_a_page_line(tmp_path, lines, agency):
    path = tmp_path / "r.txt"
    path.write_text("\n".join(lines + _BODY), encoding="utf-8")
    meta = identify(read_document(path))
    assert (meta.agency, meta.year) == (agency, 2021)


def test_a_page_number_under_the_signature():
    meta = identify(_doc(["2021年政府信息公开工作年度报告", *_BODY, "殷都区人民政府办", "- 5 -", "公室", "2022年1月20日"]))
    assert meta.agency is None or meta.agency == "殷都区人民政府办公室"  # never a fragment
    meta = identify(_doc(["2021年政府信息公开工作年度报告", *_BODY, "南京海关", "2022年1月20日", "- 5 -"]))
    assert meta.agency == "南京海关"
