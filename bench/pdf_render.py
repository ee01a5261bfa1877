"""PDF renderings of the bench's variants, printed by LibreOffice, and which variants are printed.

Most real reports arrive as PDF. A sample of the variants (``choose``: every family, every
other base, one kind of variant each; ``control`` in every layout) is written as a Word file
(``bench/pdf_docx.py``: ruled tables, tables without ruling lines, table 三 broken across a
page; flattened text) and converted with ``soffice --headless``; the fonts of
``scripts/fonts.conf`` map the Windows names to Noto CJK. A PDF variant keeps the expected
values of the variant it was printed from (its ``source``): it shows the same title (in the
body, or only in the PDF's ``/Title`` when the variant keeps it out of the body), the same
narrative and the same tables.

Conversion takes about a second a file. PDFs are kept by the SHA-256 of the Word file (which
is byte-stable) in a temporary folder of the run, deleted when it ends: the variants print the
text of ``../shared/corpus-real`` reports, which must not stay outside ``../shared``. Set
``$ANALYZER_BENCH_PDF_CACHE`` to a folder to keep them between runs (a persistent cache, opted
in to: never committed; delete it at will). LibreOffice's output is not byte-stable from one
machine to another, and nothing expected depends on its bytes.
"""


from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import variants as V
from bench.pdf_docx import FLAT, LAYOUTS, docx_bytes

ROOT = Path(__file__).resolve().parents[1]
FONTS_CONF = ROOT / "scripts" / "fonts.conf"
WRITER_VERSION = "1"  # part of the cache key: change it when the PDF would change for the same Word file


_RUN_CACHE: Path | None = None


def cache_dir() -> Path:
    """``$ANALYZER_BENCH_PDF_CACHE`` when set, else a temporary folder of this run, removed at its end."""
    global _RUN_CACHE
    if os.environ.get("ANALYZER_BENCH_PDF_CACHE"):
        return Path(os.environ["ANALYZER_BENCH_PDF_CACHE"])
    if _RUN_CACHE is None:
        _RUN_CACHE = Path(tempfile.mkdtemp(prefix="analyzer-bench-pdf-"))
        atexit.register(shutil.rmtree, _RUN_CACHE, True)
    return _RUN_CACHE


def office() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


# ================================================================ LibreOffice, cached


def _key(docx: bytes) -> str:
    return hashlib.sha256(WRITER_VERSION.encode() + b"\0" + docx).hexdigest()


def _stamp(pdf: bytes, published: str) -> bytes:
    """CreationDate/ModDate set to the day of publication (same length: the offsets stay valid)."""
    m = re.match(r"(\d{4})\D(\d{1,2})\D(\d{1,2})", published or "")
    if not m:
        return pdf
    day = f"{int(m.group(1)):04d}{int(m.group(2)):02d}{int(m.group(3)):02d}090000".encode()
    return re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})", lambda x: x.group(1) + day, pdf)


def _soffice(batch: list[tuple[str, bytes]], timeout: float) -> dict[str, bytes]:
    """One LibreOffice process (its own profile) over a batch of (key, docx); PDFs by key."""
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        folder = Path(tmp)
        for key, data in batch:
            (folder / f"{key}.docx").write_bytes(data)
        env = dict(os.environ, HOME=tmp, FONTCONFIG_FILE=str(FONTS_CONF))
        command = [office() or "soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(folder / "pdf")]
        try:
            subprocess.run(command + [str(folder / f"{k}.docx") for k, _ in batch], env=env, capture_output=True,
                           timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            pass  # whatever was converted is kept; the rest is reported missing
        for key, _ in batch:
            pdf = folder / "pdf" / f"{key}.pdf"
            if pdf.is_file() and pdf.stat().st_size > 0:
                out[key] = pdf.read_bytes()
    return out


def convert(items: list[tuple[bytes, str]], processes: int = 2, timeout: float = 900) -> tuple[list[bytes | None], int]:
    """PDFs of (docx, published date) items, from the cache or LibreOffice; (PDFs in order, how many were converted).

    None where LibreOffice gave nothing. Conversions run in ``processes`` LibreOffice processes at once.
    """
    cache = cache_dir()
    keys = [_key(d) for d, _ in items]
    todo: dict[str, tuple[bytes, str]] = {}
    for k, item in zip(keys, items):
        if not (cache / k[:2] / f"{k}.pdf").is_file():
            todo[k] = item
    if todo and office():
        pending = sorted(todo)
        batches = [[(k, todo[k][0]) for k in pending[i::processes]] for i in range(processes) if pending[i::processes]]
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            done = [r for r in pool.map(lambda b: _soffice(b, timeout), batches)]
        for got in done:
            for k, pdf in got.items():
                target = cache / k[:2] / f"{k}.pdf"
                target.parent.mkdir(parents=True, exist_ok=True)
                part = target.with_suffix(f".{os.getpid()}.part")
                part.write_bytes(_stamp(pdf, todo[k][1]))
                part.replace(target)
    out = []
    for k in keys:
        f = cache / k[:2] / f"{k}.pdf"
        out.append(f.read_bytes() if f.is_file() else None)
    return out, len(todo)


# ================================================================ which variants are printed as PDF

_FORMAT_TAIL = re.compile(r"-(?:txt|html|docx)$")


def _printable(v: V.Variant) -> bool:
    """Variants whose point survives printing: not the HTML-only <h1> title, not TXT-only row spacing."""
    rep = v.report
    return rep is not None and rep.h1 is None and not rep.label_gap


def choose(variants: list[V.Variant], every_base: bool = False) -> list[tuple[list[V.Variant], str]]:
    """The variants printed as PDF, as (group members, layout): a stable sample, enough to measure.

    ``control``: every base in every layout. Every other family: one kind of variant (a whole
    group for ``pairs``), its layout chosen by name (``flat`` for flattened text), for every
    other base — alternating from family to family, so every base is printed in half the
    families — or, with ``every_base``, for every base (twice the time).
    """
    groups: dict[tuple[str, str], dict[str, list[V.Variant]]] = {}
    for v in variants:
        if not _printable(v):
            continue
        stem = v.expected["group"] if v.family == "pairs" else _FORMAT_TAIL.sub("", v.name)
        members = groups.setdefault((v.family, v.expected["base"]), {}).setdefault(stem, [])
        if v.family == "pairs" or not members:  # one rendering of a kind is enough: its Report is the same
            members.append(v)
    out: list[tuple[list[V.Variant], str]] = []
    families = list(V.FAMILIES)
    bases = sorted({base for _, base in groups})
    for (family, base), kinds in sorted(groups.items()):
        if family == "control":
            for stem in sorted(kinds):
                out += [(kinds[stem], layout) for layout in LAYOUTS]
            continue
        if not every_base and (families.index(family) + bases.index(base)) % 2:
            continue
        r = V.rng(f"pdf-{family}-{base}")
        stem = sorted(kinds)[r.randrange(len(kinds))]
        layout = LAYOUTS[r.randrange(len(LAYOUTS))]
        out.append((kinds[stem], FLAT if kinds[stem][0].report.flat else layout))
    return out


def pdf_name(v: V.Variant, layout: str) -> str:
    return f"{_FORMAT_TAIL.sub('', v.name)}-pdf-{layout}"


def pdf_name_of(pick: tuple[list[V.Variant], str]) -> str:
    """The name of a chosen group's first PDF."""
    return pdf_name(pick[0][0], pick[1])


def render(chosen: list[tuple[list[V.Variant], str]]) -> tuple[list[V.Variant], dict]:
    """PDF variants of the chosen groups, with their expected values; and what it cost (converted, missing, seconds).

    A group whose PDFs LibreOffice could not all give is left out (and counted as missing).
    """
    import time

    t0 = time.perf_counter()
    items, where = [], []
    for i, (members, layout) in enumerate(chosen):
        for v in members:
            items.append((docx_bytes(v.report, layout, pdf_name(v, layout)), v.report.published))
            where.append((i, v))
    pdfs, converted = convert(items)
    by_pick: dict[int, list[tuple[V.Variant, bytes | None]]] = defaultdict(list)
    for (i, v), pdf in zip(where, pdfs):
        by_pick[i].append((v, pdf))
    out: list[V.Variant] = []
    missing = 0
    for i, (members, layout) in enumerate(chosen):
        got = by_pick[i]
        if any(pdf is None for _, pdf in got):
            missing += len(got)
            continue
        names = {v.name: pdf_name(v, layout) for v, _ in got}
        group = f"{members[0].expected['group']}-pdf-{layout}" if members[0].family == "pairs" else None
        for v, pdf in got:
            e = dict(v.expected, name=names[v.name], format="pdf", layout=layout, source=v.name,
                     group=group or names[v.name], previous=names.get(v.expected.get("previous") or "", None),
                     note=f"{v.expected.get('note', '')}; printed to PDF ({layout}) from {v.name}")
            out.append(V.Variant(names[v.name], v.family, ".pdf", pdf, e, v.report))
    return out, {"converted": converted, "missing": missing, "seconds": time.perf_counter() - t0}
