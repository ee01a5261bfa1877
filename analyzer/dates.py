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
# "二〇二二年一月二十日": the date under a signature in Chinese numerals (a year's digits one by one,
# the month and day as numbers). CN_DIGITS is also how a title's year in Chinese numerals is read.
CN_DIGITS = str.maketrans("〇○Ｏ零一二三四五六七八九", "0000123456789")
_CN = "〇○Ｏ零一二三四五六七八九十"
CN_DATE_RE = re.compile(rf"([二一][{_CN}]{{3}})\s*年\s*([{_CN}]{{1,2}})\s*月\s*([{_CN}]{{1,3}})\s*日")
# What a 落款 may carry as its date: a day (digits or Chinese numerals) or only a month ("2022年1月").
SIGNATURE_DATE_RE = re.compile(
    rf"{DATE_RE.pattern}|{CN_DATE_RE.pattern}|(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月"
)
# PDF metadata (ISO 32000-1 §7.9.4): "D:20250225100250+08'00'", the "D:" often left out.
PDF_DATE_RE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def _cn_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 三十一 → 31; a year's digits one by one (二〇二二 → 2022)."""
    tens, ten, ones = text.translate(CN_DIGITS).partition("十")
    if not ten:
        return int(tens)
    return int(tens or 1) * 10 + int(ones or 0)


def is_date_only(text: str) -> bool:
    """The text is a date and nothing else, as under a signature: "2022年1月20日", "（2022年1月）",
    "二〇二二年一月二十日", "2022-01-20"."""
    return bool(SIGNATURE_DATE_RE.fullmatch(text.strip().strip("()（）").strip()))


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
    >>> parse_date("二〇二二年一月二十日")
    '2022-01-20'
    """
    m = DATE_RE.search(text.replace(" ", "")) or PDF_DATE_RE.match(text.strip())
    try:
        if m:
            return date(*(int(g) for g in m.groups())).isoformat()
        if m := CN_DATE_RE.search(text.replace(" ", "")):
            return date(*(_cn_number(g) for g in m.groups())).isoformat()
    except (ValueError, KeyError):
        pass
    return None
