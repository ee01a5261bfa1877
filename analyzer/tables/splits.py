"""Splitting digit runs into cells, constrained by the table's own arithmetic.

Flattened web text runs a row's cells together: "230 000023" is 23, 0, 0,
0, 0, 0, 23. A split is valid when every part is a well-formed number (no
leading zero unless it is "0"; a decimal point only in a money column) and
whitespace, where present, falls on a cell boundary. Among the valid splits,
the template's sums (row total, column totals, 一+二=三+四, group totals)
keep the consistent ones. A cell is read only when every consistent split
agrees on it; otherwise it stays ``None`` and a note says why: never a guess.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product
from math import comb
from typing import Callable, Iterable, Sequence

Value = int | float

MAX_SPLITS = 20000  # per row; beyond this the row is left unread (never guessed)
MAX_COMPOSITIONS = 50_000  # digit strings that could be cut more ways than this are not tried


def _parse_part(part: str, money: bool) -> Value | None:
    if not part:
        return None
    if "." in part:
        if not money or part.count(".") > 1 or part.startswith(".") or part.endswith("."):
            return None
        whole = part.split(".")[0]
        if len(whole) > 1 and whole.startswith("0"):
            return None
        return float(part)
    if len(part) > 1 and part.startswith("0"):
        return None
    return int(part)


@lru_cache(maxsize=4096)
def _piece_splits(piece: str, k: int, money_mask: tuple[bool, ...]) -> tuple[tuple[Value, ...], ...]:
    """All ways to cut one whitespace-free piece into exactly k numbers."""
    if k == 0:
        return ((),) if not piece else ()
    if k == 1:
        v = _parse_part(piece, money_mask[0])
        return ((v,),) if v is not None else ()
    out = []
    for cut in range(1, len(piece) - k + 2):
        head = _parse_part(piece[:cut], money_mask[0])
        if head is None:
            continue
        for rest in _piece_splits(piece[cut:], k - 1, money_mask[1:]):
            out.append((head,) + rest)
            if len(out) > MAX_SPLITS:
                return tuple(out)  # split_pieces sees the overflow and gives up
    return tuple(out)


def split_pieces(pieces: Sequence[str], n: int, money: Sequence[bool]) -> list[tuple[Value, ...]]:
    """All ways to read whitespace-separated pieces as exactly n numbers.

    >>> split_pieces(["000"], 3, [False] * 3)
    [(0, 0, 0)]
    >>> len(split_pieces(["693665"], 3, [False] * 3)) > 1
    True
    """
    pieces = [p for p in pieces if p]
    digits = sum(len(p) for p in pieces)
    if n > 0 and comb(max(digits - 1, 0), max(n - 1, 0)) > MAX_COMPOSITIONS:
        return []  # far too many ways to cut: unread, never a guess (and never slow)
    results: list[tuple[Value, ...]] = []

    def rec(i: int, start: int, acc: tuple[Value, ...]) -> None:
        if len(results) > MAX_SPLITS:
            return
        if i == len(pieces):
            if start == n:
                results.append(acc)
            return
        remaining_pieces = len(pieces) - i - 1
        piece = pieces[i]
        max_k = min(len(piece.replace(".", "")), n - start - remaining_pieces)
        for k in range(1, max_k + 1):
            for part in _piece_splits(piece, k, tuple(money[start : start + k])):
                rec(i + 1, start + k, acc + part)

    rec(0, 0, ())
    if len(results) > MAX_SPLITS:
        return []  # too many readings to tell: unread, never a partial guess
    return results


def agreed(candidates: Sequence[tuple[Value, ...]], n: int) -> list[Value | None]:
    """Per position, the value all candidates agree on, else None."""
    if not candidates:
        return [None] * n
    out: list[Value | None] = []
    for i in range(n):
        vals = {c[i] for c in candidates}
        out.append(vals.pop() if len(vals) == 1 else None)
    return out


def choose_consistent(
    options: dict[str, list[tuple[Value, ...]]],
    consistent: Callable[[dict[str, tuple[Value, ...]]], bool],
    limit: int = 200000,
) -> list[dict[str, tuple[Value, ...]]] | None:
    """Every combination of per-row options that satisfies the table-wide sums.

    Returns None when the search would exceed ``limit`` combinations (the
    caller then keeps only what each row determines alone).
    """
    keys = [k for k in options if options[k]]
    total = 1
    for k in keys:
        total *= len(options[k])
        if total > limit:
            return None
    found = []
    for combo in product(*(options[k] for k in keys)):
        choice = dict(zip(keys, combo))
        if consistent(choice):
            found.append(choice)
    return found


def sums_ok(parts: Iterable[Value | None], total: Value | None) -> bool:
    vals = list(parts)
    if total is None or any(v is None for v in vals):
        return True
    return abs(sum(vals) - total) < 1e-6  # type: ignore[arg-type]
