"""What a sentence of 总体情况 says about one number: a typed claim (issue 9, class 3).

A number in the narrative may be compared with a table cell only when the
sentence speaks of the same thing, for the same scope and the same period. A
:class:`Claim` holds that reading explicitly, with the cue words that decided
each part, so a finding built on it can say why it compared what it compared:

``thing``   what is counted: ``applications``, ``review``, ``litigation``,
            ``documents`` (information published, files issued), or ``""``.
``role``    which quantity of that thing: ``received``, ``handled``,
            ``carried_over``, ``carried_forward``, an outcome (``granted``,
            ``denied`` …), a result of review/litigation (``upheld`` …), an
            applicant type (``natural_person`` …), ``in_force`` …
``scope``   ``whole`` (the reporting agency as a whole), ``sub`` (a named
            office, department, township, an office acting for its government,
            a channel) or ``part`` (an item of a "其中…" list the tables do not
            hold), ``unknown``.
``period``  ``year`` (the report's year), ``other`` (上年, 同比, 累计, 截至…, an
            explicit other year, a part of the year) or ``unknown``.

The reading is lexical, over small cue vocabularies: a number is read with the
words since the previous number (its *label*) and the words right after its
unit (its *tail*). Items of a "其中/涉及/包括" list are parts of the count
before them; a bare outcome ("不予公开5件") takes the paragraph's current
thing, so the same words about documents ("全年共制发政府信息…，其中…不予公开c条")
are never read as applications. When the sense cannot be told the claim's
``quantity`` is ``""`` and nothing is compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from analyzer.ingest.normalize import nfkc

UNITS = "件条宗起个份项"
_NUMBER = re.compile(rf"(?<![\d.．])(?<!\d,)(\d{{1,3}}(?:,\d{{3}})+|\d+)\s*(余|多)?\s*([{UNITS}])")
_SEP = r"[，,；;：:、（）()\s]"
_CLAUSE_END = re.compile(r"[，,；;：:（）()、。\d]")
_APPROX = re.compile(r"(?:近|约|逾|超过|将近|大约|超)$")

# ---- what is counted --------------------------------------------------------------------------
_REVIEW = re.compile(r"行政复议|复议(?!后起诉)")
_LITIGATION = re.compile(r"行政诉讼|诉讼|起诉")
_APPLICATION = re.compile(r"(?<!依)申请(?!人)|办件|申请件")
_DOCUMENT = re.compile(r"(?:政府)?信息(?!公开(?:工作)?(?:申请|年报|年度报告|工作))|文件|规章|解读|公告|篇|稿件|动态")
_BY_REQUEST = re.compile(r"依申请")
# things that are not applications although handled like them
_NOT_APPLICATION = re.compile(r"咨询|诉求|信访|来电|来信|留言|投诉|举报|建议|提案|热线|案件|事项|纠纷|问题|人次|批次")
# a channel or a sub-kind of applications: a part of the count, not its total
_CHANNEL = re.compile(r"网上|网络|当面|现场|信函|邮寄|电子邮件|传真|平台|窗口|电话|线上|线下")

# ---- which quantity of it ---------------------------------------------------------------------
_CARRIED_OVER = re.compile(r"(?:上一?年度?|往年|(?:19|20)\d{2}\s*年度?)\s*结转|结转(?:自)?上一?年度?")
_CARRIED_FORWARD = re.compile(r"结转(?:至|到)?\s*(?:下一?年度?|(?:19|20)\d{2}\s*年)|转(?:入|至|到)?下一?年度|顺延(?:至|到)?下一?年度?|待下一?年度")
_RECEIVED = re.compile(r"新收|收到|受理|接收|收悉|共收|申请(?:总)?数量?(?:为|共|达)")
_HANDLED = re.compile(r"办结|答复|办理完毕|处理完毕|办理")
_OUTCOMES = (  # most specific first
    ("granted_and_partial", re.compile(r"(?:予以|同意|全部)?公开(?:及|和|与|、|或)部分公开")),
    ("granted", re.compile(r"(?:予以|同意|全部)公开(?!及|和|与|、|或)")),
    ("partially_granted", re.compile(r"(?<![及和与、或])部分公开")),
    ("denied", re.compile(r"不予公开")),
    ("unable", re.compile(r"无法提供")),
    ("not_processed", re.compile(r"不予处理")),
    ("other_processing", re.compile(r"其他处理")),
)
_CASE_RESULTS = (
    ("upheld", re.compile(r"维持")),
    ("corrected", re.compile(r"纠正|纠错|撤销|确认违法")),
    ("other", re.compile(r"其他结果")),
    ("pending", re.compile(r"尚未审结|未审结|未结")),
)
_IN_FORCE = re.compile(r"现行有效(?:的)?(?:行政)?(规范性文件|规章)")
# an action on a batch of documents: the count is of that action, not the stock in force
_DOC_ACTION = re.compile(r"清理|发布|公布|梳理|汇编|集中|入库|上传|更新|公开|制发|审核|备案|废止|修改|修订|印发|报送|录入")

# ---- a part of the count before it ------------------------------------------------------------
_SUBSET = re.compile(r"其中|涉及|包括|包含|分别为|分别是|^\s*含")

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
_WHOLE = re.compile(r"全[区县市镇乡州省旗盟局委]|全系统|我[区县市镇乡州省旗局委办厅院镇街]|本(?:机关|单位|部门|局|委|办|厅|院|镇|乡|街道|区|县|市)")
_SUB_MARKERS = re.compile(r"各(?:乡镇|镇|乡|街道|部门|单位|委办局|局|处室|科室|区|县)|[区县市]直|本级|下属|所属|直属|分局|处室|科室|村|社区")
_UNIT = re.compile(r"[\u4e00-\u9fa5]{1,12}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|政府办|办公室|办公厅|管委会|管理委员会|委员会|政府|部门|单位|机关|局|委|中心|街道办事处|街道|乡镇|镇|乡)")
_ZONE_CUT = re.compile(r"[^\u4e00-\u9fa5]|的|在|由|对|向|和|及|与|共|经|为|代表|作为|按照|根据|通过|依托|严格|依法|全年")


@dataclass(frozen=True)
class Claim:
    """One number of the narrative and what it is read to count."""

    number: int
    unit: str
    phrase: str  # the words quoted: label + number + unit
    sentence: str
    thing: str = ""
    role: str = ""
    scope: str = "unknown"
    period: str = "unknown"
    cues: tuple[str, ...] = ()
    part_of: int | None = None  # index, among its sentence's claims, of the count this one is a part of
    sid: int = 0  # which sentence of the text
    approximate: bool = False
    includes_carried_over: bool = False  # "12件（含上年结转2件）": new and carried over mixed, not compared
    why_not: str = ""  # why it is not compared, when it is not

    @property
    def quantity(self) -> str:
        """The table quantity it states ("applications.received" …), or "" when it cannot be told."""
        if not self.thing or not self.role or self.approximate:
            return ""
        return f"{self.thing}.{self.role}"

    @property
    def comparable(self) -> bool:
        return bool(self.quantity) and self.scope == "whole" and self.period == "year" and not self.includes_carried_over

    def as_data(self) -> dict:
        return {
            "quantity": self.quantity, "thing": self.thing, "role": self.role, "scope": self.scope,
            "period": self.period, "number": self.number, "unit": self.unit, "cues": list(self.cues),
            "includes_carried_over": self.includes_carried_over,
        }


@dataclass
class _Context:
    agency: str | None
    year: int | None
    topic: str = ""  # the paragraph's current thing


def read_claims(text: str, agency: str | None = None, year: int | None = None) -> list[Claim]:
    """Every counted number of the text, read as a claim (paragraph by paragraph, sentence by sentence)."""
    out: list[Claim] = []
    sid = 0
    for paragraph in nfkc(text).split("\n"):
        ctx = _Context(agency, year)
        for sentence in re.split(r"(?<=[。；;！!？?])", paragraph):
            if sentence.strip():
                out.extend(replace(c, sid=sid) for c in _read_sentence(sentence.strip(), ctx))
                sid += 1
    return out


def sentences(text: str) -> list[str]:
    """The text's sentences (split at 。；！？ and line ends), NFKC-normalised."""
    return [s.strip() for s in re.split(r"(?<=[。；;！!？?\n])", nfkc(text)) if s.strip()]


def _read_sentence(sentence: str, ctx: _Context) -> list[Claim]:
    """The claims of one sentence, in order; items of a "其中" list point at the count they divide."""
    claims: list[Claim] = []
    head: int | None = None
    subset = False
    prev_end = 0
    scope = ("unknown", "")
    lead = _lead_period(sentence, ctx.year)
    for m in _NUMBER.finditer(sentence):
        label, prev_end = sentence[prev_end : m.start()], m.end()
        tail = _CLAUSE_END.split(sentence[m.end() :], maxsplit=1)[0]
        near = re.split(r"[，,；;：:]", label)[-1]
        subset = subset or bool(_SUBSET.search(near) or _SUBSET.search(label.lstrip("，,、：:（( ")[:3]))
        if not claims:
            scope = _scope(label, ctx.agency)
        divided = claims[head] if subset and head is not None else None
        claim = _read_item(sentence, label, near, tail, m, ctx, divided, head)
        claim = _situate(claim, label if not claims else near, near + tail, scope, lead, ctx.year, divided)
        if claim.part_of is None:
            head = len(claims)
            if claim.thing:
                ctx.topic = claim.thing
        claims.append(claim)
    return claims


def _situate(claim: Claim, before: str, words: str, scope: tuple[str, str], lead: tuple[str, str], year: int | None,
             head: Claim | None = None) -> Claim:
    """The claim with its scope and period, and the cues that decided them."""
    period, pcue = _period(before, year)
    if lead[0] != "year" and period == "year":
        period, pcue = lead
    s, scue = scope
    if head is not None and head.scope != "whole":
        s, scue = head.scope, "所属总数的范围"
    if claim.part_of is not None and claim.role == "part":
        s, scue = "part", "其中"
    elif claim.thing == "applications" and (ch := _CHANNEL.search(words)):
        s, scue = "sub", ch.group(0)
    return replace(claim, scope=s, period=period, cues=tuple(c for c in (*claim.cues, scue, pcue) if c))


def _read_item(sentence: str, label: str, near: str, tail: str, m: re.Match, ctx: _Context, head: Claim | None, head_index: int | None) -> Claim:
    number, approx, unit = int(m.group(1).replace(",", "")), bool(m.group(2)), m.group(3)
    approx = approx or bool(_APPROX.search(label.rstrip()))
    phrase = (near.strip(" ，,、：:（(") + m.group(0) + tail).strip()
    base = Claim(number, unit, phrase, sentence, approximate=approx)
    words = near + "｜" + tail
    if head is not None:
        return replace(_read_part(base, words, ctx.topic, head), part_of=head_index)
    thing, tcue = _thing(words, ctx.topic)
    if not thing:
        return replace(base, why_not="未能判断所计数的对象")
    role, rcue = _role(thing, words)
    incl = bool(thing == "applications" and role == "received"
                and re.match(r"\s*[（(]?\s*(?:含|包括)[^）)]{0,8}结转", sentence[m.end() :]))
    return replace(base, thing=thing, role=role, cues=tuple(c for c in (tcue, rcue) if c), includes_carried_over=incl)


def _read_part(base: Claim, words: str, topic: str, head: Claim) -> Claim:
    """An item of a "其中…" list: a known part of the count before it, or a part the tables do not hold."""
    if topic == "applications" and head.thing == "applications":
        for key, pat in _OUTCOMES:
            if (hit := pat.search(words)) and not _other_outcome(words, key):
                return replace(base, thing=topic, role=key, cues=(hit.group(0),))
    if head.thing in ("review", "litigation") and head.role == "total":
        for key, pat in _CASE_RESULTS:
            if hit := pat.search(words):
                return replace(base, thing=head.thing, role=key, cues=(hit.group(0),))
    return replace(base, thing=head.thing, role="part", why_not="“其中”所列部分数，表格无对应单元格")


def _other_outcome(words: str, key: str) -> bool:
    """Two different outcomes named for one number ("不予公开、无法提供共10件"): which one is not told."""
    found = {k for k, p in _OUTCOMES if p.search(words)}
    found -= {"granted", "partially_granted"} if key == "granted_and_partial" else set()
    return len(found) > 1


def _thing(words: str, topic: str) -> tuple[str, str]:
    """What the number counts, with the cue that says so; "" when it cannot be told."""
    rev, lit = _REVIEW.search(words), _LITIGATION.search(words)
    if rev and lit:
        return "", ""
    if rev or lit:
        return ("review", rev.group(0)) if rev else ("litigation", lit.group(0))
    if _NOT_APPLICATION.search(words):
        return "", ""
    app, doc = _last(_APPLICATION, words), _last(_DOCUMENT, words)
    if app and doc:
        return ("applications", app.group(0)) if app.start() > doc.start() else ("documents", doc.group(0))
    if app or doc:
        return ("applications", app.group(0)) if app else ("documents", doc.group(0))
    if any(p.search(words) for _, p in _OUTCOMES):
        # a bare outcome names applications only where the paragraph speaks of applications
        return (topic, "") if topic == "applications" else ("", "")
    by_request = _BY_REQUEST.search(words)
    acted = _RECEIVED.search(words) or _HANDLED.search(words) or _CARRIED_OVER.search(words) or _CARRIED_FORWARD.search(words)
    if acted and (by_request or topic == "applications"):
        return "applications", (by_request.group(0) if by_request else "")
    return "", ""


def _last(pat: re.Pattern[str], text: str) -> re.Match | None:
    found = list(pat.finditer(text))
    return found[-1] if found else None


def _role(thing: str, words: str) -> tuple[str, str]:
    if thing in ("review", "litigation"):
        if re.search(r"复议后|直接起诉|未经复议", words):
            return "", ""  # one group of litigation only
        return "total", ""
    if thing == "documents":
        hit = _IN_FORCE.search(words)
        if hit and not _DOC_ACTION.search(words.replace(hit.group(0), "")):
            return ("in_force_rules" if hit.group(1) == "规章" else "in_force_normative"), hit.group(0)
        return "", ""
    for key, pat in _OUTCOMES:
        if (hit := pat.search(words)) and not _other_outcome(words, key):
            return key, hit.group(0)
    for key, pat in (("carried_forward", _CARRIED_FORWARD), ("carried_over", _CARRIED_OVER)):
        if hit := pat.search(words):
            return key, hit.group(0)
    rec, han = _RECEIVED.search(words), _HANDLED.search(words)
    if rec and han:
        return "", ""  # "受理并办结…": which one is not told
    if rec:
        return "received", rec.group(0)
    if han:
        return "handled", han.group(0)
    return "", ""


# ---- period ---------------------------------------------------------------------------------


def _lead_period(sentence: str, year: int | None) -> tuple[str, str]:
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


def _period(text: str, year: int | None) -> tuple[str, str]:
    """Is the number about the report's year? ``text`` is the words before it in its clause."""
    t = _CARRIED_OVER.sub("", _CARRIED_FORWARD.sub("", text))  # 上年结转 / 结转至2026年 name quantities
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


# ---- scope ----------------------------------------------------------------------------------


def _scope(label: str, agency: str | None) -> tuple[str, str]:
    """Whose count the sentence gives: the reporting agency as a whole, or a unit of it.

    ``label`` is the sentence up to its first number; its subject is the part
    before the first cue of what is counted.
    """
    zone = _subject_zone(label)
    if hit := _ON_BEHALF.search(zone):
        # "区政府办代表区政府受理…": the office's own share, unless the office is who reports
        whole = bool(agency and _OFFICE_AGENCY.search(agency) and _is_agency(zone[: hit.end(1)], agency))
        return ("whole" if whole else "sub"), hit.group(0)
    if hit := _SUB_MARKERS.search(zone):
        return "sub", hit.group(0)
    rest = _WHOLE.sub("｜", _TIME_WORDS.sub("｜", zone))
    for chunk in _ZONE_CUT.split(rest):
        for unit in _UNIT.finditer(chunk):
            mention = chunk[: unit.end()]
            if agency is None:
                return "unknown", mention
            if not _is_agency(mention, agency):
                return "sub", mention
    whole = _WHOLE.search(zone)
    return "whole", whole.group(0) if whole else ""


def _subject_zone(label: str) -> str:
    """The words before the first cue of what is counted or of what was done with it."""
    cut = len(label)
    for pat in (_APPLICATION, _DOCUMENT, _REVIEW, _LITIGATION, _RECEIVED, _HANDLED, _BY_REQUEST, _CARRIED_OVER, _CARRIED_FORWARD):
        if m := pat.search(label):
            cut = min(cut, m.start())
    return label[:cut]


def _is_agency(mention: str, agency: str) -> bool:
    """"市科委" names 上海市科学技术委员会, "市政府办公厅" 上海市人民政府办公厅: its characters in order."""
    mention = re.sub(r"^[我本该]", "", mention)
    if len(mention) < 2:
        return True
    it = iter(agency)
    return all(ch in it for ch in mention)
