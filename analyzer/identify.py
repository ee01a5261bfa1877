"""Who wrote the report, for which year, on which template, and when it was published."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from analyzer.agency import full_name, is_national, level_of, looks_like_agency, place_chain
from analyzer.dates import CN_DIGITS, SIGNATURE_DATE_RE, is_date_only, parse_date
from analyzer.ingest.layout import PAGE_NUMBER_RE
from analyzer.ingest.normalize import compact
from analyzer.model import YEAR_INFERRED, Document, ReportMeta, Section
from analyzer.templates import detect_template as _detect_template

_TITLE_WORDS = re.compile(r"(?:政府|政务)?信息公开.{0,10}报告|政务公开.{0,10}报告|信息公开年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年度?")
_PERIOD = re.compile(r"(?:统计期限|统计周期|统计时限|统计时间|数据统计)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR_ANY = re.compile(r"(?<![〔\[【(（0-9])((?:19|20)\d{2})\s*年(?!\s*第?\d+号)")
_BARE_YEAR = re.compile(r"[（(]?(?:19|20)\d{2}\s*年度?[）)]?")
_OVERVIEW = re.compile(r"[一1]\s*[、.．]\s*总\s*体\s*情\s*况")
# Where the report's own words start: the title ends before them.
_REPORT_WORDS = re.compile(r"(?:关于)?(?:本?(?:行政区域|部门|机关|单位|系统))?(?:政府|政务)?(?:信息公开|政务公开)")
# A sentence is never a title: it opens with a citation or a reason, cites a document, or says what follows.
_SENTENCE_OPENING = re.compile(r"^(?:根据|按照|依据|依照|遵照|对照|参照|结合|为了|为进一步|为深入|为贯彻|本报告|本年度|现将|现就|现予|特此)")
_SENTENCE_MARKS = re.compile(r"[。；！？，：:;!?,]|《|》|以下简称|现将|现公布|特编制|如下")
# Separators of a page title ("标题_网站名", "标题 - 网站名", "Microsoft Word - 标题").
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|——|--|\s[-—–]\s)\s*")
# Containers' titles, in the order they are trusted after the body's own title.
METADATA_TITLES = (("标题", "网页标题"), ("h1", "网页标题"), ("docx_title", "文档属性"), ("pdf_title", "文档属性"))
MAX_TITLE = 64
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_YEAR = re.compile(r"([二][〇○Ｏ零一二三四五六七八九]{3})年")


@dataclass(frozen=True)
class TitleCandidate:
    """One place that may name the report: its text, where it was found, what it names."""

    text: str
    source: str  # 正文, 网页标题, 文档属性
    agency: str | None
    year: int | None


def identify(doc: Document) -> ReportMeta:
    candidates = title_candidates(doc)
    best = choose_title(candidates)
    title = best.text if best else None
    text = doc.text
    # The 落款 date is no year spoken of: signed in the next year, it would outnumber a year said once.
    signed_on = signature_date(doc)
    spoken = text[: text.rindex(signed_on)] if signed_on and signed_on in text else text
    year, year_from = _first_year(
        ("标题", lambda: (best.year if best else None) or next((c.year for c in candidates if c.year), None)),
        ("统计期限", lambda: year_from_period(text)),
        ("落款日期", lambda: year_from_signature(doc)),
        ("正文", lambda: year_from_text(spoken)),
    )
    if year_from == "正文" and not year_spoken_clearly(spoken):
        year_from = YEAR_INFERRED  # another year is said nearly as often: a guess, on which no finding rests
    agency = best.agency if best else None
    signed = signature_agency(doc) or byline_agency(doc) or maker_agency(doc) or publisher(doc)
    # The 落款 (else the page's 发布机构) names the body when no title does, or completes
    # one named without its place (公安局 → 平潭综合实验区公安局).
    if signed and (agency is None or (signed != agency and signed.endswith(agency) and not place_chain(agency))):
        agency = signed
    published, published_from = find_published(doc, year)
    return ReportMeta(
        title=title,
        agency=agency,
        level=level_of(agency),
        year=year,
        template=detect_template(text),
        published=published,
        published_from=published_from,
        year_from=year_from,
    )


def _first_year(*sources) -> tuple[int | None, str | None]:
    """The year of the first source (name, reader) that gives one, and that source's name."""
    for name, read in sources:
        if (year := read()) is not None:
            return year, name
    return None, None


def choose_title(candidates: list[TitleCandidate]) -> TitleCandidate | None:
    """The first candidate that names an agency and a year, else one that names an agency, else any title."""
    for want in (lambda c: c.agency and c.year, lambda c: c.agency, lambda c: True):
        found = next((c for c in candidates if want(c)), None)
        if found is not None:
            return next((c for c in candidates if want(c) and _names_its_national_body(c, found)), found)
    return None


def _names_its_national_body(longer: TitleCandidate, found: TitleCandidate) -> bool:
    """``longer`` names ``found``'s agency after the national body it belongs to, on the line before
    ("国家税务总局" / "上海市税务局2021年…", a title cut by a line or a page's number): the office's full name."""
    if not (longer.agency and found.agency) or longer.agency == found.agency or not longer.agency.endswith(found.agency):
        return False
    head = longer.agency[: -len(found.agency)]
    return head == "中华人民共和国" or (is_national(head) and looks_like_agency(head))


def title_candidates(doc: Document) -> list[TitleCandidate]:
    """Every title the document offers, body first (its lines before 一、总体情况), then its containers'."""
    out: list[TitleCandidate] = []
    for text in _body_title_texts(doc):
        if c := _candidate(text, "正文"):
            out.append(c)
    for key, source in METADATA_TITLES:
        raw = doc.metadata.get(key, "")
        # The whole value, or the part of it that is the title ("标题_网站名", "Microsoft Word - 标题.doc").
        found = [c for part in [raw, *_TITLE_SEPARATORS.split(raw)] if (c := _candidate(part, source))]
        if found:
            out.append(choose_title(found))
    return out


def _body_title_texts(doc: Document) -> list[str]:
    """Lines before 一、总体情况: each alone, then joined by twos and threes (a title split over lines)."""
    return _windows(_head_lines(doc))


def _head_lines(doc: Document) -> list[str]:
    """The document's first lines, up to 一、总体情况."""
    lines: list[str] = []
    for b in [b for b in doc.blocks if b.kind != "table"][:12]:
        for raw in b.text.split("\n")[:3]:
            line = compact(raw.lstrip("#"))
            if PAGE_NUMBER_RE.match(line):
                continue  # a page's number kept by a PDF's conversion may stand inside the title ("…人民政府办 / - 1 - / 公室…")
            head = _OVERVIEW.search(line)
            if head:
                line = line[: head.start()]
            if line:
                lines.append(line)
            if head:
                return lines
    return lines


def _windows(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.append(line)
        # A title run into the text that follows it: "…年度报告根据《条例》…".
        m = re.match(r"^(.{4,60}?(?:报告|年报))", line)
        if m and m.group(1) != line:
            out.append(m.group(1))
    for line, after in zip(lines, lines[1:]):
        # The year under the title on a line of its own: "政府信息公开工作年度报告 / （2021年度）".
        if _BARE_YEAR.fullmatch(after) and _TITLE_WORDS.search(line):
            out.append(line + after)
    for n in (2, 3):
        for i in range(len(lines) - n + 1):
            head, last = lines[i : i + n - 1], lines[i + n - 1]
            # Only short lines without a sentence or the report's words continue on the next line.
            if all(len(h) <= 30 and not _SENTENCE_MARKS.search(h) and not _TITLE_WORDS.search(h) for h in head):
                out.append("".join(head) + last)
    return out


def _candidate(text: str, source: str) -> TitleCandidate | None:
    text = clean_title(text)
    if not text or not is_title(text):
        return None
    agency = agency_from_title(text)
    return TitleCandidate(text, source, agency, year_from_title(text))


def clean_title(text: str) -> str:
    """A title as it names the report: breadcrumbs, a file extension, enclosing 《》 or quotes and the wrapping
    "关于印发…的通知" removed; years in Chinese numerals or full-width digits written as digits."""
    text = _strip_breadcrumb(re.sub(r"^(?:标题|题目|名称)[:：]", "", compact(text).translate(_DIGITS)))
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(CN_DIGITS) + "年", text)
    text = re.sub(r"\.(?:docx?|wps|pdf|html?)$", "", text, flags=re.I)
    for left, right in (("《", "》"), ("“", "”"), ('"', '"'), ("「", "」"), ("『", "』")):
        if len(text) > 2 and text.startswith(left) and text.endswith(right) and text.count(left) == 1:
            text = text[1:-1]
    m = re.search(r"关于(?:印发|公布|发布)《?(.+?)》?的(?:通知|公告)$", text)
    return m.group(1) if m else text


def is_title(text: str) -> bool:
    """A line naming the report, not a sentence: short, no sentence marks, no citation, no opening of a reason."""
    return (
        len(text) <= MAX_TITLE
        and bool(_TITLE_WORDS.search(text))
        and not _SENTENCE_OPENING.match(text)
        and not _SENTENCE_MARKS.search(text)
    )


def _strip_breadcrumb(title: str) -> str:
    """A crawler line "当前位置：首页>…>年报平潭…报告" keeps only the title at its end."""
    for sep in ("政府信息公开年报", "当前位置"):
        if title.count(sep) and not title.startswith(sep) and title.index(sep) < len(title) - 12:
            title = title.split(sep)[-1] or title
    m = re.search(r"[>»](?=[^>»]*$)", title)
    return title[m.end():] if m else title


def year_from_title(title: str | None) -> int | None:
    if not title:
        return None
    m = _YEAR.search(title)
    return int(m.group(1)) if m else None


def year_from_period(text: str) -> int | None:
    m = _PERIOD.search(compact(text)[:20000])
    return int(m.group(1)) if m else None


# A report is signed after its year ends, by the deadline of 《条例》第四十九条 (1月31日, 3月31日 for a
# government's) or a little after; a 落款 dated in a year's first half names the year before.
SIGNED_BY_MONTH = 6


def signature_date(doc: Document) -> str | None:
    """The date of the 落款, as written: the last date ending one of the document's last lines."""
    return next((m.group(0) for line in reversed(_last_lines(doc)) if (m := _last_date(line)) is not None), None)


def _last_lines(doc: Document) -> list[str]:
    """The document's last six lines of text, where a 落款 stands."""
    blocks = [b for b in doc.blocks if b.kind != "table"][-4:]
    lines = [compact(x) for b in blocks for x in b.text.split("\n") if compact(x)]
    return [x for x in lines if not PAGE_NUMBER_RE.match(x)][-6:]  # a page's number is no line of the 落款


def year_from_signature(doc: Document) -> int | None:
    """The year before the 落款 date when that date falls in a year's first half (signed late: not told)."""
    written = signature_date(doc) or ""
    # A whole date (also in Chinese numerals), else a month alone ("2022年1月").
    m = re.fullmatch(r"(\d{4})-(\d{2})-\d{2}", parse_date(written) or "") or re.match(r"(\d{4})年(\d{1,2})月", written)
    if m is None:
        return None
    return int(m.group(1)) - 1 if int(m.group(2)) <= SIGNED_BY_MONTH else None


_COMPARED_YEAR = re.compile(
    r"(?:较|比|与|同比|环比|相比|低于|高于|多于|少于|上年|去年|上一?年度?)[（(]?(?:19|20)\d{2}\s*年度?[）)]?"
    r"|(?:19|20)\d{2}\s*年度?同期"
)


def _year_counts(text: str) -> Counter:
    """How often each year is spoken of in the first part of the report, less citations and comparisons."""
    sample = re.sub(r"《[^》]{0,60}》|〔\d{4}〕|\[\d{4}\]", "", compact(text)[:8000])
    # A year the report compares with is not its own ("较2022年增长", "2022年同期", "上年（2022年）").
    sample = _COMPARED_YEAR.sub("", sample)
    return Counter(int(y) for y in _YEAR_ANY.findall(sample) if 1990 <= int(y) <= 2100)


def year_from_text(text: str) -> int | None:
    """The year most spoken of in the first part of the report (titles without a year, seed 004)."""
    years = _year_counts(text)
    return years.most_common(1)[0][0] if years else None


def year_spoken_clearly(text: str) -> bool:
    """Whether the text's most spoken year stands out: said at least twice and twice as often as any other."""
    counts = [n for _, n in _year_counts(text).most_common(2)]
    return bool(counts) and counts[0] >= 2 and (len(counts) == 1 or counts[0] >= 2 * counts[1])


def agency_from_title(title: str | None) -> str | None:
    """The agency a title names, in full (:func:`analyzer.agency.full_name`), or None when it names none."""
    if not title:
        return None
    name = _YEAR.sub("", compact(title))
    m = _REPORT_WORDS.search(name)
    if m is None:
        return None
    name = re.sub(r"(?:关于|的)+$", "", name[: m.start()])
    name = re.sub(r"^关于", "", name)
    # 某县人民政府（县政府办公室） → 某县人民政府; a bracket inside the name is its own (中国（江苏）自由贸易试验区…).
    name = re.sub(r"[（(][^）)]*[）)]$", "", name)
    name = full_name(name) if name else ""
    return name if looks_like_agency(name) else None


def publisher(doc: Document) -> str | None:
    """The 发布机构 a crawler header names, when it is an agency (a page's site name is not: it may host others')."""
    name = full_name(doc.metadata["发布机构"]) if doc.metadata.get("发布机构") else ""
    return name if looks_like_agency(name) else None


def byline_agency(doc: Document) -> str | None:
    """The body named on a line of its own under the title, before 一、总体情况 (a byline). Only under
    it: a name above the title may be the site's (a government's portal carries its departments' reports)."""
    lines = _head_lines(doc)
    title_at = next((i for i, line in enumerate(lines) if is_title(clean_title(line))), None)
    if title_at is None:
        return None
    # A PDF joins a byline centred under the title to the title's line: "…年度报告殷都区人民政府办公室".
    ran_on = re.match(r"^.{4,60}?(?:报告|年报)[（(]?(.+?)[）)]?$", lines[title_at])
    for line in ([ran_on.group(1)] if ran_on else []) + lines[title_at + 1:]:
        name = full_name(line.strip("()（）"))
        if len(line) <= 40 and not _TITLE_WORDS.search(line) and looks_like_agency(name):
            return name
    return None


# The preamble saying who made the report: "本报告由殷都区人民政府办公室根据《条例》编制",
# "郑州市金水区财政局根据《条例》要求编制本报告", "…要求，殷都区财政局编制了本报告".
_MAKER_NAME = r"([^，。；、《》“”\s]{3,40}?)"
_MAKER = re.compile(
    rf"由{_MAKER_NAME}(?:(?:根据|按照|依据|依照|结合|负责|组织|汇总)[^。；]{{0,80}}?)?(?:编制|编写|起草|制作|形成)"
    rf"|(?:^|[。；，,]){_MAKER_NAME}(?:(?:根据|按照|依据|依照|结合)[^。；]{{0,80}}?)?(?:编制|编写|制作)(?:了|完成)?[^。；]{{0,30}}?报告"
)


def maker_agency(doc: Document) -> str | None:
    """The body the preamble says made the report (before 一、总体情况), when it is an agency."""
    for line in _head_lines(doc):
        for m in _MAKER.finditer(line):
            name = next(g for g in m.groups() if g)
            # Named as an agency ends, as written: a bare place here (由安阳市…) is no body that reports.
            if looks_like_agency(name):
                return full_name(name)
    return None


# A seal mark after the signer's name: "殷都区人民政府办公室（盖章）".
_SEAL = re.compile(r"[（(](?:盖章|印章|公章|签章|章)[）)]$")


def signature_agency(doc: Document) -> str | None:
    """The body signing the report (落款): the name above the date at the end, or before it on one line,
    or, with no date, the name alone on the last line. The date may be a month, or in Chinese numerals."""
    lines = _last_lines(doc)
    for i in range(len(lines) - 1, -1, -1):
        m = _last_date(lines[i])
        if is_date_only(lines[i]):
            names = [lines[i - 1]] if i > 0 else []
        elif m is not None:
            # The seal mark first: "殷都区人民政府（盖章） 2022年1月20日" is signed, its ）ends no sentence.
            names = [re.split(r"[。；！？）)」”]", _SEAL.sub("", lines[i][: m.start()].strip()))[-1]]
        elif i == len(lines) - 1 and doc.format != "html":
            # No date: the signer alone on the last line. Not on a web page, whose last line may be
            # its footer naming the site's owner (a government's portal carries its departments' reports).
            names = [lines[i]]
        else:
            continue
        for name in names:
            name = full_name(_SEAL.sub("", name.strip())) if name else ""
            if looks_like_agency(name):
                return name
        if m is not None:
            break  # the last date is the 落款's: nothing above it signs
    return None


def _last_date(line: str) -> re.Match | None:
    """A 落款 date ending the line (a character of slack for a closing mark)."""
    m = None
    for m in SIGNATURE_DATE_RE.finditer(line):
        pass
    return m if m is not None and m.end() >= len(line) - 1 else None


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
            # A line that says it gives the publication date is that, not a 落款 ("依据：落款" was said of it).
            m = re.match(r"^发布(?:时间|日期)[:：](.*)$", s)
            if m and (d := parse_date(m.group(1))):
                return d, "发布时间"
            # The date alone, or after the signing agency ("棉洋镇人民政府2022年1月10日").
            m = _last_date(s) if len(s) <= 40 else None
            if m and m.end() == len(s) and (m.start() == 0 or not s[m.start() - 1].isdigit()):
                d = parse_date(m.group(0))
                if d and (year is None or int(d[:4]) >= year):
                    return d, "落款"
    for key in ("pdf_created", "pdf_modified"):
        value = doc.metadata.get(key)
        if value and (d := parse_date(value)):
            return d, "PDF元数据"
    return None, None


# The heading of a document written about reports (a review letter, a batch's results page, a corpus
# study; this tool writes all three): it names 年度报告 and has sections, yet is no report.
_ABOUT_REPORTS = re.compile(r"(?:年度?报告|年报)》?的?(?:评审意见|评审结果|评分排名|评审排名|语料研究)|^评审意见汇编$")
HEAD_BLOCKS = 3  # where such a heading stands: the first lines, before any cover or greeting is done


def about_reports(doc: Document) -> str | None:
    """The heading that makes ``doc`` a document about reports rather than a report, if any."""
    heads = [compact(b.text) for b in doc.blocks if b.text.strip()][:HEAD_BLOCKS]
    return next((h for h in heads if len(h) <= MAX_TITLE + 16 and _ABOUT_REPORTS.search(h)), None)


def looks_like_report(doc: Document, meta: ReportMeta, sections: dict[str, Section]) -> bool:
    """A 年度报告 names itself so, or has at least two of the template's sections or its tables."""
    if meta.title:
        return True
    if len(sections) >= 2:
        return True
    c = compact(doc.text)
    return "本年新收政府信息公开申请" in c
