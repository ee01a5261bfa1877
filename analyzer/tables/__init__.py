"""The three standard tables: extraction into the canonical keys, and the checks a supervisor makes.

Modules: ``schema`` (the templates as data, the template detector), ``numbers``
(one cell), ``textread`` (one row stream from grids, tab/markdown lines and
flattened text; ``chunks`` cuts running text into words and digit runs),
``match`` (a label against the template's cues), ``assign`` (document rows to
template rows), ``columns`` (grid columns to template columns by the header's
labels), ``rowread`` (one row's candidate readings), ``splits`` (digit runs cut
under the template's arithmetic), ``solve`` (every run of table 三 cut at once
under all its sums), ``extract`` (values with provenance), ``checks/`` (one
function per rule, ``CHECKS``, grouped by family), ``publication``
(《条例》第四十九条 deadline), ``reread`` (second, independent reading of the
cells behind a finding). Numbers of 总体情况 against the tables are
:mod:`analyzer.narrative.consistency`'s.

Decisions a reader of the output should know:

* A cell the report does not show is ``None`` and ``tables.missing_cell``
  says so. A placeholder ("无", "—", "/", "-") is also ``None``; its text is
  kept in ``TableValues.remarks`` and reported as ``tables.non_numeric_cell``
  (info): the template asks for a number, but the report did say something.
* A digit run that splits several consistent ways leaves the cells ``None``,
  their keys in ``TableValues.ambiguous`` (the run kept as their remark) and a
  ``tables.ambiguous_cell`` (info, uncertain) finding: never a guess. "Consistent"
  means with every sum of the table at once (``solve``); a sum that every
  admissible split breaks is raised as confirmed (``TableValues.broken``).
* A number with a stray character ("1-", "3O", a run with "—" inside) is
  ``None`` with its text kept (``TableValues.unread`` = "damaged") and a
  ``tables.non_numeric_cell`` (uncertain); no sum through it is checked. Grid
  columns the header labels and the row totals cannot tell apart are ``None``
  too ("columns"), with ``tables.ambiguous_cell``.
* ``TableValues.rows_found`` holds the rows located by their label even
  when blank. Blank rows inside a table are missing cells; blank rows from
  some point to the end mean the table stops there (missing rows).
* A 2021 report that keeps the single （六）其他处理 row has its three
  sub-rows ``None`` (``tables.missing_row``); the single row's numbers are kept
  in ``TableValues.aux_rows["applications.other_processing"]`` and used by the sums.
"""

from __future__ import annotations

from analyzer.tables.checks import check_continuity, run_checks
from analyzer.tables.extract import extract_tables

__all__ = ["extract_tables", "run_checks", "check_continuity"]
