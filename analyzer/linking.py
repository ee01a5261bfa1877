"""Link reports of the same agency across years within one run.

Agency names vary between years (殷都区人民政府办公室 / 殷都区政府办 /
殷都区人民政府), so they are compared by a normalised key: the place chain
with the government's own name forms removed.
"""

from __future__ import annotations

import re

from analyzer.ingest.normalize import CJK, compact
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
    name = compact(agency)
    name = re.sub(r"^中华人民共和国", "", name)
    name = _GOVERNMENT_FORMS.sub("", name)
    return name or None


def link_previous(results: list[ReportResult]) -> dict[str, ReportResult]:
    """For each report, the same agency's report of the year before, when it is in the run.

    Names match exactly after normalisation, or when one is the other with its
    higher-level place prefixed (洪泽区人民政府 / 淮安市洪泽区人民政府): two
    districts of the same name in different cities (南京市鼓楼区 / 福州市鼓楼区)
    never match, since neither name ends with the other. When a year has several
    reports of one agency (the same report in several formats), the first by
    source path is used, so links do not depend on input order.
    """
    by_year: dict[int, dict[str, ReportResult]] = {}
    for r in sorted(results, key=lambda r: r.source):
        key = agency_key(r.meta.agency)
        if key and r.meta.year:
            by_year.setdefault(r.meta.year, {}).setdefault(key, r)
    links: dict[str, ReportResult] = {}
    for r in results:
        key = agency_key(r.meta.agency)
        if not key or not r.meta.year:
            continue
        candidates = by_year.get(r.meta.year - 1, {})
        if key in candidates:
            links[r.source] = candidates[key]
            continue
        near = sorted(k for k in candidates if _same_place(key, k))
        if len(near) == 1:
            links[r.source] = candidates[near[0]]
    return links


_PLACE_PREFIX = re.compile(rf"^[{CJK}]{{1,10}}?(?:省|自治区|市|自治州|州|地区|盟)$")


def _same_place(a: str, b: str) -> bool:
    """One key is the other with a higher-level place name in front."""
    short, long_ = sorted((a, b), key=len)
    if short == long_ or not long_.endswith(short) or len(short) < 3:
        return False
    return bool(_PLACE_PREFIX.match(long_[: -len(short)]))
