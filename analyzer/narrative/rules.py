"""Narrative findings of ``spec/taxonomy.md`` §3: one function per rule.

The findings on section 五 (problems.*) are in :mod:`analyzer.narrative.problems`.

Each check takes the labelled statements (and what else it needs) and returns
findings whose message quotes the sentence concerned and whose ``where`` names
the section and the sentence ("五、存在的主要问题及改进情况 / 第2句").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.ingest.normalize import compact
from analyzer.labels import YEAR_INFERRED_NOTE
from analyzer.model import Finding, ReportMeta, Section, Statement
from analyzer.sections import SECTION_TITLES

QUOTE_CHARS = 40
BOILERPLATE_SHARE = 0.5  # narrative.boilerplate above this share of the narrative's characters
COPIED_SHARE = 0.5  # narrative.copied above this share (evaluators deduct points above half)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """The sentence as quoted in a message: whitespace collapsed, cut at ``limit`` characters."""
    t = compact(text).rstrip("。；;")
    return t if len(t) <= limit else t[:limit] + "…"


def shorten_around(text: str, phrase: str, limit: int = QUOTE_CHARS) -> str:
    """The sentence as quoted in a message, cut so that ``phrase`` (the words the finding is about) is in the
    quote: a supervisor checks the claim from the quote alone."""
    t = compact(text).rstrip("。；;")
    p = compact(phrase)
    k = t.find(p)
    if k < 0 or k + len(p) <= limit or len(t) <= limit:
        return shorten(text, limit)
    start = min(max(0, k - (limit - len(p)) // 2), len(t) - limit)
    piece = t[start : start + limit]
    if start > 0:
        piece = "…" + piece.lstrip("，,、；;：:")  # a cut that falls on a comma does not quote it
    return piece + ("…" if start + limit < len(t) else "")


def section_name(key: str, sections: dict[str, Section] | None = None) -> str:
    """The section's title as the report writes it, else the template's."""
    if sections and key in sections and sections[key].title:
        return sections[key].title.strip()
    return SECTION_TITLES.get(key, key)


def where_of(st: Statement, index: int, sections: dict[str, Section] | None = None) -> str:
    """A finding's place for one statement: "五、存在的主要问题及改进情况 / 第2句"."""
    return f"{section_name(st.section, sections)} / 第{index}句"


def indexed(statements: tuple[Statement, ...] | list[Statement], section: str) -> list[tuple[int, Statement]]:
    """The statements of one section with their 1-based place in it."""
    return [(i, s) for i, s in enumerate((s for s in statements if s.section == section), 1)]


# --- overview.missing_part -----------------------------------------------------------------------

@dataclass(frozen=True)
class OverviewPart:
    """One of the five parts of 2021's 总体情况, found by its vocabulary anywhere in the section.

    A report may treat a part under a sub-heading of another name (平台建设 under
    "政务公开平台…", 监督保障 under "加强组织领导"), or in running text with no
    sub-heading at all: the part is there when any of its words is.
    """

    name: str
    pattern: re.Pattern[str]
    searched: str  # what a finding says was looked for (Chinese)


OVERVIEW_PARTS = {
    p.name: p
    for p in (
        OverviewPart(
            "主动公开",
            re.compile(r"主动公开|公开[^。；，,]{0,8}?信息|发布[^。；，,]{0,6}?信息|政策解读|解读|重点领域|预决算|政策文件|向社会公开|公开(?:栏目|目录|内容)"),
            "“主动公开”“公开/发布…信息”“政策解读”“重点领域”等",
        ),
        OverviewPart(
            "依申请公开",
            re.compile(r"依申请|公开申请|信息公开申请|申请公开|申请人|申请件|答复"),
            "“依申请公开”“政府信息公开申请”“申请人”“答复”等",
        ),
        OverviewPart(
            "政府信息管理",
            re.compile(r"信息管理|公开属性|保密审查|发布审核|审核发布|发布审查|审查机制|规范性文件|公开目录|公开指南|三审|源头认定|"
                       r"信息清理|清理|动态更新|文件库|档案|归档"),
            "“政府信息管理”“公开属性”“保密审查”“发布审核”“规范性文件”“公开指南/目录”“清理”等",
        ),
        OverviewPart(
            "平台建设",
            re.compile(r"平台|网站|网页|新媒体|公众号|微信|微博|客户端|APP|App|政务服务网|专区|专栏|公开栏|宣传栏|查阅点|查阅室|"
                       r"政府公报|公报|电子屏|显示屏|热线"),
            "“平台”“网站”“政务新媒体”“公众号/微信/微博”“专区/专栏”“公开栏/查阅点”“政府公报”等",
        ),
        OverviewPart(
            "监督保障",
            re.compile(r"监督|考核|督查|督促|督导|培训|问责|评议|评估|考评|通报|检查|领导小组|工作小组|协调小组|组织领导|责任追究|责任制|"
                       r"(?:工作|组织|机制|制度|经费|人员)保障|保障(?:机制|措施)|队伍建设|专人"),
            "“监督”“考核”“督查”“培训”“评议/评估”“通报/检查”“领导小组/组织领导”“责任追究”“工作保障”等",
        ),
    )
}


def check_overview_parts(sections: dict[str, Section], meta: ReportMeta) -> list[Finding]:
    """The 2021 template's 总体情况 covers five parts; each one nothing in the section speaks of is a finding.

    The whole section is searched (its sub-headings and its running text), so a
    part treated under another heading, or without one, is found; a finding says
    what was searched for.
    """
    if not _uses_2021_template(meta):
        return []
    name = section_name("overview", sections)
    if "overview" not in sections:
        return [Finding("overview.missing_part", "warning", "报告中未见“一、总体情况”部分（未找到该标题或与之相近的标题），主动公开、依申请公开、政府信息管理、平台建设、监督保障五方面情况均未见说明。", name, data={"missing": list(OVERVIEW_PARTS)})]
    sec = sections["overview"]
    text = compact(sec.title + "\n" + sec.text)
    out = []
    for part in OVERVIEW_PARTS.values():
        if part.pattern.search(text):
            continue
        out.append(
            Finding(
                "overview.missing_part",
                "warning",
                f"总体情况未涉及“{part.name}”方面的工作，其小标题和正文中均未见{part.searched}表述"
                "（按2021年版年报格式，总体情况应包括主动公开、依申请公开、政府信息管理、平台建设、监督保障五方面）。",
                f"{name} / {part.name}",
                data={"part": part.name, "searched": part.pattern.pattern},
            )
        )
    return out


def _uses_2021_template(meta: ReportMeta) -> bool:
    if meta.template:
        return meta.template == "2021" or bool(meta.year and meta.year >= 2021)
    return bool(meta.year and meta.year >= 2021)


# --- other.missing_fee_statement -------------------------------------------------------------------

# "未产生任何费用", "免费提供" say as much as "未收取信息处理费".
_FEE = re.compile(r"信息处理费|处理费|收费|收取|计费|免费|费用")


def _other_heading(title: str) -> str:
    """Section 六's name as the report prints it, for a quote: without its number, and without text run into
    it ("六、其他需要报告的事项无" is quoted “其他需要报告的事项”)."""
    template = "其他需要报告的事项"
    heading = re.sub(r"^[一二三四五六七八九十]+\s*[、.．]\s*", "", title)
    if template in heading:
        return template
    end = heading.find("事项")
    return heading[: end + 2] if end >= 0 else heading


def check_fee_statement(sections: dict[str, Section], meta: ReportMeta) -> list[Finding]:
    """2021 template, section 六: it asks for a statement on 信息处理费."""
    if not _uses_2021_template(meta):
        return []
    name = section_name("other", sections)
    text = sections["other"].text if "other" in sections else ""
    if _FEE.search(text):
        return []
    said = shorten(text, 30) if text.strip() else ""
    heading = _other_heading(name)
    msg = f"“{heading}”未说明本年度收取信息处理费的情况（2021年版年报格式要求报告）" + (f"，该部分仅写“{said}”。" if said else "。")
    return [Finding("other.missing_fee_statement", "info", msg, name, quote=said)]


# --- narrative.stale_year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EpochMarker:
    """A phrase that dates a text: valid as the current guide only in report years first..last."""

    pattern: re.Pattern[str]
    first: int
    last: int
    why: str  # Chinese: why it is out of date after ``last``
    unless: re.Pattern[str] | None = None  # context in the same sentence that makes it legitimate
    soft: bool = False  # status "uncertain" in the year right after ``last``


# Congress N's 精神 is the current guide from its year until the report year of the next
# congress (a report on that year may still speak of the earlier term's work). "以来"
# phrases ("党的十八大以来") look back and are always valid.
_CONGRESSES = (("十六", 2002), ("十七", 2007), ("十八", 2012), ("十九", 2017), ("二十", 2022), ("二十一", 2027))
_SINCE = re.compile(r"^(?:召开)?(?:以来|之后|后|前)")


def _congress_markers() -> list[EpochMarker]:
    out = []
    for (num, year), (next_num, next_year) in zip(_CONGRESSES, _CONGRESSES[1:]):
        out.append(
            EpochMarker(
                re.compile(rf"(?<![一二三四五六七八九十])(?:党的)?{num}大(?:和{num}届[^。；]{{0,20}}全会)?(?:精神)?|{num}届[一二三四五六七八九]中全会"),
                year,
                next_year,
                f"党的{next_num}大（{next_year}年）召开后，应以党的{next_num}大精神为指导",
            )
        )
    return out


EPOCH_MARKERS: list[EpochMarker] = [
    EpochMarker(
        re.compile(r"科学发展观"),
        2003,
        2017,
        "党的十九大（2017年）后以习近平新时代中国特色社会主义思想为指导，单独提“贯彻落实科学发展观”是此前的提法",
        unless=re.compile(r"习近平新时代|邓小平理论"),
    ),
    EpochMarker(
        re.compile(r"脱贫攻坚"),
        2013,
        2020,
        "脱贫攻坚已于2020年底完成，此后的任务是巩固拓展脱贫攻坚成果、衔接乡村振兴",
        unless=re.compile(r"巩固|拓展|成果|衔接|过渡期|乡村振兴|总结|表彰|收官"),
        soft=True,
    ),
    *_congress_markers(),
]

# An earlier year written as the year the report is about.
_CURRENT_YEAR = re.compile(r"(?:^|(?<=[。；！？\s，,：:]))(?:截至|截止|至)?\s*((?:19|20)\d{2})\s*年\s*(?:度)?(?=[，,、]|以来(?!的)|全年|我|本|共|累计|全[区县市镇乡]|政务公开|政府信息公开工作|\d{1,2}月\d{1,2}日|底|末)")
# What follows a year written as a plan: "2021年，我局将…", "2021年将继续…".
_PLAN = re.compile(r"[，,\s]*[^，,。；]{0,8}?(?:将|要|拟|计划|继续)")
_YEAR_OK_CONTEXT = re.compile(r"上年|去年|上一年|前年|同比|相比|比较|较上|比上|对比|分别|增长|下降|减少|回落|以来|年度报告|年报|此前|自\s*\d{4}|从\s*\d{4}|(?<![截止])至\s*\d{4}|—|-|～|~")


def _sentences(rows: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """For each row, the text of the rows that make its sentence (statements split at “；” are one sentence
    again, up to 。！？ or the end of the section) and where the row starts in it."""
    out: list[tuple[str, int]] = []
    group: list[int] = []

    def close() -> None:
        joined = "\n".join(rows[j][1] for j in group)  # a break, where the split took the “；” away
        offset = 0
        for j in group:
            out.append((joined, offset))
            offset += len(rows[j][1]) + 1
        group.clear()

    for i, (where, text) in enumerate(rows):
        if group and where.split(" / ")[0] != rows[group[-1]][0].split(" / ")[0]:
            close()
        group.append(i)
        if text.rstrip()[-1:] in "。！？":
            close()
    if group:
        close()
    return out


def _set_beside_report_year(text: str, start: int, end: int, year: int) -> bool:
    """Whether the sentence of an earlier year (at ``start:end`` of ``text``) also states the report year's
    own facts in the same way ("2020年，共收到申请8件；2021年，共收到申请5件"): the earlier year is then set
    beside it, not written as the year of the report. A report year followed by a plan ("2021年，将…") is
    what a copied report of the earlier year says of its next year, and does not count."""
    first = max(text.rfind(p, 0, start) for p in "。！？") + 1
    ends = [i for i in (text.find(p, end) for p in "。！？") if i >= 0]
    sentence = text[first : min(ends) if ends else len(text)]
    return any(
        int(other.group(1)) == year and not _PLAN.match(sentence[other.end() :])
        for other in _CURRENT_YEAR.finditer(sentence)
    )


def check_stale_years(statements: list[Statement], sections: dict[str, Section], meta: ReportMeta, other_text: str = "") -> list[Finding]:
    """Years and epoch markers in the narrative that belong to an earlier report."""
    if not meta.year:
        return []
    out: list[Finding] = []
    rows: list[tuple[str, str]] = []
    for key in ("overview", "problems"):
        for i, s in indexed(statements, key):
            rows.append((where_of(s, i, sections), s.text))
    if other_text.strip():
        for i, sent in enumerate((x for x in re.split(r"(?<=[。；！？])", other_text) if x.strip()), 1):
            rows.append((f"{section_name('other', sections)} / 第{i}句", sent))
    seen_years: set[int] = set()
    # The markers that can apply at all: outside their years and found somewhere in the text (a match
    # inside one row is a match in the rows joined by a line break, which no marker pattern reads).
    joined = "\n".join(text for _, text in rows)
    markers = [mk for mk in EPOCH_MARKERS if not mk.first <= meta.year <= mk.last and meta.year >= mk.first and mk.pattern.search(joined)]
    for (where, text), (sentence, offset) in zip(rows, _sentences(rows)):
        for m in _CURRENT_YEAR.finditer(text):
            y = int(m.group(1))
            if y >= meta.year or y < 1990 or y in seen_years:
                continue
            window = text[max(0, m.start() - 12) : m.end() + 16]
            if _YEAR_OK_CONTEXT.search(window) or _set_beside_report_year(sentence, offset + m.start(), offset + m.end(), meta.year):
                continue
            seen_years.add(y)
            quote = shorten_around(text, m.group(0))
            out.append(
                Finding(
                    "narrative.stale_year",
                    "warning",
                    f"{meta.year}年度报告中把{y}年当作本年度来写：“{quote}”，疑为沿用往年报告文字，请核实年份。"
                    + (YEAR_INFERRED_NOTE.format(year=meta.year) if meta.year_inferred else ""),
                    where,
                    status="uncertain" if meta.year_inferred else "confirmed",
                    quote=quote,
                    data={"year": y, "report_year": meta.year},
                )
            )
        for marker in markers:  # a later term in an earlier report is another problem (wrong year), not this rule
            for m in marker.pattern.finditer(text):
                if _SINCE.match(text[m.end() :]):
                    continue
                if marker.unless and marker.unless.search(text):
                    continue
                phrase = m.group(0)
                uncertain = (marker.soft and meta.year == marker.last + 1) or meta.year_inferred
                quote = shorten_around(text, phrase)
                out.append(
                    Finding(
                        "narrative.stale_year",
                        "warning",
                        f"{meta.year}年度报告仍以“{phrase}”为当前提法（{marker.why}）：“{quote}”，疑为沿用往年报告文字。"
                        + (YEAR_INFERRED_NOTE.format(year=meta.year) if meta.year_inferred else ""),
                        where,
                        status="uncertain" if uncertain else "confirmed",
                        quote=quote,
                        data={"marker": phrase, "valid_until": marker.last, "report_year": meta.year},
                    )
                )
                break
    return out


# --- narrative.boilerplate ----------------------------------------------------------------------------


def check_boilerplate(statements: list[Statement], share: float | None, sections: dict[str, Section]) -> list[Finding]:
    """narrative.boilerplate: stock phrasing above ``BOILERPLATE_SHARE`` of the narrative's characters."""
    if share is None or share <= BOILERPLATE_SHARE:
        return []
    marked = [s for s in statements if s.boilerplate]
    example = shorten(marked[0].text) if marked else ""
    return [
        Finding(
            "narrative.boilerplate",
            "info",
            f"总体情况和存在问题部分约{share:.0%}的文字为多数报告通用的套话（如“{example}”），反映本机关实际工作的具体内容偏少。",
            f"{section_name('overview', sections)}；{section_name('problems', sections)}",
            quote=example,
            data={"boilerplate_share": round(share, 4), "statements": len(marked)},
        )
    ]
