"""Reading the narrative as a supervisor does: statements, problem categories, boilerplate, copy-paste.

Public entry points (see docs/ARCHITECTURE.md):

- ``analyze_narrative(sections, meta, tables)`` → ``(NarrativeResult, [Finding])`` for one report;
- ``cross_report(results, previous)`` → ``{source: (NarrativeResult, [new Finding])}`` for the run;
- ``classify_texts(lines)`` → one dict per line (``analyzer classify``).
"""

from analyzer.narrative.analyze import analyze_narrative, classify_texts, cross_report

__all__ = ["analyze_narrative", "classify_texts", "cross_report"]
