import doctest

import pytest

from analyzer.ingest import normalize
from analyzer.ingest.normalize import clean_line, clean_text, compact


def test_doctests():
    result = doctest.testmod(normalize)
    assert result.failed == 0 and result.attempted >= 6


@pytest.mark.parametrize(
    "raw, want",
    [
        ("共收到申请１２件", "共收到申请12件"),
        ("\u2f00\u2f06\u6761", "一二条"),  # Kangxi radicals from a broken font map
        ("2024 年 1 月 1 日", "2024年1月1日"),
        ("报告如下：[bookmark: _GoBack]", "报告如下："),
        ("2021[image: IMG_256]年", "2021年"),
        ("\u3000\u3000规章\u00a0 1", "规章1"),
    ],
    ids=["fullwidth", "kangxi", "cjk-digit-space", "bookmark", "image", "spaces"],
)
def test_clean_line(raw, want):
    assert clean_line(raw) == want


def test_clean_cell_removes_every_space():
    assert normalize.clean_cell(None) == ""
    assert normalize.clean_cell("本年新\n收\u00a0政府\u200b信息\u3000 ") == "本年新收政府信息"


def test_chinese_punctuation_survives():
    # NFKC would turn these into ASCII; the cleaners must not.
    text = "一、总体情况（一）主动公开：全年公开信息3条，其中“政策解读”1条；"
    assert clean_text(text) == text


def test_soft_break_joined_but_headings_kept():
    text = "全年通过门户网站主动公开政府\n信息312条。\n（二）依申请公开\n一是加强培训"
    assert clean_text(text) == "全年通过门户网站主动公开政府信息312条。\n（二）依申请公开\n一是加强培训"


def test_compact():
    assert compact("自然\n人 ") == "自然人"
