"""Start-up and batch speed, measured from outside with /usr/bin/time -v: the median of several cold runs.

- ``analyzer check ../shared/corpus-real/szfgs2024.pdf`` (the 6-page real
  PDF): wall time and peak memory, five runs (target: under 1 s);
- ``analyzer --version``: what importing the command line alone costs;
- a batch of mixed files (corpus/: TXT, HTML, DOCX, PDF, and the real reports)
  with ``analyzer analyze --workers 2``: reports per second (target: ≥ 10 on 2 cores).

    .venv/bin/python bench/bench_startup.py
    .venv/bin/python bench/bench_startup.py --runs 5 --batch-runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANALYZER = ROOT / ".venv" / "bin" / "analyzer"
PDF = ROOT.parent / "shared" / "corpus-real" / "szfgs2024.pdf"
REAL = ROOT.parent / "shared" / "corpus-real"


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds: user + system, children included) of one run under /usr/bin/time -v."""
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if not wall or not rss:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    cpu = sum(float(m.group(1)) for m in re.finditer(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr))
    return seconds, int(rss.group(1)) / 1024, cpu


def median_of(cmd: list[str], runs: int) -> tuple[float, float, list[float], float]:
    """Median wall seconds, median peak MB, every run's wall seconds, median CPU seconds.

    On a shared machine the wall time includes waiting for a core; the CPU
    time says what the command itself costs.
    """
    times, peaks, cpus = [], [], []
    for _ in range(runs):
        t, m, c = timed(cmd)
        times.append(t)
        peaks.append(m)
        cpus.append(c)
    return statistics.median(times), statistics.median(peaks), times, statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch-runs", type=int, default=3)
    args = ap.parse_args(argv)
    if not shutil.which("time", path="/usr/bin"):
        raise SystemExit("/usr/bin/time is missing (Debian: apt-get install time)")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared)", flush=True)
    t, m, all_t, c = median_of([str(ANALYZER), "--version"], args.runs)
    print(f"analyzer --version: median {t:.2f} s (CPU {c:.2f} s), peak {m:.0f} MB  (runs: {', '.join(f'{x:.2f}' for x in all_t)})")
    if PDF.exists():
        t, m, all_t, c = median_of([str(ANALYZER), "check", str(PDF)], args.runs)
        print(f"analyzer check {PDF.name}: median {t:.2f} s (CPU {c:.2f} s), peak {m:.0f} MB  (runs: {', '.join(f'{x:.2f}' for x in all_t)})")
    else:
        print(f"{PDF} not available: check not measured")
    batch = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        for p in sorted((ROOT / "corpus").iterdir()):
            shutil.copy(p, batch)
        if REAL.is_dir():
            for p in sorted(REAL.iterdir()):
                if p.is_file() and p.suffix in (".txt", ".pdf"):
                    shutil.copy(p, batch)
        n = sum(1 for _ in batch.iterdir())
        out = Path(tempfile.mkdtemp(prefix="bench-startup-out-"))
        t, m, all_t, c = median_of([str(ANALYZER), "analyze", str(batch), "--out", str(out), "--workers", "2"], args.batch_runs)
        shutil.rmtree(out, ignore_errors=True)
        print(f"analyze {n} mixed files, 2 workers: median {t:.1f} s = {n / t:.2f} reports/s (CPU {c:.1f} s), peak main {m:.0f} MB"
              f"  (runs: {', '.join(f'{x:.1f}' for x in all_t)})")
    finally:
        shutil.rmtree(batch, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
