"""How fast is the table-wide split of digit runs (analyzer/tables/solve.py), and would a solver library do better?

Collects the constraint problems the extraction builds for table 三 on flattened
text — the flattened and damage variants of ``bench/variants.py`` and made tables
of ``bench.variants.made_applications`` printed as crawler text (many rows that
split several ways) — and times, per problem:

* ``search``: :func:`analyzer.tables.solve.solve` (the analyzer's own exact search);
* ``cp-sat``: OR-Tools CP-SAT, one Boolean per reading, ``AddExactlyOne`` per row, one
  linear equality per sum, every solution enumerated (the supported readings);
* ``python-constraint``: one variable per row over its readings, a ``FunctionConstraint``
  per sum, solutions iterated.

The libraries are optional (``pip install ortools python-constraint2``); absent ones are
skipped. Issue 9 #5 asked which is simpler and fast enough: the figures are quoted in
the docstring of ``analyzer/tables/solve.py``.

    .venv/bin/python bench/bench_solve.py [--made N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analyzer.model import Block, Document, ReportMeta  # noqa: E402
from analyzer.tables import extract as E  # noqa: E402
from analyzer.tables import schema, solve as S  # noqa: E402

META = ReportMeta(title=None, agency=None, level=None, year=2021, template="2021")


def collect(texts: list[str]) -> list[S.Problem]:
    problems: list[S.Problem] = []
    real = E.solve

    def keep(p: S.Problem) -> S.Solution:
        problems.append(p)
        return real(p)

    E.solve = keep
    try:
        for text in texts:
            doc = Document(source=Path("x.txt"), format="txt", blocks=(Block("paragraph", text, line=1),))
            E.extract_tables(doc, {}, META)
    finally:
        E.solve = real
    return problems


def flat_text(app: dict) -> str:
    from bench import truth_schema as ts

    parts = ["三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    for key, label_parts in ts.app_rows("2021"):
        parts.append("".join(label_parts) + "".join(str(app[key][c]) for c in ts.APPLICANTS))
    return "".join(parts) + "五、存在的主要问题及改进情况"


def variant_texts() -> list[str]:
    from bench import variants as V

    out = []
    for v in V.generate(["flattened", "damage"]):
        if v.suffix == ".txt" and "-flat" in v.name or v.family == "flattened":
            out.append(v.data.decode("utf-8"))
    return out


def made_texts(n: int) -> list[str]:
    from bench import variants as V

    return [flat_text(V.made_applications(random.Random(i))) for i in range(n)]


def usable(p: S.Problem) -> list[S.Sum]:
    return [s for s in p.sums if {r for r, _, _ in s.terms} <= p.domains.keys()
            and S._satisfiable(s, p.domains) is not False]


def by_cpsat(p: S.Problem):
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    pick = {r: [m.NewBoolVar(f"{r}{i}") for i in range(len(d))] for r, d in p.domains.items()}
    for r, bs in pick.items():
        m.AddExactlyOne(bs)
    for s in usable(p):
        terms, open_ = [], False
        for r in dict.fromkeys(t[0] for t in s.terms):
            vals = [S._contribution(s, r, c) for c in p.domains[r]]
            if None in vals:
                open_ = True
                break
            terms += [(int(round(v)), b) for v, b in zip(vals, pick[r]) if v]
        if not open_:
            m.Add(sum(v * b for v, b in terms) == 0)
    seen: set = set()

    class Cb(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            seen.update((r, i) for r, bs in pick.items() for i, b in enumerate(bs) if self.Value(b))
            if len(seen) > 100_000:
                self.StopSearch()

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.Solve(m, Cb())
    return seen


def by_constraint(p: S.Problem):
    import constraint

    prob = constraint.Problem()
    for r, d in p.domains.items():
        prob.addVariable(r, list(range(len(d))))
    for s in usable(p):
        rows = list(dict.fromkeys(t[0] for t in s.terms))

        def ok(*idx, s=s, rows=rows):
            vals = [S._contribution(s, r, p.domains[r][i]) for r, i in zip(rows, idx)]
            return None in vals or abs(sum(vals)) < 1e-6
        prob.addConstraint(constraint.FunctionConstraint(ok), rows)
    seen = set()
    for n, sol in enumerate(prob.getSolutionIter()):
        seen.update(sol.items())
        if n > 10_000:
            break
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--made", type=int, default=300, help="made tables besides the variants")
    args = ap.parse_args()
    problems = collect(variant_texts() + made_texts(args.made))
    hard = [p for p in problems if sum(len(d) > 1 for d in p.domains.values()) >= 2]
    print(f"{len(problems)} tables of 三, {len(hard)} with two or more rows that split several ways")
    methods = [("search", S.solve)]
    t0 = time.perf_counter()
    try:
        from ortools.sat.python import cp_model  # noqa: F401
        methods.append((f"cp-sat (import {time.perf_counter() - t0:.2f} s)", by_cpsat))
    except ImportError:
        print("(ortools absent: skipped)")
    try:
        import constraint  # noqa: F401
        methods.append(("python-constraint", by_constraint))
    except ImportError:
        print("(python-constraint absent: skipped)")
    for name, fn in methods:
        times = []
        for p in hard:
            t = time.perf_counter()
            fn(p)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"  {name:32s} median {statistics.median(times):7.2f} ms   p95 {times[int(len(times) * .95)]:7.2f} ms"
              f"   max {times[-1]:8.2f} ms   total {sum(times) / 1000:6.2f} s")


if __name__ == "__main__":
    main()
