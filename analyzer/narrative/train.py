"""Retrain and evaluate the statement classifier.

    python -m analyzer.narrative.train              # retrain from data/narrative/, save under models/
    python -m analyzer.narrative.train --evaluate   # per-class scores on the held-out real statements, κ
    python -m analyzer.narrative.train --compare    # candidate estimators, cross-validated on the training data
    python -m analyzer.narrative.train --compare-files [NEW_FILE]   # each training file left out in turn
    python -m analyzer.narrative.train --calibration   # the kind probability without the section, by training file

Training data (``data/narrative/train_*.tsv``) is written by the team in its
own words. Evaluation data are statements of real reports labelled twice,
blind, by two annotators, with an adjudicator deciding their disagreements
(``data/narrative/eval_refs.tsv`` and ``boilerplate_eval.tsv`` hold the gold
labels, ``data/narrative/labels/`` each labeller's). corpus-real rows are
references (file, offset and length in the whitespace-free text, sha1 prefix):
the text of ``../shared/corpus-real`` is read at run time and never copied into
the repository; rows whose file is absent are skipped. The evaluation data is
never trained on, and the model's parameters are chosen by cross-validation on
the training data (``--compare``), not on the evaluation.

This module imports :mod:`analyzer.narrative.classify` (inference) and
:mod:`analyzer.narrative.estimator` (scikit-learn); neither imports this one.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer import resources
from analyzer.errors import AnalyzerError
from analyzer.narrative import classify
from analyzer.narrative.classify import MODEL_PATH, SIDECAR_PATH
from analyzer.narrative.features import CATEGORIES, DISCLOSURE_KINDS, KINDS

REPO = resources.checkout()  # None when installed from a wheel: the data stays in the repository
DATA_DIR = REPO / "data" / "narrative" if REPO else None
LABELS_DIR = DATA_DIR / "labels" if REPO else None
SHARED = REPO.parent / "shared" if REPO else None

_FLAT_DROP = re.compile(r"\[(?:bookmark|image)[^\]]*\]|<[^>]{1,200}>|&nbsp;|&gt;?|&lt;?|\\n|\\t|#|\s+", re.I)


def flat_text(text: str) -> str:
    """The text without whitespace and conversion artefacts: the frame evaluation offsets refer to."""
    return _FLAT_DROP.sub("", text)


@dataclass(frozen=True)
class Example:
    text: str
    kind: str
    category: str | None
    section: str | None = None
    source: str = ""
    id: str = ""  # "eval_refs.tsv:<line index>" for evaluation rows, "<section id>:<n>" for training sections
    answers: int | None = None  # a measure of a training section: the number of the problem it answers
    for_kinds: bool = True  # False: written for the category model only (:data:`CATEGORY_ONLY_FILES`)
    span: tuple[int, int] | None = None  # an evaluation row's (start, end) in the flat text of its file


# Files of problems and measures written for their *category*: they teach the category model only. Their
# kinds are right but one-sided (no work done in the same words), and the kind model is another piece of
# work with data of its own (r14d: train_r14d_cats.tsv lowered the held-out kinds with the section
# 0.908 → 0.899 when the kind model learnt from it too).
CATEGORY_ONLY_FILES = ("train_r14d_cats.tsv", "train_r14f_cats.tsv")


def training_files() -> list[Path]:
    return sorted(DATA_DIR.glob("train_*.tsv"))


def load_training() -> list[Example]:
    """Every labelled training statement, in file order.

    Rows are ``kind, category, text``, or, in whole written sections
    (``train_sections.tsv``), ``section id, section, kind, category, answers, text``.
    """
    out = []
    for path in training_files():
        n = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            row = line.split("\t")
            if len(row) == 3:
                kind, cat, text = row
                out.append(Example(text=text, kind=kind, category=None if cat in ("", "-") else cat, source=path.name, for_kinds=path.name not in CATEGORY_ONLY_FILES))
                continue
            sid, section, kind, cat, answers, text = row
            n = n + 1 if out and out[-1].id.startswith(sid + ":") else 1
            out.append(
                Example(text, kind, None if cat in ("", "-") else cat, section, path.name, f"{sid}:{n}", None if answers == "-" else int(answers), path.name not in CATEGORY_ONLY_FILES)
            )
    return out


def training_sections() -> list[list[Example]]:
    """The written sections of the training data, each a list of statements in reading order."""
    sections: dict[str, list[Example]] = {}
    for e in load_training():
        if e.section:
            sections.setdefault(e.id.split(":")[0], []).append(e)
    return list(sections.values())


def training_hash() -> str:
    """sha256 over the training files, so the sidecar says exactly what the model saw."""
    h = hashlib.sha256()
    for path in training_files() + [DATA_DIR / "boilerplate_train.tsv"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def resolve_source(source: str) -> Path:
    if source.startswith("corpus-real/"):
        return SHARED / source
    return REPO / source


def load_eval(path: Path | None = None) -> tuple[list[Example], int]:
    """Held-out real statements with their gold labels; returns (examples, rows skipped because their file is absent or changed)."""
    path = path or DATA_DIR / "eval_refs.tsv"
    flats: dict[Path, str | None] = {}
    out, skipped = [], 0
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        source, section, offset, length, sha, kind, cat, *_ = line.split("\t")
        text = referenced_text(source, int(offset), int(length), sha, flats)
        if text is None:
            skipped += 1
            continue
        out.append(Example(text=text, kind=kind, category=cat or None, section=section, source=source, id=f"{path.name}:{i}",
                           span=(int(offset), int(offset) + int(length))))
    return out, skipped


def referenced_text(source: str, offset: int, length: int, sha: str, flats: dict[Path, str | None]) -> str | None:
    """The statement a labelled row points at (offset and length in the flat text of ``source``),
    or None when the file is absent or no longer holds the text its sha1 prefix names.

    ``flats`` caches each file's flat text across the rows of one labelled file.
    """
    file = resolve_source(source)
    if file not in flats:
        flats[file] = source_flat_text(file)
    flat = flats[file]
    text = flat[offset : offset + length] if flat is not None else None
    if text is None or hashlib.sha1(text.encode()).hexdigest()[:12] != sha:
        return None
    return text


def source_flat_text(file: Path) -> str | None:
    """The flat text of a labelled file: a text file as it is; a PDF as the analyzer reads it
    (:func:`analyzer.ingest.read_document`, whose reading is deterministic). None when the file is absent."""
    if not file.is_file():
        return None
    if file.suffix.lower() == ".txt":
        return flat_text(file.read_text(encoding="utf-8"))
    from analyzer.ingest import read_document

    return flat_text(read_document(file).text)


def load_labels(name: str) -> dict[str, tuple[str, ...]]:
    """One labeller's labels (``data/narrative/labels/<name>.tsv``): id → labels."""
    out = {}
    for line in (LABELS_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            row = line.split("\t")
            out[row[0]] = tuple(row[1:])
    return out


def fit_from_repository(exclude: tuple[str, ...] = (), **params):
    """A scikit-learn :class:`~analyzer.narrative.estimator.StatementClassifier` fitted on the training data (deterministic).

    ``exclude`` leaves training files out (to score something on them).
    """
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.estimator import StatementClassifier

    data = [e for e in load_training() if e.source not in exclude]
    with threadpool_limits(1):  # one BLAS thread: the same sums in the same order, the same bytes
        return StatementClassifier(**params).fit(
            [e.text for e in data], [e.kind for e in data], categories=[e.category for e in data], groups=calibration_groups(data), for_kinds=[e.for_kinds for e in data]
        )


def calibration_groups(data: list[Example], spread_over: list[Example] | None = None) -> list[str]:
    """The held-out groups the temperatures are fitted on: one training file each.

    Leaving a whole file out is closer to reading a new report (other writers,
    other levels) than shuffled folds, so the temperature comes out less
    confident. Unrelated texts (kind ``other``) all sit in one file; they are
    spread over the groups so that every fold still knows the kind (over the files of ``spread_over``
    when given, a subset of ``data``).
    """
    # Over files the kind model learns from: a file for the categories only leaves the kind folds as they were.
    names = sorted({e.source for e in (spread_over if spread_over is not None else data) if e.kind != "other" and e.for_kinds})
    out, n = [], 0
    for e in data:
        if e.kind == "other" and all(x.kind == "other" for x in data if x.source == e.source):
            out.append(names[n % len(names)])
            n += 1
        else:
            out.append(e.source)
    return out


# --- agreement and scores ---------------------------------------------------------------------------


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Cohen's κ of two labellings of the same items."""
    n = len(a)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agreement() -> dict:
    """κ and raw agreement between the two labellers, for kinds, categories and boilerplate."""
    a, b = load_labels("eval_labeller_a"), load_labels("eval_labeller_b")
    ids = sorted(a, key=lambda k: int(k.split(":")[1]))
    ka, kb = [a[i][0] for i in ids], [b[i][0] for i in ids]
    both = [i for i in ids if a[i][1:2] and b[i][1:2] and a[i][1] and b[i][1]]
    ca, cb = [a[i][1] for i in both], [b[i][1] for i in both]
    ba, bb = load_labels("boilerplate_labeller_a"), load_labels("boilerplate_labeller_b")
    bids = sorted(ba, key=lambda k: int(k.split(":")[1]))
    xa, xb = [ba[i][0] for i in bids], [bb[i][0] for i in bids]

    def row(x, y):
        return {"n": len(x), "kappa": cohen_kappa(x, y), "agreement": sum(p == q for p, q in zip(x, y)) / max(1, len(x))}

    return {"kinds": row(ka, kb), "categories": row(ca, cb), "boilerplate": row(xa, xb)}


def label_examples(model, examples: list[Example], use_section: bool, in_order: bool = True, as_lines: bool = False):
    """Each example labelled as the analyzer labels statements (:func:`analyzer.narrative.context.label_items`).

    With the section, the statements of one report's section are labelled
    together in reading order: section prior, lead-in context, and the pairing
    of 五 (a measure takes its problem's category), as ``analyze`` reads a section. With the
    section but not ``in_order``, each
    statement alone with its section's prior (one line given to ``classify --section``).
    ``as_lines``: every statement of a section, all reports one after the other, read as
    ``analyzer classify --section`` reads a file of them (:func:`analyzer.narrative.analyze.label_lines`).
    Without the section, each text alone.
    """
    from analyzer.narrative.context import Item, label_items, read_rows

    if use_section and as_lines:
        from analyzer.narrative.analyze import label_lines

        out = [None] * len(examples)
        for section in dict.fromkeys(e.section for e in examples):
            idx = [i for i, e in enumerate(examples) if e.section == section]
            for i, lab in zip(idx, label_lines([examples[i].text for i in idx], section, model)):
                out[i] = lab
        return out

    if not use_section:
        return label_items([Item(e.text, None) for e in examples], model, pair=False)[0]
    if not in_order:  # one at a time: no neighbour, so neither a lead-in nor a heading rule applies
        return [label_items([Item(e.text, e.section)], model, pair=False)[0][0] for e in examples]
    out = []
    start = 0
    while start < len(examples):
        end = start
        while end < len(examples) and (examples[end].source, examples[end].section) == (examples[start].source, examples[start].section):
            end += 1
        group = examples[start:end]
        ctx = read_rows([e.text for e in group])
        items = [Item(e.text, e.section, context=c, lead_in=lead) for e, (c, lead) in zip(group, ctx)]
        out += label_items(items, model)[0]
        start = end
    return out


def evaluate(model, examples: list[Example], use_section: bool = True, in_order: bool = True, as_lines: bool = False) -> dict:
    """Kind and category predictions against the gold labels, with per-class reports (:func:`score`).

    ``use_section=False`` is what ``analyzer classify`` does without ``--section``:
    the text alone, with the prior of a statement of unknown section; ``in_order=False``
    what one line given to it with ``--section`` gets, ``as_lines`` what a file of a section's
    statements gets (:func:`label_examples`).
    ``category_given_kind_f1`` scores the category model alone on the text.
    """
    from sklearn.metrics import f1_score

    labelled = label_examples(model, examples, use_section, in_order, as_lines)
    res = score(examples, [lab.kind for lab in labelled], [lab.category for lab in labelled])
    cat_idx = res["category_indices"]
    cats_model = list(model.predict_category([examples[i].text for i in cat_idx])) if cat_idx else []
    cats_true = [examples[i].category for i in cat_idx]
    given = [(i, c) for i, c in zip(res["category_scored"], res["category_output"]) if c != "(none)"]
    res.update(
        kind_confidence=np.asarray([lab.kind_probs[lab.kind] for lab in labelled]),
        category_given_kind_f1=f1_score(cats_true, cats_model, labels=sorted(set(cats_true)), average="macro", zero_division=0) if cat_idx else 0.0,
        # each category the analyzer gives (to a gold problem/measure or not), its probability and whether gold agrees
        category_confidence=np.asarray([_category_probability(labelled, i, c) for i, c in given]),
    )
    return res


def score(examples: list[Example], kinds_pred: list[str], categories: list[str | None]) -> dict:
    """The kinds and categories output for ``examples`` (``categories[i]``: the category given to statement i,
    or None), scored against the gold labels: macro-F1 over the gold classes, per-class reports, confusion matrices.

    Categories are scored as the analyzer outputs them, over every statement that carries a category
    in gold or in the output: a gold problem or measure whose predicted kind is neither gets no
    category ("(none)"), a miss of its category; a category given to a statement without one in gold
    is a false positive of that category (``category_macro_f1``; ``category_macro_f1_gold_only``
    leaves those out, as the evaluation did before r14b). A kind that is not a kind of the taxonomy
    (a statement the output does not hold at all) is an error of the gold kind.
    """
    from sklearn.metrics import classification_report, confusion_matrix, f1_score

    kinds_true = [e.kind for e in examples]
    gold_kinds = [k for k in KINDS if k in set(kinds_true)]
    kind_labels = [k for k in KINDS if k in set(kinds_true) | set(kinds_pred)] + sorted(set(kinds_pred) - set(KINDS))
    cat_idx = [i for i, e in enumerate(examples) if e.kind in ("problem", "measure") and e.category]
    cat_set = set(cat_idx)

    def output(i: int) -> str:
        return categories[i] if kinds_pred[i] in ("problem", "measure") and categories[i] else "(none)"

    cats_true = [examples[i].category for i in cat_idx]
    cats_run = [output(i) for i in cat_idx]
    # A category given to a statement that has none in gold (an achievement read as a measure) is a
    # false positive of that category: the F1 is computed over every statement that carries a category
    # in gold *or* in the output, "(none)" standing for the missing side.
    scored = [i for i in range(len(examples)) if i in cat_set or output(i) != "(none)"]
    cats_true_all = [examples[i].category if i in cat_set else "(none)" for i in scored]
    cats_run_all = [output(i) for i in scored]
    gold_cats = sorted(set(cats_true))
    cat_labels = [c for c in CATEGORIES if c in set(cats_true_all) | set(cats_run_all)] + (["(none)"] if "(none)" in set(cats_run_all) | set(cats_true_all) else [])
    # Macro averages run over the gold classes: a predicted class absent from the gold set
    # (``other`` here) is an error of the true class, not a class of its own with F1 = 0.
    return {
        "n": len(examples),
        "kind_macro_f1": f1_score(kinds_true, kinds_pred, labels=gold_kinds, average="macro", zero_division=0),
        "kind_accuracy": sum(a == b for a, b in zip(kinds_true, kinds_pred)) / max(1, len(examples)),
        "kind_report": classification_report(kinds_true, kinds_pred, labels=kind_labels, digits=3, zero_division=0),
        "kind_confusion": (kind_labels, confusion_matrix(kinds_true, kinds_pred, labels=kind_labels)),
        "kind_pred": kinds_pred,
        "n_category": len(cat_idx),
        "n_category_scored": len(scored),
        "n_category_classes": len(gold_cats),
        "category_indices": cat_idx,
        "category_scored": scored,
        "category_output": cats_run_all,
        "category_macro_f1": f1_score(cats_true_all, cats_run_all, labels=gold_cats, average="macro", zero_division=0) if cat_idx else 0.0,
        "category_macro_f1_gold_only": f1_score(cats_true, cats_run, labels=gold_cats, average="macro", zero_division=0) if cat_idx else 0.0,
        "category_accuracy": sum(a == b for a, b in zip(cats_true, cats_run)) / max(1, len(cat_idx)),
        "category_report": classification_report(cats_true_all, cats_run_all, labels=cat_labels, digits=3, zero_division=0) if cat_idx else "",
        "category_confusion": (cat_labels, confusion_matrix(cats_true_all, cats_run_all, labels=cat_labels) if cat_idx else None),
        "category_correct": np.asarray([a == b for a, b in zip(cats_true_all, cats_run_all) if b != "(none)"], dtype=bool),
    }


def _category_probability(labelled, i: int, category: str) -> float:
    """The probability the analyzer reports for the category of statement ``i``: its problem's for a measure that took it."""
    source = labelled[i].inherited_from
    return (labelled[source] if source is not None else labelled[i]).category_probs.get(category, 0.0)


CALIBRATION_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # the bins of every reliability table and ECE


def calibration_table(correct: np.ndarray, confidence: np.ndarray, edges=CALIBRATION_EDGES) -> list[tuple[str, int, float]]:
    """(probability bin, statements, share correct): a calibrated model's share matches its bin."""
    out = []
    for lo, hi in zip(edges, edges[1:]):
        m = (confidence >= lo) & (confidence < hi)
        if m.any():
            out.append((f"{lo:.1f}–{min(hi, 1.0):.1f}", int(m.sum()), float(correct[m].mean())))
    return out


def expected_calibration_error(correct: np.ndarray, confidence: np.ndarray) -> float:
    """Expected calibration error over the bins of :func:`calibration_table`: the mean, weighted by the
    statements of each bin, of the gap between its share correct and its mean probability (0 when calibrated)."""
    edges = CALIBRATION_EDGES
    correct, confidence = np.asarray(correct, dtype=float), np.asarray(confidence, dtype=float)
    if not len(confidence):
        return float("nan")
    gap = 0.0
    for lo, hi in zip(edges, edges[1:]):
        m = (confidence >= lo) & (confidence < hi)
        if m.any():
            gap += m.sum() * abs(correct[m].mean() - confidence[m].mean())
    return float(gap / len(confidence))


def _print_confusion(title: str, labels: list[str], matrix) -> None:
    if matrix is None:
        return
    short = [lab[:6] for lab in labels]
    print(f"\n{title} (rows = gold, columns = predicted)")
    print(" " * 28 + " ".join(f"{s:>6}" for s in short))
    for lab, row in zip(labels, matrix):
        print(f"{lab:>27} " + " ".join(f"{v:>6}" for v in row))


def print_evaluation(res: dict, label: str) -> None:
    print(f"== {label}: {res['n']} statements, {res['n_category']} problems/measures with a category")
    print(f"kinds: macro-F1 {res['kind_macro_f1']:.3f} (over the gold kinds), accuracy {res['kind_accuracy']:.3f}")
    print(res["kind_report"])
    _print_confusion("kind confusion matrix", *res["kind_confusion"])
    print(
        f"\ncategories (as output: none when the kind is wrong): macro-F1 {res['category_macro_f1']:.3f} "
        f"(mean F1 of the {res['n_category_classes']} gold categories) over the {res['n_category_scored']} statements with a category in gold or output "
        f"({res['category_macro_f1_gold_only']:.3f} counting the gold problems/measures only, the figure printed until r14b), "
        f"accuracy {res['category_accuracy']:.3f} on the {res['n_category']} gold problems/measures"
        + (f"; category model alone (gold kind): macro-F1 {res['category_given_kind_f1']:.3f}" if "category_given_kind_f1" in res else "")
    )
    print(res["category_report"])
    print(
        f"(in the table, \"(none)\" is a statement with a category on one side only; its F1 is 0 by construction, and "
        f"the table's accuracy and macro avg count it, over {res['n_category_scored']} statements and "
        f"{len(res['category_confusion'][0])} rows; the macro-F1 above averages the {res['n_category_classes']} gold categories only)"
    )
    _print_confusion("category confusion matrix", *res["category_confusion"])


# --- boilerplate ----------------------------------------------------------------------------------------


def load_boilerplate_eval(path: Path | None = None) -> tuple[list[tuple[Example, bool]], int]:
    """Gold boilerplate labels: (statement with its section, is boilerplate); rows skipped when their file is absent."""
    path = path or DATA_DIR / "boilerplate_eval.tsv"
    flats: dict = {}
    out, skipped = [], 0
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        source, section, offset, length, sha, label, *rest = line.split("\t")
        text = rest[0] if rest and rest[0] else None
        if text is None:
            text = referenced_text(source, int(offset), int(length), sha, flats)
        elif hashlib.sha1(text.encode()).hexdigest()[:12] != sha:
            text = None
        if text is None:
            skipped += 1
            continue
        out.append((Example(text=text, kind="", category=None, section=section, source=source, id=f"{path.name}:{i}"), label == "yes"))
    return out, skipped


def evaluate_boilerplate(rows: list[tuple[Example, bool]], use_section: bool = True) -> dict:
    """Precision, recall and F1 of the per-report boilerplate judgement against the gold labels."""
    from analyzer.narrative import boilerplate as bp

    pred = [bp.judge(e.text, e.section if use_section else None).boilerplate for e, _ in rows]
    gold = [g for _, g in rows]
    out = {}
    for name, want in (("boilerplate", True), ("own content", False)):
        tp = sum(p == want and g == want for p, g in zip(pred, gold))
        fp = sum(p == want and g != want for p, g in zip(pred, gold))
        fn = sum(p != want and g == want for p, g in zip(pred, gold))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[name] = {"precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0, "support": tp + fn}
    out["confusion"] = [[sum(g == a and p == b for p, g in zip(pred, gold)) for b in (True, False)] for a in (True, False)]
    out["n"] = len(rows)
    return out


def print_boilerplate(res: dict, label: str) -> None:
    print(f"== boilerplate, {label}: {res['n']} statements")
    print(f"{'':>14} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for name in ("boilerplate", "own content"):
        r = res[name]
        print(f"{name:>14} {r['precision']:9.3f} {r['recall']:7.3f} {r['f1']:6.3f} {r['support']:8d}")
    (tp, fn), (fp, tn) = res["confusion"]
    print(f"confusion (rows = gold yes/no, columns = predicted yes/no): [[{tp}, {fn}], [{fp}, {tn}]]")


# --- training -------------------------------------------------------------------------------------------


def cross_validate_training(params: dict | None = None, folds: int = 5) -> dict:
    """Stratified k-fold scores on the training data: how the model is chosen (never on the evaluation set)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.estimator import StatementClassifier

    data = load_training()
    y = [e.kind for e in data]
    kt, kp, ct, cp = [], [], [], []
    with threadpool_limits(1):
        for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(data, y):
            m = StatementClassifier(**{"calibration_folds": 0, **(params or {})})
            m.fit([data[i].text for i in tr], [y[i] for i in tr], categories=[data[i].category for i in tr], for_kinds=[data[i].for_kinds for i in tr])
            kinds_te = [i for i in te if data[i].for_kinds]
            kt += [y[i] for i in kinds_te]
            kp += list(m.predict([data[i].text for i in kinds_te]))
            cat_idx = [i for i in te if data[i].category and data[i].kind in ("problem", "measure")]
            ct += [data[i].category for i in cat_idx]
            cp += list(m.predict_category([data[i].text for i in cat_idx]))
    return {"kind_macro_f1": f1_score(kt, kp, average="macro"), "category_macro_f1": f1_score(ct, cp, average="macro")}


def cross_validate_by_file(params: dict | None = None, exclude: tuple[str, ...] = (), added: str | None = None) -> dict:
    """Each training file left out in turn and scored by a model trained on the others (closer to a new
    report's wording than shuffled folds); how data and features are kept or dropped.

    Returns the kinds macro-F1 read alone (balanced posterior) and with the prior of a statement of unknown
    section (as ``analyzer classify`` reads it), the categories macro-F1 of problems and measures, and the
    kinds macro-F1 of the written sections (``train_sections.tsv``) labelled where they stand
    (:func:`analyzer.narrative.context.label_items`, as ``analyze`` does) and read without their section (r14f:
    the one mixture of kinds like a report's, where a rule for text alone is judged). ``exclude`` leaves files out of
    the data altogether. ``added`` names a new file that is always trained on and never scored, so that it
    is judged by what it does to the others (against ``exclude=(added,)``); the unrelated texts are then
    spread over the other files only, as without it, so the two runs differ by the new file alone (with
    the file among the groups, a file of one row moved the scores by up to 0.01).
    """
    from sklearn.metrics import f1_score
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.context import Item, label_items, read_rows
    from analyzer.narrative.estimator import StatementClassifier

    data = [e for e in load_training() if e.source not in exclude]
    groups = calibration_groups(data, spread_over=[e for e in data if e.source != added] if added else None)
    gold, alone, unknown, cat_gold, cat_pred, sec_gold, sec_pred = [], [], [], [], [], [], []
    sec_unknown_gold, sec_unknown = [], []  # the written sections' statements read without their section
    with threadpool_limits(1):
        for name in sorted(set(groups)):
            if name == added:
                continue
            tr = [i for i, g in enumerate(groups) if g != name]
            te = [i for i, g in enumerate(groups) if g == name]
            m = StatementClassifier(**{"calibration_folds": 0, **(params or {})})
            m.fit([data[i].text for i in tr], [data[i].kind for i in tr], categories=[data[i].category for i in tr], for_kinds=[data[i].for_kinds for i in tr])
            m.kind_temperature_ = m.category_temperature_ = 1.0
            kinds_te = [i for i in te if data[i].for_kinds]
            texts = [data[i].text for i in kinds_te]
            gold += [data[i].kind for i in kinds_te]
            alone += list(m.predict(texts)) if texts else []
            read = [lab.kind for lab in label_items([Item(t, None) for t in texts], m, pair=False)[0]]
            unknown += read
            sec_unknown_gold += [data[i].kind for i in kinds_te if data[i].section]
            sec_unknown += [k for i, k in zip(kinds_te, read) if data[i].section]
            idx = [i for i in te if data[i].category and data[i].kind in ("problem", "measure")]
            cat_gold += [data[i].category for i in idx]
            cat_pred += list(m.predict_category([data[i].text for i in idx])) if idx else []
            sections: dict[str, list[int]] = {}
            for i in te:
                if data[i].section:
                    sections.setdefault(data[i].id.split(":")[0], []).append(i)
            for idx in sections.values():
                # read as the evaluation reads a real section (label_examples): lead-ins set the context of what follows
                ctx = read_rows([data[i].text for i in idx])
                items = [Item(data[i].text, data[i].section, context=c, lead_in=lead) for i, (c, lead) in zip(idx, ctx)]
                sec_gold += [data[i].kind for i in idx]
                sec_pred += [lab.kind for lab in label_items(items, m, pair=False)[0]]
    out = {
        "kind_macro_f1": f1_score(gold, alone, average="macro"),
        "kind_macro_f1_unknown_section": f1_score(gold, unknown, average="macro"),
        "category_macro_f1": f1_score(cat_gold, cat_pred, average="macro"),
    }
    if sec_gold:
        # over the gold kinds, as the evaluation averages: a written section holds no unrelated text
        out["sections_kind_macro_f1"] = f1_score(sec_gold, sec_pred, labels=sorted(set(sec_gold)), average="macro")
    if sec_unknown_gold:
        # The written sections hold the kinds in a report's proportions; the other files were written kind by kind,
        # rich in measures, and over them any rule that calls more statements measures scores higher (r14f: a fixed
        # unknown-section share of 0.4 scored best). Over the four kinds of disclosure work, as the evaluation averages.
        out["sections_kind_macro_f1_unknown_section"] = f1_score(sec_unknown_gold, sec_unknown, labels=list(DISCLOSURE_KINDS), average="macro")
    return out


def compare_files(new: str | None = None) -> None:
    """Leave-one-file-out scores of the training data; with ``new``, scored on the other files with and without it."""
    print(f"{'by training file (each left out in turn)':45s} {'kinds':>7} {'unknown':>8} {'categories':>11} {'sections':>9} {'sections unknown':>17}")

    def show(name: str, r: dict) -> None:
        print(
            f"{name:45s} {r['kind_macro_f1']:7.3f} {r['kind_macro_f1_unknown_section']:8.3f} {r['category_macro_f1']:11.3f} "
            f"{r.get('sections_kind_macro_f1', float('nan')):9.3f} {r.get('sections_kind_macro_f1_unknown_section', float('nan')):17.3f}"
        )

    if not new:
        show("all files", cross_validate_by_file())
        return
    show(f"without {new}", cross_validate_by_file(exclude=(new,)))
    show(f"with {new} (scored on the others)", cross_validate_by_file(added=new))


def load_boilerplate_training() -> list[tuple[str, str]]:
    """(label, text) of ``data/narrative/boilerplate_train.tsv``: our own training statements labelled by the evaluation's rule."""
    rows = []
    for line in (DATA_DIR / "boilerplate_train.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t")
            rows.append((label, text))
    return rows


BOILERPLATE_PARAMS: dict = {"C": 4.0, "use_chars": True}  # chosen by --compare-boilerplate (cross-validation on boilerplate_train.tsv)


def fit_boilerplate(chars=None, **params):
    """The boilerplate model fitted on ``boilerplate_train.tsv`` (deterministic)."""
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.estimator import BoilerplateClassifier

    rows = load_boilerplate_training()
    with threadpool_limits(1):
        return BoilerplateClassifier(**{**BOILERPLATE_PARAMS, **params}).fit([t for _, t in rows], [label for label, _ in rows], chars=chars)


def compare_boilerplate() -> None:
    """Candidate boilerplate models, 5-fold cross-validated on ``boilerplate_train.tsv``."""
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    from analyzer.narrative.estimator import BoilerplateClassifier

    rows = load_boilerplate_training()
    texts, labels = [t for _, t in rows], [label for label, _ in rows]
    candidates = {
        "signals only, C=1": {"use_chars": False},
        "signals only, C=10": {"use_chars": False, "C": 10.0},
        "signals + chars, C=1": {"C": 1.0},
        "signals + chars, C=4 (chosen)": {},
        "signals + chars, C=0.25": {"C": 0.25},
        "signals ×2 + chars, C=4": {"signal_weight": 2.0},
    }
    print(f"{'candidate (5-fold CV on boilerplate_train.tsv)':45s} {'precision':>9} {'recall':>7} {'F1':>6}")
    with threadpool_limits(1):
        for name, params in candidates.items():
            pred = [""] * len(texts)
            for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
                m = BoilerplateClassifier(calibration_folds=0, **params).fit([texts[i] for i in tr], [labels[i] for i in tr])
                for i, p in zip(te, m.predict([texts[i] for i in te])):
                    pred[i] = p
            prec, rec, f1 = _prf([x == "yes" for x in labels], [x == "yes" for x in pred])
            print(f"{name:45s} {prec:9.3f} {rec:7.3f} {f1:6.3f}")


# --- the kind probability read without the section ----------------------------------------------------


def unknown_section_probabilities(model, data: list[Example], temperature: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold kind probabilities of the training rows the kind model learns from, read as ``analyzer
    classify`` reads a text without its section, and their gold kinds (column indices).

    ``model`` is a fitted :class:`~analyzer.narrative.estimator.StatementClassifier` (its logits of each
    training file left out in turn, ``kind_oof_logits_``, the ones its kind temperature is fitted on) and
    ``data`` what it was fitted on: each row's logits through the kind temperature, then the unknown
    section's prior and the aspect rule (:func:`classify.apply_priors`), then ``temperature``.
    """
    from analyzer.narrative import linear

    kx = [i for i, e in enumerate(data) if e.for_kinds]
    classes = [str(c) for c in model.classes_]
    proba = linear.softmax(model.kind_oof_logits_[kx] / model.kind_temperature_)
    read = [classify.apply_priors(dict(zip(classes, map(float, row))), None, text=data[i].text, unknown_temperature=temperature) for i, row in zip(kx, proba)]
    return np.asarray([[r[c] for c in classes] for r in read]), np.asarray([classes.index(data[i].kind) for i in kx])


def fit_unknown_section_temperature(model, data: list[Example]) -> float:
    """The temperature of :func:`classify.apply_priors` without the section: the one minimising the log loss of
    the out-of-fold probabilities read without the section (:func:`unknown_section_probabilities`).

    Not weighted by kind, unlike the kind temperature: the priors have already set how common each kind
    is, and what is calibrated is how often the kind given is right.
    """
    from analyzer.narrative.estimator import fit_temperature

    proba, gold = unknown_section_probabilities(model, data)
    return fit_temperature(_log(proba), gold)


def _log(proba: np.ndarray) -> np.ndarray:
    """Probabilities as the logits a temperature is fitted on (a zero kept finite)."""
    return np.log(np.clip(proba, 1e-300, None))


def _temper(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Rows of probabilities through a temperature, as :func:`classify.apply_priors` applies it."""
    w = classify.tempered(proba, temperature)
    return w / w.sum(axis=1, keepdims=True)


def _calibration_line(proba: np.ndarray, gold: np.ndarray) -> str:
    correct, confidence = proba.argmax(axis=1) == gold, proba.max(axis=1)
    log_loss = float(-np.mean(np.log(np.clip(proba[np.arange(len(gold)), gold], 1e-12, None))))
    bins = "; ".join(f"{b} {n} {c:.2f}" for b, n, c in calibration_table(correct, confidence))
    return (
        f"accuracy {correct.mean():.3f}, ECE {expected_calibration_error(correct, confidence):.3f}, log loss {log_loss:.3f}, "
        f"uncertain {np.mean(confidence < classify.UNCERTAIN):.2f} | {bins}"
    )


def print_unknown_section_calibration() -> None:
    """The kind probability without the section, by cross-validation by training file (``--calibration``):
    reliability bins, ECE and log loss before and after the temperature, over every row the kind model
    learns from and over the written sections (the one mixture of kinds like a report's); the temperature
    also fitted with each training file left out in turn and applied to it (no row scored by a temperature
    fitted on it)."""
    from analyzer.narrative.estimator import fit_temperature

    model = fit_from_repository()
    data = load_training()
    rows = [e for e in data if e.for_kinds]
    written = np.asarray([e.section is not None for e in rows])
    t = fit_unknown_section_temperature(model, data)
    before, gold = unknown_section_probabilities(model, data)
    after, _ = unknown_section_probabilities(model, data, t)
    nested = np.zeros_like(before)
    for name in sorted({e.source for e in rows}):
        out = np.asarray([e.source == name for e in rows])
        nested[out] = _temper(before[out], fit_temperature(_log(before[~out]), gold[~out]))
    print(f"kind temperature {model.kind_temperature_}; unknown-section temperature {t} (by-file CV, {len(rows)} statements)")
    for label, proba in (("before", before), (f"after, T {t}", after), ("T by file left out", nested)):
        print(f"{label:>18}, all files: {_calibration_line(proba, gold)}")
        print(f"{label:>18}, written sections: {_calibration_line(proba[written], gold[written])}")


def train(save: bool = True, models_dir: Path | None = None) -> dict:
    """Fit on the training data, export the arrays, save model and sidecar; returns the sidecar's content.

    The files depend on the training data only (no timings, no evaluation
    figures): the same data gives the same bytes.
    """
    from analyzer.narrative.estimator import boilerplate_block

    model = fit_from_repository()
    data = load_training()
    featurizer, models = model.to_linear()
    boiler = fit_boilerplate(chars=model.vectorizers_["chars"])
    models["boilerplate"] = boiler.to_linear()
    featurizer.blocks["boilerplate_signals"] = boilerplate_block()
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in model.get_params().items()}
    meta: dict = {
        "training_data_sha256": training_hash(),
        "training_examples": len(data),
        "boilerplate_training_examples": len(load_boilerplate_training()),
        "boilerplate_params": dict(sorted(BOILERPLATE_PARAMS.items())),
        "training_kinds": dict(sorted(Counter(e.kind for e in data if e.for_kinds).items())),  # what the kind model learnt from
        "category_only_examples": sum(not e.for_kinds for e in data),
        "params": params,
        # how sure a kind read without its section is (classify.apply_priors), fitted on the training files left out in turn
        "unknown_section_temperature": fit_unknown_section_temperature(model, data),
        # Inference needs numpy only; retraining the same bytes needs the same scikit-learn (pinned in pyproject.toml).
        "sklearn_version": _version("sklearn"),
        "numpy_version": _version("numpy"),
        "retrain_command": "python -m analyzer.narrative.train",
    }
    if save:
        npz = (models_dir / MODEL_PATH.name) if models_dir else MODEL_PATH
        sidecar = (models_dir / SIDECAR_PATH.name) if models_dir else SIDECAR_PATH
        classify.save_model(featurizer, models, meta, npz, sidecar)
        from analyzer.narrative import boilerplate

        boilerplate.save_index(boilerplate.build_index(boilerplate.load_phrases()), (models_dir / boilerplate.INDEX_PATH.name) if models_dir else None)
    return meta


def _version(module: str) -> str:
    return __import__(module).__version__


def compare() -> None:
    """Candidate estimators, 5-fold cross-validated on the training data (how the parameters were chosen)."""
    candidates = {
        "chars 1-3 only": {"word_ngram": None, "edge_ngram": None, "cue_weight": 0.0, "category_cue_weight": 0.0},
        "chars + kind cues w=0.5": {"word_ngram": None, "edge_ngram": None, "cue_weight": 0.5, "category_cue_weight": 0.0},
        "chars + words 1-2 + cues w=0.25, no edges": {"edge_ngram": None},
        "chars + words 1-2 + edges 1-3 + cues w=0.25 (chosen)": {},
        "chars + words 1-2 + edges 1-4 + cues w=0.25": {"edge_ngram": (1, 4)},
        "chars + words 1-2 + edges + cues w=0.5": {"cue_weight": 0.5, "category_cue_weight": 0.5},
        "chars + words 1-2 + edges + cues w=1": {"cue_weight": 1.0, "category_cue_weight": 1.0},
        "chars + words 1-2 + edges + cues w=0.1": {"cue_weight": 0.1, "category_cue_weight": 0.1},
        "chars + words 1-2 + edges + cues w=0.25, C=2": {"C_kind": 2.0, "C_category": 2.0},
        "chars + words 1-2 + edges + cues w=0.25, C=32": {"C_kind": 32.0, "C_category": 32.0},
        "chars + words 1-1 + edges + cues w=0.25": {"word_ngram": (1, 1)},
        "chars 2-4 + words 1-2 + edges + cues w=0.25": {"char_ngram": (2, 4)},
    }
    print(f"{'candidate (5-fold CV on the training data)':55s} {'kinds':>7} {'categories':>11}")
    for name, params in candidates.items():
        cv = cross_validate_training(params)
        print(f"{name:55s} {cv['kind_macro_f1']:7.3f} {cv['category_macro_f1']:11.3f}")


# --- thresholds chosen on written training data ---------------------------------------------------------


def repeat_grid(model=None, thresholds=(0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)) -> list[tuple[float, float, float, float]]:
    """(threshold, precision, recall, F1) of "same problem" on ``data/narrative/repeat_pairs.tsv``."""
    from analyzer.narrative.pairing import _vectors, cosine

    model = model or classify.get_model()
    rows = [line.split("\t") for line in (DATA_DIR / "repeat_pairs.tsv").read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    cats = model.predict_category([r[1] for r in rows] + [r[2] for r in rows])
    vecs = _vectors([r[1] for r in rows] + [r[2] for r in rows], getattr(model, "featurizer", None))
    n = len(rows)
    scored = [(r[0] == "same", cosine(vecs[k], vecs[n + k]), cats[k] == cats[n + k]) for k, r in enumerate(rows)]
    out = []
    for t in thresholds:
        pred = [sim >= t and same_cat for _, sim, same_cat in scored]
        out.append((t, *_prf([g for g, _, _ in scored], pred)))
    return out


def pairing_grid(model=None) -> list[tuple[float, float, float, float, float]]:
    """(category weight, threshold, precision, recall, F1) of content pairing on the written training sections.

    Each measure of ``train_sections.tsv`` says which problem it answers. The
    classifier used here is trained without that file, so the categories it
    gives are as wrong as on a new report.
    """
    from analyzer.narrative import pairing
    from analyzer.narrative.context import Item, label_items

    if model is None:
        estimator = fit_from_repository(exclude=("train_sections.tsv",), calibration_folds=0)
        featurizer, models = estimator.to_linear()
        # the parameters inference reads from the sidecar (the first clause's weight) as train() saves them
        model = classify.NarrativeModel(featurizer, models["kind"], models.get("category"), {"params": estimator.get_params()})
    saved = pairing.CATEGORY_WEIGHT, pairing.MIN_CONTENT
    sections = [s for s in training_sections() if s[0].section == "problems"]
    out = []
    try:
        for weight in (0.0, 0.25, 0.5, 1.0):
            for threshold in (0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.6, 0.8):
                pairing.CATEGORY_WEIGHT, pairing.MIN_CONTENT = weight, threshold
                gold, pred = set(), set()
                for sec in sections:
                    items = [Item(e.text, "problems") for e in sec]
                    labelled, pairs = label_items(items, model)
                    problems = [i for i, e in enumerate(sec) if e.kind == "problem"]
                    gold |= {(id(sec), problems[e.answers - 1], i) for i, e in enumerate(sec) if e.kind == "measure" and e.answers}
                    pred |= {(id(sec), p.problem, p.measure) for p in pairs}
                tp = len(gold & pred)
                prec, rec = tp / max(1, len(pred)), tp / max(1, len(gold))
                out.append((weight, threshold, prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0))
    finally:
        pairing.CATEGORY_WEIGHT, pairing.MIN_CONTENT = saved
    return out


UNANSWERED_EVAL = DATA_DIR / "pairing_eval.tsv"


def unanswered_scores(path: Path = UNANSWERED_EVAL) -> dict:
    """How true "问题X未见对应的改进措施" is (``problems.unanswered``) on written sections 五 never trained on.

    Each section of ``path`` (``train_sections.tsv``'s columns; a measure's ``answers`` may list several
    problems) is joined into one text and read as ``analyze`` reads a report's 五: segmented, labelled,
    paired, checked. A claimed problem is matched to the gold problem whose text contains its quote.
    Precision is what a supervisor would find true when checking the finding; recall is over the gold
    problems that no measure answers.
    """
    from analyzer.model import Block, ReportMeta, Section
    from analyzer.narrative import analyze_narrative

    sections: dict[str, list[list[str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sections.setdefault(line.split("\t")[0], []).append(line.split("\t"))
    meta = ReportMeta("2023年政府信息公开工作年度报告", None, None, 2023, "2021")
    claims = true = gold_unanswered = found = 0
    wrong: list[tuple[str, str]] = []
    for sid, rows in sections.items():
        problems = [r[5] for r in rows if r[2] == "problem"]
        answered = {int(n) for r in rows if r[2] == "measure" for n in r[4].split(",") if n.strip().isdigit()}
        unanswered = {k for k in range(1, len(problems) + 1) if k not in answered}
        gold_unanswered += len(unanswered)
        text = "".join(r[5] if r[5].endswith(("。", "；", "：", "！", "？")) else r[5] + "。" for r in rows)
        section = Section("problems", "五、存在的主要问题及改进情况", (Block("paragraph", text),))
        _, findings = analyze_narrative({"problems": section}, meta, None)
        for f in findings:
            if f.rule != "problems.unanswered":
                continue
            for quote in f.data["problems"]:
                claims += 1
                core = quote.rstrip("…")
                k = next((k for k, p in enumerate(problems, 1) if core in p), None)
                if k in unanswered:
                    true += 1
                    found += 1
                else:
                    wrong.append((sid, quote))
    return {
        "sections": len(sections), "gold_unanswered": gold_unanswered, "claims": claims, "true": true,
        "precision": true / claims if claims else None, "recall": found / gold_unanswered if gold_unanswered else None,
        "wrong": wrong,
    }


def _prf(gold: list[bool], pred: list[bool]) -> tuple[float, float, float]:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


# --- command line ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.narrative.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evaluate", action="store_true", help="score the saved model on the held-out real statements")
    parser.add_argument("--unanswered", action="store_true", help="precision and recall of problems.unanswered on the written evaluation sections (data/narrative/pairing_eval.tsv)")
    parser.add_argument("--compare", action="store_true", help="compare candidate estimators by cross-validation on the training data")
    parser.add_argument("--compare-files", nargs="?", const="", metavar="NEW_FILE", help="leave-one-training-file-out scores; with NEW_FILE, on the other files with and without it")
    parser.add_argument("--compare-boilerplate", action="store_true", help="compare boilerplate models by cross-validation on boilerplate_train.tsv")
    parser.add_argument("--calibration", action="store_true", help="the kind probability without the section, by cross-validation by training file")
    parser.add_argument("--pairing", action="store_true", help="the problem–measure pairing weights on the written training sections")
    parser.add_argument("--repeats", action="store_true", help="the same-problem threshold on the written pairs of data/narrative/repeat_pairs.tsv")
    args = parser.parse_args(argv)
    if REPO is None:
        print(resources.NO_CHECKOUT, file=sys.stderr)
        return 2
    try:
        return _run(args)
    except AnalyzerError as exc:  # a missing or incompatible model: one line, no traceback
        print(exc, file=sys.stderr)
        return 2


def run_evaluation(model=None) -> int:
    """Print everything ``--evaluate`` shows."""
    model = model or classify.load_model_file()
    meta = model.meta if hasattr(model, "meta") else {}
    examples, skipped = load_eval()
    print(f"model {meta.get('model_version')} · training data sha256 {meta.get('training_data_sha256', '')[:16]}… · {meta.get('training_examples')} training statements")
    agree = agreement()
    print("\n== agreement of the two labellers (blind to each other; disagreements adjudicated into the gold labels)")
    for name, r in agree.items():
        print(f"{name:>12}: Cohen's κ {r['kappa']:.3f}, raw agreement {r['agreement']:.3f} on {r['n']} statements")
    if not examples:
        print("评估数据不可用：../shared/corpus-real 不存在，且仓库内种子语料缺失。")
        return 0
    if skipped:
        print(f"({skipped} evaluation references skipped: their source file is absent or changed)")
    print()
    modes = (
        (True, True, False, "with the section, in reading order (as `analyzer analyze` reads a section)"),
        (True, True, True, "with the section, each section's statements of all reports as one file (as `analyzer classify --section` reads it)"),
        (True, False, False, "with the section, each statement alone (one line given to `analyzer classify --section`)"),
        (False, False, False, "without the section (as `analyzer classify` runs)"),
    )
    for use_section, in_order, as_lines, label in modes:
        res = evaluate(model, examples, use_section, in_order, as_lines)
        print_evaluation(res, f"held-out real statements, {label}")
        correct = np.asarray([p == e.kind for p, e in zip(res["kind_pred"], examples)])
        print(
            "kind probability calibration (bin, statements, share correct): "
            + "; ".join(f"{b} {n} {c:.2f}" for b, n, c in calibration_table(correct, res["kind_confidence"]))
            + f"; ECE {expected_calibration_error(correct, res['kind_confidence']):.3f}"
        )
        print(
            "category probability calibration (bin, categories given, share equal to gold): "
            + "; ".join(f"{b} {n} {c:.2f}" for b, n, c in calibration_table(res["category_correct"], res["category_confidence"]))
            + f"; ECE {expected_calibration_error(res['category_correct'], res['category_confidence']):.3f}"
        )
        print()
    rows, skipped_b = load_boilerplate_eval()
    if skipped_b:
        print(f"({skipped_b} boilerplate references skipped: their source file is absent or changed)")
    for use_section, label in ((True, "with the section"), (False, "without the section")):
        print_boilerplate(evaluate_boilerplate(rows, use_section), label)
        print()
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.compare:
        compare()
        return 0
    if args.compare_files is not None:
        compare_files(args.compare_files or None)
        return 0
    if args.compare_boilerplate:
        compare_boilerplate()
        return 0
    if args.calibration:
        print_unknown_section_calibration()
        return 0
    if args.unanswered:
        got = unanswered_scores()
        fmt = lambda x: "—" if x is None else f"{x:.3f}"  # noqa: E731
        print(f"problems.unanswered on {got['sections']} written sections 五 never trained on: {got['claims']} problems claimed, "
              f"{got['true']} truly unanswered (precision {fmt(got['precision'])}); {got['gold_unanswered']} problems unanswered "
              f"in gold (recall {fmt(got['recall'])})")
        for sid, quote in got["wrong"]:
            print(f"  claimed but answered: {sid} “{quote}”")
        return 0
    if args.pairing:
        print(f"{'category weight':>15} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
        for row in pairing_grid():
            print(f"{row[0]:15.2f} {row[1]:9.2f} {row[2]:9.3f} {row[3]:7.3f} {row[4]:6.3f}")
        return 0
    if args.repeats:
        print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
        for row in repeat_grid():
            print(f"{row[0]:9.2f} {row[1]:9.3f} {row[2]:7.3f} {row[3]:6.3f}")
        return 0
    if args.evaluate:
        return run_evaluation()
    meta = train()
    print(f"saved {MODEL_PATH.relative_to(REPO)} ({MODEL_PATH.stat().st_size / 1e6:.2f} MB) and {SIDECAR_PATH.name}; "
          f"{meta['training_examples']} training statements, kinds {meta['training_kinds']}, {meta['category_only_examples']} for the categories only")
    return 0


if __name__ == "__main__":
    sys.exit(main())
