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
import itertools
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
from analyzer.linking import YearLinks, agency_key, key_endings, linkable, resolve_candidates, same_agency
from analyzer.model import Failure, ReportResult, RunResult
from analyzer.narrative import neardup
from analyzer.narrative.analyze import MIN_AGENCIES, SHARED_EVIDENCE, is_heading
from analyzer.output.store import sql_path
from analyzer.pipeline import _analyze_in_worker, finish_run

WHOLE_RUN_LIMIT = 5_000  # reports: up to here the whole-run outputs are written, as by write_run
IN_MEMORY_STATEMENTS = 50_000  # up to here shared statements are found exactly as cross_report finds them
BATCH = 10_000
LINK_CHUNK = 10_000  # rows passed between DuckDB and Python at a time while linking years (pass 2)
# Linking's queries run on one thread: what each thread allocated stayed with the process (at 10,000
# linked reports 38 MB on two threads, 25 on one); they take a second or two either way.
LINK_THREADS = 1
# The near-duplicate index's update and the shared statements' queries on one thread: at 100,000 reports
# their peak was the run's (bench_store: pass 2 alone 282 MB on two threads, 269 on one, and faster
# on two shared cores: 209 s against 198 to 285).
NEARDUP_THREADS = 1
FINISH_RANGE = 2_000  # reports finished from one query (pass 3)
FINISH_THREADS = 1  # threads of pass 3's queries (see _range_rows)
RELEASE_EVERY = 200  # reports finished between two give-backs of freed memory (store.release_memory)
NEIGHBOURS_PER_PART = 500_000  # near-duplicate neighbours whose groups are counted in one query (pass 2)
STATEMENTS_PER_PART = 250_000  # statements whose distinct (node, group) rows are found in one query (pass 2)
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


def link_years_spill(con, spill: Spill, index: str = "idx", *, chunk: int = LINK_CHUNK) -> dict[str, tuple[str, ...]]:
    """View ``links(source, prev)``: ``linking.link_years`` over the spilled reports; returns the competing candidates.

    The candidates are ``linking.year_candidates``'s, found in DuckDB from the
    agency keys alone, one year and the year before at a time: two keys can
    name one agency when one ends the other (``linking.key_endings``), so the
    key pairs to judge are an equi-join of keys with endings, and only those
    pairs pass through Python (``linking.same_agency``), ``chunk`` at a time.
    The links and the key pairs are Parquet files under the spill: with the
    two years' rows, their offsets and the candidates as Python dicts, and
    the links as a DuckDB table, linking peaked at 214 MB for 100,000 varied
    reports against 173 for 10,000 (``bench/bench_store.py``); now at 173
    for both. Only a report with several candidates has them read back from
    the spill, to merge readings of one report as ``link_years`` does.
    """
    from analyzer.output.store import threads

    with threads(con, LINK_THREADS):
        return _link_years(con, spill, index, chunk)


def _link_years(con, spill: Spill, index: str, chunk: int) -> dict[str, tuple[str, ...]]:
    """:func:`link_years_spill` on the connection as it is set."""
    folder = spill.folder / "linking"
    shutil.rmtree(folder, ignore_errors=True)
    for sub in ("endings", "pairs", "links"):
        (folder / sub).mkdir(parents=True)
    # 1. every linkable key with its endings (itself first), once for the run
    con.execute(f"SELECT DISTINCT agency_key FROM {index} WHERE agency_key IS NOT NULL AND agency_key <> ''")
    _write_parts(folder / "endings", ("key", "ending"),
                 ((k, e) for (k,) in _fetched(con, chunk) if linkable(k) for e in key_endings(k)), chunk)
    endings = f"read_parquet('{sql_path(folder / 'endings')}/*.parquet')"
    linkable_keys = f"(SELECT key FROM {endings} WHERE ending = key)"

    def keys(year: int) -> str:  # the linkable keys of one year (year_candidates skips a year 0)
        return f"SELECT DISTINCT agency_key AS key FROM {index} WHERE year = {int(year)} AND year <> 0 AND agency_key IN {linkable_keys}"

    _write_empty(folder / "links" / "empty.parquet", ("source", "prev"))
    competing: dict[str, tuple[str, ...]] = {}
    years = [y for (y,) in con.execute(f"SELECT DISTINCT year FROM {index} WHERE year IS NOT NULL ORDER BY year").fetchall()]
    for year in (y for y in years if y and y - 1 in years):
        # 2. the key pairs that can name one agency: the earlier key ends the later one, or the reverse
        con.execute(f"""
            WITH cur AS ({keys(year)}), prev AS ({keys(year - 1)})
            SELECT c.key, p.key FROM cur c JOIN {endings} e ON e.key = c.key JOIN prev p ON p.key = e.ending
            UNION
            SELECT c.key, p.key FROM prev p JOIN {endings} e ON e.key = p.key JOIN cur c ON c.key = e.ending
        """)
        pairs = folder / "pairs" / str(year)
        pairs.mkdir()
        _write_parts(pairs, ("key", "prev"), ((c, p) for c, p in _fetched(con, chunk) if same_agency(c, p)), chunk)
        # 3. each report's candidates: one is its link; several are read back, in source order
        candidates = f"""
            SELECT s.source, b.source AS cand, b."offset", b.length
            FROM (SELECT source, agency_key FROM {index} WHERE year = {int(year)}) s
                 JOIN read_parquet('{sql_path(pairs)}/*.parquet') k ON k.key = s.agency_key
                 JOIN (SELECT source, agency_key, "offset", length FROM {index} WHERE year = {int(year) - 1}) b
                      ON b.agency_key = k.prev
        """
        counted = folder / "pairs" / f"{year}-count.parquet"
        con.execute(f"COPY (SELECT source, count(*) AS n, min(cand) AS prev FROM ({candidates}) GROUP BY source) "
                    f"TO '{sql_path(counted)}' (FORMAT parquet)")
        con.execute(f"COPY (SELECT source, prev FROM '{sql_path(counted)}' WHERE n = 1) "
                    f"TO '{sql_path(folder / 'links' / f'{year}.parquet')}' (FORMAT parquet)")
        con.execute(f"SELECT c.source, c.cand, c.\"offset\", c.length FROM ({candidates}) c "
                    f"SEMI JOIN (SELECT source FROM '{sql_path(counted)}' WHERE n > 1) m ON m.source = c.source "
                    "ORDER BY c.source, c.cand")
        _write_parts(folder / "links", ("source", "prev"), _resolve_competing(spill, competing, _fetched(con, chunk)), chunk,
                     prefix=f"{year}-resolved")
    con.execute(f"CREATE OR REPLACE TEMP VIEW links AS SELECT source, prev FROM "
                f"read_parquet('{sql_path(folder / 'links')}/*.parquet')")
    return dict(sorted(competing.items()))


def _resolve_competing(spill: Spill, competing: dict[str, tuple[str, ...]],
                       rows: Iterable[tuple]) -> Iterator[tuple[str, str]]:
    """Links of reports with several candidates (rows: source, candidate, where it lies, by source); fills ``competing``.

    The outcome depends on the candidates alone, and every copy of an agency's
    report shares them: they are read back once per set, not once per report
    (k copies a year cost k reads, not k²).
    """
    decided: dict[tuple[str, ...], tuple[str | None, tuple[str, ...]]] = {}
    for src, group in itertools.groupby(rows, key=lambda r: r[0]):
        group = list(group)
        key = tuple(cand for _, cand, _, _ in group)
        if key not in decided:  # one set at a time: memory holds its candidates only
            resolved = resolve_candidates({key: [spill.get(off, n) for _, _, off, n in group]})
            decided[key] = ((resolved.previous[key].source, ()) if key in resolved.previous
                            else (None, tuple(c.source for c in resolved.competing[key])))
        link, rivals = decided[key]
        if link is not None:
            yield src, link
        else:
            competing[src] = rivals


def _fetched(con, chunk: int) -> Iterator[tuple]:
    """The rows of ``con``'s pending query, fetched ``chunk`` at a time."""
    while rows := con.fetchmany(chunk):
        yield from rows


def _write_parts(folder: Path, names: tuple[str, ...], rows: Iterable[tuple], chunk: int, prefix: str = "") -> None:
    """Rows of strings as Parquet files of ``chunk`` rows (an empty one when there are none and no ``prefix``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from analyzer.output.neardup_index import batched

    part = 0
    for batch in batched(rows, chunk):
        columns = {n: pa.array([r[i] for r in batch], pa.string()) for i, n in enumerate(names)}
        pq.write_table(pa.table(columns), folder / f"{prefix}{part:05d}.parquet")
        part += 1
    if not part and not prefix:
        _write_empty(folder / "empty.parquet", names)


def _write_empty(path: Path, names: tuple[str, ...]) -> None:
    """A Parquet file of string columns and no rows: a folder's glob then always matches, with its columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({n: pa.array([], pa.string()) for n in names}), path)


def shared_statements(con, spill: Spill, store: Path, *, limit: int = IN_MEMORY_STATEMENTS) -> None:
    """Table ``shared(source, idx)``: statements near-duplicated in at least ``MIN_AGENCIES`` other agencies' reports."""
    import pyarrow as pa

    if spill.statements <= limit:
        con.execute("CREATE OR REPLACE TEMP TABLE shared (source VARCHAR, idx INTEGER)")
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
    from analyzer.output.store import threads

    with threads(con, NEARDUP_THREADS):
        neardup_index.update_index(store, statements=spill.folder / "statements", con=con)
        neardup_index.index_views(con, store)
        _shared_from_index(con, spill.folder)


def _shared_from_index(con, folder: Path) -> None:
    """View ``shared(source, idx)`` from the near-duplicate index, one step at a time.

    A node (a wording) is shared when the groups (agencies) using it or a
    near-duplicate of it are more than ``MIN_AGENCIES`` (``cross_report``'s
    rule). A node used by more groups than that, or near one that is, is shared
    whatever else (``wide``); for the others the groups reached through their
    neighbours are counted. Groups are numbered, and the large intermediates
    (a node's groups, its neighbours) are Parquet files under ``folder``, read
    as streams: as one query, with every node's neighbours' groups counted,
    DuckDB held millions of rows it could not spill (30,000 varied reports ran
    out of 256 MB, 100,000 out of 128 MB with the groups counted for the
    others only).
    """
    from analyzer.output.neardup_index import NODE_IDS, SLICE_BITS, id_ranges

    near, shared = (sql_path(folder / f"{name}.parquet") for name in ("near", "shared"))
    (folder / "node_groups").mkdir(exist_ok=True)
    ng = sql_path(folder / "node_groups") + "/*.parquet"
    con.execute("CREATE OR REPLACE TEMP TABLE run_groups AS "
                "SELECT grp, row_number() OVER (ORDER BY grp) AS grp_no FROM (SELECT DISTINCT grp FROM stmts)")
    # The distinct (node, group) rows one range of node ids at a time, STATEMENTS_PER_PART statements
    # a range: at once, the DISTINCT of 2 million statements' rows held DuckDB at ~90 MB.
    statements = con.execute("SELECT count(*) FROM stmts").fetchone()[0]
    step = -(-NODE_IDS // max(1, -(-statements // STATEMENTS_PER_PART)))
    for k, lo in enumerate(range(0, NODE_IDS, step)):
        con.execute(f"""
            COPY (SELECT DISTINCT t.node, g.grp_no AS grp FROM stmts s JOIN run_groups g USING (grp)
                  JOIN (SELECT * FROM idx_texts WHERE node BETWEEN {lo} AND {min(lo + step, NODE_IDS) - 1}) t
                       ON t.text_key = md5(s.text) JOIN idx_nodes n ON n.node = t.node
                  WHERE n.shingles >= {neardup.MIN_SHINGLES}) TO '{sql_path(folder / "node_groups")}/{k:05d}.parquet' (FORMAT parquet)
        """)
    con.execute(f"CREATE OR REPLACE TEMP TABLE node_sizes AS SELECT node, count(*) AS groups FROM '{ng}' GROUP BY node")
    con.execute(f"""
        COPY (SELECT e.node, e.other, o.groups
              FROM (SELECT a AS node, b AS other FROM idx_pairs UNION ALL SELECT b, a FROM idx_pairs) e
              SEMI JOIN node_sizes s ON s.node = e.node JOIN node_sizes o ON o.node = e.other) TO '{near}' (FORMAT parquet)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE wide AS
        SELECT node FROM node_sizes WHERE groups > {MIN_AGENCIES}
        UNION SELECT node FROM '{near}' WHERE groups > {MIN_AGENCIES}
    """)
    # The groups of the nodes used by at most MIN_AGENCIES: a node that is not wide is one, and so are
    # its neighbours (a few rows a node, where a stock sentence's groups are thousands).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE few_groups AS
        SELECT node, grp FROM '{ng}' WHERE node IN (SELECT node FROM node_sizes WHERE groups <= {MIN_AGENCIES})
    """)
    con.execute("CREATE OR REPLACE TEMP TABLE kept AS SELECT node FROM wide")
    # The others' groups and their neighbours' are counted one range of node ids at a time, about
    # NEIGHBOURS_PER_PART neighbours a range: 100,000 varied reports have 6 million, whose distinct
    # (node, group) rows did not fit 128 MB at once, nor 2 million of them.
    # The ranges are cut where the neighbours lie (neardup_index.id_ranges): a bucket's heads have its
    # smallest ids and thousands of neighbours, so equal ranges put most rows in the first (96 MB).
    slices = dict(con.execute(f"SELECT node >> {SLICE_BITS} AS s, count(*) FROM '{near}' GROUP BY s").fetchall())
    for lo, hi in id_ranges(slices, NEIGHBOURS_PER_PART):
        within = f"BETWEEN {lo} AND {hi}"
        con.execute(f"""
            INSERT INTO kept
            SELECT node FROM (  -- the groups of a node and of its neighbours
                SELECT node, grp FROM few_groups ANTI JOIN wide USING (node) WHERE node {within}
                UNION SELECT n.node, g.grp FROM '{near}' n ANTI JOIN wide w ON w.node = n.node
                      JOIN few_groups g ON g.node = n.other WHERE n.node {within}
            ) GROUP BY node HAVING count(*) - 1 >= {MIN_AGENCIES}
        """)
    # To a file, not a table: nearly every statement of 100,000 varied reports is shared (2 million
    # rows, 80 MB that DuckDB would hold); pass 3 reads the rows of a range of reports at a time.
    con.execute(f"""
        COPY (SELECT s.source, s.idx FROM stmts s JOIN idx_texts t ON t.text_key = md5(s.text)
              SEMI JOIN kept k ON k.node = t.node) TO '{shared}' (FORMAT parquet)
    """)
    for table in ("run_groups", "node_sizes", "wide", "few_groups", "kept"):
        con.execute(f"DROP TABLE {table}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW shared AS SELECT * FROM read_parquet('{shared}')")


# ---------------------------------------------------------------- pass 3: finishing


def finish_one(result: ReportResult, shared: Iterable[int], previous: ReportResult | None, score_config=None,
               competing: Iterable[ReportResult] = ()) -> ReportResult:
    """One report as ``pipeline.finish_run`` finishes it in its whole run, given the run-level facts.

    ``shared``: positions of its statements shared with enough other agencies
    (``cross_report`` marks them boilerplate); ``previous``: the report it is
    linked to, unfinished, as ``finish_run`` sees it; ``competing``: the reports
    that competed for that link, when none was linked. The report is finished by
    ``finish_run`` itself with those links and its previous one as the run: two
    reports share no statement across ``MIN_AGENCIES`` agencies, so the run-level
    search adds nothing there (the previous report is read, not finished: it is
    finished as a report of its own).
    """
    shared = set(shared)
    if shared and result.narrative is not None:
        stmts = tuple(
            replace(s, boilerplate=True, boilerplate_evidence=SHARED_EVIDENCE) if i in shared and not s.boilerplate and not is_heading(s) else s
            for i, s in enumerate(result.narrative.statements)
        )
        # The share stays the one before the run level: cross_report compares against it.
        result = replace(result, narrative=replace(result.narrative, statements=stmts))
    competing = tuple(competing)
    links = YearLinks(previous={result.source: previous} if previous is not None else {},
                      competing={result.source: competing} if competing else {})
    pair = [result] + ([previous] if previous is not None else [])
    [finished] = finish_run(RunResult(results=pair), score_config, links, only={result.source}).results
    return finished


@dataclass(frozen=True)
class Finished:
    """A finished report with the unfinished reports its year link names (and its file's facts, when asked)."""

    report: ReportResult
    previous: ReportResult | None
    competing: tuple[ReportResult, ...]
    file: tuple | None = None  # (file_id, sha256, duplicate_of, previous file_id, previous sha256) from ``files``

    def run(self) -> RunResult:
        """The report as a run of one with its link, for ``output.run``'s writers."""
        src = self.report.source
        return RunResult(results=[self.report],
                         previous={src: self.previous.source} if self.previous is not None else {},
                         competing={src: tuple(c.source for c in self.competing)} if self.competing else {})


def _finished(con, spill: Spill, competing: dict[str, tuple[str, ...]], score_config,
              files: bool = False) -> Iterator[Finished]:
    """Every report finished, in source order, with the reports of its year link (``files``: and table files' facts)."""
    from analyzer.output.store import release_memory

    # FINISH_RANGE reports at a time: one query over the run would have DuckDB sort and hold
    # every report's row and shared positions (what grew from 10,000 to 100,000 reports)
    bounds = [s for (s,) in con.execute(
        f"SELECT source FROM (SELECT source, row_number() OVER (ORDER BY source) AS n FROM idx) "
        f"WHERE n % {FINISH_RANGE} = 1 ORDER BY source").fetchall()]

    def ranges() -> Iterator[tuple]:
        for k, lo in enumerate(bounds):
            rows = _range_rows(con, lo, bounds[k + 1] if k + 1 < len(bounds) else None, files)
            release_memory()  # the range's query buffers, and the reports of the range before
            yield from rows

    for count, (src, off, ln, poff, pln, psrc, shared, *file) in enumerate(ranges(), 1):
        result = spill.get(off, ln)
        previous = spill.get(poff, pln) if psrc is not None else None
        rivals = ()
        if src in competing:  # rare: their places are looked up when met
            where = dict((s, (o, n)) for s, o, n in con.execute(
                'SELECT source, "offset", length FROM idx WHERE list_contains(?, source)', [list(competing[src])]).fetchall())
            rivals = tuple(spill.get(*where[c]) for c in competing[src])
        yield Finished(finish_one(result, shared or (), previous, score_config, rivals), previous, rivals,
                       tuple(file) if files else None)
        if count % RELEASE_EVERY == 0:
            release_memory()  # what the reports finished since freed: glibc keeps it otherwise


def _range_rows(con, lo: str, hi: str | None, files: bool) -> list[tuple]:
    """The reports of one range of sources (``lo`` ≤ source < ``hi``), in source order, each with where it and
    its linked report lie in the spill, its shared positions and (``files``) both files' facts.

    Each table is cut by a query of its own, without a join, and the pieces are put together here: as one
    query joining the cuts, DuckDB held a hash table of ~8 MB for each of its joins (40 MB for 2,000
    reports, whatever the run's size), and a semi-join (``IN``) of the linked reports another 8 MB: those
    are read from the span of sources they lie in and kept when named. On one thread (``FINISH_THREADS``):
    each thread decodes its own row groups of the spill's tables, and 100,000 reports have ten times those
    of 10,000.
    """
    from analyzer.output.store import threads

    within = "source >= $lo" + (" AND source < $hi" if hi is not None else "")
    args = {"lo": lo, **({"hi": hi} if hi is not None else {})}

    def named(sql: str, names: set[str]) -> dict[str, list]:
        """Rows of ``sql`` (source first) whose source is one of ``names``, read from the span of those."""
        if not names:
            return {}
        cur = con.execute(f"{sql} WHERE source BETWEEN $first AND $last", {"first": min(names), "last": max(names)})
        return {s: rest for batch in iter(lambda: cur.fetchmany(BATCH), []) for s, *rest in batch if s in names}

    with threads(con, FINISH_THREADS):
        here = con.execute(f'SELECT source, "offset", length FROM idx WHERE {within} ORDER BY source', args).fetchall()
        links = dict(con.execute(f"SELECT source, prev FROM links WHERE {within}", args).fetchall())
        prevs = set(links.values())
        previous = named('SELECT source, "offset", length FROM idx', prevs)
        shared = dict(con.execute(f"SELECT source, list(idx) FROM shared WHERE {within} GROUP BY source", args).fetchall())
        if files:
            facts = {s: rest for s, *rest in con.execute(
                f"SELECT source, file_id, sha256, duplicate_of FROM files WHERE {within}", args).fetchall()}
            prev_facts = named("SELECT source, file_id, sha256 FROM files", prevs)
    rows = []
    for src, off, ln in here:
        prev = links.get(src)
        row = (src, off, ln, *previous.get(prev, (None, None)), prev if prev in previous else None, shared.get(src))
        if files:
            row += (*facts[src], *prev_facts.get(prev, (None, None)))
        rows.append(row)
    return rows


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

    from analyzer.output.store import RUN_MEMORY, duckdb_connection, release_memory

    timings = {} if timings is None else timings
    spill.close_pass()
    failures = sorted(failures, key=lambda f: f.source)
    con = duckdb_connection(RUN_MEMORY, temp=spill.folder / "duckdb")
    con.execute(f"CREATE VIEW idx AS SELECT * FROM read_parquet('{spill.glob('index')}')")
    con.execute(f"CREATE VIEW stmts AS SELECT * FROM read_parquet('{spill.glob('statements')}')")
    mark = time.perf_counter()
    competing = link_years_spill(con, spill)
    release_memory()
    timings["linking_s"] = time.perf_counter() - mark
    mark = time.perf_counter()
    shared_statements(con, spill, out_dir / "store")
    release_memory()
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
    from analyzer.output.run import SUMMARY_COLUMNS, linked_report, summary_rows, write_csv
    from analyzer.output.store import (StoreWriter, content_hash, file_size, release_memory, report_id_of,
                                       write_ranking_csv)
    from analyzer.scoring import resolve_config

    config = resolve_config(score_config).label  # what every Score.config holds, as write_store reads it
    failure_hashes = {f.source: content_hash(f.source) for f in failures}
    run_id = _file_facts(con, spill.folder, failure_hashes, config)
    summary = None
    if not store_only:  # written as the reports finish: its text for 100,000 reports is not kept
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        summary = open(out_dir / "summary.csv", "w", encoding="utf-8", newline="")
        summary.write("\ufeff")
        writer = csv.DictWriter(summary, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
        writer.writeheader()
    try:
        with StoreWriter(out_dir / "store", run_id, track_copies=False) as store:
            for done in _finished(con, spill, competing, score_config, files=True):
                r = done.report
                file_id, sha256, first_copy, prev_id, prev_sha256 = done.file
                prev = done.previous.source if done.previous is not None else None
                if not store_only:
                    data = r.to_dict()
                    data["report_id"] = file_id
                    linked = [r] + ([done.previous] if done.previous is not None else []) + list(done.competing)
                    ids = {r.source: file_id, **({prev: prev_id} if prev else {}), **_ids_of(con, done.competing)}
                    data.update(linked_report(done.run(), r.source, ids, {x.source: x for x in linked}))
                    (out_dir / f"{file_id}.json").write_text(
                        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
                    writer.writerows(summary_rows(RunResult(results=[r]), {r.source: file_id}))
                store.add_report(r, file_id=file_id, sha256=sha256, size=file_size(r.source),
                                 previous_id=report_id_of(prev_sha256, prev) if prev else None, previous_source=prev,
                                 duplicate_of=first_copy)
            for f in failures:
                store.add_failure(f, sha256=failure_hashes[f.source], size=file_size(f.source))
            store.close(config)
    finally:
        if summary is not None:
            summary.close()
    release_memory()
    write_ranking_csv(out_dir, run_id, con)
    if store_only:
        return f"store/、ranking.csv（{spill.reports} 份报告）"
    write_csv(out_dir / "failures.csv", ["source", "error"], [{"source": f.source, "error": f.error} for f in failures])
    return (f"{spill.reports} 份报告 JSON、summary.csv、failures.csv、ranking.csv、store/"
            f"（超过{WHOLE_RUN_LIMIT}份，未生成 ranking.xlsx、index.html 与评审意见）")


def _ids_of(con, reports: Iterable[ReportResult]) -> dict[str, str]:
    """The file ids of the reports that competed for a link (rare), from table ``files``."""
    sources = [x.source for x in reports]
    if not sources:
        return {}
    return dict(con.execute("SELECT source, file_id FROM files WHERE list_contains(?, source)", [sources]).fetchall())


def _file_facts(con, folder: Path, failure_hashes: dict[str, str | None], config: str) -> str:
    """View ``files(source, file_id, sha256, duplicate_of)`` of the spilled reports (a file under ``folder``); returns the run's id.

    What ``write_store`` and ``output.ids.report_ids`` compute from lists of the
    whole run is computed here in DuckDB, so no list of 100,000 sources, ids or
    hashes stays in Python: the hashes are read in batches; an id is the file's
    stem, or its name when another file has that stem, and only the ids that can
    clash (the same name twice, or one ending like ``-2``) go through
    ``ids.unique_ids`` in source order: any other id is taken by no one else.
    A report's first copy is the first source with its ``report_id``; the run id
    hashes every hash in DuckDB's order (bytes, as Python sorts hex).
    """
    import pyarrow as pa

    from analyzer.output.ids import SUFFIXED, name_id, stem_id, unique_ids
    from analyzer.output.store import content_hash, run_id_of_sorted

    con.execute("CREATE OR REPLACE TEMP TABLE file_names (source VARCHAR, stem VARCHAR, name VARCHAR, sha256 VARCHAR)")
    names = con.cursor()
    names.execute("SELECT source FROM idx")
    while rows := names.fetchmany(BATCH):
        sources = [s for (s,) in rows]
        con.register("file_batch", pa.table({
            "source": sources, "stem": [stem_id(s) for s in sources], "name": [name_id(s) for s in sources],
            "sha256": pa.array([content_hash(s) for s in sources], pa.string())}))
        con.execute("INSERT INTO file_names SELECT source, stem, name, sha256 FROM file_batch")
        con.unregister("file_batch")
    names.close()
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE file_bases AS
        WITH b AS (SELECT source, sha256, CASE WHEN count(*) OVER (PARTITION BY stem) > 1 THEN name ELSE stem END AS base
                   FROM file_names)
        SELECT source, sha256, base, count(*) OVER (PARTITION BY base) > 1 OR regexp_matches(base, '{SUFFIXED}') AS clash
        FROM b
    """)
    clashing = con.execute("SELECT source, base FROM file_bases WHERE clash ORDER BY source").fetchall()
    con.register("clash_ids", pa.table({"source": [s for s, _ in unique_ids(clashing)] if clashing else pa.array([], pa.string()),
                                        "file_id": [i for _, i in unique_ids(clashing)] if clashing else pa.array([], pa.string())}))
    path = sql_path(folder / "files.parquet")  # a file: pass 3 reads a range of reports' rows at a time
    con.execute(f"""
        COPY (
        SELECT b.source, coalesce(c.file_id, b.base) AS file_id, b.sha256,
               CASE WHEN b.sha256 IS NOT NULL THEN nullif(min(b.source) OVER (PARTITION BY left(b.sha256, 16)), b.source)
               END AS duplicate_of
        FROM file_bases b LEFT JOIN clash_ids c USING (source)
        ) TO '{path}' (FORMAT parquet)
    """)
    con.execute(f"CREATE OR REPLACE TEMP VIEW files AS SELECT * FROM read_parquet('{path}')")
    con.unregister("clash_ids")
    con.execute("DROP TABLE file_names")
    con.execute("DROP TABLE file_bases")
    con.register("failure_hashes", pa.table({"sha256": pa.array(list(failure_hashes.values()), pa.string())}))
    hashes = con.execute("SELECT coalesce(sha256, '') AS h FROM files UNION ALL "
                         "SELECT coalesce(sha256, '') FROM failure_hashes ORDER BY h")
    run_id = run_id_of_sorted((h for batch in iter(lambda: hashes.fetchmany(BATCH), []) for (h,) in batch), config)
    con.unregister("failure_hashes")
    return run_id
