"""One date parser for signatures, web pages, crawler headers and PDF metadata."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from analyzer import dates
from analyzer.dates import parse_date
from analyzer.identify import find_published
from analyzer.ingest import read_document
from analyzer.model import Block, Document


def test_doctests():
    assert doctest.testmod(dates).failed == 0


@pytest.mark.parametrize(
    "text, want",
    [
        ("2024年1月5日", "2024-01-05"),
        ("2024 年 1 月 5 日", "2024-01-05"),
        ("发布时间：2024-01-05 10:22", "2024-01-05"),
        ("2024/1/5", "2024-01-05"),
        ("2024.01.05", "2024-01-05"),
        ("棉洋镇人民政府2022年1月10日", "2022-01-10"),
        ("D:20250225100250+08'00'", "2025-02-25"),
        ("20250225", "2025-02-25"),
        ("2024年2月29日", "2024-02-29"),  # a leap year
        ("", None),
        ("二〇二四年一月五日", "2024-01-05"),  # Chinese numerals, as under a signature
        ("2024年13月1日", None),
        ("2024年1月32日", None),
    ],
)
def test_parse_date(text, want):
    assert parse_date(text) == want


@pytest.mark.parametrize("text", ["2023-02-31", "2023年2月31日", "2023年2月29日", "2023/4/31", "D:20230231120000"])
def test_a_day_the_calendar_lacks_is_refused(text):
    """The old identify._iso checked only 1 <= day <= 31 and took 2023-02-31 for a date."""
    assert parse_date(text) is None


def _doc(*texts: str, metadata: dict[str, str] | None = None) -> Document:
    blocks = tuple(Block("paragraph", t) for t in texts)
    return Document(source=Path("x.txt"), format="txt", blocks=blocks, metadata=metadata or {})


def test_signature_with_an_impossible_date_is_not_the_publication_date():
    doc = _doc("某某区2023年政府信息公开工作年度报告", "正文。", "某某区人民政府", "2024年2月30日",
               metadata={"pdf_created": "2024-02-26"})
    assert find_published(doc, 2023) == ("2024-02-26", "PDF元数据")


def test_metadata_date_is_read_by_the_same_parser():
    doc = _doc("正文。", metadata={"发布时间": "2024年1月18日 09:30"})
    assert find_published(doc, 2023) == ("2024-01-18", "发布时间")


def test_web_page_with_an_impossible_date_gives_none(tmp_path):
    page = tmp_path / "page.html"
    body = "<p>某某区2023年政府信息公开工作年度报告</p><p>发布时间：2024-02-31</p>" + "<p>一、总体情况</p><p>正文。</p>" * 3
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    assert "发布时间" not in read_document(page).metadata


@pytest.mark.parametrize("text, iso", [
    ("二〇二二年一月二十日", "2022-01-20"), ("二○二三年十二月三十一日", "2023-12-31"), ("二〇二四年二月五日", "2024-02-05"),
    ("二〇二三年二月三十日", None),  # no such day
])
def test_dates_in_chinese_numerals(text, iso):
    assert parse_date(text) == iso
