"""The held-out statements scored as ``analyzer analyze`` outputs them, end to end.

    .venv/bin/python bench/eval_pipeline.py [--misses]

``python -m analyzer.narrative.train --evaluate`` feeds the classifier the gold
statements, grouped by section in reading order: it measures the classifier
with the segmentation of the labellers. A user (and an outside measure on other
real reports) gets what ``analyze`` outputs: the reader's text, the sections it
finds, its own statement boundaries (enumerations cut off, three listed problems
split in three), the priors, the pairing of 五. This script runs the per-file
pipeline (:func:`analyzer.pipeline.analyze_file`) on every file of the
evaluation set and scores what comes out against the same gold labels, with the
same metrics (:func:`analyzer.narrative.train.score`).

A gold statement takes the kind and category of the output statement that
covers most of its characters in the flat text (whitespace and conversion
artefacts removed, the frame of the gold offsets), if that statement covers at
least half of it, or of the pieces the output cut it into when together they do
(:func:`matched`); otherwise its kind is ``(missing)``: the output holds no
statement for it (its section was not found, or the text was cut elsewhere), an
error of its gold kind. The coverage line says how many were missing and how
many gold statements share one output statement with another.

This is a look at the held-out set like ``--evaluate`` (count it as one).
``--misses`` lists the gold statements the output does not hold (their text is
printed from the files, never stored).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analyzer.narrative import train  # noqa: E402

MISSING = "(missing)"
COVERED = 0.5  # share of a gold statement's characters an output statement must hold to stand for it


def located(statements, flat: str) -> list[tuple[int, int] | None]:
    """Where each output statement stands in the flat text (start, end), in reading order; None when not found.

    Exact search from the previous statement on, then anywhere, then the best fuzzy alignment
    (the reader may have repaired characters the flat text of the file still has).
    """
    from rapidfuzz import fuzz

    out, cursor = [], 0
    for st in statements:
        text = train.flat_text(st.text)
        if not text:
            out.append(None)
            continue
        pos = flat.find(text, cursor)
        if pos < 0:
            pos = flat.find(text)
        if pos >= 0:
            out.append((pos, pos + len(text)))
            cursor = pos + len(text)
            continue
        al = fuzz.partial_ratio_alignment(text, flat)
        out.append((al.dest_start, al.dest_end) if al and al.score >= 90 else None)
    return out


def matched(gold: list[train.Example], spans: list[tuple[int, int]], by_source: dict) -> tuple[list[str], list[str | None], list[int | None]]:
    """The output kind and category standing for each gold statement, and the index of the output statement.

    The output statement covering most of the gold statement stands for it when it covers at least half.
    When the output cut the gold statement finer (three problems listed in one sentence made three
    statements), the pieces stand for it together if they cover half: the kind holding most of its
    characters, and the category of the first piece of that kind (the labellers' first-named leads).
    """
    kinds, cats, which = [], [], []
    for e, (start, end) in zip(gold, spans):
        pieces = []
        for j, (st, where) in enumerate(by_source[e.source]):
            if where is not None and min(end, where[1]) - max(start, where[0]) > 0:
                pieces.append((j, st, min(end, where[1]) - max(start, where[0])))
        best = max(pieces, key=lambda x: x[2], default=None)
        if best is not None and best[2] >= COVERED * (end - start):
            kinds.append(best[1].kind)
            cats.append(best[1].category)
            which.append(best[0])
        elif pieces and sum(n for _, _, n in pieces) >= COVERED * (end - start):
            by_kind = Counter()
            for _, st, n in pieces:
                by_kind[st.kind] += n
            kind = max(sorted(by_kind), key=lambda k: by_kind[k])
            first = next((j, st) for j, st, _ in pieces if st.kind == kind)
            kinds.append(kind)
            cats.append(first[1].category)
            which.append(first[0])
        else:
            kinds.append(MISSING)
            cats.append(None)
            which.append(None)
    return kinds, cats, which


def gold_spans() -> tuple[list[train.Example], list[tuple[int, int]]]:
    """The gold statements with their place in the flat text of their file."""
    examples, _ = train.load_eval()
    return examples, [e.span for e in examples]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list the gold statements the output does not hold")
    args = ap.parse_args(argv)

    from analyzer.pipeline import analyze_file

    examples, spans = gold_spans()
    if not examples:
        print("评估数据不可用：../shared/corpus-real 不存在，且仓库内种子语料缺失。")
        return 0
    by_source = {}
    unplaced = 0
    for source in dict.fromkeys(e.source for e in examples):
        path = train.resolve_source(source)
        result = analyze_file(path)
        statements = result.narrative.statements if result.narrative else []
        where = located(statements, train.source_flat_text(path))
        unplaced += sum(w is None for w in where)
        by_source[source] = list(zip(statements, where))
    kinds, cats, which = matched(examples, spans, by_source)
    n_out = sum(len(v) for v in by_source.values())
    shared = sum(n - 1 for n in Counter((e.source, w) for e, w in zip(examples, which) if w is not None).values() if n > 1)
    print(
        f"{len(examples)} gold statements of {len(by_source)} files; the output holds {n_out} statements of 总体情况 and 五 "
        f"({unplaced} not placed in the file's text); {kinds.count(MISSING)} gold statements without an output statement "
        f"covering half of them; {shared} share an output statement with the one before them\n"
    )
    res = train.score(examples, kinds, cats)
    train.print_evaluation(res, "held-out real statements as `analyzer analyze` outputs them")
    if args.misses:
        print("\ngold statements the output does not hold:")
        for e, k in zip(examples, kinds):
            if k == MISSING:
                print(f"  {e.source} {e.section} {e.kind}: {e.text[:60]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
