"""The scope and period of a claim of the narrative (see :mod:`analyzer.narrative.claims`).

Scope: whose count a sentence gives — ``whole`` (the reporting agency as a whole:
全区, 我局, 本机关, the agency's own name in any short form), ``sub`` (a named office,
department, township, "各乡镇", an office acting for its government when it is not
who reports), ``wider`` (the whole of a place above the agency's own: 全县 in a
township's report; a field's system at every level: 全市科技系统 in a 市科委's) or
``unknown`` (a unit is named and the agency is not known).
Period: ``year`` (the report's year), ``other`` (上年, 同比, 较上年, 累计, 以来, a part
of the year, another year named) or ``unknown``.
"""

from __future__ import annotations

import re

from analyzer.agency import place_chain
from analyzer.ingest.normalize import CJK

# ---- period -----------------------------------------------------------------------------------
_OTHER_PERIOD = re.compile(
    r"上一?年|去年|前年|往年|历年|以往|此前|同比|环比|相比|对比|较(?:上|去|前|往|同期|\d)|比(?:上|去)|以来|上半年|下半年|[一二三四1-4]季度|"
    r"\d{1,2}\s*[-—至到]\s*\d{1,2}\s*月|近[一二三四五两\d]+年"
)
_CUMULATIVE = re.compile(r"(?<!全年)(?<!本年)(?<!今年)(?<!年内)(?<!当年)累计")
_AS_OF = re.compile(r"截至|截止")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_TIME_WORDS = re.compile(r"(?:19|20)\d{2}\s*年度?|全年|本年度?|今年|年内|当年|一年来|年度")

# ---- scope ------------------------------------------------------------------------------------
_ON_BEHALF = re.compile(r"(办公室|办公厅|政府办|办)\s*代表")
_OFFICE_AGENCY = re.compile(r"办公室$|办公厅$|政府办$")
_WHOLE = re.compile(r"全[区县市镇乡州省旗盟局委]|我[区县市镇乡州省旗局委办厅院镇街]|本(?:机关|单位|部门|局|委|办|厅|院|镇|乡|街道|区|县|市)")
_PLACE_WHOLE = re.compile(r"全([区县市镇乡州省旗盟])")
# A field's system (全市科技系统, 实验区公安系统, 全系统, 本系统) or several levels of government (市区两级, 各级): the
# agency with the units of its field or place at every level below it, whose counts its own tables do not hold. (A
# software system in the subject, "通过政务服务系统收到…", is a channel: its count is a part, not compared either.)
_SYSTEM = re.compile(r"系统|[两三四五]级|各级")
_SUB_MARKERS = re.compile(r"各(?:乡镇|镇|乡|街道|部门|单位|委办局|局|处室|科室|区|县)|[区县市]直|本级|下属|所属|直属|分局|处室|科室|村|社区")
_UNIT = re.compile(rf"[{CJK}]{{1,12}}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|政府办|办公室|办公厅|管委会|管理委员会|委员会|政府|部门|单位|机关|局|委|中心|街道办事处|街道|乡镇|镇|乡)")
# Words that end a subject: a unit never spans them ("因政府信息公开申请被申请复议" names no unit "因政府": 因 opens
# a cause, and 政府信息 is the thing, not a government).
_ZONE_CUT = re.compile(rf"[^{CJK}]|的|在|由|对|向|和|及|与|共|经|为|因|代表|作为|按照|根据|通过|依托|严格|依法|全年")


def lead_period(sentence: str, year: int | None) -> tuple[str, str]:
    """The period a sentence opens with ("2023年，…", "去年…")."""
    head = re.split(r"[，,]", sentence, maxsplit=1)[0][:14]
    m = _YEAR.match(head.strip())
    if m:
        return _year_period(int(m.group(1)), year), m.group(0)
    return "year", ""


def _year_period(y: int, year: int | None) -> str:
    if year is None:
        return "unknown"
    return "year" if y == year else "other"


def period_of(text: str, year: int | None) -> tuple[str, str]:
    """Is the number about the report's year? ``text`` is the words before it in its clause,
    without the words that name a quantity (上年结转, 结转至2026年)."""
    t = text
    if hit := _OTHER_PERIOD.search(t) or _CUMULATIVE.search(t):
        return "other", hit.group(0)
    if hit := _AS_OF.search(t):
        after = t[hit.end() : hit.end() + 14]
        y = _YEAR.search(after)
        if y and year is not None and int(y.group(1)) == year and re.search(r"12\s*月\s*31\s*日|年底|年末", after):
            return "year", hit.group(0)
        return ("other" if y and year is not None and int(y.group(1)) != year else "unknown"), hit.group(0)
    for y in _YEAR.finditer(t):
        p = _year_period(int(y.group(1)), year)
        if p != "year":
            return p, y.group(0)
    return "year", ""


def scope_of(zone: str, agency: str | None) -> tuple[str, str]:
    """Whose count the sentence gives: the reporting agency as a whole, or a unit of it.

    ``zone`` is the sentence's subject: its words before the first cue of what is
    counted. Returns (scope, the cue that decided it; "" when nothing did).
    """
    if hit := _ON_BEHALF.search(zone):
        # "区政府办代表区政府受理…": the office's own share, unless the office is who reports
        whole = bool(agency and _OFFICE_AGENCY.search(agency) and is_agency(zone[: hit.end(1)], agency))
        return ("whole" if whole else "sub"), hit.group(0)
    if hit := _SUB_MARKERS.search(zone):
        return "sub", hit.group(0)
    if hit := _SYSTEM.search(zone):
        return "wider", hit.group(0)
    if (hit := _PLACE_WHOLE.search(zone)) and _wider_than_agency(hit.group(1), agency):
        return "wider", hit.group(0)
    rest = _WHOLE.sub("｜", _TIME_WORDS.sub("｜", zone))
    for chunk in _ZONE_CUT.split(rest):
        for unit in _UNIT.finditer(chunk):
            mention = chunk[: unit.end()]
            if agency is None:
                return "unknown", mention
            if not is_agency(mention, agency):
                return "sub", mention
    whole = _WHOLE.search(zone)
    return "whole", whole.group(0) if whole else ""


# The rank of the place a 全<word> covers: a township, a county or district, a city, a province.
_PLACE_RANK = {"镇": 1, "乡": 1, "区": 2, "县": 2, "旗": 2, "市": 3, "州": 3, "盟": 3, "省": 4}


def _wider_than_agency(word: str, agency: str | None) -> bool:
    """Whether 全<word> covers a place above the agency's own: 全县 in 朱阳关镇人民政府's report is the county's
    count, not the town's. The agency's place is the last of its name's places (淮安市洪泽区 → 区); a name
    without one (县教育局), or a place the rank of which its last character does not tell, tells nothing,
    and 全<word> stays the agency's (as a 市 department's 全县 does: it may be its own county-level city)."""
    chain = place_chain(agency) if agency else ()
    own = _PLACE_RANK.get(chain[-1][-1]) if chain else None
    return own is not None and _PLACE_RANK[word] > own


_LEAD_UNIT = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[.、])?\s*"
    r"(?:(?:19|20)\d{2}\s*年度?|全年|今年|本年度?)?[，,\s]*"
    rf"(各(?:乡镇|镇|乡|街道|部门|单位)|[{CJK}]{{1,8}}?(?:局|委员会|委|办公室|办公厅|政府办|中心|街道办事处|管委会))(?=[{CJK}]|$)"
)


def lead_unit(sentence: str, agency: str | None) -> tuple[str, str] | None:
    """A sentence or heading that opens on a unit: ("whole"|"sub"|"unknown", the unit); None otherwise."""
    m = _LEAD_UNIT.match(sentence)
    if not m:
        return None
    unit = m.group(1)
    if unit.startswith("各"):
        return "sub", unit
    if agency is None:
        return "unknown", unit
    return ("whole" if is_agency(unit, agency) else "sub"), unit


def is_agency(mention: str, agency: str) -> bool:
    """"市科委" names 上海市科学技术委员会, "市政府办公厅" 上海市人民政府办公厅: its characters in order."""
    mention = re.sub(r"^[我本该]", "", mention)
    if len(mention) < 2:
        return True
    it = iter(agency)
    return all(ch in it for ch in mention)
