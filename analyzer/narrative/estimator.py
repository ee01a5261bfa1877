"""The statement classifier as a scikit-learn estimator: training only.

:class:`StatementClassifier` follows scikit-learn's conventions (parameters
stored in ``__init__``, ``fit`` returns ``self``, fitted state ends in ``_``,
``check_is_fitted`` before predicting). After ``fit`` it exports itself with
:meth:`StatementClassifier.to_linear` into the arrays that inference reads with
numpy alone (:mod:`analyzer.narrative.linear`): the analysis never imports
this module nor scikit-learn.

Two logistic regressions share the text features (character 1–3-grams and
jieba words of :mod:`analyzer.narrative.features`, TF-IDF fitted on all
training texts): one gives every statement its kind (five kinds, ``other``
for text that is not about disclosure work), with the statement's edges (how it
opens and ends) and the kind cue block; the
other gives problems and measures a category, with the taxonomy's cue words.
Each model's probabilities are calibrated by a temperature fitted on
out-of-fold logits of the *training* data (stratified k-fold), so that a
probability of 0.6 is right about 60 % of the time on statements like the
training ones, and a low one says "uncertain".
"""

from __future__ import annotations

from functools import partial
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from analyzer.narrative import features as ft
from analyzer.narrative import linear


def _vectorizer(analyzer: str, ngram: tuple[int, int], min_df: int) -> TfidfVectorizer:
    fn = ft.ANALYZERS[analyzer]
    return TfidfVectorizer(analyzer=partial(fn, lo=ngram[0], hi=ngram[1]), sublinear_tf=True, min_df=min_df, dtype=np.float64)


def _cue_matrix(block: ft.CueBlock, texts: Sequence[str]) -> sparse.csr_matrix:
    return sparse.csr_matrix(np.asarray([block.values(t) for t in texts], dtype=np.float64).reshape(len(texts), len(block.names)))


def fit_temperature(logits: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The temperature T minimising the (weighted) negative log-likelihood of softmax(logits / T).

    A one-dimensional convex problem in log T: golden-section search on [0.05, 20].
    """
    w = np.ones(len(y)) if weights is None else weights

    def nll(log_t: float) -> float:
        p = linear.softmax(logits / np.exp(log_t))
        return float(-(w * np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None))).sum() / w.sum())

    lo, hi = np.log(0.05), np.log(20.0)
    g = (np.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    for _ in range(80):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return float(round(np.exp((lo + hi) / 2), 6))


class LinearBlend:
    """A logistic regression and a complement naive Bayes on the same features, as one linear model.

    Both are linear in the features: the regression's logits ``x·Wᵀ + b`` and the naive Bayes's joint
    log-likelihoods ``x·Fᵀ`` (``F`` its ``feature_log_prob_``). ``(1 − w)·log p_lr + w·log p_nb`` differs
    from ``(1 − w)·(x·Wᵀ + b) + w·x·Fᵀ`` by a constant per text, which a softmax drops: the blend is one
    coefficient matrix, exported and read at inference as any other (no second model to compute).
    """

    def __init__(self, lr: LogisticRegression, nb: ComplementNB, weight: float):
        self.classes_ = lr.classes_
        coef, intercept = np.asarray(lr.coef_), np.asarray(lr.intercept_)
        if coef.shape[0] == 1:  # scikit-learn's binary case: one row for classes_[1]; the blend needs both
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
        self.coef_ = (1 - weight) * coef + weight * np.asarray(nb.feature_log_prob_)
        self.intercept_ = (1 - weight) * intercept

    def decision_function(self, X) -> np.ndarray:
        return np.asarray(X @ self.coef_.T) + self.intercept_


class StatementClassifier(ClassifierMixin, BaseEstimator):
    """Kind of a statement (five kinds), and category of a problem or measure, with calibrated probabilities.

    ``fit(X, y, categories=...)``: ``X`` texts, ``y`` kinds, ``categories`` the
    category of each problem/measure ("" or None elsewhere).
    """

    def __init__(
        self,
        C_kind: float = 16.0,
        C_category: float = 8.0,
        char_ngram: tuple[int, int] = (1, 3),
        word_ngram: tuple[int, int] | None = (1, 2),
        edge_ngram: tuple[int, int] | None = (1, 3),
        min_df: int = 1,
        class_weight: str | None = "balanced",
        cue_weight: float = 0.25,
        cue_groups: tuple[str, ...] | None = None,
        category_cue_weight: float = 0.25,
        category_nb_weight: float = 0.2,
        category_nb_alpha: float = 0.1,
        category_first_clause_weight: float = 0.3,
        calibration_folds: int = 5,
        random_state: int = 0,
    ):
        self.C_kind = C_kind
        self.C_category = C_category
        self.char_ngram = char_ngram
        self.word_ngram = word_ngram
        self.edge_ngram = edge_ngram
        self.min_df = min_df
        self.class_weight = class_weight
        self.cue_weight = cue_weight
        self.cue_groups = cue_groups
        self.category_cue_weight = category_cue_weight
        self.category_nb_weight = category_nb_weight
        self.category_nb_alpha = category_nb_alpha
        self.category_first_clause_weight = category_first_clause_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    # --- pieces ---------------------------------------------------------------------------------

    def _text_vectorizers(self) -> dict[str, TfidfVectorizer]:
        out = {"chars": _vectorizer("chars", self.char_ngram, self.min_df)}
        if self.word_ngram:
            out["words"] = _vectorizer("words", self.word_ngram, self.min_df)
        if self.edge_ngram:
            out["edges"] = _vectorizer("edges", self.edge_ngram, self.min_df)
        return out

    def _cue_blocks(self) -> dict[str, ft.CueBlock]:
        out = {}
        if self.cue_weight:
            out["kind_cues"] = ft.kind_cue_block(self.cue_weight, self.cue_groups)
        if self.category_cue_weight:
            out["category_cues"] = ft.category_cue_block(self.category_cue_weight)
        return out

    def _matrix(self, vectorizers, cues, texts: Sequence[str], names: Sequence[str]) -> sparse.csr_matrix:
        parts = [vectorizers[n].transform(texts) if n in vectorizers else _cue_matrix(cues[n], texts) for n in names]
        return sparse.hstack(parts, format="csr")

    def _lr(self, C: float) -> LogisticRegression:
        return LogisticRegression(C=C, max_iter=5000, class_weight=self.class_weight, random_state=self.random_state)

    def _fit_once(self, X: list[str], y: list[str], cats: list[str | None], for_kinds: list[bool] | None = None):
        """Vectorizers and the kind model fitted on the rows ``for_kinds`` (all by default), the category model on
        every problem and measure with a category (or None).

        Rows written for the categories alone change neither the vocabularies nor the idf weights, so the
        kind model is the one it would be without them.
        """
        kx = list(range(len(X))) if for_kinds is None else [i for i, keep in enumerate(for_kinds) if keep]
        vectorizers = {n: v.fit([X[i] for i in kx]) for n, v in self._text_vectorizers().items()}
        cues = self._cue_blocks()
        text_names = list(vectorizers)
        kind_names = text_names + (["kind_cues"] if "kind_cues" in cues else [])
        # How a statement opens and ends tells its kind, not its topic: the edges are the kind model's only
        # (by-file CV: categories 0.928 with them in both models → 0.916).
        cat_names = [n for n in text_names if n != "edges"] + (["category_cues"] if "category_cues" in cues else [])
        kind = self._lr(self.C_kind).fit(self._matrix(vectorizers, cues, [X[i] for i in kx], kind_names), [y[i] for i in kx])
        idx = [i for i, (k, c) in enumerate(zip(y, cats)) if k in ("problem", "measure") and c]
        category = None
        if idx:
            matrix, labels = self._matrix(vectorizers, cues, [X[i] for i in idx], cat_names), [cats[i] for i in idx]
            category = self._lr(self.C_category).fit(matrix, labels)
            if self.category_nb_weight and len(category.classes_) > 1:
                # Naive Bayes counts every word a category's rows hold, where the regression keeps the few that
                # separate the training rows best; blended in, the rare categories' other words still count
                # (by-file CV of the categories 0.939 → 0.947, weight 0.2 and alpha 0.1).
                category = LinearBlend(category, ComplementNB(alpha=self.category_nb_alpha).fit(matrix, labels), self.category_nb_weight)
        return vectorizers, cues, (kind_names, kind), (cat_names, category)

    # --- scikit-learn API -----------------------------------------------------------------------

    def fit(
        self,
        X: Sequence[str],
        y: Sequence[str],
        categories: Sequence[str | None] | None = None,
        groups: Sequence[str] | None = None,
        for_kinds: Sequence[bool] | None = None,
    ):
        """Fit both models and their temperatures.

        ``groups`` (optional) names where each text comes from (its training
        file): the temperatures are then fitted on logits of texts whose group
        was left out, which is closer to reading a new report than shuffled folds.
        ``for_kinds`` (optional) says which rows the kind model learns from; the
        others (problems and measures written for their category) teach the
        category model only. With calibration folds, ``kind_oof_logits_`` keeps the out-of-fold kind
        logits of every row (before the temperature), on which more can be calibrated (the kind read
        without its section, :func:`analyzer.narrative.train.fit_unknown_section_temperature`).
        """
        X, y = list(X), list(y)
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} texts but y has {len(y)} kinds")
        unknown = sorted(set(y) - set(ft.KINDS))
        if unknown:
            raise ValueError(f"Unknown kind(s) {unknown}; valid: {list(ft.KINDS)}")
        cats = [c or None for c in (categories if categories is not None else [None] * len(X))]
        bad = sorted({c for k, c in zip(y, cats) if c and k in ("problem", "measure")} - set(ft.CATEGORIES))
        if bad:
            raise ValueError(f"Unknown categor(y/ies) {bad}; valid: {list(ft.CATEGORIES)}")
        mask = None if for_kinds is None else [bool(k) for k in for_kinds]
        if mask is not None and len(mask) != len(X):
            raise ValueError(f"X has {len(X)} texts but for_kinds has {len(mask)} entries")
        self.vectorizers_, self.cues_, (self.kind_blocks_, self.kind_model_), (self.category_blocks_, self.category_model_) = self._fit_once(X, y, cats, mask)
        self.classes_ = self.kind_model_.classes_
        self.categories_ = self.category_model_.classes_ if self.category_model_ is not None else np.array([], dtype=object)
        self.kind_temperature_, self.category_temperature_ = self._calibrate(X, y, cats, list(groups) if groups is not None else None, mask)
        return self

    def _folds(self, X: list[str], y: list[str], groups: list[str] | None):
        if groups is None or len(set(groups)) < 2:
            return StratifiedKFold(self.calibration_folds, shuffle=True, random_state=self.random_state).split(X, y)
        names = sorted(set(groups))
        return [
            (np.asarray([i for i, g in enumerate(groups) if g != name]), np.asarray([i for i, g in enumerate(groups) if g == name]))
            for name in names
        ]

    def _calibrate(self, X: list[str], y: list[str], cats: list[str | None], groups: list[str] | None = None, for_kinds: list[bool] | None = None) -> tuple[float, float]:
        """Temperatures from out-of-fold logits of the training data (never the evaluation set)."""
        if not self.calibration_folds:
            return 1.0, 1.0
        kind_logits = np.zeros((len(X), len(self.classes_)))
        cat_idx = [i for i, (k, c) in enumerate(zip(y, cats)) if k in ("problem", "measure") and c]
        cat_logits = np.zeros((len(cat_idx), len(self.categories_)))
        pos = {i: n for n, i in enumerate(cat_idx)}
        for train, test in self._folds(X, y, groups):
            vec, cues, (kn, km), (cn, cm) = self._fit_once(
                [X[i] for i in train], [y[i] for i in train], [cats[i] for i in train], None if for_kinds is None else [for_kinds[i] for i in train]
            )
            kind_logits[test] = _full_logits(km, self._matrix(vec, cues, [X[i] for i in test], kn), self.classes_)
            held = [i for i in test if i in pos]
            if cm is not None and held:
                cat_logits[[pos[i] for i in held]] = self._category_logits(cm, vec, cues, cn, [X[i] for i in held])
        self.kind_oof_logits_ = kind_logits
        kx = [i for i in range(len(X)) if for_kinds is None or for_kinds[i]]
        yk = [y[i] for i in kx]
        t_kind = fit_temperature(kind_logits[kx], np.searchsorted(self.classes_, yk), compute_sample_weight("balanced", yk))
        t_cat = 1.0
        if cat_idx:
            yc_labels = [cats[i] for i in cat_idx]
            t_cat = fit_temperature(cat_logits, np.searchsorted(self.categories_, yc_labels), compute_sample_weight("balanced", yc_labels))
        return t_kind, t_cat

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Kind logits, columns in ``classes_`` order (before the temperature)."""
        check_is_fitted(self, "kind_model_")
        return _full_logits(self.kind_model_, self._matrix(self.vectorizers_, self.cues_, list(X), self.kind_blocks_), self.classes_)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated kind probabilities, columns in ``classes_`` order."""
        return linear.softmax(self.decision_function(X) / self.kind_temperature_)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def category_decision_function(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "kind_model_")
        if self.category_model_ is None:
            return np.zeros((len(X), 0))
        return self._category_logits(self.category_model_, self.vectorizers_, self.cues_, self.category_blocks_, list(X))

    def _category_logits(self, model, vectorizers, cues, names, texts: list[str]) -> np.ndarray:
        """The category logits of the whole text, mixed with those of its first clause (:func:`features.first_clause`).

        ``(1 − w)·z(text) + w·z(first clause)``: a statement of several areas is filed under the first one
        (by-file CV of the categories 0.947 → 0.950 at w 0.3; 0.947–0.950 for w 0.2–0.4 and heads of 8–16
        characters). Inference computes the same (:func:`analyzer.narrative.linear.with_first_clause`).
        """
        return linear.with_first_clause(
            texts, lambda ts: _full_logits(model, self._matrix(vectorizers, cues, ts, names), self.categories_), self.category_first_clause_weight
        )

    def predict_category_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated category probabilities, columns in ``categories_`` order."""
        z = self.category_decision_function(X)
        return linear.softmax(z / self.category_temperature_) if z.shape[1] else z

    def predict_category(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_category_proba(X)
        return self.categories_[proba.argmax(axis=1)]

    # --- export -----------------------------------------------------------------------------------

    def to_linear(self) -> tuple[linear.Featurizer, dict[str, linear.LinearModel]]:
        """The arrays inference needs (:mod:`analyzer.narrative.linear`)."""
        check_is_fitted(self, "kind_model_")
        blocks: dict[str, linear.Block] = {}
        for name, vec in self.vectorizers_.items():
            fn = vec.analyzer
            vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
            blocks[name] = linear.TextBlock(name, name, (fn.keywords["lo"], fn.keywords["hi"]), vocab, np.asarray(vec.idf_, dtype=np.float64))
        for name, cue in self.cues_.items():
            blocks[name] = linear.CueColumns(name, cue)
        models = {"kind": _export(self.kind_model_, self.kind_blocks_, self.kind_temperature_)}
        if self.category_model_ is not None:
            models["category"] = _export(self.category_model_, self.category_blocks_, self.category_temperature_)
        return linear.Featurizer(blocks), models


def _full_logits(model: LogisticRegression | LinearBlend, X, classes: np.ndarray) -> np.ndarray:
    """Logits for every class of ``classes`` (a fold may lack a class: it gets -inf-like logits)."""
    z = model.decision_function(X)
    if z.ndim == 1:
        z = np.column_stack([np.zeros_like(z), z])
    if list(model.classes_) == list(classes):
        return z
    out = np.full((z.shape[0], len(classes)), -30.0)
    out[:, np.searchsorted(classes, model.classes_)] = z
    return out


def _export(model: LogisticRegression | LinearBlend, blocks: list[str], temperature: float) -> linear.LinearModel:
    return linear.LinearModel(tuple(blocks), tuple(str(c) for c in model.classes_), np.asarray(model.coef_, dtype=np.float64), np.asarray(model.intercept_, dtype=np.float64), temperature)


class BoilerplateClassifier(ClassifierMixin, BaseEstimator):
    """Boilerplate yes/no from the boilerplate signals (:func:`analyzer.narrative.boilerplate.features`)
    and, optionally, the statement's character n-grams (the statement classifier's own vectorizer).

    ``fit(X, y, chars=None)``: ``y`` is "yes"/"no"; ``chars`` a fitted character
    n-gram vectorizer (:attr:`StatementClassifier.vectorizers_` ``["chars"]``),
    so that inference shares the classifier's rows.
    """

    def __init__(self, C: float = 1.0, use_chars: bool = True, signal_weight: float = 1.0, calibration_folds: int = 5, random_state: int = 0):
        self.C = C
        self.use_chars = use_chars
        self.signal_weight = signal_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    def _matrix(self, X: Sequence[str]) -> sparse.csr_matrix:
        from analyzer.narrative.boilerplate import features

        signals = sparse.csr_matrix(np.asarray([features(t) for t in X], dtype=np.float64).reshape(len(X), -1) * self.signal_weight)
        if self.use_chars and self.chars_ is not None:
            return sparse.hstack([self.chars_.transform(X), signals], format="csr")
        return signals

    def fit(self, X: Sequence[str], y: Sequence[str], chars: TfidfVectorizer | None = None):
        X, y = list(X), list(y)
        if set(y) - {"yes", "no"}:
            raise ValueError(f"Unknown label(s) {sorted(set(y) - {'yes', 'no'})}; valid: ['no', 'yes']")
        if self.use_chars and chars is None:
            chars = _vectorizer("chars", (1, 3), 1).fit(X)
        self.chars_ = chars if self.use_chars else None
        lr = lambda: LogisticRegression(C=self.C, max_iter=5000, class_weight="balanced", random_state=self.random_state)  # noqa: E731
        self.model_ = lr().fit(self._matrix(X), y)
        self.classes_ = self.model_.classes_
        self.temperature_ = 1.0
        if self.calibration_folds:
            z = np.zeros((len(X), 2))
            for train, test in StratifiedKFold(self.calibration_folds, shuffle=True, random_state=self.random_state).split(X, y):
                m = lr().fit(self._matrix([X[i] for i in train]), [y[i] for i in train])
                z[test] = _full_logits(m, self._matrix([X[i] for i in test]), self.classes_)
            self.temperature_ = fit_temperature(z, np.searchsorted(self.classes_, y), compute_sample_weight("balanced", y))
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "model_")
        return linear.softmax(_full_logits(self.model_, self._matrix(list(X)), self.classes_) / self.temperature_)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def to_linear(self) -> linear.LinearModel:
        """The exported model: blocks ``chars`` (shared with the statement classifier) and ``boilerplate_signals``."""
        from analyzer.narrative.boilerplate import FEATURE_NAMES

        check_is_fitted(self, "model_")
        blocks = (("chars",) if self.chars_ is not None else ()) + ("boilerplate_signals",)
        coef = np.asarray(self.model_.coef_, dtype=np.float64)
        if self.signal_weight != 1.0:  # fold the weight into the coefficients: inference computes raw signals
            coef = coef.copy()
            coef[:, -len(FEATURE_NAMES) :] *= self.signal_weight
        return linear.LinearModel(blocks, tuple(str(c) for c in self.classes_), coef, np.asarray(self.model_.intercept_, dtype=np.float64), self.temperature_)


def boilerplate_block() -> linear.FunctionColumns:
    from analyzer.narrative.boilerplate import FEATURE_NAMES

    return linear.FunctionColumns("boilerplate_signals", "boilerplate", tuple(FEATURE_NAMES))
