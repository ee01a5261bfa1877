"""Plain-text reports: the table layouts text conversions produce (encodings: :mod:`.sniff`).

Layouts met in real conversions (see corpus/ and ../shared/corpus-real/):

* one cell per line, each cell line starting with a tab, rows separated by a
  blank line, a cell's second line without the tab (seed 000, 002, 004);
* one row per line, cells separated by tabs (seed 001, 003);
* markdown pipe tables (``| 一、本年新收… | 32 | 2 |``) from PDF-to-markdown tools;
* flattened web text where a whole report is one line and table cells run
  together: no table block can be made; the table extractor reads that text.

A crawler dump's header (``标题: …``, ``发布时间: …`` before a ``正文`` rule)
goes into ``Document.metadata``.
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer import errors
from analyzer.config import Settings
from analyzer.dates import is_date_only
from analyzer.ingest.layout import PAGE_MARK_RE
from analyzer.ingest.normalize import CJK, CN_NUMERALS, CONTROL_RE, clean_line, clean_text, markup_debris
from analyzer.ingest.sniff import decode_bytes
from analyzer.model import Block, Document

HEADING_RE = re.compile(
    rf"^(?:#{{1,6}}\s*)?(?:[{CN_NUMERALS}]{{1,3}}[、.．]|[（(][{CN_NUMERALS}]{{1,3}}[）)]|第[{CN_NUMERALS}]{{1,3}}部分)"
)
_META_LINE = re.compile(r"^(标题|发布时间|发布日期|成文日期|发布机构|来源|文号|栏目|索引号)\s*[:：]\s*(.*)$")
_BODY_RULE = re.compile(r"^=+\s*正文\s*=+$|^正文$")


def read(path: Path, data: bytes, settings: Settings) -> Document:
    text = decode_bytes(data, path.name)
    notes: list[str] = []
    if "\ufffd" in text:
        notes.append(f"文本中有{text.count(chr(0xFFFD))}处无法解码的字符（文件可能不完整或已损坏），已以“\ufffd”代替")
    if CONTROL_RE.search(text):
        notes.append("文本中含有控制字符（转换残留），已删除")
        text = CONTROL_RE.sub("", text.replace("\x0c", "\n"))
    metadata, body_start = _read_header(text)
    blocks = split_blocks(text.split("\n"), first_line=body_start)
    if not any(b.text.strip() for b in blocks):
        raise errors.UnreadableInput(errors.EMPTY_FILE.format(name=path.name))
    return Document(source=path, format="txt", blocks=tuple(blocks), notes=tuple(notes), metadata=metadata)


def _read_header(text: str) -> tuple[dict[str, str], int]:
    """Crawler-dump header lines before a ``正文`` rule: metadata and the first body line index."""
    lines = text.split("\n")[:40]
    meta: dict[str, str] = {}
    for i, line in enumerate(lines):
        s = line.strip()
        if _BODY_RULE.match(s):
            return meta, i + 1
        m = _META_LINE.match(s)
        if m and m.group(2).strip():
            meta[m.group(1)] = m.group(2).strip()
    # No rule: keep metadata lines found at the very top, but read the whole text.
    return (meta if len(meta) >= 2 else {}), 0


def split_blocks(lines: list[str], first_line: int = 0) -> list[Block]:
    """Group text lines into heading, paragraph and table blocks."""
    blocks: list[Block] = []
    i = first_line
    n = len(lines)
    while i < n:
        raw = lines[i].rstrip("\r")
        stripped = raw.strip()
        # A page's number kept by a PDF's conversion is no text: joined to the line before, it cut a title.
        if not stripped or stripped.startswith("# source:") or _is_rule(stripped) or PAGE_MARK_RE.match(stripped):
            i += 1
            continue
        if stripped.startswith("|") and stripped.count("|") >= 3:
            end = _markdown_table_end(lines, i)
            rows = _markdown_rows(lines[i:end])
            if rows:
                blocks.append(Block("table", _table_text(rows), rows=rows, line=i + 1))
            i = end
            continue
        if "\t" in raw:
            end = _tab_region_end(lines, i)
            rows = _tab_rows(lines[i:end])
            if rows:
                blocks.append(Block("table", _table_text(rows), rows=rows, line=i + 1))
            i = end
            continue
        text = clean_line(markup_debris(stripped.lstrip("#").strip() if stripped.startswith("#") else stripped))
        if text:
            kind = "heading" if _is_heading(stripped, text) else "paragraph"
            blocks.append(Block(kind, text, line=i + 1))
        i += 1
    return _join_soft_wrapped(blocks)


def _is_rule(s: str) -> bool:
    return bool(re.fullmatch(r"[-=*_]{3,}", s))


def _is_heading(raw: str, text: str) -> bool:
    if raw.startswith("#"):
        return True
    if len(text) > 40 or text.endswith(("。", "；", "，")):
        return False
    return bool(HEADING_RE.match(text)) or bool(re.search(r"(年度报告|工作报告)$", text))


WRAPPED_MIN = 12  # characters: a conversion's wrapped line is longer (a page holds 25–40 Chinese characters)


def _join_soft_wrapped(blocks: list[Block]) -> list[Block]:
    """Join paragraph lines that a PDF-to-text conversion wrapped mid-sentence.

    A paragraph continues into the next one when it does not end a sentence
    and the next does not start a heading or an enumeration, nor is a line of
    the 落款 (a date alone, or the line above one), nor prose after a line too
    short to have been wrapped.
    """
    out: list[Block] = []
    last = ""  # the last line of out[-1] as read
    for k, b in enumerate(blocks):
        prev = out[-1] if out else None
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        if (
            prev is not None
            and prev.kind == "paragraph"
            and b.kind == "paragraph"
            and not re.search(r"[。！？：:；;」”]$", prev.text)
            and not re.match(rf"^(?:[{CN_NUMERALS}]+是|\d+[.、．]|[（(][{CN_NUMERALS}\d]+[）)])", b.text)
            and re.search(rf"[{CJK}，、0-9]$", prev.text)
            # The 落款 — a date alone, and the signer on the line above it — stands apart: joined to the
            # line before ("无" + "殷都区人民政府办公室") it would rename the signer.
            and not is_date_only(b.text)
            and not (after is not None and is_date_only(after.text))
            # A short line before prose ended its paragraph: a byline ("平潭综合实验区管委会"), "无".
            # Wrapped lines fill the page; a short label may still lead the numbers of its row.
            and not (len(last) < WRAPPED_MIN and re.match(rf"[{CJK}]", b.text))
        ):
            out[-1] = Block("paragraph", clean_text(prev.text + "\n" + b.text), line=prev.line)
        else:
            out.append(b)
        last = b.text
    return out


def _markdown_table_end(lines: list[str], start: int) -> int:
    i = start
    while i < len(lines) and lines[i].strip().startswith("|"):
        i += 1
    return i


def _markdown_rows(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for line in lines:
        s = line.strip().strip("|")
        cells = [clean_line(c) for c in s.split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c.replace(" ", "")) or not c for c in cells):
            continue  # the |---|---| separator
        rows.append(tuple(cells))
    return _pad(rows)


def _tab_region_end(lines: list[str], start: int) -> int:
    """A table region: tab lines, blank lines between them, and continuation lines of layout A."""
    i = start
    n = len(lines)
    last_tab = start
    while i < n:
        line = lines[i]
        if "\t" in line:
            last_tab = i
            i += 1
            continue
        s = line.strip()
        if not s:
            i += 1
            continue
        # A line without a tab right after a tab line continues that cell (layout A
        # wraps "本年新\n制作数量"), unless it opens a new section.
        if i == last_tab + 1 and not _is_section_heading(s):
            i += 1
            last_tab = i - 1
            continue
        break
    return last_tab + 1


def _is_section_heading(s: str) -> bool:
    return bool(re.match(rf"^(?:#+\s*)?[{CN_NUMERALS}]{{1,2}}[、.．]", s)) and len(s) < 60


def _tab_rows(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    tab_lines = [ln for ln in lines if "\t" in ln]
    single = sum(1 for ln in tab_lines if ln.startswith("\t") and ln.count("\t") == 1)
    if tab_lines and single / len(tab_lines) > 0.8:
        return _cell_per_line_rows(lines)
    rows = []
    for ln in lines:
        if not ln.strip():
            continue
        cells = [clean_line(c) for c in ln.rstrip("\r\n").split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(tuple(cells))
    return _pad(rows)


def _cell_per_line_rows(lines: list[str]) -> tuple[tuple[str, ...], ...]:
    """Layout A: '\\tcell' lines, a blank line ends a row, an untabbed line continues a cell."""
    rows: list[tuple[str, ...]] = []
    cells: list[str] = []
    for ln in lines:
        if not ln.strip() and "\t" not in ln:
            if cells:
                rows.append(tuple(clean_line(c) for c in cells))
                cells = []
            continue
        if ln.startswith("\t"):
            cells.append(ln[1:])
        elif cells:
            cells[-1] += ln.strip()  # the cell's wrapped second line
        else:
            cells.append(ln)
    if cells:
        rows.append(tuple(clean_line(c) for c in cells))
    return _pad(rows)


def _pad(rows: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    width = max((len(r) for r in rows), default=0)
    return tuple(r + ("",) * (width - len(r)) for r in rows)


def _table_text(rows: tuple[tuple[str, ...], ...]) -> str:
    return "\n".join("\t".join(r).rstrip("\t") for r in rows)
