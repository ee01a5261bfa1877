"""Many files, one task each, in worker processes that a bad file cannot take down.

One interface, two engines (``ENGINES``): :class:`LocalEngine`, a pebble
``ProcessPool`` on this machine, and :class:`DaskEngine`, the workers of a
Dask ``distributed`` cluster (``docs/CLUSTER.md``). Both yield, for every
file, the task's result or a :class:`~analyzer.model.Failure`, with the same
sources and the same failure rows; :func:`iter_files` yields them as they
finish (what a streaming run consumes), :func:`run_files` returns them in
the order of the files.

:func:`run_files` runs a task (``pipeline`` passes its per-report stages) on
every file in a pebble ``ProcessPool``. The per-file limit
(``Settings.per_file_timeout_s``) is enforced from outside: a worker past it
gets SIGTERM, then SIGKILL three seconds later, so even a C call that never
returns to the interpreter (a pdfminer loop, one giant regular expression)
is stopped. A worker that dies (segfault, ``os._exit``, the kernel's OOM
killer) is noticed too. Either way pebble starts a fresh worker, the file
becomes one :class:`~analyzer.model.Failure` and the run goes on.

Workers are forked after :func:`warm_up` has loaded the classifier, jieba and
spaCy in this process, so they start in milliseconds and share that memory
copy-on-write. Where ``fork`` does not exist, each worker loads them on its
first file.

``workers=1`` with a limit still uses one worker process: a hang inside the
process that must notice it cannot be interrupted reliably (a signal handler
runs only when the interpreter regains control). That costs a fork and one
pickled result per file: the 24 reports of ``corpus/`` took 2.5–3.7 s in a
worker against 2.6–3.3 s in-process (three runs each, a loaded 2-core
machine), within the noise. Only ``per_file_timeout_s=0`` with one worker runs
in this process, e.g. to debug with pdb.

LibreOffice (``ingest.legacy``) runs in its own process group. A worker
stopped by the pool kills those groups in its SIGTERM handler before it
exits; the conversion kills its group itself on every other way out.

Test-only fault injection: when the environment variable
``ANALYZER_TEST_FAULT`` is set to ``crash:NAME`` or ``hang:NAME`` (several
joined by ``;``), the worker that picks up the file named NAME calls
``os._exit`` or sleeps forever instead of processing it
(``tests/test_runner.py``). Nothing sets it outside the tests.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import itertools
import logging
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from dataclasses import replace
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

from pebble import ProcessExpired, ProcessPool

from analyzer import errors, resources
from analyzer.config import Settings
from analyzer.ingest import legacy
from analyzer.ingest.pdf import scanned
from analyzer.model import Failure

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".html", ".htm", ".txt", ".md", ".shtml", ".js", ".rtf"}
FAULT_ENV = "ANALYZER_TEST_FAULT"
WINDOW = 4  # tasks queued per worker ahead of the one it runs

CRASHED = "{name}：处理该文件的工作进程意外退出（退出码 {code}），已跳过；可单独分析该文件以确认。"
POOL_BROKEN = "{name}：工作进程池异常终止，该文件未能处理，已跳过；请重新运行。"
UNEXPECTED = "{name}：处理时发生意外错误（{error}）"

T = TypeVar("T")
Task = Callable[[str, Settings], T]


class WorkerCrashed(errors.AnalyzerError):
    """The worker process died while processing the file."""


def display_path(path: Path) -> str:
    """The path as a user would recognise it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def collect_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files under the given paths, sorted, so that input order never changes the output."""
    found: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in p.rglob("*"):
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith("."):
                    found.add(f)
        else:
            found.add(p)  # a named file is tried whatever its suffix: the content decides
    return sorted(found, key=lambda f: str(f))


def warm_up(readers: bool = False) -> None:
    """Load what every report needs once, here, before workers fork from this process.

    Also the check that the model files are installed and loadable: one
    clear error before the run instead of the same failure for every file.
    ``readers``: also import the libraries that read PDF and DOCX (0.2 s), for
    a batch, so that each forked worker does not import them again.
    """
    from analyzer.narrative import analyze, classify, segment

    resources.check_models()
    classify.get_model()
    # spaCy only when the narrative is read through its pipeline: importing it costs ~1 s a process.
    segment.get_nlp() if analyze.READER == "spacy" else segment.get_tokenizer()
    if readers:
        import docx  # noqa: F401
        import pdfplumber  # noqa: F401
        import pypdfium2  # noqa: F401


class Engine(Protocol):
    """Runs a task on many files; yields ``(path, result or Failure)`` as each finishes."""

    name: str

    def imap(self, task: Task[T], files: list[Path], settings: Settings) -> Iterator[tuple[str, T | Failure]]: ...


class LocalEngine:
    """Worker processes of this machine (pebble), or this process for one worker without a limit."""

    name = "local"

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)

    def imap(self, task: Task[T], files: list[Path], settings: Settings) -> Iterator[tuple[str, T | Failure]]:
        if self.workers <= 1 and not settings.per_file_timeout_s:
            for f in files:
                yield str(f), _attempt(task, str(f), settings)
            return
        if len(files) == 1:
            yield str(files[0]), _alone(task, files[0], settings)
            return
        yield from _pooled(task, files, settings, min(self.workers, len(files)))


def make_engine(name: str = "local", *, workers: int = 1, scheduler: str | None = None) -> Engine:
    """The engine of that name (``ENGINES``); ``scheduler`` is a Dask scheduler's address."""
    if name not in ENGINES:
        raise ValueError(f"Unknown engine {name!r}; use one of {sorted(ENGINES)}")
    if name == "local":
        if scheduler:
            raise ValueError("--scheduler needs --engine dask")
        return LocalEngine(workers)
    return DaskEngine(scheduler, workers=workers)


def iter_files(
    task: Task[T], files: list[Path], settings: Settings, *, engine: Engine | None = None,
    progress: Callable[[str], None] | None = None,
) -> Iterator[tuple[str, T | Failure]]:
    """``(path, outcome)`` for every file, in the order they finish."""
    if not files:
        return
    for path, outcome in (engine or LocalEngine()).imap(task, files, settings):
        if progress:
            progress(path)
        yield path, outcome


def run_files(
    task: Task[T], files: list[Path], settings: Settings, *, workers: int = 1,
    progress: Callable[[str], None] | None = None, engine: Engine | None = None,
) -> list[T | Failure]:
    """``task(path, settings)`` for every file: its result, or a Failure (unreadable, timeout, crash).

    Outcomes come in the order of ``files``; ``progress`` is called with each
    path as it finishes. ``engine`` defaults to a local pool of ``workers``.
    """
    by_path = dict(iter_files(task, files, settings, engine=engine or LocalEngine(workers), progress=progress))
    return [by_path[str(f)] for f in files]


def run_one(task: Task[T], path: Path, settings: Settings) -> T:
    """``task(path, settings)`` under the same limit as a batch; a Failure is raised as its error."""
    outcome = run_files(task, [path], settings)[0]
    if not isinstance(outcome, Failure):
        return outcome
    if outcome.kind == "timeout":
        raise errors.ProcessingTimeout(outcome.error)
    if outcome.kind == "crash":
        raise WorkerCrashed(outcome.error)
    raise errors.AnalyzerError(outcome.error)


_FORK_JOBS: list = []


def run_in_forks(jobs, workers: int) -> list:
    """Independent jobs (callables without arguments) on ``workers`` forked processes; their results in order.

    The jobs reach the children through the fork (only their index is sent),
    so jobs that close over a whole run's results cost no pickling. One
    worker, a single job, or a platform without fork: here, one after the
    other. An error in a job is raised here, as it would be in turn.
    """
    jobs = list(jobs)
    if workers <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [job() for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    _FORK_JOBS[:] = jobs
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_fork_job, range(len(jobs))))
    finally:
        _FORK_JOBS.clear()


def _fork_job(n: int):
    return _FORK_JOBS[n]()


def largest_first(files: list[Path]) -> list[Path]:
    """The files by size, largest first: the slowest files (long PDFs, scans) start early instead
    of leaving one worker busy at the end while the others wait (outcomes do not depend on the order)."""

    def size(f: Path) -> int:
        try:
            return f.stat().st_size
        except OSError:
            return 0  # the reader will say what is wrong with it

    return sorted(files, key=lambda f: (-size(f), str(f)))


def _alone(task, path: Path, settings: Settings):
    """One file in one child process under its limit, as a pool of one would run it.

    A pebble pool spends 0.1 s polling at shutdown, a tenth of a cold
    ``analyzer check``; a single forked child (``pebble.concurrent.process``)
    answers as soon as the file is done, with the same Failures for a
    timeout or a crash.
    """
    from pebble import concurrent

    limit = file_limit(path, settings)
    future = concurrent.process(timeout=limit, context=_context())(_attempt_alone)(task, str(path), settings, _ocr_threads(1))
    return _outcome(future, str(path), settings, limit)


def _attempt_alone(task: Task[T], path: str, settings: Settings, ocr_threads: int) -> T | Failure:
    _start_worker(ocr_threads)
    return _attempt_in_worker(task, path, settings)


def _pooled(task, files, settings, workers) -> Iterator[tuple[str, object]]:
    pool = ProcessPool(max_workers=max(1, workers), initializer=_start_worker, initargs=(_ocr_threads(workers),), context=_context())
    todo = iter(largest_first(files))
    pending: dict = {}  # future -> (path, its time limit)

    def schedule(n: int) -> None:
        # A window of tasks, not the whole run: 100,000 files never sit in the queue at once.
        for f in itertools.islice(todo, n):
            limit = file_limit(f, settings)
            pending[pool.schedule(_attempt_in_worker, args=(task, str(f), settings), timeout=limit)] = (str(f), limit)

    try:
        schedule(workers * WINDOW)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                path, limit = pending.pop(future)
                yield path, _outcome(future, path, settings, limit)
            schedule(len(done))
    except BaseException:
        pool.stop()  # Ctrl+C, an error re-raised under --debug, or the consumer stopped: do not wait for the other files
        raise
    finally:
        pool.close()
        pool.join()


ENGINES = ("local", "dask")


class DaskEngine:
    """The workers of a Dask ``distributed`` cluster: its scheduler's address, or a LocalCluster.

    Each file is one Dask task. Inside the task, the file is processed as the
    local pool does it: in a child process of the Dask worker (a one-process
    pebble pool that the worker keeps), under the per-file limit, so a hang or
    a crash costs one Failure and the Dask worker lives on. Workers get
    absolute paths (they must see the files at the same place, docs/CLUSTER.md)
    and this process names the sources, so that the results do not depend on
    a worker's working folder.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, workers: int = 2):
        self.scheduler = scheduler
        self.workers = max(1, workers)

    def imap(self, task: Task[T], files: list[Path], settings: Settings) -> Iterator[tuple[str, T | Failure]]:
        from distributed import as_completed as dask_completed

        with self._client() as client:
            slots = max(1, sum(client.nthreads().values())) * WINDOW
            todo = iter(files)
            given: dict[str, tuple[str, str]] = {}  # task key -> (path as given, source)

            def submit(n: int) -> list:
                futures = []
                for f in itertools.islice(todo, n):
                    source = display_path(f)
                    # pure=False: the same file twice is two tasks.
                    future = client.submit(_dask_attempt, task, str(f.resolve()), source, settings, pure=False)
                    given[future.key] = (str(f), source)
                    futures.append(future)
                return futures

            queue = dask_completed(submit(slots))
            for future in queue:
                path, source = given.pop(future.key)
                outcome = _dask_outcome(future, source, settings)
                future.release()
                for nxt in submit(1):
                    queue.add(nxt)
                yield path, outcome

    def _client(self):
        import dask
        from distributed import Client, LocalCluster

        if self.scheduler:
            return Client(self.scheduler)
        # Workers run their files in child processes (the per-file limit), which daemonic processes may not have.
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR,
            )
        return _ClusterClient(cluster)


class _ClusterClient:
    """A client that closes its LocalCluster with it."""

    def __init__(self, cluster):
        from distributed import Client

        self.cluster = cluster
        self.client = Client(cluster)

    def __enter__(self):
        return self.client

    def __exit__(self, *exc) -> None:
        self.client.close()
        self.cluster.close()


def _dask_attempt(task: Task[T], path: str, source: str, settings: Settings) -> T | Failure:
    """Runs on a Dask worker: one file under the per-file limit; its outcome named by ``source``."""
    if settings.per_file_timeout_s:
        limit = file_limit(Path(path), settings)
        future = _worker_pool().schedule(_attempt_in_worker, args=(task, path, settings), timeout=limit)
        outcome = _outcome(future, path, settings, limit)
    else:
        outcome = _attempt_in_worker(task, path, settings)
    return _named(outcome, source)


def _named(outcome, source: str):
    """The outcome under the source name the client gave (a worker's working folder may differ)."""
    if getattr(outcome, "source", source) != source:
        return replace(outcome, source=source)
    return outcome


_WORKER_POOL: list = []


def _worker_pool() -> ProcessPool:
    """The Dask worker's own one-process pool, forked after warm-up (models shared copy-on-write)."""
    if not _WORKER_POOL:
        current = multiprocessing.current_process()
        if current.daemon:
            # A worker started without distributed.worker.daemon=False (docs/CLUSTER.md): the pool's
            # child is ours to end (pool.stop at exit), so let this process have one.
            current._config["daemon"] = False  # noqa: SLF001
        warm_up()
        _WORKER_POOL.append(ProcessPool(max_workers=1, initializer=_start_worker, context=_context()))
    return _WORKER_POOL[0]


def _dask_outcome(future, source: str, settings: Settings):
    """The outcome of a finished Dask task; a task the cluster lost (its worker died) is a crash Failure."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost connection, …
        if settings.debug:
            raise
        return Failure(source, UNEXPECTED.format(name=Path(source).name, error=f"{type(exc).__name__}: {exc}"), "crash")


def file_limit(path: Path, settings: Settings) -> float | None:
    """The file's time limit: ``per_file_timeout_s``, and ``ocr_page_timeout_s`` more for
    every page of a PDF that OCR will have to read (a scan of 20 pages is not a hang)."""
    if not settings.per_file_timeout_s:
        return None
    pages = scanned.estimate_ocr_pages(path) if settings.ocr_page_timeout_s else 0
    return settings.per_file_timeout_s + pages * settings.ocr_page_timeout_s


def _outcome(future, path: str, settings: Settings, limit: float | None = None):
    """The task's result, or the Failure for a worker that ran out of time, died or could not answer."""
    source, name = display_path(Path(path)), Path(path).name
    try:
        return future.result()
    except TimeoutError:
        return Failure(source, errors.TIMEOUT.format(name=name, limit=_seconds(limit or settings.per_file_timeout_s)), "timeout")
    except ProcessExpired as exc:
        return Failure(source, CRASHED.format(name=name, code=exc.exitcode), "crash")
    except BrokenProcessPool:
        return Failure(source, POOL_BROKEN.format(name=name), "crash")
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back
        if settings.debug:
            raise
        return Failure(source, UNEXPECTED.format(name=name, error=f"{type(exc).__name__}: {exc}"), "unexpected")


def _attempt_in_worker(task: Task[T], path: str, settings: Settings) -> T | Failure:
    _inject_fault(Path(path).name)
    return _attempt(task, path, settings)


def _attempt(task: Task[T], path: str, settings: Settings) -> T | Failure:
    """Run the task on one file; an error in the file becomes a Failure (in the worker, where it happened)."""
    try:
        return task(path, settings)
    except errors.AnalyzerError as exc:
        return Failure(display_path(Path(path)), str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken file never stops a batch
        if settings.debug:
            raise
        error = UNEXPECTED.format(name=Path(path).name, error=f"{type(exc).__name__}: {exc}")
        return Failure(display_path(Path(path)), error, "unexpected")


def _context():
    # fork shares the warmed-up model with every worker; elsewhere the platform's default.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _ocr_threads(workers: int) -> int:
    """Pages of one file a worker's OCR reads at once: the cores shared out among the workers,
    so that files and pages together never ask for more cores than there are (one worker on
    two cores: two pages at once; two workers: one page each)."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def _start_worker(ocr_threads: int = 1) -> None:
    """Pool initializer: OCR's threads for this worker (unless the environment sets them);
    on SIGTERM (the pool stopping a hung worker) take LibreOffice down too."""
    os.environ.setdefault("ANALYZER_OCR_THREADS", str(ocr_threads))
    exit_handler = signal.getsignal(signal.SIGTERM)  # pebble's: clean up multiprocessing, then exit

    def on_term(signum, frame):
        legacy.kill_office()
        if callable(exit_handler):
            exit_handler(signum, frame)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)


def _inject_fault(name: str) -> None:
    """Test-only (see the module docstring): crash or hang on the file named in ANALYZER_TEST_FAULT."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    for item in spec.split(";"):
        action, _, target = item.partition(":")
        if target != name:
            continue
        if action == "crash":
            os._exit(70)
        if action == "hang":
            while True:
                time.sleep(1)


def _seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"
