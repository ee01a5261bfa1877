"""Shapes shared by the paged readers (PDF, DOCX): headings, paragraph breaks, numbered rows.

Text cleaning lives in :mod:`analyzer.ingest.normalize` (``clean_cell``,
``clean_prose``), so every reader cleans text the same way.
"""

from __future__ import annotations

import re

from analyzer.ingest.normalize import CN_NUMERALS

# Numbered headings of the national template and of typical reports:
# "一、总体情况", "（一）主动公开", "(二) 依申请公开".
CHAPTER_RE = re.compile(rf"^[{CN_NUMERALS}]{{1,3}}、")
PART_RE = re.compile(rf"^[（(][{CN_NUMERALS}]{{1,3}}[）)]")
HEADING_RE = re.compile(CHAPTER_RE.pattern + "|" + PART_RE.pattern)

# A line ending with one of these closes its paragraph.
PARAGRAPH_END = ("。", "：", ":", "；", ";", "！", "？", "!", "?")

# A table cell holding a bare number, and the start of a numbered item of a table's
# label column ("第二十条第（五）项", "（三）…", "2.…"): a new row, never the rest of one.
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
ITEM_START_RE = re.compile(
    rf"^(?:第[{CN_NUMERALS}百零\d]+[条项部章]|[（(][{CN_NUMERALS}\d]+[）)]|[{CN_NUMERALS}]+[、.．（(]|\d+[、.．])"
)

# Page numbers as a page's margin shows them: "- 2 -", "—3—", "第 2 页", "2/6". A text converted from a PDF
# keeps them among its lines, where they may cut a title or a 落款 in two (identify drops them there).
# PAGE_MARK_RE: the forms no table cell or line of text takes ("- 2 -", "第 2 页"); a text file drops them.
_PAGE_MARK = r"[-—–]+\s*\d{1,4}\s*[-—–]+|第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?"
PAGE_MARK_RE = re.compile(rf"^(?:{_PAGE_MARK})$")
PAGE_NUMBER_RE = re.compile(rf"^(?:[-—–\s]*\d{{1,4}}[-—–\s]*|{_PAGE_MARK}|\d{{1,4}}\s*/\s*\d{{1,4}})$")

# A heading is short and is not a sentence; "（一）主动公开情况。主要通过…" is a
# paragraph that starts with a run-in heading.
HEADING_MAX_CHARS = 40


def is_heading(text: str) -> bool:
    """Say whether a paragraph is a numbered heading line such as "一、总体情况"."""
    text = text.strip()
    if not text or len(text) > HEADING_MAX_CHARS:
        return False
    if not HEADING_RE.match(text):
        return False
    # A sentence inside the line means body text run into the heading.
    body = text.rstrip("。.；;：:")
    return "。" not in body and "；" not in body


def starts_new_paragraph(text: str) -> bool:
    """Say whether a line must begin a paragraph because of its own shape."""
    return bool(HEADING_RE.match(text.strip()))


def ends_paragraph(text: str) -> bool:
    """Say whether a line closes its paragraph by its final punctuation."""
    return text.rstrip().endswith(PARAGRAPH_END)


def merge_bands(intervals, gap: float = 0.0) -> list[list[float]]:
    """Intervals (lo, hi) that overlap, or come closer than ``gap``, merged into bands [lo, hi], left to right.

    The columns of a table without rulings, from a PDF's text or an OCR'd page alike.

    >>> merge_bands([(30, 40), (0, 10), (8, 20)])
    [[0, 20], [30, 40]]
    """
    bands: list[list[float]] = []
    for lo, hi in sorted(intervals):
        if bands and lo <= bands[-1][1] + gap:
            bands[-1][1] = max(bands[-1][1], hi)
        else:
            bands.append([lo, hi])
    return bands
