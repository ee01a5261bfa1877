"""Who wrote the report, for which year, on which template, and when it was published."""

from __future__ import annotations

import re
from collections import Counter

from analyzer.dates import DATE_RE, parse_date
from analyzer.ingest.normalize import CJK, compact
from analyzer.model import Document, ReportMeta, Section
from analyzer.templates import detect_template as _detect_template

_TITLE_WORDS = re.compile(r"政府信息公开.{0,6}(?:年度)?(?:工作)?(?:年度)?报告|政务公开.{0,6}年度报告|信息公开年报")
_TITLE_TAIL = re.compile(
    r"(?:\d{4}\s*年\s*度?)?\s*(?:关于)?(?:本?(?:行政区域|部门|机关)?)?(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:年度)?(?:报告|年报).*$"
)
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"(?:统计期限|统计周期|统计时限|统计时间|数据统计)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_ANY = re.compile(r"(?<![〔\[【(（0-9])((?:19|20)\d{2})\s*年(?!\s*第?\d+号)")

# Abbreviations common in agency names (上海市科委 → 上海市科学技术委员会).
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
    "政府办": "人民政府办公室",
    "府办": "人民政府办公室",
}
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
# Units whose level their name does not tell (provincial 派出机构 with 设区的市 powers).
SPECIAL_AREAS = {"平潭综合实验区": "city", "雄安新区": "city"}
_UNIT = re.compile(rf"[{CJK}]{{1,12}}?(?:特别行政区|自治区|自治州|自治县|自治旗|省|地区|盟|市|州|县|旗|区|街道|镇|乡|苏木)")
_GOV_SUFFIX = ("人民政府办公厅", "人民政府办公室", "人民政府", "政府办公室", "政府办", "管理委员会", "管委会", "办事处")
_AREA_WITH_COMMITTEE = ("综合实验区", "开发区", "高新区", "新区", "经济区", "示范区", "园区", "试验区")


def identify(doc: Document) -> ReportMeta:
    title = find_title(doc)
    text = doc.text
    year = year_from_title(title) or year_from_period(text) or year_from_text(text)
    agency = agency_from_title(title, text)
    published, published_from = find_published(doc, year)
    return ReportMeta(
        title=title,
        agency=agency,
        level=level_of(agency),
        year=year,
        template=detect_template(text),
        published=published,
        published_from=published_from,
    )


def find_title(doc: Document) -> str | None:
    """The report's title: an early line naming the report; a title split over two lines is joined."""
    blocks = [b for b in doc.blocks[:12] if b.kind != "table"]
    for i, b in enumerate(blocks):
        line = b.text.split("\n")[0].strip().lstrip("#").strip()
        candidate = line
        if i + 1 < len(blocks) and len(line) <= 40 and not _TITLE_WORDS.search(compact(line)):
            nxt = blocks[i + 1].text.split("\n")[0].strip()
            if len(nxt) <= 20 and re.search(r"报告$", nxt):
                candidate = line + nxt
        c = compact(candidate)
        if _TITLE_WORDS.search(c) and len(c) <= 80:
            # A crawler line "当前位置：首页…年报平潭…报告" keeps only its last part.
            m = re.search(r"[^：:>»\s]*?(?:(?:19|20)\d{2}年度?)?[^：:>»\s]*?(?:年度报告|工作报告|年报)$", c)
            return _strip_breadcrumb(c if not m else m.group(0))
        m = re.match(r"^(.{4,60}?(?:年度报告|工作报告))", c)
        if m and _TITLE_WORDS.search(m.group(1)):
            return _strip_breadcrumb(m.group(1))
    meta_title = doc.metadata.get("标题")
    if meta_title and _TITLE_WORDS.search(compact(meta_title)):
        return compact(meta_title)
    return None


def _strip_breadcrumb(title: str) -> str:
    for sep in ("政府信息公开年报", "当前位置"):
        if title.count(sep) and not title.startswith(sep) and title.index(sep) < len(title) - 12:
            title = title.split(sep)[-1] or title
    return title


def year_from_title(title: str | None) -> int | None:
    if not title:
        return None
    m = _YEAR_IN_TITLE.search(title)
    return int(m.group(1)) if m else None


def year_from_period(text: str) -> int | None:
    m = _PERIOD.search(compact(text)[:20000])
    return int(m.group(1)) if m else None


def year_from_text(text: str) -> int | None:
    """The year most spoken of in the first part of the report (titles without a year, seed 004)."""
    sample = re.sub(r"《[^》]{0,60}》|〔\d{4}〕|\[\d{4}\]", "", compact(text)[:8000])
    years = Counter(int(y) for y in _YEAR_ANY.findall(sample) if 1990 <= int(y) <= 2100)
    if not years:
        return None
    return years.most_common(1)[0][0]


def agency_from_title(title: str | None, text: str) -> str | None:
    """The agency named in the title, with common abbreviations expanded and the form of a government name."""
    if not title:
        return None
    name = _YEAR_IN_TITLE.sub("", title, count=1) if title.startswith(("19", "20")) else title
    name = _TITLE_TAIL.sub("", name).strip()
    name = re.sub(r"^(?:关于)?", "", name)
    name = re.sub(r"(?:19|20)\d{2}\s*年度?$", "", name).strip()
    if not name:
        return None
    for short, full in ABBREVIATIONS.items():
        if name.endswith(short) and not name.endswith(full):
            name = name[: -len(short)] + full
            break
    return canonical_agency(name)


def canonical_agency(name: str) -> str:
    """Name a government by its full form: 朱家房镇 → 朱家房镇人民政府; 平潭综合实验区 → …管委会."""
    if name.endswith(_GOV_SUFFIX) or re.search(r"(委员会|局|厅|办公室|办|中心|院|署|部|委|所|站|队)$", name):
        if name.endswith("镇政府") or name.endswith("乡政府") or name.endswith("县政府") or name.endswith("区政府") or name.endswith("市政府"):
            return name[:-2] + "人民政府"
        return name
    if name.endswith(_AREA_WITH_COMMITTEE):
        return name + "管委会"
    if name.endswith("街道"):
        return name + "办事处"
    if re.search(r"(省|市|县|区|镇|乡|旗|自治州|盟)$", name):
        return name + "人民政府"
    return name


def level_of(agency: str | None) -> str | None:
    """Administrative level from the chain of place names in the agency name."""
    if not agency:
        return None
    if agency.startswith(("国务院", "国家")) or re.match(rf"^(?:中华人民共和国)?[{CJK}]{{1,8}}部$", agency):
        return "national"
    for area, level in SPECIAL_AREAS.items():
        if agency.startswith(area):
            return level
    head = agency
    for suffix in _GOV_SUFFIX + ("管委会",):
        if suffix in head:
            head = head.split(suffix)[0]
            break
    units = _UNIT.findall(head)
    # Department names hold no place names (科学技术委员会), but guard against
    # a unit word inside one: only units at the start of the name count.
    chain: list[str] = []
    pos = 0
    for m in _UNIT.finditer(head):
        if m.start() != pos:
            break
        chain.append(m.group(0))
        pos = m.end()
    if not chain:
        chain = units[:1]
    if not chain:
        return None
    last = chain[-1]
    if last.endswith(("街道", "镇", "乡", "苏木")):
        return "township"
    if last.endswith(("县", "旗", "自治县", "自治旗")):
        return "county"
    if last.endswith(("省", "自治区", "特别行政区")) or (len(chain) == 1 and last in MUNICIPALITIES):
        return "province"
    if last.endswith("区"):
        return "county" if not last.endswith(_AREA_WITH_COMMITTEE) else "county"
    if last.endswith(("市", "自治州", "州", "地区", "盟")):
        # 省 + 市 or a city alone is 设区的市; a 市 under another 市 is a county-level city.
        if len(chain) >= 2 and chain[-2].endswith(("市", "州")) and chain[-2] not in MUNICIPALITIES:
            return "county"
        return "city"
    return None


def detect_template(text: str) -> str | None:
    """2021 or 2019 template, from the table words each one uses (:func:`analyzer.templates.detect_template`)."""
    return _detect_template(text)


def find_published(doc: Document, year: int | None) -> tuple[str | None, str | None]:
    """The publication date: a web page's 发布时间, else the date under the signature, else PDF metadata."""
    for key in ("发布时间", "发布日期", "成文日期"):
        value = doc.metadata.get(key)
        if value and (d := parse_date(value)):
            return d, key
    # A date line near the top (real 沭阳 report) or at the very end (signature).
    blocks = [b for b in doc.blocks if b.kind != "table"]
    for b in blocks[:4] + blocks[-4:]:
        for line in b.text.split("\n"):
            s = compact(line).strip("()（）")
            # The date alone, or after the signing agency ("棉洋镇人民政府2022年1月10日").
            m = DATE_RE.search(s) if len(s) <= 40 else None
            if m and m.end() == len(s) and (m.start() == 0 or not s[m.start() - 1].isdigit()):
                d = parse_date(m.group(0))
                if d and (year is None or int(d[:4]) >= year):
                    return d, "落款"
            m = re.match(r"^发布(?:时间|日期)[:：](.*)$", s)
            if m and (d := parse_date(m.group(1))):
                return d, "发布时间"
    for key in ("pdf_created", "pdf_modified"):
        value = doc.metadata.get(key)
        if value and (d := parse_date(value)):
            return d, "PDF元数据"
    return None, None


def looks_like_report(doc: Document, meta: ReportMeta, sections: dict[str, Section]) -> bool:
    """A 年度报告 names itself so, or has at least two of the template's sections or its tables."""
    if meta.title:
        return True
    if len(sections) >= 2:
        return True
    c = compact(doc.text)
    return "本年新收政府信息公开申请" in c
