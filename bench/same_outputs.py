"""Do two versions of the analyzer write the same bytes for the same synthetic run? (the run-level stages alone)

``bench_store``'s N synthetic per-report results go through ``scale.finish_spill``
twice, in fresh processes: once with the analyzer of a git revision (its
``analyzer/``, ``models/`` and ``pyproject.toml`` extracted to a temporary folder), once with this
working tree's. Both output folders are kept and compared file by file
(``diff -r``); the spill, which is removed at the end of a real run, is left out.
A change meant to spare memory without changing any output must print no
difference.

    .venv/bin/python bench/same_outputs.py --n 3000 --full   # report JSONs and summary.csv too
    .venv/bin/python bench/same_outputs.py --n 20000

The revision compared with is by default where this branch left ``main``
(``git merge-base HEAD main``): ``main`` itself may have moved on with changes
that are meant to change the outputs.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_one(tree: str, n: int, out: Path, full: bool) -> None:
    """In this process: bench_store's n results through the run-level stages of the analyzer under ``tree``."""
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_store  # puts this working tree first on sys.path: the tree asked for goes before it

    sys.path.insert(0, tree)
    from analyzer import scale

    assert Path(scale.__file__).resolve().is_relative_to(Path(tree).resolve()), scale.__file__
    rng = random.Random(n)
    base = bench_store.bases()
    spill = scale.Spill(out / scale.SPILL)
    try:
        for i in range(n):
            spill.add(bench_store.vary(base[i % len(base)], i, max(1, n // 5), rng))
        scale.finish_spill(spill, [], out, whole_run_limit=0, store_only=not full)
    finally:
        spill.close()
        shutil.rmtree(spill.folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ref", help="the git revision to compare with (default: where this branch left main)")
    ap.add_argument("--n", type=int, default=3000, help="synthetic reports")
    ap.add_argument("--full", action="store_true", help="write each report's JSON and summary.csv too, not only the store")
    ap.add_argument("--out", type=Path, help="where to keep the two output folders (default: a temporary folder)")
    ap.add_argument("--one", nargs=2, metavar=("TREE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        run_one(args.one[0], args.n, Path(args.one[1]), args.full)
        return 0
    ref = args.ref or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True,
                                     capture_output=True, text=True).stdout.strip()
    work = args.out or Path(tempfile.mkdtemp(prefix="same-outputs-"))
    old_tree = work / "tree"
    shutil.rmtree(old_tree, ignore_errors=True)
    old_tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "analyzer", "models", "pyproject.toml"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_store

    bench_store.bases()  # made by this tree's analyzer when missing; both runs then read the same results
    for name, tree in ((ref, old_tree), ("working tree", ROOT)):
        out = work / ("old" if tree == old_tree else "new")
        shutil.rmtree(out, ignore_errors=True)
        print(f"{name}: {args.n} reports → {out}", flush=True)
        subprocess.run([sys.executable, __file__, "--one", str(tree), str(out), "--n", str(args.n)]
                       + ["--full"] * args.full, check=True)
    files = sum(1 for p in (work / "new").rglob("*") if p.is_file())
    diff = subprocess.run(["diff", "-r", "-q", str(work / "old"), str(work / "new")], capture_output=True, text=True)
    print(diff.stdout[-3000:] or f"no difference: {files} files, byte for byte")
    return diff.returncode


if __name__ == "__main__":
    sys.exit(main())
