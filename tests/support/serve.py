"""Helpers for the workbench's tests and benchmark: an analysed workspace, a live server.

The analysed workspace is built once per process (analysing takes seconds)
and copied for every test, so that no two tests share a store.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
REAL = ROOT.parent / "shared" / "corpus-real"

SEEDS = [CORPUS / f"{stem}.txt" for stem in (
    "000_d1513ee4e846cccb", "001_dc17ca86c1b8bf45", "002_1d3bd799e56a65c1", "003_3e90722e65647b3d",
    "004_88f21ce372e9fb84")] + [CORPUS / "000_d1513ee4e846cccb.pdf"]
# The same department in two consecutive years (continuity and recurring problems).
YEAR_PAIR = [REAL / "real0051.txt", REAL / "real0014.txt"]

_TEMPLATE: dict[str, Path] = {}


def seed_files() -> list[Path]:
    """The files of the shared analysed workspace: the seeds, a PDF, and a year pair when available."""
    return SEEDS + [p for p in YEAR_PAIR if p.exists()]


def analysed_template() -> Path:
    """A workspace with ``seed_files()`` analysed, built once per process; copy it, never change it."""
    if "path" not in _TEMPLATE:
        from analyzer.serve.workbench import Workbench

        folder = Path(tempfile.mkdtemp(prefix="analyzer-serve-template-"))
        atexit.register(shutil.rmtree, folder, True)
        bench = Workbench(folder / "ws", workers=2)
        bench.start()
        bench.add_paths(seed_files())
        assert bench.wait_idle(600), "analysis of the seed workspace did not finish"
        bench.stop()
        _TEMPLATE["path"] = folder / "ws"
    return _TEMPLATE["path"]


def copy_workspace(target: Path) -> Path:
    shutil.copytree(analysed_template(), target)
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workspace: Path, port: int, *args: str, env: dict | None = None, timeout: float = 60) -> subprocess.Popen:
    """``analyzer serve`` in a process of its own; returns when /api/health answers (else fails with its output)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer.cli", "serve", "--workspace", str(workspace), "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=ROOT,
    )
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            break
        try:
            # /api/reports answers 200 once the store is loaded (503 before).
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/reports", timeout=5) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    out, err = proc.communicate(timeout=10)
    raise AssertionError(f"analyzer serve did not start:\n{out.decode()}\n{err.decode()}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
