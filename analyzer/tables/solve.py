"""One table, one constraint problem: the digit runs of every row cut at once under all of its sums.

Flattened web text runs a row's cells together; a run often splits several
ways on its own, but the column sums (一+二 = 三（七）+四, 三（七） = the result
rows) usually leave one split of the whole table. Each row is a *domain*: its
candidate readings (one for a grid row, the splits of a run that satisfy the
row's own 总计, or every admissible split when none does). The cross-row sums
are linear equalities over the cells. A cell is read when every complete table
that satisfies all of them agrees on it; otherwise it stays ``None`` and
``tables.ambiguous_cell`` says so (never a guess).

* A sum that no combination of the rows' candidates can satisfy is *broken in
  every reading* (:attr:`Solution.broken`): the checks raise it as confirmed, no
  reading can rescue it; it is then left out of the search. It is claimed only
  when every row of it was cut from running text (a grid cell still gets its
  second reading, :mod:`analyzer.tables.reread`), never when it rests on a row we
  could not read (a damaged run: :attr:`Problem.hints`).
* ``None`` in a candidate is an unknown cell: a sum through it holds whatever it is.
* When the remaining sums admit no complete table together, or the search would
  exceed its budget, nothing is narrowed: each row keeps what it determines alone.
* Not built (a run-level hook): when the same agency's previous report is linked,
  its 结转下年度 row, where read for certain, is one more equality per column on
  this year's 上年结转 (``Sum("continuity.carried_over.<col>", (("carried_over",
  c, 1),))`` against a fixed row of last year's values). Linking happens after
  extraction (``linking.link_previous`` in ``pipeline.finish_run``), so it needs
  the run to re-solve a linked report whose 上年结转 or another row is still
  ambiguous, with the row's readings kept (``RowRead.candidates``) in the result.

Measured (issue 9 #5; ``bench/bench_solve.py``, 2 cores): the 319 problems of
table 三 with two or more rows that split several ways, from the flattened and
damage variants of ``bench/variants.py`` and 300 made tables printed as crawler
text. This search — rows ordered so that sums close early, the bounds of every
sum checked at each step, every complete table enumerated except branches that
can show no reading not yet known to be used — takes a median 0.4 ms, p95 13 ms,
max 17 ms (0.7 s for all). OR-Tools CP-SAT on the same problems (a Boolean per
reading, ``AddExactlyOne`` per row, a linear equality per sum, all solutions
enumerated) takes a median 11 ms, max 217 ms, plus 1.5 s to import and a large
native dependency; python-constraint (a ``FunctionConstraint`` per sum, solutions
iterated, stopped at 10,000) a median 0.3 ms, max 28 ms, but it enumerates every
complete table (their number grows as the product of the ambiguous rows) and
needs the sums as Python callbacks. The search is the simplest of the three that
is exact and fast enough, with no dependency. A pathological table (long runs,
many rows of repeated digits, damaged runs) is bounded by
:func:`analyzer.tables.splits.time_budget` (0.8 s for tables 二 and 三, 0.2 s for 四,
set by :mod:`analyzer.tables.extract`), :data:`MAX_NODES` and :data:`MAX_DOMAIN`:
measured at 0.8–1.0 s; beyond the bounds the cells stay null with
``tables.ambiguous_cell``, never a guess.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

from analyzer.tables import schema
from analyzer.tables.splits import seconds_left

Value = int | float | None
Candidate = tuple[Value, ...]

MAX_NODES = 200_000  # search steps per table; beyond them nothing is narrowed
MAX_SECONDS = 0.8
MAX_DOMAIN = 3000  # a row with more readings constrains nothing (it stays unread unless they agree)
MAX_SUM_SET = 200_000  # distinct partial sums when testing one sum alone


@dataclass(frozen=True)
class Sum:
    """One linear equality: sum(coef * row[col]) == 0, named as the check that says it ("applications.balance.total")."""

    name: str
    terms: tuple[tuple[str, int, int], ...]  # (row, column index, coefficient)


@dataclass
class Problem:
    domains: dict[str, list[Candidate]]  # every row the table shows, with its candidate readings
    sums: list[Sum]
    hints: set[str] = field(default_factory=set)  # rows whose candidates are guesses about a damaged run
    text_rows: set[str] = field(default_factory=set)  # rows read from running text (no second reading)


@dataclass
class Solution:
    domains: dict[str, list[Candidate]]  # per row, the readings some complete table uses
    broken: set[str]  # sums every admissible reading breaks
    narrowed: bool  # False: no complete table (or over budget): domains are the rows' own


def solve(problem: Problem) -> Solution:
    """The readings of each row that some complete table uses, and the sums no reading can satisfy."""
    domains = {k: (v if len(v) <= MAX_DOMAIN else [(None,) * len(v[0])]) for k, v in problem.domains.items()}
    problem = Problem(domains, problem.sums, problem.hints, problem.text_rows)
    usable, broken = [], set()
    for s in problem.sums:
        rows = {r for r, _, _ in s.terms}
        if not rows <= problem.domains.keys():
            continue  # a row the table does not show: the sum cannot be formed
        if _satisfiable(s, problem.domains) is False:
            if rows <= problem.text_rows and not rows & problem.hints:
                broken.add(s.name)  # rests on the digits and the arithmetic alone (a grid row gets its second reading)
            continue
        usable.append(s)
    search = _Search(problem.domains, usable)
    supported = search.supported()
    if supported is None:
        return Solution({k: list(v) for k, v in problem.domains.items()}, broken, False)
    return Solution(supported, broken, True)


def applications_sums(template: str | None, shown: set[str]) -> list[Sum]:
    """The cross-row sums of table 三, per column: 一+二 = 三（七）+四, and the result rows = 三（七）.

    A 2021 report that keeps the single （六）其他处理 row (``shown`` has it and
    none of the three sub-rows) adds that row in their place.
    """
    results = list(schema.result_rows(template))
    subs = ["other_no_correction", "other_fee_unpaid", "other_other"]
    if template != "2019" and "other_processing" in shown and not shown & set(subs):
        results = [r for r in results if r not in subs] + ["other_processing"]
    out = []
    for ci, col in enumerate(schema.APPLICANTS):
        out.append(Sum(f"applications.balance.{col.key}", (("new_received", ci, 1), ("carried_over", ci, 1),
                                                            ("results_total", ci, -1), ("carried_forward", ci, -1))))
        out.append(Sum(f"applications.results_sum.{col.key}", tuple((r, ci, 1) for r in results) + (("results_total", ci, -1),)))
    return out


def _contribution(s: Sum, row: str, cand: Candidate) -> float | None:
    total = 0.0
    for r, col, coef in s.terms:
        if r != row:
            continue
        v = cand[col] if col < len(cand) else None
        if v is None:
            return None
        total += coef * v
    return total


def _satisfiable(s: Sum, domains: dict[str, list[Candidate]]) -> bool | None:
    """Whether some choice of one reading per row satisfies this sum alone (None: too many to tell)."""
    sums = {0.0}
    for row in dict.fromkeys(r for r, _, _ in s.terms):
        values = {_contribution(s, row, c) for c in domains[row]}
        if None in values:
            return True  # an unknown cell: the sum holds whatever it is
        sums = {round(a + b, 6) for a in sums for b in values}
        if len(sums) > MAX_SUM_SET:
            return None
    return any(abs(x) < 1e-6 for x in sums)


class _Search:
    """Backtracking over the rows with several readings, bounds of every sum checked at each step."""

    def __init__(self, domains: dict[str, list[Candidate]], sums: Sequence[Sum]) -> None:
        self.domains = domains
        self.sums = list(sums)
        self.rows = self._order([r for r in domains if len(domains[r]) > 1])
        self.nodes = 0
        self.deadline = time.perf_counter() + seconds_left(MAX_SECONDS)
        # contribution of each reading of each row to each sum (None: an unknown cell)
        member = {r: [k for k, s in enumerate(self.sums) if any(t[0] == r for t in s.terms)] for r in domains}
        self.contrib: dict[str, list[list[float | None]]] = {}
        for r in domains:
            rows = []
            for c in domains[r]:
                v: list[float | None] = [0.0] * len(self.sums)
                for k in member[r]:
                    v[k] = _contribution(self.sums[k], r, c)
                rows.append(v)
            self.contrib[r] = rows
        self.fixed = [0.0] * len(self.sums)
        self.loose = [False] * len(self.sums)
        for r in domains:
            if len(domains[r]) == 1:
                for i, v in enumerate(self.contrib[r][0]):
                    if v is None:
                        self.loose[i] = True
                    else:
                        self.fixed[i] += v
        # bounds of each row's contribution to each sum; an unknown cell leaves the sum open
        self.lo: dict[str, list[float]] = {}
        self.hi: dict[str, list[float]] = {}
        self.open: dict[str, list[bool]] = {}
        for r in self.rows:
            cols = list(zip(*self.contrib[r]))
            self.open[r] = [None in c for c in cols]
            self.lo[r] = [0.0 if None in c else min(c) for c in cols]
            self.hi[r] = [0.0 if None in c else max(c) for c in cols]

    def _order(self, rows: list[str]) -> list[str]:
        """Rows in an order that closes sums early: next, the row of the sum with fewest rows still open."""
        members = [{t[0] for t in s.terms} & set(rows) for s in self.sums]
        left, out = set(rows), []
        while left:
            def key(r: str) -> tuple[int, int, str]:
                open_in = [len(m & left) for m in members if r in m]
                return (min(open_in, default=99), len(self.domains[r]), r)
            nxt = min(left, key=key)
            out.append(nxt)
            left.discard(nxt)
        return out

    def supported(self) -> dict[str, list[Candidate]] | None:
        """Per row, the readings used by some complete table; None without one, or over budget.

        Every complete table is enumerated, except that a branch is left as soon as
        it can show nothing new: its readings so far and every reading of the rows
        still open are already known to be used.
        """
        self.seen: dict[str, set[int]] = {r: set() for r in self.rows}
        self.over = False
        n = len(self.sums)
        state = _State(
            acc=list(self.fixed), loose=list(self.loose),
            lo=[sum(self.lo[r][k] for r in self.rows) for k in range(n)],
            hi=[sum(self.hi[r][k] for r in self.rows) for k in range(n)],
            open=[sum(self.open[r][k] for r in self.rows) for k in range(n)],
        )
        found = self._rec(0, [], state)
        if self.over or not found:
            return None
        out = {r: list(v) for r, v in self.domains.items()}
        for r in self.rows:
            out[r] = [c for i, c in enumerate(self.domains[r]) if i in self.seen[r]]
        return out

    def _rec(self, depth: int, path: list[int], st: "_State") -> bool:
        """Enumerate the complete tables below this node; True when one was found."""
        rows = self.rows
        self.nodes += 1
        if self.nodes > MAX_NODES or (self.nodes % 512 == 0 and time.perf_counter() > self.deadline):
            self.over = True
            return False
        if depth == len(rows):
            for r, i in zip(rows, path):
                self.seen[r].add(i)
            return True
        if all(i in self.seen[r] for r, i in zip(rows, path)) and all(
                len(self.seen[r]) == len(self.domains[r]) for r in rows[depth:]):
            return False  # nothing new below: every reading here is already known to be used
        r = rows[depth]
        found = False
        for i in sorted(range(len(self.domains[r])), key=lambda i: i in self.seen[r]):  # readings not yet used first
            nxt = st.assign(self.contrib[r][i], self.lo[r], self.hi[r], self.open[r])
            if nxt is None:
                continue
            path.append(i)
            found |= self._rec(depth + 1, path, nxt)
            path.pop()
            if self.over:
                break
        return found


@dataclass
class _State:
    """Per sum: the assigned rows' total, whether an unknown cell already holds it open, and the bounds of the rest."""

    acc: list[float]
    loose: list[bool]
    lo: list[float]
    hi: list[float]
    open: list[int]  # unassigned rows with an unknown cell in this sum

    def assign(self, contrib, lo, hi, opened) -> "_State | None":
        """The state after one row takes a reading; None when a sum can no longer hold."""
        nxt = _State(list(self.acc), list(self.loose), list(self.lo), list(self.hi), list(self.open))
        for k, v in enumerate(contrib):
            nxt.lo[k] -= lo[k]
            nxt.hi[k] -= hi[k]
            nxt.open[k] -= opened[k]
            if v is None:
                nxt.loose[k] = True
                continue
            nxt.acc[k] += v
            if nxt.loose[k] or nxt.open[k]:
                continue
            if not (nxt.acc[k] + nxt.lo[k] <= 1e-6 and nxt.acc[k] + nxt.hi[k] >= -1e-6):
                return None
        return nxt
