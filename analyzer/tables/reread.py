"""A second, independent reading of the cells behind a failed check.

A supervisor must never send an agency a complaint that was our misreading.
When an arithmetic check fails, the rows involved are read again another
way and compared with the extraction:

* PDF: the words of the text layer (pdfplumber) on the row's page, in the
  horizontal band of the row label, ordered left to right — independent of
  the table-grid reconstruction the reader did;
* text formats: the raw source text after the row label (for TXT the file
  itself, not the reader's blocks), numbers read until the next words;
* a page OCR read (no text layer to read again): the crop of each cell the
  finding names, rendered alone at a higher resolution and read as digits only
  (:func:`analyzer.ingest.pdf.scanned.read_number_again`). Each cell has its own
  crop, so only the cells the finding rests on are read, not the whole row or
  table (a doubtful "0" in another group of table 四 says nothing about this
  group's sum). A finding that rests on a cell OCR read in doubt
  (``TableValues.doubtful``) is ``uncertain`` whatever the second reading says.

Either way the bytes the reader handed over are read (``Document.data``);
nothing is opened from disk again.

Both readings agree -> ``confirmed``; they differ, or the second reading is
impossible (a row placed by order, a digit run split under the arithmetic)
-> ``uncertain``.
"""

from __future__ import annotations

import html
import io
import logging
import re
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from typing import Iterator

from analyzer.ingest.normalize import CJK, CN_COUNT_RE, chinese_number, compact, drop_quotes, drop_thousands_separators, nfkc
from analyzer.model import CellSource, Document, Finding, TableValues
from analyzer.tables import schema
from analyzer.tables.textread import decoded_source

# A value: digits, or a count in Chinese numerals as the reader takes a cell of them ("三", "十二").
_NUM = re.compile(rf"[+\-]?\d+(?:\.\d+)?|{CN_COUNT_RE.pattern}")
_CJK = re.compile(f"[{CJK}]")
# In running source text a count in Chinese numerals is a value only between separators ("\t三\t"), never "三、".
_TOKEN = re.compile(rf"[+\-]?\d+(?:\.\d+)?(?:[.、．](?=\s*[{CJK}]))?|(?<=[\s|])(?P<cn>{CN_COUNT_RE.pattern})(?=[\s|])|[{CJK}]")
_WORDS_OR_NUMBER = re.compile(rf"[+\-]?\d+(?:\.\d+)?|[{CJK}]+")
OCR_AGAIN_SURE = 0.8  # a second OCR reading less sure than this confirms nothing


def _n(s: str) -> str:
    """Source text as the second reading compares it: NFKC, thousands separators and quotation marks gone."""
    return drop_quotes(drop_thousands_separators(nfkc(s or "")))


def verify_finding(f: Finding, tables: TableValues, doc: Document | None) -> Finding:
    """The finding ``confirmed`` when a second reading of its rows agrees with the extraction, else ``uncertain``."""
    cells = f.data.get("cells") or ([f.data["cell"]] if "cell" in f.data else [])
    rows = sorted({tuple(c.split(".")[:2]) for c in cells})
    if not rows or doc is None:
        return replace(f, status="uncertain")
    doubted = held_in_doubt(f, tables)
    if doubted is not f:
        return doubted
    sources = [tables.sources.get(c) for c in cells]
    if any(s is not None and s.reading is not None for s in sources):
        agrees = _ocr_agrees([tables.get(*c.split(".")) for c in cells], sources, doc)
    else:
        agrees = all(_row_agrees(table, row, tables, doc) for table, row in rows)
    if not agrees:
        return replace(f, status="uncertain", data={**f.data, "second_reading": "disagrees"})
    return replace(f, status="confirmed", data={**f.data, "second_reading": "agrees"})


def held_in_doubt(f: Finding, tables: TableValues) -> Finding:
    """The finding ``uncertain`` when it rests on a cell OCR read in doubt; else unchanged."""
    cells = f.data.get("cells") or ([f.data["cell"]] if "cell" in f.data else [])
    doubted = [c for c in cells if c in tables.doubtful]
    if not doubted:
        return f
    return replace(f, status="uncertain", data={**f.data, "second_reading": "doubtful", "doubtful_cells": doubted})


def _ocr_agrees(values: list, sources: list[CellSource | None], doc: Document) -> bool:
    """Every value shown in cells OCR read is read the same from the cell's crop alone."""
    from analyzer.ingest.pdf.scanned import read_number_again

    for value, src in zip(values, sources):
        if value is None:
            continue
        if src is None or src.reading is None or not doc.data:
            return False
        again, confidence = read_number_again(doc.data, src.reading)
        if again is None or confidence < OCR_AGAIN_SURE or _num(again) != value:
            return False
    return True


def _row_agrees(table: str, row: str, tables: TableValues, doc: Document) -> bool:
    if table == "review_litigation":
        first = [tables.get(table, g.key, c.key) for g in schema.REVIEW_GROUPS for c in g.columns]
        second = read_review_again(doc, tables)
        shown = [v for v in first if v is not None]
        # Blank cells have no text: the numbers shown must read the same, in order.
        return second is not None and second[: len(shown)] == shown and len(second) in (len(shown), 15)
    spec = schema.find_row(table, tables.template, row)
    if spec is None:
        return False
    first = [tables.get(table, row, c.key) for c in spec.columns]
    src = next((tables.sources[f"{table}.{row}.{c.key}"] for c in spec.columns if f"{table}.{row}.{c.key}" in tables.sources), None)
    if src is None or src.row_label.startswith("（无行标签"):
        return False
    second = read_row_again(doc, src.row_label, src.page, len(spec.columns))
    if second is None:
        return False
    shown = [v for v in first if v is not None]
    return second[: len(shown)] == shown and len(shown) == len(second[: len(spec.columns)])


# ---------------------------------------------------------------- text


def _source_text(doc: Document) -> str:
    """The file's own text, read without the reader that built the table grid.

    TXT as decoded; HTML with its tags replaced by separators; DOCX from the
    ``w:t`` runs of word/document.xml, cells separated. Anything unreadable
    (or a Document built without its bytes) falls back to the document's text
    (then the readings are not independent, but they are still compared).
    """
    text = _own_text(doc.data, doc.format, doc.source.name) if doc.data else None
    return text if text is not None else _n(doc.text)


@lru_cache(maxsize=8)
def _own_text(data: bytes, fmt: str, name: str) -> str | None:
    if fmt in ("txt", "html"):
        raw = decoded_source(data, name)
        if raw is None:
            return None
        if fmt == "txt":
            return _n(raw)
        return _n(html.unescape(re.sub(r"<[^>]*>", "\t", raw.replace('\\"', '"'))))
    if fmt == "docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                xml = z.read("word/document.xml").decode("utf-8", "replace")
        except Exception:  # noqa: BLE001 - best effort (the bytes of a converted legacy .doc are no zip)
            return None
        xml = re.sub(r"</w:tc>", "\t", xml)
        xml = re.sub(r"</w:p>|</w:tr>", "\n", xml)
        return _n(html.unescape(re.sub(r"<[^>]*>", "", xml)))
    return None


def _label_pattern(label: str) -> re.Pattern[str] | None:
    """The label's last distinctive characters, allowing breaks and spaces between them."""
    parts = [p for p in _n(label).split() if _CJK.search(p)]
    if not parts:
        return None
    tail = compact(parts[-1])[-8:]
    if len(tail) < 2:
        return None
    return re.compile(r"[\s|]*".join(re.escape(ch) for ch in tail))


def read_row_again(doc: Document, label: str, page: int | None, n: int) -> list | None:
    """Up to ``n`` numbers after the row label, read from the file's own text (or its PDF words); None if unreadable."""
    if doc.format == "pdf":
        return _pdf_row(doc.data, page, label, n)
    text = _source_text(doc)
    pat = _label_pattern(label)
    if pat is None:
        return None
    # The label may stand in a heading before its table, or be repeated by a
    # merged cell: the reading is the first occurrence with numbers right after it.
    for m in pat.finditer(text):
        values: list = []
        for tok in _TOKEN.finditer(text[m.end():m.end() + 2000]):
            if (_CJK.match(tok.group(0)) and not tok.group("cn")) or tok.group(0)[-1] in ".、．":
                break  # words, or the next label's number ("2.没有现成信息…")
            values.append(_num(tok.group(0)))
            if len(values) >= n:
                break
        if values:
            return values
    return None


def read_review_again(doc: Document, tables: TableValues) -> list | None:
    """Up to fifteen numbers of table 四 after its 行政复议 header, read a second way; None if unreadable."""
    if doc.format == "pdf":
        src = next((s for k, s in tables.sources.items() if k.startswith("review_litigation.")), None)
        return _pdf_review(doc.data, src.page if src else None)
    text = _source_text(doc)
    starts = [m.end() for m in re.finditer(r"行\s*政\s*复\s*议", text)]
    for start in reversed(starts):
        window = text[start:start + 3000]
        values: list = []
        for tok in _WORDS_OR_NUMBER.finditer(window):
            word = tok.group(0)
            if _CJK.match(word):
                if values and not re.fullmatch(r"[行政复议诉讼结果维持纠正其他尚未审结总计经直接起后数据类别项目]+", word):
                    break
                continue
            values.append(_num(word))
            if len(values) >= 15:
                return values
        if values:
            return values
    return None


def _num(s: str):
    if s and not re.search(r"\d", s):
        return chinese_number(s)
    return float(s) if "." in s else int(s)


# ---------------------------------------------------------------- pdf


@contextmanager
def _pdfminer_silenced() -> Iterator[None]:
    """The reader already noted any damage to the file; a second reading must not print it again."""
    logger = logging.getLogger("pdfminer")
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@lru_cache(maxsize=4)
def _pdf_words(data: bytes, page: int) -> tuple[dict, ...]:
    import pdfplumber  # heavy; a report without a failed check never needs it

    with _pdfminer_silenced(), pdfplumber.open(io.BytesIO(data)) as pdf:
        if page < 1 or page > len(pdf.pages):
            return ()
        return tuple(pdf.pages[page - 1].extract_words(keep_blank_chars=False, use_text_flow=False))


def _pdf_row(data: bytes, page: int | None, label: str, n: int) -> list | None:
    if page is None or not data:
        return None
    try:
        words = _pdf_words(data, page)
    except Exception:  # noqa: BLE001 - an unreadable page means no second reading
        return None
    parts = [compact(p) for p in _n(label).split() if _CJK.search(p)]
    if not parts:
        return None
    tail = parts[-1][-4:]
    hits = [w for w in words if tail in _n(w["text"]) or (len(_n(w["text"])) >= 3 and _n(w["text"]) in parts[-1])]
    if not hits:
        return None
    w = hits[0]
    top, bottom = w["top"] - 2, w["bottom"] + 2
    nums = [x for x in words if x["x0"] > w["x0"] and _NUM.fullmatch(_n(x["text"]))
            and top <= (x["top"] + x["bottom"]) / 2 <= bottom]
    nums.sort(key=lambda x: x["x0"])
    return [_num(_n(x["text"])) for x in nums][:n] or None


def _pdf_review(data: bytes, page: int | None) -> list | None:
    if page is None or not data:
        return None
    try:
        words = _pdf_words(data, page)
    except Exception:  # noqa: BLE001
        return None
    head = [w for w in words if "行政复议" in _n(w["text"])]
    if not head:
        return None
    top = head[0]["bottom"]
    nums = [x for x in words if x["top"] > top and _NUM.fullmatch(_n(x["text"]))]
    nums.sort(key=lambda x: (round(x["top"] / 4), x["x0"]))
    return [_num(_n(x["text"])) for x in nums][:15] or None
