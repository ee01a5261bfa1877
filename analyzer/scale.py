"""A run of any size in bounded memory: results streamed to disk, run-level stages from there.

``pipeline.analyze_run`` keeps every report of a run in memory, because the
run-level stages (``pipeline.finish_run``) look at all of them: the same
agency's previous year (``linking``), text shared by several agencies
(``narrative.cross_report``), then the score. At 100,000 reports that is tens
of gigabytes. :func:`analyze_to` does the same work in three passes whose
memory does not grow with the run:

1. **Per file** (any engine of :mod:`analyzer.runner`, results as they finish):
   each :class:`ReportResult` is pickled into a spill file; its agency, year and
   statements go to Parquet part files (``Spill``).
2. **Run level, from the spill, with DuckDB**: the links to last year's
   report (:func:`link_years_spill`: ``linking.link_years`` from one small row
   per report, the reports read back only where candidates compete) and the statements shared with at least ``MIN_AGENCIES`` other agencies
   (:func:`shared_statements`: exactly ``narrative.neardup.shared_groups`` up to
   ``IN_MEMORY_STATEMENTS`` statements, the persisted MinHash index of
   :mod:`analyzer.output.neardup_index` above).
3. **Per report, in source order**: the report and its previous one are read
   back, the shared statements marked, and ``pipeline.finish_run`` finishes the
   pair exactly as it finishes a whole run (continuity, carry-over, boilerplate
   findings, ids, score). The finished report goes to the outputs.

Up to ``WHOLE_RUN_LIMIT`` reports, the finished reports are then handed to
``output.run.write_run`` as a whole, so the output tree is byte-identical to
``write_run(analyze_run(...))`` (``tests/test_scale.py``). Above it, the
outputs that need the whole run in memory (the ranking workbook, ``index.html``,
the review comments) are left out: each report's JSON, ``summary.csv``,
``failures.csv`` and the store are written as the reports finish, and
``ranking.csv`` comes from the store's ``ranking`` query.
"""

from __future__ import annotations

import csv
import io
import json
import pickle
import re
import shutil
import zlib
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

from analyzer import runner
from analyzer.config import Settings, resolve
from analyzer.linking import YearLinks, agency_key, resolve_candidates, year_candidates
from analyzer.model import Failure, ReportResult, RunResult
from analyzer.narrative import neardup
from analyzer.narrative.analyze import MIN_AGENCIES, SHARED_EVIDENCE
from analyzer.pipeline import _analyze_in_worker, finish_run

WHOLE_RUN_LIMIT = 5_000  # reports: up to here the whole-run outputs are written, as by write_run
IN_MEMORY_STATEMENTS = 50_000  # up to here shared statements are found exactly as cross_report finds them
BATCH = 10_000
SPILL = ".analyzer-spill"  # under the output folder while a run lasts


# ---------------------------------------------------------------- pass 1: the spill


class Spill:
    """Pickled results appended to one file, and Parquet rows about them for DuckDB."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.folder / "results.bin", "a+b")
        self._rows: dict[str, list[dict]] = {"index": [], "statements": []}
        self._parts = {"index": 0, "statements": 0}
        self.statements = 0
        self.reports = 0

    def put(self, result: ReportResult) -> tuple[int, int]:
        """Append a result; returns where it lies (offset, length)."""
        data = zlib.compress(pickle.dumps(result, protocol=5), 1)
        self._fh.seek(0, 2)
        offset = self._fh.tell()
        self._fh.write(data)
        return offset, len(data)

    def get(self, offset: int, length: int) -> ReportResult:
        self._fh.seek(offset)
        return pickle.loads(zlib.decompress(self._fh.read(length)))

    def add(self, result: ReportResult) -> None:
        """Spill a report of pass 1, with the facts the run-level stages query."""
        offset, length = self.put(result)
        self.reports += 1
        self._add("index", [{
            "source": result.source, "agency": result.meta.agency, "agency_key": agency_key(result.meta.agency),
            "year": result.meta.year, "grp": result.meta.agency or result.source, "offset": offset, "length": length,
        }])
        if result.narrative is not None:
            rows = [{"source": result.source, "idx": i, "grp": result.meta.agency or result.source, "text": s.text}
                    for i, s in enumerate(result.narrative.statements)]
            self.statements += len(rows)
            self._add("statements", rows)

    def _add(self, table: str, rows: list[dict]) -> None:
        self._rows[table].extend(rows)
        if len(self._rows[table]) >= BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"source": pa.string(), "agency": pa.string(), "agency_key": pa.string(), "year": pa.int32(), "grp": pa.string(),
                 "offset": pa.int64(), "length": pa.int64(), "idx": pa.int32(), "text": pa.string()}
        rows = self._rows[table]
        names = ["source", "agency", "agency_key", "year", "grp", "offset", "length"] if table == "index" else ["source", "idx", "grp", "text"]
        data = pa.Table.from_pylist(rows, schema=pa.schema([(n, types[n]) for n in names]))
        folder = self.folder / table
        folder.mkdir(exist_ok=True)
        pq.write_table(data, folder / f"{self._parts[table]:05d}.parquet")
        self._parts[table] += 1
        self._rows[table] = []

    def close_pass(self) -> None:
        """Flush what is buffered (every table gets a part file, empty or not)."""
        for table in self._rows:
            if self._rows[table] or not self._parts[table]:
                self._flush(table)
        self._fh.flush()

    def glob(self, table: str) -> str:
        return str((self.folder / table).resolve() / "*.parquet").replace("'", "''")

    def close(self) -> None:
        self._fh.close()


# ---------------------------------------------------------------- pass 2: run level


def link_years_spill(con, spill: Spill, index: str = "idx") -> dict[str, tuple[str, ...]]:
    """Table ``links(source, prev)``: ``linking.link_years`` over the spilled reports; returns the competing candidates.

    The candidates come from the keys alone (``linking.year_candidates``, one
    small row per report); only a report with several candidates has them read
    back from the spill, to merge readings of one report as ``link_years`` does.
    """
    import pyarrow as pa

    rows = con.execute(f'SELECT source, agency_key, year, "offset", length FROM {index}').fetchall()
    where = {source: (offset, length) for source, _, _, offset, length in rows}
    found = year_candidates((source, key, year) for source, key, year, _, _ in rows)
    links = {src: cands[0] for src, cands in found.items() if len(cands) == 1}
    competing: dict[str, tuple[str, ...]] = {}
    for src, cands in found.items():
        if len(cands) > 1:  # one report at a time: memory holds its candidates only
            resolved = resolve_candidates({src: [spill.get(*where[c]) for c in cands]})
            if src in resolved.previous:
                links[src] = resolved.previous[src].source
            else:
                competing[src] = tuple(c.source for c in resolved.competing[src])
    con.register("links_rows", pa.table({"source": list(links), "prev": list(links.values())},
                                        schema=pa.schema([("source", pa.string()), ("prev", pa.string())])))
    con.execute("CREATE OR REPLACE TEMP TABLE links AS SELECT * FROM links_rows")
    con.unregister("links_rows")
    return competing


def shared_statements(con, spill: Spill, store: Path, *, limit: int = IN_MEMORY_STATEMENTS) -> None:
    """Table ``shared(source, idx)``: statements near-duplicated in at least ``MIN_AGENCIES`` other agencies' reports."""
    import pyarrow as pa

    con.execute("CREATE OR REPLACE TEMP TABLE shared (source VARCHAR, idx INTEGER)")
    if spill.statements <= limit:
        # Exactly narrative.cross_report's search: the same items in the same order.
        rows = con.execute("SELECT source, idx, grp, text FROM stmts ORDER BY source, idx").fetchall()
        items = [neardup.Item(grp, text) for _, _, grp, text in rows]
        groups = neardup.shared_groups(items, cap=MIN_AGENCIES)
        hit = [(s, i) for (s, i, _, _), g in zip(rows, groups) if len(g) >= MIN_AGENCIES]
        if hit:
            con.register("hit", pa.table({"source": [s for s, _ in hit], "idx": [i for _, i in hit]}))
            con.execute("INSERT INTO shared SELECT source, idx FROM hit")
        return
    from analyzer.output import neardup_index

    neardup_index.update_index(store, statements=spill.folder / "statements")
    neardup_index.index_views(con, store)
    con.execute(f"""
        INSERT INTO shared
        WITH occ AS (SELECT s.source, s.idx, s.grp, t.node FROM stmts s JOIN idx_texts t ON t.text_key = md5(s.text)
                     JOIN idx_nodes n ON n.node = t.node WHERE n.shingles >= {neardup.MIN_SHINGLES}),
        ng AS (SELECT DISTINCT node, grp FROM occ),
        size AS (SELECT node, count(*) AS groups FROM ng GROUP BY node),
        edges AS (SELECT a AS node, b AS other FROM idx_pairs UNION ALL SELECT b, a FROM idx_pairs),
        near AS (SELECT e.node, e.other FROM edges e SEMI JOIN size s ON s.node = e.node JOIN size o ON o.node = e.other),
        reach AS (
            SELECT node, grp FROM ng
            UNION SELECT n.node, g.grp FROM near n JOIN ng g ON g.node = n.other JOIN size o ON o.node = n.other
                  WHERE o.groups <= {MIN_AGENCIES}
        ),
        wide AS (  -- a node with a neighbour used by more agencies than needed is shared whatever else
            SELECT DISTINCT n.node FROM near n JOIN size o ON o.node = n.other WHERE o.groups > {MIN_AGENCIES}
        ),
        counted AS (SELECT node, count(*) AS groups FROM reach GROUP BY node)
        SELECT o.source, o.idx FROM occ o LEFT JOIN counted c USING (node)
        WHERE c.groups - 1 >= {MIN_AGENCIES} OR o.node IN (SELECT node FROM wide)
    """)


# ---------------------------------------------------------------- pass 3: finishing


def finish_one(result: ReportResult, shared: Iterable[int], previous: ReportResult | None, score_config=None,
               competing: Iterable[ReportResult] = ()) -> ReportResult:
    """One report as ``pipeline.finish_run`` finishes it in its whole run, given the run-level facts.

    ``shared``: positions of its statements shared with enough other agencies
    (``cross_report`` marks them boilerplate); ``previous``: the report it is
    linked to, unfinished, as ``finish_run`` sees it; ``competing``: the reports
    that competed for that link, when none was linked. The pair is finished by
    ``finish_run`` itself with those links: two reports share no statement across
    ``MIN_AGENCIES`` agencies, so the run-level search adds nothing there.
    """
    shared = set(shared)
    if shared and result.narrative is not None:
        stmts = tuple(
            replace(s, boilerplate=True, boilerplate_evidence=SHARED_EVIDENCE) if i in shared and not s.boilerplate else s
            for i, s in enumerate(result.narrative.statements)
        )
        # The share stays the one before the run level: cross_report compares against it.
        result = replace(result, narrative=replace(result.narrative, statements=stmts))
    competing = tuple(competing)
    links = YearLinks(previous={result.source: previous} if previous is not None else {},
                      competing={result.source: competing} if competing else {})
    pair = [result] + ([previous] if previous is not None else [])
    finished = finish_run(RunResult(results=pair), score_config, links)
    return next(r for r in finished.results if r.source == result.source)


@dataclass(frozen=True)
class Finished:
    """A finished report with the unfinished reports its year link names."""

    report: ReportResult
    previous: ReportResult | None
    competing: tuple[ReportResult, ...]

    def run(self) -> RunResult:
        """The report as a run of one with its link, for ``output.run``'s writers."""
        src = self.report.source
        return RunResult(results=[self.report],
                         previous={src: self.previous.source} if self.previous is not None else {},
                         competing={src: tuple(c.source for c in self.competing)} if self.competing else {})


def _finished(con, spill: Spill, competing: dict[str, tuple[str, ...]], score_config) -> Iterator[Finished]:
    """Every report finished, in source order, with the reports of its year link."""
    cur = con.execute("""
        SELECT i.source, i."offset", i.length, p."offset", p.length, p.source,
               (SELECT list(idx) FROM shared s WHERE s.source = i.source) AS shared
        FROM idx i LEFT JOIN links l USING (source) LEFT JOIN idx p ON p.source = l.prev
        ORDER BY i.source
    """)
    where: dict[str, tuple[int, int]] = {}
    if competing:
        where = {src: (off, ln) for src, off, ln in con.execute('SELECT source, "offset", length FROM idx').fetchall()}
    while rows := cur.fetchmany(1000):
        for src, off, ln, poff, pln, psrc, shared in rows:
            result = spill.get(off, ln)
            previous = spill.get(poff, pln) if psrc is not None else None
            rivals = tuple(spill.get(*where[c]) for c in competing.get(src, ()))
            yield Finished(finish_one(result, shared or (), previous, score_config, rivals), previous, rivals)


# ---------------------------------------------------------------- the run


@dataclass
class Outcome:
    """What a streamed run did: counts, and the whole-run result when it was small enough to keep."""

    reports: int
    failures: list[Failure]
    written: str
    run: RunResult | None = None
    timings: dict[str, float] | None = None


def analyze_to(
    paths: Iterable[str | Path], settings: Settings | dict | None = None, *, out_dir: Path,
    engine: runner.Engine | None = None, workers: int = 1, score_config=None,
    progress: Callable[[str], None] | None = None, whole_run_limit: int = WHOLE_RUN_LIMIT, reviewer: str | None = None,
) -> Outcome:
    """Analyse every report under ``paths`` into ``out_dir`` (everything ``analyze`` writes), in bounded memory.

    ``reviewer`` signs the review comments (``output.run.write_run``).
    """
    settings = resolve(settings)
    files = runner.collect_paths(paths)
    runner.warm_up(readers=len(files) > 1)
    engine = engine or runner.LocalEngine(workers)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out_dir / SPILL, ignore_errors=True)  # what an interrupted run left
    spill = Spill(out_dir / SPILL)
    try:
        failures = []
        for _, outcome in runner.iter_files(_analyze_in_worker, files, settings, engine=engine, progress=progress):
            if isinstance(outcome, ReportResult):
                spill.add(outcome)
            else:
                failures.append(outcome)
        return finish_spill(spill, failures, out_dir, score_config, whole_run_limit=whole_run_limit, reviewer=reviewer,
                            workers=workers)
    finally:
        spill.close()
        shutil.rmtree(spill.folder, ignore_errors=True)


def finish_spill(spill: Spill, failures: list[Failure], out_dir: Path, score_config=None, *,
                 whole_run_limit: int = WHOLE_RUN_LIMIT, timings: dict[str, float] | None = None,
                 store_only: bool = False, reviewer: str | None = None, workers: int = 1) -> Outcome:
    """Passes 2 and 3 over a filled spill: the run-level stages, then every output.

    ``store_only`` (above ``whole_run_limit``): the store and ranking.csv, no per-report JSON or summary.csv.
    ``workers``: processes that write the outputs of a whole run (``runner.run_in_forks``).
    """
    import time

    from analyzer.output.store import duckdb_connection

    timings = {} if timings is None else timings
    spill.close_pass()
    failures = sorted(failures, key=lambda f: f.source)
    con = duckdb_connection(temp=spill.folder / "duckdb")
    con.execute(f"CREATE VIEW idx AS SELECT * FROM read_parquet('{spill.glob('index')}')")
    con.execute(f"CREATE VIEW stmts AS SELECT * FROM read_parquet('{spill.glob('statements')}')")
    mark = time.perf_counter()
    competing = link_years_spill(con, spill)
    timings["linking_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    shared_statements(con, spill, out_dir / "store")
    timings["near_duplicates_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    try:
        if spill.reports <= whole_run_limit:
            from analyzer.output.run import write_run

            results, previous = [], {}
            for done in _finished(con, spill, competing, score_config):
                results.append(done.report)
                if done.previous is not None:
                    previous[done.report.source] = done.previous.source
            timings["finishing_s"] = time.perf_counter() - mark
            con.close()  # before the outputs' worker processes fork: no DuckDB threads to copy
            run = RunResult(results=results, failures=failures, previous=previous, competing=competing)
            written = write_run(run, out_dir, score_config, reviewer, each=partial(runner.run_in_forks, workers=workers))
            timings["outputs_s"] = time.perf_counter() - mark - timings["finishing_s"]
            return Outcome(len(results), failures, written, run, timings)
        written = _write_streaming(con, spill, competing, failures, out_dir, score_config, store_only)
        timings["finishing_and_outputs_s"] = time.perf_counter() - mark
        return Outcome(spill.reports, failures, written, None, timings)
    finally:
        con.close()


def _write_streaming(con, spill: Spill, competing: dict[str, tuple[str, ...]], failures: list[Failure], out_dir: Path,
                     score_config, store_only: bool = False) -> str:
    """Each report's JSON, summary.csv, failures.csv and the store as reports finish; ranking.csv from the store."""
    from analyzer.output.ids import report_ids
    from analyzer.output.run import SUMMARY_COLUMNS, linked_report, summary_rows, write_csv
    from analyzer.output.store import StoreWriter, content_hash, file_size, report_id_of, run_id_of, write_ranking_csv

    sources = [s for (s,) in con.execute("SELECT source FROM idx ORDER BY source").fetchall()]
    ids = report_ids([_Named(s) for s in sources])
    hashes = {s: content_hash(s) for s in sources + [f.source for f in failures]}
    from analyzer.scoring import resolve_config

    config = resolve_config(score_config).label  # what every Score.config holds, as write_store reads it
    run_id = run_id_of(hashes.values(), config)
    summary = io.StringIO()
    writer = csv.DictWriter(summary, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    with StoreWriter(out_dir / "store", run_id) as store:
        for done in _finished(con, spill, competing, score_config):
            r = done.report
            prev = done.previous.source if done.previous is not None else None
            if not store_only:
                data = r.to_dict()
                data["report_id"] = ids[r.source]
                linked = [r] + ([done.previous] if done.previous is not None else []) + list(done.competing)
                data.update(linked_report(done.run(), r.source, ids, {x.source: x for x in linked}))
                (out_dir / f"{ids[r.source]}.json").write_text(
                    json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
                writer.writerows(summary_rows(RunResult(results=[r]), ids))
            store.add_report(r, file_id=ids[r.source], sha256=hashes[r.source], size=file_size(r.source),
                             previous_id=report_id_of(hashes.get(prev), prev) if prev else None, previous_source=prev)
        for f in failures:
            store.add_failure(f, sha256=hashes[f.source], size=file_size(f.source))
        store.close(config)
    write_ranking_csv(out_dir, run_id)
    if store_only:
        return f"store/、ranking.csv（{len(sources)} 份报告）"
    (out_dir / "summary.csv").write_text("\ufeff" + summary.getvalue(), encoding="utf-8")
    write_csv(out_dir / "failures.csv", ["source", "error"], [{"source": f.source, "error": f.error} for f in failures])
    return (f"{len(sources)} 份报告 JSON、summary.csv、failures.csv、ranking.csv、store/"
            f"（超过{WHOLE_RUN_LIMIT}份，未生成 ranking.xlsx、index.html 与评审意见）")


@dataclass(frozen=True)
class _Named:
    source: str
