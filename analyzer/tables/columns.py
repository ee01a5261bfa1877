"""Grid columns to template columns, by the table's own header labels.

Government web pages (and DOCX/PDF grids) draw the tables with header rows of
their own: two or three rows with row and column spans (申请人情况 / 自然人 /
法人或其他组织 / 商业企业 …; 行政复议 / 行政诉讼 / 未经复议直接起诉 / 结果维持 …),
sometimes an extra column (序号), a column left out, or the columns in another
order. A grid column is put on a template column by the labels written above
it (its *stack*, top to bottom; the lowest label is the most specific), never
by its position alone; a damaged label still matches through rapidfuzz.

The mapping is then verified by the table's own arithmetic (a row's 总计, a
group's 总计) in :mod:`analyzer.tables.extract`: see :func:`verified`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from rapidfuzz import fuzz

from analyzer.ingest.normalize import compact, drop_quotes, nfkc
from analyzer.tables import schema
from analyzer.tables.schema import Column

FUZZY_MIN = 80  # a damaged header label ("社会公义组织") still names its column

# Other ways reports write a column's label, beyond the template's own.
_EXTRA_CUES = {
    "public_interest_org": ("公益组织",),
    "legal_service_org": ("法律服务",),
    "commercial_enterprise": ("企业",),
    "research_institution": ("科研",),
    "total": ("合计",),
    "upheld": ("维持",),
    "corrected": ("纠正",),
    "other": ("其他",),
    "pending": ("未审结", "审结"),
    "issued": ("制发",),
    "repealed": ("废止",),
    "in_force": ("现行有效",),
    "amount_10k_yuan": ("收费金额",),
    "decisions": ("处理决定",),
}
# Group of table 四 a column belongs to, by the words above it (most specific first).
_GROUP_CUES = (
    ("litigation_after_review", ("复议后起诉", "复议后")),
    ("litigation_direct", ("未经复议直接起诉", "直接起诉", "未经复议")),
    ("review", ("行政复议",)),
)


def _norm(s: str) -> str:
    return compact(drop_quotes(nfkc(s or "")))


def stacks(header_rows: Sequence[Sequence[str]], width: int) -> tuple[tuple[str, ...], ...]:
    """Per grid column, the distinct labels written above it, top to bottom."""
    return _stacks(tuple(tuple(row) for row in header_rows), width)


@lru_cache(maxsize=256)
def _stacks(header_rows: tuple[tuple[str, ...], ...], width: int) -> tuple[tuple[str, ...], ...]:
    # Every row of a table shares its header rows: read once, not once per row and per use.
    out: list[tuple[str, ...]] = []
    for j in range(width):
        stack: list[str] = []
        for row in header_rows:
            if j < len(row):
                lab = _norm(row[j])
                if lab and (not stack or stack[-1] != lab):
                    stack.append(lab)
        out.append(tuple(stack))
    return tuple(out)


@lru_cache(maxsize=256)
def _cues(col: Column) -> tuple[str, ...]:
    own = _norm(col.label)
    base = own.split("(")[0] if "(" in own else own
    return tuple(dict.fromkeys((own, base) + _EXTRA_CUES.get(col.key, ())))


def match_column(label: str, columns: Sequence[Column]) -> int | None:
    """The template column a header label names (exact, then contained, then fuzzy); None when unsure."""
    if not label:
        return None
    exact = [i for i, c in enumerate(columns) if label in _cues(c)]
    if len(exact) == 1:
        return exact[0]
    scored: list[tuple[float, int, int]] = []
    for i, c in enumerate(columns):
        for cue in _cues(c):
            if len(cue) < 2:
                continue
            if cue in label and len(label) - len(cue) <= 4:
                scored.append((100.0, len(cue), i))
            elif len(cue) >= 3 and len(label) >= 3:
                score = fuzz.ratio(cue, label)
                if score >= FUZZY_MIN:
                    scored.append((score, len(cue), i))
    if not scored:
        return None
    scored.sort(reverse=True)
    best = scored[0]
    rivals = [s for s in scored if s[2] != best[2] and s[:2] == best[:2]]
    return None if rivals else best[2]


def map_columns(header_rows: Sequence[Sequence[str]], width: int, columns: Sequence[Column]) -> dict[int, int]:
    """Grid column -> template column index, from the lowest label above each grid column.

    A template column named by several adjacent grid columns (a colspan the
    reader repeated) keeps all of them; the caller reads one value there.
    Empty when fewer than two template columns are named (a one-column block:
    nothing to tell apart) or when two separate grid columns name the same one.
    """
    out: dict[int, int] = {}
    for j, stack in enumerate(stacks(header_rows, width)):
        if not stack:
            continue
        i = match_column(stack[-1], columns)
        if i is not None:
            out[j] = i
    named = set(out.values())
    if len(columns) > 1 and len(named) < 2:
        return {}
    for i in named:
        js = sorted(j for j, k in out.items() if k == i)
        if js[-1] - js[0] + 1 != len(js):
            return {}  # the same label in two places: the header does not tell them apart
    return out


def numbering_columns(header_rows: Sequence[Sequence[str]], width: int) -> frozenset[int]:
    """Grid columns headed 序号/编号: their numbers count rows, not applications."""
    return frozenset(j for j, st in enumerate(stacks(header_rows, width)) if any(w in x for x in st for w in ("序号", "编号")))


def map_review(header_rows: Sequence[Sequence[str]], width: int) -> dict[int, int]:
    """Grid column -> position 0..14 of table 四 (group × outcome), from the group and outcome labels above it."""
    out: dict[int, int] = {}
    for j, stack in enumerate(stacks(header_rows, width)):
        if not stack:
            continue
        words = "".join(stack)
        group = next((gi for gi, (_, cues) in enumerate(_GROUP_CUES) if any(c in words for c in cues)), None)
        outcome = match_column(stack[-1], schema.OUTCOMES)
        if group is None or outcome is None:
            continue
        key = _GROUP_CUES[group][0]
        gi = next(i for i, g in enumerate(schema.REVIEW_GROUPS) if g.key == key)
        out[j] = gi * 5 + outcome
    if len(set(out.values())) != len(out) or len(out) < 10:
        return {}
    return out


def place_cells(cells, mapping: dict[int, int], n: int, ignore: frozenset[int] = frozenset()) -> tuple[list, list[str]] | None:
    """The row's cells on the template's n columns by the header mapping: (cell or None per column, unplaced raws).

    None when the row's cells carry no grid position, or none of its values stands
    under a named column (the mapping is not this row's). Adjacent grid columns
    under one label (a repeated colspan) give one value when they agree; when they
    differ, or a value stands under no named column, its raw text is unplaced.
    """
    filled = [c for c in cells if not c.empty]
    if not filled or any(c.col is None for c in filled):
        return None
    if not any(c.col in mapping for c in filled):
        return None
    out: list = [None] * n
    unplaced: list[str] = []
    for c in filled:
        i = mapping.get(c.col)
        if i is None:
            if c.col not in ignore:
                unplaced.append(c.raw)
            continue
        if out[i] is None:
            out[i] = c
        elif _norm(out[i].raw) != _norm(c.raw):
            unplaced.append(c.raw)
    for c in cells:  # blank cells under a named column stay blank cells (missing, not absent)
        if c.empty and c.col in mapping and out[mapping[c.col]] is None:
            out[mapping[c.col]] = c
    return out, unplaced
