"""Document rows to template rows.

Rows are anchored on their labels, never on positions (:mod:`analyzer.tables.match`).
Rows that lost their label (markdown made from PDF pulls wrapped labels out
of the table) are placed by order, but only where exactly as many such rows
sit between two labelled rows as the template has rows there.
"""

from __future__ import annotations

import re

from analyzer.tables.match import match_label
from analyzer.tables.schema import Row as Spec
from analyzer.tables.textread import TableRow


def assign_active(rows: list[TableRow], specs: tuple[Spec, ...]) -> dict[str, TableRow]:
    """Table 二 rows by their (short, distinctive) labels; the first row naming each wins.

    Order is not used: conversions often split table 二 into pieces in any order.
    """
    taken: dict[str, TableRow] = {}
    for r in rows:
        if not r.labels:
            continue
        m = match_label(r.labels, specs, running_text=not r.grid)
        if m is not None and specs[m.spec_index].key not in taken:
            taken[specs[m.spec_index].key] = r
    return taken


def assign_rows(
    rows: list[TableRow], specs: tuple[Spec, ...], extra: tuple[Spec, ...] = (), unplaced: list[TableRow] | None = None,
    before: tuple[Spec, ...] = (),
) -> dict[str, TableRow]:
    """Document rows to template rows: labelled rows by label, label-less rows by order.

    ``extra`` are rows recognised but outside the template (2021 report with a
    single （六）其他处理 row); they anchor the order like any other. ``unplaced``
    gains the rows of numbers that could not be placed: between two labelled rows,
    and right before the first one up to a row of the table before (``before``'s rows).
    """
    all_specs = specs + extra
    _label_from_above(rows, all_specs)
    order_of = {s.key: i for i, s in enumerate(specs)}
    if extra:
        # The single （六） row sits where the three sub-rows would.
        six = next((i for i, s in enumerate(specs) if s.key in ("other_no_correction", "other_processing")), None)
        for s in extra:
            order_of[s.key] = (six if six is not None else len(specs)) - 0.5
    anchors: list[tuple[int, float, TableRow, Spec]] = []  # (row position, template order, row, spec)
    unmatched: set[int] = set()
    for pos, r in enumerate(rows):
        if not r.labels:
            continue
        m = match_label(r.labels, all_specs, running_text=not r.grid)
        if m is None or not _can_fill(r, len(all_specs[m.spec_index].columns)):
            unmatched.add(pos)
            continue
        spec = all_specs[m.spec_index]
        anchors.append((pos, order_of[spec.key], r, spec))
    # Keep the longest run of anchors in template order (a stray label elsewhere
    # in the document never displaces the table's own rows).
    chosen = _increasing(anchors)
    taken: dict[str, TableRow] = {}
    positions: dict[str, int] = {}
    for pos, _, r, spec in chosen:
        if spec.key not in taken:
            taken[spec.key] = r
            positions[spec.key] = pos
    # Label-less rows between two anchors fill the free template rows between
    # them when the counts match exactly; otherwise they stay unplaced.
    anchor_list = sorted(((positions[k], order_of[k]) for k in taken), key=lambda t: t[0])
    bounds = [(-1, -1.0)] + anchor_list + [(len(rows), float(len(specs)))]
    free_keys = [s.key for s in specs if s.key not in taken]
    n = len(specs[0].columns)
    if anchor_list and unplaced is not None:
        # The first rows cut from their labels ("政府信息公开申请数量" after a stray "一") come before the first
        # labelled row: never placed there (the table is not extended), still numbers we could not place.
        for i in range(anchor_list[0][0] - 1, -1, -1):
            r = rows[i]
            if not (i in unmatched or not r.labels) or not _holds_a_row(r, n) \
                    or match_label(r.labels, before, running_text=not r.grid) is not None:
                break
            unplaced.insert(0, r)
    for (p0, t0), (p1, t1) in zip(bounds, bounds[1:]):
        if p0 < 0 or p1 >= len(rows):
            continue  # never extend a table beyond its labelled rows
        # Rows without words, or whose words name no template row (a label cut
        # to "行政机关不再处理其政府信息公" fits two rows), are placed by order.
        bare = [r for i, r in enumerate(rows[p0 + 1 : p1], start=p0 + 1) if not r.labels or i in unmatched]
        loose = [r for r in bare if len(r.values) >= 2]
        slots = [k for k in free_keys if t0 < order_of[k] < t1]
        full = [r for r in loose if len(r.values) >= n - 1]
        if loose and slots and len(slots) == len(loose) and len(full) == len(loose):
            for k, r in zip(slots, loose):
                taken[k] = r
            if unplaced is not None:
                # A lone number left between the rows placed ("1" under a wrapped label) may be a cell
                # the table shows blank: a number we could not place, so a blank there is not confirmed.
                unplaced.extend(r for r in bare if r.values and r not in loose)
        elif unplaced is not None:
            # Numbers we could not place: absent rows, or blank cells of a row located by its label
            # alone ("（二）部分公开（区分处理的，只计这一情" over the numbers of "形，不计其他情形）"),
            # may be our misreading.
            unplaced.extend(r for r in bare if _holds_a_row(r, n))
    return taken


def _label_from_above(rows: list[TableRow], specs: tuple[Spec, ...]) -> None:
    """A row of numbers only whose line above names a template row is that row, unless other words above it
    name one too (labels a PDF conversion pulled out of the table and wrapped: which one is its own cannot be told)."""
    for r in rows:
        if r.labels or not r.above:
            continue
        *before, last = r.above
        if match_label([last], specs, running_text=True) is None:
            continue
        if any(match_label([b], specs, running_text=True) is not None for b in before):
            continue
        r.labels, r.hint, r.label_above = [last], "", True


def _holds_a_row(r: TableRow, n: int) -> bool:
    """Numbers enough for a row of ``n`` columns: a cell for each (one may be blank), or a digit run with a digit for each."""
    return len(r.values) >= n - 1 or (any(c.run for c in r.values) and _can_fill(r, n))


def _can_fill(r: TableRow, n: int) -> bool:
    """A run of running text must hold at least one digit per column."""
    runs = [c for c in r.values if c.run]
    if not runs:
        return True
    # A damaged run's stray letter may stand for a digit ("0O00001"): it counts as one.
    digits = sum(len(re.sub(r"\s" if c.damaged else r"\D", "", c.raw.split(".")[0])) + ("." in c.raw) for c in runs)
    return digits >= n


def _increasing(anchors: list[tuple[int, float, TableRow, Spec]]) -> list[tuple[int, float, TableRow, Spec]]:
    """Longest subsequence whose template order never decreases (ties: first rows win)."""
    if not anchors:
        return []
    n = len(anchors)
    best = [1] * n
    prev = [-1] * n
    for i in range(n):
        for j in range(i):
            if anchors[j][1] < anchors[i][1] and best[j] + 1 > best[i]:
                best[i] = best[j] + 1
                prev[i] = j
    i = max(range(n), key=lambda k: (best[k], -k))
    out = []
    while i >= 0:
        out.append(anchors[i])
        i = prev[i]
    return list(reversed(out))
