"""Crash-proof batches: a worker that dies or hangs costs one row of failures.csv, never the run.

Faults are injected through ``ANALYZER_TEST_FAULT`` (see ``analyzer/runner.py``):
the worker that picks up the named file calls ``os._exit`` or sleeps forever.
LibreOffice is played by a shell script that leaves a helper process behind,
as ``soffice`` does, so that the tests can see its process group die.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import analyzer.cli
from analyzer import errors
from analyzer.cli import app
from analyzer.config import Settings
from analyzer.ingest import read_document
from analyzer.model import ReportResult
from analyzer.pipeline import analyze_run
from analyzer.runner import FAULT_ENV, run_files
from conftest import CORPUS

runner = CliRunner()
SEED000 = CORPUS / "000_d1513ee4e846cccb.txt"
SEED001 = CORPUS / "001_dc17ca86c1b8bf45.txt"
SEED002 = CORPUS / "002_1d3bd799e56a65c1.txt"
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512 - 8) + b"Word.Document.8" * 40


@pytest.fixture
def folder(tmp_path) -> Path:
    """Three seeds in a folder of their own."""
    src = tmp_path / "in"
    src.mkdir()
    for seed in (SEED000, SEED001, SEED002):
        shutil.copy(seed, src)
    return src


def test_crashing_worker_is_one_row_of_failures_csv(folder, tmp_path, monkeypatch):
    monkeypatch.setenv(FAULT_ENV, f"crash:{SEED001.name}")
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(folder), "--out", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "failures.csv").open(encoding="utf-8-sig")))
    assert [Path(r["source"]).name for r in rows] == [SEED001.name]
    assert "工作进程意外退出（退出码 70）" in rows[0]["error"]
    assert (out / f"{SEED000.stem}.json").is_file() and (out / f"{SEED002.stem}.json").is_file()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("workers", [1, 2])
def test_crash_and_hang_in_one_run(folder, monkeypatch, workers):
    """The dead worker is replaced: the files after the crash and the hang are still analysed."""
    monkeypatch.setenv(FAULT_ENV, f"crash:{SEED000.name};hang:{SEED001.name}")
    started = time.monotonic()
    run = analyze_run([folder], Settings(per_file_timeout_s=1), workers=workers)
    assert time.monotonic() - started < 30
    assert [Path(r.source).name for r in run.results] == [SEED002.name]
    assert [(Path(f.source).name, f.kind) for f in run.failures] == [(SEED000.name, "crash"), (SEED001.name, "timeout")]
    assert run.failures[1].error == f"{SEED001.name}：处理超时（超过1秒），已跳过。"


@pytest.mark.parametrize("command", ["extract", "check", "review"])
def test_single_file_command_times_out_with_exit_2(monkeypatch, command):
    monkeypatch.setenv(FAULT_ENV, f"hang:{SEED001.name}")
    monkeypatch.setattr(analyzer.cli, "_settings", lambda: Settings(per_file_timeout_s=0.5))
    result = runner.invoke(app, [command, str(SEED001)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{SEED001.name}：处理超时（超过0.5秒），已跳过。"


def test_single_file_command_survives_a_crash(monkeypatch):
    monkeypatch.setenv(FAULT_ENV, f"crash:{SEED001.name}")
    result = runner.invoke(app, ["check", str(SEED001)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "工作进程意外退出" in result.stderr


def test_a_limit_means_a_worker_process_even_for_one_worker():
    """A hang can be stopped only from outside: with a limit, the task never runs in this process."""
    limited = run_files(_pid, [SEED000], Settings(per_file_timeout_s=5), workers=1)
    in_process = run_files(_pid, [SEED000], Settings(per_file_timeout_s=0), workers=1)
    assert limited != [os.getpid()] and in_process == [os.getpid()]


def _pid(path: str, settings: Settings) -> int:
    return os.getpid()


def test_outcomes_keep_the_order_of_the_files(folder):
    files = sorted(folder.iterdir())
    outcomes = run_files(_name, files, Settings(), workers=2)
    assert outcomes == [f.name for f in files]


def _name(path: str, settings: Settings) -> str:
    return Path(path).name


def test_an_error_in_the_file_is_a_failure_not_a_crash(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    run = analyze_run([tmp_path / "empty.txt", SEED000], workers=1)
    assert [r.source for r in run.results] == ["corpus/" + SEED000.name]
    assert [(f.kind, f.error) for f in run.failures] == [("unreadable", "empty.txt：文件为空，无法读取。")]
    assert isinstance(run.results[0], ReportResult)


def test_default_limit_is_on():
    assert Settings().per_file_timeout_s > 0
    with pytest.raises(ValueError):
        Settings(per_file_timeout_s=-1)


# ---------------------------------------------------------------- LibreOffice's process group

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")


@pytest.fixture
def fake_office(tmp_path, monkeypatch) -> Path:
    """A ``soffice`` that starts a helper (as the real one starts soffice.bin), notes its pid, and waits."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pid_file = tmp_path / "helper.pid"
    script = bin_dir / "soffice"
    script.write_text(f'#!/bin/sh\nsleep 30 >/dev/null 2>&1 &\necho $! > "{pid_file}"\nwait\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return pid_file


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a killed orphan may linger as a zombie until init reaps it


def _helper_stopped(pid_file: Path) -> bool:
    deadline = time.monotonic() + 10
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _running(pid)


@needs_proc
def test_office_timeout_kills_the_whole_group(tmp_path, fake_office):
    path = tmp_path / "report.doc"
    path.write_bytes(OLE_DOC)
    started = time.monotonic()
    with pytest.raises(errors.UnreadableInput, match="超过1秒未完成"):
        read_document(path, Settings(legacy_timeout_s=1))
    assert time.monotonic() - started < 10  # not waiting for the helper to end by itself
    assert _helper_stopped(fake_office)


@needs_proc
def test_office_helpers_left_behind_are_killed(tmp_path, fake_office):
    """The launcher exits at once but its helper stays, as soffice.bin may: the group still goes."""
    script = Path(shutil.which("soffice"))
    script.write_text(script.read_text(encoding="utf-8").replace("wait\n", "exit 1\n"), encoding="utf-8")
    path = tmp_path / "report.doc"
    path.write_bytes(OLE_DOC)
    with pytest.raises(errors.UnreadableInput, match="转换失败（退出码 1）"):
        read_document(path, Settings(legacy_timeout_s=30))
    assert _helper_stopped(fake_office)


@needs_proc
def test_worker_stopped_mid_conversion_kills_office(tmp_path, fake_office, monkeypatch):
    """The per-file limit fires while LibreOffice runs: the worker takes its process group down,
    and the conversion's temporary folder (a copy of the input) goes with it."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # forked workers inherit it
    path = tmp_path / "report.doc"
    path.write_bytes(OLE_DOC)
    run = analyze_run([path], Settings(per_file_timeout_s=1, legacy_timeout_s=60), workers=1)
    assert [f.kind for f in run.failures] == ["timeout"]
    assert _helper_stopped(fake_office)
    assert not list(scratch.glob("analyzer-legacy-*"))


@needs_proc
def test_office_timeout_leaves_no_folder(tmp_path, fake_office, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = tmp_path / "report.doc"
    path.write_bytes(OLE_DOC)
    with pytest.raises(errors.UnreadableInput):
        read_document(path, Settings(legacy_timeout_s=1))
    assert not list(tmp_path.glob("analyzer-legacy-*"))


def test_largest_files_start_first_and_outcomes_keep_the_order(tmp_path):
    from analyzer.runner import largest_first

    small, big, also_small = tmp_path / "b.txt", tmp_path / "c.txt", tmp_path / "a.txt"
    small.write_text("x")
    also_small.write_text("y")
    big.write_text("z" * 1000)
    missing = tmp_path / "gone.txt"
    assert largest_first([small, missing, big, also_small]) == [big, also_small, small, missing]


def test_forked_jobs_answer_in_order_and_raise_as_in_turn():
    from analyzer.runner import run_in_forks

    assert run_in_forks([lambda n=n: n * n for n in range(7)], workers=2) == [n * n for n in range(7)]
    assert run_in_forks([lambda: os.getpid()], workers=2) == [os.getpid()]  # one job: here
    assert os.getpid() not in run_in_forks([os.getpid] * 4, workers=2)  # several: in the workers
    assert run_in_forks([os.getpid] * 4, workers=1) == [os.getpid()] * 4

    def broken():
        raise ValueError("损坏")

    with pytest.raises(ValueError, match="损坏"):
        run_in_forks([lambda: 1, broken, lambda: 3], workers=2)
