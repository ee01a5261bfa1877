"""The accuracy part (准确性): points for the numbers read, none for what could not be read.

- Every confirmed finding about the numbers costs its points (``finding_reasons``).
- The points of the cells in doubt (``verify.doubtful_cells``) are held, pro
  rata to the template's cells: accuracy max × cells in doubt ÷ template cells,
  one reason per table naming the rows; they are neither given (the numbers
  were not checked) nor lost (they may well be right).
- Relations that could not be checked because the report leaves cells blank
  are named in a note; the completeness part charges the blank cells.
- When no table could be read at all: the whole part is held if the tables
  are there but unread, lost if the report shows none.
"""

from __future__ import annotations

from analyzer.model import Reason, ReportResult, ScorePart
from analyzer.scoring.base import (
    TABLE_LABELS,
    finding_reasons,
    judged_findings,
    make_part,
    table_coverage,
    table_found,
    template_of,
)
from analyzer.scoring.config import ScoreConfig
from analyzer.scoring.stages import TABLE_STAGES, failed_stages
from analyzer.scoring.verify import DOUBT_CAUSES, doubtful_cells, relations
from analyzer.tables import schema


def score_accuracy(result: ReportResult, cfg: ScoreConfig, has_previous: bool = True) -> ScorePart:
    """The findings about the tables' numbers, and the points held for the numbers that could not be read."""
    readable = [t for t in TABLE_LABELS if table_found(result, t) and table_coverage(result, t)[0] > 0]
    if not readable:
        return _nothing_read(result, cfg)
    reasons, lost = finding_reasons(judged_findings(result, "accuracy", has_previous), cfg.accuracy, cfg)
    reasons += doubt_reasons(result, cfg.accuracy.max)
    reasons += _blank_relations(result)
    unchecked = [TABLE_LABELS[t] for t in TABLE_LABELS if t not in readable]
    if unchecked:
        reasons.append(Reason(f"{'、'.join(unchecked)}未找到或未读出数据，其数据未核验", 0.0, "score.not_judged"))
    return make_part("accuracy", cfg.accuracy.max, lost, reasons)


def _nothing_read(result: ReportResult, cfg: ScoreConfig) -> ScorePart:
    missing = [f for f in result.findings if f.rule == "tables.missing_table"]
    ids = ",".join(f.id for f in missing if f.id) or None
    full = cfg.accuracy.max
    if (missing and all(f.status == "uncertain" for f in missing)) or failed_stages(result) & set(TABLE_STAGES):
        # The tables are there but our reading failed: neither full marks nor a deduction.
        reason = Reason("统计表格未能可靠读取，数据准确性未核验，本项分值待核实，请人工核对原件", 0.0, "score.unverified", ids,
                        held=full)
        return make_part("accuracy", full, 0.0, [reason], judged=False)
    reason = Reason("未找到任何统计表格，数据准确性无从核验，本项不得分（如报告确有表格，请人工核对）", full, "score.not_judged", ids)
    return make_part("accuracy", full, full, [reason], judged=False)


def doubt_reasons(result: ReportResult, max_points: float) -> list[Reason]:
    """One reason per table with cells in doubt: which rows, why, and the points held for them."""
    template = template_of(result)
    doubt = doubtful_cells(result, template)
    if not doubt:
        return []
    n_cells = sum(table_coverage(result, t)[1] for t in TABLE_LABELS)
    unverified = _unverified_relations(result)
    out = []
    for table in TABLE_LABELS:
        keys = [k for k in doubt if k.startswith(table + ".")]
        if not keys:
            continue
        rows = list(dict.fromkeys(k.split(".")[1] for k in keys))
        labels = "、".join(f"“{_row_label(table, template, r)}”" for r in rows[:3])
        causes = "、".join(dict.fromkeys(DOUBT_CAUSES[doubt[k]] for k in keys))
        # “—” or “无” where a number is due was read as written: what is not known is the number, not the reading
        # (seed 000 with “—” in two columns was said 数字未能准确读取)
        said = f"的数字未能准确读取（{causes}）" if any(doubt[k] != "text" for k in keys) else "填写为文字或符号，不是数字"
        text = f"{TABLE_LABELS[table]}{labels}{'等' if len(rows) > 3 else ''}{len(rows)}行共{len(keys)}个单元格{said}"
        n_rel = unverified.get(table, 0)
        if n_rel:
            text += f"，涉及{n_rel}项勾稽关系未能核验"
        held = round(max_points * len(keys) / n_cells, 2)
        ids = _finding_ids(result, keys)
        out.append(Reason(f"{text}；相应分值待核实", 0.0, "score.unverified", ids, table=table, fact=text, held=held))
    return out


def _blank_relations(result: ReportResult) -> list[Reason]:
    """A note for the relations left unchecked because the report leaves a cell blank (no cell in doubt there)."""
    doubt = doubtful_cells(result, template_of(result))
    out = []
    for table, n in _unverified_relations(result).items():
        if n and not any(k.startswith(table + ".") for k in doubt):
            out.append(Reason(f"{TABLE_LABELS[table]}有{n}项勾稽关系因单元格未填写数字未能核验（缺项已在完整性中计）", 0.0,
                              "score.not_judged", table=table))
    return out


def _unverified_relations(result: ReportResult) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in relations(result.tables):
        if r.state == "unverified":
            out[r.table] = out.get(r.table, 0) + 1
    return out


def _row_label(table: str, template: str, row: str) -> str:
    spec = schema.find_row(table, template, row)
    return spec.label if spec else row


def _finding_ids(result: ReportResult, keys: list[str]) -> str | None:
    """The ids of the findings about these cells (ambiguous cells, text in cells, tables or rows not read)."""
    wanted = set(keys)
    tables = {k.split(".")[0] for k in keys}
    ids = []
    for f in result.findings:
        cells = set(f.data.get("cells") or ([f.data["cell"]] if "cell" in f.data else []))
        about_table = f.rule in ("tables.missing_table", "tables.missing_row") and f.data.get("table") in tables
        if f.id and (cells & wanted or (about_table and f.status == "uncertain")):
            ids.append(f.id)
    return ",".join(ids) or None
