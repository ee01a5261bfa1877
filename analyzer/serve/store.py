"""The workbench's store: one SQLite file in the workspace, and the uploaded files beside it.

Everything a supervisor adds lives here — the uploads (kept by content hash,
never under a name from the upload), each report's status and reading, the
decisions on findings, the edited review comments and the 整改 items — so
that backing up the workspace folder backs up the work.

What the analyzer derives from the uploads (scores, rankings, review texts)
is *not* stored: the workbench recomputes it, so a new analyzer version or a
new decision never leaves a stale copy behind. A report's reading (the
:class:`~analyzer.model.ReportResult` of ``pipeline.analyze_file``) is kept
as a compressed pickle tagged with the analyzer version that made it; another
version reads the upload again.

The schema is versioned with ``PRAGMA user_version``: ``MIGRATIONS[i]`` takes
a store from version ``i`` to ``i + 1``, each in one transaction.

Functions take keyword arguments after the connection (full-stack-fastapi's
``crud`` style) and are tested without HTTP. One connection serves the
process; a lock makes every call atomic (the analysis thread and the request
threads share it).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from analyzer import __version__

STORE_NAME = "workbench.sqlite3"
UPLOADS = "uploads"
STATUSES = ("queued", "running", "done", "unreadable")
DECISIONS = ("confirmed", "dismissed")
RECTIFICATION_STATES = ("未整改", "整改中", "已整改")

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE uploads (
        sha256     TEXT PRIMARY KEY,
        size       INTEGER NOT NULL,
        suffix     TEXT NOT NULL,          -- one of runner.SUPPORTED_SUFFIXES, or ''
        stored_at  TEXT NOT NULL
    );
    CREATE TABLE reports (
        id          TEXT PRIMARY KEY,      -- 'r' + the first 12 hex digits of the upload's hash
        sha256      TEXT NOT NULL REFERENCES uploads(sha256),
        file        TEXT NOT NULL,         -- the name as uploaded: shown, never used as a path
        batch       TEXT NOT NULL,         -- the upload request it came with
        status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'unreadable')),
        reason      TEXT,                  -- why it is unreadable, one line
        uploaded_at TEXT NOT NULL,
        analyzed_at TEXT,
        version     TEXT,                  -- store.reading_tag() of the reading (analyzer version + model shape)
        agency      TEXT,
        year        INTEGER,
        level       TEXT,
        reading     BLOB                   -- zlib(pickle(ReportResult)), without the document
    );
    CREATE INDEX reports_status ON reports(status);
    CREATE TABLE decisions (
        finding_id TEXT PRIMARY KEY,
        decision   TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
        reason     TEXT NOT NULL,
        at         TEXT NOT NULL
    );
    CREATE TABLE review_edits (
        report_key  TEXT PRIMARY KEY,      -- agency|year (pipeline.report_key): a corrected upload keeps it
        overall     TEXT NOT NULL,
        problems    TEXT NOT NULL,         -- one item a line
        suggestions TEXT NOT NULL,         -- one item a line
        closing     TEXT NOT NULL,
        at          TEXT NOT NULL
    );
    CREATE TABLE rectifications (
        finding_id  TEXT PRIMARY KEY,
        unit        TEXT NOT NULL DEFAULT '',   -- 责任单位
        measure     TEXT NOT NULL DEFAULT '',   -- 整改措施
        state       TEXT NOT NULL DEFAULT '未整改' CHECK (state IN ('未整改', '整改中', '已整改')),
        due         TEXT NOT NULL DEFAULT '',   -- 整改时限, YYYY-MM-DD or ''
        done        TEXT NOT NULL DEFAULT '',   -- 完成日期, YYYY-MM-DD or ''
        at          TEXT NOT NULL
    );
    """,
    # 2: what the analyzer had written when a comment was edited (JSON: overall, problems), so that
    # a sentence it would no longer write after later decisions can be told from the supervisor's own.
    """
    ALTER TABLE review_edits ADD COLUMN basis TEXT NOT NULL DEFAULT '';
    """,
)


@functools.cache
def reading_tag() -> str:
    """What a stored reading was made by: the analyzer version and the shape of its objects.

    A reading pickled by another version, or before a field was added to a
    model class, is read again from its upload instead of being unpickled into
    an object that lacks what the code now expects.
    """
    import dataclasses

    from analyzer import model

    shape = ";".join(
        f"{name}:{','.join(f.name for f in dataclasses.fields(obj))}"
        for name, obj in sorted(vars(model).items())
        if dataclasses.is_dataclass(obj) and isinstance(obj, type) and obj.__module__ == model.__name__
    )
    return f"{__version__}+{hashlib.sha1(shape.encode()).hexdigest()[:8]}"


def now() -> str:
    """The time of a change, to the second (local time: what the supervisor's clock says)."""
    return datetime.now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class ReportRow:
    """One stored report, as lists and the JSON interface show it."""

    id: str
    sha256: str
    file: str
    batch: str
    status: str
    reason: str | None
    uploaded_at: str
    analyzed_at: str | None
    version: str | None
    agency: str | None
    year: int | None
    level: str | None


@dataclass(frozen=True)
class Decision:
    finding_id: str
    decision: str
    reason: str
    at: str

    def to_dict(self) -> dict[str, str]:
        return {"decision": self.decision, "reason": self.reason, "at": self.at}


@dataclass(frozen=True)
class ReviewEdit:
    report_key: str
    overall: str
    problems: tuple[str, ...]
    suggestions: tuple[str, ...]
    closing: str
    at: str
    basis: str = ""  # JSON {"overall", "problems"} of the generated comment the edit was made from ('' before migration 2)


@dataclass(frozen=True)
class Rectification:
    finding_id: str
    unit: str = ""
    measure: str = ""
    state: str = "未整改"
    due: str = ""
    done: str = ""
    at: str = ""


class Store:
    """The SQLite file and the uploads folder of one workspace."""

    def __init__(self, workspace: Path):
        self.workspace = Path(workspace)
        self.workspace.mkdir(parents=True, exist_ok=True)
        (self.workspace / UPLOADS).mkdir(exist_ok=True)
        self.path = self.workspace / STORE_NAME
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        migrate(self.conn)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # ------------------------------------------------------------ plumbing

    def _all(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, args).fetchall()

    def _one(self, sql: str, args: tuple = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, args).fetchone()

    def _write(self, sql: str, args: tuple = ()) -> int:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self.conn.execute(sql, args)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            return cur.rowcount

    # ------------------------------------------------------------ uploads

    def upload_path(self, sha256: str, suffix: str) -> Path:
        """Where an upload's bytes live: by hash only (two levels, like git's objects)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 digest")
        return self.workspace / UPLOADS / sha256[:2] / f"{sha256}{suffix}"

    def keep_upload(self, data: bytes, *, suffix: str) -> str:
        """Store the bytes under their hash (once); return the hash."""
        sha = hashlib.sha256(data).hexdigest()
        known = self._one("SELECT suffix FROM uploads WHERE sha256 = ?", (sha,))
        if known is not None:
            suffix = known["suffix"]  # the same bytes under another name: one copy
        path = self.upload_path(sha, suffix)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{sha}.{os.getpid()}.{threading.get_ident()}.part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        with self.lock:
            self.conn.execute(
                "INSERT OR IGNORE INTO uploads (sha256, size, suffix, stored_at) VALUES (?, ?, ?, ?)",
                (sha, len(data), suffix, now()),
            )
        return sha

    def stored_file(self, report_id: str) -> Path | None:
        row = self._one(
            "SELECT u.sha256, u.suffix FROM reports r JOIN uploads u ON u.sha256 = r.sha256 WHERE r.id = ?", (report_id,)
        )
        return self.upload_path(row["sha256"], row["suffix"]) if row else None

    # ------------------------------------------------------------ reports

    def add_report(self, *, report_id: str, sha256: str, file: str, batch: str,
                   status: str = "queued", reason: str | None = None) -> None:
        """A new upload, or the same bytes again: queued for (re-)analysis, its decisions untouched."""
        t = now()
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                """INSERT INTO reports (id, sha256, file, batch, status, reason, uploaded_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET file = excluded.file, batch = excluded.batch,
                       status = excluded.status, reason = excluded.reason, uploaded_at = excluded.uploaded_at""",
                (report_id, sha256, file, batch, status, reason, t),
            )
            self.conn.execute("COMMIT")

    def report(self, report_id: str) -> ReportRow | None:
        row = self._one(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id = ?", (report_id,))
        return ReportRow(**dict(row)) if row else None

    def reports(self, *, status: str | None = None, batch: str | None = None) -> list[ReportRow]:
        sql, args = f"SELECT {_REPORT_COLUMNS} FROM reports", []
        where = []
        if status:
            where.append("status = ?")
            args.append(status)
        if batch:
            where.append("batch = ?")
            args.append(batch)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY uploaded_at, id"
        return [ReportRow(**dict(r)) for r in self._all(sql, tuple(args))]

    def last_batch(self) -> str | None:
        row = self._one("SELECT batch FROM reports ORDER BY uploaded_at DESC, batch DESC LIMIT 1")
        return row["batch"] if row else None

    def set_status(self, report_ids: list[str], status: str) -> None:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("UPDATE reports SET status = ? WHERE id = ?", [(status, i) for i in report_ids])
            self.conn.execute("COMMIT")

    def requeue_interrupted(self) -> int:
        """Reports left running by a stopped server go back to the queue."""
        return self._write("UPDATE reports SET status = 'queued' WHERE status = 'running'")

    def requeue_stale(self) -> int:
        """Readings made by another analyzer version are read again from the kept upload."""
        return self._write(
            "UPDATE reports SET status = 'queued' WHERE status = 'done' AND (version IS NOT ? OR reading IS NULL)",
            (reading_tag(),),
        )

    def save_reading(self, report_id: str, result) -> None:
        """A report read: its reading and the facts lists show."""
        blob = zlib.compress(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL), 6)
        meta = result.meta
        self._write(
            """UPDATE reports SET status = 'done', reason = NULL, analyzed_at = ?, version = ?,
                   agency = ?, year = ?, level = ?, reading = ? WHERE id = ?""",
            (now(), reading_tag(), meta.agency, meta.year, meta.level, blob, report_id),
        )

    def save_unreadable(self, report_id: str, reason: str) -> None:
        self._write(
            """UPDATE reports SET status = 'unreadable', reason = ?, analyzed_at = ?, version = ?,
                   agency = NULL, year = NULL, level = NULL, reading = NULL WHERE id = ?""",
            (reason.splitlines()[0] if reason else "无法读取", now(), reading_tag(), report_id),
        )

    def readings(self) -> Iterator[tuple[str, Any]]:
        """(report id, ReportResult) of every report read by this analyzer version."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT id, reading FROM reports WHERE status = 'done' AND reading IS NOT NULL AND version = ?",
                (reading_tag(),),
            ).fetchall()
        for row in rows:
            try:
                yield row["id"], pickle.loads(zlib.decompress(row["reading"]))
            except Exception:  # noqa: BLE001 - a reading that no longer loads is read again
                self._write("UPDATE reports SET status = 'queued' WHERE id = ?", (row["id"],))

    def reading(self, report_id: str):
        row = self._one("SELECT reading FROM reports WHERE id = ? AND reading IS NOT NULL", (report_id,))
        return pickle.loads(zlib.decompress(row["reading"])) if row else None

    # ------------------------------------------------------------ decisions

    def decide(self, *, finding_id: str, decision: str | None, reason: str) -> Decision | None:
        """Store (or, with ``decision=None``, withdraw) the decision on one finding."""
        if decision is None:
            self._write("DELETE FROM decisions WHERE finding_id = ?", (finding_id,))
            return None
        if decision not in DECISIONS:
            raise ValueError(decision)
        d = Decision(finding_id, decision, reason, now())
        self._write(
            """INSERT INTO decisions (finding_id, decision, reason, at) VALUES (?, ?, ?, ?)
               ON CONFLICT(finding_id) DO UPDATE SET decision = excluded.decision, reason = excluded.reason, at = excluded.at""",
            (d.finding_id, d.decision, d.reason, d.at),
        )
        return d

    def decisions(self) -> dict[str, Decision]:
        return {r["finding_id"]: Decision(**dict(r)) for r in self._all("SELECT * FROM decisions")}

    # ------------------------------------------------------------ review edits

    def save_review(self, *, report_key: str, overall: str, problems: list[str], suggestions: list[str],
                    closing: str, basis: str = "") -> ReviewEdit:
        e = ReviewEdit(report_key, overall, tuple(problems), tuple(suggestions), closing, now(), basis)
        self._write(
            """INSERT INTO review_edits (report_key, overall, problems, suggestions, closing, at, basis)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(report_key) DO UPDATE SET overall = excluded.overall, problems = excluded.problems,
                   suggestions = excluded.suggestions, closing = excluded.closing, at = excluded.at,
                   basis = excluded.basis""",
            (report_key, overall, "\n".join(problems), "\n".join(suggestions), closing, e.at, basis),
        )
        return e

    def review(self, report_key: str) -> ReviewEdit | None:
        r = self._one("SELECT * FROM review_edits WHERE report_key = ?", (report_key,))
        if r is None:
            return None
        return ReviewEdit(r["report_key"], r["overall"], _lines(r["problems"]), _lines(r["suggestions"]),
                          r["closing"], r["at"], r["basis"])

    def drop_review(self, report_key: str) -> None:
        self._write("DELETE FROM review_edits WHERE report_key = ?", (report_key,))

    # ------------------------------------------------------------ 整改

    def save_rectification(self, *, finding_id: str, unit: str, measure: str, state: str, due: str,
                           done: str) -> Rectification:
        if state not in RECTIFICATION_STATES:
            raise ValueError(state)
        r = Rectification(finding_id, unit, measure, state, due, done, now())
        self._write(
            """INSERT INTO rectifications (finding_id, unit, measure, state, due, done, at) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(finding_id) DO UPDATE SET unit = excluded.unit, measure = excluded.measure,
                   state = excluded.state, due = excluded.due, done = excluded.done, at = excluded.at""",
            (r.finding_id, r.unit, r.measure, r.state, r.due, r.done, r.at),
        )
        return r

    def rectifications(self) -> dict[str, Rectification]:
        return {r["finding_id"]: Rectification(**dict(r)) for r in self._all("SELECT * FROM rectifications")}

    # ------------------------------------------------------------ size

    def size_bytes(self) -> dict[str, int]:
        """The SQLite file (with its journal) and the kept uploads, in bytes."""
        db = sum(p.stat().st_size for p in self.workspace.glob(STORE_NAME + "*") if p.is_file())
        ups = sum(p.stat().st_size for p in (self.workspace / UPLOADS).rglob("*") if p.is_file())
        return {"database": db, "uploads": ups}


_REPORT_COLUMNS = "id, sha256, file, batch, status, reason, uploaded_at, analyzed_at, version, agency, year, level"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.split("\n") if line.strip())


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the store to the latest schema; return its version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"工作区数据库版本（{version}）高于本程序支持的版本（{len(MIGRATIONS)}），请升级 analyzer 后再打开。"
        )
    for target in range(version + 1, len(MIGRATIONS) + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit half-way)."""
    out, buf = [], []
    for line in script.splitlines():
        code = line.split("--", 1)[0]
        buf.append(code)
        if code.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if stmt.strip(";").strip():
                out.append(stmt)
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        out.append(tail)
    return out
