"""Guards for "one home per concept" (issue 13): a concept defined twice drifts apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer.ingest import normalize

PACKAGE = Path(normalize.__file__).parents[1]
# The modules whose copies were folded in; widen as the other stages follow.
CHECKED = [*sorted(PACKAGE.glob("ingest/**/*.py")), *(PACKAGE / f"{m}.py" for m in ("dates", "identify", "sections", "linking"))]


def test_the_cjk_range_takes_extension_a_and_compatibility_ideographs():
    assert normalize.CJK_RE.match("\u3400") and normalize.CJK_RE.match("\u9fa5") and normalize.CJK_RE.match("\uf900")
    assert not normalize.CJK_RE.match("。") and not normalize.CJK_RE.match("a")


def _others(home: str) -> list[Path]:
    return [p for p in CHECKED if p.name != home]


def _id(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", _others("normalize.py"), ids=_id)
def test_no_cjk_range_written_anew(path):
    """Character classes are built from normalize.CJK, never from a literal range."""
    assert not re.search(r"\\u(?:4e00|3400|9fff)", path.read_text("utf-8"))


@pytest.mark.parametrize("path", _others("dates.py"), ids=_id)
def test_no_date_parsed_outside_dates(path):
    """Dates are read by analyzer.dates.parse_date only: no datetime.date built from regex groups."""
    text = path.read_text("utf-8")
    assert "from datetime import date" not in text and "{mo:02d}" not in text
