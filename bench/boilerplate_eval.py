"""Boilerplate detection against the shipped stock phrases, scored on hand-labelled statements.

Precision, recall and F1 of :func:`analyzer.narrative.boilerplate.coverage`
on ``data/narrative/boilerplate_eval.tsv``: the seeds, the corpus-real rows
the thresholds were chosen on, both, and the rows labelled after they were
frozen (held out). corpus-real rows are skipped when ``../shared/corpus-real``
is absent or a file changed.

    .venv/bin/python bench/boilerplate_eval.py --evaluate
    .venv/bin/python bench/boilerplate_eval.py --sweep      # the grid the thresholds were chosen on
    .venv/bin/python bench/boilerplate_eval.py --show "…"   # one statement: coverage and the phrases found
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.narrative.boilerplate import (  # noqa: E402
    PHRASE_CONTAINMENT,
    REFERENCE_COVERAGE,
    WORD_COVERAGE,
    coverage,
    reference,
)
from analyzer.narrative.train import referenced_text  # noqa: E402 - same frame as the classifier's evaluation

EVAL_PATH = ROOT / "data" / "narrative" / "boilerplate_eval.tsv"


@dataclass(frozen=True)
class Labelled:
    """One hand-labelled statement of the evaluation file."""

    source: str
    text: str
    boilerplate: bool
    held_out: bool = False  # labelled after the thresholds were frozen


def load_eval(path=None) -> tuple[list[Labelled], int]:
    """The labelled statements; returns (rows, rows skipped because their file is absent or changed)."""
    path = path or EVAL_PATH
    flats: dict = {}
    out, skipped = [], 0
    held_out = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# --- held out"):
            held_out = True
        if not line.strip() or line.startswith("#"):
            continue
        source, _section, offset, length, sha, label, *rest = line.split("\t")
        text = rest[0] if rest and rest[0] else None
        if text is None:
            text = referenced_text(source, int(offset), int(length), sha, flats)
        elif hashlib.sha1(text.encode()).hexdigest()[:12] != sha:
            text = None
        if text is None:
            skipped += 1
            continue
        out.append(Labelled(source, text, label == "yes", held_out))
    return out, skipped


def scores(rows: Sequence[Labelled], predicted: Sequence[bool]) -> dict:
    """Precision, recall, F1 and the counts behind them."""
    tp = sum(1 for r, p in zip(rows, predicted) if p and r.boilerplate)
    fp = sum(1 for r, p in zip(rows, predicted) if p and not r.boilerplate)
    fn = sum(1 for r, p in zip(rows, predicted) if not p and r.boilerplate)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": len(rows), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def evaluate(threshold: float = REFERENCE_COVERAGE, containment: float = PHRASE_CONTAINMENT, word_threshold: float = WORD_COVERAGE) -> tuple[dict[str, dict], int]:
    """Scores on the seeds, corpus-real, both (the rows the thresholds were chosen on) and the held-out rows.

    corpus-real rows are skipped when the folder is absent.
    """
    rows, skipped = load_eval()
    index = reference()
    pred = [coverage(r.text, index, containment).is_boilerplate(threshold, word_threshold) for r in rows]
    real = lambda r: r.source.startswith("corpus-real/")  # noqa: E731
    parts = {
        "seeds": lambda r: not real(r),
        "corpus-real": lambda r: real(r) and not r.held_out,
        "tuning (all)": lambda r: not r.held_out,
        "held-out": lambda r: r.held_out,
    }
    out = {}
    for name, keep in parts.items():
        sel = [(r, p) for r, p in zip(rows, pred) if keep(r)]
        if sel:
            out[name] = scores([r for r, _ in sel], [p for _, p in sel])
    return out, skipped


def print_evaluation() -> None:
    """The scores at the shipped thresholds (``--evaluate``)."""
    res, skipped = evaluate()
    print(f"phrases {len(reference().phrases)}, containment ≥ {PHRASE_CONTAINMENT}, phrase coverage ≥ {REFERENCE_COVERAGE}, word coverage ≥ {WORD_COVERAGE}")
    for name, s in res.items():
        print(f"{name:13s} n={s['n']:4d} boilerplate={s['positives']:4d}  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (tp {s['tp']} fp {s['fp']} fn {s['fn']})")
    if skipped:
        print(f"skipped {skipped} rows whose file is absent or changed (../shared/corpus-real/)")


def print_sweep() -> None:
    """The scores over the grid of thresholds the defaults were chosen on (``--sweep``)."""
    for c in (0.6, 0.7, 0.8):
        for t in (0.4, 0.5, 0.6):
            for w in (0.7, 0.75, 0.8, 0.85, 1.01):
                res, _ = evaluate(t, c, w)
                a, r = res["tuning (all)"], res.get("corpus-real", {"precision": 0, "recall": 0, "f1": 0})
                print(f"containment {c:.2f} phrases {t:.2f} words {w:.2f}: all P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f}"
                      f" | corpus-real P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}")


def print_statement(text: str) -> None:
    """One statement's coverage and the stock phrases found in it (``--show``)."""
    cov = coverage(text)
    print(f"套话短语覆盖 {cov.share:.2f}  套话词汇占比 {cov.word_share:.2f}  含数字 {cov.has_figure}  判为套话 {cov.is_boilerplate()}")
    print("  自有词语：", "、".join(cov.own_words))
    for p in cov.phrases:
        print("  ", p)


def main(argv: list[str] | None = None) -> int:
    """The command line: ``--evaluate``, ``--sweep`` or ``--show TEXT``."""
    ap = argparse.ArgumentParser(prog="bench/boilerplate_eval.py", description="Boilerplate detection against the shipped stock phrases.")
    ap.add_argument("--evaluate", action="store_true", help="precision, recall, F1 on data/narrative/boilerplate_eval.tsv")
    ap.add_argument("--sweep", action="store_true", help="the same over a grid of thresholds (how the defaults were chosen)")
    ap.add_argument("--show", metavar="TEXT", help="coverage of one statement and the stock phrases found in it")
    args = ap.parse_args(argv)
    if args.show:
        print_statement(args.show)
    elif args.sweep:
        print_sweep()
    elif args.evaluate:
        print_evaluation()
    else:
        ap.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
