"""The workbench's state: the store, the analysis thread, and what the pages show.

Uploads are read in the background, one small batch at a time, through
:func:`analyzer.runner.run_files` (worker processes: a file that crashes or
hangs becomes a one-line reason, and the server goes on). Each reading is
stored; the run-level stages (:func:`analyzer.pipeline.finish_run`: links to
last year's report, continuity, repeated problems, boilerplate shared across
agencies, then the score) run over the workspace's reports:

- at once over the reports of the agencies just read (milliseconds), so a
  finished upload is in the ranking immediately;
- over every report when the queue is empty (seconds for a thousand), which
  adds what only the whole set shows (text shared by many agencies, links
  between differently written names of one agency).

The same report uploaded several times (another format, a corrected copy) is
shown once: among the reports of one agency and year, the latest upload
counts and the others are listed as its duplicates. Decisions are stored by
finding id, which depends on agency, year, rule and place only, so they
carry over to a corrected upload for every finding that remains.

Derived views (decided results, rankings) are cached and dropped when
anything they depend on changes.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer import errors, runner
from analyzer.config import Settings, resolve
from analyzer.linking import agency_key
from analyzer.model import Failure, ReportResult, RunResult
from analyzer.output.ranking import Ranking, rank_results
from analyzer.pipeline import analyze_file, finish_run, report_key
from analyzer.scoring import resolve_config
from analyzer.serve.decisions import apply_decisions
from analyzer.serve.store import Decision, ReportRow, Store

REPORT_ID = re.compile(r"^r[0-9a-f]{12}$")
FINDING_ID = re.compile(r"^F[0-9a-f]{10}(?:-\d{1,3})?$")
UNEXPECTED = "{name}：分析时发生意外错误（{error}），已跳过。"
NAME_LIMIT = 160


def read_report(path: str, settings: Settings) -> ReportResult:
    """The per-report stages on one stored upload (run in a worker process)."""
    return analyze_file(path, settings, keep_document=False)


_MULTIPART_UNESCAPE = {"%22": '"', "%0A": " ", "%0D": " "}
_MULTIPART_ESCAPES = re.compile("|".join(_MULTIPART_UNESCAPE), re.IGNORECASE)


def clean_name(name: str | None) -> str:
    """The name to show for an upload: its last path part, without control characters; never a path."""
    # Browsers send a quote or line break of a file name as %22, %0A, %0D (the HTML multipart
    # encoding) and leave a literal % alone: shown undone, 报告"终稿".pdf stays itself.
    name = _MULTIPART_ESCAPES.sub(lambda m: _MULTIPART_UNESCAPE[m.group(0).upper()], name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().lstrip(".")
    return name[:NAME_LIMIT] or "未命名文件"


def duplicate_key(result: ReportResult, report_id: str) -> str:
    """Reports of one agency and year are the same report (another format, a corrected copy)."""
    key = agency_key(result.meta.agency)
    return f"{key}|{result.meta.year}" if key and result.meta.year else report_id


@dataclass(frozen=True)
class Index:
    """Lookups over the current reports, built once per change (pages ask them for every row)."""

    duplicates: dict[str, list[str]]  # duplicate key -> every upload of it
    agencies: dict[str, list[str]]  # agency key -> shown reports
    linked: dict[str, frozenset[str]]  # shown report -> its agency's reports of every year (links included)
    years: dict[int | None, list[str]]  # statistical year -> shown reports
    findings: dict[str, list[str]]  # finding id -> reports carrying it (shown first)


def build_index(readings: dict[str, ReportResult], finished: dict[str, ReportResult],
                previous: dict[str, str]) -> Index:
    duplicates: dict[str, list[str]] = {}
    for rid, r in readings.items():
        duplicates.setdefault(duplicate_key(r, rid), []).append(rid)
    agencies: dict[str, list[str]] = {}
    years: dict[int | None, list[str]] = {}
    for rid, r in finished.items():
        agencies.setdefault(agency_key(r.meta.agency) or rid, []).append(rid)
        years.setdefault(r.meta.year, []).append(rid)
    # One agency across years: the same name key, or linked year to year under names written
    # differently (淮安市洪泽区 / 洪泽区): the connected groups of both relations.
    parent = {rid: rid for rid in finished}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in agencies.values():
        for rid in members[1:]:
            parent[find(rid)] = find(members[0])
    for rid, prev in previous.items():
        if rid in parent and prev in parent:
            parent[find(rid)] = find(prev)
    groups: dict[str, set[str]] = {}
    for rid in finished:
        groups.setdefault(find(rid), set()).add(rid)
    linked = {rid: frozenset(groups[find(rid)]) for rid in finished}
    findings: dict[str, list[str]] = {}
    for source in (finished, readings):
        for rid, r in source.items():
            if source is readings and rid in finished:
                continue
            for f in r.findings:
                findings.setdefault(f.id, []).append(rid)
    return Index(duplicates, agencies, linked, years, findings)


def shown_reports(readings: dict[str, ReportResult], rows: dict[str, ReportRow]) -> dict[str, str]:
    """Duplicate key -> the report shown for it: the latest upload of each agency and year."""
    best: dict[str, tuple[str, str]] = {}
    for rid, result in readings.items():
        row = rows.get(rid)
        if row is None:
            continue
        key = duplicate_key(result, rid)
        stamp = (row.uploaded_at, rid)
        if key not in best or stamp > best[key]:
            best[key] = stamp
    return {key: stamp[1] for key, stamp in best.items()}


class Workbench:
    """One workspace: its store, its analysis thread and its derived views."""

    def __init__(self, workspace: Path, *, workers: int = 2, settings: Settings | dict | None = None,
                 score_config=None, load_in_background: bool = False):
        self.store = Store(workspace)
        self.settings = resolve(settings)
        self.score_config = resolve_config(score_config)
        self.workers = max(1, workers)
        self.lock = threading.RLock()
        self._readings: dict[str, ReportResult] = {}
        self._rows: dict[str, ReportRow] = {}
        self._finished: dict[str, ReportResult] = {}
        self._previous: dict[str, str] = {}
        self._canonical: dict[str, str] = {}  # duplicate key -> report id shown
        self._decisions: dict[str, Decision] = {}
        self._decided: dict[str, ReportResult] = {}
        self._rankings: dict[int, Ranking] = {}
        self._ranks: dict[str, int] = {}
        self._alone: dict[str, ReportResult] = {}  # superseded duplicates, finished on their own
        self._index: Index | None = None
        self._full_pending = False
        self._full_running = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.changed_at = time.time()
        # Loading a large store takes seconds (every reading, then the run-level stages over all):
        # ``analyzer serve`` answers at once and says it is loading; tests load before they ask.
        self.ready = threading.Event()
        with self.lock:
            self._reload_rows()
        if not load_in_background:
            self._load()

    # ------------------------------------------------------------ life cycle

    def _load(self, quick: bool = False) -> None:
        """Read the store; ``quick``: finish agency by agency now and over all reports later (in the thread)."""
        if self.ready.is_set():
            return
        self.store.requeue_interrupted()
        self.store.requeue_stale()
        readings = {rid: r for rid, r in self.store.readings()}
        with self.lock:
            self._readings = readings
            self._decisions = self.store.decisions()
            self._reload_rows()
            if quick:
                self._refresh_agencies({agency_key(r.meta.agency) or rid for rid, r in readings.items()})
                self._full_pending = bool(readings)
            else:
                self._refresh_all()
        self.ready.set()

    def start(self) -> None:
        """Start the analysis thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="analyzer-serve-analysis", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.store.close()

    def idle(self) -> bool:
        """Loaded, nothing queued or running, and the views are up to date."""
        if not self.ready.is_set():
            return False
        with self.lock:
            busy = any(r.status in ("queued", "running") for r in self._rows.values())
            return not busy and not self.cross_checking()

    def cross_checking(self) -> bool:
        """Whether the run-level stages over all reports (text shared across agencies) are still to come."""
        return self._full_pending or self._full_running

    def wait_idle(self, timeout: float = 120.0) -> bool:
        """Block until :meth:`idle` (tests, benchmarks, ``serve PATH…`` at start)."""
        end = time.time() + timeout
        while time.time() < end:
            if self.idle():
                return True
            time.sleep(0.05)
        return False

    # ------------------------------------------------------------ uploads

    def add_upload(self, name: str | None, data: bytes, *, batch: str) -> ReportRow:
        """Keep one uploaded file and queue it; an empty file is unreadable at once."""
        display = clean_name(name)
        suffix = Path(display).suffix.lower()
        suffix = suffix if suffix in runner.SUPPORTED_SUFFIXES else ""
        sha = self.store.keep_upload(data, suffix=suffix)
        rid = "r" + sha[:12]
        if not data:
            self.store.add_report(report_id=rid, sha256=sha, file=display, batch=batch, status="unreadable",
                                  reason=errors.EMPTY_FILE.format(name=display))
        else:
            self.store.add_report(report_id=rid, sha256=sha, file=display, batch=batch)
        with self.lock:
            self._reload_rows()
            self.changed_at = time.time()
        self._wake.set()
        return self._rows[rid]

    def add_paths(self, paths: list[Path]) -> list[ReportRow]:
        """Queue every report file under the given paths (``analyzer serve --workspace W PATH…``)."""
        batch = new_batch()
        return [self.add_upload(p.name, p.read_bytes(), batch=batch) for p in runner.collect_paths(paths)]

    # ------------------------------------------------------------ the analysis thread

    def _work(self) -> None:
        self._load(quick=True)
        warmed = False
        while not self._stop.is_set():
            queued = self.store.reports(status="queued")[: self.workers * 2]
            if not queued:
                if self._full_pending:
                    self._refresh_full()
                    continue
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            if not warmed:
                try:
                    runner.warm_up()
                except Exception as exc:  # noqa: BLE001 - missing models: every file says why
                    for row in queued:
                        self.store.save_unreadable(row.id, f"{row.file}：{exc}")
                    self._after_batch(set())
                    continue
                warmed = True
            self._analyse(queued)

    def _analyse(self, rows: list[ReportRow]) -> None:
        ids = [r.id for r in rows]
        self.store.set_status(ids, "running")
        with self.lock:
            self._reload_rows()
        paths = [self.store.stored_file(rid) for rid in ids]
        try:
            outcomes = runner.run_files(read_report, paths, self.settings, workers=self.workers)
        except Exception as exc:  # noqa: BLE001 - the pool itself failed: these files say so, the server goes on
            outcomes = [Failure(str(p), UNEXPECTED.format(name=p.name, error=type(exc).__name__), "unexpected")
                        for p in paths]
        agencies: set[str] = set()
        for row, path, outcome in zip(rows, paths, outcomes):
            try:
                if isinstance(outcome, ReportResult):
                    result = replace(outcome, source=row.id)
                    self.store.save_reading(row.id, result)
                    with self.lock:
                        self._readings[row.id] = result
                    agencies.add(agency_key(result.meta.agency) or row.id)
                else:
                    # The name it has now: the same bytes uploaded again under another name while this ran.
                    name = (self.store.report(row.id) or row).file
                    self.store.save_unreadable(row.id, outcome.error.replace(path.name, name))
                    with self.lock:
                        self._readings.pop(row.id, None)
            except Exception as exc:  # noqa: BLE001 - e.g. a reading that cannot be stored
                self.store.save_unreadable(row.id, UNEXPECTED.format(name=row.file, error=type(exc).__name__))
        self._after_batch(agencies)

    def _after_batch(self, agencies: set[str]) -> None:
        with self.lock:
            self._reload_rows()
            self._refresh_agencies(agencies)
            self._full_pending = True

    # ------------------------------------------------------------ derived views

    def _reload_rows(self) -> None:
        self._rows = {r.id: r for r in self.store.reports()}
        for rid in list(self._readings):
            row = self._rows.get(rid)
            if row is None or row.status == "unreadable":
                del self._readings[rid]

    def _canonical_ids(self) -> dict[str, str]:
        return shown_reports(self._readings, self._rows)

    def _finish(self, rids: list[str]) -> tuple[dict[str, ReportResult], dict[str, str]]:
        run = finish_run(RunResult(results=[self._readings[r] for r in rids]), self.score_config)
        return {r.source: r for r in run.results}, dict(run.previous)

    def _refresh_all(self) -> None:
        self._canonical = self._canonical_ids()
        self._finished, self._previous = self._finish(sorted(self._canonical.values()))
        self._invalidate()

    def _refresh_agencies(self, agencies: set[str]) -> None:
        """Finish again the reports of the agencies just read (all their years)."""
        self._canonical = self._canonical_ids()
        shown = set(self._canonical.values())
        for rid in list(self._finished):
            if rid not in shown:
                del self._finished[rid]
                self._previous.pop(rid, None)
        todo = sorted(rid for rid in shown
                      if (agency_key(self._readings[rid].meta.agency) or rid) in agencies or rid not in self._finished)
        groups: dict[str, list[str]] = {}
        for rid in todo:
            groups.setdefault(agency_key(self._readings[rid].meta.agency) or rid, []).append(rid)
        for group in groups.values():  # one agency at a time: small runs, milliseconds each
            finished, previous = self._finish(group)
            for rid in group:
                self._previous.pop(rid, None)
            self._finished.update(finished)
            self._previous.update(previous)
        self._invalidate()

    def _refresh_full(self) -> None:
        """Every report finished together, computed outside the lock and swapped in."""
        with self.lock:
            readings = dict(self._readings)
            rows = dict(self._rows)
            self._full_pending = False
            self._full_running = True
        try:
            self._finish_all(readings, rows)
        finally:
            self._full_running = False

    def _finish_all(self, readings: dict[str, ReportResult], rows: dict[str, ReportRow]) -> None:
        canonical = shown_reports(readings, rows)
        run = finish_run(RunResult(results=[readings[r] for r in sorted(canonical.values())]), self.score_config)
        with self.lock:
            if self._readings.keys() != readings.keys() or self._full_pending:
                self._full_pending = True  # something arrived meanwhile: again, later
                return
            self._canonical = canonical
            self._finished = {r.source: r for r in run.results}
            self._previous = dict(run.previous)
            self._invalidate()

    def _invalidate(self, report_ids: set[str] | None = None) -> None:
        if report_ids is None:
            self._decided.clear()
            self._alone.clear()
            self._index = None
        else:
            for rid in report_ids:
                self._decided.pop(rid, None)
        self._rankings.clear()
        self._ranks.clear()
        self.changed_at = time.time()

    def _indexed(self) -> Index:
        if self._index is None:
            self._index = build_index(self._readings, self._finished, self._previous)
        return self._index

    # ------------------------------------------------------------ reading the views

    def row(self, report_id: str) -> ReportRow | None:
        with self.lock:
            return self._rows.get(report_id)

    def rows(self) -> list[ReportRow]:
        with self.lock:
            return list(self._rows.values())

    def batch_rows(self, batch: str | None = None) -> list[ReportRow]:
        batch = batch or self.store.last_batch()
        with self.lock:
            return [r for r in self._rows.values() if r.batch == batch] if batch else []

    def shown_ids(self) -> set[str]:
        with self.lock:
            return set(self._canonical.values())

    def duplicates(self, report_id: str) -> list[str]:
        """The other uploads of the same report (agency and year), newest first."""
        with self.lock:
            result = self._readings.get(report_id)
            if result is None:
                return []
            others = [rid for rid in self._indexed().duplicates.get(duplicate_key(result, report_id), ())
                      if rid != report_id]
            return sorted(others, key=lambda rid: self._rows[rid].uploaded_at, reverse=True)

    def shown_as(self, report_id: str) -> str | None:
        """The report id shown for this upload's agency and year (itself unless superseded)."""
        with self.lock:
            result = self._readings.get(report_id)
            return self._canonical.get(duplicate_key(result, report_id)) if result is not None else None

    def finished(self, report_id: str) -> ReportResult | None:
        """The report after the run-level stages and the score, before decisions."""
        with self.lock:
            if report_id in self._finished:
                return self._finished[report_id]
            hit = self._alone.get(report_id)
            if hit is not None:
                return hit
            reading = self._readings.get(report_id)
            if reading is None:
                return None
            # A superseded duplicate: finished on its own, on demand.
            self._alone[report_id] = finish_run(RunResult(results=[reading]), self.score_config).results[0]
            return self._alone[report_id]

    def previous_of(self, report_id: str) -> str | None:
        with self.lock:
            return self._previous.get(report_id)

    def decided(self, report_id: str) -> ReportResult | None:
        """The report with the supervisor's decisions applied and scored again."""
        with self.lock:
            hit = self._decided.get(report_id)
            if hit is not None:
                return hit
            result = self.finished(report_id)
            if result is None:
                return None
            decided = apply_decisions(result, self._decisions, score_config=self.score_config,
                                      has_previous=report_id in self._previous)
            if report_id in self._finished:
                self._decided[report_id] = decided
            return decided

    def decision(self, finding_id: str) -> Decision | None:
        with self.lock:
            return self._decisions.get(finding_id)

    def decisions(self) -> dict[str, Decision]:
        with self.lock:
            return dict(self._decisions)

    def years(self) -> list[int]:
        """The statistical years of the shown reports, latest first."""
        with self.lock:
            return sorted({self._finished[r].meta.year for r in self._finished if self._finished[r].meta.year},
                          reverse=True)

    def year_ids(self, year: int | None) -> list[str]:
        with self.lock:
            return list(self._indexed().years.get(year, ()))

    def ranking(self, year: int | None) -> Ranking:
        """The ranking of one statistical year, decisions applied (``None``: reports of unknown year)."""
        with self.lock:
            key = -1 if year is None else year
            hit = self._rankings.get(key)
            if hit is not None:
                return hit
            ids = self.year_ids(year)
            results = [self.decided(rid) for rid in ids]
            ranking = rank_results(RunResult(results=results), self.score_config)
            self._rankings[key] = ranking
            self._ranks.update((row.source, row.rank) for row in ranking.ranked)
            return ranking

    def rank(self, report_id: str) -> int | None:
        with self.lock:
            result = self._finished.get(report_id)
            if result is None:
                return None
            self.ranking(result.meta.year)
            return self._ranks.get(report_id)

    def agency_ids(self, key: str) -> list[str]:
        """The shown reports of one agency (by ``linking.agency_key``), oldest year first."""
        with self.lock:
            index = self._indexed()
            members = index.agencies.get(key)
            if not members:
                return []
            linked = index.linked[members[0]]
            return sorted(linked, key=lambda rid: (self._finished[rid].meta.year or 0, rid))

    def owner_of(self, finding_id: str) -> list[str]:
        """The reports (shown or not) that carry a finding."""
        with self.lock:
            return list(self._indexed().findings.get(finding_id, ()))

    # ------------------------------------------------------------ decisions

    def decide(self, finding_id: str, decision: str | None, reason: str) -> Decision | None:
        """Store a decision; the reports carrying the finding are scored again, the rankings follow."""
        d = self.store.decide(finding_id=finding_id, decision=decision, reason=reason)
        with self.lock:
            if d is None:
                self._decisions.pop(finding_id, None)
            else:
                self._decisions[finding_id] = d
            self._invalidate(set(self.owner_of(finding_id)))
        return d

    def report_key(self, report_id: str) -> str | None:
        """agency|year of a report (``pipeline.report_key``): what its review edits are kept under."""
        with self.lock:
            r = self._readings.get(report_id)
            return report_key(r.meta, report_id) if r is not None else None


def new_batch() -> str:
    """An id for the files of one upload request (the progress list shows the latest)."""
    return time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
