"""One data function per page: the HTML routes render it, the JSON routes return it.

Everything here reads the :class:`~analyzer.serve.workbench.Workbench` and the
analyzer's own objects; nothing here knows HTML or HTTP.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace

from analyzer import rules
from analyzer.labels import CATEGORY_LABELS, LEVEL_LABELS, PART_LABELS, SEVERITY_LABELS
from analyzer.linking import agency_key
from analyzer.model import Finding, ReportResult
from analyzer.output.ranking import correction_rate, disclosure_rate
from analyzer.output.review import Comment, build_comment
from analyzer.output.review_overall import tables_in_doubt, undone
from analyzer.serve.decisions import cells_of
from analyzer.serve.store import ReportRow
from analyzer.serve.workbench import Workbench
from analyzer.scoring.verify import OTHER_SPLIT
from analyzer.tables import schema
from analyzer.tables.checks.base import aux_other
from analyzer.tables.checks.continuity import COMPARED_LABELS, compared

KIND_LABELS = {"problem": "问题", "measure": "措施", "achievement": "成效", "statement": "陈述"}
STATUS_LABELS = {"queued": "排队中", "running": "分析中", "done": "已完成", "unreadable": "无法读取"}
GRADES = ("优秀", "良好", "合格", "不合格")
SORTS = {
    "rank": "名次", "total": "总分", **PART_LABELS, "errors": "错误数", "change": "较上年", "agency": "机关",
}
PAGE_SIZE = 100
NAME_PLAUSIBLE = 30  # an "agency" longer than this is a sentence read by mistake: not shown as a name
DECISION_LABELS = {"confirmed": "已确认", "dismissed": "已驳回"}


# ---------------------------------------------------------------- the JSON interface


def report_summary(bench: Workbench, row: ReportRow) -> dict:
    """One entry of ``GET /api/reports``."""
    d = {"id": row.id, "file": row.file, "status": row.status, "agency": row.agency, "year": row.year,
         "level": row.level, "score": None, "grade": None, "rank": None}
    if row.status == "unreadable":
        d["reason"] = row.reason
    if row.status == "done":
        result = bench.decided(row.id)
        if result is not None and result.score is not None:
            d["score"], d["grade"] = round(result.score.total, 2), result.score.grade
        shown = bench.shown_as(row.id)
        if shown == row.id:
            d["rank"] = bench.rank(row.id)
        elif shown:
            d["duplicate_of"] = shown
    return d


def report_json(bench: Workbench, row: ReportRow) -> dict:
    """``GET /api/reports/{id}``: the contract JSON, each finding with its decision, the score as decided."""
    base = {"id": row.id, "file": row.file, "status": row.status}
    if row.status != "done":
        if row.status == "unreadable":
            base["reason"] = row.reason
        return base
    finished = bench.finished(row.id)
    decided = bench.decided(row.id)
    data = finished.to_dict()
    data["source"] = row.file
    decisions = bench.decisions()
    for f in data["findings"]:
        d = decisions.get(f["id"])
        f["decision"] = d.to_dict() if d else None
    if decided.score is not None:
        data["score"] = decided.score.to_dict()
    data.update(base)
    data["report_id"] = row.id
    data["rank"] = bench.rank(row.id)
    prev = bench.previous_of(row.id)
    if prev:
        data["previous_report"] = prev
    shown = bench.shown_as(row.id)
    if shown and shown != row.id:
        data["duplicate_of"] = shown
    return data


# ---------------------------------------------------------------- the ranking page


@dataclass(frozen=True)
class RankingQuery:
    year: int | None = None
    level: str = ""
    grade: str = ""
    q: str = ""
    sort: str = "rank"
    desc: bool = False
    page: int = 1


def ranking_page(bench: Workbench, query: RankingQuery) -> dict:
    years = bench.years()
    year = query.year if query.year in years else (years[0] if years else None)
    ranking = bench.ranking(year) if year is not None else None
    rows = []
    for r in ranking.ranked if ranking else ():
        result = bench.decided(r.source)
        prev_id = bench.previous_of(r.source)
        prev = bench.decided(prev_id) if prev_id else None
        change = round(r.total - prev.score.total, 2) if prev is not None and prev.score else None
        row = bench.row(r.source)
        rows.append({
            "id": r.source, "rank": r.rank, "agency": display_name(r.agency, r.title, row.file if row else r.source),
            "agency_key": agency_key(r.agency) or r.source,
            "level": r.level, "level_label": LEVEL_LABELS.get(r.level, "未识别"), "total": r.total, "grade": r.grade,
            "parts": r.parts, "errors": r.counts.get("error", 0), "warnings": r.counts.get("warning", 0),
            "change": change, "file": row.file if row else "", "duplicates": len(bench.duplicates(r.source)),
            "decided": sum(1 for f in bench.finished(r.source).findings if bench.decision(f.id)),
            "other_years": len(bench.agency_ids(agency_key(r.agency) or r.source)) - 1,
            "disclosure_rate": disclosure_rate(result),
        })
    levels = sorted({r["level"] for r in rows if r["level"]}, key=lambda k: list(LEVEL_LABELS).index(k))
    q = query.q.strip()
    shown = [r for r in rows
             if (not query.level or r["level"] == query.level)
             and (not query.grade or r["grade"] == query.grade)
             and (not q or q in r["agency"] or q in r["file"])]
    sort = query.sort if query.sort in SORTS else "rank"
    shown.sort(key=lambda r: _sort_value(r, sort), reverse=query.desc)
    pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
    page = min(max(1, query.page), pages)
    unreadable = [r for r in bench.rows() if r.status == "unreadable"]
    return {
        "years": years, "year": year, "query": query, "sort": sort, "sorts": SORTS,
        "rows": shown[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "total_rows": len(rows), "matched": len(shown),
        "page": page, "pages": pages, "levels": [(k, LEVEL_LABELS[k]) for k in levels], "grades": GRADES,
        "unreadable": unreadable,
        "unknown_year": [(rid, display_name(bench.finished(rid).meta.agency, bench.finished(rid).meta.title,
                                            bench.row(rid).file)) for rid in bench.year_ids(None)],
        "part_labels": PART_LABELS, "cross_checking": bench.cross_checking(),
    }


def display_name(agency: str | None, title: str | None, file: str) -> str:
    """What a list calls a report: its agency, else a short title, else its file name."""
    if agency and len(agency) <= NAME_PLAUSIBLE:
        return agency
    if title and len(title) <= 40:
        return title
    return "（机关未识别）"


def _sort_value(row: dict, sort: str):
    missing = -math.inf
    if sort == "rank":
        return (row["rank"], row["agency"])
    if sort == "total":
        return (row["total"] if row["total"] is not None else missing, row["agency"])
    if sort in PART_LABELS:
        return (row["parts"].get(sort, missing), row["agency"])
    if sort == "errors":
        return (row["errors"], row["warnings"])
    if sort == "change":
        return (row["change"] if row["change"] is not None else missing, row["agency"])
    return (row["agency"],)


def progress(bench: Workbench) -> dict:
    """The files of the latest upload and where each stands."""
    rows = sorted(bench.batch_rows(), key=lambda r: r.file)
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_LABELS}
    return {"files": rows, "counts": counts, "busy": counts["queued"] + counts["running"] > 0,
            "status_labels": STATUS_LABELS}


# ---------------------------------------------------------------- the report page


def finding_view(bench: Workbench, f: Finding, kept: set[str]) -> dict:
    d = bench.decision(f.id)
    rule = rules.rule(f.rule)
    return {
        "id": f.id, "rule": f.rule, "label": rules.label(f.rule), "severity": f.severity,
        "severity_label": SEVERITY_LABELS.get(f.severity, f.severity), "message": f.message, "where": f.where,
        "uncertain": f.status == "uncertain", "decision": d, "counted": f.id in kept,
        "category": rules.category(rule.category).label, "cells": cells_of(f),
    }


def table_grids(result: ReportResult, marks: dict[str, dict]) -> dict[str, dict]:
    """The three tables laid out as the national template, each value cell with its marks."""
    tv = result.tables
    template = (tv.template if tv else None) or result.meta.template

    def cell(table: str, row: str, col: str) -> dict:
        key = f"{table}.{row}.{col}"
        value = tv.get(table, row, col) if tv else None
        remark = tv.remark(key) if tv else ""
        mark = marks.get(key)
        return {"key": key, "value": value, "text": "" if value is None else f"{value:g}",
                "remark": remark, "severity": mark["severity"] if mark else None,
                "findings": mark["ids"] if mark else [], "has_source": bool(tv and key in tv.sources)}

    # 二: a header row per 第二十条 item, then its rows; a row of fewer columns spans the width (2021's 处理决定数量).
    width = 1 + max(len(r.columns) for r in schema.rows_of("active_disclosure", template))
    active = []
    block = None
    for spec in schema.rows_of("active_disclosure", template):
        if spec.block != block:
            block = spec.block
            active.append({"kind": "block", "text": block})
            active.append({"kind": "head", "cells": ["信息内容", *[c.label for c in spec.columns]],
                           "span": width - len(spec.columns)})
        active.append({"kind": "row", "label": spec.label, "span": width - len(spec.columns),
                       "cells": [cell("active_disclosure", spec.key, c.key) for c in spec.columns]})

    # 三: three label columns, then the seven applicant columns.
    rows = schema.rows_of("applications", template)
    # A 2021 report that filled （六）其他处理 as one row: that row as reported, in place of three blank
    # sub-rows (which hid the numbers the sums were checked with).
    single_other = aux_other(tv) if tv and template != "2019" else None
    if single_other is not None and any(tv.get("applications", k, c.key) is not None
                                        for k in OTHER_SPLIT for c in schema.APPLICANTS):
        single_other = None
    if single_other is not None:
        rows = [r for r in rows if r.key not in OTHER_SPLIT[1:]]
    results = [r for r in rows if r.key not in ("new_received", "carried_over", "carried_forward")]
    groups: dict[str, list] = {}
    for spec in results:
        groups.setdefault(spec.block, []).append(spec)
    apps = []
    first_result = True
    for spec in rows:
        labels = []
        if spec.key in ("new_received", "carried_over", "carried_forward"):
            labels.append({"text": spec.label, "rowspan": 1, "colspan": 3})
        else:
            if first_result:
                labels.append({"text": "三、本年度办理结果", "rowspan": len(results), "colspan": 1})
                first_result = False
            group = groups[spec.block]
            number = spec.block[:3]
            item = spec.label[len("三" + number):] if spec.label.startswith("三" + number) else spec.label
            if single_other is not None and spec.key == OTHER_SPLIT[0]:
                labels.append({"text": f"{spec.block}（报告仅填一行合计）", "rowspan": 1, "colspan": 2})
                apps.append({"labels": labels, "cells": [
                    {"key": f"applications.other_processing.{c.key}", "value": v, "text": "" if v is None else f"{v:g}",
                     "remark": "", "severity": None, "findings": [], "has_source": False, "static": True}
                    for c, v in zip(schema.APPLICANTS, single_other)]})
                continue
            if len(group) == 1:
                labels.append({"text": spec.block, "rowspan": 1, "colspan": 2})
            else:
                if group[0] is spec:
                    labels.append({"text": spec.block, "rowspan": len(group), "colspan": 1})
                labels.append({"text": item, "rowspan": 1, "colspan": 1})
        apps.append({"labels": labels, "cells": [cell("applications", spec.key, c.key) for c in schema.APPLICANTS]})

    review = [cell("review_litigation", g.key, c.key) for g in schema.REVIEW_GROUPS for c in g.columns]
    return {
        "active_disclosure": {"rows": active, "width": width},
        "applications": {"rows": apps, "applicants": [c.label for c in schema.APPLICANTS[1:6]]},
        "review_litigation": {"cells": review, "labels": [c.label for g in schema.REVIEW_GROUPS for c in g.columns]},
        "template": template,
    }


SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def report_page(bench: Workbench, row: ReportRow) -> dict:
    finished = bench.finished(row.id)
    decided = bench.decided(row.id)
    kept = {f.id for f in decided.findings}
    findings = [finding_view(bench, f, kept) for f in finished.findings]
    marks: dict[str, dict] = {}
    for f in findings:
        if f["decision"] and f["decision"].decision == "dismissed":
            continue
        for key in f["cells"]:
            m = marks.setdefault(key, {"severity": f["severity"], "ids": []})
            m["ids"].append(f["id"])
            if SEVERITY_RANK.get(f["severity"], 9) < SEVERITY_RANK.get(m["severity"], 9):
                m["severity"] = f["severity"]
    by_table: dict[str, list[dict]] = {t: [] for t in schema.TABLES}
    others = []
    for f, found in zip(findings, finished.findings):
        # A finding about a table but no single cell (a missing row, a missing table) stands beside
        # that table too: under 其他问题 it left the table saying 本表未发现问题, which was false.
        tables = {c.split(".", 1)[0] for c in f["cells"]} | {(found.data or {}).get("table")}
        table = next((t for t in schema.TABLES if t in tables), None)
        (by_table[table] if table else others).append(f)
    statements = []
    if finished.narrative is not None:
        for s in finished.narrative.statements:
            statements.append({
                "text": s.text, "section": s.section, "part": s.part, "kind": s.kind,
                "kind_label": KIND_LABELS.get(s.kind, s.kind),
                "category": CATEGORY_LABELS.get(s.category, s.category) if s.category else None,
                "category_key": s.category, "boilerplate": s.boilerplate, "carried_over": s.carried_over,
            })
    prev_id = bench.previous_of(row.id)
    return {
        "row": row, "result": decided, "meta": decided.meta, "score": decided.score,
        "undecided_total": finished.score.total if finished.score else None,
        "level_label": LEVEL_LABELS.get(decided.meta.level, "未识别"),
        "rank": bench.rank(row.id), "year_count": len(bench.year_ids(decided.meta.year)),
        "grids": table_grids(finished, marks), "findings": findings, "by_table": by_table, "others": others,
        "table_titles": schema.TABLE_TITLES, "statements": statements, "quiet_tables": _quiet_tables(finished),
        "kind_labels": KIND_LABELS, "sections": _section_titles(finished),
        "previous": bench.row(prev_id) if prev_id else None,
        "duplicates": [bench.row(r) for r in bench.duplicates(row.id)],
        "shown_as": bench.shown_as(row.id), "agency_key": agency_key(decided.meta.agency) or row.id,
        "notes": finished.notes, "format": finished.format,
    }


def _quiet_tables(result: ReportResult) -> dict[str, str]:
    """What stands beside a table without findings, and under 其他问题 when none: nothing found, and what was not
    settled (a table read by OCR in doubt, or a check of ours that failed, was said 未发现问题)."""
    doubt, undone_tables, undone_others = tables_in_doubt(result), undone(result, True), undone(result, False)
    out = {}
    for t in schema.TABLES:
        rest = "，".join(x for x in ("部分数据尚待核实" if t in doubt else "", undone_tables) if x)
        out[t] = f"本表已核对的内容未发现问题，{rest}。" if rest else "本表未发现问题。"
    out["others"] = f"已核对的内容未发现其他问题，{undone_others}。" if undone_others else "未发现其他问题。"
    return out


def _section_titles(result: ReportResult) -> dict[str, str]:
    return {k: s.title for k, s in result.sections.items()}


def cell_box(src) -> tuple[float, float, float, float] | None:
    """Where a cell stands on its page: a scanned page's cell has the box OCR found it in;
    a text-layer PDF's cell keeps no box (its page is shown, the number named)."""
    reading = getattr(src, "reading", None) if src is not None else None
    return reading.box if reading is not None else None


def cell_detail(bench: Workbench, row: ReportRow, key: str) -> dict | None:
    finished = bench.finished(row.id)
    tv = finished.tables
    parts = key.split(".")
    if tv is None or len(parts) != 3 or parts[0] not in schema.TABLES:
        return None
    spec = schema.find_row(parts[0], tv.template, parts[1])
    column = schema.find_column(parts[0], tv.template, parts[1], parts[2])
    if spec is None or column is None:
        return None
    src = tv.sources.get(key)
    kept = {f.id for f in bench.decided(row.id).findings}
    related = [finding_view(bench, f, kept) for f in finished.findings if key in cells_of(f)]
    box = cell_box(src)
    return {
        "row": row, "key": key, "table_title": schema.TABLE_TITLES[parts[0]], "row_label": spec.label,
        "col_label": column.label, "value": tv.get(*parts), "source": src, "remark": tv.remark(key),
        "findings": related, "pdf": finished.format == "pdf" and src is not None and src.page is not None,
        "box": box,
    }


# ---------------------------------------------------------------- review, 整改, years


def comments(bench: Workbench, row: ReportRow) -> tuple[Comment, Comment, object]:
    """(the comment to send, the generated one, the stored edit or None).

    An edited comment carries, in its part for the reviewer (after the 落款, never in the letter),
    a note on each sentence of the edit that the analyzer wrote and would no longer write
    (:func:`out_of_date`): a finding dismissed after the edit is otherwise still stated in it.
    """
    generated = build_comment(bench.decided(row.id))
    edit = bench.store.review(bench.report_key(row.id))
    if edit is None:
        return generated, generated, None
    notes = [STALE_NOTE.format(where=where, text=text) for where, text in out_of_date(bench, row, edit, generated)]
    # replace(): whatever else a comment carries (addressee, signature…) stays as generated.
    edited = replace(generated, overall=edit.overall, problems=list(edit.problems),
                     suggestions=list(edit.suggestions), closing=edit.closing or None,
                     pending=notes + generated.pending)
    return edited, generated, edit


STALE_NOTE = "修改稿{where}“{text}”系此前自动生成的内容，与此后对问题的确认或驳回不符（按最新处理结果已不再这样写），发出前请修改或恢复自动生成。"


def basis(bench: Workbench, row: ReportRow) -> str:
    """What an edit is made from (stored with it): the generated overall judgement and problems."""
    comment = build_comment(bench.decided(row.id))
    return json.dumps({"overall": comment.overall, "problems": comment.problems}, ensure_ascii=False)


def _sentences(text: str) -> list[str]:
    return [s for s in re.findall(r"[^。；]+[。；]?", text or "") if s.strip()]


def out_of_date(bench: Workbench, row: ReportRow, edit, generated: Comment) -> list[tuple[str, str]]:
    """(where, text) of the edit's sentences and problems that the analyzer wrote, when the edit was
    made or before any decision, and no longer writes given the decisions now: the supervisor's
    own words are never among them, nor what the comment still says."""
    try:
        made_from = json.loads(edit.basis) if edit.basis else {}
    except ValueError:
        made_from = {}
    undecided = build_comment(bench.finished(row.id))
    written = {*_sentences(made_from.get("overall", "")), *_sentences(undecided.overall)}
    items = {*made_from.get("problems", []), *undecided.problems}
    out = [("总体评价中", s) for s in _sentences(edit.overall)
           if s in written and s not in _sentences(generated.overall)]
    out += [(f"存在的问题第{i}条", p) for i, p in enumerate(edit.problems, 1)
            if p in items and p not in generated.problems]
    return out


def rectification_items(bench: Workbench, report_id: str) -> list[dict]:
    """The 问题清单 of a report: every finding not dismissed, with its 整改 fields."""
    finished = bench.finished(report_id)
    decisions = bench.decisions()
    stored = bench.store.rectifications()
    items = []
    for f in finished.findings:
        d = decisions.get(f.id)
        if d is not None and d.decision == "dismissed":
            continue
        if f.status == "uncertain" and f.severity == "info" and d is None:
            continue  # a doubt about our own reading, not a problem of the report
        r = stored.get(f.id)
        items.append({
            "id": f.id, "rule": f.rule, "category": rules.category(rules.rule(f.rule).category).label,
            "label": rules.label(f.rule), "severity": f.severity, "severity_label": SEVERITY_LABELS.get(f.severity),
            "message": f.message, "where": f.where,
            "decision": DECISION_LABELS.get(d.decision, "") if d else ("待核实" if f.status == "uncertain" else ""),
            "unit": r.unit if r else "", "measure": r.measure if r else "", "state": r.state if r else "未整改",
            "due": r.due if r else "", "done": r.done if r else "",
        })
    return items


def recurrence(bench: Workbench, report_id: str) -> tuple[ReportRow | None, list[dict]]:
    """Last year's problems of the same agency, and whether each appears again this year."""
    prev_id = bench.previous_of(report_id)
    if not prev_id:
        return None, []
    now = bench.decided(report_id).findings
    # This year's finding that repeats each of last year's: its own message says what this report writes.
    same_place = {(f.rule, _place(f.where)): f for f in reversed(now)}
    same_rule = {f.rule: f for f in reversed(now)}
    out = []
    for it in rectification_items(bench, prev_id):
        if (it["rule"], _place(it["where"])) in same_place:
            status, cls = "再次出现（同一位置）", "recur"
            current = same_place[(it["rule"], _place(it["where"]))]
        elif it["rule"] in same_rule:
            status, cls = "同类问题再次出现", "recur"
            current = same_rule[it["rule"]]
        else:
            status, cls, current = "未再出现", "gone", None
        out.append({**it, "recurrence": status, "recurrence_class": cls,
                    "current_message": current.message if current else None})
    return bench.row(prev_id), out


def _place(where: str) -> str:
    return where.replace(" ", "")


INDICATORS = (
    ("总分", lambda r: r.score.total if r.score else None, "{:g}"),
    ("等级", lambda r: r.score.grade if r.score else None, "{}"),
    *[(label, (lambda key: lambda r: r.score.part(key).points if r.score and r.score.part(key) else None)(key), "{:g}")
      for key, label in PART_LABELS.items()],
    ("本年新收申请（件）", lambda r: r.tables.get("applications", "new_received", "total") if r.tables else None, "{:g}"),
    ("办理结果总计（件）", lambda r: r.tables.get("applications", "results_total", "total") if r.tables else None, "{:g}"),
    ("结转下年度（件）", lambda r: r.tables.get("applications", "carried_forward", "total") if r.tables else None, "{:g}"),
    ("实质公开率", disclosure_rate, "{:.1%}"),
    ("行政复议（件）", lambda r: r.tables.get("review_litigation", "review", "total") if r.tables else None, "{:g}"),
    ("复议纠错率", correction_rate, "{:.1%}"),
    ("行政诉讼（件）", lambda r: _sum(r.tables.get("review_litigation", g, "total") for g in
                                       ("litigation_direct", "litigation_after_review")) if r.tables else None, "{:g}"),
    ("规范性文件现行有效（件）", lambda r: r.tables.get("active_disclosure", "normative_documents", "in_force")
     if r.tables else None, "{:g}"),
    ("错误", lambda r: sum(1 for f in r.findings if f.severity == "error"), "{}"),
    ("警告", lambda r: sum(1 for f in r.findings if f.severity == "warning"), "{}"),
)


def _sum(values):
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _continuity_unchecked(linked: list[tuple[ReportResult, ReportResult]]) -> dict:
    """What the linked years' continuity could not compare in every pair ("" when all was), and what it could:
    a pair on the 2019 template, or whose cells are blank, run together or read in doubt, is not said to agree."""
    done = [set(compared(prev, cur)) for prev, cur in linked]
    checked = [k for k in COMPARED_LABELS if done and all(k in d for d in done)]
    return {"checked": "、".join(COMPARED_LABELS[k] for k in checked),
            "unchecked": "、".join(COMPARED_LABELS[k] for k in COMPARED_LABELS if k not in checked)}


def agency_page(bench: Workbench, key: str) -> dict | None:
    ids = bench.agency_ids(key)
    if not ids:
        return None
    results = [bench.decided(rid) for rid in ids]
    table = []
    for label, fn, fmt in INDICATORS:
        cells = []
        for r in results:
            try:
                v = fn(r)
            except (TypeError, ZeroDivisionError):
                v = None
            cells.append("—" if v is None else fmt.format(v))
        table.append({"label": label, "cells": cells})
    continuity = []
    repeated = []
    for rid, r in zip(ids, results):
        for f in r.findings:
            if f.rule.startswith("continuity."):
                continuity.append({"year": r.meta.year, "id": rid, "message": f.message, "uncertain": f.status == "uncertain"})
            elif rules.rule(f.rule).needs_previous:
                repeated.append({"year": r.meta.year, "id": rid, "message": f.message})
    recurring = []
    for rid in ids:
        prev_row, items = recurrence(bench, rid)
        for it in items:
            if it["recurrence_class"] == "recur":
                # The message of this year's finding: last year's quotes under this year's heading
                # attributed to the report words it does not contain.
                recurring.append({"year": bench.decided(rid).meta.year, "id": rid, "label": it["label"],
                                  "message": it["current_message"], "status": it["recurrence"]})
    linked = [(bench.decided(bench.previous_of(rid)), r) for rid, r in zip(ids, results) if bench.previous_of(rid) in ids]
    pairs = len(linked)
    names = sorted({r.meta.agency for r in results if r.meta.agency and len(r.meta.agency) <= NAME_PLAUSIBLE})
    return {"key": key, "names": names or ["（机关名称未识别）"], "ids": ids, "results": results, "table": table,
            "continuity": continuity, "unchecked": _continuity_unchecked(linked), "repeated": repeated,
            "recurring": recurring, "pairs": pairs,
            "rows": [bench.row(rid) for rid in ids]}


