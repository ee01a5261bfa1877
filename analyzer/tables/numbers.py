"""Reading one table cell: numbers as reports write them, and the non-numbers.

How cells are classified (documented choice, see tables.md "a missing cell is
never 0"):

* a number (full-width digits, thousands separators, a unit such as 件/万元,
  a trailing note in brackets "22（其中修订16件）") -> its value;
* empty or absent -> ``None`` (the check ``tables.missing_cell`` reports it);
* a placeholder "无", "—", "/", "-" -> ``None`` as well, with the raw text kept
  in ``TableValues.remarks`` and a softer ``tables.non_numeric_cell`` (info):
  the template asks for a number, but the report did say something;
* a count in Chinese numerals ("三", "十二", "零") -> its value, as the narrative reads
  them (:func:`analyzer.ingest.normalize.chinese_number`);
* an approximation or a note mark ("约3", "3余", "10左右", "*", "3*") -> ``None`` with
  the raw text kept (``approximate``): the report gives no exact count, and none is made up;
* a number with a stray character ("1-", "3O", "2l", "64—0") -> ``None`` with
  the raw text kept: it could not be read (:func:`is_damaged`), never guessed;
* anything else -> ``None`` with the raw text kept (``text``).
"""

from __future__ import annotations

import re
from typing import Literal

from analyzer.ingest.normalize import CN_COUNT_RE, chinese_number, compact, drop_thousands_separators, nfkc

CellKind = Literal["number", "empty", "marker", "approximate", "text"]

MARKERS = {"无", "—", "——", "-", "--", "/", "／", "－", "–", "―", "─", "×", "x", "X", "\\", "空", "暂无", "不涉及"}
_UNIT = r"(?:件|条|个|项|次|人次|宗|起|家|万元|元)"
_NUMBER = re.compile(r"^([+\-－−]?)(\d+(?:\.\d+)?)\.?" + _UNIT + r"?$")
_LEADING = re.compile(r"^([+\-－−]?)(\d+(?:\.\d+)?)" + _UNIT + r"?\s*[（(【\[].*$")
_APPROXIMATE = re.compile(
    rf"(?:(?:约|近|逾|超过|大约|将近|不足)(?:\d+(?:\.\d+)?|{CN_COUNT_RE.pattern})(?:余|多|左右)?{_UNIT}?"
    rf"|(?:\d+(?:\.\d+)?|{CN_COUNT_RE.pattern})(?:余|多|左右|以上|以下){_UNIT}?|(?:\d+(?:\.\d+)?)?\*+)"
)


def normalize(raw: str) -> str:
    """Full-width forms to ASCII (NFKC), thousands separators and spaces removed.

    >>> normalize("１，２３４ 件")
    '1234件'
    """
    return compact(drop_thousands_separators(nfkc(raw or "")))


def parse_cell(raw: str, money: bool = False) -> tuple[int | float | None, CellKind]:
    """The value of one cell and what kind of content it held.

    >>> parse_cell("　　1")
    (1, 'number')
    >>> parse_cell("96171.6", money=True)
    (96171.6, 'number')
    >>> parse_cell("—")
    (None, 'marker')
    >>> parse_cell("十二"), parse_cell("约3")
    ((12, 'number'), (None, 'approximate'))
    """
    s = normalize(raw)
    if not s:
        return None, "empty"
    if s in MARKERS or re.fullmatch(r"[—\-－–―─/／]+", s):
        return None, "marker"
    m = _NUMBER.match(s) or _LEADING.match(s)
    if not m:
        if s and (cn := re.fullmatch(rf"({CN_COUNT_RE.pattern}){_UNIT}?", s)) and cn.group(1):
            return chinese_number(cn.group(1)), "number"
        if _APPROXIMATE.fullmatch(s):
            return None, "approximate"
        return None, "text"
    sign, digits = m.group(1), m.group(2)
    value: int | float
    if "." in digits:
        value = float(digits)
        # A count written "3.0" is still the count 3; a real fraction stays a
        # float so that tables.impossible_value can say so.
        if not money and value.is_integer():
            value = int(value)
    else:
        value = int(digits)
    if sign:
        value = -value
    return value, "number"


# Characters that stray into numbers: dashes, and letters that look like digits.
STRAY = "-—–―－‐~_lIOo|"
_DAMAGED = re.compile(rf"[\d.,，{re.escape(STRAY)}]+")


def is_damaged(raw: str) -> bool:
    """A number with a stray character in it ("1-", "3O", "2l", "640-020470"): unreadable, not words.

    >>> is_damaged("1-"), is_damaged("3O"), is_damaged("—"), is_damaged("-3"), is_damaged("无")
    (True, True, False, False, False)
    """
    s = normalize(raw)
    if not s or len(s) > 40 or not _DAMAGED.fullmatch(s) or not any(ch.isdigit() for ch in s):
        return False
    return any(ch in STRAY for ch in s) and parse_cell(raw)[1] == "text"
