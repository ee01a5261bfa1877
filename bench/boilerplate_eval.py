"""Boilerplate judgement on the double-labelled statements of real reports.

Precision, recall and F1 of :func:`analyzer.narrative.boilerplate.judge` (the
shipped model) on ``data/narrative/boilerplate_eval.tsv`` (gold labels: two
labellers, blind, disagreements adjudicated): the seeds, corpus-real, all, and
the rows labelled after the old thresholds were frozen. For comparison, the
phrase rule alone (:func:`analyzer.narrative.boilerplate.match_reference`).
corpus-real rows are skipped when ``../shared/corpus-real`` is absent or a file changed.

    .venv/bin/python bench/boilerplate_eval.py --evaluate
    .venv/bin/python bench/boilerplate_eval.py --show "…"   # one statement: signals, probability, evidence
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.narrative import boilerplate as bp  # noqa: E402
from analyzer.narrative import train  # noqa: E402 - same frame as the classifier's evaluation

EVAL_PATH = ROOT / "data" / "narrative" / "boilerplate_eval.tsv"


@dataclass(frozen=True)
class Labelled:
    """One gold-labelled statement of the evaluation file."""

    source: str
    text: str
    boilerplate: bool
    held_out: bool = False  # labelled after the old thresholds were frozen


def load_eval(path=None) -> tuple[list[Labelled], int]:
    """The labelled statements; returns (rows, rows skipped because their file is absent or changed)."""
    path = path or EVAL_PATH
    lines = path.read_text(encoding="utf-8").splitlines()
    marker = next((i for i, line in enumerate(lines) if line.startswith("# --- held out")), len(lines))
    rows, skipped = train.load_boilerplate_eval(path)
    return [Labelled(e.source, e.text, gold, int(e.id.split(":")[1]) > marker) for e, gold in rows], skipped


def scores(rows: Sequence[Labelled], predicted: Sequence[bool]) -> dict:
    """Precision, recall, F1 and the counts behind them."""
    tp = sum(1 for r, p in zip(rows, predicted) if p and r.boilerplate)
    fp = sum(1 for r, p in zip(rows, predicted) if p and not r.boilerplate)
    fn = sum(1 for r, p in zip(rows, predicted) if not p and r.boilerplate)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(rows), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def evaluate(judge=None) -> tuple[dict[str, dict], int]:
    """Scores of ``judge`` (text → bool; default the shipped model) on the seeds, corpus-real, all and the late rows."""
    judge = judge or (lambda text: bp.judge(text).boilerplate)
    rows, skipped = load_eval()
    pred = [judge(r.text) for r in rows]
    real = lambda r: r.source.startswith("corpus-real/")  # noqa: E731
    parts = {"seeds": lambda r: not real(r), "corpus-real": real, "all": lambda r: True, "labelled late": lambda r: r.held_out}
    out = {}
    for name, keep in parts.items():
        sel = [(r, p) for r, p in zip(rows, pred) if keep(r)]
        if sel:
            out[name] = scores([r for r, _ in sel], [p for _, p in sel])
    return out, skipped


def print_evaluation() -> None:
    """The shipped model and, for comparison, the phrase rule alone (``--evaluate``)."""
    for label, judge in (("model (shipped)", None), ("phrase rule only", lambda text: bp.match_reference(text) is not None)):
        res, skipped = evaluate(judge)
        print(f"== {label}")
        for name, s in res.items():
            print(f"{name:13s} n={s['n']:4d} boilerplate={s['positives']:4d}  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']} fp {s['fp']} fn {s['fn']})")
    if skipped:
        print(f"skipped {skipped} rows whose file is absent or changed (../shared/corpus-real/)")


def print_statement(text: str) -> None:
    """One statement's signals, probability and evidence (``--show``)."""
    j = bp.judge(text)
    print(f"套话概率 {j.probability:.2f}  判为套话 {j.boilerplate}  依据：{j.evidence or '—'}")
    for name, value in zip(bp.FEATURE_NAMES, bp.features(text)):
        print(f"  {name:16s} {value:.2f}")
    print("  自有词语：", "、".join(bp.coverage(text).own_words))


def main(argv: list[str] | None = None) -> int:
    """The command line: ``--evaluate`` or ``--show TEXT``."""
    ap = argparse.ArgumentParser(prog="bench/boilerplate_eval.py", description="Boilerplate judgement on the double-labelled real statements.")
    ap.add_argument("--evaluate", action="store_true", help="precision, recall, F1 on data/narrative/boilerplate_eval.tsv")
    ap.add_argument("--show", metavar="TEXT", help="one statement: signals, probability, evidence")
    args = ap.parse_args(argv)
    if args.show:
        print_statement(args.show)
    elif args.evaluate:
        print_evaluation()
    else:
        ap.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
