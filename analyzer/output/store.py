"""The corpus store: a run's results as a Parquet dataset, one folder a table.

``DIR/store/`` holds ``reports``, ``cells``, ``findings``, ``statements``,
``scores`` and ``runs`` (``shared/spec/contract.md``, "The corpus store";
every column is described in ``docs/STORE.md``). DuckDB, pandas or Spark read
it as it is; :func:`connect` opens it in DuckDB with one view a table.

Rows are buffered (as zstd-compressed Arrow batches past ``COLUMNAR_ROWS``) and flushed to a part file every
``batch_rows`` rows of a table, so writing holds at most one compressed batch per table in memory whatever the
size of the run. Part files are named ``<table>/<run_id>-<n>.parquet``.

Several runs share one store. A report is identified by its content:
``report_id`` is derived from the SHA-256 of the file's bytes, so the same
report analysed twice (in two runs, or twice in one run under two names) is
one row of the views. The raw part files keep every run; the views keep, per
``report_id``, the run of the newest analyzer version, then the run with more
reports (more context for the run-level checks), then the smaller ``run_id``
and source, and show the rows of the other tables from that run only.

A ``run_id`` is derived from what was analysed (the files' hashes, the
analyzer version, the score configuration): the same files analysed again
replace their own part files, and the store's bytes depend only on the inputs,
like every other output of ``analyze``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from analyzer.errors import AnalyzerError
from analyzer.labels import PART_LABELS
from analyzer.linking import agency_key
from analyzer.model import Failure, ReportResult
from analyzer.narrative.analyze import is_heading
from analyzer.output.dedupe import fingerprint
from analyzer.rules import label as rule_label
from analyzer.rules import rule as rule_of
from analyzer.tables import schema

# The package's version without importing the package root (its lazy API reaches the pipeline,
# a layer above this one); the root is always loaded before any of its modules.
__version__ = sys.modules["analyzer"].__version__

TABLES = ("reports", "cells", "findings", "statements", "scores", "runs")
# Rows of a table per part file. A part is one Parquet row group, which pyarrow writes only from a whole table, so a
# flush holds its part's rows uncompressed: 50,000 findings rows are 36.8 MB, and a run's peak grew by that much more
# from 10,000 to 100,000 reports, where the parts fill (bench_store: +18.5 % at 50,000 rows, +8.5 % at 20,000; the
# store of 100,000 reports 67 → 81 MB: smaller row groups compress less).
BATCH_ROWS = 20_000
COLUMNAR_ROWS = 2_000  # rows a table buffers as Python dicts before they become a compressed Arrow batch
PART_GLOB = "*.parquet"

# Column name → pyarrow type name, in order. docs/STORE.md describes each one
# (tests/test_store.py checks that every column is documented).
COLUMNS: dict[str, dict[str, str]] = {
    "reports": {
        "report_id": "string", "run_id": "string", "source": "string", "file_id": "string",
        "sha256": "string", "bytes": "int64", "format": "string", "status": "string",
        "error": "string", "error_kind": "string",
        "title": "string", "agency": "string", "agency_key": "string", "level": "string",
        "year": "int32", "template": "string", "published": "date32", "published_from": "string",
        "sections_present": "int16", "tables_found": "int16", "cells_read": "int32", "cells_missing": "int32",
        "findings": "int32", "errors": "int32", "warnings": "int32", "infos": "int32",
        "statements": "int32", "problems": "int32", "boilerplate_share": "float64", "copied_share": "float64",
        "applications_received": "float64", "disclosure_rate": "float64", "correction_rate": "float64",
        "score_total": "float64", "grade": "string", "score_config": "string",
        "previous_report_id": "string", "previous_source": "string", "analyzer_version": "string",
        "duplicate_of": "string", "fingerprint": "string",
    },
    "cells": {
        "report_id": "string", "run_id": "string", "table": "string", "row": "string", "column": "string",
        "value": "float64", "raw": "string", "row_label": "string", "column_label": "string",
        "page": "int32", "line": "int32", "method": "string", "remark": "string",
    },
    "findings": {
        "report_id": "string", "run_id": "string", "finding_id": "string", "rule": "string",
        "rule_label": "string", "severity": "string", "status": "string", "part": "string",
        "message": "string", "where": "string", "quote": "string", "data": "string",
    },
    "statements": {
        "report_id": "string", "run_id": "string", "section": "string", "position": "int32",
        "subpart": "string", "text": "string", "kind": "string", "probability": "float64",
        "category": "string", "category_probability": "float64", "runner_up": "string",
        "boilerplate": "bool", "carried_over": "bool", "heading": "bool",
    },
    "scores": {
        "report_id": "string", "run_id": "string", "part": "string", "label": "string", "kind": "string",
        "points": "float64", "max_points": "float64", "judged": "bool", "reason": "string",
        "rule": "string", "finding_id": "string",
    },
    "runs": {
        "run_id": "string", "analyzer_version": "string", "score_config": "string",
        "reports": "int32", "failures": "int32", "first_source": "string", "last_source": "string",
    },
}


def content_hash(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (hex), or None when it cannot be read any more."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def report_id_of(sha256: str | None, source: str) -> str:
    """The store's id of a report: its content hash, shortened (the source path when the file is gone)."""
    if sha256:
        return "R" + sha256[:16]
    return "S" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def run_id_of(hashes: Iterable[str | None], score_config: str = "") -> str:
    """A run's id from what it analysed: the same files, version and weights give the same id."""
    return run_id_of_sorted(sorted(x or "" for x in hashes), score_config)


def run_id_of_sorted(hashes: Iterable[str], score_config: str = "") -> str:
    """:func:`run_id_of` of hashes already sorted, a missing one as "" (a streamed run's, sorted by DuckDB)."""
    h = hashlib.sha256(f"{__version__}\x1f{score_config}".encode("utf-8"))
    for sha in hashes:
        h.update(sha.encode("ascii") + b"\n")
    return "run-" + h.hexdigest()[:12]


def _pa_schema(table: str):
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, "bool_" if kind == "bool" else kind)()) for name, kind in COLUMNS[table].items()])


# ---------------------------------------------------------------- row builders


def _date(iso: str | None):
    from datetime import date

    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _cell_value(tables, key: str) -> float | None:
    table, row, col = key.split(".")
    v = tables.get(table, row, col) if tables else None
    return None if v is None else float(v)


def cell_rows(result: ReportResult, rid: str, run_id: str) -> list[dict]:
    """Every canonical cell of the report's template, read or not (``value`` None when absent)."""
    tv = result.tables
    template = tv.template if tv else result.meta.template
    rows = []
    for table in schema.TABLES:
        for row in schema.rows_of(table, template):
            for col in row.columns:
                key = f"{table}.{row.key}.{col.key}"
                src = tv.sources.get(key) if tv else None
                rows.append({
                    "report_id": rid, "run_id": run_id, "table": table, "row": row.key, "column": col.key,
                    "value": _cell_value(tv, key),
                    "raw": src.raw if src else None,
                    "row_label": src.row_label if src else row.label,
                    "column_label": src.col_label if src else col.label,
                    "page": src.page if src else None, "line": src.line if src else None,
                    "method": src.method if src else None,
                    "remark": (tv.remark(key) or None) if tv else None,
                })
    return rows


def finding_rows(result: ReportResult, rid: str, run_id: str) -> list[dict]:
    """One row per finding, with its rule's label and the score part that judges it."""
    return [
        {
            "report_id": rid, "run_id": run_id, "finding_id": f.id, "rule": f.rule, "rule_label": rule_label(f.rule),
            "severity": f.severity, "status": f.status, "part": rule_of(f.rule).part, "message": f.message,
            "where": f.where, "quote": f.quote or None,
            "data": json.dumps(f.data, ensure_ascii=False, sort_keys=True) if f.data else None,
        }
        for f in result.findings
    ]


def statement_rows(result: ReportResult, rid: str, run_id: str) -> list[dict]:
    """One row per narrative statement, in reading order (``position`` from 0)."""
    if result.narrative is None:
        return []
    return [
        {
            "report_id": rid, "run_id": run_id, "section": s.section, "position": i, "subpart": s.part or None,
            "text": s.text, "kind": s.kind, "probability": round(s.kind_score, 4), "category": s.category,
            "category_probability": round(s.category_score, 4) if s.category else None,
            "runner_up": s.runner_up, "boilerplate": s.boilerplate, "carried_over": s.carried_over,
            "heading": is_heading(s),
        }
        for i, s in enumerate(result.narrative.statements)
    ]


def score_rows(result: ReportResult, rid: str, run_id: str) -> list[dict]:
    """Per score part one ``kept`` row (points obtained), then one ``lost`` row per reason."""
    if result.score is None:
        return []
    rows = []
    for p in result.score.parts:
        base = {"report_id": rid, "run_id": run_id, "part": p.key, "label": PART_LABELS.get(p.key, p.label),
                "max_points": p.max_points, "judged": p.judged}
        rows.append({**base, "kind": "kept", "points": round(p.points, 2), "reason": None, "rule": None, "finding_id": None})
        for r in p.reasons:
            rows.append({**base, "kind": "lost", "points": round(r.points, 2), "reason": r.text, "rule": r.rule,
                         "finding_id": r.finding_id})
    return rows


def _rates(result: ReportResult) -> tuple[float | None, float | None]:
    from analyzer.output.ranking import correction_rate, disclosure_rate

    return disclosure_rate(result), correction_rate(result)


def report_row(result: ReportResult, cells: list[dict], *, rid: str, run_id: str, file_id: str | None, sha256: str | None,
               size: int | None, previous_id: str | None, previous_source: str | None) -> dict:
    """The ``reports`` row of an analysed report (``cells``: its rows of the cells table)."""
    tv = result.tables
    read = sum(1 for c in cells if c["value"] is not None)
    sev = [f.severity for f in result.findings]
    stmts = result.narrative.statements if result.narrative else ()
    dr, cr = _rates(result)
    received = tv.get("applications", "new_received", "total") if tv else None
    status = "full" if tv and all(tv.found.get(t) for t in schema.TABLES) and len(result.sections) == 6 else "partial"
    return {
        "report_id": rid, "run_id": run_id, "source": result.source, "file_id": file_id, "sha256": sha256,
        "bytes": size, "format": result.format, "status": status, "error": None, "error_kind": None,
        "title": result.meta.title, "agency": result.meta.agency, "agency_key": agency_key(result.meta.agency),
        "level": result.meta.level, "year": result.meta.year, "template": result.meta.template,
        "published": _date(result.meta.published), "published_from": result.meta.published_from,
        "sections_present": len(result.sections), "tables_found": sum(1 for t in schema.TABLES if tv and tv.found.get(t)),
        "cells_read": read, "cells_missing": len(cells) - read, "findings": len(sev),
        "errors": sev.count("error"), "warnings": sev.count("warning"), "infos": sev.count("info"),
        "statements": len(stmts), "problems": sum(1 for s in stmts if s.kind == "problem"),
        "boilerplate_share": result.narrative.boilerplate_share if result.narrative else None,
        "copied_share": result.narrative.copied_share if result.narrative else None,
        "applications_received": None if received is None else float(received),
        "disclosure_rate": dr, "correction_rate": cr,
        "score_total": round(result.score.total, 2) if result.score else None,
        "grade": result.score.grade if result.score else None,
        "score_config": result.score.config if result.score else None,
        "previous_report_id": previous_id, "previous_source": previous_source, "analyzer_version": __version__,
        "duplicate_of": None, "fingerprint": fingerprint(result),
    }


def failure_row(failure: Failure, *, rid: str, run_id: str, sha256: str | None, size: int | None) -> dict:
    """The ``reports`` row of a file that could not be processed (``status`` unreadable)."""
    row = {name: None for name in COLUMNS["reports"]}
    row.update({
        "report_id": rid, "run_id": run_id, "source": failure.source, "sha256": sha256, "bytes": size,
        "format": Path(failure.source).suffix.lower().lstrip(".") or None, "status": "unreadable",
        "error": failure.error, "error_kind": failure.kind, "analyzer_version": __version__,
    })
    return row


# ---------------------------------------------------------------- writing


class StoreWriter:
    """Rows of one run, flushed to part files every ``batch_rows`` rows of a table.

    Use as a context manager, or call :meth:`close`: a table that got no row
    still gets one empty part file, so every view of the store exists.
    """

    def __init__(self, store_dir: Path, run_id: str, batch_rows: int = BATCH_ROWS, track_copies: bool = True):
        self.store_dir = Path(store_dir)
        self.run_id = run_id
        self.batch_rows = batch_rows
        self._rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        # rows already made columnar, as a zstd-compressed Arrow stream: 50,000 rows as dicts are ~60 MB a
        # table; as Arrow they were still 11 to 37 MB a table (~100 MB for the five, once a run of 50,000
        # reports fills them); compressed, 5 to 18 times less
        self._columns: dict[str, tuple | None] = {t: None for t in TABLES}
        self._buffered: dict[str, int] = {t: 0 for t in TABLES}
        self._parts: dict[str, int] = {t: 0 for t in TABLES}
        self.counts: dict[str, int] = {t: 0 for t in TABLES}
        self._first: str | None = None
        self._last: str | None = None
        self._n_reports = self._n_failures = 0
        self.closed = False
        # report_id -> source of its first copy in this run; a streamed run of 100,000 reports
        # knows the first copies from DuckDB instead (track_copies=False, add_report's duplicate_of)
        self._written: dict[str, str] | None = {} if track_copies else None
        for table in TABLES:
            folder = self.store_dir / table
            folder.mkdir(parents=True, exist_ok=True)
            for old in folder.glob(f"{run_id}-*.parquet"):
                old.unlink()  # the same files analysed again: replace, never duplicate

    def __enter__(self) -> "StoreWriter":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None and not self.closed:
            self.close()

    def add_report(self, result: ReportResult, *, file_id: str | None, sha256: str | None, size: int | None = None,
                   previous_id: str | None = None, previous_source: str | None = None,
                   duplicate_of: str | None = None) -> str:
        """Add an analysed (and scored) report; returns its ``report_id``.

        The same content a second time in the run (a copy under another name)
        gets its ``reports`` row, marked ``duplicate_of`` the first, and no
        rows in the other tables: they would be the first copy's again.
        ``duplicate_of``: that first copy's source, when the writer does not
        track copies itself (reports are added in source order either way).
        """
        rid = report_id_of(sha256, result.source)
        cells = cell_rows(result, rid, self.run_id)
        row = report_row(result, cells, rid=rid, run_id=self.run_id, file_id=file_id, sha256=sha256,
                         size=size, previous_id=previous_id, previous_source=previous_source)
        self._n_reports += 1
        self._seen(result.source)
        if self._written is not None:
            duplicate_of = self._written.setdefault(rid, result.source)
            duplicate_of = None if duplicate_of == result.source else duplicate_of
        if duplicate_of is not None:
            row["duplicate_of"] = duplicate_of
            self._add("reports", [row])
            return rid
        self._add("reports", [row])
        self._add("cells", cells)
        self._add("findings", finding_rows(result, rid, self.run_id))
        self._add("statements", statement_rows(result, rid, self.run_id))
        self._add("scores", score_rows(result, rid, self.run_id))
        return rid

    def add_failure(self, failure: Failure, *, sha256: str | None, size: int | None = None) -> str:
        """Add a file that could not be processed; returns its ``report_id``."""
        rid = report_id_of(sha256, failure.source)
        self._add("reports", [failure_row(failure, rid=rid, run_id=self.run_id, sha256=sha256, size=size)])
        self._n_failures += 1
        self._seen(failure.source)
        return rid

    def close(self, score_config: str = "") -> dict[str, int]:
        """Write the ``runs`` row and what is still buffered; returns rows written per table."""
        self._add("runs", [{
            "run_id": self.run_id, "analyzer_version": __version__, "score_config": score_config or None,
            "reports": self._n_reports, "failures": self._n_failures,
            "first_source": self._first, "last_source": self._last,
        }])
        for table in TABLES:
            if self._buffered[table] or not self._parts[table]:
                self._flush(table)
        self.closed = True
        return dict(self.counts)

    def _seen(self, source: str) -> None:
        self._first = source if self._first is None else min(self._first, source)
        self._last = source if self._last is None else max(self._last, source)

    def _add(self, table: str, rows: list[dict]) -> None:
        self._rows[table].extend(rows)
        self.counts[table] += len(rows)
        self._buffered[table] += len(rows)
        if self._buffered[table] >= self.batch_rows:
            self._flush(table)
        elif len(self._rows[table]) >= COLUMNAR_ROWS:
            self._to_columns(table)

    # The batches are compressed and read back on the calling thread (IPC use_threads=False): on pyarrow's
    # pool threads, the buffers they allocated stayed in those threads' mimalloc heaps once freed, where
    # release_memory does not reach (six flushes of a findings part: +40 MB held, on this thread +11).
    def _to_columns(self, table: str) -> None:
        import pyarrow as pa

        if self._columns[table] is None:
            sink = pa.BufferOutputStream()
            options = pa.ipc.IpcWriteOptions(compression="zstd", use_threads=False)
            self._columns[table] = (sink, pa.ipc.new_stream(sink, _pa_schema(table), options=options))
        self._columns[table][1].write_batch(pa.RecordBatch.from_pylist(self._rows[table], schema=_pa_schema(table)))
        self._rows[table] = []

    def _flush(self, table: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._to_columns(table)
        sink, stream = self._columns[table]
        self._columns[table] = None
        stream.close()
        # the batches as they are: a part file is the same, byte for byte, as from one contiguous table (test)
        data = pa.ipc.open_stream(sink.getvalue(), options=pa.ipc.IpcReadOptions(use_threads=False)).read_all()
        # the compressed batches go before the file is written, not after: the table does not use them
        del sink, stream
        path = self.store_dir / table / f"{self.run_id}-{self._parts[table]:05d}.parquet"
        pq.write_table(data, path, compression="zstd")
        self._parts[table] += 1
        self._buffered[table] = 0
        del data
        release_memory()


def release_memory() -> None:
    """Give the system back what the process freed but its allocators keep for themselves.

    pyarrow's allocator (mimalloc in its wheels) keeps the pages a flush freed: a
    streamed run of 100,000 reports stood on ~40 MB of them through pass 3 and
    into ranking.csv's queries. glibc's ``malloc`` keeps freed heap (and, past
    its first large frees, serves large blocks from the heap instead of their own
    mappings): ``malloc_trim(0)`` returns every free page of it (glibc only;
    elsewhere nothing is done).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own symbols: the C library it runs on
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None


def write_store(run, out_dir: Path, ids: dict[str, str], score_config: str = "") -> dict[str, int]:
    """Write a finished run (a ``RunResult``) into ``out_dir/store``; returns rows written per table."""
    sources = [r.source for r in run.results] + [f.source for f in run.failures]
    hashes = {src: content_hash(src) for src in sources}
    sizes = {src: file_size(src) for src in sources}
    config = score_config or next((r.score.config for r in run.results if r.score), "")
    run_id = run_id_of(hashes.values(), config)
    with StoreWriter(Path(out_dir) / "store", run_id) as writer:
        for r in sorted(run.results, key=lambda r: r.source):
            prev = run.previous.get(r.source)
            writer.add_report(
                r, file_id=ids.get(r.source), sha256=hashes[r.source], size=sizes[r.source],
                previous_id=report_id_of(hashes.get(prev), prev) if prev else None, previous_source=prev,
            )
        for f in sorted(run.failures, key=lambda f: f.source):
            writer.add_failure(f, sha256=hashes[f.source], size=sizes[f.source])
        return writer.close(config)


def file_size(path: str) -> int | None:
    """A file's size in bytes, or None when it is gone."""
    try:
        return Path(path).stat().st_size
    except OSError:
        return None


# ---------------------------------------------------------------- reading


class StoreError(AnalyzerError):
    """The store is missing, or a query over it failed."""


SQL_ERROR = "SQL 查询出错：{error}（可用的表：reports、cells、findings、statements、scores、runs、all_reports）"


def store_dir_of(path: Path) -> Path:
    """The store under an ``analyze`` output folder, or the folder itself when it is a store."""
    path = Path(path)
    for candidate in (path / "store", path):
        if (candidate / "reports").is_dir() and any((candidate / "reports").glob(PART_GLOB)):
            return candidate
    raise StoreError(f"{path} 中没有语料库数据（store/）；请先运行 analyzer analyze --out {path}")


def view_sql(store: Path) -> list[str]:
    """The statements that make every table of the store a DuckDB view (one row per report_id)."""

    def parts(table: str) -> str:
        glob = str(Path(store).resolve() / table / PART_GLOB).replace("'", "''")
        return f"read_parquet('{glob}', union_by_name = true)"

    version_key = "list_transform(string_split(analyzer_version, '.'), lambda x: TRY_CAST(x AS INTEGER))"
    stmts = [
        f"CREATE OR REPLACE VIEW runs AS SELECT * FROM {parts('runs')}",
        f"CREATE OR REPLACE VIEW all_reports AS SELECT * FROM {parts('reports')}",
        # One row per report_id: the newest analyzer, the run with more reports, then ids (docs/STORE.md).
        "CREATE OR REPLACE VIEW reports AS SELECT r.* FROM all_reports r JOIN runs USING (run_id) "
        f"QUALIFY row_number() OVER (PARTITION BY r.report_id ORDER BY {version_key.replace('analyzer_version', 'runs.analyzer_version')} DESC, "
        "runs.reports DESC, r.run_id, r.duplicate_of IS NOT NULL, r.source) = 1",
    ]
    for table in ("cells", "findings", "statements", "scores"):
        stmts.append(
            f"CREATE OR REPLACE VIEW {table} AS SELECT t.* FROM {parts(table)} t "
            "SEMI JOIN reports r ON t.report_id = r.report_id AND t.run_id = r.run_id"
        )
    return stmts


DUCKDB_MEMORY = "1GB"  # queries of the store (sql, the study): DuckDB spills joins and sorts to disk past this
# The run-level stages of a streamed run (scale, the near-duplicate index, ranking.csv), on one
# connection: every query of theirs can spill, so a small cap is what keeps a run of 100,000 reports as
# small as one of 10,000 (at 10,000 the near-duplicate query needs ~70 MB, at 30,000 it fills 128 MB).
RUN_MEMORY = "128MB"
ALLOCATOR_FLUSH = "32MB"  # DuckDB's allocator keeps up to 128 MB it freed per task by default: give it back


@contextmanager
def threads(con, n: int) -> Iterator[None]:
    """The connection's queries on ``n`` threads for a while (each thread scans and holds its own buffers)."""
    with setting(con, "threads", int(n)):
        yield


@contextmanager
def setting(con, name: str, value) -> Iterator[None]:
    """A setting of the DuckDB connection changed for a while, then put back as DuckDB shows it
    (a memory limit to 0.1 MiB: ``128MB`` comes back as ``122.0 MiB``)."""
    [(before,)] = con.execute(f"SELECT current_setting('{name}')").fetchall()
    con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        con.execute(f"SET {name} = '{before}'")


def sql_path(path: Path) -> str:
    """A path (or a glob) inside a SQL string literal."""
    return str(Path(path).resolve()).replace("'", "''")


def duckdb_connection(memory_limit: str = DUCKDB_MEMORY, temp: Path | None = None):
    """An in-memory DuckDB connection whose memory is capped, spilling to ``temp`` (else a temporary folder
    removed with the connection; DuckDB's own default is ``.tmp`` in the working folder)."""
    import shutil
    import tempfile
    import weakref

    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET allocator_flush_threshold = '{ALLOCATOR_FLUSH}'")
    # What a query freed goes back to the system within seconds, not when the connection closes: a
    # streamed run's connection kept ~90 MB after its near-duplicate query, under pass 3's own memory.
    con.execute("SET allocator_background_threads = true")
    con.execute("SET preserve_insertion_order = false")  # every query that needs an order says so
    if temp is None:
        temp = Path(tempfile.mkdtemp(prefix="analyzer-duckdb-"))
        weakref.finalize(con, shutil.rmtree, str(temp), True)
    con.execute(f"SET temp_directory = '{str(temp).replace(chr(39), chr(39) * 2)}'")
    return con


def connect(path: Path, *, memory_limit: str = DUCKDB_MEMORY):
    """A DuckDB connection with the store's tables as views (``path``: an analyze folder or a store)."""
    store = store_dir_of(path)
    con = duckdb_connection(memory_limit)
    for stmt in view_sql(store):
        con.execute(stmt)
    return con


def query(path: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one SQL statement over the store; returns the column names and the rows."""
    import duckdb

    con = connect(path)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        return columns, cur.fetchall() if columns else []
    except duckdb.Error as exc:
        raise StoreError(SQL_ERROR.format(error=str(exc).splitlines()[0])) from exc
    finally:
        con.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def format_rows(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    """Query results as an aligned text table (CJK counted double width), CSV or JSON."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=str, indent=1)
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_text(v) for v in row] for row in rows])
        return buf.getvalue().rstrip("\n")
    from rich.cells import cell_len

    cells = [list(columns)] + [[_text(v).replace("\n", " ") for v in row] for row in rows]
    widths = [max(cell_len(r[i]) for r in cells) for i in range(len(columns))]
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) and rows for i in range(len(columns))]

    def line(values: list[str]) -> str:
        padded = [
            " " * (w - cell_len(v)) + v if num else v + " " * (w - cell_len(v))
            for v, w, num in zip(values, widths, numeric)
        ]
        return "  ".join(padded).rstrip()

    out = [line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    out.append(f"({len(rows)} 行)")
    return "\n".join(out)


RANKING_FETCH = 1_000  # rows of the ranking taken from DuckDB at a time
# The ranking's queries run on one thread: each thread holds its own share of an aggregate and a sort
# (at 100,000 reports DuckDB held 51 MB on two threads, 32 on one); the ranking takes ~1 s either way.
RANKING_THREADS = 1
# Reports whose one-per-agency-and-year grouping is done by one query, at most (on average): the grouping
# cannot spill (under 32 MB it ended in DuckDB's out-of-memory error), and over the whole run it held
# 6.5 MB at 10,000 reports, 33 MB at 100,000.
RANKING_PART_ROWS = 10_000
# Every query of the ranking runs under a smaller cap than the run's other queries: DuckDB then holds less
# of the sorted query of a year (the ranking alone of 10,000 synthetic reports: +20 MB over the process
# instead of +30) with the same rows.
RANKING_MEMORY = "32MB"
RANKING_COLUMNS = ["名次", "report_id", "报告文件", "机关", "年度", "层级", "总分", "等级", "准确性", "内容质量",
                   "实质公开率", "实质公开率偏离", "复议纠错率", "复议纠错率偏离"]
# What stands for an agency and year in the ranking (the fingerprint when either is missing; a null
# fingerprint is a null key, and those reports are one group, as in output.ranking's SQL before)
RANKING_KEY = ("CASE WHEN agency_key IS NOT NULL AND year IS NOT NULL THEN agency_key || '|' || year "
               "ELSE 'fingerprint|' || fingerprint END")


def ranking_rows(con, store: Path, run_id: str) -> Iterator[list]:
    """The ranking of one run, computed in DuckDB from the store (the rules of ``output.ranking``), row by row.

    One ranking per statistical year, newest first; the same report twice
    (same ``fingerprint``) and two reports of one agency for one year count
    once, the first by source standing for the others. Within a year: total,
    then 准确性, then 内容质量 (ties share a rank, 1, 1, 3). A rate deviates
    when it lies more than both 3 robust standard deviations (1.4826 × MAD)
    and 10 points from the median of the ranked reports, and only when at
    least 30 of them have it.

    The kept reports, with their scores' parts, are written to Parquet files
    one partition of the agency-and-year keys at a time (no key spans two, so
    each is kept or not within its own), and the medians and each year's sorted
    query read those files: no step holds a hash table of the whole run, and
    the ranks are counted here as the sorted rows come. As one query, with the
    reports kept and ranked by windows over the whole run, DuckDB held ~100 MB
    at 100,000 reports, which a lower memory limit could not make it spill.
    """

    def parts(table: str) -> str:
        return f"read_parquet('{sql_path(Path(store) / table / PART_GLOB)}')"

    with threads(con, RANKING_THREADS), setting(con, "memory_limit", RANKING_MEMORY), scratch_folder(con) as folder:
        yield from _ranking_rows(con, parts, run_id, folder)


@contextmanager
def scratch_folder(con) -> Iterator[Path]:
    """A new folder for a query's intermediate files, removed afterwards: under the connection's spill folder
    when it has one of its own (``duckdb_connection``), else under the system's temporary folder."""
    import shutil
    import tempfile

    [(temp,)] = con.execute("SELECT current_setting('temp_directory')").fetchall()
    parent = Path(temp) if temp and Path(temp).is_absolute() else None
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="analyzer-ranking-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _ranking_rows(con, parts, run_id: str, folder: Path) -> Iterator[list]:
    """:func:`ranking_rows` on the connection as it is set (``parts``: a table's part files; ``folder``: for the kept reports)."""
    from analyzer.output.ranking import MAD_SCALE, MIN_COMPARABLE, MIN_DEVIATION, ROBUST_Z

    rid = run_id.replace("'", "''")
    run = f"{parts('reports')} WHERE run_id = '{rid}' AND status <> 'unreadable'"
    [(rows,)] = con.execute(f"SELECT count(*) FROM {run}").fetchall()
    n_parts = max(1, -(-rows // RANKING_PART_ROWS))
    for part in range(n_parts):
        # one report per agency and year (else per fingerprint): the smallest source of each (sources are unique in a run)
        con.execute(f"""
            COPY (
            WITH p AS (SELECT source, report_id, file_id, agency, year, level, score_total, grade, disclosure_rate,
                              correction_rate, {RANKING_KEY} AS k
                       FROM {run} AND hash({RANKING_KEY}) % {n_parts} = {part}),
            kept AS (SELECT * EXCLUDE (k) FROM p WHERE source IN (SELECT min(source) FROM p GROUP BY k)),
            s AS (SELECT report_id, sum(points) FILTER (WHERE part = 'accuracy') AS accuracy,
                         sum(points) FILTER (WHERE part = 'substance') AS substance
                  FROM {parts('scores')} WHERE run_id = '{rid}' AND kind = 'kept'
                       AND report_id IN (SELECT report_id FROM kept) GROUP BY report_id)
            SELECT kept.*, s.accuracy, s.substance FROM kept LEFT JOIN s USING (report_id)
            ) TO '{sql_path(folder / f"{part:05d}.parquet")}' (FORMAT parquet)
        """)
    kept = f"read_parquet('{sql_path(folder / PART_GLOB)}')"
    flags, args = [], []
    for col in ("disclosure_rate", "correction_rate"):
        n, med = con.execute(f"SELECT count({col}), median({col}) FROM {kept}").fetchone()
        mad = con.execute(f"SELECT median(abs({col} - ?::DOUBLE)) FROM {kept}", [med]).fetchone()[0]
        flags.append(f"""
          CASE WHEN r.{col} IS NULL OR ?::BIGINT < {MIN_COMPARABLE} THEN NULL
               WHEN abs(r.{col} - ?::DOUBLE) >
                    greatest({ROBUST_Z} * {MAD_SCALE} * ?::DOUBLE, {MIN_DEVIATION}) + 1e-12 THEN true
               ELSE false END AS {col}_flag""")
        args += [n, med, mad]
    # One year at a time, newest first (the sort of the whole run's rows was DuckDB's largest share);
    # rank() over the year in that order: a row tied with the one before shares its rank.
    years = [y for (y,) in con.execute(f"SELECT DISTINCT year FROM {kept} ORDER BY year IS NULL, year DESC").fetchall()]
    for year in years:
        within = "year IS NULL" if year is None else f"year = {int(year)}"
        cur = con.execute(f"""
            SELECT [round(r.score_total, 2), round(r.accuracy, 2), round(r.substance, 2)] AS tie,
                   r.file_id, r.source, r.agency, r.year, r.level, r.score_total, r.grade, r.accuracy, r.substance,
                   r.disclosure_rate, {flags[0].strip()}, r.correction_rate, {flags[1].strip()}
            FROM {kept} r WHERE {within}
            ORDER BY round(r.score_total, 2) DESC, round(r.accuracy, 2) DESC, round(r.substance, 2) DESC, r.source
        """, args)
        tie = rank = None
        seen = 0
        while rows := cur.fetchmany(RANKING_FETCH):
            for row in rows:
                seen += 1
                if seen == 1 or row[0] != tie:
                    rank, tie = seen, row[0]
                yield [rank, *row[1:]]


def write_ranking_csv(out_dir: Path, run_id: str, con=None) -> Path:
    """``ranking.csv`` of a run too large for the whole-run outputs, from the store (UTF-8 with BOM).

    Written as the rows come (the text of 100,000 rows was held twice over, ~100 MB);
    ``con``: the streamed run's DuckDB connection, so that one memory cap bounds it.
    """
    import csv

    own = con is None
    con = duckdb_connection(RUN_MEMORY) if own else con
    path = Path(out_dir) / "ranking.csv"
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("\ufeff")
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(RANKING_COLUMNS)
            for row in ranking_rows(con, Path(out_dir) / "store", run_id):
                writer.writerow(["" if v is None else v for v in row])
    finally:
        if own:
            con.close()
    return path
