"""A second, independent reading of the cells behind a failed check.

A supervisor must never send an agency a complaint that was our misreading.
When an arithmetic check fails, the rows involved are read again another
way and compared with the extraction:

* PDF: the words of the text layer (pdfplumber) on the row's page, in the
  horizontal band of the row label, ordered left to right — independent of
  the table-grid reconstruction the reader did;
* text formats: the raw source text after the row label (for TXT the file
  itself, not the reader's blocks), numbers read until the next words.

Both readings agree -> ``confirmed``; they differ, or the second reading is
impossible (a row placed by order, a digit run split under the arithmetic)
-> ``uncertain``.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from analyzer.ingest.normalize import compact, drop_quotes, drop_thousands_separators, nfkc
from analyzer.model import Document, Finding, TableValues
from analyzer.tables import schema

_NUM = re.compile(r"[+\-]?\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r"[+\-]?\d+(?:\.\d+)?(?:[.、．](?=\s*[\u3400-\u9fff]))?|[\u3400-\u9fff]")


def _n(s: str) -> str:
    """Source text as the second reading compares it: NFKC, thousands separators and quotation marks gone."""
    return drop_quotes(drop_thousands_separators(nfkc(s or "")))


def verify_finding(f: Finding, tables: TableValues, doc: Document | None) -> Finding:
    cells = f.data.get("cells") or ([f.data["cell"]] if "cell" in f.data else [])
    rows = sorted({tuple(c.split(".")[:2]) for c in cells})
    if not rows or doc is None:
        return replace(f, status="uncertain")
    for table, row in rows:
        if not _row_agrees(table, row, tables, doc):
            return replace(f, status="uncertain", data={**f.data, "second_reading": "disagrees"})
    return replace(f, status="confirmed", data={**f.data, "second_reading": "agrees"})


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


@lru_cache(maxsize=8)
def _source_text(path: str, fmt: str, fallback: str) -> str:
    """The file's own text, read without the reader that built the table grid.

    TXT as decoded; HTML with its tags replaced by separators; DOCX from the
    ``w:t`` runs of word/document.xml, cells separated. Anything unreadable
    falls back to the document's text (then the readings are not independent,
    but they are still compared).
    """
    try:
        data = Path(path).read_bytes()
        if fmt == "txt":
            from analyzer.ingest.txt import decode_bytes

            return _n(decode_bytes(data, Path(path).name))
        if fmt == "html":
            from analyzer.ingest.txt import decode_bytes

            raw = decode_bytes(data, Path(path).name).replace('\\"', '"')
            return _n(html.unescape(re.sub(r"<[^>]*>", "\t", raw)))
        if fmt == "docx":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                xml = z.read("word/document.xml").decode("utf-8", "replace")
            xml = re.sub(r"</w:tc>", "\t", xml)
            xml = re.sub(r"</w:p>|</w:tr>", "\n", xml)
            return _n(html.unescape(re.sub(r"<[^>]*>", "", xml)))
    except Exception:  # noqa: BLE001 - the second reading is best effort
        pass
    return _n(fallback)


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
    if doc.format == "pdf":
        return _pdf_row(str(doc.source), page, label, n)
    text = _source_text(str(doc.source), doc.format, doc.text)
    pat = _label_pattern(label)
    if pat is None:
        return None
    # The label may stand in a heading before its table, or be repeated by a
    # merged cell: the reading is the first occurrence with numbers right after it.
    for m in pat.finditer(text):
        values: list = []
        for tok in _TOKEN.finditer(text[m.end():m.end() + 2000]):
            if _CJK.match(tok.group(0)) or tok.group(0)[-1] in ".、．":
                break  # words, or the next label's number ("2.没有现成信息…")
            values.append(_num(tok.group(0)))
            if len(values) >= n:
                break
        if values:
            return values
    return None


def read_review_again(doc: Document, tables: TableValues) -> list | None:
    if doc.format == "pdf":
        src = next((s for k, s in tables.sources.items() if k.startswith("review_litigation.")), None)
        return _pdf_review(str(doc.source), src.page if src else None)
    text = _source_text(str(doc.source), doc.format, doc.text)
    starts = [m.end() for m in re.finditer(r"行\s*政\s*复\s*议", text)]
    for start in reversed(starts):
        window = text[start:start + 3000]
        values: list = []
        for tok in re.finditer(r"[+\-]?\d+(?:\.\d+)?|[\u3400-\u9fff]+", window):
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
    return float(s) if "." in s else int(s)


# ---------------------------------------------------------------- pdf


@lru_cache(maxsize=4)
def _pdf_words(path: str, page: int) -> tuple[dict, ...]:
    import pdfplumber

    from analyzer.ingest.pdf import pdfminer_warnings

    # The reader already noted any damage; a second reading must not print it again.
    with pdfminer_warnings(), pdfplumber.open(path) as pdf:
        if page < 1 or page > len(pdf.pages):
            return ()
        return tuple(pdf.pages[page - 1].extract_words(keep_blank_chars=False, use_text_flow=False))


def _pdf_row(path: str, page: int | None, label: str, n: int) -> list | None:
    if page is None:
        return None
    try:
        words = _pdf_words(path, page)
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


def _pdf_review(path: str, page: int | None) -> list | None:
    if page is None:
        return None
    try:
        words = _pdf_words(path, page)
    except Exception:  # noqa: BLE001
        return None
    head = [w for w in words if "行政复议" in _n(w["text"])]
    if not head:
        return None
    top = head[0]["bottom"]
    nums = [x for x in words if x["top"] > top and _NUM.fullmatch(_n(x["text"]))]
    nums.sort(key=lambda x: (round(x["top"] / 4), x["x0"]))
    return [_num(_n(x["text"])) for x in nums][:15] or None
