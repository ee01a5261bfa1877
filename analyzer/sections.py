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

from analyzer.ingest.normalize import CN_NUMERALS
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
_FUZZY_MIN = 82
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
    order = sorted(chosen.values(), key=lambda c: c.index)
    sections: dict[str, Section] = {}
    for n, cand in enumerate(order):
        end = order[n + 1].index if n + 1 < len(order) else len(units)
        head = units[cand.index]
        if cand.strength == 0:
            # A sub-part standing in for the lost heading is the section's first part.
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
            title = text[: (m.end() if m else sub.end() if sub else 0) + hit.end()]
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
    if m and short:
        # OCR-damaged heading: compare with the template's titles.
        best = max(SECTION_TITLES.items(), key=lambda kv: fuzz.ratio(rest, kv[1][2:]))
        if fuzz.ratio(rest, best[1][2:]) >= _FUZZY_MIN:
            return _Candidate(index, best[0], 1, text)
    return None


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
