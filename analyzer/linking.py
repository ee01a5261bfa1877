"""Link reports of the same agency across years within one run.

Agency names vary between years (殷都区人民政府办公室 / 殷都区政府办 /
殷都区人民政府), so they are compared by a normalised key: the place chain
with the government's own name forms removed.
"""

from __future__ import annotations

import re

from analyzer.model import ReportResult

# Forms under which a government reports for itself (spec/tables.md: a 办公厅
# reporting for the government counts as the government).
_GOVERNMENT_FORMS = re.compile(
    r"(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室|政府办|管理委员会办公室|管委会办公室|管理委员会|管委会|办事处)$"
)


def agency_key(agency: str | None) -> str | None:
    """A key under which the same agency's reports of different years meet.

    >>> agency_key("平潭综合实验区管委会") == agency_key("平潭综合实验区管理委员会")
    True
    """
    if not agency:
        return None
    name = re.sub(r"\s+", "", agency)
    name = re.sub(r"^中华人民共和国", "", name)
    name = _GOVERNMENT_FORMS.sub("", name)
    return name or None


def link_previous(results: list[ReportResult]) -> dict[str, ReportResult]:
    """For each report, the same agency's report of the year before, when it is in the run.

    When a year has several reports of one agency (duplicates), the first by
    source path is used, so the link is the same whatever the input order.
    """
    by_key: dict[tuple[str, int], ReportResult] = {}
    for r in sorted(results, key=lambda r: r.source):
        key = agency_key(r.meta.agency)
        if key and r.meta.year:
            by_key.setdefault((key, r.meta.year), r)
    links: dict[str, ReportResult] = {}
    for r in results:
        key = agency_key(r.meta.agency)
        if key and r.meta.year and (key, r.meta.year - 1) in by_key:
            links[r.source] = by_key[(key, r.meta.year - 1)]
    return links
