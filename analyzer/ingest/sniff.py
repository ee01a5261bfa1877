"""What a file holds, from its bytes: which reader fits, and how its text is encoded.

Never from the file name: a ``.txt`` saved from a browser is often a web
page, and a ``.doc`` is often an RTF or a DOCX (sqlite-utils' ``rows_from_file``
sniffs the same way).
"""

from __future__ import annotations

import codecs
import re

from analyzer import errors
from analyzer.ingest.normalize import CJK, CONTROL_RE

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Characters of ordinary Chinese text: what a right decoding mostly yields.
_PLAUSIBLE_RE = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef\u2018-\u201d\x20-\x7e\s]")


def sniff_format(data: bytes, name: str = "文件") -> str:
    """Say which reader fits these bytes: pdf, docx, html, txt or legacy."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"  # the DOCX reader says so clearly when the zip is something else
    if head.startswith(OLE_MAGIC):
        return "legacy"
    if head.startswith(b"{\\rtf"):
        return "legacy"
    text = decode_bytes(data, name)
    if looks_like_html(text):
        return "html"
    return "txt"


def decode_bytes(data: bytes, name: str = "文件") -> str:
    """Decode text bytes: BOMs, UTF-8, UTF-16 without BOM, then GB18030; raise on binary.

    charset-normalizer is the last resort for anything else (Big5, for instance).
    """
    if not data:  # no bytes is no document, not a binary one
        raise errors.UnreadableInput(errors.EMPTY_FILE.format(name=name))
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                if bom == codecs.BOM_UTF8 and len(data) > len(bom):
                    # A stray UTF-8 BOM in front of GBK text (an editor that re-encoded
                    # without dropping it): the bytes after it decide.
                    return decode_bytes(data[len(bom):], name)
                raise errors.UnreadableInput(errors.ENCODING.format(name=name)) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        damaged = _damaged_utf8(data)
        if damaged is not None:
            return damaged
    else:
        if _is_text(text):
            return text
        raise errors.UnreadableInput(errors.BINARY.format(name=name))
    sample = data[:4096]
    # UTF-16 without a BOM: accept only a decoding that reads as Chinese or ASCII text.
    if len(data) % 2 == 0:
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _is_text(text) and _plausible(text):
                return text
    if b"\x00" in sample:
        raise errors.UnreadableInput(errors.BINARY.format(name=name))  # text never holds NUL
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _is_text(text) and _plausible(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise errors.UnreadableInput(errors.ENCODING.format(name=name))
    text = str(best)
    if not _is_text(text):
        raise errors.UnreadableInput(errors.BINARY.format(name=name))
    return text


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences (a download cut mid-character, a flipped bit).

    Must run before GB18030, which decodes almost any UTF-8 byte stream into
    plausible-looking CJK mojibake. Accepted only when broken sequences are
    rare and valid multi-byte characters outnumber them many times over: GBK
    text read as UTF-8 breaks at nearly every Chinese character.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 0x7F) - broken
    if broken <= 3 + len(data) // 1000 and wide >= 20 * broken and _is_text(text):
        return text
    return None


def _is_text(text: str) -> bool:
    """Reject decodings that are mostly control characters (a binary that happens to decode)."""
    if not text:
        return False
    sample = text[:20000]
    bad = len(CONTROL_RE.findall(sample)) + sample.count("\ufffd")
    return bad / len(sample) < 0.05


def _plausible(text: str) -> bool:
    """Most characters are common CJK, CJK punctuation or printable ASCII."""
    sample = text[:20000]
    good = len(_PLAUSIBLE_RE.findall(sample))
    return good / max(1, len(sample)) > 0.9


def looks_like_html(text: str) -> bool:
    """True for a web page, or a script file whose strings hold the page's HTML."""
    head = text[:5000].lower()
    if re.search(r"<!doctype html|<html[\s>]|<body[\s>]", head):
        return True
    tags = re.findall(r"<(p|div|table|tr|td|span|br)[\s>/]", text[:200000], flags=re.I)
    return len(tags) >= 20
