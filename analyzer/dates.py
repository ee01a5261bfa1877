"""Dates as reports and files write them, read into ISO ``YYYY-MM-DD`` strings.

One parser for every source: the date under a report's signature, a web
page's 发布时间, a crawler dump's header and a PDF's metadata. A date that
does not exist (2023-02-31) is no date: :class:`datetime.date` decides.
"""

from __future__ import annotations

import re
from datetime import date

# "2024年1月5日", "2024-01-05", "2024/1/5", "2024.1.5"; a year of this or the last century.
DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
# PDF metadata (ISO 32000-1 §7.9.4): "D:20250225100250+08'00'", the "D:" often left out.
PDF_DATE_RE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def parse_date(text: str) -> str | None:
    """The first date written in ``text`` as ``YYYY-MM-DD``, else None.

    Spaces inside the date are allowed; a value that holds no written date may
    be a PDF date string. A day the calendar does not have is refused.

    >>> parse_date("发布时间：2024 年 1 月 5 日")
    '2024-01-05'
    >>> parse_date("D:20250225100250+08'00'")
    '2025-02-25'
    >>> parse_date("2023年2月31日") is None
    True
    """
    m = DATE_RE.search(text.replace(" ", "")) or PDF_DATE_RE.match(text.strip())
    if not m:
        return None
    try:
        return date(*(int(g) for g in m.groups())).isoformat()
    except ValueError:
        return None
