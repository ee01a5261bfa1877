"""Retrain and evaluate the statement classifier.

    python -m analyzer.narrative.train              # retrain from data/narrative/, save under models/
    python -m analyzer.narrative.train --evaluate   # per-class scores on the held-out real statements
    python -m analyzer.narrative.train --compare    # the estimator comparison behind the model choice

Training data (``data/narrative/train_*.tsv``) is written by the team.
Evaluation data (``data/narrative/eval_refs.tsv``) are hand-labelled
statements of real reports, stored as references (file, offset and length in
the whitespace-free text, sha1 prefix): the text of ``../shared/corpus-real``
is read at run time and never copied into the repository; rows whose file is
absent are skipped. Both live only in a source checkout, not in the wheel.

This module imports :mod:`analyzer.narrative.classify` (the estimator and its
persistence); classify never imports this one: the analysis loads the shipped
model and never trains.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from analyzer import resources
from analyzer.errors import AnalyzerError
from analyzer.narrative import classify
from analyzer.narrative.classify import KIND_CUES, KINDS, MODEL_PATH, SIDECAR_PATH, StatementClassifier

REPO = resources.checkout()  # None when installed from a wheel: the data stays in the repository
DATA_DIR = REPO / "data" / "narrative" if REPO else None
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


def training_files() -> list[Path]:
    return sorted(DATA_DIR.glob("train_*.tsv"))


def load_training() -> list[Example]:
    """Every labelled training statement, in file order."""
    out = []
    for path in training_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, cat, text = line.split("\t")
            out.append(Example(text=text, kind=kind, category=None if cat in ("", "-") else cat, source=path.name))
    return out


def training_hash() -> str:
    """sha256 over the training files, so the sidecar says exactly what the model saw."""
    h = hashlib.sha256()
    for path in training_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def resolve_source(source: str) -> Path:
    if source.startswith("corpus-real/"):
        return SHARED / source
    return REPO / source


def load_eval(path: Path | None = None) -> tuple[list[Example], int]:
    """Held-out real statements; returns (examples, rows skipped because their file is absent or changed)."""
    path = path or DATA_DIR / "eval_refs.tsv"
    flats: dict[Path, str | None] = {}
    out, skipped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        source, section, offset, length, sha, kind, cat, *_ = line.split("\t")
        text = referenced_text(source, int(offset), int(length), sha, flats)
        if text is None:
            skipped += 1
            continue
        out.append(Example(text=text, kind=kind, category=cat or None, section=section, source=source))
    return out, skipped


def referenced_text(source: str, offset: int, length: int, sha: str, flats: dict[Path, str | None]) -> str | None:
    """The statement a labelled row points at (offset and length in the flat text of ``source``),
    or None when the file is absent or no longer holds the text its sha1 prefix names.

    ``flats`` caches each file's flat text across the rows of one labelled file.
    """
    file = resolve_source(source)
    if file not in flats:
        flats[file] = flat_text(file.read_text(encoding="utf-8")) if file.is_file() else None
    flat = flats[file]
    text = flat[offset : offset + length] if flat is not None else None
    if text is None or hashlib.sha1(text.encode()).hexdigest()[:12] != sha:
        return None
    return text


def fit_from_repository(**params):
    """A model fitted on the repository's training data (deterministic)."""
    data = load_training()
    return StatementClassifier(**params).fit([e.text for e in data], [e.kind for e in data], categories=[e.category for e in data])


# --- evaluation ---------------------------------------------------------------------------


def evaluate(model, examples: list[Example], use_section: bool = True, text_prior: str | None = None) -> dict:
    """Kind and category predictions against the labels, with sklearn's reports.

    ``use_section=False`` is what `analyzer classify` does: the text alone,
    with the model's own balanced posterior (``text_prior=None``) or under
    the prior of a sentence of unknown section (``text_prior="report"``).
    """
    from sklearn.metrics import classification_report, confusion_matrix, f1_score

    texts = [e.text for e in examples]
    kp = model.predict_proba(texts)
    kinds_pred = []
    for i, e in enumerate(examples):
        probs = dict(zip(model.classes_, kp[i]))
        probs = classify.apply_priors(probs, e.section if use_section else text_prior)
        kinds_pred.append(max(sorted(probs), key=probs.get))
    kinds_true = [e.kind for e in examples]
    kind_labels = [k for k in KINDS if k in set(kinds_true) | set(kinds_pred)]
    cat_ex = [e for e in examples if e.kind in ("problem", "measure") and e.category]
    cats_pred = list(model.predict_category([e.text for e in cat_ex])) if cat_ex else []
    cats_true = [e.category for e in cat_ex]
    cat_labels = sorted(set(cats_true) | set(cats_pred))
    return {
        "n": len(examples),
        "kind_macro_f1": f1_score(kinds_true, kinds_pred, labels=kind_labels, average="macro", zero_division=0),
        "kind_accuracy": sum(a == b for a, b in zip(kinds_true, kinds_pred)) / max(1, len(examples)),
        "kind_report": classification_report(kinds_true, kinds_pred, labels=kind_labels, digits=3, zero_division=0),
        "kind_confusion": (kind_labels, confusion_matrix(kinds_true, kinds_pred, labels=kind_labels)),
        "n_category": len(cat_ex),
        "category_macro_f1": f1_score(cats_true, cats_pred, labels=sorted(set(cats_true)), average="macro", zero_division=0) if cat_ex else 0.0,
        "category_accuracy": sum(a == b for a, b in zip(cats_true, cats_pred)) / max(1, len(cat_ex)),
        "category_report": classification_report(cats_true, cats_pred, labels=cat_labels, digits=3, zero_division=0) if cat_ex else "",
        "category_confusion": (cat_labels, confusion_matrix(cats_true, cats_pred, labels=cat_labels) if cat_ex else None),
    }


def _print_confusion(title: str, labels: list[str], matrix) -> None:
    if matrix is None:
        return
    short = [lab[:6] for lab in labels]
    print(f"\n{title} (rows = true, columns = predicted)")
    print(" " * 28 + " ".join(f"{s:>6}" for s in short))
    for lab, row in zip(labels, matrix):
        print(f"{lab:>27} " + " ".join(f"{v:>6}" for v in row))


def print_evaluation(res: dict, label: str) -> None:
    print(f"== {label}: {res['n']} statements, {res['n_category']} problems/measures with a category")
    print(f"kinds: macro-F1 {res['kind_macro_f1']:.3f}, accuracy {res['kind_accuracy']:.3f}")
    print(res["kind_report"])
    _print_confusion("kind confusion matrix", *res["kind_confusion"])
    print(f"\ncategories: macro-F1 {res['category_macro_f1']:.3f}, accuracy {res['category_accuracy']:.3f}")
    print(res["category_report"])
    _print_confusion("category confusion matrix", *res["category_confusion"])


def cross_validate_training(params: dict | None = None, folds: int = 5) -> dict:
    """Stratified k-fold scores on the training data (a sanity check, not the headline figure)."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    data = load_training()
    y = [e.kind for e in data]
    kt, kp, ct, cp = [], [], [], []
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=0).split(data, y):
        m = StatementClassifier(**(params or {})).fit([data[i].text for i in tr], [y[i] for i in tr], categories=[data[i].category for i in tr])
        kt += [y[i] for i in te]
        kp += list(m.predict([data[i].text for i in te]))
        cat_idx = [i for i in te if data[i].category]
        ct += [data[i].category for i in cat_idx]
        cp += list(m.predict_category([data[i].text for i in cat_idx]))
    return {"kind_macro_f1": f1_score(kt, kp, average="macro"), "category_macro_f1": f1_score(ct, cp, average="macro")}


def train(save: bool = True) -> dict:
    """Fit on the training data, score on the held-out data, save model and sidecar."""
    # No timings in the sidecar: retraining the same data must give the same files.
    model = fit_from_repository()
    data = load_training()
    examples, skipped = load_eval()
    meta: dict = {
        "training_data_sha256": training_hash(),
        "training_examples": len(data),
        "params": model.get_params(),
        "kinds": list(model.classes_),
        "categories": list(model.categories_),
        "retrain_command": "python -m analyzer.narrative.train",
    }
    cv = cross_validate_training()
    meta["training_cv5"] = {k: round(v, 4) for k, v in cv.items()}
    if examples:
        res = evaluate(model, examples)
        raw = evaluate(model, examples, use_section=False)
        meta["heldout"] = {
            "statements": res["n"],
            "skipped_refs": skipped,
            "kind_macro_f1_with_section": round(res["kind_macro_f1"], 4),
            "kind_macro_f1_text_only": round(raw["kind_macro_f1"], 4),
            "category_macro_f1": round(res["category_macro_f1"], 4),
            "category_accuracy": round(res["category_accuracy"], 4),
        }
    if save:
        classify.save_model(model, meta)
        print(f"saved {MODEL_PATH.relative_to(REPO)} ({MODEL_PATH.stat().st_size / 1e6:.2f} MB)")
    return meta


def compare() -> None:
    """Held-out scores of the candidate estimators (why logistic regression on char+word features)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    examples, _ = load_eval()
    if not examples:
        print("评估数据不可用（../shared/corpus-real 不存在）")
        return
    data = load_training()
    candidates = {
        "LR char1-3, no cues (before)": {"cue_weight": 0.0},
        "LR char1-3 + all cues w=0.25": {"cue_weight": 0.25, "cue_groups": None},
        "LR char1-3 + all cues w=0.5": {"cue_weight": 0.5, "cue_groups": None},
        "LR char1-3 + 5 cues w=0.5 (no agent)": {"cue_groups": tuple(c for c in KIND_CUES if c != "ach_agent")},
        "LR char1-3 + 6 cues w=0.25": {"cue_weight": 0.25},
        "LR char1-3 + 6 cues w=0.5 (chosen)": {},
        "LR char1-3 + 6 cues + jieba words1-2": {"word_ngram": (1, 2)},
        "LR char1-3 + 6 cues, C=2": {"C_kind": 2.0, "C_category": 2.0},
        "LR char1-3 + 6 cues, C=32": {"C_kind": 32.0, "C_category": 32.0},
        "LR char1-3 + 6 cues, no class weights": {"class_weight": None},
    }
    print(f"{'candidate':40s} {'kinds (section)':>16} {'kinds (text only)':>18} {'(report prior)':>15} {'categories':>11}")

    def show(name: str, model) -> None:
        r, t = evaluate(model, examples), evaluate(model, examples, use_section=False)
        u = evaluate(model, examples, use_section=False, text_prior="report")
        print(f"{name:40s} {r['kind_macro_f1']:16.3f} {t['kind_macro_f1']:18.3f} {u['kind_macro_f1']:15.3f} {r['category_macro_f1']:11.3f}")

    for name, params in candidates.items():
        show(name, fit_from_repository(**params))
    m = StatementClassifier()
    m._model = lambda C, cues=False, _m=m: make_pipeline(  # type: ignore[method-assign]
        classify._features((1, 3), None, 1, 0.5 if cues else 0.0, KIND_CUES),
        CalibratedClassifierCV(LinearSVC(C=0.5, class_weight="balanced", random_state=0), cv=3),
    )
    m.fit([e.text for e in data], [e.kind for e in data], categories=[e.category for e in data])
    show("LinearSVC calibrated (sigmoid, cv=3) + 6 cues", m)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.narrative.train", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--evaluate", action="store_true", help="score the saved model on the held-out real statements")
    parser.add_argument("--compare", action="store_true", help="compare candidate estimators on the held-out data")
    args = parser.parse_args(argv)
    if REPO is None:
        print(resources.NO_CHECKOUT, file=sys.stderr)
        return 2
    try:
        return _run(args)
    except AnalyzerError as exc:  # a missing or incompatible model: one line, no traceback
        print(exc, file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.compare:
        compare()
        return 0
    if args.evaluate:
        model = classify.load_model_file()
        meta = classify.read_sidecar(SIDECAR_PATH)
        examples, skipped = load_eval()
        print(f"model {meta.get('model_version')} · training data sha256 {meta.get('training_data_sha256', '')[:16]}… · {meta.get('training_examples')} training statements")
        if not examples:
            print("评估数据不可用：../shared/corpus-real 不存在，且仓库内种子语料缺失。")
            return 0
        if skipped:
            print(f"({skipped} evaluation references skipped: their source file is absent or changed)")
        print_evaluation(evaluate(model, examples), "held-out real statements, with section priors (as the analyzer runs)")
        print()
        raw = evaluate(model, examples, use_section=False)
        print(f"== text only (as `analyzer classify` runs): kinds macro-F1 {raw['kind_macro_f1']:.3f}, accuracy {raw['kind_accuracy']:.3f}")
        print(raw["kind_report"])
        _print_confusion("kind confusion matrix, text only", *raw["kind_confusion"])
        return 0
    meta = train()
    print({k: v for k, v in meta.items() if k not in ("params",)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
