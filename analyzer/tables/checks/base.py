"""What every check takes and the helpers their messages share."""

from __future__ import annotations

from dataclasses import dataclass, replace

from analyzer.model import Document, Finding, ReportMeta, Section, TableValues
from analyzer.tables import schema

T_ACTIVE, T_APP, T_REVIEW = "active_disclosure", "applications", "review_litigation"


@dataclass(frozen=True)
class Context:
    """What a check reads: the tables, who reported, the sections and the document (None when not kept)."""

    tables: TableValues
    meta: ReportMeta
    sections: dict[str, Section]
    doc: Document | None


def fmt(v) -> str:
    """A number as a report writes it: integers plain, money without float noise."""
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def col_label(table: str, template: str | None, row: str, col: str) -> str:
    """The template's label of a column (its key when the template has no such column)."""
    c = schema.find_column(table, template, row, col)
    return c.label if c else col


def row_label(table: str, template: str | None, row: str) -> str:
    """The template's label of a row (its key when the template has no such row)."""
    r = schema.find_row(table, template, row)
    return r.label if r else row


def aux_other(t: TableValues) -> tuple | None:
    """The single （六）其他处理 row of a 2021 report that did not split it, if read."""
    return t.aux_rows.get(f"{T_APP}.other_processing")


def reading_doubt(t: TableValues, table: str) -> str:
    """Why our reading of ``table`` may have lost rows or cells, as a note for a finding's message ("" when
    nothing says so): rows of numbers that could not be placed on a template row, or text the file's
    reader could not place for sure (``TableValues.reader_doubts``).

    Findings that rest on what the table leaves out (a missing table, row or cell) are then uncertain: the
    numbers left over may be the very row or cells reported missing.
    """
    if t.unplaced_rows.get(table):
        return "（表格中另有若干行数字未能对应到模板行次，可能是原文转换造成的识别问题，请核对原件。）"
    return reader_doubt(t, table)


def reader_doubt(t: TableValues, table: str) -> str:
    """The reader's doubts about ``table`` as a note for a finding's message ("" when it has none)."""
    doubts = t.reader_doubts.get(table)
    if not doubts:
        return ""
    return f"（读取原文件表格时，{doubts[0]}{'等' if len(doubts) > 1 else ''}，可能是原文转换造成的识别问题，请核对原件。）"


def reader_doubted(f: Finding, tables: TableValues) -> Finding:
    """A confirmed finding on cells of a table whose reader left text it could not place: uncertain,
    whatever a second reading says (the second reading sees the same page)."""
    cells = f.data.get("cells") or ([f.data["cell"]] if "cell" in f.data else [])
    if f.status != "confirmed" or not cells:
        return f
    note = next((n for n in (reader_doubt(tables, t) for t in dict.fromkeys(c.split(".")[0] for c in cells)) if n), "")
    return replace(f, status="uncertain", message=f.message + note) if note else f
