"""Saved government web pages (and scripts whose strings carry the page HTML).

lxml parses the page; navigation chrome is dropped by finding the article
container; tables are expanded into full grids (rowspan/colspan repeated into
every covered position), which is what the table extractor expects.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
from lxml import etree

from analyzer import errors
from analyzer.config import Settings
from analyzer.dates import DATE_RE, parse_date
from analyzer.ingest.normalize import CJK_RE, clean_line, clean_text, compact
from analyzer.ingest.sniff import decode_bytes
from analyzer.ingest.txt import HEADING_RE
from analyzer.model import Block, Document

# Elements that never hold report text.
_DROP = ("script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "button", "select", "svg", "head")
# Class/id fragments of the article container in common government CMSs (TRS, 博思, 政府网站集约化平台…).
_ARTICLE_HINTS = re.compile(
    r"trs_editor|trs_word|article|content|zoom|zwnr|xxgk_content|detail|main-text|bt_content|wzy|view|text", re.I
)
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "blockquote", "pre", "center"}
_LABELLED_DATE_RE = re.compile(r"(?:发布时间|发布日期|成文日期|时间)\s*[:：]\s*" + DATE_RE.pattern)


def read(path: Path, data: bytes, settings: Settings) -> Document:
    text = decode_bytes(data, path.name)
    notes: list[str] = []
    markup = text
    if not re.match(r"\s*(<!--.*?-->\s*)*<", text, flags=re.S):
        embedded = html_from_script(text)
        if embedded:
            markup = embedded
            notes.append("正文取自网页脚本中的 HTML 字符串")
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise errors.UnreadableInput(f"{path.name}：网页无法解析（{exc}）。") from exc
    metadata = _page_metadata(root)
    for el in list(root.iter(*_DROP)):
        if el.getparent() is not None:
            el.drop_tree()
    body = find_article(root)
    blocks = _walk(body)
    if not blocks:
        raise errors.UnreadableInput(errors.EMPTY_FILE.format(name=path.name))
    date = _find_date(root.text_content())
    if date and "发布时间" not in metadata:
        metadata["发布时间"] = date
    images = sum(1 for _ in body.iter("img"))
    return Document(source=path, format="html", blocks=tuple(blocks), notes=tuple(notes), metadata=metadata,
                    images=images)


def html_from_script(text: str) -> str | None:
    """The longest string literal of a script that holds HTML markup, unescaped."""
    best = None
    for m in re.finditer(r'"((?:[^"\\]|\\.){200,})"', text, flags=re.S):
        literal = m.group(1)
        if len(re.findall(r"<(?:p|table|td|div)[\s>]", literal)) < 3:
            continue
        try:
            value = json.loads('"' + literal.replace("\\'", "'") + '"', strict=False)
        except json.JSONDecodeError:
            value = literal.replace('\\"', '"').replace("\\n", "\n")
        if best is None or len(value) > len(best):
            best = value
    return best


def _page_metadata(root) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").lower()
        content = (el.get("content") or "").strip()
        if not content:
            continue
        if name in ("pubdate", "publishdate", "firstpublishedtime", "article:published_time"):
            meta["发布时间"] = content
        elif name in ("articletitle", "title"):
            meta["标题"] = content
        elif name in ("contentsource", "source", "sitename"):
            meta.setdefault("来源", content)
    title = root.find(".//title")
    if title is not None and title.text and "标题" not in meta:
        meta["标题"] = title.text.strip()
    h1 = root.find(".//h1")  # a page's heading may stand outside the article (identify weighs it)
    if h1 is not None and h1.text_content().strip():
        meta["h1"] = h1.text_content().strip()
    return meta


def _find_date(text: str) -> str | None:
    """The date the page's text gives after a 发布时间-like label, if any."""
    m = _LABELLED_DATE_RE.search(text)
    return parse_date(m.group(0)) if m else None


def find_article(root):
    """The element holding the report: a CMS article container, else the densest text block."""
    body = root.find("body")
    if body is None:
        body = root
    candidates = []
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        hint = f"{el.get('class', '')} {el.get('id', '')}"
        if _ARTICLE_HINTS.search(hint):
            candidates.append(el)
    total = _cjk_len(body.text_content())
    best = None
    for el in candidates:
        n = _cjk_len(el.text_content())
        # The container must hold most of the page's Chinese text; take the smallest such.
        if n >= 0.6 * total and (best is None or n < _cjk_len(best.text_content())):
            best = el
    return best if best is not None else body


def _cjk_len(text: str) -> int:
    return len(CJK_RE.findall(text))


def _walk(root) -> list[Block]:
    """Blocks in document order: tables as grids, other block elements as paragraphs."""
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = clean_text("".join(buf))
        buf.clear()
        for line in text.split("\n"):
            line = line.strip()
            if line:
                kind = "heading" if len(line) <= 40 and HEADING_RE.match(line) and not line.endswith("。") else "paragraph"
                blocks.append(Block(kind, line))

    def visit(el) -> None:
        if not isinstance(el.tag, str):
            if el.tail:
                buf.append(el.tail)
            return
        tag = el.tag.lower()
        if tag == "table":
            flush()
            rows = table_grid(el)
            if rows:
                blocks.append(Block("table", "\n".join("\t".join(r) for r in rows), rows=rows))
        elif tag == "br":
            buf.append("\n")
        else:
            block = tag in _BLOCK_TAGS or tag in ("tr", "table")
            if block:
                buf.append("\n")
            if el.text:
                buf.append(el.text)
            for child in el:
                visit(child)
            if block:
                buf.append("\n")
        if el.tail:
            buf.append(el.tail)

    if root.text:
        buf.append(root.text)
    for child in root:
        visit(child)
    flush()
    return blocks


def table_grid(table) -> tuple[tuple[str, ...], ...]:
    """Expand a table's rowspan/colspan into a full grid of cell texts (nested tables flattened)."""
    grid: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr") if _owning_table(tr) is table]
    r = 0
    width = 0
    for tr in rows:
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = clean_line(_cell_text(cell))
            rs = _span(cell.get("rowspan"))
            cs = _span(cell.get("colspan"))
            for dr in range(rs):
                for dc in range(cs):
                    grid.setdefault((r + dr, c + dc), text)
            c += cs
            width = max(width, c)
        r += 1
    height = max((k[0] for k in grid), default=-1) + 1
    out = [tuple(grid.get((i, j), "") for j in range(width)) for i in range(height)]
    return tuple(row for row in out if any(cell.strip() for cell in row))


def _owning_table(tr):
    el = tr.getparent()
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _cell_text(cell) -> str:
    text = "".join(cell.itertext())
    # Wrapped header text ("自然\n人") is one label: whitespace inside cells carries no meaning.
    return compact(text) if CJK_RE.search(text) else " ".join(text.split())


def _span(value: str | None) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(n, 1), 200)  # a damaged page must not make a million-cell grid
