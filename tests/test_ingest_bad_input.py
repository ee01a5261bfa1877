"""Files the analyzer cannot read: one clear Chinese line, never a traceback.

Each case is checked twice: through the library (``read_document`` raises an
``AnalyzerError`` subclass with the expected message) and through the command
line (``analyzer extract`` exits 2 with one line on standard error).
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer import errors
from analyzer.cli import app
from analyzer.ingest import read_document
from conftest import CORPUS, DATA

runner = CliRunner()
DISTINCT_PDF = CORPUS / "900_distinct_values.pdf"
DISTINCT_DOCX = CORPUS / "900_distinct_values.docx"


def _scan_only_pdf() -> bytes:
    pdfium = pytest.importorskip("pypdfium2")
    from PIL import Image

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(Image.new("RGB", (120, 170), (240, 240, 240))))
    image.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(image)
    page.gen_content()
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declared_bomb() -> bytes:
    """A small zip whose directory declares a 4 GB member: the guard reads declared sizes."""
    data = bytearray(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * 4096}))
    at = data.rfind(b"PK\x01\x02")  # central directory entry of the last member
    data[at + 24 : at + 28] = (0xFFFFFFF0).to_bytes(4, "little")  # uncompressed size
    return bytes(data)


def _ole_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512 - 8) + b"Word.Document.8" * 40


# name -> (file name, bytes maker, expected exception, fragment of the message)
CASES = {
    "empty": ("empty.pdf", lambda: b"", errors.UnreadableInput, "文件为空"),
    "random_binary": ("random.pdf", lambda: random.Random(7).randbytes(20000), errors.UnreadableInput, "二进制"),
    "truncated_pdf": (
        "truncated.pdf", lambda: DISTINCT_PDF.read_bytes()[:40000], errors.UnreadableInput, "PDF 文件已损坏或不完整",
    ),
    "encrypted_pdf": ("encrypted.pdf", lambda: (DATA / "encrypted.pdf").read_bytes(), errors.UnreadableInput, "已加密"),
    # A picture with nothing OCR can read (a broken font map is read by OCR: tests/test_ingest_pdf.py).
    "scan_only_pdf": ("scan.pdf", _scan_only_pdf, errors.NoTextLayer, "经 OCR 识别也未读出文字"),
    "docx_not_a_zip": (
        "report.docx", lambda: b"PK\x03\x04" + DISTINCT_DOCX.read_bytes()[4:3000], errors.UnreadableInput, "不是有效的 zip",
    ),
    "zip_not_docx": (
        "report.docx", lambda: _zip({"readme.txt": "年度报告".encode()}), errors.UnreadableInput, "不是 Word 文档",
    ),
    "xlsx_as_docx": (
        "report.docx", lambda: _zip({"xl/workbook.xml": b"<workbook/>"}), errors.UnreadableInput, "Excel",
    ),
    "zip_bomb": ("bomb.docx", _declared_bomb, errors.UnreadableInput, "解压后体积异常"),
    "utf32_text": (
        "report.txt", lambda: "政府信息公开工作年度报告".encode("utf-32-le") * 50, errors.UnreadableInput, "",
    ),
}


def _write(tmp_path: Path, case: str) -> tuple[Path, type, str]:
    name, make, exc, fragment = CASES[case]
    path = tmp_path / name
    path.write_bytes(make())
    return path, exc, fragment


def _one_line(message: str, path: Path) -> None:
    assert "\n" not in message.strip() and "Traceback" not in message
    assert path.name in message


@pytest.mark.parametrize("case", sorted(CASES))
def test_library_raises_one_clear_error(tmp_path, case):
    path, exc, fragment = _write(tmp_path, case)
    with pytest.raises(exc) as info:
        read_document(path)
    _one_line(str(info.value), path)
    assert fragment in str(info.value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_exits_2_with_one_line(tmp_path, case):
    path, _, fragment = _write(tmp_path, case)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0]


def test_zip_bomb_by_real_content(tmp_path):
    # Two megabytes of zeros compress to a few kilobytes; the limit is a setting.
    path = tmp_path / "zeros.docx"
    path.write_bytes(_zip({"word/document.xml": b"\0" * (2 * 1024 * 1024)}))
    with pytest.raises(errors.UnreadableInput, match="解压后体积异常（2 MB）"):
        read_document(path, {"max_unzipped_mb": 1})


def test_text_in_unexpected_encoding_never_crashes(tmp_path):
    # Shift-JIS is no encoding a Chinese report uses: it may decode to nonsense or be
    # refused, but the user sees a report or one line, never a traceback.
    path = tmp_path / "sjis.txt"
    path.write_bytes("政府信息公開工作年度報告。一、総体情況。本年度申請12件。".encode("shift_jis") * 30)
    try:
        doc = read_document(path)
    except errors.AnalyzerError as exc:
        _one_line(str(exc), path)
    else:
        assert doc.format == "txt"
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code in (0, 2) and "Traceback" not in result.output + result.stderr


def test_doc_without_libreoffice(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    path = tmp_path / "report.doc"
    path.write_bytes(_ole_doc())
    with pytest.raises(errors.UnsupportedFormat, match="未安装 LibreOffice"):
        read_document(path)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "旧版 .doc 文件" in lines[0] and "Traceback" not in result.output


def test_damaged_doc_with_libreoffice(tmp_path):
    import shutil

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice not installed")
    path = tmp_path / "report.doc"
    path.write_bytes(_ole_doc())
    with pytest.raises(errors.AnalyzerError) as info:
        read_document(path)
    _one_line(str(info.value), path)


@pytest.mark.parametrize("command", ["check", "extract", "review", "classify"])
def test_a_folder_named_for_one_report_is_called_a_folder(tmp_path, command):
    """Fails before: `analyzer check 某文件夹` said the file did not exist, which is false."""
    folder = tmp_path / "年报"
    folder.mkdir()
    result = runner.invoke(app, [command, str(folder)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "文件夹" in lines[0] and "不存在" not in lines[0], lines


def test_classify_an_empty_file_says_it_is_empty(tmp_path):
    """Fails before: an empty file of sentences was called a binary file."""
    path = tmp_path / "句子.txt"
    path.write_bytes(b"")
    result = runner.invoke(app, ["classify", str(path)])
    assert result.exit_code == 2
    assert "文件为空" in result.stderr and "二进制" not in result.stderr
