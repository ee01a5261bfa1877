"""The store and the run-level stages alone, on up to 100,000 synthetic reports: is memory flat?

Reading 100,000 files does not fit a session on this machine, so this bench
analyses the shipped corpus and the real reports of ../shared/corpus-real once
(the per-file stages only, as ``analyze`` does in its workers), then makes N
per-report results by varying them: a new agency name (written into its
statements too, so that agency-specific sentences differ), a year (each agency
reports five years running), a few table cells and figures in the text
changed. The names are made-up places of three syllables and a unit (县, 区,
镇, 乡, 街道) with a government or a department (``agency_name``), places that
linking accepts (``linking.linkable``), so that, as in a real corpus where
every county reports every year, four reports in five link to their agency's
report of the year before (printed as ``linked``): pass 3 reads that report
back and runs the continuity and carry-over checks on the pair. (The names of
before, ``东西123镇``, never linked: pass 3 read back no previous report.)
They go through what ``analyze`` does after the per-file
stages (``analyzer.scale``):

- pass 1: the spill (pickles + Parquet facts), as the results arrive;
- pass 2: links to last year's report in DuckDB, statements shared across
  agencies (the persisted MinHash index above 50,000 statements);
- pass 3: each report finished (continuity, carry-over, boilerplate, score)
  and written to the store; ranking.csv from the store.

Each N runs in a fresh process; peak memory is that process's ``ru_maxrss``.
``--trace`` also samples its RSS every 0.2 s with the analyzer function the
main thread is in, and prints the peak of each stage: which one reaches the
process's peak, and which grows with N.

    .venv/bin/python bench/bench_store.py                  # 10,000 and 100,000
    .venv/bin/python bench/bench_store.py --n 2000,10000 --trace
"""

from __future__ import annotations

import argparse
import os
import json
import pickle
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
def _code_key() -> str:
    """A digest of the analyzer's code and models: cached results of other code are not reused."""
    import hashlib

    h = hashlib.sha256()
    for f in sorted((ROOT / "analyzer").rglob("*.py")) + sorted((ROOT / "models").glob("*")):
        if f.is_file():
            h.update(f.relative_to(ROOT).as_posix().encode() + f.read_bytes())
    return h.hexdigest()[:16]


BASES = Path(tempfile.gettempdir()) / f"analyzer-bench-store-bases-{_code_key()}.pkl"
# Syllables of the made-up place names: none is a unit word (市, 县, 州 …), none makes a word that
# ``agency.place_chain`` refuses as a place (和, 中心, 人民 …), and three of them followed by a unit are a
# place that ``linking.linkable`` accepts (tests/test_bench_store.py checks every name of 100,000 reports).
SYLLABLES = "东西南北上下新安平兴华宁康泰丰永昌顺义德信明清远"
UNITS = ("镇", "乡", "街道", "县", "区")
LEVEL_OF = {"镇": "township", "乡": "township", "街道": "township", "县": "county", "区": "county"}
# A county or district reports as its government and as some of its departments; a town as its government.
DEPARTMENTS = {"镇": ("人民政府",), "乡": ("人民政府",), "街道": ("办事处",),
               "县": ("人民政府", "财政局", "教育局", "民政局", "卫生健康委员会"),
               "区": ("人民政府", "财政局", "教育局", "民政局", "卫生健康委员会")}
NUMBER = re.compile(r"(?<![\d.])\d{1,4}(?![\d.])")


def bases() -> list:
    """The per-file results of the corpus and the real reports (cached between runs of the bench)."""
    if BASES.exists():
        return pickle.loads(BASES.read_bytes())
    from bench_run import sources

    from analyzer import runner
    from analyzer.config import Settings
    from analyzer.model import ReportResult
    from analyzer.pipeline import _analyze_in_worker

    runner.warm_up()
    outcomes = runner.run_files(_analyze_in_worker, sources(), Settings(), workers=2)
    results = [o for o in outcomes if isinstance(o, ReportResult) and o.narrative is not None]
    BASES.write_bytes(pickle.dumps(results))
    return results


def agency_name(agency_no: int, n_agencies: int) -> tuple[str, str, str]:
    """The made-up agency ``agency_no`` of ``n_agencies``: its place, its full name and level; each agency its own name.

    Place names have one length for the whole run (three syllables, more when
    the run needs them), so no agency's name ends another's (``linking.same_agency``
    would then pair them as one agency named with and without its parent place).
    """
    unit = UNITS[agency_no % len(UNITS)]
    departments = DEPARTMENTS[unit]
    rest = agency_no // len(UNITS)
    place_no, department = rest // len(departments), departments[rest % len(departments)]
    width = 3
    while len(SYLLABLES) ** width * len(UNITS) < n_agencies:
        width += 1
    syllables = [SYLLABLES[place_no // len(SYLLABLES) ** k % len(SYLLABLES)] for k in range(width)]
    place = "".join(syllables) + unit
    return place, place + department, LEVEL_OF[unit]


def vary(base, i: int, n_agencies: int, rng: random.Random):
    """A new report made from a real one: another agency, another year, a few numbers changed.

    Agency ``i % n_agencies`` reports the years 2019 on, one a ``n_agencies``
    reports, so that a run of five times ``n_agencies`` reports links four
    fifths of them to the agency's report of the year before.
    """
    agency_no = i % n_agencies
    year = 2019 + i // n_agencies % 6
    place, agency, level = agency_name(agency_no, n_agencies)
    old = base.meta.agency or ""
    core = old.replace("人民政府", "")

    def text(t: str) -> str:
        if core and len(core) >= 2:
            t = t.replace(core, place)
        if rng.random() < 0.15:
            t = NUMBER.sub(lambda m: str(int(m.group(0)) + rng.randint(0, 9)), t, count=1)
        return t

    stmts = tuple(replace(s, text=text(s.text)) for s in base.narrative.statements)
    values = {t: {r: dict(cols) for r, cols in rows.items()} for t, rows in base.tables.values.items()} if base.tables else {}
    for rows in values.values():
        for cols in rows.values():
            for col, v in cols.items():
                if isinstance(v, int) and rng.random() < 0.05:
                    cols[col] = max(0, v + rng.choice((-1, 1, 2)))
    tables = replace(base.tables, values=values) if base.tables else None
    meta = replace(base.meta, agency=agency, year=year, level=level,
                   title=f"{agency}{year}年政府信息公开工作年度报告")
    return replace(base, source=f"synthetic/{year}/{agency_no:06d}_{i:06d}.{base.format}", meta=meta,
                   narrative=replace(base.narrative, statements=stmts), tables=tables)


class StageTrace:
    """RSS sampled every ``every`` seconds on a thread, each sample filed under the stage the main thread is in.

    A stage is the chain of ``analyzer`` functions on the main thread's stack
    below ``scale.finish_spill`` (outermost first), so no stage has to be named
    in the code it measures. Each sample also has the bytes pyarrow holds and
    the memory of the DuckDB connections opened by ``store.duckdb_connection``
    (read through a cursor of each: a connection of its own, safe on this thread).
    """

    def __init__(self, every: float = 0.2):
        self.every = every
        self.samples: list[tuple[float, float, float, float, str]] = []  # seconds, RSS, Arrow, DuckDB MB, stage
        self._duckdb: list = []
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "StageTrace":
        from analyzer.output import store

        opened = store.duckdb_connection

        def watched(*args, **kwargs):
            con = opened(*args, **kwargs)
            self._duckdb.append(con.cursor())
            return con

        self._restore = lambda: setattr(store, "duckdb_connection", opened)
        store.duckdb_connection = watched
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._restore()

    def duckdb_mb(self) -> float:
        total = 0
        for cur in list(self._duckdb):
            try:
                total += cur.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()").fetchone()[0]
            except Exception:  # closed with its connection
                self._duckdb.remove(cur)
        return total / 2**20

    def stage(self) -> str:
        frame = sys._current_frames().get(self._main)
        names = []
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if module.startswith("analyzer"):
                names.append(f"{module.rsplit('.', 1)[-1]}.{frame.f_code.co_name}")
            frame = frame.f_back
        names.reverse()
        if "scale.finish_spill" in names:
            return " > ".join(names[names.index("scale.finish_spill") + 1:]) or "scale.finish_spill"
        return "pass 1: " + " > ".join(names) if names else "bench"

    def _run(self) -> None:
        import pyarrow as pa

        page = os.sysconf("SC_PAGE_SIZE")
        t0 = time.perf_counter()
        while not self._stop.wait(self.every):
            with open("/proc/self/statm") as fh:
                rss = int(fh.read().split()[1]) * page / 2**20
            self.samples.append((time.perf_counter() - t0, rss, pa.total_allocated_bytes() / 2**20, self.duckdb_mb(),
                                 self.stage()))

    def peaks(self, depth: int = 2) -> dict[str, tuple[float, float, float, float]]:
        """Per stage (its first ``depth`` functions), in order of first sample: RSS when entered, peak RSS, Arrow, DuckDB."""
        out: dict[str, tuple[float, float, float, float]] = {}
        for _, rss, arrow, duck, name in self.samples:
            key = " > ".join(name.split(" > ")[:depth])
            first, top, top_arrow, top_duck = out.get(key, (rss, 0.0, 0.0, 0.0))
            out[key] = (first, max(top, rss), max(top_arrow, arrow), max(top_duck, duck))
        return out

    def write(self, path: Path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("seconds\trss_mb\tarrow_mb\tduckdb_mb\tstage\n")
            fh.writelines(f"{t:.1f}\t{r:.1f}\t{a:.1f}\t{d:.1f}\t{name}\n" for t, r, a, d, name in self.samples)


def run_once(n: int, trace: StageTrace | None = None) -> dict:
    """Feed n synthetic results through the spill, the run-level stages and the store, in this process."""
    from analyzer import scale

    rng = random.Random(n)
    base = bases()
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    spill = scale.Spill(work / "spill")
    t0 = time.perf_counter()
    for i in range(n):
        spill.add(vary(base[i % len(base)], i, max(1, n // 5), rng))
    t1 = time.perf_counter()
    timings: dict[str, float] = {}
    scale.finish_spill(spill, [], work, whole_run_limit=0, timings=timings, store_only=True)
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the count below reads the store
    spill.close()
    linked = _linked(work / "store")
    spill_mb = sum(p.stat().st_size for p in spill.folder.rglob("*") if p.is_file()) / 2**20
    store_mb = sum(p.stat().st_size for p in (work / "store").rglob("*") if p.is_file()) / 2**20
    index_mb = sum(p.stat().st_size for p in (work / "store" / "neardup").rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(work, ignore_errors=True)
    return {
        "reports": n,
        "statements": spill.statements,
        "pass1_spill_s": round(t1 - t0, 1),
        "linking_s": round(timings["linking_s"], 1),
        "near_duplicates_s": round(timings["near_duplicates_s"], 1),
        "finish_store_ranking_s": round(timings["finishing_and_outputs_s"], 1),
        "run_level_total_s": round(t2 - t1, 1),
        "spill_mb": round(spill_mb, 1),
        "store_mb": round(store_mb, 1),
        "of_which_index_mb": round(index_mb, 1),
        "linked": linked,
        "peak_mb": round(peak_mb, 1),
        **({"stages_mb": {k: [round(x, 1) for x in v] for k, v in trace.peaks().items()}} if trace else {}),
    }


def _linked(store: Path) -> str:
    """How many reports of the store got their agency's report of the year before, and their share."""
    import duckdb

    reports = str(store.resolve() / "reports" / "*.parquet").replace("'", "''")
    n, linked = duckdb.connect().execute(
        f"SELECT count(*), count(previous_report_id) FROM read_parquet('{reports}')").fetchone()
    return f"{linked}/{n} ({linked / max(n, 1):.0%})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", default="10000,100000", help="comma-separated numbers of synthetic reports")
    ap.add_argument("--trace", action="store_true", help="print the peak RSS of each stage (sampled every 0.2 s)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        if args.trace:
            with StageTrace() as trace:
                row = run_once(args.one, trace)
            series = Path(tempfile.gettempdir()) / f"bench-store-trace-{args.one}.tsv"
            trace.write(series)
            row["trace"] = str(series)
        else:
            row = run_once(args.one)
        print(json.dumps(row, ensure_ascii=False))
        return 0
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared)", flush=True)
    print(f"bases: {len(bases())} per-file results of corpus/ and ../shared/corpus-real", flush=True)
    for n in (int(x) for x in args.n.split(",")):
        done = subprocess.run([sys.executable, __file__, "--one", str(n)] + ["--trace"] * args.trace,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(done.stderr[-3000:])
        row = json.loads(done.stdout.strip().splitlines()[-1])
        stages = row.pop("stages_mb", {})
        print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
        if stages:
            print("    MB by stage: RSS entered → peak (peaks of Arrow, DuckDB)", flush=True)
        for name, (entered, peak, arrow, duck) in stages.items():
            print(f"    {entered:6.0f} → {peak:4.0f} ({arrow:3.0f}, {duck:3.0f})  {name}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
