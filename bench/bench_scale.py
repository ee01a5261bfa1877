"""Whole runs of 1,000 and 10,000 files: throughput, memory, store size, run-level stages; local against Dask.

Files are made by varying the shipped corpus (TXT, HTML, DOCX, PDF) and the
real reports of ../shared/corpus-real (``bench_run.make_variants``: text
formats get a new agency and changed numbers, binary formats are copied under
new names) into a temporary folder, deleted afterwards.

Each configuration runs ``analyzer.scale.analyze_to`` (what ``analyzer
analyze`` runs) in a fresh process and prints: reports per second, peak memory
of the main process and of the largest worker (``ru_maxrss`` of the process
and of its reaped children: pebble workers, or Dask nannies, workers and their
per-file children), the store's size, and the time of the run-level stages
(links, shared statements, finishing, outputs). Dask runs use a LocalCluster
of 2 worker processes.

    .venv/bin/python bench/bench_scale.py                       # 1,000 local and dask, then 10,000 local
    .venv/bin/python bench/bench_scale.py --runs 1000:local,1000:dask
"""

from __future__ import annotations

import argparse
import os
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def run_once(folder: Path, engine: str, workers: int) -> dict:
    """One measured run in this (fresh) process."""
    from analyzer.runner import make_engine
    from analyzer.scale import analyze_to

    files = sorted(folder.iterdir())
    out = Path(tempfile.mkdtemp(prefix="bench-scale-out-"))
    t0 = time.perf_counter()
    done = analyze_to(files, out_dir=out, engine=make_engine(engine, workers=workers), workers=workers)
    total = time.perf_counter() - t0
    store_mb = sum(p.stat().st_size for p in (out / "store").rglob("*") if p.is_file()) / 2**20
    shutil.rmtree(out, ignore_errors=True)
    t = done.timings or {}
    return {
        "files": len(files),
        "engine": engine,
        "workers": workers,
        "read": done.reports,
        "unreadable": len(done.failures),
        "total_s": round(total, 1),
        "reports_per_s": round(len(files) / total, 2),
        "peak_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "store_mb": round(store_mb, 2),
        "linking_s": round(t.get("linking_s", 0), 2),
        "near_duplicates_s": round(t.get("near_duplicates_s", 0), 2),
        # Above scale.WHOLE_RUN_LIMIT reports are finished and written one by one: one figure for both.
        **({"finishing_and_outputs_s": round(t["finishing_and_outputs_s"], 2)} if "finishing_and_outputs_s" in t else
           {"finishing_s": round(t.get("finishing_s", 0), 2), "outputs_s": round(t.get("outputs_s", 0), 2)}),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", default="1000:local,1000:dask,10000:local", help="N:ENGINE, comma-separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--one", nargs=3, metavar=("FOLDER", "ENGINE", "WORKERS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_once(Path(args.one[0]), args.one[1], int(args.one[2]))))
        return 0
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared)", flush=True)
    from bench_run import make_variants

    folders: dict[int, Path] = {}
    try:
        for item in args.runs.split(","):
            n, engine = item.split(":")
            n = int(n)
            if n not in folders:
                folders[n] = Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-"))
                make_variants(n, folders[n])
            cmd = [sys.executable, __file__, "--one", str(folders[n]), engine, str(args.workers)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"{item} failed:\n{done.stderr[-3000:]}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    finally:
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
