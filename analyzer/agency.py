"""Reporting bodies by name: the full form, the chain of places, the level, the key that links years.

An agency is written many ways (上海市科委 / 上海市科学技术委员会, 殷都区政府办 /
殷都区人民政府办公室, 洪泽区人民政府 / 淮安市洪泽区人民政府). :func:`full_name`
gives the form the report JSON carries; :func:`place_chain` reads the places the
name begins with (福建省 · 平潭综合实验区; 苏州市 · 昆山市); :func:`level_of` gives
the level of the government the body belongs to (spec/tables.md "Who reports");
:func:`link_key` is what two years of one agency share.

Which 市 is a county-level city no name tells: ``models/places.txt`` lists the
provinces, the prefecture-level divisions and the 县级市. A 市 in neither list
leaves the level null, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analyzer.ingest.normalize import CJK, CN_NUMERALS, compact
from analyzer.model import Level
from analyzer.resources import model_file

PLACES_FILE = "places.txt"

# Abbreviations of agency names, expanded where the full form is unique (上海市科委 → 上海市科学技术委员会).
# Checked at the end of the name only: "科委" inside a longer word is left alone.
ABBREVIATIONS = {
    "科委": "科学技术委员会",
    "发改委": "发展和改革委员会",
    "经信委": "经济和信息化委员会",
    "卫健委": "卫生健康委员会",
    "住建委": "住房和城乡建设委员会",
    "教委": "教育委员会",
    "国资委": "国有资产监督管理委员会",
    "民宗委": "民族宗教事务委员会",
    "交通委": "交通委员会",
    "农委": "农业委员会",
    "商务委": "商务委员会",
    "发改局": "发展和改革局",
    "卫健局": "卫生健康局",
    "住建局": "住房和城乡建设局",
    "人社局": "人力资源和社会保障局",
    "市监局": "市场监督管理局",
    "市场监管局": "市场监督管理局",
    "工信局": "工业和信息化局",
    "医保局": "医疗保障局",
    "应急局": "应急管理局",
    "民宗局": "民族宗教事务局",
    "退役军人局": "退役军人事务局",
    "人防办": "人民防空办公室",
    "政府办": "人民政府办公室",
    "府办": "人民政府办公室",
}
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
# Provinces written without 省/自治区 at the head of a name (广西南宁市, 江苏昆山市); never alone.
_REGION_SHORT = (
    "黑龙江", "内蒙古", "北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆",
)
# Areas with their own level whatever their name says (provincial 派出机构 with 设区的市 powers).
SPECIAL_AREAS: dict[str, Level] = {"平潭综合实验区": "city", "雄安新区": "city"}
# A government's own name forms; what remains is its place (spec/tables.md: a 办公厅
# reporting for the government counts as the government).
GOVERNMENT_FORMS = re.compile(
    r"(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室|管理委员会办公室|管委会办公室|管理委员会|管委会|办事处)$"
)
# Development zones (not 新区, which are districts: 浦东新区): their level is not in their name.
_ZONES = ("综合实验区", "开发区", "高新区", "经济区", "示范区", "园区", "试验区", "合作区", "保税区")
AREA_WORDS = ("综合实验区", "开发区", "高新区", "新区", "经济区", "示范区", "园区", "试验区", "片区", "合作区", "保税区")

_UNIT_ENDS = "特别行政区|自治区|自治州|自治县|自治旗|林区|省|地区|盟|市|州|县|旗|区|街道|镇|乡|苏木"
_UNIT = re.compile(rf"[{CJK}]{{1,14}}?(?:{_UNIT_ENDS})")
_UNIT_END = re.compile(rf"(?:{_UNIT_ENDS})")
# Words of department names that a place name never holds: "住房和城乡" or "城市" is no place.
_NOT_PLACE = re.compile(
    r"[和与及、]|^(?:城乡|城市|城镇|乡村|社区|辖区|景区|园区)$|管理|发展|建设|监督|服务|保障|资源|改革|委员|办公|事务|执法|中心|"
    r"公安|教育|卫生|财政|民政|司法|农业|交通|水利|商务|文化|审计|统计|应急|人力|生态|环境|住房|科学|技术|信息|规划|"
    r"自然|退役|医疗|林业|市场|市政|市容|人民|政府|机关"
)
_LIST_MARK = re.compile(r"[和与及、]")
_NOT_STREET = re.compile(r"[和与及、]|^(?:城乡|城市|城镇|乡村|社区|辖区|景区|园区)街道$")
# A unit followed by one of these is a word, not a longer unit: 昆山市 + 市场监督管理局.
_COMPOUNDS = ("市场", "市政", "市容", "市民", "市级", "区域", "区划", "区级", "县域", "县级", "镇域", "乡村", "乡镇", "州级")
# Endings of the name of a body that reports (a government, its office, a department, an area's committee).
_AGENCY_END = re.compile(
    r"(?:人民政府|政府办公室|办公厅|办公室|委员会|管委会|办事处|局|厅|委|署|办|中心|院|部|所|站|队|处|社|行|会|馆|台)$"
)
# Words before the place that are no place: the Party's committees, the national body a branch belongs to
# (国家税务总局江苏省税务局, 国家外汇管理局江苏省分局, 中国人民银行南京分行).
_NON_PLACE_PREFIX = re.compile(
    r"^(?:中华人民共和国|中国共产党|中共|(?:国家|中国)[^省市县区州（(]{1,12}?(?:总局|局|委员会|银行)(?=.))"
)
# A national body's subordinate office, named after the body (中国证券监督管理委员会上海监管局, 中国人民银行南京分行,
# 国家税务总局郑州市税务局): no national body, whatever its name opens with.
_SUBORDINATE = re.compile(r"(?:海关|监管局|监管分局|分局|分行|支行|税务局)$")
# A customs house is named for its seat, not for the area it serves (南京海关 serves 江苏; 黄岛海关 is under
# 青岛海关): its name tells no level. Not 海关总署, the national body.
# The seat is a name: no word of a sentence ("配合海关", "向海关") stands before 海关.
_SEAT = rf"(?:(?![的了和与及在对向将为把被由从我本该其各属配合根据按照])[{CJK}]){{2,5}}"
_CUSTOMS = re.compile(rf"^(?:中华人民共和国)?(?:{_SEAT}海关隶属)?{_SEAT}海关$")
# 新疆生产建设兵团 and its 师 and 团: a body of its own kind, which the spec gives no level.
_BINGTUAN = re.compile(rf"生产建设兵团(?:第[{CN_NUMERALS}]{{1,3}}师(?:[{CN_NUMERALS}〇0-9]{{1,4}}团)?)?$")
_COMMITTEE = re.compile(r"(?:管理委员会|管委会)(?:办公室)?$")
# A branch of a department named after it: "…局" then the branch's own name, ending 分局.
_BRANCH = re.compile(r"(?:局|厅|委员会)([^局厅]{1,16}?)分局$")
_NATIONAL = re.compile(rf"^(?:国务院|国家|中华人民共和国|中国(?!共产党)|(?:[{CJK}]{{1,8}})部$)")


@dataclass(frozen=True)
class Places:
    provinces: frozenset[str]
    prefectures: frozenset[str]
    county_cities: frozenset[str]

    @property
    def all(self) -> frozenset[str]:
        return self.provinces | self.prefectures | self.county_cities


@lru_cache(maxsize=1)
def places() -> Places:
    """The lists of ``models/places.txt`` (read once per process)."""
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in model_file(PLACES_FILE).read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("[") and s.endswith("]"):
            current = sections.setdefault(s[1:-1], set())
        elif current is not None:
            current.update(s.split())
    get = lambda k: frozenset(sections.get(k, ()))  # noqa: E731
    return Places(get("province"), get("prefecture"), get("county_city"))


@lru_cache(maxsize=1)
def _known_by_initial() -> dict[str, tuple[str, ...]]:
    by: dict[str, list[str]] = {}
    for name in (*places().all, *SPECIAL_AREAS):
        by.setdefault(name[0], []).append(name)
    return {k: tuple(v) for k, v in by.items()}


def expand(name: str) -> str:
    """Abbreviations at the end of a name written out: 成都市发改委 → 成都市发展和改革委员会."""
    for short, full in ABBREVIATIONS.items():
        if name.endswith(short) and not name.endswith(full):
            return name[: -len(short)] + full
    return name


def full_name(name: str) -> str:
    """The form the report JSON carries: abbreviations expanded, a government by its full name.

    朱家房镇 → 朱家房镇人民政府; 殷都区政府办 and 殷都区政府办公室 → 殷都区人民政府办公室;
    平潭综合实验区 → 平潭综合实验区管委会.
    """
    name = expand(compact(name))
    if re.search(r"(?:镇|乡|县|区|市|州|旗|盟)政府$", name):
        return name[:-2] + "人民政府"
    # 殷都区政府办公室, 江苏省政府办公厅: the same short form of 人民政府, before its office
    if m := re.search(r"(?<=[镇乡县区市州旗盟省])政府(?=办公[室厅]$)", name):
        return name[: m.start()] + "人民" + name[m.start():]
    if name.endswith("人民"):
        return name + "政府"
    if _AGENCY_END.search(name):
        return name
    if name.endswith(AREA_WORDS):
        return name + "管委会"
    if name.endswith("街道"):
        return name + "办事处"
    if re.search(r"(?:省|市|县|区|镇|乡|旗|自治州|州|盟|地区)$", name):
        return name + "人民政府"
    return name


def is_national(name: str) -> bool:
    return bool(_NATIONAL.match(name))


def looks_like_agency(name: str | None) -> bool:
    """A body that can report: a short name without sentence marks, ending as agencies end, with a place or national."""
    if not name or not 3 <= len(name) <= 40:
        return False
    if re.search(r"[。，；：:;,！？!?《》“”\"]|关于|根据|按照|我[局县镇市区委办乡]|本[机单部局]", name):
        return False
    if is_customs(name):
        return True
    if not (_AGENCY_END.search(name) or _BINGTUAN.search(name)):
        return False
    return is_national(name) or bool(place_chain(name))


def is_customs(name: str) -> bool:
    """A customs house (南京海关, 中华人民共和国黄岛海关, 青岛海关隶属黄岛海关), named for its seat."""
    return bool(_CUSTOMS.match(name))


def is_subordinate_of_national(name: str) -> bool:
    """An office of a national body, named after it (国家税务总局郑州市税务局, 中国人民银行南京分行)."""
    return is_national(name) and bool(_SUBORDINATE.search(name))


# A report names a handful of bodies, each many times; linking a run asks once per agency. A bigger cache
# filled with the run's agencies and stayed resident (8,192 names: +2.4 MB of RSS, 2,000: +0.9).
@lru_cache(maxsize=1024)
def place_chain(name: str) -> tuple[str, ...]:
    """The place names a body's name begins with, highest first (江苏省 · 苏州市 · 昆山市)."""
    name = _NON_PLACE_PREFIX.sub("", compact(name))
    chain: list[str] = []
    pos = 0
    while pos < len(name):
        token = _next_place(name, pos)
        if token is None:
            break
        chain.append(token)
        pos += len(token)
    return tuple(chain)


def _next_place(name: str, pos: int) -> str | None:
    rest = name[pos:]
    known = [p for p in _known_by_initial().get(rest[0], ()) if rest.startswith(p)]
    if known:
        return max(known, key=len)
    if pos == 0 and rest.startswith(_REGION_SHORT):  # 广西南宁市: the region written without 壮族自治区
        return next(r for r in _REGION_SHORT if rest.startswith(r))
    m = _UNIT.match(rest)
    if not m:
        return None
    token = m.group(0)
    # 津市 + 市, 周市 + 镇: a unit directly followed by another unit word is one longer unit.
    while (more := _UNIT_END.match(rest, len(token))) and not rest.startswith(_COMPOUNDS, len(token)):
        if len(token) + len(more.group(0)) > 16:
            break
        token += more.group(0)
    # A development zone is named for what it develops (高新技术产业开发区), a 街道 for its road
    # (人民路街道, 建设路街道, 文化路街道): only a list mark or a bare word (城乡, 社区) makes either no place.
    not_place = _LIST_MARK if token.endswith(_ZONES) else _NOT_PLACE
    if token.endswith("街道"):
        not_place = _NOT_STREET
    # A place never opens with a body's last word: "局上海市" is the rest of a name cut by a line (国家税务总 / 局上海市…).
    if token[0] in "局厅委办署处部" or not_place.search(token) or (len(token) > 8 and not token.endswith(("自治县", "自治旗", "自治州", *AREA_WORDS))):
        return None
    return token


def level_of(agency: str | None) -> Level | None:
    """The level of the government the body belongs to or stands for; None when the name does not tell.

    Departments share their government's level: 南京市鼓楼区财政局 county, 上海市科学技术委员会
    province, 平潭综合实验区公安局 city and its 金井片区管理局 county, 昆山市市场监督管理局 county.
    """
    if not agency:
        return None
    name = compact(agency)
    if is_customs(name):
        return None
    chain = place_chain(name)
    # An area named under 中国 (中国（江苏）自由贸易试验区南京片区) is no national body: its level is set case by case;
    # nor is a national body's office (上海监管局, 南京分行): the level of the place it names, else not told.
    if (is_national(name) and not is_subordinate_of_national(name) and not (chain and name.startswith("国家"))
            and not any(w in name for w in AREA_WORDS)):
        return "national"
    if not chain:
        return None
    if chain[-1].endswith("新区") and chain[-1] not in SPECIAL_AREAS and _COMMITTEE.search(name):
        # A 新区 with a government is a district (浦东新区人民政府: county); one governed by a 管委会
        # (江北新区管理委员会) is a functional area whose level its name does not tell.
        return None
    branch = _BRANCH.search(name)
    if branch is not None:
        # A department's 分局 (郑州市公安局金水区分局, 郑州市生态环境局新郑分局) serves an area of its own:
        # the level is that area's when the branch's name opens with it as a place, else it is not told
        # (金水分局 may be an area's or a function's, 轨道交通分局): never the department's, which it is not.
        own = place_chain(branch.group(1))
        # Named for a place, the branch has its level (金水区分局; 国家金融监督管理总局苏州监管分局: 苏州, city).
        return _unit_level(chain + own) if own else None
    special = next((i for i, t in enumerate(chain) if t in SPECIAL_AREAS), None)
    if special is not None:
        # The area's own committee and departments have its level; a 片区 under it is a county.
        return SPECIAL_AREAS[chain[special]] if special == len(chain) - 1 else "county"
    return _unit_level(chain)


def _unit_level(chain: tuple[str, ...]) -> Level | None:
    last = chain[-1]
    known = places()
    if last in _REGION_SHORT:
        return None  # 江苏 alone heads no place that tells a level
    if last in known.provinces and (len(chain) == 1 or last not in MUNICIPALITIES):
        return "province"
    if last.endswith(("街道", "镇", "乡", "苏木")):
        return "township"
    if last.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if last.endswith(("自治州", "州", "地区", "盟")):
        return "city"
    if last.endswith(_ZONES) or last.endswith("片区"):
        return None  # a development zone's level is set case by case: its name does not tell
    if last.endswith(("县", "旗", "区")):
        return "county"
    # A 市: under a prefecture it is a county-level city; alone, the lists tell.
    parent = chain[-2] if len(chain) >= 2 else None
    if parent and parent not in known.provinces and parent.endswith(("市", "州", "地区", "盟")):
        return "county"
    if last in known.county_cities:
        return "county"
    if last in known.prefectures:
        return "city"
    return None


def link_key(agency: str | None) -> str | None:
    """What the reports of one agency share across years: the full name, a government by its place alone.

    >>> link_key("平潭综合实验区管委会") == link_key("平潭综合实验区管理委员会")
    True
    >>> link_key("殷都区政府办") == link_key("殷都区人民政府")
    True
    """
    if not agency:
        return None
    # 中华人民共和国黄岛海关 and 青岛海关隶属黄岛海关 are one customs house.
    name = full_name(re.sub(r"^中华人民共和国|^[^隶]{2,6}海关隶属", "", compact(agency)))
    return GOVERNMENT_FORMS.sub("", name) or None


def is_place_prefix(prefix: str) -> bool:
    """Whether ``prefix`` is wholly place names (the parent written before a name: 淮安市, 福建省)."""
    chain = place_chain(prefix)
    return bool(chain) and "".join(chain) == prefix
