"""The three standard tables: extraction into the canonical keys, and the checks a supervisor makes."""

from __future__ import annotations

from analyzer.tables.checks import check_continuity, run_checks
from analyzer.tables.extract import extract_tables

__all__ = ["extract_tables", "run_checks", "check_continuity"]
