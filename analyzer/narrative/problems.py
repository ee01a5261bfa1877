"""Findings on section 五 (``spec/taxonomy.md`` §3): problems.missing, problems.no_measures, problems.vague,
problems.unanswered.

What the findings say is only what was read (issue 9, class 9):

* the problems quoted are statements that state a problem; the section's ritual
  opening ("…取得一定成效，但仍存在一定差距") names none and is never quoted as one;
* a section that states a shortcoming in any sentence (even one the classifier
  did not label a problem) is not "未写明任何具体问题";
* a concrete, self-critical problem — a named kind of mistake in published texts,
  a named lapse in handling personal data, a named column, a figure — is not
  泛泛而谈, even in stock wording;
* no message counts problems: one sentence may list three ("如A、B、C等");
* what the report itself calls its problems ("根据上述问题，…采取以下措施") is a problem,
  whatever words it uses;
* "未写明任何具体问题" claims an absence: it is confirmed only when every sentence of 五
  was read with confidence, and otherwise left to be verified (待核实);
* "问题X未见对应的改进措施" claims an absence that rests on what the sentences mean, which the
  classifier reads with doubt: it is always left to be verified (待核实), never stated as found, and only for
  a problem nothing else in its section touches (``pairing.untouched``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from analyzer.model import Finding, ProblemPair, Section, Statement
from analyzer.narrative.classify import UNCERTAIN
from analyzer.narrative.rules import indexed, section_name, shorten

# --- what a sentence of 五 says ------------------------------------------------------------------

# "…取得一定成效/成绩，但…仍存在一定差距/不足": the genre's opening, naming no problem.
_RITUAL = re.compile(
    r"(?:取得|有所|一定|明显|积极|较大|新的?)[^。；]{0,14}?(?:成效|成绩|进展|进步|成果|发展|提升|提高)"
    r"[^。；]{0,30}?(?:但|然而|同时|不过)[^。；]{0,30}?(?:存在|还有|仍有|也有)[^。；]{0,14}?(?:不足|差距|问题|短板|薄弱|地方)"
)
_PROBLEM_INTRO = re.compile(r"(?:不足|差距|问题|地方|短板|薄弱环节)[^。；]{0,12}?[，,：:]\s*(?:如|主要是|主要表现为|主要表现在|具体表现为|表现在)[：:，,]?\s*")
_LIST_LEAD = re.compile(r"(?:如|例如|比如|主要是|主要有|主要表现为|主要表现在|具体表现为|表现在)[：:，,]?\s*")
# Words that state a shortcoming.
_SHORTCOMING = re.compile(
    r"不够|不足|有待|欠缺|薄弱|短板|差距|滞后|不到位|不及时|不规范|不完善|不健全|不精准|不精确|不准确|不高|不强|不平衡|不充分|"
    r"不便|不多|偏少|较少|单一|仍需|尚需|还需|亟需|亟待|需要?进一步|未能|难以|缺乏|缺少|存在[^。；]{0,16}?(?:问题|情况|现象|隐患|风险|噪音)|"
    r"错别字|错误|疏漏|遗漏|泄露|泄漏|超期|逾期|超过法定期限|超时|纠错|败诉|"
    # falling short of a need: "…无法满足…需要", "与新要求不相适应", "跟不上"
    r"(?:无法|不能)满足|不相?适应|跟不上"
)
# "针对存在问题，…": the turn from the problems to the measures.
_TURN, _BACK = "(?:针对|根据|对照|围绕|就)", "(?:上述|以上|前述|这些)"
_LEAD_IN = re.compile(f"{_TURN}(?:{_BACK}|存在的?)?(?:问题|不足)")
# A turn that points back ("针对上述问题", "根据以上不足"): what comes before it is, by the report's own words, its problems.
_BACK_REFERENCE = re.compile(f"{_TURN}{_BACK}(?:问题|不足)")
# "针对<a problem>的问题，…": a measure's sentence that names the problem it answers, in the report's words.
_ADDRESSED = re.compile(f"{_TURN}([^，,。；]{{4,60}}?)(?:的|等)(?:问题|不足|短板|情况)")
# What a measure says: a commitment ("下一步将…", "我局将继续…", "拟…").
_COMMITMENT = re.compile(r"下一步|今后|明年|将(?:进一步|继续|持续|加强|着力|不断|切实|全面|重点|以)|(?:^|[，,。；])(?:我\S{0,3}|本机关)?(?:将|拟|要|计划|着力|继续|持续)")
_NO_PROBLEM = re.compile(r"(?:未发现|没有发现|不存在|无)(?:明显)?(?:的)?(?:问题|不足)")
# A concrete problem names what went wrong: a kind of mistake in published texts, a lapse with
# personal data, a missed deadline, a decision corrected on review.
_CONCRETE = re.compile(
    r"错别字|错字|别字|漏字|错漏|笔误|标点|格式(?:不规范|错误|不统一)|文字错误|表述(?:错误|不准确|不规范)|"
    r"数据(?:错误|有误|不准确|不一致)|日期错误|链接(?:失效|错误|无法打开|打不开)|断链|错链|附件(?:无法|缺失|不全)|乱码|"
    r"个人信息|个人隐私|隐私|身份证|手机号|电话号码|家庭住址|银行账号|脱敏|去标识化|泄露|泄漏|"
    r"逾期答复|答复超期|超过法定期限|超期|被(?:复议机关|法院)?(?:纠错|撤销|确认违法)|败诉|"
    # a named state of the work that went wrong: late updates, prior disclosure made after the fact, staffing
    r"滞后|事后公开|长期(?:未|不|没有)更新|兼职|流动性|人员配备不足|人手不足|"
    # a named fault of what was published: irrelevant items among the disclosures, a wrong disclosure attribute
    r"信息噪音|属性(?:界定|认定)"
)
# A named document or column makes a problem checkable; the 条例 itself, or a one-word slogan in quotes, does not.
_NAMED = re.compile(r"《(?!(?:中华人民共和国)?(?:政府信息公开)?条例》)[^》]{2,}》|“[^”]{4,}”|\"[^\"]{4,}\"")
# Objects a concrete problem names: a channel, a document, a procedure, a group of people.
_SPECIFIC_OBJECTS = re.compile(
    "政策解读|解读|依申请|申请|答复|复议|诉讼|网站|新媒体|公众号|微博|栏目|专栏|专区|指南|目录|规范性文件|保密审查|审核|"
    "培训|兼职|编制|考核|留言|检索|搜索|适老化|无障碍|预决算|村务|居务|标准目录|听证|征求意见|发布会|热线|"
    "重点领域|财政|项目|采购|办事指南|权责清单|属性|归档|信息噪音|错别字|链接"
)
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万两]+(?:个|条|件|次|篇|家|项|名|人)")


def is_ritual(text: str) -> bool:
    """The section's opening formula, with no problem of its own after it."""
    return bool(_RITUAL.search(text)) and problem_core(text) == text


def states_problem(text: str) -> bool:
    """The sentence states a shortcoming (not "未发现问题", not only the ritual opening)."""
    return bool(_SHORTCOMING.search(text)) and not _NO_PROBLEM.search(text) and not is_ritual(text)


def problem_core(text: str) -> str:
    """The problem itself, without the ritual opening: "…但也存在不足，如公开内容不够丰富…" → "公开内容不够丰富…"."""
    m = _PROBLEM_INTRO.search(text)
    core = text[m.end():] if m and len(text) - m.end() >= 6 else text
    lead = _LIST_LEAD.match(core)
    return core[lead.end():] if lead and len(core) - lead.end() >= 6 else core


def is_concrete(text: str) -> bool:
    """A named mistake, lapse or figure: what a supervisor can check."""
    t = _YEAR.sub("", text)  # "2021年，…" dates the sentence; it is not a figure about the problem
    return bool(_FIGURE.search(t) or _NAMED.search(t) or _CONCRETE.search(t))


def is_vague(st: Statement) -> bool:
    """A problem is vague when it names nothing concrete and is boilerplate or names no specific object."""
    text = _YEAR.sub("", st.text)
    if is_concrete(text):
        return False
    if st.boilerplate:
        return True
    objects = set(_SPECIFIC_OBJECTS.findall(text))
    return not objects or (len(objects) == 1 and len(re.sub(r"\W", "", text)) < 16)


# --- the findings -------------------------------------------------------------------------------


def stated_problems(items: list[tuple[int, Statement]]) -> list[tuple[int, Statement]]:
    """The statements of 五 that state a problem: those labelled so, less the ritual opening;
    when none is labelled, any sentence that states a shortcoming and commits to nothing."""
    labelled = [(i, s) for i, s in items if s.kind == "problem" and not is_ritual(s.text) and not _LEAD_IN.match(s.text)]
    if labelled:
        return labelled
    # The classifier may call a problem a measure: a sentence that commits to nothing is not one.
    worded = [(i, s) for i, s in items if states_problem(problem_core(s.text)) and not _COMMITMENT.search(s.text)]
    return worded or referred_to(items) or addressed(items)


def _answers(text: str) -> bool:
    """A sentence that names a problem after 针对 and goes on to what was or will be done about it."""
    m = _ADDRESSED.search(text)
    return bool(m) and len(re.sub(r"\W", "", text[m.end():])) >= 4


def addressed(items: list[tuple[int, Statement]]) -> list[tuple[int, Statement]]:
    """The sentences that name the problem they answer ("针对依申请公开答复中有2件超过法定期限的问题，已建立…"):
    the report states that problem there; "针对上述问题" and "针对存在的问题" name none."""
    out = []
    for i, s in items:
        m = _ADDRESSED.search(s.text)
        if m and not re.match(f"(?:{_BACK}|存在)", m.group(1)) and (is_concrete(m.group(1)) or states_problem(m.group(1))):
            out.append((i, s))
    return out


def referred_to(items: list[tuple[int, Statement]]) -> list[tuple[int, Statement]]:
    """The sentences before a turn that points back at them ("根据上述问题，市科委采取以下措施"):
    the report calls them its problems, in whatever words they are written ("…无法满足…需要").
    Not the ritual opening, not a commitment, not what the classifier is sure is framing."""
    turn = next((k for k, (_, s) in enumerate(items) if _BACK_REFERENCE.match(s.text)), None)
    if turn is None:
        return []
    return [
        (i, s) for i, s in items[:turn]
        if not is_ritual(s.text) and not _COMMITMENT.search(s.text)
        and not (s.kind in ("statement", "other") and s.kind_score >= UNCERTAIN)
    ]


def check_problems(statements: list[Statement], sections: dict[str, Section], pairs: tuple[ProblemPair, ...] = ()) -> list[Finding]:
    """problems.missing, problems.no_measures, problems.vague, problems.unanswered (``pairs``: the section's pairing)."""
    name = section_name("problems", sections)
    if "problems" not in sections:
        return [Finding("problems.missing", "error", "报告缺少“五、存在的主要问题及改进情况”部分，未说明工作中存在的问题。", name)]
    items = indexed(statements, "problems")
    problems = stated_problems(items)
    # "针对X的问题，已建立…" answers the problem it names in the same sentence: a measure, whatever else it is.
    measures = [(i, s) for i, s in items if (s.kind == "measure" and (i, s) not in problems) or _answers(s.text)]
    if not problems:
        return [_missing(items, sections["problems"], name)]
    out = []
    if not measures:
        i, s = problems[-1]
        out.append(Finding(
            "problems.no_measures", "warning",
            f"写明了存在的问题（如“{shorten(problem_core(s.text))}”），但未提出相应的改进措施。",
            name, quote=shorten(problem_core(s.text)), data={"problems": len(problems)},
        ))
    elif alone := _untouched(statements, problems, pairs):
        out.append(_unanswered(alone, name))
    if all(is_vague(s) for _, s in problems):
        _, s = problems[0]
        examples = "；".join(f"“{shorten(problem_core(p.text), 24)}”" for _, p in problems[:3])
        out.append(Finding(
            "problems.vague", "warning",
            f"所列问题{'均' if len(problems) > 1 else ''}为泛泛而谈（套话，未指明具体对象、具体差错或数据），如{examples}，未反映本机关的实际短板。",
            name, quote=shorten(problem_core(s.text)), data={"problems": len(problems)},
        ))
    return out


_LIST_TAIL = re.compile(r"(?:等(?:问题|方面|情况)?)?[。；;，,、\s]*$")  # "…还需加强等。": the list's end, not the problem


def _untouched(statements, problems: list[tuple[int, Statement]], pairs: tuple[ProblemPair, ...]) -> list[Statement]:
    """The stated problems that no other statement of their section touches, in order.

    ``problems`` are numbered by their place in 五 (:func:`indexed`), ``pairs`` by their index in ``statements``."""
    in_five = [i for i, s in enumerate(statements) if s.section == "problems"]
    alone = {p.problem for p in pairs if p.untouched}
    return [s for place, s in problems if in_five[place - 1] in alone]


def _unanswered(alone: list[Statement], name: str) -> Finding:
    """problems.unanswered: to be verified, since it rests on what the measures mean (see the module's doc)."""
    cores = [shorten(_LIST_TAIL.sub("", problem_core(s.text)), 24) for s in alone]
    listed = "、".join(f"“{c}”" for c in cores[:3]) + ("等问题" if len(cores) > 3 else "")
    return Finding(
        "problems.unanswered", "warning",
        f"所列问题中，{listed}未见对应的改进措施。",
        name, quote=cores[0], data={"problems": cores}, status="uncertain",
    )


def _missing(items: list[tuple[int, Statement]], section: Section, name: str) -> Finding:
    """problems.missing for a section 五 that states no problem: what it says instead."""
    ritual = next((s.text for _, s in items if is_ritual(s.text)), None)
    first = ritual or (items[0][1].text if items else section.text)
    quote = shorten(first) if first.strip() else ""
    if not quote:
        msg = "“存在的主要问题及改进情况”部分为空，未写明任何具体问题。"
    elif ritual:
        msg = f"“存在的主要问题及改进情况”部分仅笼统表述存在不足（“{quote}”），未写明任何具体问题。"
    else:
        msg = f"“存在的主要问题及改进情况”部分未写明任何具体问题（该部分写道：“{quote}”）。"
    finding = Finding("problems.missing", "error", msg, name, quote=quote)
    # An absence rests on every sentence: one the classifier could not place may be the problem.
    doubtful = [s for _, s in items if s.kind != "problem" and s.kind_score < UNCERTAIN
                and not is_ritual(s.text) and not _COMMITMENT.search(s.text)]
    if doubtful:
        note = f"（该部分“{shorten(doubtful[0].text, 24)}”等语句是否属于问题未能确定，请核对原件。）"
        return replace(finding, status="uncertain", message=msg + note)
    return finding
