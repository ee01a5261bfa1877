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

import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from itertools import product
from math import comb
from typing import Callable, Iterable, Sequence

Value = int | float

MAX_SPLITS = 20000  # per row; beyond this the row is left unread (never guessed)
MAX_STEPS = 100_000  # search budget of split_summed_groups; beyond it the run is left unread
MAX_COMPOSITIONS = 50_000  # digit strings that could be cut more ways than this are not tried

# The time one table's runs may take (:func:`time_budget`); past it a run is left unread, never guessed.
_DEADLINE: ContextVar[float | None] = ContextVar("split_deadline", default=None)


@contextmanager
def time_budget(seconds: float):
    """Bound every split made inside (and :mod:`analyzer.tables.solve`'s search) to ``seconds`` in all."""
    token = _DEADLINE.set(time.perf_counter() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def out_of_time() -> bool:
    """Whether the current :func:`time_budget` is spent."""
    deadline = _DEADLINE.get()
    return deadline is not None and time.perf_counter() > deadline


def seconds_left(default: float) -> float:
    """Time left in the current budget (``default`` without one)."""
    deadline = _DEADLINE.get()
    return default if deadline is None else min(default, max(0.0, deadline - time.perf_counter()))


def _parse_part(part: str, money: bool) -> Value | None:
    if not part or not part.replace(".", "").isdigit():
        return None  # a stray character is never part of a number
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

    calls = [0]

    def rec(i: int, start: int, acc: tuple[Value, ...]) -> None:
        if len(results) > MAX_SPLITS:
            return
        calls[0] += 1
        if calls[0] % 256 == 0 and out_of_time():
            results.extend([acc] * (MAX_SPLITS + 1 - len(results)))  # out of time: read nothing
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


def several_ways(pieces: Sequence[str], n: int, money: Sequence[bool]) -> bool:
    """Whether the pieces can be read as n numbers in more than one way, no sum considered (stops at the second).

    >>> several_ways(["0000000"], 7, [False] * 7), several_ways(["693665"], 3, [False] * 3)
    (False, True)
    """
    pieces = [p for p in pieces if p]
    digits = sum(len(p) for p in pieces)
    if n > 0 and comb(max(digits - 1, 0), max(n - 1, 0)) > MAX_COMPOSITIONS:
        return True
    found = [0]

    def rec(i: int, start: int) -> None:
        if found[0] > 1:
            return
        if i == len(pieces):
            found[0] += start == n
            return
        remaining_pieces = len(pieces) - i - 1
        piece = pieces[i]
        for k in range(1, min(len(piece.replace(".", "")), n - start - remaining_pieces) + 1):
            for _ in _piece_splits(piece, k, tuple(money[start : start + k])):
                rec(i + 1, start + k)
                if found[0] > 1:
                    return

    rec(0, 0)
    return found[0] > 1


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
    """Whether the parts add up to the total; True when any of them is unknown (nothing to contradict)."""
    vals = list(parts)
    if total is None or any(v is None for v in vals):
        return True
    return abs(sum(vals) - total) < 1e-6  # type: ignore[arg-type]


def _digits_and_cuts(pieces: Sequence[str]) -> tuple[str, frozenset[int]]:
    """The pieces joined, and the positions where whitespace forces a cell boundary."""
    s = ""
    cuts = set()
    for p in pieces:
        if s:
            cuts.add(len(s))
        s += p
    return s, frozenset(cuts)


def _ok_part(s: str, a: int, b: int, cuts: frozenset[int]) -> bool:
    if b <= a or (b - a > 1 and s[a] == "0") or not s[a:b].isdigit():
        return False
    return not any(a < c < b for c in cuts)


def split_summed_groups(pieces: Sequence[str], group_parts: Sequence[int]) -> list[tuple[int, ...]]:
    """Digit runs read as consecutive groups of (parts…, total) where each total is the sum of its parts.

    This is the template's own arithmetic (a row's 总计 is the sum of its six
    applicant columns; a 复议/诉讼 group's 总计 the sum of its four results), so
    the search is pruned by it and stays fast on long runs that an unconstrained
    enumeration could not try. Whole numbers only.

    >>> split_summed_groups(["230", "000023"], [6])
    [(23, 0, 0, 0, 0, 0, 23)]
    >>> split_summed_groups(["10203120001200000"], [4, 4, 4])
    [(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]
    """
    return summed_groups(pieces, group_parts)[0]


def summed_groups(pieces: Sequence[str], group_parts: Sequence[int]) -> tuple[list[tuple[int, ...]], bool]:
    """:func:`split_summed_groups` and whether its search was complete (False: over budget, nothing read)."""
    s, cuts = _digits_and_cuts([p for p in pieces if p])
    if not s.isdigit():
        return [], True
    search = _GroupSearch(s, cuts, tuple(group_parts))
    search.rec(0, 0, ())
    if len(search.out) > MAX_SPLITS or search.steps > MAX_STEPS:
        return [], False
    return search.out, True


class _GroupSearch:
    """The depth-first search of :func:`split_summed_groups` over one digit string."""

    def __init__(self, s: str, cuts: frozenset[int], group_parts: tuple[int, ...]) -> None:
        self.s, self.cuts, self.group_parts = s, cuts, group_parts
        self.n = len(s)
        self.out: list[tuple[int, ...]] = []
        self.steps = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps % 512 == 0 and out_of_time():
            self.steps = MAX_STEPS + 1  # out of time: the run is left unread

    def numbers(self, start: int, k: int, end: int, remaining: int):
        """Ways to read k numbers from s[start:end] exactly, adding up to ``remaining``."""
        s, cuts = self.s, self.cuts
        self.tick()
        if self.steps > MAX_STEPS:
            return
        if k == 1:
            if _ok_part(s, start, end, cuts) and int(s[start:end]) == remaining:
                yield (remaining,)
            return
        max_len = min(end - start - (k - 1), len(str(remaining)))
        for ln in range(1, max_len + 1):
            b = start + ln
            if not _ok_part(s, start, b, cuts):
                continue
            v = int(s[start:b])
            if v > remaining:
                break
            for rest in self.numbers(b, k - 1, end, remaining - v):
                yield (v,) + rest

    def leading(self, start: int, k: int):
        """Every way to read k numbers from ``start`` on (a group total follows them)."""
        if k == 0:
            yield (), start
            return
        self.tick()
        if self.steps > MAX_STEPS:
            return
        s, cuts = self.s, self.cuts
        for ln in range(1, min(7, self.n - start - k) + 1):
            b = start + ln
            if _ok_part(s, start, b, cuts):
                for rest, end in self.leading(b, k - 1):
                    yield (int(s[start:b]),) + rest, end

    def rec(self, g: int, start: int, acc: tuple[int, ...]) -> None:
        if len(self.out) > MAX_SPLITS:
            return
        s, n, k = self.s, self.n, self.group_parts[g]
        if g == len(self.group_parts) - 1:
            # The last total is the suffix: try each length, then cut the rest to add up to it.
            for lt in range(1, n - start - k + 1):
                a = n - lt
                if not _ok_part(s, a, n, self.cuts):
                    continue
                total = int(s[a:])
                if not (k + lt - 2 <= a - start <= k * lt):
                    continue  # k parts of a total with lt digits cannot fill this length
                for parts in self.numbers(start, k, a, total):
                    self.out.append(acc + parts + (total,))
            return
        for parts, end in self.leading(start, k):
            t = str(sum(parts))
            if s.startswith(t, end) and _ok_part(s, end, end + len(t), self.cuts):
                self.rec(g + 1, end + len(t), acc + parts + (sum(parts),))
