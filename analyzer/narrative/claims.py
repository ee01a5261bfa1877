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

A count said in words to be none ("本年度未收到政府信息公开申请", "未发生…行政复议、行政诉讼") is a claim of 0,
read with the same vocabularies and situated the same way; a kind of applicant, a channel, a goal ("确保未发生")
or "尚未" (not yet, at some date) is not compared.

An applicant type's count ("其中自然人申请30件", "收到法人或其他组织提出的申请2件") is the role of that type
(:data:`APPLICANT_TYPES`): its column of 一、本年新收, only where the words name the year's new applications of that
type and nothing else of them (a channel, a result, a matter, a unit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from analyzer.ingest.normalize import nfkc
from analyzer.narrative.claim_context import lead_period, lead_unit, period_of, scope_of
from analyzer.tables import schema

UNITS = "件条宗起个份项"
_NUMBER = re.compile(rf"(?<![\d.．])(?<!\d,)(\d{{1,3}}(?:,\d{{3}})+|\d+)\s*(余|多)?\s*([{UNITS}])")
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
# a channel or a sub-kind of applications: a part of the count, not its total. Applications another body passed on
# (转办, 交办) are such a part too, and whether the table counts them at all depends on who answered them.
_CHANNEL = re.compile(r"网上|网络|当面|现场|信函|邮寄|电子邮件|传真|平台|窗口|电话|线上|线下|转办|转交|转来|交办|移送")

# ---- which quantity of it ---------------------------------------------------------------------
_CARRIED_OVER = re.compile(r"(?:上一?年度?|往年|(?:19|20)\d{2}\s*年度?)\s*结转|结转(?:自)?上一?年度?")
_CARRIED_FORWARD = re.compile(r"结转(?:至|到)?\s*(?:下一?年度?|(?:19|20)\d{2}\s*年)|转(?:入|至|到)?下一?年度|顺延(?:至|到)?下一?年度?|待下一?年度")
_RECEIVED = re.compile(r"新收|收到|接到|受理|接收|收悉|共收|新增|申请(?:总)?(?:数量?|量)(?:为|共|达)?")
_HANDLED = re.compile(r"办结|答复|办理完毕|处理完毕|办理|处理")
# still open at the year's end, or a result of it: not the number handled
_PENDING = re.compile(r"正在|办理中|处理中|在办|未办结|尚未|待办|待答复|逾期")
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
# other words of a case's course or result: the number is a part of the cases, which one is not told
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请")
_CASE_OTHER = re.compile(r"败诉|胜诉|驳回|审结|结案|撤诉|终止|调解|和解|开庭|出庭|应诉")
# An agency takes in (受理) review applications as the reviewing body (复议机关), a court lawsuits; the
# tables count the cases in which the agency is the respondent (被申请人, 被告), which it does not 受理.
# Receiving a review application is the reviewing body's side too ("全年未收到行政复议申请" in a 委's report): the
# respondent is 被申请, and the one who receives an application for review is the body that decides it.
# Where the agency cannot be a reviewing body (a township or 街道, a department's office:
# :func:`analyzer.tables.checks.powers.may_decide_reviews`), a review application it received is one against it.
_TAKES_IN = re.compile(r"(?<!被)受理")
# the agency passed it on (not "区政府转交的申请书副本", a copy the reviewing body sent the respondent)
_PASSED_ON = re.compile(r"(?:转送|转交|转递|转至|转到|移送|移交)(?!的)|告知[^，,。；;]{0,12}向")
_RECEIVES_REVIEW = re.compile(r"(?<!被)(?:收到|接到|接收|收悉)[^，,；;。被]{0,16}?复议申请")
_IN_FORCE = re.compile(r"现行有效(?:的)?(?:行政)?(规范性文件|规章)")
# an action on a batch of documents: the count is of that action, not the stock in force
_DOC_ACTION = re.compile(r"清理|发布|公布|梳理|汇编|集中|入库|上传|更新|公开|制发|审核|备案|废止|修改|修订|印发|报送|录入")
# The year's own rules and normative documents made or repealed (the 2021 table's 本年制发件数, 本年废止件数): the
# verb right before the noun ("全年制发行政规范性文件5件"); 发布/公开 of documents may be of older ones, 起草/代拟/审核 are
# of another body's, and a second action on them ("动态更新本年度制发的规范性文件77件") counts that action.
_MADE = re.compile(r"(?<![起代拟])(?:新)?(制发|制定|出台|印发|废止)(?:了)?(?:行政)?(规范性文件|规章)$")

# ---- a part of the count before it ------------------------------------------------------------
_SUBSET = re.compile(r"其中|涉及|包括|包含|分别为|分别是|^\s*含")

# ---- a count said in words to be none ---------------------------------------------------------
# "本年度未收到政府信息公开申请", "未发生因政府信息公开引起的行政复议、行政诉讼案件": the count is 0 without a
# digit. The negation must govern a verb of receiving or happening (not "未予公开", "无法提供"); "尚未" is
# "not yet" (a state at some date, not the year's count).
_NONE = re.compile(r"(?<!尚)(?:未曾?|没有)(?:被(?:申请|提起|起诉)|收到|接到|接收|受理|发生|产生|出现|有)|(?<![有毫并尚])无(?![法需权论])")
# the thing the negation governs, within its clause
_NONE_OBJECT = re.compile(
    r"[^，,。；;：:（()）]{0,30}?(?:信息公开申请(?!人)|公开申请(?!人)|依申请公开申请(?!人)|行政复议|行政诉讼|复议|诉讼|申请(?!人))"
    r"(?:\s*[、和及与或]\s*(?:被)?(?:申请|提起)?\s*(?:行政)?(?:复议|诉讼))?")
# Who applied or how: "未收到法人或其他组织的申请" is one applicant type's count, a part the total does not say.
_ALL_APPLICANTS = re.compile(r"(?:公民|自然人)、?法人(?:和|或|及|或者|、)?其他组织|任何(?:单位|个人|组织|人)(?:和|或|及)?(?:单位|个人|组织)?|社会公众|群众")
_APPLICANT_PART = re.compile(rf"自然人|公民|法人|组织|企业|机构|个人|纸质|书面|口头|{_CHANNEL.pattern}")
# The applicant types of table 三's columns, as reports name them ("其中自然人申请30件，法人或其他组织申请4件"): the
# template's own labels, 公民 for 自然人, and 法人或其他组织 for its five columns together. Not 企业 (of any kind),
# 个人 (also 个人信息), nor 公民、法人或其他组织 (every applicant: :data:`_ALL_APPLICANTS`).
APPLICANT_TYPES = (
    ("legal_persons", re.compile(r"法人(?:或者?|和|及|与|、)其他组织")),
    ("natural_person", re.compile(r"自然人|公民")),
    *((c.key, re.compile(c.label)) for c in schema.APPLICANTS[1:5]),  # 商业企业 … 法律服务机构
)
# a goal, a condition or a question, not a statement of what happened
_NOT_SAID = re.compile(r"如|若|一旦|确保|力争|杜绝|避免|防止|是否|争取")

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
    scope: tuple[str, str] = ("whole", "")  # whose counts the paragraph gives, unless a sentence says
    disclosure_cases: bool = False  # the paragraph's review/litigation cases are said to concern 信息公开
    decides_reviews: bool = True  # the agency may be a reviewing body (复议机关): a review it receives may be another's

    def decides(self, words: str, sentence: str) -> bool:
        """Whether the words say the agency takes the case in as its reviewing body (or court), or received an
        application it passed on ("收到…行政复议申请1件，已转送区政府": whose case it is, the sentence does not say)."""
        received = _RECEIVES_REVIEW.search(words)
        return bool(_TAKES_IN.search(words) or (received and (self.decides_reviews or _PASSED_ON.search(sentence))))


def read_claims(text: str, agency: str | None = None, year: int | None = None, decides_reviews: bool = True) -> list[Claim]:
    """Every counted number of the text, read as a claim (paragraph by paragraph, sentence by sentence).

    A paragraph that opens on a unit ("区教育局…") speaks for that unit until a
    sentence names another subject; a heading line naming a unit ("（三）区教育局")
    does so for the paragraph after it. ``decides_reviews`` False: the agency cannot be a reviewing body,
    so a review application it received ("收到…行政复议申请2件") is a case against it.
    """
    out: list[Claim] = []
    sid = 0
    carried = ("whole", "")
    for paragraph in nfkc(text).split("\n"):
        ctx = _Context(agency, year, scope=carried, decides_reviews=decides_reviews)
        for sentence in _sentences_of(paragraph):
            if sentence.strip():
                out.extend(replace(c, sid=sid) for c in _read_sentence(sentence.strip(), ctx))
                sid += 1
        heading = len(paragraph.strip()) <= 30 and not re.search(r"[。；;]", paragraph)
        carried = ctx.scope if heading else ("whole", "")
    return out


def _sentences_of(paragraph: str) -> list[str]:
    """The paragraph's sentences; one that opens on "其中" is read with the one before, whose count it divides
    ("共收到申请34件。其中，自然人申请30件…": the items are parts of the 34, and share what is known of it)."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[。；;！!？?])", paragraph):
        if out and re.match(r"\s*其中", sentence):
            out[-1] += sentence
        else:
            out.append(sentence)
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
    lead = lead_period(sentence, ctx.year)
    if opener := lead_unit(sentence, ctx.agency):
        ctx.scope = opener
    for m in _NUMBER.finditer(sentence):
        label, prev_end = sentence[prev_end : m.start()], m.end()
        tail = _CLAUSE_END.split(sentence[m.end() :], maxsplit=1)[0]
        near = re.split(r"[，,；;：:]", label)[-1]
        subset = subset or bool(_SUBSET.search(near) or _SUBSET.search(label.lstrip("，,、：:（( ")[:3]))
        if not claims:
            scope = scope_of(_subject_zone(label), ctx.agency)
            if scope[1]:
                ctx.scope = scope
            else:  # no subject of its own: the paragraph's
                scope = ctx.scope
        divided = claims[head] if subset and head is not None else None
        if divided is not None and _broader(divided, sentence, near):
            # "共收到各类申请8件，其中政府信息公开申请5件": the count before counts more than the tables do,
            # and the item that names the disclosure applications is read on its own.
            claims[head] = replace(divided, role="", why_not="所计包括政府信息公开申请以外的申请")
            divided, subset = None, False
        claim = _read_item(sentence, label, near, tail, m, ctx, divided, head)
        claim = _situate(claim, label if not claims else near, near + tail, scope, lead, ctx.year, divided)
        if claim.part_of is None:
            head = len(claims)
            if claim.thing:
                ctx.topic = claim.thing
        elif claim.role == "part" and re.search("结转", near + tail) and claims[head].role == "received":
            # "共受理98件，其中本年新收95件、上年结转3件": the count mixes in last year's
            claims[head] = replace(claims[head], includes_carried_over=True)
        claims.append(claim)
    return claims + _read_nothing(sentence, ctx, lead)


def _read_nothing(sentence: str, ctx: _Context, lead: tuple[str, str]) -> list[Claim]:
    """The counts a sentence says in words are none ("本年度未收到政府信息公开申请"): claims of 0.

    Read as conservatively as the numbers: the thing must be the tables' (disclosure applications; review
    or litigation cases of any or of disclosure matters), neither a kind of applicant nor a channel, and the
    scope and period are situated as a number's. "未发生行政复议、行政诉讼" says two counts are none.
    """
    out: list[Claim] = []
    for neg in _NONE.finditer(sentence):
        obj = _NONE_OBJECT.match(sentence, neg.end())
        if not obj:
            continue
        clause_start = max(sentence.rfind(ch, 0, neg.start()) for ch in "，,；;：:") + 1
        near, span = sentence[clause_start : neg.start()], sentence[neg.end() : obj.end()]
        tail = _CLAUSE_END.split(sentence[obj.end() :], maxsplit=1)[0]
        if _NOT_SAID.search(near):
            continue
        phrase = (near.strip(" ，,、：:（(") + neg.group(0) + span + tail).strip()
        base = Claim(0, "件", phrase, sentence)
        rev, lit = _REVIEW.search(span), _LITIGATION.search(span)
        parts = [rev.group(0), lit.group(0)] if rev and lit else [span]
        for part in parts:
            claim = _none_of(base, neg.group(0), part, span, tail, sentence, ctx)
            if not claim.why_not:
                scope = scope_of(_subject_zone(sentence[: neg.start()]), ctx.agency)
                scope = scope if scope[1] else ctx.scope
                claim = _situate(claim, sentence[clause_start : neg.start()] + span, span + tail, scope, lead, ctx.year)
            out.append(claim)
    return out


def _none_of(base: Claim, verb: str, thing_words: str, span: str, tail: str, sentence: str, ctx: _Context) -> Claim:
    """One count said to be none: what it counts (``thing_words``: the words naming it, within ``span``, the words
    the negation governs; ``tail``: the rest of the clause), or why it is not compared."""
    words = verb + span + "｜" + tail
    thing, tcue = _thing(thing_words + "｜" + tail, ctx.topic)
    if thing not in ("applications", "review", "litigation"):
        return replace(base, why_not="未能判断所计数的对象")
    rest = _ALL_APPLICANTS.sub("", span)
    if thing == "applications":
        if not (_DISCLOSURE.search(span) or (ctx.topic == "applications" and re.fullmatch(r"\s*(?:任何)?申请", span))):
            return replace(base, thing=thing, why_not="未说明为政府信息公开申请")
        if hit := _APPLICANT_PART.search(rest):
            return replace(base, thing=thing, why_not=f"所述为部分申请（{hit.group(0)}）")
        role, rcue = _role(thing, words)
        if not role and not (_PENDING.search(words) or _HANDLED.search(words)):
            role, rcue = "received", verb
    else:
        if ctx.decides(verb + span + tail, sentence):
            return replace(base, thing=thing, why_not="所述为本机关受理的案件（作为复议机关）")
        # None of any matter is none of disclosure matters; a narrower matter ("涉及征收的复议") is not.
        named = _REVIEW.search(span) or _LITIGATION.search(span)
        before = re.sub(r"行政$|被(?:申请|提起)?$|提起$", "", span[: named.start()]) if named else span
        if not (_DISCLOSURE.search(sentence) or re.fullmatch(r"\s*(?:任何|一起|一件|一例|过)?\s*", before)):
            return replace(base, thing=thing, why_not="未说明为政府信息公开引起的案件")
        role, rcue = _role(thing, thing_words + "｜" + tail)
    if not role:
        return replace(base, thing=thing, why_not="未能判断所计数的数量")
    return replace(base, thing=thing, role=role, cues=tuple(c for c in (tcue, rcue) if c))


def _broader(head: Claim, sentence: str, near: str) -> bool:
    """Whether an item of a "其中" list names the disclosure applications its head, an applications count
    that does not say so, is only a part of."""
    said = sentence[: sentence.find(head.phrase)] + head.phrase if head.phrase in sentence else head.phrase
    return head.thing == "applications" and bool(_DISCLOSURE.search(near)) and not _DISCLOSURE.search(said)


def _situate(claim: Claim, before: str, words: str, scope: tuple[str, str], lead: tuple[str, str], year: int | None,
             head: Claim | None = None) -> Claim:
    """The claim with its scope and period, and the cues that decided them."""
    period, pcue = period_of(_CARRIED_OVER.sub("", _CARRIED_FORWARD.sub("", before)), year)  # 上年结转 names a quantity
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
    if thing in ("review", "litigation"):
        # The tables count only the cases about 政府信息公开: an agency that decides reviews
        # (复议机关) or is sued on other matters speaks of other cases.
        ctx.disclosure_cases = ctx.disclosure_cases or bool(_DISCLOSURE.search(sentence)) or ctx.topic == "applications"
        if not ctx.disclosure_cases:
            return replace(base, thing=thing, why_not="未说明为政府信息公开引起的案件")
        clause = re.split(r"[，,；;。]", sentence[: m.start()])[-1]
        if ctx.decides(clause + tail, sentence):
            return replace(base, thing=thing, why_not="所述为本机关受理的案件（作为复议机关），表格所计为本机关被申请复议、被起诉的案件")
    incl = bool(thing == "applications" and role == "received"
                and re.match(r"\s*[（(]?\s*(?:含|包括)[^）)]{0,8}结转", sentence[m.end() :]))
    claim = replace(base, thing=thing, role=role, cues=tuple(c for c in (tcue, rcue) if c), includes_carried_over=incl)
    if thing == "applications" and role and _APPLICANT_PART.search(_ALL_APPLICANTS.sub("", words)):
        # "全年共收到自然人提出的政府信息公开申请32件": one applicant type's count, never the total; its outcomes
        # ("自然人申请予以公开9件") are a part of the outcome's
        if role != "received":
            return replace(claim, role="part", why_not="所述为部分申请人的申请")
        return _applicant_count(claim, words)
    return claim


def _read_part(base: Claim, words: str, topic: str, head: Claim) -> Claim:
    """An item of a "其中…" list: a known part of the count before it, or a part the tables do not hold."""
    who = _APPLICANT_PART.search(_ALL_APPLICANTS.sub("", words))
    if topic == "applications" and head.thing == "applications" and not who:
        # (an outcome of one applicant type's, "其中自然人申请中予以公开9件", is a part of the outcome's total)
        for key, pat in _OUTCOMES:
            if (hit := pat.search(words)) and not _other_outcome(words, key):
                return replace(base, thing=topic, role=key, cues=(hit.group(0),))
    if head.thing == "applications" and head.role == "received" and who:
        # "共收到申请34件，其中自然人申请32件": the new applications of one applicant type, when the item says
        # nothing else ("其中委机关收到自然人申请20件" is a unit's)
        return _applicant_count(replace(base, thing="applications", role="received"), words, item=True)
    if head.thing in ("review", "litigation") and head.role == "total":
        for key, pat in _CASE_RESULTS:
            if hit := pat.search(words):
                return replace(base, thing=head.thing, role=key, cues=(hit.group(0),))
    return replace(base, thing=head.thing, role="part", why_not="“其中”所列部分数，表格无对应单元格")


def _applicant_count(claim: Claim, words: str, item: bool = False) -> Claim:
    """A count of new applications that names who applied: that type's column of table 三, when the words name
    one type only and say nothing else of the applications (a channel, a result: "其中自然人申请30件已办结"; a
    matter: "…20件涉及科技项目"). ``item``: an item of a "其中" list, whose words must be the type's alone."""
    rest = _ALL_APPLICANTS.sub("", words)
    named = [(key, hit) for key, pat in APPLICANT_TYPES if (hit := pat.search(rest))]
    label, _, tail = rest.partition("｜")
    other = (_CHANNEL.search(rest) or _HANDLED.search(rest) or _PENDING.search(rest) or _CARRIED_OVER.search(rest)
             or _CARRIED_FORWARD.search(rest) or any(p.search(rest) for _, p in _OUTCOMES)
             or not re.fullmatch(r"\s*(?:占.*)?", tail))
    if len(named) == 1 and item:
        other = other or _ITEM_WORDS.sub("", label.replace(named[0][1].group(0), ""))
    if len(named) != 1 or other or _APPLICANT_PART.search(_strip(rest, named[0][1])):
        hit = _APPLICANT_PART.search(rest)
        return replace(claim, role="part", why_not=f"所述为部分申请（{hit.group(0) if hit else '申请人类型'}）")
    key, hit = named[0]
    return replace(claim, role=key, cues=(*claim.cues, hit.group(0)))


# what an item naming an applicant type may say besides the type: "其中（由）自然人提出的申请", "其中收到自然人申请"
_ITEM_WORDS = re.compile(rf"其中|[，,、：:；;（）()\s]|由|提出的?|提交的?|申请(?:数量?|量)?|的|共计?|为|有|{_RECEIVED.pattern}")


def _strip(text: str, hit: re.Match) -> str:
    return text[: hit.start()] + "｜" + text[hit.end() :]


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
        for key, pat in _CASE_RESULTS:
            if hit := pat.search(words):
                return key, hit.group(0)
        return ("", "") if _CASE_OTHER.search(words) else ("total", "")
    if thing == "documents":
        hit = _IN_FORCE.search(words)
        if hit and not _DOC_ACTION.search(words.replace(hit.group(0), "")):
            return ("in_force_rules" if hit.group(1) == "规章" else "in_force_normative"), hit.group(0)
        label, _, tail = words.partition("｜")
        made = _MADE.search(label.strip())
        if made and not _DOC_ACTION.search(label[: made.start()] + tail) and not tail.strip():
            verb = "repealed" if made.group(1) == "废止" else "issued"
            return f"{verb}_{'rules' if made.group(2) == '规章' else 'normative'}", made.group(0)
        return "", ""
    for key, pat in _OUTCOMES:
        if (hit := pat.search(words)) and not _other_outcome(words, key):
            return key, hit.group(0)
    for key, pat in (("carried_forward", _CARRIED_FORWARD), ("carried_over", _CARRIED_OVER)):
        if hit := pat.search(words):
            return key, hit.group(0)
    if _PENDING.search(words):
        return "", ""
    rec, han = _RECEIVED.search(words), _HANDLED.search(words)
    if rec and han:
        return "", ""  # "受理并办结…": which one is not told
    if rec:
        return "received", rec.group(0)
    if han:
        return "handled", han.group(0)
    return "", ""


def _subject_zone(label: str) -> str:
    """The words before the first cue of what is counted or of what was done with it."""
    cut = len(label)
    for pat in (_APPLICATION, _DOCUMENT, _REVIEW, _LITIGATION, _RECEIVED, _HANDLED, _BY_REQUEST, _CARRIED_OVER, _CARRIED_FORWARD):
        if m := pat.search(label):
            cut = min(cut, m.start())
    return label[:cut]
