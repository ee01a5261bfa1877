"""Reading the narrative as a supervisor does: statements, problem categories, boilerplate, copy-paste.

Public entry points (see docs/ARCHITECTURE.md):

- ``analyze_narrative(sections, meta, tables)`` → ``(NarrativeResult, [Finding])`` for one report;
- ``cross_report(results, previous)`` → ``{source: (NarrativeResult, [new Finding])}`` for the run;
- ``check_consistency(tables, sections, doc)`` → ``[Finding]``: numbers of 总体情况 against the tables;
- ``classify_texts(lines)`` → one dict per line (``analyzer classify``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from analyzer.narrative.consistency import check_consistency

if TYPE_CHECKING:
    from analyzer.narrative.analyze import analyze_narrative, classify_texts, cross_report

__all__ = ["analyze_narrative", "check_consistency", "classify_texts", "cross_report"]

_FROM_ANALYZE = ("analyze_narrative", "classify_texts", "cross_report")


def __getattr__(name: str) -> Any:
    # analyze loads the statement classifier (scikit-learn, about two seconds): on first
    # use, so that what needs only check_consistency or neardup (the tables' bench and
    # tests) starts without it.
    if name in _FROM_ANALYZE:
        from analyzer.narrative import analyze

        return getattr(analyze, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
