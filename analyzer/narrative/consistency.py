"""Numbers stated in the narrative against the tables (``narrative.table_mismatch``).

Each counted number of 总体情况 is first read as a typed claim
(:mod:`analyzer.narrative.claims`): what it counts, for whom, for which period.
It is compared with a cell only when the claim is about a quantity the tables
hold, for the reporting agency as a whole and for the report's year ("全年共
制发政府信息N条，其中…不予公开c条" counts documents, "区政府办代表区政府受理…"
is the office's share, "较上年的N件" is last year's: none is compared). When
the sense cannot be told nothing is raised; the finding's data carries the
claim (quantity, scope, period, cue words) so each decision can be explained.

When the table cell is unknown the comparison still works from what is
known: a row total that is blank is at least the sum of the parts shown, and
an ambiguous digit run ("77132470") limits the cell to its possible readings.
A statement contradicts the table only if no reading of the table fits it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

from analyzer.model import Document, Finding, ReportMeta, Section, TableValues
from analyzer.narrative.claims import Claim, read_claims, sentences
from analyzer.tables import schema
from analyzer.tables.checks.base import reader_doubted
from analyzer.tables.checks.powers import may_decide_reviews
from analyzer.tables.reread import verify_finding
from analyzer.tables.splits import split_pieces

_APP_TITLE = schema.TABLE_TITLES["applications"]
_REV_TITLE = schema.TABLE_TITLES["review_litigation"]
_ACT_TITLE = schema.TABLE_TITLES["active_disclosure"]
_LITIGATION = ("litigation_direct", "litigation_after_review")


@dataclass(frozen=True)
class Quantity:
    """A table quantity a claim may state: how a supervisor names it, the cells summed, where it stands."""

    key: str
    label: str
    cells: tuple[str, ...]
    where: str


def _app(rows: tuple[str, ...], col: str = "total") -> tuple[str, ...]:
    return tuple(f"applications.{r}.{col}" for r in rows)


def _rows(prefix: str, template: str | None) -> tuple[str, ...]:
    return tuple(k for k in schema.result_rows(template) if k.startswith(prefix))


def quantity_of(claim: Claim, template: str | None) -> Quantity | None:
    """The table quantity a comparable claim states, for the report's template; None when the tables hold none."""
    key, role = claim.quantity, claim.role
    if claim.thing == "applications":
        return _application_quantity(claim, template)
    if claim.thing in ("review", "litigation"):
        groups = ("review",) if claim.thing == "review" else _LITIGATION
        col = "total" if role == "total" else role
        col_label = {"total": "总计", "upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}[col]
        name = "行政复议" if claim.thing == "review" else "行政诉讼（未经复议直接起诉与复议后起诉之和）"
        return Quantity(key, f"{name}{col_label}", tuple(f"review_litigation.{g}.{col}" for g in groups),
                        f"{_REV_TITLE} / {name[:4]} / {col_label}")
    if claim.thing == "documents" and template != "2019" and role in _DOCUMENT_COLUMNS:
        # the 2019 table counts documents made and published, not issued, repealed and in force
        (col, col_label), (row, row_label) = _DOCUMENT_COLUMNS[role]
        return Quantity(key, f"{row_label}{col_label}", (f"active_disclosure.{row}.{col}",), f"{_ACT_TITLE} / {row_label} / {col_label}")
    return None


_DOCUMENT_COLUMNS = {
    f"{verb}_{kind}": ((verb, col_label), row)
    for verb, col_label in (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
    for kind, row in (("normative", ("normative_documents", "行政规范性文件")), ("rules", ("rules", "规章")))
}


_OUTCOME_ROWS = {
    "granted_and_partial": ("予以公开与部分公开合计", "三（一）予以公开、三（二）部分公开"),
    "granted": ("予以公开", "三（一）予以公开"),
    "partially_granted": ("部分公开", "三（二）部分公开"),
    "denied": ("不予公开合计", "三（三）不予公开"),
    "unable": ("无法提供合计", "三（四）无法提供"),
    "not_processed": ("不予处理合计", "三（五）不予处理"),
    "other_processing": ("其他处理合计", "三（六）其他处理"),
}


def _application_quantity(claim: Claim, template: str | None) -> Quantity | None:
    key, role = claim.quantity, claim.role
    rows = {
        "granted_and_partial": ("granted", "partially_granted"), "granted": ("granted",),
        "partially_granted": ("partially_granted",), "denied": _rows("denied_", template),
        "unable": _rows("unable_", template), "not_processed": _rows("not_processed_", template),
        "other_processing": _rows("other_", template),
    }
    if role in rows:
        label, row_label = _OUTCOME_ROWS[role]
        return Quantity(key, label, _app(rows[role]), f"{_APP_TITLE} / 总计 / {row_label}")
    simple = {
        "received": ("new_received", "本年新收政府信息公开申请总计", "一、本年新收政府信息公开申请数量"),
        "handled": ("results_total", "本年度办理结果总计", "三（七）总计"),
        "carried_over": ("carried_over", "上年结转政府信息公开申请总计", "二、上年结转政府信息公开申请数量"),
        "carried_forward": ("carried_forward", "结转下年度继续办理总计", "四、结转下年度继续办理"),
    }
    if role in simple:
        row, label, row_label = simple[role]
        return Quantity(key, label, _app((row,)), f"{_APP_TITLE} / 总计 / {row_label}")
    if role in _APPLICANT_COLUMNS:
        cols, label = _APPLICANT_COLUMNS[role]
        return Quantity(key, f"本年新收政府信息公开申请中{label}", tuple(f"applications.new_received.{c}" for c in cols),
                        f"{_APP_TITLE} / {label.split('（')[0]} / 一、本年新收政府信息公开申请数量")
    return None


# An applicant type's count is its column of 一、本年新收; 法人或其他组织 is the sum of the template's five columns
# under that heading, which the finding says (a supervisor looks for one cell of that name and finds five).
_ORGS = schema.APPLICANTS[1:6]
_APPLICANT_COLUMNS = {
    **{col.key: ((col.key,), col.label) for col in schema.APPLICANTS[:5]},
    "legal_persons": (tuple(c.key for c in _ORGS), f"法人或其他组织（{'、'.join(c.label for c in _ORGS)}五列之和）"),
}


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
    used: list[str] = []  # the cells the table's figure rests on: a blank total's shown parts stand for it
    for cell in q.cells:
        table, row, _ = cell.split(".")
        spec = schema.find_row(table, tables.template, row)
        if spec is None:
            continue
        vals, bound = possible_values(tables, cell)
        if vals is None and bound is None:
            return None
        if vals is None:
            known_all = False
            lower += bound or 0
            used += [k for c in spec.columns if c.key != "total"
                     if tables.get(table, row, c.key) is not None and (k := f"{table}.{row}.{c.key}")]
            continue
        options.append(vals)
        lower += min(vals)
        used.append(cell)
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
        # real0011: 予以公开's 总计 is blank, 275 is 258+12+1+1 and 部分公开's 3; the cells are those, not the blank 总计
        return True, f"按已填写的单元格计至少为{lower}件", {"table_at_least": lower, "cells": used}
    return None


def _fmt(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def check_consistency(tables: TableValues, sections: dict[str, Section], doc: Document | None,
                      meta: ReportMeta | None = None) -> list[Finding]:
    """Statements of 总体情况 that contradict the tables, each re-read a second way.

    ``meta`` gives the reporting agency and year (scope and period of a claim);
    without it a sentence naming a unit or a year is not compared.
    The cells behind a finding are read again (:func:`analyzer.tables.reread.verify_finding`)
    unless every possible reading of the table contradicts the statement (``all_readings``);
    a finding on a table whose reader left text it could not place is uncertain.
    """
    return [reader_doubted(f if f.data.get("all_readings") else verify_finding(f, tables, doc), tables)
            for f in check_statements(tables, sections, meta)]


def check_statements(tables: TableValues, sections: dict[str, Section], meta: ReportMeta | None = None) -> list[Finding]:
    """Statements of 总体情况 that contradict the tables (first reading only)."""
    text = sections["overview"].text if "overview" in sections else ""
    agency, year = (meta.agency, meta.year) if meta else (None, None)
    out: list[Finding] = []
    seen: set[str] = set()
    for _, group in groupby(read_claims(text, agency, year, may_decide_reviews(meta)), key=lambda c: c.sid):
        wrong_heads: set[int] = set()
        claims = list(group)
        for i, claim in enumerate(claims):
            if not claim.comparable or claim.quantity in seen or claim.part_of in wrong_heads:
                continue
            if claim.role in _APPLICANT_COLUMNS and claim.part_of is not None and not claims[claim.part_of].comparable:
                continue  # "共收到申请36件（含上年结转2件），其中自然人申请34件": the item shares its count's mix

            q = quantity_of(claim, tables.template)
            res = compare(tables, q, claim.number) if q else None
            if res is None or not res[0]:
                continue
            wrong_heads.add(i)  # its parts repeat the same mistake: one finding says it
            seen.add(claim.quantity)
            out.append(_finding(tables, q, claim, res[1], res[2]))
    for sentence in sentences(text):
        out.extend(_all_upheld(tables, sentence, seen, year))
    return out


# A stated count that is exactly the compared row plus a neighbouring row its words may also cover: the likely
# cause, said beside the finding so that a supervisor sees the two readings ("共收到申请8件" for 7 new and 1
# carried over; "同意公开8件" for 3 granted and 5 partly granted). The finding stands: the text's word names the
# one row. Per claim role: (row, its label, the neighbour, its label, the cause).
_SUM_OF_TWO = {
    "received": ("new_received", "本年新收", "carried_over", "上年结转", "疑将上年结转计入本年收到的申请"),
    "granted": ("granted", "予以公开", "partially_granted", "部分公开", "疑将部分公开计入予以公开"),
}


def _sum_of_two(tables: TableValues, role: str, stated) -> str:
    if role not in _SUM_OF_TWO:
        return ""
    row, label, other, other_label, cause = _SUM_OF_TWO[role]
    a, b = tables.get("applications", row, "total"), tables.get("applications", other, "total")
    if a is None or not b or a + b != stated:
        return ""
    return f"（正文数字{_fmt(stated)}件恰为{label}{_fmt(a)}件与{other_label}{_fmt(b)}件之和，{cause}）"


def _finding(tables: TableValues, q: Quantity, claim: Claim, desc: str, data: dict) -> Finding:
    extra = _sum_of_two(tables, claim.role, claim.number)
    message = f"总体情况中称“{claim.phrase}”，而表格中{q.label}{desc}，两者不一致{extra}。"
    # a figure from the shown cells of a blank 总计 is not in the 总计 column: the place names the rows alone
    where = q.where.replace(" / 总计 / ", " / ") if "table_at_least" in data else q.where
    return Finding(
        rule="narrative.table_mismatch", severity="error", message=message,
        where=where, quote=claim.sentence[:120],
        data={"quantity": q.key, "stated": claim.number, "cells": list(q.cells), "claim": claim.as_data(), **data},
    )


_UPHELD = re.compile(r"均(?:获|被|予以|已)?维持|全部(?:获|被|予以)?维持")


def _all_upheld(tables: TableValues, sentence: str, seen: set[str], year: int | None) -> list[Finding]:
    """"行政复议7件，诉讼9件，均获维持": every case upheld, which the table must show."""
    if "upheld" in seen or not _UPHELD.search(sentence) or not re.search(r"复议|诉讼", sentence):
        return []
    if not re.search(r"信息公开|依申请|公开申请", sentence):
        return []  # cases of other matters: the tables count only those about 政府信息公开
    years = {int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", sentence)}
    if re.search(r"上一?年|去年|以来|累计|历年|同比", sentence) or (years and (year is None or years != {year})):
        return []  # another period: the table of this year cannot say
    bad = []
    for g in schema.REVIEW_GROUPS:
        up, total = tables.get("review_litigation", g.key, "upheld"), tables.get("review_litigation", g.key, "total")
        if up is not None and total is not None and up != total:
            # Say what the rest is, so that a reader sees whether cases were decided otherwise or are still open.
            rest = [f"{label}{_fmt(v)}件" for col, label in (("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))
                    if (v := tables.get("review_litigation", g.key, col))]
            bad.append(f"{g.label}总计{_fmt(total)}件中结果维持{_fmt(up)}件" + (f"（{'、'.join(rest)}）" if rest else ""))
    if not bad:
        return []
    seen.add("upheld")
    named = [g for g in schema.REVIEW_GROUPS if any(b.startswith(g.label + "总计") for b in bad)]
    return [Finding(
        rule="narrative.table_mismatch", severity="error",
        message=f"总体情况中称行政复议、行政诉讼案件“均获维持”，而表格中{'，'.join(bad)}，两者不一致。",
        where=f"{_REV_TITLE} / 结果维持", quote=sentence.strip()[:120],
        # the groups the message names (real0011's blank 复议后起诉 was marked beside it)
        data={"quantity": "upheld", "cells": [f"review_litigation.{g.key}.{c}" for g in named for c in ("upheld", "total")]},
    )]
