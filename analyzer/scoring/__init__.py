"""The score of one report: four named parts, every lost point with its reason.

The weights live in ``scoring.toml`` shipped inside this package (see
``shared/spec/rubric.md``); a supervisor may pass another file. ``config``
reads and checks the weights, ``parts`` turns findings and measured facts
into points, ``schema`` says what the file may hold; which part judges
which rule is the registry's (``analyzer.rules``).
"""

from analyzer.scoring.config import (
    PartConfig,
    ScoreConfig,
    ScoringConfigError,
    default_config,
    load_config,
    resolve_config,
)
from analyzer.scoring.parts import (
    TABLE_LABELS,
    TEMPLATE_CELLS,
    count_figures,
    grade_of,
    score_accuracy,
    score_completeness,
    score_conformity,
    score_report,
    score_substance,
    table_coverage,
    template_of,
    title_names,
)

__all__ = [
    "PartConfig", "ScoreConfig", "ScoringConfigError", "default_config", "load_config", "resolve_config",
    "TABLE_LABELS", "TEMPLATE_CELLS", "count_figures", "grade_of", "score_accuracy", "score_completeness",
    "score_conformity", "score_report", "score_substance", "table_coverage", "template_of", "title_names",
]
