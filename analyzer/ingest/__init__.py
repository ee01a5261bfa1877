"""Readers: any supported file -> one :class:`~analyzer.model.Document`.

The format is sniffed from the bytes, never from the file name, and the
reader that ran sets ``Document.format`` (sqlite-utils' ``rows_from_file``).
"""

from __future__ import annotations

import importlib
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Callable

from analyzer import errors
from analyzer.config import Settings, resolve
from analyzer.ingest.sniff import sniff_format
from analyzer.model import Document

__all__ = ["READERS", "get_reader", "read_document", "sniff_format"]

# name -> module path; each module has ``read(path, data, settings) -> Document``.
# Modules are imported on first use so that reading a TXT never pays for pdfplumber.
READERS: dict[str, str] = {
    "pdf": "analyzer.ingest.pdf",
    "docx": "analyzer.ingest.docx",
    "html": "analyzer.ingest.html",
    "txt": "analyzer.ingest.txt",
    "legacy": "analyzer.ingest.legacy",  # .doc / .wps through LibreOffice
}


def get_reader(fmt: str) -> Callable[..., Document]:
    """The ``read`` function of the reader named ``fmt`` (imported on first use)."""
    if fmt not in READERS:
        raise errors.UnsupportedFormat(
            f"未知的读取格式“{fmt}”，可选：{', '.join(sorted(READERS))}。"
        )
    return importlib.import_module(READERS[fmt]).read


def read_document(path: str | Path, settings: Settings | dict | None = None) -> Document:
    """Read a report file in any supported format into a Document.

    Raises an :class:`~analyzer.errors.AnalyzerError` subclass with a one-line
    Chinese message when the file cannot be processed.
    """
    settings = resolve(settings)
    path = Path(path)
    name = path.name
    if path.is_dir():  # "not found" would be false: the user named a folder, not a report
        raise errors.UnreadableInput(errors.IS_FOLDER.format(name=name))
    if not path.exists() or not path.is_file():
        raise errors.UnreadableInput(errors.NOT_FOUND.format(name=name))
    size = path.stat().st_size
    if size == 0:
        raise errors.UnreadableInput(errors.EMPTY_FILE.format(name=name))
    if size > settings.max_file_mb * 1024 * 1024:
        raise errors.UnreadableInput(
            errors.TOO_LARGE.format(name=name, size=size // (1024 * 1024), limit=settings.max_file_mb)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise errors.UnreadableInput(f"{name}：无法读取文件（{exc.strerror}）。") from exc
    fmt = sniff_format(data, name)
    reader = get_reader(fmt)
    try:
        return replace(reader(path, data, settings), data=data)
    except errors.AnalyzerError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise errors.UnreadableInput(errors.DOCX_BROKEN.format(name=name, reason=type(exc).__name__)) from exc
    except (RecursionError, MemoryError) as exc:
        raise errors.UnreadableInput(f"{name}：文件结构异常，无法读取（{type(exc).__name__}）。") from exc
