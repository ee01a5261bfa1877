"""Throughput of the whole job (read → check → analyse → score → every output).

Makes N report files by varying the shipped corpus (TXT, HTML, DOCX, PDF)
and the real reports of ../shared/corpus-real when present: text formats get
a new agency name and perturbed numbers (so checks fire differently), binary
formats are copied under new names. The variants go to a temporary folder and
are deleted afterwards.

Then it times ``analyze_run`` + ``output.run.write_run`` in a fresh process per
configuration and prints reports per second and peak memory (the process and
its worker children, from ``getrusage``) for 1, 2 and 4 workers, and how
time grows from 100 to N reports.

    .venv/bin/python bench/bench_run.py                 # 1,000 reports
    .venv/bin/python bench/bench_run.py --n 200 --workers 1,2 --growth 50,100,200
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REAL = ROOT.parent / "shared" / "corpus-real"
TEXT_SUFFIXES = {".txt", ".html", ".htm"}
PLACES = "东西南北中上下新安平和兴华宁康泰丰永昌顺义德信明清远"
UNITS = ("镇", "乡", "街道", "县", "区")
NUMBER = re.compile(r"(?<![\d.])\d{1,4}(?![\d.])")


def sources() -> list[Path]:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file() and not p.name.startswith("."))
    if REAL.is_dir():
        files += sorted(p for p in REAL.iterdir() if p.is_file() and p.suffix.lower() in {".txt", ".pdf"})
    return files


def _agency_core(text: str) -> str | None:
    """The place name in the title line: the characters before the report year."""
    head = text[:400]
    m = re.search(r"([\u4e00-\u9fff]{2,12}?)(?:人民政府|政府|管委会)?(?:办公室)?\s*(?:20\d\d|二〇)", head)
    return m.group(1) if m else None


def vary_text(text: str, rng: random.Random, n: int) -> str:
    core = _agency_core(text)
    if core and len(core) >= 2:
        new = "".join(rng.choice(PLACES) for _ in range(2)) + f"{n}" + rng.choice(UNITS)
        text = text.replace(core, new)

    def bump(m: re.Match) -> str:
        value = int(m.group(0))
        if 1900 <= value <= 2100 or rng.random() > 0.08:
            return m.group(0)  # keep years and most numbers: some tables stay consistent
        return str(max(0, value + rng.choice((-2, -1, 1, 3))))

    return NUMBER.sub(bump, text)


def make_variants(n: int, folder: Path, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    originals = sources()
    out = []
    for i in range(n):
        src = originals[i % len(originals)]
        dst = folder / f"v{i:05d}_{src.stem[:20]}{src.suffix.lower()}"
        if src.suffix.lower() in TEXT_SUFFIXES:
            raw = src.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                shutil.copyfile(src, dst)
            else:
                dst.write_text(vary_text(text, rng, i), encoding="utf-8")
        else:
            shutil.copyfile(src, dst)
        out.append(dst)
    return out


def run_once(folder: Path, workers: int, limit: int) -> dict:
    """One measured run in this (fresh) process; returns the figures as a dict."""
    sys.path.insert(0, str(ROOT))
    from analyzer.output.run import write_run
    from analyzer.pipeline import analyze_run

    files = sorted(folder.iterdir())[:limit]
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    t0 = time.perf_counter()
    run = analyze_run(files, workers=workers)
    t1 = time.perf_counter()
    write_run(run, out)
    t2 = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "reports": len(files),
        "workers": workers,
        "read": len(run.results),
        "unreadable": len(run.failures),
        "analyse_s": round(t1 - t0, 2),
        "outputs_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "reports_per_s": round(len(files) / (t2 - t0), 2),
        "peak_main_mb": round(self_kb / 1024, 1),
        "peak_worker_mb": round(child_kb / 1024, 1),
    }


def measure(folder: Path, workers: int, limit: int) -> dict:
    cmd = [sys.executable, __file__, "--one", str(folder), str(workers), str(limit)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench run failed ({workers} workers, {limit} reports):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--growth", default="100,250,500,1000")
    ap.add_argument("--growth-workers", type=int, default=2)
    ap.add_argument("--one", nargs=3, metavar=("FOLDER", "WORKERS", "LIMIT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_once(Path(args.one[0]), int(args.one[1]), int(args.one[2]))))
        return 0

    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        files = make_variants(args.n, folder)
        kinds = sorted({p.suffix for p in files})
        print(f"{len(files)} report files ({', '.join(kinds)}) in {folder}")
        print(f"{'reports':>8} {'workers':>7} {'total s':>8} {'analyse s':>9} {'outputs s':>9} {'reports/s':>9} {'main MB':>8} {'worker MB':>9} {'unreadable':>10}")

        def show(m: dict) -> None:
            print(f"{m['reports']:>8} {m['workers']:>7} {m['total_s']:>8} {m['analyse_s']:>9} {m['outputs_s']:>9} "
                  f"{m['reports_per_s']:>9} {m['peak_main_mb']:>8} {m['peak_worker_mb']:>9} {m['unreadable']:>10}", flush=True)

        results = {}
        for w in (int(x) for x in args.workers.split(",")):
            results[(args.n, w)] = m = measure(folder, w, args.n)
            show(m)
        print(f"growth ({args.growth_workers} workers):")
        sizes = [int(x) for x in args.growth.split(",") if int(x) <= args.n]
        for size in sizes:
            m = results.get((size, args.growth_workers)) or measure(folder, args.growth_workers, size)
            results[(size, args.growth_workers)] = m
            show(m)
        if len(sizes) >= 2:
            a, b = results[(sizes[0], args.growth_workers)], results[(sizes[-1], args.growth_workers)]
            ratio = (b["total_s"] / a["total_s"]) / (sizes[-1] / sizes[0])
            print(f"time per report at {sizes[-1]} vs {sizes[0]}: ×{ratio:.2f} (1.00 = linear growth)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
