"""Split a report into the six sections of the national template.

Headings are recognised by what they say, not by their number: OCR and
local practice renumber freely (上海市科委 2024 numbers its own six parts,
then the template's), so the number only tells a top-level heading
(一、 / 一. / 第一部分) from a sub-part (（一） / (一)). Headings run into the
text ("二、主动公开政府信息情况第二十条…") and whole reports flattened into
one line are split where a numbered heading starts. A section not found is
absent: it is reported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from analyzer.ingest.normalize import CJK, CN_NUMERALS
from analyzer.model import Block, Document, Section, SubPart

SECTION_TITLES = {
    "overview": "一、总体情况",
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

# (pattern, strength): 2 = the template's own wording, 1 = a common variant.
TITLE_PATTERNS: dict[str, list[tuple[re.Pattern[str], int]]] = {
    "overview": [
        (re.compile(r"^总体情况"), 2),
        (re.compile(r"^(?:基本情况|概述|总体工作情况|工作概述|总体概况)"), 1),
    ],
    "active_disclosure": [
        (re.compile(r"^主动公开政府信息(?:的)?情况"), 2),
        (re.compile(r"^(?:主动公开(?:工作)?情况|政府信息主动公开情况)"), 1),
    ],
    "applications": [
        (re.compile(r"^收到和处理政府信息公开申请(?:的)?情况"), 2),
        (re.compile(r"^(?:政府信息公开申请(?:的)?(?:办理)?情况|依申请公开(?:政府信息)?(?:工作)?(?:的)?情况|收到和处理.{0,8}申请)"), 1),
    ],
    "review_litigation": [
        (re.compile(r"^(?:政府信息公开)?(?:工作)?(?:被申请)?行政复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况"), 2),
        (re.compile(r"^(?:因政府信息公开(?:工作|申请)?)?(?:被)?(?:申请)?行政复议.{0,12}行政诉讼"), 1),
    ],
    "problems": [
        (re.compile(r"^(?:政府信息公开工作)?存在的主要问题(?:及|和)改进情况"), 2),
        (re.compile(r"^(?:政府信息公开工作)?(?:存在的?(?:主要)?问题|主要问题(?:及|和)改进|问题(?:及|和)改进)"), 1),
    ],
    "other": [
        (re.compile(r"^其他需要报告的事项"), 2),
        (re.compile(r"^(?:其他需要报告|其他事项|其他需要说明)"), 1),
    ],
}

_CN_NUM = CN_NUMERALS
TOP_NUMBER = re.compile(rf"^(?:#+\s*)?(?:([{_CN_NUM}]{{1,2}})\s*[、.．,，]|第([{_CN_NUM}]{{1,2}})部分\s*[、:：]?)\s*")
SUB_NUMBER = re.compile(rf"^(?:#+\s*)?[（(]\s*([{_CN_NUM}]{{1,2}})\s*[）)]\s*")
# A numbered top-level heading inside running text (flattened web pages).
_INLINE_HEADING = re.compile(rf"(?<![{_CN_NUM}（(])([{_CN_NUM}]{{1,2}})[、.．]\s*(?=\S)")
_FUZZY_MIN = 82  # a heading on its own line, any number
_FUZZY_NUMBERED = 70  # … whose number is the template's for that title (one character in four may differ)
_FUZZY_RUN_INTO_TEXT = 88  # a heading run into its text: number agrees and the words nearly so
_PROBLEM_WORDS = re.compile(r"存在的?(?:主要)?问题|主要问题|问题(?:及|和)改进")


@dataclass(frozen=True)
class _Candidate:
    index: int  # unit index
    key: str
    strength: int  # 3 numbered template wording … 0 sub-part fallback
    title: str


def split_sections(doc: Document) -> dict[str, Section]:
    """The canonical sections found in the document, keyed as in ``model.SECTION_KEYS``."""
    units = _split_inline_headings(doc.blocks)
    candidates = [c for i, b in enumerate(units) if (c := _classify(i, b)) is not None]
    chosen = _choose(candidates)
    _add_by_tables(units, chosen)
    order = sorted(chosen.values(), key=lambda c: c.index)
    sections: dict[str, Section] = {}
    for n, cand in enumerate(order):
        end = order[n + 1].index if n + 1 < len(order) else len(units)
        head = units[cand.index]
        if cand.strength == 0:
            # A sub-part or a table standing in for the lost heading is the section's first part.
            body = list(units[cand.index : end])
        else:
            body = list(units[cand.index + 1 : end])
            rest = head.text[len(cand.title):].strip()
            if rest:
                body.insert(0, Block("paragraph", rest, page=head.page, line=head.line))
        blocks = tuple(body)
        parts = split_parts(blocks) if cand.key in ("overview", "problems") else ()
        sections[cand.key] = Section(cand.key, cand.title, blocks, parts)
    return sections


def _split_inline_headings(blocks: tuple[Block, ...]) -> list[Block]:
    """Cut paragraphs where a numbered section heading starts inside the text."""
    out: list[Block] = []
    for b in blocks:
        if b.kind == "table" or len(b.text) < 12:
            out.append(b)
            continue
        cuts = [0]
        for m in _INLINE_HEADING.finditer(b.text):
            if m.start() == 0:
                continue
            tail = b.text[m.end() : m.end() + 40]
            if any(p.match(tail) for pats in TITLE_PATTERNS.values() for p, _ in pats):
                cuts.append(m.start())
        if len(cuts) == 1:
            out.append(b)
            continue
        cuts.append(len(b.text))
        for start, end in zip(cuts, cuts[1:]):
            piece = b.text[start:end].strip()
            if piece:
                out.append(Block("paragraph", piece, page=b.page, line=b.line))
    return out


def _classify(index: int, block: Block) -> _Candidate | None:
    """Is this block (or its first words) a section heading? Which, and how sure."""
    if block.kind == "table":
        return None
    text = block.text.strip()
    m = TOP_NUMBER.match(text)
    sub = SUB_NUMBER.match(text) if not m else None
    rest = text[m.end():] if m else text[sub.end():] if sub else text
    short = block.kind == "heading" or len(text) <= 40
    for key, pats in TITLE_PATTERNS.items():
        for pat, strength in pats:
            hit = pat.match(rest)
            if not hit:
                continue
            title = _whole_title(text, (m.end() if m else sub.end() if sub else 0), hit.end(), key, short)
            if m:
                return _Candidate(index, key, strength + 1, title)
            if sub:
                # A sub-part that names problems ("（一）主要问题") stands in for a
                # lost top-level heading; other sub-parts never do.
                return _Candidate(index, key, 0, title) if key == "problems" else None
            if short:
                return _Candidate(index, key, strength, title)
    if sub and short and _PROBLEM_WORDS.search(rest):
        # "（一）2024年工作中存在问题的改进情况" under a lost 五、 heading.
        return _Candidate(index, "problems", 0, text)
    if m:
        return _fuzzy_heading(index, text, m, short)
    return None


def _whole_title(text: str, start: int, matched: int, key: str, short: bool) -> str:
    """The heading as printed: the words a title pattern matched, extended over the rest of the
    template's title when the text goes on with it ("五、存在的问题" + "及改进情况")."""
    title = text[: start + matched]
    rest = text[start + matched :].strip()
    if short and re.fullmatch(f"[{CJK}]{{1,8}}", rest) and not re.match(r"[一二三四五六七八九十]是|首先|其中", rest):
        return text.rstrip()  # "五、存在的问题" + "及改进措施" on one line: all of it is the heading
    words = SECTION_TITLES[key][2:]
    if matched >= len(words):
        return title
    tail = re.sub(r"\s+", "", text[start:])
    best = max(range(matched, len(words) + 3), key=lambda n: fuzz.ratio(tail[:n], words))
    if best > matched and fuzz.ratio(tail[:best], words) >= _FUZZY_RUN_INTO_TEXT:
        return _prefix_of(text, start, best)
    return title


def _fuzzy_heading(index: int, text: str, m: re.Match, short: bool) -> _Candidate | None:
    """A numbered heading whose words deviate from every title (a wrong or stray character, a
    word left out): the closest template title, by the best-matching prefix of the words.

    A heading on its own line needs a close match, a little less when its number is the
    template's number for that title ("一、总体倩况"); a heading run into its text needs its
    number to agree and a closer match, so that a sentence is never taken for a heading.
    """
    rest = re.sub(r"\s+", "", text[m.end():])
    number = m.group(1) or m.group(2)
    best: tuple[float, str, int] = (0.0, "", 0)
    for key, title in SECTION_TITLES.items():
        words = title[2:]
        for n in range(max(2, len(words) - 2), len(words) + 3):
            score = fuzz.ratio(rest[:n], words)
            if score > best[0]:
                best = (score, key, n)
    score, key, n = best
    if not key:
        return None
    same_number = number == SECTION_TITLES[key][0]
    if short and len(rest) <= n + 2:
        if score >= (_FUZZY_NUMBERED if same_number else _FUZZY_MIN):
            return _Candidate(index, key, 1, text)
        return None
    words = SECTION_TITLES[key][2:]
    # Run into its text: the number agrees, and the words nearly so or with one wrong character.
    allowed = 1 if len(words) <= 8 else 2
    if same_number and (score >= _FUZZY_RUN_INTO_TEXT or Levenshtein.distance(rest[: len(words)], words) <= allowed):
        n = n if score >= _FUZZY_RUN_INTO_TEXT else len(words)
        return _Candidate(index, key, 1, _prefix_of(text, m.end(), n))
    return None


def _prefix_of(text: str, start: int, n: int) -> str:
    """The text up to ``start`` and the next ``n`` characters other than spaces."""
    seen = 0
    i = start
    while i < len(text) and seen < n:
        if not text[i].isspace():
            seen += 1
        i += 1
    return text[:i]


def _choose(candidates: list[_Candidate]) -> dict[str, _Candidate]:
    """One heading per section: the surest; among equals, the first.

    A later heading in the sequence must come after the sections that precede
    it in the template when there is a choice (the table appendix of a report
    repeats "主动公开政府信息情况" after its own narrative part).
    """
    chosen: dict[str, _Candidate] = {}
    for c in candidates:
        cur = chosen.get(c.key)
        if cur is None or c.strength > cur.strength:
            chosen[c.key] = c
    # Sub-part fallbacks only when nothing better exists, and only after the tables.
    if "problems" in chosen and chosen["problems"].strength == 0:
        anchor = max((c.index for k, c in chosen.items() if k in ("applications", "review_litigation")), default=-1)
        later = [c for c in candidates if c.key == "problems" and c.index > anchor]
        if later:
            chosen["problems"] = later[0]
        else:
            del chosen["problems"]
    return chosen


# Words only a table of the template prints (a header, or a row label followed by its numbers).
_TABLE_CUES = {
    "active_disclosure": re.compile(r"第二十条第[（(]一[）)]项|本年制发件数|本年新制作数量"),
    "applications": re.compile(r"申请人情况|本年新收政府信息公开申请数量\d|上年结转政府信息公开申请数量\d"),
    "review_litigation": re.compile(r"未经复议直接起诉|复议后起诉"),
}


def _add_by_tables(units: list[Block], chosen: dict[str, _Candidate]) -> None:
    """Sections 二/三/四 whose heading was not recognised, found by the table that stands for them.

    The table must come after the sections the template puts before it and before
    those it puts after, in a block no recognised heading starts.
    """
    keys = list(SECTION_TITLES)
    for key, cue in _TABLE_CUES.items():
        if key in chosen:
            continue
        pos = keys.index(key)
        after = max((c.index for k, c in chosen.items() if keys.index(k) < pos), default=-1)
        before = min((c.index for k, c in chosen.items() if keys.index(k) > pos), default=len(units))
        taken = {c.index for c in chosen.values()}
        for i in range(after + 1, before):
            b = units[i]
            text = " ".join(" ".join(r) for r in b.rows) if b.kind == "table" and b.rows else b.text
            if i not in taken and cue.search(re.sub(r"\s+", "", text)):
                chosen[key] = _Candidate(i, key, 0, "")
                break


_PART_STYLES = [
    re.compile(rf"^[（(]\s*[{_CN_NUM}]{{1,2}}\s*[）)]"),
    re.compile(rf"^[{_CN_NUM}]{{1,2}}是"),
    re.compile(r"^\d{1,2}\s*[.．、](?!\d)"),
]


def split_parts(blocks: tuple[Block, ...]) -> tuple[SubPart, ...]:
    """Numbered sub-parts of a section: （一）… blocks first; else 一是…; else 1.…"""
    texts = [b.text for b in blocks if b.kind != "table"]
    for style in _PART_STYLES:
        parts = _parts_with(style, texts)
        if len(parts) >= 2:
            return tuple(parts)
    return ()


def _parts_with(style: re.Pattern[str], texts: list[str]) -> list[SubPart]:
    # Enumerations run inside a paragraph too ("一是…；二是…"): cut there first.
    pieces: list[str] = []
    inline = re.compile(rf"(?<=[。；;：:！？\s])(?={style.pattern[1:]})")
    for t in texts:
        pieces.extend(p for p in inline.split(t) if p.strip())
    parts: list[SubPart] = []
    for piece in pieces:
        m = style.match(piece.strip())
        if m:
            body = piece.strip()
            title = re.split(r"[。：:；;，,]", body[m.end():], maxsplit=1)[0].strip()
            parts.append(SubPart(m.group(0).strip(), title[:40], body))
        elif parts:
            last = parts[-1]
            parts[-1] = SubPart(last.number, last.title, last.text + "\n" + piece)
    return parts


def part_number(key: str) -> str:
    """The section's place in the template: "第二部分"."""
    return f"第{SECTION_TITLES[key][0]}部分"


def part_name(key: str) -> str:
    """The section as a message names it: "第二部分“主动公开政府信息情况”"."""
    return f"{part_number(key)}“{SECTION_TITLES[key][2:]}”"
