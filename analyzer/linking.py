"""Link reports of the same agency across years within one run.

Agency names vary between years (殷都区人民政府办公室 / 殷都区政府办 / 殷都区人民政府,
上海市科委 / 上海市科学技术委员会, 洪泽区人民政府 / 淮安市洪泽区人民政府), so they are
compared by :func:`analyzer.agency.link_key`: the full name, a government by its place
alone. A false link is worse than none: it raises continuity findings against another
body's numbers. So a name without a place never links (公安局 could be any county's),
two districts of one name in different cities never match, and when the year before
holds two different reports that could be the agency's, none is linked and the report
says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable
from difflib import SequenceMatcher

from analyzer.agency import is_national, is_place_prefix, link_key, place_chain
from analyzer.model import ReportResult

# Two readings of one report (formats of one text) share this much of their overview.
SAME_TEXT = 0.9


def agency_key(agency: str | None) -> str | None:
    """A key under which the same agency's reports of different years meet.

    >>> agency_key("平潭综合实验区管委会") == agency_key("平潭综合实验区管理委员会")
    True
    """
    return link_key(agency)


@dataclass(frozen=True)
class YearLinks:
    """Per report (by source): last year's report of its agency, or the candidates that compete for it."""

    previous: dict[str, ReportResult] = field(default_factory=dict)
    competing: dict[str, tuple[ReportResult, ...]] = field(default_factory=dict)


def link_previous(results: list[ReportResult]) -> dict[str, ReportResult]:
    """For each report, the same agency's report of the year before, when it is in the run (:func:`link_years`)."""
    return link_years(results).previous


def link_years(results: list[ReportResult]) -> YearLinks:
    """Last year's report of each report's agency, when exactly one report of the run can be it.

    A candidate is a report of the year before whose key is the same agency
    (:func:`year_candidates`). Several readings of one report (the same text in
    several formats) count once, the first by source; different reports that all
    could be the agency's compete, and none is linked.
    """
    by_source = {r.source: r for r in results}
    found = year_candidates((r.source, agency_key(r.meta.agency), r.meta.year) for r in results)
    return resolve_candidates({src: [by_source[c] for c in cands] for src, cands in found.items()})


def resolve_candidates(found: dict[str, list[ReportResult]]) -> YearLinks:
    """Per report, its candidates (in source order) merged by :func:`_distinct`: one is a link, several compete."""
    previous: dict[str, ReportResult] = {}
    competing: dict[str, tuple[ReportResult, ...]] = {}
    for source, cands in found.items():
        distinct = _distinct(cands)
        if len(distinct) == 1:
            previous[source] = distinct[0]
        elif len(distinct) > 1:
            competing[source] = tuple(distinct)
    return YearLinks(previous, competing)


def year_candidates(entries: Iterable[tuple[str, str | None, int | None]]) -> dict[str, list[str]]:
    """Per source: the sources of the year before whose agency key is the same agency, in source order.

    ``entries`` are (source, agency key, year). Keys are matched by :func:`same_agency`
    through an index of the year before's keys and their endings, so the work grows
    with the number of reports, not its square (a streamed run links 100,000 reports).
    """
    by_year: dict[int, dict[str, list[str]]] = {}
    for source, key, year in sorted(entries, key=lambda e: e[0]):
        if key and year and linkable(key):
            by_year.setdefault(year, {}).setdefault(key, []).append(source)
    found: dict[str, list[str]] = {}
    for year, keys in by_year.items():
        before = by_year.get(year - 1)
        if not before:
            continue
        endings: dict[str, list[str]] = {}  # an ending of an earlier key -> the earlier keys ending so
        for k in before:
            for ending in key_endings(k)[1:]:
                endings.setdefault(ending, []).append(k)
        for key, sources in keys.items():
            near = set(key_endings(key)) | set(endings.get(key, ()))
            matched = sorted(s for k in near if k in before and same_agency(key, k) for s in before[k])
            if matched:
                for source in sources:
                    found[source] = matched
    return found


def key_endings(key: str) -> list[str]:
    """The key and each of its endings, longest first: the keys that :func:`same_agency` can pair with it as the shorter."""
    return [key[i:] for i in range(len(key))]


def same_agency(a: str, b: str) -> bool:
    """Two keys name one agency: equal, or one is the other with a higher place written before it."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if not long_.endswith(short) or not place_chain(short):
        return False
    return is_place_prefix(long_[: -len(short)])


def linkable(key: str) -> bool:
    """Only a name that says where the body is (or a national body) can be matched across years."""
    return bool(place_chain(key)) or is_national(key)


def _distinct(candidates: list[ReportResult]) -> list[ReportResult]:
    """The candidates with readings of one report merged (the first by source kept)."""
    out: list[ReportResult] = []
    for c in candidates:
        if not any(_same_report(c, kept) for kept in out):
            out.append(c)
    return out


def _same_report(a: ReportResult, b: ReportResult) -> bool:
    """Readings of one report: one agency name, no table cell read differently, nearly the same overview."""
    if agency_key(a.meta.agency) != agency_key(b.meta.agency):
        return False
    if a.tables is not None and b.tables is not None:
        for table, rows in a.tables.values.items():
            for row, cols in rows.items():
                for col, v in cols.items():
                    w = b.tables.get(table, row, col)
                    if v is not None and w is not None and v != w:
                        return False
    ta, tb = _overview(a), _overview(b)
    if not ta and not tb:
        return True
    return SequenceMatcher(None, ta, tb, autojunk=False).ratio() >= SAME_TEXT


def _overview(r: ReportResult) -> str:
    section = r.sections.get("overview")
    return "".join(section.text.split())[:1500] if section is not None else ""
