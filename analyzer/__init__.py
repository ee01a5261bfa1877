"""The analyzer: reads 政府信息公开工作年度报告 and says how good each one is."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "read_document", "analyze_file"]


def read_document(path, settings=None):
    """Read any supported file into a :class:`analyzer.model.Document`."""
    from analyzer.ingest import read_document as _read

    return _read(path, settings)


def analyze_file(path, settings=None):
    """Read, extract, check, analyse and score one report."""
    from analyzer.pipeline import analyze_file as _analyze

    return _analyze(path, settings)
