"""Numbers stated in the narrative against the tables (``narrative.table_mismatch``).

Conservative on purpose: only phrasings that unambiguously name one table
quantity are compared ("共收到政府信息公开申请8件" is 本年新收·总计; "行政复议7件"
is the 行政复议 总计). A sub-count ("其中自然人…"), a phrase that mixes in
上年结转, or a number the table does not hold is left alone.

When the table cell is unknown the comparison still works from what is
known: a row total that is blank is at least the sum of the parts shown, and
an ambiguous digit run ("77132470") limits the cell to its possible readings.
A statement contradicts the table only if no reading of the table fits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.ingest.normalize import nfkc
from analyzer.model import Document, Finding, Section, TableValues
from analyzer.tables import schema
from analyzer.tables.reread import verify_finding
from analyzer.tables.splits import split_pieces

NUM = r"\s*(\d+)\s*"
UNIT = r"(?:件|条|个|宗|份|起|项)"


@dataclass(frozen=True)
class Quantity:
    """A table quantity a narrative phrase may state."""

    key: str
    label: str  # how a supervisor names it
    cells: tuple[str, ...]  # "table.row.col" summed
    patterns: tuple[str, ...]
    where: str
    exclude: str = r"其中|同比|上年|去年|较"  # words that make the phrase a part or a comparison


def _app(rows: tuple[str, ...], col: str = "total") -> tuple[str, ...]:
    return tuple(f"applications.{r}.{col}" for r in rows)


_DENIED = tuple(k for k in schema.RESULT_ROWS_2021 if k.startswith("denied_"))
_UNABLE = tuple(k for k in schema.RESULT_ROWS_2021 if k.startswith("unable_"))
_NOT_PROCESSED = tuple(k for k in schema.RESULT_ROWS_2021 if k.startswith("not_processed_"))
_APP_TITLE = schema.TABLE_TITLES["applications"]
_REV_TITLE = schema.TABLE_TITLES["review_litigation"]
_ACT_TITLE = schema.TABLE_TITLES["active_disclosure"]

# A phrase stops at sentence punctuation; "其中", "结转", "自然人" inside it make it a sub-count.
_GAP = r"[^。；;，,\d（(]{0,18}?"
QUANTITIES = (
    Quantity(
        "received", "本年新收政府信息公开申请总计", _app(("new_received",)),
        (rf"(?:收到|受理|接收|收悉){_GAP}(?:申请|办件){_GAP}{NUM}{UNIT}",
         rf"(?:收到|受理|接收){NUM}{UNIT}(?:政府信息公开|依申请公开)?申请"),
        f"{_APP_TITLE} / 总计 / 一、本年新收政府信息公开申请数量",
        r"其中|结转|自然人|法人|企业|网上|当面|信函|邮寄|电子邮件|传真|平台|窗口|答复|办结|办理|处理|转办|咨询|同比|上年|去年|较|复议|诉讼",
    ),
    Quantity(
        "granted_and_partial", "予以公开与部分公开合计", _app(("granted", "partially_granted")),
        (rf"予以公开(?:及|和|与|、)部分公开{NUM}{UNIT}",),
        f"{_APP_TITLE} / 总计 / 三（一）予以公开、三（二）部分公开",
    ),
    Quantity(
        "unable", "无法提供合计", _app(_UNABLE),
        (rf"无法提供{NUM}{UNIT}",),
        f"{_APP_TITLE} / 总计 / 三（四）无法提供",
    ),
    Quantity(
        "denied", "不予公开合计", _app(_DENIED),
        (rf"(?<!部分公开、)不予公开{NUM}{UNIT}",),
        f"{_APP_TITLE} / 总计 / 三（三）不予公开",
    ),
    Quantity(
        "carried_forward", "结转下年度继续办理总计", _app(("carried_forward",)),
        (rf"结转(?:至|到)?下(?:一)?年度?(?:继续办理)?{NUM}{UNIT}",),
        f"{_APP_TITLE} / 总计 / 四、结转下年度继续办理",
    ),
    Quantity(
        "review", "行政复议总计", ("review_litigation.review.total",),
        (rf"(?<!被)行政复议(?:案件)?(?:共)?{NUM}{UNIT}", rf"(?<!被)复议(?:案件)?{NUM}{UNIT}"),
        f"{_REV_TITLE} / 行政复议 / 总计",
    ),
    Quantity(
        "litigation", "行政诉讼总计（未经复议直接起诉与复议后起诉之和）",
        ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
        (rf"行政诉讼(?:案件)?(?:共)?{NUM}{UNIT}", rf"(?<![行政])诉讼(?:案件)?{NUM}{UNIT}"),
        f"{_REV_TITLE} / 行政诉讼 / 总计",
    ),
    Quantity(
        "normative_in_force", "行政规范性文件现行有效件数", ("active_disclosure.normative_documents.in_force",),
        (rf"现行有效(?:的)?(?:行政)?规范性文件{NUM}{UNIT}",),
        f"{_ACT_TITLE} / 行政规范性文件 / 现行有效件数",
    ),
    Quantity(
        "rules_in_force", "规章现行有效件数", ("active_disclosure.rules.in_force",),
        (rf"现行有效(?:的)?规章{NUM}{UNIT}",),
        f"{_ACT_TITLE} / 规章 / 现行有效件数",
    ),
)


def _sentences(text: str) -> list[str]:
    text = nfkc(text)  # also turns U+3000 into a space
    return [s for s in re.split(r"(?<=[。；;！!？?\n])", text) if s.strip()]


def possible_values(tables: TableValues, cell: str) -> tuple[set | None, int | None]:
    """What one cell may be: ({value}, None) when read; (readings, None) when a run is
    ambiguous; (None, lower bound) for a blank total whose parts are shown; (None, None)."""
    table, row, col = cell.split(".")
    v = tables.get(table, row, col)
    if v is not None:
        return {v}, None
    if cell in tables.ambiguous:
        spec = schema.find_row(table, tables.template, row)
        if spec is not None:
            cols = [c.key for c in spec.columns]
            idx = cols.index(col)
            cands = split_pieces(tables.remarks[cell].split(), len(cols), [c.money for c in spec.columns])
            if cands and len(cands) < 5000:
                return {c[idx] for c in cands}, None
        return None, None
    if col == "total":
        spec = schema.find_row(table, tables.template, row)
        if spec is not None:
            parts = [tables.get(table, row, c.key) for c in spec.columns if c.key != "total"]
            known = [p for p in parts if p is not None]
            if known:
                return None, int(sum(known))
    return None, None


def compare(tables: TableValues, q: Quantity, stated: int) -> tuple[bool, str, dict] | None:
    """(contradicts, table description, data) or None when the table cannot say."""
    lower = 0
    options: list[set] = []
    known_all = True
    for cell in q.cells:
        table, row, _ = cell.split(".")
        if schema.find_row(table, tables.template, row) is None:
            continue
        vals, bound = possible_values(tables, cell)
        if vals is None and bound is None:
            return None
        if vals is None:
            known_all = False
            lower += bound or 0
            continue
        options.append(vals)
        lower += min(vals)
    if not options and known_all:
        return None
    if known_all:
        sums = {0}
        for vals in options:
            sums = {s + v for s in sums for v in vals}
            if len(sums) > 10000:
                return None
        if stated in sums:
            return False, "", {}
        shown = next(iter(sums)) if len(sums) == 1 else None
        desc = f"为{_fmt(shown)}件" if shown is not None else "的各种可能读法均不等于该数"
        # Every possible reading of the table contradicts the statement: no
        # second reading could change that (``all_readings``).
        return True, desc, {"table": shown, "all_readings": shown is None}
    if stated < lower:
        return True, f"按已填写的单元格计至少为{lower}件", {"table_at_least": lower}
    return None


def _fmt(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def check_consistency(tables: TableValues, sections: dict[str, Section], doc: Document | None) -> list[Finding]:
    """Statements of 总体情况 that contradict the tables, each re-read a second way.

    The cells behind a finding are read again (:func:`analyzer.tables.reread.verify_finding`)
    unless every possible reading of the table contradicts the statement (``all_readings``).
    """
    return [f if f.data.get("all_readings") else verify_finding(f, tables, doc) for f in check_statements(tables, sections)]


def check_statements(tables: TableValues, sections: dict[str, Section]) -> list[Finding]:
    """Statements of 总体情况 that contradict the tables (first reading only)."""
    text = sections["overview"].text if "overview" in sections else ""
    out: list[Finding] = []
    seen: set[str] = set()
    for sentence in _sentences(text):
        for q in QUANTITIES:
            for pat in q.patterns:
                for m in re.finditer(pat, sentence):
                    phrase = m.group(0)
                    before = sentence[max(0, m.start() - 6) : m.start()]
                    after = sentence[m.end() : m.end() + 15]
                    if re.search(q.exclude, phrase) or re.search(r"其中|包括|含", before):
                        continue
                    if q.key == "received" and re.search(r"(?:含|包括).{0,6}结转", after):
                        continue  # "12件（含上年结转2件）" says what it counts
                    stated = int(m.group(1))
                    res = compare(tables, q, stated)
                    if res is None or not res[0] or q.key in seen:
                        continue
                    seen.add(q.key)
                    out.append(_finding(tables, q, stated, res[1], res[2], sentence.strip(), phrase))
        out.extend(_all_upheld(tables, sentence, seen))
    return out


def _finding(tables: TableValues, q: Quantity, stated: int, desc: str, data: dict, sentence: str, phrase: str) -> Finding:
    extra = ""
    if q.key == "received":
        nr = tables.get("applications", "new_received", "total")
        co = tables.get("applications", "carried_over", "total")
        if nr is not None and co is not None and nr + co == stated:
            extra = f"（正文数字{stated}件恰为本年新收{_fmt(nr)}件与上年结转{_fmt(co)}件之和，疑将上年结转计入本年收到的申请）"
    message = f"总体情况中称“{phrase.strip()}”，而表格中{q.label}{desc}，两者不一致{extra}。"
    return Finding(
        rule="narrative.table_mismatch", severity="error", message=message,
        where=q.where, quote=sentence[:120],
        data={"quantity": q.key, "stated": stated, "cells": list(q.cells), **data},
    )


def _all_upheld(tables: TableValues, sentence: str, seen: set[str]) -> list[Finding]:
    """"行政复议7件，诉讼9件，均获维持": every case upheld, which the table must show."""
    if "upheld" in seen or not re.search(r"均(?:获|被|予以|已)?维持|全部(?:获|被|予以)?维持", sentence):
        return []
    if not re.search(r"复议|诉讼", sentence):
        return []
    bad = []
    for g in schema.REVIEW_GROUPS:
        up, total = tables.get("review_litigation", g.key, "upheld"), tables.get("review_litigation", g.key, "total")
        if up is not None and total is not None and up != total:
            bad.append(f"{g.label}总计{_fmt(total)}件中结果维持{_fmt(up)}件")
    if not bad:
        return []
    seen.add("upheld")
    return [Finding(
        rule="narrative.table_mismatch", severity="error",
        message=f"总体情况中称行政复议、行政诉讼案件“均获维持”，而表格中{'，'.join(bad)}，两者不一致。",
        where=f"{_REV_TITLE} / 结果维持", quote=sentence.strip()[:120],
        data={"quantity": "upheld", "cells": [f"review_litigation.{g.key}.{c}" for g in schema.REVIEW_GROUPS for c in ("upheld", "total")]},
    )]

