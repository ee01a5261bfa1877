"""Small ``str -> str`` text cleaners, composed in order (textacy's ``make_pipeline``).

Never NFKC the whole text: it turns ，（：and U+3000 into ASCII and so
destroys the Chinese punctuation that sentence splitting relies on.
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from typing import Callable

TextFn = Callable[[str], str]

# The one CJK range: unified ideographs, extension A and the compatibility
# ideographs. Character classes are built from it (rf"[{CJK}]"), never written anew.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
# The numerals of headings and list markers ("一、", "（二）", "三是").
CN_NUMERALS = "一二三四五六七八九十"
# The characters of a number written in Chinese numerals, and the form of a count (a table cell "三", "十二",
# "一百零五", "零"): a run of numerals that is no count ("一二", a year read digit by digit) never matches it.
CN_NUMBER_CHARS = "零〇一二两三四五六七八九十百千万亿"
CN_COUNT_RE = re.compile(
    r"[零〇]|(?=[一二两三四五六七八九十])(?:[一二两三四五六七八九]万零?)?(?:[一二两三四五六七八九]千零?)?"
    r"(?:[一二两三四五六七八九]百零?)?(?:[一二三四五六七八九]?十)?[一二三四五六七八九]?"
)
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201d\u2026\u2014"
# Control characters (tab and line breaks excepted) that converters leave in text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# CJK Radicals Supplement has no NFKC mapping; these are the ones OCR and
# PDF font maps emit in place of ordinary characters.
_RADICAL_SUPPLEMENT = {
    "\u2e8b": "㔾", "\u2e8c": "小", "\u2e8d": "小", "\u2e8e": "兀", "\u2e95": "彐",
    "\u2e9d": "月", "\u2ea0": "民", "\u2ea7": "牛", "\u2eaa": "疋", "\u2eab": "目",
    "\u2eae": "竹", "\u2eb3": "网", "\u2eb7": "羊", "\u2ebc": "肉", "\u2ec5": "见",
    "\u2ec6": "角", "\u2ecf": "邑", "\u2ed6": "阜", "\u2ed7": "雨", "\u2edd": "食",
    "\u2ee0": "饣", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2eea": "鼠",
    "\u2ef3": "龟",
}


def make_pipeline(*funcs: TextFn) -> TextFn:
    """Compose cleaners left to right."""
    return lambda text: reduce(lambda acc, f: f(acc), funcs, text)


def fullwidth_digits(text: str) -> str:
    """Full-width digits and Latin letters to ASCII; punctuation stays.

    >>> fullwidth_digits("共收到申请１２件")
    '共收到申请12件'
    """
    return text.translate(_FULLWIDTH)


_FULLWIDTH = {c: c - 0xFEE0 for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_FULLWIDTH[0xFF0E] = ord(".")  # ． inside numbers such as １２．５
_FULLWIDTH[0xFF05] = ord("%")


def kangxi_radicals(text: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs to ordinary characters, one by one.

    >>> kangxi_radicals("\u2f00\u2f06条")
    '一二条'
    """
    if not re.search(r"[\u2e80-\u2fdf\uf900-\ufaff]", text):
        return text
    out = []
    for ch in text:
        cp = ord(ch)
        if 0x2F00 <= cp <= 0x2FDF or 0xF900 <= cp <= 0xFAFF:
            out.append(unicodedata.normalize("NFKC", ch))
        elif 0x2E80 <= cp <= 0x2EFF:
            out.append(_RADICAL_SUPPLEMENT.get(ch, ch))
        else:
            out.append(ch)
    return "".join(out)


def conversion_debris(text: str) -> str:
    """Remove markers left by DOCX/PDF-to-text converters.

    >>> conversion_debris("报告如下：[bookmark: _GoBack][image: IMG_256]")
    '报告如下：'
    """
    text = re.sub(r"\[(?:bookmark|image|img|图片|pic)[^\]\n]{0,80}\]", "", text, flags=re.I)
    text = re.sub(r"!\[[^\]\n]*\]\([^)\n]*\)", "", text)  # markdown images
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\u00ad", "")
    return text


# Tags a converter leaves in a text file (a markdown cell's <br>, a page saved as text with its <p> and <span>):
# the block tags break the line, the others go. Only HTML's own tag names: "<script>" or "x < y" stay text.
_MARKUP_BLOCK = re.compile(r"</?(?:p|br|div|tr|li|h[1-6])\b[^<>]{0,200}>", re.I)
_MARKUP_INLINE = re.compile(
    r"</?(?:span|font|b|i|u|em|strong|sup|sub|a|img|o:p|table|tbody|thead|td|th|section|article|center|small|big)"
    r"\b[^<>]{0,200}>", re.I)


def markup_debris(text: str) -> str:
    """HTML tags left in a text file by its converter, and its ``&nbsp;``; for text files only.

    A web page's reader has parsed its markup already: what the page shows as text is text, even "<b>".

    >>> markup_debris('统计<br>数据<span style="x">共3件</span>&nbsp;x < y')
    '统计\\n数据共3件 x < y'
    """
    text = _MARKUP_BLOCK.sub("\n", text)
    return _MARKUP_INLINE.sub("", text).replace("&nbsp;", " ")


def cjk_digit_spaces(text: str) -> str:
    """Drop spaces a PDF converter puts between CJK characters and digits or between CJK characters.

    >>> cjk_digit_spaces("2024 年共收到 13 件，政府 信息")
    '2024年共收到13件，政府信息'
    """
    text = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u00a0]+(?=[0-9A-Za-z%])", "", text)
    text = re.sub(rf"(?<=[0-9A-Za-z%.])[ \u00a0]+(?=[{CJK}{CJK_PUNCT}])", "", text)
    text = re.sub(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u00a0]+(?=[{CJK}{CJK_PUNCT}])", "", text)
    return text


def soft_line_breaks(text: str) -> str:
    """Join a line break that falls inside a sentence (between two CJK characters).

    A break after sentence-final punctuation, or before a numbered heading
    (一、 （一） 1. 一是), is a real paragraph break and stays.

    >>> soft_line_breaks("政府信息公开\\n工作年度报告。\\n（一）主动公开")
    '政府信息公开工作年度报告。\\n（一）主动公开'
    """
    return re.sub(
        rf"(?<=[{CJK}0-9，、“”（）])[ \t]*\n[ \t]*(?![{CN_NUMERALS}]+[、是.．]|[（(][{CN_NUMERALS}0-9]+[）)]|[0-9]+[.、．]|#|\|)(?=[{CJK}0-9，、”）])",
        "",
        text,
    )


def collapse_spaces(text: str) -> str:
    """Non-breaking and ideographic spaces to plain spaces; runs of spaces to one; strip lines.

    >>> collapse_spaces("\u3000\u3000规章\u00a0  1 ")
    '规章 1'
    """
    text = text.replace("\u00a0", " ").replace("\u3000", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


clean_line: TextFn = make_pipeline(conversion_debris, kangxi_radicals, fullwidth_digits, collapse_spaces, cjk_digit_spaces)
"""Cleaners for a single line or a table cell (no line joining)."""

clean_text: TextFn = make_pipeline(clean_line, soft_line_breaks)
"""Cleaners for a run of prose: the line cleaners, then soft line breaks joined."""


def clean_cell(text: str | None) -> str:
    """A table cell's text, cleaned, with all whitespace removed (wrapped labels rejoined).

    >>> clean_cell("自然\\n人\\u3000")
    '自然人'
    """
    return compact(clean_line(text)) if text else ""


def clean_prose(text: str) -> str:
    """A paragraph's text, cleaned, with soft line breaks joined.

    >>> clean_prose(" 政府信息公开\\n工作年度报告。")
    '政府信息公开工作年度报告。'
    """
    return clean_text(text).strip()


_OPEN_BEFORE_CJK = re.compile(rf"\((?=[{CJK}])")
_CLOSE_AFTER_CJK = re.compile(rf"(?<=[{CJK}])\)")


def cjk_parentheses(text: str) -> str:
    """ASCII parentheses against Chinese characters as the full-width ones the text was printed
    with: OCR reads both alike and gives the ASCII ones. Used on OCR prose only.

    >>> cjk_parentheses("(三)政府信息管理情况"), cjk_parentheses("(一）加强"), cjk_parentheses("第(1)项")
    ('（三）政府信息管理情况', '（一）加强', '第(1)项')
    """
    return _CLOSE_AFTER_CJK.sub("）", _OPEN_BEFORE_CJK.sub("（", text))


_SPACE_IN_SENTENCE = re.compile(r"(?<![A-Za-z])\s+|\s+(?![A-Za-z\s])")


def sentence_spaces(text: str) -> str:
    """Whitespace inside one sentence removed, line breaks too, unless it parts two Latin letters: what a PDF's
    spaced text layer or a wrapped line pasted whole leaves ("监 督保障情 况"). For a statement, never a document.

    >>> sentence_spaces("（五）监 督保障情\\n况，Windows XP 系统")
    '（五）监督保障情况，Windows XP系统'
    """
    return _SPACE_IN_SENTENCE.sub("", text)


_HALF_PUNCT = re.compile(rf"(?<=[{CJK}])[,;:()?!]|[,;:()?!](?=[{CJK}])|(?<=[{CJK}])\.(?!\d)")
_FULL_PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！", ".": "。"}


def cjk_punctuation(text: str) -> str:
    """Half-width punctuation beside a Chinese character (and a full stop after one) as the full-width form
    the sentence was written with; between figures or Latin letters it stays.

    >>> cjk_punctuation("依据《条例》要求,现将情况报告如下.时间:9:00(周一)")
    '依据《条例》要求，现将情况报告如下。时间：9:00（周一）'
    """
    return _HALF_PUNCT.sub(lambda m: _FULL_PUNCT[m.group()], text)


def compact(text: str) -> str:
    """All whitespace removed: for matching labels and cells ("自然\\n人" -> "自然人")."""
    return re.sub(r"\s+", "", text)


# ---- cells and labels of tables -------------------------------------------------
#
# NFKC is safe on one cell or one label (never on prose: see the module docstring).
# The tables stage composes these with ``compact``.


def nfkc(text: str) -> str:
    """Compatibility forms to plain ones: full-width digits and punctuation, U+3000 to a space.

    >>> nfkc("１２３，４５６　件")
    '123,456 件'
    """
    return unicodedata.normalize("NFKC", text)


_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


def drop_thousands_separators(text: str) -> str:
    """A comma between a digit and exactly three more digits goes; any other comma stays.

    >>> drop_thousands_separators("1,234,567件 1,23")
    '1234567件 1,23'
    """
    return _THOUSANDS.sub("", text)


def drop_quotes(text: str) -> str:
    """Quotation marks, which some reports put around a label (危及“三安全一稳定”) and others do not.

    >>> drop_quotes('危及“三安全一稳定”')
    '危及三安全一稳定'
    """
    # Four replace() calls beat str.translate on label-sized strings (called per label and cue).
    return text.replace("“", "").replace("”", "").replace('"', "").replace("'", "")


_PUNCTUATION = re.compile(r"[\s\u3000\xa0，。、；：！？,.;:!?“”\"'‘’（）()《》〈〉【】\[\]—\-…·]+")


def drop_punctuation(text: str) -> str:
    """Whitespace and punctuation removed: what is left of a statement when wordings are compared.

    >>> drop_punctuation("一是公开内容（含“专栏”）不够全面。")
    '一是公开内容含专栏不够全面'
    """
    return _PUNCTUATION.sub("", text)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SCALES = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(text: str) -> int:
    """The value of a number in Chinese numerals (the narrative's counts, a table cell): "二十" → 20, "一百二十" → 120, "三千五百" → 3500, "十二" → 12, "一亿两千万" → 120000000."""
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch == "亿":
            total = ((total + section + digit) or 1) * 100000000
            section, digit = 0, 0
        elif ch == "万":
            total += ((section + digit) or 1) * 10000
            section, digit = 0, 0
        else:
            section += (digit or 1) * _CN_SCALES[ch]
            digit = 0
    return total + section + digit
