"""Reading the narrative as a supervisor does: statements, problem categories, boilerplate, copy-paste.

Public entry points (see docs/ARCHITECTURE.md):

- ``analyze_narrative(sections, meta, tables)`` → ``(NarrativeResult, [Finding])`` for one report;
- ``cross_report(results, previous)`` → ``{source: (NarrativeResult, [new Finding])}`` for the run;
- ``check_consistency(tables, sections, doc)`` → ``[Finding]``: numbers of 总体情况 against the tables;
- ``classify_texts(lines)`` → one dict per line (``analyzer classify``).
"""

from analyzer.narrative.analyze import analyze_narrative, classify_texts, cross_report
from analyzer.narrative.consistency import check_consistency

__all__ = ["analyze_narrative", "check_consistency", "classify_texts", "cross_report"]
