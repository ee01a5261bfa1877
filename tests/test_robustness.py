"""Never a traceback, never a hang: deterministic fuzzing.

Every file of ``corpus/`` (and the real PDFs of ``../shared/corpus-real/``
when present) is damaged in fixed-seed ways (truncated, bytes flipped, blocks
zeroed, zip members broken or missing, an HTML table cut, GBK text behind a
stray UTF-8 BOM, a PDF without its xref). Each variant must end in a result
or in an ``AnalyzerError`` with a one-line Chinese message, never another
exception; a sample also goes through ``analyzer extract`` / ``analyzer check``.
The per-file time limit and crashing workers are ``tests/test_runner.py``'s.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import analyzer.ingest
from analyzer import errors
from analyzer.cli import app
from analyzer.config import Settings
from analyzer.model import Failure, ReportResult
from analyzer.pipeline import analyze_file
from analyzer.runner import run_files
from conftest import CORPUS, REAL

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
SAMPLE_TXT = CORPUS / "001_dc17ca86c1b8bf45.txt"
SAMPLE_HTML = CORPUS / "000_d1513ee4e846cccb.html"


# --------------------------------------------------------------------------
# Deterministic damage
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str  # "<source stem>.<damage>.<suffix>"
    data: bytes


def _truncations(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    cuts = [0.03, 0.25, 0.5, 0.75, 0.97]
    return [(f"cut{int(c * 100):02d}", data[: max(1, int(len(data) * c))]) for c in cuts]


def _flips(data: bytes, rng: random.Random, count: int) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def _zeroed(data: bytes, rng: random.Random, size: int = 512) -> bytes:
    out = bytearray(data)
    at = rng.randrange(max(1, len(out) - size))
    out[at : at + size] = bytes(min(size, len(out) - at))
    return bytes(out)


def _rezip(data: bytes, change) -> bytes:
    """Rewrite a zip member by member; ``change(name, content)`` returns new content or None to drop it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = change(info.filename, src.read(info.filename))
            if content is not None:
                # Keep the member's own timestamp: writestr(name) would stamp the
                # current time and two builds straddling a second would differ.
                dst.writestr(zipfile.ZipInfo(info.filename, date_time=info.date_time), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _corrupt_member_bytes(data: bytes, member: str, rng: random.Random) -> bytes:
    """Flip bytes inside the compressed data of one member (its CRC no longer matches)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(member)
    out = bytearray(data)
    header = info.header_offset
    name_len = int.from_bytes(out[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(out[header + 28 : header + 30], "little")
    start = header + 30 + name_len + extra_len
    for _ in range(8):
        at = start + rng.randrange(max(1, info.compress_size))
        out[at] ^= 0xFF
    return bytes(out)


def _docx_variants(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    half_xml = lambda n, c: c[: len(c) // 2] if n == "word/document.xml" else c  # noqa: E731
    garbage_xml = lambda n, c: b"\x00\x01binary" * 100 if n == "word/document.xml" else c  # noqa: E731
    return [
        ("no-document-xml", _rezip(data, lambda n, c: None if n == "word/document.xml" else c)),
        ("no-content-types", _rezip(data, lambda n, c: None if n == "[Content_Types].xml" else c)),
        ("no-rels", _rezip(data, lambda n, c: None if n.endswith(".rels") else c)),
        ("half-document-xml", _rezip(data, half_xml)),
        ("garbage-document-xml", _rezip(data, garbage_xml)),
        ("corrupt-member", _corrupt_member_bytes(data, "word/document.xml", rng)),
        ("corrupt-styles", _corrupt_member_bytes(data, "word/styles.xml", rng)
         if "word/styles.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist() else data[:100]),
    ]


def _html_variants(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    text = data.decode("utf-8")
    cells = [m.start() for m in re.finditer(r"<td", text)]
    out = []
    if cells:
        out.append(("cut-in-table", text[: cells[len(cells) // 2] + 3].encode("utf-8")))
        out.append(("cut-in-cell", text[: cells[len(cells) // 3] + 20].encode("utf-8")))
    out.append(("unclosed-tags", re.sub(r"</(td|tr|table|p)>", "", text).encode("utf-8")))
    out.append(("gbk-declared-utf8", text.encode("gb18030")))
    if rng.random() < 0.35:  # the span cap is the same code for every page: a few pages suffice
        out.append(("huge-span", re.sub(r"<td", '<td rowspan="100000" colspan="100000"', text, count=3).encode("utf-8")))
    out.append(("bad-span", re.sub(r"<td", '<td rowspan="-3" colspan="x"', text, count=5).encode("utf-8")))
    return out


def _txt_variants(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    return [
        ("gbk-with-utf8-bom", b"\xef\xbb\xbf" + text.encode("gbk", errors="replace")),
        ("gbk", text.encode("gbk", errors="replace")),
        ("utf16-no-bom", text.encode("utf-16-le")),
        ("mixed-encodings", "\n".join(lines[: len(lines) // 2]).encode("utf-8") + b"\n"
         + "\n".join(lines[len(lines) // 2 :]).encode("gbk", errors="replace")),
        ("nul-bytes", data.replace(b"\n", b"\n\x00", 3)),
        ("one-line", text.replace("\n", "").encode("utf-8")),
    ]


def _pdf_variants(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    out = []
    start = data.rfind(b"\nxref")
    trailer = data.rfind(b"trailer")
    if start >= 0 and trailer > start:
        out.append(("no-xref", data[:start] + b"\n" + data[trailer:]))
    startxref = data.rfind(b"startxref")
    if startxref >= 0:
        out.append(("bad-startxref", data[:startxref] + b"startxref\n999999999\n%%EOF\n"))
        out.append(("no-trailer", data[:startxref]))
    # Damage inside a content stream: the page parses, its drawing commands do not.
    streams = [m.end() for m in re.finditer(rb"stream\r?\n", data)]
    if streams:
        at = streams[len(streams) // 2]
        out.append(("stream-garbage", data[:at] + bytes(rng.randrange(256) for _ in range(400)) + data[at + 400 :]))
    return out


SPECIFIC = {".docx": _docx_variants, ".html": _html_variants, ".txt": _txt_variants, ".pdf": _pdf_variants}


def _sources() -> list[Path]:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file() and p.suffix in SPECIFIC)
    if REAL.is_dir():
        files += sorted(REAL.glob("*.pdf"))
    return files


def variants_of(path: Path, seed: int = 0) -> list[Variant]:
    """Every damaged form of one file, the same on every run (seeded by the file name)."""
    data = path.read_bytes()
    rng = random.Random(f"{seed}:{path.name}")
    found = list(_truncations(data, rng))
    found += [(f"flip{k}", _flips(data, rng, k)) for k in (1, 8, 64)]
    found += [("zeroed", _zeroed(data, rng))]
    found += SPECIFIC[path.suffix](data, rng)
    return [Variant(f"{path.stem}.{damage}{path.suffix}", blob) for damage, blob in found]


def _all_variants() -> list[Variant]:
    out: list[Variant] = []
    for source in _sources():
        out.extend(variants_of(source))
    return out


def _sample(variants: list[Variant], share_pdf: int) -> list[Variant]:
    """All text-format variants (cheap) and one PDF variant in ``share_pdf`` (each costs ~0.5 s)."""
    rng = random.Random(7)
    return [v for v in variants if not v.name.endswith(".pdf") or rng.randrange(share_pdf) == 0]


VARIANTS = _sample(_all_variants(), share_pdf=3)


def assert_one_line_chinese(message: str) -> None:
    assert message and "\n" not in message.strip(), message
    assert CJK.search(message), message
    assert "Traceback" not in message
    # A user reads Chinese: no Python class names ("KeyError", "PdfiumError") as the reason.
    assert not re.search(r"[A-Za-z]+(?:Error|Exception)\b", message), message


def test_variants_are_deterministic():
    source = CORPUS / "000_d1513ee4e846cccb.docx"
    first, second = variants_of(source), variants_of(source)
    assert [v.data for v in first] == [v.data for v in second]
    assert len({v.data for v in first}) == len(first)  # every damage changes something different


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> dict[str, object]:
    """Every variant through the runner in one batch, each under a 30 s limit: name -> result or Failure."""
    folder = tmp_path_factory.mktemp("damaged")
    files = []
    for variant in VARIANTS:
        files.append(folder / variant.name)
        files[-1].write_bytes(variant.data)
    outcomes = run_files(analyze_file, files, Settings(per_file_timeout_s=30), workers=2)
    return {f.name: o for f, o in zip(files, outcomes)}


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_damaged_file_gives_result_or_one_line_error(variant, damaged):
    outcome = damaged[variant.name]
    if isinstance(outcome, Failure):
        assert outcome.kind == "unreadable", outcome  # an AnalyzerError: not another exception, a crash or a hang
        assert_one_line_chinese(outcome.error)
        assert variant.name in outcome.error, outcome.error
    else:
        assert isinstance(outcome, ReportResult)
        for note in outcome.notes:
            assert "Traceback" not in note


CLI_SAMPLE = random.Random(11).sample(VARIANTS, min(16, len(VARIANTS)))


@pytest.mark.parametrize("variant", CLI_SAMPLE, ids=lambda v: v.name)
def test_damaged_file_through_cli(variant, tmp_path):
    path = tmp_path / variant.name
    path.write_bytes(variant.data)
    extract = runner.invoke(app, ["extract", str(path)])
    assert extract.exit_code in (0, 2), extract.output
    assert "Traceback" not in extract.output and "Traceback" not in extract.stderr
    if extract.exit_code == 2:
        assert_one_line_chinese(extract.stderr)
    check = runner.invoke(app, ["check", str(path)])
    assert check.exit_code in (0, 1, 2), check.output
    assert "Traceback" not in check.output and "Traceback" not in check.stderr


# --------------------------------------------------------------------------
# Fixes found by the fuzzing above, one test each
# --------------------------------------------------------------------------


def test_docx_with_damaged_compressed_member_is_a_broken_docx(tmp_path):
    """zipfile raises zlib.error (not BadZipFile) when a member's deflate stream is damaged."""
    source = CORPUS / "001_dc17ca86c1b8bf45.docx"
    path = tmp_path / "damaged.docx"
    path.write_bytes(_corrupt_member_bytes(source.read_bytes(), "word/document.xml", random.Random(0)))
    with pytest.raises(errors.UnreadableInput, match="DOCX 文件已损坏"):
        analyzer.ingest.read_document(path)


def test_gbk_text_behind_a_stray_utf8_bom_is_read(tmp_path):
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    path = tmp_path / "bom-gbk.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("gbk", errors="replace"))
    plain = analyze_file(SAMPLE_TXT)
    result = analyze_file(path)
    assert result.meta.agency == plain.meta.agency and result.meta.year == plain.meta.year
    assert result.tables.values == plain.tables.values


@pytest.mark.parametrize("damage", ["cut-mid-character", "one-flipped-bit"])
def test_utf8_text_with_a_broken_sequence_is_still_utf8(tmp_path, damage):
    """A cut download or one flipped bit must not turn the file into GB18030 mojibake or a refusal."""
    data = SAMPLE_TXT.read_bytes()
    if damage == "cut-mid-character":
        at = data.rfind("件".encode("utf-8"))
        broken = data[: at + 1]  # ends on the first byte of a three-byte character
    else:
        at = data.find("报告".encode("utf-8"), len(data) // 2)
        broken = data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :]
    with pytest.raises(UnicodeDecodeError):
        broken.decode("utf-8")
    path = tmp_path / f"{damage}.txt"
    path.write_bytes(broken)
    result = analyze_file(path)
    plain = analyze_file(SAMPLE_TXT)
    assert result.meta.agency == plain.meta.agency and result.meta.year == plain.meta.year
    assert any("无法解码" in note for note in result.notes)


def test_gbk_text_is_not_taken_for_damaged_utf8():
    from analyzer.ingest.txt import decode_bytes

    text = SAMPLE_TXT.read_text(encoding="utf-8")
    assert decode_bytes(text.encode("gbk", errors="replace")) == text.encode("gbk", errors="replace").decode("gbk")
    # Mostly ASCII with a few GBK characters: still GBK, not UTF-8 with replacements.
    mostly_ascii = ("Report 2024 line\n" * 300 + "政府信息公开").encode("gbk")
    assert decode_bytes(mostly_ascii).endswith("政府信息公开")


def test_pdfminer_warnings_become_one_note(tmp_path, capsys):
    """A damaged content stream: one Chinese note instead of English warnings on the terminal."""
    source = CORPUS / "001_dc17ca86c1b8bf45.pdf"
    variant = next(v for v in variants_of(source) if ".flip8." in v.name)
    path = tmp_path / variant.name
    path.write_bytes(variant.data)
    doc = analyzer.ingest.read_document(path)
    assert any(note.startswith("PDF 内容流有") for note in doc.notes), doc.notes
    assert "Data-loss" not in capsys.readouterr().err


def test_batch_of_damaged_files_through_analyze(tmp_path):
    """A folder of damaged files next to a good one: every file is a result or one failure line."""
    folder = tmp_path / "in"
    folder.mkdir()
    sample = random.Random(3).sample(VARIANTS, 6)
    for variant in sample:
        (folder / variant.name).write_bytes(variant.data)
    (folder / SAMPLE_TXT.name).write_bytes(SAMPLE_TXT.read_bytes())
    result = runner.invoke(app, ["analyze", str(folder), "--out", str(tmp_path / "out"), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    summary = re.search(r"已分析 (\d+) 份报告，(\d+) 份无法读取", result.stdout)
    assert summary and int(summary.group(1)) + int(summary.group(2)) == len(sample) + 1
    failures = [line for line in result.stderr.splitlines() if line.startswith("  无法读取：")]
    assert len(failures) == int(summary.group(2))
    for line in failures:
        assert_one_line_chinese(line)
        # the path (absolute, or relative to where the command runs), so that two README.md differ
        assert str(folder) in line or os.path.relpath(folder) in line or line.startswith("  无法读取：in/")
