"""Whether the report was published by the deadline of 《条例》第四十九条.

An agency publishes its own report by 1月31日 of the following year; a
people's government at county level or above publishes its government's
report (本级政府, the consolidated report of its 行政区域) by 3月31日.
The date comes from ``ReportMeta.published`` (identify: a web page's 发布时间,
the date under the signature, or PDF metadata). PDF metadata only says when
the file was made, so a late date from it is ``uncertain``.
"""

from __future__ import annotations

import re
from datetime import date

from analyzer.labels import YEAR_INFERRED_NOTE
from analyzer.model import Document, Finding, ReportMeta

# A people's government (or its 办公厅 reporting for it); a 管委会 of an
# experimental zone or new area reports for its whole area like a government.
_GOVERNMENT = re.compile(r"(?:人民政府(?:办公厅|办公室)?|管理委员会|管委会)$")
WEAK_SOURCES = {"PDF元数据"}


def deadline(meta: ReportMeta, doc: Document | None = None) -> tuple[date, str] | None:
    """The legal deadline and why, for the report of ``meta.year``."""
    if meta.year is None:
        return None
    agency = (meta.agency or "").strip()
    consolidated = bool(_GOVERNMENT.search(agency)) and meta.level in ("national", "province", "city", "county")
    if not consolidated and doc is not None and meta.level in ("province", "city", "county"):
        head = "".join(b.text for b in doc.blocks[:6])
        consolidated = bool(re.search(r"本行政区域|汇总", head)) and "人民政府" in agency
    if consolidated:
        return date(meta.year + 1, 3, 31), "县级以上人民政府的本级政府年度报告应于次年3月31日前公布"
    return date(meta.year + 1, 1, 31), "行政机关的年度报告应于次年1月31日前公布"


def check_publication(meta: ReportMeta, doc: Document | None) -> list[Finding]:
    """publication.late: the report published after the deadline of 《条例》第四十九条."""
    if not meta.published:
        return []
    try:
        published = date.fromisoformat(meta.published)
    except ValueError:
        return []
    due = deadline(meta, doc)
    if due is None or published <= due[0]:
        return []
    when, why = due
    source = meta.published_from or "文中"
    weak = source in WEAK_SOURCES
    days = (published - when).days
    message = (f"报告发布日期为{published.year}年{published.month}月{published.day}日（依据：{source}），"
               f"晚于《中华人民共和国政府信息公开条例》第四十九条规定的{when.year}年{when.month}月{when.day}日"
               f"（{why}），逾期{days}天。")
    if weak:
        message += "该日期取自PDF文件属性，可能不是实际发布日期，请核实。"
    # The deadline follows from the year: one the report does not state is the text's most spoken year,
    # which may be a year it compares with or plans for.
    guessed = meta.year_inferred
    if guessed:
        message += YEAR_INFERRED_NOTE.format(year=meta.year)
    return [Finding(
        rule="publication.late", severity="warning", message=message,
        where="报告发布日期", status="uncertain" if weak or guessed else "confirmed",
        data={"published": meta.published, "published_from": source, "deadline": when.isoformat(), "days_late": days},
    )]
