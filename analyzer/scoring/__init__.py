"""The score of one report: four named parts, every lost point with its reason.

The weights live in ``scoring.toml`` shipped inside this package (see
``shared/spec/rubric.md``); a supervisor may pass another file. ``config``
reads and checks the weights, ``parts`` turns findings and measured facts
into points, ``schema`` says what the file may hold; which part judges
which rule is the registry's (``analyzer.rules``). ``verify`` says what
could be checked in the tables and what could not; ``accuracy`` holds the
points of what could not (待核实). The model card is ``docs/SCORE.md``.
"""

from analyzer.scoring.config import (
    PartConfig,
    ScoreConfig,
    ScoringConfigError,
    default_config,
    load_config,
    resolve_config,
)
from analyzer.scoring.base import TABLE_LABELS, TEMPLATE_CELLS, table_coverage, table_found, template_of
from analyzer.scoring.parts import (
    count_figures,
    grade_of,
    score_accuracy,
    score_completeness,
    score_conformity,
    score_report,
    score_substance,
    title_names,
)
from analyzer.scoring.verify import RELATION_RULES, doubtful_cells, relations, verified_rules

__all__ = [
    "PartConfig", "ScoreConfig", "ScoringConfigError", "default_config", "load_config", "resolve_config",
    "TABLE_LABELS", "TEMPLATE_CELLS", "count_figures", "grade_of", "score_accuracy", "score_completeness",
    "score_conformity", "score_report", "score_substance", "table_coverage", "table_found", "template_of", "title_names",
    "RELATION_RULES", "doubtful_cells", "relations", "verified_rules",
]
