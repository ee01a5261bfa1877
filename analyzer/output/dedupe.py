"""One report, one place in a ranking; one agency, one name.

The same report often arrives twice: as a PDF and as the web page, or twice
under two file names. Two results are the same report when their content
fingerprint agrees (``fingerprint``: the normalised identity, the table
values and the narrative statements, hashed). An agency publishes one annual
report a year, so two results of the same agency and year with different
content are counted once as well, and the reviewer is told to choose. Name
forms of one agency (平潭综合实验区管委会 / 平潭综合实验区管理委员会) meet under
``analyzer.linking.agency_key``; the ranking shows one name for them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

from analyzer.linking import agency_key
from analyzer.model import ReportResult

_NOT_TEXT = re.compile(r"[^\w]|_", re.UNICODE)


@dataclass(frozen=True)
class Duplicate:
    """A result not ranked because another stands for the same report (or the same agency and year)."""

    source: str
    kept: str  # the source ranked in its place
    same_content: bool  # True: same fingerprint; False: same agency and year, different content

    @property
    def note(self) -> str:
        """Why it is not ranked, in Chinese, for the ranking's notes."""
        if self.same_content:
            return f"与“{self.kept}”内容相同（同一报告的不同格式或重复文件），只计一次"
        return f"与“{self.kept}”为同一机关同一年度的报告（读出的内容不完全一致），只计一次，请确认以哪一份为准"


def fingerprint(result: ReportResult) -> str:
    """A content fingerprint of a report: identity, table values and narrative statements, normalised and hashed.

    Formats of one report differ in layout, spacing and punctuation, not in
    these; file names and formats are left out on purpose.
    """
    meta = result.meta
    identity = [agency_key(meta.agency) or "", meta.year, meta.template]
    values = result.tables.values if result.tables else {}
    # One string: formats cut sentences differently, and a page break may fall inside one.
    statements = "".join(_NOT_TEXT.sub("", s.text) for s in result.narrative.statements) if result.narrative else ""
    payload = json.dumps([identity, values, statements], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def split_duplicates(results: list[ReportResult]) -> tuple[list[ReportResult], list[Duplicate]]:
    """(the results to rank, the duplicates left out); the first by source path stands for the others."""
    kept: list[ReportResult] = []
    dups: list[Duplicate] = []
    by_print: dict[str, str] = {}
    by_agency_year: dict[tuple[str, int], str] = {}
    for r in sorted(results, key=lambda r: r.source):
        fp = fingerprint(r)
        key = agency_key(r.meta.agency)
        slot = (key, r.meta.year) if key and r.meta.year else None
        if fp in by_print:
            dups.append(Duplicate(r.source, by_print[fp], True))
            continue
        if slot is not None and slot in by_agency_year:
            dups.append(Duplicate(r.source, by_agency_year[slot], False))
            continue
        by_print[fp] = r.source
        if slot is not None:
            by_agency_year[slot] = r.source
        kept.append(r)
    return kept, dups


def agency_names(results: list[ReportResult]) -> dict[str, str]:
    """agency_key → the name the ranking shows for it: the form used most often, then the longest."""
    forms: dict[str, Counter[str]] = {}
    for r in results:
        key = agency_key(r.meta.agency)
        if key:
            forms.setdefault(key, Counter())[r.meta.agency.strip()] += 1
    return {key: sorted(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0] for key, c in forms.items()}
